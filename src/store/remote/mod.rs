//! The remote backend: a SPARQL 1.1 engine (Virtuoso, Fuseki, Oxigraph's server, GraphDB...)
//! reached over the SPARQL 1.1 Protocol.
//!
//! kgql then holds no state: every read is a query sent to the engine's query endpoint, every
//! write an update sent to its update endpoint, so any number of kgql processes can serve the
//! same engine.
//!
//! - Queries and updates are serialised from their algebra (never assembled from strings) and
//!   posted as forms (Virtuoso never answers a query posted as `application/sparql-query`). Answers are parsed as they arrive (SPARQL JSON results, also in the
//!   pre-1.1 form with `typed-literal`; N-Triples for graphs), and a result cut by the engine's
//!   row limit (Virtuoso's `X-SPARQL-MaxRows`) is an error, never a silently shorter answer.
//! - The engine's default graph is expected to be the union of its named graphs (Virtuoso's
//!   behaviour; `--union-default-graph` for Oxigraph's server, `unionDefaultGraph` for
//!   Fuseki). What kgql writes to the default graph goes to a named graph that stands for it,
//!   [`DEFAULT_GRAPH`], and reads of the default graph read that graph.
//! - Reads are retried with backoff when the engine cannot be reached, within the query's time
//!   limit; writes are never retried, and reported done only when the engine said so.
//! - A load is parsed whole to a temporary file before anything is sent (a syntax error writes
//!   nothing), then sent in batches: `INSERT DATA` updates, or N-Triples documents to the
//!   engine's Graph Store Protocol endpoint where one is configured. Each batch is one
//!   transaction of the engine, and a failure midway reports how many quads the engine had
//!   confirmed.
//! - Credentials (basic, digest or bearer) are held as [`Secret`]s and never logged.

use super::{
    read_document, Document, LoadMode, LoadRequest, LoadTarget, QuadIter, QueryLimits, QueryOutput,
    SolutionIter, Store, StoreError, StoreSize, TripleIter,
};
use crate::config::Secret;
use async_trait::async_trait;
use bytes::Bytes;
use futures_util::StreamExt;
use oxigraph::io::{RdfFormat, RdfParseError, RdfParser, RdfSerializer};
use oxigraph::model::{GraphName, NamedNode, Quad, Term, Triple};
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, ReaderQueryResultsParserOutput,
};
use oxigraph::sparql::Variable;
use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use reqwest::{Method, StatusCode};
use spargebra::algebra::{GraphPattern, GraphTarget};
use spargebra::term::{
    GraphName as AlgebraGraphName, GraphNamePattern, GroundQuad, GroundQuadPattern, QuadPattern,
    TermPattern, TriplePattern,
};
use spargebra::{GraphUpdateOperation, Query, Update};
use std::io::{BufReader, BufWriter, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::time::Instant;

mod http;
mod load;
mod updates;

use http::*;
use load::*;
use updates::*;

/// The named graph that holds what kgql writes to the default graph.
pub const DEFAULT_GRAPH: &str = "urn:x-kgql:default-graph";

/// Quads sent per `INSERT DATA` request of a load (Virtuoso refuses an update that compiles to
/// more than 10,000 lines of SQL: about a thousand statements).
const BATCH_QUADS: usize = 500;

/// Statements sent per Graph Store Protocol request of a load.
const GRAPH_STORE_BATCH_QUADS: usize = 20_000;

/// How many times a read is tried when the engine cannot be reached.
const READ_ATTEMPTS: u32 = 4;

/// Graphs an engine keeps for itself, left out of listings and dumps.
const SYSTEM_GRAPH_PREFIXES: [&str; 7] = [
    "http://www.openlinksw.com/",
    "http://localhost:8890/",
    "http://www.w3.org/ns/ldp#",
    "http://www.w3.org/2002/07/owl#",
    "urn:activitystreams-owl:map",
    "urn:core:services:sparql",
    "virtrdf:",
];

/// How kgql authenticates to the engine.
#[derive(Clone, Debug, Default)]
pub enum Credentials {
    /// No authentication.
    #[default]
    None,
    /// HTTP basic authentication.
    Basic {
        /// The user.
        user: String,
        /// The password.
        password: Secret,
    },
    /// HTTP digest authentication (Virtuoso's `/sparql-auth`).
    Digest {
        /// The user.
        user: String,
        /// The password.
        password: Secret,
    },
    /// A bearer token.
    Bearer(Secret),
}

/// Where the engine is and how to reach it.
#[derive(Clone, Debug)]
pub struct RemoteConfig {
    /// The query endpoint.
    pub query_url: String,
    /// The update endpoint (often the query endpoint).
    pub update_url: String,
    /// The Graph Store Protocol endpoint, if loads should go through it.
    pub graph_store_url: Option<String>,
    /// Credentials sent with every request.
    pub credentials: Credentials,
    /// Time allowed to open a connection.
    pub connect_timeout: Duration,
    /// Time allowed for a write (an update or one batch of a load).
    pub write_timeout: Duration,
}

impl RemoteConfig {
    /// An engine answering queries and updates at `url`, without credentials.
    pub fn new(url: &str) -> Self {
        Self {
            query_url: url.to_owned(),
            update_url: url.to_owned(),
            graph_store_url: None,
            credentials: Credentials::None,
            connect_timeout: Duration::from_secs(5),
            write_timeout: Duration::from_secs(300),
        }
    }
}

/// A SPARQL 1.1 engine reached over HTTP.
pub struct RemoteStore {
    client: reqwest::Client,
    config: RemoteConfig,
    default_graph: NamedNode,
    running: Arc<AtomicUsize>,
    /// The engine's own address (`scheme://host:port/`): graphs under it are the engine's.
    origin: String,
    /// Whether the engine understands `LATERAL`, once known.
    lateral: tokio::sync::OnceCell<bool>,
    /// The graphs a query without a dataset is given, and when they were listed.
    scope: tokio::sync::Mutex<Option<Scope>>,
}

/// When kgql's graphs were listed, and the graphs a query without a dataset gets (`None`: the
/// engine keeps no graphs of its own, queries go as they are).
type Scope = (Instant, Option<Arc<Vec<NamedNode>>>);

/// How long a listing of the engine's graphs is reused to scope queries.
const SCOPE_TTL: Duration = Duration::from_secs(2);

/// Counts a request to the engine as running while it is held.
struct Running(Arc<AtomicUsize>);

impl Running {
    fn new(counter: &Arc<AtomicUsize>) -> Self {
        counter.fetch_add(1, Ordering::Relaxed);
        Self(counter.clone())
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A request to the engine.
struct Outgoing<'a> {
    method: Method,
    url: &'a str,
    content_type: &'static str,
    body: Bytes,
}

/// What a request is: reads may be retried, writes never.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Read,
    Write,
}

impl RemoteStore {
    /// A store on the engine `config` describes. Nothing is sent until the first request.
    pub fn new(config: RemoteConfig) -> Result<Self, StoreError> {
        let urls = [&config.query_url, &config.update_url]
            .into_iter()
            .chain(config.graph_store_url.as_ref());
        for url in urls {
            let parsed = reqwest::Url::parse(url)
                .map_err(|e| StoreError::Unavailable(format!("invalid engine URL '{url}': {e}")))?;
            if !matches!(parsed.scheme(), "http" | "https") {
                return Err(StoreError::Unavailable(format!(
                    "the engine URL '{url}' must be http or https"
                )));
            }
        }
        let client = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(60))
            .tcp_nodelay(true)
            .build()
            .map_err(|e| StoreError::Unavailable(format!("HTTP client: {e}")))?;
        let origin = reqwest::Url::parse(&config.query_url)
            .map(|u| u.origin().ascii_serialization() + "/")
            .unwrap_or_default();
        Ok(Self {
            client,
            config,
            default_graph: NamedNode::new_unchecked(DEFAULT_GRAPH),
            running: Arc::new(AtomicUsize::new(0)),
            origin,
            lateral: tokio::sync::OnceCell::new(),
            scope: tokio::sync::Mutex::new(None),
        })
    }

    /// Posts a form to `url` and returns the answer once its status says success.
    async fn post_form(
        &self,
        kind: Kind,
        url: &str,
        form: &[(&str, &str)],
        accept: &str,
        deadline: Instant,
        limit: Duration,
    ) -> Result<reqwest::Response, StoreError> {
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let request = Outgoing {
            method: Method::POST,
            url,
            content_type: "application/x-www-form-urlencoded",
            body: Bytes::from(body),
        };
        self.request(kind, &request, accept, deadline, limit).await
    }

    /// Sends `outgoing` (again, for a read, while the engine cannot be reached) and returns the
    /// answer once its status says success.
    async fn request(
        &self,
        kind: Kind,
        outgoing: &Outgoing<'_>,
        accept: &str,
        deadline: Instant,
        limit: Duration,
    ) -> Result<reqwest::Response, StoreError> {
        let url = outgoing.url;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let sent = self.send(outgoing, accept, deadline).await;
            match sent {
                Ok(response) => return check_status(response, limit).await,
                Err(SendError::Timeout) => return Err(StoreError::Timeout(limit)),
                Err(SendError::Unreachable(message)) => {
                    let backoff = Duration::from_millis(100 * 4_u64.pow(attempt - 1));
                    if kind == Kind::Write
                        || attempt >= READ_ATTEMPTS
                        || Instant::now() + backoff >= deadline
                    {
                        return Err(StoreError::Unavailable(format!(
                            "the SPARQL engine at {} cannot be reached: {message}",
                            redacted(url)
                        )));
                    }
                    tracing::warn!(attempt, "engine unreachable, retrying: {message}");
                    tokio::time::sleep(backoff).await;
                }
            }
        }
    }

    /// One request, with the configured credentials (answering a digest challenge if needed).
    async fn send(
        &self,
        outgoing: &Outgoing<'_>,
        accept: &str,
        deadline: Instant,
    ) -> Result<reqwest::Response, SendError> {
        let Outgoing {
            method,
            url,
            content_type,
            body,
        } = outgoing;
        let request = |authorization: Option<String>| {
            let mut builder = self
                .client
                .request(method.clone(), *url)
                .header(CONTENT_TYPE, *content_type)
                .header(ACCEPT, accept)
                .body(body.clone());
            builder = match (&self.config.credentials, authorization) {
                (_, Some(value)) => builder.header(AUTHORIZATION, value),
                (Credentials::Basic { user, password }, None) => {
                    builder.basic_auth(user, Some(password.expose()))
                }
                (Credentials::Bearer(token), None) => builder.bearer_auth(token.expose()),
                _ => builder,
            };
            builder
        };
        let response = timed(deadline, request(None).send()).await?;
        let Credentials::Digest { user, password } = &self.config.credentials else {
            return Ok(response);
        };
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        let Some(challenge) = response
            .headers()
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
        else {
            return Ok(response);
        };
        let mut prompt = match digest_auth::parse(challenge) {
            Ok(prompt) => prompt,
            Err(_) => return Ok(response),
        };
        let path = reqwest::Url::parse(url)
            .map(|u| match u.query() {
                Some(q) => format!("{}?{q}", u.path()),
                None => u.path().to_owned(),
            })
            .unwrap_or_else(|_| "/".to_owned());
        let context = digest_auth::AuthContext::new_with_method(
            user.as_str(),
            password.expose(),
            path,
            Some(body.as_ref()),
            digest_auth::HttpMethod::from(method.as_str()),
        );
        let Ok(answer) = prompt.respond(&context) else {
            return Ok(response);
        };
        timed(deadline, request(Some(answer.to_header_string())).send()).await
    }

    /// Sends a query and returns the engine's answer, checked.
    async fn send_query(
        &self,
        text: &str,
        accept: &str,
        limits: QueryLimits,
    ) -> Result<(reqwest::Response, Instant), StoreError> {
        let deadline = Instant::now() + limits.timeout;
        let response = self
            .post_form(
                Kind::Read,
                &self.config.query_url,
                &[("query", text)],
                accept,
                deadline,
                limits.timeout,
            )
            .await?;
        if let Some(cap) = response.headers().get("x-sparql-maxrows") {
            let cap = cap.to_str().unwrap_or("?").to_owned();
            return Err(StoreError::Evaluation(format!(
                "the SPARQL engine cut the answer at its row limit of {cap} rows (Virtuoso's \
                 ResultSetMaxRows); raise the limit on the engine or ask for fewer rows"
            )));
        }
        Ok((response, deadline))
    }

    /// Sends a query as it is.
    async fn run_query(
        &self,
        query: Query,
        limits: QueryLimits,
    ) -> Result<QueryOutput, StoreError> {
        let running = Running::new(&self.running);
        let text = query.to_string();
        let graph = matches!(query, Query::Construct { .. } | Query::Describe { .. });
        let accept = if graph {
            "application/n-triples"
        } else {
            "application/sparql-results+json, application/sparql-results+xml;q=0.9"
        };
        let (response, deadline) = self.send_query(&text, accept, limits).await?;
        let media = media_type(response.headers());
        let reader = BodyReader::spawn(response, deadline, limits.timeout);
        tokio::task::spawn_blocking(move || {
            let _running = running;
            if graph {
                let format = RdfFormat::from_media_type(&media).unwrap_or(RdfFormat::NTriples);
                let triples = RdfParser::from_format(format)
                    .for_reader(reader)
                    .map(|quad| quad.map(Triple::from).map_err(rdf_error));
                return Ok(QueryOutput::Graph(Box::new(triples) as TripleIter));
            }
            let format = if media.contains("xml") {
                QueryResultsFormat::Xml
            } else {
                QueryResultsFormat::Json
            };
            match QueryResultsParser::from_format(format)
                .for_reader(VirtuosoBlankNodes::new(reader))
                .map_err(results_error)?
            {
                ReaderQueryResultsParserOutput::Boolean(value) => Ok(QueryOutput::Boolean(value)),
                ReaderQueryResultsParserOutput::Solutions(solutions) => {
                    let variables: Arc<[Variable]> = solutions.variables().into();
                    let rows = solutions.map(|row| row.map_err(results_error));
                    Ok(QueryOutput::Solutions {
                        variables,
                        rows: Box::new(rows) as SolutionIter,
                        complete: false,
                    })
                }
            }
        })
        .await
        .map_err(|e| StoreError::storage("the engine task", e))?
    }

    /// Whether `graph` belongs to the engine rather than to kgql: the engine's own address
    /// (Virtuoso's service description and DAV graphs) or a known system graph.
    fn is_system_graph(&self, graph: &str) -> bool {
        is_system_graph(&self.origin, graph)
    }

    /// The dataset a query without one is given. On an engine that keeps graphs of its own
    /// (Virtuoso: about 2,500 statements of its mappings), the default graph would show them:
    /// the query is given kgql's graphs instead (`FROM` and `FROM NAMED` each of them). On
    /// other engines, nothing. The listing is reused for a moment, and renewed after a write.
    async fn dataset(
        &self,
        pattern: &GraphPattern,
    ) -> Result<Option<spargebra::algebra::QueryDataset>, StoreError> {
        let mut cached = self.scope.lock().await;
        let fresh = cached
            .as_ref()
            .is_some_and(|(listed, _)| listed.elapsed() < SCOPE_TTL);
        if !fresh {
            let (graphs, system) = self.list_graphs().await?;
            let scope = system.then(|| {
                let mut graphs = graphs;
                graphs.push(self.default_graph.clone());
                Arc::new(graphs)
            });
            *cached = Some((Instant::now(), scope));
        }
        Ok(cached
            .as_ref()
            .and_then(|(_, scope)| scope.as_ref())
            .map(|graphs| {
                // The graphs the query names go in too, existing or not: Virtuoso counts one
                // solution (and ASK says true) for `GRAPH <g> {...}` when <g> is outside the
                // dataset, where there are none.
                let mut named = graphs.as_ref().clone();
                let mut mentioned = Vec::new();
                graphs_in_pattern(pattern, &mut mentioned);
                for graph in mentioned {
                    if !named.contains(&graph) {
                        named.push(graph);
                    }
                }
                spargebra::algebra::QueryDataset {
                    default: graphs.as_ref().clone(),
                    named: Some(named),
                }
            }))
    }

    /// kgql's named graphs (without the one standing for the default graph), and whether the
    /// engine has graphs of its own.
    async fn list_graphs(&self) -> Result<(Vec<NamedNode>, bool), StoreError> {
        let g = v("g");
        let query = Query::Select {
            dataset: None,
            pattern: GraphPattern::Distinct {
                inner: Box::new(GraphPattern::Project {
                    inner: Box::new(GraphPattern::Graph {
                        name: spargebra::term::NamedNodePattern::Variable(g.clone()),
                        inner: Box::new(any_triple()),
                    }),
                    variables: vec![g],
                }),
            },
            base_iri: None,
        };
        let mut system = false;
        let mut graphs: Vec<NamedNode> = Vec::new();
        for row in self.select_all(query).await? {
            if let Some(Term::NamedNode(graph)) = row.into_iter().next().flatten() {
                if self.is_system_graph(graph.as_str()) {
                    system = true;
                } else if graph != self.default_graph {
                    graphs.push(graph);
                }
            }
        }
        graphs.sort();
        Ok((graphs, system))
    }

    /// Runs a SELECT written by kgql itself and collects its rows.
    async fn select_all(&self, query: Query) -> Result<Vec<Vec<Option<Term>>>, StoreError> {
        let QueryOutput::Solutions {
            variables, rows, ..
        } = self.run_query(query, QueryLimits::default()).await?
        else {
            return Err(StoreError::Upstream(
                "it answered something else than solutions".to_owned(),
            ));
        };
        tokio::task::spawn_blocking(move || {
            rows.map(|row| {
                let row = row?;
                Ok(variables.iter().map(|v| row.get(v).cloned()).collect())
            })
            .collect::<Result<Vec<_>, StoreError>>()
        })
        .await
        .map_err(|e| StoreError::storage("the engine task", e))?
    }

    /// Sends an update written as algebra.
    async fn send_update(&self, update: &Update) -> Result<(), StoreError> {
        let _running = Running::new(&self.running);
        // The write may create or empty graphs: list them again for the next query.
        *self.scope.lock().await = None;
        let text = update_text(update);
        let limit = self.config.write_timeout;
        self.post_form(
            Kind::Write,
            &self.config.update_url,
            &[("update", &text)],
            "*/*",
            Instant::now() + limit,
            limit,
        )
        .await
        .map(drop)
    }
}

#[async_trait]
impl Store for RemoteStore {
    fn backend_name(&self) -> &'static str {
        "remote"
    }

    fn running_queries(&self) -> usize {
        self.running.load(Ordering::Relaxed)
    }

    async fn supports_lateral(&self) -> bool {
        if let Some(known) = self.lateral.get() {
            return *known;
        }
        // `SELECT * { {} LATERAL {} }`: refused as a syntax error where LATERAL is unknown.
        let probe = Query::Select {
            dataset: None,
            pattern: GraphPattern::Lateral {
                left: Box::new(GraphPattern::Bgp {
                    patterns: Vec::new(),
                }),
                right: Box::new(GraphPattern::Bgp {
                    patterns: Vec::new(),
                }),
            },
            base_iri: None,
        };
        let limits = QueryLimits {
            timeout: Duration::from_secs(10),
        };
        match self.run_query(probe, limits).await {
            Ok(_) => *self.lateral.get_or_init(|| async { true }).await,
            Err(StoreError::Evaluation(message) | StoreError::Upstream(message)) => {
                tracing::info!("the SPARQL engine does not support LATERAL: {message}");
                *self.lateral.get_or_init(|| async { false }).await
            }
            // Unknown until the engine answers.
            Err(_) => true,
        }
    }

    async fn query(&self, query: Query, limits: QueryLimits) -> Result<QueryOutput, StoreError> {
        let mut query = query;
        let (Query::Select {
            dataset, pattern, ..
        }
        | Query::Construct {
            dataset, pattern, ..
        }
        | Query::Describe {
            dataset, pattern, ..
        }
        | Query::Ask {
            dataset, pattern, ..
        }) = &mut query;
        if dataset.is_none() {
            *dataset = self.dataset(pattern).await?;
        }
        super::fresh_variables::blank_nodes_as_variables(&mut query);
        self.run_query(query, limits).await
    }

    async fn update(&self, mut update: Update) -> Result<(), StoreError> {
        super::fresh_variables::update_blank_nodes_as_variables(&mut update);
        let update = self.for_engine(update).await?;
        self.send_update(&update).await
    }

    async fn load(&self, request: LoadRequest) -> Result<u64, StoreError> {
        let LoadRequest {
            documents,
            target,
            mode,
            progress,
            bulk: _,
        } = request;
        // Parse everything first, to a temporary file: bad input writes nothing.
        let (spool, graphs, total) = tokio::task::spawn_blocking(move || spool(documents, &target))
            .await
            .map_err(|e| StoreError::storage("the load task", e))??;
        let load = Spooled {
            file: spool,
            graphs,
            total,
            mode,
            progress,
        };
        match self.config.graph_store_url.clone() {
            Some(url) => self.load_through_graph_store(&url, load).await,
            None => self.load_through_updates(load).await,
        }
    }

    async fn quads(&self, graph: Option<GraphName>) -> Result<QuadIter, StoreError> {
        let (s, p, o, g) = (v("s"), v("p"), v("o"), v("g"));
        let triple = GraphPattern::Bgp {
            patterns: vec![TriplePattern {
                subject: TermPattern::Variable(s.clone()),
                predicate: spargebra::term::NamedNodePattern::Variable(p.clone()),
                object: TermPattern::Variable(o.clone()),
            }],
        };
        let (pattern, fixed) = match &graph {
            Some(graph) => {
                let name = self.engine_graph(graph);
                (
                    GraphPattern::Graph {
                        name: spargebra::term::NamedNodePattern::NamedNode(name),
                        inner: Box::new(triple),
                    },
                    Some(graph.clone()),
                )
            }
            None => (
                GraphPattern::Graph {
                    name: spargebra::term::NamedNodePattern::Variable(g.clone()),
                    inner: Box::new(triple),
                },
                None,
            ),
        };
        let query = Query::Select {
            dataset: None,
            pattern: GraphPattern::Project {
                inner: Box::new(pattern),
                variables: vec![s.clone(), p.clone(), o.clone(), g.clone()],
            },
            base_iri: None,
        };
        let limits = QueryLimits {
            timeout: Duration::from_secs(24 * 3600),
        };
        let QueryOutput::Solutions { rows, .. } = self.run_query(query, limits).await? else {
            return Err(StoreError::Upstream(
                "it answered something else than solutions".to_owned(),
            ));
        };
        let default_graph = self.default_graph.clone();
        let origin = self.origin.clone();
        let system = move |graph: &str| is_system_graph(&origin, graph);
        let quads = rows.filter_map(move |row| {
            let row = match row {
                Ok(row) => row,
                Err(e) => return Some(Err(e)),
            };
            let graph_name = match &fixed {
                Some(graph) => graph.clone(),
                None => match row.get("g") {
                    Some(Term::NamedNode(g)) if system(g.as_str()) => return None,
                    Some(Term::NamedNode(g)) if *g == default_graph => GraphName::DefaultGraph,
                    Some(Term::NamedNode(g)) => GraphName::NamedNode(g.clone()),
                    _ => return None,
                },
            };
            let subject: oxigraph::model::NamedOrBlankNode = match row.get("s")? {
                Term::NamedNode(n) => n.clone().into(),
                Term::BlankNode(b) => b.clone().into(),
                _ => return None,
            };
            let Some(Term::NamedNode(predicate)) = row.get("p") else {
                return None;
            };
            let object = row.get("o")?.clone();
            Some(Ok(Quad::new(
                subject,
                predicate.clone(),
                object,
                graph_name,
            )))
        });
        Ok(Box::new(quads) as QuadIter)
    }

    async fn contains_graph(&self, graph: &NamedNode) -> Result<bool, StoreError> {
        let query = Query::Ask {
            dataset: None,
            pattern: GraphPattern::Graph {
                name: spargebra::term::NamedNodePattern::NamedNode(graph.clone()),
                inner: Box::new(any_triple()),
            },
            base_iri: None,
        };
        match self.run_query(query, QueryLimits::default()).await? {
            QueryOutput::Boolean(found) => Ok(found),
            _ => Err(StoreError::Upstream(
                "it answered something else than a boolean".to_owned(),
            )),
        }
    }

    async fn named_graphs(&self) -> Result<Vec<NamedNode>, StoreError> {
        Ok(self.list_graphs().await?.0)
    }

    async fn clear_graph(&self, graph: GraphName, drop: bool) -> Result<(), StoreError> {
        let target = GraphTarget::NamedNode(self.engine_graph(&graph));
        let operation = if drop && graph.is_named_node() {
            GraphUpdateOperation::Drop {
                silent: true,
                graph: target,
            }
        } else {
            GraphUpdateOperation::Clear {
                silent: true,
                graph: target,
            }
        };
        self.send_update(&Update {
            operations: vec![operation],
            base_iri: None,
        })
        .await
    }

    async fn is_empty(&self) -> Result<bool, StoreError> {
        Ok(self.size().await?.quads == 0)
    }

    async fn size(&self) -> Result<StoreSize, StoreError> {
        let (g, n) = (v("g"), v("n"));
        let query = Query::Select {
            dataset: None,
            pattern: GraphPattern::Group {
                inner: Box::new(GraphPattern::Graph {
                    name: spargebra::term::NamedNodePattern::Variable(g.clone()),
                    inner: Box::new(any_triple()),
                }),
                variables: vec![g],
                aggregates: vec![(
                    n,
                    spargebra::algebra::AggregateExpression::CountSolutions { distinct: false },
                )],
            },
            base_iri: None,
        };
        let mut quads = 0;
        for row in self.select_all(query).await? {
            let mut row = row.into_iter();
            let (graph, count) = (row.next().flatten(), row.next().flatten());
            if let Some(Term::NamedNode(graph)) = &graph {
                if self.is_system_graph(graph.as_str()) {
                    continue;
                }
            }
            if let Some(Term::Literal(count)) = count {
                quads += count.value().parse::<u64>().unwrap_or(0);
            }
        }
        Ok(StoreSize { quads })
    }

    async fn ping(&self) -> Result<(), StoreError> {
        let query = Query::Ask {
            dataset: None,
            pattern: GraphPattern::Bgp {
                patterns: Vec::new(),
            },
            base_iri: None,
        };
        let limits = QueryLimits {
            timeout: Duration::from_secs(5),
        };
        self.run_query(query, limits).await.map(drop)
    }
}

fn v(name: &str) -> Variable {
    Variable::new_unchecked(name)
}
