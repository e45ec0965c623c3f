//! `/graphql`: GraphQL over HTTP (POST with JSON, GET for queries), GraphiQL for browsers, the
//! served SDL at `/graphql/schema.graphql`, and GraphiQL's bundled assets.

use super::error::ApiError;
use super::{parse_params, AppState};
use crate::admission::Weight;
use crate::store::code;
use actix_web::http::header::{self, ContentType};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use async_graphql::{Request, Variables};

/// The media type of GraphQL responses (GraphQL over HTTP).
const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";

/// Registers the routes.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .service(
            web::resource("/graphql")
                .route(web::get().to(get))
                .route(web::post().to(post)),
        )
        .route("/graphql/schema.graphql", web::get().to(sdl))
        .route("/graphiql/{file}", web::get().to(asset));
}

type State = web::Data<AppState>;

/// Which media type the answer has.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// `application/graphql-response+json`: request errors get 400.
    GraphqlResponse,
    /// `application/json`: always 200 once the request is read.
    Json,
}

/// The answer's media type: `Ok(None)` when the client accepts neither, `Err` when its
/// `Accept` header cannot be read.
fn negotiate(request: &HttpRequest) -> Result<Option<Answer>, String> {
    let Some(accept) = request.headers().get(header::ACCEPT) else {
        return Ok(Some(Answer::Json));
    };
    let accept = accept
        .to_str()
        .map_err(|_| "the Accept header is not ASCII".to_owned())?;
    if accept.trim().is_empty() {
        return Ok(Some(Answer::Json));
    }
    // Plain JSON comes first, so that a wildcard gets what every client reads.
    let offers = [
        (Answer::Json, &["application/json"][..]),
        (Answer::GraphqlResponse, &[GRAPHQL_RESPONSE][..]),
    ];
    crate::formats::negotiate(Some(accept), &offers).map_err(|e| e.to_string())
}

/// The negotiated answer, or the response that refuses the request.
fn answer_for(request: &HttpRequest) -> Result<Answer, Box<HttpResponse>> {
    match negotiate(request) {
        Ok(Some(answer)) => Ok(answer),
        Ok(None) => Err(Box::new(
            ApiError::NotAcceptable(format!(
                "GraphQL answers {GRAPHQL_RESPONSE} or application/json"
            ))
            .graphql_response(),
        )),
        Err(message) => Err(Box::new(bad_request(message))),
    }
}

fn wants_html(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|a| a.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

fn bad_request(message: impl Into<String>) -> HttpResponse {
    ApiError::BadRequest(message.into()).graphql_response()
}

fn parse_json_parameter(
    name: &str,
    value: Option<&str>,
) -> Result<Option<serde_json::Value>, String> {
    match value {
        None | Some("") => Ok(None),
        Some(text) => serde_json::from_str(text)
            .map(Some)
            .map_err(|e| format!("`{name}` is not JSON: {e}")),
    }
}

async fn get(state: State, request: HttpRequest) -> HttpResponse {
    let pairs = match parse_params(request.query_string().as_bytes()) {
        Ok(pairs) => pairs,
        Err(error) => return bad_request(error.to_string()),
    };
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if param("query").is_none() && wants_html(&request) {
        return HttpResponse::Ok()
            .content_type(ContentType::html())
            .body(GRAPHIQL_HTML);
    }
    let answer = match answer_for(&request) {
        Ok(answer) => answer,
        Err(response) => return *response,
    };
    let mut body = serde_json::json!({});
    if let Some(query) = param("query") {
        body["query"] = query.into();
    }
    if let Some(name) = param("operationName").filter(|n| !n.is_empty()) {
        body["operationName"] = name.into();
    }
    for name in ["variables", "extensions"] {
        match parse_json_parameter(name, param(name)) {
            Ok(Some(value)) => body[name] = value,
            Ok(None) => {}
            Err(message) => return bad_request(message),
        }
    }
    let request_body = match read_request(body, &state) {
        Ok(r) => r,
        Err(message) => return bad_request(message),
    };
    let (mut request_body, cost) = match state.graphql.prepare(request_body) {
        Ok(prepared) => prepared,
        Err(refusal) => return answer_with(&state, *refusal, answer),
    };
    // GET cannot change anything: only queries are run.
    if is_mutation(&mut request_body) {
        return ApiError::MethodNotAllowed("mutations are sent with POST".to_owned())
            .graphql_response();
    }
    run(&state, request_body, cost, answer).await
}

/// Runs a prepared request within a permit: cheap lookups draw on a pool of their own.
async fn run(
    state: &State,
    request: Request,
    cost: crate::graphql::cost::Cost,
    answer: Answer,
) -> HttpResponse {
    let weight = if cost.queries <= 2 && cost.nodes <= 200 {
        Weight::Cheap
    } else {
        Weight::Expensive
    };
    let _evaluating = match state.evaluate(weight).await {
        Ok(permit) => permit,
        Err(busy) => return ApiError::Busy(busy).graphql_response(),
    };
    let outcome = state.graphql.run(request).await;
    answer_with(state, outcome, answer)
}

async fn post(state: State, request: HttpRequest, payload: web::Payload) -> HttpResponse {
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|c| c.to_str().ok())
        .unwrap_or("");
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if essence != "application/json" && essence != GRAPHQL_RESPONSE {
        return ApiError::UnsupportedMediaType(format!(
            "a GraphQL POST is application/json, not `{}`",
            if content_type.is_empty() {
                "nothing"
            } else {
                content_type
            }
        ))
        .graphql_response();
    }
    let answer = match answer_for(&request) {
        Ok(answer) => answer,
        Err(response) => return *response,
    };
    // A GraphQL body holds a document and its variables: four times the document's limit.
    let limit = state.settings.graphql_max_document_bytes.saturating_mul(4);
    let body = match super::read_body(payload, limit).await {
        Ok(body) => body,
        Err(error) => return error.graphql_response(),
    };
    let json: serde_json::Value = match serde_json::from_slice(&body) {
        Ok(json) => json,
        Err(e) => {
            return bad_request(format!(
                "the body is not JSON (line {}, column {}): {e}",
                e.line(),
                e.column()
            ))
        }
    };
    let request_body = match read_request(json, &state) {
        Ok(r) => r,
        Err(message) => return bad_request(message),
    };
    match state.graphql.prepare(request_body) {
        Ok((request, cost)) => run(&state, request, cost, answer).await,
        Err(refusal) => answer_with(&state, *refusal, answer),
    }
}

/// Reads the JSON of a GraphQL request: `query` (a string), `operationName`, `variables` and
/// `extensions` (objects or null, nested no deeper than the server's limit).
fn read_request(json: serde_json::Value, state: &State) -> Result<Request, String> {
    state
        .settings
        .limits()
        .check_json(&json, "the request")
        .map_err(|e| e.to_string())?;
    let serde_json::Value::Object(mut object) = json else {
        return Err("a GraphQL request is a JSON object".to_owned());
    };
    // A request that names a persisted query may leave its text out: the GraphQL layer finds it.
    let persisted = object
        .get("extensions")
        .and_then(|e| e.get("persistedQuery"))
        .is_some();
    let query = match object.remove("query") {
        Some(serde_json::Value::String(query)) => query,
        Some(_) => return Err("`query` must be a string".to_owned()),
        None if persisted => String::new(),
        None => return Err("the request has no `query`".to_owned()),
    };
    let mut request = Request::new(query);
    match object.remove("operationName") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::String(name)) => request = request.operation_name(name),
        Some(_) => return Err("`operationName` must be a string".to_owned()),
    }
    match object.remove("variables") {
        None | Some(serde_json::Value::Null) => {}
        Some(value @ serde_json::Value::Object(_)) => {
            request = request.variables(Variables::from_json(value));
        }
        Some(_) => return Err("`variables` must be an object".to_owned()),
    }
    match object.remove("extensions") {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Object(extensions)) => {
            for (name, value) in extensions {
                if let Ok(value) = async_graphql::Value::from_json(value) {
                    request.extensions.insert(name, value);
                }
            }
        }
        Some(_) => return Err("`extensions` must be an object".to_owned()),
    }
    Ok(request)
}

fn is_mutation(request: &mut Request) -> bool {
    use async_graphql::parser::types::OperationType;
    let operation_name = request.operation_name.clone();
    let operation_name = operation_name.as_deref();
    let Ok(document) = request.parsed_query() else {
        return false;
    };
    document.operations.iter().any(|(name, operation)| {
        operation.node.ty != OperationType::Query
            && (operation_name.is_none() || name.map(|n| n.as_str()) == operation_name)
    })
}

fn answer_with(state: &State, outcome: crate::graphql::Outcome, answer: Answer) -> HttpResponse {
    state
        .metrics
        .count_queries("graphql", outcome.queries as u64);
    let response = outcome.response;
    // Errors found before execution (syntax, validation, variables, limits) come without data.
    let request_error = !response.errors.is_empty()
        && response.data == async_graphql::Value::Null
        && response.errors.iter().all(|e| {
            e.path.is_empty()
                && e.extensions
                    .as_ref()
                    .and_then(|x| x.get("code"))
                    .is_some_and(|code| {
                        [
                            code::BAD_REQUEST,
                            code::GRAPHQL_PARSE_FAILED,
                            code::GRAPHQL_VALIDATION_FAILED,
                            code::PERSISTED_QUERY_NOT_FOUND,
                            code::LIMIT_EXCEEDED,
                        ]
                        .iter()
                        .any(|c| *code == async_graphql::Value::from(*c))
                    })
        });
    // Written straight from async-graphql's values: fields in the order they were asked for
    // (as the GraphQL specification says a response map should be), without a copy.
    let body = ResponseBody {
        data: (!request_error).then_some(&response.data),
        errors: &response.errors,
        extensions: &response.extensions,
    };
    let (status, content_type) = match answer {
        Answer::GraphqlResponse if request_error => (StatusCode::BAD_REQUEST, GRAPHQL_RESPONSE),
        Answer::GraphqlResponse => (StatusCode::OK, GRAPHQL_RESPONSE),
        Answer::Json => (StatusCode::OK, "application/json"),
    };
    match serde_json::to_vec(&body) {
        Ok(bytes) => HttpResponse::build(status)
            .content_type(content_type)
            .body(bytes),
        Err(e) => ApiError::from(crate::store::StoreError::storage(
            "writing the GraphQL response",
            e,
        ))
        .graphql_response(),
    }
}

/// A GraphQL response as it is sent: `data` (absent for a request refused before execution),
/// then `errors` and `extensions` when there are any.
#[derive(serde::Serialize)]
struct ResponseBody<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data: Option<&'a async_graphql::Value>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [async_graphql::ServerError],
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
}

async fn sdl(state: State) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/graphql; charset=utf-8")
        .body(state.graphql.sdl())
}

const GRAPHIQL_HTML: &str = include_str!("../../assets/graphiql/index.html");

/// GraphiQL's files, bundled so that the page works without internet access.
const ASSETS: [(&str, &str, &[u8]); 5] = [
    (
        "kgql-graphiql.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/kgql-graphiql.js"),
    ),
    (
        "graphiql.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.js"),
    ),
    (
        "graphiql.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../../assets/graphiql/graphiql.min.css"),
    ),
    (
        "react.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react.production.min.js"),
    ),
    (
        "react-dom.production.min.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
    ),
];

async fn asset(path: web::Path<String>) -> HttpResponse {
    match ASSETS.iter().find(|(name, _, _)| *name == path.as_str()) {
        Some((_, content_type, bytes)) => HttpResponse::Ok()
            .content_type(*content_type)
            .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
            .body(*bytes),
        None => {
            use actix_web::ResponseError;
            ApiError::NotFound(format!("no GraphiQL asset named {path}")).error_response()
        }
    }
}
