//! What the benchmarks share: a store with the GraphQL API over it, one execution of a request
//! on either side, the timing of both sides alternately, statistics, and the generated sections
//! of BENCHMARKS.md.

#![allow(dead_code)] // Each benchmark uses part of it.

pub mod baseline;

use kgql::config::{Settings, SettingsLayer};
use kgql::graphql::GraphqlApi;
use kgql::store::{QueryLimits, SharedStore};
use std::path::Path;
use std::time::{Duration, Instant};

/// One request of a workload: the GraphQL request and the hand-written SPARQL query that
/// returns the same data.
pub struct Case {
    pub name: &'static str,
    pub graphql: &'static str,
    pub sparql: &'static str,
    /// The most SPARQL queries the GraphQL request may send.
    pub budget: u64,
}

/// The prefixes of the hand-written queries.
pub const PREFIXES: &str = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX schema: <http://schema.org/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
";

/// How long each request is timed at least (both sides together).
pub const MIN_TIMED: Duration = Duration::from_secs(2);

/// A store and the GraphQL API over it.
pub struct Backend {
    pub name: &'static str,
    pub store: SharedStore,
    pub api: GraphqlApi,
    pub limits: QueryLimits,
}

impl Backend {
    /// Opens the store at `location` (a directory or an engine's SPARQL URL) and seeds it.
    pub async fn open(name: &'static str, location: String) -> Result<Self, String> {
        let layer = SettingsLayer {
            store: Some(location),
            ..SettingsLayer::default()
        };
        let settings = Settings::resolve(layer).map_err(|e| e.to_string())?;
        let store = kgql::startup::open(&settings, true)
            .await
            .map_err(|e| format!("{name}: {e}"))?;
        let api = GraphqlApi::new(store.clone(), &settings).map_err(|e| e.to_string())?;
        let limits = QueryLimits {
            timeout: settings.query_timeout,
        };
        Ok(Self {
            name,
            store,
            api,
            limits,
        })
    }

    /// Loads an N-Quads file with the bulk loader, as `kgql load` does.
    pub async fn load_nquads(&self, file: &Path) -> Result<(), String> {
        let input = std::fs::File::open(file).map_err(|e| e.to_string())?;
        self.store
            .load(kgql::store::LoadRequest {
                documents: vec![kgql::store::Document {
                    input: Box::new(std::io::BufReader::new(input)),
                    format: oxigraph::io::RdfFormat::NQuads,
                    base_iri: None,
                    name: file.display().to_string(),
                }],
                target: kgql::store::LoadTarget::Dataset {
                    default_graph: None,
                },
                mode: kgql::store::LoadMode::Append,
                progress: None,
                bulk: true,
            })
            .await
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    /// Runs both sides of `case` once: checks that both answer and that GraphQL stayed within
    /// its query budget; returns the SPARQL queries GraphQL sent and its number of values.
    pub async fn check(&self, case: &Case) -> Result<(u64, usize), String> {
        let (queries, items) = graphql_once(&self.api, case).await?;
        let solutions = sparql_once(&self.store, case, self.limits).await?;
        if items == 0 || solutions == 0 {
            return Err(format!(
                "{} on {}: GraphQL gave {items} values, SPARQL {solutions} rows: both must answer",
                case.name, self.name
            ));
        }
        if queries > case.budget {
            return Err(format!(
                "{} on {}: GraphQL sent {queries} SPARQL queries, more than its budget of {}",
                case.name, self.name, case.budget
            ));
        }
        Ok((queries, items))
    }

    /// Times both sides of `case` alternately after a warm-up: `iterations` times each, and
    /// on for [`MIN_TIMED`] (at most a hundred times `iterations`), so that sub-millisecond
    /// requests are measured thousands of times; returns the sorted latencies of GraphQL and
    /// of SPARQL.
    pub async fn time(
        &self,
        case: &Case,
        iterations: usize,
    ) -> Result<(Vec<Duration>, Vec<Duration>), String> {
        for _ in 0..iterations / 10 + 1 {
            graphql_once(&self.api, case).await?;
            sparql_once(&self.store, case, self.limits).await?;
        }
        let (mut graphql, mut sparql) = (Vec::new(), Vec::new());
        let start = Instant::now();
        let enough = |i: usize| {
            i >= iterations && (start.elapsed() >= MIN_TIMED || i >= iterations.saturating_mul(100))
        };
        for i in (0..).take_while(|i| !enough(*i)) {
            // Alternate which side goes first.
            for side in if i % 2 == 0 { [0, 1] } else { [1, 0] } {
                let start = Instant::now();
                if side == 0 {
                    graphql_once(&self.api, case).await?;
                    graphql.push(start.elapsed());
                } else {
                    sparql_once(&self.store, case, self.limits).await?;
                    sparql.push(start.elapsed());
                }
            }
        }
        graphql.sort();
        sparql.sort();
        Ok((graphql, sparql))
    }
}

/// Executes the GraphQL request; returns the SPARQL queries it sent and the number of leaf
/// values in its data.
pub async fn graphql_once(api: &GraphqlApi, case: &Case) -> Result<(u64, usize), String> {
    let outcome = api.execute(async_graphql::Request::new(case.graphql)).await;
    if !outcome.response.errors.is_empty() {
        return Err(format!("{}: {:?}", case.name, outcome.response.errors));
    }
    let data = serde_json::to_value(&outcome.response.data).map_err(|e| e.to_string())?;
    Ok((outcome.queries as u64, leaves(&data)))
}

pub fn leaves(value: &serde_json::Value) -> usize {
    match value {
        serde_json::Value::Array(items) => items.iter().map(leaves).sum(),
        serde_json::Value::Object(fields) => fields.values().map(leaves).sum(),
        serde_json::Value::Null => 0,
        _ => 1,
    }
}

/// Evaluates the hand-written query and reads every row, as the GraphQL layer reads its own
/// queries' rows (`kgql::sparql::select`: a small answer handed over whole, without a second
/// trip to a blocking thread); returns the number of rows.
pub async fn sparql_once(
    store: &SharedStore,
    case: &Case,
    limits: QueryLimits,
) -> Result<usize, String> {
    let text = format!("{PREFIXES}{}", case.sparql);
    let query = spargebra::SparqlParser::new()
        .parse_query(&text)
        .map_err(|e| format!("{}: {e}", case.name))?;
    kgql::sparql::select(store, query, limits)
        .await
        .map(|rows| rows.len())
        .map_err(|e| format!("{}: {e}", case.name))
}

pub fn median(sorted: &[Duration]) -> Duration {
    percentile(sorted, 0.5)
}

pub fn percentile(sorted: &[Duration], fraction: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() - 1) as f64 * fraction).round() as usize;
    sorted[index.min(sorted.len() - 1)]
}

pub fn millis(duration: Duration) -> String {
    format!("{:.2}", duration.as_secs_f64() * 1000.0)
}

/// Replaces a generated section of BENCHMARKS.md (appending it if the file has none).
pub fn write_section(path: &Path, start: &str, end: &str, section: &str) -> Result<(), String> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|_| "# Benchmarks\n".to_owned());
    let block = format!("{start}\n{section}{end}\n");
    let updated = match (text.find(start), text.find(end)) {
        (Some(from), Some(to)) if from < to => {
            format!(
                "{}{block}{}",
                &text[..from],
                &text[to + end.len()..].trim_start_matches('\n')
            )
        }
        _ => format!("{}\n{block}", text.trim_end()),
    };
    std::fs::write(path, updated).map_err(|e| e.to_string())
}

/// Starts kgql's HTTP server on `store`, on a thread of its own: its port, its stopper and the
/// thread (which ends when the server is stopped).
pub fn start_server(
    store: kgql::store::SharedStore,
    dir: &Path,
) -> Result<(u16, kgql::http::Stopper, std::thread::JoinHandle<()>), String> {
    let layer = kgql::config::SettingsLayer {
        bind: Some("127.0.0.1:0".to_owned()),
        store: Some(dir.display().to_string()),
        ..kgql::config::SettingsLayer::default()
    };
    let settings = kgql::config::Settings::resolve(layer).map_err(|e| e.to_string())?;
    let (sender, receiver) = std::sync::mpsc::channel();
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let server = match kgql::startup::bind(settings, store) {
                Ok(server) => server,
                Err(e) => {
                    let _ = sender.send(Err(e.to_string()));
                    return;
                }
            };
            let _ = sender.send(Ok((server.port(), server.stopper())));
            if let Err(e) = server.run().await {
                eprintln!("kgql's server failed: {e}");
            }
        });
    });
    let (port, stopper) = receiver
        .recv()
        .map_err(|_| "the server thread ended".to_owned())??;
    Ok((port, stopper, thread))
}

/// Runs a benchmark's `run(timed)` on a two-thread runtime: timed under `cargo bench` (which
/// passes `--bench`), a quick check under `cargo test`; a failure is printed under `name`.
pub fn main<F, Fut>(name: &str, run: F) -> std::process::ExitCode
where
    F: FnOnce(bool) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let timed = std::env::args().any(|arg| arg == "--bench");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    match runtime.block_on(run(timed)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{name}: {message}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The graph sizes `variable` lists (`10000,100_000`), else the four sizes of the curve when
/// timed, else one small graph for the check.
pub fn sizes(variable: &str, timed: bool) -> Result<Vec<u64>, String> {
    match std::env::var(variable) {
        Ok(list) => list
            .split(',')
            .map(|n| n.trim().replace('_', "").parse::<u64>())
            .collect::<Result<_, _>>()
            .map_err(|e| format!("{variable}: {e}")),
        Err(_) if timed => Ok(vec![10_000, 100_000, 1_000_000, 10_000_000]),
        Err(_) => Ok(vec![5_000]),
    }
}

/// Processor count and model, and memory, as Linux reports them.
pub fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, usize::from);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|line| line.starts_with("model name"))
                .and_then(|line| line.split_once(':'))
                .map(|(_, model)| model.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown processor".to_owned());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|info| {
            let line = info.lines().find(|line| line.starts_with("MemTotal:"))?;
            let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(format!("{:.0} GiB of memory", kib / 1024.0 / 1024.0))
        })
        .unwrap_or_else(|| "unknown memory".to_owned());
    format!("{cpus} CPUs ({model}) and {memory}, shared by clients and servers")
}

/// Today's date (UTC) as YYYY-MM-DD.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil date from a day count (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
