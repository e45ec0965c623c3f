//! kgql: a knowledge-graph server for the organisations and initiatives of global AI
//! governance.
//!
//! An RDF store holds the graph. Frontends reach it through GraphQL compiled to SPARQL,
//! linked-data consumers through dereferenceable IRIs and exports, analysts through a SPARQL 1.1
//! endpoint. See `ARCHITECTURE.md` for the code map and the invariants.

pub mod admission;
#[cfg(test)]
mod architecture;
pub mod cli;
pub mod config;
pub mod export;
pub mod expressions;
pub mod formats;
pub mod generate;
pub mod graphql;
pub mod http;
pub mod index_model;
pub mod jsonld;
pub mod limits;
pub mod linked_data;
pub mod metrics;
pub mod ontology;
pub mod origin;
pub mod search;
pub mod shacl;
pub mod site;
pub mod sparql;
pub mod startup;
pub mod store;
pub mod stream;
pub mod telemetry;
