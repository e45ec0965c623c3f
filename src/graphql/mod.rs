//! GraphQL compiled to SPARQL.
//!
//! `schema.graphql` (compiled into the binary) is both the API and its mapping to the graph
//! ([`model`]). A root field and its whole selection set become a plan ([`plan`]); the plan
//! becomes one SPARQL query per level of nested paginated lists ([`translate`], pure), and the
//! rows of those queries become the response ([`execute`]). [`schema`] builds the executable
//! async-graphql schema from the same file.

pub mod cost;
pub mod direct;
pub mod execute;
pub mod explore;
pub mod indexed;
pub mod model;
pub mod plan;
pub mod schema;
pub mod translate;

#[cfg(test)]
mod tests;

use crate::config::Settings;
use crate::limits;
use crate::ontology;
use crate::store::{self, QueryLimits, SharedStore};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::Value;
use cost::{CostLimits, Costs};
use execute::Stats;
use model::{Model, ModelError, Vocabulary};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::vocab::{rdf, rdfs};
use oxigraph::model::{NamedOrBlankNode, Term};
use plan::PlanLimits;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

/// The schema file, compiled into the binary.
pub const SCHEMA_SDL: &str = include_str!("../../schema.graphql");

/// The GraphQL API over a store.
pub struct GraphqlApi {
    schema: async_graphql::dynamic::Schema,
    explain: bool,
    /// The limits of a document's text, checked before it is parsed.
    text_limits: TextLimits,
    /// The costs of the schema's fields, and the limits a request's cost is checked against.
    costs: Costs,
    cost_limits: CostLimits,
    /// Parsed documents by query text: frontends send the same few queries again and again,
    /// with other variables.
    documents: std::sync::Mutex<HashMap<String, ExecutableDocument>>,
    /// The texts of persisted queries, by the SHA-256 of each (hexadecimal).
    persisted: std::sync::Mutex<HashMap<String, String>>,
}

/// The limits of a GraphQL document's text.
#[derive(Clone, Copy, Debug)]
struct TextLimits {
    max_bytes: usize,
    max_tokens: usize,
    max_nesting: usize,
}

/// How many parsed documents are kept; past it, the cache starts over.
const CACHED_DOCUMENTS: usize = 256;

/// How many persisted queries are kept; past it, the cache starts over (clients send the text
/// again when told a hash is unknown).
const PERSISTED_QUERIES: usize = 1024;

/// Queries longer than this are parsed each time (they are rarely sent twice).
const CACHED_QUERY_BYTES: usize = 16 * 1024;

/// What one GraphQL request produced.
pub struct Outcome {
    /// The response, with its extensions.
    pub response: async_graphql::Response,
    /// The SPARQL queries it sent.
    pub queries: usize,
}

/// A response that refuses a request before it runs: its error with its code, and no SPARQL
/// query sent (the `kgql` extension is there as on every response).
fn refused(mut error: async_graphql::ServerError, code: &'static str) -> Box<Outcome> {
    with_code(&mut error, code);
    let mut kgql = async_graphql::indexmap::IndexMap::new();
    kgql.insert(
        async_graphql::Name::new("sparqlQueries"),
        Value::Number(0.into()),
    );
    Box::new(Outcome {
        response: async_graphql::Response::from_errors(vec![error])
            .extension("kgql", Value::Object(kgql)),
        queries: 0,
    })
}

/// Gives an error its `extensions.code`, unless it has one.
fn with_code(error: &mut async_graphql::ServerError, code: &'static str) {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_none() {
        extensions.set("code", code);
    }
}

/// Why the API cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum GraphqlError {
    /// `schema.graphql` is wrong.
    #[error(transparent)]
    Model(#[from] ModelError),
    /// The executable schema cannot be built.
    #[error("the GraphQL schema cannot be built: {0}")]
    Schema(String),
}

/// The ontology facts `schema.graphql` is checked against, from the built-in ontology file.
pub fn vocabulary() -> Vocabulary {
    let mut declared = BTreeSet::new();
    let mut subclass_of = Vec::new();
    for file in ontology::FILES.iter().filter(|f| f.name == "kgql.ttl") {
        for triple in RdfParser::from_format(RdfFormat::Turtle).for_slice(file.content.as_bytes()) {
            let Ok(quad) = triple else { continue };
            let NamedOrBlankNode::NamedNode(subject) = &quad.subject else {
                continue;
            };
            let subject = subject.as_str().to_owned();
            if quad.predicate == rdf::TYPE {
                declared.insert(subject.clone());
            }
            if quad.predicate == rdfs::SUB_CLASS_OF {
                if let Term::NamedNode(superclass) = &quad.object {
                    subclass_of.push((subject, superclass.as_str().to_owned()));
                }
            }
        }
    }
    // The RDF and RDFS terms every graph may use.
    declared.insert(rdf::TYPE.as_str().to_owned());
    declared.insert(rdfs::LABEL.as_str().to_owned());
    Vocabulary {
        declared,
        subclass_of,
    }
}

impl GraphqlApi {
    /// Reads `schema.graphql`, checks it against the ontology and builds the schema.
    pub fn new(store: SharedStore, settings: &Settings) -> Result<Self, GraphqlError> {
        let model = Arc::new(Model::parse(SCHEMA_SDL, ontology::PREFIXES, &vocabulary())?);
        let engine = Arc::new(schema::Engine {
            store,
            model: model.clone(),
            limits: QueryLimits {
                timeout: settings.query_timeout,
            },
            plan_limits: PlanLimits {
                default_page: 20.min(settings.graphql_max_page),
                max_page: settings.graphql_max_page,
            },
        });
        let schema = schema::build(model, engine)
            .limit_recursive_depth(settings.max_nesting)
            .finish()
            .map_err(|e| GraphqlError::Schema(e.to_string()))?;
        let sdl = async_graphql::parser::parse_schema(SCHEMA_SDL)
            .map_err(|e| GraphqlError::Schema(e.to_string()))?;
        Ok(Self {
            schema,
            explain: settings.graphql_explain,
            text_limits: TextLimits {
                max_bytes: settings.graphql_max_document_bytes,
                max_tokens: settings.graphql_max_tokens,
                max_nesting: settings.max_nesting,
            },
            costs: Costs::new(&sdl),
            cost_limits: CostLimits {
                max_fields: settings.graphql_max_fields,
                max_nodes: settings.graphql_max_nodes,
                max_queries: settings.graphql_max_queries,
                max_depth: settings.graphql_max_depth as u64,
                default_page: 20.min(settings.graphql_max_page),
                max_page: settings.graphql_max_page,
            },
            documents: std::sync::Mutex::new(HashMap::new()),
            persisted: std::sync::Mutex::new(HashMap::new()),
        })
    }

    /// Automatic persisted queries: a request whose `extensions.persistedQuery` is
    /// `{"version": 1, "sha256Hash": H}` and that carries its text registers the text under H (if
    /// H is its SHA-256); one that carries H alone runs the text registered under it, or is told
    /// `PersistedQueryNotFound` (code `PERSISTED_QUERY_NOT_FOUND`) so that the client sends the
    /// text. A GET of a registered hash is a URL that names the query, which caches can keep.
    fn persisted(
        &self,
        mut request: async_graphql::Request,
    ) -> Result<async_graphql::Request, Box<Outcome>> {
        let Some(persisted) = request.extensions.get("persistedQuery") else {
            return Ok(request);
        };
        let refuse = |message: &str, code| {
            refused(
                async_graphql::ServerError::new(message.to_owned(), None),
                code,
            )
        };
        let Value::Object(persisted) = persisted else {
            return Err(refuse(
                "`persistedQuery` must be an object",
                store::code::BAD_REQUEST,
            ));
        };
        if persisted.get("version") != Some(&Value::Number(1.into())) {
            return Err(refuse(
                "only version 1 of `persistedQuery` is supported",
                store::code::BAD_REQUEST,
            ));
        }
        let hash = match persisted.get("sha256Hash") {
            Some(Value::String(hash))
                if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) =>
            {
                hash.to_ascii_lowercase()
            }
            _ => {
                return Err(refuse(
                    "`persistedQuery.sha256Hash` must be a SHA-256 in hexadecimal",
                    store::code::BAD_REQUEST,
                ))
            }
        };
        let mut persisted = self
            .persisted
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if request.query.is_empty() {
            return match persisted.get(&hash) {
                Some(query) => {
                    request.query.clone_from(query);
                    Ok(request)
                }
                None => Err(refuse(
                    "PersistedQueryNotFound",
                    store::code::PERSISTED_QUERY_NOT_FOUND,
                )),
            };
        }
        if sha256_hex(&request.query) != hash {
            return Err(refuse(
                "provided sha does not match query",
                store::code::BAD_REQUEST,
            ));
        }
        // Only texts within the limits are kept (the rest is refused next).
        if request.query.len() <= self.text_limits.max_bytes {
            if persisted.len() >= PERSISTED_QUERIES {
                persisted.clear();
            }
            persisted.insert(hash, request.query.clone());
        }
        Ok(request)
    }

    /// Checks a request's document within the limits, cheapest first: its size and nesting on
    /// the text, then (parsed, or taken from the cache) what it may cost. Gives the request back
    /// with its parsed document, or the response that refuses it.
    pub fn prepare(
        &self,
        request: async_graphql::Request,
    ) -> Result<(async_graphql::Request, cost::Cost), Box<Outcome>> {
        let mut request = self.persisted(request)?;
        let refuse = |message: String, pos: Option<async_graphql::Pos>| {
            refused(
                async_graphql::ServerError::new(message, pos),
                store::code::LIMIT_EXCEEDED,
            )
        };
        let limits = self.text_limits;
        if request.query.len() > limits.max_bytes {
            return Err(refuse(
                format!(
                    "the query is {} bytes long, more than this server's limit of {} \
                     (--graphql-max-document-bytes)",
                    request.query.len(),
                    limits.max_bytes
                ),
                None,
            ));
        }
        let cached = (request.query.len() <= CACHED_QUERY_BYTES)
            .then(|| {
                self.documents
                    .lock()
                    .ok()
                    .and_then(|documents| documents.get(&request.query).cloned())
            })
            .flatten();
        let document = match cached {
            Some(document) => document,
            None => {
                let shape = limits::text::graphql(&request.query);
                if shape.tokens > limits.max_tokens {
                    return Err(refuse(
                        format!(
                            "the query has more than {} tokens (--graphql-max-tokens)",
                            limits.max_tokens
                        ),
                        None,
                    ));
                }
                if shape.depth > limits.max_nesting {
                    let (line, column) = shape.deepest_at;
                    return Err(refuse(
                        format!(
                            "the query nests brackets more than {} deep (--max-nesting)",
                            limits.max_nesting
                        ),
                        Some(async_graphql::Pos { line, column }),
                    ));
                }
                let document = async_graphql::parser::parse_query(&request.query)
                    .map_err(|e| refused(e.into(), store::code::GRAPHQL_PARSE_FAILED))?;
                if request.query.len() <= CACHED_QUERY_BYTES {
                    if let Ok(mut documents) = self.documents.lock() {
                        if documents.len() >= CACHED_DOCUMENTS {
                            documents.clear();
                        }
                        documents.insert(request.query.clone(), document.clone());
                    }
                }
                document
            }
        };
        let cost = self
            .costs
            .measure(
                &document,
                request.operation_name.as_deref(),
                &request.variables,
                &self.cost_limits,
            )
            .map_err(|e| refused(async_graphql::ServerError::new(e.message, e.pos), e.code))?;
        request.set_parsed_query(document);
        Ok((request, cost))
    }

    /// The schema in SDL, as served (without the mapping directives).
    pub fn sdl(&self) -> String {
        self.schema.sdl()
    }

    /// Executes a request. With `"extensions": {"explain": true}` (where allowed), the response
    /// carries the SPARQL queries the request compiled to.
    pub async fn execute(&self, request: async_graphql::Request) -> Outcome {
        match self.prepare(request) {
            Ok((request, _)) => self.run(request).await,
            Err(refusal) => *refusal,
        }
    }

    /// Executes a request [`GraphqlApi::prepare`] accepted.
    pub async fn run(&self, request: async_graphql::Request) -> Outcome {
        let wants_explain = matches!(
            request.extensions.get("explain"),
            Some(Value::Boolean(true))
        );
        let stats = Arc::new(Stats {
            keep_text: wants_explain && self.explain,
            ..Stats::default()
        });
        let mut response = self.schema.execute(request.data(stats.clone())).await;
        // Errors of fields carry their codes; those found before execution (validation,
        // variables) come without a path and without data.
        let before_execution = response.data == Value::Null;
        for error in &mut response.errors {
            let code = if before_execution && error.path.is_empty() {
                store::code::GRAPHQL_VALIDATION_FAILED
            } else {
                store::code::INTERNAL_SERVER_ERROR
            };
            with_code(error, code);
        }
        let queries = stats.count();
        let mut kgql = async_graphql::indexmap::IndexMap::new();
        kgql.insert(
            async_graphql::Name::new("sparqlQueries"),
            Value::Number(queries.into()),
        );
        // Counts of what the store's indexes answered without a query, where there were any.
        for (name, count) in [
            ("indexSearches", &stats.index_searches),
            ("indexPages", &stats.index_pages),
            ("directReads", &stats.direct_reads),
        ] {
            let count = count.load(std::sync::atomic::Ordering::Relaxed);
            if count > 0 {
                kgql.insert(async_graphql::Name::new(name), Value::Number(count.into()));
            }
        }
        if wants_explain {
            if self.explain {
                let texts = stats.queries.lock().map(|q| q.clone()).unwrap_or_default();
                kgql.insert(
                    async_graphql::Name::new("sparql"),
                    Value::List(texts.into_iter().map(Value::String).collect()),
                );
            } else {
                kgql.insert(
                    async_graphql::Name::new("explain"),
                    Value::String("explain is not enabled on this server".to_owned()),
                );
            }
        }
        response
            .extensions
            .insert("kgql".to_owned(), Value::Object(kgql));
        Outcome { response, queries }
    }
}

/// The SHA-256 of a text, in lower-case hexadecimal.
fn sha256_hex(text: &str) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}
