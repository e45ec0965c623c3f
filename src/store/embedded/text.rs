//! Keeping the index of nodes ([`crate::search`]: search texts, classes, the values pages order
//! by) in step with the embedded store.
//!
//! Every write runs under one lock: the nodes it touches (those whose searched texts or classes
//! it may change) are found first, the write is committed, then those nodes are read again and
//! replaced in the index. Meanwhile the index is marked stale on disk, so a process stopped
//! between the two commits leaves a mark that the next start sees (and rebuilds). A write whose
//! touched nodes cannot be told beforehand (an update of several operations that rewrites
//! statements through variables, `CLEAR ALL`) rebuilds the index in the background; searches scan
//! until it is done.

use crate::index_model::{Entry, Key, KeyValue, ORDERED, SEARCHED};
use crate::search::Snapshot;
use crate::search::TextIndex;
use crate::store::{ProgressFn, StoreError};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{GraphNameRef, NamedNode, NamedNodeRef, NamedOrBlankNode, Quad, Term};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use spargebra::algebra::{GraphPattern, GraphTarget};
use spargebra::term::{GroundTermPattern, NamedNodePattern, TermPattern, Variable};
use spargebra::{GraphUpdateOperation, Query, Update};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender};
use std::sync::{Arc, Mutex, MutexGuard};

/// How often a server that writes lets go of what its writes leave in memory
/// ([`Indexing::tidy`]).
const TIDY_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// How many nodes are read and replaced per index commit.
const CHUNK: usize = 10_000;

/// About how many nodes a rebuild holds in memory at once (nodes with a class stand for all
/// when the passes are counted); a node takes a few hundred bytes.
#[cfg(not(test))]
const PASS_NODES: u64 = 1_500_000;
/// Small in unit tests, so that their rebuilds take several passes.
#[cfg(test)]
const PASS_NODES: u64 = 500;

/// How many statements the loading thread hands the indexing thread at a time in a bulk load.
const FEED_BATCH: usize = 4096;

/// How many of those hand-overs may wait for the indexing thread (which bounds the memory they
/// take when it lags).
const FEED_DEPTH: usize = 8;

/// Beyond this many nodes to read again from the store after a bulk load (nodes the index
/// already held, or whose statements did not come one after the other), a rebuild is cheaper:
/// the index is left stale for one.
const RECHECK_LIMIT: usize = 100_000;

/// A statement the index keeps something of: subject, predicate, object.
type Statement = (NamedNode, NamedNodeRef<'static>, Term);

/// Which of `classes` hash classes a node falls in.
fn hash_class(node: &NamedNode, classes: u64) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    node.as_str().hash(&mut hasher);
    hasher.finish() % classes
}

/// The nodes a write touches.
#[derive(Debug)]
pub enum Touched {
    /// These nodes.
    Nodes(HashSet<NamedNode>),
    /// Any node: the index must be rebuilt.
    Everything,
}

/// Whether a statement with this predicate changes what the index says of its subject.
pub fn indexed(predicate: NamedNodeRef<'_>) -> bool {
    predicate == rdf::TYPE
        || SEARCHED.contains(&predicate.as_str())
        || ORDERED.contains(&predicate.as_str())
}

/// The predicate among those the index keeps something of, if it is one.
fn indexed_predicate(predicate: NamedNodeRef<'_>) -> Option<NamedNodeRef<'static>> {
    indexed_predicates().find(|p| *p == predicate)
}

/// The predicates whose statements the index keeps something of.
fn indexed_predicates() -> impl Iterator<Item = NamedNodeRef<'static>> {
    SEARCHED
        .iter()
        .chain(ORDERED.iter())
        .map(|p| NamedNodeRef::new_unchecked(p))
        .chain([rdf::TYPE])
}

/// What the index keeps of one node, gathered statement by statement (in vectors, sorted and
/// freed of duplicates at the end: a rebuild holds hundreds of thousands of these).
#[derive(Default)]
struct Gathered {
    texts: Vec<String>,
    classes: Vec<NamedNode>,
    values: Vec<KeyValue>,
}

impl Gathered {
    fn add(&mut self, predicate: NamedNodeRef<'_>, object: Term) {
        if predicate == rdf::TYPE {
            if let Term::NamedNode(class) = object {
                self.classes.push(class);
            }
            return;
        }
        if let Some(value) = Key::value_of(predicate.as_str(), object.as_ref()) {
            self.values.push(value);
        }
        if let Term::Literal(literal) = object {
            if SEARCHED.contains(&predicate.as_str()) {
                self.texts.push(literal.value().to_owned());
            }
        }
    }

    fn into_entry(mut self, node: NamedNode) -> Entry {
        // SHACL shapes describe the data; their names are not something to search for.
        if self
            .classes
            .iter()
            .any(|c| c.as_str().starts_with(crate::shacl::vocab::NAMESPACE))
        {
            self.texts.clear();
        }
        self.texts.sort_unstable();
        self.texts.dedup();
        self.classes.sort_unstable();
        self.classes.dedup();
        self.values.sort_unstable();
        self.values.dedup();
        Entry {
            node,
            texts: self.texts,
            classes: self.classes,
            values: self.values,
        }
    }
}

/// The index and what keeps it in step: the write lock, and the rebuild in the background.
pub struct Indexing {
    /// The index.
    pub index: TextIndex,
    /// Held by every write and by each step of a rebuild.
    writes: Mutex<()>,
    /// Writes under way: the index is marked stale for each, until it has caught up with it.
    writing: std::sync::atomic::AtomicUsize,
    /// A rebuild is wanted (again).
    rebuild_wanted: AtomicBool,
    /// A rebuild thread runs.
    rebuilding: AtomicBool,
    /// While a rebuild runs: the nodes writes reindexed meanwhile (the rebuild's own steps only
    /// add documents, and replace these).
    written_during_rebuild: Mutex<Option<HashSet<NamedNode>>>,
    /// Whether the index reads the union of all graphs (else the default graph only).
    union: AtomicBool,
    /// Whether the index held every write before the one under way when that write began (set
    /// by each write, under the write lock).
    in_step: AtomicBool,
    /// When the last write tidied up after the writes before it.
    tidied: Mutex<std::time::Instant>,
}

impl Indexing {
    pub fn new(index: TextIndex, union: bool) -> Self {
        Self {
            index,
            writes: Mutex::new(()),
            writing: std::sync::atomic::AtomicUsize::new(0),
            rebuild_wanted: AtomicBool::new(false),
            rebuilding: AtomicBool::new(false),
            written_during_rebuild: Mutex::new(None),
            union: AtomicBool::new(union),
            in_step: AtomicBool::new(false),
            tidied: Mutex::new(std::time::Instant::now()),
        }
    }

    /// Whether the index reads the union of all graphs (else the default graph only).
    pub fn set_union(&self, union: bool) {
        self.union.store(union, Ordering::SeqCst);
    }

    /// The graph the index reads (`None`: all of them).
    fn graph(&self) -> Option<GraphNameRef<'static>> {
        (!self.union.load(Ordering::SeqCst)).then_some(GraphNameRef::DefaultGraph)
    }

    /// Whether a write is under way (the index is stale only until it has caught up with it).
    pub fn writing(&self) -> bool {
        self.writing.load(Ordering::SeqCst) > 0
    }

    /// Whether the index can answer for the store: it is in step, or behind only the write under
    /// way, which is not acknowledged before it is reindexed (so answering from the index is
    /// answering a moment before that write).
    pub fn answers(&self) -> bool {
        self.index.is_ready() || (self.writing() && self.in_step.load(Ordering::SeqCst))
    }

    /// The write lock.
    pub fn lock(&self) -> MutexGuard<'_, ()> {
        self.writes
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Runs `write` (a store commit) with the nodes it touches kept in step in the index. The
    /// caller holds the write lock.
    pub fn write<T>(
        self: &Arc<Self>,
        store: &oxigraph::store::Store,
        touched: Touched,
        write: impl FnOnce() -> Result<(T, HashSet<NamedNode>), StoreError>,
    ) -> Result<T, StoreError> {
        /// Counts a write as under way for as long as it lives, however the write ends.
        struct Writing<'a>(&'a std::sync::atomic::AtomicUsize);
        impl Drop for Writing<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::SeqCst);
            }
        }
        self.writing.fetch_add(1, Ordering::SeqCst);
        let _writing = Writing(&self.writing);
        let written = self.write_and_reindex(store, touched, write)?;
        self.tidy_if_due(store)?;
        Ok(written)
    }

    /// Every [`TIDY_EVERY`] of writing: what the writes since hold in memory goes to disk or is
    /// let go. RocksDB's memtables would otherwise grow to hundreds of megabytes per column
    /// family before it flushes them, and the index keeps a trace of every commit. The caller
    /// holds the write lock.
    fn tidy_if_due(&self, store: &oxigraph::store::Store) -> Result<(), StoreError> {
        {
            let mut tidied = self
                .tidied
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if tidied.elapsed() < TIDY_EVERY {
                return Ok(());
            }
            *tidied = std::time::Instant::now();
        }
        let started = std::time::Instant::now();
        store.flush()?;
        self.index.tidy()?;
        tracing::debug!(
            duration_ms = started.elapsed().as_secs_f64() * 1e3,
            "memory tidied after writes"
        );
        Ok(())
    }

    fn write_and_reindex<T>(
        self: &Arc<Self>,
        store: &oxigraph::store::Store,
        touched: Touched,
        write: impl FnOnce() -> Result<(T, HashSet<NamedNode>), StoreError>,
    ) -> Result<T, StoreError> {
        let was_ready = self.index.is_ready();
        self.in_step.store(was_ready, Ordering::SeqCst);
        self.index.mark_stale()?;
        let (value, more) = match write() {
            Ok(done) => done,
            Err(e) => {
                // Nothing was written.
                if was_ready {
                    self.index.mark_ready()?;
                }
                return Err(e);
            }
        };
        match touched {
            Touched::Nodes(mut nodes) => {
                nodes.extend(more);
                if let Some(written) = self.written().as_mut() {
                    written.extend(nodes.iter().cloned());
                }
                let nodes: Vec<NamedNode> = nodes.into_iter().collect();
                for chunk in nodes.chunks(CHUNK) {
                    self.reindex(store, chunk)?;
                }
                if was_ready {
                    self.index.mark_ready()?;
                }
            }
            Touched::Everything => self.rebuild_in_background(store.clone()),
        }
        Ok(value)
    }

    /// The nodes written during the rebuild under way, if one is.
    fn written(&self) -> MutexGuard<'_, Option<HashSet<NamedNode>>> {
        self.written_during_rebuild
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Reads `nodes` from the store and replaces what the index says of them.
    fn reindex(
        &self,
        store: &oxigraph::store::Store,
        nodes: &[NamedNode],
    ) -> Result<(), StoreError> {
        let entries = nodes
            .iter()
            .map(|node| self.entry(store, node))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(self.index.replace(nodes, entries)?)
    }

    /// What the index keeps of a node.
    fn entry(&self, store: &oxigraph::store::Store, node: &NamedNode) -> Result<Entry, StoreError> {
        let graph = self.graph();
        let mut gathered = Gathered::default();
        for predicate in indexed_predicates() {
            for quad in store.quads_for_pattern(Some(node.into()), Some(predicate), None, graph) {
                gathered.add(predicate, quad?.object);
            }
        }
        Ok(gathered.into_entry(node.clone()))
    }

    /// Rebuilds the index from the store, in steps of [`CHUNK`] nodes, each under the write
    /// lock (writes go on meanwhile and index what they touch themselves); returns the number of
    /// nodes indexed. The index is stale until the end.
    pub fn rebuild(
        &self,
        store: &oxigraph::store::Store,
        progress: Option<&ProgressFn>,
    ) -> Result<u64, StoreError> {
        {
            let _lock = self.lock();
            self.index.mark_stale()?;
            self.index.clear()?;
            *self.written() = Some(HashSet::new());
        }
        let result = self.rebuild_steps(store, progress);
        *self.written() = None;
        result?;
        // A write that asked for a rebuild meanwhile may not be in: stay stale for the next one.
        if !self.rebuild_wanted.load(Ordering::SeqCst) {
            self.index.mark_ready()?;
        }
        Ok(self.index.len())
    }

    /// The number of nodes with a class in the graph the index reads (nothing decoded).
    fn typed_nodes(&self, store: &oxigraph::store::Store) -> Result<u64, StoreError> {
        let n = Variable::new_unchecked("n");
        let subjects = GraphPattern::Distinct {
            inner: Box::new(GraphPattern::Project {
                inner: Box::new(statement_pattern(rdf::TYPE)),
                variables: vec![Variable::new_unchecked("s")],
            }),
        };
        let query = Query::Select {
            dataset: None,
            pattern: GraphPattern::Project {
                inner: Box::new(GraphPattern::Group {
                    inner: Box::new(subjects),
                    variables: Vec::new(),
                    aggregates: vec![(
                        n.clone(),
                        spargebra::algebra::AggregateExpression::CountSolutions { distinct: false },
                    )],
                }),
                variables: vec![n.clone()],
            },
            base_iri: None,
        };
        let count = self
            .solutions(store, query)?
            .next()
            .transpose()?
            .and_then(|solution| match solution.get(&n) {
                Some(Term::Literal(count)) => count.value().parse().ok(),
                _ => None,
            });
        Ok(count.unwrap_or(0))
    }

    /// The solutions of a SELECT query on the graph the index reads (unless the query names its
    /// own dataset).
    fn solutions(
        &self,
        store: &oxigraph::store::Store,
        query: Query,
    ) -> Result<impl Iterator<Item = Result<oxigraph::sparql::QuerySolution, StoreError>>, StoreError>
    {
        let own_dataset = query.dataset().is_some();
        let mut prepared = SparqlEvaluator::new().for_query(query);
        if self.union.load(Ordering::SeqCst) && !own_dataset {
            prepared.dataset_mut().set_default_graph_as_union();
        }
        let QueryResults::Solutions(solutions) = prepared
            .on_store(store)
            .execute()
            .map_err(|e| StoreError::Evaluation(e.to_string()))?
        else {
            return Err(StoreError::Evaluation(
                "a SELECT query gave no solutions".into(),
            ));
        };
        Ok(solutions.map(|s| s.map_err(|e| StoreError::Evaluation(e.to_string()))))
    }

    /// The subjects (IRIs) and objects of the statements of `predicate` in the graph the index
    /// reads, as SPARQL reads them: only those two terms are decoded.
    fn statements(
        &self,
        store: &oxigraph::store::Store,
        predicate: NamedNodeRef<'_>,
    ) -> Result<impl Iterator<Item = Result<(NamedNode, Term), StoreError>>, StoreError> {
        let (s, o) = (Variable::new_unchecked("s"), Variable::new_unchecked("o"));
        let query = Query::Select {
            dataset: None,
            pattern: GraphPattern::Project {
                inner: Box::new(statement_pattern(predicate)),
                variables: vec![s.clone(), o.clone()],
            },
            base_iri: None,
        };
        Ok(self
            .solutions(store, query)?
            .filter_map(move |solution| match solution {
                Err(e) => Some(Err(e)),
                Ok(solution) => match (solution.get(&s), solution.get(&o)) {
                    (Some(Term::NamedNode(node)), Some(object)) => {
                        Some(Ok((node.clone(), object.clone())))
                    }
                    _ => None,
                },
            }))
    }

    /// A rebuild's steps. What the index keeps of every node is read by sequential scans of
    /// each predicate (far cheaper than lookups node by node), in as many passes over them as
    /// it takes to hold about [`PASS_NODES`] nodes in memory at a time, and added, all in one
    /// commit (each commit makes segments that the index then merges); the nodes that writes
    /// changed meanwhile are then read again under the write lock.
    fn rebuild_steps(
        &self,
        store: &oxigraph::store::Store,
        progress: Option<&ProgressFn>,
    ) -> Result<(), StoreError> {
        // Nodes are gathered in passes, each keeping the nodes of one hash class, so that memory
        // holds about PASS_NODES nodes at a time whatever the size of the graph.
        let passes = self.typed_nodes(store)?.div_ceil(PASS_NODES).max(1);
        let mut done = 0_u64;
        for pass in 0..passes {
            let mut gathered: HashMap<NamedNode, Gathered> = HashMap::new();
            for predicate in indexed_predicates() {
                for statement in self.statements(store, predicate)? {
                    let (node, object) = statement?;
                    if passes == 1 || hash_class(&node, passes) == pass {
                        gathered.entry(node).or_default().add(predicate, object);
                    }
                }
            }
            let mut entries = gathered
                .into_iter()
                .map(|(node, gathered)| gathered.into_entry(node))
                .peekable();
            while entries.peek().is_some() {
                let chunk: Vec<Entry> = entries.by_ref().take(CHUNK).collect();
                done += chunk.len() as u64;
                self.index.add(chunk)?;
                if let Some(progress) = progress {
                    progress(done);
                }
            }
        }
        self.index.commit()?;
        // What writes changed since the scans began, read again now.
        let _lock = self.lock();
        let written: Vec<NamedNode> = self
            .written()
            .as_ref()
            .map(|w| w.iter().cloned().collect())
            .unwrap_or_default();
        for chunk in written.chunks(CHUNK) {
            self.reindex(store, chunk)?;
        }
        Ok(())
    }

    /// Rebuilds the index on a thread of its own, unless one is already at it (it then starts
    /// over once done).
    pub fn rebuild_in_background(self: &Arc<Self>, store: oxigraph::store::Store) {
        self.rebuild_wanted.store(true, Ordering::SeqCst);
        if self.rebuilding.swap(true, Ordering::SeqCst) {
            return;
        }
        let this = Arc::clone(self);
        std::thread::spawn(move || loop {
            while this.rebuild_wanted.swap(false, Ordering::SeqCst) {
                let started = std::time::Instant::now();
                match this.rebuild(&store, None) {
                    Ok(nodes) => tracing::info!(
                        nodes,
                        seconds = started.elapsed().as_secs_f64(),
                        "search index rebuilt"
                    ),
                    Err(e) => tracing::error!(error = %e, "rebuilding the search index failed"),
                }
            }
            this.rebuilding.store(false, Ordering::SeqCst);
            // A request that came after the last check and before the flag went down.
            if !this.rebuild_wanted.load(Ordering::SeqCst)
                || this.rebuilding.swap(true, Ordering::SeqCst)
            {
                return;
            }
        });
    }

    /// Runs a bulk load (`load`, given the feed to hand its quads to as it reads them) and
    /// builds what the index says of its data alongside, on a thread of its own, committed once
    /// the data is in. Nodes the index held before, and nodes whose statements do not come one
    /// after the other, are read again from the store at the end; when they are too many, or
    /// the index was not in step before the load, it is left stale for a rebuild. The caller
    /// holds the write lock.
    pub fn bulk_load<T>(
        &self,
        store: &oxigraph::store::Store,
        load: impl FnOnce(&mut Feed) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let was_ready = self.index.is_ready();
        self.index.mark_stale()?;
        let mut feed = Feed {
            sender: None,
            batch: Vec::new(),
            graph: self.graph(),
        };
        if !was_ready {
            return load(&mut feed);
        }
        let before = self.index.snapshot();
        let (value, recheck) = std::thread::scope(|scope| {
            let (sender, fed) = std::sync::mpsc::sync_channel(FEED_DEPTH);
            let (verdict, stored) = std::sync::mpsc::channel();
            let indexer = scope.spawn(|| self.index_load(&before, fed, stored));
            feed.sender = Some(sender);
            let loaded = load(&mut feed);
            drop(feed);
            // The indexer waits for this to commit (or to forget what it added).
            let _ = verdict.send(loaded.is_ok());
            let indexed = indexer
                .join()
                .unwrap_or_else(|_| Err(StoreError::storage("indexing a load", "it panicked")));
            (loaded, indexed)
        });
        let value = match value {
            Ok(value) => value,
            Err(e) => {
                // Nothing was stored, and the index forgot what it added: it is as it was.
                self.index.mark_ready()?;
                return Err(e);
            }
        };
        match recheck {
            Ok(Some(recheck)) => {
                let recheck: Vec<NamedNode> = recheck.into_iter().collect();
                for chunk in recheck.chunks(CHUNK) {
                    self.reindex(store, chunk)?;
                }
                self.index.mark_ready()?;
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(error = %e, "indexing the loaded data failed: the index is stale")
            }
        }
        Ok(value)
    }

    /// A bulk load's indexing thread: adds the entries of the statements fed, readies them for
    /// a commit while the store commits the data, and commits them if `stored` says the data
    /// is in. Returns the nodes to read again from the store, or `None` when the index is left
    /// stale.
    fn index_load(
        &self,
        before: &Snapshot,
        fed: Receiver<Vec<Statement>>,
        stored: Receiver<bool>,
    ) -> Result<Option<HashSet<NamedNode>>, StoreError> {
        let recheck = match self.index_fed(before, fed) {
            Ok(Some(recheck)) => recheck,
            other => {
                self.index.rollback()?;
                return other;
            }
        };
        let committed = self.index.commit_if(|| stored.recv().unwrap_or(false))?;
        Ok(committed.then_some(recheck))
    }

    /// Adds an entry for each node of the statements fed (uncommitted); returns the nodes to
    /// read again from the store once the data is in, or `None` when they are too many.
    fn index_fed(
        &self,
        before: &Snapshot,
        fed: Receiver<Vec<Statement>>,
    ) -> Result<Option<HashSet<NamedNode>>, StoreError> {
        let mut nodes = FedNodes {
            index: &self.index,
            before,
            seen: HashSet::new(),
            hasher: std::collections::hash_map::RandomState::new(),
            recheck: HashSet::new(),
            entries: Vec::with_capacity(CHUNK),
        };
        let mut current: Option<(NamedNode, Gathered)> = None;
        for batch in fed {
            for (subject, predicate, object) in batch {
                if let Some((node, gathered)) = &mut current {
                    if *node == subject {
                        gathered.add(predicate, object);
                        continue;
                    }
                }
                if let Some((node, gathered)) = current.take() {
                    if !nodes.settle(node, gathered)? {
                        return Ok(None);
                    }
                }
                let mut gathered = Gathered::default();
                gathered.add(predicate, object);
                current = Some((subject, gathered));
            }
        }
        if let Some((node, gathered)) = current {
            if !nodes.settle(node, gathered)? {
                return Ok(None);
            }
        }
        self.index.add(nodes.entries)?;
        Ok(Some(nodes.recheck))
    }

    /// The nodes an update touches, found before it runs (the caller holds the write lock).
    pub fn touched_by_update(
        &self,
        store: &oxigraph::store::Store,
        update: &Update,
    ) -> Result<Touched, StoreError> {
        let mut nodes = HashSet::new();
        let alone = update.operations.len() == 1;
        for operation in &update.operations {
            match operation {
                GraphUpdateOperation::InsertData { data } => {
                    for quad in data {
                        if let NamedOrBlankNode::NamedNode(s) = &quad.subject {
                            if indexed(quad.predicate.as_ref()) {
                                nodes.insert(s.clone());
                            }
                        }
                    }
                }
                GraphUpdateOperation::DeleteData { data } => {
                    for quad in data {
                        if indexed(quad.predicate.as_ref()) {
                            nodes.insert(quad.subject.clone());
                        }
                    }
                }
                GraphUpdateOperation::DeleteInsert {
                    delete,
                    insert,
                    using,
                    pattern,
                } => {
                    let mut variables = BTreeSet::new();
                    let templates = delete
                        .iter()
                        .map(|q| (ground_subject(&q.subject), &q.predicate))
                        .chain(insert.iter().map(|q| (subject(&q.subject), &q.predicate)));
                    for (subject, predicate) in templates {
                        let matters = match predicate {
                            NamedNodePattern::NamedNode(p) => indexed(p.as_ref()),
                            NamedNodePattern::Variable(_) => true,
                        };
                        match subject {
                            _ if !matters => {}
                            Subject::Node(node) => {
                                nodes.insert(node);
                            }
                            Subject::Variable(v) => {
                                variables.insert(v);
                            }
                            Subject::Other => {}
                        }
                    }
                    if variables.is_empty() {
                        continue;
                    }
                    // Evaluated before the update, the WHERE clause binds what the update will
                    // bind only if nothing runs before it.
                    if !alone {
                        return Ok(Touched::Everything);
                    }
                    let query = Query::Select {
                        dataset: using.clone(),
                        pattern: GraphPattern::Distinct {
                            inner: Box::new(GraphPattern::Project {
                                inner: pattern.clone(),
                                variables: variables.iter().cloned().collect(),
                            }),
                        },
                        base_iri: None,
                    };
                    for solution in self.solutions(store, query)? {
                        for (_, term) in solution?.iter() {
                            if let Term::NamedNode(node) = term {
                                nodes.insert(node.clone());
                            }
                        }
                    }
                }
                GraphUpdateOperation::Clear { graph, .. }
                | GraphUpdateOperation::Drop { graph, .. } => match graph {
                    GraphTarget::NamedNode(g) => {
                        nodes.extend(nodes_in(store, GraphNameRef::NamedNode(g.as_ref()))?);
                    }
                    GraphTarget::DefaultGraph => {
                        nodes.extend(nodes_in(store, GraphNameRef::DefaultGraph)?);
                    }
                    GraphTarget::NamedGraphs | GraphTarget::AllGraphs => {
                        return Ok(Touched::Everything)
                    }
                },
                GraphUpdateOperation::Create { .. } => {}
                GraphUpdateOperation::Load { .. } => return Ok(Touched::Everything),
            }
        }
        Ok(Touched::Nodes(nodes))
    }
}

/// What a bulk load's reading thread hands over to the thread that indexes its data: the
/// statements the index keeps something of, in the graph it reads, in the order read.
pub struct Feed {
    /// `None` once the indexing thread has stopped (or when the index is not built alongside).
    sender: Option<SyncSender<Vec<Statement>>>,
    batch: Vec<Statement>,
    /// The graph the index reads (`None`: all of them).
    graph: Option<GraphNameRef<'static>>,
}

impl Feed {
    /// Takes what the index keeps of a loaded quad.
    pub fn push(&mut self, quad: &Quad) {
        if self.sender.is_none() || self.graph.is_some_and(|g| quad.graph_name.as_ref() != g) {
            return;
        }
        let NamedOrBlankNode::NamedNode(subject) = &quad.subject else {
            return;
        };
        let Some(predicate) = indexed_predicate(quad.predicate.as_ref()) else {
            return;
        };
        self.batch
            .push((subject.clone(), predicate, quad.object.clone()));
        if self.batch.len() >= FEED_BATCH {
            self.hand_over();
        }
    }

    /// Hands the last statements over and lets the indexing thread go on alone: the data has
    /// been read.
    pub fn close(&mut self) {
        if !self.batch.is_empty() {
            self.hand_over();
        }
        self.sender = None;
    }

    /// Hands the statements taken so far over.
    fn hand_over(&mut self) {
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(FEED_BATCH));
        if let Some(sender) = &self.sender {
            if sender.send(batch).is_err() {
                // The indexing thread stopped: nothing more is taken.
                self.sender = None;
            }
        }
    }
}

impl Drop for Feed {
    fn drop(&mut self) {
        self.close();
    }
}

/// The nodes of a bulk load's statements as they come, each made an entry when the statements
/// of another node follow its own.
struct FedNodes<'a> {
    index: &'a crate::search::TextIndex,
    /// The index before the load.
    before: &'a Snapshot,
    /// The hashes of the nodes given an entry so far.
    seen: HashSet<u64>,
    hasher: std::collections::hash_map::RandomState,
    /// The nodes whose entry is to be read from the store once the data is in: those the index
    /// may have held before (the load adds to what the store says of them), and those whose
    /// statements came again after another node's (or whose hash is another's).
    recheck: HashSet<NamedNode>,
    /// Entries not yet added.
    entries: Vec<Entry>,
}

impl FedNodes<'_> {
    /// Gives `node` the entry of its statements just read, or leaves it for the recheck; `false`
    /// when too many nodes are left for it.
    fn settle(&mut self, node: NamedNode, gathered: Gathered) -> Result<bool, StoreError> {
        let first = self.seen.insert(std::hash::BuildHasher::hash_one(
            &self.hasher,
            node.as_str(),
        ));
        if !first || self.before.may_hold(&node)? {
            self.recheck.insert(node);
            return Ok(self.recheck.len() <= RECHECK_LIMIT);
        }
        self.entries.push(gathered.into_entry(node));
        if self.entries.len() >= CHUNK {
            self.index.add(self.entries.drain(..))?;
        }
        Ok(true)
    }
}

/// `?s predicate ?o`.
fn statement_pattern(predicate: NamedNodeRef<'_>) -> GraphPattern {
    GraphPattern::Bgp {
        patterns: vec![spargebra::term::TriplePattern {
            subject: Variable::new_unchecked("s").into(),
            predicate: NamedNodePattern::NamedNode(predicate.into_owned()),
            object: Variable::new_unchecked("o").into(),
        }],
    }
}

/// The nodes a quad touches, if any.
pub fn touched_by_quad(quad: &Quad) -> Option<&NamedNode> {
    match &quad.subject {
        NamedOrBlankNode::NamedNode(s) if indexed(quad.predicate.as_ref()) => Some(s),
        _ => None,
    }
}

/// The nodes of a graph with indexed statements.
pub fn nodes_in(
    store: &oxigraph::store::Store,
    graph: GraphNameRef<'_>,
) -> Result<HashSet<NamedNode>, StoreError> {
    let mut nodes = HashSet::new();
    for predicate in indexed_predicates() {
        for quad in store.quads_for_pattern(None, Some(predicate), None, Some(graph)) {
            if let NamedOrBlankNode::NamedNode(node) = quad?.subject {
                nodes.insert(node);
            }
        }
    }
    Ok(nodes)
}

/// The subject of a template.
enum Subject {
    Node(NamedNode),
    Variable(Variable),
    Other,
}

fn subject(pattern: &TermPattern) -> Subject {
    match pattern {
        TermPattern::NamedNode(n) => Subject::Node(n.clone()),
        TermPattern::Variable(v) => Subject::Variable(v.clone()),
        _ => Subject::Other,
    }
}

fn ground_subject(pattern: &GroundTermPattern) -> Subject {
    match pattern {
        GroundTermPattern::NamedNode(n) => Subject::Node(n.clone()),
        GroundTermPattern::Variable(v) => Subject::Variable(v.clone()),
        _ => Subject::Other,
    }
}
