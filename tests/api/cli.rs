//! The `kgql` command line, run as a process on a temporary store.

use std::path::Path;
use std::process::{Command, Output};

fn kgql(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kgql"))
        .arg("--store")
        .arg(store)
        .args(args)
        .env_remove("KGQL_CONFIG")
        .output()
        .expect("kgql runs")
}

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "kgql failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout.clone()).unwrap()
}

#[test]
fn load_query_and_export_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let data = dir.path().join("data.ttl");
    std::fs::write(
        &data,
        "@prefix ex: <http://example.com/> .\nex:a ex:knows ex:b , ex:c .\nex:b ex:knows ex:c .\n",
    )
    .unwrap();
    let output = kgql(
        &store,
        &["load", data.to_str().unwrap(), "--graph", "urn:example:g"],
    );
    stdout(&output);
    assert!(String::from_utf8_lossy(&output.stderr).contains("loaded 3 quads"));

    let csv = stdout(&kgql(
        &store,
        &[
            "query",
            "SELECT ?o WHERE { GRAPH <urn:example:g> { <http://example.com/a> ?p ?o } } ORDER BY ?o",
            "--format",
            "csv",
        ],
    ));
    assert_eq!(csv, "o\r\nhttp://example.com/b\r\nhttp://example.com/c\r\n");

    let nt = stdout(&kgql(
        &store,
        &["export", "--format", "nt", "--graph", "urn:example:g"],
    ));
    assert_eq!(nt.lines().count(), 3, "{nt}");
    let nq = stdout(&kgql(&store, &["export"]));
    assert!(nq.lines().all(|l| l.ends_with("<urn:example:g> .")), "{nq}");
}

#[test]
fn a_file_with_an_error_is_not_loaded_at_all() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let good = dir.path().join("good.nt");
    let bad = dir.path().join("bad.nt");
    std::fs::write(&good, "<urn:a> <urn:b> <urn:c> .\n").unwrap();
    let mut text = String::new();
    for i in 0..100 {
        text.push_str(&format!("<urn:s{i}> <urn:p> \"{i}\" .\n"));
    }
    text.push_str("<urn:broken> <urn:p> .\n");
    std::fs::write(&bad, text).unwrap();

    let output = kgql(
        &store,
        &[
            "load",
            good.to_str().unwrap(),
            bad.to_str().unwrap(),
            "--all-or-nothing",
        ],
    );
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("line 101"), "{stderr}");
    assert!(stderr.contains("bad.nt"), "{stderr}");
    let count = |store: &Path| {
        stdout(&kgql(
            store,
            &[
                "query",
                "SELECT (COUNT(*) AS ?n) { { GRAPH ?g { ?s ?p ?o } } UNION { ?s ?p ?o } }",
                "--format",
                "csv",
            ],
        ))
    };
    assert_eq!(count(&store), "n\r\n0\r\n", "all or nothing: nothing");

    // One transaction per file: the good file is kept, the bad one is not.
    let output = kgql(
        &store,
        &["load", good.to_str().unwrap(), bad.to_str().unwrap()],
    );
    assert!(!output.status.success());
    assert_eq!(count(&store), "n\r\n1\r\n");
}

#[test]
fn seeding_is_idempotent() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let count = || {
        stdout(&kgql(
            &store,
            &[
                "query",
                "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }",
                "--format",
                "csv",
            ],
        ))
    };
    stdout(&kgql(&store, &["seed"]));
    let first = count();
    assert_ne!(first, "n\r\n0\r\n");
    stdout(&kgql(&store, &["seed"]));
    assert_eq!(count(), first);
}

#[test]
fn bad_arguments_are_explained() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let output = kgql(&store, &["query", "SELECT * WHERE {"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("invalid SPARQL query"));
    let output = kgql(&store, &["export", "--format", "pdf"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("unknown RDF format"));
    let output = kgql(&store, &["serve", "--bind", "not-an-address"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("bind address"));
}

#[test]
fn a_generated_graph_loads_and_conforms_with_and_without_the_seed() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let file = dir.path().join("generated.nq");
    let output = kgql(
        &store,
        &[
            "generate",
            "--triples",
            "5000",
            "--seed",
            "3",
            "-o",
            file.to_str().unwrap(),
        ],
    );
    stdout(&output);
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("generated 50"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!store.exists(), "generate opens no store");
    let bytes = std::fs::read(&file).unwrap();
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    assert!((5000..5050).contains(&lines), "{lines} quads");
    let again = kgql(&store, &["generate", "--triples", "5000", "--seed", "3"]);
    assert!(again.status.success());
    assert!(again.stdout == bytes, "the same seed gives the same bytes");

    let count = |store: &Path| {
        stdout(&kgql(
            store,
            &[
                "query",
                "SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }",
                "--format",
                "csv",
            ],
        ))
    };
    let output = kgql(&store, &["load", file.to_str().unwrap()]);
    stdout(&output);
    assert_eq!(count(&store), format!("n\r\n{lines}\r\n"));
    let report = stdout(&kgql(&store, &["validate"]));
    assert!(report.starts_with("conforms: "), "{report}");

    let seeded = dir.path().join("seeded");
    stdout(&kgql(&seeded, &["seed"]));
    stdout(&kgql(&seeded, &["load", file.to_str().unwrap()]));
    let report = stdout(&kgql(&seeded, &["validate"]));
    assert!(report.starts_with("conforms: "), "{report}");

    let output = kgql(&store, &["generate", "--triples", "0"]);
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("--triples"));
}

#[test]
fn reindex_rebuilds_the_index_of_every_described_node() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    stdout(&kgql(&store, &["seed"]));
    let output = kgql(&store, &["reindex"]);
    stdout(&output);
    let said = String::from_utf8_lossy(&output.stderr).into_owned();
    // Every node with a searched text, a class or a date pages order by, counted by SPARQL.
    let count = stdout(&kgql(
        &store,
        &[
            "query",
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
             PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
             PREFIX schema: <http://schema.org/>
             PREFIX kg: <https://w3id.org/kgql/ontology#>
             SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {
               VALUES ?p { skos:prefLabel rdfs:label skos:altLabel schema:description
                 <http://purl.org/dc/terms/title> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> schema:startDate schema:endDate
                 schema:foundingDate schema:dissolutionDate <http://purl.org/dc/terms/issued>
                 kg:approvalDate kg:endorsementDate }
               ?s ?p ?o FILTER(isIRI(?s)) }",
            "--format",
            "csv",
        ],
    ));
    let count = count.lines().nth(1).unwrap().trim().to_owned();
    assert!(count.parse::<u64>().unwrap() > 100, "{count}");
    assert!(
        said.contains(&format!("indexed {count} nodes for search and pages")),
        "{said} (SPARQL counts {count})"
    );
    // A remote engine keeps no index: the command says so.
    let output = Command::new(env!("CARGO_BIN_EXE_kgql"))
        .args(["--store", "http://127.0.0.1:9/sparql", "reindex"])
        .env_remove("KGQL_CONFIG")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("keeps no search index"));
}

#[test]
fn loads_into_a_store_with_data_leave_it_compacted_and_optimize_compacts_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let data = dir.path().join("data.ttl");
    std::fs::write(
        &data,
        "<https://example.org/a> <http://www.w3.org/2000/01/rdf-schema#label> \"a\" .\n",
    )
    .unwrap();
    let said = |output: &Output| String::from_utf8_lossy(&output.stderr).into_owned();
    // A load into an empty store leaves its data sorted in few files: nothing to compact.
    let loaded = kgql(&store, &["load", "--no-validate", data.to_str().unwrap()]);
    stdout(&loaded);
    assert!(!said(&loaded).contains("compacted"), "{}", said(&loaded));
    // A load into a store with data compacts it after it, unless told not to.
    let loaded = kgql(&store, &["load", "--no-validate", data.to_str().unwrap()]);
    stdout(&loaded);
    assert!(
        said(&loaded).contains("compacted the store in"),
        "{}",
        said(&loaded)
    );
    let loaded = kgql(
        &store,
        &[
            "load",
            "--no-validate",
            "--no-optimize",
            data.to_str().unwrap(),
        ],
    );
    stdout(&loaded);
    assert!(!said(&loaded).contains("compacted"), "{}", said(&loaded));
    let optimized = kgql(&store, &["optimize"]);
    stdout(&optimized);
    assert!(said(&optimized).contains("compacted the store in"));
    // The data is all there after it.
    let count = stdout(&kgql(
        &store,
        &[
            "query",
            "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
            "--format",
            "csv",
        ],
    ));
    assert_eq!(count.lines().nth(1).map(str::trim), Some("1"), "{count}");
    // A remote engine compacts its own: the command says so.
    let output = Command::new(env!("CARGO_BIN_EXE_kgql"))
        .args(["--store", "http://127.0.0.1:9/sparql", "optimize"])
        .env_remove("KGQL_CONFIG")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        said(&output).contains("compacts its own"),
        "{}",
        said(&output)
    );
}
