//! Organisations (formal ones, units, focus groups, working groups, networks, initiatives),
//! their qualified memberships, and the people who hold their posts.

use super::naming::{OrgKind, OrgName};
use super::quads::FIRST_SOURCE;
use super::rng::{pair, Rng, TAG_MEMBERSHIP};
use super::tables::*;
use super::terms::*;
use super::text::{capitalized, fill};
use super::{Generator, HUB_ORGANIZATIONS};
use std::io::Write;

impl<W: Write> Generator<W> {
    /// Registers a new organisation and returns its number.
    fn new_organization(&mut self, kind: OrgKind, parent: Option<u32>) -> u32 {
        let id = self.org_kind.len() as u32;
        self.org_kind.push(kind);
        self.org_root
            .push(parent.map_or(id, |parent| self.org_root[parent as usize]));
        if kind.is_formal() {
            self.formal.push(id);
            self.hosts.push(id);
        }
        match kind {
            OrgKind::Government => self.governments.push(id),
            OrgKind::Unit => self.hosts.push(id),
            OrgKind::WorkingGroup => {
                self.collaborations.push(id);
                self.working_groups.push(id);
            }
            OrgKind::Network => self.collaborations.push(id),
            OrgKind::Initiative => self.initiatives.push(id),
            _ => {}
        }
        id
    }

    /// A formal organisation that already exists, the older ones more often.
    pub(super) fn some_formal(&mut self) -> u32 {
        self.formal[self.rng.older(self.formal.len())]
    }

    /// Up to `count` distinct organisations drawn by `draw`, none equal to `except`.
    pub(super) fn distinct(
        &mut self,
        count: usize,
        except: u32,
        draw: fn(&mut Self) -> u32,
    ) -> Vec<u32> {
        let mut chosen = Vec::with_capacity(count);
        for _ in 0..count * 3 {
            if chosen.len() == count {
                break;
            }
            let id = draw(self);
            if id != except && !chosen.contains(&id) {
                chosen.push(id);
            }
        }
        chosen
    }

    pub(super) fn some_host(&mut self) -> u32 {
        self.hosts[self.rng.older(self.hosts.len())]
    }

    fn founding_year(&mut self, kind: OrgKind, id: u32) -> u32 {
        if (id as usize) < HUB_ORGANIZATIONS {
            return self.rng.range(1865, 1970);
        }
        match kind {
            OrgKind::Agency => self.rng.range(1945, 2022),
            OrgKind::Government => self.rng.range(1950, 2021),
            OrgKind::Company => self.rng.range(1980, 2022),
            OrgKind::University => self.rng.range(1850, 2010),
            OrgKind::Foundation => self.rng.range(1960, 2023),
            _ => self.rng.range(1995, 2024),
        }
    }

    /// A founding date as precise as sources give it: a year, a month or a day.
    fn founding_date(&mut self, subject: &str, year: u32) {
        match self.rng.below(3) {
            0 => self.typed(subject, schema!("foundingDate"), &gyear(year), XSD_GYEAR),
            1 => {
                let month = self.rng.range(1, 12);
                let lexical = gyear_month(year, month);
                self.typed(subject, schema!("foundingDate"), &lexical, XSD_GYEAR_MONTH);
            }
            _ => {
                let lexical = date(year, self.rng.range(1, 12), self.rng.range(1, 28));
                self.typed(subject, schema!("foundingDate"), &lexical, XSD_DATE);
            }
        }
    }

    /// Names, acronyms and a website, shared by every kind of organisation.
    fn org_names(&mut self, subject: &str, name: &OrgName, id: u32, fr: f64, zh: f64) {
        let fr = name.fr.as_deref().filter(|_| self.rng.chance(fr));
        let zh = name.zh.as_deref().filter(|_| self.rng.chance(zh));
        self.labels(subject, &name.en, fr, zh);
        if let Some(acronym) = &name.acronym {
            self.text(subject, ALT_LABEL, acronym, "en");
        }
        if let (Some(_), Some(acronym)) = (fr, &name.fr_acronym) {
            if self.rng.chance(0.5) {
                self.text(subject, ALT_LABEL, acronym, "fr");
            }
        }
        if self.rng.chance(0.4) {
            let homepage = format!("<https://{}-{id}.example.org/>", name.host);
            self.link2(subject, [foaf!("homepage"), schema!("url")], &homepage);
        }
    }

    pub(super) fn formal_organization(&mut self, kind: OrgKind) {
        let id = self.new_organization(kind, None);
        let s = self.org_iri(id);
        let name = self.org_name(id);
        let mut classes = vec![
            org!("FormalOrganization"),
            org!("Organization"),
            schema!("Organization"),
        ];
        if kind == OrgKind::Government {
            classes.push(schema!("GovernmentOrganization"));
        }
        self.types(&s, &classes);
        let hub = (id as usize) < HUB_ORGANIZATIONS;
        self.org_names(
            &s,
            &name,
            id,
            if hub { 1.0 } else { 0.35 },
            if hub { 1.0 } else { 0.3 },
        );
        if hub || self.rng.chance(0.5) {
            let year = self.founding_year(kind, id);
            self.founding_date(&s, year);
        }
        if let Some(slug) = kind.classification().filter(|_| self.rng.chance(0.5)) {
            let concept = self.named("concept", &format!("organization-kind-{slug}"));
            self.link(&s, org!("classification"), &concept);
        }
        if hub || self.rng.chance(0.8) {
            let city = self.city_iri(name.city);
            self.link(&s, schema!("location"), &city);
            if hub || self.rng.chance(0.2) {
                let site = self.named("place", &format!("site-{id}"));
                self.types(&site, &[org!("Site"), schema!("Place")]);
                let label = format!("Headquarters of {}", name.the());
                self.labels(&site, &label, None, None);
                self.link(&site, org!("siteOf"), &s);
                self.link_both_ways(
                    &site,
                    [schema!("containedInPlace"), schema!("containsPlace")],
                    &city,
                );
                self.link2(&s, [org!("hasPrimarySite"), org!("hasSite")], &site);
            }
        }
        if hub || self.rng.chance(0.3) {
            self.describe(&s, name.topic, &ORGANIZATION_DESCRIPTIONS);
        }
        if !hub && self.formal.len() > 4 && self.rng.chance(0.06) {
            let count = self.rng.range(2, 5) as usize;
            for founder in self.distinct(count, id, Self::some_formal) {
                let founder = self.org_iri(founder);
                self.link2(&s, [kg!("initiatedBy"), schema!("founder")], &founder);
            }
        }
    }

    pub(super) fn unit(&mut self) {
        let parent = self.some_host();
        let id = self.new_organization(OrgKind::Unit, Some(parent));
        let s = self.org_iri(id);
        let name = self.org_name(id);
        self.types(
            &s,
            &[
                org!("OrganizationalUnit"),
                org!("Organization"),
                schema!("Organization"),
            ],
        );
        self.org_names(&s, &name, id, 0.3, 0.25);
        let parent = self.org_iri(parent);
        self.link_both_ways(
            &s,
            [org!("subOrganizationOf"), org!("hasSubOrganization")],
            &parent,
        );
        if self.rng.chance(0.15) {
            self.link(&s, org!("reportsTo"), &parent);
        }
        if self.rng.chance(0.25) {
            let year = self.founding_year(OrgKind::Unit, id);
            self.founding_date(&s, year);
        }
        if self.rng.chance(0.1) {
            self.describe(&s, name.topic, &ORGANIZATION_DESCRIPTIONS);
        }
    }

    pub(super) fn focus_group(&mut self) {
        let parent = self.some_host();
        let id = self.new_organization(OrgKind::FocusGroup, Some(parent));
        let root = self.org_root[id as usize];
        let s = self.org_iri(id);
        let name = self.org_name(id);
        self.types(
            &s,
            &[
                kg!("FocusGroup"),
                org!("OrganizationalUnit"),
                org!("Organization"),
                schema!("Organization"),
            ],
        );
        self.org_names(&s, &name, id, 0.0, 0.3);
        let parent_iri = self.org_iri(parent);
        if self.rng.chance(0.6) {
            self.link2(&s, [kg!("establishedBy"), schema!("founder")], &parent_iri);
        }
        let year = self.rng.range(2017, 2024);
        if self.rng.chance(0.8) {
            let lexical = gyear_month(year, self.rng.range(1, 12));
            self.typed(&s, schema!("foundingDate"), &lexical, XSD_GYEAR_MONTH);
            if self.rng.chance(0.2) {
                let end = gyear_month(year + self.rng.range(2, 4), self.rng.range(1, 12));
                self.typed(&s, schema!("dissolutionDate"), &end, XSD_GYEAR_MONTH);
            }
        }
        if self.rng.chance(0.3) {
            self.link(&s, org!("reportsTo"), &parent_iri);
        }
        self.link_both_ways(
            &s,
            [org!("subOrganizationOf"), org!("hasSubOrganization")],
            &parent_iri,
        );
        let root_iri = self.org_iri(root);
        self.link(&s, org!("transitiveSubOrganizationOf"), &root_iri);
        if self.rng.chance(0.5) {
            let count = self.rng.range(1, 2) as usize;
            for partner in self.distinct(count, root, Self::some_formal) {
                let partner = self.org_iri(partner);
                self.link2(&s, [kg!("partnerOrganization"), org!("linkedTo")], &partner);
            }
        }
    }

    /// A working group or a network, with its first members and chairs.
    pub(super) fn collaboration(&mut self, kind: OrgKind) {
        let parent = (kind == OrgKind::WorkingGroup
            && !self.working_groups.is_empty()
            && self.rng.chance(0.15))
        .then(|| self.working_groups[self.rng.old(self.working_groups.len())]);
        let id = self.new_organization(kind, None);
        let s = self.org_iri(id);
        let name = self.org_name(id);
        let classes: &[&str] = if kind == OrgKind::WorkingGroup {
            &[
                kg!("WorkingGroup"),
                org!("OrganizationalCollaboration"),
                org!("Organization"),
                schema!("Organization"),
            ]
        } else {
            &[
                org!("OrganizationalCollaboration"),
                org!("Organization"),
                schema!("Organization"),
            ]
        };
        self.types(&s, classes);
        self.org_names(&s, &name, id, 0.3, 0.3);
        self.collaboration_origin(&s, parent);
        let year = self.rng.range(2005, 2024);
        if self.rng.chance(0.6) {
            let lexical = gyear_month(year, self.rng.range(1, 12));
            self.typed(&s, schema!("foundingDate"), &lexical, XSD_GYEAR_MONTH);
        }
        if self.rng.chance(0.25) {
            let end = year + self.rng.range(2, 6);
            let period = self.period(year, end);
            self.link2(&s, [kg!("mandatePeriod"), dcterms!("temporal")], &period);
        }
        if self.rng.chance(0.2) {
            self.describe(&s, name.topic, &ORGANIZATION_DESCRIPTIONS);
        }
        let count = 1 + self.rng.below(3) as usize + self.rng.older(6);
        for member in self.distinct(count, id, Self::some_host) {
            self.membership(id, member);
        }
        if self.rng.chance(0.4) {
            let roles: &[usize] = if self.rng.chance(0.5) {
                &[ROLE_CO_CHAIR, ROLE_CO_CHAIR]
            } else {
                &[ROLE_CHAIR]
            };
            for &role in roles {
                self.post(id, role);
            }
        }
    }

    /// Where a working group or network comes from: the group it is part of, or sometimes the
    /// body that established it.
    fn collaboration_origin(&mut self, s: &str, parent: Option<u32>) {
        if let Some(parent) = parent {
            let parent = self.org_iri(parent);
            self.link_both_ways(
                s,
                [org!("subOrganizationOf"), org!("hasSubOrganization")],
                &parent,
            );
        } else if self.rng.chance(0.4) {
            let body = self.some_host();
            let body = self.org_iri(body);
            self.link2(s, [kg!("establishedBy"), schema!("founder")], &body);
            if self.rng.chance(0.5) {
                self.link(s, org!("reportsTo"), &body);
            }
            if self.meetings > 0 && self.rng.chance(0.3) {
                let meeting = self.rng.old(self.meetings as usize) as u32;
                let meeting = self.meeting_iri(meeting);
                self.link(s, kg!("establishedAt"), &meeting);
            }
        }
    }

    /// The qualified membership of `member` in `group`, in both directions.
    fn membership(&mut self, group: u32, member: u32) {
        self.memberships.insert(pair(group, member));
        let mut r = Rng::keyed(self.seed, TAG_MEMBERSHIP, pair(group, member));
        let saved = self.q.current;
        self.q.current = FIRST_SOURCE + r.old(self.sources);
        let role = match r.below(20) {
            0..=2 => ROLE_CO_LEAD,
            3 => ROLE_LEAD,
            4..=5 => ROLE_OBSERVER,
            _ => ROLE_MEMBER,
        };
        let s = self.iri2("membership", u64::from(group), u64::from(member));
        let group_iri = self.org_iri(group);
        let member_iri = self.org_iri(member);
        let group_name = self.org_name(group);
        let member_name = self.org_name(member);
        self.types(&s, &[org!("Membership")]);
        let label = format!(
            "{} as {} of {}",
            member_name.short(),
            ROLES[role].en.to_lowercase(),
            group_name.the()
        );
        self.labels(&s, &label, None, None);
        self.link(&s, org!("member"), &member_iri);
        self.link(&s, org!("organization"), &group_iri);
        let role = self.role_iri(role);
        self.link(&s, org!("role"), &role);
        self.link(&member_iri, org!("memberOf"), &group_iri);
        self.link(&member_iri, org!("hasMembership"), &s);
        self.link(&group_iri, org!("hasMember"), &member_iri);
        self.q.current = saved;
    }

    /// An organisation joins a working group or network it is not a member of yet (or, when
    /// a few draws only find existing pairs, a new post is created instead).
    pub(super) fn join(&mut self) {
        if self.collaborations.is_empty() {
            return self.collaboration(OrgKind::WorkingGroup);
        }
        for _ in 0..8 {
            let group = self.collaborations[self.rng.old(self.collaborations.len())];
            let member = self.some_host();
            if !self.memberships.contains(&pair(group, member)) {
                return self.membership(group, member);
            }
        }
        self.post_step();
    }

    pub(super) fn initiative(&mut self) {
        let id = self.new_organization(OrgKind::Initiative, None);
        let s = self.org_iri(id);
        let name = self.org_name(id);
        self.types(
            &s,
            &[
                kg!("Initiative"),
                org!("OrganizationalCollaboration"),
                org!("Organization"),
                schema!("Project"),
                schema!("Organization"),
            ],
        );
        self.org_names(&s, &name, id, 0.35, 0.35);
        let count = if self.rng.chance(0.25) { 2 } else { 1 };
        let organizers = self.distinct(count, id, Self::some_formal);
        for &organizer in &organizers {
            let organizer = self.org_iri(organizer);
            self.link(&s, schema!("organizer"), &organizer);
        }
        let lead = self.org_name(organizers[0]);
        if let (Some(acronym), true) = (&lead.acronym, self.rng.chance(0.3)) {
            self.text(&s, ALT_LABEL, &format!("{acronym} {}", name.en), "en");
        }
        let t = &TOPICS[name.topic];
        if self.rng.chance(0.4) {
            let slogan = format!(
                "Harnessing {} for the Sustainable Development Goals",
                t.text
            );
            self.text(&s, schema!("slogan"), &slogan, "en");
        }
        if self.rng.chance(0.5) {
            self.describe(&s, name.topic, &INITIATIVE_DESCRIPTIONS);
        }
        if self.rng.chance(0.35) {
            let n = u64::from(self.rng.range(5, 60));
            self.integer(&s, kg!("partnerCountMin"), n);
            let note = format!("Run with {n}+ organizations; the source does not list them.");
            self.text(&s, NOTE, &note, "en");
        } else if self.rng.chance(0.3) {
            let n = u64::from(self.rng.range(3, 40));
            self.integer(&s, kg!("partnerCount"), n);
        }
        if !self.governments.is_empty() && self.rng.chance(0.25) {
            let government = self.governments[self.rng.old(self.governments.len())];
            let government = self.org_iri(government);
            self.link2(&s, [kg!("coConvener"), schema!("sponsor")], &government);
        }
        if self.rng.chance(0.5) {
            self.aims(&s, id, &name.en, t);
        }
        if self.rng.chance(0.7) {
            self.goals(&s, name.topic);
        }
    }

    /// An initiative's aims, a scheme of two to four concepts.
    fn aims(&mut self, s: &str, id: u32, name: &str, t: &Topic) {
        let scheme = self.named("concept", &format!("aims-{id}"));
        self.concept_scheme(&scheme, &format!("Aims of {name}"));
        let count = self.rng.range(2, 4) as usize;
        let first = self.rng.index(AIMS.len());
        for k in 0..count {
            let aim = self.named("concept", &format!("aim-{id}-{}", k + 1));
            let label = capitalized(&fill(AIMS[(first + k) % AIMS.len()], t.text));
            self.numbered_concept(&scheme, &aim, kg!("Aim"), &label, k + 1);
            self.link2(s, [kg!("aim"), org!("purpose")], &aim);
        }
    }

    // --- People and posts ---------------------------------------------------------------------

    pub(super) fn person(&mut self) -> u32 {
        let id = self.people;
        self.people += 1;
        let s = self.person_iri(id);
        let name = self.person_name(id);
        self.types(&s, &[schema!("Person"), foaf!("Person")]);
        let zh = name.zh.as_deref().filter(|_| self.rng.chance(0.7));
        self.labels(&s, &name.en, None, zh);
        if self.rng.chance(0.1) {
            self.text(&s, ALT_LABEL, &name.alt, "en");
        }
        self.plain(&s, schema!("givenName"), &name.given);
        self.plain(&s, schema!("familyName"), &name.family);
        id
    }

    /// An existing person, the older ones more often, or a new one when there is none.
    pub(super) fn some_person(&mut self) -> u32 {
        if self.people == 0 {
            return self.person();
        }
        self.rng.old(self.people as usize) as u32
    }

    /// A post in an organisation, held by a new person or, less often, by someone who already
    /// holds other posts.
    fn post(&mut self, organization: u32, role: usize) {
        let holder = if self.people == 0 || self.rng.chance(0.6) {
            self.person()
        } else {
            self.some_person()
        };
        let id = self.posts;
        self.posts += 1;
        let s = self.iri("post", u64::from(id));
        let name = self.org_name(organization);
        self.types(&s, &[org!("Post")]);
        let label = format!("{} of {}", ROLES[role].en, name.the());
        self.labels(&s, &label, None, None);
        let organization = self.org_iri(organization);
        let role = self.role_iri(role);
        let holder = self.person_iri(holder);
        self.link(&s, org!("postIn"), &organization);
        self.link(&s, org!("role"), &role);
        self.link(&s, org!("heldBy"), &holder);
        self.link(&organization, org!("hasPost"), &s);
        self.link(&holder, org!("holds"), &s);
    }

    pub(super) fn post_step(&mut self) {
        let organization = self.rng.older(self.org_kind.len()) as u32;
        let role = *self
            .rng
            .pick(self.org_kind[organization as usize].post_roles());
        self.post(organization, role);
    }
}
