//! The embedded backend: an Oxigraph store on disk (RocksDB) or in memory.
//!
//! Oxigraph's calls are synchronous, so every one of them runs inside
//! [`tokio::task::spawn_blocking`]; the store handle is cheap to clone and shared by all threads.

use super::{
    parse_error, LoadMode, LoadRequest, LoadTarget, QuadIter, QueryLimits, QueryOutput, Store,
    StoreError, StoreSize, TripleIter,
};
use async_trait::async_trait;
use oxigraph::model::{GraphName, GraphNameRef, NamedNode, NamedOrBlankNode, Triple};
use oxigraph::sparql::{
    CancellationToken, QueryEvaluationError, QueryResults, QuerySolution, SparqlEvaluator,
    UpdateEvaluationError, Variable,
};
use oxigraph::store::{LoaderError, StorageError};
use spargebra::{Query, Update};
use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;
use tokio::task::AbortHandle;

/// How many quads are read between two progress reports.
const PROGRESS_EVERY: u64 = 10_000;

/// An Oxigraph store embedded in the server process.
#[derive(Clone)]
pub struct EmbeddedStore {
    store: oxigraph::store::Store,
    union_default_graph: bool,
    evaluations: Arc<AtomicUsize>,
}

impl EmbeddedStore {
    /// Opens (or creates) an on-disk store in `path`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(path)?;
        Ok(Self::from_store(oxigraph::store::Store::open(path)?))
    }

    /// Creates an empty in-memory store; its content is lost when the process ends.
    pub fn in_memory() -> Result<Self, StoreError> {
        Ok(Self::from_store(oxigraph::store::Store::new()?))
    }

    fn from_store(store: oxigraph::store::Store) -> Self {
        Self {
            store,
            union_default_graph: true,
            evaluations: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Whether a query without a dataset sees the union of all graphs (the default) or only the
    /// store's default graph.
    #[must_use]
    pub fn with_union_default_graph(mut self, union: bool) -> Self {
        self.union_default_graph = union;
        self
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(oxigraph::store::Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(store))
            .await
            .map_err(|e| StoreError::Storage(format!("store task failed: {e}")))?
    }
}

/// Rows buffered between the thread that evaluates a query and its consumer.
const ROW_BUFFER: usize = 1024;

/// What a query's evaluation says first: its kind, and its variables or its boolean.
enum Head {
    Boolean(bool),
    Solutions(Arc<[Variable]>),
    Graph,
}

/// One row of a query's answer.
enum Row {
    Solution(QuerySolution),
    Triple(Triple),
}

/// Cancels the query's timer and counts the evaluation as ended when the evaluation's thread
/// lets go of it.
struct EvaluationGuard {
    timer: AbortHandle,
    evaluations: Arc<AtomicUsize>,
}

impl EvaluationGuard {
    fn new(timer: AbortHandle, evaluations: Arc<AtomicUsize>) -> Self {
        evaluations.fetch_add(1, Ordering::Relaxed);
        Self { timer, evaluations }
    }
}

impl Drop for EvaluationGuard {
    fn drop(&mut self) {
        self.timer.abort();
        self.evaluations.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The rows of a running evaluation, read until the query's deadline.
///
/// Oxigraph checks its cancellation token when it reads from the store; between two reads (a
/// cartesian product computed in memory, say) it can go on for a while. The deadline is kept
/// here too, so the answer never waits past it.
struct DeadlineRows {
    rows: Receiver<Result<Row, StoreError>>,
    deadline: tokio::time::Instant,
    timeout: Duration,
    done: bool,
}

impl Iterator for DeadlineRows {
    type Item = Result<Row, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let left = self
            .deadline
            .saturating_duration_since(tokio::time::Instant::now());
        match self.rows.recv_timeout(left) {
            Ok(row) => Some(row),
            Err(RecvTimeoutError::Disconnected) => None,
            Err(RecvTimeoutError::Timeout) => {
                self.done = true;
                Some(Err(StoreError::Timeout(self.timeout)))
            }
        }
    }
}

#[async_trait]
impl Store for EmbeddedStore {
    fn backend_name(&self) -> &'static str {
        "embedded"
    }

    fn running_queries(&self) -> usize {
        self.evaluations.load(Ordering::Relaxed)
    }

    async fn query(&self, query: Query, limits: QueryLimits) -> Result<QueryOutput, StoreError> {
        let token = CancellationToken::new();
        let timer = {
            let token = token.clone();
            tokio::spawn(async move {
                tokio::time::sleep(limits.timeout).await;
                token.cancel();
            })
        };
        let guard = EvaluationGuard::new(timer.abort_handle(), self.evaluations.clone());
        let deadline = tokio::time::Instant::now() + limits.timeout;
        let union = self.union_default_graph && query.dataset().is_none();
        let timeout = limits.timeout;
        let store = self.store.clone();
        // Oxigraph's result iterators are not `Send`: one blocking thread evaluates the query
        // and iterates it, handing rows over a bounded channel to whoever consumes the output.
        let (head_sender, head) = tokio::sync::oneshot::channel();
        let (row_sender, rows) = std::sync::mpsc::sync_channel(ROW_BUFFER);
        tokio::task::spawn_blocking(move || {
            let _evaluation = guard;
            let mut prepared = SparqlEvaluator::new()
                .with_cancellation_token(token)
                .for_query(query);
            if union {
                prepared.dataset_mut().set_default_graph_as_union();
            }
            match prepared.on_store(&store).execute() {
                Err(e) => {
                    let _ = head_sender.send(Err(evaluation_error(e, timeout)));
                }
                Ok(QueryResults::Boolean(value)) => {
                    let _ = head_sender.send(Ok(Head::Boolean(value)));
                }
                Ok(QueryResults::Solutions(solutions)) => {
                    let variables: Arc<[Variable]> = solutions.variables().into();
                    if head_sender.send(Ok(Head::Solutions(variables))).is_ok() {
                        for row in solutions {
                            let row = row
                                .map(Row::Solution)
                                .map_err(|e| evaluation_error(e, timeout));
                            if row_sender.send(row).is_err() {
                                break; // The consumer went away.
                            }
                        }
                    }
                }
                Ok(QueryResults::Graph(triples)) => {
                    if head_sender.send(Ok(Head::Graph)).is_ok() {
                        for triple in triples {
                            let row = triple
                                .map(Row::Triple)
                                .map_err(|e| evaluation_error(e, timeout));
                            if row_sender.send(row).is_err() {
                                break;
                            }
                        }
                    }
                }
            }
        });
        let head = tokio::time::timeout_at(deadline, head)
            .await
            .map_err(|_| StoreError::Timeout(timeout))?
            .map_err(|_| StoreError::Storage("the query task ended early".to_owned()))??;
        let rows = DeadlineRows {
            rows,
            deadline,
            timeout,
            done: false,
        };
        Ok(match head {
            Head::Boolean(value) => QueryOutput::Boolean(value),
            Head::Solutions(variables) => QueryOutput::Solutions {
                variables,
                rows: Box::new(rows.map(|row| match row? {
                    Row::Solution(solution) => Ok(solution),
                    Row::Triple(_) => {
                        Err(StoreError::Storage("a triple among solutions".to_owned()))
                    }
                })),
            },
            Head::Graph => QueryOutput::Graph(Box::new(rows.map(|row| match row? {
                Row::Triple(triple) => Ok(triple),
                Row::Solution(_) => Err(StoreError::Storage("a solution among triples".to_owned())),
            }))),
        })
    }

    async fn update(&self, update: Update) -> Result<(), StoreError> {
        let union = self.union_default_graph;
        self.blocking(move |store| {
            let mut prepared = SparqlEvaluator::new().for_update(update);
            if union {
                // A WHERE clause without USING sees every graph, as queries do.
                for dataset in prepared.using_datasets_mut() {
                    if dataset.is_default_dataset() {
                        dataset.set_default_graph_as_union();
                    }
                }
            }
            prepared.on_store(&store).execute().map_err(update_error)
        })
        .await
    }

    async fn load(&self, request: LoadRequest) -> Result<u64, StoreError> {
        self.blocking(move |store| load(&store, request)).await
    }

    async fn quads(&self, graph: Option<GraphName>) -> Result<QuadIter, StoreError> {
        self.blocking(move |store| {
            let iter = match &graph {
                Some(graph) => store.quads_for_pattern(None, None, None, Some(graph.as_ref())),
                None => store.iter(),
            };
            Ok(Box::new(iter.map(|r| r.map_err(StoreError::from))) as QuadIter)
        })
        .await
    }

    /// Streams the triples with memory bounded whatever the store's size: each quad is given
    /// once per graph that states its triple, and kept only in the first of them (the first
    /// quad of an index lookup of its triple), so no set of the triples given is needed. An
    /// export made while the store is written to may show part of those writes.
    async fn default_graph_triples(&self) -> Result<TripleIter, StoreError> {
        let union = self.union_default_graph;
        self.blocking(move |store| {
            if !union {
                let triples = store
                    .quads_for_pattern(None, None, None, Some(GraphNameRef::DefaultGraph))
                    .map(|quad| quad.map(Triple::from).map_err(StoreError::from));
                return Ok(Box::new(triples) as TripleIter);
            }
            let lookup = store.clone();
            let triples = store.iter().filter_map(move |quad| {
                let quad = match quad {
                    Ok(quad) => quad,
                    Err(e) => return Some(Err(StoreError::from(e))),
                };
                let first = lookup
                    .quads_for_pattern(
                        Some(quad.subject.as_ref()),
                        Some(quad.predicate.as_ref()),
                        Some(quad.object.as_ref()),
                        None,
                    )
                    .next();
                match first {
                    Some(Ok(first)) if first.graph_name != quad.graph_name => None,
                    Some(Err(e)) => Some(Err(StoreError::from(e))),
                    _ => Some(Ok(Triple::from(quad))),
                }
            });
            Ok(Box::new(triples) as TripleIter)
        })
        .await
    }

    async fn contains_graph(&self, graph: &NamedNode) -> Result<bool, StoreError> {
        let graph = graph.clone();
        self.blocking(move |store| Ok(store.contains_named_graph(&graph)?))
            .await
    }

    async fn named_graphs(&self) -> Result<Vec<NamedNode>, StoreError> {
        self.blocking(|store| {
            let mut graphs = Vec::new();
            for graph in store.named_graphs() {
                if let NamedOrBlankNode::NamedNode(graph) = graph? {
                    graphs.push(graph);
                }
            }
            Ok(graphs)
        })
        .await
    }

    async fn clear_graph(&self, graph: GraphName, drop: bool) -> Result<(), StoreError> {
        self.blocking(move |store| {
            match &graph {
                GraphName::NamedNode(named) if drop => {
                    store.remove_named_graph(named)?;
                }
                _ => store.clear_graph(&graph)?,
            }
            Ok(())
        })
        .await
    }

    async fn is_empty(&self) -> Result<bool, StoreError> {
        self.blocking(|store| Ok(store.is_empty()?)).await
    }

    async fn size(&self) -> Result<StoreSize, StoreError> {
        self.blocking(|store| {
            Ok(StoreSize {
                quads: store.len()? as u64,
            })
        })
        .await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        self.blocking(|store| {
            store.named_graphs().next().transpose()?;
            Ok(())
        })
        .await
    }
}

fn load(store: &oxigraph::store::Store, request: LoadRequest) -> Result<u64, StoreError> {
    let LoadRequest {
        documents,
        target,
        mode,
        progress,
        bulk,
    } = request;
    let mut count = 0_u64;
    let mut quads = documents
        .into_iter()
        .map(|document| super::read_document(document, &target))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .inspect(|_| {
            count += 1;
            if count % PROGRESS_EVERY == 0 {
                if let Some(progress) = &progress {
                    progress(count);
                }
            }
        });
    if bulk && mode == LoadMode::Append {
        let mut loader = store.bulk_loader();
        loader.load_ok_quads::<StoreError, StoreError>(&mut quads)?;
        loader.commit()?;
    } else {
        let mut transaction = store.start_transaction()?;
        let mut replaced = HashSet::new();
        if let LoadTarget::Graph(graph) = &target {
            if mode == LoadMode::Replace {
                transaction.clear_graph(graph.as_ref())?;
            }
            if let GraphName::NamedNode(named) = graph {
                transaction.insert_named_graph(named);
            }
        }
        for quad in &mut quads {
            let quad = quad?;
            // Replacing a dataset replaces each graph it writes to, once, before its first quad.
            if mode == LoadMode::Replace
                && matches!(target, LoadTarget::Dataset { .. })
                && replaced.insert(quad.graph_name.clone())
            {
                transaction.clear_graph(quad.graph_name.as_ref())?;
            }
            transaction.insert(quad.as_ref());
        }
        transaction.commit()?;
    }
    drop(quads);
    if let Some(progress) = &progress {
        progress(count);
    }
    Ok(count)
}

fn evaluation_error(error: QueryEvaluationError, timeout: Duration) -> StoreError {
    match error {
        QueryEvaluationError::Cancelled => StoreError::Timeout(timeout),
        QueryEvaluationError::Dataset(e) => StoreError::Storage(e.to_string()),
        other => StoreError::Evaluation(other.to_string()),
    }
}

fn update_error(error: UpdateEvaluationError) -> StoreError {
    match error {
        UpdateEvaluationError::Storage(e) => e.into(),
        other => StoreError::Evaluation(other.to_string()),
    }
}

impl From<StorageError> for StoreError {
    fn from(error: StorageError) -> Self {
        match error {
            StorageError::Io(e) => Self::Io(e),
            other => Self::Storage(other.to_string()),
        }
    }
}

impl From<LoaderError> for StoreError {
    fn from(error: LoaderError) -> Self {
        match error {
            LoaderError::Parsing(e) => parse_error(e, "RDF", "input"),
            LoaderError::Storage(e) => e.into(),
            other => Self::Evaluation(other.to_string()),
        }
    }
}
