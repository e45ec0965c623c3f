//! The HTTP server: the only module that knows actix-web.
//!
//! One file per API area, each with a `configure` function; handlers parse the request, call
//! transport-independent code (`crate::sparql`, `crate::linked_data`, the store) and map errors
//! in [`error`].

mod auth;
mod caching;
pub mod error;
mod graphql_api;
mod linked_data_api;
mod ops_api;
mod site_api;
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
    /// The permits requests evaluate and stream within.
    pub admission: crate::admission::Admission,
    /// Which proxies' forwarding headers are believed.
    pub trust: crate::origin::Trust,
    /// Answers that scan the whole store (VoID, the store's size), kept for a while.
    pub scans: Scans,
    /// The `Content-Security-Policy` of HTML pages.
    pub content_security_policy: header::HeaderValue,
    /// The `Cache-Control` of answers of data (`--cache-control`).
    pub cache_control: header::HeaderValue,
}

/// How long an answer that scans the whole store is kept.
pub const SCAN_TTL: std::time::Duration = std::time::Duration::from_secs(60);

/// Answers that scan the whole store, each kept for [`SCAN_TTL`].
#[derive(Default)]
pub struct Scans {
    /// The VoID description, with the public URL it names.
    pub void: Kept<(String, Vec<oxigraph::model::Triple>)>,
    /// The store's size.
    pub size: Kept<crate::store::StoreSize>,
    /// The home page's counts of each kind of entity, and the sources.
    pub home: Kept<(Vec<crate::site::Kind>, Vec<crate::site::Source>)>,
    /// The root lists of the GraphQL schema (field, type): fixed for the server's life.
    pub kinds: std::sync::OnceLock<Vec<(String, String)>>,
}

/// A value kept for [`SCAN_TTL`] after it was made (and, for those who can use an older one,
/// until it is remade).
pub struct Kept<T>(
    std::sync::Mutex<Option<(Instant, T)>>,
    std::sync::atomic::AtomicBool,
);

impl<T> Default for Kept<T> {
    fn default() -> Self {
        Self(
            std::sync::Mutex::new(None),
            std::sync::atomic::AtomicBool::new(false),
        )
    }
}

impl<T: Clone> Kept<T> {
    /// The value, if it is younger than [`SCAN_TTL`] and `fits`.
    pub fn fresh(&self, fits: impl Fn(&T) -> bool) -> Option<T> {
        let kept = self.0.lock().ok()?;
        kept.as_ref()
            .filter(|(made, value)| made.elapsed() < SCAN_TTL && fits(value))
            .map(|(_, value)| value.clone())
    }

    /// Keeps `value` from now.
    pub fn keep(&self, value: T) {
        if let Ok(mut kept) = self.0.lock() {
            *kept = Some((Instant::now(), value));
        }
        self.1.store(false, std::sync::atomic::Ordering::Release);
    }

    /// The value whatever its age, and whether the caller should remake it: it is older than
    /// [`SCAN_TTL`] and no one else is remaking it (the caller then must call [`Self::keep`]
    /// or [`Self::give_up`]).
    pub fn any(&self) -> Option<(T, bool)> {
        let kept = self.0.lock().ok()?;
        let (made, value) = kept.as_ref()?;
        let remake =
            made.elapsed() >= SCAN_TTL && !self.1.swap(true, std::sync::atomic::Ordering::AcqRel);
        Some((value.clone(), remake))
    }

    /// Lets another caller remake the value (this one could not).
    pub fn give_up(&self) {
        self.1.store(false, std::sync::atomic::Ordering::Release);
    }
}

impl AppState {
    /// Limits for one query.
    pub fn query_limits(&self) -> QueryLimits {
        QueryLimits {
            timeout: self.settings.query_timeout,
        }
    }

    /// A permit to evaluate, or why the server is too busy (a 503 as an [`ApiError`]).
    pub async fn evaluate(
        &self,
        weight: crate::admission::Weight,
    ) -> Result<crate::admission::Permit, crate::admission::Busy> {
        let permit = self.admission.evaluate(weight).await;
        if permit.is_err() {
            self.metrics.count_refused("busy");
        }
        permit
    }

    /// Streams an export of `graph` (the whole store when `None`) within a permit, holding a
    /// stream permit of the client while it is sent.
    pub async fn export(
        &self,
        request: &HttpRequest,
        graph: Option<oxigraph::model::GraphName>,
        format: oxigraph::io::RdfFormat,
    ) -> Result<crate::stream::Body, ApiError> {
        let _evaluating = self.evaluate(crate::admission::Weight::Expensive).await?;
        let body = crate::export::export(
            &self.store,
            graph,
            format,
            self.settings.stream_write_timeout,
        )
        .await?;
        let body = crate::stream::first_chunk(body)
            .await
            .map_err(ApiError::from_stream_error)?;
        self.hold_stream(request, body)
    }

    /// A body that streams holds a stream permit of the request's client while it is sent; a
    /// body that came whole needs none. No permit free is a 503 (and the stream is dropped,
    /// which stops its writer).
    pub fn hold_stream(
        &self,
        request: &HttpRequest,
        body: crate::stream::Body,
    ) -> Result<crate::stream::Body, ApiError> {
        if let crate::stream::Body::Whole(_) = body {
            return Ok(body);
        }
        let client = client_ip(request, self).unwrap_or(std::net::Ipv4Addr::UNSPECIFIED.into());
        let permit = self.admission.stream(client).map_err(|busy| {
            self.metrics.count_refused("streams");
            ApiError::Busy(busy)
        })?;
        Ok(body.holding(permit))
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
        let user_timeout_ms = u32::try_from(
            (settings.stream_write_timeout + std::time::Duration::from_secs(30)).as_millis(),
        )
        .unwrap_or(u32::MAX);
        let cors_origins = settings.cors_origins.clone();
        let graphql = crate::graphql::GraphqlApi::new(store.clone(), &settings)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
        let settings_frame_ancestors = settings.frame_ancestors.clone();
        let cache_control = header::HeaderValue::from_str(&settings.cache_control)
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e.to_string()))?;
        let trust = crate::origin::Trust {
            proxies: settings.trusted_proxies.clone(),
        };
        let state = web::Data::new(AppState {
            store,
            admission: crate::admission::Admission::new(settings.capacity()),
            settings,
            metrics: Metrics::new(),
            graphql,
            trust,
            scans: Scans::default(),
            content_security_policy: content_security_policy(&settings_frame_ancestors),
            cache_control,
        });
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .app_data(web::PayloadConfig::new(max_body))
                // Innermost: a 304 still passes CORS, the security headers and the log.
                .wrap(middleware::from_fn(caching::conditional))
                .wrap(middleware::Condition::new(
                    !cors_origins.is_empty(),
                    cors(&cors_origins),
                ))
                .wrap(middleware::from_fn(framework_refusals))
                .wrap(middleware::from_fn(security_headers))
                .wrap(middleware::from_fn(observe))
                .configure(sparql_api::configure)
                .configure(graphql_api::configure)
                .configure(store_api::configure)
                .configure(linked_data_api::configure)
                .configure(ops_api::configure)
                .configure(site_api::configure)
                .default_service(web::to(site_api::not_found))
        })
        // Answers are written as they are produced; without TCP_NODELAY a small answer waits for
        // the client's delayed acknowledgement (~40 ms) between its head and its body.
        .on_connect(move |connection, _| {
            if let Some(tcp) = connection.downcast_ref::<actix_web::rt::net::TcpStream>() {
                let _ = tcp.set_nodelay(true);
                // A client that acknowledges nothing for this long (it stopped reading an answer
                // it asked for) is disconnected by the kernel, freeing the connection's buffers.
                let _ = rustix::net::sockopt::set_tcp_user_timeout(tcp, user_timeout_ms);
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

/// The parameters of a URL query string or a form body, in order, repeated names kept; a name
/// or value that is not UTF-8 once decoded is an error (never silently replaced).
pub(crate) fn parse_params(encoded: &[u8]) -> Result<Vec<(String, String)>, ApiError> {
    let decode = |part: &[u8]| -> Result<String, ApiError> {
        let mut bytes = Vec::with_capacity(part.len());
        let mut i = 0;
        while i < part.len() {
            match part[i] {
                b'+' => bytes.push(b' '),
                b'%' if i + 2 < part.len() => {
                    let hex = std::str::from_utf8(&part[i + 1..i + 3]).ok();
                    match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                        Some(byte) => {
                            bytes.push(byte);
                            i += 2;
                        }
                        None => bytes.push(b'%'),
                    }
                }
                byte => bytes.push(byte),
            }
            i += 1;
        }
        String::from_utf8(bytes).map_err(|e| {
            ApiError::BadRequest(format!(
                "a parameter is not UTF-8 once percent-decoded (byte {} of '{}')",
                e.utf8_error().valid_up_to(),
                String::from_utf8_lossy(part)
                    .chars()
                    .take(60)
                    .collect::<String>()
            ))
        })
    };
    encoded
        .split(|b| *b == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = match pair.iter().position(|b| *b == b'=') {
                Some(at) => (&pair[..at], &pair[at + 1..]),
                None => (pair, &pair[pair.len()..]),
            };
            Ok((decode(name)?, decode(value)?))
        })
        .collect()
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

/// The headers a request says its origin with.
fn origin_headers(request: &HttpRequest) -> crate::origin::Headers<'_> {
    let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    crate::origin::Headers {
        host: header("host").or_else(|| request.uri().authority().map(|a| a.as_str())),
        forwarded: header("forwarded"),
        forwarded_for: header("x-forwarded-for"),
        forwarded_host: header("x-forwarded-host"),
        forwarded_proto: header("x-forwarded-proto"),
    }
}

/// The address of the request's client (through trusted proxies).
pub(crate) fn client_ip(request: &HttpRequest, state: &AppState) -> Option<std::net::IpAddr> {
    let peer = request.peer_addr().map(|a| a.ip());
    state.trust.client(peer, &origin_headers(request))
}

/// The URL the client used to reach this server, without a trailing slash: the configured
/// public URL, else what the request's (checked) `Host` says, else the address the server
/// listens on.
pub(crate) fn public_url(request: &HttpRequest, state: &AppState) -> String {
    if let Some(url) = &state.settings.public_url {
        return url.clone();
    }
    let peer = request.peer_addr().map(|a| a.ip());
    state
        .trust
        .public_origin(peer, &origin_headers(request))
        .unwrap_or_else(|| format!("http://{}", state.settings.bind))
}

/// How long a request body may take before it must keep up [`BODY_MIN_RATE`].
const BODY_GRACE: std::time::Duration = std::time::Duration::from_secs(10);
/// The rate, in bytes per second, a body must keep up after [`BODY_GRACE`]: a client that
/// trickles its body (a byte now and then) would otherwise hold a connection and a buffer for
/// as long as it likes.
const BODY_MIN_RATE: usize = 8 * 1024;

/// Reads a request body of at most `limit` bytes (413 past it), arriving at least at
/// [`BODY_MIN_RATE`] after [`BODY_GRACE`] (408 otherwise).
pub(crate) async fn read_body(
    mut payload: web::Payload,
    limit: usize,
) -> Result<bytes::Bytes, ApiError> {
    use futures_util::StreamExt;
    let started = tokio::time::Instant::now();
    let mut body = bytes::BytesMut::new();
    loop {
        // The time by which the next chunk must have come for the body to keep up the rate.
        let due = BODY_GRACE.as_secs_f64() + body.len() as f64 / BODY_MIN_RATE as f64;
        let deadline = started + std::time::Duration::from_secs_f64(due);
        let chunk = match tokio::time::timeout_at(deadline, payload.next()).await {
            Ok(None) => return Ok(body.freeze()),
            Ok(Some(chunk)) => chunk.map_err(|error| {
                ApiError::BadRequest(format!("the body could not be read: {error}"))
            })?,
            Err(_) => {
                return Err(ApiError::SlowBody {
                    received: body.len(),
                    seconds: started.elapsed().as_secs(),
                    rate: BODY_MIN_RATE,
                    grace: BODY_GRACE.as_secs(),
                })
            }
        };
        if body.len() + chunk.len() > limit {
            return Err(ApiError::PayloadTooLarge(limit));
        }
        body.extend_from_slice(&chunk);
    }
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

/// The `Content-Security-Policy` of HTML pages: everything from the server itself only (inline
/// styles allowed: the pages carry their own), framed only by `frame_ancestors`.
fn content_security_policy(frame_ancestors: &str) -> header::HeaderValue {
    let policy = format!(
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data:; font-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action 'self'; frame-ancestors {frame_ancestors}"
    );
    header::HeaderValue::from_str(&policy)
        .unwrap_or_else(|_| header::HeaderValue::from_static("frame-ancestors 'none'"))
}

/// Adds the headers every answer carries (the browser may not guess types) and those of HTML
/// pages (the content security policy, the referrer policy).
async fn security_headers(
    request: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let policy = request
        .app_data::<web::Data<AppState>>()
        .map(|state| state.content_security_policy.clone());
    let mut response = next.call(request).await?;
    let headers = response.headers_mut();
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        header::HeaderValue::from_static("nosniff"),
    );
    let html = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if let (true, Some(policy)) = (html, policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
        headers.insert(
            header::REFERRER_POLICY,
            header::HeaderValue::from_static("strict-origin-when-cross-origin"),
        );
    }
    Ok(response)
}

/// Gives the refusals the framework makes itself (a method no route of a resource takes) the
/// body and headers of the error map's.
async fn framework_refusals(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, actix_web::Error> {
    let response = next.call(request).await?;
    let bare = response.status() == actix_web::http::StatusCode::METHOD_NOT_ALLOWED
        && matches!(
            response.response().body().size(),
            actix_web::body::BodySize::None | actix_web::body::BodySize::Sized(0)
        );
    if !bare {
        return Ok(response.map_into_left_body());
    }
    let refusal = ApiError::MethodNotAllowed(format!(
        "{} is not a method {} answers",
        response.request().method(),
        response.request().path()
    ));
    let (request, _) = response.into_parts();
    Ok(
        ServiceResponse::new(request, actix_web::ResponseError::error_response(&refusal))
            .map_into_right_body(),
    )
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
