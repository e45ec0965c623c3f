//! The competency questions of `tests/competency/`, asked over HTTP: every `.rq` is sent to
//! `/sparql` and its answer compared, as an unordered multiset of rows, with the `.tsv` next to
//! it (a single `true` or `false` for ASK).

use crate::helpers::spawn_app;
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, ReaderQueryResultsParserOutput,
};
use std::collections::BTreeMap;
use std::path::PathBuf;

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

#[test]
fn every_competency_question_gets_its_expected_answer() {
    let directory = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/competency");
    let mut questions: Vec<PathBuf> = std::fs::read_dir(&directory)
        .expect("tests/competency exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "rq"))
        .collect();
    questions.sort();
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
            failures.push(format!(
                "{}: HTTP {status}: {}",
                question.display(),
                String::from_utf8_lossy(&body)
            ));
            continue;
        }
        let actual = parse_tsv(&body);
        if actual != expected {
            failures.push(format!(
                "{}:\n  expected {expected:?}\n  got      {actual:?}",
                question.display()
            ));
        }
    }
    println!(
        "competency questions: {} passed, {} failed",
        questions.len() - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
