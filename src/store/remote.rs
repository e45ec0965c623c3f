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

    /// Sends a spooled load as `INSERT DATA` updates of [`BATCH_QUADS`] quads.
    async fn load_through_updates(&self, load: Spooled) -> Result<u64, StoreError> {
        let Spooled {
            file,
            graphs,
            total,
            mode,
            progress,
        } = load;
        let mut operations = Vec::new();
        if mode == LoadMode::Replace {
            for graph in &graphs {
                operations.push(GraphUpdateOperation::Clear {
                    silent: true,
                    graph: GraphTarget::NamedNode(self.engine_graph(graph)),
                });
            }
        }
        let (sender, mut batches) = tokio::sync::mpsc::channel(2);
        let default_graph = self.default_graph.clone();
        let reader =
            tokio::task::spawn_blocking(move || read_batches(file, &default_graph, sender));
        let mut sent = 0_u64;
        while let Some(batch) = batches.recv().await {
            let batch: Vec<spargebra::term::Quad> = batch?;
            let size = batch.len() as u64;
            operations.push(GraphUpdateOperation::InsertData { data: batch });
            let update = Update {
                operations: std::mem::take(&mut operations),
                base_iri: None,
            };
            if let Err(error) = self.send_update(&update).await {
                return Err(cut_off(error, sent, total));
            }
            sent += size;
            if let Some(progress) = &progress {
                progress(sent);
            }
        }
        reader
            .await
            .map_err(|e| StoreError::storage("the load task", e))?;
        if !operations.is_empty() {
            // Replacing with nothing still clears.
            self.send_update(&Update {
                operations,
                base_iri: None,
            })
            .await?;
        }
        Ok(total)
    }

    /// Sends a spooled load to the Graph Store Protocol endpoint `url`: N-Triples documents of
    /// up to [`GRAPH_STORE_BATCH_QUADS`] statements of one graph each, the first one of a
    /// replaced graph with `PUT` (which empties the graph in the same transaction), the others
    /// with `POST`.
    async fn load_through_graph_store(&self, url: &str, load: Spooled) -> Result<u64, StoreError> {
        let Spooled {
            file,
            graphs,
            total,
            mode,
            progress,
        } = load;
        let (sender, mut batches) = tokio::sync::mpsc::channel(2);
        let reader = tokio::task::spawn_blocking(move || read_graph_batches(file, sender));
        let mut started: Vec<GraphName> = Vec::new();
        let mut sent = 0_u64;
        while let Some(batch) = batches.recv().await {
            let batch = batch?;
            let method = if mode == LoadMode::Replace && !started.contains(&batch.graph) {
                started.push(batch.graph.clone());
                Method::PUT
            } else {
                Method::POST
            };
            let target = graph_store_target(url, &self.engine_graph(&batch.graph))?;
            let outgoing = Outgoing {
                method,
                url: &target,
                content_type: "application/n-triples",
                body: Bytes::from(batch.ntriples),
            };
            let _running = Running::new(&self.running);
            *self.scope.lock().await = None;
            let limit = self.config.write_timeout;
            let stored = self
                .request(Kind::Write, &outgoing, "*/*", Instant::now() + limit, limit)
                .await;
            if let Err(error) = stored {
                return Err(cut_off(error, sent, total));
            }
            sent += batch.count;
            if let Some(progress) = &progress {
                progress(sent);
            }
        }
        reader
            .await
            .map_err(|e| StoreError::storage("the load task", e))?;
        // Graphs replaced with nothing are still emptied.
        let operations: Vec<_> = graphs
            .iter()
            .filter(|graph| mode == LoadMode::Replace && !started.contains(graph))
            .map(|graph| GraphUpdateOperation::Clear {
                silent: true,
                graph: GraphTarget::NamedNode(self.engine_graph(graph)),
            })
            .collect();
        if !operations.is_empty() {
            self.send_update(&Update {
                operations,
                base_iri: None,
            })
            .await?;
        }
        Ok(total)
    }

    /// `graph` as the engine names it: the default graph is [`DEFAULT_GRAPH`].
    fn engine_graph(&self, graph: &GraphName) -> NamedNode {
        match graph {
            GraphName::NamedNode(named) => named.clone(),
            _ => self.default_graph.clone(),
        }
    }

    /// The update with every write to the default graph redirected to [`DEFAULT_GRAPH`], and
    /// `CLEAR`/`DROP` of all or named graphs spelled out for kgql's own graphs (an engine's
    /// system graphs are not kgql's to remove).
    async fn for_engine(&self, update: Update) -> Result<Update, StoreError> {
        let default = self.default_graph.clone();
        let named = |g: AlgebraGraphName| match g {
            AlgebraGraphName::NamedNode(n) => AlgebraGraphName::NamedNode(n),
            AlgebraGraphName::DefaultGraph => AlgebraGraphName::NamedNode(default.clone()),
        };
        let pattern = |g: GraphNamePattern| match g {
            GraphNamePattern::DefaultGraph => GraphNamePattern::NamedNode(default.clone()),
            other => other,
        };
        let mut operations = Vec::new();
        for operation in update.operations {
            match operation {
                GraphUpdateOperation::InsertData { data } => {
                    operations.push(GraphUpdateOperation::InsertData {
                        data: data
                            .into_iter()
                            .map(|q| spargebra::term::Quad {
                                graph_name: named(q.graph_name),
                                ..q
                            })
                            .collect(),
                    });
                }
                GraphUpdateOperation::DeleteData { data } => {
                    operations.push(GraphUpdateOperation::DeleteData {
                        data: data
                            .into_iter()
                            .map(|q| GroundQuad {
                                graph_name: named(q.graph_name),
                                ..q
                            })
                            .collect(),
                    });
                }
                GraphUpdateOperation::DeleteInsert {
                    delete,
                    insert,
                    using,
                    pattern: where_,
                } => operations.push(GraphUpdateOperation::DeleteInsert {
                    // As for queries: the WHERE clause sees kgql's graphs, not the engine's.
                    using: match using {
                        Some(using) => Some(using),
                        None => self.dataset(&where_).await?,
                    },
                    delete: delete
                        .into_iter()
                        .map(|q| GroundQuadPattern {
                            graph_name: pattern(q.graph_name),
                            ..q
                        })
                        .collect(),
                    insert: insert
                        .into_iter()
                        .map(|q| QuadPattern {
                            graph_name: pattern(q.graph_name),
                            ..q
                        })
                        .collect(),
                    pattern: where_,
                }),
                GraphUpdateOperation::Load {
                    silent,
                    source,
                    destination,
                } => operations.push(GraphUpdateOperation::Load {
                    silent,
                    source,
                    destination: named(destination),
                }),
                GraphUpdateOperation::Clear { silent, graph } => {
                    // The default graph always exists for kgql, whether or not the engine
                    // has seen the graph that stands for it.
                    let silent = silent || !matches!(graph, GraphTarget::NamedNode(_));
                    for graph in self.targets(graph).await? {
                        operations.push(GraphUpdateOperation::Clear {
                            silent,
                            graph: GraphTarget::NamedNode(graph),
                        });
                    }
                }
                GraphUpdateOperation::Drop { silent, graph } => {
                    // Virtuoso refuses to drop a graph that came to be by its statements
                    // ("has not been explicitly created before"): the graph's existence is
                    // checked here, its statements cleared, then the graph dropped silently.
                    if let (false, GraphTarget::NamedNode(named)) = (silent, &graph) {
                        if !self.contains_graph(named).await? {
                            return Err(StoreError::Evaluation(format!(
                                "the graph {named} does not exist"
                            )));
                        }
                    }
                    for graph in self.targets(graph).await? {
                        operations.push(GraphUpdateOperation::Clear {
                            silent: true,
                            graph: GraphTarget::NamedNode(graph.clone()),
                        });
                        operations.push(GraphUpdateOperation::Drop {
                            silent: true,
                            graph: GraphTarget::NamedNode(graph),
                        });
                    }
                }
                create @ GraphUpdateOperation::Create { .. } => operations.push(create),
            }
        }
        Ok(Update {
            operations,
            base_iri: update.base_iri,
        })
    }

    /// The engine graphs a `CLEAR`/`DROP` target stands for.
    async fn targets(&self, target: GraphTarget) -> Result<Vec<NamedNode>, StoreError> {
        Ok(match target {
            GraphTarget::NamedNode(graph) => vec![graph],
            GraphTarget::DefaultGraph => vec![self.default_graph.clone()],
            GraphTarget::NamedGraphs => self.named_graphs().await?,
            GraphTarget::AllGraphs => {
                let mut graphs = self.named_graphs().await?;
                graphs.push(self.default_graph.clone());
                graphs
            }
        })
    }
}

/// Why a request did not get an answer.
enum SendError {
    Timeout,
    Unreachable(String),
}

async fn timed<F>(deadline: Instant, request: F) -> Result<reqwest::Response, SendError>
where
    F: std::future::Future<Output = Result<reqwest::Response, reqwest::Error>>,
{
    match tokio::time::timeout_at(deadline, request).await {
        Err(_) => Err(SendError::Timeout),
        Ok(Ok(response)) => Ok(response),
        Ok(Err(e)) if e.is_timeout() => Err(SendError::Timeout),
        Ok(Err(e)) => Err(SendError::Unreachable(describe(&e))),
    }
}

/// A reqwest error without the URL (which may carry credentials).
fn describe(error: &reqwest::Error) -> String {
    let mut message = if error.is_connect() {
        "connection failed".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// `url` without user information.
fn redacted(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Err(_) => "(invalid URL)".to_owned(),
    }
}

/// The response if its status is a success; otherwise the engine's complaint as an error.
async fn check_status(
    response: reqwest::Response,
    limit: Duration,
) -> Result<reqwest::Response, StoreError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let text = response.text().await.unwrap_or_default();
    let mut excerpt: String = text.trim().chars().take(600).collect();
    if excerpt.is_empty() {
        excerpt = "(no message)".to_owned();
    }
    Err(match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => StoreError::Unavailable(format!(
            "the SPARQL engine refused kgql's credentials ({status}): {excerpt}"
        )),
        StatusCode::REQUEST_TIMEOUT | StatusCode::GATEWAY_TIMEOUT => StoreError::Timeout(limit),
        StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE => StoreError::Unavailable(
            format!("the SPARQL engine is unavailable ({status}): {excerpt}"),
        ),
        _ if status.is_server_error() => {
            StoreError::Upstream(format!("it answered {status}: {excerpt}"))
        }
        _ => StoreError::Evaluation(format!("the SPARQL engine answered {status}: {excerpt}")),
    })
}

/// The media type of a response, without parameters.
fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// A response body read as it arrives, by a blocking reader: a task pulls the chunks and hands
/// them over through a bounded channel, so a slow consumer holds back the engine's answer. Read
/// it outside the runtime (in `spawn_blocking`), as every answer of the store is.
struct BodyReader {
    chunks: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
    current: Bytes,
}

impl BodyReader {
    fn spawn(response: reqwest::Response, deadline: Instant, limit: Duration) -> Self {
        let (sender, chunks) = tokio::sync::mpsc::channel(16);
        tokio::spawn(async move {
            let mut stream = response.bytes_stream();
            loop {
                let next = match tokio::time::timeout_at(deadline, stream.next()).await {
                    Err(_) => Err(std::io::Error::other(StoreError::Timeout(limit))),
                    Ok(None) => break,
                    Ok(Some(Ok(bytes))) => Ok(bytes),
                    Ok(Some(Err(e))) => Err(std::io::Error::other(StoreError::Unavailable(
                        format!("the SPARQL engine's answer broke off: {}", describe(&e)),
                    ))),
                };
                let failed = next.is_err();
                if sender.send(next).await.is_err() || failed {
                    break;
                }
            }
        });
        Self {
            chunks,
            current: Bytes::new(),
        }
    }
}

impl Read for BodyReader {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.chunks.blocking_recv() {
                Some(Ok(bytes)) => self.current = bytes,
                Some(Err(e)) => return Err(e),
                None => return Ok(0),
            }
        }
        let n = buffer.len().min(self.current.len());
        buffer[..n].copy_from_slice(&self.current[..n]);
        self.current = self.current.slice(n..);
        Ok(n)
    }
}

/// Virtuoso writes blank nodes in JSON results as `nodeID://b10000`, which is not a blank node
/// label; this reader drops the `nodeID://` of blank-node values (and only of those) as the
/// answer streams by.
struct VirtuosoBlankNodes<R> {
    inner: R,
    out: Vec<u8>,
    position: usize,
    /// The end of the last chunk, when it may be the start of the pattern.
    tail: Vec<u8>,
    done: bool,
}

impl<R> VirtuosoBlankNodes<R> {
    const FROM: &'static [u8] = b"\"bnode\", \"value\": \"nodeID://";
    const TO: &'static [u8] = b"\"bnode\", \"value\": \"";

    fn new(inner: R) -> Self {
        Self {
            inner,
            out: Vec::new(),
            position: 0,
            tail: Vec::new(),
            done: false,
        }
    }
}

impl<R: Read> Read for VirtuosoBlankNodes<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        while self.position >= self.out.len() {
            if self.done {
                return Ok(0);
            }
            let mut chunk = [0_u8; 8192];
            let n = self.inner.read(&mut chunk)?;
            let mut data = std::mem::take(&mut self.tail);
            if n == 0 {
                self.done = true;
                self.out = data;
                self.position = 0;
                continue;
            }
            data.extend_from_slice(&chunk[..n]);
            let mut result = Vec::with_capacity(data.len());
            let mut i = 0;
            while i < data.len() {
                let rest = &data[i..];
                if rest.starts_with(Self::FROM) {
                    result.extend_from_slice(Self::TO);
                    i += Self::FROM.len();
                } else if rest.len() < Self::FROM.len() && Self::FROM.starts_with(rest) {
                    self.tail = rest.to_vec();
                    break;
                } else {
                    result.push(data[i]);
                    i += 1;
                }
            }
            self.out = result;
            self.position = 0;
        }
        let n = buffer.len().min(self.out.len() - self.position);
        buffer[..n].copy_from_slice(&self.out[self.position..self.position + n]);
        self.position += n;
        Ok(n)
    }
}

/// The store error an I/O error of a [`BodyReader`] carries.
fn io_to_store(error: std::io::Error) -> StoreError {
    match error.downcast::<StoreError>() {
        Ok(inner) => inner,
        Err(error) => StoreError::Unavailable(format!("reading the engine's answer: {error}")),
    }
}

fn results_error(error: oxigraph::sparql::results::QueryResultsParseError) -> StoreError {
    match error {
        oxigraph::sparql::results::QueryResultsParseError::Io(e) => io_to_store(e),
        other => StoreError::Upstream(format!("its answer is invalid: {other}")),
    }
}

fn rdf_error(error: RdfParseError) -> StoreError {
    match error {
        RdfParseError::Io(e) => io_to_store(e),
        other => StoreError::Upstream(format!("its answer is invalid: {other}")),
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

/// The graph IRIs `GRAPH <g> {...}` patterns name, anywhere in `pattern`.
fn graphs_in_pattern(pattern: &GraphPattern, out: &mut Vec<NamedNode>) {
    match pattern {
        GraphPattern::Graph { name, inner } => {
            if let spargebra::term::NamedNodePattern::NamedNode(graph) = name {
                out.push(graph.clone());
            }
            graphs_in_pattern(inner, out);
        }
        GraphPattern::Bgp { .. } | GraphPattern::Path { .. } | GraphPattern::Values { .. } => {}
        GraphPattern::Join { left, right }
        | GraphPattern::Lateral { left, right }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right } => {
            graphs_in_pattern(left, out);
            graphs_in_pattern(right, out);
        }
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => {
            graphs_in_pattern(left, out);
            graphs_in_pattern(right, out);
            if let Some(expression) = expression {
                graphs_in_expression(expression, out);
            }
        }
        GraphPattern::Filter { expr, inner } => {
            graphs_in_expression(expr, out);
            graphs_in_pattern(inner, out);
        }
        GraphPattern::Extend {
            inner, expression, ..
        } => {
            graphs_in_expression(expression, out);
            graphs_in_pattern(inner, out);
        }
        GraphPattern::OrderBy { inner, expression } => {
            for order in expression {
                match order {
                    spargebra::algebra::OrderExpression::Asc(e)
                    | spargebra::algebra::OrderExpression::Desc(e) => graphs_in_expression(e, out),
                }
            }
            graphs_in_pattern(inner, out);
        }
        GraphPattern::Group {
            inner, aggregates, ..
        } => {
            for (_, aggregate) in aggregates {
                if let spargebra::algebra::AggregateExpression::FunctionCall { expr, .. } =
                    aggregate
                {
                    graphs_in_expression(expr, out);
                }
            }
            graphs_in_pattern(inner, out);
        }
        GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Service { inner, .. } => graphs_in_pattern(inner, out),
    }
}

fn graphs_in_expression(expression: &spargebra::algebra::Expression, out: &mut Vec<NamedNode>) {
    use spargebra::algebra::Expression as E;
    match expression {
        E::Exists(pattern) => graphs_in_pattern(pattern, out),
        E::NamedNode(_) | E::Literal(_) | E::Variable(_) | E::Bound(_) => {}
        E::Or(a, b)
        | E::And(a, b)
        | E::Equal(a, b)
        | E::SameTerm(a, b)
        | E::Greater(a, b)
        | E::GreaterOrEqual(a, b)
        | E::Less(a, b)
        | E::LessOrEqual(a, b)
        | E::Add(a, b)
        | E::Subtract(a, b)
        | E::Multiply(a, b)
        | E::Divide(a, b) => {
            graphs_in_expression(a, out);
            graphs_in_expression(b, out);
        }
        E::UnaryPlus(a) | E::UnaryMinus(a) | E::Not(a) => graphs_in_expression(a, out),
        E::In(a, list) => {
            graphs_in_expression(a, out);
            for e in list {
                graphs_in_expression(e, out);
            }
        }
        E::If(a, b, c) => {
            for e in [a, b, c] {
                graphs_in_expression(e, out);
            }
        }
        E::Coalesce(list) | E::FunctionCall(_, list) => {
            for e in list {
                graphs_in_expression(e, out);
            }
        }
    }
}

/// Whether `graph` belongs to an engine at `origin` rather than to kgql.
fn is_system_graph(origin: &str, graph: &str) -> bool {
    (!origin.is_empty() && graph.starts_with(origin))
        || SYSTEM_GRAPH_PREFIXES.iter().any(|p| graph.starts_with(p))
}

fn any_triple() -> GraphPattern {
    GraphPattern::Bgp {
        patterns: vec![TriplePattern {
            subject: TermPattern::Variable(v("s")),
            predicate: spargebra::term::NamedNodePattern::Variable(v("p")),
            object: TermPattern::Variable(v("o")),
        }],
    }
}

/// A load parsed to a temporary file, ready to be sent.
struct Spooled {
    file: std::fs::File,
    /// The graphs it writes to (and, when replacing, empties).
    graphs: Vec<GraphName>,
    /// Its number of quads.
    total: u64,
    mode: LoadMode,
    progress: Option<super::ProgressFn>,
}

/// The error of a load that failed after the engine had confirmed `sent` of `total` quads.
fn cut_off(error: StoreError, sent: u64, total: u64) -> StoreError {
    if sent == 0 {
        return error;
    }
    StoreError::Unavailable(format!(
        "the load failed after the engine had stored {sent} of {total} quads: {error}"
    ))
}

/// The Graph Store Protocol address of `graph` at the endpoint `url` (`url?graph=IRI`).
fn graph_store_target(url: &str, graph: &NamedNode) -> Result<String, StoreError> {
    let mut target = reqwest::Url::parse(url)
        .map_err(|e| StoreError::Unavailable(format!("invalid engine URL: {e}")))?;
    target
        .query_pairs_mut()
        .append_pair("graph", graph.as_str());
    Ok(target.into())
}

/// Statements of one graph, as an N-Triples document.
struct GraphBatch {
    graph: GraphName,
    ntriples: Vec<u8>,
    count: u64,
}

/// Reads the spooled quads back as N-Triples documents of one graph each, of up to
/// [`GRAPH_STORE_BATCH_QUADS`] statements; as in [`read_batches`], a document ends only after
/// a statement without blank nodes (or where the graph changes).
fn read_graph_batches(
    mut file: std::fs::File,
    sender: tokio::sync::mpsc::Sender<Result<GraphBatch, StoreError>>,
) {
    use std::io::Seek;
    let send = |batch| sender.blocking_send(batch).is_ok();
    if let Err(e) = file.seek(std::io::SeekFrom::Start(0)) {
        send(Err(e.into()));
        return;
    }
    let mut batch: Option<GraphBatch> = None;
    for quad in RdfParser::from_format(RdfFormat::NQuads).for_reader(BufReader::new(file)) {
        let quad = match quad {
            Ok(quad) => quad,
            Err(e) => {
                send(Err(StoreError::storage("reading the spooled load", e)));
                return;
            }
        };
        if batch.as_ref().is_some_and(|b| b.graph != quad.graph_name) {
            if let Some(full) = batch.take() {
                if !send(Ok(full)) {
                    return;
                }
            }
        }
        let current = batch.get_or_insert_with(|| GraphBatch {
            graph: quad.graph_name.clone(),
            ntriples: Vec::new(),
            count: 0,
        });
        let blank = quad.subject.is_blank_node() || quad.object.is_blank_node();
        // Writing to a vector cannot fail.
        let _ = writeln!(current.ntriples, "{} .", Triple::from(quad));
        current.count += 1;
        if current.count >= GRAPH_STORE_BATCH_QUADS as u64 && !blank {
            if let Some(full) = batch.take() {
                if !send(Ok(full)) {
                    return;
                }
            }
        }
    }
    if let Some(last) = batch {
        send(Ok(last));
    }
}

/// Parses every document into a temporary N-Quads file (with the target graph applied); returns
/// it with the graphs written to and the number of quads.
fn spool(
    documents: Vec<Document>,
    target: &LoadTarget,
) -> Result<(std::fs::File, Vec<GraphName>, u64), StoreError> {
    // Anonymous: the system removes it when it is closed.
    let file = tempfile::tempfile()?;
    let mut writer =
        RdfSerializer::from_format(RdfFormat::NQuads).for_writer(BufWriter::new(file.try_clone()?));
    let mut graphs: Vec<GraphName> = Vec::new();
    let mut count = 0_u64;
    for document in documents {
        for quad in read_document(document, target)? {
            let quad = quad?;
            if !graphs.contains(&quad.graph_name) {
                graphs.push(quad.graph_name.clone());
            }
            writer.serialize_quad(&quad)?;
            count += 1;
        }
    }
    if let LoadTarget::Graph(graph) = target {
        // Replacing a graph with nothing still clears it.
        if graphs.is_empty() {
            graphs.push(graph.clone());
        }
    }
    writer
        .finish()?
        .into_inner()
        .map_err(|e| StoreError::Io(e.into_error()))?
        .flush()?;
    Ok((file, graphs, count))
}

/// Reads the spooled quads back in batches; a batch is cut only after a quad without blank
/// nodes, so that a blank node's statements, which parsers give one after the other, stay in
/// one `INSERT DATA` (where its label means one node).
fn read_batches(
    mut file: std::fs::File,
    default_graph: &NamedNode,
    sender: tokio::sync::mpsc::Sender<Result<Vec<spargebra::term::Quad>, StoreError>>,
) {
    use std::io::Seek;
    let send = |batch| sender.blocking_send(batch).is_ok();
    if let Err(e) = file.seek(std::io::SeekFrom::Start(0)) {
        send(Err(e.into()));
        return;
    }
    let mut batch = Vec::with_capacity(BATCH_QUADS);
    for quad in RdfParser::from_format(RdfFormat::NQuads).for_reader(BufReader::new(file)) {
        let quad = match quad {
            Ok(quad) => quad,
            Err(e) => {
                send(Err(StoreError::storage("reading the spooled load", e)));
                return;
            }
        };
        let blank = quad.subject.is_blank_node() || quad.object.is_blank_node();
        batch.push(to_algebra(quad, default_graph));
        if batch.len() >= BATCH_QUADS && !blank && !send(Ok(std::mem::take(&mut batch))) {
            return;
        }
    }
    if !batch.is_empty() {
        send(Ok(batch));
    }
}

/// The text of an update. Data and templates are written one `GRAPH` block per graph, with the
/// statements of that graph inside: compact, and what every engine parses (Virtuoso refuses
/// `GRAPH {..} .` inside a block, and needs far less work for one block per graph than one per
/// statement). Data with blank nodes is inserted with `INSERT { ... } WHERE {}`, which means the
/// same (fresh blank nodes, one per label) and which engines that refuse blank nodes in
/// `INSERT DATA` (Virtuoso) accept. Terms are written by their own serialisers.
fn update_text(update: &Update) -> String {
    let mut text = String::new();
    if let Some(base) = &update.base_iri {
        text.push_str(&format!("BASE <{}>\n", base.as_str()));
    }
    for (i, operation) in update.operations.iter().enumerate() {
        if i > 0 {
            text.push_str(" ;\n");
        }
        match operation {
            GraphUpdateOperation::InsertData { data } => {
                let blank = data
                    .iter()
                    .any(|q| q.subject.is_blank_node() || q.object.is_blank_node());
                text.push_str(if blank { "INSERT " } else { "INSERT DATA " });
                write_block(
                    &mut text,
                    data.iter().map(|q| {
                        (
                            graph_text(&q.graph_name),
                            format!("{} {} {}", q.subject, q.predicate, q.object),
                        )
                    }),
                );
                if blank {
                    text.push_str(" WHERE {}");
                }
            }
            GraphUpdateOperation::DeleteData { data } => {
                text.push_str("DELETE DATA ");
                write_block(
                    &mut text,
                    data.iter().map(|q| {
                        (
                            graph_text(&q.graph_name),
                            format!("{} {} {}", q.subject, q.predicate, q.object),
                        )
                    }),
                );
            }
            GraphUpdateOperation::DeleteInsert {
                delete,
                insert,
                using,
                pattern,
            } => {
                if !delete.is_empty() {
                    text.push_str("DELETE ");
                    write_block(
                        &mut text,
                        delete.iter().map(|q| {
                            (
                                pattern_graph_text(&q.graph_name),
                                format!("{} {} {}", q.subject, q.predicate, q.object),
                            )
                        }),
                    );
                    text.push('\n');
                }
                if !insert.is_empty() {
                    text.push_str("INSERT ");
                    write_block(
                        &mut text,
                        insert.iter().map(|q| {
                            (
                                pattern_graph_text(&q.graph_name),
                                format!("{} {} {}", q.subject, q.predicate, q.object),
                            )
                        }),
                    );
                    text.push('\n');
                }
                // USING and WHERE as the algebra's own serialiser writes them.
                let rest = GraphUpdateOperation::DeleteInsert {
                    delete: Vec::new(),
                    insert: Vec::new(),
                    using: using.clone(),
                    pattern: pattern.clone(),
                };
                text.push_str(&rest.to_string());
            }
            other => text.push_str(&other.to_string()),
        }
    }
    text
}

fn graph_text(graph: &AlgebraGraphName) -> Option<String> {
    match graph {
        AlgebraGraphName::NamedNode(name) => Some(name.to_string()),
        AlgebraGraphName::DefaultGraph => None,
    }
}

fn pattern_graph_text(graph: &GraphNamePattern) -> Option<String> {
    match graph {
        GraphNamePattern::DefaultGraph => None,
        other => Some(other.to_string()),
    }
}

/// `{ statements GRAPH g { statements } ... }`: statements grouped by graph (`None`: the
/// default graph), in the order each graph first appears.
fn write_block(text: &mut String, statements: impl Iterator<Item = (Option<String>, String)>) {
    let mut graphs: Vec<(Option<String>, String)> = Vec::new();
    for (graph, statement) in statements {
        let line = format!("\t{statement} .\n");
        match graphs.iter_mut().find(|(g, _)| *g == graph) {
            Some((_, lines)) => lines.push_str(&line),
            None => graphs.push((graph, line)),
        }
    }
    text.push_str("{\n");
    // The default graph's statements first: a triple block may not follow a GRAPH block
    // without a dot, and Virtuoso refuses the dot.
    graphs.sort_by_key(|(graph, _)| graph.is_some());
    for (graph, lines) in graphs {
        match graph {
            Some(graph) => text.push_str(&format!("GRAPH {graph} {{\n{lines}}}\n")),
            None => text.push_str(&lines),
        }
    }
    text.push('}');
}

/// A quad of the data model as a quad of `INSERT DATA`.
fn to_algebra(quad: Quad, default_graph: &NamedNode) -> spargebra::term::Quad {
    spargebra::term::Quad {
        subject: quad.subject,
        predicate: quad.predicate,
        object: quad.object,
        graph_name: match quad.graph_name {
            GraphName::NamedNode(n) => AlgebraGraphName::NamedNode(n),
            _ => AlgebraGraphName::NamedNode(default_graph.clone()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::VirtuosoBlankNodes;
    use std::io::Read;

    /// A reader that gives one byte at a time, to cut the pattern across reads.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            let Some((first, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            buffer[0] = *first;
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn virtuoso_blank_node_values_lose_their_prefix_and_nothing_else_changes() {
        let input = br#"{ "s": { "type": "bnode", "value": "nodeID://b10000" }, "l": { "type": "literal", "value": "nodeID://kept" } }"#;
        let expected = br#"{ "s": { "type": "bnode", "value": "b10000" }, "l": { "type": "literal", "value": "nodeID://kept" } }"#;
        for whole in [true, false] {
            let mut out = Vec::new();
            if whole {
                VirtuosoBlankNodes::new(&input[..])
                    .read_to_end(&mut out)
                    .unwrap();
            } else {
                VirtuosoBlankNodes::new(Trickle(input))
                    .read_to_end(&mut out)
                    .unwrap();
            }
            assert_eq!(
                String::from_utf8(out).unwrap(),
                String::from_utf8(expected.to_vec()).unwrap()
            );
        }
    }
}
