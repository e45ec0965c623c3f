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
