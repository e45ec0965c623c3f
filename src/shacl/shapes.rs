//! Reading shapes from a shapes graph.

use super::report::{compact_iri, compact_term, Severity, ValidationReport};
use super::vocab as sh;
use super::ShapesError;
use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{
    BlankNode, Graph, Literal, NamedNode, NamedNodeRef, NamedOrBlankNode, NamedOrBlankNodeRef,
    Term, TermRef, TripleRef,
};
use regex::{Regex, RegexBuilder};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// The shapes of a shapes graph, ready to validate data graphs.
#[derive(Debug, Clone)]
pub struct Shapes {
    shapes: Vec<Shape>,
}

/// One node shape or property shape.
#[derive(Debug, Clone)]
pub(super) struct Shape {
    /// The shape's node in the shapes graph.
    pub(super) id: NamedOrBlankNode,
    /// `sh:path`: present for a property shape.
    pub(super) path: Option<Path>,
    /// `sh:targetClass`, `sh:targetNode` and the implicit class target.
    pub(super) targets: Vec<Target>,
    /// One entry per constraint parameter value.
    pub(super) constraints: Vec<Constraint>,
    /// `sh:severity`, `sh:Violation` by default.
    pub(super) severity: Severity,
    /// `sh:message` values.
    pub(super) messages: Vec<Literal>,
    /// `sh:deactivated true`: every node conforms.
    pub(super) deactivated: bool,
}

/// How a shape selects its focus nodes.
#[derive(Debug, Clone)]
pub(super) enum Target {
    /// The SHACL instances of a class (`sh:targetClass`, implicit class targets).
    Class(Term),
    /// One node (`sh:targetNode`).
    Node(Term),
}

/// The node kinds of `sh:nodeKind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum NodeKind {
    Iri,
    BlankNode,
    Literal,
    BlankNodeOrIri,
    BlankNodeOrLiteral,
    IriOrLiteral,
}

impl NodeKind {
    fn from_iri(iri: NamedNodeRef<'_>) -> Option<Self> {
        Some(match iri {
            i if i == sh::IRI => Self::Iri,
            i if i == sh::BLANK_NODE => Self::BlankNode,
            i if i == sh::LITERAL => Self::Literal,
            i if i == sh::BLANK_NODE_OR_IRI => Self::BlankNodeOrIri,
            i if i == sh::BLANK_NODE_OR_LITERAL => Self::BlankNodeOrLiteral,
            i if i == sh::IRI_OR_LITERAL => Self::IriOrLiteral,
            _ => return None,
        })
    }

    /// Whether a term is of this kind.
    pub(super) fn matches(self, term: &Term) -> bool {
        let (iri, blank, literal) = match term {
            Term::NamedNode(_) => (true, false, false),
            Term::BlankNode(_) => (false, true, false),
            Term::Literal(_) => (false, false, true),
        };
        match self {
            Self::Iri => iri,
            Self::BlankNode => blank,
            Self::Literal => literal,
            Self::BlankNodeOrIri => blank || iri,
            Self::BlankNodeOrLiteral => blank || literal,
            Self::IriOrLiteral => iri || literal,
        }
    }

    /// "an IRI", "a blank node or a literal"...
    pub(super) fn description(self) -> &'static str {
        match self {
            Self::Iri => "an IRI",
            Self::BlankNode => "a blank node",
            Self::Literal => "a literal",
            Self::BlankNodeOrIri => "a blank node or an IRI",
            Self::BlankNodeOrLiteral => "a blank node or a literal",
            Self::IriOrLiteral => "an IRI or a literal",
        }
    }
}

/// One constraint: a constraint component with its parameter values.
#[derive(Debug, Clone)]
pub(super) enum Constraint {
    Class(Term),
    Datatype(NamedNode),
    NodeKind(NodeKind),
    MinCount(u64),
    MaxCount(u64),
    MinInclusive(Literal),
    MaxInclusive(Literal),
    MinLength(u64),
    MaxLength(u64),
    Pattern {
        regex: Regex,
        pattern: String,
    },
    LanguageIn(Vec<String>),
    UniqueLang,
    In(Vec<Term>),
    HasValue(Term),
    /// Indices of the shapes in the `sh:or` list.
    Or(Vec<usize>),
    /// Index of the `sh:node` shape.
    Node(usize),
    /// Index of the `sh:property` shape.
    Property(usize),
}

impl Constraint {
    /// The constraint component, as reported in `sh:sourceConstraintComponent`; `None` for
    /// `sh:property`, whose results are those of the property shape.
    pub(super) fn component(&self) -> Option<NamedNodeRef<'static>> {
        Some(match self {
            Self::Class(_) => sh::CLASS_COMPONENT,
            Self::Datatype(_) => sh::DATATYPE_COMPONENT,
            Self::NodeKind(_) => sh::NODE_KIND_COMPONENT,
            Self::MinCount(_) => sh::MIN_COUNT_COMPONENT,
            Self::MaxCount(_) => sh::MAX_COUNT_COMPONENT,
            Self::MinInclusive(_) => sh::MIN_INCLUSIVE_COMPONENT,
            Self::MaxInclusive(_) => sh::MAX_INCLUSIVE_COMPONENT,
            Self::MinLength(_) => sh::MIN_LENGTH_COMPONENT,
            Self::MaxLength(_) => sh::MAX_LENGTH_COMPONENT,
            Self::Pattern { .. } => sh::PATTERN_COMPONENT,
            Self::LanguageIn(_) => sh::LANGUAGE_IN_COMPONENT,
            Self::UniqueLang => sh::UNIQUE_LANG_COMPONENT,
            Self::In(_) => sh::IN_COMPONENT,
            Self::HasValue(_) => sh::HAS_VALUE_COMPONENT,
            Self::Or(_) => sh::OR_COMPONENT,
            Self::Node(_) => sh::NODE_COMPONENT,
            Self::Property(_) => return None,
        })
    }
}

/// A SHACL property path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Path {
    /// A predicate IRI.
    Predicate(NamedNode),
    /// `[ sh:inversePath p ]`: the path followed backwards.
    Inverse(Box<Path>),
    /// An RDF list of paths followed one after the other.
    Sequence(Vec<Path>),
}

impl Path {
    /// Writes the path as SHACL RDF into `graph` and returns its node: the IRI itself, an
    /// `sh:inversePath` blank node or an RDF list.
    pub fn to_rdf(&self, graph: &mut Graph) -> Term {
        match self {
            Self::Predicate(predicate) => predicate.clone().into(),
            Self::Inverse(inner) => {
                let node = BlankNode::default();
                let inner = inner.to_rdf(graph);
                graph.insert(TripleRef::new(&node, sh::INVERSE_PATH, &inner));
                node.into()
            }
            Self::Sequence(steps) => {
                let mut list: Term = rdf::NIL.into_owned().into();
                for step in steps.iter().rev() {
                    let cell = BlankNode::default();
                    let first = step.to_rdf(graph);
                    graph.insert(TripleRef::new(&cell, rdf::FIRST, &first));
                    graph.insert(TripleRef::new(&cell, rdf::REST, &list));
                    list = cell.into();
                }
                list
            }
        }
    }
}

/// The path in SPARQL property path syntax, with IRIs compacted: `^org:memberOf/skos:prefLabel`.
impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Predicate(predicate) => f.write_str(&compact_iri(predicate.as_str())),
            Self::Inverse(inner) => match inner.as_ref() {
                Self::Sequence(_) => write!(f, "^({inner})"),
                _ => write!(f, "^{inner}"),
            },
            Self::Sequence(steps) => {
                for (i, step) in steps.iter().enumerate() {
                    if i > 0 {
                        f.write_str("/")?;
                    }
                    write!(f, "{step}")?;
                }
                Ok(())
            }
        }
    }
}

impl Shapes {
    /// Reads the shapes of a shapes graph: every `sh:NodeShape` and `sh:PropertyShape`, every node
    /// with a target or an `sh:path`, and the shapes they reference through `sh:property`,
    /// `sh:node` and `sh:or`.
    ///
    /// Fails on a SHACL feature outside the supported subset and on an ill-formed shape.
    pub fn from_graph(graph: &Graph) -> Result<Self, ShapesError> {
        let mut candidates: Vec<NamedOrBlankNodeRef<'_>> = Vec::new();
        for class in [sh::NODE_SHAPE, sh::PROPERTY_SHAPE] {
            candidates.extend(graph.subjects_for_predicate_object(rdf::TYPE, class));
        }
        for predicate in [
            sh::TARGET_CLASS,
            sh::TARGET_NODE,
            sh::TARGET_SUBJECTS_OF,
            sh::TARGET_OBJECTS_OF,
            sh::TARGET,
            sh::PATH,
        ] {
            candidates.extend(graph.triples_for_predicate(predicate).map(|t| t.subject));
        }
        candidates.sort_by_cached_key(ToString::to_string);
        candidates.dedup();
        let mut reader = Reader {
            graph,
            index: HashMap::new(),
            shapes: Vec::new(),
        };
        for candidate in candidates {
            reader.shape(candidate.into())?;
        }
        let shapes: Vec<Shape> = reader
            .shapes
            .into_iter()
            .map(|shape| shape.expect("every reserved shape is read before returning"))
            .collect();
        for shape in &shapes {
            for constraint in &shape.constraints {
                if let Constraint::Property(index) = constraint {
                    if shapes[*index].path.is_none() {
                        return Err(invalid(
                            shape.id.as_ref(),
                            format!(
                                "the value of sh:property, {}, has no sh:path",
                                compact_term(&shapes[*index].id.clone().into())
                            ),
                        ));
                    }
                }
            }
        }
        Ok(Self { shapes })
    }

    /// Validates a data graph against the shapes.
    pub fn validate(&self, data: &Graph) -> ValidationReport {
        super::validate::validate(self, data)
    }

    /// The number of shapes, node shapes and property shapes together.
    pub fn len(&self) -> usize {
        self.shapes.len()
    }

    /// Whether there is no shape at all.
    pub fn is_empty(&self) -> bool {
        self.shapes.is_empty()
    }

    pub(super) fn shapes(&self) -> &[Shape] {
        &self.shapes
    }
}

fn name(node: NamedOrBlankNodeRef<'_>) -> String {
    compact_term(&node.into_owned().into())
}

fn invalid(shape: NamedOrBlankNodeRef<'_>, message: impl Into<String>) -> ShapesError {
    ShapesError::Invalid {
        shape: name(shape),
        message: message.into(),
    }
}

/// Fails when a shape without `sh:path` has a constraint that only property shapes take
/// (`sh:minCount`, `sh:maxCount`, `sh:uniqueLang`).
fn property_only(
    shape: NamedOrBlankNodeRef<'_>,
    constraints: &[Constraint],
) -> Result<(), ShapesError> {
    for constraint in constraints {
        if let Constraint::MinCount(_) | Constraint::MaxCount(_) | Constraint::UniqueLang =
            constraint
        {
            let component = constraint.component().map(|c| compact_iri(c.as_str()));
            return Err(invalid(
                shape,
                format!(
                    "{} applies to property shapes only, and the shape has no sh:path",
                    component.unwrap_or_default()
                ),
            ));
        }
    }
    Ok(())
}

/// Reads shapes, following references; a shape is read once however often it is referenced.
struct Reader<'a> {
    graph: &'a Graph,
    index: HashMap<NamedOrBlankNode, usize>,
    /// `None` while a shape is being read (a reference to it is then a recursive one).
    shapes: Vec<Option<Shape>>,
}

impl<'a> Reader<'a> {
    /// The index of the shape `term`, read if it was not yet.
    fn shape(&mut self, term: TermRef<'a>) -> Result<usize, ShapesError> {
        let node = match term {
            TermRef::NamedNode(n) => NamedOrBlankNodeRef::from(n),
            TermRef::BlankNode(b) => NamedOrBlankNodeRef::from(b),
            TermRef::Literal(l) => {
                return Err(ShapesError::Invalid {
                    shape: compact_term(&l.into_owned().into()),
                    message: "a literal cannot be a shape".to_owned(),
                })
            }
        };
        if let Some(index) = self.index.get(&node.into_owned()) {
            return Ok(*index);
        }
        let index = self.shapes.len();
        self.shapes.push(None);
        self.index.insert(node.into_owned(), index);
        let shape = self.read(node)?;
        self.shapes[index] = Some(shape);
        Ok(index)
    }

    /// Reads the shape `node`: its path, targets, severity, messages and constraints.
    fn read(&mut self, node: NamedOrBlankNodeRef<'a>) -> Result<Shape, ShapesError> {
        self.check_supported(node)?;
        let path = self
            .single(node, sh::PATH)?
            .map(|path| self.path(node, path))
            .transpose()?;
        let targets = self.targets(node);
        let severity = match self.single(node, sh::SEVERITY)? {
            None => Severity::Violation,
            Some(TermRef::NamedNode(iri)) => Severity::from_iri(iri),
            Some(_) => return Err(invalid(node, "sh:severity must be an IRI")),
        };
        let messages = self
            .values(node, sh::MESSAGE)
            .into_iter()
            .map(|message| match message {
                TermRef::Literal(l) => Ok(l.into_owned()),
                _ => Err(invalid(node, "sh:message must be a literal")),
            })
            .collect::<Result<_, _>>()?;
        let deactivated = match self.single(node, sh::DEACTIVATED)? {
            None => false,
            Some(value) => boolean(value)
                .ok_or_else(|| invalid(node, "sh:deactivated must be true or false"))?,
        };
        let constraints = ConstraintReader::read(self, node)?;
        if path.is_none() {
            property_only(node, &constraints)?;
        }
        Ok(Shape {
            id: node.into_owned(),
            path,
            targets,
            constraints,
            severity,
            messages,
            deactivated,
        })
    }

    /// Fails on a SHACL parameter of `node` outside the supported subset.
    fn check_supported(&self, node: NamedOrBlankNodeRef<'a>) -> Result<(), ShapesError> {
        for triple in self.graph.triples_for_subject(node) {
            let predicate = triple.predicate;
            if predicate.as_str().starts_with(sh::NAMESPACE)
                && !sh::SHAPE_PREDICATES.contains(&predicate)
            {
                return Err(ShapesError::Unsupported {
                    feature: compact_iri(predicate.as_str()),
                    shape: name(node),
                });
            }
        }
        Ok(())
    }

    /// The values of a parameter of `node`.
    fn values(
        &self,
        node: NamedOrBlankNodeRef<'a>,
        predicate: NamedNodeRef<'_>,
    ) -> Vec<TermRef<'a>> {
        self.graph
            .objects_for_subject_predicate(node, predicate)
            .collect()
    }

    /// The targets of a shape: `sh:targetClass`, `sh:targetNode`, and the shape itself when it
    /// is an `rdfs:Class` (an implicit class target).
    fn targets(&self, node: NamedOrBlankNodeRef<'a>) -> Vec<Target> {
        let mut targets = Vec::new();
        for class in self.values(node, sh::TARGET_CLASS) {
            targets.push(Target::Class(class.into_owned()));
        }
        for target in self.values(node, sh::TARGET_NODE) {
            targets.push(Target::Node(target.into_owned()));
        }
        let is_class = self
            .graph
            .objects_for_subject_predicate(node, rdf::TYPE)
            .any(|t| t == rdfs::CLASS.into());
        if is_class {
            targets.push(Target::Class(node.into_owned().into()));
        }
        targets
    }

    /// The value of a parameter that takes at most one.
    fn single(
        &self,
        node: NamedOrBlankNodeRef<'a>,
        predicate: NamedNodeRef<'_>,
    ) -> Result<Option<TermRef<'a>>, ShapesError> {
        let mut values = self.graph.objects_for_subject_predicate(node, predicate);
        let first = values.next();
        if values.next().is_some() {
            return Err(invalid(
                node,
                format!("more than one value of {}", compact_iri(predicate.as_str())),
            ));
        }
        Ok(first)
    }

    /// The members of the RDF list starting at `head`.
    fn list(
        &self,
        shape: NamedOrBlankNodeRef<'a>,
        head: TermRef<'a>,
        parameter: NamedNodeRef<'_>,
    ) -> Result<Vec<TermRef<'a>>, ShapesError> {
        let broken = || {
            invalid(
                shape,
                format!(
                    "the value of {} is not a well-formed RDF list",
                    compact_iri(parameter.as_str())
                ),
            )
        };
        let mut members = Vec::new();
        let mut seen = HashSet::new();
        let mut current = head;
        while current != rdf::NIL.into() {
            let cell = match current {
                TermRef::NamedNode(n) => NamedOrBlankNodeRef::from(n),
                TermRef::BlankNode(b) => NamedOrBlankNodeRef::from(b),
                TermRef::Literal(_) => return Err(broken()),
            };
            if !seen.insert(cell) {
                return Err(broken());
            }
            let first = self.single(cell, rdf::FIRST)?.ok_or_else(broken)?;
            current = self.single(cell, rdf::REST)?.ok_or_else(broken)?;
            members.push(first);
        }
        Ok(members)
    }

    /// Reads a path: an IRI, an `sh:inversePath` node or a sequence (an RDF list of paths).
    fn path(&self, shape: NamedOrBlankNodeRef<'a>, path: TermRef<'a>) -> Result<Path, ShapesError> {
        let node = match path {
            TermRef::NamedNode(predicate) => return Ok(Path::Predicate(predicate.into_owned())),
            TermRef::BlankNode(b) => NamedOrBlankNodeRef::from(b),
            TermRef::Literal(_) => return Err(invalid(shape, "a literal is not a SHACL path")),
        };
        if self
            .graph
            .object_for_subject_predicate(node, rdf::FIRST)
            .is_some()
        {
            let steps = self
                .list(shape, path, sh::PATH)?
                .into_iter()
                .map(|step| self.path(shape, step))
                .collect::<Result<Vec<_>, _>>()?;
            if steps.len() < 2 {
                return Err(invalid(shape, "a sequence path needs at least two steps"));
            }
            return Ok(Path::Sequence(steps));
        }
        if let Some(inner) = self.single(node, sh::INVERSE_PATH)? {
            return Ok(Path::Inverse(Box::new(self.path(shape, inner)?)));
        }
        if let Some(triple) = self
            .graph
            .triples_for_subject(node)
            .find(|t| t.predicate.as_str().starts_with(sh::NAMESPACE))
        {
            return Err(ShapesError::Unsupported {
                feature: compact_iri(triple.predicate.as_str()),
                shape: name(shape),
            });
        }
        Err(invalid(shape, "sh:path is not a SHACL path"))
    }
}

/// Reads the constraints of one shape, parameter by parameter, in the order the shape's value
/// nodes are checked against them.
struct ConstraintReader<'r, 'a> {
    reader: &'r mut Reader<'a>,
    /// The shape.
    node: NamedOrBlankNodeRef<'a>,
    /// The constraints read so far.
    constraints: Vec<Constraint>,
}

impl<'a> ConstraintReader<'_, 'a> {
    /// The constraints of the shape `node`; the shapes they name are read with `reader`.
    fn read(
        reader: &mut Reader<'a>,
        node: NamedOrBlankNodeRef<'a>,
    ) -> Result<Vec<Constraint>, ShapesError> {
        let mut constraints = ConstraintReader {
            reader,
            node,
            constraints: Vec::new(),
        };
        constraints.value_types()?;
        constraints.counts()?;
        constraints.ranges()?;
        constraints.strings()?;
        constraints.shapes()?;
        Ok(constraints.constraints)
    }

    /// The values of a parameter of the shape.
    fn values(&self, predicate: NamedNodeRef<'_>) -> Vec<TermRef<'a>> {
        self.reader.values(self.node, predicate)
    }

    /// `sh:class`, `sh:datatype` and `sh:nodeKind`.
    fn value_types(&mut self) -> Result<(), ShapesError> {
        let node = self.node;
        for class in self.values(sh::CLASS) {
            self.constraints.push(Constraint::Class(class.into_owned()));
        }
        for datatype in self.values(sh::DATATYPE) {
            let TermRef::NamedNode(datatype) = datatype else {
                return Err(invalid(node, "sh:datatype must be an IRI"));
            };
            self.constraints
                .push(Constraint::Datatype(datatype.into_owned()));
        }
        for kind in self.values(sh::NODE_KIND) {
            let kind = match kind {
                TermRef::NamedNode(iri) => NodeKind::from_iri(iri),
                _ => None,
            }
            .ok_or_else(|| {
                invalid(
                    node,
                    "sh:nodeKind must be sh:IRI, sh:BlankNode, sh:Literal, sh:BlankNodeOrIRI, \
                     sh:BlankNodeOrLiteral or sh:IRIOrLiteral",
                )
            })?;
            self.constraints.push(Constraint::NodeKind(kind));
        }
        Ok(())
    }

    /// The parameters that count: `sh:minCount`, `sh:maxCount`, `sh:minLength` and
    /// `sh:maxLength`.
    fn counts(&mut self) -> Result<(), ShapesError> {
        let node = self.node;
        let count = |predicate: NamedNodeRef<'_>, value: TermRef<'_>| {
            non_negative_integer(value).ok_or_else(|| {
                invalid(
                    node,
                    format!(
                        "{} must be a non-negative integer",
                        compact_iri(predicate.as_str())
                    ),
                )
            })
        };
        for (predicate, make) in [
            (sh::MIN_COUNT, Constraint::MinCount as fn(u64) -> Constraint),
            (sh::MAX_COUNT, Constraint::MaxCount),
            (sh::MIN_LENGTH, Constraint::MinLength),
            (sh::MAX_LENGTH, Constraint::MaxLength),
        ] {
            for value in self.values(predicate) {
                self.constraints.push(make(count(predicate, value)?));
            }
        }
        Ok(())
    }

    /// `sh:minInclusive` and `sh:maxInclusive`.
    fn ranges(&mut self) -> Result<(), ShapesError> {
        for (predicate, make) in [
            (
                sh::MIN_INCLUSIVE,
                Constraint::MinInclusive as fn(Literal) -> Constraint,
            ),
            (sh::MAX_INCLUSIVE, Constraint::MaxInclusive),
        ] {
            for value in self.values(predicate) {
                let TermRef::Literal(bound) = value else {
                    return Err(invalid(
                        self.node,
                        format!("{} must be a literal", compact_iri(predicate.as_str())),
                    ));
                };
                self.constraints.push(make(bound.into_owned()));
            }
        }
        Ok(())
    }

    /// `sh:pattern` (with `sh:flags`), `sh:languageIn` and `sh:uniqueLang`.
    fn strings(&mut self) -> Result<(), ShapesError> {
        let node = self.node;
        let patterns = self.values(sh::PATTERN);
        let flags = match self.reader.single(node, sh::FLAGS)? {
            None => String::new(),
            Some(TermRef::Literal(flags)) => flags.value().to_owned(),
            Some(_) => return Err(invalid(node, "sh:flags must be a string")),
        };
        for pattern in patterns {
            let TermRef::Literal(pattern) = pattern else {
                return Err(invalid(node, "sh:pattern must be a string"));
            };
            let regex = regex(pattern.value(), &flags).map_err(|e| invalid(node, e))?;
            self.constraints.push(Constraint::Pattern {
                regex,
                pattern: pattern.value().to_owned(),
            });
        }
        for list in self.values(sh::LANGUAGE_IN) {
            let ranges = self
                .reader
                .list(node, list, sh::LANGUAGE_IN)?
                .into_iter()
                .map(|range| match range {
                    TermRef::Literal(range) => Ok(range.value().to_owned()),
                    _ => Err(invalid(node, "sh:languageIn must list strings")),
                })
                .collect::<Result<_, _>>()?;
            self.constraints.push(Constraint::LanguageIn(ranges));
        }
        for value in self.values(sh::UNIQUE_LANG) {
            match boolean(value) {
                Some(true) => self.constraints.push(Constraint::UniqueLang),
                Some(false) => {}
                None => return Err(invalid(node, "sh:uniqueLang must be true or false")),
            }
        }
        Ok(())
    }

    /// `sh:in` and `sh:hasValue`, then the parameters whose values are shapes, each read once:
    /// `sh:or`, `sh:node` and `sh:property`.
    fn shapes(&mut self) -> Result<(), ShapesError> {
        let node = self.node;
        for list in self.values(sh::IN) {
            let members = self.reader.list(node, list, sh::IN)?;
            self.constraints.push(Constraint::In(
                members.into_iter().map(TermRef::into_owned).collect(),
            ));
        }
        for value in self.values(sh::HAS_VALUE) {
            self.constraints
                .push(Constraint::HasValue(value.into_owned()));
        }
        for list in self.values(sh::OR) {
            let mut members = Vec::new();
            for member in self.reader.list(node, list, sh::OR)? {
                members.push(self.reader.shape(member)?);
            }
            self.constraints.push(Constraint::Or(members));
        }
        for shape in self.values(sh::NODE) {
            let index = self.reader.shape(shape)?;
            self.constraints.push(Constraint::Node(index));
        }
        for shape in self.values(sh::PROPERTY) {
            let index = self.reader.shape(shape)?;
            self.constraints.push(Constraint::Property(index));
        }
        Ok(())
    }
}

/// A boolean literal's value.
fn boolean(term: TermRef<'_>) -> Option<bool> {
    let TermRef::Literal(literal) = term else {
        return None;
    };
    if literal.datatype() != xsd::BOOLEAN {
        return None;
    }
    match literal.value() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

/// A non-negative integer literal's value.
fn non_negative_integer(term: TermRef<'_>) -> Option<u64> {
    let TermRef::Literal(literal) = term else {
        return None;
    };
    if literal.language().is_some() {
        return None;
    }
    literal.value().trim().parse().ok()
}

/// Compiles an `sh:pattern` with its `sh:flags` (the XPath flags `s`, `m`, `i`, `x` and `q`).
fn regex(pattern: &str, flags: &str) -> Result<Regex, String> {
    let quoted;
    let source = if flags.contains('q') {
        quoted = regex::escape(pattern);
        &quoted
    } else {
        pattern
    };
    let mut builder = RegexBuilder::new(source);
    for flag in flags.chars() {
        match flag {
            'i' => builder.case_insensitive(true),
            'm' => builder.multi_line(true),
            's' => builder.dot_matches_new_line(true),
            'x' => builder.ignore_whitespace(true),
            'q' => &mut builder,
            other => return Err(format!("unknown sh:flags flag '{other}'")),
        };
    }
    builder
        .build()
        .map_err(|e| format!("sh:pattern {pattern:?} is not a valid regular expression: {e}"))
}
