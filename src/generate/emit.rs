//! Writing facts: links, texts, labels, descriptions, goals and periods, in the graph of the
//! current source; and the IRIs of generated entities.

use super::naming::OrgKind;
use super::quads::{push_number, EDITORIAL_GRAPH};
use super::tables::{Descriptions, ROLES, TOPICS};
use super::terms::*;
use super::text::fill;
use super::Generator;
use std::io::Write;

impl<W: Write> Generator<W> {
    pub(super) fn link(&mut self, subject: &str, predicate: &str, object: &str) {
        self.q
            .emit(self.q.current, subject, predicate, Object::Iri(object));
    }

    /// A text; other languages than English go to the editorial graph, as in the seed.
    pub(super) fn text(&mut self, subject: &str, predicate: &str, text: &str, language: &str) {
        let graph = if language == "en" {
            self.q.current
        } else {
            EDITORIAL_GRAPH
        };
        self.q
            .emit(graph, subject, predicate, Object::Text(text, language));
    }

    pub(super) fn plain(&mut self, subject: &str, predicate: &str, text: &str) {
        self.q
            .emit(self.q.current, subject, predicate, Object::Plain(text));
    }

    pub(super) fn typed(&mut self, subject: &str, predicate: &str, lexical: &str, datatype: &str) {
        self.q.emit(
            self.q.current,
            subject,
            predicate,
            Object::Typed(lexical, datatype),
        );
    }

    pub(super) fn integer(&mut self, subject: &str, predicate: &str, n: u64) {
        self.q
            .emit(self.q.current, subject, predicate, Object::Integer(n));
    }

    pub(super) fn types(&mut self, subject: &str, classes: &[&str]) {
        self.entities += 1;
        for class in classes {
            self.link(subject, TYPE, class);
        }
    }

    /// The English preferred label and `rdfs:label`, and names in French and Chinese.
    pub(super) fn labels(&mut self, subject: &str, en: &str, fr: Option<&str>, zh: Option<&str>) {
        self.text(subject, PREF_LABEL, en, "en");
        self.text(subject, LABEL, en, "en");
        if let Some(fr) = fr {
            self.text(subject, PREF_LABEL, fr, "fr");
        }
        if let Some(zh) = zh {
            self.text(subject, PREF_LABEL, zh, "zh");
        }
    }

    /// The English labels and `dcterms:title` of a work.
    pub(super) fn title(&mut self, subject: &str, title: &str) {
        self.labels(subject, title, None, None);
        self.text(subject, TITLE, title, "en");
    }

    /// A property and the super-property the seed asserts next to it.
    pub(super) fn link2(&mut self, subject: &str, predicates: [&str; 2], object: &str) {
        self.link(subject, predicates[0], object);
        self.link(subject, predicates[1], object);
    }

    /// A property from `subject` to `object` and its inverse back, both asserted as in the
    /// seed.
    pub(super) fn link_both_ways(&mut self, subject: &str, predicates: [&str; 2], object: &str) {
        self.link(subject, predicates[0], object);
        self.link(object, predicates[1], subject);
    }

    /// Descriptions in English and, for some entities, in further UN languages.
    pub(super) fn describe(&mut self, subject: &str, topic: usize, descriptions: &Descriptions) {
        let topic = &TOPICS[topic];
        self.text(
            subject,
            DESCRIPTION,
            &fill(descriptions.en, topic.text),
            "en",
        );
        let translations = [
            (descriptions.fr, topic.fr, "fr"),
            (descriptions.es, topic.es, "es"),
            (descriptions.zh, topic.zh, "zh"),
            (descriptions.ar, topic.ar, "ar"),
            (descriptions.ru, topic.ru, "ru"),
        ];
        for (pattern, value, language) in translations {
            if self.rng.chance(0.3) {
                self.text(subject, DESCRIPTION, &fill(pattern, value), language);
            }
        }
    }

    /// `kg:servesGoal` and `dcterms:relation` to the goals of a topic and a few more.
    pub(super) fn goals(&mut self, subject: &str, topic: usize) {
        let mut goals: u32 = 0;
        if self.rng.chance(0.04) {
            goals = (1 << 18) - 2;
        } else {
            for &goal in &TOPICS[topic].goals {
                goals |= 1 << goal;
            }
            for _ in 0..self.rng.below(3) {
                goals |= 1 << self.rng.range(1, 17);
            }
        }
        for goal in 1..=17u32 {
            if goals & (1 << goal) != 0 {
                let iri = format!("{GOAL_PREFIX}{goal}>");
                self.link2(subject, [kg!("servesGoal"), dcterms!("relation")], &iri);
            }
        }
    }

    /// A blank node of a period of time (`dcterms:PeriodOfTime`, `time:ProperInterval`).
    pub(super) fn period(&mut self, from: u32, to: u32) -> String {
        self.blank_nodes += 1;
        let node = format!("_:gen-period-{}", self.blank_nodes);
        self.link(&node, TYPE, dcterms!("PeriodOfTime"));
        self.link(&node, TYPE, time!("ProperInterval"));
        self.typed(&node, dcat!("startDate"), &gyear(from), XSD_GYEAR);
        self.typed(&node, dcat!("endDate"), &gyear(to), XSD_GYEAR);
        node
    }

    /// A `skos:ConceptScheme` with its English labels.
    pub(super) fn concept_scheme(&mut self, scheme: &str, label: &str) {
        self.types(scheme, &[skos!("ConceptScheme")]);
        self.labels(scheme, label, None, None);
    }

    /// A numbered top concept of a scheme, of `class` too.
    pub(super) fn numbered_concept(
        &mut self,
        scheme: &str,
        concept: &str,
        class: &str,
        label: &str,
        number: usize,
    ) {
        self.types(concept, &[class, skos!("Concept")]);
        self.labels(concept, label, None, None);
        self.plain(concept, skos!("notation"), &number.to_string());
        self.link(concept, skos!("inScheme"), scheme);
        self.link_both_ways(
            concept,
            [skos!("topConceptOf"), skos!("hasTopConcept")],
            scheme,
        );
    }

    // --- IRIs ---------------------------------------------------------------------------------

    /// `<{base}{kind}/gen-{id}>`.
    pub(super) fn iri(&self, kind: &str, id: u64) -> String {
        let mut out = Vec::with_capacity(self.base.len() + kind.len() + 16);
        out.push(b'<');
        out.extend_from_slice(self.base.as_bytes());
        out.extend_from_slice(kind.as_bytes());
        out.extend_from_slice(b"/gen-");
        push_number(&mut out, id);
        out.push(b'>');
        String::from_utf8(out).unwrap_or_default()
    }

    /// `<{base}{kind}/gen-{a}-{b}>`.
    pub(super) fn iri2(&self, kind: &str, a: u64, b: u64) -> String {
        format!("<{}{kind}/gen-{a}-{b}>", self.base)
    }

    /// `<{base}{kind}/gen-{name}>`.
    pub(super) fn named(&self, kind: &str, name: &str) -> String {
        format!("<{}{kind}/gen-{name}>", self.base)
    }

    pub(super) fn org_iri(&self, id: u32) -> String {
        let kind = match self.org_kind[id as usize] {
            OrgKind::Initiative => "initiative",
            _ => "org",
        };
        self.iri(kind, u64::from(id))
    }

    pub(super) fn person_iri(&self, id: u32) -> String {
        self.iri("person", u64::from(id))
    }

    pub(super) fn event_iri(&self, id: u32) -> String {
        self.iri("event", u64::from(id))
    }

    pub(super) fn meeting_iri(&self, id: u32) -> String {
        self.iri("meeting", u64::from(id))
    }

    pub(super) fn series_iri(&self, id: u32) -> String {
        self.iri("series", u64::from(id))
    }

    pub(super) fn city_iri(&self, city: u32) -> String {
        self.named("place", &format!("city-{city}"))
    }

    pub(super) fn country_iri(&self, country: u32) -> String {
        self.named("place", &format!("country-{country}"))
    }

    pub(super) fn role_iri(&self, role: usize) -> String {
        self.named("concept", &format!("role-{}", ROLES[role].slug))
    }

    pub(super) fn source_iri(&self, index: usize) -> String {
        self.q.graphs[index].clone()
    }
}
