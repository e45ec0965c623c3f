//! The competency questions of `tests/competency/`, asked over HTTP: every `.rq` is sent to
//! `/sparql` and its answer compared, as an unordered multiset of rows, with the `.tsv` next to
//! it (a single `true` or `false` for ASK). The same questions are asked through GraphQL: every
//! `.graphql` is sent to `/graphql`, and every value of the `.tsv` must be among the leaf values
//! of the answer.

use crate::helpers::{backend, spawn_app, Backend, TestApp};
use oxigraph::model::Term;
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, ReaderQueryResultsParserOutput,
};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// What a question answers: a boolean, or rows as sorted `variable=term` lists.
#[derive(Debug, PartialEq)]
enum Answer {
    Boolean(bool),
    Rows(Vec<Vec<String>>),
}

fn parse_tsv(tsv: &[u8]) -> Answer {
    let text = String::from_utf8_lossy(tsv);
    match text.trim() {
        "true" => return Answer::Boolean(true),
        "false" => return Answer::Boolean(false),
        _ => {}
    }
    match QueryResultsParser::from_format(QueryResultsFormat::Tsv)
        .for_reader(tsv)
        .expect("valid TSV results")
    {
        ReaderQueryResultsParserOutput::Boolean(value) => Answer::Boolean(value),
        ReaderQueryResultsParserOutput::Solutions(solutions) => {
            let mut rows: Vec<Vec<String>> = solutions
                .map(|solution| {
                    let solution = solution.expect("valid TSV row");
                    let row: BTreeMap<String, String> = solution
                        .iter()
                        .map(|(variable, term)| (variable.as_str().to_owned(), term.to_string()))
                        .collect();
                    row.into_iter().map(|(v, t)| format!("{v}={t}")).collect()
                })
                .collect();
            rows.sort();
            Answer::Rows(rows)
        }
    }
}

/// Questions whose stored data the engine changes, and how: they are asked, and must fail
/// (a question that starts passing is reported, so the list stays true).
fn engine_limitation(question: &Path) -> Option<&'static str> {
    let name = question.file_stem()?.to_str()?;
    match (backend(), name) {
        (Backend::Virtuoso, "22-wuzhen-summit") => {
            Some("Virtuoso stores \"P1Y\"^^xsd:duration as \"12\" (months)")
        }
        _ => None,
    }
}

/// `failures` without those of engine limitations (printed instead), plus a failure for every
/// listed question that passed.
fn without_limitations(failures: Vec<(PathBuf, String)>, asked: &[PathBuf]) -> Vec<String> {
    let mut kept = Vec::new();
    for question in asked {
        if let Some(reason) = engine_limitation(question) {
            if failures.iter().all(|(q, _)| q != question) {
                kept.push(format!(
                    "{}: passes: no longer an engine limitation ({reason})",
                    question.display()
                ));
            } else {
                println!("{}: engine limitation: {reason}", question.display());
            }
        }
    }
    kept.extend(
        failures
            .into_iter()
            .filter(|(q, _)| engine_limitation(q).is_none())
            .map(|(_, f)| f),
    );
    kept
}

#[test]
fn every_competency_question_gets_its_expected_answer() {
    let questions = competency_files("rq");
    assert!(questions.len() >= 30, "{} questions", questions.len());
    let app = spawn_app();
    let mut failures = Vec::new();
    for question in &questions {
        let query = std::fs::read_to_string(question).unwrap();
        let expected = parse_tsv(&std::fs::read(question.with_extension("tsv")).unwrap());
        let response = app
            .post("/sparql")
            .header("content-type", "application/sparql-query")
            .header("accept", "text/tab-separated-values")
            .body(query)
            .send()
            .unwrap();
        let status = response.status();
        let body = response.bytes().unwrap();
        if status != 200 {
            failures.push((
                question.clone(),
                format!(
                    "{}: HTTP {status}: {}",
                    question.display(),
                    String::from_utf8_lossy(&body)
                ),
            ));
            continue;
        }
        let actual = parse_tsv(&body);
        if actual != expected {
            failures.push((
                question.clone(),
                format!(
                    "{}:\n  expected {expected:?}\n  got      {actual:?}",
                    question.display()
                ),
            ));
        }
    }
    let failures = without_limitations(failures, &questions);
    println!(
        "competency questions: {} passed, {} failed",
        questions.len() - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The questions the API cannot answer, with the reason (none at present).
const NOT_ANSWERED_THROUGH_GRAPHQL: &[(&str, &str)] = &[];

/// The files of `tests/competency/` with this extension, sorted.
fn competency_files(extension: &str) -> Vec<PathBuf> {
    let directory = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/competency");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&directory)
        .expect("tests/competency exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    files
}

/// The values of a `.tsv` answer, by variable: IRIs without angle brackets, literals by their
/// lexical form. `None` for a boolean (ASK) answer.
fn expected_values(tsv: &[u8]) -> Option<Vec<(String, String)>> {
    if matches!(String::from_utf8_lossy(tsv).trim(), "true" | "false") {
        return None;
    }
    match QueryResultsParser::from_format(QueryResultsFormat::Tsv)
        .for_reader(tsv)
        .expect("valid TSV results")
    {
        ReaderQueryResultsParserOutput::Boolean(_) => None,
        ReaderQueryResultsParserOutput::Solutions(solutions) => {
            let mut values = Vec::new();
            for solution in solutions {
                let solution = solution.expect("valid TSV row");
                for (variable, term) in solution.iter() {
                    let value = match term {
                        Term::Literal(l) => l.value().to_owned(),
                        Term::NamedNode(n) => n.as_str().to_owned(),
                        other => other.to_string(),
                    };
                    values.push((variable.as_str().to_owned(), value));
                }
            }
            Some(values)
        }
    }
}

/// Every leaf value of a JSON document as text (numbers and booleans in their JSON form).
fn leaf_values(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Null => {}
        Value::Bool(b) => {
            out.insert(b.to_string());
        }
        Value::Number(n) => {
            out.insert(n.to_string());
        }
        Value::String(s) => {
            out.insert(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|item| leaf_values(item, out)),
        Value::Object(fields) => fields.values().for_each(|field| leaf_values(field, out)),
    }
}

/// The checks a `.graphql` file states in its comments:
/// - `# expect: <JSON pointer into data> = <JSON value>`: the answer has that value there;
/// - `# computed: ?variable`: the column is made by the SPARQL query (`BIND`, an aggregate),
///   not read from the graph, so its values are not looked for in the answer (the shape of the
///   answer carries them, which `expect` lines check).
#[derive(Debug, Default)]
struct Directives {
    expect: Vec<(String, Value)>,
    computed: Vec<String>,
}

fn directives(file: &Path, text: &str) -> Directives {
    let mut found = Directives::default();
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("# expect:") {
            let (pointer, value) = rest
                .split_once(" = ")
                .unwrap_or_else(|| panic!("{}: `# expect: <pointer> = <JSON>`", file.display()));
            let value: Value = serde_json::from_str(value.trim())
                .unwrap_or_else(|e| panic!("{}: {line}: {e}", file.display()));
            found.expect.push((pointer.trim().to_owned(), value));
        } else if let Some(rest) = line.strip_prefix("# computed:") {
            let variable = rest.trim().trim_start_matches('?');
            assert!(
                !variable.is_empty() && !variable.contains(char::is_whitespace),
                "{}: `# computed: ?variable`",
                file.display()
            );
            found.computed.push(variable.to_owned());
        }
    }
    found
}

/// Posts a GraphQL query and returns the status and JSON body.
fn post_graphql(app: &TestApp, query: &str) -> (u16, Value) {
    let response = app
        .post("/graphql")
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": query }))
        .send()
        .expect("request");
    let status = response.status().as_u16();
    (status, response.json().unwrap_or(Value::Null))
}

#[test]
fn every_competency_question_is_answered_through_graphql() {
    let questions = competency_files("rq");
    let answers = competency_files("graphql");
    // Every question has a GraphQL version, or a reason why the API cannot answer it.
    for question in &questions {
        let name = question.file_stem().unwrap().to_str().unwrap();
        let skipped = NOT_ANSWERED_THROUGH_GRAPHQL.iter().any(|(n, _)| *n == name);
        assert_ne!(
            question.with_extension("graphql").exists(),
            skipped,
            "{name}: a question has a .graphql file or is listed as not answered, not both"
        );
    }
    assert!(answers.len() >= 40, "{} GraphQL answers", answers.len());
    let app = spawn_app();
    let mut failures = Vec::new();
    let mut failed = BTreeSet::new();
    for file in &answers {
        let name = file.display();
        let query = std::fs::read_to_string(file).unwrap();
        let sparql = std::fs::read_to_string(file.with_extension("rq"))
            .unwrap_or_else(|_| panic!("{name}: no .rq next to it"));
        assert_eq!(
            query.lines().next(),
            sparql.lines().next(),
            "{name}: the first line is the question of the .rq"
        );
        let checks = directives(file, &query);
        for variable in &checks.computed {
            assert!(
                sparql.contains(&format!("AS ?{variable})")),
                "{name}: ?{variable} is not computed by the SPARQL query"
            );
        }
        let expected = expected_values(&std::fs::read(file.with_extension("tsv")).unwrap());
        if expected.is_none() {
            assert!(
                !checks.expect.is_empty(),
                "{name}: a yes/no question needs `# expect:` lines"
            );
        }
        let (status, body) = post_graphql(&app, &query);
        if status != 200 || body.get("errors").is_some() || !body["data"].is_object() {
            failures.push((file.clone(), format!("{name}: HTTP {status}: {body}")));
            failed.insert(file.clone());
            continue;
        }
        let data = &body["data"];
        let mut leaves = BTreeSet::new();
        leaf_values(data, &mut leaves);
        let missing: BTreeSet<String> = expected
            .unwrap_or_default()
            .into_iter()
            .filter(|(variable, value)| {
                !checks.computed.contains(variable) && !leaves.contains(value)
            })
            .map(|(variable, value)| format!("?{variable} = {value:?}"))
            .collect();
        if !missing.is_empty() {
            failures.push((
                file.clone(),
                format!(
                    "{name}: not in the answer: {}\n  answer: {data}",
                    missing.into_iter().collect::<Vec<_>>().join(", ")
                ),
            ));
            failed.insert(file.clone());
        }
        for (pointer, value) in &checks.expect {
            let actual = data.pointer(pointer);
            if actual != Some(value) {
                failures.push((
                    file.clone(),
                    format!(
                        "{name}: at {pointer} expected {value}, got {}",
                        actual.map_or("nothing".to_owned(), Value::to_string)
                    ),
                ));
                failed.insert(file.clone());
            }
        }
    }
    println!(
        "competency questions through GraphQL: {} answered, {} failed, {} not answerable",
        answers.len() - failed.len(),
        failed.len(),
        NOT_ANSWERED_THROUGH_GRAPHQL.len()
    );
    let failures = without_limitations(failures, &answers);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
