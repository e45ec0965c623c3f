//! Relationship exploration for graph views: the neighbourhood of a node up to a depth, and the
//! paths of bounded length between two nodes. Both walk the graph breadth first, one SPARQL
//! query per hop for the whole frontier, over links between IRIs (classes, `rdf:type`, are not
//! links); paths walk from both ends and meet in the middle.

use super::execute::Stats;
use super::translate::distinct_select;
use crate::sparql;
use crate::store::{QueryLimits, SharedStore, StoreError};
use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{Literal, NamedNode, Term};
use oxigraph::sparql::QuerySolution;
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
    /// Whether links carry their property's English label (read only when asked for).
    pub labels: bool,
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

/// The links of the frontier nodes, in both directions, each with the frontier node it leaves
/// from (`?f`) and its property's English label.
fn hop_query(frontier: &[NamedNode], on: bool, labels: bool) -> Query {
    let (f, other, label) = (v("f"), v("n"), v("label"));
    let link = [v("s"), v("p"), v("o")];
    // Lateral: the links of each frontier node are read from its index entries, not matched
    // against every statement of the store.
    let links = lateral(
        on,
        values(&f, frontier),
        with_label(either_way(&f, &other, &link), &link[1], &label, labels),
    );
    let [s, p, o] = link;
    let mut variables = vec![f, s, p, o];
    if labels {
        variables.push(label);
    }
    distinct_select(links, variables)
}

/// The link a row holds in the given variables (subject, property, object, property label).
fn link_in(row: &QuerySolution, [s, p, o, l]: [&str; 4]) -> Option<Link> {
    let named = |name: &str| match row.get(name) {
        Some(Term::NamedNode(n)) => Some(n.clone()),
        _ => None,
    };
    let predicate = named(p)?;
    // SHACL's links (a shape's target) say how data is checked, not how things relate.
    if predicate
        .as_str()
        .starts_with(crate::shacl::vocab::NAMESPACE)
    {
        return None;
    }
    Some(Link {
        source: named(s)?,
        predicate,
        target: named(o)?,
        label: match row.get(l) {
            Some(Term::Literal(l)) => Some(l.value().to_owned()),
            _ => None,
        },
    })
}

fn values(variable: &Variable, nodes: &[NamedNode]) -> GraphPattern {
    GraphPattern::Values {
        variables: vec![variable.clone()],
        bindings: nodes
            .iter()
            .map(|n| vec![Some(GroundTerm::NamedNode(n.clone()))])
            .collect(),
    }
}

/// `right` per solution of `left` where the engine has LATERAL; a join elsewhere.
/// Without it, the join goes into each branch of a union (`A ⋈ (B ∪ C) = (A ⋈ B) ∪ (A ⋈ C)`),
/// under filters and into the required side of an optional: each branch then starts from the
/// given nodes, and Virtuoso, whose compiler fails on (or drops the filters of) the join of a
/// union of filtered branches, evaluates it.
fn lateral(on: bool, left: GraphPattern, right: GraphPattern) -> GraphPattern {
    if !on {
        return match right {
            GraphPattern::Union { left: a, right: b } => GraphPattern::Union {
                left: Box::new(lateral(false, left.clone(), *a)),
                right: Box::new(lateral(false, left, *b)),
            },
            // A filter over a union goes into each branch (`σ(B ∪ C) = σ(B) ∪ σ(C)`): Virtuoso's
            // compiler fails on a filter over a union whose branches start from given nodes.
            GraphPattern::Filter { expr, inner } => match *inner {
                GraphPattern::Union { left: a, right: b } => GraphPattern::Union {
                    left: Box::new(lateral(
                        false,
                        left.clone(),
                        GraphPattern::Filter {
                            expr: expr.clone(),
                            inner: a,
                        },
                    )),
                    right: Box::new(lateral(
                        false,
                        left,
                        GraphPattern::Filter { expr, inner: b },
                    )),
                },
                inner => GraphPattern::Filter {
                    expr,
                    inner: Box::new(lateral(false, left, inner)),
                },
            },
            // The optional part (a property's label) shares no variable with `left`.
            GraphPattern::LeftJoin {
                left: required,
                right: optional,
                expression,
            } => GraphPattern::LeftJoin {
                left: Box::new(lateral(false, left, *required)),
                right: optional,
                expression,
            },
            right => GraphPattern::Join {
                left: Box::new(left),
                right: Box::new(right),
            },
        };
    }
    GraphPattern::Lateral {
        left: Box::new(left),
        right: Box::new(right),
    }
}

/// The links between `?a` and an IRI `?b`, in either direction, as `?s ?p ?o` (never
/// `rdf:type`).
fn either_way(a: &Variable, b: &Variable, [s, p, o]: &[Variable; 3]) -> GraphPattern {
    let oriented = |subject: &Variable, object: &Variable| GraphPattern::Extend {
        inner: Box::new(GraphPattern::Extend {
            inner: Box::new(GraphPattern::Bgp {
                patterns: vec![TriplePattern {
                    subject: TermPattern::Variable(subject.clone()),
                    predicate: NamedNodePattern::Variable(p.clone()),
                    object: TermPattern::Variable(object.clone()),
                }],
            }),
            variable: s.clone(),
            expression: Expression::Variable(subject.clone()),
        }),
        variable: o.clone(),
        expression: Expression::Variable(object.clone()),
    };
    GraphPattern::Filter {
        expr: Expression::And(
            Box::new(Expression::FunctionCall(
                Function::IsIri,
                vec![Expression::Variable(b.clone())],
            )),
            Box::new(Expression::Not(Box::new(Expression::Equal(
                Box::new(Expression::Variable(p.clone())),
                Box::new(Expression::NamedNode(rdf::TYPE.into_owned())),
            )))),
        ),
        inner: Box::new(GraphPattern::Union {
            left: Box::new(oriented(a, b)),
            right: Box::new(oriented(b, a)),
        }),
    }
}

/// `pattern` with the English label of property `?p` in `?label`, when it has one (read where
/// `?p` is bound: outside, the optional part would be matched against every label first); only
/// `pattern` when labels are not `wanted`.
fn with_label(pattern: GraphPattern, p: &Variable, label: &Variable, wanted: bool) -> GraphPattern {
    if !wanted {
        return pattern;
    }
    GraphPattern::LeftJoin {
        left: Box::new(pattern),
        right: Box::new(english_label(p, label)),
        expression: None,
    }
}

/// The English labels of property `?p` in `?label`.
fn english_label(p: &Variable, label: &Variable) -> GraphPattern {
    GraphPattern::Filter {
        expr: Expression::FunctionCall(
            Function::LangMatches,
            vec![
                Expression::FunctionCall(Function::Lang, vec![Expression::Variable(label.clone())]),
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
    }
}

/// The links that join a node of `near` to a node of `far` directly (`?s1 ?p1 ?o1`) or
/// through one middle node (`?s1 ?p1 ?o1` and `?s2 ?p2 ?o2`, when `through` is set): only the
/// links on such connections, where a hop from both sides would read every link of both.
fn meet_query(
    near: &[NamedNode],
    far: &[NamedNode],
    through: bool,
    on: bool,
    labels: bool,
) -> Query {
    let (x, y, m) = (v("x"), v("y"), v("m"));
    let first = [v("s1"), v("p1"), v("o1")];
    let second = [v("s2"), v("p2"), v("o2")];
    let (l1, l2) = (v("l1"), v("l2"));
    let direct = GraphPattern::Join {
        left: Box::new(values(&y, far)),
        right: Box::new(lateral(
            on,
            values(&x, near),
            with_label(either_way(&x, &y, &first), &first[1], &l1, labels),
        )),
    };
    let mut pattern = direct;
    if through {
        let two = GraphPattern::Join {
            left: Box::new(lateral(
                on,
                values(&x, near),
                with_label(either_way(&x, &m, &first), &first[1], &l1, labels),
            )),
            right: Box::new(lateral(
                on,
                values(&y, far),
                with_label(either_way(&y, &m, &second), &second[1], &l2, labels),
            )),
        };
        pattern = GraphPattern::Union {
            left: Box::new(pattern),
            right: Box::new(two),
        };
    }
    let mut variables: Vec<Variable> = first.to_vec();
    if labels {
        variables.push(l1);
    }
    variables.extend(second);
    if labels {
        variables.push(l2);
    }
    distinct_select(pattern, variables)
}

/// The English labels of `properties`.
fn labels_query(properties: Vec<NamedNode>) -> Query {
    let (p, label) = (v("p"), v("label"));
    Query::Select {
        dataset: None,
        pattern: GraphPattern::Project {
            inner: Box::new(GraphPattern::Join {
                left: Box::new(values(&p, &properties)),
                right: Box::new(english_label(&p, &label)),
            }),
            variables: vec![p, label],
        },
        base_iri: None,
    }
}

/// Whether a query of links reads their labels: when `wanted`, and always on engines without
/// LATERAL. Virtuoso (the engine measured without it) plans the links of a meet more slowly
/// without the label's optional part than with it (79 ms against 33 ms on the seed graph);
/// Oxigraph reads them a quarter faster without it.
fn read_labels(wanted: bool, lateral: bool) -> bool {
    wanted || !lateral
}

/// The links of [`meet_query`].
async fn meet(
    store: &SharedStore,
    limits: QueryLimits,
    stats: &Stats,
    near: &[NamedNode],
    far: &[NamedNode],
    through: bool,
    labels: bool,
) -> Result<BTreeSet<Link>, StoreError> {
    let on = store.supports_lateral().await;
    let query = meet_query(near, far, through, on, read_labels(labels, on));
    stats.record(&query);
    let rows = sparql::select(store, query, limits).await?;
    let mut links = BTreeMap::new();
    for row in &rows {
        for variables in [["s1", "p1", "o1", "l1"], ["s2", "p2", "o2", "l2"]] {
            if let Some(link) = link_in(row, variables) {
                // One label per link: several English labels would repeat it.
                links
                    .entry((
                        link.source.clone(),
                        link.predicate.clone(),
                        link.target.clone(),
                    ))
                    .or_insert(link);
            }
        }
    }
    Ok(links.into_values().collect())
}

/// The query of one hop from `frontier` (at most `limit` links), and whether the labels of the
/// links' properties are to be read apart. With LATERAL (Oxigraph), the links are read bare and
/// the labels of their few properties after: a hub's thousands of links would each look their
/// property's label up.
fn hop_request(
    frontier: &[NamedNode],
    lateral: bool,
    labels: bool,
    limit: Option<usize>,
) -> (Query, bool) {
    let apart = labels && lateral;
    let mut query = hop_query(frontier, lateral, read_labels(labels, lateral) && !apart);
    if let (Some(limit), Query::Select { pattern, .. }) = (limit, &mut query) {
        let inner = std::mem::replace(
            pattern,
            GraphPattern::Bgp {
                patterns: Vec::new(),
            },
        );
        *pattern = GraphPattern::Slice {
            inner: Box::new(inner),
            start: 0,
            length: Some(limit),
        };
    }
    (query, apart)
}

/// How many links the first hop of a neighbourhood reads: one hop from one node reads at most a
/// few links per node kept. A hub has many more, and which of its neighbours are kept is then the
/// first of its links the store gives.
fn first_hop_limit(bounds: Bounds) -> Option<usize> {
    (bounds.depth == 1).then(|| bounds.max_nodes.saturating_mul(8).max(64))
}

/// How a path of at most `max_length` links between `from` and `to` is walked: how far from each
/// end before the query that meets (the last of each side's links is found by that query, so
/// each side walks one hop short of its half), and whether the meeting goes through a middle
/// node (the far side's half is not empty).
fn path_sides<'a>(
    from: &'a NamedNode,
    to: &'a NamedNode,
    max_length: u32,
) -> ([(&'a NamedNode, u32); 2], bool) {
    let near = max_length.div_ceil(2);
    let far = max_length - near;
    (
        [(from, near.saturating_sub(1)), (to, far.saturating_sub(1))],
        far > 0,
    )
}

/// The first query a walk planned as `plan` sends, on an engine with or without LATERAL: the
/// first hop of a neighbourhood, or for paths the hop from both ends (or, for paths of at most
/// two links, the query that meets). The golden tests show it.
#[cfg(test)]
pub(crate) fn first_query(plan: &super::plan::WalkPlan, lateral: bool) -> Query {
    let bounds = plan.bounds;
    match &plan.end {
        None => {
            hop_request(
                std::slice::from_ref(&plan.start),
                lateral,
                bounds.labels,
                first_hop_limit(bounds),
            )
            .0
        }
        Some(end) => {
            let (sides, through) = path_sides(&plan.start, end, bounds.depth);
            // The first round of the walk from both ends hops from the sides that walk at all.
            let frontier: Vec<NamedNode> = sides
                .iter()
                .filter(|(_, hops)| *hops >= 1)
                .map(|(node, _)| (*node).clone())
                .collect();
            if frontier.is_empty() {
                meet_query(
                    std::slice::from_ref(&plan.start),
                    std::slice::from_ref(end),
                    through,
                    lateral,
                    read_labels(bounds.labels, lateral),
                )
            } else {
                hop_request(&frontier, lateral, bounds.labels, None).0
            }
        }
    }
}

/// One hop from `frontier`: the links found, keyed by the frontier node they leave from.
async fn hop(
    store: &SharedStore,
    limits: QueryLimits,
    stats: &Stats,
    frontier: &[NamedNode],
    labels: bool,
    limit: Option<usize>,
) -> Result<Vec<(NamedNode, Link)>, StoreError> {
    if frontier.is_empty() {
        return Ok(Vec::new());
    }
    let on = store.supports_lateral().await;
    let (query, apart) = hop_request(frontier, on, labels, limit);
    stats.record(&query);
    let rows = sparql::select(store, query, limits).await?;
    let mut links = Vec::new();
    for row in &rows {
        let from = match row.get("f") {
            Some(Term::NamedNode(n)) => n.clone(),
            _ => continue,
        };
        if let Some(link) = link_in(row, ["s", "p", "o", "label"]) {
            links.push((from, link));
        }
    }
    if apart && !links.is_empty() {
        let properties: BTreeSet<NamedNode> =
            links.iter().map(|(_, l)| l.predicate.clone()).collect();
        let query = labels_query(properties.into_iter().collect());
        stats.record(&query);
        let mut named: HashMap<NamedNode, String> = HashMap::new();
        for row in sparql::select(store, query, limits).await? {
            if let (Some(Term::NamedNode(p)), Some(Term::Literal(l))) =
                (row.get("p"), row.get("label"))
            {
                let label = named
                    .entry(p.clone())
                    .or_insert_with(|| l.value().to_owned());
                // The least of several English labels, as the join would keep after sorting.
                if l.value() < label.as_str() {
                    *label = l.value().to_owned();
                }
            }
        }
        for (_, link) in &mut links {
            link.label = named.get(&link.predicate).cloned();
        }
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
    let limit = first_hop_limit(bounds);
    let mut walks = walk_all(
        store,
        limits,
        stats,
        &[(start, bounds.depth)],
        bounds,
        limit,
    )
    .await?;
    Ok(walks.pop().unwrap_or_default())
}

/// The links that can lie on a path of at most `bounds.depth` links between `from` and `to`.
/// The walks from both ends meet in the middle: each side walks up to one hop short of half the
/// length (both sides' hops in one query per round), then one query reads only the links that
/// join the two sides directly or through one middle node. A walk of the whole length from one
/// end would read every link of every node on the way, hubs included.
pub async fn walk_between(
    store: &SharedStore,
    limits: QueryLimits,
    stats: &Stats,
    from: &NamedNode,
    to: &NamedNode,
    bounds: Bounds,
) -> Result<Walk, StoreError> {
    let max_length = bounds.depth;
    let mut merged = Walk::default();
    merged.distances.insert(from.clone(), 0);
    if max_length == 0 {
        return Ok(merged);
    }
    // A path of `max_length` links: `near` links from `from`'s side, `far` from `to`'s.
    let (sides, through) = path_sides(from, to, max_length);
    let walks = walk_all(store, limits, stats, &sides, bounds, None).await?;
    let reached = |walk: &Walk| walk.distances.keys().cloned().collect::<Vec<_>>();
    let middle = meet(
        store,
        limits,
        stats,
        &reached(&walks[0]),
        &reached(&walks[1]),
        through,
        bounds.labels,
    )
    .await?;
    for walk in walks {
        for (node, distance) in walk.distances {
            merged.distances.entry(node).or_insert(distance);
        }
        merged.links.extend(walk.links);
    }
    for link in &middle {
        for end in [&link.source, &link.target] {
            merged.distances.entry(end.clone()).or_insert(max_length);
        }
    }
    merged.links.extend(middle);
    Ok(merged)
}

/// Breadth-first walks from several starts, each to its own depth, with one query per round
/// for the frontiers of every walk still going.
async fn walk_all(
    store: &SharedStore,
    limits: QueryLimits,
    stats: &Stats,
    starts: &[(&NamedNode, u32)],
    bounds: Bounds,
    first_hop_limit: Option<usize>,
) -> Result<Vec<Walk>, StoreError> {
    struct Side {
        walk: Walk,
        depth: u32,
        frontier: BTreeSet<NamedNode>,
        pending: Vec<Link>,
    }
    let mut sides: Vec<Side> = starts
        .iter()
        .map(|(start, depth)| {
            let mut walk = Walk::default();
            walk.distances.insert((*start).clone(), 0);
            Side {
                walk,
                depth: *depth,
                frontier: BTreeSet::from([(*start).clone()]),
                pending: Vec::new(),
            }
        })
        .collect();
    let rounds = starts.iter().map(|(_, depth)| *depth).max().unwrap_or(0);
    for distance in 1..=rounds {
        let going = |side: &Side| side.depth >= distance;
        let frontier: BTreeSet<NamedNode> = sides
            .iter()
            .filter(|side| going(side))
            .flat_map(|side| side.frontier.iter().cloned())
            .collect();
        let frontier: Vec<NamedNode> = frontier.into_iter().collect();
        let limit = first_hop_limit.filter(|_| distance == 1 && frontier.len() == 1);
        let links = hop(store, limits, stats, &frontier, bounds.labels, limit).await?;
        for side in sides.iter_mut().filter(|side| going(side)) {
            let mut next = BTreeSet::new();
            for (from, link) in &links {
                if !side.frontier.contains(from) {
                    continue;
                }
                let other = if link.source == *from {
                    &link.target
                } else {
                    &link.source
                };
                if !side.walk.distances.contains_key(other)
                    && side.walk.distances.len() < bounds.max_nodes
                {
                    side.walk.distances.insert(other.clone(), distance);
                    next.insert(other.clone());
                }
                side.pending.push(link.clone());
            }
            side.frontier = next;
        }
    }
    Ok(sides
        .into_iter()
        .map(|side| {
            let Side {
                mut walk, pending, ..
            } = side;
            // Links whose both ends were kept.
            walk.links = pending
                .into_iter()
                .filter(|l| {
                    walk.distances.contains_key(&l.source) && walk.distances.contains_key(&l.target)
                })
                .collect();
            walk
        })
        .collect())
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The queries of walks, with and without LATERAL, against `tests/golden/explore/NAME.rq`
    /// (`KGQL_BLESS=1` rewrites them).
    #[test]
    fn walks_compile_to_their_golden_sparql() {
        let wic = NamedNode::new_unchecked("https://w3id.org/kgql/id/org/wic");
        let itu = NamedNode::new_unchecked("https://w3id.org/kgql/id/org/itu");
        let about = NamedNode::new_unchecked("http://schema.org/about");
        let near = [wic.clone()];
        let far = [itu.clone()];
        let cases = [
            ("hop", hop_query(&near, true, false)),
            ("hop.labels.no-lateral", hop_query(&near, false, true)),
            ("meet", meet_query(&near, &far, false, true, false)),
            ("meet.through", meet_query(&near, &far, true, true, false)),
            (
                "meet.through.labels.no-lateral",
                meet_query(&near, &far, true, false, true),
            ),
            ("labels", labels_query(vec![about])),
        ];
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/explore");
        let bless = std::env::var_os("KGQL_BLESS").is_some();
        for (name, query) in cases {
            let text = crate::graphql::tests::pretty(&query.to_string());
            spargebra::SparqlParser::new()
                .parse_query(&text)
                .unwrap_or_else(|e| panic!("{name}: {e}\n{text}"));
            let golden = dir.join(format!("{name}.rq"));
            if bless {
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(&golden, format!("{text}\n")).unwrap();
            } else {
                let expected = std::fs::read_to_string(&golden).unwrap_or_else(|_| {
                    panic!("{} is missing (KGQL_BLESS=1 writes it)", golden.display())
                });
                assert_eq!(text.trim_end(), expected.trim_end(), "{name}");
            }
        }
    }
}
