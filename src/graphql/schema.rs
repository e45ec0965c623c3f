//! The executable GraphQL schema, built from `schema.graphql` with async-graphql's dynamic
//! schema: every type of the file, its descriptions, arguments and defaults; resolvers chosen by
//! what a type is (a root field, a mapped node type, a connection, an edge, page info).

use super::execute::{self, FieldData, Obj, Page, Stats};
use super::explore;
use super::model::{Model, RootKind, Target, ENTITY};
use super::plan::{variable_reader, ConnectionPlan, PlanLimits, Planner, Selection};
use super::translate::ListSource;
use crate::store::{QueryLimits, SharedStore};
use async_graphql::dynamic::{
    Enum, EnumItem, Field, FieldFuture, FieldValue, InputObject, InputValue, Interface,
    InterfaceField, Object, ResolverContext, Scalar, Schema, SchemaBuilder, TypeRef,
};
use async_graphql::parser::types::{
    BaseType, FieldDefinition, InputValueDefinition, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::Value;
use oxigraph::model::{NamedNode, Term};
use std::collections::HashMap;
use std::sync::Arc;

/// What resolvers share.
pub struct Engine {
    /// The graph.
    pub store: SharedStore,
    /// The mapping.
    pub model: Arc<Model>,
    /// Query time limit.
    pub limits: QueryLimits,
    /// Page sizes.
    pub plan_limits: PlanLimits,
}

/// A field error caused by the request's values (a bad IRI, cursor or filter) or by the store,
/// marked so that the HTTP layer can tell it from errors found before execution.
fn field_error(message: impl std::fmt::Display) -> async_graphql::Error {
    use async_graphql::ErrorExtensions;
    async_graphql::Error::new(message.to_string()).extend_with(|_, e| e.set("kgql", "field"))
}

/// What a root field was planned into.
enum Planned {
    /// A list (or lookup, or search) read level by level.
    List(ListSource, Option<Box<ConnectionPlan>>, Selection),
    /// A walk: a neighbourhood (`end: None`) or the paths to `end`.
    Explore {
        start: NamedNode,
        end: Option<NamedNode>,
        hops: u64,
        first: u64,
        selection: Selection,
        /// Whether the links' labels are selected.
        labels: bool,
    },
}

/// A search hit as a resolver's parent value.
struct HitRef(Arc<Obj>, f64, String);
/// A neighbourhood as a resolver's parent value.
struct GraphRef {
    nodes: Vec<(Arc<Obj>, u32)>,
    edges: Vec<explore::Link>,
}
/// A node of a neighbourhood as a resolver's parent value.
struct GraphNodeRef(Arc<Obj>, u32);
/// A link as a resolver's parent value.
struct LinkRef(explore::Link);
/// A path as a resolver's parent value.
struct PathRef {
    nodes: Vec<Arc<Obj>>,
    edges: Vec<explore::Link>,
}

/// A response node as a resolver's parent value.
struct ObjRef(Arc<Obj>);
/// A page as a resolver's parent value.
struct PageRef(Arc<Page>);
/// An edge as a resolver's parent value.
struct EdgeRef(String, Arc<Obj>);
/// Page info as a resolver's parent value.
struct PageInfoRef(Arc<Page>);

fn type_ref(ty: &Type) -> TypeRef {
    let base = match &ty.base {
        BaseType::Named(name) => TypeRef::Named(name.to_string().into()),
        BaseType::List(inner) => TypeRef::List(Box::new(type_ref(inner))),
    };
    if ty.nullable {
        base
    } else {
        TypeRef::NonNull(Box::new(base))
    }
}

fn input_value(definition: &InputValueDefinition) -> InputValue {
    let mut value = InputValue::new(
        definition.name.node.to_string(),
        type_ref(&definition.ty.node),
    );
    if let Some(description) = &definition.description {
        value = value.description(description.node.clone());
    }
    if let Some(default) = &definition.default_value {
        value = value.default_value(default.node.clone());
    }
    value
}

/// Builds the schema; `engine` becomes the resolvers' data.
pub fn build(model: Arc<Model>, engine: Arc<Engine>) -> SchemaBuilder {
    let mut builder = Schema::build("Query", None, None);
    for definition in &model.document.definitions {
        let TypeSystemDefinition::Type(definition) = definition else {
            continue;
        };
        let definition = &definition.node;
        let name = definition.name.node.to_string();
        let description = definition.description.as_ref().map(|d| d.node.clone());
        match &definition.kind {
            TypeKind::Scalar => {
                let mut scalar = Scalar::new(name);
                if let Some(description) = description {
                    scalar = scalar.description(description);
                }
                builder = builder.register(scalar);
            }
            TypeKind::Enum(enumeration) => {
                let mut item = Enum::new(name);
                for value in &enumeration.values {
                    let mut enum_item = EnumItem::new(value.node.value.node.to_string());
                    if let Some(d) = &value.node.description {
                        enum_item = enum_item.description(d.node.clone());
                    }
                    item = item.item(enum_item);
                }
                if let Some(description) = description {
                    item = item.description(description);
                }
                builder = builder.register(item);
            }
            TypeKind::InputObject(input) => {
                let mut object = InputObject::new(name);
                for field in &input.fields {
                    object = object.field(input_value(&field.node));
                }
                if let Some(description) = description {
                    object = object.description(description);
                }
                builder = builder.register(object);
            }
            TypeKind::Interface(interface) => {
                let mut item = Interface::new(name);
                for field in &interface.fields {
                    let field = &field.node;
                    let mut interface_field =
                        InterfaceField::new(field.name.node.to_string(), type_ref(&field.ty.node));
                    for argument in &field.arguments {
                        interface_field = interface_field.argument(input_value(&argument.node));
                    }
                    if let Some(d) = &field.description {
                        interface_field = interface_field.description(d.node.clone());
                    }
                    item = item.field(interface_field);
                }
                for implemented in &interface.implements {
                    item = item.implement(implemented.node.to_string());
                }
                if let Some(description) = description {
                    item = item.description(description);
                }
                builder = builder.register(item);
            }
            TypeKind::Object(object_type) => {
                let mut object = Object::new(name.clone());
                for field in &object_type.fields {
                    let field = &field.node;
                    let resolver = resolver_for(&name, field, &model, &engine);
                    let mut item = Field::new(
                        field.name.node.to_string(),
                        type_ref(&field.ty.node),
                        resolver,
                    );
                    for argument in &field.arguments {
                        item = item.argument(input_value(&argument.node));
                    }
                    if let Some(d) = &field.description {
                        item = item.description(d.node.clone());
                    }
                    object = object.field(item);
                }
                for implemented in &object_type.implements {
                    object = object.implement(implemented.node.to_string());
                }
                if let Some(description) = description {
                    object = object.description(description);
                }
                builder = builder.register(object);
            }
            TypeKind::Union(_) => {}
        }
    }
    builder.data(engine)
}

type Resolver = Box<dyn for<'a> Fn(ResolverContext<'a>) -> FieldFuture<'a> + Send + Sync>;

fn resolver_for(
    type_name: &str,
    field: &FieldDefinition,
    model: &Arc<Model>,
    engine: &Arc<Engine>,
) -> Resolver {
    let field_name = field.name.node.to_string();
    if type_name == "Query" {
        return root_resolver(&field_name, model, engine);
    }
    if let Some(resolver) = exploration_resolver(type_name, &field_name) {
        return resolver;
    }
    if type_name == "PageInfo" {
        return Box::new(move |ctx| {
            let info = ctx.parent_value.try_downcast_ref::<PageInfoRef>();
            let value = info.map(|PageInfoRef(page)| match field_name.as_str() {
                "hasNextPage" => Value::Boolean(page.has_next),
                "hasPreviousPage" => Value::Boolean(page.has_previous),
                "startCursor" => page
                    .edges
                    .first()
                    .map_or(Value::Null, |(c, _)| Value::String(c.clone())),
                "endCursor" => page
                    .edges
                    .last()
                    .map_or(Value::Null, |(c, _)| Value::String(c.clone())),
                _ => Value::Null,
            });
            FieldFuture::Value(value.ok().map(FieldValue::value))
        });
    }
    if let Some(target) = type_name.strip_suffix("Connection") {
        let interface = is_interface(model, target);
        return Box::new(move |ctx| {
            let Ok(PageRef(page)) = ctx.parent_value.try_downcast_ref::<PageRef>() else {
                return FieldFuture::Value(None);
            };
            let value = match field_name.as_str() {
                "totalCount" => FieldValue::value(Value::Number(
                    page.total.unwrap_or(page.edges.len() as u64).into(),
                )),
                "pageInfo" => FieldValue::owned_any(PageInfoRef(page.clone())),
                "edges" => FieldValue::list(page.edges.iter().map(|(cursor, obj)| {
                    FieldValue::owned_any(EdgeRef(cursor.clone(), obj.clone()))
                })),
                "nodes" => {
                    FieldValue::list(page.edges.iter().map(|(_, obj)| node_value(obj, interface)))
                }
                _ => return FieldFuture::Value(None),
            };
            FieldFuture::Value(Some(value))
        });
    }
    if let Some(target) = type_name.strip_suffix("Edge") {
        let interface = is_interface(model, target);
        return Box::new(move |ctx| {
            let Ok(EdgeRef(cursor, obj)) = ctx.parent_value.try_downcast_ref::<EdgeRef>() else {
                return FieldFuture::Value(None);
            };
            FieldFuture::Value(match field_name.as_str() {
                "cursor" => Some(FieldValue::value(Value::String(cursor.clone()))),
                "node" => Some(node_value(obj, interface)),
                _ => None,
            })
        });
    }
    // A mapped node type: read what the level queries assembled.
    let interface = model
        .field(type_name, &field_name)
        .and_then(|m| match &m.target {
            Target::Node(target) => Some(is_interface(model, target)),
            Target::Scalar(_) => None,
        })
        .unwrap_or(false);
    Box::new(move |ctx| {
        let Ok(ObjRef(obj)) = ctx.parent_value.try_downcast_ref::<ObjRef>() else {
            return FieldFuture::Value(None);
        };
        let key = ctx.ctx.item.node.response_key().node.as_str();
        let value = match obj.fields.get(key) {
            None => None,
            Some(FieldData::Value(Value::Null)) => None,
            Some(FieldData::Value(value)) => Some(FieldValue::value(value.clone())),
            Some(FieldData::Node(node)) => node.as_ref().map(|n| node_value(n, interface)),
            Some(FieldData::Nodes(nodes)) => Some(FieldValue::list(
                nodes.iter().map(|n| node_value(n, interface)),
            )),
            Some(FieldData::Connection(slot)) => Some(FieldValue::owned_any(PageRef(
                slot.get().cloned().unwrap_or_default(),
            ))),
        };
        FieldFuture::Value(value)
    })
}

/// Resolvers of the types that search and exploration return.
fn exploration_resolver(type_name: &str, field_name: &str) -> Option<Resolver> {
    let field_name = field_name.to_owned();
    let entity = |obj: &Arc<Obj>| node_value(obj, true);
    let link_list = |links: &[explore::Link]| {
        FieldValue::list(
            links
                .iter()
                .map(|l| FieldValue::owned_any(LinkRef(l.clone()))),
        )
    };
    let resolver: Resolver = match type_name {
        "SearchHit" => Box::new(move |ctx| {
            let Ok(HitRef(obj, score, matched)) = ctx.parent_value.try_downcast_ref::<HitRef>()
            else {
                return FieldFuture::Value(None);
            };
            FieldFuture::Value(match field_name.as_str() {
                "entity" => Some(entity(obj)),
                "score" => async_graphql::Number::from_f64(*score)
                    .map(|n| FieldValue::value(Value::Number(n))),
                "matched" => Some(FieldValue::value(Value::String(matched.clone()))),
                _ => None,
            })
        }),
        "Graph" => Box::new(move |ctx| {
            let Ok(graph) = ctx.parent_value.try_downcast_ref::<GraphRef>() else {
                return FieldFuture::Value(None);
            };
            FieldFuture::Value(match field_name.as_str() {
                "nodes" => Some(FieldValue::list(graph.nodes.iter().map(
                    |(obj, distance)| FieldValue::owned_any(GraphNodeRef(obj.clone(), *distance)),
                ))),
                "edges" => Some(link_list(&graph.edges)),
                _ => None,
            })
        }),
        "GraphNode" => Box::new(move |ctx| {
            let Ok(GraphNodeRef(obj, distance)) =
                ctx.parent_value.try_downcast_ref::<GraphNodeRef>()
            else {
                return FieldFuture::Value(None);
            };
            FieldFuture::Value(match field_name.as_str() {
                "entity" => Some(entity(obj)),
                "distance" => Some(FieldValue::value(Value::Number((*distance).into()))),
                _ => None,
            })
        }),
        "GraphEdge" => Box::new(move |ctx| {
            let Ok(LinkRef(link)) = ctx.parent_value.try_downcast_ref::<LinkRef>() else {
                return FieldFuture::Value(None);
            };
            let text = |s: &str| Some(FieldValue::value(Value::String(s.to_owned())));
            FieldFuture::Value(match field_name.as_str() {
                "source" => text(link.source.as_str()),
                "target" => text(link.target.as_str()),
                "predicate" => text(link.predicate.as_str()),
                "label" => link.label.as_deref().and_then(text),
                _ => None,
            })
        }),
        "Path" => Box::new(move |ctx| {
            let Ok(path) = ctx.parent_value.try_downcast_ref::<PathRef>() else {
                return FieldFuture::Value(None);
            };
            FieldFuture::Value(match field_name.as_str() {
                "nodes" => Some(FieldValue::list(path.nodes.iter().map(entity))),
                "edges" => Some(link_list(&path.edges)),
                _ => None,
            })
        }),
        _ => return None,
    };
    Some(resolver)
}

fn is_interface(model: &Model, name: &str) -> bool {
    model.types.get(name).is_some_and(|t| t.is_interface)
}

fn node_value(obj: &Arc<Obj>, interface: bool) -> FieldValue<'static> {
    let value = FieldValue::owned_any(ObjRef(obj.clone()));
    if interface {
        value.with_type(obj.typename.clone())
    } else {
        value
    }
}

fn root_resolver(field_name: &str, model: &Arc<Model>, engine: &Arc<Engine>) -> Resolver {
    let Some(root) = model.roots.get(field_name).cloned() else {
        let message = format!("Query.{field_name} is not mapped");
        return Box::new(move |_| {
            let message = message.clone();
            FieldFuture::new(async move { Err::<Option<FieldValue>, _>(message.into()) })
        });
    };
    let engine = engine.clone();
    Box::new(move |ctx| {
        let engine = engine.clone();
        let root = root.clone();
        FieldFuture::new(async move {
            let model = engine.model.clone();
            let stats = ctx.data::<Arc<Stats>>()?.clone();
            let class = model.types.get(&root.target).and_then(|t| t.class.clone());
            let interface = is_interface(&model, &root.target);
            // `node(id:)` may name any entity.
            let declared = if root.target == super::model::NODE {
                ENTITY.to_owned()
            } else {
                root.target.clone()
            };
            // Planning borrows the request; it ends before the first query is sent.
            let planned = {
                let env = &ctx.ctx.query_env;
                let read =
                    variable_reader(&env.operation.node.variable_definitions, &env.variables);
                let mut planner = Planner::new(&model, &env.fragments, &read, engine.plan_limits);
                let field = &ctx.ctx.item.node;
                let arguments = planner.arguments(field).map_err(field_error)?;
                let iri_argument = |name: &str| -> async_graphql::Result<NamedNode> {
                    match arguments.get(name) {
                        Some(async_graphql::Value::String(iri)) => NamedNode::new(iri)
                            .map_err(|e| field_error(format!("<{iri}> is not a valid IRI: {e}"))),
                        _ => Err(field_error(format!("the `{name}` argument is needed"))),
                    }
                };
                let count_argument =
                    |name: &str, default: u64, max: u64| -> async_graphql::Result<u64> {
                        match arguments.get(name) {
                            None | Some(async_graphql::Value::Null) => Ok(default),
                            Some(async_graphql::Value::Number(n)) => match n.as_u64() {
                                Some(n) if n <= max => Ok(n),
                                _ => Err(field_error(format!(
                                    "`{name}` is a number from 0 to {max} on this server"
                                ))),
                            },
                            Some(other) => Err(field_error(format!(
                                "`{name}` must be a number, not {other}"
                            ))),
                        }
                    };
                let max_page = engine.plan_limits.max_page;
                match root.kind {
                    RootKind::Lookup => {
                        let name = if arguments.contains_key("iri") {
                            "iri"
                        } else {
                            "id"
                        };
                        let node = iri_argument(name)?;
                        let selection = planner
                            .selection(&declared, &field.selection_set.node)
                            .map_err(field_error)?;
                        Planned::List(ListSource::Nodes(vec![node], class), None, selection)
                    }
                    RootKind::All => {
                        let connection = planner
                            .connection(&root.target, &arguments, field)
                            .map_err(field_error)?;
                        let selection = connection.node.clone();
                        Planned::List(
                            ListSource::Class(class),
                            Some(Box::new(connection)),
                            selection,
                        )
                    }
                    RootKind::Search => {
                        let text = match arguments.get("text") {
                            Some(async_graphql::Value::String(text)) if !text.trim().is_empty() => {
                                text.trim().to_owned()
                            }
                            _ => return Err(field_error("`text` must not be empty")),
                        };
                        let mut classes = Vec::new();
                        if let Some(async_graphql::Value::List(types)) = arguments.get("types") {
                            for name in types {
                                let async_graphql::Value::String(name) = name else {
                                    return Err(field_error(format!(
                                        "a type name is a string, not {name}"
                                    )));
                                };
                                let class = model
                                    .types
                                    .get(name)
                                    .and_then(|t| t.class.clone())
                                    .ok_or_else(|| {
                                        field_error(format!("`{name}` is not a type with a class"))
                                    })?;
                                classes.push(class);
                            }
                        }
                        let limit = count_argument("first", 10, max_page)?;
                        let selection = planner
                            .nested_selection(field, &["entity"], ENTITY)
                            .map_err(field_error)?;
                        Planned::List(
                            ListSource::Search {
                                text,
                                classes,
                                limit,
                                hits: None,
                            },
                            None,
                            selection,
                        )
                    }
                    RootKind::Neighbourhood => {
                        let start = iri_argument("iri")?;
                        let depth = count_argument("depth", 1, 4)?;
                        let first = count_argument("first", 100, max_page)?;
                        let selection = planner
                            .nested_selection(field, &["nodes", "entity"], ENTITY)
                            .map_err(field_error)?;
                        let labels = planner
                            .selects(field, &["edges", "label"])
                            .map_err(field_error)?;
                        Planned::Explore {
                            start,
                            end: None,
                            hops: depth,
                            first,
                            selection,
                            labels,
                        }
                    }
                    RootKind::Paths => {
                        let start = iri_argument("from")?;
                        let end = iri_argument("to")?;
                        let hops = count_argument("maxLength", 3, 4)?;
                        let first = count_argument("first", 10, max_page)?;
                        let selection = planner
                            .nested_selection(field, &["nodes"], ENTITY)
                            .map_err(field_error)?;
                        let labels = planner
                            .selects(field, &["edges", "label"])
                            .map_err(field_error)?;
                        Planned::Explore {
                            start,
                            end: Some(end),
                            hops,
                            first,
                            selection,
                            labels,
                        }
                    }
                }
            };
            match planned {
                Planned::List(source, connection, selection) => {
                    let page = execute::run(
                        &engine.store,
                        &model,
                        engine.limits,
                        &stats,
                        source,
                        connection.as_deref(),
                        &selection,
                    )
                    .await
                    .map_err(field_error)?;
                    Ok(match root.kind {
                        RootKind::Lookup => page
                            .edges
                            .first()
                            .map(|(_, obj)| node_value(obj, interface || declared == ENTITY)),
                        RootKind::Search => {
                            Some(FieldValue::list(page.edges.iter().zip(&page.hits).map(
                                |((_, obj), (score, matched))| {
                                    FieldValue::owned_any(HitRef(
                                        obj.clone(),
                                        *score,
                                        matched.clone(),
                                    ))
                                },
                            )))
                        }
                        _ => Some(FieldValue::owned_any(PageRef(page))),
                    })
                }
                Planned::Explore {
                    start,
                    end,
                    hops,
                    first,
                    selection,
                    labels,
                } => {
                    let bounds = explore::Bounds {
                        depth: u32::try_from(hops).unwrap_or(4),
                        // Paths may pass through many nodes; a neighbourhood keeps `first`.
                        max_nodes: if end.is_some() {
                            10_000
                        } else {
                            usize::try_from(first).unwrap_or(usize::MAX).max(1)
                        },
                        labels,
                    };
                    let walk = match &end {
                        None => {
                            explore::walk(&engine.store, engine.limits, &stats, &start, bounds)
                                .await
                        }
                        Some(end) => {
                            explore::walk_between(
                                &engine.store,
                                engine.limits,
                                &stats,
                                &start,
                                end,
                                bounds,
                            )
                            .await
                        }
                    }
                    .map_err(field_error)?;
                    let (wanted, paths) = match &end {
                        None => (
                            walk.distances.keys().cloned().collect::<Vec<_>>(),
                            Vec::new(),
                        ),
                        Some(end) => {
                            let paths = explore::paths(
                                &walk,
                                &start,
                                end,
                                bounds.depth,
                                usize::try_from(first).unwrap_or(usize::MAX),
                            );
                            let mut nodes: Vec<NamedNode> = paths
                                .iter()
                                .flat_map(|p| explore::path_nodes(&start, p))
                                .collect();
                            nodes.sort();
                            nodes.dedup();
                            (nodes, paths)
                        }
                    };
                    let objects = if wanted.is_empty() {
                        HashMap::new()
                    } else {
                        let page = execute::run(
                            &engine.store,
                            &model,
                            engine.limits,
                            &stats,
                            ListSource::Nodes(wanted, None),
                            None,
                            &selection,
                        )
                        .await
                        .map_err(field_error)?;
                        page.edges
                            .iter()
                            .filter_map(|(_, obj)| match &obj.node {
                                Term::NamedNode(n) => Some((n.clone(), obj.clone())),
                                _ => None,
                            })
                            .collect::<HashMap<_, _>>()
                    };
                    Ok(Some(match end {
                        None => FieldValue::owned_any(GraphRef {
                            nodes: walk
                                .distances
                                .iter()
                                .filter_map(|(n, d)| objects.get(n).map(|o| (o.clone(), *d)))
                                .collect(),
                            // Links to IRIs the graph does not describe (a homepage, a
                            // Wikidata item) are attributes, not drawable relationships.
                            edges: walk
                                .links
                                .into_iter()
                                .filter(|l| {
                                    objects.contains_key(&l.source)
                                        && objects.contains_key(&l.target)
                                })
                                .collect(),
                        }),
                        Some(_) => FieldValue::list(paths.into_iter().map(|links| {
                            let nodes = explore::path_nodes(&start, &links)
                                .iter()
                                .filter_map(|n| objects.get(n).cloned())
                                .collect();
                            FieldValue::owned_any(PathRef {
                                nodes,
                                edges: links,
                            })
                        })),
                    }))
                }
            }
        })
    })
}
