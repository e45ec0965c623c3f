//! Relationship exploration for graph views: the neighbourhood of a node up to a depth, and the
//! paths of bounded length between two nodes. Both walk the graph breadth first, one SPARQL
//! query per hop for the whole frontier, over links between IRIs (classes, `rdf:type`, are not
//! links).

use super::execute::Stats;
use crate::sparql;
use crate::store::{QueryLimits, SharedStore, StoreError};
use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{Literal, NamedNode, Term};
use spargebra::algebra::{Expression, Function, GraphPattern};
use spargebra::term::{GroundTerm, NamedNodePattern, TermPattern, TriplePattern, Variable};
use spargebra::Query;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A link between two nodes.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Link {
    /// The subject.
    pub source: NamedNode,
    /// The property.
    pub predicate: NamedNode,
    /// The object.
    pub target: NamedNode,
    /// The property's English label, if the ontology gives one.
    pub label: Option<String>,
}

/// How far the walk may go.
#[derive(Clone, Copy, Debug)]
pub struct Bounds {
    /// Hops.
    pub depth: u32,
    /// Nodes kept at most.
    pub max_nodes: usize,
}

/// Nodes (with their distance from the start) and the links between them.
#[derive(Debug, Default)]
pub struct Walk {
    /// Every node reached, with its distance.
    pub distances: BTreeMap<NamedNode, u32>,
    /// The links between reached nodes.
    pub links: BTreeSet<Link>,
}

fn v(name: &str) -> Variable {
    Variable::new_unchecked(name)
}

/// The links of the frontier nodes, in both directions.
fn hop_query(frontier: &[NamedNode]) -> Query {
    let (f, s, p, o, label) = (v("f"), v("s"), v("p"), v("o"), v("label"));
    let triple = |subject: &Variable, object: &Variable| GraphPattern::Bgp {
        patterns: vec![TriplePattern {
            subject: TermPattern::Variable(subject.clone()),
            predicate: NamedNodePattern::Variable(p.clone()),
            object: TermPattern::Variable(object.clone()),
        }],
    };
    let is_iri = |x: &Variable| {
        Expression::FunctionCall(Function::IsIri, vec![Expression::Variable(x.clone())])
    };
    // { ?f ?p ?o BIND(?f AS ?s) FILTER(isIRI(?o)) } UNION { ?s ?p ?f BIND(?f AS ?o) FILTER(isIRI(?s)) }
    let outgoing = GraphPattern::Filter {
        expr: is_iri(&o),
        inner: Box::new(GraphPattern::Extend {
            inner: Box::new(triple(&f, &o)),
            variable: s.clone(),
            expression: Expression::Variable(f.clone()),
        }),
    };
    let incoming = GraphPattern::Filter {
        expr: is_iri(&s),
        inner: Box::new(GraphPattern::Extend {
            inner: Box::new(triple(&s, &f)),
            variable: o.clone(),
            expression: Expression::Variable(f.clone()),
        }),
    };
    let links = GraphPattern::Join {
        left: Box::new(GraphPattern::Values {
            variables: vec![f.clone()],
            bindings: frontier
                .iter()
                .map(|n| vec![Some(GroundTerm::NamedNode(n.clone()))])
                .collect(),
        }),
        right: Box::new(GraphPattern::Union {
            left: Box::new(outgoing),
            right: Box::new(incoming),
        }),
    };
    let links = GraphPattern::Filter {
        expr: Expression::Not(Box::new(Expression::Equal(
            Box::new(Expression::Variable(p.clone())),
            Box::new(Expression::NamedNode(rdf::TYPE.into_owned())),
        ))),
        inner: Box::new(links),
    };
    let labelled = GraphPattern::LeftJoin {
        left: Box::new(links),
        right: Box::new(GraphPattern::Filter {
            expr: Expression::FunctionCall(
                Function::LangMatches,
                vec![
                    Expression::FunctionCall(
                        Function::Lang,
                        vec![Expression::Variable(label.clone())],
                    ),
                    Expression::Literal(Literal::new_simple_literal("en")),
                ],
            ),
            inner: Box::new(GraphPattern::Bgp {
                patterns: vec![TriplePattern {
                    subject: TermPattern::Variable(p.clone()),
                    predicate: NamedNodePattern::NamedNode(rdfs::LABEL.into_owned()),
                    object: TermPattern::Variable(label.clone()),
                }],
            }),
        }),
        expression: None,
    };
    Query::Select {
        dataset: None,
        pattern: GraphPattern::Distinct {
            inner: Box::new(GraphPattern::Project {
                inner: Box::new(labelled),
                variables: vec![f, s, p, o, label],
            }),
        },
        base_iri: None,
    }
}

/// One hop from `frontier`: the links found, keyed by the frontier node they leave from.
async fn hop(
    store: &SharedStore,
    limits: QueryLimits,
    stats: &Stats,
    frontier: &[NamedNode],
) -> Result<Vec<(NamedNode, Link)>, StoreError> {
    if frontier.is_empty() {
        return Ok(Vec::new());
    }
    let query = hop_query(frontier);
    stats.record(&query);
    let rows = sparql::select(store, query, limits).await?;
    let mut links = Vec::new();
    for row in rows {
        let named = |name: &str| match row.get(name) {
            Some(Term::NamedNode(n)) => Some(n.clone()),
            _ => None,
        };
        let (Some(from), Some(source), Some(predicate), Some(target)) =
            (named("f"), named("s"), named("p"), named("o"))
        else {
            continue;
        };
        let label = match row.get("label") {
            Some(Term::Literal(l)) => Some(l.value().to_owned()),
            _ => None,
        };
        links.push((
            from,
            Link {
                source,
                predicate,
                target,
                label,
            },
        ));
    }
    // One label per link: several English labels would repeat a link.
    links.sort();
    links.dedup_by(|a, b| {
        a.0 == b.0
            && a.1.source == b.1.source
            && a.1.predicate == b.1.predicate
            && a.1.target == b.1.target
    });
    Ok(links)
}

/// Walks breadth first from `start`, up to `bounds`.
pub async fn walk(
    store: &SharedStore,
    limits: QueryLimits,
    stats: &Stats,
    start: &NamedNode,
    bounds: Bounds,
) -> Result<Walk, StoreError> {
    let mut walk = Walk::default();
    walk.distances.insert(start.clone(), 0);
    let mut frontier = vec![start.clone()];
    let mut pending = Vec::new();
    for distance in 1..=bounds.depth {
        let mut next = Vec::new();
        for (from, link) in hop(store, limits, stats, &frontier).await? {
            let other = if link.source == from {
                link.target.clone()
            } else {
                link.source.clone()
            };
            if !walk.distances.contains_key(&other) && walk.distances.len() < bounds.max_nodes {
                walk.distances.insert(other.clone(), distance);
                next.push(other);
            }
            pending.push(link);
        }
        frontier = next;
    }
    // Links whose both ends were kept.
    walk.links = pending
        .into_iter()
        .filter(|l| {
            walk.distances.contains_key(&l.source) && walk.distances.contains_key(&l.target)
        })
        .collect();
    Ok(walk)
}

/// The simple paths from `from` to `to` of at most `max_length` links, shortest first, then in
/// the order of their links; at most `first`. Paths are enumerated one length at a time, so the
/// shortest are never crowded out by longer ones.
pub fn paths(
    walk: &Walk,
    from: &NamedNode,
    to: &NamedNode,
    max_length: u32,
    first: usize,
) -> Vec<Vec<Link>> {
    let mut adjacent: HashMap<&NamedNode, Vec<(&NamedNode, &Link)>> = HashMap::new();
    for link in &walk.links {
        adjacent
            .entry(&link.source)
            .or_default()
            .push((&link.target, link));
        adjacent
            .entry(&link.target)
            .or_default()
            .push((&link.source, link));
    }
    /// Collects the paths of exactly `length` links from `node` to `to`, up to `room` of them.
    struct Search<'a, 'w> {
        to: &'a NamedNode,
        adjacent: &'a HashMap<&'w NamedNode, Vec<(&'w NamedNode, &'w Link)>>,
        path: Vec<&'w Link>,
        on_path: Vec<&'w NamedNode>,
        found: Vec<Vec<Link>>,
        room: usize,
    }
    impl<'w> Search<'_, 'w> {
        fn run(&mut self, node: &'w NamedNode, length: usize) {
            if self.found.len() >= self.room {
                return;
            }
            if self.path.len() == length {
                if node == self.to {
                    self.found
                        .push(self.path.iter().map(|l| (*l).clone()).collect());
                }
                return;
            }
            let Some(next) = self.adjacent.get(node) else {
                return;
            };
            for &(neighbour, link) in next {
                if self.on_path.contains(&neighbour) {
                    continue;
                }
                self.path.push(link);
                self.on_path.push(neighbour);
                self.run(neighbour, length);
                self.path.pop();
                self.on_path.pop();
            }
        }
    }
    let mut found = Vec::new();
    for length in 1..=max_length as usize {
        if found.len() >= first {
            break;
        }
        let mut search = Search {
            to,
            adjacent: &adjacent,
            path: Vec::new(),
            on_path: vec![from],
            found: Vec::new(),
            room: first - found.len(),
        };
        search.run(from, length);
        let mut of_length = search.found;
        of_length.sort();
        found.extend(of_length);
    }
    found
}

/// The nodes a path visits, from its start.
pub fn path_nodes(from: &NamedNode, links: &[Link]) -> Vec<NamedNode> {
    let mut nodes = vec![from.clone()];
    for link in links {
        let last = nodes.last().expect("a path starts somewhere").clone();
        nodes.push(if link.source == last {
            link.target.clone()
        } else {
            link.source.clone()
        });
    }
    nodes
}
