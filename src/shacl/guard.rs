//! Validation before a write commits: what a write adds is validated together with what is
//! already there (the built-in ontology and, up to [`STORE_LIMIT`] quads, the store's content),
//! and only the results the write adds count against it, so violations already in the store do
//! not block a write that has nothing to do with them.

use super::{Shapes, ValidationReport};
use crate::ontology;
use crate::store::{parse_error, SharedStore, StoreError};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Graph, TripleRef};
use std::io::Read;
use std::sync::Arc;

/// Above this many quads, a write is validated with the ontology only, not with a copy of the
/// whole store.
pub const STORE_LIMIT: u64 = 1_000_000;

/// A document a write adds: its bytes and how to read them.
pub struct Incoming {
    /// Its name, for messages.
    pub name: String,
    /// Its content.
    pub bytes: Vec<u8>,
    /// Its format.
    pub format: RdfFormat,
    /// The base IRI of its relative IRIs.
    pub base_iri: Option<String>,
}

/// The data so far and the results it already has.
pub struct WriteCheck {
    shapes: Arc<Shapes>,
    data: Graph,
    baseline: ValidationReport,
    /// Whether the store's content is part of the data (it is not past [`STORE_LIMIT`]).
    pub with_store: bool,
}

impl WriteCheck {
    /// The check of writes to `store`, with the built-in shapes.
    pub async fn start(store: &SharedStore) -> Result<Self, StoreError> {
        let shapes = Arc::new(builtin_shapes()?);
        let mut data = builtin_ontology()?;
        let with_store = store.size().await?.quads <= STORE_LIMIT;
        if with_store {
            data.extend(&store_graph(store).await?);
        }
        blocking(move || {
            let baseline = shapes.validate(&data);
            Ok(Self {
                shapes,
                data,
                baseline,
                with_store,
            })
        })
        .await
    }

    /// Adds `incoming` to the data and validates it: the results the documents add (none when
    /// they conform). Blocking: parses and validates.
    pub fn admit(&mut self, incoming: &[Incoming]) -> Result<ValidationReport, StoreError> {
        for document in incoming {
            read_triples(
                &mut self.data,
                document.bytes.as_slice(),
                document.format,
                document.base_iri.as_deref(),
                &document.name,
            )?;
        }
        let report = self.shapes.validate(&self.data);
        let added = report.difference(&self.baseline);
        self.baseline = report;
        Ok(added)
    }
}

/// Runs blocking work (parsing, validation) off the async executor.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| StoreError::storage("a validation task", e))?
}

/// Adds the triples of an RDF document to `graph`; graph names are dropped and blank nodes
/// renamed apart from those of other documents.
pub fn read_triples(
    graph: &mut Graph,
    input: impl Read,
    format: RdfFormat,
    base_iri: Option<&str>,
    name: &str,
) -> Result<(), StoreError> {
    let mut parser = RdfParser::from_format(format).rename_blank_nodes();
    if let Some(base_iri) = base_iri {
        parser = parser
            .with_base_iri(base_iri)
            .map_err(|e| StoreError::Evaluation(format!("invalid base IRI for {name}: {e}")))?;
    }
    for quad in parser.for_reader(input) {
        let quad = quad.map_err(|e| parse_error(e, format.name(), name))?;
        graph.insert(TripleRef::from(quad.as_ref()));
    }
    Ok(())
}

/// The triples of a built-in file of `ontology/`.
fn builtin_graph(name: &str) -> Result<Graph, StoreError> {
    let file = ontology::FILES
        .into_iter()
        .find(|file| file.name == name)
        .expect("the ontology file is built in");
    let mut graph = Graph::new();
    read_triples(
        &mut graph,
        file.content.as_bytes(),
        file.format,
        None,
        file.name,
    )?;
    Ok(graph)
}

/// The built-in vocabulary, `ontology/kgql.ttl`.
pub fn builtin_ontology() -> Result<Graph, StoreError> {
    builtin_graph("kgql.ttl")
}

/// The built-in shapes, `ontology/shapes.ttl`.
pub fn builtin_shapes() -> Result<Shapes, StoreError> {
    Shapes::from_graph(&builtin_graph("shapes.ttl")?)
        .map_err(|e| StoreError::storage("the built-in shapes", e))
}

/// Every distinct triple of the store, all graphs together.
pub async fn store_graph(store: &SharedStore) -> Result<Graph, StoreError> {
    let quads = store.quads(None).await?;
    blocking(move || {
        let mut graph = Graph::new();
        for quad in quads {
            graph.insert(TripleRef::from(quad?.as_ref()));
        }
        Ok(graph)
    })
    .await
}
