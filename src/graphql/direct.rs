//! Levels answered by point reads of statements instead of a SPARQL query.
//!
//! A level whose nodes are known in advance (a lookup, the nodes of an explored graph, a page
//! the index of nodes found) or are pages of a relationship in its default order (by IRI,
//! without a filter), and whose fields follow plain properties (inverses, alternatives and
//! sequences of them) needs no query evaluation: each value is one read of the store's indexes,
//! and a page is the relationship's nodes read, sorted and cut. Where the store offers such reads ([`crate::store::Store::reads_statements`]), the
//! level is read that way and gives the rows its level query would give (same variables, same
//! values; their order does not matter to the assembler), at a fraction of the cost of planning
//! and evaluating the query. Every other level, and every level on a store without point
//! reads, is a SPARQL query.

use super::model::{Shape, Source};
use super::plan::{Child, Selection};
use super::translate::{chain_var, cut, var, Cut, ListJob, ListSource};
use crate::store::{Statements, StoreError};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{Literal, NamedNode, NamedOrBlankNodeRef, Term};
use oxigraph::sparql::{QuerySolution, Variable};
use spargebra::algebra::PropertyPathExpression;
use std::collections::HashSet;
use std::sync::Arc;

/// The reads of one level.
#[derive(Debug)]
pub struct LevelReads {
    lists: Vec<ListReads>,
    /// The deepest chain of related nodes.
    depth: usize,
}

#[derive(Debug)]
struct ListReads {
    /// The nodes listed.
    nodes: Listed,
    /// What a given node must have to be listed.
    check: Check,
    /// The number of nodes in the whole list, when asked for.
    total: Option<u64>,
    fields: Vec<FieldReads>,
}

/// Where a list's nodes come from.
#[derive(Debug)]
enum Listed {
    /// These nodes.
    Given(Vec<NamedNode>),
    /// A page per parent of the nodes of `class` a path reaches from it, in the order of their
    /// IRIs, as the level query would cut it.
    Pages {
        parents: Vec<NamedNode>,
        path: PropertyPathExpression,
        class: NamedNode,
        cut: Cut,
        descending: bool,
        /// Whether each parent's total is read.
        total: bool,
    },
}

#[derive(Debug)]
enum Check {
    /// Nothing: the index found the nodes.
    None,
    /// A statement about the node.
    Described,
    /// The class.
    Class(NamedNode),
}

#[derive(Debug)]
struct FieldReads {
    key: u32,
    reach: Reach,
    /// Values kept: those in this language range (`LANGMATCHES`).
    lang: Option<String>,
    /// Related nodes kept: those of this class.
    class: Option<NamedNode>,
    /// What is read of the related nodes.
    below: Vec<FieldReads>,
}

#[derive(Debug)]
enum Reach {
    /// The node's classes.
    Types,
    /// One value, the same for every node (a statement's property).
    Constant(Term),
    /// The named graphs that make the statement of this property from the node above to the
    /// node (a statement's sources).
    StatedIn(NamedNode),
    /// A path of properties.
    Path(PropertyPathExpression),
    /// The named graphs that state something about the node.
    Graphs,
}

/// The reads that answer `jobs`, or `None` when one of them needs a query.
pub fn plan(
    jobs: &[ListJob<'_>],
    class_of: &dyn Fn(&str) -> Option<NamedNode>,
) -> Option<LevelReads> {
    let mut depth = 0;
    let lists = jobs
        .iter()
        .map(|job| {
            let (nodes, check, total) = match (&job.source, job.connection) {
                (ListSource::Nodes(nodes, class), None) => (
                    Listed::Given(nodes.clone()),
                    class.clone().map_or(Check::Described, Check::Class),
                    None,
                ),
                (ListSource::Indexed { nodes, total }, Some(connection)) => (
                    Listed::Given(nodes.clone()),
                    Check::None,
                    connection.total.then_some(*total),
                ),
                (
                    ListSource::Nested {
                        parents,
                        field,
                        class: Some(class),
                    },
                    Some(connection),
                ) => (
                    pages(parents, &field.source, class, connection)?,
                    Check::None,
                    None,
                ),
                _ => return None,
            };
            let fields = selection_reads(job.node, 0, class_of, &mut depth)?;
            Some(ListReads {
                nodes,
                check,
                total,
                fields,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(LevelReads { lists, depth })
}

fn selection_reads(
    selection: &Selection,
    depth: usize,
    class_of: &dyn Fn(&str) -> Option<NamedNode>,
    deepest: &mut usize,
) -> Option<Vec<FieldReads>> {
    *deepest = (*deepest).max(depth);
    let mut reads = Vec::new();
    if selection.needs_types {
        reads.push(FieldReads {
            key: selection.id,
            reach: Reach::Types,
            lang: None,
            class: None,
            below: Vec::new(),
        });
    }
    for field in &selection.fields {
        let reach = match &field.mapping.source {
            Source::Iri => continue, // The IRI is the node itself.
            Source::Path(path) if readable(path) => Reach::Path(path.clone()),
            Source::Graphs => Reach::Graphs,
            Source::StatementProperty(Some(property)) => {
                Reach::Constant(Term::NamedNode(property.clone()))
            }
            Source::StatedIn(Some(property)) if depth > 0 => Reach::StatedIn(property.clone()),
            _ => return None,
        };
        match &field.child {
            Child::Leaf => reads.push(FieldReads {
                key: field.id,
                reach,
                lang: field
                    .lang
                    .clone()
                    .filter(|_| field.mapping.shape != Shape::Single),
                class: None,
                below: Vec::new(),
            }),
            Child::Nodes(child) => reads.push(FieldReads {
                key: field.id,
                reach,
                lang: None,
                class: class_of(&child.declared),
                below: selection_reads(child, depth + 1, class_of, deepest)?,
            }),
            Child::Connection(_) => {} // Read by the next level.
        }
    }
    Some(reads)
}

/// The pages of a relationship, where the level query would order them by IRI alone (no filter,
/// no order but the IRI's) and the path is one point reads follow.
fn pages(
    parents: &[NamedNode],
    source: &Source,
    class: &NamedNode,
    connection: &super::plan::ConnectionPlan,
) -> Option<Listed> {
    let Source::Path(path) = source else {
        return None;
    };
    let list = &connection.list;
    if list.filter.is_some() || !readable(path) {
        return None;
    }
    let descending = match list.order.as_slice() {
        [] => false,
        [key] if key.field.is_none() => key.descending,
        _ => return None,
    };
    Some(Listed::Pages {
        parents: parents.to_vec(),
        path: path.clone(),
        class: class.clone(),
        cut: cut(&list.window),
        descending,
        total: connection.total,
    })
}

/// Whether point reads follow `path`: properties, inverses, alternatives and sequences.
fn readable(path: &PropertyPathExpression) -> bool {
    match path {
        PropertyPathExpression::NamedNode(_) => true,
        PropertyPathExpression::Reverse(inner) => readable(inner),
        PropertyPathExpression::Alternative(a, b) | PropertyPathExpression::Sequence(a, b) => {
            readable(a) && readable(b)
        }
        _ => false,
    }
}

/// The distinct terms `path` reaches from `start` (backwards when `inverse`).
fn follow(
    statements: &dyn Statements,
    start: &Term,
    path: &PropertyPathExpression,
    inverse: bool,
) -> Result<Vec<Term>, StoreError> {
    Ok(match path {
        PropertyPathExpression::NamedNode(p) => {
            if inverse {
                statements.subjects(p.as_ref(), start.as_ref())?
            } else {
                match subject(start) {
                    Some(s) => statements.objects(s, p.as_ref())?,
                    None => Vec::new(),
                }
            }
        }
        PropertyPathExpression::Reverse(inner) => follow(statements, start, inner, !inverse)?,
        PropertyPathExpression::Alternative(a, b) => {
            let mut terms = follow(statements, start, a, inverse)?;
            let mut seen: HashSet<Term> = terms.iter().cloned().collect();
            for term in follow(statements, start, b, inverse)? {
                if seen.insert(term.clone()) {
                    terms.push(term);
                }
            }
            terms
        }
        PropertyPathExpression::Sequence(a, b) => {
            let (first, second) = if inverse { (b, a) } else { (a, b) };
            let mut seen = HashSet::new();
            let mut terms = Vec::new();
            for middle in follow(statements, start, first, inverse)? {
                for term in follow(statements, &middle, second, inverse)? {
                    if seen.insert(term.clone()) {
                        terms.push(term);
                    }
                }
            }
            terms
        }
        _ => unreachable!("planned for readable paths only"),
    })
}

fn subject(term: &Term) -> Option<NamedOrBlankNodeRef<'_>> {
    match term {
        Term::NamedNode(n) => Some(n.as_ref().into()),
        Term::BlankNode(b) => Some(b.as_ref().into()),
        _ => None,
    }
}

/// `LANGMATCHES(LANG(term), range)` as SPARQL evaluates it (false where `LANG` is an error).
fn lang_matches(term: &Term, range: &str) -> bool {
    let Term::Literal(literal) = term else {
        return false;
    };
    let tag = literal.language().unwrap_or("").to_ascii_lowercase();
    let range = range.to_ascii_lowercase();
    if range == "*" {
        return !tag.is_empty();
    }
    let (mut ranges, mut tags) = (range.split('-'), tag.split('-'));
    loop {
        match (ranges.next(), tags.next()) {
            (None, _) => return true,
            (Some(_), None) => return false,
            (Some(r), Some(t)) if r != t => return false,
            _ => {}
        }
    }
}

impl LevelReads {
    /// Reads the level: rows with the variables of its level query.
    pub fn read(&self, statements: &dyn Statements) -> Result<Vec<QuerySolution>, StoreError> {
        let mut variables = vec![
            Variable::new_unchecked(var::CONN),
            Variable::new_unchecked(var::PARENT),
            Variable::new_unchecked(var::NODE),
            Variable::new_unchecked(var::KEY),
            Variable::new_unchecked(var::VALUE),
            Variable::new_unchecked(var::TOTAL),
        ];
        variables.extend((1..=self.depth).map(chain_var));
        let mut rows = Rows {
            variables: variables.into(),
            depth: self.depth,
            rows: Vec::new(),
            chain: Vec::new(),
            conn: Term::Literal(Literal::from(0_i64)),
            parent: None,
        };
        for (index, list) in self.lists.iter().enumerate() {
            rows.conn = Term::Literal(Literal::from(i64::try_from(index).unwrap_or(i64::MAX)));
            match &list.nodes {
                Listed::Given(nodes) => {
                    rows.parent = None;
                    if let Some(total) = list.total {
                        rows.push_total(total);
                    }
                    for node in nodes {
                        list.read_node(statements, &Term::NamedNode(node.clone()), &mut rows)?;
                    }
                }
                Listed::Pages {
                    parents,
                    path,
                    class,
                    cut,
                    descending,
                    total,
                } => {
                    for parent in parents {
                        rows.parent = Some(Term::NamedNode(parent.clone()));
                        let parent = Term::NamedNode(parent.clone());
                        let (page, count) =
                            page(statements, &parent, path, class, cut, *descending, *total)?;
                        if let Some(count) = count {
                            rows.push_total(count);
                        }
                        for node in &page {
                            list.read_node(statements, node, &mut rows)?;
                        }
                    }
                }
            }
        }
        Ok(rows.rows)
    }
}

impl ListReads {
    /// Reads a node of the list, if it is listed: its own row and its fields'.
    fn read_node(
        &self,
        statements: &dyn Statements,
        node: &Term,
        rows: &mut Rows,
    ) -> Result<(), StoreError> {
        let Some(subject) = subject(node) else {
            return Ok(());
        };
        let reads_types = self
            .fields
            .iter()
            .any(|field| matches!(field.reach, Reach::Types));
        // The classes, when they are read anyway, also say whether the node is listed.
        let types = if reads_types {
            Some(statements.objects(subject, rdf::TYPE)?)
        } else {
            None
        };
        let listed = match (&self.check, &types) {
            (Check::None, _) => true,
            (Check::Described, Some(types)) if !types.is_empty() => true,
            (Check::Described, _) => statements.contains(subject, None, None)?,
            (Check::Class(class), Some(types)) => types.contains(&Term::NamedNode(class.clone())),
            (Check::Class(class), None) => has_class(statements, node, class)?,
        };
        if listed {
            rows.chain = vec![node.clone()];
            rows.push(0, None);
            read_fields(statements, &self.fields, types, rows)?;
        }
        Ok(())
    }
}

/// One parent's page of the nodes of `class` that `path` reaches, ordered by IRI and cut as the
/// level query cuts it (`ORDER BY ?node`, offset, limit), and the number of such nodes when
/// `total` is asked for.
fn page(
    statements: &dyn Statements,
    parent: &Term,
    path: &PropertyPathExpression,
    class: &NamedNode,
    cut: &Cut,
    descending: bool,
    total: bool,
) -> Result<(Vec<Term>, Option<u64>), StoreError> {
    let mut reached: Vec<Term> = follow(statements, parent, path, false)?
        .into_iter()
        .filter(|term| !matches!(term, Term::Literal(_)))
        .collect();
    // SPARQL's order: blank nodes before IRIs, each by its string.
    reached.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    if descending != cut.reversed {
        reached.reverse();
    }
    let skip = usize::try_from(cut.offset).unwrap_or(usize::MAX);
    let take = cut
        .limit
        .map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
    // `listed`: the nodes of the class seen so far, the page's first one at `skip`.
    let (mut listed, mut page) = (0_usize, Vec::new());
    for term in reached {
        if !total && page.len() >= take {
            break;
        }
        if !has_class(statements, &term, class)? {
            continue;
        }
        if listed >= skip && page.len() < take {
            page.push(term);
        }
        listed += 1;
    }
    Ok((page, total.then_some(listed as u64)))
}

/// Where a term goes in `ORDER BY` (blank nodes first, then IRIs).
fn order_key(term: &Term) -> (u8, &str) {
    match term {
        Term::BlankNode(b) => (0, b.as_str()),
        Term::NamedNode(n) => (1, n.as_str()),
        Term::Literal(l) => (2, l.value()),
    }
}

/// The rows read so far, and where the reads are: the list and the chain of nodes.
struct Rows {
    variables: Arc<[Variable]>,
    /// The deepest chain, whose nodes have a variable each.
    depth: usize,
    rows: Vec<QuerySolution>,
    chain: Vec<Term>,
    conn: Term,
    /// The parent of the list's page being read, for pages of a relationship.
    parent: Option<Term>,
}

impl Rows {
    /// A row of the chain's last node: its field `key` (0: the node itself) has `value`.
    fn push(&mut self, key: u32, value: Option<Term>) {
        let mut values = vec![
            Some(self.conn.clone()),
            self.parent.clone(),
            self.chain.first().cloned(),
            Some(Term::Literal(Literal::from(i64::from(key)))),
            value,
            None,
        ];
        values.extend((1..=self.depth).map(|depth| self.chain.get(depth).cloned()));
        self.rows
            .push(QuerySolution::from((self.variables.clone(), values)));
    }

    /// The row of the list's total.
    fn push_total(&mut self, total: u64) {
        let total = Term::Literal(Literal::from(i64::try_from(total).unwrap_or(i64::MAX)));
        let mut values = vec![
            Some(self.conn.clone()),
            self.parent.clone(),
            None,
            None,
            None,
            Some(total),
        ];
        values.extend((1..=self.depth).map(|_| None));
        self.rows
            .push(QuerySolution::from((self.variables.clone(), values)));
    }
}

/// Whether `term` has `class`.
fn has_class(
    statements: &dyn Statements,
    term: &Term,
    class: &NamedNode,
) -> Result<bool, StoreError> {
    match subject(term) {
        Some(s) => statements.contains(s, Some(rdf::TYPE), Some(class.as_ref().into())),
        None => Ok(false),
    }
}

/// Reads `fields` of the last node of the chain, whose classes are `types` when already read.
fn read_fields(
    statements: &dyn Statements,
    fields: &[FieldReads],
    types: Option<Vec<Term>>,
    rows: &mut Rows,
) -> Result<(), StoreError> {
    let node = rows.chain.last().cloned().expect("a chain has a node");
    let mut types = types;
    for field in fields {
        let mut values = match &field.reach {
            Reach::Types => match (types.take(), subject(&node)) {
                (Some(types), _) => types,
                (None, Some(s)) => statements.objects(s, rdf::TYPE)?,
                (None, None) => Vec::new(),
            },
            Reach::Path(path) => follow(statements, &node, path, false)?,
            Reach::Graphs => match subject(&node) {
                Some(s) => statements.graphs(s)?,
                None => Vec::new(),
            },
            Reach::Constant(value) => vec![value.clone()],
            Reach::StatedIn(property) => {
                let above = rows.chain.len().checked_sub(2).map(|i| &rows.chain[i]);
                match above.and_then(subject) {
                    Some(s) => statements.graphs_stating(s, property.as_ref(), node.as_ref())?,
                    None => Vec::new(),
                }
            }
        };
        if let Some(range) = &field.lang {
            values.retain(|value| lang_matches(value, range));
        }
        for value in values {
            if let Some(class) = &field.class {
                if !has_class(statements, &value, class)? {
                    continue;
                }
            }
            rows.push(field.key, Some(value.clone()));
            if !field.below.is_empty() {
                rows.chain.push(value);
                read_fields(statements, &field.below, None, rows)?;
                rows.chain.pop();
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::lang_matches;
    use oxigraph::model::{Literal, NamedNode, Term};

    /// Nodes whose statements are odd: labels in every form, blank nodes, literals where
    /// nodes are expected, statements repeated and split across graphs.
    const ODD: &str = r#"
        @prefix org: <http://www.w3.org/ns/org#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix schema: <http://schema.org/> .
        @prefix foaf: <http://xmlns.com/foaf/0.1/> .
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix dcat: <http://www.w3.org/ns/dcat#> .
        @prefix prov: <http://www.w3.org/ns/prov#> .
        @prefix kg: <https://w3id.org/kgql/ontology#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix o: <https://w3id.org/kgql/id/org/> .
        @prefix g: <https://w3id.org/kgql/graph/> .
        o:odd-1 a org:Organization , org:FormalOrganization ;
            skos:prefLabel "Odd one"@en , "Un"@fr , "Plain" ; rdfs:label "Odd label"@en-GB ;
            skos:altLabel "OO"@en , "O-O"@EN-us , "oo" , <https://example.org/alt> ;
            owl:sameAs <https://example.org/same> ; schema:sameAs "not an IRI" ;
            foaf:homepage <https://odd.example/> ; schema:url "https://odd.example/url" ;
            schema:foundingDate "1999-01-01"^^xsd:date , [] ;
            kg:mandatePeriod [ dcat:startDate "2020-01-01" ] , [ dcat:startDate "2021-01-01" ] ;
            org:subOrganizationOf o:odd-2 , o:not-an-org , "a literal parent" , [ a org:Organization ; skos:prefLabel "Blank parent" ] ;
            org:memberOf o:odd-2 .
        o:odd-2 a org:Organization ; skos:prefLabel "Zweite"@de ; org:subOrganizationOf o:odd-3 ;
            org:hasSubOrganization o:odd-1 , o:odd-3 , o:not-an-org , "a literal unit" ,
                [ a org:Organization ; skos:prefLabel "Blank unit" ] , o:odd-5 , o:odd-4 .
        o:odd-4 a org:Organization , org:OrganizationalUnit .
        o:odd-5 a org:Organization ; skos:prefLabel "Fifth"@en .
        o:odd-3 a org:Organization ; org:transitiveSubOrganizationOf o:odd-4 .
        o:not-an-org skos:prefLabel "not an organisation" .
        g:odd-a a prov:Entity ; rdfs:label "Odd source A"@en .
        g:odd-a { o:odd-1 skos:prefLabel "Odd one"@en ; schema:foundingDate "2001" . o:odd-2 a org:Organization . }
        g:odd-b { o:odd-1 org:subOrganizationOf o:odd-2 . o:only-in-a-graph a org:Organization ; skos:prefLabel "Graph only" . }
    "#;

    /// Each request, and whether any of its levels is read by point reads (the last two have a
    /// level that is not: a page ordered by a field, a page of nodes of any class).
    const COMPARED: [(&str, bool); 16] = [
        (
            r#"{ organization(iri: "https://w3id.org/kgql/id/org/odd-1") { id iri label
            fr: label(lang: "fr") gb: label(lang: "en-GB") altLabels en: altLabels(lang: "en")
            us: altLabels(lang: "en-US") any: altLabels(lang: "*") none: altLabels(lang: "")
            types sameAs homepage foundingDate mandateStart description
            sources { iri label types } memberOf { label(lang: "de") }
            subOrganizationOf { __typename iri label types sources { iri }
              subOrganizationOf { iri label } } } }"#,
            true,
        ),
        (
            r#"{ entity(iri: "https://w3id.org/kgql/id/org/odd-1") { __typename iri label
            ... on Organization { foundingDate subOrganizationOf { iri } } } }"#,
            true,
        ),
        (
            r#"{ a: entity(iri: "https://w3id.org/kgql/id/org/nothing") { iri }
              b: organization(iri: "https://w3id.org/kgql/id/org/not-an-org") { iri label }
              c: entity(iri: "https://w3id.org/kgql/id/org/not-an-org") { __typename iri label }
              d: organization(iri: "https://w3id.org/kgql/id/org/only-in-a-graph") { iri label sources { iri } } }"#,
            true,
        ),
        (
            r#"{ node(id: "https://w3id.org/kgql/id/org/odd-1") { id ... on Organization { label } } }"#,
            true,
        ),
        (
            r#"{ organization(iri: "https://w3id.org/kgql/id/org/gen-0") { iri label altLabels
            homepage foundingDate types sources { iri } memberOf { iri label }
            subOrganizationOf { iri label subOrganizationOf { iri label } }
            servesGoals { iri label } location { __typename iri label } } }"#,
            true,
        ),
        (
            r#"{ paths(from: "https://w3id.org/kgql/id/org/gen-3",
            to: "https://w3id.org/kgql/id/org/gen-4", maxLength: 2) {
            nodes { __typename iri label } edges { source predicate target } } }"#,
            true,
        ),
        (
            r#"{ neighbourhood(iri: "https://w3id.org/kgql/id/org/gen-5", depth: 1, first: 30) {
            nodes { distance entity { __typename iri label } } edges { source predicate target } } }"#,
            true,
        ),
        (
            r#"{ organizations(first: 5, orderBy: [{ field: label }]) {
            totalCount nodes { iri label types subOrganizationOf { iri } } } }"#,
            true,
        ),
        (
            r#"{ events(last: 4, orderBy: [{ field: startDate }]) {
            totalCount nodes { iri repeatFrequency superEvent { iri label } organizers { __typename iri } } } }"#,
            true,
        ),
        (
            r#"{ focusGroups(first: 3) { nodes { iri within { iri } } } }"#,
            false,
        ),
        (
            r#"{ organization(iri: "https://w3id.org/kgql/id/org/odd-2") {
            a: subOrganizations(first: 2) { totalCount pageInfo { hasNextPage hasPreviousPage
              startCursor endCursor } edges { cursor node { __typename iri label types } } }
            b: subOrganizations(last: 2) { totalCount pageInfo { hasNextPage hasPreviousPage }
              nodes { iri label } }
            c: subOrganizations(first: 2, after: "c1") { pageInfo { hasNextPage } nodes { iri } }
            d: subOrganizations(first: 10, orderBy: [{ field: iri, direction: DESC }]) { nodes { iri } }
            e: subOrganizations(last: 1, before: "c3") { nodes { iri } }
            f: subOrganizations { totalCount nodes { iri subOrganizationOf { iri } } } } }"#,
            true,
        ),
        (
            r#"{ organizations(first: 4, orderBy: [{ field: label }]) { nodes { iri
            subOrganizations(first: 2) { totalCount nodes { iri label
              posts(first: 1) { nodes { iri label heldBy { iri label } } } } }
            organisedEvents(first: 2) { nodes { iri startDate location { label } } }
            publications(last: 1) { nodes { iri issued } } } } }"#,
            true,
        ),
        (
            r#"{ organization(iri: "https://w3id.org/kgql/id/org/gen-0") {
            subOrganizations(first: 5, after: "c2") { totalCount nodes { iri
              subOrganizations(first: 1, orderBy: [{ field: iri, direction: DESC }]) { nodes { iri } } } }
            organisedEvents(first: 3) { totalCount nodes { iri label subEvents(first: 2) { nodes { iri } } } } } }"#,
            true,
        ),
        (
            r#"{ organization(iri: "https://w3id.org/kgql/id/org/gen-0") {
            subOrganizations(first: 5, orderBy: [{ field: label }]) { nodes { iri } } } }"#,
            true,
        ),
        (
            r#"{ organizations(first: 20, orderBy: [{ field: label }]) { nodes { iri
            members(first: 2) { totalCount nodes { iri } } } } }"#,
            true,
        ),
        (
            r#"{ organization(iri: "https://w3id.org/kgql/id/org/odd-1") {
            facts(property: "skos:prefLabel") { value sources { iri } }
            parents: facts(property: "org:subOrganizationOf") { property value
              sources { iri label types } }
            none: facts(property: "schema:dissolutionDate") { value } } }"#,
            true,
        ),
    ];

    /// The data of `request` and its count of levels read by point reads.
    async fn run(
        api: &crate::graphql::GraphqlApi,
        request: &str,
    ) -> (async_graphql::Value, Option<async_graphql::Value>) {
        let outcome = api.execute(async_graphql::Request::new(request)).await;
        assert!(
            outcome.response.errors.is_empty(),
            "{request}: {:?}",
            outcome.response.errors
        );
        let reads = match outcome.response.extensions.get("kgql") {
            Some(async_graphql::Value::Object(kgql)) => kgql.get("directReads").cloned(),
            _ => None,
        };
        (outcome.response.data, reads)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn point_reads_answer_what_the_level_queries_answer() {
        use crate::config::{Settings, SettingsLayer};
        use crate::graphql::GraphqlApi;
        use crate::store::SharedStore;
        use std::sync::Arc;

        let dir = tempfile::tempdir().unwrap();
        let embedded = crate::graphql::tests::generated_store(dir.path(), 20_000, ODD).await;
        let settings = Settings::resolve(SettingsLayer::default()).unwrap();
        let reading: SharedStore = embedded.clone();
        let querying: SharedStore = Arc::new((*embedded).clone().with_point_reads(false));
        let reading = GraphqlApi::new(reading, &settings).unwrap();
        let querying = GraphqlApi::new(querying, &settings).unwrap();
        for (request, direct) in COMPARED {
            let (read, reads) = run(&reading, request).await;
            let (queried, none) = run(&querying, request).await;
            assert_eq!(
                none, None,
                "{request}: without point reads, every level is a query"
            );
            assert_eq!(reads.is_some(), direct, "{request}: {reads:?}");
            assert_eq!(read, queried, "{request}");
            assert!(
                read.to_string().contains("https://"),
                "{request}: an answer: {read}"
            );
        }
    }

    #[test]
    fn language_ranges_match_as_in_sparql() {
        let tagged =
            |tag: &str| Term::Literal(Literal::new_language_tagged_literal_unchecked("x", tag));
        let plain = Term::Literal(Literal::new_simple_literal("x"));
        let iri = Term::NamedNode(NamedNode::new_unchecked("http://example.org/x"));
        assert!(lang_matches(&tagged("en"), "en"));
        assert!(lang_matches(&tagged("en-GB"), "EN"));
        assert!(lang_matches(&tagged("EN"), "en"));
        assert!(!lang_matches(&tagged("eng"), "en"));
        assert!(!lang_matches(&tagged("en"), "en-GB"));
        assert!(lang_matches(&tagged("fr"), "*"));
        assert!(!lang_matches(&plain, "*"));
        assert!(!lang_matches(&plain, "en"));
        assert!(lang_matches(&plain, ""));
        assert!(!lang_matches(&iri, "en"));
    }
}
