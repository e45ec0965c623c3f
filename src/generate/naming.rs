//! The names of entities, recomputed from their numbers whenever a label mentions them.

use super::patterns::{choose, Names, Pattern, Values};
use super::rng::{Rng, TAG_CITY, TAG_COUNTRY, TAG_ORG, TAG_PERSON, TAG_REPORT, TAG_SERIES};
use super::tables::*;
use super::text::{capitalized, initials, invented_name, slug};
use super::Generator;
use std::io::Write;

/// The kinds of organisation, stored one byte each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum OrgKind {
    Agency,
    Government,
    Company,
    University,
    Foundation,
    Unit,
    FocusGroup,
    WorkingGroup,
    Network,
    Initiative,
}

impl OrgKind {
    /// Every kind, in the order of their numbers (`kind as usize`).
    pub(super) const ALL: [Self; 10] = [
        Self::Agency,
        Self::Government,
        Self::Company,
        Self::University,
        Self::Foundation,
        Self::Unit,
        Self::FocusGroup,
        Self::WorkingGroup,
        Self::Network,
        Self::Initiative,
    ];

    /// How `names/organization-names.tsv` calls the kind.
    pub(super) fn slug(self) -> &'static str {
        match self {
            Self::Agency => "agency",
            Self::Government => "government",
            Self::Company => "company",
            Self::University => "university",
            Self::Foundation => "foundation",
            Self::Unit => "unit",
            Self::FocusGroup => "focus-group",
            Self::WorkingGroup => "working-group",
            Self::Network => "network",
            Self::Initiative => "initiative",
        }
    }

    pub(super) fn is_formal(self) -> bool {
        matches!(
            self,
            Self::Agency | Self::Government | Self::Company | Self::University | Self::Foundation
        )
    }

    /// The slug in [`ORGANIZATION_KINDS`] of its `org:classification`.
    pub(super) fn classification(self) -> Option<&'static str> {
        match self {
            Self::Agency => Some("intergovernmental-organization"),
            Self::Government => Some("government-body"),
            Self::Company => Some("company"),
            Self::University => Some("academic-institution"),
            Self::Foundation => Some("non-governmental-organization"),
            _ => None,
        }
    }

    /// The roles of posts in such an organisation.
    pub(super) fn post_roles(self) -> &'static [usize] {
        match self {
            Self::Agency => &[
                ROLE_SECRETARY_GENERAL,
                ROLE_DEPUTY_SECRETARY_GENERAL,
                ROLE_DIRECTOR_GENERAL,
                ROLE_PRESIDENT,
                ROLE_CHAIR,
            ],
            Self::Government => &[ROLE_MINISTER, ROLE_DIRECTOR_GENERAL, ROLE_DIRECTOR],
            Self::Company => &[ROLE_CEO, ROLE_CTO, ROLE_PRESIDENT, ROLE_CHAIR],
            Self::University => &[ROLE_RECTOR, ROLE_PRESIDENT, ROLE_DIRECTOR],
            Self::Foundation => &[ROLE_PRESIDENT, ROLE_CHAIR, ROLE_EXECUTIVE_DIRECTOR],
            Self::Unit => &[ROLE_DIRECTOR, ROLE_HEAD, ROLE_CHAIR, ROLE_VICE_CHAIR],
            Self::FocusGroup => &[ROLE_CHAIR, ROLE_VICE_CHAIR],
            Self::WorkingGroup | Self::Network => &[ROLE_CHAIR, ROLE_CO_CHAIR, ROLE_COORDINATOR],
            Self::Initiative => &[ROLE_COORDINATOR, ROLE_HEAD, ROLE_CHAIR],
        }
    }
}

/// The placeholders of the name patterns of each data file.
pub(super) const ORGANIZATION_PLACEHOLDERS: &[&str] = &[
    "topic",
    "Topic",
    "scope",
    "scope-f",
    "city",
    "country",
    "name",
    "n",
    "region",
    "portfolio",
    "field",
    "ending",
];
pub(super) const SERIES_PLACEHOLDERS: &[&str] = &["topic", "Topic", "scope", "scope-f", "city"];
pub(super) const REPORT_PLACEHOLDERS: &[&str] = &["topic", "Topic", "scope", "scope-f"];
pub(super) const CITY_PLACEHOLDERS: &[&str] = &["name"];
pub(super) const VENUE_PLACEHOLDERS: &[&str] = &["city"];

/// An organisation's names.
pub(super) struct OrgName {
    pub(super) en: String,
    pub(super) fr: Option<String>,
    pub(super) zh: Option<String>,
    pub(super) acronym: Option<String>,
    pub(super) fr_acronym: Option<String>,
    /// Whether English puts "the" before the name ("the World Internet Conference").
    pub(super) article: bool,
    pub(super) topic: usize,
    /// The city it is located in.
    pub(super) city: u32,
    /// The slug of its website's host name.
    pub(super) host: String,
}

impl OrgName {
    /// The name after "of" or "at": "the International Telecommunication Union".
    pub(super) fn the(&self) -> String {
        if self.article {
            format!("the {}", self.en)
        } else {
            self.en.clone()
        }
    }

    /// The acronym if it has one, else the name: how a membership's label names the member.
    pub(super) fn short(&self) -> &str {
        self.acronym.as_deref().unwrap_or(&self.en)
    }
}

/// A person's names.
pub(super) struct PersonName {
    pub(super) en: String,
    pub(super) given: String,
    pub(super) family: String,
    pub(super) zh: Option<String>,
    /// The name as some sources write it, family name in capitals.
    pub(super) alt: String,
}

/// An event series' names and calendar.
pub(super) struct SeriesName {
    pub(super) en: String,
    pub(super) fr: Option<String>,
    pub(super) zh: String,
    pub(super) acronym: Option<String>,
    pub(super) topic: usize,
    pub(super) city: u32,
    pub(super) start: u32,
    pub(super) month: u32,
    pub(super) day: u32,
}

impl SeriesName {
    /// The slug of its website's host name.
    pub(super) fn host(&self) -> String {
        self.acronym.as_deref().map_or_else(|| slug(&self.en), slug)
    }
}

/// A report series' names and calendar.
pub(super) struct ReportName {
    pub(super) en: String,
    pub(super) zh: String,
    pub(super) topic: usize,
    pub(super) start: u32,
    /// Years between editions.
    pub(super) step: u32,
}

/// A geographic scope: English, French masculine and feminine, Chinese.
type Scope = (&'static str, &'static str, &'static str, &'static str);

/// An organisation's names as drawn, before its acronyms and host name.
struct Drawn {
    names: Names,
    article: bool,
    city: u32,
    /// The slug of an invented name the organisation is called by.
    brand: Option<String>,
    /// The code of a focus group's field.
    focus_code: Option<&'static str>,
}

/// The values of the placeholders every pattern of organisations, series and reports may use:
/// the topic and the scope.
fn topic_and_scope(pattern: &Pattern, topic: &Topic, scope: Scope) -> Values {
    let (scope, scope_m, scope_f, scope_zh) = scope;
    let mut values = Values::new();
    values
        .add("topic", topic.en, topic.fr, topic.zh)
        .add("scope", scope, scope_m, scope_zh)
        .add("scope-f", scope, scope_f, scope_zh);
    if pattern.uses("Topic") {
        let [en, fr, zh] = [topic.en, topic.fr, topic.zh].map(capitalized);
        values.add("Topic", en, fr, zh);
    }
    values
}

/// An agency's names: a body (`names/bodies.tsv`) with a scope and a topic.
fn agency_name(r: &mut Rng, t: &Topic, scope: Scope, city: u32) -> Drawn {
    let (scope, scope_m, scope_f, scope_zh) = scope;
    let (body, body_fr, feminine, body_zh) = *r.pick(&BODIES);
    let en = if r.chance(0.35) {
        format!("{scope} {} {body}", t.en)
    } else {
        format!("{scope} {body} for {}", t.en)
    };
    let adjective = if feminine { scope_f } else { scope_m };
    let names = Names {
        en,
        fr: Some(format!("{body_fr} {adjective} pour {}", t.fr)),
        zh: Some(format!("{scope_zh}{}{body_zh}", t.zh)),
    };
    Drawn {
        names,
        article: true,
        city,
        brand: None,
        focus_code: None,
    }
}

/// The acronyms of an organisation's names, English and French.
fn acronyms(
    kind: OrgKind,
    t: &Topic,
    names: &Names,
    focus_code: Option<&str>,
) -> (Option<String>, Option<String>) {
    let en = &names.en;
    let acronym = match kind {
        OrgKind::Company | OrgKind::Government => None,
        OrgKind::FocusGroup => focus_code.map(|code| format!("FG-AI4{code}")),
        OrgKind::Unit => en.strip_prefix("Study Group ").map(|n| format!("SG{n}")),
        OrgKind::WorkingGroup => {
            let prefix = initials(en.split(" on ").next().unwrap_or(en), &[]);
            let topic_initials = initials(t.en, &ENGLISH_STOP_WORDS);
            prefix.map(|prefix| match topic_initials {
                Some(topic) => format!("{prefix}-{topic}"),
                None => prefix,
            })
        }
        _ => initials(en, &ENGLISH_STOP_WORDS),
    };
    let fr_acronym = match kind {
        OrgKind::Agency | OrgKind::Network => names
            .fr
            .as_deref()
            .and_then(|fr| initials(fr, &FRENCH_STOP_WORDS)),
        _ => None,
    };
    (acronym, fr_acronym)
}

impl<W: Write> Generator<W> {
    pub(super) fn country_name(&self, country: u32) -> (String, String) {
        let mut r = Rng::keyed(self.seed, TAG_COUNTRY, u64::from(country));
        let (stem, stem_zh) = invented_name(&mut r);
        let (ending, ending_zh) = r.pick(&COUNTRY_ENDINGS);
        (format!("{stem}{ending}"), format!("{stem_zh}{ending_zh}"))
    }

    /// A city's names; city `c` lies in country `c % countries`, the first one of each country
    /// being its capital.
    pub(super) fn city_name(&self, city: u32) -> (String, String) {
        let mut r = Rng::keyed(self.seed, TAG_CITY, u64::from(city));
        let (stem, stem_zh) = invented_name(&mut r);
        let pattern = choose(&mut r, &CITY_NAMES);
        let names = pattern.fill(Values::new().add("name", stem.clone(), stem, stem_zh));
        (names.en, names.zh.unwrap_or_default())
    }

    pub(super) fn org_name(&self, id: u32) -> OrgName {
        let kind = self.org_kind[id as usize];
        let mut r = Rng::keyed(self.seed, TAG_ORG, u64::from(id));
        let topic = r.index(TOPICS.len());
        let t = &TOPICS[topic];
        let city = r.below(u64::from(self.cities)) as u32;
        let scope = *r.pick(&SCOPES);
        let drawn = match kind {
            OrgKind::Agency => agency_name(&mut r, t, scope, city),
            _ => self.patterned_org_name(kind, &mut r, t, scope, city),
        };
        let (acronym, fr_acronym) = acronyms(kind, t, &drawn.names, drawn.focus_code);
        let Names { en, fr, zh } = drawn.names;
        let host = drawn
            .brand
            .or_else(|| acronym.as_deref().map(slug))
            .unwrap_or_else(|| slug(&en));
        OrgName {
            en,
            fr,
            zh,
            acronym,
            fr_acronym,
            article: drawn.article,
            topic,
            city: drawn.city,
            host,
        }
    }

    /// An organisation's names from a pattern of its kind (`names/organization-names.tsv`).
    /// A government's country, and with it its city, are drawn first, and so is a foundation's
    /// invented name; other values are drawn after the pattern, when it has them.
    fn patterned_org_name(
        &self,
        kind: OrgKind,
        r: &mut Rng,
        t: &Topic,
        scope: Scope,
        mut city: u32,
    ) -> Drawn {
        if kind == OrgKind::Government {
            let country = r.below(u64::from(self.countries)) as u32;
            let per_country = self.cities / self.countries;
            city = country + self.countries * r.below(u64::from(per_country.min(2))) as u32;
        }
        let mut name = (kind == OrgKind::Foundation).then(|| invented_name(r));
        let pattern = choose(r, &ORGANIZATION_NAMES[kind as usize]);
        let mut values = topic_and_scope(pattern, t, scope);
        if name.is_none() && pattern.uses("name") {
            name = Some(invented_name(r));
        }
        if let Some((latin, chinese)) = &name {
            values.add("name", latin.clone(), latin.clone(), chinese.clone());
        }
        if pattern.uses("n") {
            values.add_same("n", r.range(1, 20).to_string());
        }
        if pattern.uses("region") {
            let (en, fr, zh) = *r.pick(&REGIONS);
            values.add("region", en, fr, zh);
        }
        if pattern.uses("portfolio") {
            let (en, zh) = *r.pick(&PORTFOLIOS);
            values.add("portfolio", en, en, zh);
        }
        let field = pattern.uses("field").then(|| *r.pick(&FOCUS_FIELDS));
        if let Some((en, _, zh)) = field {
            values.add("field", en, en, zh);
        }
        if pattern.uses("ending") {
            let (en, zh) = *r.pick(&COMPANY_ENDINGS);
            values.add("ending", en, en, zh);
        }
        self.add_places(&mut values, pattern, city);
        let brand = name
            .filter(|_| pattern.en.uses("name"))
            .map(|(latin, _)| slug(&latin));
        Drawn {
            names: pattern.fill(&values),
            article: pattern.article,
            city,
            brand,
            focus_code: field.map(|(_, code, _)| code),
        }
    }

    /// The names of a city and of its country, where a pattern has them.
    fn add_places(&self, values: &mut Values, pattern: &Pattern, city: u32) {
        if pattern.uses("city") {
            let (en, zh) = self.city_name(city);
            values.add("city", en.clone(), en, zh);
        }
        if pattern.uses("country") {
            let (en, zh) = self.country_name(city % self.countries);
            values.add("country", en.clone(), en, zh);
        }
    }

    pub(super) fn person_name(&self, id: u32) -> PersonName {
        let mut r = Rng::keyed(self.seed, TAG_PERSON, u64::from(id));
        if r.chance(0.25) {
            let (family, family_zh) = *r.pick(&CHINESE_FAMILY_NAMES);
            let mut given = String::new();
            let mut given_zh = String::new();
            for _ in 0..if r.chance(0.7) { 2 } else { 1 } {
                let (syllable, character) = r.pick(&CHINESE_GIVEN_SYLLABLES);
                given.push_str(syllable);
                given_zh.push_str(character);
            }
            let given = capitalized(&given);
            PersonName {
                en: format!("{family} {given}"),
                alt: format!("{given} {}", family.to_uppercase()),
                given,
                family: family.to_owned(),
                zh: Some(format!("{family_zh}{given_zh}")),
            }
        } else {
            let given = (*r.pick(&GIVEN_NAMES)).to_owned();
            let family = if r.chance(0.06) {
                format!("{}-{}", r.pick(&FAMILY_NAMES), r.pick(&FAMILY_NAMES))
            } else {
                (*r.pick(&FAMILY_NAMES)).to_owned()
            };
            PersonName {
                en: format!("{given} {family}"),
                alt: format!("{given} {}", family.to_uppercase()),
                given,
                family,
                zh: None,
            }
        }
    }

    pub(super) fn series_name(&self, id: u32) -> SeriesName {
        let mut r = Rng::keyed(self.seed, TAG_SERIES, u64::from(id));
        let topic = r.index(TOPICS.len());
        let city = r.below(u64::from(self.cities)) as u32;
        let scope = *r.pick(&SCOPES);
        let pattern = choose(&mut r, &SERIES_NAMES);
        let mut values = topic_and_scope(pattern, &TOPICS[topic], scope);
        self.add_places(&mut values, pattern, city);
        let Names { en, fr, zh } = pattern.fill(&values);
        let u = r.unit();
        SeriesName {
            acronym: initials(&en, &ENGLISH_STOP_WORDS),
            en,
            fr,
            zh: zh.unwrap_or_default(),
            topic,
            city,
            start: 2022 - (u * u * 26.0) as u32,
            month: r.range(1, 12),
            day: r.range(1, 22),
        }
    }

    pub(super) fn report_name(&self, id: u32) -> ReportName {
        let mut r = Rng::keyed(self.seed, TAG_REPORT, u64::from(id));
        let topic = r.index(TOPICS.len());
        let scope = *r.pick(&SCOPES);
        let pattern = choose(&mut r, &REPORT_NAMES);
        let names = pattern.fill(&topic_and_scope(pattern, &TOPICS[topic], scope));
        ReportName {
            en: names.en,
            zh: names.zh.unwrap_or_default(),
            topic,
            start: r.range(2005, 2022),
            step: if r.chance(0.3) { 2 } else { 1 },
        }
    }
}
