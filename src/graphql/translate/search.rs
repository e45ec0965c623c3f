//! The page of a search: hits scored as the index scores them, or given as `VALUES` when the
//! index found them.

use super::*;

/// The best `limit` search hits: `?node`, `?score` (3 for a whole match, 2 for a prefix, 1
/// inside) and `?matched`; given as `VALUES` when an index found them.
pub(super) fn search_pattern(builder: &mut Builder, job: &ListJob<'_>) -> GraphPattern {
    let ListSource::Search {
        text,
        classes,
        limit,
        hits,
    } = &job.source
    else {
        unreachable!("called for search lists")
    };
    let node = v(var::NODE);
    if let Some(hits) = hits {
        return GraphPattern::Values {
            variables: vec![node, v(var::SCORE), v(var::MATCHED)],
            bindings: hits
                .iter()
                .map(|hit| {
                    vec![
                        Some(GroundTerm::NamedNode(hit.node.clone())),
                        Some(GroundTerm::Literal(RdfLiteral::from(hit.score))),
                        Some(GroundTerm::Literal(RdfLiteral::new_simple_literal(
                            hit.matched.clone(),
                        ))),
                    ]
                })
                .collect(),
        };
    }
    let (value, score) = (builder.fresh(), builder.fresh());
    let path = SEARCHED
        .iter()
        .map(|p| PropertyPathExpression::NamedNode(NamedNode::new_unchecked(*p)))
        .reduce(|a, b| PropertyPathExpression::Alternative(Box::new(a), Box::new(b)))
        .expect("searched properties");
    let lowered = || call(Function::LCase, vec![str_of(&value)]);
    let needle = || call(Function::LCase, vec![string(text)]);
    let mut pattern = GraphPattern::Filter {
        expr: call(Function::Contains, vec![lowered(), needle()]),
        inner: Box::new(path_pattern(node.clone(), &path, value.clone())),
    };
    // SHACL shapes describe the data; their names are not something to search for.
    pattern = GraphPattern::Filter {
        expr: Expression::Not(Box::new(Expression::Exists(Box::new(bgp(
            node.clone().into(),
            rdf::TYPE.into_owned(),
            crate::shacl::vocab::NODE_SHAPE.into_owned().into(),
        ))))),
        inner: Box::new(pattern),
    };
    if !classes.is_empty() {
        let class = builder.fresh();
        pattern = GraphPattern::Filter {
            expr: Expression::Exists(Box::new(GraphPattern::Filter {
                expr: Expression::In(
                    Box::new(Expression::Variable(class.clone())),
                    classes.iter().cloned().map(Expression::NamedNode).collect(),
                ),
                inner: Box::new(bgp(
                    node.clone().into(),
                    rdf::TYPE.into_owned(),
                    class.into(),
                )),
            })),
            inner: Box::new(pattern),
        };
    }
    let pattern = GraphPattern::Extend {
        inner: Box::new(pattern),
        variable: score.clone(),
        expression: Expression::If(
            Box::new(Expression::Equal(Box::new(lowered()), Box::new(needle()))),
            Box::new(int(3)),
            Box::new(Expression::If(
                Box::new(call(Function::StrStarts, vec![lowered(), needle()])),
                Box::new(int(2)),
                Box::new(int(1)),
            )),
        ),
    };
    let grouped = GraphPattern::Group {
        inner: Box::new(pattern),
        variables: vec![node.clone()],
        aggregates: vec![
            (
                v(var::SCORE),
                AggregateExpression::FunctionCall {
                    name: AggregateFunction::Max,
                    expr: Expression::Variable(score),
                    distinct: false,
                },
            ),
            (
                v(var::MATCHED),
                AggregateExpression::FunctionCall {
                    name: AggregateFunction::Min,
                    expr: str_of(&value),
                    distinct: false,
                },
            ),
        ],
    };
    GraphPattern::Slice {
        inner: Box::new(GraphPattern::Project {
            inner: Box::new(GraphPattern::OrderBy {
                inner: Box::new(grouped),
                expression: vec![
                    OrderExpression::Desc(Expression::Variable(v(var::SCORE))),
                    OrderExpression::Asc(Expression::Variable(node.clone())),
                ],
            }),
            variables: vec![node, v(var::SCORE), v(var::MATCHED)],
        }),
        start: 0,
        length: Some(usize::try_from(*limit).unwrap_or(usize::MAX)),
    }
}
