//! Configuration: command-line flags over environment variables (`KGQL_*`) over a TOML file
//! over defaults.
//!
//! [`SettingsLayer`] is one source of settings, every field optional; [`Settings`] is the
//! resolved whole. Secrets are held in [`Secret`], which never prints its value.

use serde::Deserialize;

mod declared;

pub use declared::{GlobalOptions, ServeOptions, SettingsLayer, Values};
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

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self::new(value))
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
}

/// The resolved settings of a kgql process: the [`Values`] (readable through `Deref`), checked,
/// and the forms the server uses of those that need reading.
#[derive(Clone, Debug)]
pub struct Settings {
    values: Values,
    /// Where the graph is kept.
    pub store: StoreLocation,
    /// How to reach a remote engine (unused for an embedded store).
    pub remote: RemoteSettings,
    /// Query time limit.
    pub query_timeout: Duration,
    /// Proxies whose forwarding headers are believed.
    pub trusted_proxies: Vec<crate::origin::Network>,
    /// How long a streamed answer waits for a client that reads nothing before it is cut off.
    pub stream_write_timeout: Duration,
}

impl std::ops::Deref for Settings {
    type Target = Values;

    fn deref(&self) -> &Values {
        &self.values
    }
}

/// The default listening address.
pub const DEFAULT_BIND: &str = "127.0.0.1:7878";
/// The default store directory, relative to the working directory.
pub const DEFAULT_STORE: &str = "kgql-data";

impl Settings {
    /// Resolves a stack of layers (highest priority first) against the defaults, and checks it.
    pub fn resolve(layer: SettingsLayer) -> Result<Self, ConfigError> {
        let mut values = layer.values();
        let store = StoreLocation::parse(&values.store);
        let remote = RemoteSettings::resolve(&store, &values)?;
        values
            .bind
            .parse::<SocketAddr>()
            .map_err(|e| ConfigError::Invalid(format!("bind address '{}': {e}", values.bind)))?;
        let base_iri = &values.base_iri;
        oxigraph::model::NamedNode::new(base_iri.as_str())
            .map_err(|e| ConfigError::Invalid(format!("base IRI '{base_iri}': {e}")))?;
        if !base_iri.ends_with('/') && !base_iri.ends_with('#') {
            return Err(ConfigError::Invalid(format!(
                "base IRI '{base_iri}' must end with '/' or '#'"
            )));
        }
        if values
            .write_token
            .as_ref()
            .is_some_and(|t| t.expose().trim().is_empty())
        {
            return Err(ConfigError::Invalid("the write token is empty".to_owned()));
        }
        let trusted_proxies = values
            .trusted_proxies
            .iter()
            .map(|p| {
                p.parse()
                    .map_err(|e| ConfigError::Invalid(format!("trusted proxy: {e}")))
            })
            .collect::<Result<_, _>>()?;
        values.frame_ancestors = frame_ancestors(&values.frame_ancestors)?;
        if values.cache_control.is_empty()
            || !values
                .cache_control
                .chars()
                .all(|c| c.is_ascii_graphic() || c == ' ')
        {
            return Err(ConfigError::Invalid(format!(
                "cache-control '{}': give directives such as 'no-cache' or 'public, max-age=60'",
                values.cache_control
            )));
        }
        values.public_url = values
            .public_url
            .map(|u| u.trim_end_matches('/').to_owned());
        // Limits of zero would refuse everything.
        for limit in [
            &mut values.sparql_max_patterns,
            &mut values.max_streams_per_client,
            &mut values.max_streams,
            &mut values.max_concurrent_queries,
            &mut values.html_max_links,
        ] {
            *limit = (*limit).max(1);
        }
        values.graphql_max_page = values.graphql_max_page.max(1);
        values.max_nesting = values.max_nesting.max(8);
        Ok(Self {
            store,
            remote,
            query_timeout: positive_secs(values.query_timeout_secs, "query timeout")?,
            trusted_proxies,
            stream_write_timeout: positive_secs(
                values.stream_write_timeout_secs,
                "stream write timeout",
            )?,
            values,
        })
    }
}

/// The CSP `frame-ancestors` sources: `'none'` by default; a list of `'self'` and origins
/// otherwise (nothing that could end the header's directive).
fn frame_ancestors(value: &str) -> Result<String, ConfigError> {
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
    fn resolve(store: &StoreLocation, values: &Values) -> Result<Self, ConfigError> {
        let settings = Self {
            update_url: values.store_update_url.clone(),
            graph_store_url: values.store_graph_store_url.clone(),
            user: values.store_user.clone().map(|user| {
                (
                    user,
                    values
                        .store_password
                        .clone()
                        .unwrap_or_else(|| Secret::new("")),
                    values.store_auth,
                )
            }),
            token: values.store_token.clone(),
        };
        let configured = settings.update_url.is_some()
            || settings.graph_store_url.is_some()
            || settings.user.is_some()
            || settings.token.is_some()
            || values.store_password.is_some();
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
        if values.store_password.is_some() && settings.user.is_none() {
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
    use crate::ontology::DEFAULT_BASE_IRI;

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
