//! Synthetic graphs in kgql's own ontology, for benchmarks from thousands to millions of triples.
//!
//! [`generate`] writes N-Quads that model what the seed graph (`ontology/seed.trig`) models, the
//! way it models it: formal organisations with units in hierarchies
//! (`org:subOrganizationOf` / `org:hasSubOrganization`), focus groups, working groups and
//! networks with qualified memberships (`org:Membership` with `org:member`, `org:organization`,
//! `org:role`), posts (`org:Post`, `org:postIn`, `org:role`, `org:heldBy` / `org:holds`,
//! `org:hasPost`) held by people, initiatives with their aims, event series with dated editions
//! and sub-events at places, meetings, statements, report series with editions and counts,
//! documents, surveys with findings and action plans, links to the Sustainable Development Goals
//! (the seed's `http://metadata.un.org/sdg/N` IRIs), labels in several languages and
//! descriptions in the six UN languages. As in the seed, every standard super-type, every
//! super-property and both directions of inverse pairs are asserted in the same graph, because
//! the server does no inference; the output conforms to `ontology/shapes.ttl` on its own and
//! together with the seed.
//!
//! Sources and graphs follow the seed's layout: each entity's facts go to the named graph of
//! one source (`{base}source/gen-N`), names in other languages than English and the controlled
//! vocabularies (roles, kinds) to `{base}graph/gen-editorial`, and every source and graph is
//! described (`prov:Entity`, `dcterms:title`, publisher or creator, URL) in the seed's graph
//! `{base}graph/sources`. Every generated entity IRI has a slug starting with `gen-`, so none
//! collides with the seed's. Two facts of the seed are repeated, word for word, in the graph
//! `{base}source/gen-reference`, so that the output conforms on its own: the 17 goals (types,
//! titles, notations) and ITU's Wikidata identifier, which a shape requires of `{base}org/itu`
//! whatever the data. `kgql seed` replaces the graph `{base}graph/sources`: seed the store
//! before loading generated data to keep the descriptions of the generated sources.
//!
//! Degrees are skewed as in real networks. Parents, organisers, publishers, members, speakers,
//! cited documents and sources are drawn with a bias towards older entities (index `⌊n·u³⌋` or
//! `⌊n·u²⌋` for a uniform `u`), a cumulative advantage that makes a few early entities hubs and
//! leaves most entities with one or two links.
//!
//! The output is a stream: names are never stored but recomputed from an entity's number
//! whenever another label mentions it, so memory holds only numbers (kinds and pools of
//! organisations, edition counters, dates of events, the pairs of memberships so that none is
//! written twice), a few bytes per entity: about 30 MB for ten million triples. Everything is
//! drawn from a hand-written SplitMix64 generator: the same options give byte-identical output.
//!
//! The words the names are made of (topics, scopes, bodies, syllables, people's names, roles,
//! kinds...) and the patterns of names (`the Working Group on {topic}`, weighted) are data files
//! in `src/generate/names/`, one record a line with tab-separated columns, compiled in and read
//! once (module `tables`).

// First, so that its macros serve the modules below.
#[macro_use]
mod terms;

mod backbone;
mod emit;
mod events;
mod naming;
mod organizations;
mod patterns;
mod quads;
mod rng;
mod tables;
mod text;
mod works;

use naming::OrgKind;
use oxigraph::model::NamedNode;
use quads::{Quads, FIRST_SOURCE};
use rng::Rng;
use std::collections::HashSet;
use std::io::{self, Write};

/// What to generate.
#[derive(Clone, Debug)]
pub struct Options {
    /// The number of triples to aim at. Generation stops at the first entity boundary at or past
    /// it, a few triples over; below about a thousand, the fixed part (sources, places, goals,
    /// vocabularies and a few large organisations) alone is larger.
    pub triples: u64,
    /// The seed of the pseudo-random generator.
    pub seed: u64,
    /// The namespace of the entities, ending with `/` or `#` (`https://w3id.org/kgql/id/`).
    pub base_iri: String,
}

/// What [`generate`] wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// The quads written, one per line.
    pub quads: u64,
    /// The entities described (organisations, people, posts, events, works, places, concepts...).
    pub entities: u64,
}

/// Writes a synthetic graph as N-Quads to `output` (buffered here); fails if the base IRI is not
/// an absolute IRI ending with `/` or `#`, or on the first write error.
pub fn generate<W: Write>(output: W, options: &Options) -> io::Result<Summary> {
    let base = &options.base_iri;
    if NamedNode::new(base.as_str()).is_err() || !(base.ends_with('/') || base.ends_with('#')) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("base IRI '{base}' is not an absolute IRI ending with '/' or '#'"),
        ));
    }
    let mut generator = Generator::new(output, options);
    generator.run();
    generator.finish()
}

/// The quads left to write below which only people are added, so that the output ends a few
/// triples past the target.
const TAIL: u64 = 64;

/// The first organisations, intergovernmental hubs that publish the sources.
const HUB_ORGANIZATIONS: usize = 8;

/// What the main loop adds, with weights.
#[derive(Clone, Copy, Debug)]
enum Step {
    Formal,
    Unit,
    FocusGroup,
    WorkingGroup,
    Network,
    Initiative,
    Person,
    Post,
    Join,
    Series,
    Edition,
    SubEvent,
    Meeting,
    Statement,
    ReportSeries,
    ReportEdition,
    Document,
    Survey,
    Plan,
}

const STEPS: &[(Step, u32)] = &[
    (Step::Formal, 14),
    (Step::Unit, 12),
    (Step::FocusGroup, 2),
    (Step::WorkingGroup, 4),
    (Step::Network, 2),
    (Step::Initiative, 2),
    (Step::Person, 10),
    (Step::Post, 20),
    (Step::Join, 22),
    (Step::Series, 3),
    (Step::Edition, 12),
    (Step::SubEvent, 10),
    (Step::Meeting, 4),
    (Step::Statement, 10),
    (Step::ReportSeries, 2),
    (Step::ReportEdition, 7),
    (Step::Document, 8),
    (Step::Survey, 1),
    (Step::Plan, 3),
];

struct SeriesState {
    organizer: u32,
    editions: u16,
}

struct ReportState {
    publisher: u32,
    editions: u16,
}

struct Generator<W: Write> {
    q: Quads<W>,
    rng: Rng,
    seed: u64,
    base: String,
    target: u64,
    sources: usize,
    countries: u32,
    cities: u32,
    entities: u64,
    org_kind: Vec<OrgKind>,
    /// The formal organisation at the top of each organisation's hierarchy.
    org_root: Vec<u32>,
    formal: Vec<u32>,
    governments: Vec<u32>,
    /// Formal organisations and units: parents of units, members of groups.
    hosts: Vec<u32>,
    /// Working groups and networks: what organisations join.
    collaborations: Vec<u32>,
    working_groups: Vec<u32>,
    initiatives: Vec<u32>,
    people: u32,
    posts: u32,
    /// The start date of each event (packed, 0 when unknown).
    events: Vec<u32>,
    meetings: u32,
    series: Vec<SeriesState>,
    reports: Vec<ReportState>,
    documents: u32,
    plans: u32,
    statements: u32,
    venues: u32,
    blank_nodes: u32,
    /// The (group, member) pairs of the memberships written, so that none is written twice.
    memberships: HashSet<u64>,
}

impl<W: Write> Generator<W> {
    fn new(output: W, options: &Options) -> Self {
        let target = options.triples;
        let base = options.base_iri.clone();
        let sources = (target / 40_000).clamp(8, 250) as usize;
        let countries = (target / 20_000).clamp(12, 190) as u32;
        let cities = (target / 1_000).clamp(40, 20_000) as u32;
        let cities = cities.div_ceil(countries) * countries;
        let mut graphs = vec![
            format!("<{base}graph/sources>"),
            format!("<{base}graph/gen-editorial>"),
            format!("<{base}source/gen-reference>"),
        ];
        graphs.extend((0..sources).map(|i| format!("<{base}source/gen-{i}>")));
        Self {
            q: Quads::new(output, graphs),
            rng: Rng::new(options.seed),
            seed: options.seed,
            base,
            target,
            sources,
            countries,
            cities,
            entities: 0,
            org_kind: Vec::new(),
            org_root: Vec::new(),
            formal: Vec::new(),
            governments: Vec::new(),
            hosts: Vec::new(),
            collaborations: Vec::new(),
            working_groups: Vec::new(),
            initiatives: Vec::new(),
            people: 0,
            posts: 0,
            events: Vec::new(),
            meetings: 0,
            series: Vec::new(),
            reports: Vec::new(),
            documents: 0,
            plans: 0,
            statements: 0,
            venues: 0,
            blank_nodes: 0,
            memberships: HashSet::new(),
        }
    }

    fn finish(mut self) -> io::Result<Summary> {
        if let Some(error) = self.q.error.take() {
            return Err(error);
        }
        self.q.out.flush()?;
        Ok(Summary {
            quads: self.q.count,
            entities: self.entities,
        })
    }

    fn run(&mut self) {
        self.backbone();
        let total: u32 = STEPS.iter().map(|(_, weight)| weight).sum();
        while self.q.count < self.target && self.q.error.is_none() {
            self.choose_source();
            if self.target - self.q.count < TAIL {
                self.person();
                continue;
            }
            let step = self.draw_step(total);
            self.take(step);
        }
    }

    /// A step of the main loop, drawn by weight (`total` is the sum of the weights).
    fn draw_step(&mut self, total: u32) -> Step {
        let mut draw = self.rng.below(u64::from(total)) as u32;
        for &(step, weight) in STEPS {
            if draw < weight {
                return step;
            }
            draw -= weight;
        }
        Step::Person
    }

    fn take(&mut self, step: Step) {
        match step {
            Step::Formal => {
                let kind = *self.rng.pick(&[
                    OrgKind::Agency,
                    OrgKind::Agency,
                    OrgKind::Agency,
                    OrgKind::Government,
                    OrgKind::Government,
                    OrgKind::Company,
                    OrgKind::Company,
                    OrgKind::University,
                    OrgKind::Foundation,
                    OrgKind::Foundation,
                ]);
                self.formal_organization(kind);
            }
            Step::Unit => self.unit(),
            Step::FocusGroup => self.focus_group(),
            Step::WorkingGroup => self.collaboration(OrgKind::WorkingGroup),
            Step::Network => self.collaboration(OrgKind::Network),
            Step::Initiative => self.initiative(),
            Step::Person => {
                self.person();
            }
            Step::Post => self.post_step(),
            Step::Join => self.join(),
            Step::Series => {
                self.event_series();
            }
            Step::Edition => self.edition(),
            Step::SubEvent => self.sub_event(),
            Step::Meeting => self.meeting(),
            Step::Statement => self.statement(),
            Step::ReportSeries => {
                self.report_series();
            }
            Step::ReportEdition => self.report_edition(),
            Step::Document => self.document(),
            Step::Survey => self.survey(),
            Step::Plan => self.plan(),
        }
    }

    /// Sends the next entity's facts to a source, the first sources more often.
    fn choose_source(&mut self) {
        self.q.current = FIRST_SOURCE + self.rng.old(self.sources);
    }
}

#[cfg(test)]
mod tests;
