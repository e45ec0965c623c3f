//! Blank nodes of a query's patterns as fresh variables, for engines that refuse them where the
//! parser put them.
//!
//! A blank node in a query pattern is a variable that cannot be projected, and the parser makes
//! some of its own: a sequence path `?x rdf:type/rdfs:subClassOf+ ?c` becomes two patterns joined
//! through one. Written back as text, that blank node sits where some engines accept only a
//! variable or an IRI (Virtuoso: "Subject of transitive triple pattern should be variable or
//! QName"). As a variable it means the same: the projection of every query is explicit once
//! parsed (`SELECT *` lists its variables), so a new variable adds no column; templates (of
//! CONSTRUCT) keep their blank nodes, which make new nodes there.

use spargebra::algebra::{AggregateExpression, Expression, GraphPattern, OrderExpression};
use spargebra::term::{TermPattern, TriplePattern, Variable};
use spargebra::{GraphUpdateOperation, Query, Update};

/// A prefix no variable of `text` starts with.
fn fresh_prefix(text: &str) -> String {
    let mut prefix = String::from("bnode_");
    while text.contains(&format!("?{prefix}")) || text.contains(&format!("${prefix}")) {
        prefix.insert(0, 'k');
    }
    prefix
}

/// Replaces every blank node of the `WHERE` patterns of `update` by a variable no other part of
/// it uses.
pub fn update_blank_nodes_as_variables(update: &mut Update) {
    let prefix = fresh_prefix(&update.to_string());
    for operation in &mut update.operations {
        if let GraphUpdateOperation::DeleteInsert { pattern, .. } = operation {
            walk(pattern, &prefix);
        }
    }
}

/// Replaces every blank node of `query`'s patterns by a variable no other part of it uses.
pub fn blank_nodes_as_variables(query: &mut Query) {
    let prefix = fresh_prefix(&query.to_string());
    let pattern = match query {
        Query::Select { pattern, .. }
        | Query::Construct { pattern, .. }
        | Query::Describe { pattern, .. }
        | Query::Ask { pattern, .. } => pattern,
    };
    walk(pattern, &prefix);
}

fn term(term: &mut TermPattern, prefix: &str) {
    if let TermPattern::BlankNode(node) = term {
        *term = TermPattern::Variable(Variable::new_unchecked(format!(
            "{prefix}{}",
            node.as_str()
        )));
    }
}

fn triple(pattern: &mut TriplePattern, prefix: &str) {
    term(&mut pattern.subject, prefix);
    term(&mut pattern.object, prefix);
}

fn walk(pattern: &mut GraphPattern, prefix: &str) {
    match pattern {
        GraphPattern::Bgp { patterns } => {
            for pattern in patterns {
                triple(pattern, prefix);
            }
        }
        GraphPattern::Path {
            subject, object, ..
        } => {
            term(subject, prefix);
            term(object, prefix);
        }
        GraphPattern::Join { left, right }
        | GraphPattern::Lateral { left, right }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right } => {
            walk(left, prefix);
            walk(right, prefix);
        }
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => {
            walk(left, prefix);
            walk(right, prefix);
            if let Some(expression) = expression {
                walk_expression(expression, prefix);
            }
        }
        GraphPattern::Filter { expr, inner } => {
            walk_expression(expr, prefix);
            walk(inner, prefix);
        }
        GraphPattern::Extend {
            inner, expression, ..
        } => {
            walk(inner, prefix);
            walk_expression(expression, prefix);
        }
        GraphPattern::OrderBy { inner, expression } => {
            walk(inner, prefix);
            for order in expression {
                match order {
                    OrderExpression::Asc(e) | OrderExpression::Desc(e) => {
                        walk_expression(e, prefix);
                    }
                }
            }
        }
        GraphPattern::Group {
            inner, aggregates, ..
        } => {
            walk(inner, prefix);
            for (_, aggregate) in aggregates {
                if let AggregateExpression::FunctionCall { expr, .. } = aggregate {
                    walk_expression(expr, prefix);
                }
            }
        }
        GraphPattern::Graph { inner, .. }
        | GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Service { inner, .. } => walk(inner, prefix),
        GraphPattern::Values { .. } => {}
    }
}

fn walk_expression(expression: &mut Expression, prefix: &str) {
    match expression {
        Expression::Exists(pattern) => walk(pattern, prefix),
        other => {
            for child in crate::expressions::children_mut(other) {
                walk_expression(child, prefix);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use spargebra::SparqlParser;

    fn rewritten(text: &str) -> String {
        let mut query = SparqlParser::new().parse_query(text).unwrap();
        blank_nodes_as_variables(&mut query);
        let out = query.to_string();
        // What is sent still parses, and means what it meant.
        SparqlParser::new().parse_query(&out).unwrap();
        out
    }

    #[test]
    fn a_sequence_path_joins_through_a_variable() {
        let out = rewritten(
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> \
             ASK { ?x a/rdfs:subClassOf+ <http://www.w3.org/ns/org#Organization> }",
        );
        assert!(!out.contains("_:"), "{out}");
        assert!(out.contains("?bnode_"), "{out}");
    }

    #[test]
    fn blank_nodes_everywhere_in_patterns_become_variables_but_not_in_templates() {
        let out = rewritten(
            "CONSTRUCT { _:n <urn:p> ?o } WHERE { ?s <urn:a>/<urn:b> ?o . \
             FILTER EXISTS { ?o <urn:c>/<urn:d> [] } OPTIONAL { [] <urn:e> ?s } }",
        );
        let (template, pattern) = out.split_once("WHERE").unwrap();
        assert!(template.contains("_:"), "{out}");
        assert!(!pattern.contains("_:"), "{out}");
    }

    #[test]
    fn select_star_keeps_its_columns() {
        let mut query = SparqlParser::new()
            .parse_query("SELECT * WHERE { ?s <urn:a>/<urn:b> ?o }")
            .unwrap();
        blank_nodes_as_variables(&mut query);
        let out = query.to_string();
        assert!(
            out.starts_with("SELECT ?s ?o") || out.starts_with("SELECT ?o ?s"),
            "{out}"
        );
    }

    #[test]
    fn the_fresh_variables_do_not_meet_the_query_s_own() {
        let out = rewritten("SELECT ?bnode_x WHERE { ?bnode_x <urn:a>/<urn:b> ?o }");
        assert!(out.contains("?kbnode_"), "{out}");
    }
}
