//! Linked data: entity descriptions, their HTML pages, the VoID description of the dataset and
//! the SPARQL service description. Independent of the web framework.

use crate::formats;
use crate::ontology::{PREFIXES, VOCABULARY_NAMESPACE};
use crate::sparql::{bind, constant_query, construct, select};
use crate::store::{QueryLimits, SharedStore, StoreError};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{
    BlankNode, Literal, NamedNode, NamedOrBlankNode, NamedOrBlankNodeRef, Term, TermRef, Triple,
};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

const SD: &str = "http://www.w3.org/ns/sparql-service-description#";
const VOID: &str = "http://rdfs.org/ns/void#";
const DCTERMS: &str = "http://purl.org/dc/terms/";
const RDFS_LABEL: &str = "http://www.w3.org/2000/01/rdf-schema#label";
const SKOS_PREF_LABEL: &str = "http://www.w3.org/2004/02/skos/core#prefLabel";

/// The description of one entity: its own triples (with the blank nodes they lead to), the
/// labels of what it links to, and the triples that link to it with their subjects' labels.
static DESCRIBE: LazyLock<spargebra::Query> = LazyLock::new(|| {
    constant_query(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
         PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
         CONSTRUCT {
           ?entity ?p ?o . ?o ?bp ?bo .
           ?o skos:prefLabel ?olabel . ?o rdfs:label ?orlabel .
           ?s ?ip ?entity . ?s skos:prefLabel ?slabel .
         } WHERE {
           { ?entity ?p ?o .
             OPTIONAL { FILTER(isBlank(?o)) ?o ?bp ?bo }
             OPTIONAL { FILTER(isIRI(?o)) ?o skos:prefLabel ?olabel }
             OPTIONAL { FILTER(isIRI(?o)) ?o rdfs:label ?orlabel } }
           UNION
           { ?s ?ip ?entity . FILTER(isIRI(?s))
             OPTIONAL { ?s skos:prefLabel ?slabel } }
         }",
    )
});

/// Describes `entity`; an empty result means the store does not know it.
pub async fn describe(
    store: &SharedStore,
    entity: NamedNode,
    limits: QueryLimits,
) -> Result<Vec<Triple>, StoreError> {
    let mut triples = construct(store, bind(DESCRIBE.clone(), "entity", entity), limits).await?;
    triples.sort_by_cached_key(|t| t.to_string());
    triples.dedup();
    Ok(triples)
}

/// The SPARQL 1.1 service description of the endpoint at `endpoint`.
pub fn service_description(
    endpoint: &str,
    union_default_graph: bool,
    writable: bool,
) -> Vec<Triple> {
    let service = NamedNode::new_unchecked(format!("{endpoint}#service"));
    let sd = |local: &str| NamedNode::new_unchecked(format!("{SD}{local}"));
    let mut triples = vec![
        Triple::new(service.clone(), rdf::TYPE, sd("Service")),
        Triple::new(
            service.clone(),
            sd("endpoint"),
            NamedNode::new_unchecked(endpoint),
        ),
        Triple::new(
            service.clone(),
            sd("supportedLanguage"),
            sd("SPARQL11Query"),
        ),
    ];
    if writable {
        triples.push(Triple::new(
            service.clone(),
            sd("supportedLanguage"),
            sd("SPARQL11Update"),
        ));
    }
    if union_default_graph {
        triples.push(Triple::new(
            service.clone(),
            sd("feature"),
            sd("UnionDefaultGraph"),
        ));
    }
    for format in formats::RESULTS_FORMATS {
        triples.push(Triple::new(
            service.clone(),
            sd("resultFormat"),
            NamedNode::new_unchecked(format.iri()),
        ));
    }
    for format in formats::RDF_FORMATS {
        triples.push(Triple::new(
            service.clone(),
            sd("resultFormat"),
            NamedNode::new_unchecked(format.iri()),
        ));
    }
    let dataset = BlankNode::default();
    triples.push(Triple::new(
        service.clone(),
        sd("defaultDataset"),
        dataset.clone(),
    ));
    triples.push(Triple::new(dataset, rdf::TYPE, sd("Dataset")));
    triples
}

/// Distinct triples: a triple stated in several graphs is one triple of their union.
static TRIPLE_COUNT: LazyLock<spargebra::Query> = LazyLock::new(|| {
    constant_query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }")
});
static CLASS_PARTITIONS: LazyLock<spargebra::Query> = LazyLock::new(|| {
    constant_query(
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class } \
         GROUP BY ?class ORDER BY DESC(?n) ?class",
    )
});
static GRAPH_PARTITIONS: LazyLock<spargebra::Query> = LazyLock::new(|| {
    constant_query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    )
});

/// The number of distinct triples in the default graph.
pub async fn triple_count(store: &SharedStore, limits: QueryLimits) -> Result<u64, StoreError> {
    let rows = select(store, TRIPLE_COUNT.clone(), limits).await?;
    Ok(rows
        .first()
        .and_then(|row| integer(row.get("n")))
        .unwrap_or(0))
}

fn integer(term: Option<&Term>) -> Option<u64> {
    match term? {
        Term::Literal(literal) => literal.value().parse().ok(),
        _ => None,
    }
}

/// The VoID description of the dataset served at `public_url`.
pub async fn void_description(
    store: &SharedStore,
    public_url: &str,
    base_iri: &str,
    limits: QueryLimits,
) -> Result<Vec<Triple>, StoreError> {
    let void = |local: &str| NamedNode::new_unchecked(format!("{VOID}{local}"));
    let dataset = NamedNode::new_unchecked(format!("{public_url}/.well-known/void#dataset"));
    let count = |n: u64| Literal::new_typed_literal(n.to_string(), xsd::INTEGER);
    let mut triples = vec![
        Triple::new(dataset.clone(), rdf::TYPE, void("Dataset")),
        Triple::new(
            dataset.clone(),
            NamedNode::new_unchecked(format!("{DCTERMS}title")),
            Literal::new_language_tagged_literal_unchecked(
                "kgql knowledge graph of global AI governance",
                "en",
            ),
        ),
        Triple::new(
            dataset.clone(),
            void("sparqlEndpoint"),
            NamedNode::new_unchecked(format!("{public_url}/sparql")),
        ),
        Triple::new(
            dataset.clone(),
            void("uriSpace"),
            Literal::new_simple_literal(base_iri),
        ),
        Triple::new(
            dataset.clone(),
            void("vocabulary"),
            NamedNode::new_unchecked(VOCABULARY_NAMESPACE),
        ),
        Triple::new(
            dataset.clone(),
            void("triples"),
            count(triple_count(store, limits).await?),
        ),
    ];
    for extension in ["nq", "ttl"] {
        triples.push(Triple::new(
            dataset.clone(),
            void("dataDump"),
            NamedNode::new_unchecked(format!("{public_url}/export?format={extension}")),
        ));
    }
    for row in select(store, CLASS_PARTITIONS.clone(), limits).await? {
        let (Some(Term::NamedNode(class)), Some(n)) = (row.get("class"), integer(row.get("n")))
        else {
            continue;
        };
        let partition = BlankNode::default();
        triples.push(Triple::new(
            dataset.clone(),
            void("classPartition"),
            partition.clone(),
        ));
        triples.push(Triple::new(partition.clone(), void("class"), class.clone()));
        triples.push(Triple::new(partition, void("entities"), count(n)));
    }
    for row in select(store, GRAPH_PARTITIONS.clone(), limits).await? {
        let (Some(Term::NamedNode(graph)), Some(n)) = (row.get("g"), integer(row.get("n"))) else {
            continue;
        };
        triples.push(Triple::new(dataset.clone(), void("subset"), graph.clone()));
        triples.push(Triple::new(graph.clone(), rdf::TYPE, void("Dataset")));
        triples.push(Triple::new(graph.clone(), void("triples"), count(n)));
        triples.push(Triple::new(
            graph.clone(),
            void("dataDump"),
            NamedNode::new_unchecked(format!(
                "{public_url}/export?format=nt&graph={}",
                form_urlencoded::byte_serialize(graph.as_str().as_bytes()).collect::<String>()
            )),
        ));
    }
    Ok(triples)
}

/// Maps IRIs to the paths this server answers them at, and compacts IRIs for display.
pub struct IriMapper<'a> {
    /// The entity namespace.
    pub base_iri: &'a str,
}

impl IriMapper<'_> {
    /// The local path (`/id/…`) of an IRI in the namespace.
    pub fn local_path(&self, iri: &str) -> Option<String> {
        iri.strip_prefix(self.base_iri)
            .map(|rest| format!("/id/{rest}"))
    }

    /// The IRI of a local path below `/id/`.
    pub fn iri(&self, path: &str) -> Option<NamedNode> {
        NamedNode::new(format!("{}{path}", self.base_iri)).ok()
    }

    /// `prefix:local` when a known prefix applies, the IRI otherwise.
    pub fn compact(&self, iri: &str) -> String {
        if let Some(rest) = iri.strip_prefix(self.base_iri) {
            return format!("id:{rest}");
        }
        for (prefix, namespace) in PREFIXES {
            if let Some(local) = iri.strip_prefix(namespace) {
                if !local.is_empty() && !local.contains(['/', '#']) {
                    return format!("{prefix}:{local}");
                }
            }
        }
        iri.to_owned()
    }
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// The best display label of `node` in `triples`: an English `skos:prefLabel`, any
/// `skos:prefLabel`, an `rdfs:label`, or nothing.
fn label_of(triples: &[Triple], node: NamedOrBlankNodeRef<'_>) -> Option<String> {
    let mut best: Option<(u8, String)> = None;
    for triple in triples.iter().filter(|t| t.subject.as_ref() == node) {
        let Term::Literal(literal) = &triple.object else {
            continue;
        };
        let rank = match (triple.predicate.as_str(), literal.language()) {
            (SKOS_PREF_LABEL, Some("en")) => 4,
            (RDFS_LABEL, Some("en")) => 3,
            (SKOS_PREF_LABEL, _) => 2,
            (RDFS_LABEL, _) => 1,
            _ => continue,
        };
        if best.as_ref().is_none_or(|(r, _)| rank > *r) {
            best = Some((rank, literal.value().to_owned()));
        }
    }
    best.map(|(_, label)| label)
}

/// Renders an entity's description as a self-contained HTML page.
pub fn render_html(entity: &NamedNode, triples: &[Triple], mapper: &IriMapper<'_>) -> String {
    let subject = NamedOrBlankNodeRef::from(entity.as_ref());
    let title = label_of(triples, subject).unwrap_or_else(|| mapper.compact(entity.as_str()));
    let link = |iri: &str| -> String {
        let href = mapper.local_path(iri).unwrap_or_else(|| iri.to_owned());
        let text = label_of(triples, NamedNode::new_unchecked(iri).as_ref().into())
            .unwrap_or_else(|| mapper.compact(iri));
        format!("<a href=\"{}\">{}</a>", escape(&href), escape(&text))
    };
    let render_term = |term: TermRef<'_>| -> String {
        match term {
            TermRef::NamedNode(node) => link(node.as_str()),
            TermRef::BlankNode(node) => {
                // Blank nodes are shown inline with their own properties.
                let mut inner = String::from("<ul>");
                for t in triples
                    .iter()
                    .filter(|t| t.subject.as_ref() == NamedOrBlankNodeRef::from(node))
                {
                    let value = match &t.object {
                        Term::NamedNode(n) => link(n.as_str()),
                        Term::Literal(l) => escape(l.value()),
                        other => escape(&other.to_string()),
                    };
                    let _ = write!(inner, "<li>{} {}</li>", link(t.predicate.as_str()), value);
                }
                inner.push_str("</ul>");
                inner
            }
            TermRef::Literal(literal) => {
                let mut text = escape(literal.value());
                if let Some(language) = literal.language() {
                    let _ = write!(text, " <small>@{}</small>", escape(language));
                } else if literal.datatype() != xsd::STRING {
                    let _ = write!(
                        text,
                        " <small>{}</small>",
                        escape(&mapper.compact(literal.datatype().as_str()))
                    );
                }
                text
            }
            #[allow(unreachable_patterns)]
            other => escape(&other.to_string()),
        }
    };
    let mut outgoing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut incoming: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for triple in triples {
        if triple.subject.as_ref() == subject {
            outgoing
                .entry(link(triple.predicate.as_str()))
                .or_default()
                .push(render_term(triple.object.as_ref()));
        } else if triple.object.as_ref() == TermRef::from(entity.as_ref()) {
            if let NamedOrBlankNode::NamedNode(source) = &triple.subject {
                incoming
                    .entry(link(triple.predicate.as_str()))
                    .or_default()
                    .push(link(source.as_str()));
            }
        }
    }
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title>\
         <link rel=\"alternate\" type=\"text/turtle\" href=\"?format=ttl\">\
         <link rel=\"alternate\" type=\"application/ld+json\" href=\"?format=jsonld\">\
         <style>body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}}\
         table{{border-collapse:collapse;width:100%}}td,th{{border-top:1px solid #ddd;padding:.4rem;vertical-align:top;text-align:left}}\
         th{{width:14rem;font-weight:normal;color:#555}}ul{{margin:0;padding-left:1.2rem}}code{{font-size:.9em}}</style>\
         </head><body><h1>{title}</h1><p><code>{iri}</code></p>\
         <p>Also as <a href=\"?format=ttl\">Turtle</a>, <a href=\"?format=jsonld\">JSON-LD</a>, \
         <a href=\"?format=nt\">N-Triples</a>, <a href=\"?format=rdfxml\">RDF/XML</a>.</p>",
        title = escape(&title),
        iri = escape(entity.as_str()),
    );
    for (heading, rows) in [("Properties", &outgoing), ("Referenced by", &incoming)] {
        if rows.is_empty() {
            continue;
        }
        let _ = write!(html, "<h2>{heading}</h2><table>");
        for (predicate, values) in rows {
            let _ = write!(html, "<tr><th>{predicate}</th><td>");
            if values.len() == 1 {
                html.push_str(&values[0]);
            } else {
                html.push_str("<ul>");
                for value in values {
                    let _ = write!(html, "<li>{value}</li>");
                }
                html.push_str("</ul>");
            }
            html.push_str("</td></tr>");
        }
        html.push_str("</table>");
    }
    html.push_str("</body></html>\n");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_queries_parse() {
        LazyLock::force(&DESCRIBE);
        LazyLock::force(&TRIPLE_COUNT);
        LazyLock::force(&CLASS_PARTITIONS);
        LazyLock::force(&GRAPH_PARTITIONS);
    }

    #[test]
    fn html_escapes_everything_from_the_data() {
        let entity = NamedNode::new("https://w3id.org/kgql/id/org/x").unwrap();
        let triples = vec![Triple::new(
            entity.clone(),
            NamedNode::new(SKOS_PREF_LABEL).unwrap(),
            Literal::new_language_tagged_literal("<script>alert(1)</script>", "en").unwrap(),
        )];
        let html = render_html(
            &entity,
            &triples,
            &IriMapper {
                base_iri: "https://w3id.org/kgql/id/",
            },
        );
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
    }

    #[test]
    fn iris_map_to_local_paths_and_back() {
        let mapper = IriMapper {
            base_iri: "https://w3id.org/kgql/id/",
        };
        assert_eq!(
            mapper
                .local_path("https://w3id.org/kgql/id/org/itu")
                .as_deref(),
            Some("/id/org/itu")
        );
        assert_eq!(
            mapper.iri("org/itu").unwrap().as_str(),
            "https://w3id.org/kgql/id/org/itu"
        );
        assert_eq!(
            mapper.compact("http://schema.org/organizer"),
            "schema:organizer"
        );
    }
}
