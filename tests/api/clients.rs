//! Everyday clients of both worlds, with their default settings, against a running server:
//! SPARQLWrapper and rdflib for SPARQL (every result format, JSON-LD read back by a processor),
//! graphql-js and a schema-download tool for GraphQL.

use crate::helpers::{spawn_app, spawn_app_with, Options};
use std::path::Path;
use std::process::Command;

fn run(command: &mut Command) -> String {
    let output = command
        .output()
        .expect("the client runs (scripts/install-deps.sh)");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

#[test]
fn python_sparql_clients_work_with_their_defaults() {
    let app = spawn_app();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stdout = run(Command::new("python3")
        .arg(root.join("tests/clients/python_clients.py"))
        .arg(format!("{}/sparql", app.url)));
    for check in [
        "SELECT as TSV",
        "CONSTRUCT as N3",
        "CONSTRUCT as RDF/XML",
        "CONSTRUCT as JSON-LD",
        "rdflib SPARQLStore CONSTRUCT",
        "DESCRIBE answers each statement once",
        "JSON-LD reads back to the same graph",
    ] {
        assert!(stdout.contains(&format!("ok: {check}")), "{stdout}");
    }
}

#[test]
fn graphql_clients_read_the_schema_with_the_default_limits() {
    let app = spawn_app_with(Options {
        seed: false,
        ..Options::default()
    });
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stdout = run(Command::new("node")
        .arg(root.join("tests/graphql-http/clients.mjs"))
        .arg(format!("{}/graphql", app.url)));
    assert!(
        stdout.contains("ok: get-graphql-schema downloads the schema"),
        "{stdout}"
    );
}

/// Apollo Client's persisted-queries link, as an application sets it up (hashed queries by GET):
/// an unknown hash is answered so that the link sends the text, and a known one runs by GET.
#[test]
fn apollo_clients_persist_their_queries() {
    let app = spawn_app();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stdout = run(Command::new("node")
        .arg(root.join("tests/graphql-http/apq.mjs"))
        .arg(format!("{}/graphql", app.url)));
    assert!(
        stdout.contains("ok: the second run sent the hash alone, by GET"),
        "{stdout}"
    );
}

/// Property paths in every position answer what their spelled-out joins answer, on every
/// backend (a remote engine gets them as paths, or joined through variables, never through blank
/// nodes it may refuse).
#[test]
fn property_paths_answer_as_their_joins_do() {
    let app = spawn_app();
    let prefixes = "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> \
                    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> \
                    PREFIX org: <http://www.w3.org/ns/org#> \
                    PREFIX skos: <http://www.w3.org/2004/02/skos/core#> ";
    let itu = "<https://w3id.org/kgql/id/org/itu>";
    let itu_t = "<https://w3id.org/kgql/id/org/itu-t>";
    let ask = |body: &str| -> bool {
        let results = app.select(&format!("{prefixes} ASK {{ {body} }}"));
        results["boolean"].as_bool().expect("a boolean")
    };
    // An analyst's class-hierarchy question: a sequence ending in a transitive step.
    assert!(ask("?x rdf:type/rdfs:subClassOf* org:Organization"));
    assert!(ask(&format!(
        "{itu} rdf:type/rdfs:subClassOf* org:Organization"
    )));
    let pairs = [
        // sequence, subject bound
        (
            format!("{itu_t} org:subOrganizationOf/skos:prefLabel ?v"),
            format!("{itu_t} org:subOrganizationOf ?m . ?m skos:prefLabel ?v"),
        ),
        // sequence, object bound, then a transitive step
        (
            format!("?v org:subOrganizationOf/org:subOrganizationOf* {itu}"),
            format!("?v org:subOrganizationOf ?m . ?m org:subOrganizationOf* {itu}"),
        ),
        // inverse
        (
            format!("{itu} ^org:subOrganizationOf ?v"),
            format!("?v org:subOrganizationOf {itu}"),
        ),
        // alternative
        (
            format!("{itu} (skos:prefLabel|skos:altLabel) ?v"),
            format!("{{ {itu} skos:prefLabel ?v }} UNION {{ {itu} skos:altLabel ?v }}"),
        ),
        // a sequence through an inverse, both ends free
        (
            "?v ^org:subOrganizationOf/rdf:type ?c".to_owned(),
            "?m org:subOrganizationOf ?v . ?m rdf:type ?c".to_owned(),
        ),
        // a sequence inside an EXISTS filter
        (
            format!("?v org:subOrganizationOf {itu} FILTER EXISTS {{ ?v org:subOrganizationOf/skos:prefLabel ?l }}"),
            format!("?v org:subOrganizationOf {itu} FILTER EXISTS {{ ?v org:subOrganizationOf ?m . ?m skos:prefLabel ?l }}"),
        ),
    ];
    // Distinct answers: a path's may count each once (the union of the graphs repeats
    // statements that several sources make).
    for (path, join) in pairs {
        let count = |body: &str| {
            app.count(&format!(
                "{prefixes} SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?v WHERE {{ {body} }} }}"
            ))
        };
        let (by_path, by_join) = (count(&path), count(&join));
        assert_eq!(by_path, by_join, "{path}  vs  {join}");
        assert!(by_path > 0, "{path} answers nothing: the check is empty");
    }
}
