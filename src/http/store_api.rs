//! `/store`: the SPARQL 1.1 Graph Store HTTP Protocol, with indirect (`?graph=IRI`,
//! `?default`) and direct (`/store/…`) graph identification.

use super::error::ApiError;
use super::BodyOrStream;
use super::{accept, auth, content_type, parse_params, public_url, read_body, single, State};
use crate::admission::Weight;
use crate::formats::{self, RDF_FORMATS};
use crate::sparql;
use crate::store::{Document, LoadMode, LoadRequest, LoadTarget};
use actix_web::http::{header, Method};
use actix_web::{web, HttpRequest, HttpResponse};
use bytes::Bytes;
use oxigraph::io::RdfFormat;
use oxigraph::model::{GraphName, NamedNode};
use std::hash::BuildHasher;

/// Registers the routes.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/store", web::route().to(indirect))
        .route("/store/{path:.+}", web::route().to(direct));
}

async fn indirect(
    request: HttpRequest,
    state: State,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let params = parse_params(request.query_string().as_bytes())?;
    let default = params.iter().any(|(name, _)| name == "default");
    let target = match (default, single(&params, "graph")?) {
        (true, Some(_)) => {
            return Err(ApiError::BadRequest(
                "give either 'default' or 'graph', not both".to_owned(),
            ))
        }
        (true, None) => Some(GraphName::DefaultGraph),
        (false, Some(iri)) => Some(sparql::parse_iri("graph", iri)?.into()),
        (false, None) => None,
    };
    handle(&request, &state, target, body).await
}

async fn direct(
    request: HttpRequest,
    state: State,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let iri = format!("{}{}", public_url(&request, &state), request.path());
    let graph = sparql::parse_iri("graph", &iri)?;
    handle(&request, &state, Some(graph.into()), body).await
}

/// Serves a Graph Store request; the body of a write is read only once the write is authorised.
async fn handle(
    request: &HttpRequest,
    state: &State,
    target: Option<GraphName>,
    body: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let method = request.method();
    if method == Method::GET || method == Method::HEAD {
        return read(request, state, target).await;
    }
    if ![Method::PUT, Method::POST, Method::DELETE].contains(method) {
        return Err(ApiError::MethodNotAllowed(format!(
            "{method} is not a Graph Store operation: use GET, HEAD, PUT, POST or DELETE"
        )));
    }
    auth::require_write(request, state.settings.write_token.as_ref())?;
    let body = read_body(body, state.settings.max_body_bytes).await?;
    let _evaluating = state.evaluate(Weight::Expensive).await?;
    if method == Method::DELETE {
        let graph = target
            .ok_or_else(|| ApiError::BadRequest("DELETE needs 'graph' or 'default'".to_owned()))?;
        if let GraphName::NamedNode(named) = &graph {
            if !state.store.contains_graph(named).await? {
                return Err(ApiError::NotFound(format!(
                    "no graph {named} in this store"
                )));
            }
        }
        state.store.clear_graph(graph, true).await?;
        return Ok(HttpResponse::NoContent().finish());
    }
    let (graph, created_here) = match target {
        Some(graph) => (graph, false),
        None if method == Method::POST => (new_graph_name(request, state)?.into(), true),
        None => {
            return Err(ApiError::BadRequest(
                "PUT needs 'graph' or 'default'".to_owned(),
            ))
        }
    };
    let existed = match &graph {
        GraphName::NamedNode(named) => state.store.contains_graph(named).await?,
        _ => true,
    };
    let mode = if method == Method::PUT {
        LoadMode::Replace
    } else {
        LoadMode::Append
    };
    let documents = documents(request, body, state.settings.max_body_bytes)?;
    let base_iri = match &graph {
        GraphName::NamedNode(named) => Some(named.as_str().to_owned()),
        _ => None,
    };
    state
        .store
        .load(LoadRequest {
            documents: documents
                .into_iter()
                .enumerate()
                .map(|(index, (format, data))| Document {
                    input: Box::new(std::io::Cursor::new(data)),
                    format,
                    base_iri: base_iri.clone(),
                    name: format!("request body part {}", index + 1),
                })
                .collect(),
            target: LoadTarget::Graph(graph.clone()),
            mode,
            progress: None,
            bulk: false,
        })
        .await?;
    if created_here || !existed {
        let mut response = HttpResponse::Created();
        if let GraphName::NamedNode(named) = &graph {
            response.insert_header((header::LOCATION, named.as_str()));
        }
        Ok(response.finish())
    } else {
        Ok(HttpResponse::NoContent().finish())
    }
}

async fn read(
    request: &HttpRequest,
    state: &State,
    target: Option<GraphName>,
) -> Result<HttpResponse, ApiError> {
    if let Some(GraphName::NamedNode(named)) = &target {
        if !state.store.contains_graph(named).await? {
            return Err(ApiError::NotFound(format!(
                "no graph {named} in this store"
            )));
        }
    }
    // The whole store is a dataset: offer the dataset formats first.
    let offers: Vec<RdfFormat> = if target.is_none() {
        RDF_FORMATS
            .iter()
            .copied()
            .filter(|f| f.supports_datasets())
            .collect()
    } else {
        RDF_FORMATS.to_vec()
    };
    let accept = accept(request)?;
    let format = formats::negotiate_rdf(accept, &offers)?
        .map(|format| formats::with_json_ld_profile(format, accept))
        .ok_or_else(|| {
            ApiError::NotAcceptable(format!(
                "none of the formats in the Accept header can be written for this graph; \
                 available: {}",
                offers
                    .iter()
                    .map(|f| formats::rdf_media_types(*f)[0])
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
    let media_type = formats::rdf_media_types(format)[0];
    let content_type = if media_type.starts_with("text/") {
        format!("{media_type}; charset=utf-8")
    } else {
        media_type.to_owned()
    };
    if request.method() == Method::HEAD {
        return Ok(HttpResponse::Ok().content_type(content_type).finish());
    }
    let body = state.export(request, target, format).await?;
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .body_or_stream(body))
}

/// A fresh graph name for a POST to the store itself.
fn new_graph_name(request: &HttpRequest, state: &State) -> Result<NamedNode, ApiError> {
    let id = std::collections::hash_map::RandomState::new().hash_one(std::time::SystemTime::now());
    sparql::parse_iri(
        "graph",
        &format!("{}/store/{id:016x}", public_url(request, state)),
    )
    .map_err(ApiError::from)
}

/// The RDF documents a write carries: the body in its declared format, or each file of a
/// `multipart/form-data` body; RDF/XML entities may expand to `max_expansion` bytes in all.
fn documents(
    request: &HttpRequest,
    body: Bytes,
    max_expansion: usize,
) -> Result<Vec<(RdfFormat, Bytes)>, ApiError> {
    let documents = documents_of(request, body)?;
    for (format, data) in &documents {
        if *format == RdfFormat::RdfXml {
            crate::limits::rdfxml::check_entities(data, max_expansion as u64).map_err(|e| {
                ApiError::BadRequest(format!("the RDF/XML document is refused: {e}"))
            })?;
        }
    }
    Ok(documents)
}

fn documents_of(request: &HttpRequest, body: Bytes) -> Result<Vec<(RdfFormat, Bytes)>, ApiError> {
    let essence = content_type(request)?.ok_or_else(|| {
        ApiError::BadRequest(
            "the request has no Content-Type: say which RDF format the body is in".to_owned(),
        )
    })?;
    if essence == "multipart/form-data" {
        let full = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        let boundary = full
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("boundary="))
            .next()
            .map(|b| b.trim_matches('"').to_owned())
            .ok_or_else(|| {
                ApiError::BadRequest("multipart/form-data without a boundary".to_owned())
            })?;
        return multipart(&body, &boundary)?
            .into_iter()
            .map(|(part_type, data)| Ok((rdf_format(&part_type)?, data)))
            .collect();
    }
    Ok(vec![(rdf_format(&essence)?, body)])
}

fn rdf_format(media_type: &str) -> Result<RdfFormat, ApiError> {
    formats::rdf_format_from_name(media_type)
        .filter(|f| RDF_FORMATS.contains(f) || *f == RdfFormat::N3)
        .ok_or_else(|| {
            ApiError::UnsupportedMediaType(format!(
                "'{media_type}' is not an RDF format this store reads"
            ))
        })
}

/// Splits a `multipart/form-data` body into (content type, content) parts.
fn multipart(body: &[u8], boundary: &str) -> Result<Vec<(String, Bytes)>, ApiError> {
    let malformed = || ApiError::BadRequest("malformed multipart/form-data body".to_owned());
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut rest = body;
    // Skip the preamble.
    let start = find(rest, delimiter.as_bytes()).ok_or_else(malformed)?;
    rest = &rest[start + delimiter.len()..];
    loop {
        if rest.starts_with(b"--") {
            return Ok(parts);
        }
        rest = rest.strip_prefix(b"\r\n").ok_or_else(malformed)?;
        let header_end = find(rest, b"\r\n\r\n").ok_or_else(malformed)?;
        let headers = std::str::from_utf8(&rest[..header_end]).map_err(|_| malformed())?;
        let mut part_type = "text/turtle".to_owned();
        for line in headers.split("\r\n") {
            if let Some((name, value)) = line.split_once(':') {
                if name.trim().eq_ignore_ascii_case("content-type") {
                    part_type = formats::media_type_essence(value);
                }
            }
        }
        rest = &rest[header_end + 4..];
        let end = find(rest, format!("\r\n{delimiter}").as_bytes()).ok_or_else(malformed)?;
        parts.push((part_type, Bytes::copy_from_slice(&rest[..end])));
        rest = &rest[end + 2 + delimiter.len()..];
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}
