//! GraphQL requests against the hand-written SPARQL that returns the same data, on the same
//! store, in the same run.
//!
//! # Method
//!
//! An on-disk store in a temporary directory is seeded with the built-in graph. For each request
//! of [`WORKLOAD`] (the fixed cost of a request that reads nothing, a lookup, a filtered and ordered page, a three-level nested request, a
//! search and a path), the GraphQL API executes the request in process (validation, planning,
//! translation, every SPARQL query it sends, assembly of the response), and the store evaluates
//! the hand-written SPARQL query in process (parsing, evaluation, reading every row). Both sides
//! run alternately, one after the other, for the same number of iterations after a warm-up, so
//! that the shared machine's drifts fall on both; the report gives their median and 99th
//! percentile latency, the ratio of the medians (GraphQL / SPARQL: the cost of the GraphQL
//! layer) and how many SPARQL queries each GraphQL request sent.
//!
//! Where Virtuoso is installed (`scripts/virtuoso.sh install`), the same run repeats the
//! workload on a private Virtuoso instance as kgql's store (the remote backend, over HTTP) and
//! reports both backends side by side; where it is not, it says so and skips that part.
//!
//! # Running
//!
//! ```sh
//! cargo bench --bench graphql_vs_sparql                     # prints a Markdown table
//! KGQL_BENCH_WRITE=1 cargo bench --bench graphql_vs_sparql  # also updates BENCHMARKS.md
//! ```
//!
//! `KGQL_BENCH_ITERATIONS` (default 300) sets the iterations per request and side. Run by
//! `cargo test --all-targets` (without cargo bench's `--bench` argument), it runs each request
//! once, checks that both sides answer and that GraphQL stayed within its query budget, and
//! times nothing.

mod common;

use common::{median, millis, percentile, write_section, Backend, Case};
use std::path::Path;
use std::process::ExitCode;
use std::process::{Command, Stdio};
use std::time::Duration;

const WORKLOAD: [Case; 6] = [
    Case {
        name: "fixed cost (`{ __typename }` / `SELECT * {}`)",
        graphql: "{ __typename }",
        sparql: "SELECT * WHERE {}",
        budget: 0,
    },
    Case {
        name: "lookup by IRI",
        graphql: r#"{ organization(iri: "https://w3id.org/kgql/id/org/itu") {
            iri label altLabels homepage foundingDate } }"#,
        sparql: "SELECT DISTINCT ?p ?o WHERE {
            VALUES ?p { skos:prefLabel rdfs:label skos:altLabel foaf:homepage schema:url schema:foundingDate }
            <https://w3id.org/kgql/id/org/itu> a org:Organization ; ?p ?o }",
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
        name: "paths of up to two links",
        graphql: r#"{ paths(from: "https://w3id.org/kgql/id/org/wic",
            to: "https://w3id.org/kgql/id/org/itu", maxLength: 2) {
            nodes { iri label } edges { source predicate target } } }"#,
        sparql: "SELECT DISTINCT ?p1 ?m ?p2 ?ml ?fl ?tl WHERE {
            { <https://w3id.org/kgql/id/org/wic> ?p1 <https://w3id.org/kgql/id/org/itu> }
            UNION { <https://w3id.org/kgql/id/org/itu> ?p1 <https://w3id.org/kgql/id/org/wic> }
            UNION { { <https://w3id.org/kgql/id/org/wic> ?p1 ?m } UNION { ?m ?p1 <https://w3id.org/kgql/id/org/wic> }
                    { ?m ?p2 <https://w3id.org/kgql/id/org/itu> } UNION { <https://w3id.org/kgql/id/org/itu> ?p2 ?m }
                    FILTER(isIRI(?m) && ?p1 != rdf:type && ?p2 != rdf:type) }
            OPTIONAL { ?m skos:prefLabel ?ml FILTER(LANGMATCHES(LANG(?ml), \"en\")) }
            OPTIONAL { <https://w3id.org/kgql/id/org/wic> skos:prefLabel ?fl FILTER(LANGMATCHES(LANG(?fl), \"en\")) }
            OPTIONAL { <https://w3id.org/kgql/id/org/itu> skos:prefLabel ?tl FILTER(LANGMATCHES(LANG(?tl), \"en\")) } }",
        budget: 3,
    },
];

/// Markers around the generated section of BENCHMARKS.md.
const START: &str = "<!-- graphql-vs-sparql:start -->";
const END: &str = "<!-- graphql-vs-sparql:end -->";
const BACKENDS_START: &str = "<!-- backends:start -->";
const BACKENDS_END: &str = "<!-- backends:end -->";

fn main() -> ExitCode {
    common::main("graphql_vs_sparql", run)
}

/// The latencies of one request on one backend, sorted.
struct Measured {
    queries: u64,
    /// The leaf values of the GraphQL answer.
    items: usize,
    graphql: Vec<Duration>,
    sparql: Vec<Duration>,
}

/// A private Virtuoso instance (`scripts/virtuoso.sh`), stopped when dropped.
struct Virtuoso {
    home: std::path::PathBuf,
    http: u16,
    sql: u16,
}

impl Virtuoso {
    /// Starts one in `dir`, or says why it cannot.
    fn start(dir: &Path) -> Result<Self, String> {
        let installed = Command::new("sh")
            .args(["-c", "command -v virtuoso-t"])
            .stdout(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !installed {
            return Err("virtuoso-t is not installed (scripts/virtuoso.sh install)".into());
        }
        let free_port = || {
            std::net::TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .map(|a| a.port())
                .map_err(|e| e.to_string())
        };
        let engine = Self {
            home: dir.join("virtuoso"),
            http: free_port()?,
            sql: free_port()?,
        };
        let status = Command::new(script())
            .arg("start")
            .arg(&engine.home)
            .args([engine.http.to_string(), engine.sql.to_string()])
            .stdout(Stdio::null())
            .status()
            .map_err(|e| e.to_string())?;
        if !status.success() {
            return Err("scripts/virtuoso.sh start failed".into());
        }
        Ok(engine)
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}/sparql", self.http)
    }
}

impl Drop for Virtuoso {
    fn drop(&mut self) {
        let _ = Command::new(script())
            .arg("stop")
            .arg(&self.home)
            .arg(self.sql.to_string())
            .status();
    }
}

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/virtuoso.sh")
}

async fn run(timed: bool) -> Result<(), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let iterations: usize = std::env::var("KGQL_BENCH_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(300);
    let embedded =
        Backend::open("embedded", dir.path().join("store").display().to_string()).await?;
    let local = measure(&embedded, timed, iterations).await?;
    // The same workload on a Virtuoso engine, where one can be started.
    let virtuoso = match Virtuoso::start(dir.path()) {
        Ok(engine) => {
            let backend = Backend::open("Virtuoso", engine.url()).await?;
            let measured = measure(&backend, timed, iterations).await?;
            // Both backends give the same answers.
            for ((case, l), r) in WORKLOAD.iter().zip(&local).zip(&measured) {
                if l.items != r.items {
                    return Err(format!(
                        "{}: GraphQL gave {} values on the embedded store, {} on Virtuoso",
                        case.name, l.items, r.items
                    ));
                }
            }
            Some((engine, measured))
        }
        Err(reason) => {
            println!("the Virtuoso backend is skipped: {reason}");
            None
        }
    };
    if !timed {
        return Ok(());
    }
    let table = ratio_table(&local);
    println!("{table}");
    let side_by_side = virtuoso
        .as_ref()
        .map(|(_, remote)| backend_table(&local, remote));
    if let Some(side_by_side) = &side_by_side {
        println!("{side_by_side}");
    }
    if std::env::var_os("KGQL_BENCH_WRITE").is_some() {
        let min_timed = common::MIN_TIMED.as_secs();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("BENCHMARKS.md");
        let section = format!(
            "## GraphQL against hand-written SPARQL\n\n`cargo bench --bench graphql_vs_sparql`: the seed graph in an on-disk store; each request executed in process by the GraphQL API and, alternately, the hand-written SPARQL query that returns the same data evaluated by the store, at least {iterations} times each after a warm-up, and on until both sides have run for {min_timed} s together (at most a hundred times as often). Latencies in milliseconds; the ratio is GraphQL's median over SPARQL's (the target is at most 1.2).\n\n{table}"
        );
        write_section(&path, START, END, &section)?;
        if let Some(side_by_side) = side_by_side {
            let section = format!(
                "## The embedded store and Virtuoso, side by side\n\nThe same run of `cargo bench --bench graphql_vs_sparql` repeats the workload on a private Virtuoso 7 instance on loopback (`scripts/virtuoso.sh`; kgql started with `--store http://127.0.0.1:PORT/sparql`, the seed loaded through kgql), at least {iterations} times each after a warm-up, and on until both sides have run for {min_timed} s together (at most a hundred times as often). Medians in milliseconds. On Virtuoso every SPARQL query is an HTTP request to the engine, and kgql sends the queries an engine without LATERAL needs.\n\n{side_by_side}"
            );
            write_section(&path, BACKENDS_START, BACKENDS_END, &section)?;
        }
    }
    drop(virtuoso);
    Ok(())
}

/// Checks that both sides of each request answer within the query budget; when `timed`, times
/// them alternately.
async fn measure(
    backend: &Backend,
    timed: bool,
    iterations: usize,
) -> Result<Vec<Measured>, String> {
    let mut rows = Vec::new();
    for case in &WORKLOAD {
        let (queries, items) = backend.check(case).await?;
        if !timed {
            println!(
                "{} on {}: GraphQL ({queries} queries) and SPARQL both answer",
                case.name, backend.name
            );
            rows.push(Measured {
                queries,
                items,
                graphql: Vec::new(),
                sparql: Vec::new(),
            });
            continue;
        }
        let (graphql, sparql) = backend.time(case, iterations).await?;
        rows.push(Measured {
            queries,
            items,
            graphql,
            sparql,
        });
    }
    Ok(rows)
}

/// GraphQL against SPARQL on one backend.
fn ratio_table(rows: &[Measured]) -> String {
    let mut table = String::from(
        "| request | SPARQL queries | GraphQL median | GraphQL p99 | SPARQL median | SPARQL p99 | ratio of medians |\n|---|---:|---:|---:|---:|---:|---:|\n",
    );
    for (case, row) in WORKLOAD.iter().zip(rows) {
        let ratio = median(&row.graphql).as_secs_f64() / median(&row.sparql).as_secs_f64();
        table.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {ratio:.2} |\n",
            case.name,
            row.queries,
            millis(median(&row.graphql)),
            millis(percentile(&row.graphql, 0.99)),
            millis(median(&row.sparql)),
            millis(percentile(&row.sparql, 0.99)),
        ));
    }
    table
}

/// The embedded store and Virtuoso, side by side.
fn backend_table(local: &[Measured], remote: &[Measured]) -> String {
    let mut table = String::from(
        "| request | GraphQL embedded | GraphQL Virtuoso | SPARQL embedded | SPARQL Virtuoso | GraphQL/SPARQL embedded | GraphQL/SPARQL Virtuoso | SPARQL queries (embedded / Virtuoso) |\n|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let ratio =
        |row: &Measured| median(&row.graphql).as_secs_f64() / median(&row.sparql).as_secs_f64();
    for ((case, l), r) in WORKLOAD.iter().zip(local).zip(remote) {
        table.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.2} | {:.2} | {} / {} |\n",
            case.name,
            millis(median(&l.graphql)),
            millis(median(&r.graphql)),
            millis(median(&l.sparql)),
            millis(median(&r.sparql)),
            ratio(l),
            ratio(r),
            l.queries,
            r.queries,
        ));
    }
    table
}
