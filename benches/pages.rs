//! The web face's server time at ten thousand to ten million triples.
//!
//! # Method
//!
//! For each size, `kgql generate` (seed 1) writes a graph; it is loaded into a fresh on-disk
//! store with the bulk loader and the index of nodes is built, as `kgql load` does. kgql's HTTP
//! server then runs on the store (in this process, on a thread of its own) and a client on
//! the loopback asks for each page as a browser does (`Accept: text/html`), one request at a
//! time: the time is from the request sent to the whole body read, i.e. the server's time plus
//! the loopback. Each page is asked for twice to warm up, then `KGQL_PAGES_ITERATIONS` (default
//! 30) times; medians and 90th percentiles.
//!
//! The entities are chosen from the graph by degree: the hub (the organisation with the most
//! sub-organisations) and a typical organisation (the middle one of a listing). The baseline in
//! the same run is the typical organisation's own data as Turtle at the same URL: the page's
//! ratio to it is what the page adds (labels, sources, the picture, the timeline).
//!
//! The home page's counts are kept for a minute: its first answer (the counts read) and its
//! later ones are reported apart.
//!
//! ```sh
//! cargo bench --bench pages                                  # 10k, 100k, 1M and 10M triples
//! KGQL_PAGES_SIZES=10000,100000 cargo bench --bench pages    # chosen sizes
//! KGQL_BENCH_WRITE=1 cargo bench --bench pages               # also BENCHMARKS.md
//! ```
//!
//! Run by `cargo test --all-targets` (without `--bench`), it loads a small graph and checks
//! that every page answers 200, timing nothing.

mod common;

use common::{median, millis, percentile, start_server, write_section, Backend};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const START: &str = "<!-- pages:start -->";
const END: &str = "<!-- pages:end -->";

/// A page a browser asks for.
struct Page {
    name: String,
    path: String,
    /// A POST of this GraphQL request instead of a GET (the picture's data).
    graphql: Option<String>,
    accept: &'static str,
}

/// Each page's name and its sorted times.
type Timings = Vec<(String, Vec<Duration>)>;

const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

fn main() -> ExitCode {
    common::main("pages", run)
}

async fn run(timed: bool) -> Result<(), String> {
    let sizes = common::sizes("KGQL_PAGES_SIZES", timed)?;
    let iterations: usize = std::env::var("KGQL_PAGES_ITERATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(30);
    let mut results: Vec<(u64, Timings)> = Vec::new();
    for size in sizes {
        let measured = measure(size, if timed { iterations } else { 1 }).await?;
        if timed {
            for (name, times) in &measured.1 {
                println!(
                    "{} triples, {name}: median {} ms, p90 {} ms",
                    measured.0,
                    millis(median(times)),
                    millis(percentile(times, 0.9))
                );
            }
        }
        results.push(measured);
    }
    if !timed {
        return Ok(());
    }
    let report = report(&results, iterations);
    println!("{report}");
    if std::env::var_os("KGQL_BENCH_WRITE").is_some() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        write_section(&root.join("BENCHMARKS.md"), START, END, &report)?;
    }
    Ok(())
}

/// Loads one size and times every page: (triples, [(page, sorted times)]).
async fn measure(size: u64, iterations: usize) -> Result<(u64, Timings), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("graph.nq");
    let output = std::fs::File::create(&file).map_err(|e| e.to_string())?;
    let options = kgql::generate::Options {
        triples: size,
        seed: 1,
        base_iri: "https://w3id.org/kgql/id/".to_owned(),
    };
    let triples = kgql::generate::generate(output, &options)
        .map_err(|e| e.to_string())?
        .quads;
    let store_dir = dir.path().join("kgql");
    let backend = Backend::open("kgql", store_dir.display().to_string()).await?;
    backend.load_nquads(&file).await?;
    backend
        .store
        .rebuild_search_index(None)
        .await
        .map_err(|e| e.to_string())?;
    let (port, stopper, thread) = start_server(backend.store.clone(), &store_dir)?;
    let url = format!("http://127.0.0.1:{port}");
    let timings = tokio::task::spawn_blocking(move || time_pages(&url, iterations))
        .await
        .map_err(|e| e.to_string())?;
    stopper.stop().await;
    thread
        .join()
        .map_err(|_| "the server thread panicked".to_owned())?;
    Ok((triples, timings?))
}

/// Chooses the entities, then times each page.
fn time_pages(url: &str, iterations: usize) -> Result<Timings, String> {
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(600))
        .build()
        .map_err(|e| e.to_string())?;
    let select = |query: &str| -> Result<serde_json::Value, String> {
        let response = client
            .post(format!("{url}/sparql"))
            .header("content-type", "application/sparql-query")
            .header("accept", "application/sparql-results+json")
            .body(query.to_owned())
            .send()
            .map_err(|e| e.to_string())?;
        response.json().map_err(|e| e.to_string())
    };
    let first = |results: serde_json::Value, variable: &str| -> Result<String, String> {
        results["results"]["bindings"][0][variable]["value"]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("no {variable} in {results}"))
    };
    let hub = first(
        select(
            "SELECT ?o (COUNT(*) AS ?n) WHERE { ?s <http://www.w3.org/ns/org#subOrganizationOf> ?o }
             GROUP BY ?o ORDER BY DESC(?n) LIMIT 1",
        )?,
        "o",
    )?;
    let organisations: u64 = first(
        select("SELECT (COUNT(*) AS ?n) WHERE { ?o a <http://www.w3.org/ns/org#Organization> }")?,
        "n",
    )?
    .parse()
    .map_err(|e| format!("a count: {e}"))?;
    let typical = first(
        select(&format!(
            "SELECT ?o WHERE {{ ?o a <http://www.w3.org/ns/org#Organization> }} ORDER BY ?o \
             OFFSET {} LIMIT 1",
            organisations / 2
        ))?,
        "o",
    )?;
    // A word of the hub's label, to search for.
    let label = first(
        select(&format!(
            "SELECT ?l WHERE {{ <{hub}> <http://www.w3.org/2004/02/skos/core#prefLabel> ?l }} LIMIT 1"
        ))?,
        "l",
    )?;
    let word = label
        .split_whitespace()
        .max_by_key(|w| w.chars().count())
        .unwrap_or("organisation")
        .to_owned();
    let path = |iri: &str| {
        iri.strip_prefix("https://w3id.org/kgql/id/")
            .map(|rest| format!("/id/{rest}"))
            .unwrap_or_default()
    };
    let encode = |text: &str| form_urlencoded::byte_serialize(text.as_bytes()).collect::<String>();
    let example = kgql::site::EXAMPLES[0].1;
    let sparql_page = format!(
        "/sparql?query={}",
        encode(&format!("{}\n{example}", kgql::site::prefix_block()))
    );
    let picture = |iri: &str| {
        format!(
            "{{\"query\":\"{{ neighbourhood(iri: \\\"{iri}\\\", depth: 1, first: 30) {{ nodes {{ \
             entity {{ __typename iri label }} }} edges {{ source target predicate label }} }} }}\"}}"
        )
    };
    let get = |name: &str, path: String| Page {
        name: name.to_owned(),
        path,
        graphql: None,
        accept: BROWSER,
    };
    let pages = [
        get("home, counts read", "/".to_owned()),
        get("home, counts kept", "/".to_owned()),
        get("entity page, typical organisation", path(&typical)),
        get("entity page, hub", path(&hub)),
        Page {
            name: "picture's data, typical organisation".to_owned(),
            path: "/graphql".to_owned(),
            graphql: Some(picture(&typical)),
            accept: "application/json",
        },
        Page {
            name: "picture's data, hub".to_owned(),
            path: "/graphql".to_owned(),
            graphql: Some(picture(&hub)),
            accept: "application/json",
        },
        get("search results", format!("/search?q={}", encode(&word))),
        get("a kind's list", "/search?type=Organization".to_owned()),
        get(
            "connection, typical to hub",
            format!("/connect?from={}&to={}", encode(&typical), encode(&hub)),
        ),
        get("SPARQL editor with an answer", sparql_page),
        Page {
            name: "baseline: typical organisation as Turtle".to_owned(),
            path: format!("{}?format=ttl", path(&typical)),
            graphql: None,
            accept: "text/turtle",
        },
    ];
    let mut timings = Vec::new();
    for (index, page) in pages.iter().enumerate() {
        let once = || -> Result<Duration, String> {
            let started = Instant::now();
            let request = match &page.graphql {
                Some(body) => client
                    .post(format!("{url}{}", page.path))
                    .header("content-type", "application/json")
                    .body(body.clone()),
                None => client.get(format!("{url}{}", page.path)),
            };
            let response = request
                .header("accept", page.accept)
                .send()
                .map_err(|e| e.to_string())?;
            let status = response.status();
            let body = response.bytes().map_err(|e| e.to_string())?;
            let elapsed = started.elapsed();
            if status != 200 {
                return Err(format!(
                    "{} ({}): {status} {}",
                    page.name,
                    page.path,
                    String::from_utf8_lossy(&body[..body.len().min(300)])
                ));
            }
            Ok(elapsed)
        };
        let mut times = Vec::new();
        // The home page's first answer reads the counts: it is its own measure, once.
        if index == 0 {
            times.push(once()?);
        } else {
            for _ in 0..2.min(iterations) {
                once()?;
            }
            for _ in 0..iterations {
                times.push(once()?);
            }
        }
        times.sort();
        timings.push((page.name.clone(), times));
    }
    Ok(timings)
}

fn size_name(triples: u64) -> String {
    match triples {
        t if t >= 1_000_000 => format!("{}M", (t as f64 / 1e6).round()),
        t if t >= 1_000 => format!("{}k", (t as f64 / 1e3).round()),
        t => t.to_string(),
    }
}

fn report(results: &[(u64, Timings)], iterations: usize) -> String {
    let mut text = format!(
        "## Pages: the web face's server time\n\n`KGQL_BENCH_WRITE=1 cargo bench --bench pages` \
         (method in `benches/pages.rs`): graphs written by `kgql generate --seed 1`, loaded with \
         the index of nodes; each page asked for by a client on the loopback, one at a time, \
         {iterations} times after two to warm up (the home page's first answer, which reads the \
         counts, once). The entities are chosen by degree: the hub (the organisation with the \
         most sub-organisations) and a typical organisation. Milliseconds, median / 90th \
         percentile, from the request sent to the whole page read. The targets: entity and \
         home pages under 50 ms, the picture's data under 100 ms. The last row is the baseline \
         of the same run: the typical organisation's data as Turtle; the ratio row is the \
         typical entity page's median over it.\n\n| page |"
    );
    for (triples, _) in results {
        text.push_str(&format!(" {} |", size_name(*triples)));
    }
    text.push_str("\n|---|");
    for _ in results {
        text.push_str("---:|");
    }
    text.push('\n');
    let names: Vec<&String> = results
        .first()
        .map(|(_, pages)| pages.iter().map(|(name, _)| name).collect())
        .unwrap_or_default();
    for (row, name) in names.iter().enumerate() {
        text.push_str(&format!("| {name} |"));
        for (_, pages) in results {
            let times = &pages[row].1;
            if times.len() == 1 {
                text.push_str(&format!(" {} |", millis(times[0])));
            } else {
                text.push_str(&format!(
                    " {} / {} |",
                    millis(median(times)),
                    millis(percentile(times, 0.9))
                ));
            }
        }
        text.push('\n');
    }
    text.push_str("| entity page / its Turtle (typical) |");
    for (_, pages) in results {
        let find = |prefix: &str| {
            pages
                .iter()
                .find(|(name, _)| name.starts_with(prefix))
                .map(|(_, times)| median(times).as_secs_f64())
                .unwrap_or(f64::NAN)
        };
        text.push_str(&format!(
            " {:.2} |",
            find("entity page, typical") / find("baseline")
        ));
    }
    text.push_str("\n\n");
    text
}
