//! The store abstraction: everything kgql knows about where the graph lives.
//!
//! The rest of the server speaks to a [`Store`] in SPARQL algebra (queries and updates), RDF
//! quads, loads and dumps, and never to a particular engine. Two backends implement it: the
//! embedded Oxigraph store ([`embedded::EmbeddedStore`]) and a remote SPARQL 1.1 engine
//! ([`remote::RemoteStore`]).
//!
//! The surface is async; result iteration is not. A [`QueryOutput`] holds blocking iterators so
//! that an engine's own cursors can be consumed without copying: iterate them inside
//! [`tokio::task::spawn_blocking`] (the HTTP layer and the GraphQL layer both do).

pub mod embedded;
mod fresh_variables;
pub mod remote;

use crate::index_model::{Hit, IndexedPage, PageRequest};
use async_trait::async_trait;
use oxigraph::io::{RdfFormat, RdfParseError, RdfParser};
use oxigraph::model::{
    GraphName, NamedNode, NamedNodeRef, NamedOrBlankNodeRef, Quad, Term, TermRef, Triple,
};
use oxigraph::sparql::{QuerySolution, Variable};
use spargebra::{Query, Update};
use std::io::Read;
use std::sync::Arc;
use std::time::Duration;

/// A blocking iterator of query solutions.
pub type SolutionIter = Box<dyn Iterator<Item = Result<QuerySolution, StoreError>> + Send>;
/// A blocking iterator of triples (the answer to CONSTRUCT and DESCRIBE).
pub type TripleIter = Box<dyn Iterator<Item = Result<Triple, StoreError>> + Send>;
/// A blocking iterator of quads.
pub type QuadIter = Box<dyn Iterator<Item = Result<Quad, StoreError>> + Send>;
/// Work done with point reads of statements ([`Statements`]), on a thread that may block.
pub type StatementWork =
    Box<dyn FnOnce(&dyn Statements) -> Result<Vec<QuerySolution>, StoreError> + Send>;
/// A callback told how many quads have been loaded so far.
pub type ProgressFn = Arc<dyn Fn(u64) + Send + Sync>;

/// The answer to a SPARQL query.
pub enum QueryOutput {
    /// The answer to an ASK query.
    Boolean(bool),
    /// The answer to a SELECT query: its variables and its rows.
    Solutions {
        /// The projected variables, in order.
        variables: Arc<[Variable]>,
        /// The rows; iterating blocks, unless `complete`.
        rows: SolutionIter,
        /// Every row is already in memory: iterating never waits (a small answer).
        complete: bool,
    },
    /// The answer to a CONSTRUCT or DESCRIBE query; iterating blocks.
    Graph(TripleIter),
}

impl std::fmt::Debug for QueryOutput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Boolean(b) => write!(f, "Boolean({b})"),
            Self::Solutions { variables, .. } => write!(f, "Solutions({variables:?})"),
            Self::Graph(_) => f.write_str("Graph"),
        }
    }
}

/// Limits that apply to one query.
#[derive(Clone, Copy, Debug)]
pub struct QueryLimits {
    /// Wall-clock time after which evaluation is cancelled.
    pub timeout: Duration,
}

impl Default for QueryLimits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(30),
        }
    }
}

/// Where loaded quads go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadTarget {
    /// Keep the graphs the data names; triples go to the given graph (the default graph if
    /// `None`).
    Dataset {
        /// Graph for triples outside any named graph.
        default_graph: Option<NamedNode>,
    },
    /// Put every triple into this graph, whatever graph the data names.
    Graph(GraphName),
}

/// What to do with the target graph's current content.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadMode {
    /// Add to what is there.
    Append,
    /// Replace the target graph's content (the Graph Store protocol's PUT).
    Replace,
}

/// One serialized RDF document.
pub struct Document {
    /// The serialized data.
    pub input: Box<dyn Read + Send>,
    /// Its syntax.
    pub format: RdfFormat,
    /// Base IRI for relative IRIs in the data.
    pub base_iri: Option<String>,
    /// Its name in error messages (a file name, `request body`...).
    pub name: String,
}

/// A request to load RDF documents; all of them are applied as one transaction.
pub struct LoadRequest {
    /// The documents, loaded in order.
    pub documents: Vec<Document>,
    /// Where their quads go.
    pub target: LoadTarget,
    /// Append or replace.
    pub mode: LoadMode,
    /// Told the number of quads read so far.
    pub progress: Option<ProgressFn>,
    /// The input is large: favour throughput and bounded memory over small-write latency.
    pub bulk: bool,
}

/// A position in a text input, counted from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextLocation {
    /// The line, from 1.
    pub line: u64,
    /// The column, from 1, in characters.
    pub column: u64,
}

/// Errors of the store layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The query ran past its time limit and was cancelled.
    #[error("the query was cancelled after running for {0:?}")]
    Timeout(Duration),
    /// The query or update is valid SPARQL but cannot be evaluated.
    #[error("evaluation failed: {0}")]
    Evaluation(String),
    /// Loaded data is not valid in its declared format.
    #[error("invalid {format} in {document}: {message}")]
    Syntax {
        /// Name of the format.
        format: &'static str,
        /// The document's name.
        document: String,
        /// Where the error is, when the parser knows.
        location: Option<TextLocation>,
        /// What is wrong.
        message: String,
    },
    /// The named graph does not exist.
    #[error("graph {0} does not exist")]
    GraphNotFound(String),
    /// The engine cannot be reached or answered with an error of its own.
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// Reading or writing failed.
    #[error("storage error: {0}")]
    Io(#[from] std::io::Error),
    /// The storage engine failed.
    #[error("storage error: {0}")]
    Storage(String),
}

impl From<crate::search::IndexError> for StoreError {
    fn from(error: crate::search::IndexError) -> Self {
        Self::Storage(error.to_string())
    }
}

/// Triple and graph counts of the store, as VoID and `/metrics` report them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StoreSize {
    /// Number of quads, each named graph counted separately.
    pub quads: u64,
}

/// A graph store: the one interface between kgql and the engine that holds the data.
///
/// Queries and updates arrive as parsed algebra. A query without a dataset (no `FROM`, no
/// protocol parameters) is evaluated with the backend's configured default graph: the union of
/// all named graphs unless configured otherwise.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// A short name of the backend, for logs and the service description.
    fn backend_name(&self) -> &'static str;

    /// How many query evaluations are still running, including those whose caller has already
    /// been answered (a timed-out query runs until the engine notices its cancellation).
    fn running_queries(&self) -> usize {
        0
    }

    /// Whether the engine evaluates `LATERAL` (SEP-0006). Query writers that use it to read
    /// per-row data fall back to plain joins where it is missing.
    async fn supports_lateral(&self) -> bool {
        true
    }

    /// Evaluates a query.
    async fn query(&self, query: Query, limits: QueryLimits) -> Result<QueryOutput, StoreError>;

    /// Applies an update as one transaction.
    async fn update(&self, update: Update) -> Result<(), StoreError>;

    /// Loads RDF data as one transaction; returns the number of quads read.
    async fn load(&self, request: LoadRequest) -> Result<u64, StoreError>;

    /// Quads of one graph (`Some`) or of every graph (`None`); iterating blocks.
    async fn quads(&self, graph: Option<GraphName>) -> Result<QuadIter, StoreError>;

    /// The distinct triples of the default graph as queries see it (the union of every graph,
    /// unless configured otherwise); iterating blocks. By default, a `CONSTRUCT` query, whose
    /// evaluation keeps every triple it gave to drop repeats.
    async fn default_graph_triples(&self) -> Result<TripleIter, StoreError> {
        let query = spargebra::SparqlParser::new()
            .parse_query(
                "CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }",
            )
            .map_err(|e| StoreError::Evaluation(e.to_string()))?;
        let limits = QueryLimits {
            timeout: Duration::from_secs(24 * 3600),
        };
        match self.query(query, limits).await? {
            QueryOutput::Graph(triples) => Ok(triples),
            _ => Err(StoreError::Evaluation("CONSTRUCT gave no graph".to_owned())),
        }
    }

    /// Whether the named graph holds at least one quad or was created explicitly.
    async fn contains_graph(&self, graph: &NamedNode) -> Result<bool, StoreError>;

    /// The named graphs.
    async fn named_graphs(&self) -> Result<Vec<NamedNode>, StoreError>;

    /// Removes a graph's content; `drop` also forgets a named graph.
    async fn clear_graph(&self, graph: GraphName, drop: bool) -> Result<(), StoreError>;

    /// Whether the store holds no quad at all.
    async fn is_empty(&self) -> Result<bool, StoreError>;

    /// Size figures.
    async fn size(&self) -> Result<StoreSize, StoreError>;

    /// Checks that the store can answer (the readiness probe).
    async fn ping(&self) -> Result<(), StoreError>;

    /// The best `limit` nodes having one of `classes` (any node if empty) whose searched texts
    /// match `text`, from the store's full-text index; `None` when the store has none or it is
    /// not in step with the data (the caller then scans with SPARQL).
    async fn search(
        &self,
        _text: String,
        _classes: Vec<NamedNode>,
        _limit: usize,
    ) -> Result<Option<Vec<Hit>>, StoreError> {
        Ok(None)
    }

    /// The page of a class's nodes that `request` asks for, from the store's index of nodes;
    /// `None` when the store has none, it is not in step with the data, or it cannot order the
    /// page (the caller then asks SPARQL).
    async fn page(&self, _request: PageRequest) -> Result<Option<IndexedPage>, StoreError> {
        Ok(None)
    }

    /// Whether [`Store::read_statements`] is available: point reads without query evaluation.
    fn reads_statements(&self) -> bool {
        false
    }

    /// Runs `work` with point reads of the store's statements, on a thread that may block.
    async fn read_statements(
        &self,
        _work: StatementWork,
    ) -> Result<Vec<QuerySolution>, StoreError> {
        Err(StoreError::Evaluation(format!(
            "the {} store has no point reads of statements",
            self.backend_name()
        )))
    }

    /// Rebuilds the full-text index from the data; returns the number of nodes it holds, or
    /// `None` for a store without one.
    async fn rebuild_search_index(
        &self,
        _progress: Option<ProgressFn>,
    ) -> Result<Option<u64>, StoreError> {
        Ok(None)
    }

    /// Brings what the store derives from its data (the full-text index) in step in the
    /// background, if it lags; the server calls it when it starts.
    fn catch_up_in_background(&self) {}
}

/// A shared handle to the configured store.
pub type SharedStore = Arc<dyn Store>;

/// Point reads of the statements of the default graph as queries see it (the union of every
/// graph, unless the store is configured otherwise), for answers that need no query
/// evaluation. Each read sees the store as its own start found it.
pub trait Statements {
    /// The distinct objects of `subject predicate ?o`.
    fn objects(
        &self,
        subject: NamedOrBlankNodeRef<'_>,
        predicate: NamedNodeRef<'_>,
    ) -> Result<Vec<Term>, StoreError>;

    /// The distinct subjects of `?s predicate object`.
    fn subjects(
        &self,
        predicate: NamedNodeRef<'_>,
        object: TermRef<'_>,
    ) -> Result<Vec<Term>, StoreError>;

    /// Whether a statement has `subject` and, where given, `predicate` and `object`.
    fn contains(
        &self,
        subject: NamedOrBlankNodeRef<'_>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
    ) -> Result<bool, StoreError>;

    /// The named graphs that hold a statement about `subject` (as `GRAPH ?g { subject ?p ?o }`).
    fn graphs(&self, subject: NamedOrBlankNodeRef<'_>) -> Result<Vec<Term>, StoreError>;
}

/// The quads of one document, parsed as they are read, with `target` applied: the graph the
/// document's triples go to, or one graph for everything. Blank nodes are renamed, so that two
/// documents never share one by accident.
pub(crate) fn read_document(
    document: Document,
    target: &LoadTarget,
) -> Result<impl Iterator<Item = Result<Quad, StoreError>>, StoreError> {
    let Document {
        input,
        format,
        base_iri,
        name,
    } = document;
    let format_name = format.name();
    let mut parser = RdfParser::from_format(format).rename_blank_nodes();
    if let Some(base_iri) = base_iri {
        parser = parser
            .with_base_iri(base_iri)
            .map_err(|e| StoreError::Evaluation(format!("invalid base IRI: {e}")))?;
    }
    if let LoadTarget::Dataset {
        default_graph: Some(graph),
    } = target
    {
        parser = parser.with_default_graph(graph.clone());
    }
    // Every triple goes to the target graph, whatever graph the data names.
    let forced_graph = match target {
        LoadTarget::Graph(graph) => Some(graph.clone()),
        LoadTarget::Dataset { .. } => None,
    };
    Ok(parser.for_reader(input).map(move |result| {
        let mut quad = result.map_err(|e| parse_error(e, format_name, &name))?;
        if let Some(graph) = &forced_graph {
            quad.graph_name = graph.clone();
        }
        Ok(quad)
    }))
}

/// A parse error of loaded data as a store error, with its location.
pub(crate) fn parse_error(
    error: RdfParseError,
    format: &'static str,
    document: &str,
) -> StoreError {
    match error {
        RdfParseError::Io(e) => StoreError::Io(e),
        RdfParseError::Syntax(e) => StoreError::Syntax {
            format,
            document: document.to_owned(),
            location: e.location().map(|range| TextLocation {
                line: range.start.line + 1,
                column: range.start.column + 1,
            }),
            message: e.to_string(),
        },
    }
}
