//! Independent checks of `ontology/`: rapper parses every file, pyshacl finds the seed graph
//! conforming and the deliberate violation non-conforming on its expected focus nodes, rdflib
//! answers every competency question as expected (see `tests/check_ontology.py`).

use std::process::Command;

#[test]
fn independent_tools_accept_the_ontology() {
    let output = Command::new("python3")
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/check_ontology.py"
        ))
        .output()
        .expect("python3 runs (scripts/install-deps.sh installs rdflib and pyshacl)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "check_ontology.py failed:\n{stdout}\n{stderr}"
    );
    assert!(
        !stdout.contains("rapper not installed"),
        "rapper must check the files too (install raptor2-utils)"
    );
    assert!(stdout.contains("all checks passed"), "{stdout}");
}
