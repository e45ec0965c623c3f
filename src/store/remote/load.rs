//! Loads: a document parsed whole to a temporary file first (a syntax error sends nothing), then
//! sent in batches, as `INSERT DATA` updates or to the engine's Graph Store Protocol endpoint.

use super::*;

impl RemoteStore {
    /// Sends a spooled load as `INSERT DATA` updates of [`BATCH_QUADS`] quads.
    pub(super) async fn load_through_updates(&self, load: Spooled) -> Result<u64, StoreError> {
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
        // Replacing with nothing still clears.
        self.send_operations(operations).await?;
        Ok(total)
    }

    /// Sends a spooled load to the Graph Store Protocol endpoint `url`: N-Triples documents of
    /// up to [`GRAPH_STORE_BATCH_QUADS`] statements of one graph each, the first one of a
    /// replaced graph with `PUT` (which empties the graph in the same transaction), the others
    /// with `POST`.
    pub(super) async fn load_through_graph_store(
        &self,
        url: &str,
        load: Spooled,
    ) -> Result<u64, StoreError> {
        let (sender, mut batches) = tokio::sync::mpsc::channel(2);
        let file = load.file;
        let (graphs, total, mode, progress) = (load.graphs, load.total, load.mode, load.progress);
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
        self.send_operations(operations).await?;
        Ok(total)
    }

    /// Sends `operations` as one update, if there are any.
    async fn send_operations(
        &self,
        operations: Vec<GraphUpdateOperation>,
    ) -> Result<(), StoreError> {
        if operations.is_empty() {
            return Ok(());
        }
        self.send_update(&Update {
            operations,
            base_iri: None,
        })
        .await
    }
}

/// A load parsed to a temporary file, ready to be sent.
pub(super) struct Spooled {
    pub(super) file: std::fs::File,
    /// The graphs it writes to (and, when replacing, empties).
    pub(super) graphs: Vec<GraphName>,
    /// Its number of quads.
    pub(super) total: u64,
    pub(super) mode: LoadMode,
    pub(super) progress: Option<crate::store::ProgressFn>,
}

/// The error of a load that failed after the engine had confirmed `sent` of `total` quads.
pub(super) fn cut_off(error: StoreError, sent: u64, total: u64) -> StoreError {
    if sent == 0 {
        return error;
    }
    StoreError::Unavailable(format!(
        "the load failed after the engine had stored {sent} of {total} quads: {error}"
    ))
}

/// The Graph Store Protocol address of `graph` at the endpoint `url` (`url?graph=IRI`).
pub(super) fn graph_store_target(url: &str, graph: &NamedNode) -> Result<String, StoreError> {
    let mut target = reqwest::Url::parse(url)
        .map_err(|e| StoreError::Unavailable(format!("invalid engine URL: {e}")))?;
    target
        .query_pairs_mut()
        .append_pair("graph", graph.as_str());
    Ok(target.into())
}

/// Statements of one graph, as an N-Triples document.
pub(super) struct GraphBatch {
    graph: GraphName,
    ntriples: Vec<u8>,
    count: u64,
}

/// Reads the spooled quads back as N-Triples documents of one graph each, of up to
/// [`GRAPH_STORE_BATCH_QUADS`] statements; as in [`read_batches`], a document ends only after
/// a statement without blank nodes (or where the graph changes).
pub(super) fn read_graph_batches(
    file: std::fs::File,
    sender: tokio::sync::mpsc::Sender<Result<GraphBatch, StoreError>>,
) {
    let send = |batch| sender.blocking_send(batch).is_ok();
    let mut batch: Option<GraphBatch> = None;
    for quad in spooled_quads(file) {
        let quad = match quad {
            Ok(quad) => quad,
            Err(e) => {
                send(Err(e));
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
pub(super) fn spool(
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
pub(super) fn read_batches(
    file: std::fs::File,
    default_graph: &NamedNode,
    sender: tokio::sync::mpsc::Sender<Result<Vec<spargebra::term::Quad>, StoreError>>,
) {
    let send = |batch| sender.blocking_send(batch).is_ok();
    let mut batch = Vec::with_capacity(BATCH_QUADS);
    for quad in spooled_quads(file) {
        let quad = match quad {
            Ok(quad) => quad,
            Err(e) => {
                send(Err(e));
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

/// The quads of a spooled load, from its start.
fn spooled_quads(mut file: std::fs::File) -> impl Iterator<Item = Result<Quad, StoreError>> {
    use std::io::Seek;
    let start = file
        .seek(std::io::SeekFrom::Start(0))
        .map_err(StoreError::from);
    let quads = start.map(|_| {
        RdfParser::from_format(RdfFormat::NQuads)
            .for_reader(BufReader::new(file))
            .map(|quad| quad.map_err(|e| StoreError::storage("reading the spooled load", e)))
    });
    let (failed, quads) = match quads {
        Ok(quads) => (None, Some(quads)),
        Err(error) => (Some(Err(error)), None),
    };
    failed.into_iter().chain(quads.into_iter().flatten())
}
