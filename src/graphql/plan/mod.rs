//! From a GraphQL field and its selection set to a plan: which nodes, which of their fields,
//! which nested lists with which filters, orders and windows. Pure: no I/O.

use super::model::{FieldMapping, Model, Scalar, Shape, Source, Target, ENTITY, NODE};
use async_graphql::parser::types::{Field, FragmentDefinition, SelectionSet};
use async_graphql::parser::Positioned;
use async_graphql::{Name, Value as ConstValue, Variables};
use oxigraph::model::NamedNode;
use spargebra::algebra::PropertyPathExpression;
use std::collections::HashMap;

mod root;

pub use root::{root, RootPlan, WalkPlan, MAX_HOPS};

/// A request the planner refuses, with a message for the client.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PlanError(pub String);

fn error(message: impl Into<String>) -> PlanError {
    PlanError(message.into())
}

/// Limits that shape plans.
#[derive(Clone, Copy, Debug)]
pub struct PlanLimits {
    /// Page size when neither `first` nor `last` is given.
    pub default_page: u64,
    /// Largest `first` or `last`.
    pub max_page: u64,
}

impl Default for PlanLimits {
    fn default() -> Self {
        Self {
            default_page: 20,
            max_page: 1000,
        }
    }
}

/// The fields selected on nodes of one declared type.
#[derive(Clone, Debug)]
pub struct Selection {
    /// A number unique in the request, naming the branch that reads the nodes' classes.
    pub id: u32,
    /// The declared type or interface.
    pub declared: String,
    /// Whether the nodes' classes are needed to choose their concrete type.
    pub needs_types: bool,
    /// The selected fields.
    pub fields: Vec<FieldPlan>,
}

/// One selected field.
#[derive(Clone, Debug)]
pub struct FieldPlan {
    /// A number unique in the request, naming the branch that reads the field.
    pub id: u32,
    /// The response key (alias or name).
    pub key: String,
    /// The type condition of the fragment the field was selected in, if any.
    pub condition: Option<String>,
    /// The mapping.
    pub mapping: FieldMapping,
    /// The `lang` argument.
    pub lang: Option<String>,
    /// What is selected below it.
    pub child: Child,
}

/// What a field selects below itself.
#[derive(Clone, Debug)]
pub enum Child {
    /// Nothing: a leaf.
    Leaf,
    /// Nodes, read in the same query as their parent.
    Nodes(Selection),
    /// A paginated list, read by the next level's query.
    Connection(Box<ConnectionPlan>),
}

/// A paginated list.
#[derive(Clone, Debug)]
pub struct ConnectionPlan {
    /// A number unique in the request.
    pub id: u32,
    /// Filter, order and window.
    pub list: ListArgs,
    /// Whether `totalCount` is selected (or needed to place the window).
    pub total: bool,
    /// The selection on the listed nodes (`edges.node` and `nodes` merged).
    pub node: Selection,
}

/// Filter, order and window of a list.
#[derive(Clone, Debug, Default)]
pub struct ListArgs {
    /// The filter, if any.
    pub filter: Option<Filter>,
    /// Order keys; the IRI breaks ties.
    pub order: Vec<OrderKey>,
    /// Which slice.
    pub window: Window,
}

/// The slice of a list a page shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Window {
    /// Position of the first node (from `after`).
    pub start: u64,
    /// Position after the last node, when known (`first`, `before`).
    pub end: Option<u64>,
    /// Take the last `n` nodes before `end` (or of the whole list when `end` is unknown).
    pub last: Option<u64>,
}

/// One order key.
#[derive(Clone, Debug)]
pub struct OrderKey {
    /// The field; `None` orders by IRI.
    pub field: Option<FieldMapping>,
    /// Descending.
    pub descending: bool,
}

/// A condition on nodes.
#[derive(Clone, Debug)]
pub enum Filter {
    /// All hold.
    And(Vec<Filter>),
    /// One holds.
    Or(Vec<Filter>),
    /// Does not hold.
    Not(Box<Filter>),
    /// The node is one of these IRIs.
    IriIn(Vec<NamedNode>),
    /// Some value of a leaf field passes every test; or, with `exists`, the field has a value
    /// or none.
    Value {
        /// The field.
        field: FieldMapping,
        /// Its kind.
        scalar: Scalar,
        /// Tests one value must pass together.
        tests: Vec<Test>,
        /// `Some(false)`: the field has no value at all.
        exists: Option<bool>,
    },
    /// Conditions on related nodes.
    Relation {
        /// The field.
        field: FieldMapping,
        /// The related type.
        target: String,
        /// Some related node matches.
        some: Option<Box<Filter>>,
        /// No related node matches.
        none: Option<Box<Filter>>,
    },
}

/// A test on one value.
#[derive(Clone, Debug, PartialEq)]
pub enum Test {
    /// Equal.
    Eq(Literal),
    /// Equal to one of.
    In(Vec<Literal>),
    /// Contains, ignoring case.
    Contains(String),
    /// Starts with, ignoring case.
    StartsWith(String),
    /// Language tag matches.
    Lang(String),
    /// Less than.
    Lt(Literal),
    /// Less or equal.
    Lte(Literal),
    /// Greater than.
    Gt(Literal),
    /// Greater or equal.
    Gte(Literal),
}

/// A value given in a filter.
#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    /// Text (also dates).
    Text(String),
    /// An integer.
    Int(i64),
    /// A float.
    Float(f64),
}

/// Walks GraphQL selection sets: fragments, variables, `@skip` and `@include`.
pub struct Planner<'a> {
    model: &'a Model,
    fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
    variables: &'a dyn Fn(&str) -> Option<ConstValue>,
    limits: PlanLimits,
    next_id: u32,
}

impl<'a> Planner<'a> {
    /// A planner over `model` for a request with these fragments and variables.
    pub fn new(
        model: &'a Model,
        fragments: &'a HashMap<Name, Positioned<FragmentDefinition>>,
        variables: &'a dyn Fn(&str) -> Option<ConstValue>,
        limits: PlanLimits,
    ) -> Self {
        Self {
            model,
            fragments,
            variables,
            limits,
            next_id: 0,
        }
    }

    fn id(&mut self) -> u32 {
        self.next_id += 1;
        self.next_id
    }

    /// The arguments of `field`, with variables substituted.
    pub fn arguments(&self, field: &Field) -> Result<HashMap<String, ConstValue>, PlanError> {
        let mut arguments = HashMap::new();
        for (name, value) in &field.arguments {
            let value = value.node.clone().into_const_with(|variable| {
                (self.variables)(variable.as_str())
                    .ok_or_else(|| error(format!("variable ${variable} is not defined")))
            })?;
            arguments.insert(name.node.to_string(), value);
        }
        Ok(arguments)
    }

    /// The fields of a selection set, each with the type condition it was selected under.
    fn collect<'s>(
        &self,
        set: &'s SelectionSet,
        condition: Option<&'s str>,
        out: &mut Vec<(Option<&'s str>, &'s Field)>,
    ) -> Result<(), PlanError>
    where
        'a: 's,
    {
        use async_graphql::parser::types::Selection as Item;
        for item in &set.items {
            match &item.node {
                Item::Field(field) => {
                    if self.included(&field.node.directives)? {
                        out.push((condition, &field.node));
                    }
                }
                Item::InlineFragment(fragment) => {
                    if self.included(&fragment.node.directives)? {
                        let condition = fragment
                            .node
                            .type_condition
                            .as_ref()
                            .map(|c| c.node.on.node.as_str())
                            .or(condition);
                        self.collect(&fragment.node.selection_set.node, condition, out)?;
                    }
                }
                Item::FragmentSpread(spread) => {
                    if self.included(&spread.node.directives)? {
                        let name = &spread.node.fragment_name.node;
                        let fragment = self
                            .fragments
                            .get(name)
                            .ok_or_else(|| error(format!("unknown fragment {name}")))?;
                        let condition = Some(fragment.node.type_condition.node.on.node.as_str());
                        self.collect(&fragment.node.selection_set.node, condition, out)?;
                    }
                }
            }
        }
        Ok(())
    }

    fn included(
        &self,
        directives: &[Positioned<async_graphql::parser::types::Directive>],
    ) -> Result<bool, PlanError> {
        for directive in directives {
            let name = directive.node.name.node.as_str();
            if name != "skip" && name != "include" {
                continue;
            }
            let value = directive
                .node
                .get_argument("if")
                .map(|v| {
                    v.node.clone().into_const_with(|variable| {
                        (self.variables)(variable.as_str())
                            .ok_or_else(|| error(format!("variable ${variable} is not defined")))
                    })
                })
                .transpose()?;
            let flag = matches!(value, Some(ConstValue::Boolean(true)));
            if (name == "skip" && flag) || (name == "include" && !flag) {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Plans the selection on nodes of type `declared`.
    pub fn selection(
        &mut self,
        declared: &str,
        set: &SelectionSet,
    ) -> Result<Selection, PlanError> {
        let mut fields = Vec::new();
        self.collect(set, None, &mut fields)?;
        let needs_types = self
            .model
            .types
            .get(declared)
            .is_none_or(|t| t.is_interface);
        let mut selection = Selection {
            id: self.id(),
            declared: declared.to_owned(),
            needs_types,
            fields: Vec::new(),
        };
        for (condition, field) in fields {
            let name = field.name.node.as_str();
            if name.starts_with("__") {
                continue;
            }
            // A condition naming the declared type or an interface applies to every node.
            let condition = condition
                .filter(|c| *c != declared && *c != ENTITY && *c != NODE)
                .map(str::to_owned);
            let owner = condition.as_deref().unwrap_or(declared);
            let Some(mapping) = self.model.field(owner, name) else {
                return Err(error(format!("{owner}.{name} is not mapped to the graph")));
            };
            let mut mapping = mapping.clone();
            let arguments = self.arguments(field)?;
            let lang = match arguments.get("lang") {
                Some(ConstValue::String(lang)) => Some(lang.clone()),
                _ => None,
            };
            let child = match (&mapping.target, mapping.shape) {
                (Target::Scalar(_), _) => Child::Leaf,
                (Target::Node(target), Shape::Connection) => {
                    let target = target.clone();
                    Child::Connection(Box::new(self.connection(&target, &arguments, field)?))
                }
                (Target::Node(target), _) => {
                    let target = target.clone();
                    let mut child = self.selection(&target, &field.selection_set.node)?;
                    if mapping.source == Source::Facts {
                        // The statements of one property: its values, each a statement whose
                        // fields know the property.
                        let property = self.statement_property(&arguments)?;
                        mapping.source =
                            Source::Path(PropertyPathExpression::NamedNode(property.clone()));
                        for fact_field in &mut child.fields {
                            if let Source::StatementProperty(p) | Source::StatedIn(p) =
                                &mut fact_field.mapping.source
                            {
                                *p = Some(property.clone());
                            }
                        }
                    }
                    Child::Nodes(child)
                }
            };
            selection.fields.push(FieldPlan {
                id: self.id(),
                key: field.response_key().node.to_string(),
                condition,
                mapping,
                lang,
                child,
            });
        }
        Ok(selection)
    }

    /// The `property` argument of a `facts` field: an IRI, or a prefixed name of the ontology's
    /// prefixes.
    fn statement_property(
        &self,
        arguments: &HashMap<String, ConstValue>,
    ) -> Result<NamedNode, PlanError> {
        let Some(ConstValue::String(text)) = arguments.get("property") else {
            return Err(error("`facts` needs a `property`"));
        };
        // A prefixed name of this server's, else the text as an IRI.
        let iri = super::model::expand(text, &self.model.prefixes).unwrap_or_else(|_| text.clone());
        NamedNode::new(iri).map_err(|e| {
            error(format!(
                "`property` is neither an IRI nor a prefixed name of this server ({text:?}: {e})"
            ))
        })
    }

    /// Plans a connection of `target` nodes selected by `field` with `arguments`.
    pub fn connection(
        &mut self,
        target: &str,
        arguments: &HashMap<String, ConstValue>,
        field: &Field,
    ) -> Result<ConnectionPlan, PlanError> {
        let list = self.list_args(target, arguments)?;
        let mut parts = Vec::new();
        self.collect(&field.selection_set.node, None, &mut parts)?;
        let mut total = list.window.last.is_some() && list.window.end.is_none();
        let mut node_items = Vec::new();
        for (_, part) in parts {
            match part.name.node.as_str() {
                "totalCount" => total = true,
                "nodes" => node_items.push(&part.selection_set.node),
                "edges" => {
                    let mut edge_parts = Vec::new();
                    self.collect(&part.selection_set.node, None, &mut edge_parts)?;
                    for (_, edge_part) in edge_parts {
                        if edge_part.name.node == "node" {
                            node_items.push(&edge_part.selection_set.node);
                        }
                    }
                }
                _ => {}
            }
        }
        // The node selections of `edges` and `nodes` are read together.
        let merged = SelectionSet {
            items: node_items
                .into_iter()
                .flat_map(|set| set.items.iter().cloned())
                .collect(),
        };
        let node = self.selection(target, &merged)?;
        Ok(ConnectionPlan {
            id: self.id(),
            list,
            total,
            node,
        })
    }

    /// The selection on `declared` nodes found under `field` at `path` (e.g. `nodes.entity`),
    /// with the selections of every occurrence merged.
    pub fn nested_selection(
        &mut self,
        field: &Field,
        path: &[&str],
        declared: &str,
    ) -> Result<Selection, PlanError> {
        let merged = SelectionSet {
            items: self
                .selection_sets(field, path)?
                .into_iter()
                .flat_map(|set| set.items)
                .collect(),
        };
        self.selection(declared, &merged)
    }

    /// Whether `field` selects something at `path` (e.g. `edges.label`).
    pub fn selects(&mut self, field: &Field, path: &[&str]) -> Result<bool, PlanError> {
        Ok(!self.selection_sets(field, path)?.is_empty())
    }

    /// The selection sets of every occurrence of `path` under `field`.
    fn selection_sets(
        &mut self,
        field: &Field,
        path: &[&str],
    ) -> Result<Vec<SelectionSet>, PlanError> {
        let mut sets: Vec<SelectionSet> = vec![field.selection_set.node.clone()];
        for name in path {
            let mut next = Vec::new();
            for set in &sets {
                let mut fields = Vec::new();
                self.collect(set, None, &mut fields)?;
                next.extend(
                    fields
                        .into_iter()
                        .filter(|(_, f)| f.name.node == *name)
                        .map(|(_, f)| f.selection_set.node.clone()),
                );
            }
            sets = next;
        }
        Ok(sets)
    }

    /// Reads `filter`, `orderBy`, `first`, `after`, `last` and `before`.
    pub fn list_args(
        &self,
        target: &str,
        arguments: &HashMap<String, ConstValue>,
    ) -> Result<ListArgs, PlanError> {
        let filter = match arguments.get("filter") {
            None | Some(ConstValue::Null) => None,
            Some(value) => Some(self.filter(target, value)?),
        };
        let mut order = Vec::new();
        match arguments.get("orderBy") {
            None | Some(ConstValue::Null) => {}
            Some(ConstValue::List(keys)) => {
                for key in keys {
                    order.push(self.order_key(target, key)?);
                }
            }
            Some(key) => order.push(self.order_key(target, key)?),
        }
        let count = |name: &str| -> Result<Option<u64>, PlanError> {
            match arguments.get(name) {
                None | Some(ConstValue::Null) => Ok(None),
                Some(ConstValue::Number(n)) => match n.as_u64() {
                    Some(n) if n <= self.limits.max_page => Ok(Some(n)),
                    Some(_) => Err(error(format!(
                        "`{name}` is at most {} on this server",
                        self.limits.max_page
                    ))),
                    None => Err(error(format!("`{name}` must not be negative"))),
                },
                Some(other) => Err(error(format!("`{name}` must be an integer, not {other}"))),
            }
        };
        let cursor = |name: &str| -> Result<Option<u64>, PlanError> {
            match arguments.get(name) {
                None | Some(ConstValue::Null) => Ok(None),
                Some(ConstValue::String(cursor)) => decode_cursor(cursor)
                    .map(Some)
                    .ok_or_else(|| error(format!("`{name}` is not a cursor of this server"))),
                Some(other) => Err(error(format!("`{name}` must be a cursor, not {other}"))),
            }
        };
        let first = count("first")?;
        let last = count("last")?;
        let start = cursor("after")?.map_or(0, |after| after + 1);
        let mut end = cursor("before")?;
        if let Some(first) = first {
            end = Some(end.map_or(start + first, |end| end.min(start + first)));
        }
        if first.is_none() && last.is_none() {
            end = Some(end.map_or(start + self.limits.default_page, |end| {
                end.min(start + self.limits.default_page)
            }));
        }
        Ok(ListArgs {
            filter,
            order,
            window: Window { start, end, last },
        })
    }

    fn order_key(&self, target: &str, value: &ConstValue) -> Result<OrderKey, PlanError> {
        let ConstValue::Object(key) = value else {
            return Err(error("an order key is an object { field, direction }"));
        };
        let field = match key.get("field") {
            Some(ConstValue::Enum(name)) => name.to_string(),
            Some(ConstValue::String(name)) => name.clone(),
            _ => return Err(error("an order key needs a `field`")),
        };
        let descending = match key.get("direction") {
            Some(ConstValue::Enum(d)) => d.as_str() == "DESC",
            Some(ConstValue::String(d)) => d == "DESC",
            _ => false,
        };
        let field = match self.model.field(target, &field) {
            Some(mapping) if mapping.source == Source::Iri => None,
            Some(mapping) if matches!(mapping.target, Target::Scalar(_)) => Some(mapping.clone()),
            _ => return Err(error(format!("{target} cannot be ordered by `{field}`"))),
        };
        Ok(OrderKey { field, descending })
    }

    /// Reads a filter input on `target` nodes.
    pub fn filter(&self, target: &str, value: &ConstValue) -> Result<Filter, PlanError> {
        let ConstValue::Object(entries) = value else {
            return Err(error(format!("a {target} filter is an object")));
        };
        let mut all = Vec::new();
        for (name, value) in entries {
            if matches!(value, ConstValue::Null) {
                continue;
            }
            match name.as_str() {
                "AND" | "OR" => {
                    let items = match value {
                        ConstValue::List(items) => items.clone(),
                        single => vec![single.clone()],
                    };
                    let parts = items
                        .iter()
                        .map(|item| self.filter(target, item))
                        .collect::<Result<Vec<_>, _>>()?;
                    all.push(if name.as_str() == "AND" {
                        Filter::And(parts)
                    } else {
                        Filter::Or(parts)
                    });
                }
                "NOT" => all.push(Filter::Not(Box::new(self.filter(target, value)?))),
                field_name => {
                    let mapping = self
                        .model
                        .field(target, field_name)
                        .ok_or_else(|| error(format!("{target} has no field `{field_name}`")))?;
                    all.push(self.field_filter(mapping, value)?);
                }
            }
        }
        Ok(Filter::And(all))
    }

    fn field_filter(
        &self,
        mapping: &FieldMapping,
        value: &ConstValue,
    ) -> Result<Filter, PlanError> {
        let ConstValue::Object(entries) = value else {
            return Err(error(format!(
                "the filter on `{}` is an object",
                mapping.name
            )));
        };
        if mapping.source == Source::Iri {
            let mut iris = None::<Vec<NamedNode>>;
            for (operator, operand) in entries {
                let values = match (operator.as_str(), operand) {
                    (_, ConstValue::Null) => continue,
                    ("eq", ConstValue::String(iri)) => vec![iri.clone()],
                    ("in", ConstValue::List(items)) => items
                        .iter()
                        .map(|item| match item {
                            ConstValue::String(iri) => Ok(iri.clone()),
                            other => Err(error(format!("an IRI is a string, not {other}"))),
                        })
                        .collect::<Result<_, _>>()?,
                    (operator, _) => {
                        return Err(error(format!("unsupported IRI condition `{operator}`")))
                    }
                };
                let nodes = values
                    .into_iter()
                    .map(|iri| {
                        NamedNode::new(&iri)
                            .map_err(|e| error(format!("<{iri}> is not a valid IRI: {e}")))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                iris = Some(match iris {
                    None => nodes,
                    Some(previous) => previous.into_iter().filter(|n| nodes.contains(n)).collect(),
                });
            }
            return Ok(iris.map_or(Filter::And(Vec::new()), Filter::IriIn));
        }
        match &mapping.target {
            Target::Scalar(scalar) => {
                let mut tests = Vec::new();
                let mut exists = None;
                for (operator, operand) in entries {
                    if matches!(operand, ConstValue::Null) {
                        continue;
                    }
                    let literal = |value: &ConstValue| literal(*scalar, value);
                    tests.push(match operator.as_str() {
                        "exists" => {
                            exists = Some(matches!(operand, ConstValue::Boolean(true)));
                            continue;
                        }
                        "eq" => Test::Eq(literal(operand)?),
                        "in" => match operand {
                            ConstValue::List(items) => {
                                Test::In(items.iter().map(literal).collect::<Result<_, _>>()?)
                            }
                            single => Test::In(vec![literal(single)?]),
                        },
                        "contains" => Test::Contains(text(operand)?),
                        "startsWith" => Test::StartsWith(text(operand)?),
                        "lang" => Test::Lang(text(operand)?),
                        "lt" => Test::Lt(literal(operand)?),
                        "lte" => Test::Lte(literal(operand)?),
                        "gt" => Test::Gt(literal(operand)?),
                        "gte" => Test::Gte(literal(operand)?),
                        other => return Err(error(format!("unsupported condition `{other}`"))),
                    });
                }
                Ok(Filter::Value {
                    field: mapping.clone(),
                    scalar: *scalar,
                    tests,
                    exists,
                })
            }
            Target::Node(target) => {
                let mut some = None;
                let mut none = None;
                for (operator, operand) in entries {
                    if matches!(operand, ConstValue::Null) {
                        continue;
                    }
                    let inner = Some(Box::new(self.filter(target, operand)?));
                    match operator.as_str() {
                        "some" => some = inner,
                        "none" => none = inner,
                        other => return Err(error(format!("unsupported condition `{other}`"))),
                    }
                }
                Ok(Filter::Relation {
                    field: mapping.clone(),
                    target: target.clone(),
                    some,
                    none,
                })
            }
        }
    }
}

fn text(value: &ConstValue) -> Result<String, PlanError> {
    match value {
        ConstValue::String(text) => Ok(text.clone()),
        other => Err(error(format!("expected a string, not {other}"))),
    }
}

fn literal(scalar: Scalar, value: &ConstValue) -> Result<Literal, PlanError> {
    match (scalar, value) {
        (Scalar::Int, ConstValue::Number(n)) => n
            .as_i64()
            .map(Literal::Int)
            .ok_or_else(|| error(format!("{n} is not an integer"))),
        (Scalar::Float, ConstValue::Number(n)) => n
            .as_f64()
            .map(Literal::Float)
            .ok_or_else(|| error(format!("{n} is not a number"))),
        (_, ConstValue::String(text)) => Ok(Literal::Text(text.clone())),
        (_, other) => Err(error(format!("unexpected value {other}"))),
    }
}

/// The cursor of the node at `position` in a list.
pub fn encode_cursor(position: u64) -> String {
    format!("c{position:x}")
}

/// The last position a cursor may name: no list is longer, and positions stay exact as
/// JavaScript numbers.
const MAX_POSITION: u64 = 1 << 53;

/// The position a cursor of [`encode_cursor`] names; `None` for anything else, a position past
/// [`MAX_POSITION`] included.
pub fn decode_cursor(cursor: &str) -> Option<u64> {
    u64::from_str_radix(cursor.strip_prefix('c')?, 16)
        .ok()
        .filter(|position| *position <= MAX_POSITION)
}

/// Reads the variables of a request, with the defaults its operation declares.
pub fn variable_reader<'a>(
    definitions: &'a [Positioned<async_graphql::parser::types::VariableDefinition>],
    variables: &'a Variables,
) -> impl Fn(&str) -> Option<ConstValue> + 'a {
    move |name| {
        definitions
            .iter()
            .find(|d| d.node.name.node == name)
            .and_then(|d| {
                variables
                    .get(&d.node.name.node)
                    .cloned()
                    .or_else(|| d.node.default_value().cloned())
            })
    }
}
