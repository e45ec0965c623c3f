//! The fixed part of every output: hub organisations, the description of every source and
//! graph, the controlled vocabularies, the reference data and the places.

use super::naming::{OrgKind, OrgName};
use super::quads::{EDITORIAL_GRAPH, FIRST_SOURCE, REFERENCE_GRAPH, SOURCES_GRAPH};
use super::rng::{Rng, TAG_SOURCE};
use super::tables::{Topic, GOALS, ORGANIZATION_KINDS, ROLES, STATEMENT_KINDS, TOPICS};
use super::terms::*;
use super::text::{capitalized, slug};
use super::{Generator, HUB_ORGANIZATIONS};
use std::io::Write;

/// A source as its description needs it.
struct Source<'a> {
    iri: String,
    publisher: String,
    name: OrgName,
    topic: &'a Topic,
    url: String,
    year: u32,
}

impl<W: Write> Generator<W> {
    pub(super) fn backbone(&mut self) {
        for _ in 0..HUB_ORGANIZATIONS {
            self.choose_source();
            self.formal_organization(OrgKind::Agency);
        }
        self.describe_sources();
        self.vocabularies();
        self.reference_data();
        self.places();
    }

    /// The sources and graphs, described in `graph/sources` as the seed describes its own.
    fn describe_sources(&mut self) {
        self.q.current = SOURCES_GRAPH;
        self.describe_graph(
            EDITORIAL_GRAPH,
            "Editorial additions (generated)",
            "Names in further languages, descriptions in the six UN languages, roles and kinds of statement and of organisation of the generated graph.",
        );
        self.describe_graph(
            REFERENCE_GRAPH,
            "Reference data of the generated graph (UN SDG KOS, Wikidata)",
            "The Sustainable Development Goals that generated entities serve, and the Wikidata identifier of ITU that the shapes require, as the seed states them.",
        );
        for index in 0..self.sources {
            self.describe_source(index);
        }
    }

    /// One of the graphs that are not sources.
    fn describe_graph(&mut self, graph: usize, title: &str, description: &str) {
        let iri = self.source_iri(graph);
        self.types(
            &iri,
            &[schema!("Dataset"), schema!("CreativeWork"), prov!("Entity")],
        );
        self.title(&iri, title);
        self.text(&iri, DESCRIPTION, description, "en");
    }

    /// A source, published by one of the hubs: in turn a web page, a news article, a directory
    /// and a yearbook.
    fn describe_source(&mut self, index: usize) {
        let mut r = Rng::keyed(self.seed, TAG_SOURCE, index as u64);
        let topic = &TOPICS[r.index(TOPICS.len())];
        let publisher = (index % HUB_ORGANIZATIONS) as u32;
        let name = self.org_name(publisher);
        let url = format!(
            "<https://{}-{publisher}.example.org/{}/{index}>",
            name.host,
            slug(topic.en)
        );
        let source = Source {
            iri: self.source_iri(FIRST_SOURCE + index),
            publisher: self.org_iri(publisher),
            name,
            topic,
            url,
            year: r.range(2015, 2025),
        };
        match index % 4 {
            0 => self.web_page(&source, publisher),
            1 => self.news_article(&source, &mut r),
            2 => self.directory(&source),
            _ => self.yearbook(&source),
        }
    }

    fn web_page(&mut self, source: &Source, publisher: u32) {
        let s = &source.iri;
        self.types(
            s,
            &[
                schema!("WebPage"),
                schema!("CreativeWork"),
                dcterms!("BibliographicResource"),
                prov!("Entity"),
            ],
        );
        let title = format!("{}: {} programme", source.name.short(), source.topic.en);
        let label = format!("{title} ({}-{publisher}.example.org)", source.name.host);
        self.labels(s, &label, None, None);
        self.text(s, TITLE, &title, "en");
        self.link(s, dcterms!("publisher"), &source.publisher);
        self.link(s, schema!("url"), &source.url);
    }

    fn news_article(&mut self, source: &Source, r: &mut Rng) {
        let s = &source.iri;
        let (the, topic) = (source.name.the(), source.topic.text);
        self.types(
            s,
            &[
                schema!("NewsArticle"),
                schema!("CreativeWork"),
                dcterms!("BibliographicResource"),
                prov!("Entity"),
            ],
        );
        let title = format!("{} launches a programme on {topic}", capitalized(&the));
        self.title(s, &title);
        self.link(s, dcterms!("publisher"), &source.publisher);
        let issued = date(source.year, r.range(1, 12), r.range(1, 28));
        self.typed(s, dcterms!("issued"), &issued, XSD_DATE);
        let description = format!("News article of {the} on its new programme on {topic}.");
        self.text(s, DESCRIPTION, &description, "en");
    }

    fn directory(&mut self, source: &Source) {
        let s = &source.iri;
        self.types(
            s,
            &[schema!("Dataset"), schema!("CreativeWork"), prov!("Entity")],
        );
        self.title(
            s,
            &format!("Directory of {} organizations", source.topic.text),
        );
        self.link(s, dcterms!("creator"), &source.publisher);
        self.link(s, schema!("url"), &source.url);
        let description = format!(
            "Organisations, people and events in {}, as listed by {}.",
            source.topic.text,
            source.name.the()
        );
        self.text(s, DESCRIPTION, &description, "en");
    }

    fn yearbook(&mut self, source: &Source) {
        let s = &source.iri;
        self.types(
            s,
            &[
                schema!("CreativeWork"),
                dcterms!("BibliographicResource"),
                prov!("Entity"),
            ],
        );
        self.title(
            s,
            &format!("Yearbook of {} {}", source.topic.en, source.year),
        );
        self.link(s, dcterms!("publisher"), &source.publisher);
        self.typed(s, dcterms!("issued"), &gyear(source.year), XSD_GYEAR);
    }

    /// Roles, kinds of statement and kinds of organisation, in the editorial graph.
    fn vocabularies(&mut self) {
        self.q.current = EDITORIAL_GRAPH;
        let scheme = self.named("concept", "roles");
        self.concept_scheme(&scheme, "Roles (generated graph)");
        for (index, role) in ROLES.iter().enumerate() {
            let iri = self.role_iri(index);
            self.link(&scheme, skos!("hasTopConcept"), &iri);
            self.types(&iri, &[org!("Role"), skos!("Concept")]);
            self.labels(&iri, role.en, Some(role.fr), Some(role.zh));
            self.in_scheme(&iri, &scheme);
        }

        let scheme = self.named("concept", "statement-kinds");
        self.concept_scheme(&scheme, "Kinds of statement (generated graph)");
        for kind in STATEMENT_KINDS.iter() {
            let iri = self.named("concept", &format!("statement-kind-{}", kind.slug));
            self.link(&scheme, skos!("hasTopConcept"), &iri);
            self.types(&iri, &[skos!("Concept")]);
            self.labels(&iri, kind.label, None, None);
            self.text(&iri, skos!("definition"), kind.definition, "en");
            self.in_scheme(&iri, &scheme);
        }

        let scheme = self.named("concept", "organization-kinds");
        self.concept_scheme(&scheme, "Kinds of organisation (generated graph)");
        for (slug, en, fr, zh) in ORGANIZATION_KINDS.iter() {
            let iri = self.named("concept", &format!("organization-kind-{slug}"));
            self.link(&scheme, skos!("hasTopConcept"), &iri);
            self.types(&iri, &[skos!("Concept")]);
            self.labels(&iri, en, Some(fr), Some(zh));
            self.in_scheme(&iri, &scheme);
        }
    }

    /// `skos:inScheme` and `skos:topConceptOf` of a concept of a vocabulary.
    fn in_scheme(&mut self, concept: &str, scheme: &str) {
        self.link(concept, skos!("inScheme"), scheme);
        self.link(concept, skos!("topConceptOf"), scheme);
    }

    /// The goals the generated entities serve, with the seed's IRIs and English titles, and
    /// ITU's Wikidata identifier, which the shapes require of `{base}org/itu` (`sh:targetNode`):
    /// the graph conforms without the seed and adds no new fact to it.
    fn reference_data(&mut self) {
        self.q.current = REFERENCE_GRAPH;
        let itu = format!("<{}org/itu>", self.base);
        let wikidata = "<http://www.wikidata.org/entity/Q376150>";
        self.link(&itu, "<http://www.w3.org/2002/07/owl#sameAs>", wikidata);
        self.link(&itu, schema!("sameAs"), wikidata);
        for (index, title) in GOALS.iter().enumerate() {
            let number = (index + 1).to_string();
            let iri = format!("{GOAL_PREFIX}{number}>");
            self.types(&iri, &[SDGO_GOAL, skos!("Concept")]);
            self.labels(&iri, title, None, None);
            self.plain(&iri, skos!("notation"), &number);
            self.text(&iri, ALT_LABEL, &format!("SDG {number}"), "en");
        }
    }

    /// Countries and their cities.
    fn places(&mut self) {
        for country in 0..self.countries {
            self.choose_source();
            let iri = self.country_iri(country);
            let (en, zh) = self.country_name(country);
            self.types(&iri, &[schema!("Country"), schema!("Place")]);
            let zh = self.rng.chance(0.5).then_some(zh.as_str());
            self.labels(&iri, &en, None, zh);
        }
        for city in 0..self.cities {
            self.choose_source();
            let iri = self.city_iri(city);
            let country = self.country_iri(city % self.countries);
            let (en, zh) = self.city_name(city);
            self.types(&iri, &[schema!("City"), schema!("Place")]);
            let zh = self.rng.chance(0.4).then_some(zh.as_str());
            self.labels(&iri, &en, None, zh);
            self.link_both_ways(
                &iri,
                [schema!("containedInPlace"), schema!("containsPlace")],
                &country,
            );
        }
    }
}
