//! Reading an entity's links: a page of them per property (and direction), the rest counted, and
//! the statements of the blank nodes among them.

use super::{LinkGroup, PageRequest, Reads};
use crate::sparql::{bind, bind_each, constant_query};
use crate::store::StoreError;
use oxigraph::model::{BlankNode, NamedNode, Term};
use spargebra::term::GroundTerm;
use std::collections::HashMap;
use std::sync::LazyLock;

/// Every link of an entity, both ways (graphs merged). Blank nodes that link to the entity are
/// skipped as the rows are read (a `FILTER(isIRI(?v))` here trips Virtuoso's compiler). The page
/// orders them itself: an engine's `ORDER BY` resolves every term's text for each comparison,
/// which costs more than the rest of the page for an entity of a few thousand links.
static LINKS: LazyLock<spargebra::Query> = LazyLock::new(|| {
    constant_query(
        "SELECT DISTINCT ?way ?p ?v WHERE {
           { ?entity ?p ?v BIND(\"out\" AS ?way) }
           UNION
           { ?v ?p ?entity BIND(\"in\" AS ?way) }
         }",
    )
});

/// How many links an entity has per property and direction (counting only reads the indexes).
static COUNTS: LazyLock<spargebra::Query> = LazyLock::new(|| {
    constant_query(
        "SELECT ?way ?p (COUNT(DISTINCT ?v) AS ?n) WHERE {
           { ?entity ?p ?v BIND(\"out\" AS ?way) }
           UNION
           { ?v ?p ?entity BIND(\"in\" AS ?way) }
         } GROUP BY ?way ?p",
    )
});

/// The values of some properties of an entity, and the nodes that link to it by some
/// properties (`?p` is bound to one or several).
static VALUES_OUT: LazyLock<spargebra::Query> =
    LazyLock::new(|| constant_query("SELECT DISTINCT ?p ?v WHERE { ?entity ?p ?v }"));
static VALUES_IN: LazyLock<spargebra::Query> =
    LazyLock::new(|| constant_query("SELECT DISTINCT ?p ?v WHERE { ?v ?p ?entity }"));

/// An entity with at most this many links has them all read in one query and ordered; a larger
/// one (a hub) has its links read property by property.
const ONE_QUERY_LINKS: u64 = 2000;

/// How many links of each property a hub's page shows (its property pages show more).
const HUB_LINKS: usize = 20;

/// On a hub's page, a property with at most this many links has them ordered; a larger one is
/// paged in the store's own order (stable while the data is), so that its page reads a page of
/// links, not all of them.
const SORTED_GROUP: u64 = 500;

/// The statements about the blank nodes an entity points to (shown inline).
static BLANKS: LazyLock<spargebra::Query> = LazyLock::new(|| {
    constant_query(
        "SELECT DISTINCT ?b ?bp ?bo WHERE { ?entity ?p ?b FILTER(isBlank(?b)) ?b ?bp ?bo }
         ORDER BY ?b ?bp ?bo",
    )
});

/// How many statements about inline blank nodes a page shows at most.
const MAX_BLANK_STATEMENTS: usize = 1000;

/// The namespace of SHACL: the shapes that name an entity are not facts about it.
const SHACL: &str = crate::shacl::vocab::NAMESPACE;

/// A link: to the entity (`true`) or from it, its property, and the value (or linking node).
type Link = (bool, NamedNode, Term);

/// How many links an entity has in one direction (`true`: to it) by one property.
type Count = (bool, NamedNode, u64);

/// Which of its links a page shows of each group.
struct Paging {
    /// How many links are skipped.
    skip: usize,
    /// How many are shown at most.
    max: usize,
}

impl Paging {
    /// A group of which all the values were read, ordered: the page of them is kept.
    fn whole(&self, incoming: bool, property: NamedNode, values: Vec<Term>) -> LinkGroup {
        LinkGroup {
            incoming,
            property,
            total: values.len(),
            values: values.into_iter().skip(self.skip).take(self.max).collect(),
            offset: self.skip,
        }
    }

    /// A group of which only the page of values was read, out of `total`.
    fn paged(
        &self,
        incoming: bool,
        property: NamedNode,
        values: Vec<Term>,
        total: usize,
    ) -> LinkGroup {
        LinkGroup {
            incoming,
            property,
            values,
            total,
            offset: self.skip,
        }
    }
}

/// Whether a page shows the links of `property` in one direction: never the SHACL shapes', and
/// only the focused property's on the page of one property.
fn wanted(request: &PageRequest, incoming: bool, property: &NamedNode) -> bool {
    !property.as_str().starts_with(SHACL)
        && request
            .focus
            .as_ref()
            .is_none_or(|f| f.incoming == incoming && &f.property == property)
}

/// The order of links on a page: by property (incoming first), then by value.
fn link_order(a: &Link, b: &Link) -> std::cmp::Ordering {
    (!a.0, a.1.as_str())
        .cmp(&(!b.0, b.1.as_str()))
        .then_with(|| term_key(&a.2).cmp(&term_key(&b.2)))
}

/// What a value is ordered by: IRIs by their text, literals by their value, then the rest.
fn term_key(term: &Term) -> (u8, &str) {
    match term {
        Term::NamedNode(n) => (1, n.as_str()),
        Term::Literal(l) => (2, l.value()),
        Term::BlankNode(b) => (0, b.as_str()),
        #[allow(unreachable_patterns)]
        _ => (3, ""),
    }
}

/// Reads the links of `entity` a page per property (and direction), counting the rest. An
/// entity of few links has them read at once and ordered here; a hub has its counts read first,
/// then each property's page.
pub(super) async fn gather(
    reads: &Reads<'_>,
    entity: &NamedNode,
    request: &PageRequest,
) -> Result<Vec<LinkGroup>, StoreError> {
    let counts = counts(reads, entity).await?;
    let total: u64 = counts.iter().map(|c| c.2).sum();
    let paging = Paging {
        skip: request.focus.as_ref().map_or(0, |f| f.offset),
        // A hub's page shows a few links of each property, each property's own pages the rest.
        max: if request.focus.is_none() && total > ONE_QUERY_LINKS {
            request.max_links.min(HUB_LINKS)
        } else {
            request.max_links
        },
    };
    let mut groups = if total <= ONE_QUERY_LINKS {
        all_links(reads, entity, request, &paging).await?
    } else {
        let counts = counts
            .into_iter()
            .filter(|(incoming, property, _)| wanted(request, *incoming, property))
            .collect();
        hub_links(reads, entity, counts, &paging).await?
    };
    if let (Some(focus), true) = (&request.focus, groups.is_empty()) {
        groups.push(LinkGroup {
            incoming: focus.incoming,
            property: focus.property.clone(),
            values: Vec::new(),
            total: 0,
            offset: focus.offset,
        });
    }
    Ok(groups)
}

/// How many links `entity` has by each property and direction, in the order of the page.
async fn counts(reads: &Reads<'_>, entity: &NamedNode) -> Result<Vec<Count>, StoreError> {
    let counted = reads
        .select(bind(COUNTS.clone(), "entity", entity.clone()))
        .await?;
    let mut counts: Vec<Count> = Vec::new();
    for row in counted {
        if let (Some(Term::Literal(way)), Some(Term::NamedNode(p)), Some(Term::Literal(n))) =
            (row.get("way"), row.get("p"), row.get("n"))
        {
            counts.push((
                way.value() == "in",
                p.clone(),
                n.value().parse().unwrap_or(0),
            ));
        }
    }
    counts.sort_by(|a, b| (!a.0, a.1.as_str()).cmp(&(!b.0, b.1.as_str())));
    Ok(counts)
}

/// The links of an entity of few links: read in one query, then ordered and grouped.
async fn all_links(
    reads: &Reads<'_>,
    entity: &NamedNode,
    request: &PageRequest,
    paging: &Paging,
) -> Result<Vec<LinkGroup>, StoreError> {
    let rows = reads
        .select(bind(LINKS.clone(), "entity", entity.clone()))
        .await?;
    let mut links: Vec<Link> = rows
        .into_iter()
        .filter_map(|row| match (row.get("way"), row.get("p"), row.get("v")) {
            (Some(Term::Literal(way)), Some(Term::NamedNode(p)), Some(v)) => {
                let incoming = way.value() == "in";
                (!(incoming && v.is_blank_node()) && wanted(request, incoming, p))
                    .then(|| (incoming, p.clone(), v.clone()))
            }
            _ => None,
        })
        .collect();
    links.sort_by(link_order);
    links.dedup();
    let mut groups = Vec::new();
    let mut rest = links.into_iter().peekable();
    while let Some((incoming, property, value)) = rest.next() {
        let mut values = vec![value];
        while let Some((_, _, v)) = rest.next_if(|(i, p, _)| *i == incoming && *p == property) {
            values.push(v);
        }
        groups.push(paging.whole(incoming, property, values));
    }
    Ok(groups)
}

/// The links of a hub, by the `counts` of the properties shown: a property of few links has
/// them all read and ordered, one of many a page of them read in the store's order.
async fn hub_links(
    reads: &Reads<'_>,
    entity: &NamedNode,
    counts: Vec<Count>,
    paging: &Paging,
) -> Result<Vec<LinkGroup>, StoreError> {
    let small = small_links(reads, entity, &counts).await?;
    let mut groups = Vec::new();
    for (incoming, property, count) in counts {
        if count <= SORTED_GROUP {
            let values: Vec<Term> = small
                .iter()
                .filter(|(i, p, _)| *i == incoming && *p == property)
                .map(|(_, _, v)| v.clone())
                .collect();
            groups.push(paging.whole(incoming, property, values));
            continue;
        }
        let values = page_of_links(reads, entity, incoming, &property, paging).await?;
        groups.push(paging.paged(incoming, property, values, count as usize));
    }
    Ok(groups)
}

/// The links of the properties of few links, both ways: read whole, two queries in all, and
/// ordered.
async fn small_links(
    reads: &Reads<'_>,
    entity: &NamedNode,
    counts: &[Count],
) -> Result<Vec<Link>, StoreError> {
    let mut small: Vec<Link> = Vec::new();
    for incoming in [true, false] {
        let properties: Vec<GroundTerm> = counts
            .iter()
            .filter(|(i, _, n)| *i == incoming && *n <= SORTED_GROUP)
            .map(|(_, p, _)| p.clone().into())
            .collect();
        if properties.is_empty() {
            continue;
        }
        let template = if incoming { &VALUES_IN } else { &VALUES_OUT };
        let query = bind_each(
            bind((*template).clone(), "entity", entity.clone()),
            "p",
            properties,
        );
        for row in reads.select(query).await? {
            if let (Some(Term::NamedNode(p)), Some(v)) = (row.get("p"), row.get("v")) {
                if !(incoming && v.is_blank_node()) {
                    small.push((incoming, p.clone(), v.clone()));
                }
            }
        }
    }
    small.sort_by(link_order);
    small.dedup();
    Ok(small)
}

/// A page of the links of a property of many links, in the store's order.
async fn page_of_links(
    reads: &Reads<'_>,
    entity: &NamedNode,
    incoming: bool,
    property: &NamedNode,
    paging: &Paging,
) -> Result<Vec<Term>, StoreError> {
    let template = if incoming { &VALUES_IN } else { &VALUES_OUT };
    let mut query = (*template).clone();
    if let spargebra::Query::Select { pattern, .. } = &mut query {
        let inner = std::mem::replace(
            pattern,
            spargebra::algebra::GraphPattern::Bgp {
                patterns: Vec::new(),
            },
        );
        *pattern = spargebra::algebra::GraphPattern::Slice {
            inner: Box::new(inner),
            start: paging.skip,
            length: Some(paging.max),
        };
    }
    let query = bind(bind(query, "entity", entity.clone()), "p", property.clone());
    Ok(reads
        .select(query)
        .await?
        .into_iter()
        .filter_map(|row| row.get("v").cloned())
        .filter(|v| !(incoming && v.is_blank_node()))
        .collect())
}

/// The statements of the blank nodes among the values shown, at most
/// [`MAX_BLANK_STATEMENTS`] (none are read when no blank node is shown).
pub(super) async fn blanks(
    reads: &Reads<'_>,
    entity: &NamedNode,
    groups: &[LinkGroup],
) -> Result<HashMap<BlankNode, Vec<(NamedNode, Term)>>, StoreError> {
    let mut blanks: HashMap<BlankNode, Vec<(NamedNode, Term)>> = HashMap::new();
    let shows_blanks = groups
        .iter()
        .any(|g| g.values.iter().any(|v| matches!(v, Term::BlankNode(_))));
    if shows_blanks {
        let rows = reads
            .select(bind(BLANKS.clone(), "entity", entity.clone()))
            .await?;
        for row in rows.into_iter().take(MAX_BLANK_STATEMENTS) {
            if let (Some(Term::BlankNode(b)), Some(Term::NamedNode(p)), Some(o)) =
                (row.get("b"), row.get("bp"), row.get("bo"))
            {
                blanks
                    .entry(b.clone())
                    .or_default()
                    .push((p.clone(), o.clone()));
            }
        }
    }
    Ok(blanks)
}
