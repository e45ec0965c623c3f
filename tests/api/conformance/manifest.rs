//! Reading W3C protocol test manifests: each test is a list of HTTP requests, each with the
//! response it expects.
//!
//! A manifest is read into a graph and walked from its `mf:entries` list. Predicates the reader
//! does not know are errors, not silently ignored, so that no expectation of a test goes
//! unchecked.

use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::vocab::{rdf, rdfs, xsd};
use oxigraph::model::{Graph, NamedNodeRef, NamedOrBlankNodeRef, TermRef};
use std::fmt;
use std::path::{Path, PathBuf};

/// The IRI a manifest is read with; relative IRIs in it (data files) resolve against it.
const BASE: &str = "http://conformance.test/";

/// The HTTP status vocabulary.
const HTS: &str = "http://www.w3.org/2011/http-statusCodes#";

/// Declares the terms of a vocabulary as constants.
macro_rules! vocabulary {
    ($module:ident, $namespace:literal, { $($name:ident = $local:literal),* $(,)? }) => {
        mod $module {
            use oxigraph::model::NamedNodeRef;
            $(pub const $name: NamedNodeRef<'static> =
                NamedNodeRef::new_unchecked(concat!($namespace, $local));)*
        }
    };
}

vocabulary!(mf, "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#", {
    MANIFEST = "Manifest",
    ENTRIES = "entries",
    NAME = "name",
    ACTION = "action",
    REQUIRES = "requires",
    PROTOCOL_TEST = "ProtocolTest",
    GRAPH_STORE_PROTOCOL_TEST = "GraphStoreProtocolTest",
    EXPECTED_STATUS = "expectedStatus",
    EXPECTED_FORMAT = "expectedFormat",
    EXPECTED_BOOLEAN = "expectedBoolean",
    EXPECTED_LOCATION = "expectedLocation",
});
vocabulary!(ht, "http://www.w3.org/2011/http#", {
    CONNECTION_AUTHORITY = "connectionAuthority",
    REQUESTS = "requests",
    METHOD_NAME = "methodName",
    ABSOLUTE_PATH = "absolutePath",
    HTTP_VERSION = "httpVersion",
    HEADERS = "headers",
    FIELD_NAME = "fieldName",
    FIELD_VALUE = "fieldValue",
    BODY = "body",
    RESP = "resp",
});
vocabulary!(cnt, "http://www.w3.org/2011/content#", {
    CHARS = "chars",
    CHARACTER_ENCODING = "characterEncoding",
});
vocabulary!(ut, "http://www.w3.org/2009/sparql/tests/test-update#", {
    GRAPH_DATA = "graphData",
    GRAPH = "graph",
});
vocabulary!(dawgt, "http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#", {
    APPROVAL = "approval",
    APPROVED_BY = "approvedBy",
});

/// The kinds of test this reader runs.
const TEST_TYPES: [NamedNodeRef<'static>; 2] = [mf::PROTOCOL_TEST, mf::GRAPH_STORE_PROTOCOL_TEST];

/// One test of a manifest, or why it could not be read.
pub struct Entry {
    /// The test's local name, e.g. `query_post_form`.
    pub id: String,
    /// Whether the manifest lists the test in `mf:entries` (a few are only defined).
    pub listed: bool,
    /// The test.
    pub test: Result<Test, String>,
}

/// A test: data to load, then requests to send in order.
pub struct Test {
    /// `mf:name`.
    pub name: String,
    /// `ut:graphData`: files to load into named graphs first.
    pub graph_data: Vec<GraphData>,
    /// `ht:requests`.
    pub requests: Vec<Request>,
}

/// A file to load into a named graph before a test.
pub struct GraphData {
    /// The file, in the manifest's folder.
    pub file: PathBuf,
    /// The graph's IRI.
    pub graph: String,
}

/// An HTTP request and the response it expects.
pub struct Request {
    /// `GET`, `POST`...
    pub method: String,
    /// The path and query, with the manifest's endpoint paths.
    pub path: String,
    /// Request headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body, if any.
    pub body: Option<Body>,
    /// What must come back.
    pub response: Response,
}

/// A body given as text in a character encoding.
pub struct Body {
    /// The text.
    pub chars: String,
    /// The encoding the text is sent in (`UTF-8` unless said otherwise).
    pub encoding: String,
}

/// The response a request expects.
pub struct Response {
    /// Acceptable statuses: any of them.
    pub statuses: Vec<Status>,
    /// `mf:expectedFormat`: `boolean`, `tabular` or `RDF`.
    pub format: Option<String>,
    /// `mf:expectedBoolean`: the answer of an ASK query.
    pub boolean: Option<bool>,
    /// Response headers that must be present with these values.
    pub headers: Vec<(String, String)>,
    /// The body: an RDF graph in Turtle.
    pub body: Option<Body>,
    /// `mf:expectedLocation`: the response must carry a `Location`, which later requests use as
    /// `$LOCATION$`.
    pub sets_location: bool,
}

/// An expected HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Any status of a class: 2 for 2xx, 4 for 4xx.
    Class(u16),
    /// Exactly this status.
    Exact(u16),
}

impl Status {
    /// Whether `code` is acceptable.
    pub fn matches(self, code: u16) -> bool {
        match self {
            Self::Class(class) => code / 100 == class,
            Self::Exact(expected) => code == expected,
        }
    }

    fn from_iri(iri: &str) -> Result<Self, String> {
        let name = iri
            .strip_prefix(HTS)
            .ok_or_else(|| format!("<{iri}> is not an HTTP status"))?;
        if let Some(class) = name
            .strip_prefix("StatusCode")
            .and_then(|rest| rest.strip_suffix("xx"))
        {
            return class
                .parse()
                .ok()
                .filter(|class| (1..=5).contains(class))
                .map(Self::Class)
                .ok_or_else(|| format!("unknown status class hts:{name}"));
        }
        let code = match name {
            "OK" => 200,
            "Created" => 201,
            "Accepted" => 202,
            "NoContent" => 204,
            "MovedPermanently" => 301,
            "Found" => 302,
            "SeeOther" => 303,
            "NotModified" => 304,
            "BadRequest" => 400,
            "Unauthorized" => 401,
            "Forbidden" => 403,
            "NotFound" => 404,
            "MethodNotAllowed" => 405,
            "NotAcceptable" => 406,
            "Conflict" => 409,
            "UnsupportedMediaType" => 415,
            "InternalServerError" => 500,
            other => return Err(format!("unknown status hts:{other}")),
        };
        Ok(Self::Exact(code))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Class(class) => write!(f, "{class}xx"),
            Self::Exact(code) => write!(f, "{code}"),
        }
    }
}

/// Reads the manifest at `path`: its listed entries in order, then the tests it defines without
/// listing them. Panics if the file is not a readable manifest.
pub fn read(path: &Path) -> Vec<Entry> {
    let folder = path
        .parent()
        .and_then(Path::file_name)
        .and_then(|name| name.to_str())
        .expect("a manifest sits in a named folder");
    let file = path
        .file_name()
        .and_then(|name| name.to_str())
        .expect("a manifest has a file name");
    let folder_iri = format!("{BASE}{folder}/");
    let data = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let parser = RdfParser::from_format(RdfFormat::Turtle)
        .with_base_iri(format!("{folder_iri}{file}"))
        .expect("a valid base IRI");
    let mut graph = Graph::new();
    for quad in parser.for_slice(&data) {
        let quad = quad.unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        graph.insert(&oxigraph::model::Triple::from(quad));
    }
    let reader = Reader {
        graph: &graph,
        folder_iri,
        folder: path.parent().expect("a manifest has a folder").to_owned(),
    };
    let manifest = graph
        .subject_for_predicate_object(rdf::TYPE, mf::MANIFEST)
        .unwrap_or_else(|| panic!("{}: no mf:Manifest", path.display()));
    let head = graph
        .object_for_subject_predicate(manifest, mf::ENTRIES)
        .unwrap_or_else(|| panic!("{}: no mf:entries", path.display()));
    let listed = reader
        .list(head)
        .unwrap_or_else(|e| panic!("{}: mf:entries: {e}", path.display()));
    let mut entries = Vec::new();
    for term in &listed {
        entries.push(match node(*term) {
            Ok(test) => reader.entry(test, true),
            Err(e) => Entry {
                id: term.to_string(),
                listed: true,
                test: Err(e),
            },
        });
    }
    let mut unlisted: Vec<NamedOrBlankNodeRef<'_>> = TEST_TYPES
        .iter()
        .flat_map(|kind| graph.subjects_for_predicate_object(rdf::TYPE, *kind))
        .filter(|test| !listed.contains(&TermRef::from(*test)))
        .collect();
    unlisted.sort_by_key(ToString::to_string);
    entries.extend(unlisted.into_iter().map(|test| reader.entry(test, false)));
    entries
}

/// A subject: an IRI or a blank node.
fn node(term: TermRef<'_>) -> Result<NamedOrBlankNodeRef<'_>, String> {
    match term {
        TermRef::NamedNode(node) => Ok(node.into()),
        TermRef::BlankNode(node) => Ok(node.into()),
        other => Err(format!("{other} is not a node")),
    }
}

struct Reader<'a> {
    graph: &'a Graph,
    folder_iri: String,
    folder: PathBuf,
}

impl<'a> Reader<'a> {
    fn entry(&self, test: NamedOrBlankNodeRef<'a>, listed: bool) -> Entry {
        let id = match test {
            NamedOrBlankNodeRef::NamedNode(iri) => iri
                .as_str()
                .rsplit_once('#')
                .map_or(iri.as_str(), |(_, local)| local)
                .to_owned(),
            other => other.to_string(),
        };
        Entry {
            id,
            listed,
            test: self.test(test),
        }
    }

    fn test(&self, test: NamedOrBlankNodeRef<'a>) -> Result<Test, String> {
        self.only_known(
            test,
            &[
                rdf::TYPE,
                rdfs::COMMENT,
                mf::NAME,
                mf::ACTION,
                mf::REQUIRES,
                ut::GRAPH_DATA,
                dawgt::APPROVAL,
                dawgt::APPROVED_BY,
            ],
        )?;
        let kinds: Vec<_> = self
            .graph
            .objects_for_subject_predicate(test, rdf::TYPE)
            .collect();
        if !TEST_TYPES
            .iter()
            .any(|kind| kinds.contains(&TermRef::from(*kind)))
        {
            return Err(format!("not a protocol test: its types are {kinds:?}"));
        }
        let name = self.string(test, mf::NAME)?;
        let mut graph_data = Vec::new();
        for data in self
            .graph
            .objects_for_subject_predicate(test, ut::GRAPH_DATA)
        {
            graph_data.push(self.graph_data(node(data)?)?);
        }
        graph_data.sort_by(|a, b| a.graph.cmp(&b.graph));
        let action = node(self.one(test, mf::ACTION)?)?;
        self.only_known(action, &[rdf::TYPE, ht::CONNECTION_AUTHORITY, ht::REQUESTS])?;
        let mut requests = Vec::new();
        for (index, request) in self
            .list(self.one(action, ht::REQUESTS)?)?
            .into_iter()
            .enumerate()
        {
            requests.push(
                self.request(node(request)?)
                    .map_err(|e| format!("request {}: {e}", index + 1))?,
            );
        }
        if requests.is_empty() {
            return Err("the test sends no request".to_owned());
        }
        Ok(Test {
            name,
            graph_data,
            requests,
        })
    }

    fn graph_data(&self, data: NamedOrBlankNodeRef<'a>) -> Result<GraphData, String> {
        self.only_known(data, &[ut::GRAPH, rdfs::LABEL])?;
        let file = match self.one(data, ut::GRAPH)? {
            TermRef::NamedNode(iri) => iri.as_str(),
            other => return Err(format!("ut:graph {other} is not a file")),
        };
        let name = file
            .strip_prefix(&self.folder_iri)
            .filter(|name| !name.is_empty() && !name.contains('/'))
            .ok_or_else(|| format!("ut:graph <{file}> is not a file next to the manifest"))?;
        Ok(GraphData {
            file: self.folder.join(name),
            graph: self.string(data, rdfs::LABEL)?,
        })
    }

    fn request(&self, request: NamedOrBlankNodeRef<'a>) -> Result<Request, String> {
        self.only_known(
            request,
            &[
                rdf::TYPE,
                ht::METHOD_NAME,
                ht::ABSOLUTE_PATH,
                ht::HTTP_VERSION,
                ht::HEADERS,
                ht::BODY,
                ht::RESP,
            ],
        )?;
        Ok(Request {
            method: self.string(request, ht::METHOD_NAME)?,
            path: self.string(request, ht::ABSOLUTE_PATH)?,
            headers: self.headers(request)?,
            body: self.body(request)?,
            response: self.response(node(self.one(request, ht::RESP)?)?)?,
        })
    }

    fn response(&self, response: NamedOrBlankNodeRef<'a>) -> Result<Response, String> {
        self.only_known(
            response,
            &[
                rdf::TYPE,
                mf::EXPECTED_STATUS,
                mf::EXPECTED_FORMAT,
                mf::EXPECTED_BOOLEAN,
                mf::EXPECTED_LOCATION,
                ht::HEADERS,
                ht::BODY,
            ],
        )?;
        let mut statuses = Vec::new();
        for status in self
            .graph
            .objects_for_subject_predicate(response, mf::EXPECTED_STATUS)
        {
            match status {
                TermRef::NamedNode(iri) => statuses.push(Status::from_iri(iri.as_str())?),
                other => return Err(format!("mf:expectedStatus {other} is not a status")),
            }
        }
        if statuses.is_empty() {
            return Err("the response has no mf:expectedStatus".to_owned());
        }
        statuses.sort_by_key(|status| match status {
            Status::Class(class) => class * 100,
            Status::Exact(code) => *code,
        });
        let boolean = match self.optional(response, mf::EXPECTED_BOOLEAN)? {
            None => None,
            Some(TermRef::Literal(literal)) if literal.datatype() == xsd::BOOLEAN => {
                match literal.value() {
                    "true" | "1" => Some(true),
                    "false" | "0" => Some(false),
                    other => return Err(format!("'{other}' is not a boolean")),
                }
            }
            Some(other) => return Err(format!("mf:expectedBoolean {other} is not a boolean")),
        };
        let format = self
            .optional(response, mf::EXPECTED_FORMAT)?
            .map(|format| literal(format, "mf:expectedFormat"))
            .transpose()?;
        Ok(Response {
            statuses,
            format,
            boolean,
            headers: self.headers(response)?,
            body: self.body(response)?,
            sets_location: self.optional(response, mf::EXPECTED_LOCATION)?.is_some(),
        })
    }

    fn headers(&self, message: NamedOrBlankNodeRef<'a>) -> Result<Vec<(String, String)>, String> {
        let Some(head) = self.optional(message, ht::HEADERS)? else {
            return Ok(Vec::new());
        };
        self.list(head)?
            .into_iter()
            .map(|header| {
                let header = node(header)?;
                self.only_known(header, &[rdf::TYPE, ht::FIELD_NAME, ht::FIELD_VALUE])?;
                Ok((
                    self.string(header, ht::FIELD_NAME)?,
                    self.string(header, ht::FIELD_VALUE)?,
                ))
            })
            .collect()
    }

    fn body(&self, message: NamedOrBlankNodeRef<'a>) -> Result<Option<Body>, String> {
        let Some(body) = self.optional(message, ht::BODY)? else {
            return Ok(None);
        };
        let body = node(body)?;
        self.only_known(body, &[rdf::TYPE, cnt::CHARS, cnt::CHARACTER_ENCODING])?;
        let encoding = match self.optional(body, cnt::CHARACTER_ENCODING)? {
            Some(encoding) => literal(encoding, "cnt:characterEncoding")?,
            None => "UTF-8".to_owned(),
        };
        Ok(Some(Body {
            chars: self.string(body, cnt::CHARS)?,
            encoding,
        }))
    }

    /// Fails if `subject` has a predicate outside `known`: an expectation the runner would not
    /// check.
    fn only_known(
        &self,
        subject: NamedOrBlankNodeRef<'a>,
        known: &[NamedNodeRef<'_>],
    ) -> Result<(), String> {
        for triple in self.graph.triples_for_subject(subject) {
            if !known.contains(&triple.predicate) {
                return Err(format!(
                    "{} is not understood by this runner",
                    triple.predicate
                ));
            }
        }
        Ok(())
    }

    fn optional(
        &self,
        subject: NamedOrBlankNodeRef<'a>,
        predicate: NamedNodeRef<'_>,
    ) -> Result<Option<TermRef<'a>>, String> {
        let mut objects = self.graph.objects_for_subject_predicate(subject, predicate);
        let first = objects.next();
        if objects.next().is_some() {
            return Err(format!("{predicate} is given more than once"));
        }
        Ok(first)
    }

    fn one(
        &self,
        subject: NamedOrBlankNodeRef<'a>,
        predicate: NamedNodeRef<'_>,
    ) -> Result<TermRef<'a>, String> {
        self.optional(subject, predicate)?
            .ok_or_else(|| format!("{predicate} is missing"))
    }

    fn string(
        &self,
        subject: NamedOrBlankNodeRef<'a>,
        predicate: NamedNodeRef<'_>,
    ) -> Result<String, String> {
        literal(self.one(subject, predicate)?, &predicate.to_string())
    }

    /// The members of an RDF list.
    fn list(&self, mut head: TermRef<'a>) -> Result<Vec<TermRef<'a>>, String> {
        let mut members = Vec::new();
        while head != TermRef::from(rdf::NIL) {
            let cell = node(head)?;
            members.push(self.one(cell, rdf::FIRST)?);
            head = self.one(cell, rdf::REST)?;
            if members.len() > 10_000 {
                return Err("an RDF list does not end".to_owned());
            }
        }
        Ok(members)
    }
}

fn literal(term: TermRef<'_>, what: &str) -> Result<String, String> {
    match term {
        TermRef::Literal(literal) => Ok(literal.value().to_owned()),
        other => Err(format!("{what} {other} is not a literal")),
    }
}
