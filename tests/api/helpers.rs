//! Starting a real server on a free port with a temporary on-disk store.

use kgql::config::{Secret, Settings, SettingsLayer};
use std::sync::mpsc;
use std::time::Duration;
use tempfile::TempDir;

/// The write token every test server accepts.
pub const TOKEN: &str = "test-write-token";

/// A running server.
pub struct TestApp {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub url: String,
    /// A client with a timeout.
    pub client: reqwest::blocking::Client,
    /// The store directory, removed when the app is dropped.
    pub dir: TempDir,
}

/// What a test server starts with.
pub struct Options {
    /// Load the built-in ontology first.
    pub seed: bool,
    /// Accept writes with [`TOKEN`]; without, the server is read-only.
    pub writable: bool,
    /// Adjusts the settings.
    pub layer: SettingsLayer,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            seed: true,
            writable: true,
            layer: SettingsLayer::default(),
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
    let layer = SettingsLayer {
        bind: Some("127.0.0.1:0".to_owned()),
        store: Some(dir.path().join("store").display().to_string()),
        write_token: options.writable.then(|| Secret::new(TOKEN)),
        ..SettingsLayer::default()
    };
    let settings = Settings::resolve(options.layer.over(layer)).expect("valid test settings");
    let (sender, receiver) = mpsc::channel();
    let seed = options.seed;
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let store = kgql::cli::open_store(&settings).expect("store opens");
            if seed {
                kgql::ontology::load_if_empty(&store, &settings.base_iri)
                    .await
                    .expect("ontology loads");
            }
            let server = kgql::http::Server::bind(settings, store).expect("server binds");
            sender.send(server.port()).expect("test is waiting");
            server.run().await.expect("server runs");
        });
    });
    let port = receiver
        .recv_timeout(Duration::from_secs(60))
        .expect("server started");
    TestApp {
        url: format!("http://127.0.0.1:{port}"),
        client: reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("client"),
        dir,
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
