//! `kgql validate` and the validation in `kgql load`, run as processes, checked against the
//! shipped example of invalid data and against an independent SHACL engine (pyshacl).

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Graph, NamedNode, TermRef, Triple};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SH: &str = "http://www.w3.org/ns/shacl#";

fn kgql(store: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kgql"))
        .arg("--store")
        .arg(store)
        .args(args)
        .env_remove("KGQL_CONFIG")
        .output()
        .expect("kgql runs")
}

fn project_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The example of invalid data and the focus nodes a validator must report for it.
fn invalid_example() -> (PathBuf, BTreeSet<String>) {
    let expected =
        std::fs::read_to_string(project_file("tests/data/invalid-seed-violation.expected"))
            .unwrap();
    (
        project_file("tests/data/invalid-seed-violation.trig"),
        expected
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(str::to_owned)
            .collect(),
    )
}

/// The `sh:Violation` results of a W3C validation report, as (focus node, path, constraint
/// component, value) with blank nodes written `_:`, so that reports of different engines compare.
/// A result that an engine repeats (once per node shape that reaches the same property shape)
/// counts once.
fn violations(report: &[u8], format: RdfFormat) -> BTreeSet<[String; 4]> {
    let graph: Graph = RdfParser::from_format(format)
        .for_slice(report)
        .map(|quad| Triple::from(quad.expect("the report is valid RDF")))
        .collect();
    let sh = |local: &str| NamedNode::new(format!("{SH}{local}")).unwrap();
    let show = |term: Option<TermRef<'_>>| match term {
        None => String::new(),
        Some(TermRef::NamedNode(iri)) => iri.as_str().to_owned(),
        Some(TermRef::BlankNode(_)) => "_:".to_owned(),
        Some(TermRef::Literal(literal)) => literal.to_string(),
    };
    let mut results = BTreeSet::new();
    for top in graph.triples_for_predicate(&sh("result")) {
        let TermRef::BlankNode(result) = top.object else {
            panic!("a result is a blank node");
        };
        let value = |property: &str| graph.object_for_subject_predicate(result, &sh(property));
        let violation = sh("Violation");
        if value("resultSeverity") != Some(violation.as_ref().into()) {
            continue;
        }
        let path = match value("resultPath") {
            Some(TermRef::BlankNode(path)) => {
                let inverse = graph.object_for_subject_predicate(path, &sh("inversePath"));
                format!("^{}", show(inverse))
            }
            other => show(other),
        };
        results.insert([
            show(value("focusNode")),
            path,
            show(value("sourceConstraintComponent")),
            show(value("value")),
        ]);
    }
    results
}

/// The focus nodes of the `sh:Violation` results of a W3C validation report.
fn violating_focus_nodes(report: &[u8], format: RdfFormat) -> BTreeSet<String> {
    violations(report, format)
        .into_iter()
        .map(|[focus, ..]| focus)
        .collect()
}

/// A store seeded with the built-in ontology, shapes and seed graph.
fn seeded_store(dir: &Path) -> PathBuf {
    let store = dir.join("store");
    let output = kgql(&store, &["seed"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    store
}

#[test]
fn the_seed_graph_conforms() {
    let dir = tempfile::tempdir().unwrap();
    let store = seeded_store(dir.path());
    let output = kgql(&store, &["validate"]);
    assert!(
        output.status.success(),
        "the seed graph does not conform:\n{}{}",
        text(&output.stdout),
        text(&output.stderr)
    );
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("conforms: "), "{stdout}");
    assert!(
        stdout.trim_end().ends_with(" focus nodes checked"),
        "{stdout}"
    );
    assert!(!stdout.starts_with("conforms: 0 "), "{stdout}");
}

#[test]
fn a_file_with_violations_fails_and_names_its_focus_nodes() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let (invalid, expected) = invalid_example();
    let seed = project_file("ontology/seed.trig");
    let files = [seed.to_str().unwrap(), invalid.to_str().unwrap()];

    let output = kgql(&store, &[&["validate"], &files[..]].concat());
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let stdout = text(&output.stdout);
    assert!(stdout.starts_with("does not conform: "), "{stdout}");
    for focus in &expected {
        assert!(
            stdout.contains(&format!("focus node: <{focus}>")),
            "{focus} in\n{stdout}"
        );
    }
    assert!(
        text(&output.stderr).contains("kgql: the data does not conform to the shapes"),
        "{}",
        text(&output.stderr)
    );

    let output = kgql(
        &store,
        &[&["validate", "--format", "nt"], &files[..]].concat(),
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert_eq!(
        violating_focus_nodes(&output.stdout, RdfFormat::NTriples),
        expected
    );
}

#[test]
fn unreadable_input_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let missing = dir.path().join("missing.ttl");
    let output = kgql(&store, &["validate", missing.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).starts_with("kgql: cannot read"),
        "{}",
        text(&output.stderr)
    );

    let broken = dir.path().join("broken.ttl");
    std::fs::write(&broken, "<urn:a> <urn:b> .\n").unwrap();
    let output = kgql(&store, &["validate", broken.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("invalid Turtle"),
        "{}",
        text(&output.stderr)
    );

    let shapes = dir.path().join("shapes.ttl");
    std::fs::write(
        &shapes,
        "@prefix sh: <http://www.w3.org/ns/shacl#> .\n\
         <urn:S> a sh:NodeShape ; sh:targetClass <urn:C> ; sh:closed true .\n",
    )
    .unwrap();
    let output = kgql(&store, &["validate", "--shapes", shapes.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        text(&output.stderr).contains("unsupported SHACL feature sh:closed in shape <urn:S>"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn load_refuses_data_that_violates_the_shapes() {
    let dir = tempfile::tempdir().unwrap();
    let store = seeded_store(dir.path());
    let (invalid, expected) = invalid_example();
    let invalid = invalid.to_str().unwrap();
    let count = || {
        let output = kgql(
            &store,
            &[
                "query",
                "SELECT (COUNT(*) AS ?n) { GRAPH <https://w3id.org/kgql/id/graph/invalid-example> { ?s ?p ?o } }",
                "--format",
                "csv",
            ],
        );
        assert!(output.status.success(), "{}", text(&output.stderr));
        text(&output.stdout)
    };

    let output = kgql(&store, &["load", invalid]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("refusing to load"), "{stderr}");
    for focus in &expected {
        assert!(stderr.contains(focus.as_str()), "{focus} in\n{stderr}");
    }
    assert_eq!(count(), "n\r\n0\r\n", "nothing was stored");

    let output = kgql(&store, &["load", invalid, "--warn-only"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("warning: "), "{stderr}");
    assert_ne!(count(), "n\r\n0\r\n", "loaded with a warning");

    // The store now holds the violations: loading more valid data is not blocked by them.
    let valid = dir.path().join("valid.ttl");
    std::fs::write(&valid, "<urn:example:a> <urn:example:b> \"c\" .\n").unwrap();
    let output = kgql(&store, &["load", valid.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));

    let other = dir.path().join("other");
    let output = kgql(&other, &["seed"]);
    assert!(output.status.success());
    let output = kgql(&other, &["load", invalid, "--no-validate"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(!text(&output.stderr).contains("warning"));
}

#[test]
fn pyshacl_reports_the_same_violations() {
    let dir = tempfile::tempdir().unwrap();
    let store = seeded_store(dir.path());
    let (invalid, _) = invalid_example();
    let output = kgql(
        &store,
        &["load", invalid.to_str().unwrap(), "--no-validate"],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));
    // One graph for both validators: the distinct triples of all the store's graphs.
    let merged = dir.path().join("merged.nt");
    let output = kgql(
        &store,
        &["export", "--format", "nt", "-o", merged.to_str().unwrap()],
    );
    assert!(output.status.success(), "{}", text(&output.stderr));

    let output = kgql(
        &store,
        &["validate", merged.to_str().unwrap(), "--format", "nt"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let ours = output.stdout;

    let output = Command::new("python3")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "-m",
            "pyshacl",
            "-s",
            "ontology/shapes.ttl",
            "-e",
            "ontology/kgql.ttl",
        ])
        .args(["-i", "none", "-f", "turtle"])
        .arg(&merged)
        .output()
        .expect("python3 runs (scripts/install-deps.sh installs pyshacl)");
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "pyshacl failed: {}",
        text(&output.stderr)
    );
    let theirs = output.stdout;
    assert!(
        !violating_focus_nodes(&theirs, RdfFormat::Turtle).is_empty(),
        "pyshacl found no violation"
    );
    assert_eq!(
        violating_focus_nodes(&ours, RdfFormat::NTriples),
        violating_focus_nodes(&theirs, RdfFormat::Turtle)
    );
    // Beyond the focus nodes: the same paths, constraint components and values.
    assert_eq!(
        violations(&ours, RdfFormat::NTriples),
        violations(&theirs, RdfFormat::Turtle)
    );
}

#[test]
fn validating_files_touches_no_store() {
    // Run where no store is: the default store directory must not appear.
    let dir = tempfile::tempdir().unwrap();
    let (invalid, _) = invalid_example();
    let output = Command::new(env!("CARGO_BIN_EXE_kgql"))
        .current_dir(dir.path())
        .arg("validate")
        .arg(&invalid)
        .env_remove("KGQL_CONFIG")
        .env_remove("KGQL_STORE")
        .output()
        .expect("kgql runs");
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    assert!(
        text(&output.stdout).contains("Violation"),
        "{}",
        text(&output.stdout)
    );
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "validate left {left:?}");
}
