//! Configuration: command-line flags over environment variables (`KGQL_*`) over a TOML file
//! over defaults.
//!
//! [`SettingsLayer`] is one source of settings, every field optional; [`Settings`] is the
//! resolved whole. Secrets are held in [`Secret`], which never prints its value.

use crate::ontology::DEFAULT_BASE_IRI;
use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A value that must not appear in logs or error messages.
#[derive(Clone, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret value, for the one place that compares or sends it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Where the graph is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StoreLocation {
    /// An embedded on-disk store in this directory.
    Directory(PathBuf),
    /// An embedded in-memory store.
    Memory,
    /// A remote SPARQL 1.1 engine at this query endpoint (`http://` or `https://`).
    Remote(String),
}

impl StoreLocation {
    /// Reads `memory` or a directory path.
    pub fn parse(value: &str) -> Self {
        if value == "memory" || value == ":memory:" {
            Self::Memory
        } else if value.starts_with("http://") || value.starts_with("https://") {
            Self::Remote(value.to_owned())
        } else {
            Self::Directory(PathBuf::from(value))
        }
    }
}

impl fmt::Display for StoreLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Directory(path) => write!(f, "{}", path.display()),
            Self::Memory => f.write_str("memory"),
            // The URL may carry credentials: show only where it points.
            Self::Remote(url) => match url.split_once("://") {
                Some((scheme, rest)) => {
                    let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
                    write!(f, "{scheme}://{host}")
                }
                None => f.write_str("(remote engine)"),
            },
        }
    }
}

/// Log line format.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// One source of settings; unset fields fall through to the next source.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct SettingsLayer {
    /// Address and port to listen on.
    pub bind: Option<String>,
    /// Store directory, `memory`, or the query URL of a remote SPARQL engine.
    pub store: Option<String>,
    /// The remote engine's update URL, when it is not its query URL.
    pub store_update_url: Option<String>,
    /// The remote engine's Graph Store Protocol endpoint, if it has one.
    pub store_graph_store_url: Option<String>,
    /// User for the remote engine.
    pub store_user: Option<String>,
    /// Password for the remote engine.
    pub store_password: Option<Secret>,
    /// Bearer token for the remote engine.
    pub store_token: Option<Secret>,
    /// How the user and password are sent to the remote engine.
    pub store_auth: Option<StoreAuth>,
    /// Bearer token that authorises writes; without one the server is read-only.
    pub write_token: Option<Secret>,
    /// Namespace of the entities that `/id/…` dereferences.
    pub base_iri: Option<String>,
    /// Query time limit in seconds.
    pub query_timeout_secs: Option<f64>,
    /// Whether the default graph is the union of all graphs.
    pub union_default_graph: Option<bool>,
    /// Origins allowed by CORS (`*` for any).
    pub cors_origins: Option<Vec<String>>,
    /// Proxies (addresses or networks) whose forwarding headers are believed.
    pub trusted_proxies: Option<Vec<String>>,
    /// Who may frame the server's HTML pages (the CSP `frame-ancestors` sources).
    pub frame_ancestors: Option<String>,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: Option<usize>,
    /// Log format.
    pub log_format: Option<LogFormat>,
    /// Public URL of the server, used in the service description and VoID.
    pub public_url: Option<String>,
    /// Whether GraphQL requests may ask to see the SPARQL they compile to.
    pub graphql_explain: Option<bool>,
    /// Largest page (`first` or `last`) of a GraphQL list.
    pub graphql_max_page: Option<u64>,
    /// Deepest GraphQL selection accepted.
    pub graphql_max_depth: Option<usize>,
    /// Most triple patterns, path steps and VALUES joined in one group of a SPARQL query (four times as many in all).
    pub sparql_max_patterns: Option<usize>,
    /// How long a streamed answer waits for a client that reads nothing before it is cut off.
    pub stream_write_timeout_secs: Option<f64>,
    /// Answers streamed at once to one client address.
    pub max_streams_per_client: Option<usize>,
    /// Answers streamed at once.
    pub max_streams: Option<usize>,
    /// Requests evaluating queries at once; more wait briefly, then get 503.
    pub max_concurrent_queries: Option<usize>,
    /// Most links an entity's HTML page lists per property (the rest are a page away).
    pub html_max_links: Option<usize>,
    /// Most SPARQL queries one GraphQL request may send.
    pub graphql_max_queries: Option<u64>,
    /// Most objects and values a GraphQL answer may hold, counted through page sizes.
    pub graphql_max_nodes: Option<u64>,
    /// Most selections of a GraphQL document once its fragments are spread.
    pub graphql_max_fields: Option<u64>,
    /// Most tokens in a GraphQL document.
    pub graphql_max_tokens: Option<usize>,
    /// Largest GraphQL document, in bytes.
    pub graphql_max_document_bytes: Option<usize>,
    /// Most rows a SPARQL query may make from VALUES, BIND and empty groups before reading the store.
    pub sparql_max_unchecked_rows: Option<u64>,
    /// Deepest algebra a SPARQL text may parse into.
    pub sparql_max_depth: Option<usize>,
    /// Deepest nesting of brackets in a SPARQL or GraphQL text, or of a JSON value.
    pub max_nesting: Option<usize>,
}

impl SettingsLayer {
    /// Reads a TOML configuration file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError::File {
            path: path.to_owned(),
            message: e.to_string(),
        })?;
        toml::from_str(&text).map_err(|e| ConfigError::File {
            path: path.to_owned(),
            message: e.to_string(),
        })
    }

    /// This layer with unset fields taken from `lower`.
    #[must_use]
    pub fn over(self, lower: Self) -> Self {
        Self {
            bind: self.bind.or(lower.bind),
            store: self.store.or(lower.store),
            store_update_url: self.store_update_url.or(lower.store_update_url),
            store_graph_store_url: self.store_graph_store_url.or(lower.store_graph_store_url),
            store_user: self.store_user.or(lower.store_user),
            store_password: self.store_password.or(lower.store_password),
            store_token: self.store_token.or(lower.store_token),
            store_auth: self.store_auth.or(lower.store_auth),
            write_token: self.write_token.or(lower.write_token),
            base_iri: self.base_iri.or(lower.base_iri),
            query_timeout_secs: self.query_timeout_secs.or(lower.query_timeout_secs),
            union_default_graph: self.union_default_graph.or(lower.union_default_graph),
            cors_origins: self.cors_origins.or(lower.cors_origins),
            trusted_proxies: self.trusted_proxies.or(lower.trusted_proxies),
            frame_ancestors: self.frame_ancestors.or(lower.frame_ancestors),
            max_body_bytes: self.max_body_bytes.or(lower.max_body_bytes),
            log_format: self.log_format.or(lower.log_format),
            public_url: self.public_url.or(lower.public_url),
            graphql_explain: self.graphql_explain.or(lower.graphql_explain),
            graphql_max_page: self.graphql_max_page.or(lower.graphql_max_page),
            graphql_max_depth: self.graphql_max_depth.or(lower.graphql_max_depth),
            sparql_max_patterns: self.sparql_max_patterns.or(lower.sparql_max_patterns),
            stream_write_timeout_secs: self
                .stream_write_timeout_secs
                .or(lower.stream_write_timeout_secs),
            max_streams_per_client: self.max_streams_per_client.or(lower.max_streams_per_client),
            max_streams: self.max_streams.or(lower.max_streams),
            max_concurrent_queries: self.max_concurrent_queries.or(lower.max_concurrent_queries),
            html_max_links: self.html_max_links.or(lower.html_max_links),
            graphql_max_queries: self.graphql_max_queries.or(lower.graphql_max_queries),
            graphql_max_nodes: self.graphql_max_nodes.or(lower.graphql_max_nodes),
            graphql_max_fields: self.graphql_max_fields.or(lower.graphql_max_fields),
            graphql_max_tokens: self.graphql_max_tokens.or(lower.graphql_max_tokens),
            graphql_max_document_bytes: self
                .graphql_max_document_bytes
                .or(lower.graphql_max_document_bytes),
            sparql_max_unchecked_rows: self
                .sparql_max_unchecked_rows
                .or(lower.sparql_max_unchecked_rows),
            sparql_max_depth: self.sparql_max_depth.or(lower.sparql_max_depth),
            max_nesting: self.max_nesting.or(lower.max_nesting),
        }
    }
}

/// The resolved settings of a kgql process.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Address and port to listen on.
    pub bind: String,
    /// Where the graph is kept.
    pub store: StoreLocation,
    /// How to reach a remote engine (unused for an embedded store).
    pub remote: RemoteSettings,
    /// Bearer token that authorises writes.
    pub write_token: Option<Secret>,
    /// Namespace of the entities that `/id/…` dereferences; ends with `/` or `#`.
    pub base_iri: String,
    /// Query time limit.
    pub query_timeout: Duration,
    /// Whether the default graph is the union of all graphs.
    pub union_default_graph: bool,
    /// Origins allowed by CORS.
    pub cors_origins: Vec<String>,
    /// Proxies whose forwarding headers are believed.
    pub trusted_proxies: Vec<crate::origin::Network>,
    /// The CSP `frame-ancestors` sources of HTML pages.
    pub frame_ancestors: String,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Log format.
    pub log_format: LogFormat,
    /// Public URL of the server, if it is known.
    pub public_url: Option<String>,
    /// Whether GraphQL requests may ask to see their SPARQL.
    pub graphql_explain: bool,
    /// Largest page of a GraphQL list.
    pub graphql_max_page: u64,
    /// Deepest GraphQL selection accepted.
    pub graphql_max_depth: usize,
    /// Most triple patterns, path steps and VALUES joined in one group of a SPARQL query (four times as many in all).
    pub sparql_max_patterns: usize,
    /// How long a streamed answer waits for a client that reads nothing before it is cut off.
    pub stream_write_timeout: Duration,
    /// Answers streamed at once to one client address.
    pub max_streams_per_client: usize,
    /// Answers streamed at once.
    pub max_streams: usize,
    /// Requests evaluating queries at once; more wait briefly, then get 503.
    pub max_concurrent_queries: usize,
    /// Most links an entity's HTML page lists per property (the rest are a page away).
    pub html_max_links: usize,
    /// Most SPARQL queries one GraphQL request may send.
    pub graphql_max_queries: u64,
    /// Most objects and values a GraphQL answer may hold, counted through page sizes.
    pub graphql_max_nodes: u64,
    /// Most selections of a GraphQL document once its fragments are spread.
    pub graphql_max_fields: u64,
    /// Most tokens in a GraphQL document.
    pub graphql_max_tokens: usize,
    /// Largest GraphQL document, in bytes.
    pub graphql_max_document_bytes: usize,
    /// Most rows a SPARQL query may make from VALUES, BIND and empty groups before reading the store.
    pub sparql_max_unchecked_rows: u64,
    /// Deepest algebra a SPARQL text may parse into.
    pub sparql_max_depth: usize,
    /// Deepest nesting of brackets in a SPARQL or GraphQL text, or of a JSON value.
    pub max_nesting: usize,
}

/// The default listening address.
pub const DEFAULT_BIND: &str = "127.0.0.1:7878";
/// The default store directory, relative to the working directory.
pub const DEFAULT_STORE: &str = "kgql-data";

impl Settings {
    /// Resolves a stack of layers (highest priority first) against the defaults, and checks it.
    pub fn resolve(layer: SettingsLayer) -> Result<Self, ConfigError> {
        let store = StoreLocation::parse(layer.store.as_deref().unwrap_or(DEFAULT_STORE));
        let remote = RemoteSettings::resolve(&store, &layer)?;
        let bind = layer.bind.unwrap_or_else(|| DEFAULT_BIND.to_owned());
        bind.parse::<SocketAddr>()
            .map_err(|e| ConfigError::Invalid(format!("bind address '{bind}': {e}")))?;
        let base_iri = layer
            .base_iri
            .unwrap_or_else(|| DEFAULT_BASE_IRI.to_owned());
        oxigraph::model::NamedNode::new(base_iri.as_str())
            .map_err(|e| ConfigError::Invalid(format!("base IRI '{base_iri}': {e}")))?;
        if !base_iri.ends_with('/') && !base_iri.ends_with('#') {
            return Err(ConfigError::Invalid(format!(
                "base IRI '{base_iri}' must end with '/' or '#'"
            )));
        }
        let timeout = layer.query_timeout_secs.unwrap_or(30.0);
        if !(timeout > 0.0 && timeout.is_finite()) {
            return Err(ConfigError::Invalid(format!(
                "query timeout {timeout} must be a positive number of seconds"
            )));
        }
        if layer
            .write_token
            .as_ref()
            .is_some_and(|t| t.expose().trim().is_empty())
        {
            return Err(ConfigError::Invalid("the write token is empty".to_owned()));
        }
        Ok(Self {
            bind,
            store,
            remote,
            write_token: layer.write_token,
            base_iri,
            query_timeout: Duration::from_secs_f64(timeout),
            union_default_graph: layer.union_default_graph.unwrap_or(true),
            cors_origins: layer.cors_origins.unwrap_or_default(),
            trusted_proxies: layer
                .trusted_proxies
                .unwrap_or_default()
                .iter()
                .map(|p| {
                    p.parse()
                        .map_err(|e| ConfigError::Invalid(format!("trusted proxy: {e}")))
                })
                .collect::<Result<_, _>>()?,
            frame_ancestors: frame_ancestors(layer.frame_ancestors)?,
            max_body_bytes: layer.max_body_bytes.unwrap_or(64 * 1024 * 1024),
            log_format: layer.log_format.unwrap_or_default(),
            public_url: layer.public_url.map(|u| u.trim_end_matches('/').to_owned()),
            graphql_explain: layer.graphql_explain.unwrap_or(false),
            graphql_max_page: layer.graphql_max_page.unwrap_or(1000).max(1),
            graphql_max_depth: layer.graphql_max_depth.unwrap_or(12),
            sparql_max_patterns: layer
                .sparql_max_patterns
                .unwrap_or(crate::limits::DEFAULT_MAX_PATTERNS)
                .max(1),
            stream_write_timeout: positive_secs(
                layer.stream_write_timeout_secs.unwrap_or(30.0),
                "stream write timeout",
            )?,
            max_streams_per_client: layer.max_streams_per_client.unwrap_or(4).max(1),
            max_streams: layer.max_streams.unwrap_or(64).max(1),
            max_concurrent_queries: layer
                .max_concurrent_queries
                .unwrap_or_else(default_concurrency)
                .max(1),
            html_max_links: layer.html_max_links.unwrap_or(100).max(1),
            graphql_max_queries: layer.graphql_max_queries.unwrap_or(100),
            graphql_max_nodes: layer.graphql_max_nodes.unwrap_or(100_000),
            graphql_max_fields: layer.graphql_max_fields.unwrap_or(2_000),
            graphql_max_tokens: layer.graphql_max_tokens.unwrap_or(10_000),
            graphql_max_document_bytes: layer.graphql_max_document_bytes.unwrap_or(256 * 1024),
            sparql_max_unchecked_rows: layer
                .sparql_max_unchecked_rows
                .unwrap_or(crate::limits::DEFAULT_MAX_UNCHECKED_ROWS as u64),
            sparql_max_depth: layer
                .sparql_max_depth
                .unwrap_or(crate::limits::DEFAULT_MAX_SPARQL_DEPTH),
            max_nesting: layer
                .max_nesting
                .unwrap_or(crate::limits::DEFAULT_MAX_NESTING)
                .max(8),
        })
    }
}

/// The CSP `frame-ancestors` sources: `'none'` by default; a list of `'self'` and origins
/// otherwise (nothing that could end the header's directive).
fn frame_ancestors(value: Option<String>) -> Result<String, ConfigError> {
    let value = value.unwrap_or_else(|| "'none'".to_owned());
    let value = value.trim().to_owned();
    if value.is_empty()
        || value
            .chars()
            .any(|c| c == ';' || c == ',' || c.is_control() || !c.is_ascii())
    {
        return Err(ConfigError::Invalid(format!(
            "frame-ancestors '{value}': give 'none', 'self' or origins separated by spaces"
        )));
    }
    Ok(value)
}

/// Four evaluations per core.
fn default_concurrency() -> usize {
    4 * std::thread::available_parallelism().map_or(2, usize::from)
}

/// A positive, finite number of seconds.
fn positive_secs(secs: f64, what: &str) -> Result<Duration, ConfigError> {
    if secs > 0.0 && secs.is_finite() {
        Ok(Duration::from_secs_f64(secs))
    } else {
        Err(ConfigError::Invalid(format!(
            "{what} {secs} must be a positive number of seconds"
        )))
    }
}

impl Settings {
    /// The capacities the server admits requests within.
    pub fn capacity(&self) -> crate::admission::Capacity {
        crate::admission::Capacity {
            queries: self.max_concurrent_queries,
            queue_wait: Duration::from_secs(1),
            streams: self.max_streams,
            streams_per_client: self.max_streams_per_client,
        }
    }

    /// The limits every SPARQL and GraphQL request is checked against.
    pub fn limits(&self) -> crate::limits::Limits {
        crate::limits::Limits {
            max_nesting: self.max_nesting,
            max_sparql_depth: self.sparql_max_depth,
            max_unchecked_rows: u128::from(self.sparql_max_unchecked_rows),
            max_patterns: self.sparql_max_patterns,
        }
    }
}

/// How user and password are sent to a remote engine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum StoreAuth {
    /// HTTP basic authentication.
    #[default]
    Basic,
    /// HTTP digest authentication (Virtuoso's `/sparql-auth`).
    Digest,
}

/// The connection settings of a remote engine.
#[derive(Clone, Debug, Default)]
pub struct RemoteSettings {
    /// The update endpoint, when it differs from the query endpoint.
    pub update_url: Option<String>,
    /// The Graph Store Protocol endpoint: loads are sent to it.
    pub graph_store_url: Option<String>,
    /// User and password, and how to send them.
    pub user: Option<(String, Secret, StoreAuth)>,
    /// Bearer token.
    pub token: Option<Secret>,
}

impl RemoteSettings {
    fn resolve(store: &StoreLocation, layer: &SettingsLayer) -> Result<Self, ConfigError> {
        let settings = Self {
            update_url: layer.store_update_url.clone(),
            graph_store_url: layer.store_graph_store_url.clone(),
            user: layer.store_user.clone().map(|user| {
                (
                    user,
                    layer
                        .store_password
                        .clone()
                        .unwrap_or_else(|| Secret::new("")),
                    layer.store_auth.unwrap_or_default(),
                )
            }),
            token: layer.store_token.clone(),
        };
        let configured = settings.update_url.is_some()
            || settings.graph_store_url.is_some()
            || settings.user.is_some()
            || settings.token.is_some()
            || layer.store_password.is_some();
        if configured && !matches!(store, StoreLocation::Remote(_)) {
            return Err(ConfigError::Invalid(
                "the store-update-url, store-graph-store-url, store-user, store-password and \
                 store-token options \
                 apply to a remote engine: give --store an http:// or https:// URL"
                    .to_owned(),
            ));
        }
        if settings.user.is_some() && settings.token.is_some() {
            return Err(ConfigError::Invalid(
                "give either a store user and password or a store token, not both".to_owned(),
            ));
        }
        if layer.store_password.is_some() && settings.user.is_none() {
            return Err(ConfigError::Invalid(
                "a store password needs a store user (--store-user)".to_owned(),
            ));
        }
        Ok(settings)
    }
}

/// Errors in the configuration.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The configuration file cannot be read or parsed.
    #[error("configuration file {}: {message}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A setting has an invalid value.
    #[error("invalid setting: {0}")]
    Invalid(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn higher_layers_win_and_defaults_fill_the_rest() {
        let cli = SettingsLayer {
            bind: Some("0.0.0.0:9000".into()),
            ..SettingsLayer::default()
        };
        let file: SettingsLayer =
            toml::from_str("bind = \"127.0.0.1:1\"\nstore = \"memory\"\nquery-timeout-secs = 5")
                .unwrap();
        let settings = Settings::resolve(cli.over(file)).unwrap();
        assert_eq!(settings.bind, "0.0.0.0:9000");
        assert_eq!(settings.store, StoreLocation::Memory);
        assert_eq!(settings.query_timeout, Duration::from_secs(5));
        assert_eq!(settings.base_iri, DEFAULT_BASE_IRI);
        assert!(settings.union_default_graph);
    }

    #[test]
    fn secrets_do_not_print() {
        let layer = SettingsLayer {
            write_token: Some(Secret::new("hunter2")),
            ..SettingsLayer::default()
        };
        let settings = Settings::resolve(layer).unwrap();
        assert!(!format!("{settings:?}").contains("hunter2"));
    }

    #[test]
    fn invalid_values_are_refused() {
        for layer in [
            SettingsLayer {
                bind: Some("nowhere".into()),
                ..SettingsLayer::default()
            },
            SettingsLayer {
                base_iri: Some("https://example.org/id".into()),
                ..SettingsLayer::default()
            },
            SettingsLayer {
                query_timeout_secs: Some(0.0),
                ..SettingsLayer::default()
            },
        ] {
            assert!(Settings::resolve(layer).is_err());
        }
        assert!(toml::from_str::<SettingsLayer>("bnid = 1").is_err());
    }
}
