//! Linked data over HTTP: entity pages, exports checked by independent parsers, VoID.

use crate::helpers::{spawn_app, TOKEN};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{NamedNode, Term};
use std::process::Command;

/// The number of triples of the union of all graphs, each counted once.
const DISTINCT_TRIPLES: &str =
    "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }";
const ITU: &str = "https://w3id.org/kgql/id/org/itu";
const PREF_LABEL: &str = "http://www.w3.org/2004/02/skos/core#prefLabel";

fn parse(body: &[u8], format: RdfFormat) -> Vec<oxigraph::model::Quad> {
    RdfParser::from_format(format)
        .for_slice(body)
        .collect::<Result<Vec<_>, _>>()
        .expect("the server's RDF parses")
}

#[test]
fn an_entity_dereferences_in_every_format() {
    let app = spawn_app();
    for (accept, format) in [
        ("text/turtle", RdfFormat::Turtle),
        ("application/n-triples", RdfFormat::NTriples),
        ("application/rdf+xml", RdfFormat::RdfXml),
        ("application/ld+json", kgql::formats::JSON_LD),
    ] {
        let response = app
            .get("/id/org/itu")
            .header("accept", accept)
            .send()
            .unwrap();
        assert_eq!(response.status(), 200, "{accept}");
        let content_type = response.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            content_type.starts_with(accept),
            "{accept} answered {content_type}"
        );
        let quads = parse(&response.bytes().unwrap(), format);
        let itu = NamedNode::new(ITU).unwrap();
        assert!(
            quads.iter().any(|q| q.subject == itu.clone().into()
                && q.predicate.as_str() == PREF_LABEL
                && matches!(&q.object, Term::Literal(l) if l.language() == Some("en"))),
            "{accept}: ITU's English label is in its description"
        );
        // Labels of what it links to come along.
        let linked_labels = quads
            .iter()
            .filter(|q| q.subject != itu.clone().into() && q.predicate.as_str() == PREF_LABEL)
            .count();
        assert!(linked_labels > 0, "{accept}: labels of linked entities");
    }
}

#[test]
fn browsers_get_html_and_unknown_entities_404() {
    let app = spawn_app();
    let response = app
        .get("/id/org/itu")
        .header(
            "accept",
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        )
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = response.text().unwrap();
    assert!(
        html.contains("International Telecommunication Union"),
        "{html}"
    );
    assert!(html.contains("href=\"/id/"), "links stay on this server");

    let missing = app.get("/id/org/no-such-organisation").send().unwrap();
    assert_eq!(missing.status(), 404);
    let refused = app
        .get("/id/org/itu")
        .header("accept", "image/png")
        .send()
        .unwrap();
    assert_eq!(refused.status(), 406);
}

/// Counts the triples `rapper` (raptor2-utils) reads from a Turtle file.
fn rapper_count(path: &std::path::Path) -> u64 {
    let output = Command::new("rapper")
        .args(["-i", "turtle", "-c"])
        .arg(path)
        .output()
        .expect("rapper is installed (scripts/install-deps.sh)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "rapper: {stderr}");
    stderr
        .split_whitespace()
        .skip_while(|w| *w != "returned")
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("rapper's count in: {stderr}"))
}

/// Counts the triples Python's rdflib reads from a Turtle file.
fn rdflib_count(path: &std::path::Path) -> u64 {
    let output = Command::new("python3")
        .args([
            "-c",
            "import sys, rdflib; g = rdflib.Graph(); g.parse(sys.argv[1], format='turtle'); print(len(g))",
        ])
        .arg(path)
        .output()
        .expect("python3 is installed");
    assert!(
        output.status.success(),
        "rdflib: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .unwrap()
}

#[test]
fn exported_turtle_has_as_many_triples_as_sparql_counts() {
    let app = spawn_app();
    // A triple stated in two graphs is one triple of the default graph, written once.
    let update = app
        .post("/sparql")
        .bearer_auth(TOKEN)
        .header("content-type", "application/sparql-update")
        .body(
            "INSERT DATA { GRAPH <urn:kgql:test:a> { <urn:kgql:test:s> <urn:kgql:test:p> \"twice\" }
                           GRAPH <urn:kgql:test:b> { <urn:kgql:test:s> <urn:kgql:test:p> \"twice\" } }",
        )
        .send()
        .unwrap();
    assert!(update.status().is_success(), "{}", update.text().unwrap());
    let count = app.count(DISTINCT_TRIPLES);
    assert!(count > 100, "the seed graph is loaded ({count} triples)");
    let response = app.get("/export?format=ttl").send().unwrap();
    assert_eq!(response.status(), 200);
    let body = response.bytes().unwrap();
    let text = String::from_utf8(body.to_vec()).unwrap();
    assert!(text.contains("@prefix skos:"), "the ontology's prefixes");
    let path = app.dir.path().join("export.ttl");
    std::fs::write(&path, &body).unwrap();
    assert_eq!(rapper_count(&path), count, "rapper");
    assert_eq!(rdflib_count(&path), count, "rdflib");
    assert_eq!(parse(&body, RdfFormat::Turtle).len() as u64, count, "oxttl");
}

#[test]
fn datasets_export_with_their_graphs_and_one_graph_alone() {
    let app = spawn_app();
    let quads = app.count("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }");
    let body = app
        .get("/export?format=nq")
        .send()
        .unwrap()
        .bytes()
        .unwrap();
    assert_eq!(parse(&body, RdfFormat::NQuads).len() as u64, quads);

    let ontology = "https://w3id.org/kgql/ontology";
    let in_graph = app.count(&format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ontology}> {{ ?s ?p ?o }} }}"
    ));
    let response = app
        .get(&format!("/export?format=nt&graph={ontology}"))
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        parse(&response.bytes().unwrap(), RdfFormat::NTriples).len() as u64,
        in_graph
    );
    let missing = app
        .get("/export?format=nt&graph=urn:example:none")
        .send()
        .unwrap();
    assert_eq!(missing.status(), 404);
}

#[test]
fn void_describes_the_dataset() {
    let app = spawn_app();
    let count = app.count(DISTINCT_TRIPLES);
    let response = app
        .get("/.well-known/void")
        .header("accept", "application/n-triples")
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
    let quads = parse(&response.bytes().unwrap(), RdfFormat::NTriples);
    let find = |predicate: &str| {
        quads
            .iter()
            .filter(|q| q.predicate.as_str() == format!("http://rdfs.org/ns/void#{predicate}"))
            .map(|q| q.object.clone())
            .collect::<Vec<_>>()
    };
    let triples = find("triples");
    assert!(
        triples
            .iter()
            .any(|t| matches!(t, Term::Literal(l) if l.value() == count.to_string())),
        "void:triples {count} in {triples:?}"
    );
    assert!(find("classPartition").len() > 5, "class partitions");
    assert!(find("sparqlEndpoint")
        .iter()
        .any(|t| t.to_string().ends_with("/sparql>")));
    assert!(!find("dataDump").is_empty());
}

#[test]
fn operations_endpoints_answer() {
    let app = spawn_app();
    assert_eq!(app.get("/healthz").send().unwrap().status(), 200);
    assert_eq!(app.get("/readyz").send().unwrap().status(), 200);
    app.select("ASK {}");
    let metrics = app.get("/metrics").send().unwrap().text().unwrap();
    assert!(
        metrics.contains(
            "kgql_http_requests_total{route=\"/sparql\",method=\"POST\",status=\"200\"} 1"
        ),
        "{metrics}"
    );
    assert!(metrics.contains("kgql_http_request_duration_seconds_bucket"));
    assert!(metrics.contains("kgql_sparql_queries_total{origin=\"sparql\"} 1"));
    assert!(metrics.contains("kgql_store_quads "));
}

#[test]
fn small_answers_carry_their_length_and_large_ones_stream() {
    let app = spawn_app();
    let small = app
        .post("/sparql")
        .header("content-type", "application/sparql-query")
        .header("accept", "application/sparql-results+json")
        .body("SELECT ?p ?o WHERE { <https://w3id.org/kgql/id/org/itu> ?p ?o }")
        .send()
        .unwrap();
    assert_eq!(small.status(), 200);
    let length: usize = small.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(small.bytes().unwrap().len(), length);
    // The whole store, larger than one chunk: sent as it is written.
    let large = app.get("/export?format=nt").send().unwrap();
    assert_eq!(large.status(), 200);
    assert!(large.headers().get("content-length").is_none());
    assert_eq!(large.headers()["transfer-encoding"], "chunked");
    assert!(large.bytes().unwrap().len() > 64 * 1024);
}
