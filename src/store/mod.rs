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
/// Work done with point reads of statements ([`Statements`]). A store may run it more than once:
/// first where it is asked for, with a small budget of reads, then, if it needed more, again on
/// a thread that may block.
pub type StatementWork =
    Box<dyn Fn(&dyn Statements) -> Result<Vec<QuerySolution>, StoreError> + Send>;
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

/// The cause of an internal failure, kept for the log.
pub type Cause = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Errors of the store layer.
///
/// What the client did wrong carries a message for the client ([`StoreError::Evaluation`],
/// [`StoreError::Syntax`], [`StoreError::GraphNotFound`]); what failed below kgql carries its
/// cause ([`StoreError::Storage`], [`StoreError::Io`]), which goes to the log and not to the
/// client; a remote engine's failures are told apart from kgql's own
/// ([`StoreError::Unavailable`], [`StoreError::Upstream`]).
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
    /// The remote engine cannot be reached, refuses kgql's credentials, or is overloaded.
    #[error("the store is unavailable: {0}")]
    Unavailable(String),
    /// The remote engine failed on a request, or answered something kgql cannot read.
    #[error("the SPARQL engine failed: {0}")]
    Upstream(String),
    /// Reading or writing failed.
    #[error("storage error: {0}")]
    Io(#[from] std::io::Error),
    /// kgql's own storage (the embedded store, the index of nodes, a worker task) failed.
    #[error("storage error: {context}: {cause}")]
    Storage {
        /// What was being done.
        context: &'static str,
        /// Why it failed.
        #[source]
        cause: Cause,
    },
}

/// The stable names of the kinds of errors, as GraphQL's `extensions.code` gives them; the HTTP
/// layer and the GraphQL layer both name errors by them.
pub mod code {
    /// The request is malformed or names something wrongly.
    pub const BAD_REQUEST: &str = "BAD_REQUEST";
    /// A GraphQL argument or variable has a value the server refuses.
    pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
    /// A GraphQL document does not parse.
    pub const GRAPHQL_PARSE_FAILED: &str = "GRAPHQL_PARSE_FAILED";
    /// A GraphQL document does not validate against the schema.
    pub const GRAPHQL_VALIDATION_FAILED: &str = "GRAPHQL_VALIDATION_FAILED";
    /// A GraphQL request names a persisted query the server does not know: send its text.
    pub const PERSISTED_QUERY_NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";
    /// A request goes past one of the server's limits (size, nesting, cost).
    pub const LIMIT_EXCEEDED: &str = "LIMIT_EXCEEDED";
    /// Loaded data is not valid RDF of its format.
    pub const INVALID_RDF: &str = "INVALID_RDF";
    /// Credentials are needed.
    pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";
    /// The credentials do not allow it.
    pub const FORBIDDEN: &str = "FORBIDDEN";
    /// The resource or graph does not exist.
    pub const NOT_FOUND: &str = "NOT_FOUND";
    /// The method is not allowed on the resource.
    pub const METHOD_NOT_ALLOWED: &str = "METHOD_NOT_ALLOWED";
    /// No representation the client accepts exists.
    pub const NOT_ACCEPTABLE: &str = "NOT_ACCEPTABLE";
    /// The body's media type is not one the resource reads.
    pub const UNSUPPORTED_MEDIA_TYPE: &str = "UNSUPPORTED_MEDIA_TYPE";
    /// The body is larger than the server accepts.
    pub const PAYLOAD_TOO_LARGE: &str = "PAYLOAD_TOO_LARGE";
    /// The body arrived too slowly.
    pub const REQUEST_TIMEOUT: &str = "REQUEST_TIMEOUT";
    /// The server is too busy now: try again after `Retry-After`.
    pub const BUSY: &str = "BUSY";
    /// The query ran past its time limit.
    pub const TIMEOUT: &str = "TIMEOUT";
    /// The remote engine cannot be reached.
    pub const STORE_UNAVAILABLE: &str = "STORE_UNAVAILABLE";
    /// The remote engine failed.
    pub const UPSTREAM_ERROR: &str = "UPSTREAM_ERROR";
    /// The server failed; the cause is in its log.
    pub const INTERNAL_SERVER_ERROR: &str = "INTERNAL_SERVER_ERROR";
    /// What the client is told of the server's own failures.
    pub const INTERNAL_MESSAGE: &str = "internal server error";

    /// Every code.
    pub const ALL: [&str; 20] = [
        BAD_REQUEST,
        BAD_USER_INPUT,
        GRAPHQL_PARSE_FAILED,
        GRAPHQL_VALIDATION_FAILED,
        PERSISTED_QUERY_NOT_FOUND,
        LIMIT_EXCEEDED,
        INVALID_RDF,
        UNAUTHENTICATED,
        FORBIDDEN,
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
        NOT_ACCEPTABLE,
        UNSUPPORTED_MEDIA_TYPE,
        PAYLOAD_TOO_LARGE,
        REQUEST_TIMEOUT,
        BUSY,
        TIMEOUT,
        STORE_UNAVAILABLE,
        UPSTREAM_ERROR,
        INTERNAL_SERVER_ERROR,
    ];
}

impl StoreError {
    /// The kind of error, as [`code`] names it.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Timeout(_) => code::TIMEOUT,
            Self::Evaluation(_) => code::BAD_REQUEST,
            Self::Syntax { .. } => code::INVALID_RDF,
            Self::GraphNotFound(_) => code::NOT_FOUND,
            Self::Unavailable(_) => code::STORE_UNAVAILABLE,
            Self::Upstream(_) => code::UPSTREAM_ERROR,
            Self::Io(_) | Self::Storage { .. } => code::INTERNAL_SERVER_ERROR,
        }
    }

    /// A failure of kgql's own storage while doing `context`.
    pub fn storage(context: &'static str, cause: impl Into<Cause>) -> Self {
        Self::Storage {
            context,
            cause: cause.into(),
        }
    }
}

impl From<crate::search::IndexError> for StoreError {
    fn from(error: crate::search::IndexError) -> Self {
        Self::storage("the index of nodes", error)
    }
}

/// What the data is now, for HTTP caching: a tag that changes with every committed write, and
/// the time of that write.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreVersion {
    /// Changes with every committed write, and names this store apart from others.
    pub tag: String,
    /// When the data last changed.
    pub modified: std::time::SystemTime,
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

    /// Runs `work` with point reads of the store's statements (small work where it is asked
    /// for, larger work on a thread that may block).
    async fn read_statements(
        &self,
        _work: StatementWork,
    ) -> Result<Vec<QuerySolution>, StoreError> {
        Err(StoreError::Evaluation(format!(
            "the {} store has no point reads of statements",
            self.backend_name()
        )))
    }

    /// The data's version, where the store knows every write to it (`None`: a remote engine,
    /// which others may write to).
    fn version(&self) -> Option<StoreVersion> {
        None
    }

    /// Compacts the stored data, which a bulk load leaves spread over many files and levels that
    /// every read then visits; returns whether there was anything to do (`false` for a store that
    /// keeps no files of its own). Reads and writes may go on meanwhile.
    async fn optimize(&self) -> Result<bool, StoreError> {
        Ok(false)
    }

    /// Rebuilds the full-text index from the data; returns the number of nodes it holds, or
    /// `None` for a store without one.
    async fn rebuild_search_index(
        &self,
        _progress: Option<ProgressFn>,
    ) -> Result<Option<u64>, StoreError> {
        Ok(None)
    }

    /// Brings the full-text index in step with the data now, rebuilding it only if it lags (a
    /// bulk load builds it alongside the data when it can); returns the number of nodes it
    /// holds, or `None` for a store without one.
    async fn catch_up_search_index(
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

    /// The named graphs that hold one statement (as `GRAPH ?g { subject predicate object }`).
    fn graphs_stating(
        &self,
        subject: NamedOrBlankNodeRef<'_>,
        predicate: NamedNodeRef<'_>,
        object: TermRef<'_>,
    ) -> Result<Vec<Term>, StoreError>;
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
