//! Crash safety: `kill -9` while writes of every kind stream in, then a restart on the same
//! store. Every write acknowledged before the kill is there, every write cut off is there whole
//! or not at all, and the index of nodes (search, pages) agrees with the store. Run on the
//! embedded store (a remote engine keeps its own data through a crash of kgql).

use crate::helpers::{backend, Backend};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOKEN: &str = "crash-token";
const ORG: &str = "http://www.w3.org/ns/org#Organization";
const PREF_LABEL: &str = "http://www.w3.org/2004/02/skos/core#prefLabel";

/// A `kgql serve` process on `store`; returns it with its URL.
fn start(store: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kgql"))
        .args(["serve", "--no-seed", "--bind", "127.0.0.1:0", "--store"])
        .arg(store)
        .env("KGQL_WRITE_TOKEN", TOKEN)
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("kgql serve starts");
    let log = child.stderr.take().expect("the log");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(log).lines().map_while(Result::ok) {
            if let Some(at) = line.find("kgql listening on ") {
                let url = line[at + "kgql listening on ".len()..]
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
                let _ = sender.send(url);
            }
        }
    });
    let url = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("kgql serve says where it listens");
    (child, url)
}

/// What the writers did: per write, whether it was acknowledged.
#[derive(Default)]
struct Journal {
    updates: Vec<(usize, bool)>,
    puts: Vec<(usize, bool)>,
    posts: Vec<(usize, bool)>,
    deletes: Vec<(usize, bool)>,
}

fn ntriples(subject: &str, count: usize) -> String {
    (0..count)
        .map(|i| format!("<{subject}> <urn:crash:p{i}> \"{i}\" .\n"))
        .collect()
}

/// Streams writes of every kind at the server until `stop`, recording each.
fn write_until(url: &str, stop: &Arc<AtomicBool>, journal: &Arc<Mutex<Journal>>, round: usize) {
    let mut writers = Vec::new();
    for kind in 0..4 {
        let url = url.to_owned();
        let stop = stop.clone();
        let journal = journal.clone();
        writers.push(std::thread::spawn(move || {
            let client = reqwest::blocking::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap();
            let mut i = 0;
            while !stop.load(Ordering::SeqCst) {
                let id = round * 100_000 + i;
                let acknowledged = match kind {
                    // A SPARQL update: an organisation with its label, both or neither.
                    0 => client
                        .post(format!("{url}/sparql"))
                        .bearer_auth(TOKEN)
                        .header("content-type", "application/sparql-update")
                        .body(format!(
                            "INSERT DATA {{ GRAPH <urn:crash:updates> {{ \
                             <urn:crash:org{id}> a <{ORG}> ; <{PREF_LABEL}> \"Crashproof {id}\"@en . }} }}"
                        ))
                        .send(),
                    // A Graph Store PUT: a new graph of fifty statements.
                    1 => client
                        .put(format!("{url}/store?graph=urn:crash:put{id}"))
                        .bearer_auth(TOKEN)
                        .header("content-type", "application/n-triples")
                        .body(ntriples(&format!("urn:crash:put{id}"), 50))
                        .send(),
                    // A Graph Store POST: twenty statements appended to one graph.
                    2 => client
                        .post(format!("{url}/store?graph=urn:crash:posts"))
                        .bearer_auth(TOKEN)
                        .header("content-type", "application/n-triples")
                        .body(ntriples(&format!("urn:crash:post{id}"), 20))
                        .send(),
                    // A Graph Store DELETE of a graph an acknowledged PUT made.
                    _ => {
                        let put = journal
                            .lock()
                            .unwrap()
                            .puts
                            .iter()
                            .rev()
                            .find(|(p, ok)| *ok && p % 3 == 0 && *p / 100_000 == round)
                            .map(|(p, _)| *p);
                        match put {
                            Some(put) => {
                                let response = client
                                    .delete(format!("{url}/store?graph=urn:crash:put{put}"))
                                    .bearer_auth(TOKEN)
                                    .send();
                                let ok = response.is_ok_and(|r| r.status().is_success());
                                journal.lock().unwrap().deletes.push((put, ok));
                                std::thread::sleep(Duration::from_millis(20));
                                continue;
                            }
                            None => {
                                std::thread::sleep(Duration::from_millis(10));
                                continue;
                            }
                        }
                    }
                }
                .is_ok_and(|r| r.status().is_success());
                let mut journal = journal.lock().unwrap();
                match kind {
                    0 => journal.updates.push((id, acknowledged)),
                    1 => journal.puts.push((id, acknowledged)),
                    _ => journal.posts.push((id, acknowledged)),
                }
                i += 1;
            }
        }));
    }
    for writer in writers {
        writer.join().unwrap();
    }
}

fn count(client: &reqwest::blocking::Client, url: &str, query: &str) -> u64 {
    let answer: serde_json::Value = client
        .post(format!("{url}/sparql"))
        .header("content-type", "application/sparql-query")
        .header("accept", "application/sparql-results+json")
        .body(query.to_owned())
        .send()
        .unwrap()
        .json()
        .unwrap();
    answer["results"]["bindings"][0]["n"]["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[test]
fn acknowledged_writes_survive_kill_9_and_the_index_agrees() {
    if backend() != Backend::Embedded {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let journal = Arc::new(Mutex::new(Journal::default()));
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap();
    for round in 0..2 {
        let (mut server, url) = start(&store);
        let stop = Arc::new(AtomicBool::new(false));
        let writers = {
            let (url, stop, journal) = (url.clone(), stop.clone(), journal.clone());
            std::thread::spawn(move || write_until(&url, &stop, &journal, round))
        };
        std::thread::sleep(Duration::from_millis(1500 + 500 * round as u64));
        // kill -9, with writes in flight.
        server.kill().unwrap();
        server.wait().unwrap();
        stop.store(true, Ordering::SeqCst);
        writers.join().unwrap();
    }
    let (mut server, url) = start(&store);
    let journal = journal.lock().unwrap();
    let acknowledged = |writes: &[(usize, bool)]| writes.iter().filter(|(_, ok)| *ok).count();
    eprintln!(
        "acknowledged: {} updates, {} PUTs, {} POSTs, {} DELETEs; cut off: {}",
        acknowledged(&journal.updates),
        acknowledged(&journal.puts),
        acknowledged(&journal.posts),
        acknowledged(&journal.deletes),
        journal.updates.len() + journal.puts.len() + journal.posts.len() + journal.deletes.len()
            - acknowledged(&journal.updates)
            - acknowledged(&journal.puts)
            - acknowledged(&journal.posts)
            - acknowledged(&journal.deletes),
    );
    for writes in [
        &journal.updates,
        &journal.puts,
        &journal.posts,
        &journal.deletes,
    ] {
        assert!(acknowledged(writes) > 0, "every kind of write was made");
    }
    let deleted: std::collections::HashSet<usize> = journal
        .deletes
        .iter()
        .filter(|(_, ok)| *ok)
        .map(|(p, _)| *p)
        .collect();
    // Every DELETE sent, acknowledged or not.
    let deleting: std::collections::HashSet<usize> =
        journal.deletes.iter().map(|(p, _)| *p).collect();
    // Updates: both statements of each, or neither; every acknowledged one.
    for (id, acknowledged) in &journal.updates {
        let n = count(
            &client,
            &url,
            &format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <urn:crash:updates> {{ <urn:crash:org{id}> ?p ?o }} }}"),
        );
        if *acknowledged {
            assert_eq!(n, 2, "acknowledged update {id}");
        } else {
            assert!(n == 0 || n == 2, "update {id} half there: {n}");
        }
    }
    // PUTs: fifty statements or none; deleted ones gone.
    for (id, acknowledged) in &journal.puts {
        let n = count(
            &client,
            &url,
            &format!(
                "SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <urn:crash:put{id}> {{ ?s ?p ?o }} }}"
            ),
        );
        if deleted.contains(id) {
            assert_eq!(n, 0, "acknowledged DELETE of put {id}");
        } else if deleting.contains(id) {
            // A DELETE was sent and cut off by the kill: it may have been made or not.
            assert!(n == 0 || n == 50, "PUT {id} half there: {n}");
        } else if *acknowledged {
            assert_eq!(n, 50, "acknowledged PUT {id}");
        } else {
            assert!(n == 0 || n == 50, "PUT {id} half there: {n}");
        }
    }
    // POSTs: twenty statements or none.
    for (id, acknowledged) in &journal.posts {
        let n = count(
            &client,
            &url,
            &format!("SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <urn:crash:posts> {{ <urn:crash:post{id}> ?p ?o }} }}"),
        );
        if *acknowledged {
            assert_eq!(n, 20, "acknowledged POST {id}");
        } else {
            assert!(n == 0 || n == 20, "POST {id} half there: {n}");
        }
    }
    // The index of nodes agrees with the store (once any rebuild after the crash is done; until
    // then the answers come from SPARQL scans, and agree as well).
    let organisations = count(
        &client,
        &url,
        &format!("SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE {{ ?o a <{ORG}> }}"),
    );
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let answer: serde_json::Value = client
            .post(format!("{url}/graphql"))
            .json(&serde_json::json!({
                "query": "{ organizations(first: 1, orderBy: [{field: label}]) { totalCount } \
                           search(text: \"crashproof\", first: 1000) { entity { iri } } }"
            }))
            .send()
            .unwrap()
            .json()
            .unwrap();
        assert!(answer["errors"].is_null(), "{answer}");
        assert_eq!(
            answer["data"]["organizations"]["totalCount"], organisations,
            "{answer}"
        );
        let found = answer["data"]["search"].as_array().unwrap().len() as u64;
        assert_eq!(
            found,
            organisations.min(1000),
            "search agrees with the store"
        );
        let indexed = answer["extensions"]["kgql"]["indexSearches"].as_u64() == Some(1);
        if indexed || Instant::now() > deadline {
            assert!(indexed, "the index of nodes is rebuilt after the crash");
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    server.kill().unwrap();
    server.wait().unwrap();
}

#[test]
fn a_load_killed_midway_stores_nothing_of_its_file() {
    if backend() != Backend::Embedded {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    let file = dir.path().join("big.nt");
    let mut data = String::new();
    for i in 0..300_000 {
        data.push_str(&format!("<urn:load:s{i}> <urn:load:p> \"value {i}\" .\n"));
    }
    std::fs::write(&file, data).unwrap();
    let mut load = Command::new(env!("CARGO_BIN_EXE_kgql"))
        .args(["load", "--no-validate", "--graph", "urn:load:g", "--store"])
        .arg(&store)
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let finished = load.try_wait().unwrap().is_some();
    let _ = load.kill();
    load.wait().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_kgql"))
        .args([
            "query",
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:load:g> { ?s ?p ?o } }",
            "--format",
            "csv",
            "--store",
        ])
        .arg(&store)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = String::from_utf8_lossy(&output.stdout);
    let n: u64 = text.lines().nth(1).unwrap().trim().parse().unwrap();
    eprintln!("the load was killed after 1.5 s (finished: {finished}); {n} statements stored");
    if finished {
        assert_eq!(n, 300_000);
    } else {
        assert!(
            n == 0 || n == 300_000,
            "a killed load left {n} of 300,000 statements"
        );
    }
}
