//! Validation of a data graph against shapes, with the semantics of SHACL Core.

use super::literals::{less_or_equal, LiteralChecks};
use super::report::{compact_iri, compact_term, ValidationReport, ValidationResult};
use super::shapes::{Constraint, Path, Shape, Shapes, Target};
use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{Graph, Literal, NamedOrBlankNodeRef, Term, TermRef};
use std::collections::{HashMap, HashSet};

/// Validates every focus node of every active shape with targets.
pub(super) fn validate(shapes: &Shapes, data: &Graph) -> ValidationReport {
    let mut validator = Validator {
        shapes: shapes.shapes(),
        data,
        literals: LiteralChecks::default(),
        superclasses: HashMap::new(),
        conformance: HashMap::new(),
        active: HashSet::new(),
    };
    let mut results = Vec::new();
    let mut focus_nodes = HashSet::new();
    for (index, shape) in shapes.shapes().iter().enumerate() {
        if shape.deactivated {
            continue;
        }
        for focus in validator.focus_nodes(shape) {
            results.extend(validator.validate(index, &focus));
            focus_nodes.insert(focus);
        }
    }
    ValidationReport::new(results, focus_nodes.len())
}

struct Validator<'a> {
    shapes: &'a [Shape],
    data: &'a Graph,
    literals: LiteralChecks,
    /// Each class with its superclasses (itself included), along `rdfs:subClassOf*`.
    superclasses: HashMap<Term, HashSet<Term>>,
    /// Whether a node conforms to a shape, for `sh:node` and `sh:or`.
    conformance: HashMap<(usize, Term), bool>,
    /// The (shape, focus node) pairs being validated: a recursive shape that reaches one of them
    /// again takes it as conforming.
    active: HashSet<(usize, Term)>,
}

/// A term in subject position, if it can be one.
fn as_subject(term: &Term) -> Option<NamedOrBlankNodeRef<'_>> {
    match term {
        Term::NamedNode(n) => Some(n.into()),
        Term::BlankNode(b) => Some(b.into()),
        Term::Literal(_) => None,
    }
}

/// Keeps the first occurrence of each term.
fn distinct(terms: impl IntoIterator<Item = Term>) -> Vec<Term> {
    let mut seen = HashSet::new();
    terms
        .into_iter()
        .filter(|t| seen.insert(t.clone()))
        .collect()
}

/// The string that `sh:pattern`, `sh:minLength` and `sh:maxLength` test; `None` for a blank
/// node, which always fails them.
fn string_value(term: &Term) -> Option<&str> {
    match term {
        Term::NamedNode(n) => Some(n.as_str()),
        Term::Literal(l) => Some(l.value()),
        Term::BlankNode(_) => None,
    }
}

/// SPARQL `langMatches` (RFC 4647 basic filtering).
fn language_matches(tag: &str, range: &str) -> bool {
    if range == "*" {
        return !tag.is_empty();
    }
    let (tag, range) = (tag.to_ascii_lowercase(), range.to_ascii_lowercase());
    tag == range || tag.strip_prefix(&range).is_some_and(|r| r.starts_with('-'))
}

/// A result of `constraint` of `shape`, with the shape's messages or the generated one.
fn result(
    shape: &Shape,
    constraint: &Constraint,
    focus: &Term,
    value: Option<Term>,
    generated: String,
) -> ValidationResult {
    ValidationResult {
        focus_node: focus.clone(),
        path: shape.path.clone(),
        value,
        component: constraint
            .component()
            .expect("sh:property reports the results of its shape")
            .into_owned(),
        source_shape: shape.id.clone(),
        severity: shape.severity.clone(),
        messages: if shape.messages.is_empty() {
            vec![Literal::new_simple_literal(generated)]
        } else {
            shape.messages.clone()
        },
    }
}

fn plural(n: u64, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn list(terms: &[Term]) -> String {
    terms
        .iter()
        .map(compact_term)
        .collect::<Vec<_>>()
        .join(", ")
}

impl<'a> Validator<'a> {
    /// The distinct focus nodes of a shape's targets.
    fn focus_nodes(&mut self, shape: &Shape) -> Vec<Term> {
        let mut nodes = Vec::new();
        for target in &shape.targets {
            match target {
                Target::Node(node) => nodes.push(node.clone()),
                Target::Class(class) => nodes.extend(self.instances(class)),
            }
        }
        distinct(nodes)
    }

    /// The SHACL instances of a class: subjects of `rdf:type/rdfs:subClassOf*` the class.
    fn instances(&self, class: &Term) -> Vec<Term> {
        let mut classes = vec![class.clone()];
        let mut seen: HashSet<Term> = classes.iter().cloned().collect();
        let mut i = 0;
        while i < classes.len() {
            let subclasses: Vec<Term> = self
                .data
                .subjects_for_predicate_object(rdfs::SUB_CLASS_OF, classes[i].as_ref())
                .map(|s| s.into_owned().into())
                .collect();
            for subclass in subclasses {
                if seen.insert(subclass.clone()) {
                    classes.push(subclass);
                }
            }
            i += 1;
        }
        distinct(classes.iter().flat_map(|class| {
            self.data
                .subjects_for_predicate_object(rdf::TYPE, class.as_ref())
                .map(|s| s.into_owned().into())
        }))
    }

    /// Whether `node` is a SHACL instance of `class` in the data graph.
    fn is_instance(&mut self, node: &Term, class: &Term) -> bool {
        let Some(subject) = as_subject(node) else {
            return false;
        };
        let types: Vec<Term> = self
            .data
            .objects_for_subject_predicate(subject, rdf::TYPE)
            .map(TermRef::into_owned)
            .collect();
        types
            .into_iter()
            .any(|t| self.superclasses(&t).contains(class))
    }

    fn superclasses(&mut self, class: &Term) -> &HashSet<Term> {
        if !self.superclasses.contains_key(class) {
            let mut found: HashSet<Term> = HashSet::from([class.clone()]);
            let mut queue = vec![class.clone()];
            while let Some(current) = queue.pop() {
                let Some(subject) = as_subject(&current) else {
                    continue;
                };
                for parent in self
                    .data
                    .objects_for_subject_predicate(subject, rdfs::SUB_CLASS_OF)
                {
                    if found.insert(parent.into_owned()) {
                        queue.push(parent.into_owned());
                    }
                }
            }
            self.superclasses.insert(class.clone(), found);
        }
        &self.superclasses[class]
    }

    /// The distinct value nodes of a path from `focus`.
    fn path_values(&self, focus: &Term, path: &Path) -> Vec<Term> {
        self.step(vec![focus.clone()], path, true)
    }

    /// Follows a path from each node, forwards or backwards.
    fn step(&self, nodes: Vec<Term>, path: &Path, forward: bool) -> Vec<Term> {
        match path {
            Path::Predicate(predicate) => distinct(nodes.iter().flat_map(|node| {
                let next: Vec<Term> = if forward {
                    as_subject(node)
                        .map(|s| {
                            self.data
                                .objects_for_subject_predicate(s, predicate)
                                .map(TermRef::into_owned)
                                .collect()
                        })
                        .unwrap_or_default()
                } else {
                    self.data
                        .subjects_for_predicate_object(predicate, node)
                        .map(|s| s.into_owned().into())
                        .collect()
                };
                next
            })),
            Path::Inverse(inner) => self.step(nodes, inner, !forward),
            Path::Sequence(steps) => {
                let mut nodes = nodes;
                if forward {
                    for step in steps {
                        nodes = self.step(nodes, step, true);
                    }
                } else {
                    for step in steps.iter().rev() {
                        nodes = self.step(nodes, step, false);
                    }
                }
                nodes
            }
        }
    }

    /// The results of validating `focus` against the shape `index`.
    fn validate(&mut self, index: usize, focus: &Term) -> Vec<ValidationResult> {
        let shapes = self.shapes;
        let shape = &shapes[index];
        if shape.deactivated {
            return Vec::new();
        }
        let key = (index, focus.clone());
        if !self.active.insert(key.clone()) {
            return Vec::new();
        }
        let values = match &shape.path {
            Some(path) => self.path_values(focus, path),
            None => vec![focus.clone()],
        };
        let mut results = Vec::new();
        for constraint in &shape.constraints {
            self.check(shape, constraint, focus, &values, &mut results);
        }
        self.active.remove(&key);
        results
    }

    /// Whether `node` conforms to the shape `index`: validating it gives no result at all.
    fn conforms(&mut self, index: usize, node: &Term) -> bool {
        let key = (index, node.clone());
        if let Some(known) = self.conformance.get(&key) {
            return *known;
        }
        let conforms = self.validate(index, node).is_empty();
        self.conformance.insert(key, conforms);
        conforms
    }

    fn check(
        &mut self,
        shape: &Shape,
        constraint: &Constraint,
        focus: &Term,
        values: &[Term],
        results: &mut Vec<ValidationResult>,
    ) {
        let path = || {
            shape
                .path
                .as_ref()
                .map_or_else(|| "the focus node".to_owned(), ToString::to_string)
        };
        if let Constraint::Property(property) = constraint {
            // The results are those of the property shape, with the value nodes as focus nodes.
            for value in values {
                let nested = self.validate(*property, value);
                results.extend(nested);
            }
            return;
        }
        let mut report = |value: Option<Term>, generated: String| {
            results.push(result(shape, constraint, focus, value, generated));
        };
        let count = values.len() as u64;
        match constraint {
            Constraint::Property(_) => {}
            Constraint::MinCount(min) => {
                if count < *min {
                    report(
                        None,
                        format!(
                            "expected at least {} of {}, found {count}",
                            plural(*min, "value"),
                            path()
                        ),
                    );
                }
            }
            Constraint::MaxCount(max) => {
                if count > *max {
                    report(
                        None,
                        format!(
                            "expected at most {} of {}, found {count}",
                            plural(*max, "value"),
                            path()
                        ),
                    );
                }
            }
            Constraint::UniqueLang => {
                let mut tags: Vec<(String, usize)> = Vec::new();
                for value in values {
                    if let Term::Literal(literal) = value {
                        if let Some(tag) = literal.language() {
                            let tag = tag.to_ascii_lowercase();
                            match tags.iter_mut().find(|(t, _)| *t == tag) {
                                Some((_, n)) => *n += 1,
                                None => tags.push((tag, 1)),
                            }
                        }
                    }
                }
                for (tag, n) in tags {
                    if n > 1 {
                        report(
                            None,
                            format!("{n} values of {} have the language tag {tag}", path()),
                        );
                    }
                }
            }
            Constraint::HasValue(expected) => {
                if !values.contains(expected) {
                    let message = match &shape.path {
                        Some(_) => format!(
                            "expected {} among the values of {}",
                            compact_term(expected),
                            path()
                        ),
                        None => format!("expected the focus node to be {}", compact_term(expected)),
                    };
                    report(None, message);
                }
            }
            _ => {
                for value in values {
                    if let Some(message) = self.check_value(constraint, value) {
                        report(Some(value.clone()), message);
                    }
                }
            }
        }
    }

    /// Checks one value node against a value-type, value-range, string or logical constraint;
    /// returns the message of the violation, if any.
    fn check_value(&mut self, constraint: &Constraint, value: &Term) -> Option<String> {
        let shown = compact_term(value);
        match constraint {
            Constraint::Class(class) => (!self.is_instance(value, class))
                .then(|| format!("{shown} is not an instance of {}", compact_term(class))),
            Constraint::Datatype(datatype) => {
                let name = compact_iri(datatype.as_str());
                match value {
                    Term::Literal(literal) if literal.datatype() == datatype.as_ref() => {
                        (!self.literals.is_well_formed(literal))
                            .then(|| format!("{shown} is not a valid {name} literal"))
                    }
                    _ => Some(format!("{shown} is not a literal of datatype {name}")),
                }
            }
            Constraint::NodeKind(kind) => {
                (!kind.matches(value)).then(|| format!("{shown} is not {}", kind.description()))
            }
            Constraint::MinInclusive(min) => {
                let ok = matches!(value, Term::Literal(v) if less_or_equal(min, v) == Some(true));
                (!ok).then(|| {
                    format!(
                        "{shown} is not greater than or equal to {}",
                        compact_term(&min.clone().into())
                    )
                })
            }
            Constraint::MaxInclusive(max) => {
                let ok = matches!(value, Term::Literal(v) if less_or_equal(v, max) == Some(true));
                (!ok).then(|| {
                    format!(
                        "{shown} is not less than or equal to {}",
                        compact_term(&max.clone().into())
                    )
                })
            }
            Constraint::MinLength(min) => {
                let length = string_value(value).map(|s| s.chars().count() as u64);
                (length.is_none_or(|length| length < *min))
                    .then(|| format!("{shown} is shorter than {}", plural(*min, "character")))
            }
            Constraint::MaxLength(max) => {
                let length = string_value(value).map(|s| s.chars().count() as u64);
                (length.is_none_or(|length| length > *max))
                    .then(|| format!("{shown} is longer than {}", plural(*max, "character")))
            }
            Constraint::Pattern { regex, pattern } => {
                let ok = string_value(value).is_some_and(|s| regex.is_match(s));
                (!ok).then(|| format!("{shown} does not match the pattern {pattern:?}"))
            }
            Constraint::LanguageIn(ranges) => {
                let ok = matches!(value, Term::Literal(l) if l
                    .language()
                    .is_some_and(|tag| ranges.iter().any(|range| language_matches(tag, range))));
                (!ok).then(|| {
                    format!(
                        "{shown} is not in one of the languages {}",
                        ranges.join(", ")
                    )
                })
            }
            Constraint::In(members) => (!members.contains(value))
                .then(|| format!("{shown} is not one of {}", list(members))),
            Constraint::Or(shapes) => {
                let shapes = shapes.clone();
                let ok = shapes.iter().any(|shape| self.conforms(*shape, value));
                (!ok).then(|| {
                    let names: Vec<Term> = shapes
                        .iter()
                        .map(|s| self.shapes[*s].id.clone().into())
                        .collect();
                    format!("{shown} conforms to none of the shapes {}", list(&names))
                })
            }
            Constraint::Node(shape) => (!self.conforms(*shape, value)).then(|| {
                format!(
                    "{shown} does not conform to the shape {}",
                    compact_term(&self.shapes[*shape].id.clone().into())
                )
            }),
            Constraint::Property(_)
            | Constraint::MinCount(_)
            | Constraint::MaxCount(_)
            | Constraint::UniqueLang
            | Constraint::HasValue(_) => None,
        }
    }
}
