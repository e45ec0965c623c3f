//! The embedded backend: an Oxigraph store on disk (RocksDB) or in memory.
//!
//! Oxigraph's calls are synchronous, so every one of them runs inside
//! [`tokio::task::spawn_blocking`]; the store handle is cheap to clone and shared by all threads.
//! Every write also keeps the full-text index of search in step ([`text`]).

mod deadlines;
mod text;
mod version;

use version::Version;

use super::{
    parse_error, LoadMode, LoadRequest, LoadTarget, ProgressFn, QuadIter, QueryLimits, QueryOutput,
    StatementWork, Statements, Store, StoreError, StoreSize, StoreVersion, TripleIter,
};
use crate::index_model::{Hit, IndexedPage, PageRequest};
use crate::search::TextIndex;
use async_trait::async_trait;
use oxigraph::model::{
    GraphName, GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef, Term,
    TermRef, Triple,
};
use oxigraph::sparql::{
    CancellationToken, QueryEvaluationError, QueryResults, QuerySolution, SparqlEvaluator,
    UpdateEvaluationError, Variable,
};
use oxigraph::store::{LoaderError, StorageError};
use spargebra::{Query, Update};
use std::cell::Cell;
use std::collections::HashSet;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Arc;
use std::time::Duration;
use text::{Indexing, Touched};

/// How many quads are read between two progress reports.
const PROGRESS_EVERY: u64 = 10_000;

/// The directory of the full-text index, inside the store's.
const SEARCH_INDEX_DIR: &str = "search-index";

/// An Oxigraph store embedded in the server process.
#[derive(Clone)]
pub struct EmbeddedStore {
    store: oxigraph::store::Store,
    union_default_graph: bool,
    /// Whether [`Store::read_statements`] is offered.
    point_reads: bool,
    evaluations: Arc<AtomicUsize>,
    indexing: Arc<Indexing>,
    /// The data's version, advanced by every committed write.
    version: Arc<Version>,
}

impl EmbeddedStore {
    /// The index of nodes, for tests that compare its answers with the SPARQL scans.
    #[cfg(test)]
    pub(crate) fn index(&self) -> &TextIndex {
        &self.indexing.index
    }

    /// Opens (or creates) an on-disk store in `path`, with its search index in
    /// `path/search-index`.
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(path)?;
        let index = TextIndex::open(&path.join(SEARCH_INDEX_DIR))?;
        let store = oxigraph::store::Store::open(path)?;
        // A new index of an empty store is in step already.
        if !index.is_ready() && store.is_empty()? {
            index.mark_ready()?;
        }
        Ok(Self::from_store(store, index, Version::open(path)?))
    }

    /// Creates an empty in-memory store; its content is lost when the process ends.
    pub fn in_memory() -> Result<Self, StoreError> {
        let index = TextIndex::in_memory()?;
        Ok(Self::from_store(
            oxigraph::store::Store::new()?,
            index,
            Version::in_memory(),
        ))
    }

    fn from_store(store: oxigraph::store::Store, index: TextIndex, version: Version) -> Self {
        Self {
            store,
            union_default_graph: true,
            point_reads: true,
            evaluations: Arc::new(AtomicUsize::new(0)),
            indexing: Arc::new(Indexing::new(index, true)),
            version: Arc::new(version),
        }
    }

    /// Whether a query without a dataset sees the union of all graphs (the default) or only the
    /// store's default graph.
    #[must_use]
    pub fn with_union_default_graph(mut self, union: bool) -> Self {
        self.union_default_graph = union;
        self.indexing.set_union(union);
        self
    }

    /// Whether GraphQL may read statements directly ([`Store::read_statements`]) rather than
    /// through SPARQL (on by default; off, every read is a query, for comparison).
    #[must_use]
    pub fn with_point_reads(mut self, on: bool) -> Self {
        self.point_reads = on;
        self
    }

    /// Whether the index of nodes can answer: it holds every write that has been acknowledged.
    /// A write under way (writes take turns) is not acknowledged until it is reindexed, so an
    /// answer from the index as it stands is the answer of a moment before that write. Not while
    /// the index is rebuilt, nor when it lags for another reason: then the store is scanned.
    fn index_ready(&self) -> bool {
        self.indexing.answers()
    }

    async fn blocking<T: Send + 'static>(
        &self,
        f: impl FnOnce(oxigraph::store::Store) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.store.clone();
        tokio::task::spawn_blocking(move || f(store))
            .await
            .map_err(|e| StoreError::storage("the store task", e))?
    }
}

/// Point reads on the store's indexes, each with its own snapshot.
struct PointReads<'s> {
    store: &'s oxigraph::store::Store,
    /// Where statements are read: every graph, or the default graph only.
    graph: Option<GraphNameRef<'static>>,
    /// Reads left (each call and each statement read is one), when limited.
    budget: Option<Cell<usize>>,
}

/// How many reads ([`PointReads`]) small work may make on the thread that asks for it (a server's
/// connection thread): a few hundred microseconds. Work that needs more stops there and runs
/// again, whole, on a thread that may block. Most GraphQL levels (a lookup, a page of a few
/// nodes' fields) fit, and save the hand-over to another thread and back, which costs as much
/// as the reads.
const INLINE_READS: usize = 400;

impl<'s> PointReads<'s> {
    fn new(store: &'s oxigraph::store::Store, union: bool) -> Self {
        Self {
            store,
            graph: (!union).then_some(GraphNameRef::DefaultGraph),
            budget: None,
        }
    }

    fn limited(mut self, reads: usize) -> Self {
        self.budget = Some(Cell::new(reads));
        self
    }

    /// Counts `reads` against the budget; an error once it is spent.
    fn spend(&self, reads: usize) -> Result<(), StoreError> {
        match &self.budget {
            Some(left) if left.get() < reads => {
                left.set(0);
                Err(StoreError::Evaluation(
                    "the reads' budget is spent".to_owned(),
                ))
            }
            Some(left) => {
                left.set(left.get() - reads);
                Ok(())
            }
            None => Ok(()),
        }
    }

    /// Whether the budget ran out.
    fn spent(&self) -> bool {
        self.budget.as_ref().is_some_and(|left| left.get() == 0)
    }

    /// The distinct terms of `terms`, in the order first seen (a statement in several graphs is
    /// read once per graph), each counted against the budget.
    fn distinct(
        &self,
        terms: impl Iterator<Item = Result<Term, StorageError>>,
    ) -> Result<Vec<Term>, StoreError> {
        self.spend(1)?;
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for term in terms {
            self.spend(1)?;
            let term = term?;
            if seen.insert(term.clone()) {
                out.push(term);
            }
        }
        Ok(out)
    }
}

impl Statements for PointReads<'_> {
    fn objects(
        &self,
        subject: NamedOrBlankNodeRef<'_>,
        predicate: NamedNodeRef<'_>,
    ) -> Result<Vec<Term>, StoreError> {
        self.distinct(
            self.store
                .quads_for_pattern(Some(subject), Some(predicate), None, self.graph)
                .map(|q| q.map(|q| q.object)),
        )
    }

    fn subjects(
        &self,
        predicate: NamedNodeRef<'_>,
        object: TermRef<'_>,
    ) -> Result<Vec<Term>, StoreError> {
        self.distinct(
            self.store
                .quads_for_pattern(None, Some(predicate), Some(object), self.graph)
                .map(|q| q.map(|q| q.subject.into())),
        )
    }

    fn contains(
        &self,
        subject: NamedOrBlankNodeRef<'_>,
        predicate: Option<NamedNodeRef<'_>>,
        object: Option<TermRef<'_>>,
    ) -> Result<bool, StoreError> {
        self.spend(1)?;
        Ok(self
            .store
            .quads_for_pattern(Some(subject), predicate, object, self.graph)
            .next()
            .transpose()?
            .is_some())
    }

    fn graphs(&self, subject: NamedOrBlankNodeRef<'_>) -> Result<Vec<Term>, StoreError> {
        self.named_graphs(
            self.store
                .quads_for_pattern(Some(subject), None, None, None),
        )
    }

    fn graphs_stating(
        &self,
        subject: NamedOrBlankNodeRef<'_>,
        predicate: NamedNodeRef<'_>,
        object: TermRef<'_>,
    ) -> Result<Vec<Term>, StoreError> {
        self.named_graphs(self.store.quads_for_pattern(
            Some(subject),
            Some(predicate),
            Some(object),
            None,
        ))
    }
}

impl PointReads<'_> {
    /// The distinct named graphs of `quads`.
    fn named_graphs(
        &self,
        quads: impl Iterator<Item = Result<oxigraph::model::Quad, StorageError>>,
    ) -> Result<Vec<Term>, StoreError> {
        self.distinct(quads.filter_map(|q| match q {
            Ok(q) => match q.graph_name {
                GraphName::NamedNode(n) => Some(Ok(n.into())),
                GraphName::BlankNode(b) => Some(Ok(b.into())),
                GraphName::DefaultGraph => None,
            },
            Err(e) => Some(Err(e)),
        }))
    }
}

/// Rows buffered between the thread that evaluates a query and its consumer.
const ROW_BUFFER: usize = 1024;

/// What the evaluating thread hands over first: the head, and the rows that come with it.
type HeadAndFirstRows = Result<(Head, Vec<Result<Row, StoreError>>), StoreError>;

/// Sends the head with the first [`ROW_BUFFER`] rows in one hand-over (a small answer never waits
/// on the channel row by row; `head` is told whether they are all of them), then the rest row by
/// row until the consumer goes away.
fn hand_over(
    mut rows: impl Iterator<Item = Result<Row, StoreError>>,
    head: impl FnOnce(bool) -> Head,
    head_sender: tokio::sync::oneshot::Sender<HeadAndFirstRows>,
    row_sender: &std::sync::mpsc::SyncSender<Result<Row, StoreError>>,
) {
    let first: Vec<_> = rows.by_ref().take(ROW_BUFFER).collect();
    let complete = first.len() < ROW_BUFFER;
    if head_sender.send(Ok((head(complete), first))).is_err() {
        return;
    }
    for row in rows {
        if row_sender.send(row).is_err() {
            break; // The consumer went away.
        }
    }
}

/// What a query's evaluation says first: its kind, and its variables (and whether the rows
/// handed over with them are all of them) or its boolean.
enum Head {
    Boolean(bool),
    Solutions(Arc<[Variable]>, bool),
    Graph,
}

/// One row of a query's answer.
enum Row {
    Solution(QuerySolution),
    Triple(Triple),
}

/// Forgets the query's deadline and counts the evaluation as ended when the evaluation's
/// thread lets go of it.
struct EvaluationGuard {
    _deadline: deadlines::Deadline,
    evaluations: Arc<AtomicUsize>,
}

impl EvaluationGuard {
    fn new(deadline: deadlines::Deadline, evaluations: Arc<AtomicUsize>) -> Self {
        evaluations.fetch_add(1, Ordering::Relaxed);
        Self {
            _deadline: deadline,
            evaluations,
        }
    }
}

impl Drop for EvaluationGuard {
    fn drop(&mut self) {
        self.evaluations.fetch_sub(1, Ordering::Relaxed);
    }
}

/// The rows of a running evaluation, read until the query's deadline.
///
/// Oxigraph checks its cancellation token when it reads from the store; between two reads (a
/// cartesian product computed in memory, say) it can go on for a while. The deadline is kept
/// here too, so the answer never waits past it.
struct DeadlineRows {
    /// The rows handed over with the head.
    first: std::vec::IntoIter<Result<Row, StoreError>>,
    /// The rest.
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
        if let Some(row) = self.first.next() {
            return Some(row);
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
        let deadline = tokio::time::Instant::now() + limits.timeout;
        let guard = EvaluationGuard::new(
            deadlines::cancel_at(deadline.into_std(), token.clone()),
            self.evaluations.clone(),
        );
        let union = self.union_default_graph && query.dataset().is_none();
        // A description gathers a resource's statements from every graph of the union, so the
        // same statement comes once per graph stating it: the answer is a set, as CONSTRUCT's.
        let describe = matches!(query, Query::Describe { .. });
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
                    let _ = head_sender.send(Ok((Head::Boolean(value), Vec::new())));
                }
                Ok(QueryResults::Solutions(solutions)) => {
                    let variables: Arc<[Variable]> = solutions.variables().into();
                    let rows = solutions.map(|row| {
                        row.map(Row::Solution)
                            .map_err(|e| evaluation_error(e, timeout))
                    });
                    hand_over(
                        rows,
                        |complete| Head::Solutions(variables, complete),
                        head_sender,
                        &row_sender,
                    );
                }
                Ok(QueryResults::Graph(triples)) => {
                    let mut seen = HashSet::new();
                    let rows = triples
                        .filter(|triple| match triple {
                            Ok(triple) if describe => seen.insert(triple.clone()),
                            _ => true,
                        })
                        .map(|triple| {
                            triple
                                .map(Row::Triple)
                                .map_err(|e| evaluation_error(e, timeout))
                        });
                    hand_over(rows, |_| Head::Graph, head_sender, &row_sender);
                }
            }
        });
        let (head, first) = tokio::time::timeout_at(deadline, head)
            .await
            .map_err(|_| StoreError::Timeout(timeout))?
            .map_err(|_| StoreError::storage("the query task", "it ended early"))??;
        let rows = DeadlineRows {
            first: first.into_iter(),
            rows,
            deadline,
            timeout,
            done: false,
        };
        Ok(match head {
            Head::Boolean(value) => QueryOutput::Boolean(value),
            Head::Solutions(variables, complete) => QueryOutput::Solutions {
                variables,
                complete,
                rows: Box::new(rows.map(|row| match row? {
                    Row::Solution(solution) => Ok(solution),
                    Row::Triple(_) => Err(StoreError::storage(
                        "reading solutions",
                        "a triple among solutions",
                    )),
                })),
            },
            Head::Graph => QueryOutput::Graph(Box::new(rows.map(|row| match row? {
                Row::Triple(triple) => Ok(triple),
                Row::Solution(_) => Err(StoreError::storage(
                    "reading triples",
                    "a solution among triples",
                )),
            }))),
        })
    }

    async fn update(&self, update: Update) -> Result<(), StoreError> {
        let union = self.union_default_graph;
        let indexing = self.indexing.clone();
        let version = self.version.clone();
        self.blocking(move |store| {
            let _lock = indexing.lock();
            let touched = indexing.touched_by_update(&store, &update)?;
            let mut prepared = SparqlEvaluator::new().for_update(update);
            if union {
                // A WHERE clause without USING sees every graph, as queries do.
                for dataset in prepared.using_datasets_mut() {
                    if dataset.is_default_dataset() {
                        dataset.set_default_graph_as_union();
                    }
                }
            }
            version.around(|| {
                indexing.write(&store, touched, || {
                    prepared.on_store(&store).execute().map_err(update_error)?;
                    Ok(((), HashSet::new()))
                })
            })
        })
        .await
    }

    async fn load(&self, request: LoadRequest) -> Result<u64, StoreError> {
        let indexing = self.indexing.clone();
        let version = self.version.clone();
        self.blocking(move |store| {
            let _lock = indexing.lock();
            version.around(|| {
                if request.bulk && request.mode == LoadMode::Append {
                    // Throughput first: the index is built from the quads as they are read, on
                    // another thread (or left stale for a rebuild once the data is in, which
                    // `kgql load` runs and a server runs when it starts).
                    return indexing.bulk_load(&store, |feed| {
                        load(&store, request, Some(feed)).map(|(count, _)| count)
                    });
                }
                // The load says which nodes it wrote or replaced.
                let touched = Touched::Nodes(HashSet::new());
                indexing.write(&store, touched, || load(&store, request, None))
            })
        })
        .await
    }

    fn version(&self) -> Option<StoreVersion> {
        Some(self.version.current())
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
        let indexing = self.indexing.clone();
        let version = self.version.clone();
        self.blocking(move |store| {
            let _lock = indexing.lock();
            let touched = Touched::Nodes(text::nodes_in(&store, graph.as_ref())?);
            version.around(|| {
                indexing.write(&store, touched, || {
                    match &graph {
                        GraphName::NamedNode(named) if drop => {
                            store.remove_named_graph(named)?;
                        }
                        _ => store.clear_graph(&graph)?,
                    }
                    Ok(((), HashSet::new()))
                })
            })
        })
        .await
    }

    async fn search(
        &self,
        text: String,
        classes: Vec<NamedNode>,
        limit: usize,
    ) -> Result<Option<Vec<Hit>>, StoreError> {
        if !self.index_ready() {
            return Ok(None);
        }
        let indexing = self.indexing.clone();
        self.blocking(move |_| Ok(indexing.index.search(&text, &classes, limit)?))
            .await
    }

    fn reads_statements(&self) -> bool {
        self.point_reads
    }

    async fn read_statements(&self, work: StatementWork) -> Result<Vec<QuerySolution>, StoreError> {
        let union = self.union_default_graph;
        let here = PointReads::new(&self.store, union).limited(INLINE_READS);
        match work(&here) {
            Err(_) if here.spent() => {}
            done => return done,
        }
        self.blocking(move |store| work(&PointReads::new(&store, union)))
            .await
    }

    async fn page(&self, request: PageRequest) -> Result<Option<IndexedPage>, StoreError> {
        if !self.index_ready() {
            return Ok(None);
        }
        let indexing = self.indexing.clone();
        self.blocking(move |_| Ok(indexing.index.page(&request)?))
            .await
    }

    async fn optimize(&self) -> Result<bool, StoreError> {
        // An in-memory store has nothing to compact: Oxigraph's call returns at once.
        self.blocking(|store| Ok(store.optimize().map(|()| true)?))
            .await
    }

    async fn rebuild_search_index(
        &self,
        progress: Option<ProgressFn>,
    ) -> Result<Option<u64>, StoreError> {
        let indexing = self.indexing.clone();
        self.blocking(move |store| indexing.rebuild(&store, progress.as_ref()).map(Some))
            .await
    }

    async fn catch_up_search_index(
        &self,
        progress: Option<ProgressFn>,
    ) -> Result<Option<u64>, StoreError> {
        let indexing = self.indexing.clone();
        self.blocking(move |store| {
            let _lock = indexing.lock();
            if indexing.index.is_ready() {
                return Ok(Some(indexing.index.len()));
            }
            drop(_lock);
            indexing.rebuild(&store, progress.as_ref()).map(Some)
        })
        .await
    }

    fn catch_up_in_background(&self) {
        if !self.indexing.index.is_ready() {
            tracing::info!("the search index lags behind the store: rebuilding it");
            self.indexing.rebuild_in_background(self.store.clone());
        }
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

/// Loads the request's documents; returns the number of quads read and, for a load in a
/// transaction, the nodes whose indexed statements they wrote or replaced. A bulk load hands its
/// quads to `feed` instead, as it reads them.
fn load(
    store: &oxigraph::store::Store,
    request: LoadRequest,
    mut feed: Option<&mut text::Feed>,
) -> Result<(u64, HashSet<NamedNode>), StoreError> {
    let LoadRequest {
        documents,
        target,
        mode,
        progress,
        bulk,
    } = request;
    let mut count = 0_u64;
    let mut touched = HashSet::new();
    let mut quads = documents
        .into_iter()
        .map(|document| super::read_document(document, &target))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .inspect(|quad| {
            if let Ok(quad) = quad {
                match &mut feed {
                    Some(feed) => feed.push(quad),
                    None => {
                        if let Some(node) = text::touched_by_quad(quad) {
                            if !touched.contains(node) {
                                touched.insert(node.clone());
                            }
                        }
                    }
                }
            }
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
        drop(quads);
        if let Some(feed) = feed {
            // Every quad is read: the index is made ready while the store writes them.
            feed.close();
        }
        loader.commit()?;
    } else {
        let mut transaction = store.start_transaction()?;
        let mut replaced = HashSet::new();
        let mut replaced_nodes = HashSet::new();
        if let LoadTarget::Graph(graph) = &target {
            if mode == LoadMode::Replace {
                replaced_nodes.extend(text::nodes_in(store, graph.as_ref())?);
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
                replaced_nodes.extend(text::nodes_in(store, quad.graph_name.as_ref())?);
                transaction.clear_graph(quad.graph_name.as_ref())?;
            }
            transaction.insert(quad.as_ref());
        }
        transaction.commit()?;
        drop(quads);
        touched.extend(replaced_nodes);
    }
    if let Some(progress) = &progress {
        progress(count);
    }
    Ok((count, touched))
}

fn evaluation_error(error: QueryEvaluationError, timeout: Duration) -> StoreError {
    match error {
        QueryEvaluationError::Cancelled => StoreError::Timeout(timeout),
        QueryEvaluationError::Dataset(e) => StoreError::storage("reading the dataset", e),
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
            other => Self::storage("the embedded store", other),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Document;

    fn turtle(text: &'static str) -> LoadRequest {
        LoadRequest {
            documents: vec![Document {
                input: Box::new(text.as_bytes()),
                format: oxigraph::io::RdfFormat::Turtle,
                base_iri: None,
                name: "test".to_owned(),
            }],
            target: LoadTarget::Graph(GraphName::NamedNode(NamedNode::new_unchecked(
                "urn:example:g",
            ))),
            mode: LoadMode::Append,
            progress: None,
            bulk: false,
        }
    }

    async fn search(store: &EmbeddedStore, text: &str) -> Option<Vec<String>> {
        let hits = store
            .search(text.to_owned(), Vec::new(), 10)
            .await
            .unwrap()?;
        Some(
            hits.into_iter()
                .map(|h| h.node.as_str().to_owned())
                .collect(),
        )
    }

    fn bulk(format: oxigraph::io::RdfFormat, text: &'static str) -> LoadRequest {
        LoadRequest {
            documents: vec![Document {
                input: Box::new(text.as_bytes()),
                format,
                base_iri: None,
                name: "test".to_owned(),
            }],
            target: LoadTarget::Dataset {
                default_graph: None,
            },
            mode: LoadMode::Append,
            progress: None,
            bulk: true,
        }
    }

    /// What the index answers: searches of every word of the data, and the pages of every class
    /// in every order.
    fn answers(store: &EmbeddedStore) -> Vec<String> {
        use crate::index_model::{Key, SortKey};
        let index = store.index();
        let mut answers = Vec::new();
        for word in [
            "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "shape",
        ] {
            let hits = index.search(word, &[], 100).unwrap().unwrap_or_default();
            answers.push(format!("{word}: {hits:?}"));
        }
        let keys = [None, Some(Key::Label), Some(Key::Property(0))];
        for class in [
            "urn:example:C",
            "urn:example:D",
            crate::shacl::vocab::NODE_SHAPE.as_str(),
        ] {
            for key in keys {
                for descending in [false, true] {
                    let page = index
                        .page(&PageRequest {
                            class: NamedNode::new_unchecked(class),
                            filter: None,
                            order: vec![
                                SortKey { key, descending },
                                SortKey {
                                    key: None,
                                    descending: false,
                                },
                            ],
                            offset: 0,
                            limit: None,
                        })
                        .unwrap();
                    answers.push(format!("{class} {key:?} {descending}: {page:?}"));
                }
            }
        }
        answers
    }

    /// Statements of a node that do not follow one another, repeated, in several graphs, of a
    /// blank node, of a node the store held before, in a graph the index does not read.
    const SCATTERED: &str = r#"
        @prefix ex: <urn:example:> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix schema: <http://schema.org/> .
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        ex:a a ex:C ; rdfs:label "Alpha"@en ; schema:startDate "2020-01-01" .
        ex:b a ex:C .
        ex:c a ex:D ; skos:prefLabel "Gamma" ; schema:description "Gamma ray" .
        ex:b rdfs:label "Beta", "Beta" ; schema:startDate "2019-05-01" .
        ex:s a sh:NodeShape ; rdfs:label "Shape of zeta" .
        _:x rdfs:label "Delta" .
        ex:e a ex:D ; schema:startDate "2021-01-01" .
        ex:g { ex:a skos:altLabel "Alpha A" . ex:f a ex:C ; rdfs:label "Zeta"@de . }
        ex:h { ex:a skos:altLabel "Alpha A" . ex:c a ex:C . }
    "#;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_bulk_load_indexes_its_data_as_a_rebuild_would() {
        for union in [true, false] {
            let dir = tempfile::tempdir().unwrap();
            let store = EmbeddedStore::open(dir.path())
                .unwrap()
                .with_union_default_graph(union);
            // A node the store holds before the load, which the load says more of.
            let before =
                "<urn:example:e> <http://www.w3.org/2000/01/rdf-schema#label> \"Epsilon\" .";
            store
                .load(bulk(oxigraph::io::RdfFormat::Turtle, before))
                .await
                .unwrap();
            assert!(store.index().is_ready());
            let count = store
                .load(bulk(oxigraph::io::RdfFormat::TriG, SCATTERED))
                .await
                .unwrap();
            assert_eq!(count, 20);
            assert!(store.index().is_ready(), "built with the load");
            let loaded = answers(&store);
            assert!(
                loaded.iter().any(|a| a.starts_with("beta: [Hit")),
                "{loaded:?}"
            );
            let nodes = if union { 6 } else { 5 };
            assert_eq!(store.rebuild_search_index(None).await.unwrap(), Some(nodes));
            assert_eq!(loaded, answers(&store), "union: {union}");
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_bulk_load_that_fails_leaves_the_index_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let store = EmbeddedStore::open(dir.path()).unwrap();
        store
            .load(bulk(oxigraph::io::RdfFormat::TriG, SCATTERED))
            .await
            .unwrap();
        let loaded = answers(&store);
        let broken = "<urn:example:z> <http://www.w3.org/2000/01/rdf-schema#label> \"Zeta\" .\n<urn:example:z> oops";
        assert!(store
            .load(bulk(oxigraph::io::RdfFormat::Turtle, broken))
            .await
            .is_err());
        assert!(store.index().is_ready());
        assert_eq!(loaded, answers(&store));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_index_left_stale_is_rebuilt_in_the_background() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = EmbeddedStore::open(dir.path()).unwrap();
            let request = turtle(
                "<urn:example:a> <http://www.w3.org/2000/01/rdf-schema#label> \"Alpha Centauri\" .",
            );
            store.load(request).await.unwrap();
            assert_eq!(search(&store, "alpha").await.unwrap(), ["urn:example:a"]);
        }
        // A process stopped between the store's commit and the index's leaves the mark.
        std::fs::write(dir.path().join(SEARCH_INDEX_DIR).join("stale"), b"").unwrap();
        let store = EmbeddedStore::open(dir.path()).unwrap();
        assert_eq!(
            search(&store, "alpha").await,
            None,
            "stale: the caller scans"
        );
        // Writes meanwhile are kept too.
        let request =
            turtle("<urn:example:b> <http://www.w3.org/2000/01/rdf-schema#label> \"Alpha Beta\" .");
        store.load(request).await.unwrap();
        store.catch_up_in_background();
        let started = std::time::Instant::now();
        loop {
            if let Some(found) = search(&store, "alpha").await {
                assert_eq!(found, ["urn:example:a", "urn:example:b"]);
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(30), "not rebuilt");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(store.rebuild_search_index(None).await.unwrap(), Some(2));
    }
}
