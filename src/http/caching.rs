//! HTTP caching of answers that depend only on the data: an `ETag` made of the store's version
//! and what selects the representation (the URL, `Accept`, `Accept-Language`), `Last-Modified`
//! (the last write), and the configured `Cache-Control`. A request whose `If-None-Match` (or,
//! without one, `If-Modified-Since`) still holds gets 304 before anything is evaluated.

use super::State;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::HttpResponse;
use std::hash::{Hash, Hasher};

/// Whether the answer to a GET of `path` depends only on the data (and the request).
fn cacheable(path: &str, query: &str) -> bool {
    let data = matches!(
        path,
        "/" | "/search"
            | "/connect"
            | "/graphql"
            | "/graphql/schema.graphql"
            | "/sparql"
            | "/store"
            | "/export"
            | "/.well-known/void"
    ) || path.starts_with("/id/");
    data && !(path == "/sparql" && calls_varying_functions(query))
}

/// Whether a SPARQL query string calls a function that gives another value each time (`NOW`,
/// `RAND`, `UUID`, `STRUUID`, `BNODE`): such a query is evaluated each time. Read on the decoded
/// parameters, without case or white space, so no spelling hides a call; a false alarm only
/// costs a tag.
fn calls_varying_functions(query: &str) -> bool {
    form_urlencoded::parse(query.as_bytes()).any(|(_, value)| {
        let text: String = value
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        ["now(", "rand(", "uuid(", "struuid(", "bnode("]
            .iter()
            .any(|call| text.contains(call))
    })
}

/// Answers 304 to a request whose validators still hold; tags the other answers of data.
pub(super) async fn conditional(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let read = matches!(*request.method(), Method::GET | Method::HEAD);
    let version = (read && cacheable(request.path(), request.query_string()))
        .then(|| request.app_data::<State>())
        .flatten()
        .and_then(|state| Some((state.store.version()?, state.cache_control.clone())));
    let Some((version, cache_control)) = version else {
        return Ok(next.call(request).await?.map_into_left_body());
    };
    let etag = entity_tag(&version.tag, &request);
    let modified = header::HttpDate::from(version.modified);
    // What picks the representation, for caches that key answers by URL; a 304 says it as the
    // answer would.
    let vary = if request.path().starts_with("/id/") {
        "Accept, Accept-Language"
    } else {
        "Accept"
    };
    let headers = [
        (header::VARY, Some(HeaderValue::from_static(vary))),
        (header::ETAG, HeaderValue::from_str(&etag).ok()),
        (
            header::LAST_MODIFIED,
            HeaderValue::from_str(&modified.to_string()).ok(),
        ),
        (header::CACHE_CONTROL, Some(cache_control)),
    ];
    if still_valid(&request, &etag, version.modified) {
        let mut response = HttpResponse::build(StatusCode::NOT_MODIFIED);
        for (name, value) in headers {
            if let Some(value) = value {
                response.insert_header((name, value));
            }
        }
        return Ok(request
            .into_response(response.finish())
            .map_into_right_body());
    }
    let mut response = next.call(request).await?;
    if response.status() == StatusCode::OK {
        let answer = response.headers_mut();
        for (name, value) in headers {
            if let (Some(value), false) = (value, answer.contains_key(&name)) {
                answer.insert(name, value);
            }
        }
    }
    Ok(response.map_into_left_body())
}

/// A weak tag (the answers are equivalent, not byte for byte alike: some carry timings) of the
/// version and of what selects the representation.
fn entity_tag(version: &str, request: &ServiceRequest) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    request.uri().to_string().hash(&mut hasher);
    for name in [
        header::ACCEPT,
        header::ACCEPT_LANGUAGE,
        header::AUTHORIZATION,
    ] {
        request
            .headers()
            .get(&name)
            .map(HeaderValue::as_bytes)
            .hash(&mut hasher);
    }
    format!("W/\"{version}-{:016x}\"", hasher.finish())
}

/// Whether the client's copy is still the answer: `If-None-Match` names the tag, or, without it,
/// `If-Modified-Since` is no earlier than the last write. (`If-None-Match: *` asks whether the
/// resource exists, which only evaluating tells: it is answered in full.)
fn still_valid(request: &ServiceRequest, etag: &str, modified: std::time::SystemTime) -> bool {
    let headers = request.headers();
    if let Some(tags) = headers.get(header::IF_NONE_MATCH) {
        let Ok(tags) = tags.to_str() else {
            return false;
        };
        // Weak comparison: `W/` is ignored on both sides.
        let bare = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
        return tags.split(',').any(|tag| bare(tag) == bare(etag));
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|since| since.to_str().ok())
        .and_then(|since| since.parse::<header::HttpDate>().ok())
        .is_some_and(|since| seconds(since.into()) >= seconds(modified))
}

/// Whole seconds since 1970, the precision of HTTP dates.
fn seconds(time: std::time::SystemTime) -> u64 {
    time.duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
