//! HTTP caching of answers that depend only on the data: an ETag and Last-Modified on every such
//! answer, 304 without evaluation for a request whose validators hold, and a new tag after every
//! kind of write. The tags are the embedded store's (a remote engine may be written by others:
//! its answers carry none).

use crate::helpers::{backend, spawn_app, Backend, TestApp, TOKEN};

/// The ETag of a GET of `path` with `accept`.
fn etag(app: &TestApp, path: &str, accept: &str) -> String {
    let response = app.get(path).header("accept", accept).send().unwrap();
    assert_eq!(response.status(), 200, "{path}");
    response.headers()["etag"].to_str().unwrap().to_owned()
}

/// The status of a GET of `path` that names `tag`.
fn revalidated(app: &TestApp, path: &str, accept: &str, tag: &str) -> u16 {
    app.get(path)
        .header("accept", accept)
        .header("if-none-match", tag)
        .send()
        .unwrap()
        .status()
        .as_u16()
}

/// The SPARQL queries the server has run, from its metrics.
fn queries(app: &TestApp) -> f64 {
    let metrics = app.get("/metrics").send().unwrap().text().unwrap();
    metrics
        .lines()
        .filter(|line| line.starts_with("kgql_sparql_queries_total"))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[test]
fn answers_of_data_are_revalidated_and_change_with_every_write() {
    if backend() != Backend::Embedded {
        println!("skipped: a remote engine's answers carry no tags");
        return;
    }
    let app = spawn_app();
    let turtle = "text/turtle";
    let cases = [
        ("/id/org/itu", turtle),
        ("/id/org/itu", "text/html"),
        (
            "/sparql?query=ASK%20%7B%20%3Fs%20%3Fp%20%3Fo%20%7D",
            "application/sparql-results+json",
        ),
        (
            "/graphql?query=%7B%20organizations(first%3A%201)%20%7B%20totalCount%20%7D%20%7D",
            "application/json",
        ),
        ("/export?format=nquads", "application/n-quads"),
        ("/.well-known/void", turtle),
        ("/search?q=summit", "text/html"),
    ];
    let tags: Vec<String> = cases.iter().map(|(p, a)| etag(&app, p, a)).collect();
    // One answer, one tag; another representation of it, another tag.
    assert_ne!(tags[0], tags[1]);
    let response = app.get(cases[0].0).header("accept", turtle).send().unwrap();
    assert!(response.headers().contains_key("last-modified"));
    assert_eq!(response.headers()["cache-control"], "no-cache");
    // Caches that key answers by URL learn what else picks the representation.
    for (path, accept) in &cases {
        let response = app.get(path).header("accept", *accept).send().unwrap();
        let vary = response.headers()["vary"].to_str().unwrap().to_owned();
        assert!(vary.contains("Accept"), "{path}: {vary}");
    }
    // The validators hold: 304, with no body and no query run.
    let before = queries(&app);
    assert!(
        before > 0.0,
        "the answers above ran queries, and the metric counts them"
    );
    for ((path, accept), tag) in cases.iter().zip(&tags) {
        let response = app
            .get(path)
            .header("accept", *accept)
            .header("if-none-match", tag.as_str())
            .send()
            .unwrap();
        assert_eq!(response.status(), 304, "{path}");
        assert_eq!(response.headers()["etag"].to_str().unwrap(), tag.as_str());
        assert!(response.text().unwrap().is_empty());
    }
    assert_eq!(queries(&app), before, "a 304 evaluates nothing");
    let modified = response_modified(&app, cases[0].0);
    let since = app
        .get(cases[0].0)
        .header("accept", turtle)
        .header("if-modified-since", modified.as_str())
        .send()
        .unwrap();
    assert_eq!(since.status(), 304);
    // A query whose functions give another value each time carries no tag, however it spells
    // the call.
    for query in [
        "SELECT%20(NOW()%20AS%20%3Fn)%20%7B%7D",
        "SELECT%20(now%20%20(%20)%20AS%20%3Fn)%20%7B%7D",
        "SELECT%20(%52AND%28%29%20AS%20%3Fn)%20%7B%7D",
        "SELECT%20(StrUuid()%20AS%20%3Fn)%20%7B%7D",
    ] {
        let answer = app
            .get(&format!("/sparql?query={query}"))
            .header("accept", "application/sparql-results+json")
            .send()
            .unwrap();
        assert_eq!(answer.status(), 200, "{query}");
        assert!(!answer.headers().contains_key("etag"), "{query}");
    }
    // `If-None-Match: *` asks whether the resource exists: answered in full.
    assert_eq!(revalidated(&app, cases[0].0, turtle, "*"), 200);
    // Garbage validators are no match.
    assert_eq!(
        revalidated(&app, cases[0].0, turtle, "W/\"nothing\", , \"\""),
        200
    );
    let garbled = app
        .get(cases[0].0)
        .header("accept", turtle)
        .header("if-modified-since", "yesterday, or so")
        .send()
        .unwrap();
    assert_eq!(garbled.status(), 200);

    // Every kind of write gives every answer a new tag; a refused write changes nothing.
    let mut tag = tags[0].clone();
    let writes: Vec<(&str, reqwest::blocking::RequestBuilder)> = vec![
        (
            "a SPARQL update",
            app.post("/sparql")
                .header("content-type", "application/sparql-update")
                .body("INSERT DATA { GRAPH <urn:g:cache> { <urn:a> <urn:b> \"1\" } }"),
        ),
        (
            "a Graph Store PUT",
            app.client
                .put(format!("{}/store?graph=urn:g:cache", app.url))
                .header("content-type", "text/turtle")
                .body("<urn:a> <urn:b> \"2\" ."),
        ),
        (
            "a Graph Store POST",
            app.post("/store?graph=urn:g:cache")
                .header("content-type", "text/turtle")
                .body("<urn:a> <urn:b> \"3\" ."),
        ),
        (
            "a Graph Store DELETE",
            app.client
                .delete(format!("{}/store?graph=urn:g:cache", app.url)),
        ),
    ];
    for (what, write) in writes {
        let response = write.bearer_auth(TOKEN).send().unwrap();
        assert!(
            response.status().is_success(),
            "{what}: {}",
            response.status()
        );
        assert_eq!(revalidated(&app, cases[0].0, turtle, &tag), 200, "{what}");
        let next = etag(&app, cases[0].0, turtle);
        assert_ne!(next, tag, "{what}");
        tag = next;
    }
    let refused = app
        .post("/store?graph=urn:g:cache")
        .bearer_auth(TOKEN)
        .header("content-type", "text/turtle")
        .body("<urn:a> <urn:b> \"unterminated .")
        .send()
        .unwrap();
    assert_eq!(refused.status(), 400);
    assert_eq!(revalidated(&app, cases[0].0, turtle, &tag), 304);
}

fn response_modified(app: &TestApp, path: &str) -> String {
    app.get(path)
        .header("accept", "text/turtle")
        .send()
        .unwrap()
        .headers()["last-modified"]
        .to_str()
        .unwrap()
        .to_owned()
}

/// The tags are kept across a clean restart: a client's copy from before is still valid after.
/// (After a crash every tag changes once: the store's version module tests that.)
#[test]
fn tags_survive_a_restart_of_the_server() {
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let serve = |port: u16| {
        std::process::Command::new(env!("CARGO_BIN_EXE_kgql"))
            .args(["--store", store.to_str().unwrap(), "serve", "--bind"])
            .arg(format!("127.0.0.1:{port}"))
            .env_remove("KGQL_CONFIG")
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };
    let port = crate::helpers::free_port();
    let client = reqwest::blocking::Client::new();
    let url = format!("http://127.0.0.1:{port}/id/org/itu");
    let fetch = |tag: Option<&str>| {
        let started = std::time::Instant::now();
        loop {
            let mut request = client.get(&url).header("accept", "text/turtle");
            if let Some(tag) = tag {
                request = request.header("if-none-match", tag);
            }
            if let Ok(response) = request.send() {
                if response.status() != 503 {
                    return response;
                }
            }
            assert!(started.elapsed().as_secs() < 60, "the server did not start");
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
    };
    // Stopped as a service manager stops it (SIGTERM): a clean stop.
    let stop = |mut server: std::process::Child| {
        let stopped = std::process::Command::new("kill")
            .args(["-TERM", &server.id().to_string()])
            .status()
            .unwrap();
        assert!(stopped.success());
        assert!(server.wait().unwrap().success(), "a clean stop");
    };
    let server = serve(port);
    let tag = fetch(None).headers()["etag"].to_str().unwrap().to_owned();
    stop(server);
    let server = serve(port);
    let response = fetch(Some(&tag));
    stop(server);
    assert_eq!(response.status(), 304);
    // A load made with the server stopped is a write like any other.
    let data = dir.path().join("more.ttl");
    std::fs::write(
        &data,
        "<https://example.org/a> <https://example.org/b> \"c\" .\n",
    )
    .unwrap();
    let loaded = std::process::Command::new(env!("CARGO_BIN_EXE_kgql"))
        .args(["--store", store.to_str().unwrap(), "load", "--no-validate"])
        .arg(&data)
        .env_remove("KGQL_CONFIG")
        .output()
        .unwrap();
    assert!(loaded.status.success(), "{loaded:?}");
    let server = serve(port);
    let response = fetch(Some(&tag));
    stop(server);
    assert_eq!(response.status(), 200);
    assert_ne!(response.headers()["etag"].to_str().unwrap(), tag);
}
