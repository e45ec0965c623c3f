//! The mapping between the GraphQL schema and the RDF graph, read from `schema.graphql`.
//!
//! The file is the contract: object types carry `@class(iri:)`, fields carry
//! `@property(path:)` (a SPARQL property path over the ontology's prefixes), `@iri` or
//! `@graphs`, and root fields `@lookup`. Connection, edge, filter and order types are recognised
//! by their names (`XConnection`, `XEdge`, `XFilter`, `XOrder`). Every IRI a mapping names must be
//! declared in the ontology.

use async_graphql::parser::types::{
    BaseType, ConstDirective, FieldDefinition, ServiceDocument, Type, TypeDefinition, TypeKind,
    TypeSystemDefinition,
};
use async_graphql::parser::Positioned;
use oxigraph::model::NamedNode;
use spargebra::algebra::{GraphPattern, PropertyPathExpression};
use spargebra::{Query, SparqlParser};
use std::collections::{BTreeSet, HashMap};

/// The name of the interface every node implements.
pub const ENTITY: &str = "Entity";
/// The Relay interface.
pub const NODE: &str = "Node";
/// The object type of nodes that no mapped class describes.
pub const THING: &str = "Thing";

/// A mistake in `schema.graphql`.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The file is not GraphQL SDL.
    #[error("schema.graphql is not valid GraphQL: {0}")]
    Syntax(String),
    /// A directive is misused.
    #[error("schema.graphql, {place}: {message}")]
    Mapping {
        /// Type and field.
        place: String,
        /// What is wrong.
        message: String,
    },
    /// A mapped IRI is not declared in the ontology.
    #[error("schema.graphql, {place}: <{iri}> is not declared in the ontology")]
    NotInOntology {
        /// Type and field.
        place: String,
        /// The IRI.
        iri: String,
    },
}

/// How many values a field has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// At most one (a nullable or non-null named type).
    Single,
    /// A plain list.
    List,
    /// A paginated list (`XConnection`).
    Connection,
}

/// Where a field's values come from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The node's own IRI.
    Iri,
    /// The values reached by a property path.
    Path(PropertyPathExpression),
    /// The named graphs that state something about the node.
    Graphs,
    /// The statements of one property about the node (`facts(property:)`); planned as the path
    /// of that property.
    Facts,
    /// On a statement: its property (given by the planner from the enclosing `facts` field).
    StatementProperty(Option<NamedNode>),
    /// On a statement: the named graphs that make it (the property given by the planner).
    StatedIn(Option<NamedNode>),
}

/// The kind of a leaf value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scalar {
    /// `String`, `ID` or any scalar written as text.
    Text,
    /// `Date`: text that sorts and compares as written.
    Date,
    /// `Int`.
    Int,
    /// `Float`.
    Float,
    /// `Boolean`.
    Boolean,
}

/// What a field's values are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Leaf values.
    Scalar(Scalar),
    /// Nodes of an object type or interface (by name).
    Node(String),
}

/// One mapped field.
#[derive(Clone, Debug)]
pub struct FieldMapping {
    /// The GraphQL field name.
    pub name: String,
    /// Where the values come from.
    pub source: Source,
    /// What they are.
    pub target: Target,
    /// How many.
    pub shape: Shape,
}

/// An object type or interface with its field mappings.
#[derive(Clone, Debug)]
pub struct TypeMapping {
    /// The GraphQL name.
    pub name: String,
    /// The RDF class; `None` for interfaces and `Thing`.
    pub class: Option<NamedNode>,
    /// The fields, by name.
    pub fields: HashMap<String, FieldMapping>,
    /// Whether this is an interface.
    pub is_interface: bool,
}

/// What a root field does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RootKind {
    /// One node by its IRI (`iri` or `id` argument).
    Lookup,
    /// All nodes of the target type, paginated.
    All,
    /// Search hits.
    Search,
    /// The neighbourhood of a node.
    Neighbourhood,
    /// The paths between two nodes.
    Paths,
}

/// A field of `Query`.
#[derive(Clone, Debug)]
pub struct RootField {
    /// The field name.
    pub name: String,
    /// What it does.
    pub kind: RootKind,
    /// The type (or interface) of the nodes it returns.
    pub target: String,
}

/// The whole mapping.
#[derive(Debug)]
pub struct Model {
    /// The parsed SDL, from which the executable schema is built.
    pub document: ServiceDocument,
    /// Object types and interfaces that describe nodes, by name.
    pub types: HashMap<String, TypeMapping>,
    /// The object types with a class, most specific first (a class before its superclasses,
    /// otherwise in file order): the order in which a node's concrete type is chosen.
    pub specific_first: Vec<String>,
    /// The root fields, by name.
    pub roots: HashMap<String, RootField>,
    /// The ontology's prefixes, for prefixed names given in requests.
    pub prefixes: Vec<(String, String)>,
}

/// The ontology facts the model is checked against.
pub struct Vocabulary {
    /// IRIs declared in the ontology (subjects of `rdf:type` statements).
    pub declared: BTreeSet<String>,
    /// `(subclass, superclass)` pairs, transitively closed or not.
    pub subclass_of: Vec<(String, String)>,
}

impl Model {
    /// Reads `schema.graphql` and checks its mapping against the ontology.
    pub fn parse(
        sdl: &str,
        prefixes: &[(&str, &str)],
        vocabulary: &Vocabulary,
    ) -> Result<Self, ModelError> {
        let document = async_graphql::parser::parse_schema(sdl)
            .map_err(|e| ModelError::Syntax(e.to_string()))?;
        let mut types = HashMap::new();
        let mut order = Vec::new();
        let mut query_fields = Vec::new();
        for definition in &document.definitions {
            let TypeSystemDefinition::Type(definition) = definition else {
                continue;
            };
            let definition = &definition.node;
            let name = definition.name.node.to_string();
            let (fields, is_interface) = match &definition.kind {
                TypeKind::Object(object) => (&object.fields, false),
                TypeKind::Interface(interface) => (&interface.fields, true),
                _ => continue,
            };
            if name == "Query" {
                query_fields = fields.iter().map(|f| f.node.clone()).collect();
                continue;
            }
            let Some(mapped) =
                type_mapping(definition, name, fields, is_interface, prefixes, vocabulary)?
            else {
                continue;
            };
            if mapped.class.is_some() {
                order.push(mapped.name.clone());
            }
            types.insert(mapped.name.clone(), mapped);
        }
        if !types.contains_key(ENTITY) || !types.contains_key(THING) {
            return Err(mapping(
                "schema",
                format!("the interface {ENTITY} and the type {THING} are required"),
            ));
        }
        let mut roots = HashMap::new();
        for field in &query_fields {
            let root = root_field(field, &types)?;
            roots.insert(root.name.clone(), root);
        }
        let specific_first = most_specific_first(&order, &types, vocabulary);
        let model = Self {
            document,
            types,
            specific_first,
            roots,
            prefixes: prefixes
                .iter()
                .map(|(p, n)| ((*p).to_owned(), (*n).to_owned()))
                .collect(),
        };
        model.check_targets()?;
        Ok(model)
    }

    fn check_targets(&self) -> Result<(), ModelError> {
        for mapping_type in self.types.values() {
            for field in mapping_type.fields.values() {
                if let Target::Node(target) = &field.target {
                    if !self.types.contains_key(target) {
                        return Err(mapping(
                            &format!("{}.{}", mapping_type.name, field.name),
                            format!("{target} is not a mapped type"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The mapping of `field` on the type `type_name`, or on the interfaces it implements.
    pub fn field(&self, type_name: &str, field: &str) -> Option<&FieldMapping> {
        self.types.get(type_name)?.fields.get(field)
    }

    /// The concrete type of a node of `declared` type (an object type or interface), given the
    /// IRIs of its classes.
    pub fn concrete_type<'a>(
        &'a self,
        declared: &'a str,
        classes: impl Iterator<Item = &'a str> + Clone,
    ) -> &'a str {
        if self.types.get(declared).is_some_and(|t| !t.is_interface) {
            return declared;
        }
        self.specific_first
            .iter()
            .find(|name| {
                let class = self.types[name.as_str()].class.as_ref();
                class.is_some_and(|class| classes.clone().any(|c| c == class.as_str()))
            })
            .map_or(THING, String::as_str)
    }
}

/// The mapping of the object type or interface `name` declared by `definition` with `fields`;
/// `None` for a type that describes no nodes (or statements).
fn type_mapping(
    definition: &TypeDefinition,
    name: String,
    fields: &[Positioned<FieldDefinition>],
    is_interface: bool,
    prefixes: &[(&str, &str)],
    vocabulary: &Vocabulary,
) -> Result<Option<TypeMapping>, ModelError> {
    let class = match directive(&definition.directives, "class") {
        Some(class) => {
            let iri = expand(&string_argument(class, "iri", &name)?, prefixes)
                .map_err(|message| mapping(&name, message))?;
            check_declared(&iri, &name, vocabulary)?;
            Some(NamedNode::new(iri).map_err(|e| mapping(&name, e.to_string()))?)
        }
        None => None,
    };
    let mut mapped = HashMap::new();
    for field in fields {
        let field = &field.node;
        let place = format!("{name}.{}", field.name.node);
        if let Some(mapping) = field_mapping(field, &place, prefixes, vocabulary)? {
            mapped.insert(mapping.name.clone(), mapping);
        }
    }
    // Only types that describe nodes (or statements) are mapped: those with a class, the others
    // whose fields are mapped, and `Thing`.
    if class.is_some() || name == THING || !mapped.is_empty() {
        Ok(Some(TypeMapping {
            name,
            class,
            fields: mapped,
            is_interface,
        }))
    } else if is_interface && name == NODE {
        Ok(Some(TypeMapping {
            name,
            class: None,
            fields: HashMap::from([(
                "id".to_owned(),
                FieldMapping {
                    name: "id".to_owned(),
                    source: Source::Iri,
                    target: Target::Scalar(Scalar::Text),
                    shape: Shape::Single,
                },
            )]),
            is_interface: true,
        }))
    } else {
        Ok(None)
    }
}

/// A root field of `Query`: a search or a walk (by its directive), a `@lookup` of one node, or
/// the list of a mapped type's nodes (a field returning its connection).
fn root_field(
    field: &FieldDefinition,
    types: &HashMap<String, TypeMapping>,
) -> Result<RootField, ModelError> {
    let place = format!("Query.{}", field.name.node);
    let (base, _) = unwrap_type(&field.ty.node);
    let special = [
        ("search", RootKind::Search),
        ("neighbourhood", RootKind::Neighbourhood),
        ("paths", RootKind::Paths),
    ]
    .into_iter()
    .find(|(name, _)| directive(&field.directives, name).is_some());
    if let Some((_, kind)) = special {
        return Ok(RootField {
            name: field.name.node.to_string(),
            kind,
            target: ENTITY.to_owned(),
        });
    }
    if directive(&field.directives, "lookup").is_some() {
        if !types.contains_key(&base) {
            return Err(mapping(&place, format!("{base} is not a mapped type")));
        }
        return Ok(RootField {
            name: field.name.node.to_string(),
            kind: RootKind::Lookup,
            target: base,
        });
    }
    if let Some(target) = base.strip_suffix("Connection") {
        if !types.contains_key(target) {
            return Err(mapping(&place, format!("{target} is not a mapped type")));
        }
        return Ok(RootField {
            name: field.name.node.to_string(),
            kind: RootKind::All,
            target: target.to_owned(),
        });
    }
    Err(mapping(
        &place,
        "a root field is either @lookup or returns a connection".to_owned(),
    ))
}

fn mapping(place: &str, message: String) -> ModelError {
    ModelError::Mapping {
        place: place.to_owned(),
        message,
    }
}

fn directive<'a>(
    directives: &'a [async_graphql::parser::Positioned<ConstDirective>],
    name: &str,
) -> Option<&'a ConstDirective> {
    directives
        .iter()
        .map(|d| &d.node)
        .find(|d| d.name.node == name)
}

fn string_argument(
    directive: &ConstDirective,
    name: &str,
    place: &str,
) -> Result<String, ModelError> {
    match directive.get_argument(name).map(|v| &v.node) {
        Some(async_graphql::Value::String(value)) => Ok(value.clone()),
        _ => Err(mapping(
            place,
            format!("@{} needs a string argument `{name}`", directive.name.node),
        )),
    }
}

/// The named type under lists and non-null markers, and the shape they make.
fn unwrap_type(ty: &Type) -> (String, Shape) {
    match &ty.base {
        BaseType::Named(name) => {
            if name.ends_with("Connection") {
                (name.to_string(), Shape::Connection)
            } else {
                (name.to_string(), Shape::Single)
            }
        }
        BaseType::List(inner) => (unwrap_type(inner).0, Shape::List),
    }
}

fn field_mapping(
    field: &FieldDefinition,
    place: &str,
    prefixes: &[(&str, &str)],
    vocabulary: &Vocabulary,
) -> Result<Option<FieldMapping>, ModelError> {
    let source = if directive(&field.directives, "iri").is_some() {
        Source::Iri
    } else if directive(&field.directives, "graphs").is_some() {
        Source::Graphs
    } else if directive(&field.directives, "facts").is_some() {
        Source::Facts
    } else if directive(&field.directives, "statementProperty").is_some() {
        Source::StatementProperty(None)
    } else if directive(&field.directives, "statedIn").is_some() {
        Source::StatedIn(None)
    } else if let Some(property) = directive(&field.directives, "property") {
        let text = string_argument(property, "path", place)?;
        let path = parse_path(&text, prefixes).map_err(|message| mapping(place, message))?;
        for iri in path_iris(&path) {
            check_declared(&iri, place, vocabulary)?;
        }
        Source::Path(path)
    } else {
        return Ok(None);
    };
    let (base, shape) = unwrap_type(&field.ty.node);
    let target = match base.as_str() {
        "String" | "ID" => Target::Scalar(Scalar::Text),
        "Date" => Target::Scalar(Scalar::Date),
        "Int" => Target::Scalar(Scalar::Int),
        "Float" => Target::Scalar(Scalar::Float),
        "Boolean" => Target::Scalar(Scalar::Boolean),
        other => Target::Node(other.strip_suffix("Connection").unwrap_or(other).to_owned()),
    };
    Ok(Some(FieldMapping {
        name: field.name.node.to_string(),
        source,
        target,
        shape,
    }))
}

fn check_declared(iri: &str, place: &str, vocabulary: &Vocabulary) -> Result<(), ModelError> {
    if vocabulary.declared.contains(iri) {
        Ok(())
    } else {
        Err(ModelError::NotInOntology {
            place: place.to_owned(),
            iri: iri.to_owned(),
        })
    }
}

/// Expands a prefixed name (or an IRI in angle brackets) with the ontology's prefixes.
pub fn expand(
    name: &str,
    prefixes: &[(impl AsRef<str>, impl AsRef<str>)],
) -> Result<String, String> {
    if let Some(iri) = name.strip_prefix('<').and_then(|n| n.strip_suffix('>')) {
        return Ok(iri.to_owned());
    }
    let (prefix, local) = name
        .split_once(':')
        .ok_or_else(|| format!("`{name}` is not a prefixed name"))?;
    prefixes
        .iter()
        .find(|(p, _)| p.as_ref() == prefix)
        .map(|(_, namespace)| format!("{}{local}", namespace.as_ref()))
        .ok_or_else(|| format!("unknown prefix `{prefix}:` in `{name}`"))
}

/// Parses a property path written in the schema (configuration, not user input) with the
/// ontology's prefixes.
pub fn parse_path(text: &str, prefixes: &[(&str, &str)]) -> Result<PropertyPathExpression, String> {
    // Name an unknown prefix plainly rather than through the parser's expectations.
    for token in text.split(|c: char| !(c.is_alphanumeric() || c == ':' || c == '_' || c == '-')) {
        if let Some((prefix, _)) = token.split_once(':') {
            if !prefix.is_empty() && !prefixes.iter().any(|(p, _)| *p == prefix) {
                return Err(format!("unknown prefix `{prefix}:` in `{text}`"));
            }
        }
    }
    let mut query = String::new();
    for (prefix, namespace) in prefixes {
        query.push_str(&format!("PREFIX {prefix}: <{namespace}>\n"));
    }
    // An alternative with a marker keeps the parser from turning sequences and inverses into
    // triple patterns: the path comes back whole, as the left side of the alternative.
    query.push_str(&format!(
        "SELECT * WHERE {{ ?s ({text})|<{PATH_MARKER}> ?o }}"
    ));
    let parsed = SparqlParser::new()
        .parse_query(&query)
        .map_err(|e| format!("`{text}` is not a SPARQL property path: {e}"))?;
    let Query::Select { pattern, .. } = parsed else {
        unreachable!("a SELECT query was parsed")
    };
    fn find(pattern: &GraphPattern) -> Option<PropertyPathExpression> {
        match pattern {
            GraphPattern::Project { inner, .. } => find(inner),
            GraphPattern::Path {
                path: PropertyPathExpression::Alternative(path, marker),
                ..
            } if **marker
                == PropertyPathExpression::NamedNode(NamedNode::new_unchecked(PATH_MARKER)) =>
            {
                Some((**path).clone())
            }
            _ => None,
        }
    }
    find(&pattern).ok_or_else(|| format!("`{text}` is not a single property path"))
}

/// Marks the end of a path being parsed.
const PATH_MARKER: &str = "urn:kgql:path-marker";

/// The IRIs a path mentions.
fn path_iris(path: &PropertyPathExpression) -> Vec<String> {
    match path {
        PropertyPathExpression::NamedNode(node) => vec![node.as_str().to_owned()],
        PropertyPathExpression::Reverse(inner)
        | PropertyPathExpression::ZeroOrMore(inner)
        | PropertyPathExpression::OneOrMore(inner)
        | PropertyPathExpression::ZeroOrOne(inner) => path_iris(inner),
        PropertyPathExpression::Sequence(a, b) | PropertyPathExpression::Alternative(a, b) => {
            let mut iris = path_iris(a);
            iris.extend(path_iris(b));
            iris
        }
        PropertyPathExpression::NegatedPropertySet(nodes) => {
            nodes.iter().map(|n| n.as_str().to_owned()).collect()
        }
    }
}

/// Orders the classed types so that a subclass comes before its superclasses.
fn most_specific_first(
    order: &[String],
    types: &HashMap<String, TypeMapping>,
    vocabulary: &Vocabulary,
) -> Vec<String> {
    let class_of = |name: &str| {
        types[name]
            .class
            .as_ref()
            .map(|c| c.as_str().to_owned())
            .unwrap_or_default()
    };
    let is_sub = |sub: &str, sup: &str| -> bool {
        // Transitive walk over the declared subclass links.
        let mut frontier = vec![sub.to_owned()];
        let mut seen = BTreeSet::new();
        while let Some(class) = frontier.pop() {
            for (s, o) in &vocabulary.subclass_of {
                if *s == class && seen.insert(o.clone()) {
                    if o == sup {
                        return true;
                    }
                    frontier.push(o.clone());
                }
            }
        }
        false
    };
    // Depth: how many other mapped classes a class is below.
    let mut ranked: Vec<(usize, usize, String)> = order
        .iter()
        .enumerate()
        .map(|(position, name)| {
            let class = class_of(name);
            let depth = order
                .iter()
                .filter(|other| *other != name && is_sub(&class, &class_of(other)))
                .count();
            (usize::MAX - depth, position, name.clone())
        })
        .collect();
    ranked.sort();
    ranked.into_iter().map(|(_, _, name)| name).collect()
}
