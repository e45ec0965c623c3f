//! Every setting, declared once: its help, its flag and environment variable, its key in the
//! configuration file (the long flag's name), its type and its default. [`settings!`] makes of
//! the one table the command-line options (clap), the layer read from a file (serde), the merge
//! of layers and the values with their defaults, and writes each default into the help.

use super::{LogFormat, Secret, StoreAuth, DEFAULT_BIND, DEFAULT_STORE};
use crate::limits;
use crate::ontology::DEFAULT_BASE_IRI;

/// A setting's help: its doc lines joined, and its default when it has one to show.
fn help(doc: &[&str], default: Option<String>) -> String {
    let mut text = doc
        .iter()
        .map(|line| line.trim())
        .collect::<Vec<_>>()
        .join(" ");
    if let Some(default) = default.filter(|d| !d.is_empty()) {
        text.push_str(&format!(" [default: {default}]"));
    }
    text
}

/// Four evaluations per core.
pub(super) fn default_concurrency() -> usize {
    4 * std::thread::available_parallelism().map_or(2, usize::from)
}

/// Declares the settings. Each entry: doc lines, `global` (every command) or `serve` (the
/// server's), `name: Type`, `= default` (none: the setting may be absent), `env "VAR"`, and
/// optionally `flag "name"` (else the field's name), `shown "text"` (the default as the help
/// shows it, else the default's `Display`; empty: none shown) and `clap [...]` (more clap
/// arguments).
macro_rules! settings {
    ($(
        $(#[doc = $doc:literal])*
        $scope:ident $name:ident : $ty:ty $(= $default:expr)?, env $env:literal
        $(, flag $flag:literal)? $(, shown $shown:literal)? $(, clap [$($clap:tt)*])?;
    )*) => {
        /// One source of settings (flags, the environment, a file); unset fields fall through
        /// to the next source.
        #[derive(Clone, Debug, Default, serde::Deserialize, PartialEq)]
        #[serde(deny_unknown_fields, rename_all = "kebab-case")]
        pub struct SettingsLayer {
            $(
                $(#[doc = $doc])*
                pub $name: Option<$ty>,
            )*
        }

        impl SettingsLayer {
            /// This layer with unset fields taken from `lower`.
            #[must_use]
            pub fn over(self, lower: Self) -> Self {
                Self { $($name: self.$name.or(lower.$name),)* }
            }

            /// The values: each setting as a layer gives it, or its default.
            pub fn values(self) -> Values {
                Values { $($name: settings!(@value self.$name $(, $default)?),)* }
            }
        }

        /// Each setting's value once the layers are merged and defaults applied.
        #[derive(Clone, Debug)]
        pub struct Values {
            $(
                $(#[doc = $doc])*
                pub $name: settings!(@type $ty $(, $default)?),
            )*
        }

        settings!(@options GlobalOptions, global,
            $({ $scope [$($doc),*] $name: $ty $(= $default)?, env $env $(, flag $flag)? $(, shown $shown)? $(, clap [$($clap)*])? })*);
        settings!(@options ServeOptions, serve,
            $({ $scope [$($doc),*] $name: $ty $(= $default)?, env $env $(, flag $flag)? $(, shown $shown)? $(, clap [$($clap)*])? })*);
    };

    (@value $field:expr, $default:expr) => { $field.unwrap_or_else(|| $default) };
    (@value $field:expr) => { $field };
    (@type $ty:ty, $default:expr) => { $ty };
    (@type $ty:ty) => { Option<$ty> };
    (@shown $shown:literal $(, $default:expr)?) => { Some(String::from($shown)) };
    (@shown , $default:expr) => { Some(($default).to_string()) };
    (@shown) => { None::<String> };

    // The clap options of one scope: the entries of other scopes are filtered out one by one.
    (@options $struct:ident, $want:ident, $($entry:tt)*) => {
        settings!(@filter $struct, $want, [], $($entry)*);
    };
    (@filter $struct:ident, $want:ident, [$($kept:tt)*], { $scope:ident $($rest:tt)* } $($entry:tt)*) => {
        settings!(@keep $scope $want $struct, [$($kept)*], { $scope $($rest)* }, $($entry)*);
    };
    (@filter $struct:ident, $want:ident, [$($kept:tt)*],) => {
        settings!(@emit $struct, $($kept)*);
    };
    (@keep global global $struct:ident, [$($kept:tt)*], $entry:tt, $($more:tt)*) => {
        settings!(@filter $struct, global, [$($kept)* $entry], $($more)*);
    };
    (@keep serve serve $struct:ident, [$($kept:tt)*], $entry:tt, $($more:tt)*) => {
        settings!(@filter $struct, serve, [$($kept)* $entry], $($more)*);
    };
    (@keep $scope:ident $want:ident $struct:ident, [$($kept:tt)*], $entry:tt, $($more:tt)*) => {
        settings!(@filter $struct, $want, [$($kept)*], $($more)*);
    };
    (@global global) => { true };
    (@global serve) => { false };
    (@emit $struct:ident, $({
        $scope:ident [$($doc:literal),*] $name:ident : $ty:ty $(= $default:expr)?, env $env:literal
        $(, flag $flag:literal)? $(, shown $shown:literal)? $(, clap [$($clap:tt)*])?
    })*) => {
        /// Settings as options of the command line (each documented on [`SettingsLayer`]).
        #[derive(Clone, Debug, Default, clap::Args)]
        #[allow(missing_docs)]
        pub struct $struct {
            $(
                #[arg(
                    long $(= $flag)?,
                    env = $env,
                    help = help(&[$($doc),*], settings!(@shown $($shown)? $(, $default)?)),
                    global = settings!(@global $scope)
                    $(, $($clap)*)?
                )]
                pub $name: Option<$ty>,
            )*
        }

        impl $struct {
            /// The options given, as a layer.
            pub fn layer(self) -> SettingsLayer {
                SettingsLayer { $($name: self.$name,)* ..SettingsLayer::default() }
            }
        }
    };
}

settings! {
    /// Store directory, `memory` for an in-memory store, or the query URL of a remote SPARQL
    /// 1.1 engine (http:// or https://).
    global store: String = DEFAULT_STORE.to_owned(), env "KGQL_STORE";
    /// The remote engine's update URL.
    global store_update_url: String, env "KGQL_STORE_UPDATE_URL", shown "its query URL";
    /// The remote engine's Graph Store Protocol endpoint, which loads are sent to.
    global store_graph_store_url: String, env "KGQL_STORE_GRAPH_STORE_URL",
        shown "none, loads are sent as SPARQL updates";
    /// User for the remote engine.
    global store_user: String, env "KGQL_STORE_USER";
    /// Password for the remote engine (better given by the environment or the configuration
    /// file than on the command line).
    global store_password: Secret, env "KGQL_STORE_PASSWORD", clap [hide_env_values = true];
    /// Bearer token for the remote engine.
    global store_token: Secret, env "KGQL_STORE_TOKEN", clap [hide_env_values = true];
    /// How the user and password are sent to the remote engine.
    global store_auth: StoreAuth = StoreAuth::Basic, env "KGQL_STORE_AUTH", shown "basic",
        clap [value_enum];
    /// Namespace of the entities that /id/… dereferences.
    global base_iri: String = DEFAULT_BASE_IRI.to_owned(), env "KGQL_BASE_IRI";
    /// Query time limit in seconds.
    global query_timeout_secs: f64 = 30.0, env "KGQL_QUERY_TIMEOUT";
    /// Whether the default graph is the union of all graphs.
    global union_default_graph: bool = true, env "KGQL_UNION_DEFAULT_GRAPH";
    /// Log format.
    global log_format: LogFormat = LogFormat::Text, env "KGQL_LOG_FORMAT", shown "text",
        clap [value_enum];

    /// Address and port to listen on.
    serve bind: String = DEFAULT_BIND.to_owned(), env "KGQL_BIND";
    /// Bearer token that authorises writes; without one the server is read-only. On a shared
    /// machine prefer KGQL_WRITE_TOKEN or --write-token-file: the command line is visible to
    /// every user (ps).
    serve write_token: Secret, env "KGQL_WRITE_TOKEN", clap [hide_env_values = true];
    /// Origin allowed by CORS (repeatable; `*` for any).
    serve cors_origins: Vec<String> = Vec::new(), env "KGQL_CORS_ORIGINS", flag "cors-origin",
        shown "", clap [value_delimiter = ','];
    /// Proxy whose Forwarded / X-Forwarded-* headers are believed: an address or a network
    /// (repeatable); without one, those headers are ignored.
    serve trusted_proxies: Vec<String> = Vec::new(), env "KGQL_TRUSTED_PROXIES",
        flag "trusted-proxy", shown "", clap [value_delimiter = ','];
    /// Who may show the HTML pages in a frame: the CSP frame-ancestors sources.
    serve frame_ancestors: String = "'none'".to_owned(), env "KGQL_FRAME_ANCESTORS";
    /// Largest accepted request body in bytes.
    serve max_body_bytes: usize = 64 * 1024 * 1024, env "KGQL_MAX_BODY_BYTES";
    /// The Cache-Control of answers that depend only on the data (they carry an ETag and
    /// Last-Modified, and a request that names them gets 304): `no-cache` revalidates every time.
    serve cache_control: String = "no-cache".to_owned(), env "KGQL_CACHE_CONTROL";
    /// Public URL of the server, for the service description and VoID.
    serve public_url: String, env "KGQL_PUBLIC_URL";
    /// Let GraphQL requests ask for the SPARQL they compile to (`"extensions": {"explain":
    /// true}`).
    serve graphql_explain: bool = false, env "KGQL_GRAPHQL_EXPLAIN";
    /// Largest page (`first`/`last`) of a GraphQL list.
    serve graphql_max_page: u64 = 1000, env "KGQL_GRAPHQL_MAX_PAGE";
    /// Deepest GraphQL selection of the schema's own fields accepted.
    serve graphql_max_depth: usize = 12, env "KGQL_GRAPHQL_MAX_DEPTH";
    /// Most triple patterns, path steps and VALUES joined in one group of a SPARQL query; a
    /// query may have four times as many in all.
    serve sparql_max_patterns: usize = limits::DEFAULT_MAX_PATTERNS,
        env "KGQL_SPARQL_MAX_PATTERNS";
    /// Seconds a streamed answer waits for a client that reads nothing before it is cut off.
    serve stream_write_timeout_secs: f64 = 30.0, env "KGQL_STREAM_WRITE_TIMEOUT";
    /// Answers streamed at once to one client address.
    serve max_streams_per_client: usize = 4, env "KGQL_MAX_STREAMS_PER_CLIENT";
    /// Answers streamed at once (exports, large results); more get 503.
    serve max_streams: usize = 64, env "KGQL_MAX_STREAMS";
    /// Requests evaluating queries at once (cheap lookups have as many again); more wait up to a
    /// second, then get 503 with Retry-After.
    serve max_concurrent_queries: usize = default_concurrency(),
        env "KGQL_MAX_CONCURRENT_QUERIES", shown "four per core";
    /// Most links an entity's HTML page lists per property and direction; the rest are a link
    /// away.
    serve html_max_links: usize = 100, env "KGQL_HTML_MAX_LINKS";
    /// Most SPARQL queries one GraphQL request may send (one per root field, per level of nested
    /// pages, per hop of a walk).
    serve graphql_max_queries: u64 = 100, env "KGQL_GRAPHQL_MAX_QUERIES";
    /// Most objects and values a GraphQL answer may hold: each field counts once per item of
    /// the pages above it.
    serve graphql_max_nodes: u64 = 100_000, env "KGQL_GRAPHQL_MAX_NODES";
    /// Most selections of a GraphQL document once its fragments are spread.
    serve graphql_max_fields: u64 = 2_000, env "KGQL_GRAPHQL_MAX_FIELDS";
    /// Most tokens (names, punctuation, values) in a GraphQL document.
    serve graphql_max_tokens: usize = 10_000, env "KGQL_GRAPHQL_MAX_TOKENS";
    /// Largest GraphQL document in bytes.
    serve graphql_max_document_bytes: usize = 256 * 1024, env "KGQL_GRAPHQL_MAX_DOCUMENT_BYTES";
    /// Most rows a SPARQL query may make from VALUES, BIND and empty groups between two reads of
    /// the store, where its time limit is checked.
    serve sparql_max_unchecked_rows: u64 = limits::DEFAULT_MAX_UNCHECKED_ROWS as u64,
        env "KGQL_SPARQL_MAX_UNCHECKED_ROWS";
    /// Deepest algebra a SPARQL text may parse into: nested groups plus chained UNION,
    /// OPTIONAL, operators and path steps.
    serve sparql_max_depth: usize = limits::DEFAULT_MAX_SPARQL_DEPTH,
        env "KGQL_SPARQL_MAX_DEPTH";
    /// Deepest nesting of brackets in a SPARQL or GraphQL text or of GraphQL variables.
    serve max_nesting: usize = limits::DEFAULT_MAX_NESTING, env "KGQL_MAX_NESTING";
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every option of both scopes, with the default its help shows.
    fn options() -> Vec<(String, String, Option<String>)> {
        let mut command = clap::Command::new("kgql");
        command = <GlobalOptions as clap::Args>::augment_args(command);
        command = <ServeOptions as clap::Args>::augment_args(command);
        command
            .get_arguments()
            .map(|arg| {
                let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
                let default = help
                    .split_once("[default: ")
                    .map(|(_, rest)| rest.trim_end_matches(']').to_owned());
                let env = arg.get_env().unwrap().to_string_lossy().into_owned();
                (arg.get_long().unwrap().to_owned(), env, default)
            })
            .collect()
    }

    #[test]
    fn the_help_shows_the_defaults_the_values_take() {
        let values = SettingsLayer::default().values();
        let shown: std::collections::HashMap<String, Option<String>> = options()
            .into_iter()
            .map(|(flag, _, default)| (flag, default))
            .collect();
        for (flag, value) in [
            ("graphql-max-page", values.graphql_max_page.to_string()),
            ("graphql-max-fields", values.graphql_max_fields.to_string()),
            ("query-timeout-secs", values.query_timeout_secs.to_string()),
            ("bind", values.bind.clone()),
            ("max-nesting", values.max_nesting.to_string()),
        ] {
            assert_eq!(shown[flag].as_deref(), Some(value.as_str()), "--{flag}");
        }
    }

    /// The README names every option and its variable, and where its table of options gives a
    /// default as a value, it is the one the option takes.
    #[test]
    fn the_readme_documents_every_option_with_its_default() {
        let readme = include_str!("../../README.md");
        for (flag, env, default) in options() {
            assert!(readme.contains(&format!("`--{flag}`")), "--{flag}");
            assert!(readme.contains(&format!("`{env}`")), "{env}");
            let row = readme
                .lines()
                .find(|line| line.starts_with(&format!("| `--{flag}` |")));
            let documented = row.and_then(|row| {
                let cell = row.split('|').nth(3)?.trim();
                cell.strip_prefix('`')?.strip_suffix('`').map(str::to_owned)
            });
            if let (Some(documented), Some(default)) = (documented, default) {
                assert_eq!(documented, default, "--{flag}");
            }
        }
    }
}
