//! A real browser (Debian's Chromium, driven by playwright-core) through the pages a person
//! uses: search from the home page to ITU's page, its picture of relationships (expanded,
//! filtered, followed), how the WIC is connected to ITU, suggestions, the SPARQL editor, GraphiQL's docs, a page not
//! found; no request leaves the server, the console shows no error, and axe-core finds nothing
//! serious or critical. `KGQL_SCREENSHOTS=DIR` also saves the README's screenshots there.

use crate::helpers::spawn_app;
use std::path::Path;
use std::process::Command;

#[test]
fn a_person_finds_their_way_in_a_browser() {
    let app = spawn_app();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut command = Command::new("node");
    command
        .arg(root.join("tests/browser/pages.mjs"))
        .arg(&app.url);
    if let Ok(dir) = std::env::var("KGQL_SCREENSHOTS") {
        command.arg(dir);
    }
    let output = command
        .output()
        .expect("node runs (scripts/install-deps.sh installs Chromium and the test's packages)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    for check in [
        "ITU's page opens from the results",
        "ITU's relationships are drawn",
        "expanding a node draws its neighbours",
        "a relation can be hidden",
        "a node of the picture leads to its page",
        "a path ends at ITU",
        "the search box suggests entities",
        "the query is in colour",
        "an example query shows its answer as a table",
        "GraphiQL's docs list the schema",
        "no request left the server",
        "the console shows no error",
        "axe finds nothing serious on /id/org/itu",
    ] {
        assert!(stdout.contains(&format!("ok: {check}")), "{stdout}");
    }
}
