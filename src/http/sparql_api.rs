//! `/sparql`: the SPARQL 1.1 Protocol (query and update; GET, form POST, direct POST).

use super::error::ApiError;
use super::BodyOrStream;
use super::{
    accept, all, auth, content_type, parse_params, public_url, read_body, single, utf8, State,
};
use crate::admission::Weight;
use crate::linked_data;
use crate::sparql::{self, AnswerKind, DatasetParams, Negotiated, OutputFormat};
use crate::store::QueryOutput;
use crate::stream;
use actix_web::{web, HttpRequest, HttpResponse};

/// Registers the routes.
pub fn configure(config: &mut web::ServiceConfig) {
    config.service(
        web::resource(["/sparql", "/sparql/"])
            .route(web::get().to(get))
            .route(web::post().to(post))
            .route(web::head().to(get)),
    );
}

/// A SPARQL operation as the request carries it.
enum Operation {
    Query(String),
    Update(String),
    None,
}

async fn get(request: HttpRequest, state: State) -> Result<HttpResponse, ApiError> {
    let params = parse_params(request.query_string().as_bytes())?;
    if !all(&params, "update").is_empty() {
        return Err(ApiError::MethodNotAllowed(
            "updates must be sent with POST, not GET".to_owned(),
        ));
    }
    let operation = match single(&params, "query")? {
        Some(query) => Operation::Query(query.to_owned()),
        None => Operation::None,
    };
    // A browser gets the editor, and a query's answer as a page (the format parameters still
    // download it).
    let formatted = ["format", "output", "results"]
        .iter()
        .any(|name| !all(&params, name).is_empty());
    if !formatted && request.method() == actix_web::http::Method::GET {
        let data_types: &[&str] = &[
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "application/xml",
            "text/turtle",
            "application/ld+json",
        ];
        if super::site_api::prefers_html(&request, data_types)? {
            let query = match &operation {
                Operation::Query(text) => Some(text.as_str()),
                _ => None,
            };
            return super::site_api::sparql_page(&request, &state, query).await;
        }
    }
    dispatch(&request, &state, operation, &params).await
}

async fn post(
    request: HttpRequest,
    state: State,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let mut params = parse_params(request.query_string().as_bytes())?;
    let essence = content_type(&request)?;
    // An update's body is read only once the update is authorised.
    if essence.as_deref() == Some("application/sparql-update") {
        auth::require_write(&request, state.settings.write_token.as_ref())?;
    }
    let body = read_body(payload, state.settings.max_body_bytes).await?;
    let operation = match essence.as_deref() {
        Some("application/x-www-form-urlencoded") => {
            let form = utf8(&body, "form body")?;
            params.extend(parse_params(form.as_bytes())?);
            match (single(&params, "query")?, single(&params, "update")?) {
                (Some(_), Some(_)) => {
                    return Err(ApiError::BadRequest(
                        "a request carries either 'query' or 'update', not both".to_owned(),
                    ))
                }
                (Some(query), None) => Operation::Query(query.to_owned()),
                (None, Some(update)) => Operation::Update(update.to_owned()),
                (None, None) => {
                    return Err(ApiError::BadRequest(
                        "the form has neither a 'query' nor an 'update' field".to_owned(),
                    ))
                }
            }
        }
        Some("application/sparql-query") => Operation::Query(utf8(&body, "query")?),
        Some("application/sparql-update") => Operation::Update(utf8(&body, "update")?),
        Some(other) => {
            return Err(ApiError::UnsupportedMediaType(format!(
                "'{other}' is not a SPARQL request: send application/sparql-query, application/sparql-update or application/x-www-form-urlencoded"
            )))
        }
        None => {
            return Err(ApiError::BadRequest(
                "the request has no Content-Type: send application/sparql-query, application/sparql-update or application/x-www-form-urlencoded".to_owned(),
            ))
        }
    };
    if matches!(operation, Operation::Query(_)) && !all(&params, "update").is_empty()
        || matches!(operation, Operation::Update(_)) && !all(&params, "query").is_empty()
    {
        return Err(ApiError::BadRequest(
            "a request carries either 'query' or 'update', not both".to_owned(),
        ));
    }
    dispatch(&request, &state, operation, &params).await
}

async fn dispatch(
    request: &HttpRequest,
    state: &State,
    operation: Operation,
    params: &[(String, String)],
) -> Result<HttpResponse, ApiError> {
    let endpoint = format!("{}/sparql", public_url(request, state));
    match operation {
        Operation::Query(text) => {
            if !all(params, "using-graph-uri").is_empty()
                || !all(params, "using-named-graph-uri").is_empty()
            {
                return Err(ApiError::BadRequest(
                    "using-graph-uri and using-named-graph-uri apply to updates, not queries"
                        .to_owned(),
                ));
            }
            let dataset = DatasetParams {
                default_graphs: owned(all(params, "default-graph-uri")),
                named_graphs: owned(all(params, "named-graph-uri")),
            };
            let query =
                sparql::prepare_query(&text, Some(&endpoint), &dataset, &state.settings.limits())?;
            // Clients name the format under any of these (SPARQLWrapper sends all three).
            let requested: Vec<&str> = ["format", "output", "results"]
                .iter()
                .flat_map(|name| all(params, name))
                .collect();
            let format = match OutputFormat::negotiate(
                AnswerKind::of(&query),
                &requested,
                accept(request)?,
            )? {
                Negotiated::Format(format) => format,
                Negotiated::Unsatisfied(why) => return Err(ApiError::NotAcceptable(why)),
            };
            let _evaluating = state.evaluate(Weight::Expensive).await?;
            state.metrics.count_queries("sparql", 1);
            let output = state.store.query(query, state.query_limits()).await?;
            let body = if let QueryOutput::Solutions { complete: true, .. } = output {
                // Every row is in memory: writing them never waits, so no thread is needed.
                let mut body = Vec::new();
                sparql::write_output(output, format, &mut body)
                    .map_err(ApiError::from_stream_error)?;
                stream::Body::Whole(body.into())
            } else {
                let body =
                    stream::from_blocking_writer(state.settings.stream_write_timeout, move |w| {
                        sparql::write_output(output, format, w)
                    });
                let body = stream::first_chunk(body)
                    .await
                    .map_err(ApiError::from_stream_error)?;
                state.hold_stream(request, body)?
            };
            Ok(HttpResponse::Ok()
                .content_type(format.content_type())
                .body_or_stream(body))
        }
        Operation::Update(text) => {
            auth::require_write(request, state.settings.write_token.as_ref())?;
            if !all(params, "default-graph-uri").is_empty()
                || !all(params, "named-graph-uri").is_empty()
            {
                return Err(ApiError::BadRequest(
                    "default-graph-uri and named-graph-uri apply to queries; updates take using-graph-uri and using-named-graph-uri"
                        .to_owned(),
                ));
            }
            let dataset = DatasetParams {
                default_graphs: owned(all(params, "using-graph-uri")),
                named_graphs: owned(all(params, "using-named-graph-uri")),
            };
            let update =
                sparql::prepare_update(&text, Some(&endpoint), &dataset, &state.settings.limits())?;
            let _evaluating = state.evaluate(Weight::Expensive).await?;
            state.metrics.count_queries("sparql", 1);
            state.store.update(update).await?;
            Ok(HttpResponse::NoContent().finish())
        }
        Operation::None => {
            let description = linked_data::service_description(
                &endpoint,
                state.settings.union_default_graph,
                state.settings.write_token.is_some(),
            );
            super::linked_data_api::graph_response(request, description, None)
        }
    }
}

fn owned(values: Vec<&str>) -> Vec<String> {
    values.into_iter().map(str::to_owned).collect()
}
