//! Linked data: `/id/…` entity pages, `/export` and `/.well-known/void`.

use super::error::ApiError;
use super::BodyOrStream;
use super::{accept, parse_params, public_url, single, State};
use crate::admission::Weight;
use crate::formats::{self, RDF_FORMATS};
use crate::linked_data::page::{Focus, PageRequest};
use crate::linked_data::{self, IriMapper};
use crate::site::picture::{Edge, Node};
use crate::sparql;
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
        return formats::graph_format_from_name(name)
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
    let accept = accept(request)?;
    match formats::negotiate(accept, &offers)? {
        Some(Representation::Rdf(format)) => Ok(Representation::Rdf(
            formats::with_json_ld_profile(format, accept),
        )),
        Some(html) => Ok(html),
        None => Err(ApiError::NotAcceptable(format!(
            "none of the formats in the Accept header can be written for this page; available: \
             text/html, {}",
            rdf_types()
        ))),
    }
}

fn not_acceptable() -> ApiError {
    ApiError::NotAcceptable(format!(
        "none of the formats in the Accept header can be written here; available: {}",
        rdf_types()
    ))
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
    let mut serializer = sparql::rdf_writer(format, Vec::new());
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
        Some(name) => formats::graph_format_from_name(name)
            .ok_or_else(|| ApiError::BadRequest(format!("unknown RDF format '{name}'")))?,
        None => formats::negotiate_graph(accept(request)?)?.ok_or_else(not_acceptable)?,
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
    let params = parse_params(request.query_string().as_bytes())?;
    let representation = negotiate_representation(&request, single(&params, "format")?)?;
    let mapper = IriMapper {
        base_iri: &state.settings.base_iri,
    };
    let path = path.into_inner();
    let iri = mapper
        .iri(&path)
        .ok_or_else(|| ApiError::NotFound(format!("'{path}' is not a valid entity path")))?;
    // The paging parameters are checked whatever the representation.
    let mut listing = page_request(&params, state.settings.html_max_links)?;
    listing.languages = reader_languages(&request, &params)?;
    let _evaluating = state.evaluate(Weight::Cheap).await?;
    match representation {
        Representation::Html => {
            // The page's facts and the picture's neighbourhood, read at once.
            let (page, picture) = futures_util::future::join(
                linked_data::page::entity_page(
                    &state.store,
                    iri.clone(),
                    &listing,
                    state.query_limits(),
                ),
                neighbourhood(&state, &iri, listing.focus.is_none()),
            )
            .await;
            let Some(mut page) = page? else {
                let unknown = ApiError::NotFound(format!("The graph says nothing of {iri}."));
                return Ok(unknown.html_response(crate::site::not_found));
            };
            state.metrics.count_queries("linked-data", page.queries());
            if let Some((nodes, edges)) = picture {
                page = page.with_neighbourhood(nodes, edges);
            }
            let base_iri = state.settings.base_iri.clone();
            // Rendering is linear in what the page shows, and still kept off the request threads.
            let html = web::block(move || {
                page.render(&IriMapper {
                    base_iri: &base_iri,
                })
            })
            .await
            .map_err(|e| ApiError::Store(crate::store::StoreError::storage("a worker task", e)))?;
            Ok(HttpResponse::Ok()
                .insert_header(ContentType::html())
                .insert_header((header::VARY, "Accept, Accept-Language"))
                .body(html))
        }
        Representation::Rdf(format) => {
            state.metrics.count_queries("linked-data", 1);
            let triples =
                linked_data::describe(&state.store, iri.clone(), state.query_limits()).await?;
            if triples.is_empty() {
                return Err(ApiError::NotFound(format!("no entity {iri} in this graph")));
            }
            Ok(HttpResponse::Ok()
                .content_type(rdf_content_type(format))
                .insert_header((header::VARY, "Accept"))
                .body(serialize(&triples, format)?))
        }
    }
}

/// How many nodes an entity page's picture shows at first (the script can add more).
const PICTURE_NODES: usize = 30;

/// The neighbourhood an entity page draws, through the API's own neighbourhood query; `None`
/// when not `wanted` or when it cannot be read (the page goes on without its picture).
async fn neighbourhood(
    state: &State,
    iri: &oxigraph::model::NamedNode,
    wanted: bool,
) -> Option<(Vec<Node>, Vec<Edge>)> {
    if !wanted {
        return None;
    }
    let query = format!(
        "query($iri: String!) {{ neighbourhood(iri: $iri, depth: 1, first: {PICTURE_NODES}) {{ \
         nodes {{ entity {{ __typename iri label }} }} \
         edges {{ source target predicate label }} }} }}"
    );
    let data =
        match super::site_api::graphql(state, &query, serde_json::json!({ "iri": iri.as_str() }))
            .await
        {
            Ok(data) => data,
            Err(error) => {
                tracing::warn!(%error, %iri, "an entity page is shown without its picture");
                return None;
            }
        };
    let graph = &data["neighbourhood"];
    let nodes = graph["nodes"]
        .as_array()?
        .iter()
        .filter_map(|node| Node::from_json(&node["entity"]))
        .collect();
    let edges = graph["edges"]
        .as_array()?
        .iter()
        .filter_map(Edge::from_json)
        .collect();
    Some((nodes, edges))
}

/// Which links an HTML page lists: all properties, or one property's links from an offset
/// (`links=in|out&property=IRI&offset=N`).
fn page_request(params: &[(String, String)], max_links: usize) -> Result<PageRequest, ApiError> {
    let links = single(params, "links")?;
    let property = single(params, "property")?;
    let offset = single(params, "offset")?;
    let focus = match (links, property) {
        (None, None) => None,
        (Some(links), Some(property)) => {
            let incoming = match links {
                "in" => true,
                "out" => false,
                other => {
                    return Err(ApiError::BadRequest(format!(
                        "'links' is 'in' or 'out', not '{other}'"
                    )))
                }
            };
            let offset = match offset {
                None => 0,
                Some(text) => text.parse::<u32>().map_err(|_| {
                    ApiError::BadRequest(format!("'offset' is a number of links, not '{text}'"))
                })? as usize,
            };
            Some(Focus {
                incoming,
                property: sparql::parse_iri("property", property)?,
                offset,
            })
        }
        _ => {
            return Err(ApiError::BadRequest(
                "'links' and 'property' go together".to_owned(),
            ))
        }
    };
    Ok(PageRequest {
        max_links,
        focus,
        languages: Vec::new(),
    })
}

/// The languages a reader wants labels in: `lang` when the page was asked for one, else the
/// `Accept-Language` header's, most wanted first (at most eight; malformed tags are skipped).
fn reader_languages(
    request: &HttpRequest,
    params: &[(String, String)],
) -> Result<Vec<String>, ApiError> {
    let is_tag = |tag: &str| {
        !tag.is_empty()
            && tag.len() <= 35
            && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    };
    if let Some(lang) = single(params, "lang")? {
        if !is_tag(lang) {
            return Err(ApiError::BadRequest(format!(
                "'lang' is a language tag (en, fr, zh-Hans…), not '{lang}'"
            )));
        }
        return Ok(vec![lang.to_ascii_lowercase()]);
    }
    let Some(header) = request
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
    else {
        return Ok(Vec::new());
    };
    let mut wanted: Vec<(f32, String)> = header
        .split(',')
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let tag = pieces.next()?.trim().to_ascii_lowercase();
            let quality = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
            (is_tag(&tag) && quality > 0.0).then_some((quality, tag))
        })
        .take(8)
        .collect();
    wanted.sort_by(|a, b| b.0.total_cmp(&a.0));
    Ok(wanted.into_iter().map(|(_, tag)| tag).collect())
}

async fn export(request: HttpRequest, state: State) -> Result<HttpResponse, ApiError> {
    let params = parse_params(request.query_string().as_bytes())?;
    let graph = single(&params, "graph")?
        .map(|iri| sparql::parse_iri("graph", iri))
        .transpose()?;
    let format = match single(&params, "format")? {
        Some(name) => formats::graph_format_from_name(name)
            .ok_or_else(|| ApiError::BadRequest(format!("unknown RDF format '{name}'")))?,
        None => formats::negotiate_graph(accept(&request)?)?.ok_or_else(not_acceptable)?,
    };
    if let Some(graph) = &graph {
        if !state.store.contains_graph(graph).await? {
            return Err(ApiError::NotFound(format!(
                "no graph {graph} in this store"
            )));
        }
    }
    let body = state
        .export(&request, graph.map(GraphName::from), format)
        .await?;
    Ok(HttpResponse::Ok()
        .content_type(rdf_content_type(format))
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("inline; filename=\"kgql.{}\"", format.file_extension()),
        ))
        .body_or_stream(body))
}

async fn void(request: HttpRequest, state: State) -> Result<HttpResponse, ApiError> {
    let params = parse_params(request.query_string().as_bytes())?;
    let url = public_url(&request, &state);
    let format = single(&params, "format")?;
    // The description counts the whole store: it is made at most once a minute.
    let kept = state.scans.void.fresh(|(for_url, _)| *for_url == url);
    let triples = match kept {
        Some((_, triples)) => triples,
        None => {
            let _evaluating = state.evaluate(Weight::Expensive).await?;
            let triples = linked_data::void_description(
                &state.store,
                &url,
                &state.settings.base_iri,
                state.query_limits(),
            )
            .await?;
            state.scans.void.keep((url, triples.clone()));
            triples
        }
    };
    graph_response(&request, triples, format)
}
