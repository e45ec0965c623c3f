//! Bad input over real HTTP: a clear 4xx that says what is wrong and where, and nothing stored.

use crate::helpers::{spawn_app, spawn_app_with, Options, TOKEN};
use kgql::config::SettingsLayer;

const GRAPH: &str = "urn:example:upload";

fn graph_size(app: &crate::helpers::TestApp) -> u64 {
    app.count(&format!(
        "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{GRAPH}> {{ ?s ?p ?o }} }}"
    ))
}

#[test]
fn malformed_sparql_gets_the_parsers_message_and_position() {
    let app = spawn_app();
    let response = app
        .post("/sparql")
        .header("content-type", "application/sparql-query")
        .body("SELECT * WHERE {\n  ?s ?p \n}")
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
    let message = response.text().unwrap();
    assert!(message.contains("invalid SPARQL query"), "{message}");
    assert!(message.contains("3:"), "the position (line 3): {message}");

    let response = app
        .post("/sparql")
        .header("content-type", "application/sparql-update")
        .bearer_auth(TOKEN)
        .body("INSERT DATA { <a> }")
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().unwrap().contains("invalid SPARQL update"));
}

#[test]
fn a_turtle_upload_broken_on_line_500_names_the_line_and_stores_nothing() {
    let app = spawn_app();
    let mut turtle = String::from("@prefix ex: <http://example.com/> .\n");
    for i in 2..500 {
        turtle.push_str(&format!("ex:s{i} ex:p \"{i}\" .\n"));
    }
    turtle.push_str("ex:s500 ex:p \"unterminated .\n");
    for verb in ["PUT", "POST"] {
        let response = app
            .client
            .request(
                verb.parse().unwrap(),
                format!("{}/store?graph={GRAPH}", app.url),
            )
            .header("content-type", "text/turtle")
            .bearer_auth(TOKEN)
            .body(turtle.clone())
            .send()
            .unwrap();
        assert_eq!(response.status(), 400, "{verb}");
        let message = response.text().unwrap();
        assert!(message.contains("line 500"), "{verb}: {message}");
        assert_eq!(
            graph_size(&app),
            0,
            "{verb}: nothing from the upload is stored"
        );
    }
}

#[test]
fn unknown_formats_get_406_and_415() {
    let app = spawn_app();
    let response = app
        .post("/sparql")
        .header("content-type", "application/sparql-query")
        .header("accept", "image/png")
        .body("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
        .send()
        .unwrap();
    assert_eq!(response.status(), 406);
    assert!(response
        .text()
        .unwrap()
        .contains("application/sparql-results+json"));

    let response = app
        .client
        .put(format!("{}/store?graph={GRAPH}", app.url))
        .header("content-type", "application/x-unknown")
        .bearer_auth(TOKEN)
        .body("data")
        .send()
        .unwrap();
    assert_eq!(response.status(), 415);

    let response = app
        .post("/sparql")
        .header("content-type", "text/plain")
        .body("ASK {}")
        .send()
        .unwrap();
    assert_eq!(response.status(), 415);
}

#[test]
fn bad_bytes_headers_and_parameters_get_400() {
    let app = spawn_app();
    // Not UTF-8.
    let response = app
        .post("/sparql")
        .header("content-type", "application/sparql-query")
        .body(vec![b'A', b'S', b'K', b' ', 0xff, b'{', b'}'])
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().unwrap().contains("UTF-8"));
    // No content type.
    let response = app.post("/sparql").body("ASK {}").send().unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().unwrap().contains("Content-Type"));
    // A malformed Accept header.
    let response = app
        .get("/sparql?query=ASK%7B%7D")
        .header("accept", "json")
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
    // Conflicting dataset parameters: an update with WITH and using-graph-uri.
    let response = app
        .post("/sparql?using-graph-uri=urn:example:g")
        .header("content-type", "application/sparql-update")
        .bearer_auth(TOKEN)
        .body("WITH <urn:example:h> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }")
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
    // A dataset IRI that is not one.
    let response = app
        .get("/sparql?query=ASK%7B%7D&default-graph-uri=not%20an%20iri")
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().unwrap().contains("default-graph-uri"));
    // Graph Store: both ?default and ?graph.
    let response = app
        .get(&format!("/store?default&graph={GRAPH}"))
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
}

#[test]
fn writes_need_the_token() {
    let app = spawn_app();
    let update = "INSERT DATA { GRAPH <urn:example:upload> { <urn:a> <urn:b> <urn:c> } }";
    let send = |token: Option<&str>| {
        let mut request = app
            .post("/sparql")
            .header("content-type", "application/sparql-update")
            .body(update);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().unwrap()
    };
    let response = send(None);
    assert_eq!(response.status(), 401);
    assert!(response.headers().contains_key("www-authenticate"));
    assert_eq!(send(Some("wrong")).status(), 403);
    assert_eq!(graph_size(&app), 0);
    assert_eq!(send(Some(TOKEN)).status(), 204);
    assert_eq!(graph_size(&app), 1);
}

#[test]
fn a_server_without_a_token_is_read_only() {
    let app = spawn_app_with(Options {
        writable: false,
        ..Options::default()
    });
    let response = app
        .post("/sparql")
        .header("content-type", "application/sparql-update")
        .bearer_auth(TOKEN)
        .body("INSERT DATA { GRAPH <urn:example:upload> { <urn:a> <urn:b> <urn:c> } }")
        .send()
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(response.text().unwrap().contains("read-only"));
    let response = app
        .client
        .delete(format!(
            "{}/store?graph=https://w3id.org/kgql/ontology",
            app.url
        ))
        .bearer_auth(TOKEN)
        .send()
        .unwrap();
    assert_eq!(response.status(), 403);
    assert_eq!(graph_size(&app), 0);
}

#[test]
fn a_query_past_the_timeout_is_cancelled_with_503() {
    let app = spawn_app_with(Options {
        layer: SettingsLayer {
            query_timeout_secs: Some(0.5),
            ..SettingsLayer::default()
        },
        ..Options::default()
    });
    let started = std::time::Instant::now();
    // Every node reachable from every node, both ways, joined with itself, then counted: work
    // Oxigraph does in memory, between reads of the store. Remote engines get a product of
    // every statement with itself, three times (Virtuoso refuses paths open at both ends).
    let query = match crate::helpers::backend() {
        crate::helpers::Backend::Embedded => {
            "SELECT (COUNT(*) AS ?n) WHERE { \
             ?a (!<urn:x>|^!<urn:x>)* ?b . ?b (!<urn:x>|^!<urn:x>)* ?c }"
        }
        _ => "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }",
    };
    let response = app
        .post("/sparql")
        .header("content-type", "application/sparql-query")
        .body(query)
        .send()
        .unwrap();
    assert_eq!(response.status(), 503);
    assert!(response.text().unwrap().contains("cancelled"));
    assert!(
        started.elapsed() < std::time::Duration::from_secs(10),
        "answered at the deadline, not at the end"
    );
    // The evaluation itself stops: the store reports no query running any more.
    let mut running = u64::MAX;
    for _ in 0..100 {
        let metrics = app.get("/metrics").send().unwrap().text().unwrap();
        running = metrics
            .lines()
            .find_map(|line| line.strip_prefix("kgql_store_running_queries "))
            .expect("the running-queries gauge")
            .trim()
            .parse()
            .unwrap();
        if running == 0 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    assert_eq!(running, 0, "the cancelled evaluation still runs");
    // The server still answers.
    app.select("ASK {}");
}

#[test]
fn bodies_over_the_limit_are_refused() {
    let app = spawn_app_with(Options {
        seed: false,
        layer: SettingsLayer {
            max_body_bytes: Some(1024),
            ..SettingsLayer::default()
        },
        ..Options::default()
    });
    let response = app
        .post("/sparql")
        .header("content-type", "application/sparql-query")
        .body(format!("ASK {{}} #{}", "x".repeat(4096)))
        .send()
        .unwrap();
    assert_eq!(response.status(), 413);
}

/// Every endpoint refuses bad input through the one error map: each refusal's status, and a body
/// of the endpoint's shape (GraphQL: JSON errors with `extensions.code`; pages: HTML; the SPARQL
/// and Graph Store protocols, linked data and operations: a line of text) that says what is
/// wrong.
#[test]
fn every_endpoint_refuses_bad_input_in_its_own_shape() {
    let app = spawn_app();
    let client = &app.client;
    let url = |path: &str| format!("{}{path}", app.url);
    // (what, request, status, body shape, a word the message holds)
    let cases: Vec<(&str, reqwest::blocking::RequestBuilder, u16, Shape, &str)> = vec![
        (
            "GraphQL: not JSON",
            client
                .post(url("/graphql"))
                .header("content-type", "application/json")
                .body("{\"query\": "),
            400,
            Shape::Graphql("BAD_REQUEST"),
            "not JSON",
        ),
        (
            "GraphQL: a syntax error",
            client
                .post(url("/graphql"))
                .header("content-type", "application/json")
                .header("accept", "application/graphql-response+json")
                .body(r#"{"query": "{ organizations { "}"#),
            400,
            Shape::Graphql("GRAPHQL_PARSE_FAILED"),
            "",
        ),
        (
            "GraphQL: an unknown field",
            client
                .post(url("/graphql"))
                .header("content-type", "application/json")
                .header("accept", "application/graphql-response+json")
                .body(r#"{"query": "{ nothingHere }"}"#),
            400,
            Shape::Graphql("GRAPHQL_VALIDATION_FAILED"),
            "nothingHere",
        ),
        (
            "GraphQL: past a limit",
            client
                .post(url("/graphql"))
                .header("content-type", "application/json")
                .header("accept", "application/graphql-response+json")
                .body(format!(
                    r#"{{"query": "{{ {} }}"}}"#,
                    "a: __typename ".repeat(3000)
                )),
            400,
            Shape::Graphql("LIMIT_EXCEEDED"),
            "--graphql-max-fields",
        ),
        (
            "GraphQL: a bad IRI argument",
            client
                .post(url("/graphql"))
                .header("content-type", "application/json")
                .body(r#"{"query": "{ organization(iri: \"not an iri\") { label } }"}"#),
            200,
            Shape::Graphql("BAD_USER_INPUT"),
            "not a valid IRI",
        ),
        (
            "GraphQL: a form body",
            client
                .post(url("/graphql"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body("query=%7B%7D"),
            415,
            Shape::Graphql("UNSUPPORTED_MEDIA_TYPE"),
            "application/json",
        ),
        (
            "GraphQL: a mutation by GET",
            client.get(url("/graphql?query=mutation%20%7B%20x%20%7D")),
            405,
            Shape::Graphql("METHOD_NOT_ALLOWED"),
            "POST",
        ),
        (
            "GraphQL: nothing acceptable",
            client
                .get(url("/graphql?query=%7B__typename%7D"))
                .header("accept", "image/png"),
            406,
            Shape::Graphql("NOT_ACCEPTABLE"),
            "application/json",
        ),
        (
            "SPARQL: a syntax error",
            client.get(url("/sparql?query=SELECT%20*%20WHERE%20%7B")),
            400,
            Shape::Text,
            "invalid SPARQL query",
        ),
        (
            "SPARQL: an update without the token",
            client
                .post(url("/sparql"))
                .header("content-type", "application/sparql-update")
                .body("INSERT DATA { <urn:a> <urn:b> <urn:c> }"),
            401,
            Shape::Text,
            "write token",
        ),
        (
            "SPARQL: DELETE",
            client.delete(url("/sparql")),
            405,
            Shape::Text,
            "",
        ),
        (
            "Graph Store: a bad graph IRI",
            client.get(url("/store?graph=not%20an%20iri")),
            400,
            Shape::Text,
            "graph",
        ),
        (
            "Graph Store: an unknown graph",
            client.get(url("/store?graph=urn:x-none:graph")),
            404,
            Shape::Text,
            "urn:x-none:graph",
        ),
        (
            "linked data: an unknown format",
            client.get(url("/id/org/itu?format=docx")),
            400,
            Shape::Text,
            "docx",
        ),
        (
            "linked data: nothing acceptable",
            client.get(url("/id/org/itu")).header("accept", "image/png"),
            406,
            Shape::Text,
            "",
        ),
        (
            "an unknown path, for a program",
            client
                .get(url("/nothing/here"))
                .header("accept", "text/plain"),
            404,
            Shape::Text,
            "/nothing/here",
        ),
        (
            "an unknown path, for a browser",
            client
                .get(url("/nothing/here"))
                .header("accept", "text/html"),
            404,
            Shape::Html,
            "/nothing/here",
        ),
        (
            "an unknown entity's page",
            client
                .get(url("/id/org/none-such"))
                .header("accept", "text/html"),
            404,
            Shape::Html,
            "none-such",
        ),
        (
            "the SPARQL page: a syntax error",
            client
                .get(url("/sparql?query=SELECT%20*%20WHERE%20%7B"))
                .header("accept", "text/html"),
            400,
            Shape::Html,
            "invalid SPARQL query",
        ),
        (
            "go: no IRI",
            client.get(url("/go")).header("accept", "text/html"),
            400,
            Shape::Html,
            "iri",
        ),
        (
            "connect: a bad IRI",
            client
                .get(url("/connect?from=not%20an%20iri&to=ITU"))
                .header("accept", "text/html"),
            400,
            Shape::Html,
            "",
        ),
        (
            "a GraphiQL asset that does not exist",
            client.get(url("/graphiql/none.js")),
            404,
            Shape::Text,
            "none.js",
        ),
    ];
    for (what, request, status, shape, word) in cases {
        let response = request.send().unwrap();
        assert_eq!(response.status().as_u16(), status, "{what}");
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|c| c.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = response.text().unwrap();
        assert!(body.contains(word), "{what}: {body}");
        match shape {
            Shape::Graphql(code) => {
                assert!(content_type.contains("json"), "{what}: {content_type}");
                let json: serde_json::Value = serde_json::from_str(&body).unwrap();
                let error = &json["errors"][0];
                assert!(
                    error["message"].as_str().is_some_and(|m| !m.is_empty()),
                    "{what}: {json}"
                );
                assert_eq!(error["extensions"]["code"], code, "{what}: {json}");
            }
            Shape::Html => {
                assert!(
                    content_type.starts_with("text/html"),
                    "{what}: {content_type}"
                );
                assert!(body.starts_with("<!DOCTYPE html>"), "{what}: {body}");
            }
            Shape::Text => {
                assert!(
                    content_type.starts_with("text/plain"),
                    "{what}: {content_type}"
                );
                assert!(
                    !body.trim().is_empty() && body.ends_with('\n'),
                    "{what}: {body:?}"
                );
            }
        }
    }
}

/// The shape of an error's body.
#[derive(Clone, Copy)]
enum Shape {
    /// GraphQL's JSON errors, the first with this `extensions.code`.
    Graphql(&'static str),
    /// An HTML page.
    Html,
    /// A line of text.
    Text,
}
