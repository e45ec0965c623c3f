//! GraphQL on every request shape against Oxigraph's own server answering the best hand-written
//! SPARQL for the same data, over HTTP, on generated graphs.
//!
//! # Method
//!
//! For each size (`KGQL_SHAPES_SIZES`, default one and ten million triples):
//!
//! 1. `kgql generate --seed 2` writes the graph as N-Quads. `kgql load` loads it into a fresh
//!    store (the data, the index of nodes and the compaction at the end, without SHACL
//!    validation) and `oxigraph load` into another; both are timed, and the load ratio is
//!    Oxigraph's time over kgql's (above 1: kgql loads faster).
//! 2. `kgql serve` and `oxigraph serve-read-only --union-default-graph` start on the two stores,
//!    each a process of its own on a free local port.
//! 3. The anchors: each request that starts from a node is sent twice, from a hub and from a
//!    typical node of the generated graph, chosen by degree. The nodes that have the statements
//!    the request follows are ranked by how many they have ([`Ranking`]); the hub is the first,
//!    the typical node the median. A request between two nodes goes from the anchor to the node
//!    ranked just after the median.
//! 4. Before anything is timed, every request's answers are compared: the values of the GraphQL
//!    answer (its strings and numbers) and those of the hand-written SPARQL's rows (on kgql's
//!    `/sparql` and on Oxigraph's server) must be the same set, or the same IRIs, or as many
//!    IRIs, as each request says ([`Compare`]). A difference stops the run: timing different
//!    answers means nothing.
//! 5. `wrk` sends each request as a GET (`/graphql?query=…` to kgql; `?query=…` with the SPARQL
//!    to Oxigraph's server and to kgql's `/sparql`) over 1 and 8 keep-alive connections, for
//!    about `KGQL_SHAPES_SECS` seconds (default 3) per side and round, `KGQL_SHAPES_ROUNDS`
//!    rounds (default 2), the order of the sides rotating from round to round. A request that
//!    takes under 50 ms is sent for that time; a slower one a number of times per connection
//!    that fills it, each connection stopping once it has its last answer, so that no request
//!    is left running into the next measure. Requests per second over all rounds, and the
//!    ratios to Oxigraph's server (above 1: kgql serves more).
//!
//! The baseline is the Oxigraph release kgql embeds, from its published Python wheel in a
//! virtual environment the benchmark makes (`target/oxigraph-0.5.13-venv`), unless
//! `OXIGRAPH_BIN` names an `oxigraph` executable. Clients and servers share the machine's cores.
//!
//! # Running
//!
//! ```sh
//! cargo bench --bench shapes                              # 1M and 10M triples
//! KGQL_SHAPES_SIZES=1000000 cargo bench --bench shapes    # chosen sizes
//! KGQL_BENCH_WRITE=1 cargo bench --bench shapes           # also BENCHMARKS.md
//! ```
//!
//! Run by `cargo test --all-targets` (without `--bench`), it generates a small graph, loads it
//! into kgql, and checks every request's GraphQL answer against its hand-written SPARQL on kgql's
//! `/sparql` (and on Oxigraph's server where one is installed); it times nothing.

mod common;

use common::baseline::{self as oxigraph, Server};
use serde_json::Value;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The `kgql` executable that cargo built for this benchmark.
const KGQL: &str = env!("CARGO_BIN_EXE_kgql");
/// Markers around the generated section of BENCHMARKS.md.
const START: &str = "<!-- shapes:start -->";
const END: &str = "<!-- shapes:end -->";
/// Connections of the load generator.
const CONNECTIONS: [u32; 2] = [1, 8];
/// The seed of the generated graphs (not the scale benchmark's).
const SEED: &str = "2";

/// How the nodes a request starts from are ranked: a SELECT of `?x` and its degree `?n`, most
/// first.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Ranking {
    /// Organisations by their sub-organisations.
    SubOrganizations,
    /// Organisations by the events they organise.
    OrganisedEvents,
    /// Organisations by the documents they publish.
    Publications,
    /// Organisations by the organisations they are members of.
    Memberships,
}

impl Ranking {
    fn sparql(self) -> &'static str {
        match self {
            Self::SubOrganizations => {
                "SELECT ?x (COUNT(DISTINCT ?y) AS ?n) WHERE { ?x org:hasSubOrganization ?y }
                 GROUP BY ?x ORDER BY DESC(?n) ?x"
            }
            Self::OrganisedEvents => {
                "SELECT ?x (COUNT(DISTINCT ?y) AS ?n) WHERE { ?y schema:organizer ?x . ?x a org:Organization }
                 GROUP BY ?x ORDER BY DESC(?n) ?x"
            }
            Self::Publications => {
                "SELECT ?x (COUNT(DISTINCT ?y) AS ?n) WHERE { ?y dcterms:publisher ?x . ?x a org:Organization }
                 GROUP BY ?x ORDER BY DESC(?n) ?x"
            }
            Self::Memberships => {
                "SELECT ?x (COUNT(DISTINCT ?y) AS ?n) WHERE { ?x org:memberOf ?y . ?x a org:Organization }
                 GROUP BY ?x ORDER BY DESC(?n) ?x"
            }
        }
    }
}

/// How a request's GraphQL answer is compared with its hand-written SPARQL's.
#[derive(Clone, Copy)]
enum Compare {
    /// The same set of values (strings, and numbers written out).
    Values,
    /// The same set of IRIs.
    Iris,
    /// As many neighbours: the GraphQL `nodes` but the first (the anchor) against the distinct
    /// values of the SPARQL variable `n` (where both cut a longer list at the same length, each
    /// its own way).
    Neighbours,
}

/// One request shape: the GraphQL request and the best hand-written SPARQL for the same data.
/// `{a}` and `{b}` stand for the anchor and the second node.
struct Shape {
    name: &'static str,
    /// Where the request starts, if from a node.
    anchor: Option<Ranking>,
    compare: Compare,
    graphql: &'static str,
    sparql: &'static str,
}

/// The prefixes of the hand-written queries.
const PREFIXES: &str = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <http://schema.org/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX dcterms: <http://purl.org/dc/terms/>
";

/// The workload: the shapes of the earlier six-request workload, then relationships in both
/// directions at two and three levels, filters and orderings on related nodes' fields, `facts`,
/// and several root fields in one request.
const SHAPES: [Shape; 13] = [
    Shape {
        name: "lookup by IRI",
        anchor: Some(Ranking::SubOrganizations),
        compare: Compare::Values,
        graphql: r#"{ organization(iri: "{a}") { iri label altLabels homepage foundingDate } }"#,
        sparql: r#"SELECT ?x ?label ?alt ?homepage ?date WHERE {
            BIND(<{a}> AS ?x)
            OPTIONAL { <{a}> skos:prefLabel ?label FILTER(LANG(?label) = "en") }
            OPTIONAL { <{a}> skos:altLabel ?alt }
            OPTIONAL { <{a}> foaf:homepage|schema:url ?homepage }
            OPTIONAL { <{a}> schema:foundingDate ?date } }"#,
    },
    Shape {
        name: "filtered, ordered page",
        anchor: None,
        compare: Compare::Values,
        graphql: r#"{ events(first: 10, filter: { startDate: { gte: "2020" } },
            orderBy: [{ field: startDate, direction: DESC }]) {
            totalCount nodes { iri label startDate } } }"#,
        sparql: r#"SELECT ?total ?e ?label ?date WHERE {
            { SELECT (COUNT(DISTINCT ?x) AS ?total) WHERE {
                ?x a schema:Event ; schema:startDate ?d FILTER(STR(?d) >= "2020") } }
            UNION
            { { SELECT ?e ?date WHERE {
                  ?e a schema:Event ; schema:startDate ?date FILTER(STR(?date) >= "2020") }
                ORDER BY DESC(?date) ?e LIMIT 10 }
              OPTIONAL { ?e skos:prefLabel ?label FILTER(LANG(?label) = "en") } } }"#,
    },
    Shape {
        name: "three nested levels from a list",
        anchor: None,
        compare: Compare::Values,
        graphql: r#"{ organizations(first: 10, orderBy: [{ field: label }]) { nodes { iri label
            subOrganizations(first: 5) { nodes { iri label
              posts(first: 3) { nodes { iri label heldBy { iri label } } } } } } } }"#,
        sparql: r#"SELECT ?o ?ol ?u ?ul ?p ?pl ?h ?hl WHERE {
            { SELECT ?o ?ol WHERE { ?o a org:Organization ; skos:prefLabel ?ol FILTER(LANG(?ol) = "en") }
              ORDER BY ?ol ?o LIMIT 10 }
            LATERAL { OPTIONAL { SELECT ?o ?u ?ul ?p ?pl ?h ?hl WHERE {
              { SELECT ?o ?u WHERE { ?o org:hasSubOrganization ?u . ?u a org:Organization }
                ORDER BY ?u LIMIT 5 }
              OPTIONAL { ?u skos:prefLabel ?ul FILTER(LANG(?ul) = "en") }
              LATERAL { OPTIONAL { SELECT ?u ?p ?pl ?h ?hl WHERE {
                { SELECT ?u ?p WHERE { ?u org:hasPost ?p . ?p a org:Post } ORDER BY ?p LIMIT 3 }
                OPTIONAL { ?p skos:prefLabel ?pl FILTER(LANG(?pl) = "en") }
                OPTIONAL { ?p org:heldBy ?h . ?h a foaf:Person
                  OPTIONAL { ?h skos:prefLabel ?hl FILTER(LANG(?hl) = "en") } } } } } } } } }"#,
    },
    Shape {
        name: "search",
        anchor: None,
        compare: Compare::Iris,
        graphql: r#"{ search(text: "summit", first: 10) { entity { iri } } }"#,
        sparql: r#"SELECT ?x WHERE {
            { SELECT ?x (MAX(?s) AS ?score) WHERE {
                ?x skos:prefLabel|rdfs:label|skos:altLabel|schema:description|dcterms:title ?m
                FILTER(CONTAINS(LCASE(STR(?m)), "summit"))
                BIND(IF(LCASE(STR(?m)) = "summit", 3, IF(STRSTARTS(LCASE(STR(?m)), "summit"), 2, 1)) AS ?s) }
              GROUP BY ?x } }
            ORDER BY DESC(?score) ?x LIMIT 10"#,
    },
    Shape {
        name: "neighbourhood (one link, 100 edges)",
        anchor: Some(Ranking::SubOrganizations),
        compare: Compare::Neighbours,
        graphql: r#"{ neighbourhood(iri: "{a}", depth: 1, first: 100) {
            nodes { entity { iri label } } edges { source predicate target } } }"#,
        sparql: r#"SELECT ?s ?p ?o ?n ?l WHERE {
            { SELECT DISTINCT ?n WHERE {
                { <{a}> ?q ?n FILTER(isIRI(?n)) } UNION { ?n ?q <{a}> }
                FILTER(?q != rdf:type && ?n != <{a}>) FILTER EXISTS { ?n ?x ?y } } LIMIT 99 }
            { <{a}> ?p ?n BIND(<{a}> AS ?s) BIND(?n AS ?o) }
            UNION { ?n ?p <{a}> BIND(?n AS ?s) BIND(<{a}> AS ?o) }
            FILTER(?p != rdf:type)
            OPTIONAL { ?n skos:prefLabel ?l FILTER(LANG(?l) = "en") } }"#,
    },
    Shape {
        name: "paths of up to two links",
        anchor: Some(Ranking::SubOrganizations),
        compare: Compare::Iris,
        graphql: r#"{ paths(from: "{a}", to: "{b}", maxLength: 2) {
            nodes { iri } edges { predicate } } }"#,
        sparql: r#"SELECT DISTINCT ?f ?t ?p1 ?m ?p2 WHERE {
            BIND(<{a}> AS ?f) BIND(<{b}> AS ?t)
            { { <{a}> ?p1 <{b}> } UNION { <{b}> ?p1 <{a}> } }
            UNION
            { { <{a}> ?p1 ?m } UNION { ?m ?p1 <{a}> }
              { ?m ?p2 <{b}> } UNION { <{b}> ?p2 ?m }
              FILTER(isIRI(?m) && ?p1 != rdf:type && ?p2 != rdf:type) } }
            LIMIT 10"#,
    },
    Shape {
        name: "relationship, two levels (sub-organisations)",
        anchor: Some(Ranking::SubOrganizations),
        compare: Compare::Values,
        graphql: r#"{ organization(iri: "{a}") { label
            subOrganizations(first: 20) { nodes { iri label } } } }"#,
        sparql: r#"SELECT ?label ?s ?sl WHERE {
            { <{a}> skos:prefLabel ?label FILTER(LANG(?label) = "en") }
            UNION
            { { SELECT ?s WHERE { <{a}> org:hasSubOrganization ?s . ?s a org:Organization }
                ORDER BY ?s LIMIT 20 }
              OPTIONAL { ?s skos:prefLabel ?sl FILTER(LANG(?sl) = "en") } } }"#,
    },
    Shape {
        name: "inverse relationship, three levels (events, their places)",
        anchor: Some(Ranking::OrganisedEvents),
        compare: Compare::Values,
        graphql: r#"{ organization(iri: "{a}") {
            organisedEvents(first: 10) { nodes { iri label startDate location { label } } } } }"#,
        sparql: r#"SELECT ?e ?l ?d ?pl WHERE {
            { SELECT ?e WHERE { ?e schema:organizer <{a}> ; a schema:Event } ORDER BY ?e LIMIT 10 }
            OPTIONAL { ?e skos:prefLabel ?l FILTER(LANG(?l) = "en") }
            OPTIONAL { ?e schema:startDate ?d }
            OPTIONAL { ?e schema:location ?p . ?p a schema:Place ; skos:prefLabel ?pl FILTER(LANG(?pl) = "en") } }"#,
    },
    Shape {
        name: "inverse relationship, two levels (publications)",
        anchor: Some(Ranking::Publications),
        compare: Compare::Values,
        graphql: r#"{ organization(iri: "{a}") {
            publications(first: 10) { nodes { iri label issued } } } }"#,
        sparql: r#"SELECT ?d ?l ?i WHERE {
            { SELECT ?d WHERE { ?d dcterms:publisher <{a}> ; a schema:CreativeWork } ORDER BY ?d LIMIT 10 }
            OPTIONAL { ?d skos:prefLabel ?l FILTER(LANG(?l) = "en") }
            OPTIONAL { ?d dcterms:issued ?i } }"#,
    },
    Shape {
        name: "relationship, three levels (units, posts, holders)",
        anchor: Some(Ranking::SubOrganizations),
        compare: Compare::Values,
        graphql: r#"{ organization(iri: "{a}") {
            subOrganizations(first: 5) { nodes { iri label
              posts(first: 3) { nodes { iri label heldBy { iri label } } } } } } }"#,
        sparql: r#"SELECT ?u ?ul ?p ?pl ?h ?hl WHERE {
            { SELECT ?u WHERE { <{a}> org:hasSubOrganization ?u . ?u a org:Organization } ORDER BY ?u LIMIT 5 }
            OPTIONAL { ?u skos:prefLabel ?ul FILTER(LANG(?ul) = "en") }
            LATERAL { OPTIONAL { SELECT ?u ?p ?pl ?h ?hl WHERE {
              { SELECT ?u ?p WHERE { ?u org:hasPost ?p . ?p a org:Post } ORDER BY ?p LIMIT 3 }
              OPTIONAL { ?p skos:prefLabel ?pl FILTER(LANG(?pl) = "en") }
              OPTIONAL { ?p org:heldBy ?h . ?h a foaf:Person
                OPTIONAL { ?h skos:prefLabel ?hl FILTER(LANG(?hl) = "en") } } } } } }"#,
    },
    Shape {
        name: "filter and order on related nodes' fields",
        anchor: Some(Ranking::OrganisedEvents),
        compare: Compare::Values,
        graphql: r#"{ organization(iri: "{a}") {
            organisedEvents(first: 10, filter: { startDate: { gte: "2015" } },
              orderBy: [{ field: startDate, direction: DESC }]) { nodes { iri label startDate } } } }"#,
        sparql: r#"SELECT ?e ?l ?d WHERE {
            { SELECT ?e ?d WHERE { ?e schema:organizer <{a}> ; a schema:Event ; schema:startDate ?d
                FILTER(STR(?d) >= "2015") } ORDER BY DESC(?d) ?e LIMIT 10 }
            OPTIONAL { ?e skos:prefLabel ?l FILTER(LANG(?l) = "en") } }"#,
    },
    Shape {
        name: "facts with their sources",
        anchor: Some(Ranking::Memberships),
        compare: Compare::Values,
        graphql: r#"{ organization(iri: "{a}") {
            facts(property: "org:memberOf") { value sources { iri } } } }"#,
        sparql: r#"SELECT ?v ?g WHERE { GRAPH ?g { <{a}> org:memberOf ?v } }"#,
    },
    Shape {
        name: "several root fields",
        anchor: Some(Ranking::SubOrganizations),
        compare: Compare::Values,
        graphql: r#"{ a: organization(iri: "{a}") { iri label } b: organization(iri: "{b}") { iri label }
            events(first: 5, orderBy: [{ field: startDate, direction: DESC }]) { nodes { iri label startDate } } }"#,
        sparql: r#"SELECT ?x ?l ?d WHERE {
            { VALUES ?x { <{a}> <{b}> } ?x skos:prefLabel ?l FILTER(LANG(?l) = "en") }
            UNION
            { { SELECT ?x ?d WHERE { ?x a schema:Event ; schema:startDate ?d } ORDER BY DESC(?d) ?x LIMIT 5 }
              OPTIONAL { ?x skos:prefLabel ?l FILTER(LANG(?l) = "en") } } }"#,
    },
];

/// A request as sent: a shape with its anchors filled in.
struct Request {
    shape: &'static Shape,
    /// `hub`, `typical`, or empty for a request that starts from no node.
    anchor: &'static str,
    /// The number of statements the anchor has of its ranking.
    degree: Option<u64>,
    graphql: String,
    sparql: String,
}

/// Requests per second of one request on each side, over all rounds.
struct Rates {
    graphql: f64,
    kgql_sparql: f64,
    oxigraph: f64,
}

/// What one size measured.
struct Measured {
    triples: u64,
    kgql_load: Duration,
    oxigraph_load: Duration,
    /// Per request: its name, anchor and degree, then the rates per number of connections.
    requests: Vec<(String, String, Option<u64>, Vec<Rates>)>,
}

/// The run's settings, from the environment.
struct Options {
    sizes: Vec<u64>,
    secs: u64,
    rounds: usize,
}

impl Options {
    fn from_env(timed: bool) -> Result<Self, String> {
        let number = |name: &str, default: u64| -> Result<u64, String> {
            std::env::var(name).ok().map_or(Ok(default), |v| {
                v.trim().parse().map_err(|e| format!("{name}: {e}"))
            })
        };
        let sizes = match std::env::var("KGQL_SHAPES_SIZES") {
            Ok(list) => list
                .split(',')
                .map(|n| n.trim().replace('_', "").parse::<u64>())
                .collect::<Result<_, _>>()
                .map_err(|e| format!("KGQL_SHAPES_SIZES: {e}"))?,
            Err(_) if timed => vec![1_000_000, 10_000_000],
            Err(_) => vec![20_000],
        };
        Ok(Self {
            sizes,
            secs: number("KGQL_SHAPES_SECS", 3)?,
            rounds: usize::try_from(number("KGQL_SHAPES_ROUNDS", 2)?.max(1)).unwrap_or(2),
        })
    }
}

fn main() -> std::process::ExitCode {
    let timed = std::env::args().any(|arg| arg == "--bench");
    match run(timed) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("shapes: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run(timed: bool) -> Result<(), String> {
    let options = Options::from_env(timed)?;
    let cli = oxigraph::cli(timed)?;
    if timed && cli.is_none() {
        return Err("no oxigraph executable (python3 -m venv and pip could not make one)".into());
    }
    if timed && !wrk_installed() {
        return Err("wrk is not installed (Debian: apt-get install wrk)".into());
    }
    let started = Instant::now();
    let mut results = Vec::new();
    for &triples in &options.sizes {
        results.push(measure_size(triples, cli.as_deref(), timed, &options)?);
    }
    if !timed {
        return Ok(());
    }
    let section = report(&results, &options, started.elapsed(), cli.as_deref());
    println!("{section}");
    if std::env::var_os("KGQL_BENCH_WRITE").is_some() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
        common::write_section(&path, START, END, &section)?;
    }
    Ok(())
}

/// Generates, loads, checks and (when timed) measures one size.
fn measure_size(
    triples: u64,
    cli: Option<&Path>,
    timed: bool,
    options: &Options,
) -> Result<Measured, String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("graph.nq");
    generate(triples, &file)?;
    let kgql_store = dir.path().join("kgql");
    let kgql_load = timed_command(
        Command::new(KGQL)
            .args(["load", "--no-validate", "--store"])
            .arg(&kgql_store)
            .arg(&file),
        "kgql load",
    )?;
    let oxigraph_store = dir.path().join("oxigraph");
    let oxigraph_load = match cli {
        Some(cli) => oxigraph::load(cli, &oxigraph_store, &file)?,
        None => Duration::ZERO,
    };
    eprintln!(
        "{triples} triples: kgql load {:.1} s, oxigraph load {:.1} s",
        kgql_load.as_secs_f64(),
        oxigraph_load.as_secs_f64()
    );
    let kgql = kgql_server(&kgql_store)?;
    let peer = cli
        .map(|cli| Server::oxigraph(cli, &oxigraph_store))
        .transpose()?;
    let requests = requests(&kgql)?;
    let latencies = requests
        .iter()
        .map(|request| check(request, &kgql, peer.as_ref()))
        .collect::<Result<Vec<_>, _>>()?;
    let mut measured = Vec::new();
    if let (true, Some(peer)) = (timed, &peer) {
        for (request, latencies) in requests.iter().zip(&latencies) {
            let rates = CONNECTIONS
                .iter()
                .map(|&connections| {
                    let sides = Sides {
                        kgql: &kgql,
                        peer,
                        latencies,
                    };
                    rates(request, &sides, connections, options)
                })
                .collect::<Result<Vec<_>, _>>()?;
            eprintln!("{}", row(&request_name(request), &rates));
            measured.push((
                request.shape.name.to_owned(),
                request.anchor.to_owned(),
                request.degree,
                rates,
            ));
        }
    }
    Ok(Measured {
        triples,
        kgql_load,
        oxigraph_load,
        requests: measured,
    })
}

fn generate(triples: u64, file: &Path) -> Result<(), String> {
    let out = std::fs::File::create(file).map_err(|e| e.to_string())?;
    let status = Command::new(KGQL)
        .args([
            "generate",
            "--seed",
            SEED,
            "--triples",
            &triples.to_string(),
        ])
        .stdout(out)
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|e| format!("kgql generate: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("kgql generate failed: {status}"))
    }
}

/// Runs `command` to its end; how long it took.
fn timed_command(command: &mut Command, what: &str) -> Result<Duration, String> {
    let started = Instant::now();
    let output = command.output().map_err(|e| format!("{what}: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    Ok(started.elapsed())
}

/// `kgql serve` on a store, as a process of its own with the environment's settings.
fn kgql_server(store: &Path) -> Result<Server, String> {
    let port = oxigraph::free_port()?;
    let mut command = Command::new(KGQL);
    command
        .args(["serve", "--store"])
        .arg(store)
        .args(["--bind", &format!("127.0.0.1:{port}")]);
    let server = Server::start("kgql serve", command, port)?;
    // Ready when the index of nodes answers.
    let client = reqwest::blocking::Client::new();
    let started = Instant::now();
    loop {
        let ready = client
            .get(format!("{}/readyz", server.base()))
            .send()
            .is_ok_and(|r| r.status().is_success());
        if ready {
            return Ok(server);
        }
        if started.elapsed() > Duration::from_secs(300) {
            return Err("kgql serve was not ready in five minutes".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Every shape with its anchors, chosen by degree on `kgql`'s `/sparql`.
fn requests(kgql: &Server) -> Result<Vec<Request>, String> {
    let mut rankings: Vec<(Ranking, Vec<(String, u64)>)> = Vec::new();
    let mut requests = Vec::new();
    for shape in &SHAPES {
        let Some(ranking) = shape.anchor else {
            requests.push(Request {
                shape,
                anchor: "",
                degree: None,
                graphql: shape.graphql.to_owned(),
                sparql: format!("{PREFIXES}{}", shape.sparql),
            });
            continue;
        };
        if !rankings.iter().any(|(r, _)| *r == ranking) {
            rankings.push((ranking, ranked(kgql, ranking)?));
        }
        let ranked = &rankings
            .iter()
            .find(|(r, _)| *r == ranking)
            .expect("ranked")
            .1;
        if ranked.len() < 3 {
            return Err(format!("too few nodes ranked by {ranking:?}"));
        }
        let median = ranked.len() / 2;
        for (anchor, at, other) in [("hub", 0, median), ("typical", median, median + 1)] {
            let fill = |text: &str| {
                text.replace("{a}", &ranked[at].0)
                    .replace("{b}", &ranked[other].0)
            };
            requests.push(Request {
                shape,
                anchor,
                degree: Some(ranked[at].1),
                graphql: fill(shape.graphql),
                sparql: format!("{PREFIXES}{}", fill(shape.sparql)),
            });
        }
    }
    Ok(requests)
}

/// The nodes `ranking` ranks, most statements first, with their number.
fn ranked(kgql: &Server, ranking: Ranking) -> Result<Vec<(String, u64)>, String> {
    let answer = sparql_json(kgql, "/sparql", &format!("{PREFIXES}{}", ranking.sparql()))?;
    let rows = answer["results"]["bindings"]
        .as_array()
        .ok_or("a ranking without rows")?;
    Ok(rows
        .iter()
        .filter_map(|row| {
            let node = row["x"]["value"].as_str()?.to_owned();
            let degree = row["n"]["value"].as_str()?.parse().ok()?;
            Some((node, degree))
        })
        .collect())
}

fn request_name(request: &Request) -> String {
    match request.degree {
        Some(degree) => format!("{} ({}, {degree})", request.shape.name, request.anchor),
        None => request.shape.name.to_owned(),
    }
}

/// The URL of a GraphQL GET.
fn graphql_url(kgql: &Server, query: &str) -> String {
    format!("{}/graphql?query={}", kgql.base(), encode(query))
}

/// The URL of a SPARQL GET on `path` (`/sparql` for kgql, `/query` for Oxigraph's server).
fn sparql_url(server: &Server, path: &str, query: &str) -> String {
    format!("{}{path}?query={}", server.base(), encode(query))
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

const SPARQL_JSON: &str = "application/sparql-results+json";

fn get_json(url: &str, accept: &str) -> Result<Value, String> {
    let response = reqwest::blocking::Client::new()
        .get(url)
        .header("Accept", accept)
        .timeout(Duration::from_secs(600))
        .send()
        .map_err(|e| format!("GET {url}: {e}"))?;
    let status = response.status();
    let body = response.text().map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("GET {url}: {status}: {body}"));
    }
    serde_json::from_str(&body).map_err(|e| format!("GET {url}: {e}: {body}"))
}

/// How long the second of two GETs of `url` takes.
fn second_run(url: &str, accept: &str) -> Result<Duration, String> {
    get_json(url, accept)?;
    let started = Instant::now();
    get_json(url, accept)?;
    Ok(started.elapsed())
}

fn sparql_json(server: &Server, path: &str, query: &str) -> Result<Value, String> {
    get_json(&sparql_url(server, path, query), SPARQL_JSON)
}

/// The latency of one request on each side (GraphQL, Oxigraph's server, kgql's `/sparql`),
/// measured on its second run.
type Latencies = [Duration; 3];

/// Compares the request's GraphQL answer with its SPARQL on both servers; the latency of each.
fn check(request: &Request, kgql: &Server, peer: Option<&Server>) -> Result<Latencies, String> {
    let name = request_name(request);
    let graphql_url = graphql_url(kgql, &request.graphql);
    let peer_url = peer.map(|peer| sparql_url(peer, "/query", &request.sparql));
    let kgql_url = sparql_url(kgql, "/sparql", &request.sparql);
    let latencies = [
        second_run(&graphql_url, "application/json")?,
        match &peer_url {
            Some(url) => second_run(url, SPARQL_JSON)?,
            None => Duration::ZERO,
        },
        second_run(&kgql_url, SPARQL_JSON)?,
    ];
    let answer = get_json(&graphql_url, "application/json")?;
    if answer.get("errors").is_some() {
        return Err(format!("{name}: GraphQL errors: {answer}"));
    }
    let data = &answer["data"];
    let graphql = leaves(data);
    let mut sparql = vec![("kgql /sparql", get_json(&kgql_url, SPARQL_JSON)?)];
    if let Some(url) = &peer_url {
        sparql.push(("Oxigraph", get_json(url, SPARQL_JSON)?));
    }
    for (side, rows) in sparql {
        let values = bound_values(&rows);
        let same = match request.shape.compare {
            Compare::Values => graphql == values,
            Compare::Iris => iris(&graphql) == iris(&values),
            Compare::Neighbours => neighbours(data) == distinct(&rows, "n"),
        };
        if !same {
            return Err(format!(
                "{name}: the GraphQL answer and the SPARQL answer on {side} differ\n\
                 only in GraphQL: {:?}\nonly in SPARQL: {:?}",
                graphql.difference(&values).collect::<Vec<_>>(),
                values.difference(&graphql).collect::<Vec<_>>()
            ));
        }
    }
    Ok(latencies)
}

/// The strings and numbers of a GraphQL answer.
fn leaves(value: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::String(s) => {
                out.insert(s.clone());
            }
            Value::Number(n) => {
                out.insert(n.to_string());
            }
            Value::Array(items) => stack.extend(items),
            Value::Object(fields) => stack.extend(fields.values()),
            Value::Null | Value::Bool(_) => {}
        }
    }
    out
}

/// The number of nodes of a GraphQL neighbourhood but the anchor.
fn neighbours(data: &Value) -> usize {
    data["neighbourhood"]["nodes"]
        .as_array()
        .map_or(0, |nodes| nodes.len().saturating_sub(1))
}

/// The number of distinct values of `variable` in a SPARQL JSON answer.
fn distinct(answer: &Value, variable: &str) -> usize {
    answer["results"]["bindings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|row| row[variable]["value"].as_str())
        .collect::<BTreeSet<_>>()
        .len()
}

/// The values bound in a SPARQL JSON answer's rows.
fn bound_values(answer: &Value) -> BTreeSet<String> {
    answer["results"]["bindings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .flat_map(|row| row.values())
        .filter_map(|term| term["value"].as_str().map(str::to_owned))
        .collect()
}

fn iris(values: &BTreeSet<String>) -> BTreeSet<&String> {
    values
        .iter()
        .filter(|v| v.starts_with("http://") || v.starts_with("https://"))
        .collect()
}

/// Whether `wrk` runs.
fn wrk_installed() -> bool {
    Command::new("wrk")
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok()
}

/// The servers, and a request's latency on each side.
struct Sides<'a> {
    kgql: &'a Server,
    peer: &'a Server,
    latencies: &'a Latencies,
}

/// The request's rates on the three sides over `connections` connections, the sides' order
/// rotating from round to round.
fn rates(
    request: &Request,
    sides: &Sides<'_>,
    connections: u32,
    options: &Options,
) -> Result<Rates, String> {
    let urls = [
        (
            graphql_url(sides.kgql, &request.graphql),
            "application/json",
        ),
        (
            sparql_url(sides.peer, "/query", &request.sparql),
            SPARQL_JSON,
        ),
        (
            sparql_url(sides.kgql, "/sparql", &request.sparql),
            SPARQL_JSON,
        ),
    ];
    let mut requests = [0.0_f64; 3];
    let mut seconds = [0.0_f64; 3];
    for round in 0..options.rounds {
        for i in 0..3 {
            let side = (i + round) % 3;
            let (url, accept) = &urls[side];
            let latency = sides.latencies[side];
            let (count, took) = if latency < QUICK {
                let run = wrk_for(url, accept, connections, options.secs)?;
                // What wrk left running when it stopped ends before the next run starts.
                std::thread::sleep(latency * connections + Duration::from_millis(100));
                run
            } else {
                let each = per_connection(latency, connections, options.secs);
                wrk_counted(url, accept, connections, each)?
            };
            requests[side] += count;
            seconds[side] += took;
        }
    }
    let rate = |side: usize| requests[side] / seconds[side].max(f64::EPSILON);
    Ok(Rates {
        graphql: rate(0),
        oxigraph: rate(1),
        kgql_sparql: rate(2),
    })
}

/// Requests quicker than this are sent for a fixed time (the few left running when it ends are
/// soon done); slower ones a fixed number of times, none left running. Counting answers costs
/// wrk a script call per answer, which would weigh on the quick requests' rates.
const QUICK: Duration = Duration::from_millis(50);

/// Requests completed and seconds taken by `wrk` GETting `url` over `connections` connections
/// for `secs` seconds; an error if any answer is not a success.
fn wrk_for(url: &str, accept: &str, connections: u32, secs: u64) -> Result<(f64, f64), String> {
    let output = Command::new("wrk")
        .args([
            &format!("-t{}", connections.min(2)),
            &format!("-c{connections}"),
            &format!("-d{secs}s"),
            "--timeout",
            "60s",
            "-H",
            &format!("Accept: {accept}"),
            url,
        ])
        .output()
        .map_err(|e| format!("wrk: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !output.status.success() || text.contains("Non-2xx") || text.contains("Socket errors") {
        return Err(format!(
            "wrk on {url} failed:\n{text}{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    wrk_summary(&text)
}

/// How many requests each of `connections` connections sends for the run to last about `secs`
/// seconds, from one request's `latency` (connections beyond the machine's cores share them).
fn per_connection(latency: Duration, connections: u32, secs: u64) -> u64 {
    let cores = std::thread::available_parallelism().map_or(1.0, |n| n.get() as f64);
    let sharing = (f64::from(connections) / cores).max(1.0);
    let each = secs as f64 / (latency.as_secs_f64().max(1e-5) * sharing);
    (each.ceil() as u64).max(1)
}

/// Requests completed and seconds taken by `wrk` GETting `url` over `connections` connections
/// (a thread each), each connection sending `each` requests one after the other and stopping
/// once it has the last answer, so that no request is left running when it ends. An error if
/// any answer is not a success.
fn wrk_counted(url: &str, accept: &str, connections: u32, each: u64) -> Result<(f64, f64), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let script = dir.path().join("stop.lua");
    // A thread that has its answers leaves a mark and stops; wrk itself runs until told (its
    // main thread sleeps for the whole duration), which it is once every thread has stopped.
    let marks = dir.path().display().to_string().replace('\\', "\\\\");
    std::fs::write(
        &script,
        format!(
            r#"local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("id", threads)
end
local answered = 0
function response(status, headers, body)
  answered = answered + 1
  if answered == {each} then
    local mark = io.open("{marks}/done-" .. id, "w")
    mark:close()
    wrk.thread:stop()
  end
end
"#
        ),
    )
    .map_err(|e| e.to_string())?;
    let mut child = Command::new("wrk")
        .args([
            &format!("-t{connections}"),
            &format!("-c{connections}"),
            "-d3600s",
            "--timeout",
            "600s",
            "-H",
            &format!("Accept: {accept}"),
            "-s",
        ])
        .arg(&script)
        .arg(url)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("wrk: {e}"))?;
    let done = |dir: &Path| {
        std::fs::read_dir(dir).map_or(0, |entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.file_name().to_string_lossy().starts_with("done-"))
                .count()
        })
    };
    while done(dir.path()) < connections as usize {
        if child.try_wait().map_err(|e| e.to_string())?.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let output = child.wait_with_output().map_err(|e| format!("wrk: {e}"))?;
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if text.contains("Non-2xx") || text.contains("Socket errors") {
        return Err(format!(
            "wrk on {url} failed:\n{text}{}",
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    wrk_summary(&text)
}

/// The request count and the duration in seconds of wrk's summary line
/// (`  1234 requests in 3.00s, 5.67MB read`).
fn wrk_summary(text: &str) -> Result<(f64, f64), String> {
    let line = text
        .lines()
        .find(|line| line.contains(" requests in "))
        .ok_or_else(|| format!("no request count in wrk's output:\n{text}"))?;
    let mut words = line.split_whitespace();
    let count: f64 = words
        .next()
        .and_then(|n| n.parse().ok())
        .ok_or("wrk's count")?;
    let duration = words.nth(2).map(|d| d.trim_end_matches(',')).unwrap_or("");
    let (number, unit) = duration.split_at(
        duration
            .find(|c: char| c.is_ascii_alphabetic())
            .unwrap_or(duration.len()),
    );
    let scale = match unit {
        "us" => 1e-6,
        "ms" => 1e-3,
        "s" => 1.0,
        "m" => 60.0,
        "h" => 3600.0,
        _ => return Err(format!("wrk's duration: {duration}")),
    };
    let number: f64 = number
        .parse()
        .map_err(|_| format!("wrk's duration: {duration}"))?;
    Ok((count, number * scale))
}

fn row(name: &str, rates: &[Rates]) -> String {
    let mut line = format!("| {name} |");
    for r in rates {
        let _ = write!(
            line,
            " {:.0} | {:.0} | {:.0} | **{:.2}** | {:.2} |",
            r.graphql,
            r.kgql_sparql,
            r.oxigraph,
            r.graphql / r.oxigraph,
            r.kgql_sparql / r.oxigraph
        );
    }
    line
}

fn report(results: &[Measured], options: &Options, took: Duration, cli: Option<&Path>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "## Every request shape against Oxigraph's server\n");
    let _ = writeln!(
        out,
        "`cargo bench --bench shapes` (method in `benches/shapes.rs`): graphs from `kgql generate --seed {SEED}`, \
         loaded by `kgql load` and `oxigraph load` ({}), served by `kgql serve` and `oxigraph serve-read-only --union-default-graph`; \
         each request sent by `wrk` as a GET for {} s per side and round, {} rounds, the sides' order rotating. \
         GraphQL through kgql's `/graphql`, its best hand-written SPARQL through Oxigraph's server and through kgql's `/sparql`; \
         the answers are checked equal before timing. Anchors: a hub (the node with most of the statements the request follows) \
         and a typical node (the median), with that number. Requests per second; ratios to Oxigraph's server (above 1: kgql serves more). \
         Run of {} on {}; it took {:.0} s.\n",
        cli.map_or_else(|| "oxigraph".into(), |c| c.display().to_string()),
        options.secs,
        options.rounds,
        common::today(),
        common::machine(),
        took.as_secs_f64()
    );
    for measured in results {
        let _ = writeln!(
            out,
            "### {} triples\n\nLoad: kgql {:.1} s (data, index of nodes, compaction), `oxigraph load` {:.1} s: ratio **{:.2}**.\n",
            measured.triples,
            measured.kgql_load.as_secs_f64(),
            measured.oxigraph_load.as_secs_f64(),
            measured.oxigraph_load.as_secs_f64() / measured.kgql_load.as_secs_f64()
        );
        let mut header = String::from("| request |");
        let mut rule = String::from("|---|");
        for connections in CONNECTIONS {
            let _ = write!(
                header,
                " `/graphql` c={connections} | kgql `/sparql` c={connections} | Oxigraph c={connections} | GraphQL / Oxigraph | `/sparql` / Oxigraph |"
            );
            rule.push_str("---:|---:|---:|---:|---:|");
        }
        let _ = writeln!(out, "{header}\n{rule}");
        for (name, anchor, degree, rates) in &measured.requests {
            let name = match degree {
                Some(degree) => format!("{name} ({anchor}, {degree})"),
                None => name.clone(),
            };
            let _ = writeln!(out, "{}", row(&name, rates));
        }
        out.push('\n');
    }
    out
}
