//! The layering ARCHITECTURE.md claims, checked on the source: which modules may name which
//! crates, and that no request text is formatted into SPARQL before it is parsed.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `src/`, with its path relative to the crate and its lines of code
/// (comments left out).
fn sources() -> Vec<(String, Vec<String>)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with(file!()) {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    walk(&root.join("src"), &mut files);
    files
        .into_iter()
        .map(|path| {
            let code = std::fs::read_to_string(&path)
                .unwrap()
                .lines()
                .filter(|line| !line.trim_start().starts_with("//"))
                .map(str::to_owned)
                .collect();
            let name = path.strip_prefix(root).unwrap().display().to_string();
            (name, code)
        })
        .collect()
}

/// The files outside `allowed` whose code names `needle`.
fn outside(needle: &str, allowed: &[&str]) -> Vec<String> {
    sources()
        .into_iter()
        .filter(|(name, _)| !allowed.iter().any(|a| name.starts_with(a)))
        .filter(|(_, code)| code.iter().any(|line| line.contains(needle)))
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn only_the_http_layer_knows_actix() {
    assert_eq!(outside("actix", &["src/http/"]), Vec::<String>::new());
}

#[test]
fn only_the_embedded_store_knows_oxigraphs_store_and_only_the_remote_store_speaks_http() {
    assert_eq!(
        outside("oxigraph::store", &["src/store/embedded/"]),
        Vec::<String>::new()
    );
    assert_eq!(
        outside("reqwest", &["src/store/remote/"]),
        Vec::<String>::new()
    );
}

#[test]
fn only_the_index_knows_tantivy_and_the_translator_does_no_io() {
    assert_eq!(outside("tantivy", &["src/search/"]), Vec::<String>::new());
    for (name, code) in sources() {
        let pure = name.starts_with("src/graphql/translate/")
            || name.starts_with("src/graphql/plan/")
            || name == "src/index_model.rs";
        if pure {
            for forbidden in ["crate::store", "crate::search", "tokio", "std::fs"] {
                assert!(
                    !code.iter().any(|line| line.contains(forbidden)),
                    "{name} names {forbidden}"
                );
            }
        }
    }
}

#[test]
fn no_text_is_formatted_into_sparql_before_it_is_parsed() {
    for (name, code) in sources() {
        for line in &code {
            for parse in ["parse_query(&format!", "parse_update(&format!"] {
                assert!(!line.contains(parse), "{name}: {line}");
            }
        }
    }
}
