//! The index of nodes as the rest of kgql sees it: what it keeps of a node ([`Entry`], [`Key`],
//! [`KeyValue`]), what it is asked ([`PageRequest`] with its [`Condition`] and [`SortKey`]s) and
//! what it answers ([`Hit`], [`IndexedPage`]). Plain data without I/O, so that the GraphQL
//! translator and the stores share it without depending on the index's implementation
//! ([`crate::search`], tantivy).

use oxigraph::model::{NamedNode, TermRef};
use std::ops::Bound;

/// The text properties search looks at.
pub const SEARCHED: [&str; 5] = [
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#altLabel",
    "http://schema.org/description",
    "http://purl.org/dc/terms/title",
];

/// The properties (besides labels) whose values pages can be filtered and ordered by through the
/// index.
pub const ORDERED: [&str; 7] = [
    "http://schema.org/startDate",
    "http://schema.org/endDate",
    "http://schema.org/foundingDate",
    "http://schema.org/dissolutionDate",
    "http://purl.org/dc/terms/issued",
    "https://w3id.org/kgql/ontology#approvalDate",
    "https://w3id.org/kgql/ontology#endorsementDate",
];

/// The properties whose values are a node's labels.
const LABELS: [&str; 2] = [SEARCHED[0], SEARCHED[1]];

/// How many keys pages can be filtered and ordered by: labels, then each of [`ORDERED`].
pub(crate) const KEYS: usize = ORDERED.len() + 1;

/// What a page can be filtered and ordered by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Key {
    /// The labels (`skos:prefLabel` and `rdfs:label`); they order by their English or untagged
    /// forms.
    Label,
    /// One of [`ORDERED`], by position.
    Property(usize),
}

impl Key {
    /// The key of a property's values, if the index keeps them.
    pub fn of(property: &str) -> Option<Self> {
        ORDERED
            .iter()
            .position(|p| *p == property)
            .map(Key::Property)
    }

    /// The key's position among the index's fields.
    pub(crate) fn position(self) -> usize {
        match self {
            Key::Label => 0,
            Key::Property(p) => p + 1,
        }
    }

    /// What the index keeps of a statement of `predicate` with `object`, if anything: the key and
    /// the value (its string form, as SPARQL's `STR`; `None` for a blank node, which has none),
    /// and whether the value takes part in ordering.
    pub fn value_of(predicate: &str, object: TermRef<'_>) -> Option<KeyValue> {
        let key = if LABELS.contains(&predicate) {
            Key::Label
        } else {
            Key::of(predicate)?
        };
        // Labels sort by their English or untagged literals (`LANG` of anything else is an
        // error, which the SPARQL page filters out); every value of the other keys sorts.
        let (text, sorts) = match object {
            TermRef::Literal(literal) => {
                let sorts = key != Key::Label
                    || literal.language().is_none_or(|lang| {
                        let lang = lang.to_ascii_lowercase();
                        lang == "en" || lang.starts_with("en-")
                    });
                (Some(literal.value().to_owned()), sorts)
            }
            TermRef::NamedNode(node) => (Some(node.as_str().to_owned()), key != Key::Label),
            _ => (None, key != Key::Label),
        };
        Some(KeyValue { key, text, sorts })
    }
}

/// A value a page can be filtered and ordered by.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeyValue {
    /// Whose value.
    pub key: Key,
    /// Its string form; `None` for a blank node (no test passes; where it sorts, its node has
    /// no sort value).
    pub text: Option<String>,
    /// Whether it takes part in ordering (labels: English or untagged ones).
    pub sorts: bool,
}

/// What one node says, as the index keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The node.
    pub node: NamedNode,
    /// Its searched texts.
    pub texts: Vec<String>,
    /// Its classes.
    pub classes: Vec<NamedNode>,
    /// The values pages filter and order it by.
    pub values: Vec<KeyValue>,
}

/// A match.
#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    /// The matching node.
    pub node: NamedNode,
    /// 3 for a whole text, 2 for its start, 1 otherwise.
    pub score: f64,
    /// The text that matched.
    pub matched: String,
}

/// The most sort keys a page can have (the IRI included).
pub const MAX_SORT_KEYS: usize = 4;

/// A condition on a node's values.
#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    /// Every one holds.
    All(Vec<Condition>),
    /// One holds.
    Any(Vec<Condition>),
    /// It does not hold.
    Not(Box<Condition>),
    /// The node is one of these.
    Iris(Vec<NamedNode>),
    /// Some value of the key is one of `among` (when given) and lies within the bounds.
    Value {
        /// The key.
        key: Key,
        /// The values it may be.
        among: Option<Vec<String>>,
        /// The least it may be.
        lower: Bound<String>,
        /// The greatest it may be.
        upper: Bound<String>,
    },
    /// The node has a value of the key (`true`) or none (`false`).
    Has(Key, bool),
}

/// One order key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortKey {
    /// The key; `None` orders by IRI.
    pub key: Option<Key>,
    /// Descending.
    pub descending: bool,
}

/// Which page of which nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct PageRequest {
    /// The class the nodes have.
    pub class: NamedNode,
    /// The condition they pass, if any.
    pub filter: Option<Condition>,
    /// The order; the last key should be the IRI, which breaks every tie.
    pub order: Vec<SortKey>,
    /// How many of the ordered nodes are skipped.
    pub offset: usize,
    /// How many are returned after them (`None`: all).
    pub limit: Option<usize>,
}

/// A page.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedPage {
    /// The page's nodes, in order.
    pub nodes: Vec<NamedNode>,
    /// The number of nodes that pass the filter.
    pub total: u64,
}
