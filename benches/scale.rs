//! The cost curve: kgql on generated graphs from ten thousand to ten million triples, each
//! measure taken beside a baseline in the same run.
//!
//! # Method
//!
//! For each size, `kgql generate` (the library function behind it, seed 1) writes a graph in
//! the project's ontology as N-Quads to a temporary directory. Then, per size:
//!
//! - **Load**: kgql loads the file into a fresh on-disk store (the code path of `kgql load`:
//!   the ontology first, then the file with the bulk loader), and the baseline loads the same
//!   file into another fresh directory: `oxigraph load` where that executable is installed,
//!   Oxigraph's bulk loader called in process otherwise. Both rates are triples per second of
//!   the generated file; both on-disk sizes are reported.
//! - **Latency**: each request of [`WORKLOAD`] (a lookup by IRI, a filtered and ordered page,
//!   three nested levels, a search, a neighbourhood and a path) runs through kgql's GraphQL API
//!   in process and, alternately, the hand-written SPARQL returning the same data runs on the
//!   same store; median and 99th percentile of each, and the ratio of the medians.
//! - **Memory**: the server's own peak: `kgql serve` started on the loaded store as a process
//!   of its own, sent each request of the workload three times through `/graphql`, its peak
//!   resident memory read from Linux's `/proc`. And this process's peak, reset after the load
//!   (Linux's `clear_refs`; what the load left allocated stays counted) and read after the
//!   latency workload (both sides, the hand-written SPARQL included), then after the exports.
//! - **Export**: the whole graph streamed as Turtle and as N-Triples; triples per second.
//! - **Throughput**: where `wrk` is installed, kgql's HTTP server runs on the store (in this
//!   process) and `wrk` (8 connections, 2 threads) sends it the lookup and the filtered page,
//!   through `/graphql` and as hand-written SPARQL through `/sparql`; then, where `oxigraph` is
//!   installed, `oxigraph serve` runs on the same store directory and gets the same SPARQL.
//!   Requests per second of each, over at least `KGQL_SCALE_THROUGHPUT_SECS` (default 10) per
//!   measure, longer for a slow request (three times its median latency per connection).
//!
//! # Running
//!
//! ```sh
//! cargo bench --bench scale                                 # 10k, 100k, 1M and 10M triples
//! KGQL_SCALE_SIZES=10000,100000 cargo bench --bench scale   # chosen sizes
//! KGQL_BENCH_WRITE=1 cargo bench --bench scale              # also BENCHMARKS.md and the plot
//! ```
//!
//! `KGQL_SCALE_ITERATIONS` (default 50) sets the iterations per request and side. Run by
//! `cargo test --all-targets` (without `--bench`), it generates and loads a small graph, runs
//! each request once, checks that both sides answer within the query budget, and times nothing.

mod common;

use common::{median, millis, percentile, start_server, write_section, Backend, Case};
use futures_util::StreamExt;
use oxigraph::io::RdfFormat;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const WORKLOAD: [Case; 6] = [
    Case {
        name: "lookup by IRI",
        graphql: r#"{ organization(iri: "https://w3id.org/kgql/id/org/gen-0") {
            iri label altLabels homepage foundingDate } }"#,
        sparql: "SELECT DISTINCT ?p ?o WHERE {
            VALUES ?p { skos:prefLabel rdfs:label skos:altLabel foaf:homepage schema:url schema:foundingDate }
            <https://w3id.org/kgql/id/org/gen-0> a org:Organization ; ?p ?o }",
        budget: 1,
    },
    Case {
        name: "filtered, ordered page",
        graphql: r#"{ events(first: 10, filter: { startDate: { gte: "2020" } },
            orderBy: [{ field: startDate, direction: DESC }]) {
            totalCount nodes { iri label startDate } } }"#,
        sparql: "SELECT ?e ?label ?date ?total WHERE {
            { SELECT (COUNT(DISTINCT ?x) AS ?total) WHERE {
                ?x a schema:Event ; schema:startDate ?d FILTER(STR(?d) >= \"2020\") } }
            { SELECT ?e (MAX(STR(?d)) AS ?date) WHERE {
                ?e a schema:Event ; schema:startDate ?d FILTER(STR(?d) >= \"2020\") }
              GROUP BY ?e ORDER BY DESC(?date) ?e LIMIT 10 }
            OPTIONAL { ?e skos:prefLabel ?label FILTER(LANGMATCHES(LANG(?label), \"en\")) } }",
        budget: 1,
    },
    Case {
        name: "three nested levels",
        graphql: r#"{ organizations(first: 10, orderBy: [{ field: label }]) { nodes { label
            subOrganizations(first: 5) { nodes { label
              posts(first: 3) { nodes { label heldBy { label } } } } } } } }"#,
        sparql: "SELECT DISTINCT ?o ?ol ?u ?ul ?p ?pl ?h ?hl WHERE {
            { SELECT ?o (MIN(STR(?l)) AS ?ol) WHERE { ?o a org:Organization
                OPTIONAL { ?o skos:prefLabel ?l FILTER(LANGMATCHES(LANG(?l), \"en\")) } }
              GROUP BY ?o ORDER BY ?ol ?o LIMIT 10 }
            OPTIONAL { ?o org:hasSubOrganization ?u . ?u a org:Organization
              OPTIONAL { ?u skos:prefLabel ?ul FILTER(LANGMATCHES(LANG(?ul), \"en\")) }
              OPTIONAL { ?u org:hasPost ?p . ?p a org:Post
                OPTIONAL { ?p skos:prefLabel ?pl }
                OPTIONAL { ?p org:heldBy ?h . ?h a foaf:Person OPTIONAL { ?h skos:prefLabel ?hl } } } } }",
        budget: 3,
    },
    Case {
        name: "search",
        graphql: r#"{ search(text: "summit", first: 10) { score matched entity { iri label } } }"#,
        sparql: "SELECT ?x (MAX(?s) AS ?score) (MIN(STR(?m)) AS ?matched) (SAMPLE(?l) AS ?label) WHERE {
            ?x skos:prefLabel|rdfs:label|skos:altLabel|schema:description|<http://purl.org/dc/terms/title> ?m
            FILTER(CONTAINS(LCASE(STR(?m)), \"summit\"))
            BIND(IF(LCASE(STR(?m)) = \"summit\", 3, IF(STRSTARTS(LCASE(STR(?m)), \"summit\"), 2, 1)) AS ?s)
            OPTIONAL { ?x skos:prefLabel ?l FILTER(LANGMATCHES(LANG(?l), \"en\")) } }
            GROUP BY ?x ORDER BY DESC(?score) ?x LIMIT 10",
        budget: 1,
    },
    Case {
        name: "neighbourhood (one link, 100 edges)",
        graphql: r#"{ neighbourhood(iri: "https://w3id.org/kgql/id/org/gen-5", depth: 1, first: 100) {
            nodes { distance entity { iri label } } edges { source predicate target } } }"#,
        sparql: "SELECT ?s ?p ?o ?l WHERE {
            { SELECT DISTINCT ?s ?p ?o WHERE {
                { <https://w3id.org/kgql/id/org/gen-5> ?p ?o FILTER(isIRI(?o))
                  BIND(<https://w3id.org/kgql/id/org/gen-5> AS ?s) }
                UNION { ?s ?p <https://w3id.org/kgql/id/org/gen-5>
                  BIND(<https://w3id.org/kgql/id/org/gen-5> AS ?o) }
                FILTER(?p != rdf:type) } LIMIT 100 }
            BIND(IF(?s = <https://w3id.org/kgql/id/org/gen-5>, ?o, ?s) AS ?n)
            OPTIONAL { ?n skos:prefLabel ?l FILTER(LANGMATCHES(LANG(?l), \"en\")) } }",
        budget: 2,
    },
    Case {
        name: "paths of up to two links",
        graphql: r#"{ paths(from: "https://w3id.org/kgql/id/org/gen-3",
            to: "https://w3id.org/kgql/id/org/gen-4", maxLength: 2) {
            nodes { iri label } edges { source predicate target } } }"#,
        sparql: "SELECT DISTINCT ?p1 ?m ?p2 ?ml ?fl ?tl WHERE {
            { { <https://w3id.org/kgql/id/org/gen-3> ?p1 <https://w3id.org/kgql/id/org/gen-4> }
              UNION { <https://w3id.org/kgql/id/org/gen-4> ?p1 <https://w3id.org/kgql/id/org/gen-3> }
              UNION { { <https://w3id.org/kgql/id/org/gen-3> ?p1 ?m } UNION { ?m ?p1 <https://w3id.org/kgql/id/org/gen-3> }
                      { ?m ?p2 <https://w3id.org/kgql/id/org/gen-4> } UNION { <https://w3id.org/kgql/id/org/gen-4> ?p2 ?m }
                      FILTER(isIRI(?m) && ?p1 != rdf:type && ?p2 != rdf:type) } }
            OPTIONAL { ?m skos:prefLabel ?ml FILTER(LANGMATCHES(LANG(?ml), \"en\")) }
            OPTIONAL { <https://w3id.org/kgql/id/org/gen-3> skos:prefLabel ?fl FILTER(LANGMATCHES(LANG(?fl), \"en\")) }
            OPTIONAL { <https://w3id.org/kgql/id/org/gen-4> skos:prefLabel ?tl FILTER(LANGMATCHES(LANG(?tl), \"en\")) } }
            LIMIT 10",
        budget: 3,
    },
];

/// Markers around the generated section of BENCHMARKS.md.
const START: &str = "<!-- scale:start -->";
const END: &str = "<!-- scale:end -->";

/// The plot of latency against graph size, next to this file.
const PLOT: &str = "benches/scale-latency.svg";

/// What one size measured.
struct Measured {
    /// Triples in the generated file.
    triples: u64,
    generate: Duration,
    load: Duration,
    /// Building the search index after the load.
    index: Duration,
    baseline_load: Duration,
    store_bytes: u64,
    baseline_bytes: u64,
    /// Per request of the workload: SPARQL queries sent, GraphQL and SPARQL latencies (sorted).
    requests: Vec<(u64, Vec<Duration>, Vec<Duration>)>,
    /// Peak resident memory of a `kgql serve` process started on the store and sent the
    /// workload through GraphQL, in bytes.
    peak_graphql_memory: Option<u64>,
    /// Peak resident memory while answering the workload both ways, in bytes.
    peak_memory: Option<u64>,
    /// Peak resident memory while exporting, in bytes.
    peak_export_memory: Option<u64>,
    export_turtle: Duration,
    export_ntriples: Duration,
    /// Requests per second under concurrent load, per request of [`THROUGHPUT`].
    throughput: Vec<Throughput>,
}

/// The requests of [`WORKLOAD`] measured under concurrent load.
const THROUGHPUT: [usize; 2] = [0, 1];

/// Concurrent connections of the load generator.
const CONNECTIONS: u32 = 8;

/// Requests per second of one request under concurrent load.
struct Throughput {
    /// kgql's `/graphql`.
    graphql: f64,
    /// kgql's `/sparql`, hand-written SPARQL.
    sparql: f64,
    /// `oxigraph serve`, the same SPARQL (`None` where `oxigraph` is not installed).
    oxigraph: Option<f64>,
}

fn main() -> ExitCode {
    common::main("scale", run)
}

async fn run(timed: bool) -> Result<(), String> {
    let sizes = common::sizes("KGQL_SCALE_SIZES", timed)?;
    let iterations: usize = std::env::var("KGQL_SCALE_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(50);
    let baseline = common::baseline::cli(timed)?;
    let mut results = Vec::new();
    for size in sizes {
        let measured = measure(size, timed, iterations, baseline.as_deref()).await?;
        if timed {
            println!(
                "{}",
                size_table(&measured, baseline_name(baseline.as_deref()))
            );
        }
        results.push(measured);
    }
    if !timed {
        return Ok(());
    }
    let report = report(&results, baseline_name(baseline.as_deref()), iterations);
    println!("{report}");
    if std::env::var_os("KGQL_BENCH_WRITE").is_some() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        write_section(&root.join("BENCHMARKS.md"), START, END, &report)?;
        std::fs::write(root.join(PLOT), plot(&results)).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// Generates, loads and measures one size.
async fn measure(
    size: u64,
    timed: bool,
    iterations: usize,
    baseline: Option<&Path>,
) -> Result<Measured, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("graph.nq");
    let started = Instant::now();
    let output = std::fs::File::create(&file).map_err(|e| e.to_string())?;
    let options = kgql::generate::Options {
        triples: size,
        seed: 1,
        base_iri: "https://w3id.org/kgql/id/".to_owned(),
    };
    let summary = kgql::generate::generate(output, &options).map_err(|e| e.to_string())?;
    let generate = started.elapsed();
    let triples = summary.quads;

    // The baseline first, so that the file is equally cold (or warm) for both.
    let baseline_dir = dir.path().join("baseline");
    let started = Instant::now();
    load_baseline(baseline, &baseline_dir, &file)?;
    let baseline_load = started.elapsed();

    let store_dir = dir.path().join("kgql");
    let backend = Backend::open("kgql", store_dir.display().to_string()).await?;
    let started = Instant::now();
    backend.load_nquads(&file).await?;
    let load = started.elapsed();
    // `kgql load` then rebuilds the index of nodes: timed apart from the load.
    let started = Instant::now();
    backend
        .store
        .rebuild_search_index(None)
        .await
        .map_err(|e| e.to_string())?;
    let index = started.elapsed();

    reset_peak_memory();
    let mut requests = Vec::new();
    for case in &WORKLOAD {
        let (queries, _) = backend.check(case).await?;
        if !timed {
            println!(
                "{} on {triples} triples: GraphQL ({queries} queries) and SPARQL both answer",
                case.name
            );
            requests.push((queries, Vec::new(), Vec::new()));
            continue;
        }
        let (graphql, sparql) = backend.time(case, iterations).await?;
        requests.push((queries, graphql, sparql));
    }
    let peak_memory = peak_resident_memory();
    reset_peak_memory();
    let export_turtle = export(&backend, RdfFormat::Turtle).await?;
    let export_ntriples = export(&backend, RdfFormat::NTriples).await?;
    let peak_export_memory = peak_resident_memory();
    let mut throughput = Vec::new();
    let wrk_seconds = std::env::var("KGQL_SCALE_THROUGHPUT_SECS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_u64);
    let load_test = timed && wrk_installed();
    // Long enough for each connection to finish a few requests when they are slow (the
    // connections share 2 cores).
    // The slower side sets the window: both sides are sent the same number of seconds.
    let seconds_for = |index: usize| {
        let (_, graphql, sparql) = &requests[index];
        if graphql.is_empty() || sparql.is_empty() {
            return wrk_seconds;
        }
        let slower = median(graphql).max(median(sparql)).as_secs_f64();
        let each = slower * f64::from(CONNECTIONS) / 2.0;
        wrk_seconds.max((each * 3.0).ceil() as u64)
    };
    if load_test {
        let (port, stopper, thread) = start_server(backend.store.clone(), &store_dir)?;
        for &index in &THROUGHPUT {
            let case = &WORKLOAD[index];
            let wrk_seconds = seconds_for(index);
            let url = format!("http://127.0.0.1:{port}");
            let body = serde_json::json!({ "query": case.graphql }).to_string();
            let graphql = wrk(
                &format!("{url}/graphql"),
                "application/json",
                "application/json",
                &body,
                wrk_seconds,
            )?;
            let query = format!("{}{}", common::PREFIXES, case.sparql);
            let sparql = wrk(
                &format!("{url}/sparql"),
                "application/sparql-query",
                "application/sparql-results+json",
                &query,
                wrk_seconds,
            )?;
            throughput.push(Throughput {
                graphql,
                sparql,
                oxigraph: None,
            });
        }
        stopper.stop().await;
        thread
            .join()
            .map_err(|_| "the server thread panicked".to_owned())?;
    }
    // Sizes on disk once both stores are closed (the baseline's already is).
    drop(backend);
    let store_bytes = disk_usage(&store_dir);
    let peak_graphql_memory = server_peak_memory(&store_dir).await?;
    if let (true, Some(cli)) = (load_test, baseline) {
        let server = common::baseline::Server::oxigraph(cli, &store_dir)?;
        for (slot, &index) in throughput.iter_mut().zip(&THROUGHPUT) {
            let query = format!("{}{}", common::PREFIXES, WORKLOAD[index].sparql);
            slot.oxigraph = Some(wrk(
                &format!("http://127.0.0.1:{}/query", server.port),
                "application/sparql-query",
                "application/sparql-results+json",
                &query,
                seconds_for(index),
            )?);
        }
        drop(server);
    }
    Ok(Measured {
        triples,
        generate,
        load,
        index,
        baseline_load,
        store_bytes,
        baseline_bytes: disk_usage(&baseline_dir),
        requests,
        peak_graphql_memory,
        peak_memory,
        peak_export_memory,
        export_turtle,
        export_ntriples,
        throughput,
    })
}

/// Whether `wrk` runs.
fn wrk_installed() -> bool {
    Command::new("wrk")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// Requests per second that `wrk` gets from POSTing `body` to `url` for `seconds` over
/// [`CONNECTIONS`] connections; an error if any answer is not a success.
fn wrk(
    url: &str,
    content_type: &str,
    accept: &str,
    body: &str,
    seconds: u64,
) -> Result<f64, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let script = dir.path().join("post.lua");
    // A long bracket string holds any body that does not contain its closing bracket.
    let mut level = String::from("=");
    while body.contains(&format!("]{level}]")) {
        level.push('=');
    }
    std::fs::write(
        &script,
        format!(
            "wrk.method = \"POST\"\nwrk.headers[\"Content-Type\"] = \"{content_type}\"\nwrk.headers[\"Accept\"] = \"{accept}\"\nwrk.body = [{level}[{body}]{level}]\n"
        ),
    )
    .map_err(|e| e.to_string())?;
    let output = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{CONNECTIONS}"),
            &format!("-d{seconds}s"),
            "--timeout",
            "60s",
            "-s",
        ])
        .arg(&script)
        .arg(url)
        .output()
        .map_err(|e| format!("wrk: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() || text.contains("Non-2xx") {
        return Err(format!(
            "wrk on {url} failed:\n{text}{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    text.lines()
        .find_map(|line| line.strip_prefix("Requests/sec:"))
        .and_then(|n| n.trim().parse().ok())
        .ok_or_else(|| format!("no request rate in wrk's output:\n{text}"))
}

fn baseline_name(cli: Option<&Path>) -> &'static str {
    if cli.is_some() {
        "`oxigraph load`"
    } else {
        "Oxigraph's bulk loader in process (`oxigraph` is not installed)"
    }
}

/// Loads `file` into a fresh Oxigraph store in `dir`, the way Oxigraph's own tools do.
fn load_baseline(cli: Option<&Path>, dir: &Path, file: &Path) -> Result<(), String> {
    if let Some(cli) = cli {
        return common::baseline::load(cli, dir, file).map(|_| ());
    }
    let store = oxigraph::store::Store::open(dir).map_err(|e| e.to_string())?;
    let input = std::fs::File::open(file).map_err(|e| e.to_string())?;
    let mut loader = store.bulk_loader();
    loader
        .load_from_reader(RdfFormat::NQuads, std::io::BufReader::new(input))
        .map_err(|e| e.to_string())?;
    loader.commit().map_err(|e| e.to_string())
}

/// Streams the whole graph in `format` and drops it; returns the time taken.
async fn export(backend: &Backend, format: RdfFormat) -> Result<Duration, String> {
    let started = Instant::now();
    let mut stream = kgql::export::export(&backend.store, None, format, kgql::stream::PATIENT)
        .await
        .map_err(|e| e.to_string())?;
    while let Some(chunk) = stream.next().await {
        chunk.map_err(|e| e.to_string())?;
    }
    Ok(started.elapsed())
}

/// The bytes of the files under `dir`.
fn disk_usage(dir: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => disk_usage(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

/// The peak resident memory of `kgql serve` on `store_dir`, in a process of its own, once it
/// has answered each request of the workload three times through `/graphql`; `None` where
/// `/proc` does not say.
async fn server_peak_memory(store_dir: &Path) -> Result<Option<u64>, String> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map_err(|e| format!("cannot find a free port: {e}"))?
        .port();
    let serve = || {
        let mut command = Command::new(env!("CARGO_BIN_EXE_kgql"));
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("KGQL_") {
                command.env_remove(name);
            }
        }
        command
            .arg("--store")
            .arg(store_dir)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start kgql serve: {e}"))
    };
    let mut child = serve()?;
    let result = async {
        let client = reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(600))
            .build()
            .map_err(|e| e.to_string())?;
        let url = format!("http://127.0.0.1:{port}/graphql");
        let post = |query: &str| {
            client
                .post(&url)
                .json(&serde_json::json!({ "query": query }))
                .send()
        };
        let deadline = Instant::now() + Duration::from_secs(120);
        while !post("{ __typename }")
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            if Instant::now() > deadline {
                return Err("kgql serve did not answer within two minutes".to_owned());
            }
            // The store stays locked until the evaluations this process left running (the
            // throughput clients' last queries) end: a server that could not open it exited.
            if child.try_wait().map_err(|e| e.to_string())?.is_some() {
                child = serve()?;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        for case in &WORKLOAD {
            for _ in 0..3 {
                let response = post(case.graphql).await.map_err(|e| e.to_string())?;
                if !response.status().is_success() {
                    return Err(format!("{}: HTTP {}", case.name, response.status()));
                }
                response.bytes().await.map_err(|e| e.to_string())?;
            }
        }
        let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).ok();
        Ok(status.and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kib * 1024)
        }))
    }
    .await;
    let _ = child.kill();
    let _ = child.wait();
    result
}

/// Resets the process's peak resident memory (Linux).
fn reset_peak_memory() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The process's peak resident memory since the last reset, in bytes (Linux).
fn peak_resident_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

fn rate(triples: u64, duration: Duration) -> String {
    let per_second = triples as f64 / duration.as_secs_f64().max(1e-9);
    format!("{:.0}", per_second)
}

fn mib(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / (1024.0 * 1024.0))
}

fn size_name(triples: u64) -> String {
    match triples {
        n if n >= 1_000_000 => format!("{:.0}M", n as f64 / 1e6),
        n if n >= 1_000 => format!("{:.0}k", n as f64 / 1e3),
        n => n.to_string(),
    }
}

/// The latency table of one size.
fn size_table(m: &Measured, baseline: &str) -> String {
    let mut table = format!(
        "### {} triples\n\nGenerated in {:.2} s. Load: kgql {} triples/s, {baseline} {} triples/s (ratio {:.2}); then the index of nodes in {:.2} s; on disk kgql {} MiB, baseline {} MiB. Export: Turtle {} triples/s, N-Triples {} triples/s. Peak resident memory: `kgql serve` answering the workload through GraphQL {} MiB; this process answering it both ways {} MiB, exporting {} MiB.\n\n| request | SPARQL queries | GraphQL median | GraphQL p99 | SPARQL median | SPARQL p99 | ratio of medians |\n|---|---:|---:|---:|---:|---:|---:|\n",
        m.triples,
        m.generate.as_secs_f64(),
        rate(m.triples, m.load),
        rate(m.triples, m.baseline_load),
        m.baseline_load.as_secs_f64() / m.load.as_secs_f64().max(1e-9),
        m.index.as_secs_f64(),
        mib(m.store_bytes),
        mib(m.baseline_bytes),
        rate(m.triples, m.export_turtle),
        rate(m.triples, m.export_ntriples),
        m.peak_graphql_memory
            .map_or_else(|| "unknown".to_owned(), mib),
        m.peak_memory.map_or_else(|| "unknown".to_owned(), mib),
        m.peak_export_memory.map_or_else(|| "unknown".to_owned(), mib),
    );
    for (case, (queries, graphql, sparql)) in WORKLOAD.iter().zip(&m.requests) {
        let ratio = median(graphql).as_secs_f64() / median(sparql).as_secs_f64().max(1e-12);
        table.push_str(&format!(
            "| {} | {queries} | {} | {} | {} | {} | {ratio:.2} |\n",
            case.name,
            millis(median(graphql)),
            millis(percentile(graphql, 0.99)),
            millis(median(sparql)),
            millis(percentile(sparql, 0.99)),
        ));
    }
    if !m.throughput.is_empty() {
        table.push_str(&format!(
            "\nThroughput with {CONNECTIONS} concurrent connections (`wrk`), requests per second:\n\n| request | kgql `/graphql` | kgql `/sparql` | `oxigraph serve` | GraphQL / Oxigraph |\n|---|---:|---:|---:|---:|\n"
        ));
        for (t, &index) in m.throughput.iter().zip(&THROUGHPUT) {
            let (oxigraph, ratio) = match t.oxigraph {
                Some(o) if o > 0.0 => (format!("{o:.1}"), format!("{:.2}", t.graphql / o)),
                Some(o) => (format!("{o:.1}"), "-".to_owned()),
                None => ("not installed".to_owned(), "-".to_owned()),
            };
            table.push_str(&format!(
                "| {} | {:.1} | {:.1} | {oxigraph} | {ratio} |\n",
                WORKLOAD[index].name, t.graphql, t.sparql
            ));
        }
    }
    table
}

/// The whole report: a summary across sizes, then one table per size.
fn report(results: &[Measured], baseline: &str, iterations: usize) -> String {
    let min_timed = common::MIN_TIMED.as_secs();
    let mut text = format!(
        "## Scale: generated graphs from ten thousand to ten million triples\n\n`KGQL_BENCH_WRITE=1 cargo bench --bench scale` (method in `benches/scale.rs`): graphs written by `kgql generate --seed 1`, loaded by kgql and by the baseline ({baseline}), then each request of the workload through GraphQL and, alternately, as hand-written SPARQL on the same store, at least {iterations} times each after a warm-up, and on until both sides have run for {min_timed} s together (at most a hundred times as often). Latencies in milliseconds; load and export rates in triples per second; the load ratio is kgql's rate over the baseline's (the target is at least 0.9), the latency ratio GraphQL's median over SPARQL's (the target is at most 1.2). The plot is `{PLOT}`.\n\n![Median latency against graph size]({PLOT})\n\n| triples | load kgql | load baseline | load ratio | index of nodes s | disk kgql MiB | disk baseline MiB | peak memory server MiB | peak memory both ways MiB | peak memory exporting MiB | export Turtle | export N-Triples |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
    );
    for m in results {
        text.push_str(&format!(
            "| {} | {} | {} | {:.2} | {:.2} | {} | {} | {} | {} | {} | {} | {} |\n",
            m.triples,
            rate(m.triples, m.load),
            rate(m.triples, m.baseline_load),
            m.baseline_load.as_secs_f64() / m.load.as_secs_f64().max(1e-9),
            m.index.as_secs_f64(),
            mib(m.store_bytes),
            mib(m.baseline_bytes),
            m.peak_graphql_memory
                .map_or_else(|| "unknown".to_owned(), mib),
            m.peak_memory.map_or_else(|| "unknown".to_owned(), mib),
            m.peak_export_memory
                .map_or_else(|| "unknown".to_owned(), mib),
            rate(m.triples, m.export_turtle),
            rate(m.triples, m.export_ntriples),
        ));
    }
    text.push_str("\nMedian latency (GraphQL / hand-written SPARQL, ms):\n\n| request |");
    for m in results {
        text.push_str(&format!(" {} |", size_name(m.triples)));
    }
    text.push_str("\n|---|");
    text.push_str(&"---:|".repeat(results.len()));
    text.push('\n');
    for (index, case) in WORKLOAD.iter().enumerate() {
        text.push_str(&format!("| {} |", case.name));
        for m in results {
            let (_, graphql, sparql) = &m.requests[index];
            text.push_str(&format!(
                " {} / {} |",
                millis(median(graphql)),
                millis(median(sparql))
            ));
        }
        text.push('\n');
    }
    text.push('\n');
    if results.iter().any(|m| !m.throughput.is_empty()) {
        text.push_str(&format!(
            "Throughput with {CONNECTIONS} concurrent connections (requests per second: kgql `/graphql` / kgql `/sparql` / `oxigraph serve`):\n\n| request |"
        ));
        for m in results {
            text.push_str(&format!(" {} |", size_name(m.triples)));
        }
        text.push_str("\n|---|");
        text.push_str(&"---:|".repeat(results.len()));
        text.push('\n');
        for (k, &index) in THROUGHPUT.iter().enumerate() {
            text.push_str(&format!("| {} |", WORKLOAD[index].name));
            for m in results {
                match m.throughput.get(k) {
                    Some(t) => text.push_str(&format!(
                        " {:.1} / {:.1} / {} |",
                        t.graphql,
                        t.sparql,
                        t.oxigraph
                            .map_or_else(|| "-".to_owned(), |o| format!("{o:.1}"))
                    )),
                    None => text.push_str(" - |"),
                }
            }
            text.push('\n');
        }
        text.push('\n');
    }
    for m in results {
        text.push_str(&size_table(m, baseline));
        text.push('\n');
    }
    text
}

/// An SVG plot of median latency against graph size, both axes logarithmic: one line per
/// request, solid for GraphQL, dashed for the hand-written SPARQL.
fn plot(results: &[Measured]) -> String {
    let mut svg = String::new();
    draw(results, &mut svg);
    svg
}

fn draw(results: &[Measured], svg: &mut String) {
    use plotters::prelude::*;
    {
        let root = SVGBackend::with_string(svg, (900, 560)).into_drawing_area();
        let _ = root.fill(&WHITE);
        let sizes: Vec<f64> = results.iter().map(|m| m.triples as f64).collect();
        let (x_min, x_max) = (
            sizes.iter().copied().fold(f64::MAX, f64::min) * 0.8,
            sizes.iter().copied().fold(0.0, f64::max) * 1.25,
        );
        let all: Vec<f64> = results
            .iter()
            .flat_map(|m| m.requests.iter())
            .flat_map(|(_, g, s)| [median(g), median(s)])
            .map(|d| d.as_secs_f64() * 1000.0)
            .filter(|ms| *ms > 0.0)
            .collect();
        let y_min = all.iter().copied().fold(f64::MAX, f64::min).max(1e-3) * 0.7;
        let y_max = all.iter().copied().fold(0.0, f64::max).max(y_min * 10.0) * 1.5;
        let Ok(mut chart) = ChartBuilder::on(&root)
            .caption(
                "kgql: median latency against graph size",
                ("sans-serif", 20),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d((x_min..x_max).log_scale(), (y_min..y_max).log_scale())
        else {
            return;
        };
        let _ = chart
            .configure_mesh()
            .x_desc("triples")
            .y_desc("median latency (ms)")
            .x_label_formatter(&|x| size_name(*x as u64))
            .draw();
        for (index, case) in WORKLOAD.iter().enumerate() {
            let color = Palette99::pick(index).to_rgba();
            let points = |side: usize| -> Vec<(f64, f64)> {
                results
                    .iter()
                    .map(|m| {
                        let (_, graphql, sparql) = &m.requests[index];
                        let latency = if side == 0 { graphql } else { sparql };
                        (
                            m.triples as f64,
                            (median(latency).as_secs_f64() * 1000.0).max(y_min),
                        )
                    })
                    .collect()
            };
            if let Ok(series) = chart.draw_series(LineSeries::new(points(0), color.stroke_width(2)))
            {
                series
                    .label(format!("{} (GraphQL)", case.name))
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                    });
            }
            let _ = chart.draw_series(DashedLineSeries::new(points(1), 6, 4, color.into()));
        }
        let _ = chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.8))
            .border_style(BLACK)
            .draw();
        let _ = root.present();
    }
}
