//! Soak: a mixed read and write load on a generated graph, for minutes, against `kgql serve` as
//! its own process (a release build, with its default limits).
//!
//! - The graph: `kgql generate` (a million triples by default, `KGQL_SOAK_TRIPLES`), loaded after
//!   `kgql seed` into a fresh store.
//! - The load: `KGQL_SOAK_CLIENTS` clients (8) for `KGQL_SOAK_SECS` seconds (120), each sending
//!   one request after another, drawn from a fixed mix: GraphQL lookups, pages with nested pages,
//!   searches, SPARQL selects, entity pages (HTML and Turtle), SPARQL updates and Graph Store
//!   PUTs, on anchors drawn from the graph.
//! - Reported: requests and errors per kind (an error is any status but 2xx, and the 503s the
//!   server chose to shed are counted apart), p50 and p99 latency, the server's resident memory
//!   after the first tenth of the run, at its peak and at the end. The bench fails when the
//!   memory does not level off: its peak over the second half of the run more than 25 % above
//!   its peak over the second quarter.
//!
//! `KGQL_SOAK_WRAP` names a profiler to run the server under (its memory is then sampled from
//! the profiler's process). `cargo bench --bench soak` prints the report; with `KGQL_BENCH_WRITE=1` it is also written
//! into BENCHMARKS.md. `KGQL_SOAK_WRITES=0` sends reads only (writes are replaced by lookups),
//! to tell what memory the writes hold from what the reads do.

#[path = "common/mod.rs"]
mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const TOKEN: &str = "soak-token";

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn kgql(store: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kgql"));
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("KGQL_") {
            command.env_remove(name);
        }
    }
    command.arg("--store").arg(store);
    command
}

fn run_cli(mut command: Command, what: &str) -> Result<(), String> {
    let status = command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("{what}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{what} failed"))
    }
}

/// The resident memory of a process, in bytes: its own (heap, stacks: `RssAnon`) and the
/// mapped files it touched (RocksDB and index files: `RssFile`, page cache the kernel reclaims).
fn rss(pid: u32) -> Option<(u64, u64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kb * 1024)
    };
    Some((field("RssAnon:")?, field("RssFile:")?))
}

/// The server's memory over the run: when, its own and its mapped files' resident bytes.
type Samples = Vec<(Duration, (u64, u64))>;

/// What one kind of request did.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    errors: u64,
    shed: u64,
    first_error: Option<String>,
}

/// The anchors requests are made on.
struct Anchors {
    organisations: Vec<String>,
    entities: Vec<String>,
    words: Vec<String>,
}

fn select(client: &reqwest::blocking::Client, url: &str, query: &str) -> Vec<String> {
    let answer: serde_json::Value = client
        .post(format!("{url}/sparql"))
        .header("content-type", "application/sparql-query")
        .header("accept", "application/sparql-results+json")
        .body(format!("{}{query}", common::PREFIXES))
        .send()
        .and_then(|r| r.json())
        .unwrap_or_default();
    answer["results"]["bindings"]
        .as_array()
        .map(|rows| {
            rows.iter()
                .filter_map(|row| row["x"]["value"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

fn anchors(client: &reqwest::blocking::Client, url: &str) -> Anchors {
    let organisations = select(
        client,
        url,
        "SELECT DISTINCT ?x WHERE { ?x a org:Organization } LIMIT 300",
    );
    let entities = select(
        client,
        url,
        "SELECT DISTINCT ?x WHERE { ?x skos:prefLabel ?l } LIMIT 1000",
    );
    let labels = select(
        client,
        url,
        "SELECT ?x WHERE { ?s skos:prefLabel ?x FILTER(LANGMATCHES(LANG(?x), \"en\")) } LIMIT 300",
    );
    let mut words: Vec<String> = labels
        .iter()
        .flat_map(|l| {
            l.split_whitespace()
                .map(str::to_lowercase)
                .collect::<Vec<_>>()
        })
        .filter(|w| w.len() > 3)
        .collect();
    words.sort();
    words.dedup();
    Anchors {
        organisations,
        entities,
        words,
    }
}

/// A small deterministic generator: each client draws its own sequence.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &'a [String]) -> &'a str {
        &items[(self.next() % items.len().max(1) as u64) as usize]
    }
}

/// The mix, by weight out of 100.
const MIX: [(&str, u64); 8] = [
    ("graphql lookup", 30),
    ("graphql nested page", 12),
    ("graphql search", 8),
    ("sparql select", 15),
    ("entity html", 10),
    ("entity turtle", 5),
    ("sparql update", 12),
    ("graph store put", 8),
];

fn request(
    client: &reqwest::blocking::Client,
    url: &str,
    kind: &str,
    draw: &mut Draw,
    anchors: &Anchors,
    n: u64,
) -> reqwest::Result<reqwest::blocking::Response> {
    let graphql = |query: &str, variables: serde_json::Value| {
        client
            .post(format!("{url}/graphql"))
            .json(&serde_json::json!({ "query": query, "variables": variables }))
            .send()
    };
    let local = |iri: &str| {
        iri.strip_prefix("https://w3id.org/kgql/id/")
            .map(|rest| format!("{url}/id/{rest}"))
            .unwrap_or_else(|| format!("{url}/id/org/itu"))
    };
    match kind {
        "graphql lookup" => graphql(
            "query($iri: String!) { organization(iri: $iri) { label homepage foundingDate } }",
            serde_json::json!({ "iri": draw.pick(&anchors.organisations) }),
        ),
        "graphql nested page" => graphql(
            "query($iri: String!) { organization(iri: $iri) { label subOrganizations(first: 20) { totalCount nodes { label subOrganizations(first: 5) { nodes { label } } } } } }",
            serde_json::json!({ "iri": draw.pick(&anchors.organisations) }),
        ),
        "graphql search" => graphql(
            "query($text: String!) { search(text: $text, first: 10) { score entity { iri label } } }",
            serde_json::json!({ "text": draw.pick(&anchors.words) }),
        ),
        "sparql select" => client
            .post(format!("{url}/sparql"))
            .header("content-type", "application/sparql-query")
            .header("accept", "application/sparql-results+json")
            .body(format!(
                "{}SELECT ?p ?o WHERE {{ <{}> ?p ?o }} LIMIT 50",
                common::PREFIXES,
                draw.pick(&anchors.entities)
            ))
            .send(),
        "entity html" => client
            .get(local(draw.pick(&anchors.entities)))
            .header("accept", "text/html")
            .send(),
        "entity turtle" => client
            .get(local(draw.pick(&anchors.entities)))
            .header("accept", "text/turtle")
            .send(),
        "sparql update" => client
            .post(format!("{url}/sparql"))
            .bearer_auth(TOKEN)
            .header("content-type", "application/sparql-update")
            .body(format!(
                "PREFIX org: <http://www.w3.org/ns/org#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> \
                 INSERT DATA {{ GRAPH <urn:soak:updates> {{ <urn:soak:org{n}> a org:Organization ; \
                 skos:prefLabel \"Soak organisation {n}\"@en ; org:subOrganizationOf <{}> }} }}",
                draw.pick(&anchors.organisations)
            ))
            .send(),
        _ => client
            .put(format!("{url}/store?graph=urn:soak:graph{}", n % 50))
            .bearer_auth(TOKEN)
            .header("content-type", "application/n-triples")
            .body(
                (0..20)
                    .map(|i| format!("<urn:soak:s{n}> <urn:soak:p{i}> \"value {i}\" .\n"))
                    .collect::<String>(),
            )
            .send(),
    }
}

fn main() -> ExitCode {
    if !std::env::args().any(|arg| arg == "--bench") {
        // `cargo test --benches` only checks that it builds.
        return ExitCode::SUCCESS;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("soak: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let triples = env_number("KGQL_SOAK_TRIPLES", 1_000_000);
    let seconds = env_number("KGQL_SOAK_SECS", 120);
    let clients = env_number("KGQL_SOAK_CLIENTS", 8);
    let writes = env_number("KGQL_SOAK_WRITES", 1) != 0;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let store = dir.path().join("store");
    let file = dir.path().join("graph.nq");
    eprintln!("soak: generating and loading {triples} triples");
    let mut generate = kgql(&store);
    generate.args([
        "generate",
        "--seed",
        "7",
        "--triples",
        &triples.to_string(),
        "-o",
    ]);
    generate.arg(&file);
    run_cli(generate, "kgql generate")?;
    let mut seed = kgql(&store);
    seed.arg("seed");
    run_cli(seed, "kgql seed")?;
    let mut load = kgql(&store);
    load.args(["load", "--no-validate"]).arg(&file);
    run_cli(load, "kgql load")?;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let mut serve = kgql(&store);
    // A profiler to run the server under (`KGQL_SOAK_WRAP="heaptrack -o /tmp/soak"`): memory is
    // then sampled from the profiler's process, not the server's.
    if let Ok(wrap) = std::env::var("KGQL_SOAK_WRAP") {
        let mut words = wrap.split_whitespace();
        if let Some(program) = words.next() {
            let inner = serve;
            serve = Command::new(program);
            serve
                .args(words)
                .arg(inner.get_program())
                .args(inner.get_args());
        }
    }
    let mut server: Child = serve
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("KGQL_WRITE_TOKEN", TOKEN)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("kgql serve: {e}"))?;
    let url = format!("http://127.0.0.1:{port}");
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    while !client
        .get(format!("{url}/readyz"))
        .send()
        .is_ok_and(|r| r.status().is_success())
    {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = server.kill();
            return Err("kgql serve did not start".to_owned());
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let anchors = Arc::new(anchors(&client, &url));
    if anchors.organisations.is_empty() || anchors.entities.is_empty() || anchors.words.is_empty() {
        let _ = server.kill();
        return Err("no anchors in the graph".to_owned());
    }
    eprintln!("soak: {clients} clients for {seconds} s");
    let tallies: Arc<Mutex<BTreeMap<&'static str, Tally>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let memory: Arc<Mutex<Samples>> = Arc::default();
    let sampler = {
        let (stop, memory, pid) = (stop.clone(), memory.clone(), server.id());
        let begun = Instant::now();
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                if let Some(bytes) = rss(pid) {
                    memory.lock().unwrap().push((begun.elapsed(), bytes));
                }
                std::thread::sleep(Duration::from_millis(500));
            }
        })
    };
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let workers: Vec<_> = (0..clients)
        .map(|c| {
            let (url, anchors, tallies) = (url.clone(), anchors.clone(), tallies.clone());
            std::thread::spawn(move || {
                let client = reqwest::blocking::Client::builder()
                    .timeout(Duration::from_secs(60))
                    .build()
                    .expect("a client");
                let mut draw = Draw(0x9E37_79B9_7F4A_7C15 ^ (c + 1));
                let mut n = c * 1_000_000;
                while Instant::now() < deadline {
                    let mut roll = draw.next() % 100;
                    let kind = MIX
                        .iter()
                        .find(|(_, weight)| {
                            let hit = roll < *weight;
                            roll = roll.saturating_sub(*weight);
                            hit
                        })
                        .map_or(MIX[0].0, |(kind, _)| *kind);
                    let kind = match kind {
                        "sparql update" | "graph store put" if !writes => MIX[0].0,
                        kind => kind,
                    };
                    n += 1;
                    let begun = Instant::now();
                    let outcome =
                        request(&client, &url, kind, &mut draw, &anchors, n).and_then(|r| {
                            let status = r.status().as_u16();
                            r.bytes().map(|body| (status, body))
                        });
                    let elapsed = begun.elapsed();
                    let mut tallies = tallies.lock().unwrap();
                    let tally = tallies.entry(kind).or_default();
                    match outcome {
                        Ok((status, _)) if (200..300).contains(&status) => {
                            tally.latencies.push(elapsed);
                        }
                        Ok((503 | 429, _)) => tally.shed += 1,
                        Ok((status, body)) => {
                            tally.errors += 1;
                            tally.first_error.get_or_insert_with(|| {
                                format!("{status}: {}", String::from_utf8_lossy(&body))
                            });
                        }
                        Err(error) => {
                            tally.errors += 1;
                            tally.first_error.get_or_insert_with(|| error.to_string());
                        }
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        let _ = worker.join();
    }
    stop.store(true, Ordering::SeqCst);
    let _ = sampler.join();
    let alive = client
        .get(format!("{url}/healthz"))
        .send()
        .is_ok_and(|r| r.status().is_success());
    let _ = server.kill();
    let _ = server.wait();
    let report = report(
        triples,
        seconds,
        clients,
        &mut tallies.lock().unwrap(),
        &memory.lock().unwrap(),
        alive,
    );
    println!("{report}");
    if std::env::var("KGQL_BENCH_WRITE").is_ok_and(|v| v == "1") {
        common::write_section(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("BENCHMARKS.md")
                .as_path(),
            "<!-- soak:start -->",
            "<!-- soak:end -->",
            &report,
        )?;
    }
    let growth = growth(&memory.lock().unwrap(), seconds);
    if growth > MAX_GROWTH {
        return Err(format!(
            "the server's memory kept growing: {:+.0} % over the second half of the run",
            growth * 100.0
        ));
    }
    Ok(())
}

fn report(
    triples: u64,
    seconds: u64,
    clients: u64,
    tallies: &mut BTreeMap<&'static str, Tally>,
    memory: &Samples,
    alive: bool,
) -> String {
    let mut text = format!(
        "{clients} clients for {seconds} s on a generated graph of {triples} triples \
         (`kgql generate --seed 7`, after `kgql seed`), against `kgql serve` (release, default \
         limits); {} afterwards.\n\n\
         | request | share | requests | errors | shed (503) | p50 | p99 |\n|---|---:|---:|---:|---:|---:|---:|\n",
        if alive { "it still answered `/healthz`" } else { "**it no longer answered**" }
    );
    let (mut total, mut errors, mut shed) = (0, 0, 0);
    let mut all = Vec::new();
    for (kind, share) in MIX {
        let tally = tallies.entry(kind).or_default();
        tally.latencies.sort();
        let count = tally.latencies.len() as u64 + tally.errors + tally.shed;
        total += count;
        errors += tally.errors;
        shed += tally.shed;
        all.extend_from_slice(&tally.latencies);
        text.push_str(&format!(
            "| {kind} | {share} % | {count} | {} | {} | {} | {} |\n",
            tally.errors,
            tally.shed,
            common::millis(common::median(&tally.latencies)),
            common::millis(common::percentile(&tally.latencies, 0.99)),
        ));
        if let Some(error) = &tally.first_error {
            text.push_str(&format!(
                "\n(first error of {kind}: `{}`)\n\n",
                error
                    .chars()
                    .take(200)
                    .collect::<String>()
                    .replace('\n', " ")
            ));
        }
    }
    all.sort();
    text.push_str(&format!(
        "| all | | {total} | {errors} | {shed} | {} | {} |\n\n",
        common::millis(common::median(&all)),
        common::millis(common::percentile(&all, 0.99)),
    ));
    let mib = |bytes: u64| bytes as f64 / (1024.0 * 1024.0);
    let at = |fraction: f64| {
        memory
            .iter()
            .find(|(at, _)| at.as_secs_f64() >= seconds as f64 * fraction)
            .or(memory.last())
            .map(|(_, m)| *m)
    };
    let peak = memory.iter().map(|(_, (anon, _))| *anon).max().unwrap_or(0);
    text.push_str(&format!(
        "{total} requests, {:.0} per second. Server memory, its own (`RssAnon`) / mapped store and \
         index files (`RssFile`), MiB:\n\n| at | 10 % | 25 % | 50 % | 75 % | end |\n|---|---:|---:|---:|---:|---:|\n",
        total as f64 / seconds as f64
    ));
    let points: Vec<Option<(u64, u64)>> =
        [0.1, 0.25, 0.5, 0.75, 1.0].iter().map(|f| at(*f)).collect();
    for (name, pick) in [("own", 0), ("mapped files", 1)] {
        text.push_str(&format!("| {name} |"));
        for point in &points {
            let value = point.map_or(0, |(anon, file)| if pick == 0 { anon } else { file });
            text.push_str(&format!(" {:.0} |", mib(value)));
        }
        text.push('\n');
    }
    let growth = growth(memory, seconds);
    text.push_str(&format!(
        "\nPeak of its own memory: {:.0} MiB; its peak over the second half of the run is {:+.0} % \
         of its peak over the second quarter{}.\n",
        mib(peak),
        growth * 100.0,
        if growth > MAX_GROWTH {
            format!(" (**more than the {:.0} % allowed**)", MAX_GROWTH * 100.0)
        } else {
            String::new()
        }
    ));
    text
}

/// How much the server's own memory may grow from the second quarter of the run to its second
/// half: once caches are warm it must level off, writes or not.
const MAX_GROWTH: f64 = 0.25;

/// The peak of the server's own memory over the second half of the run, relative to its peak
/// over the second quarter (0: level).
fn growth(memory: &Samples, seconds: u64) -> f64 {
    let peak_between = |from: f64, to: f64| {
        memory
            .iter()
            .filter(|(at, _)| {
                let at = at.as_secs_f64() / seconds as f64;
                at >= from && at < to
            })
            .map(|(_, (anon, _))| *anon)
            .max()
            .unwrap_or(0)
    };
    let (before, after) = (peak_between(0.25, 0.5), peak_between(0.5, 1.01));
    if before == 0 {
        return 0.0;
    }
    after as f64 / before as f64 - 1.0
}
