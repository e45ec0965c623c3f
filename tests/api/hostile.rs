//! Hostile requests over real HTTP: nothing a client sends may abort, starve or poison the
//! server. Each test sends what once did, and checks the clear refusal (or the bounded answer)
//! that replaced it, then that the server still answers.

use crate::helpers::{spawn_app, spawn_app_with, Options, TestApp, TOKEN};
use kgql::config::SettingsLayer;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The server is alive and answers a cheap request.
fn still_answers(app: &TestApp) {
    let response = app.get("/healthz").send().unwrap();
    assert_eq!(response.status(), 200);
    app.select("ASK {}");
}

/// POSTs a GraphQL request and returns the status and the JSON answer.
fn graphql(app: &TestApp, body: &serde_json::Value) -> (u16, serde_json::Value) {
    let response = app
        .post("/graphql")
        .header("accept", "application/graphql-response+json")
        .json(body)
        .send()
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().unwrap_or(serde_json::Value::Null))
}

fn first_error(answer: &serde_json::Value) -> String {
    answer["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn sparql_post(app: &TestApp, query: &str) -> (u16, String) {
    let response = app
        .post("/sparql")
        .header("content-type", "application/sparql-query")
        .body(query.to_owned())
        .send()
        .unwrap();
    (response.status().as_u16(), response.text().unwrap())
}

#[test]
fn deeply_nested_sparql_is_refused_before_it_is_parsed() {
    let app = spawn_app();
    let deep = format!("SELECT * WHERE {}{}", "{".repeat(4000), "}".repeat(4000));
    let (status, message) = sparql_post(&app, &deep);
    assert_eq!(status, 400, "{message}");
    assert!(message.contains("--max-nesting"), "{message}");
    let encoded: String = form_urlencoded::byte_serialize(deep.as_bytes()).collect();
    let response = app.get(&format!("/sparql?query={encoded}")).send().unwrap();
    assert_eq!(response.status(), 400);
    // An update nested as deep, with the token.
    let response = app.update(&format!(
        "INSERT {{ <urn:a> <urn:b> <urn:c> }} WHERE {}{}",
        "{".repeat(4000),
        "}".repeat(4000)
    ));
    assert_eq!(response.status(), 400);
    // Long chains nest the algebra without brackets.
    let unions = format!(
        "SELECT * WHERE {{ {} }}",
        vec!["{ ?s ?p ?o }"; 5000].join(" UNION ")
    );
    let (status, message) = sparql_post(&app, &unions);
    assert_eq!(status, 400, "{message}");
    assert!(message.contains("--sparql-max-depth"), "{message}");
    let sum = format!("SELECT (1{} AS ?x) WHERE {{}}", " + 1".repeat(20_000));
    assert_eq!(sparql_post(&app, &sum).0, 400);
    // At the limits, queries are answered.
    let at_limit = format!("SELECT * WHERE {}{}", "{".repeat(60), "}".repeat(60));
    let (status, message) = sparql_post(&app, &at_limit);
    assert_eq!(status, 200, "{message}");
    let long_union = format!(
        "SELECT * WHERE {{ {} }} LIMIT 1",
        vec!["{ ?s a ?o }"; 100].join(" UNION ")
    );
    let (status, message) = sparql_post(&app, &long_union);
    // A remote engine may have limits of its own, and says so with a 400.
    if crate::helpers::backend() == crate::helpers::Backend::Embedded {
        assert_eq!(status, 200, "{message}");
    } else {
        assert!(status == 200 || status == 400, "{status} {message}");
    }
    still_answers(&app);
}

#[test]
fn deeply_nested_graphql_is_refused_before_it_is_parsed() {
    let app = spawn_app();
    // A filter nested 300 deep, in the document, by GET, and in the variables.
    let mut filter = String::from("{label: {eq: \"x\"}}");
    for _ in 0..300 {
        filter = format!("{{NOT: {filter}}}");
    }
    let query = format!("{{ organizations(filter: {filter}) {{ totalCount }} }}");
    let (status, answer) = graphql(&app, &serde_json::json!({ "query": query }));
    assert_eq!(status, 400, "{answer}");
    assert!(first_error(&answer).contains("--max-nesting"), "{answer}");
    let encoded: String = form_urlencoded::byte_serialize(query.as_bytes()).collect();
    let response = app
        .get(&format!("/graphql?query={encoded}"))
        .header("accept", "application/graphql-response+json")
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
    let mut variable = serde_json::json!({"label": {"eq": "x"}});
    for _ in 0..100 {
        variable = serde_json::json!({ "NOT": variable });
    }
    let (status, answer) = graphql(
        &app,
        &serde_json::json!({
            "query": "query($f: OrganizationFilter) { organizations(filter: $f) { totalCount } }",
            "variables": { "f": variable },
        }),
    );
    assert_eq!(status, 400, "{answer}");
    assert!(first_error(&answer).contains("--max-nesting"), "{answer}");
    // A list argument nested 20,000 deep.
    let list = format!("{}\"x\"{}", "[".repeat(20_000), "]".repeat(20_000));
    let query = format!("{{ search(text: \"itu\", types: {list}) {{ score }} }}");
    let (status, _) = graphql(&app, &serde_json::json!({ "query": query }));
    assert_eq!(status, 400);
    // Within the limit, a nested filter is planned, translated and answered.
    let mut filter = String::from("{label: {eq: \"International Telecommunication Union\"}}");
    for _ in 0..14 {
        filter = format!("{{NOT: {{NOT: {filter}}}}}");
    }
    let query = format!("{{ organizations(filter: {filter}) {{ totalCount }} }}");
    let (status, answer) = graphql(&app, &serde_json::json!({ "query": query }));
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["data"]["organizations"]["totalCount"], 1, "{answer}");
    let mut variable =
        serde_json::json!({"label": {"eq": "International Telecommunication Union"}});
    for _ in 0..28 {
        variable = serde_json::json!({ "NOT": variable });
    }
    let (status, answer) = graphql(
        &app,
        &serde_json::json!({
            "query": "query($f: OrganizationFilter) { organizations(filter: $f) { totalCount } }",
            "variables": { "f": variable },
        }),
    );
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["data"]["organizations"]["totalCount"], 1, "{answer}");
    still_answers(&app);
}

#[test]
fn a_fragment_bomb_is_refused_without_being_expanded() {
    let app = spawn_app();
    let mut query = String::from("query { ...F24 }\nfragment F0 on Query { __typename }\n");
    for i in 1..=24 {
        query.push_str(&format!(
            "fragment F{i} on Query {{ ...F{} ...F{} }}\n",
            i - 1,
            i - 1
        ));
    }
    let started = Instant::now();
    let (status, answer) = graphql(&app, &serde_json::json!({ "query": query }));
    assert_eq!(status, 400, "{answer}");
    assert!(
        first_error(&answer).contains("--graphql-max-fields"),
        "{answer}"
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    // The same shape on an object type, below a page.
    let mut query = String::from(
        "query { organizations(first: 1) { nodes { ...G20 } } }\nfragment G0 on Organization { label }\n",
    );
    for i in 1..=20 {
        query.push_str(&format!(
            "fragment G{i} on Organization {{ ...G{} ...G{} }}\n",
            i - 1,
            i - 1
        ));
    }
    let (status, _) = graphql(&app, &serde_json::json!({ "query": query }));
    assert_eq!(status, 400);
    still_answers(&app);
}

#[test]
fn huge_documents_and_pages_multiplied_by_aliases_are_refused() {
    let app = spawn_app();
    // 300 kB of __typename.
    let query = format!("{{ {} }}", "__typename ".repeat(30_000));
    let (status, answer) = graphql(&app, &serde_json::json!({ "query": query }));
    assert_eq!(status, 400, "{answer}");
    assert!(
        first_error(&answer).contains("--graphql-max-document-bytes"),
        "{answer}"
    );
    // Small, but too many tokens.
    let query = format!("{{ {} }}", "a:__typename ".repeat(5_000));
    let (status, answer) = graphql(&app, &serde_json::json!({ "query": query }));
    assert_eq!(status, 400, "{answer}");
    assert!(
        first_error(&answer).contains("--graphql-max-tokens"),
        "{answer}"
    );
    // A body far past the document limit is not even read.
    let response = app
        .post("/graphql")
        .header("content-type", "application/json")
        .body(vec![b' '; 8 << 20])
        .send()
        .unwrap();
    assert_eq!(response.status(), 413);
    // 490 aliased pages of 1,000.
    let fields: Vec<String> = (0..490)
        .map(|i| format!("a{i}: entities(first: 1000) {{ nodes {{ iri }} }}"))
        .collect();
    let query = format!("{{ {} }}", fields.join(" "));
    let (status, answer) = graphql(&app, &serde_json::json!({ "query": query }));
    assert_eq!(status, 400, "{answer}");
    assert!(
        first_error(&answer).contains("--graphql-max-nodes"),
        "{answer}"
    );
    // Many small root fields: each is a query.
    let fields: Vec<String> = (0..150)
        .map(|i| format!("a{i}: organizations(first: 1) {{ totalCount }}"))
        .collect();
    let query = format!("{{ {} }}", fields.join(" "));
    let (status, answer) = graphql(&app, &serde_json::json!({ "query": query }));
    assert_eq!(status, 400, "{answer}");
    assert!(
        first_error(&answer).contains("--graphql-max-queries"),
        "{answer}"
    );
    // Nested pages multiply.
    let query = "{ organizations(first: 1000) { nodes { label subOrganizations(first: 1000) { nodes { label } } } } }";
    let (status, answer) = graphql(&app, &serde_json::json!({ "query": query }));
    assert_eq!(status, 400, "{answer}");
    // The standard introspection query of graphql-js is within every limit.
    let introspection = include_str!("../graphql-http/introspection.graphql");
    let response = app
        .post("/graphql")
        .json(&serde_json::json!({ "query": introspection }))
        .send()
        .unwrap();
    let answer: serde_json::Value = response.json().unwrap();
    assert!(answer["errors"].is_null(), "{answer}");
    assert!(
        answer["data"]["__schema"]["types"]
            .as_array()
            .unwrap()
            .len()
            > 50
    );
    // Nested introspection lists multiply like pages.
    let nested = "{ __schema { types { fields { type { fields { type { fields { type { fields { name } } } } } } } } } }";
    let (status, answer) = graphql(&app, &serde_json::json!({ "query": nested }));
    assert_eq!(status, 400, "{answer}");
    still_answers(&app);
}

#[test]
fn work_without_reads_of_the_store_is_bounded_before_it_starts() {
    let app = spawn_app();
    // Six VALUES of forty values: 4,096,000,000 rows without a read where the deadline is
    // checked.
    let values: Vec<String> = ["a", "b", "c", "d", "e", "f"]
        .iter()
        .map(|v| {
            let list: Vec<String> = (0..40).map(|i| i.to_string()).collect();
            format!("VALUES ?{v} {{ {} }}", list.join(" "))
        })
        .collect();
    let query = format!("SELECT (COUNT(*) AS ?n) WHERE {{ {} }}", values.join(" "));
    let started = Instant::now();
    let (status, message) = sparql_post(&app, &query);
    assert_eq!(status, 400, "{message}");
    assert!(message.contains("--sparql-max-unchecked-rows"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(5));
    // Planning a large join is not checked either: 128 patterns on one subject.
    let star: Vec<String> = (0..128)
        .map(|i| format!("?s <http://example.com/p{i}> ?o{i} ."))
        .collect();
    let (status, message) = sparql_post(&app, &format!("SELECT * WHERE {{ {} }}", star.join(" ")));
    assert_eq!(status, 400, "{message}");
    assert!(message.contains("--sparql-max-patterns"), "{message}");
    // Strings doubled by chained BINDs: a terabyte from three characters.
    let mut query = String::from("SELECT (STRLEN(?a40) AS ?n) WHERE { BIND(\"lol\" AS ?a0) ");
    for i in 1..=40 {
        query.push_str(&format!("BIND(CONCAT(?a{0}, ?a{0}) AS ?a{i}) ", i - 1));
    }
    query.push('}');
    let (status, message) = sparql_post(&app, &query);
    assert_eq!(status, 400, "{message}");
    assert!(message.contains("times longer"), "{message}");
    // Two VALUES joined are fine.
    let (status, message) = sparql_post(
        &app,
        "SELECT (COUNT(*) AS ?n) WHERE { VALUES ?a { 1 2 3 } VALUES ?b { 1 2 } }",
    );
    assert_eq!(status, 200, "{message}");
    still_answers(&app);
}

#[test]
fn cursors_past_any_position_are_refused() {
    let app = spawn_app();
    let (_, answer) = graphql(
        &app,
        &serde_json::json!({
            "query": "{ organizations(after: \"cffffffffffffffff\") { totalCount nodes { iri } } }"
        }),
    );
    assert!(
        first_error(&answer).contains("not a cursor of this server"),
        "{answer}"
    );
    assert!(answer["data"]["organizations"].is_null(), "{answer}");
}

#[test]
fn only_web_iris_become_links_and_pages_carry_a_content_security_policy() {
    let app = spawn_app();
    let response = app.update(
        "INSERT DATA { GRAPH <urn:example:x> { \
           <https://w3id.org/kgql/id/org/x> <http://www.w3.org/2004/02/skos/core#prefLabel> \"X\"@en ; \
             <http://schema.org/url> <javascript:alert(1)> , <data:text/html,x> , <https://example.org/> } }",
    );
    assert!(response.status().is_success());
    let response = app
        .get("/id/org/x")
        .header("accept", "text/html")
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    let policy = headers["content-security-policy"].to_str().unwrap();
    assert!(policy.contains("default-src 'self'"), "{policy}");
    assert!(policy.contains("script-src 'self'"), "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    let html = response.text().unwrap();
    assert!(!html.contains("href=\"javascript:"), "{html}");
    assert!(!html.contains("href=\"data:"), "{html}");
    assert!(html.contains("href=\"https://example.org/\""), "{html}");
    // Every answer says its type may not be guessed; GraphiQL runs without inline script.
    let response = app.get("/sparql?query=ASK%7B%7D").send().unwrap();
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    let graphiql = app
        .get("/graphql")
        .header("accept", "text/html")
        .send()
        .unwrap();
    assert!(graphiql.headers().contains_key("content-security-policy"));
    let page = graphiql.text().unwrap();
    assert!(!page.contains("<script>"), "inline script: {page}");
    let script = app.get("/graphiql/kgql-graphiql.js").send().unwrap();
    assert_eq!(script.status(), 200);
}

#[test]
fn hub_pages_list_a_page_of_links_per_property() {
    let app = spawn_app();
    let mut update = String::from("INSERT DATA { GRAPH <urn:example:hub> {");
    for i in 0..3000 {
        update.push_str(&format!(
            " <https://w3id.org/kgql/id/org/member-{i:04}> <http://www.w3.org/ns/org#subOrganizationOf> <https://w3id.org/kgql/id/org/itu> ."
        ));
    }
    update.push_str(" } }");
    assert!(app.update(&update).status().is_success());
    let html = app
        .get("/id/org/itu")
        .header("accept", "text/html")
        .send()
        .unwrap()
        .text()
        .unwrap();
    // The links of one property are listed a page at a time (the seed's own sub-organisations
    // of ITU among them), and the rest counted.
    let tables = html.split("</figure>").last().unwrap_or_default();
    let listed = tables.matches("href=\"/id/org/member-").count();
    assert!(
        (15..=20).contains(&listed),
        "a few links of a hub's property, not all 3,000: {listed}"
    );
    let more: usize = html
        .split("… and ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("how many more");
    assert!((2900..3000).contains(&more), "{more}");
    assert!(html.len() < 200_000, "{} bytes", html.len());
    let listing = "links=in&property=http%3A%2F%2Fwww.w3.org%2Fns%2Forg%23subOrganizationOf";
    assert!(
        html.contains(&format!(
            "href=\"?{}&amp;offset=20\"",
            listing.replace('&', "&amp;")
        )),
        "{html}"
    );
    let query = format!("{listing}&offset=100");
    let next = format!("/id/org/itu?{query}");
    let page = app
        .get(&next)
        .header("accept", "text/html")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains("101–200 of 30"), "{page}");
    // Page after page, every link is listed once (a hub's long lists page in the store's order).
    let members = |html: &str| -> Vec<String> {
        html.split("href=\"/id/org/member-")
            .skip(1)
            .filter_map(|rest| rest.split('"').next().map(str::to_owned))
            .collect()
    };
    let mut seen = std::collections::BTreeSet::new();
    let mut listed = 0;
    for offset in (0..3100).step_by(100) {
        let page = app
            .get(&format!(
                "/id/org/itu?links=in&property=http%3A%2F%2Fwww.w3.org%2Fns%2Forg%23subOrganizationOf&offset={offset}"
            ))
            .header("accept", "text/html")
            .send()
            .unwrap()
            .text()
            .unwrap();
        let shown = members(&page);
        listed += shown.len();
        seen.extend(shown);
    }
    assert_eq!(seen.len(), 3000);
    assert_eq!(listed, 3000, "no link twice");
    // Bad paging parameters are a 400.
    let response = app
        .get("/id/org/itu?links=sideways&property=urn:x")
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
    let response = app.get("/id/org/itu?links=in").send().unwrap();
    assert_eq!(response.status(), 400);
}

#[test]
fn forwarded_and_host_headers_cannot_inject_into_answers() {
    let app = spawn_app();
    let hostile = "x> <urn:s> <urn:p> \"pwned\" . <urn:a";
    for path in ["/sparql", "/.well-known/void"] {
        let response = app
            .get(path)
            .header("accept", "application/n-triples")
            .header("x-forwarded-host", hostile)
            .header("forwarded", format!("host=\"{hostile}\";proto=https"))
            .send()
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let text = response.text().unwrap();
        assert!(!text.contains("pwned"), "{path}: {text}");
        let parsed: Result<Vec<_>, _> =
            oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::NTriples)
                .for_slice(text.as_bytes())
                .collect();
        assert!(parsed.is_ok(), "{path}: {text}");
    }
    // A POST to the store names the new graph under this server, not the forwarded host.
    let response = app
        .post("/store")
        .bearer_auth(TOKEN)
        .header("content-type", "application/n-triples")
        .header("x-forwarded-host", "evil.example")
        .body("<urn:a> <urn:b> <urn:c> .\n")
        .send()
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(&app.url), "{location}");
    // A Host header that is no host is not used.
    let port = app.url.rsplit(':').next().unwrap();
    let mut stream = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET /sparql HTTP/1.1\r\nHost: {hostile}\r\nAccept: application/n-triples\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(!answer.contains("pwned"), "{answer}");
}

#[test]
fn rdfxml_entities_are_refused_before_they_expand() {
    let app = spawn_app();
    let mut dtd =
        String::from("<!ENTITY l0 \"lollollollollollollollollollollollollollollollol\">\n");
    for i in 1..=9 {
        dtd.push_str(&format!(
            "<!ENTITY l{i} \"{}\">\n",
            format!("&l{};", i - 1).repeat(10)
        ));
    }
    let document = format!(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [\n{dtd}]>\n\
         <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
         <rdf:Description rdf:about=\"http://example.com/a\"><rdf:value>&l9;</rdf:value>\
         </rdf:Description></rdf:RDF>"
    );
    assert!(document.len() < 1200);
    let response = app
        .client
        .put(format!("{}/store?graph=urn:example:laughs", app.url))
        .bearer_auth(TOKEN)
        .header("content-type", "application/rdf+xml")
        .body(document)
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().unwrap().contains("expands to"));
    assert_eq!(
        app.count("SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:example:laughs> { ?s ?p ?o } }"),
        0
    );
}

#[test]
fn bodies_are_not_read_before_the_write_is_authorised() {
    let app = spawn_app();
    let port = app.url.rsplit(':').next().unwrap();
    for request in [
        "PUT /store?graph=urn:example:g HTTP/1.1\r\nContent-Type: text/turtle\r\n",
        "POST /sparql HTTP/1.1\r\nContent-Type: application/sparql-update\r\n",
    ] {
        let mut stream = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        // A body announced at 50 MB, of which ten bytes ever come.
        write!(
            stream,
            "{request}Host: 127.0.0.1\r\nContent-Length: 50000000\r\n\r\n0123456789"
        )
        .unwrap();
        let mut head = [0u8; 12];
        stream.read_exact(&mut head).unwrap();
        assert_eq!(&head, b"HTTP/1.1 401", "{request}");
    }
}

#[test]
fn invalid_utf8_in_a_query_string_is_a_400() {
    let app = spawn_app();
    let response = app.get("/sparql?query=ASK%20%7B%7D%FF").send().unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().unwrap().contains("UTF-8"));
    let response = app.get("/export?format=nq&graph=urn:%C3").send().unwrap();
    assert_eq!(response.status(), 400);
}

/// Sends a GET whose answer the client never reads, from a socket whose receive buffer is
/// small (whatever the kernel's defaults), and waits for the status line: from then on the
/// answer streams and holds its permit. Returns the socket and the status.
fn stalled_get(app: &TestApp, path: &str) -> (TcpStream, String) {
    use socket2::{Domain, Socket, Type};
    let port: u16 = app.url.rsplit(':').next().unwrap().parse().unwrap();
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket.set_recv_buffer_size(4096).unwrap();
    socket.connect(&address.into()).unwrap();
    let mut stream: TcpStream = socket.into();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut head = [0u8; 12];
    stream.read_exact(&mut head).unwrap();
    (stream, String::from_utf8_lossy(&head).into_owned())
}

#[test]
fn clients_that_never_read_are_capped_and_cut_off() {
    let app = spawn_app_with(Options {
        layer: SettingsLayer {
            max_streams_per_client: Some(2),
            stream_write_timeout_secs: Some(8.0),
            ..SettingsLayer::default()
        },
        ..Options::default()
    });
    // About 24 MB to export: more than the sockets and the stream buffer hold.
    let big = "x".repeat(200_000);
    for batch in 0..4 {
        let mut update = String::from("INSERT DATA { GRAPH <urn:example:big> {");
        for i in 0..30 {
            update.push_str(&format!(
                " <urn:example:s{batch}-{i}> <urn:example:p> \"{big}\" ."
            ));
        }
        update.push_str(" } }");
        assert!(app.update(&update).status().is_success());
    }
    // Two answers stream to the same client, which reads nothing of them after the status.
    let stalled: Vec<TcpStream> = (0..2)
        .map(|_| {
            let (stream, status) = stalled_get(&app, "/export?format=nq");
            assert_eq!(status, "HTTP/1.1 200");
            stream
        })
        .collect();
    // A third one for that client is refused while they hold their permits.
    let response = app.get("/export?format=nq").send().unwrap();
    assert_eq!(response.status(), 503);
    assert!(response.headers().contains_key("retry-after"));
    assert!(response
        .text()
        .unwrap()
        .contains("--max-streams-per-client"));
    assert_eq!(app.get("/healthz").send().unwrap().status(), 200);
    let (status, message) = sparql_post(&app, "ASK {}");
    assert_eq!(status, 200, "{message}");
    // The stalled answers are cut off after the write timeout, and their permits come back.
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let response = app.get("/export?format=nq").send().unwrap();
        if response.status() == 200 {
            let body = response.bytes().unwrap();
            assert!(body.len() > 24_000_000);
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the stalled streams were never cut off"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    for mut stream in stalled {
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let mut received = Vec::new();
        let _ = stream.read_to_end(&mut received);
        assert!(
            received.len() < 24_000_000,
            "a stalled answer must end cut off, not complete ({} bytes)",
            received.len()
        );
        assert!(
            !received.ends_with(b"0\r\n\r\n"),
            "cut off, not ended as complete"
        );
    }
}

#[test]
fn a_saturated_server_sheds_expensive_requests_and_keeps_answering_cheap_ones() {
    let app = spawn_app_with(Options {
        layer: SettingsLayer {
            max_concurrent_queries: Some(1),
            query_timeout_secs: Some(8.0),
            ..SettingsLayer::default()
        },
        ..Options::default()
    });
    // One evaluation that runs until its deadline holds the only permit.
    let url = app.url.clone();
    let slow = std::thread::spawn(move || {
        reqwest::blocking::Client::new()
            .post(format!("{url}/sparql"))
            .header("content-type", "application/sparql-query")
            .body("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
            .timeout(Duration::from_secs(60))
            .send()
            .map(|r| r.status().as_u16())
    });
    std::thread::sleep(Duration::from_millis(500));
    let started = Instant::now();
    let (status, message) = sparql_post(&app, "SELECT * WHERE { ?s ?p ?o } LIMIT 1");
    assert_eq!(status, 503, "{message}");
    assert!(message.contains("--max-concurrent-queries"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(app.get("/healthz").send().unwrap().status(), 200);
    assert_eq!(app.get("/readyz").send().unwrap().status(), 200);
    let (status, answer) = graphql(
        &app,
        &serde_json::json!({
            "query": "{ organization(iri: \"https://w3id.org/kgql/id/org/itu\") { label } }"
        }),
    );
    assert_eq!(status, 200, "{answer}");
    assert!(
        answer["data"]["organization"]["label"].is_string(),
        "{answer}"
    );
    assert_eq!(
        slow.join().unwrap().unwrap(),
        503,
        "the slow query hit its deadline"
    );
    still_answers(&app);
}

/// Sends a POST whose body of `length` bytes trickles in a few bytes a second; returns what
/// the server answered, and when.
fn trickled_post(url: &str, path: &str, content_type: &str, length: usize) -> (String, Duration) {
    let port = url.rsplit(':').next().unwrap();
    let mut stream = TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: {content_type}\r\n\
         Content-Length: {length}\r\n\r\n"
    )
    .unwrap();
    let started = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    while started.elapsed() < Duration::from_secs(60) {
        // A few bytes now and then, as long as the server listens.
        if stream.write_all(b"{   ").is_err() {
            break;
        }
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                answer.extend_from_slice(&buffer[..n]);
                if answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"\n") {
                    break;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(_) => break,
        }
    }
    (
        String::from_utf8_lossy(&answer).into_owned(),
        started.elapsed(),
    )
}

#[test]
fn a_body_that_trickles_in_is_cut_off() {
    let app = spawn_app();
    let url = app.url.clone();
    let graphql =
        std::thread::spawn(move || trickled_post(&url, "/graphql", "application/json", 100_000));
    let (sparql, took) = trickled_post(&app.url, "/sparql", "application/sparql-query", 100_000);
    assert!(sparql.starts_with("HTTP/1.1 408"), "{sparql}");
    assert!(sparql.contains("the body arrived too slowly"), "{sparql}");
    assert!(took < Duration::from_secs(30), "cut off after {took:?}");
    let (graphql, _) = graphql.join().unwrap();
    assert!(graphql.starts_with("HTTP/1.1 408"), "{graphql}");
    assert!(graphql.contains(r#""errors""#), "{graphql}");
    assert!(graphql.contains("the body arrived too slowly"), "{graphql}");
    // Meanwhile, and after, the server answers.
    still_answers(&app);
}

#[test]
fn made_up_methods_do_not_grow_the_metrics() {
    let app = spawn_app();
    let client = reqwest::blocking::Client::new();
    for i in 0..50 {
        let method = reqwest::Method::from_bytes(format!("MADEUP{i}").as_bytes()).unwrap();
        let response = client
            .request(method, format!("{}/sparql", app.url))
            .send()
            .unwrap();
        assert!(response.status().is_client_error(), "{}", response.status());
    }
    let metrics = app.get("/metrics").send().unwrap().text().unwrap();
    assert!(!metrics.contains("MADEUP"), "one series per made-up method");
    assert!(metrics.contains("method=\"other\""), "{metrics}");
}

#[test]
fn the_pages_for_people_take_hostile_input_like_the_apis() {
    let app = spawn_app();
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let get = |path: &str, language: Option<&str>| {
        let mut request = app.get(path).header("accept", browser);
        if let Some(language) = language {
            request = request.header("accept-language", language);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        (status, response.text().unwrap_or_default())
    };
    // A query nested 4,000 deep, opened in the editor: refused as the endpoint refuses it, on
    // the editor's page.
    let deep = format!("SELECT * WHERE {}{}", "{".repeat(4000), "}".repeat(4000));
    let (status, html) = get(
        &format!(
            "/sparql?query={}",
            form_urlencoded::byte_serialize(deep.as_bytes()).collect::<String>()
        ),
        None,
    );
    assert_eq!(status, 400, "{html:.300}");
    assert!(html.contains("--max-nesting"), "{html:.300}");
    // A 6 KB search text full of markup, and a made-up kind.
    let text = "<b>\"'&".repeat(1000);
    let (status, html) = get(
        &format!(
            "/search?q={}",
            form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>()
        ),
        None,
    );
    assert!(status == 200 || status == 400, "{status}");
    assert!(!html.contains("<b>\""), "escaped");
    // How is ITU connected to 6 KB of markup? Nothing matches, said on the page, escaped.
    let (status, html) = get(
        &format!(
            "/connect?from=https%3A%2F%2Fw3id.org%2Fkgql%2Fid%2Forg%2Fitu&to={}",
            form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>()
        ),
        None,
    );
    assert!(status == 200 || status == 400, "{status}");
    assert!(!html.contains("<b>\""), "escaped");
    // A start that is no IRI, a length that is no number, repeated and missing parameters.
    for path in [
        "/connect?from=%3Cscript%3E&to=ITU",
        "/connect?from=https%3A%2F%2Fw3id.org%2Fkgql%2Fid%2Forg%2Fitu&to=ITU&length=-1",
        "/connect?from=https%3A%2F%2Fw3id.org%2Fkgql%2Fid%2Forg%2Fitu&to=ITU&length=99999999999999999999",
        "/connect?from=https%3A%2F%2Fw3id.org%2Fkgql%2Fid%2Forg%2Fitu&from=https%3A%2F%2Fw3id.org%2Fkgql%2Fid%2Forg%2Fwic",
        "/connect?to=ITU",
        "/go",
        "/go?iri=a&iri=b",
    ] {
        let (status, html) = get(path, None);
        assert_eq!(status, 400, "{path}: {html:.300}");
        assert!(html.contains("<h1>"), "{path}: a page");
        assert!(!html.contains("<script>"), "{path}");
    }
    // `/go` with an IRI of 4,000 characters, of control characters, or of another site: it
    // never leads anywhere but this server.
    for iri in [
        format!("https://w3id.org/kgql/id/org/{}", "x".repeat(4000)),
        "https://w3id.org/kgql/id/org/\r\nSet-Cookie: a=b".to_owned(),
        "//evil.example/".to_owned(),
        "javascript:alert(1)".to_owned(),
    ] {
        let response = app
            .get(&format!(
                "/go?iri={}",
                form_urlencoded::byte_serialize(iri.as_bytes()).collect::<String>()
            ))
            .header("accept", browser)
            .send()
            .unwrap();
        assert_eq!(response.url().host_str(), Some("127.0.0.1"), "{iri:.60}");
        assert!(response.status().as_u16() < 500, "{iri:.60}");
        assert!(!response.headers().contains_key("set-cookie"), "{iri:.60}");
    }
    // Odd Accept-Language headers: long, malformed, wildcards, bad q-values.
    for language in [
        "x".repeat(4000).as_str(),
        "*;q=abc, ;;;, en;q=2, zh-Hant-TW-xx-yy-zz;q=0.5, <script>",
        ",,,,",
    ] {
        let (status, html) = get("/id/org/itu", Some(language));
        assert_eq!(status, 200, "{language:.40}");
        assert!(html.contains("<h1>"), "{language:.40}");
    }
    still_answers(&app);
}
