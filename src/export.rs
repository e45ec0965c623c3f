//! Whole-graph and per-graph exports, streamed in any RDF format.

use crate::sparql::{constant_query, rdf_serializer};
use crate::store::{QueryLimits, QueryOutput, SharedStore, StoreError};
use crate::stream::{self, ByteStream};
use oxigraph::io::RdfFormat;
use oxigraph::model::GraphName;
use std::io;
use std::sync::LazyLock;
use std::time::Duration;

/// Every distinct triple of the default graph (the union of all graphs unless configured
/// otherwise). A triple stated in several graphs is written once.
static ALL_TRIPLES: LazyLock<spargebra::Query> = LazyLock::new(|| {
    constant_query("CONSTRUCT { ?s ?p ?o } WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
});

/// An export is not an interactive query: it gets a day.
const EXPORT_LIMITS: QueryLimits = QueryLimits {
    timeout: Duration::from_secs(24 * 3600),
};

/// Streams one graph (`Some`) or the whole store (`None`) in `format`. A dataset format (N-Quads,
/// TriG, JSON-LD) keeps graph names; a triple format gets the default graph's distinct triples,
/// or the chosen graph's triples.
pub async fn export(
    store: &SharedStore,
    graph: Option<GraphName>,
    format: RdfFormat,
) -> Result<ByteStream, StoreError> {
    let to_io = |e: StoreError| io::Error::other(e);
    if graph.is_none() && !format.supports_datasets() {
        let QueryOutput::Graph(triples) = store.query(ALL_TRIPLES.clone(), EXPORT_LIMITS).await?
        else {
            return Err(StoreError::Evaluation("CONSTRUCT gave no graph".to_owned()));
        };
        return Ok(stream::from_blocking_writer(move |writer| {
            let mut serializer = rdf_serializer(format).for_writer(writer);
            for triple in triples {
                serializer.serialize_triple(&triple.map_err(to_io)?)?;
            }
            serializer.finish()?;
            Ok(())
        }));
    }
    let keep_graph_names = graph.is_none();
    let quads = store.quads(graph).await?;
    Ok(stream::from_blocking_writer(move |writer| {
        let mut serializer = rdf_serializer(format).for_writer(writer);
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
