//! Running one manifest test over HTTP against a fresh, empty server.

use super::manifest::{GraphData, Request, Response, Status, Test};
use crate::helpers::{spawn_app_with, Options, TestApp, TOKEN};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::dataset::CanonicalizationAlgorithm;
use oxigraph::model::{Graph, GraphName, Triple};
use oxigraph::sparql::results::{
    QueryResultsFormat, QueryResultsParser, SliceQueryResultsParserOutput,
};
use reqwest::header::{CONTENT_TYPE, LOCATION};
use reqwest::{Method, Url};

/// The manifests' name for the Graph Store of the server under test.
const PLACEHOLDER_STORE: &str = "http://www.example/gsp";

/// The manifests' name for the value of the `Location` header of the previous response.
const PLACEHOLDER_LOCATION: &str = "$LOCATION$";

/// SPARQL results media types.
const RESULTS_TYPES: [&str; 4] = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
];

/// The results media types that can carry a boolean.
const BOOLEAN_TYPES: [&str; 2] = [
    "application/sparql-results+json",
    "application/sparql-results+xml",
];

/// RDF media types.
const RDF_TYPES: [&str; 7] = [
    "application/rdf+xml",
    "text/turtle",
    "application/n-triples",
    "application/ld+json",
    "text/n3",
    "application/trig",
    "application/n-quads",
];

/// Runs `test` against a server of its own; `Err` says which request failed and how.
pub fn run(test: &Test) -> Result<(), String> {
    let app = spawn_app_with(Options {
        seed: false,
        ..Options::default()
    });
    let server = Server::new(&app);
    for data in &test.graph_data {
        server
            .load(data)
            .map_err(|e| format!("loading {} into <{}>: {e}", data.file.display(), data.graph))?;
    }
    let mut location = None;
    let count = test.requests.len();
    for (index, request) in test.requests.iter().enumerate() {
        let context = |e: String| {
            format!(
                "request {}/{count} ({} {}): {e}",
                index + 1,
                request.method,
                request.path
            )
        };
        let url = server
            .url(&request.path, location.as_ref())
            .map_err(context)?;
        let reply = server.send(request, &url).map_err(context)?;
        check(&server, &request.response, &reply, &url).map_err(context)?;
        if request.response.sets_location {
            location = Some(reply.location(&url).map_err(context)?);
        }
    }
    Ok(())
}

/// The server under test, as the manifests' requests address it.
struct Server<'a> {
    app: &'a TestApp,
    /// What the manifests' `http://www.example/gsp` stands for.
    store: String,
}

impl<'a> Server<'a> {
    fn new(app: &'a TestApp) -> Self {
        Self {
            app,
            store: format!("{}/store", app.url),
        }
    }

    /// Loads a file into a named graph with the Graph Store Protocol.
    fn load(&self, data: &GraphData) -> Result<(), String> {
        let content = std::fs::read(&data.file).map_err(|e| e.to_string())?;
        let graph = self.text(&data.graph);
        let response = self
            .app
            .client
            .put(format!(
                "{}/store?graph={}",
                self.app.url,
                component(&graph)
            ))
            .header(CONTENT_TYPE, "application/n-triples")
            .bearer_auth(TOKEN)
            .body(content)
            .send()
            .map_err(|e| format!("no response: {e}"))?;
        let reply = Reply::read(response)?;
        if [201, 204].contains(&reply.status) {
            Ok(())
        } else {
            Err(format!("expected 201 or 204, got {reply}"))
        }
    }

    /// The server's name for what the manifest says in a body or a graph IRI.
    fn text(&self, text: &str) -> String {
        text.replace(PLACEHOLDER_STORE, &self.store)
    }

    /// The URL of a manifest path: its endpoint mapped to the server's, the placeholder graph
    /// IRIs in its query replaced with the server's (percent-encoded the way the manifest encodes
    /// them), and `$LOCATION$` with the previous response's `Location`.
    fn url(&self, path: &str, location: Option<&Url>) -> Result<Url, String> {
        let encoded_placeholder = component(PLACEHOLDER_STORE);
        let mut path = path
            .replace(&encoded_placeholder, &component(&self.store))
            .replace(PLACEHOLDER_STORE, &self.store);
        if path.contains(PLACEHOLDER_LOCATION) {
            let location = location.ok_or("$LOCATION$ without a previous Location header")?;
            path = path.replace(PLACEHOLDER_LOCATION, &component(location.as_str()));
        }
        if path.contains("www.example") {
            return Err(format!(
                "no substitution for the placeholder host in {path}"
            ));
        }
        let path = match path.strip_prefix("/gsp") {
            Some(rest) if rest.is_empty() || rest.starts_with(['/', '?']) => {
                format!("/store{rest}")
            }
            _ => path,
        };
        if !path.starts_with("/sparql") && !path.starts_with("/store") {
            return Err(format!("{path} addresses no endpoint this runner knows"));
        }
        Url::parse(&format!("{}{path}", self.app.url)).map_err(|e| format!("{path}: {e}"))
    }

    fn send(&self, request: &Request, url: &Url) -> Result<Reply, String> {
        let method = Method::from_bytes(request.method.as_bytes())
            .map_err(|e| format!("method {}: {e}", request.method))?;
        let writes = method != Method::GET && method != Method::HEAD;
        let mut builder = self.app.client.request(method, url.clone());
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if writes {
            builder = builder.bearer_auth(TOKEN);
        }
        if let Some(body) = &request.body {
            builder = builder.body(encode(&self.text(&body.chars), &body.encoding)?);
        }
        Reply::read(builder.send().map_err(|e| format!("no response: {e}"))?)
    }
}

/// A response, read whole.
struct Reply {
    status: u16,
    content_type: Option<String>,
    location: Option<String>,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn read(response: reqwest::blocking::Response) -> Result<Self, String> {
        let header = |name| {
            response
                .headers()
                .get(name)
                .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
        };
        let status = response.status().as_u16();
        let content_type = header(CONTENT_TYPE);
        let location = header(LOCATION);
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .map_err(|e| format!("{status} with an unreadable body: {e}"))?
            .to_vec();
        Ok(Self {
            status,
            content_type,
            location,
            headers,
            body,
        })
    }

    /// The `Location` header, made absolute.
    fn location(&self, url: &Url) -> Result<Url, String> {
        let location = self
            .location
            .as_deref()
            .ok_or_else(|| format!("expected a Location header, got {self}"))?;
        url.join(location)
            .map_err(|e| format!("Location '{location}' is not a URL: {e}"))
    }

    /// The `Content-Type` essence, or an error naming what was expected.
    fn media_type(&self, expected: &[&str]) -> Result<String, String> {
        let media_type = self
            .content_type
            .as_deref()
            .map(essence)
            .ok_or_else(|| format!("expected one of {expected:?}, got no Content-Type"))?;
        if expected.contains(&media_type.as_str()) {
            Ok(media_type)
        } else {
            Err(format!(
                "expected a Content-Type among {expected:?}, got {self}"
            ))
        }
    }
}

impl std::fmt::Display for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.status)?;
        if let Some(content_type) = &self.content_type {
            write!(f, " ({content_type})")?;
        }
        let body = String::from_utf8_lossy(&self.body);
        let body = body.trim();
        if !body.is_empty() {
            const LIMIT: usize = 600;
            match body.char_indices().nth(LIMIT) {
                Some((end, _)) => write!(f, ": {}…", &body[..end])?,
                None => write!(f, ": {body}")?,
            }
        }
        Ok(())
    }
}

/// Checks a response against what the manifest expects.
fn check(server: &Server<'_>, expected: &Response, reply: &Reply, url: &Url) -> Result<(), String> {
    if !expected.statuses.iter().any(|s| s.matches(reply.status)) {
        let statuses: Vec<String> = expected.statuses.iter().map(Status::to_string).collect();
        return Err(format!(
            "expected status {}, got {reply}",
            statuses.join(" or ")
        ));
    }
    // Every write carries the token, so a refusal must be for what the test is about, not for
    // authorization.
    if [401, 403].contains(&reply.status) {
        return Err(format!(
            "the request was refused for authorization, not for what the test checks: {reply}"
        ));
    }
    match expected.format.as_deref() {
        None => {}
        Some("boolean") => {
            let media_type = reply.media_type(&BOOLEAN_TYPES)?;
            let value = match parse_results(&media_type, &reply.body)? {
                Results::Boolean(value) => value,
                Results::Solutions => return Err(format!("expected a boolean, got {reply}")),
            };
            if let Some(boolean) = expected.boolean {
                if value != boolean {
                    return Err(format!("expected {boolean}, got {reply}"));
                }
            }
        }
        Some("tabular") => {
            let media_type = reply.media_type(&RESULTS_TYPES)?;
            if let Results::Boolean(_) = parse_results(&media_type, &reply.body)? {
                return Err(format!("expected solutions, got {reply}"));
            }
        }
        Some("RDF") => {
            let media_type = reply.media_type(&RDF_TYPES)?;
            parse_graph(&media_type, &reply.body, url)?;
        }
        Some(other) => return Err(format!("unknown mf:expectedFormat '{other}'")),
    }
    if expected.boolean.is_some() && expected.format.as_deref() != Some("boolean") {
        return Err("mf:expectedBoolean without mf:expectedFormat \"boolean\"".to_owned());
    }
    for (name, value) in &expected.headers {
        let actual = reply
            .headers
            .get(name.to_ascii_lowercase().as_str())
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        let matches = match &actual {
            // Media types compare by essence: parameters such as charset may differ.
            Some(actual) if name.eq_ignore_ascii_case("content-type") => {
                essence(actual) == essence(value)
            }
            Some(actual) => actual.trim() == value.trim(),
            None => false,
        };
        if !matches {
            return Err(format!(
                "expected header {name}: {value}, got {}",
                actual.as_deref().unwrap_or("none")
            ));
        }
    }
    if let Some(body) = &expected.body {
        compare_graphs(&server.text(&body.chars), reply, url)?;
    }
    Ok(())
}

enum Results {
    Boolean(bool),
    Solutions,
}

fn parse_results(media_type: &str, body: &[u8]) -> Result<Results, String> {
    let format = QueryResultsFormat::from_media_type(media_type)
        .ok_or_else(|| format!("{media_type} is not a results format"))?;
    let invalid = |e: &dyn std::fmt::Display| format!("invalid {media_type} results: {e}");
    match QueryResultsParser::from_format(format)
        .for_slice(body)
        .map_err(|e| invalid(&e))?
    {
        SliceQueryResultsParserOutput::Boolean(value) => Ok(Results::Boolean(value)),
        SliceQueryResultsParserOutput::Solutions(solutions) => {
            for solution in solutions {
                solution.map_err(|e| invalid(&e))?;
            }
            Ok(Results::Solutions)
        }
    }
}

/// Parses an RDF document whose triples are all in the default graph.
fn parse_graph(media_type: &str, body: &[u8], base: &Url) -> Result<Graph, String> {
    let format = RdfFormat::from_media_type(media_type)
        .ok_or_else(|| format!("{media_type} is not an RDF format"))?;
    let parser = RdfParser::from_format(format)
        .with_base_iri(base.as_str())
        .map_err(|e| e.to_string())?;
    let mut graph = Graph::new();
    for quad in parser.for_slice(body) {
        let quad = quad.map_err(|e| format!("invalid {media_type}: {e}"))?;
        if quad.graph_name != GraphName::DefaultGraph {
            return Err(format!(
                "expected a graph, got a quad in {}",
                quad.graph_name
            ));
        }
        graph.insert(&Triple::from(quad));
    }
    Ok(graph)
}

/// Compares the response body with the expected Turtle, as graphs up to blank node renaming.
fn compare_graphs(expected: &str, reply: &Reply, url: &Url) -> Result<(), String> {
    let mut expected = parse_graph("text/turtle", expected.as_bytes(), url)
        .map_err(|e| format!("expected body: {e}"))?;
    let media_type = reply
        .content_type
        .as_deref()
        .map(essence)
        .ok_or_else(|| format!("expected a graph, got no Content-Type: {reply}"))?;
    let mut actual = parse_graph(&media_type, &reply.body, url)?;
    expected.canonicalize(CanonicalizationAlgorithm::Unstable);
    actual.canonicalize(CanonicalizationAlgorithm::Unstable);
    if expected == actual {
        return Ok(());
    }
    let lines = |graph: &Graph| {
        let mut lines: Vec<String> = graph.iter().map(|t| format!("    {t} .")).collect();
        lines.sort();
        lines.join("\n")
    };
    Err(format!(
        "the graph differs (blank nodes canonicalized)\n  expected:\n{}\n  got:\n{}",
        lines(&expected),
        lines(&actual)
    ))
}

/// A media type's `type/subtype`, lower case.
fn essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// Percent-encodes a query parameter value.
fn component(value: &str) -> String {
    form_urlencoded::byte_serialize(value.as_bytes()).collect()
}

/// Encodes a body in the character encoding the manifest gives.
fn encode(text: &str, encoding: &str) -> Result<Vec<u8>, String> {
    let single_byte = |limit: u32| {
        text.chars()
            .map(|c| {
                u8::try_from(u32::from(c))
                    .ok()
                    .filter(|b| u32::from(*b) <= limit)
                    .ok_or_else(|| format!("'{c}' cannot be written in {encoding}"))
            })
            .collect::<Result<Vec<u8>, String>>()
    };
    match encoding.to_ascii_uppercase().as_str() {
        "UTF-8" | "UTF8" => Ok(text.as_bytes().to_vec()),
        // Without a byte order, UTF-16 is big-endian, and says so with a byte order mark.
        "UTF-16" => Ok([0xFE, 0xFF]
            .into_iter()
            .chain(text.encode_utf16().flat_map(u16::to_be_bytes))
            .collect()),
        "UTF-16BE" => Ok(text.encode_utf16().flat_map(u16::to_be_bytes).collect()),
        "UTF-16LE" => Ok(text.encode_utf16().flat_map(u16::to_le_bytes).collect()),
        "ISO-8859-1" | "LATIN1" => single_byte(0xFF),
        "US-ASCII" | "ASCII" => single_byte(0x7F),
        other => Err(format!("unknown character encoding {other}")),
    }
}
