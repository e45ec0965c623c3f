//! GraphQL over HTTP against the seed graph: the served schema, lookups, nested lists in both
//! directions, filters, ordering, cursor pagination, the number of SPARQL queries per request,
//! explain, hostile input, and the GraphQL-over-HTTP rules.

use crate::helpers::{backend, spawn_app, spawn_app_with, Backend, Options, TestApp, TOKEN};
use kgql::config::SettingsLayer;
use serde_json::{json, Value};

const ITU: &str = "https://w3id.org/kgql/id/org/itu";

/// Posts a GraphQL request and returns the JSON body, asserting a 200.
fn graphql(app: &TestApp, query: &str, variables: Value) -> Value {
    let response = app
        .post("/graphql")
        .header("content-type", "application/json")
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": query, "variables": variables }))
        .send()
        .expect("request");
    let status = response.status();
    let body: Value = response.json().expect("JSON body");
    assert_eq!(status, 200, "{body:#}");
    body
}

/// Like [`graphql`], and asserts there are no errors.
fn data(app: &TestApp, query: &str, variables: Value) -> Value {
    let body = graphql(app, query, variables);
    assert!(body.get("errors").is_none(), "{body:#}");
    body["data"].clone()
}

fn sparql_queries(body: &Value) -> u64 {
    body["extensions"]["kgql"]["sparqlQueries"]
        .as_u64()
        .expect("the query count extension")
}

/// The levels a request read: each is one SPARQL query, or point reads of statements where the
/// store offers them.
fn levels(body: &Value) -> u64 {
    sparql_queries(body)
        + body["extensions"]["kgql"]["directReads"]
            .as_u64()
            .unwrap_or(0)
}

/// The distinct values of `?x` a SPARQL query returns, sorted.
fn sparql_column(app: &TestApp, query: &str) -> Vec<String> {
    let results = app.select(query);
    let mut values: Vec<String> = results["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["x"]["value"].as_str().unwrap().to_owned())
        .collect();
    values.sort();
    values.dedup();
    values
}

#[test]
fn the_served_schema_is_the_checked_in_schema_without_its_directives() {
    use async_graphql::parser::parse_schema;
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let app = spawn_app_with(Options {
        seed: false,
        ..Options::default()
    });
    let served = app
        .get("/graphql/schema.graphql")
        .send()
        .unwrap()
        .text()
        .unwrap();
    let checked_in = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schema.graphql"),
    )
    .unwrap();
    // Each type as a canonical line per field: name, arguments with types and defaults, type.
    fn canonical(sdl: &str) -> std::collections::BTreeMap<String, Vec<String>> {
        let document = parse_schema(sdl).expect("valid SDL");
        let mut types = std::collections::BTreeMap::new();
        for definition in document.definitions {
            let TypeSystemDefinition::Type(definition) = definition else {
                continue;
            };
            let definition = definition.node;
            let name = definition.name.node.to_string();
            let mut lines = Vec::new();
            let field_line = |f: &async_graphql::parser::types::FieldDefinition| {
                let arguments: Vec<String> = f
                    .arguments
                    .iter()
                    .map(|a| {
                        format!(
                            "{}: {}{}",
                            a.node.name.node,
                            a.node.ty.node,
                            a.node
                                .default_value
                                .as_ref()
                                .map(|d| format!(" = {}", d.node))
                                .unwrap_or_default()
                        )
                    })
                    .collect();
                format!("{}({}): {}", f.name.node, arguments.join(", "), f.ty.node)
            };
            match &definition.kind {
                TypeKind::Object(o) => {
                    let mut implements: Vec<_> =
                        o.implements.iter().map(|i| i.node.to_string()).collect();
                    implements.sort();
                    lines.push(format!("object implements {}", implements.join(" & ")));
                    lines.extend(o.fields.iter().map(|f| field_line(&f.node)));
                }
                TypeKind::Interface(i) => {
                    lines.push("interface".to_owned());
                    lines.extend(i.fields.iter().map(|f| field_line(&f.node)));
                }
                TypeKind::InputObject(i) => {
                    lines.push("input".to_owned());
                    lines.extend(
                        i.fields
                            .iter()
                            .map(|f| format!("{}: {}", f.node.name.node, f.node.ty.node)),
                    );
                }
                TypeKind::Enum(e) => {
                    lines.push("enum".to_owned());
                    lines.extend(e.values.iter().map(|v| v.node.value.node.to_string()));
                }
                TypeKind::Scalar => lines.push("scalar".to_owned()),
                TypeKind::Union(_) => lines.push("union".to_owned()),
            }
            lines.sort();
            types.insert(name, lines);
        }
        types
    }
    let served = canonical(&served);
    let checked_in = canonical(&checked_in);
    for (name, lines) in &checked_in {
        assert_eq!(served.get(name), Some(lines), "type {name} differs");
    }
    let extra: Vec<_> = served
        .keys()
        .filter(|name| !checked_in.contains_key(*name))
        .collect();
    assert!(
        extra.is_empty(),
        "served types not in schema.graphql: {extra:?}"
    );
}

#[test]
fn a_lookup_reads_fields_and_nested_lists_in_both_directions_with_one_query_per_level() {
    let app = spawn_app();
    let body = graphql(
        &app,
        r#"query ($iri: String!) {
          organization(iri: $iri) {
            id iri label fr: label(lang: "fr") altLabels
            organisedEvents(first: 3, orderBy: [{field: startDate, direction: DESC}]) {
              totalCount
              pageInfo { hasNextPage hasPreviousPage }
              edges { cursor node { iri label startDate organizers { ... on Organization { iri } } } }
            }
          }
        }"#,
        json!({ "iri": ITU }),
    );
    assert!(body.get("errors").is_none(), "{body:#}");
    let itu = &body["data"]["organization"];
    assert_eq!(itu["iri"], ITU);
    assert_eq!(itu["id"], ITU);
    assert_eq!(itu["label"], "International Telecommunication Union");
    assert_eq!(itu["fr"], "Union internationale des télécommunications");
    assert!(itu["altLabels"].as_array().unwrap().contains(&json!("ITU")));
    // The organised events, as SPARQL sees them.
    let expected = sparql_column(
        &app,
        &format!("SELECT ?x WHERE {{ ?x <http://schema.org/organizer> <{ITU}> ; a <http://schema.org/Event> }}"),
    );
    let events = &itu["organisedEvents"];
    assert_eq!(events["totalCount"], expected.len());
    let edges = events["edges"].as_array().unwrap();
    assert_eq!(edges.len(), 3.min(expected.len()));
    assert_eq!(events["pageInfo"]["hasNextPage"], expected.len() > 3);
    assert_eq!(events["pageInfo"]["hasPreviousPage"], false);
    // Newest first; every event lists ITU among its organisers (the inverse direction).
    let dates: Vec<&str> = edges
        .iter()
        .filter_map(|e| e["node"]["startDate"].as_str())
        .collect();
    let mut sorted = dates.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(dates, sorted);
    for edge in edges {
        assert!(expected.contains(&edge["node"]["iri"].as_str().unwrap().to_owned()));
        assert!(edge["node"]["organizers"]
            .as_array()
            .unwrap()
            .contains(&json!({ "iri": ITU })));
    }
    // The lookup and the nested page: two levels, the nested page a SPARQL query.
    assert_eq!(levels(&body), 2, "{body:#}");
    // The embedded store reads the looked-up node's fields directly; remote engines are asked.
    let direct = &body["extensions"]["kgql"]["directReads"];
    match backend() {
        Backend::Embedded => assert_eq!(direct, 1, "{body:#}"),
        _ => assert!(direct.is_null(), "{body:#}"),
    }
}

#[test]
fn nested_pages_are_cut_per_parent_in_one_query_per_level() {
    let app = spawn_app();
    let body = graphql(
        &app,
        r#"{ organizations(first: 50, orderBy: [{field: label}]) {
              totalCount
              edges { node { iri subOrganizations(first: 1) { totalCount nodes { iri } } } }
        } }"#,
        json!({}),
    );
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(levels(&body), 2);
    let expected = sparql_column(
        &app,
        "SELECT ?x WHERE { ?x a <http://www.w3.org/ns/org#Organization> }",
    );
    let page = &body["data"]["organizations"];
    assert_eq!(page["totalCount"], expected.len());
    let mut with_units = 0;
    for edge in page["edges"].as_array().unwrap() {
        let node = &edge["node"];
        let units = sparql_column(
            &app,
            &format!(
                "SELECT ?x WHERE {{ <{}> <http://www.w3.org/ns/org#hasSubOrganization> ?x . ?x a <http://www.w3.org/ns/org#Organization> }}",
                node["iri"].as_str().unwrap()
            ),
        );
        let nested = &node["subOrganizations"];
        assert_eq!(nested["totalCount"], units.len(), "{node:#}");
        assert_eq!(
            nested["nodes"].as_array().unwrap().len(),
            units.len().min(1)
        );
        if !units.is_empty() {
            with_units += 1;
            assert_eq!(nested["nodes"][0]["iri"].as_str().unwrap(), units[0]);
        }
    }
    assert!(
        with_units >= 2,
        "the seed has several organisations with units"
    );
}

#[test]
fn sibling_pages_keep_their_own_orders_and_fields_come_in_the_order_asked() {
    let app = spawn_app();
    // Two pages of one node, each in its own order, and the same relationship in both
    // directions of IRI order.
    let itu_t = "https://w3id.org/kgql/id/org/itu-t";
    let body = data(
        &app,
        &format!(
            r#"{{ organization(iri: "{itu_t}") {{
                byLabel: subOrganizations(first: 3, orderBy: [{{ field: label }}]) {{ nodes {{ iri label }} }}
                lastByIri: subOrganizations(last: 2) {{ nodes {{ iri }} }}
                byIriDown: subOrganizations(first: 2, orderBy: [{{ field: iri, direction: DESC }}]) {{ nodes {{ iri }} }}
                latest: organisedEvents(first: 2, orderBy: [{{ field: startDate, direction: DESC }}]) {{ nodes {{ iri startDate }} }} }} }}"#
        ),
        json!({}),
    );
    let org = &body["organization"];
    let iris = |page: &str| -> Vec<String> {
        org[page]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["iri"].as_str().unwrap().to_owned())
            .collect()
    };
    let units = sparql_column(
        &app,
        &format!("SELECT ?x WHERE {{ <{itu_t}> <http://www.w3.org/ns/org#hasSubOrganization> ?x . ?x a <http://www.w3.org/ns/org#Organization> }} ORDER BY ?x"),
    );
    assert!(units.len() >= 3, "ITU-T has study groups in the seed");
    assert_eq!(iris("lastByIri"), units[units.len() - 2..].to_vec());
    assert_eq!(
        iris("byIriDown"),
        units.iter().rev().take(2).cloned().collect::<Vec<_>>()
    );
    let labels: Vec<&str> = org["byLabel"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["label"].as_str().unwrap())
        .collect();
    assert!(labels.windows(2).all(|w| w[0] <= w[1]), "{labels:?}");
    let dates: Vec<&str> = org["latest"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["startDate"].as_str().unwrap())
        .collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "{dates:?}");
    // The response's fields come in the order of the selection, whichever it is.
    for (first, second) in [("label", "iri"), ("iri", "label")] {
        let text = app
            .post("/graphql")
            .json(&json!({ "query": format!("{{ organization(iri: \"{ITU}\") {{ {first} {second} }} }}") }))
            .send()
            .unwrap()
            .text()
            .unwrap();
        let at = |name: &str| text.find(&format!("\"{name}\"")).unwrap();
        assert!(at(first) < at(second), "{text}");
    }
}

#[test]
fn cursor_pages_cover_the_list_forwards_and_backwards() {
    let app = spawn_app();
    let query = r#"query ($first: Int, $after: String, $last: Int, $before: String) {
        goals(first: $first, after: $after, last: $last, before: $before, orderBy: [{field: notation}]) {
          totalCount
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          edges { cursor node { iri notation } }
        } }"#;
    let all = data(&app, query, json!({ "first": 100 }));
    let all: Vec<String> = all["goals"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["iri"].as_str().unwrap().to_owned())
        .collect();
    assert!(all.len() >= 17);
    // Forwards, three at a time.
    let mut seen = Vec::new();
    let mut after = Value::Null;
    loop {
        let page = data(&app, query, json!({ "first": 3, "after": after }));
        let page = &page["goals"];
        seen.extend(
            page["edges"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["node"]["iri"].as_str().unwrap().to_owned()),
        );
        if page["pageInfo"]["hasNextPage"] != true {
            break;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, all);
    // Backwards from the end, four at a time.
    let mut seen = Vec::new();
    let mut before = Value::Null;
    loop {
        let page = data(&app, query, json!({ "last": 4, "before": before }));
        let page = &page["goals"];
        let mut nodes: Vec<String> = page["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["node"]["iri"].as_str().unwrap().to_owned())
            .collect();
        nodes.extend(seen);
        seen = nodes;
        if page["pageInfo"]["hasPreviousPage"] != true {
            break;
        }
        before = page["pageInfo"]["startCursor"].clone();
    }
    assert_eq!(seen, all);
    // A cursor that is not one is an error that says so.
    let body = graphql(&app, query, json!({ "first": 1, "after": "nonsense" }));
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("`after` is not a cursor"));
}

#[test]
fn filters_combine_fields_relations_and_logic() {
    let app = spawn_app();
    // Events organised by ITU that started in 2024 or later.
    let body = data(
        &app,
        r#"query ($itu: String!) { events(first: 100, filter: {
              startDate: { gte: "2024-01-01" },
              organizers: { some: { iri: { eq: $itu } } }
            }) { totalCount nodes { iri } } }"#,
        json!({ "itu": ITU }),
    );
    let expected = sparql_column(
        &app,
        &format!(
            "SELECT ?x WHERE {{ ?x a <http://schema.org/Event> ; <http://schema.org/organizer> <{ITU}> ; <http://schema.org/startDate> ?d FILTER(STR(?d) >= \"2024-01-01\") }}"
        ),
    );
    assert!(!expected.is_empty());
    assert_eq!(body["events"]["totalCount"], expected.len());
    // Organisations without any initiative they initiated, whose label mentions "union".
    let body = data(
        &app,
        r#"{ organizations(first: 100, filter: {
              label: { contains: "UNION" },
              NOT: { OR: [{ altLabels: { eq: "nothing-has-this" } }, { initiated: { some: {} } }] }
            }) { nodes { iri label } } }"#,
        json!({}),
    );
    let expected = sparql_column(
        &app,
        "SELECT ?x WHERE { ?x a <http://www.w3.org/ns/org#Organization> ; <http://www.w3.org/2004/02/skos/core#prefLabel>|<http://www.w3.org/2000/01/rdf-schema#label> ?l
           FILTER(CONTAINS(LCASE(STR(?l)), \"union\"))
           FILTER NOT EXISTS { ?i <https://w3id.org/kgql/ontology#initiatedBy> ?x . ?i a <http://www.w3.org/ns/org#Organization> } }",
    );
    let mut got: Vec<String> = body["organizations"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["iri"].as_str().unwrap().to_owned())
        .collect();
    got.sort();
    assert_eq!(got, expected);
    assert!(got.contains(&ITU.to_owned()));
    // `none: {}`: goals that nothing serves.
    let body = data(
        &app,
        "{ goals(first: 100, filter: { servedBy: { none: {} } }) { totalCount } }",
        json!({}),
    );
    let expected = sparql_column(
        &app,
        "SELECT ?x WHERE { ?x a <http://metadata.un.org/sdg/ontology#Goal> FILTER NOT EXISTS { ?s <https://w3id.org/kgql/ontology#servesGoal> ?x } }",
    );
    assert_eq!(body["goals"]["totalCount"], expected.len());
}

#[test]
fn hostile_input_stays_a_value() {
    let app = spawn_app();
    for text in [
        "\"} } DROP ALL #",
        "a\nb",
        "ünïcödé ✓ \\u0000",
        "' OR 1=1 --",
        "<https://example.org/x> }",
    ] {
        let body = data(
            &app,
            "query ($t: String!) { organizations(filter: { label: { contains: $t } }) { totalCount } }",
            json!({ "t": text }),
        );
        assert_eq!(body["organizations"]["totalCount"], 0, "{text}");
    }
    // An IRI with a space is refused with a message, not spliced into a query.
    let body = graphql(
        &app,
        "{ organization(iri: \"https://w3id.org/kgql/id/org/itu> } ; DROP ALL\") { iri } }",
        json!({}),
    );
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("not a valid IRI"));
    // Unknown nodes are null, not errors.
    let body = data(
        &app,
        "{ organization(iri: \"https://w3id.org/kgql/id/org/none\") { iri } }",
        json!({}),
    );
    assert_eq!(body["organization"], Value::Null);
}

#[test]
fn interfaces_resolve_to_the_most_specific_type() {
    let app = spawn_app();
    let body = data(
        &app,
        r#"{ entity(iri: "https://w3id.org/kgql/id/initiative/ai-for-good") {
              __typename label
              ... on Initiative { aims { label } organizers { __typename iri } }
           }
           node(id: "https://w3id.org/kgql/id/person/ren-xianliang") { __typename id ... on Person { familyName } } }"#,
        json!({}),
    );
    assert_eq!(body["entity"]["__typename"], "Initiative");
    assert_eq!(body["entity"]["aims"].as_array().unwrap().len(), 3);
    assert_eq!(
        body["entity"]["organizers"][0]["__typename"],
        "Organization"
    );
    assert_eq!(body["node"]["__typename"], "Person");
    assert_eq!(body["node"]["familyName"], "Ren");
}

#[test]
fn explain_shows_the_sparql_only_where_enabled() {
    let request = json!({
        "query": "{ goals(first: 1, filter: { label: { contains: \"poverty\" } }) { nodes { iri } } }",
        "extensions": { "explain": true }
    });
    let app = spawn_app_with(Options {
        layer: SettingsLayer {
            graphql_explain: Some(true),
            ..SettingsLayer::default()
        },
        ..Options::default()
    });
    let body: Value = app
        .post("/graphql")
        .json(&request)
        .send()
        .unwrap()
        .json()
        .unwrap();
    let sparql = body["extensions"]["kgql"]["sparql"][0].as_str().unwrap();
    assert!(sparql.contains("SELECT DISTINCT"), "{sparql}");
    assert!(
        sparql.contains("<http://metadata.un.org/sdg/ontology#Goal>"),
        "{sparql}"
    );
    let app = spawn_app();
    let body: Value = app
        .post("/graphql")
        .json(&request)
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(body["extensions"]["kgql"].get("sparql").is_none());
    assert!(body["extensions"]["kgql"]["explain"]
        .as_str()
        .unwrap()
        .contains("not enabled"));
}

#[test]
fn graphql_over_http_rules() {
    let app = spawn_app_with(Options {
        seed: false,
        ..Options::default()
    });
    // A syntax error: 400 with graphql-response+json and no `data`, 200 with plain JSON.
    let response = app
        .post("/graphql")
        .header("accept", "application/graphql-response+json")
        .json(&json!({ "query": "{ goals(first: ) }" }))
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().unwrap();
    assert!(body.get("data").is_none());
    assert!(
        body["errors"][0]["locations"][0]["line"].as_u64() == Some(1),
        "{body}"
    );
    let response = app
        .post("/graphql")
        .header("accept", "application/json")
        .json(&json!({ "query": "{ goals(first: ) }" }))
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
    // An Accept header that cannot be read is refused, not guessed at.
    let response = app
        .post("/graphql")
        .header("accept", "json")
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().unwrap().contains("Accept"));
    // Bodies that are not GraphQL requests.
    let response = app
        .post("/graphql")
        .header("content-type", "application/json")
        .body("{\"query\": ")
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
    assert!(response.text().unwrap().contains("line 1"));
    let response = app
        .post("/graphql")
        .header("content-type", "text/plain")
        .body("{ goals { totalCount } }")
        .send()
        .unwrap();
    assert_eq!(response.status(), 415);
    // GET runs queries; browsers get GraphiQL, whose assets are served locally.
    let response = app.get("/graphql?query=%7B__typename%7D").send().unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.json::<Value>().unwrap()["data"]["__typename"],
        "Query"
    );
    let page = app
        .get("/graphql")
        .header("accept", "text/html")
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(page.contains("/graphiql/graphiql.min.js"));
    assert!(!page.contains("https://unpkg") && !page.contains("cdn"));
    let asset = app.get("/graphiql/graphiql.min.js").send().unwrap();
    assert_eq!(asset.status(), 200);
    assert!(asset.bytes().unwrap().len() > 100_000);
    // Limits: pages and depth.
    let body: Value = app
        .post("/graphql")
        .json(&json!({ "query": "{ goals(first: 100000) { totalCount } }" }))
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("at most"));
}

#[test]
fn the_graphql_http_audits_pass() {
    let app = spawn_app_with(Options {
        seed: false,
        ..Options::default()
    });
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = std::process::Command::new("node")
        .arg(root.join("tests/graphql-http/audit.mjs"))
        .arg(format!("{}/graphql", app.url))
        .output()
        .expect("node runs (scripts/install-deps.sh installs the audit's packages)");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("MUST failures: 0, SHOULD failures: 0"),
        "{stdout}"
    );
}

#[test]
fn search_ranks_matches_in_any_language() {
    let app = spawn_app();
    let body = graphql(
        &app,
        r#"{ itu: search(text: "itu", first: 5) { score matched entity { __typename iri } }
             zh: search(text: "国际电信联盟") { entity { iri } }
             orgs: search(text: "union", types: ["Organization"], first: 50) { entity { __typename } } }"#,
        json!({}),
    );
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(sparql_queries(&body), 3, "one query per search");
    // The embedded store answers from its full-text index; remote engines scan.
    let from_index = &body["extensions"]["kgql"]["indexSearches"];
    match backend() {
        Backend::Embedded => assert_eq!(from_index, 3, "{body:#}"),
        _ => assert!(from_index.is_null(), "{body:#}"),
    }
    let hits = body["data"]["itu"].as_array().unwrap();
    // The exact match (ITU's acronym) ranks first, and scores never increase.
    assert_eq!(hits[0]["entity"]["iri"], ITU, "{hits:#?}");
    assert_eq!(hits[0]["score"], 3.0);
    assert_eq!(hits[0]["matched"], "ITU");
    let scores: Vec<f64> = hits.iter().map(|h| h["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "{scores:?}");
    assert_eq!(body["data"]["zh"][0]["entity"]["iri"], ITU);
    let orgs = body["data"]["orgs"].as_array().unwrap();
    assert!(!orgs.is_empty());
    assert!(orgs.iter().all(|h| h["entity"]["__typename"] != "Person"));
    // An empty text or an unknown type is an error that says so.
    let body = graphql(&app, r#"{ search(text: "  ") { score } }"#, json!({}));
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("must not be empty"));
    let body = graphql(
        &app,
        r#"{ search(text: "x", types: ["Nope"]) { score } }"#,
        json!({}),
    );
    assert!(body["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("`Nope`"));
}

/// Runs a SPARQL update that must succeed.
fn update(app: &TestApp, update: &str) {
    let response = app.update(update);
    assert!(
        response.status().is_success(),
        "{update}: {}",
        response.text().unwrap()
    );
}

/// The IRIs and scores a search finds.
fn found(app: &TestApp, text: &str) -> Vec<(String, f64)> {
    let body = graphql(
        app,
        "query($t: String!) { search(text: $t, first: 20) { score entity { iri } } }",
        json!({ "t": text }),
    );
    assert!(body.get("errors").is_none(), "{body:#}");
    if backend() == Backend::Embedded {
        assert_eq!(body["extensions"]["kgql"]["indexSearches"], 1, "{body:#}");
    }
    body["data"]["search"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            (
                h["entity"]["iri"].as_str().unwrap().to_owned(),
                h["score"].as_f64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn search_follows_every_write() {
    let app = spawn_app();
    let x = "https://w3id.org/kgql/id/org/zyxwv-alliance";
    let graph = "https://w3id.org/kgql/graph/search-test";
    update(
        &app,
        &format!(
            r#"PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
               INSERT DATA {{ GRAPH <{graph}> {{
                 <{x}> a <http://www.w3.org/ns/org#Organization> ;
                   skos:prefLabel "Zyxwv Alliance"@en ; skos:altLabel "ZXQ" }} }}"#
        ),
    );
    assert_eq!(found(&app, "zyxwv"), [(x.to_owned(), 2.0)]);
    assert_eq!(found(&app, "zxq"), [(x.to_owned(), 3.0)]);
    // A rewrite through a variable subject.
    update(
        &app,
        r#"PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
           DELETE { GRAPH ?g { ?o skos:prefLabel ?l } }
           INSERT { GRAPH ?g { ?o skos:prefLabel "Qwertz Alliance"@en } }
           WHERE { GRAPH ?g { ?o skos:prefLabel ?l FILTER(STR(?l) = "Zyxwv Alliance") } }"#,
    );
    assert!(found(&app, "zyxwv").is_empty());
    assert_eq!(found(&app, "qwertz alliance"), [(x.to_owned(), 3.0)]);
    // Its graph replaced through the Graph Store Protocol: the node says nothing any more.
    let response = app
        .client
        .put(format!("{}/store?graph={graph}", app.url))
        .bearer_auth(TOKEN)
        .header("content-type", "text/turtle")
        .body("<https://w3id.org/kgql/id/org/other> <http://www.w3.org/2000/01/rdf-schema#label> \"Qwertz Other\" .")
        .send()
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}",
        response.text().unwrap()
    );
    assert_eq!(
        found(&app, "qwertz"),
        [("https://w3id.org/kgql/id/org/other".to_owned(), 2.0)]
    );
    // The graph dropped.
    update(&app, &format!("DROP GRAPH <{graph}>"));
    assert!(found(&app, "qwertz").is_empty());
    // Dropped, it is gone: dropping it again is an error, and changes nothing.
    let response = app.update(&format!("DROP GRAPH <{graph}>"));
    assert_eq!(response.status(), 400);
    assert!(response.text().unwrap().contains("does not exist"));
}

/// The events from 2090 on, latest first: their IRIs and dates, and their number.
fn future_events(app: &TestApp) -> (Vec<(String, String)>, u64) {
    let body = graphql(
        app,
        r#"{ events(first: 5, filter: { startDate: { gte: "2090" } },
               orderBy: [{ field: startDate, direction: DESC }]) {
               totalCount nodes { iri startDate } } }"#,
        json!({}),
    );
    assert!(body.get("errors").is_none(), "{body:#}");
    if backend() == Backend::Embedded {
        assert_eq!(body["extensions"]["kgql"]["indexPages"], 1, "{body:#}");
    }
    let page = &body["data"]["events"];
    let nodes = page["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["iri"].as_str().unwrap().to_owned(),
                n["startDate"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (nodes, page["totalCount"].as_u64().unwrap())
}

#[test]
fn ordered_pages_follow_every_write() {
    let app = spawn_app();
    let graph = "https://w3id.org/kgql/graph/page-test";
    let (a, b) = (
        "https://w3id.org/kgql/id/event/future-a",
        "https://w3id.org/kgql/id/event/future-b",
    );
    assert_eq!(future_events(&app), (Vec::new(), 0));
    update(
        &app,
        &format!(
            r#"PREFIX schema: <http://schema.org/>
               PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
               INSERT DATA {{ GRAPH <{graph}> {{
                 <{a}> a schema:Event ; schema:startDate "2098-01-01"^^xsd:date .
                 <{b}> a schema:Event ; schema:startDate "2099-05-01"^^xsd:date }} }}"#
        ),
    );
    let pair = |iri: &str, date: &str| (iri.to_owned(), date.to_owned());
    assert_eq!(
        future_events(&app),
        (vec![pair(b, "2099-05-01"), pair(a, "2098-01-01")], 2)
    );
    // A date rewritten through a variable subject moves its node.
    update(
        &app,
        r#"PREFIX schema: <http://schema.org/>
           PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
           DELETE { GRAPH ?g { ?e schema:startDate ?d } }
           INSERT { GRAPH ?g { ?e schema:startDate "2097-01-01"^^xsd:date } }
           WHERE { GRAPH ?g { ?e schema:startDate ?d FILTER(STR(?d) = "2099-05-01") } }"#,
    );
    assert_eq!(
        future_events(&app),
        (vec![pair(a, "2098-01-01"), pair(b, "2097-01-01")], 2)
    );
    // A node that loses its class leaves the list.
    update(
        &app,
        &format!("DELETE DATA {{ GRAPH <{graph}> {{ <{a}> a <http://schema.org/Event> }} }}"),
    );
    assert_eq!(future_events(&app), (vec![pair(b, "2097-01-01")], 1));
    update(&app, &format!("DROP GRAPH <{graph}>"));
    assert_eq!(future_events(&app), (Vec::new(), 0));
}

#[test]
fn neighbourhoods_and_paths_are_drawable_graphs() {
    let app = spawn_app();
    let wic = "https://w3id.org/kgql/id/org/wic";
    let body = data(
        &app,
        &format!(
            r#"{{ neighbourhood(iri: "{ITU}", depth: 1) {{
                   nodes {{ distance entity {{ __typename iri label }} }}
                   edges {{ source target predicate label }} }}
                 paths(from: "{wic}", to: "{ITU}", maxLength: 3, first: 5) {{
                   nodes {{ iri label }}
                   edges {{ source predicate target label }} }} }}"#
        ),
        json!({}),
    );
    let graph = &body["neighbourhood"];
    let nodes = graph["nodes"].as_array().unwrap();
    assert!(nodes
        .iter()
        .any(|n| n["entity"]["iri"] == ITU && n["distance"] == 0));
    // Every neighbour is linked to ITU, as SPARQL sees it.
    let expected = sparql_column(
        &app,
        &format!(
            "SELECT ?x WHERE {{ {{ <{ITU}> ?p ?x }} UNION {{ ?x ?p <{ITU}> }} FILTER(isIRI(?x) && ?p != <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> && !STRSTARTS(STR(?p), \"http://www.w3.org/ns/shacl#\")) FILTER EXISTS {{ ?x ?q ?y }} }}"
        ),
    );
    let mut neighbours: Vec<String> = nodes
        .iter()
        .filter(|n| n["distance"] == 1)
        .map(|n| n["entity"]["iri"].as_str().unwrap().to_owned())
        .collect();
    neighbours.sort();
    let expected: Vec<String> = expected.into_iter().filter(|x| x != ITU).collect();
    assert_eq!(neighbours, expected);
    for edge in graph["edges"].as_array().unwrap() {
        assert!(edge["source"] == ITU || edge["target"] == ITU, "{edge}");
    }
    assert!(graph["edges"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["label"].is_string()));
    // Paths from the WIC to ITU: shortest first, each a chain of links.
    let paths = body["paths"].as_array().unwrap();
    assert!(!paths.is_empty(), "the WIC and ITU are connected");
    let lengths: Vec<usize> = paths
        .iter()
        .map(|p| p["edges"].as_array().unwrap().len())
        .collect();
    assert!(lengths.windows(2).all(|w| w[0] <= w[1]), "{lengths:?}");
    // Links carry their property's label where the ontology gives one.
    assert!(
        paths
            .iter()
            .flat_map(|p| p["edges"].as_array().unwrap())
            .any(|e| e["label"].is_string()),
        "{paths:#?}"
    );
    for path in paths {
        let nodes = path["nodes"].as_array().unwrap();
        let edges = path["edges"].as_array().unwrap();
        assert_eq!(nodes.len(), edges.len() + 1);
        assert_eq!(nodes[0]["iri"], wic);
        assert_eq!(nodes[nodes.len() - 1]["iri"], ITU);
        for (i, edge) in edges.iter().enumerate() {
            let ends = [&nodes[i]["iri"], &nodes[i + 1]["iri"]];
            assert!(
                ends.contains(&&edge["source"]) && ends.contains(&&edge["target"]),
                "{path:#}"
            );
        }
    }
}

#[test]
fn limits_and_the_query_metric() {
    let app = spawn_app_with(Options {
        layer: SettingsLayer {
            graphql_max_depth: Some(4),
            ..SettingsLayer::default()
        },
        ..Options::default()
    });
    // Too deep: refused before any SPARQL runs, with a message that says why.
    let response = app
        .post("/graphql")
        .json(&json!({ "query": format!(
            "{{ organization(iri: \"{ITU}\") {{ subOrganizationOf {{ subOrganizationOf {{ subOrganizationOf {{ subOrganizationOf {{ iri }} }} }} }} }} }}"
        ) }))
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().unwrap();
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("depth"),
        "{body:#}"
    );
    assert_eq!(sparql_queries(&body), 0);
    // Every SPARQL query a GraphQL request sends is counted in the metrics.
    let body = graphql(
        &app,
        &format!(
            "{{ organization(iri: \"{ITU}\") {{ posts(first: 2, orderBy: [{{ field: label }}]) {{ totalCount }} }} }}"
        ),
        json!({}),
    );
    assert_eq!(levels(&body), 2);
    let sent = sparql_queries(&body);
    assert!(
        sent >= 1,
        "a nested page ordered by a field is a query: {body:#}"
    );
    let metrics = app.get("/metrics").send().unwrap().text().unwrap();
    let counted: f64 = metrics
        .lines()
        .find(|l| l.starts_with("kgql_sparql_queries_total{origin=\"graphql\"}"))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no GraphQL query counter in\n{metrics}"));
    assert!(counted >= sent as f64, "{counted}");
}

/// Automatic persisted queries, as Apollo's clients send them: the hash alone first (unknown:
/// `PersistedQueryNotFound`), then the text with its hash (registered and run), then the hash
/// alone by GET, a URL that names the query. A text that is not the hash's, or another version,
/// is refused and registers nothing.
#[test]
fn persisted_queries_are_registered_by_their_hash_and_run_by_it() {
    use sha2::Digest;
    let app = spawn_app();
    let query = r#"{ organization(iri: "https://w3id.org/kgql/id/org/itu") { label } }"#;
    let hash: String = sha2::Sha256::digest(query.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let persisted = serde_json::json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let post = |body: serde_json::Value, accept: &str| {
        let response = app
            .post("/graphql")
            .header("accept", accept)
            .json(&body)
            .send()
            .unwrap();
        let status = response.status().as_u16();
        (status, response.json::<serde_json::Value>().unwrap())
    };
    // Unknown yet: the client is told to send the text (a request error, so 400 under
    // GraphQL-over-HTTP's own media type).
    let (status, body) = post(
        serde_json::json!({ "extensions": persisted }),
        "application/json",
    );
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["errors"][0]["message"], "PersistedQueryNotFound",
        "{body}"
    );
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        "PERSISTED_QUERY_NOT_FOUND"
    );
    let (status, _) = post(
        serde_json::json!({ "extensions": persisted }),
        "application/graphql-response+json",
    );
    assert_eq!(status, 400);
    // A text that is not the hash's is refused, and registers nothing.
    let (_, body) = post(
        serde_json::json!({ "query": "{ __typename }", "extensions": persisted }),
        "application/json",
    );
    assert_eq!(
        body["errors"][0]["message"], "provided sha does not match query",
        "{body}"
    );
    assert!(body.get("data").is_none(), "{body}");
    let (_, body) = post(
        serde_json::json!({ "extensions": persisted }),
        "application/json",
    );
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "PERSISTED_QUERY_NOT_FOUND",
        "a mismatched text registers nothing: {body}"
    );
    // The text with its hash: registered and run.
    let (_, body) = post(
        serde_json::json!({ "query": query, "extensions": persisted }),
        "application/json",
    );
    assert_eq!(
        body["data"]["organization"]["label"], "International Telecommunication Union",
        "{body}"
    );
    // Then the hash alone runs it, by POST and by GET.
    let (_, by_post) = post(
        serde_json::json!({ "extensions": persisted }),
        "application/json",
    );
    assert_eq!(by_post["data"], body["data"], "{by_post}");
    let extensions = serde_json::to_string(&persisted).unwrap();
    let url = format!(
        "/graphql?extensions={}",
        form_urlencoded::byte_serialize(extensions.as_bytes()).collect::<String>()
    );
    let by_get: serde_json::Value = app
        .get(&url)
        .header("accept", "application/json")
        .send()
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(by_get["data"], body["data"], "{by_get}");
    // Another version, or a persisted query of another shape, is refused as the request's fault.
    for persisted in [
        serde_json::json!({ "version": 2, "sha256Hash": hash }),
        serde_json::json!({ "version": "1", "sha256Hash": hash }),
        serde_json::json!({ "version": 1, "sha256Hash": 42 }),
        serde_json::json!({ "version": 1, "sha256Hash": "ab".repeat(5000) }),
        serde_json::json!({ "version": 1, "sha256Hash": "g".repeat(64) }),
        serde_json::json!({ "version": 1 }),
        serde_json::json!([1, hash]),
        serde_json::json!(null),
    ] {
        let (status, body) = post(
            serde_json::json!({ "extensions": { "persistedQuery": persisted } }),
            "application/graphql-response+json",
        );
        assert_eq!(status, 400, "{persisted}: {body}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"], "BAD_REQUEST",
            "{persisted}: {body}"
        );
    }
}
