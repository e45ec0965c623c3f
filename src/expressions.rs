//! The direct sub-expressions of a SPARQL expression, for the walks over spargebra's algebra (the
//! limits, the fresh variables of remote queries, the graphs an update reaches): each walk says
//! what it does with the kinds it cares about and leaves the rest to these.

use spargebra::algebra::Expression;

/// The match of [`children`] and [`children_mut`]: `$as` borrows a box's content, `$iter`
/// iterates a list.
macro_rules! children {
    ($expression:expr, $as:ident, $iter:ident) => {
        match $expression {
            Expression::NamedNode(_)
            | Expression::Literal(_)
            | Expression::Variable(_)
            | Expression::Bound(_)
            | Expression::Exists(_) => Vec::new(),
            Expression::Or(a, b)
            | Expression::And(a, b)
            | Expression::Equal(a, b)
            | Expression::SameTerm(a, b)
            | Expression::Greater(a, b)
            | Expression::GreaterOrEqual(a, b)
            | Expression::Less(a, b)
            | Expression::LessOrEqual(a, b)
            | Expression::Add(a, b)
            | Expression::Subtract(a, b)
            | Expression::Multiply(a, b)
            | Expression::Divide(a, b) => vec![a.$as(), b.$as()],
            Expression::UnaryPlus(a) | Expression::UnaryMinus(a) | Expression::Not(a) => {
                vec![a.$as()]
            }
            Expression::In(a, list) => std::iter::once(a.$as()).chain(list.$iter()).collect(),
            Expression::If(a, b, c) => vec![a.$as(), b.$as(), c.$as()],
            Expression::Coalesce(list) | Expression::FunctionCall(_, list) => {
                list.$iter().collect()
            }
        }
    };
}

/// The expressions directly inside `expression` (an `EXISTS` holds a pattern, not one).
pub fn children(expression: &Expression) -> Vec<&Expression> {
    children!(expression, as_ref, iter)
}

/// [`children`], to change them.
pub fn children_mut(expression: &mut Expression) -> Vec<&mut Expression> {
    children!(expression, as_mut, iter_mut)
}
