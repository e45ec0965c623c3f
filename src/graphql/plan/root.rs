//! From a field of `Query` to what answering it takes: the one place where root fields are
//! planned, called by the resolvers and by the golden tests alike.

use super::{error, ConnectionPlan, PlanError, Planner, Selection};
use crate::graphql::explore::Bounds;
use crate::graphql::model::{RootField, RootKind, ENTITY, NODE};
use crate::graphql::translate::ListSource;
use async_graphql::parser::types::Field;
use async_graphql::Value as ConstValue;
use oxigraph::model::NamedNode;
use std::collections::HashMap;

/// The most hops of a neighbourhood or a path.
pub const MAX_HOPS: u64 = 4;

/// The most nodes a walk between two nodes keeps (a neighbourhood keeps its `first`).
const MAX_PATH_NODES: usize = 10_000;

/// What a root field was planned into.
#[derive(Debug)]
pub enum RootPlan {
    /// A list read level by level: a lookup (`connection: None`, at most one node), a root list
    /// or a search.
    List {
        /// Where the nodes come from.
        source: ListSource,
        /// Filter, order and window of a root list.
        connection: Option<Box<ConnectionPlan>>,
        /// The fields selected on each node.
        selection: Selection,
    },
    /// A walk from a node.
    Walk(WalkPlan),
}

/// A neighbourhood (`end: None`) or the paths from `start` to `end`.
#[derive(Debug)]
pub struct WalkPlan {
    /// Where the walk starts.
    pub start: NamedNode,
    /// Where paths end; `None` for a neighbourhood.
    pub end: Option<NamedNode>,
    /// How far and how wide the walk goes.
    pub bounds: Bounds,
    /// How many paths are kept.
    pub first: usize,
    /// The fields selected on the nodes met.
    pub selection: Selection,
}

/// Plans `field`, a selection of the root field `root`.
pub fn root(
    planner: &mut Planner<'_>,
    root: &RootField,
    field: &Field,
) -> Result<RootPlan, PlanError> {
    let arguments = planner.arguments(field)?;
    let class = planner
        .model
        .types
        .get(&root.target)
        .and_then(|t| t.class.clone());
    let max_page = planner.limits.max_page;
    let arguments = Arguments(&arguments);
    match root.kind {
        RootKind::Lookup => {
            let node = arguments.iri(if arguments.0.contains_key("iri") {
                "iri"
            } else {
                "id"
            })?;
            // `node(id:)` may name any entity.
            let declared = if root.target == NODE {
                ENTITY
            } else {
                &root.target
            };
            let selection = planner.selection(declared, &field.selection_set.node)?;
            Ok(RootPlan::List {
                source: ListSource::Nodes(vec![node], class),
                connection: None,
                selection,
            })
        }
        RootKind::All => {
            let connection = planner.connection(&root.target, arguments.0, field)?;
            Ok(RootPlan::List {
                source: ListSource::Class(class),
                selection: connection.node.clone(),
                connection: Some(Box::new(connection)),
            })
        }
        RootKind::Search => {
            let text = match arguments.0.get("text") {
                Some(ConstValue::String(text)) if !text.trim().is_empty() => text.trim().to_owned(),
                _ => return Err(error("`text` must not be empty")),
            };
            let classes = search_classes(planner, arguments.0.get("types"))?;
            let limit = arguments.count("first", 10, max_page)?;
            let selection = planner.nested_selection(field, &["entity"], ENTITY)?;
            Ok(RootPlan::List {
                source: ListSource::Search {
                    text,
                    classes,
                    limit,
                    hits: None,
                },
                connection: None,
                selection,
            })
        }
        RootKind::Neighbourhood => {
            let start = arguments.iri("iri")?;
            let depth = hops(arguments.count("depth", 1, MAX_HOPS)?);
            let first = arguments.count("first", 100, max_page)?;
            let selection = planner.nested_selection(field, &["nodes", "entity"], ENTITY)?;
            Ok(RootPlan::Walk(WalkPlan {
                start,
                end: None,
                bounds: Bounds {
                    depth,
                    max_nodes: usize::try_from(first).unwrap_or(usize::MAX).max(1),
                    labels: planner.selects(field, &["edges", "label"])?,
                },
                first: usize::try_from(first).unwrap_or(usize::MAX),
                selection,
            }))
        }
        RootKind::Paths => {
            let start = arguments.iri("from")?;
            let end = arguments.iri("to")?;
            let depth = hops(arguments.count("maxLength", 3, MAX_HOPS)?);
            let first = arguments.count("first", 10, max_page)?;
            let selection = planner.nested_selection(field, &["nodes"], ENTITY)?;
            Ok(RootPlan::Walk(WalkPlan {
                start,
                end: Some(end),
                bounds: Bounds {
                    depth,
                    // Paths may pass through many nodes.
                    max_nodes: MAX_PATH_NODES,
                    labels: planner.selects(field, &["edges", "label"])?,
                },
                first: usize::try_from(first).unwrap_or(usize::MAX),
                selection,
            }))
        }
    }
}

fn hops(count: u64) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// The classes named by a search's `types`.
fn search_classes(
    planner: &Planner<'_>,
    types: Option<&ConstValue>,
) -> Result<Vec<NamedNode>, PlanError> {
    let Some(ConstValue::List(types)) = types else {
        return Ok(Vec::new());
    };
    types
        .iter()
        .map(|name| {
            let ConstValue::String(name) = name else {
                return Err(error(format!("a type name is a string, not {name}")));
            };
            planner
                .model
                .types
                .get(name)
                .and_then(|t| t.class.clone())
                .ok_or_else(|| error(format!("`{name}` is not a type with a class")))
        })
        .collect()
}

/// A root field's arguments, variables substituted.
struct Arguments<'a>(&'a HashMap<String, ConstValue>);

impl Arguments<'_> {
    /// The IRI given as `name`.
    fn iri(&self, name: &str) -> Result<NamedNode, PlanError> {
        match self.0.get(name) {
            Some(ConstValue::String(iri)) => {
                NamedNode::new(iri).map_err(|e| error(format!("<{iri}> is not a valid IRI: {e}")))
            }
            _ => Err(error(format!("the `{name}` argument is needed"))),
        }
    }

    /// The count given as `name`, `default` when absent, at most `max`.
    fn count(&self, name: &str, default: u64, max: u64) -> Result<u64, PlanError> {
        match self.0.get(name) {
            None | Some(ConstValue::Null) => Ok(default),
            Some(ConstValue::Number(n)) => match n.as_u64() {
                Some(n) if n <= max => Ok(n),
                _ => Err(error(format!(
                    "`{name}` is a number from 0 to {max} on this server"
                ))),
            },
            Some(other) => Err(error(format!("`{name}` must be a number, not {other}"))),
        }
    }
}
