//! Linked data: entity descriptions, their HTML pages ([`page`]), the VoID description of the
//! dataset and the SPARQL service description. Independent of the web framework.

pub mod page;

use crate::formats;
use crate::ontology::{PREFIXES, VOCABULARY_NAMESPACE};
use crate::sparql::{bind, constant_query, construct, select};
use crate::store::{QueryLimits, SharedStore, StoreError};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{BlankNode, Literal, NamedNode, Term, Triple};
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
