//! Filters as SPARQL expressions: tests on scalar values, on related nodes, and their logic.

use super::*;

/// The boolean expression of `filter` on the node in `node`.
pub(super) fn filter_expression(
    builder: &mut Builder,
    node: &Variable,
    filter: &Filter,
    class_of: &dyn Fn(&str) -> Option<NamedNode>,
) -> Expression {
    match filter {
        Filter::And(parts) => parts
            .iter()
            .map(|p| filter_expression(builder, node, p, class_of))
            .reduce(|a, b| Expression::And(Box::new(a), Box::new(b)))
            .unwrap_or_else(|| Expression::Literal(RdfLiteral::from(true))),
        Filter::Or(parts) => parts
            .iter()
            .map(|p| filter_expression(builder, node, p, class_of))
            .reduce(|a, b| Expression::Or(Box::new(a), Box::new(b)))
            .unwrap_or_else(|| Expression::Literal(RdfLiteral::from(false))),
        Filter::Not(inner) => {
            Expression::Not(Box::new(filter_expression(builder, node, inner, class_of)))
        }
        Filter::IriIn(iris) => Expression::In(
            Box::new(Expression::Variable(node.clone())),
            iris.iter().cloned().map(Expression::NamedNode).collect(),
        ),
        Filter::Value {
            field,
            scalar,
            tests,
            exists,
        } => {
            let value = builder.fresh();
            let reach = field_pattern(builder, node, field, &value);
            let mut parts = Vec::new();
            if exists == &Some(false) {
                parts.push(Expression::Not(Box::new(Expression::Exists(Box::new(
                    reach.clone(),
                )))));
            } else if exists == &Some(true) && tests.is_empty() {
                parts.push(Expression::Exists(Box::new(reach.clone())));
            }
            if !tests.is_empty() {
                let condition = tests
                    .iter()
                    .map(|t| test_expression(&value, *scalar, t))
                    .reduce(|a, b| Expression::And(Box::new(a), Box::new(b)))
                    .expect("tests are not empty");
                parts.push(Expression::Exists(Box::new(GraphPattern::Filter {
                    expr: condition,
                    inner: Box::new(reach),
                })));
            }
            parts
                .into_iter()
                .reduce(|a, b| Expression::And(Box::new(a), Box::new(b)))
                .unwrap_or_else(|| Expression::Literal(RdfLiteral::from(true)))
        }
        Filter::Relation {
            field,
            target,
            some,
            none,
        } => {
            let mut parts = Vec::new();
            let related = |builder: &mut Builder, inner: &Filter| {
                let other = builder.fresh();
                let mut pattern = field_pattern(builder, node, field, &other);
                if let Some(class) = class_of(target) {
                    pattern = join(pattern, class_pattern(&other, &class));
                }
                let condition = filter_expression(builder, &other, inner, class_of);
                Expression::Exists(Box::new(GraphPattern::Filter {
                    expr: condition,
                    inner: Box::new(pattern),
                }))
            };
            if let Some(some) = some {
                parts.push(related(builder, some));
            }
            if let Some(none) = none {
                parts.push(Expression::Not(Box::new(related(builder, none))));
            }
            parts
                .into_iter()
                .reduce(|a, b| Expression::And(Box::new(a), Box::new(b)))
                .unwrap_or_else(|| Expression::Literal(RdfLiteral::from(true)))
        }
    }
}

/// The expression a value is compared with: text and dates compare as written, numbers as
/// numbers.
pub(super) fn operand(value: &Variable, scalar: Scalar) -> Expression {
    match scalar {
        Scalar::Int | Scalar::Float => Expression::Variable(value.clone()),
        Scalar::Text | Scalar::Date | Scalar::Boolean => str_of(value),
    }
}

pub(super) fn literal_expression(literal: &Literal) -> Expression {
    match literal {
        Literal::Text(text) => string(text),
        Literal::Int(n) => int(*n),
        Literal::Float(f) => {
            Expression::Literal(RdfLiteral::new_typed_literal(f.to_string(), xsd::DOUBLE))
        }
    }
}

pub(super) fn test_expression(value: &Variable, scalar: Scalar, test: &Test) -> Expression {
    let lhs = || Box::new(operand(value, scalar));
    let lower = |e: Expression| call(Function::LCase, vec![e]);
    match test {
        Test::Eq(l) => Expression::Equal(lhs(), Box::new(literal_expression(l))),
        Test::In(ls) => Expression::In(lhs(), ls.iter().map(literal_expression).collect()),
        Test::Contains(text) => call(
            Function::Contains,
            vec![lower(str_of(value)), lower(string(text))],
        ),
        Test::StartsWith(text) => call(
            Function::StrStarts,
            vec![lower(str_of(value)), lower(string(text))],
        ),
        Test::Lang(range) => call(
            Function::LangMatches,
            vec![
                call(Function::Lang, vec![Expression::Variable(value.clone())]),
                string(range),
            ],
        ),
        Test::Lt(l) => Expression::Less(lhs(), Box::new(literal_expression(l))),
        Test::Lte(l) => Expression::LessOrEqual(lhs(), Box::new(literal_expression(l))),
        Test::Gt(l) => Expression::Greater(lhs(), Box::new(literal_expression(l))),
        Test::Gte(l) => Expression::GreaterOrEqual(lhs(), Box::new(literal_expression(l))),
    }
}
