//! Works: report series and their editions, documents, surveys with findings, action plans.

use super::tables::{Topic, DOCUMENT_KINDS, FINDINGS, TOPICS};
use super::terms::*;
use super::text::{capitalized, fill};
use super::{Generator, ReportState};
use std::io::Write;

impl<W: Write> Generator<W> {
    pub(super) fn report_series(&mut self) -> usize {
        let index = self.reports.len() as u32;
        let name = self.report_name(index);
        let publisher = self.some_formal();
        self.reports.push(ReportState {
            publisher,
            editions: 0,
        });
        let s = self.iri("report", u64::from(index));
        self.types(
            &s,
            &[
                schema!("CreativeWorkSeries"),
                schema!("CreativeWork"),
                prov!("Entity"),
            ],
        );
        let zh = Some(name.zh.as_str()).filter(|_| self.rng.chance(0.2));
        self.labels(&s, &name.en, None, zh);
        self.text(&s, TITLE, &name.en, "en");
        let publisher = self.org_iri(publisher);
        self.link(&s, dcterms!("publisher"), &publisher);
        if self.rng.chance(0.2) {
            let t = &TOPICS[name.topic];
            let description = format!("A recurring report on {}.", t.text);
            self.text(&s, DESCRIPTION, &description, "en");
        }
        self.reports.len() - 1
    }

    pub(super) fn report_edition(&mut self) {
        let mut series = if self.reports.is_empty() {
            self.report_series()
        } else {
            self.rng.old(self.reports.len())
        };
        let mut name = self.report_name(series as u32);
        let mut year = name.start + name.step * u32::from(self.reports[series].editions);
        if year > 2025 {
            series = self.report_series();
            name = self.report_name(series as u32);
            year = name.start;
        }
        self.reports[series].editions += 1;
        let s = self.iri2("report", series as u64, u64::from(year));
        self.types(
            &s,
            &[
                kg!("ReportEdition"),
                schema!("Report"),
                schema!("CreativeWork"),
                prov!("Entity"),
            ],
        );
        self.labels(&s, &format!("{} {year}", name.en), None, None);
        self.typed(&s, dcterms!("issued"), &gyear(year), XSD_GYEAR);
        let publisher = self.org_iri(self.reports[series].publisher);
        self.link(&s, dcterms!("publisher"), &publisher);
        let series_iri = self.iri("report", series as u64);
        self.link_both_ways(&s, [dcterms!("isPartOf"), dcterms!("hasPart")], &series_iri);
        self.report_counts(&s);
    }

    /// What a report edition counts: entities, projects, cases, partners.
    fn report_counts(&mut self, s: &str) {
        let entities = u64::from(self.rng.range(10, 80));
        if self.rng.chance(0.6) {
            self.integer(s, kg!("entityCount"), entities);
        }
        if self.rng.chance(0.45) {
            let projects = u64::from(self.rng.range(50, 600));
            self.integer(s, kg!("projectCount"), projects);
            if self.rng.chance(0.2) {
                let note = format!("{entities} entities, {projects} projects.");
                self.text(s, NOTE, &note, "en");
            }
        } else if self.rng.chance(0.3) {
            let projects = u64::from(self.rng.range(5, 60)) * 10;
            self.integer(s, kg!("projectCountMin"), projects);
            self.text(s, NOTE, &format!("Over {projects} projects."), "en");
        }
        if self.rng.chance(0.15) {
            let cases = u64::from(self.rng.range(20, 400));
            self.integer(s, kg!("caseCount"), cases);
        }
        if self.rng.chance(0.35) {
            let count = self.rng.range(3, 24) as usize;
            let partners = self.distinct(count, u32::MAX, Self::some_host);
            self.integer(s, kg!("partnerCount"), partners.len() as u64);
            for partner in partners {
                let partner = self.org_iri(partner);
                self.link(s, dcterms!("contributor"), &partner);
            }
        }
    }

    /// The number and IRI of a new document (surveys are documents too).
    fn new_document(&mut self) -> (u32, String) {
        let id = self.documents;
        self.documents += 1;
        (id, self.iri("document", u64::from(id)))
    }

    pub(super) fn document(&mut self) {
        let (id, s) = self.new_document();
        let topic = self.rng.index(TOPICS.len());
        let t = &TOPICS[topic];
        let kind = self.rng.pick(&DOCUMENT_KINDS);
        let mut classes = vec![schema!("CreativeWork"), prov!("Entity")];
        if kind.report {
            classes.insert(0, schema!("Report"));
        }
        self.types(&s, &classes);
        let title = fill(kind.title, t.en);
        let fr = kind
            .fr_title
            .map(|fr| fill(fr, t.fr))
            .filter(|_| self.rng.chance(0.5));
        self.labels(&s, &title, fr.as_deref(), None);
        self.text(&s, TITLE, &title, "en");
        let year = self.rng.range(2016, 2025);
        self.drafting(&s);
        self.approval(&s, year);
        if self.rng.chance(0.5) {
            let publisher = self.some_formal();
            let publisher = self.org_iri(publisher);
            self.link(&s, dcterms!("publisher"), &publisher);
        }
        if kind.principles && self.rng.chance(0.6) {
            let count = u64::from(self.rng.range(5, 15));
            self.integer(&s, kg!("principleCount"), count);
        }
        if id > 0 && self.rng.chance(0.25) {
            let basis = self.rng.older(id as usize) as u64;
            let basis = self.iri("document", basis);
            self.link2(&s, [schema!("isBasedOn"), prov!("wasDerivedFrom")], &basis);
        }
        if self.rng.chance(0.3) {
            self.goals(&s, topic);
        }
        if self.rng.chance(0.15) {
            self.focus_areas(&s, id, &title, t);
        }
        if !self.events.is_empty() && self.rng.chance(0.1) {
            let event = self.rng.old(self.events.len()) as u32;
            let event = self.event_iri(event);
            self.link_both_ways(&s, [kg!("presentedAt"), schema!("workFeatured")], &event);
        }
    }

    /// Who drafted a document, and whom it is attributed to.
    fn drafting(&mut self, s: &str) {
        if self.rng.chance(0.6) {
            let drafter = if !self.collaborations.is_empty() && self.rng.chance(0.6) {
                self.collaborations[self.rng.old(self.collaborations.len())]
            } else {
                self.some_host()
            };
            let drafter = self.org_iri(drafter);
            self.link2(s, [kg!("draftedBy"), dcterms!("creator")], &drafter);
        }
        if self.rng.chance(0.3) {
            let attributed = self.some_formal();
            let attributed = self.org_iri(attributed);
            self.link(s, prov!("wasAttributedTo"), &attributed);
        }
    }

    /// Who approved and endorsed a document in `year`, and when, and when it was issued.
    fn approval(&mut self, s: &str, year: u32) {
        let mut influences = Vec::new();
        let mut month = self.rng.range(1, 6);
        if self.rng.chance(0.3) {
            let approver = self.some_host();
            influences.push(approver);
            let approver = self.org_iri(approver);
            self.link(s, kg!("approvedBy"), &approver);
            let lexical = gyear_month(year, month);
            self.typed(s, kg!("approvalDate"), &lexical, XSD_GYEAR_MONTH);
            self.typed(s, dcterms!("dateAccepted"), &lexical, XSD_GYEAR_MONTH);
            if self.meetings > 0 && self.rng.chance(0.3) {
                let meeting = self.rng.old(self.meetings as usize) as u32;
                let meeting = self.meeting_iri(meeting);
                self.link(s, kg!("approvedAt"), &meeting);
            }
        }
        if self.rng.chance(0.2) {
            let endorser = self.some_formal();
            if !influences.contains(&endorser) {
                influences.push(endorser);
            }
            let endorser = self.org_iri(endorser);
            self.link(s, kg!("endorsedBy"), &endorser);
            month += self.rng.range(1, 3);
            let lexical = gyear_month(year, month);
            self.typed(s, kg!("endorsementDate"), &lexical, XSD_GYEAR_MONTH);
            self.typed(s, dcterms!("date"), &lexical, XSD_GYEAR_MONTH);
        }
        for influence in influences {
            let influence = self.org_iri(influence);
            self.link(s, prov!("wasInfluencedBy"), &influence);
        }
        if self.rng.chance(0.8) {
            let lexical = gyear_month(year, (month + self.rng.range(0, 3)).min(12));
            self.typed(s, dcterms!("issued"), &lexical, XSD_GYEAR_MONTH);
        }
    }

    /// A document's focus areas, a scheme of two to four concepts, each its topic and another.
    fn focus_areas(&mut self, s: &str, id: u32, title: &str, t: &Topic) {
        let scheme = self.named("concept", &format!("focus-areas-{id}"));
        self.concept_scheme(&scheme, &format!("Focus areas of the {title}"));
        let count = self.rng.range(2, 4) as usize;
        let first = self.rng.index(TOPICS.len());
        for k in 1..=count {
            let area = self.named("concept", &format!("focus-area-{id}-{k}"));
            let other = &TOPICS[(first + k) % TOPICS.len()];
            let label = format!("{} and {}", capitalized(t.text), other.text);
            self.numbered_concept(&scheme, &area, kg!("FocusArea"), &label, k);
            self.link2(s, [kg!("focusArea"), dcterms!("subject")], &area);
        }
    }

    pub(super) fn survey(&mut self) {
        let (id, s) = self.new_document();
        let topic = self.rng.index(TOPICS.len());
        let t = &TOPICS[topic];
        let creator = self.some_formal();
        let creator_name = self.org_name(creator);
        let year = self.rng.range(2016, 2025);
        self.types(
            &s,
            &[kg!("Survey"), schema!("CreativeWork"), prov!("Entity")],
        );
        let title = format!("{} {} Landscape Survey {year}", creator_name.short(), t.en);
        self.title(&s, &title);
        let creator = self.org_iri(creator);
        self.link(&s, dcterms!("creator"), &creator);
        self.typed(&s, dcterms!("issued"), &gyear(year), XSD_GYEAR);
        let count = self.rng.range(2, 5);
        let first = self.rng.index(FINDINGS.len());
        for k in 1..=count {
            let finding = self.named("concept", &format!("finding-{id}-{k}"));
            let text = fill(FINDINGS[(first + k as usize) % FINDINGS.len()], t.text);
            self.types(
                &finding,
                &[kg!("Finding"), schema!("Claim"), schema!("CreativeWork")],
            );
            self.labels(&finding, &text, None, None);
            self.text(&finding, schema!("text"), &text, "en");
            self.integer(&finding, schema!("position"), u64::from(k));
            self.link(&finding, dcterms!("isPartOf"), &s);
            self.link2(&s, [kg!("finding"), dcterms!("hasPart")], &finding);
        }
    }

    pub(super) fn plan(&mut self) {
        let id = self.plans;
        self.plans += 1;
        let s = self.iri("plan", u64::from(id));
        let topic = self.rng.index(TOPICS.len());
        let t = &TOPICS[topic];
        let publisher = self.some_formal();
        let publisher_name = self.org_name(publisher);
        let from = self.rng.range(2015, 2025);
        let to = from + self.rng.range(2, 5);
        self.types(
            &s,
            &[
                kg!("ActionPlan"),
                prov!("Plan"),
                prov!("Entity"),
                schema!("CreativeWork"),
            ],
        );
        let title = format!(
            "{} {} Action Plan ({from}-{to})",
            publisher_name.short(),
            t.en
        );
        self.title(&s, &title);
        let publisher = self.org_iri(publisher);
        self.link2(&s, [kg!("launchedBy"), dcterms!("publisher")], &publisher);
        let issued = gyear_month(from, self.rng.range(1, 12));
        self.typed(&s, dcterms!("issued"), &issued, XSD_GYEAR_MONTH);
        self.plain(&s, schema!("temporalCoverage"), &format!("{from}/{to}"));
        let period = self.period(from, to);
        self.link(&s, dcterms!("temporal"), &period);
        if !self.events.is_empty() && self.rng.chance(0.3) {
            let event = self.rng.old(self.events.len()) as u32;
            let event = self.event_iri(event);
            self.link2(&s, [kg!("launchedAt"), kg!("presentedAt")], &event);
            self.link(&event, schema!("workFeatured"), &s);
        }
        if self.rng.chance(0.3) {
            self.goals(&s, topic);
        }
    }
}
