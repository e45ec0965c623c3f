//! The timeline of a page: the entity's own dates and those of the entities it links to (or that
//! link to it), each linked entity placed by its most telling date.

use super::{local_name, EntityPage, LinkGroup, Reads};
use crate::linked_data::IriMapper;
use crate::site::escape;
use crate::sparql::{bind_each, constant_query};
use crate::store::StoreError;
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{Literal, NamedNode, Term};
use spargebra::term::GroundTerm;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

/// The literals of a set of nodes (their dates are read from them).
static LITERALS: LazyLock<spargebra::Query> =
    LazyLock::new(|| constant_query("SELECT ?x ?p ?d WHERE { ?x ?p ?d FILTER(isLiteral(?d)) }"));

/// The date properties a linked entity is placed on the timeline by, the most telling first
/// (by their local names); other dates count when none of these is given.
const TIMELINE_DATES: [&str; 8] = [
    "startDate",
    "issued",
    "date",
    "foundingDate",
    "created",
    "approvalDate",
    "endorsementDate",
    "startTime",
];

/// How many linked entities' dates a page reads at most.
const MAX_DATED: usize = 400;

/// Whether a literal is a date (or a year, a month, a time).
pub(super) fn is_date(literal: &Literal) -> bool {
    [xsd::DATE, xsd::G_YEAR, xsd::G_YEAR_MONTH, xsd::DATE_TIME].contains(&literal.datatype())
}

/// The entities a page links to (or that link to it) whose dates it reads: at most
/// [`MAX_DATED`], in IRI order, kinds left out.
pub(super) fn linked(entity: &NamedNode, groups: &[LinkGroup]) -> Vec<GroundTerm> {
    groups
        .iter()
        .filter(|g| g.property.as_ref() != rdf::TYPE)
        .flat_map(|g| g.values.iter())
        .filter_map(|v| match v {
            Term::NamedNode(n) if n != entity => Some(n.clone()),
            _ => None,
        })
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .take(MAX_DATED)
        .map(GroundTerm::from)
        .collect()
}

/// Where a date property places an entity: the place of its local name in [`TIMELINE_DATES`],
/// after them for another date, and `usize::MAX` for an end, which does not place it.
fn date_rank(property: &NamedNode) -> usize {
    let name = local_name(property.as_str());
    TIMELINE_DATES.iter().position(|d| *d == name).unwrap_or(
        // Ends (`endDate`, `dissolutionDate`) do not place an entity on the timeline.
        if name.starts_with("end") || name.contains("End") || name.starts_with("dissolution") {
            usize::MAX
        } else {
            TIMELINE_DATES.len()
        },
    )
}

/// Reads the dates of the `linked` entities: for each that has one (by IRI), the property that
/// places it on the timeline and the date.
pub(super) async fn dates(
    reads: &Reads<'_>,
    linked: Vec<GroundTerm>,
) -> Result<HashMap<String, (NamedNode, Literal)>, StoreError> {
    let rows = reads
        .select(bind_each(LITERALS.clone(), "x", linked))
        .await?;
    let mut dates: HashMap<String, (NamedNode, Literal)> = HashMap::new();
    for row in rows {
        let (Some(Term::NamedNode(x)), Some(Term::NamedNode(p)), Some(Term::Literal(d))) =
            (row.get("x"), row.get("p"), row.get("d"))
        else {
            continue;
        };
        if !is_date(d) || date_rank(p) == usize::MAX {
            continue;
        }
        let better = match dates.get(x.as_str()) {
            None => true,
            Some((q, e)) => (date_rank(p), d.value()) < (date_rank(q), e.value()),
        };
        if better {
            dates.insert(x.as_str().to_owned(), (p.clone(), d.clone()));
        }
    }
    Ok(dates)
}

impl EntityPage {
    /// The entity's own dates and those of the entities it links to (or that link to it), in
    /// order; empty unless linked entities have dates.
    pub(super) fn timeline(&self, mapper: &IriMapper<'_>) -> String {
        // (date, what, how it is linked, whether the entity's own)
        let mut items: Vec<(String, String, String, bool)> = Vec::new();
        let mut listed = std::collections::HashSet::new();
        for group in &self.groups {
            let property = self
                .label(group.property.as_str())
                .map_or_else(|| mapper.compact(group.property.as_str()), str::to_owned);
            for value in &group.values {
                match value {
                    Term::Literal(l) if !group.incoming && is_date(l) => {
                        items.push((l.value().to_owned(), escape(&property), String::new(), true));
                    }
                    Term::NamedNode(n) => {
                        let Some((_, date)) = self.dates.get(n.as_str()) else {
                            continue;
                        };
                        if !listed.insert(n.as_str()) {
                            continue;
                        }
                        let how = if group.incoming {
                            format!("links here as “{property}”")
                        } else {
                            format!("as “{property}”")
                        };
                        items.push((
                            date.value().to_owned(),
                            self.link(n.as_str(), mapper),
                            escape(&how),
                            false,
                        ));
                    }
                    _ => {}
                }
            }
        }
        if items.iter().filter(|i| !i.3).count() < 2 {
            return String::new();
        }
        items.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        let mut html = String::from("<h2 id=\"timeline\">Timeline</h2><ol class=\"timeline\">");
        for (date, what, how, own) in items {
            let _ = write!(
                html,
                "<li><time datetime=\"{date}\">{date}</time>{}{what}{}{}</li>",
                if own { "<strong>" } else { "" },
                if own { "</strong>" } else { "" },
                if how.is_empty() {
                    String::new()
                } else {
                    format!(" <small>{how}</small>")
                },
                date = escape(&date),
            );
        }
        html.push_str("</ol>");
        html
    }
}
