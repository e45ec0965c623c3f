//! From plans to SPARQL algebra: one query per level of a request. Pure: no I/O.
//!
//! A level query reads, for each list of the level (a root field, or one nested connection
//! for all its parents at once), the page of nodes and every field selected on them down to the
//! next nested connection. Its rows are `(?conn, ?parent, ?node, ?key, ?x1…?xN, ?value,
//! ?total)`: `?key` names the selected field a row carries a value of, `?x1…` the nodes between
//! the page's node and that value. Pages of nested lists are cut per parent with `LATERAL`.
//! Values from the request (IRIs, strings, numbers) enter only as terms of the algebra.

use super::model::{FieldMapping, Scalar, Source};
use super::plan::{Child, ConnectionPlan, Filter, Literal, OrderKey, Selection, Test, Window};
use crate::index_model::{Hit, SEARCHED};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{Literal as RdfLiteral, NamedNode};
use spargebra::algebra::{
    AggregateExpression, AggregateFunction, Expression, Function, GraphPattern, OrderExpression,
    PropertyPathExpression,
};
use spargebra::term::{GroundTerm, NamedNodePattern, TermPattern, TriplePattern, Variable};
use spargebra::Query;

mod filter;
mod search;

use filter::*;
use search::*;

/// Where the nodes of a list come from.
#[derive(Clone, Debug)]
pub enum ListSource {
    /// Every node of a class (`None`: every node with a class).
    Class(Option<NamedNode>),
    /// These nodes, if they have the class (`None`: if they are described at all).
    Nodes(Vec<NamedNode>, Option<NamedNode>),
    /// The nodes whose labels, alternative labels or descriptions contain a text, best first.
    Search {
        /// The text, matched without regard to case.
        text: String,
        /// The classes a node must have one of (none: any node).
        classes: Vec<NamedNode>,
        /// How many.
        limit: u64,
        /// The hits, best first, when a full-text index found them; `None`: the query scans.
        hits: Option<Vec<Hit>>,
    },
    /// A page of a class's nodes that the store's index found, in order, and the number of
    /// nodes in the whole list.
    Indexed {
        /// The page's nodes (one more than shown when more follow), in page order.
        nodes: Vec<NamedNode>,
        /// The number of nodes in the whole list.
        total: u64,
    },
    /// The nodes a field leads to from each of these parents.
    Nested {
        /// The parents.
        parents: Vec<NamedNode>,
        /// The field.
        field: FieldMapping,
        /// The class of the listed nodes, if the field's type has one.
        class: Option<NamedNode>,
    },
}

/// One list read by a level query.
#[derive(Clone, Debug)]
pub struct ListJob<'p> {
    /// Where the nodes come from.
    pub source: ListSource,
    /// The connection plan (`None` for lookups: no filter, no order, no window).
    pub connection: Option<&'p ConnectionPlan>,
    /// The selection on the nodes.
    pub node: &'p Selection,
}

/// The variable names of level queries.
pub mod var {
    /// The list a row belongs to.
    pub const CONN: &str = "conn";
    /// The parent node of a nested list.
    pub const PARENT: &str = "parent";
    /// A node of the page.
    pub const NODE: &str = "node";
    /// The selected field a row carries.
    pub const KEY: &str = "key";
    /// The value.
    pub const VALUE: &str = "value";
    /// The number of nodes in the whole list.
    pub const TOTAL: &str = "total";
    /// How well a search hit matches.
    pub const SCORE: &str = "score";
    /// The text a search hit matched.
    pub const MATCHED: &str = "matched";
}

fn v(name: &str) -> Variable {
    Variable::new_unchecked(name)
}

/// The variable of the node at `depth` below the page's node (0 is the node itself).
pub fn chain_var(depth: usize) -> Variable {
    if depth == 0 {
        v(var::NODE)
    } else {
        v(&format!("x{depth}"))
    }
}

/// What the target engine understands, beyond SPARQL 1.1.
#[derive(Clone, Copy, Debug)]
pub struct Dialect {
    /// `LATERAL` (SEP-0006): pages' fields are read per node, nested pages cut per parent.
    /// Without it, fields are joined and each parent's page is a sub-query of its own.
    pub lateral: bool,
}

impl Default for Dialect {
    fn default() -> Self {
        Self { lateral: true }
    }
}

/// Builds patterns with fresh variable names.
struct Builder {
    fresh: usize,
    max_depth: usize,
    dialect: Dialect,
}

impl Builder {
    fn fresh(&mut self) -> Variable {
        self.fresh += 1;
        v(&format!("f{}", self.fresh))
    }
}

fn bgp(subject: TermPattern, predicate: NamedNode, object: TermPattern) -> GraphPattern {
    GraphPattern::Bgp {
        patterns: vec![TriplePattern {
            subject,
            predicate: NamedNodePattern::NamedNode(predicate),
            object,
        }],
    }
}

/// `subject path object`, as a triple pattern when the path is one property.
pub fn path_pattern(
    subject: impl Into<TermPattern>,
    path: &PropertyPathExpression,
    object: impl Into<TermPattern>,
) -> GraphPattern {
    let (subject, object) = (subject.into(), object.into());
    match path {
        PropertyPathExpression::NamedNode(p) => bgp(subject, p.clone(), object),
        PropertyPathExpression::Reverse(inner) => match inner.as_ref() {
            PropertyPathExpression::NamedNode(p) => bgp(object, p.clone(), subject),
            _ => GraphPattern::Path {
                subject,
                path: path.clone(),
                object,
            },
        },
        _ => GraphPattern::Path {
            subject,
            path: path.clone(),
            object,
        },
    }
}

fn join(left: GraphPattern, right: GraphPattern) -> GraphPattern {
    match (&left, &right) {
        (GraphPattern::Bgp { patterns }, _) if patterns.is_empty() => right,
        (_, GraphPattern::Bgp { patterns }) if patterns.is_empty() => left,
        _ => GraphPattern::Join {
            left: Box::new(left),
            right: Box::new(right),
        },
    }
}

/// `right` evaluated once per solution of `left`, with its bindings substituted: how the fields
/// of a page are read for the nodes of that page only (a join would read them for every node of
/// the store and match afterwards).
fn for_each(dialect: Dialect, left: GraphPattern, right: GraphPattern) -> GraphPattern {
    if !dialect.lateral {
        return join(left, right);
    }
    GraphPattern::Lateral {
        left: Box::new(left),
        right: Box::new(right),
    }
}

/// A page (a sub-query cut by LIMIT) with the fields of its nodes: read per page node where
/// the engine has LATERAL. Elsewhere the fields are an OPTIONAL part: their union always has a
/// branch that only binds `?key`, so every page row matches it and the left join has the same
/// solutions as a join; engines that move a join into a limited sub-query (Virtuoso) cut the page
/// after joining it, but keep the page of an OPTIONAL.
fn page_with_fields(dialect: Dialect, page: GraphPattern, fields: GraphPattern) -> GraphPattern {
    if dialect.lateral {
        return for_each(dialect, page, fields);
    }
    GraphPattern::LeftJoin {
        left: Box::new(page),
        right: Box::new(fields),
        expression: None,
    }
}

fn empty() -> GraphPattern {
    GraphPattern::Bgp {
        patterns: Vec::new(),
    }
}

fn union(mut parts: Vec<GraphPattern>) -> GraphPattern {
    let Some(mut result) = parts.pop() else {
        return empty();
    };
    while let Some(part) = parts.pop() {
        result = GraphPattern::Union {
            left: Box::new(part),
            right: Box::new(result),
        };
    }
    result
}

fn int(value: i64) -> Expression {
    Expression::Literal(RdfLiteral::from(value))
}

fn string(value: &str) -> Expression {
    Expression::Literal(RdfLiteral::new_simple_literal(value))
}

fn call(function: Function, arguments: Vec<Expression>) -> Expression {
    Expression::FunctionCall(function, arguments)
}

fn str_of(variable: &Variable) -> Expression {
    call(Function::Str, vec![Expression::Variable(variable.clone())])
}

fn class_pattern(node: &Variable, class: &NamedNode) -> GraphPattern {
    bgp(
        node.clone().into(),
        rdf::TYPE.into_owned(),
        class.clone().into(),
    )
}

/// The pattern that reaches the values of `field` from `subject` into `object`.
fn field_pattern(
    builder: &mut Builder,
    subject: &Variable,
    field: &FieldMapping,
    object: &Variable,
) -> GraphPattern {
    match &field.source {
        Source::Path(path) => path_pattern(subject.clone(), path, object.clone()),
        // The planner reads IRIs from the nodes themselves and filters them with `IriIn`; no
        // pattern ever reaches a node's IRI through a field.
        Source::Iri => unreachable!("the IRI of a node is not read through a pattern"),
        Source::StatementProperty(Some(property)) => GraphPattern::Extend {
            inner: Box::new(empty()),
            variable: object.clone(),
            expression: Expression::NamedNode(property.clone()),
        },
        // Planned away (`facts` becomes its property's path), or read with the statement's
        // subject (`branches`): nothing is reached from the node alone.
        Source::Facts | Source::StatementProperty(None) | Source::StatedIn(_) => {
            GraphPattern::Values {
                variables: Vec::new(),
                bindings: Vec::new(),
            }
        }
        Source::Graphs => {
            let (p, o) = (builder.fresh(), builder.fresh());
            GraphPattern::Graph {
                name: NamedNodePattern::Variable(object.clone()),
                inner: Box::new(GraphPattern::Bgp {
                    patterns: vec![TriplePattern {
                        subject: subject.clone().into(),
                        predicate: NamedNodePattern::Variable(p),
                        object: o.into(),
                    }],
                }),
            }
        }
    }
}

/// The branches that read the selected fields of the nodes in `chain_var(depth)`.
fn branches(
    builder: &mut Builder,
    selection: &Selection,
    depth: usize,
    class_of: &dyn Fn(&str) -> Option<NamedNode>,
    out: &mut Vec<GraphPattern>,
) {
    builder.max_depth = builder.max_depth.max(depth);
    let subject = chain_var(depth);
    let keyed = |pattern: GraphPattern, key: u32| GraphPattern::Extend {
        inner: Box::new(pattern),
        variable: v(var::KEY),
        expression: int(i64::from(key)),
    };
    if selection.needs_types {
        out.push(keyed(
            bgp(
                subject.clone().into(),
                rdf::TYPE.into_owned(),
                v(var::VALUE).into(),
            ),
            selection.id,
        ));
    }
    for field in &selection.fields {
        match &field.child {
            Child::Leaf => {
                if field.mapping.source == Source::Iri {
                    continue; // The IRI is the node itself.
                }
                let mut pattern = field_pattern(builder, &subject, &field.mapping, &v(var::VALUE));
                if let Some(lang) = &field.lang {
                    if field.mapping.shape != super::model::Shape::Single {
                        pattern = GraphPattern::Filter {
                            expr: test_expression(
                                &v(var::VALUE),
                                Scalar::Text,
                                &Test::Lang(lang.clone()),
                            ),
                            inner: Box::new(pattern),
                        };
                    }
                }
                out.push(keyed(pattern, field.id));
            }
            Child::Nodes(child) => {
                let object = chain_var(depth + 1);
                // The graphs that make a statement: its subject is the node above the statement's
                // value, and stays in the row.
                let statement_subject = match &field.mapping.source {
                    Source::StatedIn(Some(property)) if depth > 0 => {
                        Some((chain_var(depth - 1), property))
                    }
                    _ => None,
                };
                let mut reach = match &statement_subject {
                    Some((above, property)) => GraphPattern::Graph {
                        name: NamedNodePattern::Variable(object.clone()),
                        inner: Box::new(bgp(
                            above.clone().into(),
                            (*property).clone(),
                            subject.clone().into(),
                        )),
                    },
                    None => field_pattern(builder, &subject, &field.mapping, &object),
                };
                if let Some(class) = class_of(&child.declared) {
                    reach = join(reach, class_pattern(&object, &class));
                }
                // The related node is the value; the row keeps only its subject (the chain
                // above comes from the enclosing pattern: a sub-query projecting variables it
                // does not bind would join on unbound values, which Virtuoso matches to none).
                let mut visible = vec![subject.clone(), v(var::VALUE), v(var::KEY)];
                if let Some((above, _)) = statement_subject {
                    visible.push(above);
                }
                out.push(GraphPattern::Project {
                    inner: Box::new(keyed(
                        GraphPattern::Extend {
                            inner: Box::new(reach.clone()),
                            variable: v(var::VALUE),
                            expression: Expression::Variable(object.clone()),
                        },
                        field.id,
                    )),
                    variables: visible,
                });
                let mut inner = Vec::new();
                branches(builder, child, depth + 1, class_of, &mut inner);
                if !inner.is_empty() {
                    out.push(for_each(builder.dialect, reach, union(inner)));
                }
            }
            Child::Connection(_) => {} // Read by the next level.
        }
    }
}

/// The sort value of one order key, read into `target`.
fn sort_pattern(
    builder: &mut Builder,
    node: &Variable,
    key: &OrderKey,
    target: &Variable,
) -> Option<GraphPattern> {
    let field = key.field.as_ref()?;
    let pattern = field_pattern(builder, node, field, target);
    let is_label = matches!(
        &field.source,
        Source::Path(PropertyPathExpression::Alternative(..))
    ) && field.name == "label";
    Some(if is_label {
        // Labels sort by their English (or untagged) form.
        GraphPattern::Filter {
            expr: Expression::Or(
                Box::new(test_expression(
                    target,
                    Scalar::Text,
                    &Test::Lang("en".to_owned()),
                )),
                Box::new(Expression::Equal(
                    Box::new(call(
                        Function::Lang,
                        vec![Expression::Variable(target.clone())],
                    )),
                    Box::new(string("")),
                )),
            ),
            inner: Box::new(pattern),
        }
    } else {
        pattern
    })
}

fn sort_value(key: &OrderKey, variable: &Variable) -> Expression {
    match key.field.as_ref().and_then(|f| match &f.target {
        super::model::Target::Scalar(s) => Some(*s),
        super::model::Target::Node(_) => None,
    }) {
        Some(Scalar::Int | Scalar::Float) => Expression::Variable(variable.clone()),
        _ => str_of(variable),
    }
}

/// How a list's page is cut.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cut {
    /// Rows skipped.
    pub offset: u64,
    /// Rows read (one more than shown, to know whether more follow).
    pub limit: Option<u64>,
    /// Read from the end of the list (`last` without `before`).
    pub reversed: bool,
}

/// Where a window's page starts and how many rows to read.
pub fn cut(window: &Window) -> Cut {
    match (window.end, window.last) {
        (Some(end), Some(last)) => {
            let start = window.start.max(end.saturating_sub(last));
            Cut {
                offset: start,
                limit: Some(end.saturating_sub(start) + 1),
                reversed: false,
            }
        }
        (Some(end), None) => Cut {
            offset: window.start,
            limit: Some(end.saturating_sub(window.start) + 1),
            reversed: false,
        },
        (None, Some(last)) => Cut {
            offset: 0,
            limit: Some(last + 1),
            reversed: true,
        },
        (None, None) => Cut {
            offset: window.start,
            limit: None,
            reversed: false,
        },
    }
}

/// The pattern matching every node of a list (before its page is cut) in `?node`.
fn list_pattern(
    builder: &mut Builder,
    job: &ListJob<'_>,
    class_of: &dyn Fn(&str) -> Option<NamedNode>,
) -> GraphPattern {
    let node = v(var::NODE);
    let mut pattern = match &job.source {
        ListSource::Class(Some(class)) => class_pattern(&node, class),
        ListSource::Class(None) => {
            let class = builder.fresh();
            bgp(node.clone().into(), rdf::TYPE.into_owned(), class.into())
        }
        ListSource::Nodes(nodes, class) => {
            let values = GraphPattern::Values {
                variables: vec![node.clone()],
                bindings: nodes
                    .iter()
                    .map(|n| vec![Some(GroundTerm::NamedNode(n.clone()))])
                    .collect(),
            };
            let check = match class {
                Some(class) => class_pattern(&node, class),
                None => {
                    let (p, o) = (builder.fresh(), builder.fresh());
                    GraphPattern::Bgp {
                        patterns: vec![TriplePattern {
                            subject: node.clone().into(),
                            predicate: NamedNodePattern::Variable(p),
                            object: o.into(),
                        }],
                    }
                }
            };
            // The nodes that have the class (or any statement): a test per given node, not a
            // scan of the class.
            GraphPattern::Filter {
                expr: Expression::Exists(Box::new(check)),
                inner: Box::new(values),
            }
        }
        ListSource::Search { .. } => search_pattern(builder, job),
        // Already filtered.
        ListSource::Indexed { .. } => return indexed_page(job),
        ListSource::Nested { field, class, .. } => {
            let mut pattern = field_pattern(builder, &v(var::PARENT), field, &node);
            if let Some(class) = class {
                pattern = join(pattern, class_pattern(&node, class));
            }
            pattern
        }
    };
    if let Some(filter) = job.connection.and_then(|c| c.list.filter.as_ref()) {
        pattern = GraphPattern::Filter {
            expr: filter_expression(builder, &node, filter, class_of),
            inner: Box::new(pattern),
        };
    }
    pattern
}

/// The order of list `index`'s page: its keys (the IRI for an `iri` key, the aggregated sort
/// variable otherwise), reversed when the page is read from the end, then the IRI as
/// tie-break. The page's sub-query and the level query both sort by it.
fn page_order(index: usize, connection: &ConnectionPlan) -> Vec<OrderExpression> {
    let reversed = cut(&connection.list.window).reversed;
    let direction = |descending: bool, expression: Expression| {
        if descending {
            OrderExpression::Desc(expression)
        } else {
            OrderExpression::Asc(expression)
        }
    };
    let node = || Expression::Variable(v(var::NODE));
    let mut order: Vec<OrderExpression> = connection
        .list
        .order
        .iter()
        .enumerate()
        .map(|(k, key)| {
            let value = if key.field.is_some() {
                Expression::Variable(order_var(index, k))
            } else {
                node()
            };
            direction(key.descending != reversed, value)
        })
        .collect();
    order.push(direction(reversed, node()));
    order
}

/// `key` on the rows of list `index`, a constant on the others'.
fn only_for_list(index: usize, key: OrderExpression) -> OrderExpression {
    let guarded = |expression: Expression| {
        Expression::If(
            Box::new(Expression::Equal(
                Box::new(Expression::Variable(v(var::CONN))),
                Box::new(int(i64::try_from(index).unwrap_or(i64::MAX))),
            )),
            Box::new(expression),
            Box::new(int(0)),
        )
    };
    match key {
        OrderExpression::Asc(e) => OrderExpression::Asc(guarded(e)),
        OrderExpression::Desc(e) => OrderExpression::Desc(guarded(e)),
    }
}

/// The sort variables of list `index`.
fn order_var(index: usize, key: usize) -> Variable {
    v(&format!("o{index}_{key}"))
}

/// The page of list `index`: `?node` (and `?parent`) with the sort values, cut per parent.
fn page_pattern(
    builder: &mut Builder,
    index: usize,
    job: &ListJob<'_>,
    class_of: &dyn Fn(&str) -> Option<NamedNode>,
) -> GraphPattern {
    match job.source {
        ListSource::Search { .. } => return search_pattern(builder, job),
        ListSource::Indexed { .. } => return indexed_page(job),
        _ => {}
    }
    let Some(connection) = job.connection else {
        return list_pattern(builder, job, class_of);
    };
    match &job.source {
        // The page of every parent, cut by one sub-query evaluated per parent.
        ListSource::Nested { parents, .. } if builder.dialect.lateral => GraphPattern::Lateral {
            left: Box::new(parent_values(parents)),
            right: Box::new(one_page(builder, index, job, connection, class_of, None)),
        },
        // Without LATERAL, a sub-query per parent, each with its own parent.
        ListSource::Nested { parents, .. } => union(
            parents
                .iter()
                .map(|parent| one_page(builder, index, job, connection, class_of, Some(parent)))
                .collect(),
        ),
        _ => one_page(builder, index, job, connection, class_of, None),
    }
}

/// One page of list `index` (of the given parent's list only, if `parent` is given).
fn one_page(
    builder: &mut Builder,
    index: usize,
    job: &ListJob<'_>,
    connection: &ConnectionPlan,
    class_of: &dyn Fn(&str) -> Option<NamedNode>,
    parent: Option<&NamedNode>,
) -> GraphPattern {
    let node = v(var::NODE);
    let nested = matches!(job.source, ListSource::Nested { .. });
    let the_cut = cut(&connection.list.window);
    let mut pattern = list_pattern(builder, job, class_of);
    if let Some(parent) = parent {
        pattern = join(parent_values(std::slice::from_ref(parent)), pattern);
    }
    let mut aggregates = Vec::new();
    for (k, key) in connection.list.order.iter().enumerate() {
        if key.field.is_none() {
            continue; // Ordering by IRI needs no sort value.
        }
        let descending = key.descending != the_cut.reversed;
        let raw = builder.fresh();
        let optional = sort_pattern(builder, &node, key, &raw).expect("a field key");
        pattern = GraphPattern::LeftJoin {
            left: Box::new(pattern),
            right: Box::new(optional),
            expression: None,
        };
        aggregates.push((
            order_var(index, k),
            AggregateExpression::FunctionCall {
                name: if descending {
                    AggregateFunction::Max
                } else {
                    AggregateFunction::Min
                },
                expr: sort_value(key, &raw),
                distinct: false,
            },
        ));
    }
    let order = page_order(index, connection);
    let mut group_by = vec![node.clone()];
    if nested {
        group_by.insert(0, v(var::PARENT));
    }
    let mut projected = group_by.clone();
    projected.extend(aggregates.iter().map(|(variable, _)| variable.clone()));
    let grouped = GraphPattern::Group {
        inner: Box::new(pattern),
        variables: group_by,
        aggregates,
    };
    GraphPattern::Slice {
        inner: Box::new(GraphPattern::Project {
            inner: Box::new(GraphPattern::OrderBy {
                inner: Box::new(grouped),
                expression: order,
            }),
            variables: projected,
        }),
        start: usize::try_from(the_cut.offset).unwrap_or(usize::MAX),
        length: the_cut
            .limit
            .map(|l| usize::try_from(l).unwrap_or(usize::MAX)),
    }
}

/// The page an index found: its nodes in `?node` (the assembler keeps the index's order).
fn indexed_page(job: &ListJob<'_>) -> GraphPattern {
    let ListSource::Indexed { nodes, .. } = &job.source else {
        unreachable!("called for indexed pages")
    };
    GraphPattern::Values {
        variables: vec![v(var::NODE)],
        bindings: nodes
            .iter()
            .map(|node| vec![Some(GroundTerm::NamedNode(node.clone()))])
            .collect(),
    }
}

fn parent_values(parents: &[NamedNode]) -> GraphPattern {
    GraphPattern::Values {
        variables: vec![v(var::PARENT)],
        bindings: parents
            .iter()
            .map(|p| vec![Some(GroundTerm::NamedNode(p.clone()))])
            .collect(),
    }
}

/// The number of nodes of list `job` (per parent when nested), in `?total`.
fn total_pattern(
    builder: &mut Builder,
    job: &ListJob<'_>,
    class_of: &dyn Fn(&str) -> Option<NamedNode>,
) -> GraphPattern {
    let mut pattern = list_pattern(builder, job, class_of);
    let mut group_by = Vec::new();
    if let ListSource::Nested { parents, .. } = &job.source {
        pattern = join(parent_values(parents), pattern);
        group_by.push(v(var::PARENT));
    }
    GraphPattern::Group {
        inner: Box::new(pattern),
        variables: group_by,
        aggregates: vec![(
            v(var::TOTAL),
            AggregateExpression::FunctionCall {
                name: AggregateFunction::Count,
                expr: Expression::Variable(v(var::NODE)),
                distinct: true,
            },
        )],
    }
}

/// The query of one level: every list of `jobs`, their pages and their nodes' fields.
///
/// `class_of` gives the class of a mapped type (`None` for interfaces).
pub fn level_query(
    jobs: &[ListJob<'_>],
    class_of: &dyn Fn(&str) -> Option<NamedNode>,
    dialect: Dialect,
) -> Query {
    let mut builder = Builder {
        fresh: 0,
        max_depth: 0,
        dialect,
    };
    let mut parts = Vec::new();
    let mut order = vec![
        OrderExpression::Asc(Expression::Variable(v(var::CONN))),
        OrderExpression::Asc(Expression::Variable(v(var::PARENT))),
    ];
    // Each list's order keys apply to its own rows only: where a level has several lists
    // ordered their own ways, a key of one is a constant for the others.
    let ordered_lists = jobs
        .iter()
        .filter(|job| job.connection.is_some() && !matches!(job.source, ListSource::Indexed { .. }))
        .count();
    for (index, job) in jobs.iter().enumerate() {
        let conn = |pattern: GraphPattern| GraphPattern::Extend {
            inner: Box::new(pattern),
            variable: v(var::CONN),
            expression: int(i64::try_from(index).unwrap_or(i64::MAX)),
        };
        if matches!(job.source, ListSource::Search { .. }) {
            order.push(OrderExpression::Desc(Expression::Variable(v(var::SCORE))));
        }
        let page = page_pattern(&mut builder, index, job, class_of);
        let mut fields = vec![GraphPattern::Extend {
            inner: Box::new(empty()),
            variable: v(var::KEY),
            expression: int(0),
        }];
        branches(&mut builder, job.node, 0, class_of, &mut fields);
        parts.push(conn(page_with_fields(builder.dialect, page, union(fields))));
        match (&job.source, job.connection) {
            (ListSource::Indexed { total, .. }, Some(connection)) => {
                if connection.total {
                    parts.push(conn(GraphPattern::Values {
                        variables: vec![v(var::TOTAL)],
                        bindings: vec![vec![Some(GroundTerm::Literal(RdfLiteral::from(
                            i64::try_from(*total).unwrap_or(i64::MAX),
                        )))]],
                    }));
                }
            }
            (_, Some(connection)) => {
                if connection.total {
                    parts.push(conn(total_pattern(&mut builder, job, class_of)));
                }
                let keys = page_order(index, connection);
                if ordered_lists > 1 {
                    order.extend(keys.into_iter().map(|key| only_for_list(index, key)));
                } else {
                    order.extend(keys);
                }
            }
            (_, None) => {}
        }
    }
    // Nodes in page order, ties by node; the order of a node's rows does not matter to the
    // assembler (it indexes them by key).
    let by_node = OrderExpression::Asc(Expression::Variable(v(var::NODE)));
    if order.last() != Some(&by_node) {
        order.push(by_node);
    }
    let mut variables = vec![
        v(var::CONN),
        v(var::PARENT),
        v(var::NODE),
        v(var::KEY),
        v(var::VALUE),
        v(var::TOTAL),
    ];
    if jobs
        .iter()
        .any(|j| matches!(j.source, ListSource::Search { .. }))
    {
        variables.extend([v(var::SCORE), v(var::MATCHED)]);
    }
    variables.extend((1..=builder.max_depth).map(chain_var));
    // Only pages cut by the query need the engine's order (their sort keys are not among the
    // answer's columns); lookups, search hits and the pages an index found are put in order by
    // the assembler, and an `ORDER BY` costs more than the rest of a small query.
    let paged = jobs
        .iter()
        .any(|j| j.connection.is_some() && !matches!(j.source, ListSource::Indexed { .. }));
    let pattern = if paged {
        GraphPattern::OrderBy {
            inner: Box::new(union(parts)),
            expression: order,
        }
    } else {
        union(parts)
    };
    distinct_select(pattern, variables)
}

/// `SELECT DISTINCT variables WHERE { pattern }`.
pub fn distinct_select(pattern: GraphPattern, variables: Vec<Variable>) -> Query {
    Query::Select {
        dataset: None,
        pattern: GraphPattern::Distinct {
            inner: Box::new(GraphPattern::Project {
                inner: Box::new(pattern),
                variables,
            }),
        },
        base_iri: None,
    }
}
