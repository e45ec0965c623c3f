//! Whole-graph and per-graph exports, streamed in any RDF format.

use crate::sparql::rdf_writer;
use crate::store::{SharedStore, StoreError};
use crate::stream::{self, ByteStream};
use oxigraph::io::RdfFormat;
use oxigraph::model::GraphName;
use std::io;

/// Streams one graph (`Some`) or the whole store (`None`) in `format`. A dataset format (N-Quads,
/// TriG, JSON-LD) keeps graph names; a triple format gets the default graph's distinct triples,
/// or the chosen graph's triples. A reader that takes nothing for `write_timeout` cuts it off.
pub async fn export(
    store: &SharedStore,
    graph: Option<GraphName>,
    format: RdfFormat,
    write_timeout: std::time::Duration,
) -> Result<ByteStream, StoreError> {
    let to_io = |e: StoreError| io::Error::other(e);
    if graph.is_none() && !format.supports_datasets() {
        // Every distinct triple of the default graph (the union of all graphs unless
        // configured otherwise): a triple stated in several graphs is written once.
        let triples = store.default_graph_triples().await?;
        return Ok(stream::from_blocking_writer(write_timeout, move |writer| {
            let mut serializer = rdf_writer(format, writer);
            for triple in triples {
                serializer.serialize_triple(&triple.map_err(to_io)?)?;
            }
            serializer.finish()?;
            Ok(())
        }));
    }
    let keep_graph_names = graph.is_none();
    let quads = store.quads(graph).await?;
    Ok(stream::from_blocking_writer(write_timeout, move |writer| {
        let mut serializer = rdf_writer(format, writer);
        for quad in quads {
            let quad = quad.map_err(to_io)?;
            if keep_graph_names {
                serializer.serialize_quad(&quad)?;
            } else {
                serializer.serialize_triple(quad.as_ref())?;
            }
        }
        serializer.finish()?;
        Ok(())
    }))
}
