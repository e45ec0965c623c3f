//! kgql's `/sparql` endpoint against Oxigraph's own server, on the same data, in the same run.
//!
//! # Method
//!
//! 1. The seed graph is loaded into a scratch kgql store (`kgql seed`) and exported as N-Quads
//!    (`kgql export`); that file is bulk-loaded into a fresh store for each server (`kgql load`,
//!    `oxigraph load`), so both hold the same quads, laid out alike on disk.
//! 2. Both servers start on free local ports: `kgql serve` and
//!    `oxigraph serve --union-default-graph` (kgql's default graph is the union of the named
//!    graphs; the peer is configured the same way).
//! 3. A fixed workload of queries over the seed graph ([`WORKLOAD`]): a point lookup, a filtered
//!    and ordered SELECT with LIMIT, a three-hop join, a COUNT/GROUP BY aggregate and a
//!    CONSTRUCT, each sent as `GET /sparql?query=…` with the `Accept` header a client would send.
//!    Before anything is timed, both servers must give every query an answer of the same size;
//!    if they do not, the run stops, since timing different answers means nothing.
//! 4. For each query and each concurrency level (1 and 8 client threads), a short warm-up on each
//!    server, then several short rounds in which each server is measured in turn,
//!    the first server alternating from round to round (ABBA…), so that slow drifts of the shared
//!    machine fall on both. Each client thread has its own HTTP client (one keep-alive
//!    connection), sends the next request as soon as the previous answer has been read whole,
//!    and records every request's latency.
//! 5. Per server: requests per second (all requests over all the rounds' wall time) and the
//!    median and 99th percentile latency of every request; then the ratios kgql / Oxigraph of the
//!    throughput (above 1: kgql serves more) and of the median latency (below 1: kgql answers
//!    faster), with the spread of the per-round throughput ratios.
//!
//! Clients and servers share the machine's cores, and the machine may be shared with other work:
//! the absolute figures only indicate an order of magnitude, the ratios are what the benchmark
//! measures.
//!
//! # Running
//!
//! ```sh
//! cargo install oxigraph-cli --version 0.5.13 --locked   # the peer, once
//! cargo bench --bench sparql_endpoint                    # prints a Markdown table
//! KGQL_BENCH_WRITE=1 cargo bench --bench sparql_endpoint # also updates BENCHMARKS.md
//! ```
//!
//! `KGQL_BENCH_ROUNDS` (default 10) and `KGQL_BENCH_SECS` (seconds per server per round,
//! default one) change the length of the run, about four minutes by default. `OXIGRAPH_BIN`
//! names the `oxigraph` executable if it is neither on the `PATH` nor in `~/.cargo/bin`. Both
//! servers inherit the environment, so `RUST_LOG=warn` measures kgql without its per-request
//! log line. Without an `oxigraph` executable the benchmark says how to install one and exits
//! successfully. Run by `cargo test --all-targets` (without cargo bench's `--bench` argument),
//! it only checks that the two servers answer alike, which takes a few seconds, and times
//! nothing.

mod common;

use std::fmt::Write as _;
use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

/// The `kgql` executable that cargo built for this benchmark.
const KGQL: &str = env!("CARGO_BIN_EXE_kgql");
/// The version of Oxigraph kgql embeds, and so the version of the peer to compare with.
const OXIGRAPH_VERSION: &str = "0.5.13";
/// Concurrency levels: client threads sending requests at the same time.
const CONCURRENCY: [usize; 2] = [1, 8];
/// Warm-up time per server before each measurement.
const WARM_UP: Duration = Duration::from_millis(500);
/// Markers around the generated section of BENCHMARKS.md.
const START_MARKER: &str = "<!-- sparql-endpoint:start -->";
const END_MARKER: &str = "<!-- sparql-endpoint:end -->";

/// What a query answers, which decides the `Accept` header and how its answer is counted.
#[derive(Clone, Copy)]
enum Form {
    /// SELECT: SPARQL JSON results, counted in rows.
    Select,
    /// CONSTRUCT: N-Triples, counted in triples.
    Construct,
}

impl Form {
    fn accept(self) -> &'static str {
        match self {
            Self::Select => "application/sparql-results+json",
            Self::Construct => "application/n-triples",
        }
    }

    fn unit(self) -> &'static str {
        match self {
            Self::Select => "rows",
            Self::Construct => "triples",
        }
    }
}

/// One query of the workload.
struct Workload {
    name: &'static str,
    what: &'static str,
    form: Form,
    sparql: &'static str,
}

/// The queries: shapes a client of the knowledge graph sends, over the seed graph's vocabulary.
static WORKLOAD: [Workload; 5] = [
    Workload {
        name: "point lookup",
        what: "every triple about one entity (ITU)",
        form: Form::Select,
        sparql: "SELECT ?p ?o WHERE { <https://w3id.org/kgql/id/org/itu> ?p ?o }",
    },
    Workload {
        name: "filter + order + limit",
        what: "English labels containing \"AI\", ordered, first 20",
        form: Form::Select,
        sparql: r#"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?entity ?label WHERE {
  ?entity rdfs:label ?label .
  FILTER (langMatches(lang(?label), "en") && CONTAINS(?label, "AI"))
}
ORDER BY ?label ?entity
LIMIT 20"#,
    },
    Workload {
        name: "three-hop join",
        what: "person → post → role and organisation, with English names",
        form: Form::Select,
        sparql: r#"PREFIX org: <http://www.w3.org/ns/org#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?person ?name ?role ?roleName ?organization ?organizationName WHERE {
  ?person org:holds ?post ;
      skos:prefLabel ?name .
  ?post org:postIn ?organization ;
      org:role ?role .
  ?role skos:prefLabel ?roleName .
  ?organization skos:prefLabel ?organizationName .
  FILTER (lang(?name) = "en" && lang(?roleName) = "en" && lang(?organizationName) = "en")
}"#,
    },
    Workload {
        name: "aggregate",
        what: "entities per class (COUNT DISTINCT, GROUP BY, ORDER BY)",
        form: Form::Select,
        sparql: r#"SELECT ?class (COUNT(DISTINCT ?entity) AS ?entities) WHERE {
  ?entity a ?class .
}
GROUP BY ?class
ORDER BY DESC(?entities) ?class"#,
    },
    Workload {
        name: "construct",
        what: "events with their label, start, place and parent event",
        form: Form::Construct,
        sparql: r#"PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <http://schema.org/>
CONSTRUCT {
  ?event a schema:Event ;
      schema:name ?label ;
      schema:startDate ?start ;
      schema:location ?place ;
      schema:superEvent ?parent .
} WHERE {
  ?event a schema:Event ;
      rdfs:label ?label ;
      schema:startDate ?start .
  OPTIONAL { ?event schema:location ?place }
  OPTIONAL { ?event schema:superEvent ?parent }
}"#,
    },
];

fn main() -> ExitCode {
    let oxigraph = match find_oxigraph() {
        Ok(path) => path,
        Err(reason) => {
            println!(
                "sparql_endpoint: {reason}. Install the peer server with\n\n    \
                 cargo install oxigraph-cli --version {OXIGRAPH_VERSION} --locked\n\n\
                 and run `cargo bench --bench sparql_endpoint` again. Skipping the benchmark."
            );
            return ExitCode::SUCCESS;
        }
    };
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this target without it,
    // and then only the answers are checked, without timing anything.
    let timed = std::env::args().any(|arg| arg == "--bench");
    match run(&oxigraph, timed) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sparql_endpoint: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The run's settings, from the environment.
struct Settings {
    rounds: usize,
    slot: Duration,
    write: bool,
}

impl Settings {
    fn from_env() -> Result<Self, String> {
        let rounds: usize = env_number("KGQL_BENCH_ROUNDS", 10)?;
        let secs: f64 = env_number("KGQL_BENCH_SECS", 1.0)?;
        if rounds < 1 || secs.is_nan() || secs <= 0.0 || secs > 3600.0 {
            return Err(
                "KGQL_BENCH_ROUNDS must be at least 1 and KGQL_BENCH_SECS between 0 and 3600"
                    .into(),
            );
        }
        Ok(Self {
            rounds,
            slot: Duration::from_secs_f64(secs),
            write: std::env::var("KGQL_BENCH_WRITE").is_ok_and(|v| v == "1"),
        })
    }
}

fn env_number<T: std::str::FromStr>(name: &str, default: T) -> Result<T, String> {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .map_err(|_| format!("{name}={value} is not a number")),
        Err(_) => Ok(default),
    }
}

fn run(oxigraph: &Path, timed: bool) -> Result<(), String> {
    let settings = Settings::from_env()?;
    let began = Instant::now();
    let dir =
        tempfile::tempdir().map_err(|e| format!("cannot create a temporary directory: {e}"))?;
    let seed_store = dir.path().join("seed");
    let kgql_store = dir.path().join("kgql");
    let oxigraph_store = dir.path().join("oxigraph");
    let dump = dir.path().join("seed.nq");

    eprintln!("preparing the data: kgql seed and export, then kgql load and oxigraph load");
    check(kgql(&seed_store).arg("seed"), "kgql seed")?;
    check(
        kgql(&seed_store)
            .args(["export", "--format", "nquads", "-o"])
            .arg(&dump),
        "kgql export",
    )?;
    // Both stores are bulk-loaded from the same file, so that they are laid out alike on disk
    // (a seeded store keeps its data in RocksDB's write-ahead log and memtable instead).
    check(
        kgql(&kgql_store)
            .args(["load", "--no-validate", "--format", "nquads"])
            .arg(&dump),
        "kgql load",
    )?;
    check(
        Command::new(oxigraph)
            .arg("load")
            .arg("--location")
            .arg(&oxigraph_store)
            .arg("--file")
            .arg(&dump),
        "oxigraph load",
    )?;
    let quads = std::fs::read_to_string(&dump)
        .map_err(|e| format!("cannot read the export: {e}"))?
        .lines()
        .filter(|line| !line.trim().is_empty())
        .count();

    let kgql_port = free_port()?;
    let oxigraph_port = free_port()?;
    let mut kgql_server = kgql(&kgql_store);
    kgql_server
        .arg("serve")
        .arg("--bind")
        .arg(format!("127.0.0.1:{kgql_port}"));
    let mut oxigraph_server = Command::new(oxigraph);
    oxigraph_server
        .arg("serve")
        .arg("--location")
        .arg(&oxigraph_store)
        .arg("--bind")
        .arg(format!("127.0.0.1:{oxigraph_port}"))
        .arg("--union-default-graph");
    // The guards are declared after `dir`, so they are dropped first: the servers are stopped
    // before their stores are removed, on success, on error and on panic alike.
    let mut servers = [
        Server::start("kgql", kgql_server, kgql_port)?,
        Server::start("Oxigraph", oxigraph_server, oxigraph_port)?,
    ];
    for server in &mut servers {
        server.wait_until_ready()?;
    }

    let sizes = check_answers(&servers)?;
    if !timed {
        eprintln!("sparql_endpoint: answers agree; run `cargo bench --bench sparql_endpoint` to time them");
        return Ok(());
    }
    let mut results = Vec::new();
    for (query, size) in WORKLOAD.iter().zip(&sizes) {
        for &clients in &CONCURRENCY {
            eprintln!("measuring '{}' with {clients} client(s)", query.name);
            let comparison = measure(&servers, query, clients, &settings)?;
            results.push((query, *size, clients, comparison));
        }
    }
    let elapsed = began.elapsed();

    let versions = Versions {
        kgql: version(Command::new(KGQL).arg("--version")),
        oxigraph: version(Command::new(oxigraph).arg("--version")),
    };
    let section = report(&results, quads, &settings, &versions, elapsed);
    println!("\n{section}");
    if settings.write {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
        write_section(&path, &section)?;
        eprintln!("updated {}", path.display());
    }
    drop(servers);
    drop(dir);
    Ok(())
}

/// A `kgql` command on `store`, shielded from the caller's kgql configuration.
fn kgql(store: &Path) -> Command {
    let mut command = Command::new(KGQL);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("KGQL_") {
            command.env_remove(name);
        }
    }
    command.arg("--store").arg(store);
    command
}

/// Runs a preparation step and fails with its standard error if it fails.
fn check(command: &mut Command, what: &str) -> Result<(), String> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {what}: {e}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{what} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}

/// The first line a `--version` command prints, or `unknown`.
fn version(command: &mut Command) -> String {
    command
        .output()
        .ok()
        .and_then(|output| {
            String::from_utf8(output.stdout)
                .ok()?
                .lines()
                .next()
                .map(|line| line.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

/// The `oxigraph` executable: `OXIGRAPH_BIN`, then the `PATH`, then cargo's bin directory; or
/// why there is none.
fn find_oxigraph() -> Result<PathBuf, String> {
    if let Some(path) = std::env::var_os("OXIGRAPH_BIN") {
        let path = PathBuf::from(path);
        return if path.is_file() {
            Ok(path)
        } else {
            Err(format!("OXIGRAPH_BIN={} is not a file", path.display()))
        };
    }
    let mut candidates: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|path| std::env::split_paths(&path).collect())
        .unwrap_or_default();
    if let Some(cargo_home) = std::env::var_os("CARGO_HOME") {
        candidates.push(PathBuf::from(cargo_home).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        candidates.push(PathBuf::from(home).join(".cargo").join("bin"));
    }
    candidates
        .into_iter()
        .map(|dir| dir.join("oxigraph"))
        .find(|path| path.is_file())
        .ok_or_else(|| "no `oxigraph` executable on the PATH or in ~/.cargo/bin".to_owned())
}

/// A port that was free a moment ago.
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .map_err(|e| format!("cannot find a free port: {e}"))
}

/// A server process, stopped when dropped.
struct Server {
    name: &'static str,
    base: String,
    child: Child,
    /// One client per client thread, each keeping its connection alive between requests.
    clients: Vec<reqwest::blocking::Client>,
}

impl Server {
    fn start(name: &'static str, mut command: Command, port: u16) -> Result<Self, String> {
        let clients = (0..CONCURRENCY.iter().copied().max().unwrap_or(1))
            .map(|_| {
                reqwest::blocking::Client::builder()
                    .no_proxy()
                    .timeout(Duration::from_secs(60))
                    .build()
                    .map_err(|e| format!("cannot build an HTTP client: {e}"))
            })
            .collect::<Result<_, _>>()?;
        let child = command
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start the {name} server: {e}"))?;
        Ok(Self {
            name,
            base: format!("http://127.0.0.1:{port}/sparql"),
            child,
            clients,
        })
    }

    /// Waits until the server answers a query, or fails if it exits or takes a minute.
    fn wait_until_ready(&mut self) -> Result<(), String> {
        let url = self.url("ASK {}");
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let answered = self.clients[0]
                .get(url.clone())
                .header("accept", Form::Select.accept())
                .send()
                .is_ok_and(|response| response.status().is_success());
            if answered {
                return Ok(());
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("the {} server exited ({status})", self.name));
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "the {} server did not answer within a minute",
                    self.name
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn url(&self, query: &str) -> reqwest::Url {
        reqwest::Url::parse_with_params(&self.base, [("query", query)])
            .expect("the endpoint URL is valid")
    }

    /// Sends one query and returns its answer's body.
    fn fetch(&self, client: usize, url: &reqwest::Url, form: Form) -> Result<bytes::Bytes, String> {
        let response = self.clients[client]
            .get(url.clone())
            .header("accept", form.accept())
            .send()
            .map_err(|e| format!("{}: {e}", self.name))?;
        let status = response.status();
        let body = response
            .bytes()
            .map_err(|e| format!("{}: reading the answer: {e}", self.name))?;
        if status.is_success() {
            Ok(body)
        } else {
            Err(format!(
                "{} answered {status}: {}",
                self.name,
                String::from_utf8_lossy(&body)
            ))
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Checks that both servers give every query an answer of the same size; returns the sizes.
fn check_answers(servers: &[Server; 2]) -> Result<Vec<usize>, String> {
    let mut sizes = Vec::new();
    for query in &WORKLOAD {
        let mut counts = Vec::new();
        for server in servers {
            let body = server.fetch(0, &server.url(query.sparql), query.form)?;
            counts.push(answer_size(&body, query.form).map_err(|e| {
                format!(
                    "{}: unreadable answer to '{}': {e}",
                    server.name, query.name
                )
            })?);
        }
        if counts[0] != counts[1] {
            return Err(format!(
                "the servers disagree on '{}': {} {} from {}, {} from {}; comparing their speed would mean nothing",
                query.name,
                counts[0],
                query.form.unit(),
                servers[0].name,
                counts[1],
                servers[1].name
            ));
        }
        if counts[0] == 0 {
            return Err(format!("'{}' has an empty answer", query.name));
        }
        eprintln!(
            "'{}': both servers answer {} {}",
            query.name,
            counts[0],
            query.form.unit()
        );
        sizes.push(counts[0]);
    }
    Ok(sizes)
}

/// The number of rows (SELECT) or triples (CONSTRUCT) in an answer.
fn answer_size(body: &[u8], form: Form) -> Result<usize, String> {
    match form {
        Form::Select => {
            let json: serde_json::Value =
                serde_json::from_slice(body).map_err(|e| e.to_string())?;
            json["results"]["bindings"]
                .as_array()
                .map(Vec::len)
                .ok_or_else(|| "no results.bindings array".to_owned())
        }
        Form::Construct => {
            let mut count = 0;
            for triple in oxigraph::io::RdfParser::from_format(oxigraph::io::RdfFormat::NTriples)
                .for_slice(body)
            {
                triple.map_err(|e| e.to_string())?;
                count += 1;
            }
            Ok(count)
        }
    }
}

/// What one server did during one measured slot.
#[derive(Default)]
struct Slot {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    latencies: Vec<Duration>,
}

/// Sends `url` from `clients` threads until `duration` has passed.
fn load(
    server: &Server,
    url: &reqwest::Url,
    form: Form,
    clients: usize,
    duration: Duration,
) -> Slot {
    let start = Instant::now();
    let deadline = start + duration;
    let per_thread: Vec<(Vec<Duration>, usize)> = std::thread::scope(|scope| {
        let threads: Vec<_> = (0..clients)
            .map(|client| {
                scope.spawn(move || {
                    let mut latencies = Vec::new();
                    let mut errors = 0;
                    while Instant::now() < deadline {
                        let sent = Instant::now();
                        match server.fetch(client, url, form) {
                            Ok(_) => latencies.push(sent.elapsed()),
                            Err(_) => errors += 1,
                        }
                    }
                    (latencies, errors)
                })
            })
            .collect();
        threads
            .into_iter()
            .map(|thread| thread.join().expect("a client thread panicked"))
            .collect()
    });
    let elapsed = start.elapsed();
    let mut slot = Slot {
        elapsed,
        ..Slot::default()
    };
    for (latencies, errors) in per_thread {
        slot.requests += latencies.len();
        slot.errors += errors;
        slot.latencies.extend(latencies);
    }
    slot
}

/// One server's figures for one query and concurrency, over all rounds.
struct Figures {
    requests_per_sec: f64,
    median: Duration,
    p99: Duration,
    errors: usize,
}

impl Figures {
    fn of(slots: &[Slot]) -> Self {
        let requests: usize = slots.iter().map(|s| s.requests).sum();
        let elapsed: Duration = slots.iter().map(|s| s.elapsed).sum();
        let mut latencies: Vec<Duration> = slots
            .iter()
            .flat_map(|s| s.latencies.iter().copied())
            .collect();
        latencies.sort_unstable();
        Self {
            requests_per_sec: requests as f64 / elapsed.as_secs_f64(),
            median: percentile(&latencies, 0.5),
            p99: percentile(&latencies, 0.99),
            errors: slots.iter().map(|s| s.errors).sum(),
        }
    }
}

/// The nearest-rank percentile of sorted values (zero if there are none).
fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (fraction * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// kgql's and Oxigraph's figures for one query and concurrency.
struct Comparison {
    kgql: Figures,
    oxigraph: Figures,
    /// The lowest and highest throughput ratio of a single round.
    round_ratios: (f64, f64),
}

impl Comparison {
    fn throughput_ratio(&self) -> f64 {
        self.kgql.requests_per_sec / self.oxigraph.requests_per_sec
    }

    fn median_ratio(&self) -> f64 {
        self.kgql.median.as_secs_f64() / self.oxigraph.median.as_secs_f64()
    }
}

/// Warms both servers up, then measures them in alternating rounds.
fn measure(
    servers: &[Server; 2],
    query: &Workload,
    clients: usize,
    settings: &Settings,
) -> Result<Comparison, String> {
    let urls = [servers[0].url(query.sparql), servers[1].url(query.sparql)];
    for (server, url) in servers.iter().zip(&urls) {
        let warm_up = load(server, url, query.form, clients, WARM_UP);
        if warm_up.requests == 0 {
            let error = server.fetch(0, url, query.form).err().unwrap_or_default();
            return Err(format!(
                "{} answered no request to '{}' during the warm-up: {error}",
                server.name, query.name
            ));
        }
    }
    let mut slots: [Vec<Slot>; 2] = [Vec::new(), Vec::new()];
    let mut ratios = Vec::new();
    for round in 0..settings.rounds {
        let order = if round % 2 == 0 { [0, 1] } else { [1, 0] };
        let mut rates = [0.0; 2];
        for index in order {
            let slot = load(
                &servers[index],
                &urls[index],
                query.form,
                clients,
                settings.slot,
            );
            rates[index] = slot.requests as f64 / slot.elapsed.as_secs_f64();
            slots[index].push(slot);
        }
        ratios.push(rates[0] / rates[1]);
    }
    let low = ratios.iter().copied().fold(f64::INFINITY, f64::min);
    let high = ratios.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Ok(Comparison {
        kgql: Figures::of(&slots[0]),
        oxigraph: Figures::of(&slots[1]),
        round_ratios: (low, high),
    })
}

/// The versions of the two servers.
struct Versions {
    kgql: String,
    oxigraph: String,
}

/// The Markdown section: the machine, the workload and the results table.
fn report(
    results: &[(&Workload, usize, usize, Comparison)],
    quads: usize,
    settings: &Settings,
    versions: &Versions,
    elapsed: Duration,
) -> String {
    let mut out = String::from("## SPARQL endpoint against Oxigraph's server\n\n");
    let _ = writeln!(
        out,
        "`cargo bench --bench sparql_endpoint`, after `cargo install oxigraph-cli --version \
         {OXIGRAPH_VERSION} --locked`: kgql's `/sparql` and the server that ships with the Oxigraph \
         version kgql embeds (`oxigraph serve --union-default-graph`), each on a store \
         bulk-loaded with the seed graph ({quads} quads), sent the same queries over HTTP by 1 and \
         8 client threads on keep-alive connections. {} round{} of {:.1} s per server, the first \
         server alternating between rounds. Run of {} (`{}`, `{}`) on {}; it took {:.0} s.\n",
        settings.rounds,
        if settings.rounds == 1 { "" } else { "s" },
        settings.slot.as_secs_f64(),
        common::today(),
        versions.kgql,
        versions.oxigraph,
        common::machine(),
        elapsed.as_secs_f64()
    );
    out.push_str("| query | answer | what it asks |\n|---|---|---|\n");
    for (query, size, clients, _) in results {
        if *clients == CONCURRENCY[0] {
            let _ = writeln!(
                out,
                "| {} | {size} {} | {} |",
                query.name,
                query.form.unit(),
                query.what
            );
        }
    }
    out.push_str(
        "\n| query | clients | kgql req/s | Oxigraph req/s | throughput kgql/Oxigraph (per-round range) \
         | kgql median | Oxigraph median | median kgql/Oxigraph | kgql p99 | Oxigraph p99 |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let mut errors = Vec::new();
    for (query, _, clients, c) in results {
        let _ = writeln!(
            out,
            "| {} | {clients} | {:.0} | {:.0} | **{:.2}** ({:.2}–{:.2}) | {} | {} | **{:.2}** | {} | {} |",
            query.name,
            c.kgql.requests_per_sec,
            c.oxigraph.requests_per_sec,
            c.throughput_ratio(),
            c.round_ratios.0,
            c.round_ratios.1,
            millis(c.kgql.median),
            millis(c.oxigraph.median),
            c.median_ratio(),
            millis(c.kgql.p99),
            millis(c.oxigraph.p99),
        );
        for (name, figures) in [("kgql", &c.kgql), ("Oxigraph", &c.oxigraph)] {
            if figures.errors > 0 {
                errors.push(format!(
                    "{name} failed {} request(s) of '{}' with {clients} client(s)",
                    figures.errors, query.name
                ));
            }
        }
    }
    out.push_str(
        "\nA throughput ratio above 1 means kgql serves more requests per second than Oxigraph's \
         server; a median ratio below 1 means it answers faster. Latencies are in milliseconds, \
         measured by the client from sending the request to reading the last byte of the answer.\n",
    );
    if !errors.is_empty() {
        let _ = writeln!(out, "\nFailed requests: {}.", errors.join("; "));
    }
    out
}

fn millis(duration: Duration) -> String {
    format!("{:.2} ms", duration.as_secs_f64() * 1000.0)
}

/// Replaces the generated section of BENCHMARKS.md, creating the file if needed.
fn write_section(path: &Path, section: &str) -> Result<(), String> {
    let block = format!("{START_MARKER}\n{section}{END_MARKER}");
    let current = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => INTRO.to_owned(),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    let updated = match (current.find(START_MARKER), current.find(END_MARKER)) {
        (Some(start), Some(end)) if start < end => format!(
            "{}{block}{}",
            &current[..start],
            &current[end + END_MARKER.len()..]
        ),
        _ => format!("{}\n\n{block}\n", current.trim_end()),
    };
    let mut file =
        std::fs::File::create(path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    file.write_all(updated.as_bytes())
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The beginning of a new BENCHMARKS.md.
const INTRO: &str = "# Benchmarks

Every benchmark compares kgql with a baseline measured in the same run, alternating the two, and
the ratio is what it measures: the machine may be shared with other work, so absolute figures only
give an order of magnitude. Each section is rewritten by the command it names with
`KGQL_BENCH_WRITE=1`.
";
