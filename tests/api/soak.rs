//! Soak, in seconds: a mixed read and write load on a generated graph, from several clients at
//! once. No error but the 503s the server chooses, every kind of request answered, the server
//! still answering, its memory bounded. (`benches/soak.rs` runs the same kind of load for
//! minutes on a million triples and reports latencies and memory.)

use crate::helpers::{spawn_app, TOKEN};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The resident memory of this process (the test server runs in it), in bytes.
fn rss() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}

/// Sends request `kind` (0 to 6) of the mix; returns its status (0 when it failed outright).
fn send(client: &reqwest::blocking::Client, url: &str, kind: usize, n: usize, iri: &str) -> u16 {
    let response = match kind {
        0 => client.post(format!("{url}/graphql")).json(&serde_json::json!({
            "query": "query($i: String!) { organization(iri: $i) { label subOrganizations(first: 5) { nodes { label } } } }",
            "variables": { "i": iri },
        })).send(),
        1 => client.post(format!("{url}/graphql")).json(&serde_json::json!({
            "query": "{ search(text: \"union\", first: 5) { entity { iri } } organizations(first: 10, orderBy: [{field: label}]) { totalCount nodes { label } } }",
        })).send(),
        2 => client
            .post(format!("{url}/sparql"))
            .header("content-type", "application/sparql-query")
            .body(format!("SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} LIMIT 20"))
            .send(),
        3 => client
            .get(iri.replace("https://w3id.org/kgql", url))
            .header("accept", "text/html")
            .send(),
        4 => client
            .get(iri.replace("https://w3id.org/kgql", url))
            .header("accept", "text/turtle")
            .send(),
        5 => client
            .post(format!("{url}/sparql"))
            .bearer_auth(TOKEN)
            .header("content-type", "application/sparql-update")
            .body(format!(
                "INSERT DATA {{ GRAPH <urn:soak:g> {{ <urn:soak:o{n}> a <http://www.w3.org/ns/org#Organization> ; \
                 <http://www.w3.org/2004/02/skos/core#prefLabel> \"Soak {n}\"@en }} }}"
            ))
            .send(),
        _ => client
            .put(format!("{url}/store?graph=urn:soak:put{}", n % 10))
            .bearer_auth(TOKEN)
            .header("content-type", "application/n-triples")
            .body(format!("<urn:soak:s{n}> <urn:soak:p> \"{n}\" .\n"))
            .send(),
    };
    response
        .and_then(|r| {
            let status = r.status().as_u16();
            r.bytes().map(|_| status)
        })
        .unwrap_or(0)
}

#[test]
fn a_mixed_load_gets_no_errors_and_memory_stays_bounded() {
    let app = spawn_app();
    let mut graph = Vec::new();
    kgql::generate::generate(
        &mut graph,
        &kgql::generate::Options {
            triples: 20_000,
            seed: 11,
            base_iri: "https://w3id.org/kgql/id/".to_owned(),
        },
    )
    .unwrap();
    let response = app
        .post("/store")
        .bearer_auth(TOKEN)
        .header("content-type", "application/n-quads")
        .body(graph)
        .send()
        .unwrap();
    assert!(
        response.status().is_success(),
        "{}",
        response.text().unwrap()
    );
    let organisations: Vec<String> = app.select(
        "SELECT DISTINCT ?o WHERE { ?o a <http://www.w3.org/ns/org#Organization> } LIMIT 100",
    )["results"]["bindings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["o"]["value"].as_str().unwrap().to_owned())
        .collect();
    assert!(organisations.len() > 10);
    let organisations = Arc::new(organisations);
    let outcomes: Arc<Mutex<Vec<(usize, u16, Duration)>>> = Arc::default();
    let before = rss();
    let deadline = Instant::now() + Duration::from_secs(4);
    // A loaded machine may shed (503) every request of a kind in four seconds: the load goes on
    // until each kind has been answered once, for at most 40 s.
    let cap = Instant::now() + Duration::from_secs(40);
    let answered_all = |outcomes: &Mutex<Vec<(usize, u16, Duration)>>| {
        let outcomes = outcomes.lock().unwrap();
        (0..7).all(|kind| {
            outcomes
                .iter()
                .any(|(k, s, _)| *k == kind && (200..300).contains(s))
        })
    };
    let clients: Vec<_> = (0..6)
        .map(|c| {
            let (url, organisations, outcomes) =
                (app.url.clone(), organisations.clone(), outcomes.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(60))
                    .build()
                    .unwrap();
                let mut n = c * 100_000;
                while Instant::now() < deadline
                    || (Instant::now() < cap && !answered_all(&outcomes))
                {
                    n += 1;
                    let iri = &organisations[n % organisations.len()];
                    let kind = n % 7;
                    let started = Instant::now();
                    let status = send(&client, &url, kind, n, iri);
                    outcomes
                        .lock()
                        .unwrap()
                        .push((kind, status, started.elapsed()));
                }
            })
        })
        .collect();
    for client in clients {
        client.join().unwrap();
    }
    let after = rss();
    let outcomes = outcomes.lock().unwrap();
    let errors: Vec<_> = outcomes
        .iter()
        .filter(|(_, status, _)| !(200..300).contains(status) && *status != 503)
        .collect();
    assert!(errors.is_empty(), "errors: {errors:?}");
    for kind in 0..7 {
        assert!(
            outcomes
                .iter()
                .any(|(k, s, _)| *k == kind && (200..300).contains(s)),
            "request kind {kind} was answered: {:?}",
            outcomes
                .iter()
                .filter(|(k, _, _)| *k == kind)
                .map(|(_, s, _)| *s)
                .take(10)
                .collect::<Vec<_>>()
        );
    }
    let mut latencies: Vec<Duration> = outcomes.iter().map(|(_, _, d)| *d).collect();
    latencies.sort();
    eprintln!(
        "soak: {} requests, p50 {:?}, p99 {:?}, memory {} → {} MiB",
        latencies.len(),
        latencies[latencies.len() / 2],
        latencies[latencies.len() * 99 / 100],
        before >> 20,
        after >> 20
    );
    assert!(
        after < before + (512 << 20),
        "memory grew from {before} to {after} bytes"
    );
    assert_eq!(app.get("/healthz").send().unwrap().status(), 200);
    app.select("ASK {}");
}
