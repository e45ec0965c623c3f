//! The HTML page of an entity: its properties and what links to it, grouped by property, at most
//! a page of links per property with a link to the rest.
//!
//! A hub may have tens of thousands of links. The page reads them in one ordered scan, keeps the
//! first of each property and counts the others, then reads labels only for what it shows; it
//! renders in time linear in what it shows (labels are looked up in a map, not searched for).
//! Only `http:` and `https:` IRIs become links; everything from the data is escaped.
//!
//! `links` reads the links (and the statements of the blank nodes among them), `labels` the
//! labels of what is shown, `sources` the sources that state the statements shown and what a
//! source's own graph holds, `timeline` the dates of linked entities; `render` writes the page.

mod labels;
mod links;
mod render;
mod sources;
#[cfg(test)]
mod tests;
mod timeline;

use crate::site::picture::{Edge, Node};
use crate::store::{QueryLimits, QueryOutput, SharedStore, StoreError};
use oxigraph::model::{BlankNode, Literal, NamedNode, Term};
use std::collections::HashMap;

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
    let groups = links::gather(&reads, &entity, request).await?;
    let graph = if request.focus.is_none() {
        sources::graph_subjects(&reads, &entity).await?
    } else {
        None
    };
    if groups.is_empty() && request.focus.is_none() && graph.is_none() {
        return Ok(None);
    }
    let blanks = links::blanks(&reads, &entity, &groups).await?;
    let (stated_in, sources) = sources::stated_in(&reads, &entity, &groups).await?;
    let shown = labels::shown(&entity, &groups, &blanks, &sources, graph.as_ref());
    let linked = timeline::linked(&entity, &groups);
    // The labels of what is shown and the dates of linked entities, read at once.
    let dated = !linked.is_empty() && request.focus.is_none();
    let (labels, dates) = futures_util::future::join(
        labels::labels(&reads, shown, &entity, &request.languages),
        async {
            if dated {
                timeline::dates(&reads, linked).await
            } else {
                Ok(HashMap::new())
            }
        },
    )
    .await;
    let ((labels, label_languages), dates) = (labels?, dates?);
    Ok(Some(EntityPage {
        entity,
        groups,
        labels,
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

/// The local name of an IRI: what follows its last `#` or `/`.
fn local_name(iri: &str) -> &str {
    iri.rsplit(['#', '/']).next().unwrap_or(iri)
}

impl EntityPage {
    /// The queries reading the page took.
    pub fn queries(&self) -> u64 {
        self.queries
    }

    /// Sets the neighbourhood the page draws (from the API's neighbourhood query).
    pub fn with_neighbourhood(mut self, nodes: Vec<Node>, edges: Vec<Edge>) -> Self {
        self.neighbourhood = Some((nodes, edges));
        self
    }

    /// The label of a node shown, when it has one.
    fn label(&self, iri: &str) -> Option<&str> {
        self.labels.get(iri).map(String::as_str)
    }
}
