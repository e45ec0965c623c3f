//! The work a SPARQL query can do without reading the store.
//!
//! A query is stopped at its deadline by a check made on every read of the store, so the longest
//! stretch it can run unchecked is the work it does between two reads: rows made from `VALUES`,
//! `BIND` and empty groups, joined with each other. Six `VALUES` of forty values each, joined,
//! make 4,096,000,000 rows without a single read. [`unchecked_rows`] bounds that stretch from
//! the algebra, before evaluation: the rows a pattern can produce between two reads.
//!
//! Planning is not checked either, and the planner's work grows much faster than the patterns it
//! orders: 128 triple patterns on one subject take seconds before the first read. [`Patterns`]
//! measures the largest group of patterns joined together, and all of them.

use spargebra::algebra::{
    AggregateExpression, AggregateFunction, Expression, Function, GraphPattern, OrderExpression,
    PropertyPathExpression,
};
use spargebra::term::Variable;
use spargebra::{GraphUpdateOperation, Query, Update};
use std::collections::HashMap;

/// How much longer than any value of the data or of the query the strings a query builds can
/// be (saturating). `BIND(CONCAT(?a, ?a) AS ?b)` doubles `?a`; forty such steps would ask for a
/// terabyte, made from nothing the store holds and not checked by any read.
pub fn string_growth(query: &Query) -> u128 {
    let mut growth = Growth::default();
    match query {
        Query::Select { pattern, .. }
        | Query::Construct { pattern, .. }
        | Query::Describe { pattern, .. }
        | Query::Ask { pattern, .. } => growth.pattern(pattern),
    }
    growth.largest
}

/// The same measure for the `WHERE` parts of an update.
pub fn update_string_growth(update: &Update) -> u128 {
    let mut growth = Growth::default();
    for operation in &update.operations {
        if let GraphUpdateOperation::DeleteInsert { pattern, .. } = operation {
            growth.pattern(pattern);
        }
    }
    growth.largest
}

/// String lengths, in units of the longest value in the data or the query: each variable a
/// `BIND` sets, and the largest seen.
#[derive(Default)]
struct Growth {
    bound: HashMap<Variable, u128>,
    largest: u128,
}

impl Growth {
    fn pattern(&mut self, pattern: &GraphPattern) {
        match pattern {
            GraphPattern::Extend {
                inner,
                variable,
                expression,
            } => {
                self.pattern(inner);
                let length = self.expression(expression);
                self.bound.insert(variable.clone(), length);
            }
            GraphPattern::Join { left, right }
            | GraphPattern::LeftJoin { left, right, .. }
            | GraphPattern::Lateral { left, right }
            | GraphPattern::Minus { left, right }
            | GraphPattern::Union { left, right } => {
                self.pattern(left);
                self.pattern(right);
                if let GraphPattern::LeftJoin {
                    expression: Some(expression),
                    ..
                } = pattern
                {
                    self.expression(expression);
                }
            }
            GraphPattern::Filter { expr, inner } => {
                self.pattern(inner);
                self.expression(expr);
            }
            GraphPattern::Group {
                inner, aggregates, ..
            } => {
                self.pattern(inner);
                for (variable, aggregate) in aggregates {
                    let length = match aggregate {
                        AggregateExpression::CountSolutions { .. } => 1,
                        // A concatenation of rows grows with the rows read, which the deadline
                        // checks; what is built from it is measured in its own unit.
                        AggregateExpression::FunctionCall {
                            name: AggregateFunction::GroupConcat { .. },
                            expr,
                            ..
                        } => self.expression(expr).saturating_add(1),
                        AggregateExpression::FunctionCall { expr, .. } => self.expression(expr),
                    };
                    self.bound.insert(variable.clone(), length);
                }
            }
            GraphPattern::OrderBy { inner, expression } => {
                self.pattern(inner);
                for key in expression {
                    match key {
                        OrderExpression::Asc(e) | OrderExpression::Desc(e) => {
                            self.expression(e);
                        }
                    }
                }
            }
            GraphPattern::Graph { inner, .. }
            | GraphPattern::Project { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::Slice { inner, .. }
            | GraphPattern::Service { inner, .. } => self.pattern(inner),
            GraphPattern::Bgp { .. } | GraphPattern::Path { .. } | GraphPattern::Values { .. } => {}
        }
    }

    /// The length of what `expression` evaluates to; every length seen is kept in `largest`.
    fn expression(&mut self, expression: &Expression) -> u128 {
        let length = match expression {
            Expression::Variable(variable) => self.bound.get(variable).copied().unwrap_or(1),
            Expression::FunctionCall(function, arguments) => {
                let lengths: Vec<u128> = arguments.iter().map(|a| self.expression(a)).collect();
                let first = lengths.first().copied().unwrap_or(1);
                match function {
                    Function::Concat => lengths.iter().fold(0u128, |a, b| a.saturating_add(*b)),
                    // Each character may be replaced: by a constant of k bytes, k + 1 times
                    // longer; by anything else, without a bound known before evaluation.
                    Function::Replace => match arguments.get(2) {
                        Some(Expression::Literal(replacement)) => first
                            .saturating_mul(replacement.value().len() as u128 + 1)
                            .saturating_add(1),
                        _ => u128::MAX,
                    },
                    // Case mappings and percent-encoding may write each byte as up to three.
                    Function::UCase | Function::LCase | Function::EncodeForUri => {
                        first.saturating_mul(3)
                    }
                    Function::Str
                    | Function::Iri
                    | Function::SubStr
                    | Function::StrBefore
                    | Function::StrAfter
                    | Function::StrLang
                    | Function::StrDt
                    | Function::Custom(_) => first,
                    _ => 1,
                }
            }
            Expression::If(condition, then, otherwise) => {
                self.expression(condition);
                self.expression(then).max(self.expression(otherwise))
            }
            Expression::Coalesce(list) => {
                list.iter().map(|e| self.expression(e)).max().unwrap_or(1)
            }
            Expression::Exists(pattern) => {
                self.pattern(pattern);
                1
            }
            // Comparisons, arithmetic, logic: a short value whatever their operands.
            other => {
                for child in crate::expressions::children(other) {
                    self.expression(child);
                }
                1
            }
        };
        self.largest = self.largest.max(length);
        length
    }
}

/// The patterns of a query, as the planner sees them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Patterns {
    /// The most triple patterns, path steps and inline tables joined together in one group.
    pub largest_group: usize,
    /// All of them.
    pub total: usize,
}

impl Patterns {
    /// Measures a query.
    pub fn of_query(query: &Query) -> Self {
        let mut patterns = Self::default();
        match query {
            Query::Select { pattern, .. }
            | Query::Construct { pattern, .. }
            | Query::Describe { pattern, .. }
            | Query::Ask { pattern, .. } => patterns.close(pattern),
        }
        patterns
    }

    /// Measures the `WHERE` parts of an update.
    pub fn of_update(update: &Update) -> Self {
        let mut patterns = Self::default();
        for operation in &update.operations {
            if let GraphUpdateOperation::DeleteInsert { pattern, .. } = operation {
                patterns.close(pattern);
            }
        }
        patterns
    }

    /// Measures `pattern` as a group of its own.
    fn close(&mut self, pattern: &GraphPattern) {
        let size = self.group(pattern);
        self.largest_group = self.largest_group.max(size);
    }

    /// The operands of the join group `pattern` belongs to; groups below it are closed.
    fn group(&mut self, pattern: &GraphPattern) -> usize {
        match pattern {
            GraphPattern::Bgp { patterns } => {
                self.total += patterns.len();
                patterns.len().max(1)
            }
            GraphPattern::Path { path, .. } => {
                let steps = steps(path);
                self.total += steps;
                steps
            }
            GraphPattern::Values { .. } => {
                self.total += 1;
                1
            }
            GraphPattern::Join { left, right }
            | GraphPattern::Lateral { left, right }
            | GraphPattern::Minus { left, right } => self.group(left) + self.group(right),
            GraphPattern::LeftJoin {
                left,
                right,
                expression,
            } => {
                if let Some(expression) = expression {
                    self.expression(expression);
                }
                self.group(left) + self.group(right)
            }
            GraphPattern::Filter { expr, inner } => {
                self.expression(expr);
                self.group(inner)
            }
            GraphPattern::Extend {
                inner, expression, ..
            } => {
                self.expression(expression);
                self.group(inner)
            }
            GraphPattern::Graph { inner, .. } => self.group(inner),
            GraphPattern::Union { left, right } => {
                self.close(left);
                self.close(right);
                1
            }
            GraphPattern::OrderBy { inner, .. }
            | GraphPattern::Project { inner, .. }
            | GraphPattern::Distinct { inner }
            | GraphPattern::Reduced { inner }
            | GraphPattern::Slice { inner, .. }
            | GraphPattern::Group { inner, .. }
            | GraphPattern::Service { inner, .. } => {
                self.close(inner);
                1
            }
        }
    }

    /// Closes the groups of the `EXISTS` in an expression.
    fn expression(&mut self, expression: &Expression) {
        for pattern in exists_in(expression) {
            self.close(pattern);
        }
    }
}

/// The properties a path steps through.
fn steps(path: &PropertyPathExpression) -> usize {
    match path {
        PropertyPathExpression::NamedNode(_) | PropertyPathExpression::NegatedPropertySet(_) => 1,
        PropertyPathExpression::Reverse(p)
        | PropertyPathExpression::ZeroOrMore(p)
        | PropertyPathExpression::OneOrMore(p)
        | PropertyPathExpression::ZeroOrOne(p) => steps(p),
        PropertyPathExpression::Sequence(a, b) | PropertyPathExpression::Alternative(a, b) => {
            steps(a) + steps(b)
        }
    }
}

/// An upper bound of the rows `query` can produce, or compute and drop, between two reads of the
/// store (saturating).
pub fn unchecked_rows(query: &Query) -> u128 {
    match query {
        Query::Select { pattern, .. }
        | Query::Construct { pattern, .. }
        | Query::Describe { pattern, .. }
        | Query::Ask { pattern, .. } => burst(pattern),
    }
}

/// The same bound for the `WHERE` parts of an update.
pub fn unchecked_update_rows(update: &Update) -> u128 {
    update
        .operations
        .iter()
        .map(|operation| match operation {
            GraphUpdateOperation::DeleteInsert { pattern, .. } => burst(pattern),
            _ => 1,
        })
        .max()
        .unwrap_or(1)
}

/// Rows between two reads of the store. A pattern that reads the store counts one per read; the
/// rows it makes from each read are bounded by the data, and the next read checks the deadline.
fn burst(pattern: &GraphPattern) -> u128 {
    match pattern {
        // An empty group is one row made from nothing.
        GraphPattern::Bgp { .. } | GraphPattern::Path { .. } | GraphPattern::Service { .. } => 1,
        GraphPattern::Values { bindings, .. } => bindings.len().max(1) as u128,
        GraphPattern::Join { left, right } | GraphPattern::Lateral { left, right } => {
            burst(left).saturating_mul(burst(right))
        }
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => burst(left)
            .saturating_mul(burst(right))
            .saturating_mul(expression.as_ref().map_or(1, per_row)),
        // The right side is read once, the left side row by row.
        GraphPattern::Minus { left, right } | GraphPattern::Union { left, right } => {
            burst(left).saturating_add(burst(right))
        }
        GraphPattern::Filter { expr, inner } => burst(inner).saturating_mul(per_row(expr)),
        GraphPattern::Extend {
            inner, expression, ..
        } => burst(inner).saturating_mul(per_row(expression)),
        GraphPattern::OrderBy { inner, expression } => {
            let keys = expression
                .iter()
                .map(|key| match key {
                    OrderExpression::Asc(e) | OrderExpression::Desc(e) => per_row(e),
                })
                .fold(0u128, u128::saturating_add)
                .max(1);
            burst(inner).saturating_mul(keys)
        }
        GraphPattern::Group {
            inner, aggregates, ..
        } => {
            let each = aggregates
                .iter()
                .map(|(_, aggregate)| match aggregate {
                    AggregateExpression::CountSolutions { .. } => 1,
                    AggregateExpression::FunctionCall { expr, .. } => per_row(expr),
                })
                .fold(0u128, u128::saturating_add)
                .max(1);
            burst(inner).saturating_mul(each)
        }
        GraphPattern::Graph { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. } => burst(inner),
    }
}

/// The rows evaluating `expression` once can cost: one, plus the rows of every `EXISTS` in it.
fn per_row(expression: &Expression) -> u128 {
    exists_in(expression)
        .into_iter()
        .map(burst)
        .fold(1u128, u128::saturating_add)
}

/// The patterns of the `EXISTS` in an expression, found without recursion.
fn exists_in(expression: &Expression) -> Vec<&GraphPattern> {
    let mut found = Vec::new();
    let mut stack = vec![expression];
    while let Some(expression) = stack.pop() {
        match expression {
            Expression::Exists(pattern) => found.push(&**pattern),
            other => stack.extend(crate::expressions::children(other)),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> u128 {
        unchecked_rows(&spargebra::SparqlParser::new().parse_query(text).unwrap())
    }

    fn values(variable: &str, n: usize) -> String {
        let list: Vec<String> = (0..n).map(|i| i.to_string()).collect();
        format!("VALUES ?{variable} {{ {} }}", list.join(" "))
    }

    #[test]
    fn joined_values_multiply() {
        let query = format!(
            "SELECT (COUNT(*) AS ?n) WHERE {{ {} }}",
            ["a", "b", "c", "d", "e", "f"]
                .map(|v| values(v, 40))
                .join(" ")
        );
        assert_eq!(rows(&query), 40u128.pow(6));
    }

    #[test]
    fn a_read_of_the_store_resets_the_count() {
        // One VALUES joined with the data: 1,000 rows per read at most.
        let query = format!("SELECT * WHERE {{ {} ?x ?p ?o }}", values("x", 1000));
        assert_eq!(rows(&query), 1000);
        assert_eq!(rows("SELECT * WHERE { ?s ?p ?o . ?o ?q ?r }"), 1);
    }

    fn patterns(text: &str) -> Patterns {
        Patterns::of_query(&spargebra::SparqlParser::new().parse_query(text).unwrap())
    }

    #[test]
    fn groups_of_patterns_are_measured_apart() {
        let star: Vec<String> = (0..10)
            .map(|i| format!("?s <http://e/p{i}> ?o{i} ."))
            .collect();
        let query = format!(
            "SELECT * WHERE {{ {{ {} }} UNION {{ {} ?s <http://e/a>/<http://e/b> ?x }} }}",
            star.join(" "),
            star[..3].join(" ")
        );
        assert_eq!(
            patterns(&query),
            Patterns {
                largest_group: 10,
                total: 15
            }
        );
        let optional = "SELECT * WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?r } MINUS { ?s ?t ?u } }";
        assert_eq!(patterns(optional).largest_group, 3);
    }

    fn growth(text: &str) -> u128 {
        string_growth(&spargebra::SparqlParser::new().parse_query(text).unwrap())
    }

    #[test]
    fn strings_doubled_by_chained_binds_are_measured() {
        let mut query = String::from("SELECT ?a40 WHERE { BIND(\"lol\" AS ?a0) ");
        for i in 1..=40 {
            query.push_str(&format!("BIND(CONCAT(?a{0}, ?a{0}) AS ?a{i}) ", i - 1));
        }
        query.push('}');
        assert_eq!(growth(&query), 1 << 40);
        assert_eq!(
            growth("SELECT * WHERE { ?s ?p ?o BIND(CONCAT(STR(?s), \" \", UCASE(?o)) AS ?x) }"),
            5
        );
        assert_eq!(
            growth("SELECT * WHERE { ?s ?p ?o BIND(REPLACE(?o, \"\", ?o) AS ?x) }"),
            u128::MAX
        );
    }

    #[test]
    fn unions_add_and_exists_multiplies() {
        let query = format!(
            "SELECT * WHERE {{ {{ {} }} UNION {{ {} }} }}",
            values("a", 10),
            values("a", 20)
        );
        assert_eq!(rows(&query), 30);
        let query = format!(
            "SELECT * WHERE {{ {} FILTER EXISTS {{ {} }} }}",
            values("a", 100),
            values("b", 100)
        );
        assert_eq!(rows(&query), 100 * 101);
    }
}
