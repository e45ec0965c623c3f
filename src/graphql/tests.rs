//! Golden tests of the translator: each `tests/golden/graphql/NAME.graphql` request compiles to
//! the SPARQL in `NAME.rq` (one query per level, separated by `# ---`). Nested levels are shown
//! for two placeholder parents. `KGQL_BLESS=1 cargo test` rewrites the `.rq` files.

use super::explore::first_query;
use super::model::Model;
use super::plan::{
    self, variable_reader, ConnectionPlan, PlanLimits, Planner, RootPlan, Selection,
};
use super::translate::{level_query, Dialect, ListJob, ListSource};
use super::{vocabulary, SCHEMA_SDL};
use crate::index_model::Hit;
use crate::ontology::PREFIXES;
use async_graphql::parser::types::{DocumentOperations, Selection as Item};
use async_graphql::Variables;
use oxigraph::model::NamedNode;
use std::path::Path;

/// An on-disk store holding a generated graph of about `triples` triples and `extra` (TriG),
/// with its index of nodes built.
pub(crate) async fn generated_store(
    dir: &Path,
    triples: u64,
    extra: &'static str,
) -> std::sync::Arc<crate::store::embedded::EmbeddedStore> {
    use crate::generate::{generate, Options};
    use crate::store::embedded::EmbeddedStore;
    use crate::store::{Document, LoadMode, LoadRequest, LoadTarget, Store};

    let embedded = std::sync::Arc::new(EmbeddedStore::open(dir).unwrap());
    let mut data = Vec::new();
    generate(
        &mut data,
        &Options {
            triples,
            seed: 3,
            base_iri: "https://w3id.org/kgql/id/".to_owned(),
        },
    )
    .unwrap();
    embedded
        .load(LoadRequest {
            documents: vec![
                Document {
                    input: Box::new(std::io::Cursor::new(data)),
                    format: oxigraph::io::RdfFormat::NQuads,
                    base_iri: None,
                    name: "generated".to_owned(),
                },
                Document {
                    input: Box::new(extra.as_bytes()),
                    format: oxigraph::io::RdfFormat::TriG,
                    base_iri: None,
                    name: "extra".to_owned(),
                },
            ],
            target: LoadTarget::Dataset {
                default_graph: None,
            },
            mode: LoadMode::Append,
            progress: None,
            bulk: false,
        })
        .await
        .unwrap();
    embedded.rebuild_search_index(None).await.unwrap();
    embedded
}

fn model() -> Model {
    Model::parse(SCHEMA_SDL, PREFIXES, &vocabulary()).expect("schema.graphql maps to the ontology")
}

/// The SPARQL of every root field of `request`, planned by [`plan::root`] as the server plans
/// it: the level queries of lookups, lists and searches, and for walks the first query of the
/// walk and the level query that reads the nodes met (for two of them). With `indexed`, what the
/// index of nodes would answer is made up: searches take two hits (one with a hostile matched
/// text) and root lists the index can page take two nodes of 42.
fn compile(model: &Model, request: &str, dialect: Dialect, indexed: bool) -> String {
    let document = async_graphql::parser::parse_query(request).expect("valid GraphQL");
    let operation = match &document.operations {
        DocumentOperations::Single(operation) => operation,
        DocumentOperations::Multiple(operations) => operations.values().next().unwrap(),
    };
    let variables = Variables::default();
    let read = variable_reader(&operation.node.variable_definitions, &variables);
    let mut planner = Planner::new(model, &document.fragments, &read, PlanLimits::default());
    let class_of = |name: &str| model.types.get(name).and_then(|t| t.class.clone());
    let mut texts = Vec::new();
    for item in &operation.node.selection_set.node.items {
        let Item::Field(field) = &item.node else {
            continue;
        };
        let root = &model.roots[field.node.name.node.as_str()];
        let (source, connection, selection) = match plan::root(&mut planner, root, &field.node)
            .unwrap_or_else(|e| panic!("{}: {e}", root.name))
        {
            RootPlan::List {
                source,
                connection,
                selection,
            } => (source, connection, selection),
            RootPlan::Walk(walk) => {
                texts.push(first_query(&walk, dialect.lateral).to_string());
                let met = vec![walk.start.clone(), placeholder("urn:met:1")];
                (ListSource::Nodes(met, None), None, walk.selection)
            }
        };
        let source = if indexed {
            answered_by_index(source, connection.as_deref())
        } else {
            source
        };
        let mut level = vec![ListJob {
            source,
            connection: connection.as_deref(),
            node: &selection,
        }];
        while !level.is_empty() {
            texts.push(level_query(&level, &class_of, dialect).to_string());
            let mut next = Vec::new();
            for job in &level {
                collect_connections(job.node, model, &mut next);
            }
            level = next;
        }
    }
    texts.join("\n# ---\n")
}

fn placeholder(iri: &str) -> NamedNode {
    NamedNode::new_unchecked(iri)
}

/// `source` as it is when the index of nodes answers: two made-up hits for a search, two made-up
/// nodes of 42 for a root list the index can page.
fn answered_by_index(source: ListSource, connection: Option<&ConnectionPlan>) -> ListSource {
    let summit = || placeholder("https://w3id.org/kgql/id/event/aifg-summit-2025");
    match source {
        ListSource::Search {
            text,
            classes,
            limit,
            ..
        } => ListSource::Search {
            text,
            classes,
            limit,
            hits: Some(vec![
                Hit {
                    node: summit(),
                    score: 2.0,
                    matched: "Summit 2025".to_owned(),
                },
                Hit {
                    node: placeholder("https://w3id.org/kgql/id/x"),
                    score: 1.0,
                    matched: "a \"} ; DROP ALL #\n summit".to_owned(),
                },
            ]),
        },
        ListSource::Class(Some(class))
            if connection
                .and_then(|c| crate::graphql::indexed::page_request(&class, c))
                .is_some() =>
        {
            ListSource::Indexed {
                nodes: vec![summit(), placeholder("https://w3id.org/kgql/id/x")],
                total: 42,
            }
        }
        other => other,
    }
}

/// The nested connections under `selection`, as jobs for two placeholder parents.
fn collect_connections<'p>(selection: &'p Selection, model: &Model, out: &mut Vec<ListJob<'p>>) {
    use super::plan::Child;
    for field in &selection.fields {
        match &field.child {
            Child::Leaf => {}
            Child::Nodes(child) => collect_connections(child, model, out),
            Child::Connection(connection) => out.push(ListJob {
                source: ListSource::Nested {
                    parents: vec![
                        NamedNode::new_unchecked("urn:parent:1"),
                        NamedNode::new_unchecked("urn:parent:2"),
                    ],
                    field: field.mapping.clone(),
                    class: model
                        .types
                        .get(&connection.node.declared)
                        .and_then(|t| t.class.clone()),
                },
                connection: Some(connection),
                node: &connection.node,
            }),
        }
    }
}

/// SPARQL as spargebra writes it (one line), laid out a clause per line for review: a line
/// break after `{` and ` . `, before `}`, and before the keywords that open a clause, indented by
/// nesting. Strings and IRIs are copied as they are.
pub(super) fn pretty(sparql: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    let chars: Vec<char> = sparql.chars().collect();
    let mut i = 0;
    let newline = |out: &mut String, depth: usize| {
        while out.ends_with(' ') {
            out.pop();
        }
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '"' => {
                // A string, escapes included.
                out.push(c);
                i += 1;
                while i < chars.len() {
                    out.push(chars[i]);
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        out.push(chars[i + 1]);
                        i += 2;
                        continue;
                    }
                    if chars[i] == '"' {
                        break;
                    }
                    i += 1;
                }
            }
            '<' if chars
                .get(i + 1)
                .is_some_and(|n| !n.is_whitespace() && *n != '=') =>
            {
                // An IRI.
                while i < chars.len() {
                    out.push(chars[i]);
                    if chars[i] == '>' {
                        break;
                    }
                    i += 1;
                }
            }
            '{' => {
                out.push('{');
                depth += 1;
                newline(&mut out, depth);
                while chars.get(i + 1) == Some(&' ') {
                    i += 1;
                }
            }
            '}' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push('}');
            }
            '.' if out.ends_with(' ') && chars.get(i + 1) == Some(&' ') => {
                out.push('.');
                newline(&mut out, depth);
                i += 1;
            }
            _ => {
                let rest: String = chars[i..chars.len().min(i + 9)].iter().collect();
                let opens = [
                    "FILTER", "OPTIONAL", "UNION", "BIND", "VALUES", "LATERAL", "MINUS",
                ]
                .iter()
                .any(|k| rest.starts_with(k) && out.ends_with(' '));
                if opens && !out.trim_end().ends_with('{') {
                    newline(&mut out, depth);
                }
                out.push(c);
            }
        }
        i += 1;
    }
    out.lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn pretty_sparql_keeps_the_query() {
    let text = "SELECT ?s WHERE { ?s <http://x.org/p> \"a { b } . c\" . FILTER(?s < ?o) OPTIONAL { ?s <http://x.org/q> ?o } }";
    let laid_out = pretty(text);
    assert!(laid_out.lines().count() > 3, "{laid_out}");
    assert!(laid_out.contains("\"a { b } . c\""), "{laid_out}");
    let query = spargebra::SparqlParser::new()
        .parse_query(&laid_out)
        .unwrap();
    let original = spargebra::SparqlParser::new().parse_query(text).unwrap();
    assert_eq!(query, original);
}

#[test]
fn requests_compile_to_their_golden_sparql() {
    let model = model();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/graphql");
    let bless = std::env::var_os("KGQL_BLESS").is_some();
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
    entries.sort_by_key(std::fs::DirEntry::path);
    for entry in entries {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "graphql") {
            continue;
        }
        let request = std::fs::read_to_string(&path).unwrap();
        // `NAME.no-lateral.graphql` compiles for engines without LATERAL.
        let lateral = !path.to_string_lossy().ends_with(".no-lateral.graphql");
        // `NAME.indexed.graphql`: searches and root pages answered by the index of nodes.
        let indexed = path.to_string_lossy().ends_with(".indexed.graphql");
        let compiled = compile(&model, &request, Dialect { lateral }, indexed)
            .split("\n# ---\n")
            .map(pretty)
            .collect::<Vec<_>>()
            .join("\n# ---\n");
        // Every compiled query parses back as SPARQL.
        for text in compiled.split("\n# ---\n") {
            spargebra::SparqlParser::new()
                .parse_query(text)
                .unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()));
        }
        let golden = path.with_extension("rq");
        if bless {
            std::fs::write(&golden, format!("{compiled}\n")).unwrap();
        } else {
            let expected = std::fs::read_to_string(&golden).unwrap_or_else(|_| {
                panic!("{} is missing (KGQL_BLESS=1 writes it)", golden.display())
            });
            assert_eq!(
                compiled.trim_end(),
                expected.trim_end(),
                "{}",
                path.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 8, "golden requests found: {checked}");
}

#[test]
fn hostile_strings_and_iris_stay_terms() {
    let model = model();
    let hostile = r#"{ organizations(filter: { label: { contains: "\"} } ; DROP ALL # \n ünï" },
        iri: { in: ["https://example.org/a%20b"] } }) { nodes { iri } } }"#;
    let compiled = compile(&model, hostile, Dialect::default(), false);
    spargebra::SparqlParser::new()
        .parse_query(&compiled)
        .unwrap();
    // The text is one literal of the query, escaped; nothing else changed.
    assert!(
        compiled.contains(r#""\"} } ; DROP ALL # \n ünï""#),
        "{compiled}"
    );
    assert_eq!(compiled.matches("DROP ALL").count(), 1, "{compiled}");
    assert!(
        compiled.contains("<https://example.org/a%20b>"),
        "{compiled}"
    );
    // An IRI with a space or a `>` is refused before any query exists.
    let document = async_graphql::parser::parse_query(
        r#"{ organizations(filter: { iri: { eq: "https://x.org/a> } DROP ALL" } }) { totalCount } }"#,
    )
    .unwrap();
    let DocumentOperations::Single(operation) = &document.operations else {
        unreachable!()
    };
    let variables = Variables::default();
    let read = variable_reader(&operation.node.variable_definitions, &variables);
    let mut planner = Planner::new(&model, &document.fragments, &read, PlanLimits::default());
    let Item::Field(field) = &operation.node.selection_set.node.items[0].node else {
        unreachable!()
    };
    let arguments = planner.arguments(&field.node).unwrap();
    let error = planner
        .connection("Organization", &arguments, &field.node)
        .unwrap_err();
    assert!(error.0.contains("not a valid IRI"), "{error}");
}

#[test]
fn a_mapping_outside_the_ontology_is_refused() {
    let broken = SCHEMA_SDL.replacen("schema:startDate", "schema:startDat", 1);
    let error = Model::parse(&broken, PREFIXES, &vocabulary()).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("<http://schema.org/startDat> is not declared in the ontology"),
        "{error}"
    );
    let broken = SCHEMA_SDL.replacen(
        "@class(iri: \"org:Organization\")",
        "@class(iri: \"org:Organisation\")",
        1,
    );
    assert!(Model::parse(&broken, PREFIXES, &vocabulary()).is_err());
}

#[test]
fn types_resolve_to_the_most_specific_class() {
    let model = model();
    let statement = [
        "http://schema.org/CreativeWork",
        "https://w3id.org/kgql/ontology#Statement",
    ];
    assert_eq!(
        model.concrete_type("Entity", statement.iter().copied()),
        "Statement"
    );
    let initiative = [
        "http://www.w3.org/ns/org#Organization",
        "https://w3id.org/kgql/ontology#Initiative",
    ];
    assert_eq!(
        model.concrete_type("Entity", initiative.iter().copied()),
        "Initiative"
    );
    assert_eq!(
        model.concrete_type("Entity", ["urn:x"].iter().copied()),
        "Thing"
    );
    assert_eq!(
        model.concrete_type("Organization", initiative.iter().copied()),
        "Organization"
    );
}

#[test]
fn schema_paths_keep_their_direction() {
    use spargebra::algebra::PropertyPathExpression as Path;
    let organizer = || Path::NamedNode(NamedNode::new_unchecked("http://schema.org/organizer"));
    let parse = |text| super::model::parse_path(text, PREFIXES).unwrap();
    assert_eq!(parse("schema:organizer"), organizer());
    assert_eq!(
        parse("^schema:organizer"),
        Path::Reverse(Box::new(organizer()))
    );
    assert!(matches!(
        parse("schema:author|^dcterms:creator"),
        Path::Alternative(..)
    ));
    assert!(super::model::parse_path("schema:organizer ?x", PREFIXES).is_err());
}
