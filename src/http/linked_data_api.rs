//! Linked data: `/id/…` entity pages, `/export` and `/.well-known/void`.

use super::error::ApiError;
use super::BodyOrStream;
use super::{accept, parse_params, public_url, single, State};
use crate::formats::{self, RDF_FORMATS};
use crate::linked_data::{self, IriMapper};
use crate::sparql;
use crate::stream;
use actix_web::http::header::{self, ContentType};
use actix_web::{web, HttpRequest, HttpResponse};
use oxigraph::io::RdfFormat;
use oxigraph::model::{GraphName, Triple};

/// Registers the routes.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/id/{path:.+}", web::get().to(entity))
        .route("/export", web::get().to(export))
        .route("/.well-known/void", web::get().to(void));
}

/// How an entity is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Representation {
    Html,
    Rdf(RdfFormat),
}

const HTML_TYPES: &[&str] = &["text/html", "application/xhtml+xml"];

fn negotiate_representation(
    request: &HttpRequest,
    format: Option<&str>,
) -> Result<Representation, ApiError> {
    if let Some(name) = format {
        if name.eq_ignore_ascii_case("html") {
            return Ok(Representation::Html);
        }
        return formats::rdf_format_from_name(name)
            .filter(|f| RDF_FORMATS.contains(f))
            .map(Representation::Rdf)
            .ok_or_else(|| ApiError::BadRequest(format!("unknown format '{name}'")));
    }
    // Turtle first: a client that accepts anything (curl) gets data; browsers ask for HTML.
    let mut offers = vec![(
        Representation::Rdf(RdfFormat::Turtle),
        formats::rdf_media_types(RdfFormat::Turtle),
    )];
    offers.push((Representation::Html, HTML_TYPES));
    offers.extend(
        RDF_FORMATS
            .iter()
            .skip(1)
            .map(|f| (Representation::Rdf(*f), formats::rdf_media_types(*f))),
    );
    formats::negotiate(accept(request)?, &offers)?
        .ok_or_else(|| ApiError::NotAcceptable(format!("text/html, {}", rdf_types())))
}

fn rdf_types() -> String {
    RDF_FORMATS
        .iter()
        .map(|f| formats::rdf_media_types(*f)[0])
        .collect::<Vec<_>>()
        .join(", ")
}

/// The content type to answer for an RDF format (text formats declare UTF-8).
fn rdf_content_type(format: RdfFormat) -> String {
    let media_type = formats::rdf_media_types(format)[0];
    if media_type.starts_with("text/") {
        format!("{media_type}; charset=utf-8")
    } else {
        media_type.to_owned()
    }
}

fn serialize(triples: &[Triple], format: RdfFormat) -> Result<Vec<u8>, ApiError> {
    let mut serializer = sparql::rdf_serializer(format).for_writer(Vec::new());
    for triple in triples {
        serializer
            .serialize_triple(triple)
            .map_err(|e| ApiError::Store(e.into()))?;
    }
    serializer.finish().map_err(|e| ApiError::Store(e.into()))
}

/// Answers a small graph in the format the request negotiates (or `format` names).
pub(super) fn graph_response(
    request: &HttpRequest,
    triples: Vec<Triple>,
    format: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let format = match format {
        Some(name) => formats::rdf_format_from_name(name)
            .filter(|f| RDF_FORMATS.contains(f))
            .ok_or_else(|| ApiError::BadRequest(format!("unknown RDF format '{name}'")))?,
        None => formats::negotiate_rdf(accept(request)?, &RDF_FORMATS)?
            .ok_or_else(|| ApiError::NotAcceptable(rdf_types()))?,
    };
    Ok(HttpResponse::Ok()
        .content_type(rdf_content_type(format))
        .insert_header((header::VARY, "Accept"))
        .body(serialize(&triples, format)?))
}

async fn entity(
    request: HttpRequest,
    state: State,
    path: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let params = parse_params(request.query_string().as_bytes());
    let representation = negotiate_representation(&request, single(&params, "format")?)?;
    let mapper = IriMapper {
        base_iri: &state.settings.base_iri,
    };
    let path = path.into_inner();
    let iri = mapper
        .iri(&path)
        .ok_or_else(|| ApiError::NotFound(format!("'{path}' is not a valid entity path")))?;
    state.metrics.count_queries("linked-data", 1);
    let triples = linked_data::describe(&state.store, iri.clone(), state.query_limits()).await?;
    if triples.is_empty() {
        return Err(ApiError::NotFound(format!("no entity {iri} in this graph")));
    }
    match representation {
        Representation::Html => Ok(HttpResponse::Ok()
            .insert_header(ContentType::html())
            .insert_header((header::VARY, "Accept"))
            .body(linked_data::render_html(&iri, &triples, &mapper))),
        Representation::Rdf(format) => Ok(HttpResponse::Ok()
            .content_type(rdf_content_type(format))
            .insert_header((header::VARY, "Accept"))
            .body(serialize(&triples, format)?)),
    }
}

async fn export(request: HttpRequest, state: State) -> Result<HttpResponse, ApiError> {
    let params = parse_params(request.query_string().as_bytes());
    let graph = single(&params, "graph")?
        .map(|iri| sparql::parse_iri("graph", iri))
        .transpose()?;
    let format = match single(&params, "format")? {
        Some(name) => formats::rdf_format_from_name(name)
            .filter(|f| RDF_FORMATS.contains(f))
            .ok_or_else(|| ApiError::BadRequest(format!("unknown RDF format '{name}'")))?,
        None => formats::negotiate_rdf(accept(&request)?, &RDF_FORMATS)?
            .ok_or_else(|| ApiError::NotAcceptable(rdf_types()))?,
    };
    if let Some(graph) = &graph {
        if !state.store.contains_graph(graph).await? {
            return Err(ApiError::NotFound(format!(
                "no graph {graph} in this store"
            )));
        }
    }
    let body = crate::export::export(&state.store, graph.map(GraphName::from), format).await?;
    let body = stream::first_chunk(body)
        .await
        .map_err(ApiError::from_stream_error)?;
    Ok(HttpResponse::Ok()
        .content_type(rdf_content_type(format))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"kgql.{}\"", format.file_extension()),
        ))
        .body_or_stream(body))
}

async fn void(request: HttpRequest, state: State) -> Result<HttpResponse, ApiError> {
    let params = parse_params(request.query_string().as_bytes());
    let url = public_url(&request, &state);
    state.metrics.count_queries("linked-data", 3);
    let triples = linked_data::void_description(
        &state.store,
        &url,
        &state.settings.base_iri,
        state.query_limits(),
    )
    .await?;
    graph_response(&request, triples, single(&params, "format")?)
}
