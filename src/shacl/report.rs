//! Validation results, as text and as a W3C `sh:ValidationReport` graph.

use super::shapes::Path;
use super::vocab as sh;
use crate::ontology::PREFIXES;
use oxigraph::model::vocab::rdf;
use oxigraph::model::{
    BlankNode, Graph, Literal, LiteralRef, NamedNode, NamedNodeRef, NamedOrBlankNode, Term,
    TripleRef,
};
use std::collections::HashSet;
use std::fmt;

/// The severity of a validation result, from the shape's `sh:severity`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Severity {
    /// `sh:Violation`, the default.
    Violation,
    /// `sh:Warning`.
    Warning,
    /// `sh:Info`.
    Info,
    /// Any other severity IRI.
    Other(NamedNode),
}

impl Severity {
    /// The severity from its IRI.
    pub fn from_iri(iri: NamedNodeRef<'_>) -> Self {
        match iri {
            i if i == sh::VIOLATION => Self::Violation,
            i if i == sh::WARNING => Self::Warning,
            i if i == sh::INFO => Self::Info,
            other => Self::Other(other.into_owned()),
        }
    }

    /// The severity's IRI.
    pub fn iri(&self) -> NamedNodeRef<'_> {
        match self {
            Self::Violation => sh::VIOLATION,
            Self::Warning => sh::WARNING,
            Self::Info => sh::INFO,
            Self::Other(iri) => iri.as_ref(),
        }
    }
}

/// `Violation`, `Warning`, `Info` or the compacted IRI.
impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Violation => f.write_str("Violation"),
            Self::Warning => f.write_str("Warning"),
            Self::Info => f.write_str("Info"),
            Self::Other(iri) => f.write_str(&compact_iri(iri.as_str())),
        }
    }
}

/// One validation result: a focus node that does not conform to a constraint.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ValidationResult {
    /// `sh:focusNode`: the node that was validated.
    pub focus_node: Term,
    /// `sh:resultPath`: the property shape's path, if the constraint is on a property shape.
    pub path: Option<Path>,
    /// `sh:value`: the value node that violates the constraint, when there is one.
    pub value: Option<Term>,
    /// `sh:sourceConstraintComponent`, e.g. `sh:MinCountConstraintComponent`.
    pub component: NamedNode,
    /// `sh:sourceShape`: the shape that holds the constraint.
    pub source_shape: NamedOrBlankNode,
    /// `sh:resultSeverity`.
    pub severity: Severity,
    /// `sh:resultMessage`: the shape's `sh:message` values, or one generated message.
    pub messages: Vec<Literal>,
}

impl ValidationResult {
    /// The message to show: the English or untagged one if there is one, else the first.
    pub fn message(&self) -> &str {
        self.messages
            .iter()
            .find(|m| matches!(m.language(), None | Some("en")))
            .or_else(|| self.messages.first())
            .map_or("", Literal::value)
    }

    fn sort_key(&self) -> (String, String, String, String, String) {
        (
            self.focus_node.to_string(),
            self.path
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
            self.component.as_str().to_owned(),
            self.source_shape.to_string(),
            self.value
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        )
    }
}

/// The outcome of validating a data graph.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationReport {
    results: Vec<ValidationResult>,
    focus_nodes: usize,
}

impl ValidationReport {
    /// A report of `results` (deduplicated and sorted) over `focus_nodes` distinct target nodes.
    pub(super) fn new(mut results: Vec<ValidationResult>, focus_nodes: usize) -> Self {
        results.sort_by_cached_key(ValidationResult::sort_key);
        results.dedup();
        Self {
            results,
            focus_nodes,
        }
    }

    /// Whether the data conforms: no result at all, whatever its severity (as in SHACL).
    pub fn conforms(&self) -> bool {
        self.results.is_empty()
    }

    /// Whether some result has the severity `sh:Violation`.
    pub fn has_violations(&self) -> bool {
        self.results
            .iter()
            .any(|r| r.severity == Severity::Violation)
    }

    /// The results of this report that `earlier` does not have: what a change to the data
    /// added. The focus-node count stays this report's.
    pub fn difference(&self, earlier: &ValidationReport) -> ValidationReport {
        let known: HashSet<&ValidationResult> = earlier.results.iter().collect();
        Self {
            results: self
                .results
                .iter()
                .filter(|r| !known.contains(r))
                .cloned()
                .collect(),
            focus_nodes: self.focus_nodes,
        }
    }

    /// The results, sorted by focus node, path and constraint component.
    pub fn results(&self) -> &[ValidationResult] {
        &self.results
    }

    /// The number of distinct focus nodes the shapes' targets selected.
    pub fn focus_nodes_checked(&self) -> usize {
        self.focus_nodes
    }

    /// The report as W3C SHACL RDF: one `sh:ValidationReport` with `sh:conforms` and an
    /// `sh:ValidationResult` per result.
    pub fn to_graph(&self) -> Graph {
        let mut graph = Graph::new();
        let report = BlankNode::default();
        graph.insert(TripleRef::new(&report, rdf::TYPE, sh::VALIDATION_REPORT));
        graph.insert(TripleRef::new(
            &report,
            sh::CONFORMS,
            &Literal::from(self.conforms()),
        ));
        for result in &self.results {
            let node = BlankNode::default();
            graph.insert(TripleRef::new(&report, sh::RESULT, &node));
            graph.insert(TripleRef::new(&node, rdf::TYPE, sh::VALIDATION_RESULT));
            graph.insert(TripleRef::new(&node, sh::FOCUS_NODE, &result.focus_node));
            if let Some(path) = &result.path {
                let path = path.to_rdf(&mut graph);
                graph.insert(TripleRef::new(&node, sh::RESULT_PATH, &path));
            }
            if let Some(value) = &result.value {
                graph.insert(TripleRef::new(&node, sh::VALUE, value));
            }
            graph.insert(TripleRef::new(
                &node,
                sh::SOURCE_CONSTRAINT_COMPONENT,
                &result.component,
            ));
            graph.insert(TripleRef::new(
                &node,
                sh::SOURCE_SHAPE,
                &result.source_shape,
            ));
            graph.insert(TripleRef::new(
                &node,
                sh::RESULT_SEVERITY,
                result.severity.iri(),
            ));
            for message in &result.messages {
                graph.insert(TripleRef::new(&node, sh::RESULT_MESSAGE, message));
            }
        }
        graph
    }
}

/// `conforms: N focus nodes checked`, or a summary line and one block per result.
impl fmt::Display for ValidationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let checked = plural(self.focus_nodes, "focus node");
        if self.conforms() {
            return writeln!(f, "conforms: {checked} checked");
        }
        let mut counts: Vec<(String, usize)> = Vec::new();
        for result in &self.results {
            let name = result.severity.to_string().to_lowercase();
            match counts.iter_mut().find(|(n, _)| *n == name) {
                Some((_, count)) => *count += 1,
                None => counts.push((name, 1)),
            }
        }
        let counts: Vec<String> = counts.iter().map(|(n, c)| plural(*c, n)).collect();
        writeln!(
            f,
            "does not conform: {} ({}) in {checked} checked",
            plural(self.results.len(), "result"),
            counts.join(", ")
        )?;
        for result in &self.results {
            writeln!(f)?;
            writeln!(f, "{}", result.severity)?;
            writeln!(f, "  focus node: {}", compact_term(&result.focus_node))?;
            if let Some(path) = &result.path {
                writeln!(f, "  path:       {path}")?;
            }
            writeln!(
                f,
                "  constraint: {}",
                compact_iri(result.component.as_str())
            )?;
            writeln!(
                f,
                "  shape:      {}",
                compact_term(&result.source_shape.clone().into())
            )?;
            if let Some(value) = &result.value {
                writeln!(f, "  value:      {}", compact_term(value))?;
            }
            writeln!(f, "  message:    {}", result.message())?;
        }
        Ok(())
    }
}

/// An IRI as `prefix:local` with the prefixes of [`PREFIXES`] when one applies, else `<iri>`.
pub fn compact_iri(iri: &str) -> String {
    let best = PREFIXES
        .iter()
        .filter_map(|(prefix, namespace)| Some((*prefix, iri.strip_prefix(namespace)?)))
        .filter(|(_, local)| {
            !local.is_empty()
                && !local.ends_with('.')
                && local
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        })
        .min_by_key(|(_, local)| local.len());
    match best {
        Some((prefix, local)) => format!("{prefix}:{local}"),
        None => format!("<{iri}>"),
    }
}

/// A term in Turtle syntax with IRIs compacted: `skos:Concept`, `"2024-13-45"^^xsd:date`.
pub(super) fn compact_term(term: &Term) -> String {
    match term {
        Term::NamedNode(iri) => compact_iri(iri.as_str()),
        Term::BlankNode(node) => node.to_string(),
        Term::Literal(literal) => {
            let quoted = LiteralRef::new_simple_literal(literal.value()).to_string();
            if let Some(language) = literal.language() {
                format!("{quoted}@{language}")
            } else if literal.datatype() == oxigraph::model::vocab::xsd::STRING {
                quoted
            } else {
                format!("{quoted}^^{}", compact_iri(literal.datatype().as_str()))
            }
        }
    }
}
