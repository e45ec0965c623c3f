//! The project's ontology files, compiled into the binary, and the namespaces they use.
//!
//! `kgql serve` loads them into an empty store so that a first run serves a populated graph;
//! `kgql seed` reloads them into any store. Loading replaces the graphs the files write to, so
//! it is idempotent.

use crate::store::{Document, LoadMode, LoadRequest, LoadTarget, SharedStore, StoreError};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedNode, NamedOrBlankNode, Quad, Term};
use std::io::Cursor;

/// The namespace of the knowledge graph's entities unless configured otherwise. It is a
/// persistent identifier, so the IRIs of the data are the same in every deployment.
pub const DEFAULT_BASE_IRI: &str = "https://w3id.org/kgql/id/";
/// The vocabulary's namespace.
pub const VOCABULARY_NAMESPACE: &str = "https://w3id.org/kgql/ontology#";
/// The named graph that holds the vocabulary.
pub const ONTOLOGY_GRAPH: &str = "https://w3id.org/kgql/ontology";
/// The named graph that holds the SHACL shapes.
pub const SHAPES_GRAPH: &str = "https://w3id.org/kgql/shapes";

/// The prefixes kgql writes in Turtle, TriG and RDF/XML output.
pub const PREFIXES: &[(&str, &str)] = &[
    ("rdf", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"),
    ("rdfs", "http://www.w3.org/2000/01/rdf-schema#"),
    ("owl", "http://www.w3.org/2002/07/owl#"),
    ("xsd", "http://www.w3.org/2001/XMLSchema#"),
    ("skos", "http://www.w3.org/2004/02/skos/core#"),
    ("org", "http://www.w3.org/ns/org#"),
    ("schema", "http://schema.org/"),
    ("dcterms", "http://purl.org/dc/terms/"),
    ("prov", "http://www.w3.org/ns/prov#"),
    ("dcat", "http://www.w3.org/ns/dcat#"),
    ("time", "http://www.w3.org/2006/time#"),
    ("foaf", "http://xmlns.com/foaf/0.1/"),
    ("sh", "http://www.w3.org/ns/shacl#"),
    ("void", "http://rdfs.org/ns/void#"),
    ("sdg", "http://metadata.un.org/sdg/"),
    ("sdgo", "http://metadata.un.org/sdg/ontology#"),
    ("wd", "http://www.wikidata.org/entity/"),
    ("kg", VOCABULARY_NAMESPACE),
    ("kgsh", "https://w3id.org/kgql/shapes#"),
];

/// One file of the ontology.
#[derive(Clone, Copy, Debug)]
pub struct OntologyFile {
    /// The file name in `ontology/`.
    pub name: &'static str,
    /// Its content.
    pub content: &'static str,
    /// Its syntax.
    pub format: RdfFormat,
    /// The graph its triples go to; `None` for a dataset file that names its own graphs.
    pub graph: Option<&'static str>,
}

/// The ontology files, in loading order.
pub const FILES: [OntologyFile; 3] = [
    OntologyFile {
        name: "kgql.ttl",
        content: include_str!("../ontology/kgql.ttl"),
        format: RdfFormat::Turtle,
        graph: Some(ONTOLOGY_GRAPH),
    },
    OntologyFile {
        name: "shapes.ttl",
        content: include_str!("../ontology/shapes.ttl"),
        format: RdfFormat::Turtle,
        graph: Some(SHAPES_GRAPH),
    },
    OntologyFile {
        name: "seed.trig",
        content: include_str!("../ontology/seed.trig"),
        format: RdfFormat::TriG,
        graph: None,
    },
];

/// Reads every ontology file, with entity IRIs moved from [`DEFAULT_BASE_IRI`] to `base_iri`.
pub fn quads(base_iri: &str) -> Result<Vec<Quad>, StoreError> {
    let mut quads = Vec::new();
    for file in FILES {
        let mut parser = RdfParser::from_format(file.format);
        if let Some(graph) = file.graph {
            parser = parser
                .without_named_graphs()
                .with_default_graph(NamedNode::new_unchecked(graph));
        }
        for quad in parser.for_slice(file.content.as_bytes()) {
            let quad = quad.map_err(|e| StoreError::Syntax {
                format: file.format.name(),
                document: file.name.to_owned(),
                location: None,
                message: e.to_string(),
            })?;
            quads.push(rebase_quad(quad, base_iri));
        }
    }
    Ok(quads)
}

fn rebase(node: NamedNode, base_iri: &str) -> NamedNode {
    match node.as_str().strip_prefix(DEFAULT_BASE_IRI) {
        Some(rest) if base_iri != DEFAULT_BASE_IRI => {
            NamedNode::new(format!("{base_iri}{rest}")).unwrap_or(node)
        }
        _ => node,
    }
}

fn rebase_quad(mut quad: Quad, base_iri: &str) -> Quad {
    if base_iri == DEFAULT_BASE_IRI {
        return quad;
    }
    if let NamedOrBlankNode::NamedNode(s) = quad.subject {
        quad.subject = rebase(s, base_iri).into();
    }
    if let Term::NamedNode(o) = quad.object {
        quad.object = rebase(o, base_iri).into();
    }
    if let oxigraph::model::GraphName::NamedNode(g) = quad.graph_name {
        quad.graph_name = rebase(g, base_iri).into();
    }
    quad
}

/// Loads the ontology into the store, replacing the graphs it writes to; returns the number of
/// quads loaded.
pub async fn load(store: &SharedStore, base_iri: &str) -> Result<u64, StoreError> {
    let quads = quads(base_iri)?;
    let mut nquads = Vec::new();
    {
        let mut serializer =
            oxigraph::io::RdfSerializer::from_format(RdfFormat::NQuads).for_writer(&mut nquads);
        for quad in &quads {
            serializer.serialize_quad(quad)?;
        }
        serializer.finish()?;
    }
    store
        .load(LoadRequest {
            documents: vec![Document {
                input: Box::new(Cursor::new(nquads)),
                format: RdfFormat::NQuads,
                base_iri: None,
                name: "the built-in ontology".to_owned(),
            }],
            target: LoadTarget::Dataset {
                default_graph: None,
            },
            mode: LoadMode::Replace,
            progress: None,
            bulk: false,
        })
        .await
}

/// Loads the ontology if the store holds nothing; returns whether it did.
pub async fn load_if_empty(store: &SharedStore, base_iri: &str) -> Result<bool, StoreError> {
    if !store.is_empty().await? {
        return Ok(false);
    }
    load(store, base_iri).await?;
    Ok(true)
}
