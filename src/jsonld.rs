//! Compacted JSON-LD: what a JavaScript frontend can read without a JSON-LD processor, and what
//! a processor reads back to the same statements.
//!
//! The document carries a `@context` of the ontology's prefixes; IRIs under one of them are
//! written as compact IRIs (`org:Organization`), others whole. Statements are grouped into one
//! node object per run of statements about the same subject (in the same graph): `@type` for
//! `rdf:type`, a key per property, a single value bare and several in an array, a string
//! literal as a JSON string, a literal in a language or of another datatype as a value object.
//! The output streams: only the current subject's statements are held, so a subject whose
//! statements come apart (a CONSTRUCT's answer) gets several node objects, which a processor
//! merges. Named graphs become `{"@id": graph, "@graph": [...]}` entries of the top `@graph`.

use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{GraphNameRef, NamedOrBlankNodeRef, QuadRef, TermRef, TripleRef};
use serde_json::{Map, Value};
use std::io::{self, Write};

/// The IRI of the JSON-LD profile of the compacted form.
pub const COMPACTED: &str = "http://www.w3.org/ns/json-ld#compacted";
/// The IRI of the JSON-LD profile of the expanded form.
pub const EXPANDED: &str = "http://www.w3.org/ns/json-ld#expanded";

/// Writes statements as one compacted JSON-LD document.
pub struct CompactWriter<W: Write> {
    writer: W,
    prefixes: Vec<(&'static str, &'static str)>,
    /// Whether the document's head is written.
    started: bool,
    /// Whether an entry of the top `@graph` was written (a comma goes before the next).
    entries: usize,
    /// The named graph whose `@graph` is open, if one is.
    open_graph: Option<String>,
    /// Whether a node of the open named graph was written.
    graph_nodes: usize,
    /// The current subject (graph, subject) and its node object, not yet written.
    node: Option<(Option<String>, String, Map<String, Value>)>,
}

impl<W: Write> CompactWriter<W> {
    /// A writer with `prefixes` in its context.
    pub fn new(writer: W, prefixes: &[(&'static str, &'static str)]) -> Self {
        Self {
            writer,
            prefixes: prefixes.to_vec(),
            started: false,
            entries: 0,
            open_graph: None,
            graph_nodes: 0,
            node: None,
        }
    }

    /// Writes a statement of the default graph.
    pub fn serialize_triple<'a>(&mut self, triple: impl Into<TripleRef<'a>>) -> io::Result<()> {
        let triple = triple.into();
        self.add(
            None,
            triple.subject,
            triple.predicate.as_str(),
            triple.object,
        )
    }

    /// Writes a statement of any graph.
    pub fn serialize_quad<'a>(&mut self, quad: impl Into<QuadRef<'a>>) -> io::Result<()> {
        let quad = quad.into();
        let graph = match quad.graph_name {
            GraphNameRef::DefaultGraph => None,
            GraphNameRef::NamedNode(node) => Some(self.compact(node.as_str())),
            GraphNameRef::BlankNode(node) => Some(format!("_:{}", node.as_str())),
        };
        self.add(graph, quad.subject, quad.predicate.as_str(), quad.object)
    }

    /// Ends the document and gives the writer back.
    pub fn finish(mut self) -> io::Result<W> {
        self.start()?;
        self.flush_node()?;
        if self.open_graph.take().is_some() {
            self.writer.write_all(b"]}")?;
        }
        self.writer.write_all(b"\n]}\n")?;
        Ok(self.writer)
    }

    fn start(&mut self) -> io::Result<()> {
        if self.started {
            return Ok(());
        }
        self.started = true;
        let context: Map<String, Value> = self
            .prefixes
            .iter()
            .map(|(prefix, iri)| ((*prefix).to_owned(), Value::String((*iri).to_owned())))
            .collect();
        self.writer.write_all(b"{\"@context\":")?;
        serde_json::to_writer(&mut self.writer, &context)?;
        self.writer.write_all(b",\n\"@graph\":[")?;
        Ok(())
    }

    fn add(
        &mut self,
        graph: Option<String>,
        subject: NamedOrBlankNodeRef<'_>,
        predicate: &str,
        object: TermRef<'_>,
    ) -> io::Result<()> {
        self.start()?;
        let subject = match subject {
            NamedOrBlankNodeRef::NamedNode(node) => self.compact(node.as_str()),
            NamedOrBlankNodeRef::BlankNode(node) => format!("_:{}", node.as_str()),
        };
        let same = matches!(&self.node, Some((g, s, _)) if *g == graph && *s == subject);
        if !same {
            self.flush_node()?;
            let mut node = Map::new();
            node.insert("@id".to_owned(), Value::String(subject.clone()));
            self.node = Some((graph, subject, node));
        }
        let (key, value) = if predicate == rdf::TYPE.as_str() && !object.is_literal() {
            let class = match object {
                TermRef::NamedNode(node) => self.compact(node.as_str()),
                TermRef::BlankNode(node) => format!("_:{}", node.as_str()),
                _ => return Ok(()),
            };
            ("@type".to_owned(), Value::String(class))
        } else {
            (self.compact(predicate), self.value(object)?)
        };
        if let Some((_, _, node)) = &mut self.node {
            match node.get_mut(&key) {
                None => {
                    node.insert(key, value);
                }
                Some(Value::Array(values)) => values.push(value),
                Some(single) => {
                    let first = single.take();
                    *single = Value::Array(vec![first, value]);
                }
            }
        }
        Ok(())
    }

    /// Writes the pending node object, opening or closing a named graph's entry as needed.
    fn flush_node(&mut self) -> io::Result<()> {
        let Some((graph, _, node)) = self.node.take() else {
            return Ok(());
        };
        if self.open_graph.is_some() && self.open_graph != graph {
            self.open_graph = None;
            self.writer.write_all(b"]}")?;
        }
        if self.open_graph.is_none() {
            if self.entries > 0 {
                self.writer.write_all(b",")?;
            }
            self.writer.write_all(b"\n")?;
            self.entries += 1;
            if let Some(name) = &graph {
                self.writer.write_all(b"{\"@id\":")?;
                serde_json::to_writer(&mut self.writer, name)?;
                self.writer.write_all(b",\"@graph\":[")?;
                self.open_graph = graph;
                self.graph_nodes = 0;
            }
        }
        if self.open_graph.is_some() {
            if self.graph_nodes > 0 {
                self.writer.write_all(b",")?;
            }
            self.graph_nodes += 1;
        }
        serde_json::to_writer(&mut self.writer, &Value::Object(node))?;
        Ok(())
    }

    /// An IRI as a compact IRI under one of the prefixes, or whole. A compact IRI is only made
    /// when it reads back as the same IRI: its suffix must not begin with `//` (it would read as
    /// an IRI of the prefix's scheme) and must be non-empty.
    fn compact(&self, iri: &str) -> String {
        for (prefix, namespace) in &self.prefixes {
            if let Some(local) = iri.strip_prefix(namespace) {
                if !local.is_empty() && !local.starts_with("//") {
                    return format!("{prefix}:{local}");
                }
            }
        }
        iri.to_owned()
    }

    fn value(&self, object: TermRef<'_>) -> io::Result<Value> {
        let mut value = Map::new();
        match object {
            TermRef::NamedNode(node) => {
                value.insert("@id".to_owned(), Value::String(self.compact(node.as_str())));
            }
            TermRef::BlankNode(node) => {
                value.insert(
                    "@id".to_owned(),
                    Value::String(format!("_:{}", node.as_str())),
                );
            }
            TermRef::Literal(literal) => {
                if let Some(language) = literal.language() {
                    value.insert("@value".to_owned(), literal.value().into());
                    value.insert("@language".to_owned(), language.into());
                } else if literal.datatype() == xsd::STRING {
                    return Ok(Value::String(literal.value().to_owned()));
                } else {
                    value.insert("@value".to_owned(), literal.value().into());
                    value.insert(
                        "@type".to_owned(),
                        Value::String(self.compact(literal.datatype().as_str())),
                    );
                }
            }
            #[allow(unreachable_patterns)]
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "a quoted triple has no JSON-LD form",
                ))
            }
        }
        Ok(Value::Object(value))
    }
}
