//! Starting a real server on a free port with a temporary store.
//!
//! `KGQL_TEST_BACKEND` chooses the store every test server runs on: `embedded` (the default, an
//! on-disk Oxigraph store in a temporary directory), `virtuoso` (a fresh Virtuoso instance per
//! test, started by `scripts/virtuoso.sh`) or `oxigraph` (a fresh `oxigraph serve` per test).

use kgql::config::{Secret, Settings, SettingsLayer};
use kgql::http::Stopper;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tempfile::TempDir;

/// The backend the tests run on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The embedded store.
    Embedded,
    /// A Virtuoso instance.
    Virtuoso,
    /// Oxigraph's server.
    Oxigraph,
}

/// The backend `KGQL_TEST_BACKEND` names.
pub fn backend() -> Backend {
    match std::env::var("KGQL_TEST_BACKEND").as_deref() {
        Ok("virtuoso") => Backend::Virtuoso,
        Ok("oxigraph") => Backend::Oxigraph,
        Ok("" | "embedded") | Err(_) => Backend::Embedded,
        Ok(other) => panic!("KGQL_TEST_BACKEND={other}: expected embedded, virtuoso or oxigraph"),
    }
}

/// A free TCP port on loopback, for an engine to bind right after.
///
/// The ports come from below Linux's ephemeral range (32768–60999): a port the kernel handed out
/// for `bind(0)` is just as likely to become the local end of some outgoing connection (the tests
/// make thousands) before the engine binds it.
pub fn free_port() -> u16 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    const FIRST: u32 = 16_384;
    const COUNT: u32 = 16_000;
    let start = std::process::id().wrapping_mul(7919) % COUNT;
    loop {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        assert!(
            n < COUNT,
            "no free port between {FIRST} and {}",
            FIRST + COUNT
        );
        let port = (FIRST + (start + n) % COUNT) as u16;
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// A SPARQL engine started for one test; stopped when dropped.
pub struct Engine {
    /// Where the engine keeps its files.
    home: PathBuf,
    /// The engine's ports: HTTP, and (Virtuoso) SQL.
    ports: (u16, u16),
    running: Running,
}

/// What is running.
enum Running {
    /// Nothing to stop.
    None,
    /// A Virtuoso instance.
    Virtuoso,
    /// An `oxigraph serve` process.
    Oxigraph(Child),
}

impl Engine {
    /// Starts the engine of [`backend`] with its files in `dir`; returns it with the settings
    /// that point kgql at it.
    pub fn start(dir: &Path) -> (Self, SettingsLayer) {
        let mut engine = Self {
            home: dir.join("engine"),
            ports: (free_port(), free_port()),
            running: Running::None,
        };
        // A port can still be taken between the check and the engine's bind: try other ports.
        let mut attempts = 0;
        while let Err(error) = engine.try_resume() {
            attempts += 1;
            assert!(attempts < 3, "{error}");
            let _ = std::fs::remove_dir_all(&engine.home);
            engine.ports = (free_port(), free_port());
        }
        let base = format!("http://127.0.0.1:{}", engine.ports.0);
        let layer = match backend() {
            Backend::Embedded => SettingsLayer {
                store: Some(dir.join("store").display().to_string()),
                ..SettingsLayer::default()
            },
            Backend::Virtuoso => SettingsLayer {
                store: Some(format!("{base}/sparql")),
                ..SettingsLayer::default()
            },
            Backend::Oxigraph => SettingsLayer {
                store: Some(format!("{base}/query")),
                store_update_url: Some(format!("{base}/update")),
                ..SettingsLayer::default()
            },
        };
        (engine, layer)
    }

    /// Starts the engine again on its files and ports, after [`Engine::stop`].
    pub fn resume(&mut self) {
        if let Err(error) = self.try_resume() {
            panic!("{error}");
        }
    }

    /// Starts the engine on its files and ports.
    fn try_resume(&mut self) -> Result<(), String> {
        let (http, sql) = self.ports;
        self.running = match backend() {
            Backend::Embedded => Running::None,
            Backend::Virtuoso => {
                let status = Command::new(script("virtuoso.sh"))
                    .arg("start")
                    .arg(&self.home)
                    .arg(http.to_string())
                    .arg(sql.to_string())
                    .status()
                    .expect("scripts/virtuoso.sh runs");
                if !status.success() {
                    return Err("Virtuoso did not start".into());
                }
                Running::Virtuoso
            }
            Backend::Oxigraph => {
                let binary = std::env::var("OXIGRAPH_BIN").unwrap_or_else(|_| "oxigraph".into());
                let mut child = Command::new(binary)
                    .args(["serve", "--union-default-graph", "--location"])
                    .arg(&self.home)
                    .args(["--bind", &format!("127.0.0.1:{http}")])
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .spawn()
                    .expect("oxigraph serve starts (install it with cargo install oxigraph-cli)");
                let started = Instant::now();
                while std::net::TcpStream::connect(("127.0.0.1", http)).is_err() {
                    if started.elapsed() > Duration::from_secs(30)
                        || child.try_wait().ok().flatten().is_some()
                    {
                        let _ = child.kill();
                        let _ = child.wait();
                        return Err("oxigraph serve did not start".into());
                    }
                    std::thread::sleep(Duration::from_millis(50));
                }
                Running::Oxigraph(child)
            }
        };
        Ok(())
    }

    /// The engine's Graph Store Protocol endpoint, on remote backends.
    pub fn graph_store_url(&self) -> Option<String> {
        let base = format!("http://127.0.0.1:{}", self.ports.0);
        match backend() {
            Backend::Embedded => None,
            Backend::Virtuoso => Some(format!("{base}/sparql-graph-crud")),
            Backend::Oxigraph => Some(format!("{base}/store")),
        }
    }

    /// Stops the engine now; [`Engine::resume`] starts it again.
    pub fn stop(&mut self) {
        match std::mem::replace(&mut self.running, Running::None) {
            Running::None => {}
            Running::Virtuoso => {
                let _ = Command::new(script("virtuoso.sh"))
                    .arg("stop")
                    .arg(&self.home)
                    .arg(self.ports.1.to_string())
                    .status();
            }
            Running::Oxigraph(mut child) => {
                let _ = child.kill();
                let _ = child.wait();
            }
        }
    }
}

impl Drop for Engine {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A script of the repository's `scripts/` directory.
fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scripts")
        .join(name)
}

/// The write token every test server accepts.
pub const TOKEN: &str = "test-write-token";

/// A running server.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub url: String,
    /// A client with a timeout.
    pub client: reqwest::blocking::Client,
    /// The engine the server runs on (declared before `dir`: stopped before its files go).
    pub engine: Engine,
    /// The command-line options that point `kgql` at the same store.
    pub store: Vec<String>,
    /// The store directory, removed when the app is dropped.
    pub dir: TempDir,
    /// The server's thread, its runtime and what stops it: the server stops when the app is
    /// dropped, before its engine and its store directory go.
    server: Option<(std::thread::JoinHandle<()>, tokio::runtime::Handle, Stopper)>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some((thread, runtime, stopper)) = self.server.take() {
            runtime.block_on(stopper.stop());
            let _ = thread.join();
        }
    }
}

/// What a test server starts with.
pub struct Options {
    /// Load the built-in ontology first.
    pub seed: bool,
    /// Accept writes with [`TOKEN`]; without, the server is read-only.
    pub writable: bool,
    /// Adjusts the settings.
    pub layer: SettingsLayer,
    /// Send loads through the engine's Graph Store Protocol endpoint (remote backends).
    pub graph_store: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            seed: true,
            writable: true,
            layer: SettingsLayer::default(),
            graph_store: false,
        }
    }
}

/// Starts a seeded server that accepts [`TOKEN`].
pub fn spawn_app() -> TestApp {
    spawn_app_with(Options::default())
}

/// Starts a server with the given options.
pub fn spawn_app_with(options: Options) -> TestApp {
    let dir = tempfile::tempdir().expect("temporary directory");
    let (engine, mut store) = Engine::start(dir.path());
    if options.graph_store {
        store.store_graph_store_url = engine.graph_store_url();
    }
    let mut store_args = vec!["--store".to_owned(), store.store.clone().expect("a store")];
    if let Some(url) = &store.store_update_url {
        store_args.extend(["--store-update-url".to_owned(), url.clone()]);
    }
    if let Some(url) = &store.store_graph_store_url {
        store_args.extend(["--store-graph-store-url".to_owned(), url.clone()]);
    }
    let layer = SettingsLayer {
        bind: Some("127.0.0.1:0".to_owned()),
        write_token: options.writable.then(|| Secret::new(TOKEN)),
        ..store
    };
    let settings = Settings::resolve(options.layer.over(layer)).expect("valid test settings");
    let (sender, receiver) = mpsc::channel();
    let seed = options.seed;
    let thread = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let handle = runtime.handle().clone();
        runtime.block_on(async move {
            let store = kgql::startup::open(&settings, seed)
                .await
                .expect("the store opens (and is seeded)");
            let server = kgql::startup::bind(settings, store).expect("server binds");
            sender
                .send((server.port(), handle, server.stopper()))
                .expect("test is waiting");
            server.run().await.expect("server runs");
        });
    });
    let (port, runtime, stopper) = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("server started");
    TestApp {
        url: format!("http://127.0.0.1:{port}"),
        client: reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client"),
        engine,
        store: store_args,
        dir,
        server: Some((thread, runtime, stopper)),
    }
}

impl TestApp {
    /// A GET of `path`.
    pub fn get(&self, path: &str) -> reqwest::blocking::RequestBuilder {
        self.client.get(format!("{}{path}", self.url))
    }

    /// A POST of `path`.
    pub fn post(&self, path: &str) -> reqwest::blocking::RequestBuilder {
        self.client.post(format!("{}{path}", self.url))
    }

    /// Sends a SPARQL update with the write token.
    pub fn update(&self, update: &str) -> reqwest::blocking::Response {
        self.post("/sparql")
            .bearer_auth(TOKEN)
            .header("content-type", "application/sparql-update")
            .body(update.to_owned())
            .send()
            .expect("request")
    }

    /// Runs a SELECT query and returns its JSON results.
    pub fn select(&self, query: &str) -> serde_json::Value {
        let response = self
            .post("/sparql")
            .header("content-type", "application/sparql-query")
            .header("accept", "application/sparql-results+json")
            .body(query.to_owned())
            .send()
            .expect("request");
        assert_eq!(response.status(), 200, "{query}");
        response.json().expect("JSON results")
    }

    /// The single integer a `SELECT (COUNT(*) AS ?n)` query returns.
    pub fn count(&self, query: &str) -> u64 {
        let results = self.select(query);
        results["results"]["bindings"][0]["n"]["value"]
            .as_str()
            .expect("a count")
            .parse()
            .expect("an integer")
    }
}
