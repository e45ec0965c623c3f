//! The labels of what a page shows: the best of each node's labels for the reader, and the
//! languages the entity's own labels come in.

use super::{GraphContent, LinkGroup, Reads};
use crate::linked_data::{RDFS_LABEL, SKOS_PREF_LABEL};
use crate::sparql::{bind_each, constant_query};
use crate::store::StoreError;
use oxigraph::model::{BlankNode, Literal, NamedNode, Term, TermRef};
use spargebra::term::GroundTerm;
use std::collections::HashMap;
use std::sync::LazyLock;

/// The labels of a set of nodes.
static LABELS: LazyLock<spargebra::Query> = LazyLock::new(|| {
    constant_query(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
         PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
         PREFIX dcterms: <http://purl.org/dc/terms/>
         SELECT ?x ?lp ?label WHERE {
           VALUES ?lp { skos:prefLabel rdfs:label dcterms:title }
           ?x ?lp ?label FILTER(isLiteral(?label))
         }",
    )
});

/// Every IRI a page shows, each once, the entity first: the properties and values of its
/// groups, the statements inside blank nodes, the sources, and the subjects of a source's graph.
pub(super) fn shown(
    entity: &NamedNode,
    groups: &[LinkGroup],
    blanks: &HashMap<BlankNode, Vec<(NamedNode, Term)>>,
    sources: &[NamedNode],
    graph: Option<&GraphContent>,
) -> Vec<GroundTerm> {
    let mut shown: Vec<GroundTerm> = vec![entity.clone().into()];
    let mut seen = std::collections::HashSet::new();
    seen.insert(entity.as_str().to_owned());
    let iris = groups
        .iter()
        .flat_map(|g| {
            std::iter::once(TermRef::from(&g.property)).chain(g.values.iter().map(Term::as_ref))
        })
        .chain(
            blanks
                .values()
                .flatten()
                .flat_map(|(p, o)| [TermRef::from(p), o.as_ref()]),
        )
        .chain(sources.iter().map(TermRef::from))
        .chain(
            graph
                .iter()
                .flat_map(|content| content.subjects.iter().map(|(s, _)| TermRef::from(s))),
        );
    for term in iris {
        if let TermRef::NamedNode(iri) = term {
            if seen.insert(iri.as_str().to_owned()) {
                shown.push(iri.into_owned().into());
            }
        }
    }
    shown
}

/// Reads the labels of the `shown` nodes: the best label of each (by IRI) for a reader of
/// `languages`, and the languages `entity`'s own labels come in (for the page's language
/// switch).
pub(super) async fn labels(
    reads: &Reads<'_>,
    shown: Vec<GroundTerm>,
    entity: &NamedNode,
    languages: &[String],
) -> Result<(HashMap<String, String>, Vec<String>), StoreError> {
    let rows = reads.select(bind_each(LABELS.clone(), "x", shown)).await?;
    let mut best: HashMap<String, (u32, String)> = HashMap::new();
    let mut label_languages: Vec<String> = Vec::new();
    for row in rows {
        let (Some(Term::NamedNode(x)), Some(Term::NamedNode(lp)), Some(Term::Literal(label))) =
            (row.get("x"), row.get("lp"), row.get("label"))
        else {
            continue;
        };
        let rank = label_rank(lp.as_str(), label, languages);
        if x == entity {
            if let Some(language) = label.language() {
                let language = language.to_ascii_lowercase();
                if !label_languages.contains(&language) {
                    label_languages.push(language);
                }
            }
        }
        let entry = best
            .entry(x.as_str().to_owned())
            .or_insert((0, String::new()));
        // Equal ranks keep the least label, so that the page does not depend on row order.
        if rank > entry.0 || (rank == entry.0 && label.value() < entry.1.as_str()) {
            *entry = (rank, label.value().to_owned());
        }
    }
    let labels = best
        .into_iter()
        .map(|(iri, (_, label))| (iri, label))
        .collect();
    Ok((labels, label_languages))
}

/// How good a label is for a reader of `languages`: a label in a language they want beats one
/// in a language they want less, then English, then any; within a language, `skos:prefLabel`
/// beats `rdfs:label`, which beats a title.
fn label_rank(property: &str, label: &Literal, languages: &[String]) -> u32 {
    let kind = match property {
        SKOS_PREF_LABEL => 3,
        RDFS_LABEL => 2,
        _ => 1,
    };
    let matches = |wanted: &str| {
        label.language().is_some_and(|l| {
            let l = l.to_ascii_lowercase();
            l == wanted
                || l.starts_with(&format!("{wanted}-"))
                || wanted.starts_with(&format!("{l}-"))
        })
    };
    let wanted = languages.len() as u32;
    let place = languages
        .iter()
        .position(|wanted| matches(wanted))
        .map(|i| wanted - i as u32 + 1)
        .or_else(|| matches("en").then_some(1))
        .unwrap_or(0);
    place * 4 + kind
}
