//! Fuzzing every input surface over real HTTP, with proptest's generators and fixed seeds.
//!
//! The property, for every generated request: no 5xx but a 503 the server chose, no partial
//! write, and the server still answers afterwards (a panic or an abort in the server fails the
//! test, which runs the server in its own process). `KGQL_FUZZ_CASES` sets the cases per surface
//! (48 by default, so that `make test` stays quick); before a release run thousands, and
//! `KGQL_FUZZ_SEED` to explore other inputs:
//!
//! ```sh
//! KGQL_FUZZ_CASES=5000 KGQL_FUZZ_SEED=$RANDOM cargo test --test api fuzz -- --test-threads 1
//! ```

use crate::helpers::{spawn_app, TestApp, TOKEN};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

fn runner(salt: u64) -> TestRunner {
    let cases = std::env::var("KGQL_FUZZ_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(48);
    let seed = std::env::var("KGQL_FUZZ_SEED")
        .ok()
        .and_then(|c| c.parse::<u64>().ok())
        .unwrap_or(20_261_207);
    TestRunner::new(Config {
        cases,
        rng_seed: RngSeed::Fixed(seed ^ salt),
        failure_persistence: None,
        max_shrink_iters: 200,
        ..Config::default()
    })
}

/// Fails the case on a 5xx the server did not choose.
fn acceptable(status: u16, what: &str) -> Result<(), TestCaseError> {
    if status >= 500 && status != 503 {
        return Err(TestCaseError::fail(format!("{status} for {what}")));
    }
    Ok(())
}

fn still_answers(app: &TestApp) {
    assert_eq!(app.get("/healthz").send().unwrap().status(), 200);
    app.select("ASK {}");
}

/// Text made of the pieces given (and some arbitrary text), joined by spaces or nothing.
fn soup(pieces: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            8 => prop::sample::select(pieces).prop_map(str::to_owned),
            1 => any::<String>().prop_map(|s| s.chars().take(12).collect()),
        ],
        0..max,
    )
    .prop_flat_map(|parts| {
        (Just(parts), any::<bool>())
            .prop_map(|(parts, spaced)| parts.join(if spaced { " " } else { "" }))
    })
}

const GRAPHQL_PIECES: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    ":",
    "!",
    "$",
    "...",
    "@",
    "=",
    "query",
    "mutation",
    "fragment",
    "on",
    "Query",
    "Organization",
    "Entity",
    "F",
    "G",
    "$v",
    "$first",
    "organizations",
    "organization",
    "entities",
    "entity",
    "events",
    "search",
    "neighbourhood",
    "paths",
    "node",
    "nodes",
    "edges",
    "node",
    "cursor",
    "pageInfo",
    "totalCount",
    "label",
    "iri",
    "id",
    "facts",
    "sources",
    "subOrganizations",
    "organisedEvents",
    "__typename",
    "__schema",
    "__type",
    "types",
    "fields",
    "ofType",
    "name",
    "first:",
    "last:",
    "after:",
    "before:",
    "filter:",
    "orderBy:",
    "iri:",
    "text:",
    "depth:",
    "maxLength:",
    "from:",
    "to:",
    "property:",
    "lang:",
    "1",
    "0",
    "-1",
    "1000",
    "99999999999999999999",
    "1.5",
    "1e400",
    "true",
    "null",
    "\"x\"",
    "\"https://w3id.org/kgql/id/org/itu\"",
    "\"cffffffffffffffff\"",
    "\"c1\"",
    "\"\\u0000\"",
    "\"\"\"block\"\"\"",
    "AND:",
    "OR:",
    "NOT:",
    "eq:",
    "in:",
    "gte:",
    "startsWith:",
    "exists:",
    "some:",
    "field:",
    "direction:",
    "DESC",
    "ASC",
    "@skip(if: true)",
    "@include(if: $v)",
    "# comment\n",
    ",",
];

/// A GraphQL document: mostly shaped like one, sometimes a soup of its tokens.
fn graphql_document() -> impl Strategy<Value = String> {
    let value = soup(
        &[
            "1", "-5", "1000000", "\"x\"", "[", "]", "{", "}", "AND:", "NOT:", "label:", "eq:",
            "\"itu\"", "null", "true", "$v", ",",
        ],
        12,
    );
    let field = (
        prop::sample::select(
            &[
                "organizations",
                "organization",
                "entities",
                "events",
                "search",
                "neighbourhood",
                "paths",
                "label",
                "iri",
                "nodes",
                "edges",
                "node",
                "totalCount",
                "__typename",
                "subOrganizations",
                "facts",
                "sources",
                "types",
                "fields",
                "name",
            ][..],
        ),
        prop::collection::vec(
            (
                prop::sample::select(
                    &[
                        "first",
                        "last",
                        "after",
                        "before",
                        "filter",
                        "orderBy",
                        "iri",
                        "text",
                        "depth",
                        "maxLength",
                        "from",
                        "to",
                        "property",
                        "lang",
                        "types",
                    ][..],
                ),
                value,
            ),
            0..3,
        ),
    )
        .prop_map(|(name, arguments)| {
            if arguments.is_empty() {
                name.to_owned()
            } else {
                let arguments: Vec<String> = arguments
                    .into_iter()
                    .map(|(n, v)| format!("{n}: {v}"))
                    .collect();
                format!("{name}({})", arguments.join(", "))
            }
        });
    let selection = field.prop_recursive(6, 64, 6, |inner| {
        (
            prop::sample::select(
                &[
                    "organizations",
                    "nodes",
                    "edges",
                    "node",
                    "organization",
                    "entities",
                    "... on Organization",
                    "...F",
                    "__schema",
                    "types",
                    "ofType",
                ][..],
            ),
            prop::collection::vec(inner, 1..6),
        )
            .prop_map(|(name, items)| format!("{name} {{ {} }}", items.join(" ")))
    });
    prop_oneof![
        4 => (
            prop::collection::vec(selection.clone(), 1..5),
            prop::collection::vec(selection, 0..3),
            any::<bool>(),
        )
            .prop_map(|(operation, fragment, named)| {
                let head = if named { "query Q($v: Boolean, $first: Int) " } else { "" };
                let mut document = format!("{head}{{ {} }}", operation.join(" "));
                if !fragment.is_empty() {
                    document.push_str(&format!(
                        " fragment F on Organization {{ {} }}",
                        fragment.join(" ")
                    ));
                }
                document
            }),
        1 => soup(GRAPHQL_PIECES, 80),
    ]
}

/// A JSON value: the variables of a request.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::json!(f)),
        any::<String>().prop_map(serde_json::Value::from),
        prop::sample::select(&["itu", "c1", "https://w3id.org/kgql/id/org/itu", "DESC"][..])
            .prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(8, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::from),
            prop::collection::btree_map(
                prop::sample::select(
                    &["v", "first", "f", "AND", "NOT", "label", "eq", "in", "x"][..]
                )
                .prop_map(str::to_owned),
                inner,
                0..5,
            )
            .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn graphql_documents_and_variables() {
    let app = spawn_app();
    let strategy = (
        graphql_document(),
        prop::option::of(json_value()),
        prop::option::of(prop::sample::select(&["Q", "", "nope"][..])),
        any::<bool>(),
    );
    runner(1)
        .run(&strategy, |(query, variables, operation, by_get)| {
            let mut body = serde_json::json!({ "query": query });
            if let Some(variables) = &variables {
                body["variables"] = variables.clone();
            }
            if let Some(operation) = operation {
                body["operationName"] = operation.into();
            }
            let response = if by_get {
                let mut url = format!(
                    "/graphql?query={}",
                    form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
                );
                if let Some(variables) = &variables {
                    url.push_str("&variables=");
                    url.extend(form_urlencoded::byte_serialize(
                        variables.to_string().as_bytes(),
                    ));
                }
                app.get(&url).send()
            } else {
                app.post("/graphql").json(&body).send()
            };
            let response = response.map_err(|e| TestCaseError::fail(e.to_string()))?;
            acceptable(response.status().as_u16(), &body.to_string())
        })
        .unwrap();
    still_answers(&app);
}

const SPARQL_PIECES: &[&str] = &[
    "SELECT",
    "*",
    "WHERE",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "?s",
    "?p",
    "?o",
    "?x",
    "$y",
    "<http://example.com/a>",
    "<urn:x>",
    "\"x\"",
    "'y'",
    "\"\"\"z\"\"\"",
    "1",
    "2.5",
    "-3e9",
    "UNION",
    "OPTIONAL",
    "FILTER",
    "BIND",
    "AS",
    "VALUES",
    "GRAPH",
    "?g",
    "MINUS",
    "SERVICE",
    "LATERAL",
    "a",
    ".",
    ";",
    ",",
    "/",
    "|",
    "^",
    "+",
    "*",
    "?",
    "!",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    "&&",
    "||",
    "COUNT(*)",
    "GROUP BY",
    "ORDER BY",
    "DESC(?x)",
    "LIMIT 5",
    "OFFSET 2",
    "DISTINCT",
    "EXISTS",
    "NOT",
    "IN",
    "STR(",
    "CONCAT(",
    "REGEX(",
    "LANG(",
    "@en",
    "^^",
    "PREFIX ex:",
    "ex:a",
    "ASK",
    "CONSTRUCT",
    "DESCRIBE",
    "FROM",
    "#c\n",
    "_:b",
    "[]",
    "()",
    "true",
    "UNDEF",
    "<<",
    ">>",
    "STRUUID()",
    "SUBSTR(",
    "REPLACE(",
];

const PARAMETER_NAMES: &[&str] = &[
    "query",
    "default-graph-uri",
    "named-graph-uri",
    "using-graph-uri",
    "format",
    "output",
    "results",
    "timeout",
    "update",
];

/// A SPARQL query: a pattern soup inside a query's frame, or a soup alone.
fn sparql_query() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => soup(SPARQL_PIECES, 40).prop_map(|p| format!("SELECT * WHERE {{ {p} }}")),
        1 => soup(SPARQL_PIECES, 60),
        1 => (soup(SPARQL_PIECES, 20), soup(SPARQL_PIECES, 20))
            .prop_map(|(a, b)| format!("SELECT ?s (COUNT(*) AS ?n) WHERE {{ {{ {a} }} UNION {{ {b} }} }} GROUP BY ?s")),
    ]
}

#[test]
fn sparql_queries_and_protocol_parameters() {
    let app = spawn_app();
    let parameter_value = prop_oneof![
        soup(SPARQL_PIECES, 8),
        prop::sample::select(
            &[
                "json",
                "xml",
                "csv",
                "tsv",
                "n3",
                "rdf+xml",
                "text/turtle",
                "urn:g",
                "not an iri",
                "%ff",
                ""
            ][..]
        )
        .prop_map(str::to_owned),
    ];
    let strategy = (
        sparql_query(),
        prop::collection::vec(
            (prop::sample::select(PARAMETER_NAMES), parameter_value),
            0..4,
        ),
        prop::sample::select(
            &[
                "GET",
                "application/sparql-query",
                "application/sparql-query; charset=utf-8",
                "application/x-www-form-urlencoded",
                "application/sparql-update",
                "text/plain",
                "application/sparql-query; x=\"y;z\"",
            ][..],
        ),
        prop::sample::select(
            &[
                "application/sparql-results+json",
                "*/*",
                "text/turtle;q=0.5, application/json;q=abc",
                "text/csv, text/tab-separated-values",
                "application/n-triples",
                "nothing/acceptable",
            ][..],
        ),
    );
    runner(2)
        .run(&strategy, |(query, parameters, method, accept)| {
            let encode =
                |s: &str| -> String { form_urlencoded::byte_serialize(s.as_bytes()).collect() };
            let extra: String = parameters
                .iter()
                .map(|(n, v)| format!("&{n}={}", encode(v)))
                .collect();
            let response = if method == "GET" {
                app.get(&format!("/sparql?query={}{extra}", encode(&query)))
                    .header("accept", accept)
                    .send()
            } else if method == "application/x-www-form-urlencoded" {
                app.post("/sparql")
                    .header("content-type", method)
                    .header("accept", accept)
                    .body(format!("query={}{extra}", encode(&query)))
                    .send()
            } else {
                app.post(&format!("/sparql?x=1{extra}"))
                    .header("content-type", method)
                    .header("accept", accept)
                    .bearer_auth("not-the-token")
                    .body(query.clone())
                    .send()
            };
            let response = response.map_err(|e| TestCaseError::fail(e.to_string()))?;
            acceptable(
                response.status().as_u16(),
                &format!("{method} {query} {parameters:?}"),
            )
        })
        .unwrap();
    still_answers(&app);
}

/// Valid documents of every format the store reads, to be broken.
const DOCUMENTS: &[(&str, &str)] = &[
    ("text/turtle", "@prefix ex: <http://example.com/> .\nex:a ex:p \"x\"@en , 2 ; ex:q [ ex:r ex:b ] .\n"),
    ("application/n-triples", "<http://example.com/a> <http://example.com/p> \"x\" .\n<http://example.com/a> <http://example.com/q> _:b .\n"),
    ("application/n-quads", "<http://example.com/a> <http://example.com/p> \"x\" <http://example.com/g> .\n"),
    ("application/trig", "@prefix ex: <http://example.com/> .\nex:g { ex:a ex:p ex:b . }\n"),
    ("application/ld+json", "{\"@id\": \"http://example.com/a\", \"http://example.com/p\": [{\"@value\": \"x\"}]}"),
    ("application/rdf+xml", "<?xml version=\"1.0\"?><!DOCTYPE rdf:RDF [<!ENTITY ex \"http://example.com/\">]><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"&ex;a\"><rdf:value>x</rdf:value></rdf:Description></rdf:RDF>"),
    ("text/n3", "@prefix ex: <http://example.com/> .\nex:a ex:p ex:b .\n"),
];

const BREAKERS: &[&str] = &[
    "<",
    ">",
    "\"",
    "'",
    "@prefix",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ".",
    ";",
    ",",
    "\\",
    "\u{0}",
    "<!ENTITY x \"&x;\">",
    "&ex;",
    "_:",
    "^^",
    "@",
    "\n",
    "\u{FFFD}",
    "<http://a b>",
    "1e999",
];

#[test]
fn rdf_uploads_in_every_format_store_all_or_nothing() {
    let app = spawn_app();
    let graph = "urn:example:fuzz";
    let count = || {
        app.count(&format!(
            "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        ))
    };
    let strategy = (
        prop::sample::select(DOCUMENTS),
        prop::collection::vec(
            (
                any::<prop::sample::Index>(),
                prop::sample::select(BREAKERS),
                0u8..3,
            ),
            0..4,
        ),
        any::<bool>(),
    );
    runner(3)
        .run(&strategy, |((media_type, document), edits, put)| {
            let mut bytes = document.as_bytes().to_vec();
            for (at, piece, kind) in edits {
                let at = at.index(bytes.len() + 1);
                match kind {
                    0 => bytes.splice(at..at, piece.bytes()).for_each(drop),
                    1 => bytes.truncate(at),
                    _ => {
                        if at < bytes.len() {
                            bytes[at] ^= 0x5a;
                        }
                    }
                }
            }
            let before = count();
            let request = if put {
                app.client.put(format!("{}/store?graph={graph}", app.url))
            } else {
                app.client.post(format!("{}/store?graph={graph}", app.url))
            };
            let response = request
                .bearer_auth(TOKEN)
                .header("content-type", media_type)
                .body(bytes.clone())
                .send()
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let status = response.status().as_u16();
            let what = format!("{media_type} {}", String::from_utf8_lossy(&bytes));
            acceptable(status, &what)?;
            if !(200..300).contains(&status) {
                prop_assert_eq!(
                    before,
                    count(),
                    "a refused upload changed the graph: {}",
                    what
                );
            }
            Ok(())
        })
        .unwrap();
    still_answers(&app);
}

const HEADER_PIECES: &[&str] = &[
    "text/html",
    "application/json",
    "*/*",
    "text/*",
    ";q=0.5",
    ";q=abc",
    ";q=2",
    ",",
    ", ,",
    "application/sparql-results+json",
    "text/turtle",
    "charset=utf-8",
    ";",
    "=",
    "\"",
    "Bearer",
    "Basic",
    " ",
    "x",
    "test-write-token",
    "application/graphql-response+json",
    "multipart/form-data; boundary=",
];

#[test]
fn headers_and_entity_paths() {
    let app = spawn_app();
    let strategy = (
        soup(HEADER_PIECES, 8),
        soup(HEADER_PIECES, 8),
        soup(HEADER_PIECES, 5),
        prop::sample::select(
            &[
                "/sparql?query=ASK%7B%7D",
                "/graphql",
                "/id/org/itu",
                "/export?format=nt&graph=urn:example:none",
                "/.well-known/void",
                "/store?default",
                "/graphiql/x",
            ][..],
        ),
        soup(
            &[
                "org",
                "itu",
                "/",
                "%",
                "%zz",
                "%00",
                "%2F",
                "..",
                "//",
                "ü",
                "%C3%28",
                "?",
                "#",
                "x y",
                ";",
                "format=html",
            ],
            8,
        ),
    );
    runner(4)
        .run(
            &strategy,
            |(accept, content_type, authorization, path, entity)| {
                let visible = |s: &str| -> String {
                    s.chars()
                        .filter(|c| c.is_ascii_graphic() || *c == ' ')
                        .collect()
                };
                let response = app
                    .post(path)
                    .header("accept", visible(&accept))
                    .header("content-type", visible(&content_type))
                    .header("authorization", visible(&authorization))
                    .body("ASK {}")
                    .send()
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                acceptable(
                    response.status().as_u16(),
                    &format!("{path} {accept} {content_type}"),
                )?;
                // Validators of any shape: a tag, a date, or neither.
                let response = app
                    .get(path)
                    .header("accept", visible(&accept))
                    .header("if-none-match", visible(&authorization))
                    .header("if-modified-since", visible(&content_type))
                    .send()
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                acceptable(response.status().as_u16(), &format!("{path} {accept}"))?;
                let entity: String = entity.chars().filter(|c| !c.is_control()).collect();
                let entity = entity.replace(' ', "%20").replace('#', "%23");
                let response = app
                    .get(&format!("/id/{entity}"))
                    .header("accept", visible(&accept))
                    .send()
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                acceptable(response.status().as_u16(), &format!("/id/{entity}"))?;
                Ok(())
            },
        )
        .unwrap();
    // Raw bytes in the request line and headers (Host among them), where no client library goes.
    let port = app.url.rsplit(':').next().unwrap().to_owned();
    runner(5)
        .run(
            &(
                prop::collection::vec(any::<u8>(), 0..40),
                prop::sample::select(
                    &[
                        "Host",
                        "Accept",
                        "Content-Type",
                        "Forwarded",
                        "X-Forwarded-Host",
                        "Authorization",
                        "If-None-Match",
                        "If-Modified-Since",
                    ][..],
                ),
            ),
            |(bytes, header)| {
                let mut stream = TcpStream::connect(format!("127.0.0.1:{port}"))
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                stream.set_read_timeout(Some(Duration::from_secs(30))).ok();
                let mut request = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n".to_vec();
                request.extend_from_slice(header.as_bytes());
                request.extend_from_slice(b": ");
                request.extend(bytes.iter().filter(|b| **b != b'\r' && **b != b'\n'));
                request.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
                stream.write_all(&request).ok();
                let mut answer = Vec::new();
                let _ = stream.read_to_end(&mut answer);
                let status = std::str::from_utf8(answer.get(9..12).unwrap_or_default())
                    .ok()
                    .and_then(|s| s.parse::<u16>().ok());
                if let Some(status) = status {
                    acceptable(status, &format!("{header}: {bytes:?}"))?;
                }
                Ok(())
            },
        )
        .unwrap();
    still_answers(&app);
}
