//! Runs the level queries of a root field and assembles their rows into response objects.

use super::model::{Model, Scalar, Shape, Source, Target};
use super::plan::{encode_cursor, Child, ConnectionPlan, FieldPlan, Selection};
use super::translate::{chain_var, cut, level_query, var, Dialect, ListJob, ListSource};
use super::{direct, indexed};
use crate::sparql;
use crate::store::{QueryLimits, SharedStore, StoreError};
use async_graphql::Value;
use oxigraph::model::{NamedNode, Term};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

/// A node of the response.
#[derive(Debug)]
pub struct Obj {
    /// The node.
    pub node: Term,
    /// Its concrete GraphQL type.
    pub typename: String,
    /// Field values by response key.
    pub fields: HashMap<String, FieldData>,
}

/// The value of one field of a node.
#[derive(Debug, Clone)]
pub enum FieldData {
    /// A leaf value (or list of them).
    Value(Value),
    /// One node or none.
    Node(Option<Arc<Obj>>),
    /// A list of nodes.
    Nodes(Vec<Arc<Obj>>),
    /// A page of a connection, filled in when its level has run.
    Connection(Slot),
}

/// A page of a connection.
#[derive(Debug, Default)]
pub struct Page {
    /// The number of nodes in the whole list, when it was asked for.
    pub total: Option<u64>,
    /// The nodes with their cursors.
    pub edges: Vec<(String, Arc<Obj>)>,
    /// Whether nodes follow the page.
    pub has_next: bool,
    /// Whether nodes precede the page.
    pub has_previous: bool,
    /// For search hits: each node's score and the text it matched, in the order of `edges`.
    pub hits: Vec<(f64, String)>,
}

/// What a request did, for its response extensions and the metrics.
#[derive(Debug, Default)]
pub struct Stats {
    /// Whether the text of each query is kept (for explain).
    pub keep_text: bool,
    /// How many SPARQL queries the request sent.
    pub sent: std::sync::atomic::AtomicUsize,
    /// The SPARQL queries the request sent, in order, when their text is kept.
    pub queries: Mutex<Vec<String>>,
    /// How many searches the store's full-text index answered.
    pub index_searches: std::sync::atomic::AtomicUsize,
    /// How many pages of root lists the store's index of nodes found.
    pub index_pages: std::sync::atomic::AtomicUsize,
    /// How many levels were read by point reads of statements, without a query.
    pub direct_reads: std::sync::atomic::AtomicUsize,
}

impl Stats {
    /// How many SPARQL queries the request sent.
    pub fn count(&self) -> usize {
        self.sent.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Records a query about to be sent.
    pub fn record(&self, query: &spargebra::Query) {
        self.sent.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if self.keep_text {
            if let Ok(mut queries) = self.queries.lock() {
                queries.push(query.to_string());
            }
        }
    }
}

/// Where a page goes once its level has run.
pub type Slot = Arc<OnceLock<Arc<Page>>>;

/// A list to read at some level, with where to put its pages.
struct Pending<'p> {
    source: ListSource,
    connection: Option<&'p ConnectionPlan>,
    node: &'p Selection,
    /// Slots per parent (or one slot, under the empty parent, for root lists).
    slots: Vec<(Option<NamedNode>, Slot)>,
}

/// Reads a root list (or lookup) and everything below it, one query per level.
pub async fn run(
    store: &SharedStore,
    model: &Model,
    limits: QueryLimits,
    stats: &Stats,
    source: ListSource,
    connection: Option<&ConnectionPlan>,
    node: &Selection,
) -> Result<Arc<Page>, StoreError> {
    let dialect = Dialect {
        lateral: store.supports_lateral().await,
    };
    let mut source = source;
    if let ListSource::Search {
        text,
        classes,
        limit,
        hits: hits @ None,
    } = &mut source
    {
        let limit = usize::try_from(*limit).unwrap_or(usize::MAX);
        *hits = store.search(text.clone(), classes.clone(), limit).await?;
        if hits.is_some() {
            stats
                .index_searches
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
    }
    if let (ListSource::Class(Some(class)), Some(connection)) = (&source, connection) {
        if let Some(request) = indexed::page_request(class, connection) {
            if let Some(page) = store.page(request).await? {
                stats
                    .index_pages
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                source = ListSource::Indexed {
                    nodes: page.nodes,
                    total: page.total,
                };
            }
        }
    }
    let root = Arc::new(OnceLock::new());
    let mut level = vec![Pending {
        source,
        connection,
        node,
        slots: vec![(None, root.clone())],
    }];
    while !level.is_empty() {
        let jobs: Vec<ListJob<'_>> = level
            .iter()
            .map(|p| ListJob {
                source: p.source.clone(),
                connection: p.connection,
                node: p.node,
            })
            .collect();
        let class_of = |name: &str| model.types.get(name).and_then(|t| t.class.clone());
        let direct = if store.reads_statements() {
            direct::plan(&jobs, &class_of)
        } else {
            None
        };
        let rows = match direct {
            Some(reads) => {
                stats
                    .direct_reads
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                store
                    .read_statements(Box::new(move |statements| reads.read(statements)))
                    .await?
            }
            None => {
                let query = level_query(&jobs, &class_of, dialect);
                stats.record(&query);
                sparql::select(store, query, limits).await?
            }
        };
        let mut next: BTreeMap<u32, Pending<'_>> = BTreeMap::new();
        let facts = Facts::read(&rows, level.len());
        for (index, pending) in level.iter().enumerate() {
            for (parent, slot) in &pending.slots {
                let page = facts.page(index, parent.as_ref(), pending, model, &mut next);
                let _ = slot.set(Arc::new(page));
            }
        }
        level = next.into_values().collect();
    }
    Ok(root.get().cloned().unwrap_or_default())
}

/// The rows of a level query, indexed.
struct Facts {
    /// Per list and parent: the page's nodes in order.
    pages: HashMap<(usize, Option<Term>), Vec<Term>>,
    /// Per list and parent, the nodes already in `pages`.
    paged: HashSet<(usize, Option<Term>, Term)>,
    /// Per list and parent: the total.
    totals: HashMap<(usize, Option<Term>), u64>,
    /// Per list, key and chain of nodes: the values.
    values: HashMap<(usize, u32, Vec<Term>), Vec<Term>>,
    /// Per list and node: the search score and matched text.
    hits: HashMap<(usize, Term), (f64, String)>,
}

impl Facts {
    fn read(rows: &[oxigraph::sparql::QuerySolution], lists: usize) -> Self {
        let mut facts = Self {
            pages: HashMap::new(),
            paged: HashSet::new(),
            totals: HashMap::new(),
            values: HashMap::new(),
            hits: HashMap::new(),
        };
        for row in rows {
            let Some(conn) = row
                .get(var::CONN)
                .and_then(integer)
                .and_then(|c| usize::try_from(c).ok())
                .filter(|c| *c < lists)
            else {
                continue;
            };
            let parent = row.get(var::PARENT).map(as_parent);
            if let Some(total) = row.get(var::TOTAL).and_then(integer) {
                facts
                    .totals
                    .insert((conn, parent), u64::try_from(total).unwrap_or(0));
                continue;
            }
            let Some(node) = row.get(var::NODE).cloned() else {
                continue;
            };
            if let (Some(Term::Literal(score)), Some(Term::Literal(matched))) =
                (row.get(var::SCORE), row.get(var::MATCHED))
            {
                facts.hits.entry((conn, node.clone())).or_insert((
                    score.value().parse().unwrap_or(0.0),
                    matched.value().to_owned(),
                ));
            }
            if facts.paged.insert((conn, parent.clone(), node.clone())) {
                facts
                    .pages
                    .entry((conn, parent))
                    .or_default()
                    .push(node.clone());
            }
            let Some(key) = row
                .get(var::KEY)
                .and_then(integer)
                .and_then(|k| u32::try_from(k).ok())
                .filter(|k| *k > 0)
            else {
                continue;
            };
            let Some(value) = row.get(var::VALUE).cloned() else {
                continue;
            };
            let mut chain = vec![node];
            for depth in 1.. {
                match row.get(chain_var(depth).as_str()) {
                    Some(term) => chain.push(term.clone()),
                    None => break,
                }
            }
            let values = facts.values.entry((conn, key, chain)).or_default();
            if !values.contains(&value) {
                values.push(value);
            }
        }
        facts
    }

    fn page<'p>(
        &self,
        index: usize,
        parent: Option<&NamedNode>,
        pending: &Pending<'p>,
        model: &Model,
        next: &mut BTreeMap<u32, Pending<'p>>,
    ) -> Page {
        let parent_term = parent.map(|p| Term::NamedNode(p.clone()));
        let key = (index, parent_term);
        let mut nodes = self.pages.get(&key).cloned().unwrap_or_default();
        if let ListSource::Indexed { nodes: ordered, .. } = &pending.source {
            // In the index's order, which the query did not keep.
            let found: HashSet<&Term> = nodes.iter().collect();
            nodes = ordered
                .iter()
                .map(|node| Term::NamedNode(node.clone()))
                .filter(|node| found.contains(node))
                .collect();
        }
        let total = self.totals.get(&key).copied();
        let (mut has_next, mut has_previous, mut first_position) = (false, false, 0);
        if let Some(connection) = pending.connection {
            let the_cut = cut(&connection.list.window);
            let shown = the_cut.limit.map_or(nodes.len(), |l| {
                usize::try_from(l.saturating_sub(1)).unwrap_or(usize::MAX)
            });
            let more = nodes.len() > shown;
            nodes.truncate(shown);
            if the_cut.reversed {
                nodes.reverse();
                has_previous = more;
                let total = total.unwrap_or(0);
                first_position = total.saturating_sub(nodes.len() as u64);
                // `after` still bounds a page read from the end.
                let start = connection.list.window.start;
                if first_position < start {
                    let skip = usize::try_from(start - first_position).unwrap_or(usize::MAX);
                    nodes.drain(..skip.min(nodes.len()));
                    first_position = start;
                }
            } else {
                has_next = more;
                has_previous = the_cut.offset > 0;
                first_position = the_cut.offset;
            }
        }
        if pending.connection.is_none() {
            // Lists without a page come unordered: search hits best first, then by IRI (as the
            // scan ranks them); looked-up nodes by IRI.
            let mut keyed: Vec<(f64, String, Term)> = nodes
                .into_iter()
                .map(|node| {
                    let score = self.hits.get(&(index, node.clone())).map_or(0.0, |h| h.0);
                    let iri = match &node {
                        Term::NamedNode(named) => named.as_str().to_owned(),
                        other => other.to_string(),
                    };
                    (score, iri, node)
                })
                .collect();
            keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            nodes = keyed.into_iter().map(|(_, _, node)| node).collect();
        }
        let mut builder = Assembler {
            facts: self,
            index,
            model,
            next,
        };
        let edges = nodes
            .iter()
            .enumerate()
            .map(|(i, node)| {
                let obj = builder.object(pending.node, vec![node.clone()]);
                (encode_cursor(first_position + i as u64), obj)
            })
            .collect();
        let hits = nodes
            .iter()
            .filter_map(|node| self.hits.get(&(index, node.clone())).cloned())
            .collect();
        Page {
            total,
            edges,
            has_next,
            has_previous,
            hits,
        }
    }
}

struct Assembler<'f, 'p, 'n> {
    facts: &'f Facts,
    index: usize,
    model: &'f Model,
    next: &'n mut BTreeMap<u32, Pending<'p>>,
}

impl<'p> Assembler<'_, 'p, '_> {
    fn values(&self, key: u32, chain: &[Term]) -> &[Term] {
        self.facts
            .values
            .get(&(self.index, key, chain.to_vec()))
            .map_or(&[], Vec::as_slice)
    }

    fn object(&mut self, selection: &'p Selection, chain: Vec<Term>) -> Arc<Obj> {
        let typename = if selection.needs_types {
            let classes: Vec<String> = self
                .values(selection.id, &chain)
                .iter()
                .map(|t| match t {
                    Term::NamedNode(n) => n.as_str().to_owned(),
                    other => other.to_string(),
                })
                .collect();
            self.model
                .concrete_type(&selection.declared, classes.iter().map(String::as_str))
                .to_owned()
        } else {
            selection.declared.clone()
        };
        let implements = |condition: &str| {
            condition == typename
                || self
                    .model
                    .types
                    .get(condition)
                    .is_some_and(|t| t.is_interface)
        };
        let applicable: Vec<&'p FieldPlan> = selection
            .fields
            .iter()
            .filter(|f| f.condition.as_deref().is_none_or(implements))
            .collect();
        let mut fields = HashMap::new();
        for field in applicable {
            let data = match &field.child {
                Child::Leaf => FieldData::Value(self.leaf(field, &chain)),
                Child::Nodes(child) => {
                    let mut targets: Vec<Term> = self.values(field.id, &chain).to_vec();
                    targets.sort_by_key(Term::to_string);
                    let objects: Vec<Arc<Obj>> = targets
                        .into_iter()
                        .map(|target| {
                            let mut chain = chain.clone();
                            chain.push(target);
                            self.object(child, chain)
                        })
                        .collect();
                    if field.mapping.shape == Shape::Single {
                        FieldData::Node(objects.into_iter().next())
                    } else {
                        FieldData::Nodes(objects)
                    }
                }
                Child::Connection(connection) => {
                    let slot = Arc::new(OnceLock::new());
                    let parent = chain.last().and_then(|t| match t {
                        Term::NamedNode(n) => Some(n.clone()),
                        _ => None,
                    });
                    match parent {
                        Some(parent) => self.defer(field, connection, parent, slot.clone()),
                        None => {
                            let _ = slot.set(Arc::new(Page::default()));
                        }
                    }
                    FieldData::Connection(slot)
                }
            };
            fields.insert(field.key.clone(), data);
        }
        Arc::new(Obj {
            node: chain.last().expect("a chain has a node").clone(),
            typename,
            fields,
        })
    }

    fn defer(
        &mut self,
        field: &'p FieldPlan,
        connection: &'p ConnectionPlan,
        parent: NamedNode,
        slot: Slot,
    ) {
        let class = self
            .model
            .types
            .get(&connection.node.declared)
            .and_then(|t| t.class.clone());
        let pending = self.next.entry(connection.id).or_insert_with(|| Pending {
            source: ListSource::Nested {
                parents: Vec::new(),
                field: field.mapping.clone(),
                class,
            },
            connection: Some(connection),
            node: &connection.node,
            slots: Vec::new(),
        });
        if let ListSource::Nested { parents, .. } = &mut pending.source {
            if !parents.contains(&parent) {
                parents.push(parent.clone());
            }
        }
        pending.slots.push((Some(parent), slot));
    }

    fn leaf(&self, field: &FieldPlan, chain: &[Term]) -> Value {
        let node = chain.last().expect("a chain has a node");
        if field.mapping.source == Source::Iri {
            return Value::String(term_text(node));
        }
        let Target::Scalar(scalar) = field.mapping.target else {
            return Value::Null;
        };
        let mut values: Vec<&Term> = self.values(field.id, chain).iter().collect();
        values.sort_by_key(|t| t.to_string());
        if field.mapping.shape == Shape::Single {
            let chosen = pick(&values, field.lang.as_deref());
            chosen.map_or(Value::Null, |t| scalar_value(scalar, t))
        } else {
            Value::List(
                values
                    .into_iter()
                    .map(|t| scalar_value(scalar, t))
                    .filter(|v| *v != Value::Null)
                    .collect(),
            )
        }
    }
}

/// Chooses one value for a single-valued field: in the requested language, else English, else
/// untagged, else the first.
fn pick<'t>(values: &[&'t Term], lang: Option<&str>) -> Option<&'t Term> {
    let language = |t: &Term| match t {
        Term::Literal(l) => l.language().map(str::to_ascii_lowercase),
        _ => None,
    };
    let matches = |t: &Term, range: &str| {
        language(t).is_some_and(|l| l == range || l.starts_with(&format!("{range}-")))
    };
    if let Some(lang) = lang.map(str::to_ascii_lowercase) {
        if let Some(t) = values.iter().find(|t| matches(t, &lang)) {
            return Some(t);
        }
    }
    values
        .iter()
        .find(|t| matches(t, "en"))
        .or_else(|| values.iter().find(|t| language(t).is_none()))
        .or_else(|| values.first())
        .copied()
}

fn term_text(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => n.as_str().to_owned(),
        Term::BlankNode(b) => format!("_:{}", b.as_str()),
        Term::Literal(l) => l.value().to_owned(),
        #[allow(unreachable_patterns)]
        other => other.to_string(),
    }
}

fn scalar_value(scalar: Scalar, term: &Term) -> Value {
    let text = term_text(term);
    match scalar {
        Scalar::Text | Scalar::Date => Value::String(text),
        Scalar::Int => text
            .trim()
            .parse::<i64>()
            .map_or(Value::Null, |n| Value::Number(n.into())),
        Scalar::Float => text
            .trim()
            .parse::<f64>()
            .ok()
            .and_then(async_graphql::Number::from_f64)
            .map_or(Value::Null, Value::Number),
        Scalar::Boolean => Value::Boolean(text == "true" || text == "1"),
    }
}

fn integer(term: &Term) -> Option<i64> {
    match term {
        Term::Literal(l) => l.value().parse().ok(),
        _ => None,
    }
}

/// A `?parent` value as the IRI it is. Parents are always IRIs, given by the query in `VALUES`;
/// Virtuoso returns such constants as plain strings once the query has an `ORDER BY`.
fn as_parent(term: &Term) -> Term {
    match term {
        Term::Literal(literal) if literal.datatype() == oxigraph::model::vocab::xsd::STRING => {
            NamedNode::new(literal.value()).map_or_else(|_| term.clone(), Term::NamedNode)
        }
        other => other.clone(),
    }
}
