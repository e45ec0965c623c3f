//! The W3C SPARQL 1.1 Protocol and Graph Store HTTP Protocol suites, read from their manifests
//! in `tests/conformance/` and run over real HTTP, each test against a fresh, empty server.
//!
//! A suite runs all its tests, then fails once, naming every failing test with what it expected
//! and what came back.

mod manifest;
mod runner;

use crate::helpers::{backend, Backend};
use std::path::Path;

/// Tests a remote engine cannot pass, whatever kgql sends it, and why; they are run, and must
/// fail with the engine's own message (a clear error, not a wrong answer).
fn engine_limitation(id: &str) -> Option<&'static str> {
    match (backend(), id) {
        (
            Backend::Oxigraph,
            "update_dataset_default_graph"
            | "update_dataset_default_graphs"
            | "update_dataset_named_graphs"
            | "update_dataset_full",
        ) => Some(
            "`oxigraph serve --union-default-graph` refuses updates with USING (the protocol's \
             using-graph-uri)",
        ),
        _ => None,
    }
}

#[test]
fn sparql_protocol() {
    run_suite("SPARQL 1.1 Protocol", "sparql11-protocol/manifest.ttl", 34);
}

#[test]
fn graph_store_protocol_direct() {
    // Four tests listed in mf:entries, and head_non_existing_direct, which the manifest defines
    // without listing.
    run_suite(
        "SPARQL 1.1 Graph Store Protocol (direct)",
        "graph-store-protocol/manifest-direct.ttl",
        5,
    );
}

#[test]
fn graph_store_protocol_indirect() {
    run_suite(
        "SPARQL 1.1 Graph Store Protocol (indirect)",
        "graph-store-protocol/manifest-indirect.ttl",
        9,
    );
}

/// Runs every test of a manifest; `expected_tests` guards against tests silently lost in
/// reading.
fn run_suite(suite: &str, manifest: &str, expected_tests: usize) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/conformance")
        .join(manifest);
    let entries = manifest::read(&path);
    assert_eq!(
        entries.len(),
        expected_tests,
        "{suite}: {} has {} tests, expected {expected_tests}",
        path.display(),
        entries.len()
    );
    let mut failures = Vec::new();
    for entry in &entries {
        let outcome = match &entry.test {
            Ok(test) => runner::run(test).map_err(|e| format!("{} ({}): {e}", entry.id, test.name)),
            Err(e) => Err(format!("{}: cannot be read: {e}", entry.id)),
        };
        match (outcome, engine_limitation(&entry.id)) {
            (Err(failure), None) => failures.push(failure),
            (Err(_), Some(reason)) => println!("{}: engine limitation: {reason}", entry.id),
            (Ok(()), Some(reason)) => failures.push(format!(
                "{} passes: it is no longer an engine limitation ({reason})",
                entry.id
            )),
            (Ok(()), None) => {}
        }
    }
    let unlisted = entries.iter().filter(|entry| !entry.listed).count();
    let note = if unlisted == 0 {
        String::new()
    } else {
        format!(" ({unlisted} of them defined in the manifest but not listed in mf:entries)")
    };
    let summary = format!(
        "{suite}: {} passed, {} failed{note}",
        entries.len() - failures.len(),
        failures.len()
    );
    println!("{summary}");
    assert!(
        failures.is_empty(),
        "{summary}\n\n{}",
        failures.join("\n\n")
    );
}
