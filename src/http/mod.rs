//! The HTTP server: the only module that knows actix-web.
//!
//! One file per API area, each with a `configure` function; handlers parse the request, call
//! transport-independent code (`crate::sparql`, `crate::linked_data`, the store) and map errors
//! in [`error`].

mod auth;
pub mod error;
mod graphql_api;
mod linked_data_api;
mod ops_api;
mod sparql_api;
mod store_api;

use crate::config::Settings;
use crate::metrics::Metrics;
use crate::store::{QueryLimits, SharedStore};
use actix_cors::Cors;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::{self, Next};
use actix_web::{web, App, HttpRequest, HttpServer};
use error::ApiError;
use std::net::TcpListener;
use std::time::Instant;

/// What every handler can reach.
pub struct AppState {
    /// The graph.
    pub store: SharedStore,
    /// The resolved settings.
    pub settings: Settings,
    /// The metrics registry.
    pub metrics: Metrics,
    /// The GraphQL API.
    pub graphql: crate::graphql::GraphqlApi,
}

impl AppState {
    /// Limits for one query.
    pub fn query_limits(&self) -> QueryLimits {
        QueryLimits {
            timeout: self.settings.query_timeout,
        }
    }
}

/// A bound, not yet running, HTTP server.
pub struct Server {
    port: u16,
    server: actix_web::dev::Server,
}

impl Server {
    /// Binds `settings.bind` (port 0 picks a free port) and prepares the application.
    pub fn bind(settings: Settings, store: SharedStore) -> std::io::Result<Self> {
        let listener = TcpListener::bind(&settings.bind)?;
        let port = listener.local_addr()?.port();
        let max_body = settings.max_body_bytes;
        let cors_origins = settings.cors_origins.clone();
        let graphql = crate::graphql::GraphqlApi::new(store.clone(), &settings)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
        let state = web::Data::new(AppState {
            store,
            settings,
            metrics: Metrics::new(),
            graphql,
        });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(max_body))
                .wrap(middleware::Condition::new(
                    !cors_origins.is_empty(),
                    cors(&cors_origins),
                ))
                .wrap(middleware::from_fn(observe))
                .configure(sparql_api::configure)
                .configure(graphql_api::configure)
                .configure(store_api::configure)
                .configure(linked_data_api::configure)
                .configure(ops_api::configure)
        })
        // Answers are written as they are produced; without TCP_NODELAY a small answer waits for
        // the client's delayed acknowledgement (~40 ms) between its head and its body.
        .on_connect(|connection, _| {
            if let Some(tcp) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
                let _ = tcp.set_nodelay(true);
            }
        })
        .listen(listener)?
        .run();
        Ok(Self { port, server })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// What stops the server from another task or thread.
    pub fn stopper(&self) -> Stopper {
        Stopper(self.server.handle())
    }

    /// Serves until the process is stopped (or a [`Stopper`] stops the server).
    pub async fn run(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Stops a running [`Server`].
#[derive(Clone)]
pub struct Stopper(actix_web::dev::ServerHandle);

impl Stopper {
    /// Stops accepting connections, lets the requests under way finish, and stops.
    pub async fn stop(&self) {
        self.0.stop(true).await;
    }
}

fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS"])
        .allow_any_header()
        .expose_any_header()
        .max_age(3600);
    for origin in origins {
        cors = if origin == "*" {
            cors.allow_any_origin()
        } else {
            cors.allowed_origin(origin)
        };
    }
    cors
}

/// Logs one line per request and records its metrics.
async fn observe(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let start = Instant::now();
    let method = request.method().to_string();
    let path = request.path().to_owned();
    let route = request
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    let state = request.app_data::<web::Data<AppState>>().cloned();
    let response = next.call(request).await?;
    let status = response.status().as_u16();
    let elapsed = start.elapsed();
    if let Some(state) = state {
        state
            .metrics
            .observe_request(&route, &method, status, elapsed);
    }
    tracing::info!(
        %method,
        %path,
        status,
        duration_ms = elapsed.as_secs_f64() * 1000.0,
        "request"
    );
    Ok(response)
}

/// The parameters of a URL query string or a form body, in order, repeated names kept.
pub(crate) fn parse_params(encoded: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(encoded).into_owned().collect()
}

/// The values of parameter `name`.
pub(crate) fn all<'a>(params: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    params
        .iter()
        .filter(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The single value of parameter `name`; repeating it is an error.
pub(crate) fn single<'a>(
    params: &'a [(String, String)],
    name: &str,
) -> Result<Option<&'a str>, ApiError> {
    match all(params, name).as_slice() {
        [] => Ok(None),
        [value] => Ok(Some(value)),
        _ => Err(ApiError::BadRequest(format!(
            "the '{name}' parameter may be given only once"
        ))),
    }
}

/// The `Accept` header, if present and readable.
pub(crate) fn accept(request: &HttpRequest) -> Result<Option<&str>, ApiError> {
    request
        .headers()
        .get(header::ACCEPT)
        .map(|v| {
            v.to_str()
                .map_err(|_| ApiError::BadRequest("the Accept header is not ASCII".to_owned()))
        })
        .transpose()
}

/// The essence of the `Content-Type` header (`type/subtype`, lower case), if present.
pub(crate) fn content_type(request: &HttpRequest) -> Result<Option<String>, ApiError> {
    request
        .headers()
        .get(header::CONTENT_TYPE)
        .map(|v| {
            v.to_str()
                .map(crate::formats::media_type_essence)
                .map_err(|_| {
                    ApiError::BadRequest("the Content-Type header is not ASCII".to_owned())
                })
        })
        .transpose()
}

/// The URL the client used to reach this server, without a trailing slash.
pub(crate) fn public_url(request: &HttpRequest, state: &AppState) -> String {
    if let Some(url) = &state.settings.public_url {
        return url.clone();
    }
    let info = request.connection_info();
    format!("{}://{}", info.scheme(), info.host())
}

/// Decodes a request body as UTF-8 or says where it is not.
pub(crate) fn utf8(body: &[u8], what: &str) -> Result<String, ApiError> {
    String::from_utf8(body.to_vec()).map_err(|e| {
        ApiError::BadRequest(format!(
            "the {what} is not valid UTF-8 (byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Shared state, for handlers.
pub(crate) type State = web::Data<AppState>;

/// Sends a body as [`crate::stream::first_chunk`] found it: whole, with its length, or streamed.
trait BodyOrStream {
    fn body_or_stream(&mut self, body: crate::stream::Body) -> actix_web::HttpResponse;
}

impl BodyOrStream for actix_web::HttpResponseBuilder {
    fn body_or_stream(&mut self, body: crate::stream::Body) -> actix_web::HttpResponse {
        match body {
            crate::stream::Body::Whole(bytes) => self.body(bytes),
            crate::stream::Body::Streaming(stream) => self.streaming(stream),
        }
    }
}
