//! The executable GraphQL schema, built from `schema.graphql` with async-graphql's dynamic
//! schema: every type of the file, its descriptions, arguments and defaults; resolvers chosen by
//! what a type is (a root field, a mapped node type, a connection, an edge, page info).

use super::execute::{self, FieldData, Obj, Page, Stats};
use super::model::{Model, RootKind, Target, ENTITY};
use super::plan::{variable_reader, PlanLimits, Planner};
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
use oxigraph::model::NamedNode;
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
                match root.kind {
                    RootKind::Lookup => {
                        let iri = match arguments.get("iri").or_else(|| arguments.get("id")) {
                            Some(async_graphql::Value::String(iri)) => iri.clone(),
                            _ => return Err(field_error("an `iri` (or `id`) argument is needed")),
                        };
                        let node = NamedNode::new(&iri)
                            .map_err(|e| field_error(format!("<{iri}> is not a valid IRI: {e}")))?;
                        let selection = planner
                            .selection(&declared, &field.selection_set.node)
                            .map_err(field_error)?;
                        (ListSource::Nodes(vec![node], class), None, selection)
                    }
                    RootKind::All => {
                        let connection = planner
                            .connection(&root.target, &arguments, field)
                            .map_err(field_error)?;
                        let selection = connection.node.clone();
                        (ListSource::Class(class), Some(connection), selection)
                    }
                }
            };
            let (source, connection, selection) = planned;
            let page = execute::run(
                &engine.store,
                &model,
                engine.limits,
                &stats,
                source,
                connection.as_ref(),
                &selection,
            )
            .await
            .map_err(field_error)?;
            Ok(match root.kind {
                RootKind::Lookup => page
                    .edges
                    .first()
                    .map(|(_, obj)| node_value(obj, interface || declared == ENTITY)),
                RootKind::All => Some(FieldValue::owned_any(PageRef(page))),
            })
        })
    })
}
