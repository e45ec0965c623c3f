//! Updates as the engine takes them: the default graph named by the graph that stands for it,
//! the graphs an update reaches listed (Virtuoso's `DROP` of a graph made by its statements),
//! and the update text written out.

use super::*;

impl RemoteStore {
    /// `graph` as the engine names it: the default graph is [`DEFAULT_GRAPH`].
    pub(super) fn engine_graph(&self, graph: &GraphName) -> NamedNode {
        match graph {
            GraphName::NamedNode(named) => named.clone(),
            _ => self.default_graph.clone(),
        }
    }

    /// The update with every write to the default graph redirected to [`DEFAULT_GRAPH`], and
    /// `CLEAR`/`DROP` of all or named graphs spelled out for kgql's own graphs (an engine's
    /// system graphs are not kgql's to remove).
    pub(super) async fn for_engine(&self, update: Update) -> Result<Update, StoreError> {
        let default = self.default_graph.clone();
        let named = |g: AlgebraGraphName| match g {
            AlgebraGraphName::NamedNode(n) => AlgebraGraphName::NamedNode(n),
            AlgebraGraphName::DefaultGraph => AlgebraGraphName::NamedNode(default.clone()),
        };
        let pattern = |g: GraphNamePattern| match g {
            GraphNamePattern::DefaultGraph => GraphNamePattern::NamedNode(default.clone()),
            other => other,
        };
        let mut operations = Vec::new();
        for operation in update.operations {
            match operation {
                GraphUpdateOperation::InsertData { data } => {
                    operations.push(GraphUpdateOperation::InsertData {
                        data: data
                            .into_iter()
                            .map(|q| spargebra::term::Quad {
                                graph_name: named(q.graph_name),
                                ..q
                            })
                            .collect(),
                    });
                }
                GraphUpdateOperation::DeleteData { data } => {
                    operations.push(GraphUpdateOperation::DeleteData {
                        data: data
                            .into_iter()
                            .map(|q| GroundQuad {
                                graph_name: named(q.graph_name),
                                ..q
                            })
                            .collect(),
                    });
                }
                GraphUpdateOperation::DeleteInsert {
                    delete,
                    insert,
                    using,
                    pattern: where_,
                } => operations.push(GraphUpdateOperation::DeleteInsert {
                    // As for queries: the WHERE clause sees kgql's graphs, not the engine's.
                    using: match using {
                        Some(using) => Some(using),
                        None => self.dataset(&where_).await?,
                    },
                    delete: delete
                        .into_iter()
                        .map(|q| GroundQuadPattern {
                            graph_name: pattern(q.graph_name),
                            ..q
                        })
                        .collect(),
                    insert: insert
                        .into_iter()
                        .map(|q| QuadPattern {
                            graph_name: pattern(q.graph_name),
                            ..q
                        })
                        .collect(),
                    pattern: where_,
                }),
                GraphUpdateOperation::Load {
                    silent,
                    source,
                    destination,
                } => operations.push(GraphUpdateOperation::Load {
                    silent,
                    source,
                    destination: named(destination),
                }),
                GraphUpdateOperation::Clear { silent, graph } => {
                    // The default graph always exists for kgql, whether or not the engine
                    // has seen the graph that stands for it.
                    let silent = silent || !matches!(graph, GraphTarget::NamedNode(_));
                    for graph in self.targets(graph).await? {
                        operations.push(GraphUpdateOperation::Clear {
                            silent,
                            graph: GraphTarget::NamedNode(graph),
                        });
                    }
                }
                GraphUpdateOperation::Drop { silent, graph } => {
                    // Virtuoso refuses to drop a graph that came to be by its statements
                    // ("has not been explicitly created before"): the graph's existence is
                    // checked here, its statements cleared, then the graph dropped silently.
                    if let (false, GraphTarget::NamedNode(named)) = (silent, &graph) {
                        if !self.contains_graph(named).await? {
                            return Err(StoreError::Evaluation(format!(
                                "the graph {named} does not exist"
                            )));
                        }
                    }
                    for graph in self.targets(graph).await? {
                        operations.push(GraphUpdateOperation::Clear {
                            silent: true,
                            graph: GraphTarget::NamedNode(graph.clone()),
                        });
                        operations.push(GraphUpdateOperation::Drop {
                            silent: true,
                            graph: GraphTarget::NamedNode(graph),
                        });
                    }
                }
                create @ GraphUpdateOperation::Create { .. } => operations.push(create),
            }
        }
        Ok(Update {
            operations,
            base_iri: update.base_iri,
        })
    }

    /// The engine graphs a `CLEAR`/`DROP` target stands for.
    pub(super) async fn targets(&self, target: GraphTarget) -> Result<Vec<NamedNode>, StoreError> {
        Ok(match target {
            GraphTarget::NamedNode(graph) => vec![graph],
            GraphTarget::DefaultGraph => vec![self.default_graph.clone()],
            GraphTarget::NamedGraphs => self.named_graphs().await?,
            GraphTarget::AllGraphs => {
                let mut graphs = self.named_graphs().await?;
                graphs.push(self.default_graph.clone());
                graphs
            }
        })
    }
}

/// The graph IRIs `GRAPH <g> {...}` patterns name, anywhere in `pattern`.
pub(super) fn graphs_in_pattern(pattern: &GraphPattern, out: &mut Vec<NamedNode>) {
    match pattern {
        GraphPattern::Graph { name, inner } => {
            if let spargebra::term::NamedNodePattern::NamedNode(graph) = name {
                out.push(graph.clone());
            }
            graphs_in_pattern(inner, out);
        }
        GraphPattern::Bgp { .. } | GraphPattern::Path { .. } | GraphPattern::Values { .. } => {}
        GraphPattern::Join { left, right }
        | GraphPattern::Lateral { left, right }
        | GraphPattern::Union { left, right }
        | GraphPattern::Minus { left, right } => {
            graphs_in_pattern(left, out);
            graphs_in_pattern(right, out);
        }
        GraphPattern::LeftJoin {
            left,
            right,
            expression,
        } => {
            graphs_in_pattern(left, out);
            graphs_in_pattern(right, out);
            if let Some(expression) = expression {
                graphs_in_expression(expression, out);
            }
        }
        GraphPattern::Filter { expr, inner } => {
            graphs_in_expression(expr, out);
            graphs_in_pattern(inner, out);
        }
        GraphPattern::Extend {
            inner, expression, ..
        } => {
            graphs_in_expression(expression, out);
            graphs_in_pattern(inner, out);
        }
        GraphPattern::OrderBy { inner, expression } => {
            for order in expression {
                match order {
                    spargebra::algebra::OrderExpression::Asc(e)
                    | spargebra::algebra::OrderExpression::Desc(e) => graphs_in_expression(e, out),
                }
            }
            graphs_in_pattern(inner, out);
        }
        GraphPattern::Group {
            inner, aggregates, ..
        } => {
            for (_, aggregate) in aggregates {
                if let spargebra::algebra::AggregateExpression::FunctionCall { expr, .. } =
                    aggregate
                {
                    graphs_in_expression(expr, out);
                }
            }
            graphs_in_pattern(inner, out);
        }
        GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::Service { inner, .. } => graphs_in_pattern(inner, out),
    }
}

pub(super) fn graphs_in_expression(
    expression: &spargebra::algebra::Expression,
    out: &mut Vec<NamedNode>,
) {
    match expression {
        spargebra::algebra::Expression::Exists(pattern) => graphs_in_pattern(pattern, out),
        other => {
            for child in crate::expressions::children(other) {
                graphs_in_expression(child, out);
            }
        }
    }
}

/// Whether `graph` belongs to an engine at `origin` rather than to kgql.
pub(super) fn is_system_graph(origin: &str, graph: &str) -> bool {
    (!origin.is_empty() && graph.starts_with(origin))
        || SYSTEM_GRAPH_PREFIXES.iter().any(|p| graph.starts_with(p))
}

pub(super) fn any_triple() -> GraphPattern {
    GraphPattern::Bgp {
        patterns: vec![TriplePattern {
            subject: TermPattern::Variable(v("s")),
            predicate: spargebra::term::NamedNodePattern::Variable(v("p")),
            object: TermPattern::Variable(v("o")),
        }],
    }
}

/// The text of an update. Data and templates are written one `GRAPH` block per graph, with the
/// statements of that graph inside: compact, and what every engine parses (Virtuoso refuses
/// `GRAPH {..} .` inside a block, and needs far less work for one block per graph than one per
/// statement). Data with blank nodes is inserted with `INSERT { ... } WHERE {}`, which means the
/// same (fresh blank nodes, one per label) and which engines that refuse blank nodes in
/// `INSERT DATA` (Virtuoso) accept. Terms are written by their own serialisers.
pub(super) fn update_text(update: &Update) -> String {
    let mut text = String::new();
    if let Some(base) = &update.base_iri {
        text.push_str(&format!("BASE <{}>\n", base.as_str()));
    }
    for (i, operation) in update.operations.iter().enumerate() {
        if i > 0 {
            text.push_str(" ;\n");
        }
        match operation {
            GraphUpdateOperation::InsertData { data } => {
                let blank = data
                    .iter()
                    .any(|q| q.subject.is_blank_node() || q.object.is_blank_node());
                text.push_str(if blank { "INSERT " } else { "INSERT DATA " });
                write_block(
                    &mut text,
                    data.iter().map(|q| {
                        (
                            graph_text(&q.graph_name),
                            format!("{} {} {}", q.subject, q.predicate, q.object),
                        )
                    }),
                );
                if blank {
                    text.push_str(" WHERE {}");
                }
            }
            GraphUpdateOperation::DeleteData { data } => {
                text.push_str("DELETE DATA ");
                write_block(
                    &mut text,
                    data.iter().map(|q| {
                        (
                            graph_text(&q.graph_name),
                            format!("{} {} {}", q.subject, q.predicate, q.object),
                        )
                    }),
                );
            }
            GraphUpdateOperation::DeleteInsert {
                delete,
                insert,
                using,
                pattern,
            } => {
                if !delete.is_empty() {
                    text.push_str("DELETE ");
                    write_block(
                        &mut text,
                        delete.iter().map(|q| {
                            (
                                pattern_graph_text(&q.graph_name),
                                format!("{} {} {}", q.subject, q.predicate, q.object),
                            )
                        }),
                    );
                    text.push('\n');
                }
                if !insert.is_empty() {
                    text.push_str("INSERT ");
                    write_block(
                        &mut text,
                        insert.iter().map(|q| {
                            (
                                pattern_graph_text(&q.graph_name),
                                format!("{} {} {}", q.subject, q.predicate, q.object),
                            )
                        }),
                    );
                    text.push('\n');
                }
                // USING and WHERE as the algebra's own serialiser writes them.
                let rest = GraphUpdateOperation::DeleteInsert {
                    delete: Vec::new(),
                    insert: Vec::new(),
                    using: using.clone(),
                    pattern: pattern.clone(),
                };
                text.push_str(&rest.to_string());
            }
            other => text.push_str(&other.to_string()),
        }
    }
    text
}

pub(super) fn graph_text(graph: &AlgebraGraphName) -> Option<String> {
    match graph {
        AlgebraGraphName::NamedNode(name) => Some(name.to_string()),
        AlgebraGraphName::DefaultGraph => None,
    }
}

pub(super) fn pattern_graph_text(graph: &GraphNamePattern) -> Option<String> {
    match graph {
        GraphNamePattern::DefaultGraph => None,
        other => Some(other.to_string()),
    }
}

/// `{ statements GRAPH g { statements } ... }`: statements grouped by graph (`None`: the
/// default graph), in the order each graph first appears.
pub(super) fn write_block(
    text: &mut String,
    statements: impl Iterator<Item = (Option<String>, String)>,
) {
    let mut graphs: Vec<(Option<String>, String)> = Vec::new();
    for (graph, statement) in statements {
        let line = format!("\t{statement} .\n");
        match graphs.iter_mut().find(|(g, _)| *g == graph) {
            Some((_, lines)) => lines.push_str(&line),
            None => graphs.push((graph, line)),
        }
    }
    text.push_str("{\n");
    // The default graph's statements first: a triple block may not follow a GRAPH block
    // without a dot, and Virtuoso refuses the dot.
    graphs.sort_by_key(|(graph, _)| graph.is_some());
    for (graph, lines) in graphs {
        match graph {
            Some(graph) => text.push_str(&format!("GRAPH {graph} {{\n{lines}}}\n")),
            None => text.push_str(&lines),
        }
    }
    text.push('}');
}

/// A quad of the data model as a quad of `INSERT DATA`.
pub(super) fn to_algebra(quad: Quad, default_graph: &NamedNode) -> spargebra::term::Quad {
    spargebra::term::Quad {
        subject: quad.subject,
        predicate: quad.predicate,
        object: quad.object,
        graph_name: match quad.graph_name {
            GraphName::NamedNode(n) => AlgebraGraphName::NamedNode(n),
            _ => AlgebraGraphName::NamedNode(default_graph.clone()),
        },
    }
}
