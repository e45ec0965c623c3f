//! The web face's pages: home, search results, the SPARQL editor and its answers, and the page of
//! something not found. The data comes through the GraphQL API and the SPARQL endpoint's own
//! functions; `crate::site` writes the HTML.

use super::error::ApiError;
use super::{accept, parse_params, single, AppState};
use crate::admission::Weight;
use crate::linked_data::IriMapper;
use crate::site::picture::{Edge, Node, Path};
use crate::site::{self, Answer, Connection, Hit, Kind, Source};
use crate::sparql::{self, DatasetParams};
use crate::store::QueryOutput;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde_json::Value;

type State = web::Data<AppState>;

/// Rows (or statements) the results page shows; the downloads have them all.
const SHOWN_ROWS: usize = 1000;

/// Registers the routes.
pub fn configure(config: &mut web::ServiceConfig) {
    config
        .route("/", web::get().to(|s| as_page(home(s))))
        .route("/search", web::get().to(|r, s| as_page(search(r, s))))
        .route("/connect", web::get().to(|r, s| as_page(connect(r, s))))
        .route("/go", web::get().to(|r, s| as_page(go(r, s))))
        .route("/assets/site/site.js", web::get().to(script))
        .route("/favicon.ico", web::get().to(favicon))
        .route("/favicon.svg", web::get().to(favicon));
}

/// The site's icon (browsers ask for `/favicon.ico` whatever the page says).
async fn favicon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(include_str!("../../assets/site/favicon.svg"))
}

/// The pages' one script: suggestions as you type, the SPARQL editor's colours, and the
/// neighbourhood picture's moves. Every page works without it.
async fn script() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(include_str!("../../assets/site/site.js"))
}

/// A page's failure as a page: the error's status, and its message where the page would be (a
/// busy server still answers 503 with `Retry-After`).
async fn as_page(
    page: impl std::future::Future<Output = Result<HttpResponse, ApiError>>,
) -> HttpResponse {
    match page.await {
        Ok(response) => response,
        Err(error) => error.html_response(site::error_page),
    }
}

fn html(body: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::VARY, "Accept"))
        .body(body)
}

/// Whether the client would rather have HTML than any of `others` (a browser would; a program
/// that accepts anything gets data).
pub(super) fn prefers_html(request: &HttpRequest, others: &[&str]) -> Result<bool, ApiError> {
    let offers = [(false, others), (true, &["text/html"][..])];
    Ok(crate::formats::negotiate(accept(request)?, &offers)? == Some(true))
}

/// Runs a GraphQL query for a page; an error (a limit, the store) is the page's error.
pub(super) async fn graphql(
    state: &State,
    query: &str,
    variables: Value,
) -> Result<Value, ApiError> {
    let request = async_graphql::Request::new(query)
        .variables(async_graphql::Variables::from_json(variables));
    let outcome = state.graphql.execute(request).await;
    state
        .metrics
        .count_queries("graphql", outcome.queries as u64);
    if let Some(error) = outcome.response.errors.first() {
        return Err(ApiError::from_graphql(error));
    }
    serde_json::to_value(&outcome.response.data)
        .map_err(|e| ApiError::Store(crate::store::StoreError::storage("a worker task", e)))
}

/// The root lists of the GraphQL schema: (field, type), e.g. (`organizations`, `Organization`).
async fn kinds(state: &State) -> Result<Vec<(String, String)>, ApiError> {
    if let Some(kinds) = state.scans.kinds.get() {
        return Ok(kinds.clone());
    }
    let schema = graphql(
        state,
        "{ __schema { queryType { fields { name type { name ofType { name } } } } } }",
        Value::Null,
    )
    .await?;
    let mut kinds = Vec::new();
    for field in schema["__schema"]["queryType"]["fields"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let ty = field["type"]["ofType"]["name"]
            .as_str()
            .or(field["type"]["name"].as_str())
            .unwrap_or_default();
        if let (Some(name), Some(type_name)) =
            (field["name"].as_str(), ty.strip_suffix("Connection"))
        {
            kinds.push((name.to_owned(), type_name.to_owned()));
        }
    }
    Ok(state.scans.kinds.get_or_init(|| kinds).clone())
}

/// The home page. Its counts of each kind scan the store, so they are kept: a minute old at
/// most while the server is quiet, and when they are older the page is answered at once with
/// them while they are counted again in the background.
async fn home(state: State) -> Result<HttpResponse, ApiError> {
    let mapper = IriMapper {
        base_iri: &state.settings.base_iri,
    };
    let (counts, sources) = match state.scans.home.any() {
        Some((kept, remake)) => {
            if remake {
                let state = state.clone();
                actix_web::rt::spawn(async move {
                    match home_data(&state).await {
                        Ok(data) => state.scans.home.keep(data),
                        Err(error) => {
                            tracing::warn!(%error, "the home page's counts were not renewed");
                            state.scans.home.give_up();
                        }
                    }
                });
            }
            kept
        }
        None => {
            let data = home_data(&state).await?;
            state.scans.home.keep(data.clone());
            data
        }
    };
    Ok(html(site::home(&counts, &sources, &mapper)))
}

/// The home page's data: how many entities of each kind, and the sources.
async fn home_data(state: &State) -> Result<(Vec<Kind>, Vec<Source>), ApiError> {
    // Counting is the API's work, admitted as an API request would be.
    let _evaluating = state.evaluate(Weight::Expensive).await?;
    // Every node of any type is not a kind the page offers (and counting it scans the store).
    let kinds: Vec<(String, String)> = kinds(state)
        .await?
        .into_iter()
        .filter(|(_, type_name)| type_name != "Entity")
        .collect();
    let mut query = String::from("{");
    for (field, _) in &kinds {
        query.push_str(&format!(" {field} {{ totalCount }}"));
    }
    let has_sources = kinds.iter().any(|(field, _)| field == "sources");
    if has_sources {
        query.push_str(" sourceList: sources(first: 100) { nodes { iri label title url } }");
    }
    query.push_str(" }");
    let data = graphql(state, &query, Value::Null).await?;
    let counts: Vec<Kind> = kinds
        .iter()
        .map(|(field, type_name)| Kind {
            type_name: type_name.clone(),
            count: data[field]["totalCount"].as_u64().unwrap_or(0),
        })
        .collect();
    let sources: Vec<Source> = data["sourceList"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|node| {
            Some(Source {
                iri: node["iri"].as_str()?.to_owned(),
                title: node["title"]
                    .as_str()
                    .or(node["label"].as_str())
                    .map(str::to_owned),
                url: node["url"].as_str().map(str::to_owned),
            })
        })
        .collect();
    Ok((counts, sources))
}

/// The search results page: the hits of `q` (of one kind when `type` names one) with a facet per
/// kind, or without `q` a page of the list of the kind `type`.
async fn search(request: HttpRequest, state: State) -> Result<HttpResponse, ApiError> {
    let params = parse_params(request.query_string().as_bytes())?;
    let text = single(&params, "q")?.unwrap_or_default().trim().to_owned();
    let type_name = single(&params, "type")?.filter(|t| !t.is_empty());
    let mapper = IriMapper {
        base_iri: &state.settings.base_iri,
    };
    let kinds = kinds(&state).await?;
    let _evaluating = state.evaluate(Weight::Expensive).await?;
    if let Some(t) = type_name {
        if !kinds.iter().any(|(_, k)| k == t) {
            return Err(ApiError::BadRequest(format!(
                "'{t}' is not a kind of entity here"
            )));
        }
    }
    let (hits, facets, next) = if text.is_empty() {
        let Some((field, type_name)) = type_name.and_then(|t| kinds.iter().find(|(_, k)| k == t))
        else {
            return Ok(html(site::search("", None, &[], &[], None, &mapper)));
        };
        let after = single(&params, "after")?;
        kind_list(&state, field, type_name, after).await?
    } else {
        let (hits, facets) = text_hits(&state, &text, type_name).await?;
        (hits, facets, None)
    };
    Ok(html(site::search(
        &text,
        type_name,
        &hits,
        &facets,
        next.as_deref(),
        &mapper,
    )))
}

/// A hit from a GraphQL search result (`node`, with what `matched`) or list node, and its
/// `entity` (`__typename iri label`).
fn hit(node: &Value, entity: &Value) -> Option<Hit> {
    Some(Hit {
        iri: entity["iri"].as_str()?.to_owned(),
        label: entity["label"].as_str().map(str::to_owned),
        type_name: entity["__typename"].as_str().unwrap_or_default().to_owned(),
        matched: node["matched"].as_str().map(str::to_owned),
    })
}

/// A page of the list of one kind (the root list `field` of `type_name`), by label, from the
/// cursor `after`: its hits, the kind's facet, and the cursor of the next page when there is one.
async fn kind_list(
    state: &State,
    field: &str,
    type_name: &str,
    after: Option<&str>,
) -> Result<(Vec<Hit>, Vec<Kind>, Option<String>), ApiError> {
    let data = graphql(
        state,
        &format!(
            "query($after: String) {{ list: {field}(first: 100, after: $after, \
             orderBy: [{{ field: label }}]) {{ totalCount \
             pageInfo {{ hasNextPage endCursor }} nodes {{ __typename iri label }} }} }}"
        ),
        serde_json::json!({ "after": after }),
    )
    .await?;
    let mut next = None;
    if data["list"]["pageInfo"]["hasNextPage"] == Value::Bool(true) {
        next = data["list"]["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
    let hits: Vec<Hit> = data["list"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|node| hit(&Value::Null, node))
        .collect();
    let facet = Kind {
        type_name: type_name.to_owned(),
        count: data["list"]["totalCount"].as_u64().unwrap_or(0),
    };
    Ok((hits, vec![facet], next))
}

/// The hits of a search for `text`, of the kind `type_name` when one is given, and a facet per
/// kind: the facets count the best 200 hits of every kind; the list shows the chosen kind's.
async fn text_hits(
    state: &State,
    text: &str,
    type_name: Option<&str>,
) -> Result<(Vec<Hit>, Vec<Kind>), ApiError> {
    let data = graphql(
        state,
        "query($text: String!) { search(text: $text, first: 200) { matched entity { __typename iri label } } }",
        serde_json::json!({ "text": text }),
    )
    .await?;
    let all: Vec<Hit> = data["search"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|node| hit(node, &node["entity"]))
        .collect();
    let mut facets: Vec<Kind> = Vec::new();
    for hit in &all {
        match facets.iter_mut().find(|k| k.type_name == hit.type_name) {
            Some(kind) => kind.count += 1,
            None => facets.push(Kind {
                type_name: hit.type_name.clone(),
                count: 1,
            }),
        }
    }
    facets.sort_by(|a, b| b.count.cmp(&a.count).then(a.type_name.cmp(&b.type_name)));
    let hits = all
        .into_iter()
        .filter(|hit| type_name.is_none_or(|t| hit.type_name == t))
        .take(100)
        .collect();
    Ok((hits, facets))
}

/// Sends a browser to the page of an entity named by its IRI (`iri`): its page here when the IRI
/// is in the server's namespace, else the search for it (never to another site).
async fn go(request: HttpRequest, state: State) -> Result<HttpResponse, ApiError> {
    let params = parse_params(request.query_string().as_bytes())?;
    let iri = single(&params, "iri")?
        .ok_or_else(|| ApiError::BadRequest("'iri' names the entity to go to".to_owned()))?;
    let mapper = IriMapper {
        base_iri: &state.settings.base_iri,
    };
    let location = match mapper.local_path(iri) {
        // IRIs may hold any character; a header value holds visible ASCII.
        Some(path) => path
            .chars()
            .map(|c| {
                if c.is_ascii_graphic() {
                    c.to_string()
                } else {
                    let mut bytes = [0; 4];
                    c.encode_utf8(&mut bytes)
                        .bytes()
                        .map(|b| format!("%{b:02X}"))
                        .collect()
                }
            })
            .collect(),
        None => format!("/search?q={}", site::query_value(iri)),
    };
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish())
}

/// The longest path the connection page looks for, and its default.
const MAX_PATH_LENGTH: u32 = 4;
const PATH_LENGTH: u32 = 3;

/// The fields of an entity the connection page reads.
const ENTITY: &str = "__typename iri label";

/// How one entity (`from`, an IRI) is connected to another (`to`: an IRI, or a name the search
/// resolves, exact labels first), within `length` links: the paths as a picture and as text.
async fn connect(request: HttpRequest, state: State) -> Result<HttpResponse, ApiError> {
    let params = parse_params(request.query_string().as_bytes())?;
    let from = single(&params, "from")?
        .ok_or_else(|| ApiError::BadRequest("'from' names the entity to start from".to_owned()))?;
    let from_iri = sparql::parse_iri("from", from)?;
    let to = single(&params, "to")?.unwrap_or_default().trim().to_owned();
    let length = match single(&params, "length")? {
        None => PATH_LENGTH,
        Some(text) => text
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_PATH_LENGTH).contains(n))
            .ok_or_else(|| {
                ApiError::BadRequest(format!(
                    "'length' is a number of links from 1 to {MAX_PATH_LENGTH}, not '{text}'"
                ))
            })?,
    };
    let mapper = IriMapper {
        base_iri: &state.settings.base_iri,
    };
    // Paths through a hub read many links: admitted as the API's walks are.
    let _evaluating = state.evaluate(Weight::Expensive).await?;
    let Some(from) = entity(&state, from_iri.as_str()).await? else {
        let unknown = ApiError::NotFound(format!("The graph says nothing of {from_iri}."));
        return Ok(unknown.html_response(site::not_found));
    };
    if to.is_empty() {
        return Ok(html(site::connect(
            &from,
            "",
            length,
            &Connection::Unasked,
            &mapper,
        )));
    }
    let mut matches = named_by(&state, &mapper, &to, &from).await?;
    if matches.is_empty() {
        return Ok(html(site::connect(
            &from,
            &to,
            length,
            &Connection::NoMatch,
            &mapper,
        )));
    }
    let target = matches.remove(0);
    let paths = paths(&state, &from, &target, length).await?;
    Ok(html(site::connect(
        &from,
        &to,
        length,
        &Connection::Paths {
            to: target,
            others: matches,
            paths,
        },
        &mapper,
    )))
}

/// The entity of an IRI, `None` when the graph says nothing of it.
async fn entity(state: &State, iri: &str) -> Result<Option<Node>, ApiError> {
    let data = graphql(
        state,
        &format!("query($iri: String!) {{ entity(iri: $iri) {{ {ENTITY} }} }}"),
        serde_json::json!({ "iri": iri }),
    )
    .await?;
    Ok(Node::from_json(&data["entity"]))
}

/// What `to` names on the connection page from `from`: an entity by its IRI (or its path here),
/// or the best matches of a search other than `from`, a label that is the whole text first.
async fn named_by(
    state: &State,
    mapper: &IriMapper<'_>,
    to: &str,
    from: &Node,
) -> Result<Vec<Node>, ApiError> {
    let mut matches: Vec<Node> = Vec::new();
    let local = to
        .strip_prefix('/')
        .and_then(|path| path.strip_prefix("id/"))
        .and_then(|path| mapper.iri(path));
    let named = local.or_else(|| {
        (to.starts_with("http://") || to.starts_with("https://"))
            .then(|| oxigraph::model::NamedNode::new(to).ok())
            .flatten()
    });
    if let Some(iri) = named {
        matches.extend(entity(state, iri.as_str()).await?);
        return Ok(matches);
    }
    let data = graphql(
        state,
        &format!(
            "query($text: String!) {{ search(text: $text, first: 6) {{ entity {{ {ENTITY} }} }} }}"
        ),
        serde_json::json!({ "text": to }),
    )
    .await?;
    matches.extend(
        data["search"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|hit| Node::from_json(&hit["entity"]))
            .filter(|node| node.iri != from.iri),
    );
    // A label that is the whole text goes first, then the search's order.
    let wanted = to.to_lowercase();
    if let Some(exact) = matches
        .iter()
        .position(|n| n.label.as_deref().map(str::to_lowercase) == Some(wanted.clone()))
    {
        let node = matches.remove(exact);
        matches.insert(0, node);
    }
    Ok(matches)
}

/// The paths of at most `length` links from `from` to `to` (ten at most), each with its nodes
/// and links.
async fn paths(state: &State, from: &Node, to: &Node, length: u32) -> Result<Vec<Path>, ApiError> {
    let data = graphql(
        state,
        &format!(
            "query($from: String!, $to: String!, $length: Int!) {{ \
             paths(from: $from, to: $to, maxLength: $length, first: 10) {{ \
             nodes {{ {ENTITY} }} edges {{ source target predicate label }} }} }}"
        ),
        serde_json::json!({ "from": from.iri, "to": to.iri, "length": length }),
    )
    .await?;
    Ok(data["paths"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|path| {
            let nodes: Vec<Node> = path["nodes"]
                .as_array()?
                .iter()
                .filter_map(Node::from_json)
                .collect();
            let edges: Vec<Edge> = path["edges"]
                .as_array()?
                .iter()
                .filter_map(Edge::from_json)
                .collect();
            (nodes.len() >= 2 && edges.len() + 1 == nodes.len()).then_some(Path { nodes, edges })
        })
        .collect())
}

/// The SPARQL editor for a browser, with the answer of `query` when there is one. A query that
/// cannot be answered is shown with its error, on the editor, as a 400.
pub(super) async fn sparql_page(
    request: &HttpRequest,
    state: &State,
    query: Option<&str>,
) -> Result<HttpResponse, ApiError> {
    let mapper = IriMapper {
        base_iri: &state.settings.base_iri,
    };
    let Some(text) = query else {
        return Ok(html(site::sparql_editor("", &Answer::None, &mapper)));
    };
    let endpoint = format!("{}/sparql", super::public_url(request, state));
    let answer = match answer(state, text, &endpoint).await {
        Ok(answer) => answer,
        Err(error) => {
            return Ok(error.html_response(|message| {
                site::sparql_editor(text, &Answer::Error(message.to_owned()), &mapper)
            }))
        }
    };
    Ok(html(site::sparql_editor(text, &answer, &mapper)))
}

async fn answer(state: &State, text: &str, endpoint: &str) -> Result<Answer, ApiError> {
    let query = sparql::prepare_query(
        text,
        Some(endpoint),
        &DatasetParams::default(),
        &state.settings.limits(),
    )?;
    let _evaluating = state.evaluate(Weight::Expensive).await?;
    state.metrics.count_queries("sparql", 1);
    let output = state.store.query(query, state.query_limits()).await?;
    // The first rows, read on a blocking thread (the store's iterators block).
    tokio::task::spawn_blocking(move || -> Result<Answer, ApiError> {
        Ok(match output {
            QueryOutput::Boolean(value) => Answer::Boolean(value),
            QueryOutput::Solutions {
                variables, rows, ..
            } => {
                let (rows, more) = first_shown(rows)?;
                Answer::Solutions {
                    variables: variables.iter().map(|v| v.as_str().to_owned()).collect(),
                    rows,
                    more,
                }
            }
            QueryOutput::Graph(triples) => {
                let (triples, more) = first_shown(triples)?;
                Answer::Graph { triples, more }
            }
        })
    })
    .await
    .map_err(|e| ApiError::Store(crate::store::StoreError::storage("a worker task", e)))?
}

/// The first [`SHOWN_ROWS`] items of an answer, and whether it has more.
fn first_shown<T, E>(items: impl Iterator<Item = Result<T, E>>) -> Result<(Vec<T>, bool), E> {
    let mut shown = Vec::new();
    for item in items {
        if shown.len() == SHOWN_ROWS {
            return Ok((shown, true));
        }
        shown.push(item?);
    }
    Ok((shown, false))
}

/// What an unknown path answers: an HTML page for a browser, a line of text otherwise.
pub(super) async fn not_found(request: HttpRequest) -> Result<HttpResponse, ApiError> {
    let what = format!("There is nothing at {} here.", request.path());
    let html = prefers_html(&request, &["text/plain"])?;
    let error = ApiError::NotFound(what);
    if html {
        return Ok(error.html_response(site::not_found));
    }
    Err(error)
}
