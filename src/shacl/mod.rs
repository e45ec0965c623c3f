//! SHACL Core validation of an RDF graph against the project's shapes.
//!
//! [`Shapes::from_graph`] reads the shapes of a shapes graph; [`Shapes::validate`] checks a data
//! graph against them and returns a [`ValidationReport`], readable as text (`Display`) and as the
//! W3C `sh:ValidationReport` RDF ([`ValidationReport::to_graph`]). The semantics are those of the
//! [SHACL Recommendation](https://www.w3.org/TR/shacl/) for the subset of SHACL Core that the
//! shapes use:
//!
//! - targets: `sh:targetClass`, `sh:targetNode` and implicit class targets (a shape that is also
//!   an `rdfs:Class`);
//! - paths: an IRI, `[ sh:inversePath p ]` and sequence paths (RDF lists), nested freely;
//! - constraints: `sh:minCount`, `sh:maxCount`, `sh:datatype`, `sh:class`, `sh:nodeKind`, `sh:in`,
//!   `sh:hasValue`, `sh:pattern` (with `sh:flags`), `sh:minInclusive`, `sh:maxInclusive`,
//!   `sh:minLength`, `sh:maxLength`, `sh:languageIn`, `sh:uniqueLang`, `sh:or`, `sh:node` and
//!   `sh:property`;
//! - `sh:message`, `sh:severity`, `sh:deactivated`, and the non-validating `sh:name`,
//!   `sh:description`, `sh:order`, `sh:group`, `sh:defaultValue`.
//!
//! Any other SHACL term on a shape (`sh:closed`, `sh:alternativePath`, `sh:sparql`...) makes
//! [`Shapes::from_graph`] fail with [`ShapesError::Unsupported`]: a constraint is never skipped
//! silently.
//!
//! The module is pure: no I/O and no store. `sh:class` follows `rdf:type/rdfs:subClassOf*` in the
//! data graph, so validate data together with the ontology that declares its class hierarchy.
//!
//! ```
//! use kgql::shacl::Shapes;
//! use oxigraph::io::{RdfFormat, RdfParser};
//! use oxigraph::model::{Graph, Triple};
//!
//! fn graph(turtle: &str) -> Graph {
//!     RdfParser::from_format(RdfFormat::Turtle)
//!         .for_slice(turtle.as_bytes())
//!         .map(|quad| Triple::from(quad.unwrap()))
//!         .collect()
//! }
//!
//! let shapes = Shapes::from_graph(&graph(
//!     "@prefix sh: <http://www.w3.org/ns/shacl#> .
//!      @prefix ex: <http://example.com/> .
//!      ex:PersonShape a sh:NodeShape ; sh:targetClass ex:Person ;
//!          sh:property [ sh:path ex:name ; sh:minCount 1 ] .",
//! ))?;
//! let report = shapes.validate(&graph(
//!     "@prefix ex: <http://example.com/> . ex:alice a ex:Person .",
//! ));
//! assert!(!report.conforms());
//! assert_eq!(report.results()[0].focus_node.to_string(), "<http://example.com/alice>");
//! # Ok::<_, kgql::shacl::ShapesError>(())
//! ```

pub mod guard;
mod literals;
mod report;
mod shapes;
mod validate;
pub mod vocab;

#[cfg(test)]
mod tests;

pub use report::{compact_iri, Severity, ValidationReport, ValidationResult};
pub use shapes::{Path, Shapes};

/// A shapes graph that kgql cannot validate with.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShapesError {
    /// A shape uses a SHACL feature outside the supported subset of SHACL Core.
    #[error("unsupported SHACL feature {feature} in shape {shape}")]
    Unsupported {
        /// The SHACL term, compacted (`sh:closed`).
        feature: String,
        /// The shape, compacted.
        shape: String,
    },
    /// A shape is not well formed: a parameter has a value of the wrong kind, a list is broken, a
    /// pattern is not a valid regular expression...
    #[error("invalid shape {shape}: {message}")]
    Invalid {
        /// The shape, compacted.
        shape: String,
        /// What is wrong.
        message: String,
    },
}
