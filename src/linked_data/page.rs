//! The HTML page of an entity: its properties and what links to it, grouped by property, at most
//! a page of links per property with a link to the rest.
//!
//! A hub may have tens of thousands of links. The page reads them in one ordered scan, keeps the
//! first of each property and counts the others, then reads labels only for what it shows; it
//! renders in time linear in what it shows (labels are looked up in a map, not searched for).
//! Only `http:` and `https:` IRIs become links; everything from the data is escaped.

use super::{IriMapper, RDFS_LABEL, SKOS_PREF_LABEL};
use crate::site::picture::{Edge, Node};
use crate::site::{escape, query_value};
use crate::sparql::{bind, bind_each, constant_query};
use crate::store::{QueryLimits, QueryOutput, SharedStore, StoreError};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{BlankNode, Literal, NamedNode, Term, TermRef};
use spargebra::term::GroundTerm;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

/// Every link of an entity, both ways (graphs merged). Blank nodes that link to the entity are
/// skipped as the rows are read (a `FILTER(isIRI(?v))` here trips Virtuoso's compiler). The page
/// orders them itself: an engine's `ORDER BY` resolves every term's text for each comparison,
/// which costs more than the rest of the page for an entity of a few thousand links.
static LINKS: LazyLock<spargebra::Query> = LazyLock::new(|| {
    constant_query(
        "SELECT DISTINCT ?way ?p ?v WHERE {
           { ?entity ?p ?v BIND(\"out\" AS ?way) }
           UNION
           { ?v ?p ?entity BIND(\"in\" AS ?way) }
         }",
    )
});

/// How many links an entity has per property and direction (counting only reads the indexes).
static COUNTS: LazyLock<spargebra::Query> = LazyLock::new(|| {
    constant_query(
        "SELECT ?way ?p (COUNT(DISTINCT ?v) AS ?n) WHERE {
           { ?entity ?p ?v BIND(\"out\" AS ?way) }
           UNION
           { ?v ?p ?entity BIND(\"in\" AS ?way) }
         } GROUP BY ?way ?p",
    )
});

/// The values of some properties of an entity, and the nodes that link to it by some
/// properties (`?p` is bound to one or several).
static VALUES_OUT: LazyLock<spargebra::Query> =
    LazyLock::new(|| constant_query("SELECT DISTINCT ?p ?v WHERE { ?entity ?p ?v }"));
static VALUES_IN: LazyLock<spargebra::Query> =
    LazyLock::new(|| constant_query("SELECT DISTINCT ?p ?v WHERE { ?v ?p ?entity }"));

/// An entity with at most this many links has them all read in one query and ordered; a larger
/// one (a hub) has its links read property by property.
const ONE_QUERY_LINKS: u64 = 2000;

/// How many links of each property a hub's page shows (its property pages show more).
const HUB_LINKS: usize = 20;

/// On a hub's page, a property with at most this many links has them ordered; a larger one is
/// paged in the store's own order (stable while the data is), so that its page reads a page of
/// links, not all of them.
const SORTED_GROUP: u64 = 500;

/// The statements about the blank nodes an entity points to (shown inline).
static BLANKS: LazyLock<spargebra::Query> = LazyLock::new(|| {
    constant_query(
        "SELECT DISTINCT ?b ?bp ?bo WHERE { ?entity ?p ?b FILTER(isBlank(?b)) ?b ?bp ?bo }
         ORDER BY ?b ?bp ?bo",
    )
});

/// The labels of a set of nodes.
static LABELS: LazyLock<spargebra::Query> = LazyLock::new(|| {
    constant_query(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
         PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
         PREFIX dcterms: <http://purl.org/dc/terms/>
         SELECT ?x ?lp ?label WHERE {
           VALUES ?lp { skos:prefLabel rdfs:label dcterms:title }
           ?x ?lp ?label FILTER(isLiteral(?label))
         }",
    )
});

/// The literals of a set of nodes (their dates are read from them).
static LITERALS: LazyLock<spargebra::Query> =
    LazyLock::new(|| constant_query("SELECT ?x ?p ?d WHERE { ?x ?p ?d FILTER(isLiteral(?d)) }"));

/// The date properties a linked entity is placed on the timeline by, the most telling first
/// (by their local names); other dates count when none of these is given.
const TIMELINE_DATES: [&str; 8] = [
    "startDate",
    "issued",
    "date",
    "foundingDate",
    "created",
    "approvalDate",
    "endorsementDate",
    "startTime",
];

/// The order of the properties that say what an entity is (by local name); others follow, by
/// label.
const ABOUT_ORDER: [&str; 12] = [
    "prefLabel",
    "label",
    "title",
    "altLabel",
    "type",
    "description",
    "abstract",
    "comment",
    "homepage",
    "url",
    "identifier",
    "sameAs",
];

/// How many linked entities' dates a page reads at most.
const MAX_DATED: usize = 400;

/// Whether a literal is a date (or a year, a month, a time).
fn is_date(literal: &Literal) -> bool {
    [xsd::DATE, xsd::G_YEAR, xsd::G_YEAR_MONTH, xsd::DATE_TIME].contains(&literal.datatype())
}

/// The local name of an IRI: what follows its last `#` or `/`.
fn local_name(iri: &str) -> &str {
    iri.rsplit(['#', '/']).next().unwrap_or(iri)
}

/// The graphs (sources) that state each of an entity's statements.
static SOURCES: LazyLock<spargebra::Query> = LazyLock::new(|| {
    constant_query("SELECT DISTINCT ?p ?v ?g WHERE { GRAPH ?g { ?entity ?p ?v } } LIMIT 5000")
});

/// The subjects of the statements of a named graph (an entity that is a source).
static GRAPH_SUBJECTS: LazyLock<spargebra::Query> =
    LazyLock::new(|| constant_query("SELECT ?s WHERE { GRAPH ?graph { ?s ?p ?o } }"));

/// How many statements of a source's graph its page reads to count what it speaks of.
const MAX_GRAPH_STATEMENTS: usize = 200_000;

/// How many of the entities a source speaks of its page lists.
const MAX_GRAPH_SUBJECTS: usize = 100;

/// The namespace of SHACL: the shapes that name an entity are not facts about it.
const SHACL: &str = crate::shacl::vocab::NAMESPACE;

/// How many statements about inline blank nodes a page shows at most.
const MAX_BLANK_STATEMENTS: usize = 1000;

/// Which links a page lists.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// The most links shown per property (and direction).
    pub max_links: usize,
    /// One property's links only, from an offset: the page that follows "and N more".
    pub focus: Option<Focus>,
    /// The reader's languages, most wanted first (language tags, lower-cased): labels in them
    /// are preferred, then English, then any.
    pub languages: Vec<String>,
}

/// The links of one property in one direction, from an offset.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Focus {
    /// Links to the entity (`true`) or from it.
    pub incoming: bool,
    /// The property.
    pub property: NamedNode,
    /// How many links to skip.
    pub offset: usize,
}

/// The links of one property in one direction.
#[derive(Clone, Debug)]
pub struct LinkGroup {
    /// Links to the entity (`true`) or from it.
    pub incoming: bool,
    /// The property.
    pub property: NamedNode,
    /// The values (or linking nodes) shown.
    pub values: Vec<Term>,
    /// How many links the property has that way.
    pub total: usize,
    /// How many were skipped before the first shown.
    pub offset: usize,
}

/// What a source's graph holds, as its page shows it.
#[derive(Clone, Debug)]
struct GraphContent {
    /// The entities its statements are about, with how many statements each, the most first.
    subjects: Vec<(NamedNode, usize)>,
    /// The statements read.
    read: usize,
    /// Whether there were more statements than were read.
    more: bool,
}

/// What an entity's page shows.
#[derive(Clone, Debug)]
pub struct EntityPage {
    /// The entity.
    pub entity: NamedNode,
    /// Its links, outgoing first, by property.
    pub groups: Vec<LinkGroup>,
    /// The best label of each node shown, by IRI.
    labels: HashMap<String, String>,
    /// The statements of the blank nodes shown.
    blanks: HashMap<BlankNode, Vec<(NamedNode, Term)>>,
    /// The sources that state each statement about the entity (by property and value): numbers
    /// in `sources`, from 1.
    stated_in: HashMap<(String, Term), Vec<usize>>,
    /// The sources of the statements shown, in the order the page numbers them.
    sources: Vec<NamedNode>,
    /// When the entity is a source (a named graph): what its statements are about.
    graph: Option<GraphContent>,
    /// The languages of the entity's labels, and the one the page reads in (if asked).
    languages: (Vec<String>, Option<String>),
    /// Whether only one property's links are shown.
    focused: bool,
    /// The date of each linked entity that has one (by IRI): the property that gives it and
    /// the date, for the timeline.
    dates: HashMap<String, (NamedNode, Literal)>,
    /// The neighbourhood to draw: its nodes and links.
    neighbourhood: Option<(Vec<Node>, Vec<Edge>)>,
    /// The queries the page took.
    queries: u64,
}

/// The store as a page reads it: its queries within the limits, counted.
struct Reads<'a> {
    store: &'a SharedStore,
    limits: QueryLimits,
    queries: std::sync::atomic::AtomicU64,
}

impl Reads<'_> {
    /// Runs a query.
    async fn query(&self, query: spargebra::Query) -> Result<QueryOutput, StoreError> {
        self.queries
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.store.query(query, self.limits).await
    }

    /// Runs a SELECT query and collects its rows.
    async fn select(
        &self,
        query: spargebra::Query,
    ) -> Result<Vec<oxigraph::sparql::QuerySolution>, StoreError> {
        self.queries
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        crate::sparql::select(self.store, query, self.limits).await
    }
}

/// Reads what the page of `entity` shows; `None` when the store knows nothing of it.
pub async fn entity_page(
    store: &SharedStore,
    entity: NamedNode,
    request: &PageRequest,
    limits: QueryLimits,
) -> Result<Option<EntityPage>, StoreError> {
    let reads = Reads {
        store,
        limits,
        queries: 0.into(),
    };
    let groups = gather(&reads, &entity, request).await?;
    let graph = if request.focus.is_none() {
        graph_subjects(&reads, &entity).await?
    } else {
        None
    };
    if groups.is_empty() && request.focus.is_none() && graph.is_none() {
        return Ok(None);
    }
    let mut blanks: HashMap<BlankNode, Vec<(NamedNode, Term)>> = HashMap::new();
    let shows_blanks = groups
        .iter()
        .any(|g| g.values.iter().any(|v| matches!(v, Term::BlankNode(_))));
    if shows_blanks {
        let rows = reads
            .select(bind(BLANKS.clone(), "entity", entity.clone()))
            .await?;
        for row in rows.into_iter().take(MAX_BLANK_STATEMENTS) {
            if let (Some(Term::BlankNode(b)), Some(Term::NamedNode(p)), Some(o)) =
                (row.get("b"), row.get("bp"), row.get("bo"))
            {
                blanks
                    .entry(b.clone())
                    .or_default()
                    .push((p.clone(), o.clone()));
            }
        }
    }
    // The sources of the statements shown (outgoing: what is said about the entity).
    let mut stated_in: HashMap<(String, Term), Vec<usize>> = HashMap::new();
    let mut sources: Vec<NamedNode> = Vec::new();
    if groups.iter().any(|g| !g.incoming) {
        let rows = reads
            .select(bind(SOURCES.clone(), "entity", entity.clone()))
            .await?;
        for row in rows {
            if let (Some(Term::NamedNode(p)), Some(v), Some(Term::NamedNode(g))) =
                (row.get("p"), row.get("v"), row.get("g"))
            {
                let shown = groups.iter().any(|group| {
                    !group.incoming && &group.property == p && group.values.contains(v)
                });
                if !shown {
                    continue;
                }
                let number = match sources.iter().position(|s| s == g) {
                    Some(i) => i + 1,
                    None => {
                        sources.push(g.clone());
                        sources.len()
                    }
                };
                let numbers = stated_in
                    .entry((p.as_str().to_owned(), v.clone()))
                    .or_default();
                if !numbers.contains(&number) {
                    numbers.push(number);
                    numbers.sort_unstable();
                }
            }
        }
    }
    // The labels of every IRI shown: the entity, the properties, the values, inside blank nodes,
    // the sources.
    let mut shown: Vec<GroundTerm> = vec![entity.clone().into()];
    let mut seen = std::collections::HashSet::new();
    seen.insert(entity.as_str().to_owned());
    let iris = groups
        .iter()
        .flat_map(|g| {
            std::iter::once(TermRef::from(&g.property)).chain(g.values.iter().map(Term::as_ref))
        })
        .chain(
            blanks
                .values()
                .flatten()
                .flat_map(|(p, o)| [TermRef::from(p), o.as_ref()]),
        )
        .chain(sources.iter().map(TermRef::from))
        .chain(
            graph
                .iter()
                .flat_map(|content| content.subjects.iter().map(|(s, _)| TermRef::from(s))),
        );
    for term in iris {
        if let TermRef::NamedNode(iri) = term {
            if seen.insert(iri.as_str().to_owned()) {
                shown.push(iri.into_owned().into());
            }
        }
    }
    // The dates of the linked entities, for the timeline.
    let linked: Vec<GroundTerm> = groups
        .iter()
        .filter(|g| g.property.as_ref() != rdf::TYPE)
        .flat_map(|g| g.values.iter())
        .filter_map(|v| match v {
            Term::NamedNode(n) if n != &entity => Some(n.clone()),
            _ => None,
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .take(MAX_DATED)
        .map(GroundTerm::from)
        .collect();
    // The labels of what is shown and the literals of linked entities (for their dates), read
    // at once.
    let dated = !linked.is_empty() && request.focus.is_none();
    let (rows, literals) =
        futures_util::future::join(reads.select(bind_each(LABELS.clone(), "x", shown)), async {
            if dated {
                reads.select(bind_each(LITERALS.clone(), "x", linked)).await
            } else {
                Ok(Vec::new())
            }
        })
        .await;
    let (rows, literals) = (rows?, literals?);
    let mut best: HashMap<String, (u32, String)> = HashMap::new();
    // The languages the entity's own labels come in (for the page's language switch).
    let mut label_languages: Vec<String> = Vec::new();
    for row in rows {
        let (Some(Term::NamedNode(x)), Some(Term::NamedNode(lp)), Some(Term::Literal(label))) =
            (row.get("x"), row.get("lp"), row.get("label"))
        else {
            continue;
        };
        let rank = label_rank(lp.as_str(), label, &request.languages);
        if x == &entity {
            if let Some(language) = label.language() {
                let language = language.to_ascii_lowercase();
                if !label_languages.contains(&language) {
                    label_languages.push(language);
                }
            }
        }
        let entry = best
            .entry(x.as_str().to_owned())
            .or_insert((0, String::new()));
        // Equal ranks keep the least label, so that the page does not depend on row order.
        if rank > entry.0 || (rank == entry.0 && label.value() < entry.1.as_str()) {
            *entry = (rank, label.value().to_owned());
        }
    }
    let mut dates: HashMap<String, (NamedNode, Literal)> = HashMap::new();
    {
        let rows = literals;
        let rank = |p: &NamedNode| {
            let name = local_name(p.as_str());
            TIMELINE_DATES.iter().position(|d| *d == name).unwrap_or(
                // Ends (`endDate`, `dissolutionDate`) do not place an entity on the timeline.
                if name.starts_with("end")
                    || name.contains("End")
                    || name.starts_with("dissolution")
                {
                    usize::MAX
                } else {
                    TIMELINE_DATES.len()
                },
            )
        };
        for row in rows {
            let (Some(Term::NamedNode(x)), Some(Term::NamedNode(p)), Some(Term::Literal(d))) =
                (row.get("x"), row.get("p"), row.get("d"))
            else {
                continue;
            };
            if !is_date(d) || rank(p) == usize::MAX {
                continue;
            }
            let better = match dates.get(x.as_str()) {
                None => true,
                Some((q, e)) => (rank(p), d.value()) < (rank(q), e.value()),
            };
            if better {
                dates.insert(x.as_str().to_owned(), (p.clone(), d.clone()));
            }
        }
    }
    Ok(Some(EntityPage {
        entity,
        groups,
        labels: best
            .into_iter()
            .map(|(iri, (_, label))| (iri, label))
            .collect(),
        blanks,
        stated_in,
        sources,
        graph,
        languages: (label_languages, request.languages.first().cloned()),
        focused: request.focus.is_some(),
        queries: reads.queries.into_inner(),
        dates,
        neighbourhood: None,
    }))
}

/// How good a label is for a reader of `languages`: a label in a language they want beats one
/// in a language they want less, then English, then any; within a language, `skos:prefLabel`
/// beats `rdfs:label`, which beats a title.
fn label_rank(property: &str, label: &Literal, languages: &[String]) -> u32 {
    let kind = match property {
        SKOS_PREF_LABEL => 3,
        RDFS_LABEL => 2,
        _ => 1,
    };
    let matches = |wanted: &str| {
        label.language().is_some_and(|l| {
            let l = l.to_ascii_lowercase();
            l == wanted
                || l.starts_with(&format!("{wanted}-"))
                || wanted.starts_with(&format!("{l}-"))
        })
    };
    let wanted = languages.len() as u32;
    let place = languages
        .iter()
        .position(|wanted| matches(wanted))
        .map(|i| wanted - i as u32 + 1)
        .or_else(|| matches("en").then_some(1))
        .unwrap_or(0);
    place * 4 + kind
}

/// When `entity` names a graph: the subjects of its statements with their counts, the most
/// first (at most [`MAX_GRAPH_SUBJECTS`]), the statements read, and whether there were more than
/// [`MAX_GRAPH_STATEMENTS`].
async fn graph_subjects(
    reads: &Reads<'_>,
    entity: &NamedNode,
) -> Result<Option<GraphContent>, StoreError> {
    let query = bind(GRAPH_SUBJECTS.clone(), "graph", entity.clone());
    let QueryOutput::Solutions { rows, .. } = reads.query(query).await? else {
        return Err(StoreError::Evaluation("expected solutions".to_owned()));
    };
    tokio::task::spawn_blocking(move || {
        let mut counts: HashMap<NamedNode, usize> = HashMap::new();
        let mut read = 0;
        let mut more = false;
        for row in rows {
            if read == MAX_GRAPH_STATEMENTS {
                more = true;
                break;
            }
            let row = row?;
            read += 1;
            // Statements about blank nodes count, but only named subjects are listed.
            if let Some(Term::NamedNode(subject)) = row.get("s") {
                *counts.entry(subject.clone()).or_default() += 1;
            }
        }
        if read == 0 {
            return Ok(None);
        }
        let mut subjects: Vec<(NamedNode, usize)> = counts.into_iter().collect();
        subjects.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.as_str().cmp(b.0.as_str())));
        subjects.truncate(MAX_GRAPH_SUBJECTS);
        Ok(Some(GraphContent {
            subjects,
            read,
            more,
        }))
    })
    .await
    .map_err(|e| StoreError::storage("the page task", e))?
}

/// The order of links on a page: by property (incoming first), then by value.
fn link_order(a: &(bool, NamedNode, Term), b: &(bool, NamedNode, Term)) -> std::cmp::Ordering {
    (!a.0, a.1.as_str())
        .cmp(&(!b.0, b.1.as_str()))
        .then_with(|| term_key(&a.2).cmp(&term_key(&b.2)))
}

/// What a value is ordered by: IRIs by their text, literals by their value, then the rest.
fn term_key(term: &Term) -> (u8, &str) {
    match term {
        Term::NamedNode(n) => (1, n.as_str()),
        Term::Literal(l) => (2, l.value()),
        Term::BlankNode(b) => (0, b.as_str()),
        #[allow(unreachable_patterns)]
        _ => (3, ""),
    }
}

/// Reads the links of `entity` a page per property (and direction), counting the rest. An
/// entity of few links has them read at once and ordered here; a hub has its counts read first,
/// then each property's page.
async fn gather(
    reads: &Reads<'_>,
    entity: &NamedNode,
    request: &PageRequest,
) -> Result<Vec<LinkGroup>, StoreError> {
    let skip = request.focus.as_ref().map_or(0, |f| f.offset);
    let wanted = |incoming: bool, property: &NamedNode| {
        !property.as_str().starts_with(SHACL)
            && request
                .focus
                .as_ref()
                .is_none_or(|f| f.incoming == incoming && &f.property == property)
    };
    let counted = reads
        .select(bind(COUNTS.clone(), "entity", entity.clone()))
        .await?;
    let mut counts: Vec<(bool, NamedNode, u64)> = Vec::new();
    for row in counted {
        if let (Some(Term::Literal(way)), Some(Term::NamedNode(p)), Some(Term::Literal(n))) =
            (row.get("way"), row.get("p"), row.get("n"))
        {
            counts.push((
                way.value() == "in",
                p.clone(),
                n.value().parse().unwrap_or(0),
            ));
        }
    }
    counts.sort_by(|a, b| (!a.0, a.1.as_str()).cmp(&(!b.0, b.1.as_str())));
    let total: u64 = counts.iter().map(|c| c.2).sum();
    // A hub's page shows a few links of each property, each property's own pages the rest.
    let max = if request.focus.is_none() && total > ONE_QUERY_LINKS {
        request.max_links.min(HUB_LINKS)
    } else {
        request.max_links
    };
    let mut groups: Vec<LinkGroup> = Vec::new();
    // A group: all its values, ordered (`paged`: only the page of them), and their number.
    let mut push =
        |incoming: bool, property: NamedNode, values: Vec<Term>, total: usize, paged: bool| {
            let (from, page) = if paged {
                (0, values.len())
            } else {
                (skip, max)
            };
            groups.push(LinkGroup {
                incoming,
                property,
                values: values.into_iter().skip(from).take(page).collect(),
                total,
                offset: skip,
            });
        };
    if total <= ONE_QUERY_LINKS {
        let rows = reads
            .select(bind(LINKS.clone(), "entity", entity.clone()))
            .await?;
        let mut links: Vec<(bool, NamedNode, Term)> = rows
            .into_iter()
            .filter_map(|row| match (row.get("way"), row.get("p"), row.get("v")) {
                (Some(Term::Literal(way)), Some(Term::NamedNode(p)), Some(v)) => {
                    let incoming = way.value() == "in";
                    (!(incoming && v.is_blank_node()) && wanted(incoming, p))
                        .then(|| (incoming, p.clone(), v.clone()))
                }
                _ => None,
            })
            .collect();
        links.sort_by(link_order);
        links.dedup();
        let mut rest = links.into_iter().peekable();
        while let Some((incoming, property, value)) = rest.next() {
            let mut values = vec![value];
            while let Some((_, _, v)) = rest.next_if(|(i, p, _)| *i == incoming && *p == property) {
                values.push(v);
            }
            let total = values.len();
            push(incoming, property, values, total, false);
        }
    } else {
        let counts: Vec<(bool, NamedNode, u64)> = counts
            .into_iter()
            .filter(|(incoming, property, _)| wanted(*incoming, property))
            .collect();
        // The properties of few links, both ways: read whole, two queries in all.
        let mut small: Vec<(bool, NamedNode, Term)> = Vec::new();
        for incoming in [true, false] {
            let properties: Vec<GroundTerm> = counts
                .iter()
                .filter(|(i, _, n)| *i == incoming && *n <= SORTED_GROUP)
                .map(|(_, p, _)| p.clone().into())
                .collect();
            if properties.is_empty() {
                continue;
            }
            let template = if incoming { &VALUES_IN } else { &VALUES_OUT };
            let query = bind_each(
                bind((*template).clone(), "entity", entity.clone()),
                "p",
                properties,
            );
            for row in reads.select(query).await? {
                if let (Some(Term::NamedNode(p)), Some(v)) = (row.get("p"), row.get("v")) {
                    if !(incoming && v.is_blank_node()) {
                        small.push((incoming, p.clone(), v.clone()));
                    }
                }
            }
        }
        small.sort_by(link_order);
        small.dedup();
        for (incoming, property, count) in counts {
            if count <= SORTED_GROUP {
                let values: Vec<Term> = small
                    .iter()
                    .filter(|(i, p, _)| *i == incoming && *p == property)
                    .map(|(_, _, v)| v.clone())
                    .collect();
                let total = values.len();
                push(incoming, property, values, total, false);
                continue;
            }
            // A property of many links: a page of them in the store's order.
            let template = if incoming { &VALUES_IN } else { &VALUES_OUT };
            let mut query = (*template).clone();
            if let spargebra::Query::Select { pattern, .. } = &mut query {
                let inner = std::mem::replace(
                    pattern,
                    spargebra::algebra::GraphPattern::Bgp {
                        patterns: Vec::new(),
                    },
                );
                *pattern = spargebra::algebra::GraphPattern::Slice {
                    inner: Box::new(inner),
                    start: skip,
                    length: Some(max),
                };
            }
            let query = bind(bind(query, "entity", entity.clone()), "p", property.clone());
            let values: Vec<Term> = reads
                .select(query)
                .await?
                .into_iter()
                .filter_map(|row| row.get("v").cloned())
                .filter(|v| !(incoming && v.is_blank_node()))
                .collect();
            push(incoming, property, values, count as usize, true);
        }
    }
    if let (Some(focus), true) = (&request.focus, groups.is_empty()) {
        groups.push(LinkGroup {
            incoming: focus.incoming,
            property: focus.property.clone(),
            values: Vec::new(),
            total: 0,
            offset: focus.offset,
        });
    }
    Ok(groups)
}

/// The URL of the page that lists `group`'s links from `offset`.
fn focus_href(group: &LinkGroup, offset: usize) -> String {
    format!(
        "?links={}&amp;property={}&amp;offset={offset}",
        if group.incoming { "in" } else { "out" },
        escape(&query_value(group.property.as_str()))
    )
}

impl EntityPage {
    fn label(&self, iri: &str) -> Option<&str> {
        self.labels.get(iri).map(String::as_str)
    }

    /// A link to an IRI: to its local page when it is in the entity namespace, to the IRI itself
    /// when it is `http(s)`, and plain text otherwise (`javascript:`, `data:`, URNs…).
    fn link(&self, iri: &str, mapper: &IriMapper<'_>) -> String {
        let text = self
            .label(iri)
            .map_or_else(|| mapper.compact(iri), str::to_owned);
        let href = mapper.local_path(iri).or_else(|| {
            let lower = iri.get(..8).unwrap_or(iri).to_ascii_lowercase();
            (lower.starts_with("http://") || lower.starts_with("https://")).then(|| iri.to_owned())
        });
        match href {
            Some(href) => format!("<a href=\"{}\">{}</a>", escape(&href), escape(&text)),
            None => format!("<span title=\"{}\">{}</span>", escape(iri), escape(&text)),
        }
    }

    fn term(&self, term: &Term, mapper: &IriMapper<'_>, html: &mut String) {
        match term {
            Term::NamedNode(node) => html.push_str(&self.link(node.as_str(), mapper)),
            Term::BlankNode(node) => {
                // Blank nodes are shown inline with their own properties.
                html.push_str("<ul>");
                for (p, o) in self.blanks.get(node).into_iter().flatten() {
                    let _ = write!(html, "<li>{} ", self.link(p.as_str(), mapper));
                    match o {
                        Term::NamedNode(n) => html.push_str(&self.link(n.as_str(), mapper)),
                        Term::Literal(l) => html.push_str(&escape(l.value())),
                        other => html.push_str(&escape(&other.to_string())),
                    }
                    html.push_str("</li>");
                }
                html.push_str("</ul>");
            }
            Term::Literal(literal) => {
                html.push_str(&escape(literal.value()));
                if let Some(language) = literal.language() {
                    let _ = write!(html, " <small>@{}</small>", escape(language));
                } else if literal.datatype() != xsd::STRING {
                    let _ = write!(
                        html,
                        " <small>{}</small>",
                        escape(&mapper.compact(literal.datatype().as_str()))
                    );
                }
            }
            #[allow(unreachable_patterns)]
            other => html.push_str(&escape(&other.to_string())),
        }
    }

    /// The sources that state `value` of `group` (outgoing statements), as numbered links.
    fn cite(&self, group: &LinkGroup, value: &Term, html: &mut String) {
        if group.incoming {
            return;
        }
        let key = (group.property.as_str().to_owned(), value.clone());
        let Some(numbers) = self.stated_in.get(&key) else {
            return;
        };
        html.push_str(" <sup>");
        for (i, n) in numbers.iter().enumerate() {
            if i > 0 {
                html.push(',');
            }
            let title = self
                .sources
                .get(n - 1)
                .map(|s| self.label(s.as_str()).unwrap_or(s.as_str()))
                .unwrap_or_default();
            let _ = write!(
                html,
                "<a href=\"#source-{n}\" title=\"{}\">{n}</a>",
                escape(title)
            );
        }
        html.push_str("</sup>");
    }

    /// The queries reading the page took.
    pub fn queries(&self) -> u64 {
        self.queries
    }

    /// Sets the neighbourhood the page draws (from the API's neighbourhood query).
    pub fn with_neighbourhood(mut self, nodes: Vec<Node>, edges: Vec<Edge>) -> Self {
        self.neighbourhood = Some((nodes, edges));
        self
    }

    /// Which part of the page a group of links belongs in.
    fn section(&self, group: &LinkGroup, mapper: &IriMapper<'_>) -> Section {
        if group.incoming {
            return Section::In;
        }
        let literals = group.values.iter().filter_map(|v| match v {
            Term::Literal(l) => Some(l),
            _ => None,
        });
        if group.values.iter().all(Term::is_literal) && literals.clone().count() > 0 {
            return if literals.clone().all(is_date) {
                Section::Dates
            } else {
                Section::About
            };
        }
        let entities = group.values.iter().any(|v| match v {
            Term::NamedNode(n) => mapper.local_path(n.as_str()).is_some(),
            Term::BlankNode(_) => true,
            _ => false,
        });
        if entities && group.property.as_ref() != rdf::TYPE {
            Section::Out
        } else {
            Section::About
        }
    }

    /// Whether sources disagree on `group`: typed values (dates, numbers) of which two are
    /// stated by different sources and by no source in common.
    fn disagreement(&self, group: &LinkGroup) -> bool {
        if group.incoming || group.values.len() < 2 {
            return false;
        }
        let typed = group.values.iter().all(|v| {
            matches!(v, Term::Literal(l) if l.language().is_none() && l.datatype() != xsd::STRING)
        });
        if !typed {
            return false;
        }
        let sources: Vec<&[usize]> = group
            .values
            .iter()
            .map(|v| {
                self.stated_in
                    .get(&(group.property.as_str().to_owned(), v.clone()))
                    .map_or(&[][..], Vec::as_slice)
            })
            .collect();
        sources.iter().enumerate().any(|(i, a)| {
            sources[i + 1..]
                .iter()
                .any(|b| !a.is_empty() && !b.is_empty() && !a.iter().any(|n| b.contains(n)))
        })
    }

    /// A table of groups of links, one row per property.
    fn table(&self, groups: &[&LinkGroup], mapper: &IriMapper<'_>, html: &mut String) {
        html.push_str("<table>");
        let property_labels: Vec<Option<&str>> = groups
            .iter()
            .map(|g| self.label(g.property.as_str()))
            .collect();
        for (index, group) in groups.iter().enumerate() {
            let mut property = if group.property.as_ref() == rdf::TYPE
                && self.label(rdf::TYPE.as_str()).is_none()
            {
                "kind".to_owned()
            } else {
                self.link(group.property.as_str(), mapper)
            };
            // Two properties that read the same (`owl:sameAs`, `schema:sameAs`) show their
            // compact IRIs too.
            let label = property_labels[index];
            if label.is_some() && property_labels.iter().filter(|l| **l == label).count() > 1 {
                let _ = write!(
                    property,
                    " <small>{}</small>",
                    escape(&mapper.compact(group.property.as_str()))
                );
            }
            let disagree = self.disagreement(group);
            let _ = write!(
                html,
                "<tr><th scope=\"row\">{property}</th><td{}>",
                if disagree { " class=\"disagree\"" } else { "" }
            );
            if disagree {
                html.push_str("<strong>Sources disagree:</strong> each value with its sources.");
            }
            let shown = group.values.len();
            if self.focused {
                let _ = write!(
                    html,
                    "<p>{}–{} of {}</p>",
                    (group.offset + 1).min(group.total),
                    group.offset + shown,
                    group.total
                );
            }
            // Values that would read the same (two vocabularies' `Organization`) show their
            // compact IRIs too.
            let texts: Vec<Option<&str>> = group
                .values
                .iter()
                .map(|v| match v {
                    Term::NamedNode(n) => self.label(n.as_str()),
                    _ => None,
                })
                .collect();
            let ambiguous = |i: usize| {
                texts[i].is_some() && texts.iter().filter(|t| **t == texts[i]).count() > 1
            };
            let value = |i: usize, v: &Term, html: &mut String| {
                self.term(v, mapper, html);
                if let (true, Term::NamedNode(n)) = (ambiguous(i), v) {
                    let _ = write!(
                        html,
                        " <small>{}</small>",
                        escape(&mapper.compact(n.as_str()))
                    );
                }
                self.cite(group, v, html);
            };
            if shown == 1 && group.total == 1 {
                value(0, &group.values[0], html);
            } else {
                html.push_str("<ul>");
                for (i, v) in group.values.iter().enumerate() {
                    html.push_str("<li>");
                    value(i, v, html);
                    html.push_str("</li>");
                }
                html.push_str("</ul>");
            }
            let next = group.offset + shown;
            if next < group.total {
                if self.focused {
                    let _ = write!(
                        html,
                        "<p>… and {} more: <a href=\"{}\">next {}</a></p>",
                        group.total - next,
                        focus_href(group, next),
                        shown.min(group.total - next)
                    );
                } else {
                    let _ = write!(
                        html,
                        "<p>… and {} more: <a href=\"{}\">list them</a></p>",
                        group.total - next,
                        focus_href(group, next),
                    );
                }
            }
            if self.focused && group.offset > 0 {
                let previous = group.offset.saturating_sub(shown.max(1));
                let _ = write!(
                    html,
                    "<p><a href=\"{}\">previous</a></p>",
                    focus_href(group, previous)
                );
            }
            html.push_str("</td></tr>");
        }
        html.push_str("</table>");
    }

    /// The entity's own dates and those of the entities it links to (or that link to it), in
    /// order; empty unless linked entities have dates.
    fn timeline(&self, mapper: &IriMapper<'_>) -> String {
        // (date, what, how it is linked, whether the entity's own)
        let mut items: Vec<(String, String, String, bool)> = Vec::new();
        let mut listed = std::collections::HashSet::new();
        for group in &self.groups {
            let property = self
                .label(group.property.as_str())
                .map_or_else(|| mapper.compact(group.property.as_str()), str::to_owned);
            for value in &group.values {
                match value {
                    Term::Literal(l) if !group.incoming && is_date(l) => {
                        items.push((l.value().to_owned(), escape(&property), String::new(), true));
                    }
                    Term::NamedNode(n) => {
                        let Some((_, date)) = self.dates.get(n.as_str()) else {
                            continue;
                        };
                        if !listed.insert(n.as_str()) {
                            continue;
                        }
                        let how = if group.incoming {
                            format!("links here as “{property}”")
                        } else {
                            format!("as “{property}”")
                        };
                        items.push((
                            date.value().to_owned(),
                            self.link(n.as_str(), mapper),
                            escape(&how),
                            false,
                        ));
                    }
                    _ => {}
                }
            }
        }
        if items.iter().filter(|i| !i.3).count() < 2 {
            return String::new();
        }
        items.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        let mut html = String::from("<h2 id=\"timeline\">Timeline</h2><ol class=\"timeline\">");
        for (date, what, how, own) in items {
            let _ = write!(
                html,
                "<li><time datetime=\"{date}\">{date}</time>{}{what}{}{}</li>",
                if own { "<strong>" } else { "" },
                if own { "</strong>" } else { "" },
                if how.is_empty() {
                    String::new()
                } else {
                    format!(" <small>{how}</small>")
                },
                date = escape(&date),
            );
        }
        html.push_str("</ol>");
        html
    }

    /// The picture of the neighbourhood, with labels in the page's language where it has them.
    fn picture(&self, mapper: &IriMapper<'_>) -> String {
        let Some((nodes, edges)) = &self.neighbourhood else {
            return String::new();
        };
        if nodes.len() < 2 {
            return String::new();
        }
        let nodes: Vec<Node> = nodes
            .iter()
            .map(|n| Node {
                label: self.label(&n.iri).map(str::to_owned).or(n.label.clone()),
                ..n.clone()
            })
            .collect();
        crate::site::picture::neighbourhood(self.entity.as_str(), &nodes, edges, mapper)
    }

    /// Renders the page as a self-contained HTML document.
    pub fn render(&self, mapper: &IriMapper<'_>) -> String {
        let title = self
            .label(self.entity.as_str())
            .map_or_else(|| mapper.compact(self.entity.as_str()), str::to_owned);
        let mut html = String::new();
        let _ = write!(
            html,
            "<h1>{title}</h1><p><code>{iri}</code></p>\
             <p>Also as <a href=\"?format=ttl\">Turtle</a>, <a href=\"?format=jsonld\">JSON-LD</a>, \
             <a href=\"?format=nt\">N-Triples</a>, <a href=\"?format=rdfxml\">RDF/XML</a>.</p>",
            title = escape(&title),
            iri = escape(self.entity.as_str()),
        );
        let (languages, reading) = &self.languages;
        if languages.len() > 1 {
            html.push_str("<p>Labels in: ");
            let mut sorted = languages.clone();
            sorted.sort();
            for (i, language) in sorted.iter().enumerate() {
                if i > 0 {
                    html.push_str(" · ");
                }
                if reading.as_deref() == Some(language.as_str()) {
                    let _ = write!(html, "<strong>{}</strong>", escape(language));
                } else {
                    let _ = write!(
                        html,
                        "<a href=\"?lang={0}\" hreflang=\"{0}\">{0}</a>",
                        escape(language)
                    );
                }
            }
            html.push_str("</p>");
        }
        if self.focused {
            html.push_str("<p><a href=\"?\">All of this entity's properties</a></p>");
            let groups: Vec<&LinkGroup> = self.groups.iter().collect();
            self.table(&groups, mapper, &mut html);
        } else {
            let in_section = |section: Section| -> Vec<&LinkGroup> {
                self.groups
                    .iter()
                    .filter(|g| self.section(g, mapper) == section)
                    .collect()
            };
            for (section, heading, id) in [
                (Section::About, "About", "about"),
                (Section::Dates, "Dates", "dates"),
            ] {
                let mut groups = in_section(section);
                // Names first, then kinds, descriptions, and links elsewhere.
                groups.sort_by_key(|g| {
                    let name = local_name(g.property.as_str());
                    let rank = ABOUT_ORDER
                        .iter()
                        .position(|n| *n == name)
                        .unwrap_or(ABOUT_ORDER.len());
                    (
                        rank,
                        self.label(g.property.as_str()).unwrap_or(name).to_owned(),
                    )
                });
                if !groups.is_empty() {
                    let _ = write!(html, "<h2 id=\"{id}\">{heading}</h2>");
                    self.table(&groups, mapper, &mut html);
                }
            }
            html.push_str(&self.timeline(mapper));
            html.push_str("<h2 id=\"relationships\">Relationships</h2>");
            html.push_str(&self.picture(mapper));
            html.push_str(&crate::site::connect_form(self.entity.as_str(), "", 3));
            let out = in_section(Section::Out);
            if !out.is_empty() {
                html.push_str("<h3>Links to</h3>");
                self.table(&out, mapper, &mut html);
            }
            let incoming = in_section(Section::In);
            if !incoming.is_empty() {
                html.push_str("<h3 id=\"referenced-by\">Referenced by</h3>");
                self.table(&incoming, mapper, &mut html);
            }
        }
        if let Some(GraphContent {
            subjects,
            read,
            more,
        }) = &self.graph
        {
            let _ = write!(
                html,
                "<h2 id=\"statements\">As a source</h2><p>Its graph holds {}{} statements; \
                 <a href=\"/export?format=ttl&amp;graph={}\">all of them</a> \
                 (<a href=\"/export?format=nq&amp;graph={}\">N-Quads</a>). They are about:</p><ul>",
                if *more { "more than " } else { "" },
                read,
                escape(&query_value(self.entity.as_str())),
                escape(&query_value(self.entity.as_str())),
            );
            for (subject, count) in subjects {
                let _ = write!(
                    html,
                    "<li>{} <small>{count} statement{}</small></li>",
                    self.link(subject.as_str(), mapper),
                    if *count == 1 { "" } else { "s" }
                );
            }
            html.push_str("</ul>");
        }
        if !self.sources.is_empty() {
            html.push_str(
                "<h2 id=\"sources\">Sources</h2><p>The numbers beside a value say which \
                 sources state it; where sources disagree, the values are marked.</p><ol>",
            );
            for (i, source) in self.sources.iter().enumerate() {
                let _ = write!(
                    html,
                    "<li id=\"source-{}\">{}</li>",
                    i + 1,
                    self.link(source.as_str(), mapper)
                );
            }
            html.push_str("</ol>");
        }
        crate::site::layout_with_head(
            &title,
            "",
            "<link rel=\"alternate\" type=\"text/turtle\" href=\"?format=ttl\">\
             <link rel=\"alternate\" type=\"application/ld+json\" href=\"?format=jsonld\">",
            &html,
        )
    }
}

/// The parts of an entity's page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    /// What identifies and describes it: kinds, names, descriptions, identifiers, web links.
    About,
    /// Its dates.
    Dates,
    /// Its links to other entities.
    Out,
    /// Other entities' links to it.
    In,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(values: Vec<Term>, labels: &[(&str, &str)]) -> EntityPage {
        EntityPage {
            entity: NamedNode::new("https://w3id.org/kgql/id/org/x").unwrap(),
            groups: vec![LinkGroup {
                incoming: false,
                property: NamedNode::new("http://schema.org/url").unwrap(),
                total: values.len(),
                values,
                offset: 0,
            }],
            labels: labels
                .iter()
                .map(|(iri, label)| ((*iri).to_owned(), (*label).to_owned()))
                .collect(),
            blanks: HashMap::new(),
            stated_in: HashMap::new(),
            sources: Vec::new(),
            graph: None,
            languages: (Vec::new(), None),
            focused: false,
            dates: HashMap::new(),
            neighbourhood: None,
            queries: 0,
        }
    }

    const MAPPER: IriMapper<'static> = IriMapper {
        base_iri: "https://w3id.org/kgql/id/",
    };

    #[test]
    fn html_escapes_everything_from_the_data() {
        let html = page(
            vec![
                Literal::new_language_tagged_literal("<script>alert(1)</script>", "en")
                    .unwrap()
                    .into(),
            ],
            &[(
                "https://w3id.org/kgql/id/org/x",
                "<img src=x onerror=alert(1)>",
            )],
        )
        .render(&MAPPER);
        assert!(!html.contains("<script>"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn only_web_iris_become_links() {
        let values = [
            "javascript:alert(1)",
            "data:text/html,%3Cb%3Ex",
            "JaVaScRiPt:x",
            "urn:isbn:1",
            "https://ok.example/",
            "HTTP://ok.example/",
        ]
        .iter()
        .map(|iri| NamedNode::new(*iri).unwrap().into())
        .collect();
        let html = page(values, &[]).render(&MAPPER);
        assert!(
            !html.to_ascii_lowercase().contains("href=\"javascript"),
            "{html}"
        );
        assert!(!html.contains("href=\"data:"), "{html}");
        assert!(!html.contains("href=\"urn:"), "{html}");
        assert!(html.contains("href=\"https://ok.example/\""), "{html}");
        assert!(html.contains("href=\"HTTP://ok.example/\""), "{html}");
    }

    #[test]
    fn a_long_group_links_to_the_rest() {
        let values: Vec<Term> = (0..3)
            .map(|i| {
                NamedNode::new(format!("https://w3id.org/kgql/id/org/{i}"))
                    .unwrap()
                    .into()
            })
            .collect();
        let mut page = page(values, &[]);
        page.groups[0].total = 28_000;
        let html = page.render(&MAPPER);
        assert!(html.contains("and 27997 more"), "{html}");
        assert!(
            html.contains("?links=out&amp;property=http%3A%2F%2Fschema.org%2Furl&amp;offset=3"),
            "{html}"
        );
    }
}
