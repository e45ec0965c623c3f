//! What a GraphQL request may cost, measured on its parsed document before it is validated or
//! run.
//!
//! Fragments are measured once each and their measures reused wherever they are spread, so a
//! document whose fragments spread each other twice over twenty levels (a million fields once
//! expanded) is measured in twenty steps and refused, instead of being expanded by the
//! validation rules and the planner. Three measures:
//!
//! - **fields**: the selections of the document once every fragment is spread in place;
//! - **nodes**: the objects and values the answer may hold, each field counted once per item
//!   of every list above it: a page of `first: 100` under a page of `first: 50` is 5,000 nodes.
//!   Pages without `first`/`last` count at their default size; unpaginated lists of the
//!   introspection schema count at their largest size in this schema;
//! - **queries**: the SPARQL queries the request will send: one per root field, one per level
//!   of nested pages, one per hop of a walk.

use async_graphql::parser::types::{
    BaseType, DocumentOperations, ExecutableDocument, Field, FragmentDefinition, OperationType,
    Selection, SelectionSet, ServiceDocument, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Pos, Positioned, Value, Variables};
use std::collections::HashMap;

/// The limits a request is measured against.
#[derive(Clone, Copy, Debug)]
pub struct CostLimits {
    /// Most selections once fragments are spread.
    pub max_fields: u64,
    /// Most nodes (objects and values, multiplied through pages).
    pub max_nodes: u64,
    /// Most SPARQL queries.
    pub max_queries: u64,
    /// Deepest selection of the schema's own fields (the introspection schema's, under
    /// `__schema` and `__type`, are bounded by `max_nodes` instead: their depth is the wrapping
    /// of types that clients' standard queries spell out).
    pub max_depth: u64,
    /// The size of a page without `first` or `last`.
    pub default_page: u64,
    /// The largest page.
    pub max_page: u64,
}

/// What a request was measured at.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cost {
    /// Selections once fragments are spread.
    pub fields: u64,
    /// Objects and values the answer may hold.
    pub nodes: u64,
    /// SPARQL queries.
    pub queries: u64,
    /// Depth of the deepest selection of the schema's own fields.
    pub depth: u64,
}

impl Cost {
    /// Adds the cost of a sibling selection.
    fn add(&mut self, other: Cost) {
        self.fields = self.fields.saturating_add(other.fields);
        self.nodes = self.nodes.saturating_add(other.nodes);
        self.queries = self.queries.saturating_add(other.queries);
        self.depth = self.depth.max(other.depth);
    }
}

/// Why a request is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CostError {
    /// The kind of refusal ([`crate::store::code`]): a limit, or a document that cannot be
    /// valid (a fragment that spreads itself).
    pub code: &'static str,
    /// What went past which limit, and the setting that raises it.
    pub message: String,
    /// Where in the document.
    pub pos: Option<Pos>,
}

/// A field of the schema, as far as costs go.
#[derive(Clone, Debug)]
struct FieldInfo {
    /// The named type the field returns.
    ty: String,
    /// The default of its `first` (or `last`) argument, when it has one: the field is a page.
    page: Option<Option<u64>>,
    /// Whether it walks the graph: its hops come from `depth` or `maxLength`.
    hops: Option<(&'static str, u64)>,
}

/// The fields of every type of the schema, and the largest lists of the introspection schema.
#[derive(Clone, Debug, Default)]
pub struct Costs {
    types: HashMap<String, HashMap<String, FieldInfo>>,
    query: String,
    mutation: String,
    /// How many types the schema has (the length of `__schema { types }`).
    type_count: u64,
    /// The average length of each list of the introspection schema (`fields`, `args`…), rounded
    /// up: nested lists multiply as they do in the answer.
    introspection: HashMap<&'static str, u64>,
    /// The most wrappers (non-null, list) around a type in the schema: `ofType` deeper than
    /// that is null.
    wrappers: usize,
}

impl Costs {
    /// Reads the fields of a schema in SDL.
    pub fn new(schema: &ServiceDocument) -> Self {
        let mut costs = Self {
            query: "Query".to_owned(),
            mutation: "Mutation".to_owned(),
            ..Self::default()
        };
        // Totals and counts of each introspection list, for their averages.
        let mut lists: HashMap<&'static str, (u64, u64)> = HashMap::new();
        let mut tally = |list: &'static str, length: usize| {
            let entry = lists.entry(list).or_default();
            entry.0 += length as u64;
            entry.1 += 1;
        };
        for definition in &schema.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    if let Some(query) = &schema.node.query {
                        costs.query = query.node.to_string();
                    }
                    if let Some(mutation) = &schema.node.mutation {
                        costs.mutation = mutation.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(ty) => {
                    costs.type_count += 1;
                    let (fields, interfaces) = match &ty.node.kind {
                        TypeKind::Object(object) => (&object.fields, &object.implements),
                        TypeKind::Interface(interface) => {
                            (&interface.fields, &interface.implements)
                        }
                        TypeKind::Enum(e) => {
                            tally("enumValues", e.values.len());
                            continue;
                        }
                        TypeKind::InputObject(input) => {
                            tally("inputFields", input.fields.len());
                            continue;
                        }
                        TypeKind::Union(union) => {
                            tally("possibleTypes", union.members.len());
                            continue;
                        }
                        TypeKind::Scalar => continue,
                    };
                    tally("interfaces", interfaces.len());
                    tally("fields", fields.len());
                    let mut infos = HashMap::new();
                    for field in fields {
                        let field = &field.node;
                        tally("args", field.arguments.len());
                        costs.wrappers = costs.wrappers.max(wrappers(&field.ty.node));
                        for argument in &field.arguments {
                            costs.wrappers = costs.wrappers.max(wrappers(&argument.node.ty.node));
                        }
                        let argument = |name: &str| {
                            field
                                .arguments
                                .iter()
                                .find(|a| a.node.name.node == name)
                                .map(|a| a.node.default_value.as_ref().and_then(|v| count(&v.node)))
                        };
                        let page = argument("first").or_else(|| argument("last"));
                        let hops = match (argument("depth"), argument("maxLength")) {
                            (Some(default), _) => Some(("depth", default.unwrap_or(1))),
                            (_, Some(default)) => Some(("maxLength", default.unwrap_or(1))),
                            _ => None,
                        };
                        infos.insert(
                            field.name.node.to_string(),
                            FieldInfo {
                                ty: named_type(&field.ty.node).to_owned(),
                                page,
                                hops,
                            },
                        );
                    }
                    costs.types.insert(ty.node.name.node.to_string(), infos);
                }
                TypeSystemDefinition::Directive(directive) => {
                    tally("directives", 1);
                    tally("locations", directive.node.locations.len());
                }
            }
        }
        // The introspection types and the built-in scalars and directives.
        costs.type_count += 13;
        let directives = lists.get("directives").map_or(0, |d| d.0) + 4;
        costs.introspection = lists
            .into_iter()
            .map(|(list, (total, count))| (list, total.div_ceil(count.max(1)).max(1)))
            .collect();
        costs.introspection.insert("directives", directives);
        costs.introspection.insert("types", costs.type_count);
        costs
    }

    /// Measures the operation a request runs (the named one, or the only one; every operation
    /// when the request does not say which of several it runs).
    pub fn measure(
        &self,
        document: &ExecutableDocument,
        operation_name: Option<&str>,
        variables: &Variables,
        limits: &CostLimits,
    ) -> Result<Cost, CostError> {
        let mut walk = Walk {
            costs: self,
            document,
            variables,
            limits,
            fragments: HashMap::new(),
            of_type: 0,
            introspecting: false,
        };
        let mut worst = Cost::default();
        let operations: Vec<_> = match &document.operations {
            DocumentOperations::Single(operation) => vec![operation],
            DocumentOperations::Multiple(operations) => match operation_name {
                Some(name) => operations.get(name).into_iter().collect(),
                None => operations.values().collect(),
            },
        };
        for operation in operations {
            let root = match operation.node.ty {
                OperationType::Query => &self.query,
                OperationType::Mutation => &self.mutation,
                OperationType::Subscription => "Subscription",
            };
            let cost = walk.selection_set(&operation.node.selection_set, Some(root), true)?;
            walk.check(cost, operation.pos)?;
            worst.fields = worst.fields.max(cost.fields);
            worst.nodes = worst.nodes.max(cost.nodes);
            worst.queries = worst.queries.max(cost.queries);
            worst.depth = worst.depth.max(cost.depth);
        }
        Ok(worst)
    }
}

/// The named type at the bottom of a type.
fn named_type(ty: &Type) -> &str {
    match &ty.base {
        BaseType::Named(name) => name.as_str(),
        BaseType::List(inner) => named_type(inner),
    }
}

/// How many wrappers (non-null, list) a type has around its named type.
fn wrappers(ty: &Type) -> usize {
    usize::from(!ty.nullable)
        + match &ty.base {
            BaseType::Named(_) => 0,
            BaseType::List(inner) => 1 + wrappers(inner),
        }
}

/// A non-negative integer value.
fn count(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// One measure of a document.
struct Walk<'a> {
    costs: &'a Costs,
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    limits: &'a CostLimits,
    /// Fragments measured (`Some`) or being measured (`None`: spreading it again is a cycle),
    /// by name and by whether they are spread among root fields (which count a query each).
    fragments: HashMap<(&'a str, bool, bool), Option<Cost>>,
    /// How many `ofType` fields of the introspection schema enclose the current field.
    of_type: usize,
    /// Whether the current field is inside `__schema` or `__type` (whose depth is not counted).
    introspecting: bool,
}

impl<'a> Walk<'a> {
    fn check(&self, cost: Cost, pos: Pos) -> Result<(), CostError> {
        let refuse = |what: String| {
            Err(CostError {
                code: crate::store::code::LIMIT_EXCEEDED,
                message: what,
                pos: Some(pos),
            })
        };
        if cost.depth > self.limits.max_depth {
            return refuse(format!(
                "the query is nested deeper than this server's limit of {} levels \
                 (--graphql-max-depth)",
                self.limits.max_depth
            ));
        }
        if cost.fields > self.limits.max_fields {
            return refuse(format!(
                "the query has more than {} fields once its fragments are spread \
                 (--graphql-max-fields)",
                self.limits.max_fields
            ));
        }
        if cost.nodes > self.limits.max_nodes {
            return refuse(format!(
                "the query may return {} objects and values, more than this server's limit of {} \
                 (--graphql-max-nodes; each field counts once per item of the pages above it: \
                 ask for smaller pages)",
                cost.nodes, self.limits.max_nodes
            ));
        }
        if cost.queries > self.limits.max_queries {
            return refuse(format!(
                "the query needs {} SPARQL queries, more than this server's limit of {} \
                 (--graphql-max-queries; each root field, each level of nested pages and each \
                 hop of a walk is one)",
                cost.queries, self.limits.max_queries
            ));
        }
        Ok(())
    }

    /// The variable or literal integer an argument of `field` has.
    fn argument(&self, field: &Field, name: &str) -> Option<Option<u64>> {
        let (_, value) = field.arguments.iter().find(|(n, _)| n.node == name)?;
        let value = value
            .node
            .clone()
            .into_const_with(|name| self.variables.get(&name).cloned().ok_or(()));
        Some(value.ok().as_ref().and_then(count))
    }

    fn selection_set(
        &mut self,
        set: &'a Positioned<SelectionSet>,
        parent: Option<&str>,
        root: bool,
    ) -> Result<Cost, CostError> {
        let mut total = Cost::default();
        for selection in &set.node.items {
            let cost = match &selection.node {
                Selection::Field(field) => self.field(&field.node, parent, root)?,
                Selection::InlineFragment(fragment) => {
                    let parent = fragment
                        .node
                        .type_condition
                        .as_ref()
                        .map(|c| c.node.on.node.as_str())
                        .or(parent);
                    self.selection_set(&fragment.node.selection_set, parent, root)?
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    match self.document.fragments.get(name) {
                        Some(fragment) => self.fragment(name, fragment, root)?,
                        // Validation reports it.
                        None => Cost::default(),
                    }
                }
            };
            total.add(cost);
            // Stop as soon as the measure is past a limit: the rest cannot bring it back.
            self.check(total, selection.pos)?;
        }
        Ok(total)
    }

    fn fragment(
        &mut self,
        name: &'a str,
        fragment: &'a Positioned<FragmentDefinition>,
        root: bool,
    ) -> Result<Cost, CostError> {
        let key = (name, root, self.introspecting);
        match self.fragments.get(&key) {
            Some(Some(cost)) => return Ok(*cost),
            Some(None) => {
                return Err(CostError {
                    code: crate::store::code::GRAPHQL_VALIDATION_FAILED,
                    message: format!("fragment `{name}` spreads itself"),
                    pos: Some(fragment.pos),
                })
            }
            None => {}
        }
        self.fragments.insert(key, None);
        let on = fragment.node.type_condition.node.on.node.as_str();
        // A fragment is measured once, wherever it is spread.
        let of_type = std::mem::take(&mut self.of_type);
        let cost = self.selection_set(&fragment.node.selection_set, Some(on), root);
        self.of_type = of_type;
        let cost = cost?;
        self.fragments.insert(key, Some(cost));
        Ok(cost)
    }

    fn field(
        &mut self,
        field: &'a Field,
        parent: Option<&str>,
        root: bool,
    ) -> Result<Cost, CostError> {
        let name = field.name.node.as_str();
        let info = parent
            .and_then(|p| self.costs.types.get(p))
            .and_then(|fields| fields.get(name));
        let mut items = 1u64;
        // Root fields of the schema's own (not `__typename`, `__schema`) send a query each.
        let mut queries = u64::from(root && info.is_some());
        let mut child_type = info.map(|i| i.ty.as_str());
        if let Some(info) = info {
            if let Some(default) = info.page {
                let given = self
                    .argument(field, "first")
                    .or_else(|| self.argument(field, "last"))
                    .flatten();
                items = given
                    .or(default)
                    .unwrap_or(self.limits.default_page)
                    .min(self.limits.max_page)
                    .max(1);
                if !root {
                    queries += 1;
                }
            }
            if let Some((argument, default)) = info.hops {
                let hops = self.argument(field, argument).flatten().unwrap_or(default);
                queries = queries.saturating_add(hops.min(64));
            }
        } else if let Some(length) = self.costs.introspection.get(name) {
            items = *length;
            child_type = None;
        }
        // Past the deepest wrapping of the schema, `ofType` is null: what it selects is not there.
        let of_type = self.of_type;
        self.of_type = if info.is_none() && name == "ofType" {
            of_type + 1
        } else {
            0
        };
        let null = self.of_type > self.costs.wrappers;
        // The introspection schema's depth is its types' wrapping: not counted.
        let introspecting = self.introspecting;
        self.introspecting |= info.is_none() && (name == "__schema" || name == "__type");
        let children = if field.selection_set.node.items.is_empty() {
            Ok(Cost::default())
        } else {
            self.selection_set(&field.selection_set, child_type, false)
        };
        let counted = !self.introspecting;
        self.introspecting = introspecting;
        self.of_type = of_type;
        let mut children = children?;
        if null {
            children.nodes = 0;
        }
        Ok(Cost {
            fields: children.fields.saturating_add(1),
            nodes: children.nodes.saturating_add(1).saturating_mul(items),
            queries: queries.saturating_add(children.queries),
            depth: if counted {
                children.depth.saturating_add(1)
            } else {
                0
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: CostLimits = CostLimits {
        max_fields: 10_000,
        max_nodes: 100_000,
        max_queries: 100,
        max_depth: 12,
        default_page: 20,
        max_page: 1000,
    };

    fn costs() -> Costs {
        Costs::new(&async_graphql::parser::parse_schema(crate::graphql::SCHEMA_SDL).unwrap())
    }

    fn measure(query: &str) -> Result<Cost, CostError> {
        let document = async_graphql::parser::parse_query(query).unwrap();
        costs().measure(&document, None, &Variables::default(), &LIMITS)
    }

    #[test]
    fn pages_multiply_the_fields_below_them() {
        let cost = measure(
            "{ organizations(first: 50) { totalCount nodes { label \
               organisedEvents(first: 10) { nodes { label startDate } } } } }",
        )
        .unwrap();
        // organizations, totalCount, nodes: 50 × (1 + 1 + 1 + label + organisedEvents …)
        assert_eq!(cost.fields, 8);
        assert_eq!(cost.queries, 2);
        assert!(
            cost.nodes > 50 * 10 * 3 && cost.nodes < 50 * 10 * 4 + 500,
            "{cost:?}"
        );
    }

    #[test]
    fn a_fragment_bomb_is_refused_without_expanding_it() {
        let mut query = String::from("query { ...F24 }\nfragment F0 on Query { __typename }\n");
        for i in 1..=24 {
            query.push_str(&format!(
                "fragment F{i} on Query {{ ...F{} ...F{} }}\n",
                i - 1,
                i - 1
            ));
        }
        let error = measure(&query).unwrap_err();
        assert!(error.message.contains("--graphql-max-fields"), "{error:?}");
        let cyclic = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
        let error = measure(cyclic).unwrap_err();
        assert!(error.message.contains("spreads itself"), "{error:?}");
    }

    #[test]
    fn aliases_of_large_pages_add_up() {
        let fields: Vec<String> = (0..490)
            .map(|i| format!("a{i}: entities(first: 1000) {{ nodes {{ iri }} }}"))
            .collect();
        let query = format!("{{ {} }}", fields.join(" "));
        let error = measure(&query).unwrap_err();
        assert!(error.message.contains("--graphql-max-nodes"), "{error:?}");
    }

    #[test]
    fn the_standard_introspection_query_is_cheap() {
        let cost = measure(include_str!(
            "../../tests/graphql-http/introspection.graphql"
        ))
        .unwrap();
        assert_eq!(cost.queries, 0);
        assert!(cost.nodes < LIMITS.max_nodes, "{cost:?}");
        assert_eq!(cost.depth, 0, "introspection's depth is not counted");
    }

    #[test]
    fn depth_counts_the_schema_s_own_fields_through_fragments() {
        let deep = "{ organization(iri: \"x\") { subOrganizationOf { subOrganizationOf { \
                    subOrganizationOf { subOrganizationOf { subOrganizationOf { \
                    subOrganizationOf { subOrganizationOf { subOrganizationOf { \
                    subOrganizationOf { subOrganizationOf { subOrganizationOf { iri } } } } } } } } } } } } }";
        let error = measure(deep).unwrap_err();
        assert!(error.message.contains("--graphql-max-depth"), "{error:?}");
        let through_fragments = "{ organization(iri: \"x\") { ...A } } \
            fragment A on Organization { subOrganizationOf { ...B } } \
            fragment B on Organization { subOrganizationOf { ...C } } \
            fragment C on Organization { subOrganizationOf { subOrganizationOf { iri } } }";
        assert_eq!(measure(through_fragments).unwrap().depth, 6);
        // A selection of the schema's under `__type` is still the introspection schema's.
        let of_types = "ofType { ".repeat(10);
        let query = format!(
            "{{ __type(name: \"Organization\") {{ fields {{ type {{ {of_types} name {} }} }} }} }}",
            "} ".repeat(10)
        );
        let cost = measure(&query).unwrap();
        assert_eq!(cost.depth, 0);
    }
}
