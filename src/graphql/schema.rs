//! The executable GraphQL schema, built from `schema.graphql` with async-graphql's dynamic
//! schema: every type of the file, its descriptions, arguments and defaults; resolvers chosen by
//! what a type is (a root field, a mapped node type, a connection, an edge, page info).

use super::execute::{self, FieldData, Obj, Page, Stats};
use super::explore;
use super::model::{Model, RootField, RootKind, Target};
use super::plan::{
    self, variable_reader, PlanError, PlanLimits, Planner, RootPlan, Selection, WalkPlan,
};
use super::translate::ListSource;
use crate::store::{code, QueryLimits, SharedStore, StoreError};
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

/// A field's failure as a GraphQL error with its `extensions.code` ([`crate::store::code`]):
/// the request's values (a bad IRI, cursor or filter) or the store. The server's own failures are
/// logged with their causes and told as an internal error.
fn field_error(failure: impl Into<FieldFailure>) -> async_graphql::Error {
    use async_graphql::ErrorExtensions;
    let (code, message) = match failure.into() {
        FieldFailure::Plan(error) => (code::BAD_USER_INPUT, error.to_string()),
        FieldFailure::Store(error) => {
            let code = error.code();
            if code == code::INTERNAL_SERVER_ERROR {
                tracing::error!(
                    error = &error as &dyn std::error::Error,
                    "a GraphQL field failed"
                );
                (code, code::INTERNAL_MESSAGE.to_owned())
            } else {
                (code, error.to_string())
            }
        }
    };
    async_graphql::Error::new(message).extend_with(|_, e| e.set("code", code))
}

/// Why a field failed.
enum FieldFailure {
    Plan(PlanError),
    Store(StoreError),
}

impl From<PlanError> for FieldFailure {
    fn from(error: PlanError) -> Self {
        Self::Plan(error)
    }
}

impl From<StoreError> for FieldFailure {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
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
            let stats = ctx.data::<Arc<Stats>>()?.clone();
            // Planning borrows the request; it ends before the first query is sent.
            let planned = {
                let env = &ctx.ctx.query_env;
                let read =
                    variable_reader(&env.operation.node.variable_definitions, &env.variables);
                let mut planner =
                    Planner::new(&engine.model, &env.fragments, &read, engine.plan_limits);
                plan::root(&mut planner, &root, &ctx.ctx.item.node).map_err(field_error)?
            };
            match planned {
                RootPlan::List {
                    source,
                    connection,
                    selection,
                } => {
                    let page = execute::run(
                        &engine.store,
                        &engine.model,
                        engine.limits,
                        &stats,
                        source,
                        connection.as_deref(),
                        &selection,
                    )
                    .await
                    .map_err(field_error)?;
                    Ok(list_value(&engine.model, &root, page))
                }
                RootPlan::Walk(walk) => walk_value(&engine, &stats, walk).await.map(Some),
            }
        })
    })
}

/// The value of a root field planned as a list.
fn list_value(model: &Model, root: &RootField, page: Arc<Page>) -> Option<FieldValue<'static>> {
    match root.kind {
        RootKind::Lookup => {
            // `node(id:)` and `entity(iri:)` may name a node of any type.
            let interface = is_interface(model, &root.target)
                || [super::model::NODE, super::model::ENTITY].contains(&root.target.as_str());
            page.edges
                .first()
                .map(|(_, obj)| node_value(obj, interface))
        }
        RootKind::Search => Some(FieldValue::list(page.edges.iter().zip(&page.hits).map(
            |((_, obj), (score, matched))| {
                FieldValue::owned_any(HitRef(obj.clone(), *score, matched.clone()))
            },
        ))),
        _ => Some(FieldValue::owned_any(PageRef(page))),
    }
}

/// Runs a walk, then reads the selected fields of the nodes it kept (paths: only the nodes on
/// the paths kept).
async fn walk_value(
    engine: &Engine,
    stats: &Arc<Stats>,
    plan: WalkPlan,
) -> async_graphql::Result<FieldValue<'static>> {
    let WalkPlan {
        start,
        end,
        bounds,
        first,
        selection,
    } = plan;
    let walk = match &end {
        None => explore::walk(&engine.store, engine.limits, stats, &start, bounds).await,
        Some(end) => {
            explore::walk_between(&engine.store, engine.limits, stats, &start, end, bounds).await
        }
    }
    .map_err(field_error)?;
    let (wanted, paths) = match &end {
        None => (
            walk.distances.keys().cloned().collect::<Vec<_>>(),
            Vec::new(),
        ),
        Some(end) => {
            let paths = explore::paths(&walk, &start, end, bounds.depth, first);
            let mut nodes: Vec<NamedNode> = paths
                .iter()
                .flat_map(|p| explore::path_nodes(&start, p))
                .collect();
            nodes.sort();
            nodes.dedup();
            (nodes, paths)
        }
    };
    let objects = described(engine, stats, wanted, &selection).await?;
    Ok(match end {
        None => FieldValue::owned_any(GraphRef {
            nodes: walk
                .distances
                .iter()
                .filter_map(|(n, d)| objects.get(n).map(|o| (o.clone(), *d)))
                .collect(),
            // Links to IRIs the graph does not describe (a homepage, a Wikidata item) are
            // attributes, not drawable relationships.
            edges: walk
                .links
                .into_iter()
                .filter(|l| objects.contains_key(&l.source) && objects.contains_key(&l.target))
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
    })
}

/// The selected fields of the described ones of `nodes`, by node.
async fn described(
    engine: &Engine,
    stats: &Arc<Stats>,
    nodes: Vec<NamedNode>,
    selection: &Selection,
) -> async_graphql::Result<HashMap<NamedNode, Arc<Obj>>> {
    if nodes.is_empty() {
        return Ok(HashMap::new());
    }
    let page = execute::run(
        &engine.store,
        &engine.model,
        engine.limits,
        stats,
        ListSource::Nodes(nodes, None),
        None,
        selection,
    )
    .await
    .map_err(field_error)?;
    Ok(page
        .edges
        .iter()
        .filter_map(|(_, obj)| match &obj.node {
            Term::NamedNode(n) => Some((n.clone(), obj.clone())),
            _ => None,
        })
        .collect())
}
