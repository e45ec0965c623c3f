//! The web face for people: the home page, search results, the SPARQL editor with its results,
//! and the page of something not found. Pages are plain HTML written here, with the server's own
//! stylesheet inline and no script: they work without JavaScript, and every value from the graph
//! or the request is escaped. They are drawn from the queries the APIs offer (GraphQL for counts,
//! sources and search; SPARQL for the editor), so a page shows what a program would get.

pub mod picture;

use crate::linked_data::IriMapper;
use crate::ontology::PREFIXES;
use oxigraph::model::{Term, Triple};
use oxigraph::sparql::QuerySolution;
use std::fmt::Write;

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// Percent-encodes a query parameter's value (`application/x-www-form-urlencoded`).
pub fn query_value(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:64rem;margin:0 auto;\
padding:0 1rem 2rem;color:#1f2328;line-height:1.45}\
header{display:flex;flex-wrap:wrap;gap:.5rem 1.2rem;align-items:center;padding:.8rem 0;\
border-bottom:1px solid #d0d7de;margin-bottom:1.2rem}\
header .name{font-weight:600;font-size:1.1rem;color:#1f2328;text-decoration:none}\
header nav{display:flex;gap:1rem;flex-wrap:wrap}\
form.search{display:flex;gap:.4rem;flex:1;min-width:16rem}\
input[type=search]{flex:1;padding:.45rem .6rem;font:inherit;border:1px solid #8c959f;border-radius:6px}\
button{padding:.45rem .9rem;font:inherit;border:1px solid #8c959f;border-radius:6px;background:#f6f8fa;cursor:pointer}\
a{color:#0550ae}table{border-collapse:collapse;width:100%}\
td,th{border-top:1px solid #d0d7de;padding:.4rem;vertical-align:top;text-align:left}\
th{font-weight:600}ul.cards{list-style:none;padding:0;display:grid;\
grid-template-columns:repeat(auto-fill,minmax(13rem,1fr));gap:.6rem}\
ul.cards li{border:1px solid #d0d7de;border-radius:8px;padding:.6rem .8rem}\
.count{color:#57606a}textarea{width:100%;box-sizing:border-box;min-height:14rem;\
font:.9rem ui-monospace,monospace;padding:.6rem;border:1px solid #8c959f;border-radius:6px}\
.error{border:1px solid #cf222e;background:#ffebe9;padding:.6rem .8rem;border-radius:6px;white-space:pre-wrap}\
code,pre{font-family:ui-monospace,monospace;font-size:.9em}small{color:#57606a}\
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem}\
figure.graph{margin:0 0 1rem;border:1px solid #d0d7de;border-radius:8px;padding:.5rem}\
figure.graph svg{width:100%;height:auto;display:block}.graph line{stroke-width:1.6}\
.graph .node circle{fill:#fff;stroke:#1f2328;stroke-width:1.5}.graph .node.centre circle{fill:#0969da}\
.graph text{font-size:12px;fill:#1f2328;paint-order:stroke;stroke:#fff;stroke-width:3px}\
.graph a:hover circle,.graph a:focus circle{fill:#ffd33d}.graph .expand{cursor:pointer}\
.graph .expand circle{fill:#f6f8fa;stroke:#57606a}.graph .expand:focus circle{fill:#ffd33d}\
.graph .expand text{font-size:11px;stroke:none}\
figcaption{font-size:.9rem;color:#57606a}ul.key{list-style:none;display:flex;flex-wrap:wrap;\
gap:.2rem 1rem;padding:0;margin:.4rem 0 0;font-size:.9rem}\
.swatch{display:inline-block;width:1rem;height:.3rem;margin-right:.35rem;vertical-align:middle}\
form.connect{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin:.6rem 0}\
form.connect input[type=text]{padding:.4rem .6rem;font:inherit;border:1px solid #8c959f;border-radius:6px;min-width:16rem}\
select{font:inherit;padding:.35rem}ol.paths li{margin:.3rem 0}.rel{color:#57606a;white-space:nowrap}\
.disagree{border-left:3px solid #bc4c00;padding-left:.5rem}.disagree strong{color:#953800}\
ol.timeline{list-style:none;padding:0;border-left:2px solid #d0d7de;margin-left:.4rem}\
ol.timeline li{position:relative;padding:.15rem 0 .15rem 1rem}\
ol.timeline li::before{content:\"\";position:absolute;left:-6px;top:.6rem;width:10px;height:10px;\
border-radius:50%;background:#0969da}ol.timeline time{font-variant-numeric:tabular-nums;\
font-weight:600;margin-right:.5rem}\
.editor{position:relative}.editor pre{position:absolute;inset:0;margin:0;pointer-events:none;\
overflow:hidden;white-space:pre-wrap;overflow-wrap:break-word;border:1px solid transparent}\
.editor pre,.editor textarea{font:.9rem/1.45 ui-monospace,monospace;padding:.6rem;white-space:pre-wrap;overflow-wrap:break-word;box-sizing:border-box}\
.editor.on textarea{color:transparent;background:transparent;caret-color:#1f2328;position:relative}\
.tk-k{color:#cf222e}.tk-v{color:#8250df}.tk-i{color:#0550ae}.tk-s{color:#0a3069}\
.tk-c{color:#57606a;font-style:italic}.tk-p{color:#953800}.tk-n{color:#0a7480}";

/// A whole page: the shared header (home, search, the query tools) around `body`.
pub fn layout(title: &str, search: &str, body: &str) -> String {
    layout_with_head(title, search, "", body)
}

/// A whole page with more in its head (`head` is HTML, written as it is).
pub fn layout_with_head(title: &str, search: &str, head: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title} · kgql</title><link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">{head}<style>{STYLE}</style>\
         <script src=\"/assets/site/site.js\" defer></script></head><body>\
         <a class=\"skip\" href=\"#main\">Skip to content</a>\
         <header><a class=\"name\" href=\"/\">kgql</a>\
         <form class=\"search\" action=\"/search\" method=\"get\" role=\"search\">\
         <input type=\"search\" name=\"q\" value=\"{search}\" placeholder=\"Search organisations, \
         events, documents, people…\" aria-label=\"Search the graph\" data-suggest autocomplete=\"off\">\
         <button type=\"submit\">Search</button></form>\
         <nav aria-label=\"Tools\"><a href=\"/sparql\">SPARQL</a><a href=\"/graphql\">GraphQL</a>\
         <a href=\"/.well-known/void\">VoID</a><a href=\"/export?format=nq\">Dump</a></nav>\
         </header><main id=\"main\">{body}</main></body></html>\n",
        title = escape(title),
        search = escape(search),
    )
}

/// One entry point of the home page: a kind of entity and how many there are.
#[derive(Clone, Debug)]
pub struct Kind {
    /// The GraphQL type's name (`Organization`).
    pub type_name: String,
    /// How many nodes it has.
    pub count: u64,
}

/// A source of the graph, as the sources graph describes it.
#[derive(Clone, Debug)]
pub struct Source {
    /// Its IRI (its named graph's name).
    pub iri: String,
    /// Its title or label.
    pub title: Option<String>,
    /// Where it is published.
    pub url: Option<String>,
}

/// Splits a type name into words: `ActionPlan` → `action plan`.
fn words(type_name: &str) -> String {
    let mut out = String::new();
    for (i, c) in type_name.chars().enumerate() {
        if c.is_uppercase() && i > 0 {
            out.push(' ');
        }
        out.extend(c.to_lowercase());
    }
    out
}

/// Links an IRI to its page here when it has one, else (an `http(s)` IRI) to itself.
fn iri_link(iri: &str, text: &str, mapper: &IriMapper<'_>) -> String {
    match mapper.local_path(iri) {
        Some(path) => format!("<a href=\"{}\">{}</a>", escape(&path), escape(text)),
        None if iri.starts_with("http://") || iri.starts_with("https://") => {
            format!("<a href=\"{}\">{}</a>", escape(iri), escape(text))
        }
        None => escape(text),
    }
}

/// The home page: search, the kinds of entity with their counts, the sources, the tools.
pub fn home(kinds: &[Kind], sources: &[Source], mapper: &IriMapper<'_>) -> String {
    let mut body = String::from(
        "<h1>AI governance, as a knowledge graph</h1>\
         <p>The organisations and initiatives of global AI governance — ITU and its AI for Good \
         platform, the World Internet Conference, the UN agencies, their working groups, reports, \
         action plans and summits, the people who lead them and the goals they serve — each fact \
         with the source that states it. Search above, start from a kind of entity below, or ask \
         the graph directly in <a href=\"/sparql\">SPARQL</a> or \
         <a href=\"/graphql\">GraphQL</a>.</p><h2>Explore</h2><ul class=\"cards\">",
    );
    // Every kind but the one that gathers all of them.
    for kind in kinds
        .iter()
        .filter(|k| k.count > 0 && k.type_name != "Entity")
    {
        let _ = write!(
            body,
            "<li><a href=\"/search?type={}\">{}</a> <span class=\"count\">{}</span></li>",
            escape(&query_value(&kind.type_name)),
            escape(&words(&kind.type_name)),
            kind.count
        );
    }
    body.push_str("</ul><h2>Sources</h2><ul>");
    for source in sources {
        let title = source.title.as_deref().unwrap_or(&source.iri);
        let _ = write!(body, "<li>{}", iri_link(&source.iri, title, mapper));
        if let Some(url) = source.url.as_deref().filter(|u| u.starts_with("http")) {
            let _ = write!(
                body,
                " <small>(<a href=\"{}\">published here</a>)</small>",
                escape(url)
            );
        }
        let _ = write!(
            body,
            " <small><a href=\"/export?format=ttl&amp;graph={}\">its statements</a></small></li>",
            escape(&query_value(&source.iri))
        );
    }
    body.push_str(
        "</ul><h2>For programs</h2><ul>\
         <li><a href=\"/graphql\">GraphQL</a> (GraphiQL in a browser; the schema at \
         <a href=\"/graphql/schema.graphql\">/graphql/schema.graphql</a>)</li>\
         <li><a href=\"/sparql\">SPARQL 1.1</a> query and update endpoint</li>\
         <li>Every entity at its IRI, as HTML, Turtle, JSON-LD, N-Triples or RDF/XML</li>\
         <li><a href=\"/.well-known/void\">VoID description</a>; dumps as \
         <a href=\"/export?format=nq\">N-Quads</a>, <a href=\"/export?format=trig\">TriG</a>, \
         <a href=\"/export?format=ttl\">Turtle</a></li></ul>",
    );
    layout("AI governance knowledge graph", "", &body)
}

/// One search result.
#[derive(Clone, Debug)]
pub struct Hit {
    /// The entity's IRI.
    pub iri: String,
    /// Its label.
    pub label: Option<String>,
    /// Its GraphQL type.
    pub type_name: String,
    /// The text that matched.
    pub matched: Option<String>,
}

/// The search results page: the hits, with a facet per kind of entity among them; `next` is the
/// cursor of a kind's next page.
pub fn search(
    text: &str,
    type_name: Option<&str>,
    hits: &[Hit],
    kinds: &[Kind],
    next: Option<&str>,
    mapper: &IriMapper<'_>,
) -> String {
    let mut body = String::new();
    let heading = match (text.is_empty(), type_name) {
        (true, Some(t)) => format!("Every {}", words(t)),
        (true, None) => "Search".to_owned(),
        (false, Some(t)) => format!("“{text}” among {}", words(t)),
        (false, None) => format!("“{text}”"),
    };
    let _ = write!(body, "<h1>{}</h1>", escape(&heading));
    if !kinds.is_empty() {
        body.push_str("<p>Kinds: ");
        let href = |t: Option<&str>| {
            let mut href = format!("/search?q={}", query_value(text));
            if let Some(t) = t {
                let _ = write!(href, "&type={}", query_value(t));
            }
            escape(&href)
        };
        let all: u64 = kinds.iter().map(|k| k.count).sum();
        if type_name.is_some() {
            let _ = write!(body, "<a href=\"{}\">all</a>", href(None));
        } else {
            let _ = write!(
                body,
                "<strong>all</strong> <span class=\"count\">{all}</span>"
            );
        }
        for kind in kinds {
            body.push_str(" · ");
            if type_name == Some(kind.type_name.as_str()) {
                let _ = write!(body, "<strong>{}</strong>", escape(&words(&kind.type_name)));
            } else {
                let _ = write!(
                    body,
                    "<a href=\"{}\">{}</a>",
                    href(Some(&kind.type_name)),
                    escape(&words(&kind.type_name))
                );
            }
            let _ = write!(body, " <span class=\"count\">{}</span>", kind.count);
        }
        body.push_str("</p>");
    }
    if hits.is_empty() {
        body.push_str("<p>Nothing found. Try fewer or other words.</p>");
    } else {
        body.push_str(
            "<table><thead><tr><th>Entity</th><th>Kind</th><th>Matched</th></tr></thead><tbody>",
        );
        for hit in hits {
            let label = hit.label.as_deref().unwrap_or(&hit.iri);
            let _ = write!(
                body,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                iri_link(&hit.iri, label, mapper),
                escape(&words(&hit.type_name)),
                escape(hit.matched.as_deref().unwrap_or(""))
            );
        }
        body.push_str("</tbody></table>");
    }
    if let (Some(cursor), Some(t)) = (next, type_name) {
        let _ = write!(
            body,
            "<p><a rel=\"next\" href=\"/search?type={}&amp;after={}\">Next page</a></p>",
            escape(&query_value(t)),
            escape(&query_value(cursor))
        );
    }
    layout(&heading, text, &body)
}

/// Example queries the editor offers: a title and the query's body (the prefixes are added).
pub const EXAMPLES: &[(&str, &str)] = &[
    (
        "Who organised each AI for Good Global Summit?",
        "SELECT ?summit ?name ?organiser WHERE {\n  ?summit a schema:Event ;\n    skos:prefLabel ?name ;\n    schema:organizer ?organiser .\n  FILTER(CONTAINS(LCASE(?name), \"ai for good\"))\n}\nORDER BY ?name",
    ),
    (
        "The organisations in the graph, with their acronyms",
        "SELECT DISTINCT ?org ?name ?acronym WHERE {\n  ?org a org:Organization ;\n    skos:prefLabel ?name .\n  OPTIONAL { ?org skos:altLabel ?acronym }\n  FILTER(LANG(?name) = \"en\")\n}\nORDER BY ?name\nLIMIT 100",
    ),
    (
        "Which sources state facts about ITU?",
        "SELECT ?source (COUNT(*) AS ?statements) WHERE {\n  GRAPH ?source { <https://w3id.org/kgql/id/org/itu> ?p ?o }\n}\nGROUP BY ?source\nORDER BY DESC(?statements)",
    ),
    (
        "Which agencies co-lead the Inter-Agency Working Group on AI?",
        "SELECT ?agency ?name WHERE {\n  ?membership org:organization <https://w3id.org/kgql/id/org/iawg-ai> ;\n    org:role <https://w3id.org/kgql/id/concept/role-co-lead> ;\n    org:member ?agency .\n  ?agency skos:prefLabel ?name .\n  FILTER(LANG(?name) = \"en\")\n}\nORDER BY ?name",
    ),
    (
        "The action plans, who launched them, and what they contain",
        "SELECT ?plan ?title ?launchedBy ?issued ?part WHERE {\n  ?plan a kg:ActionPlan ;\n    dcterms:title ?title .\n  OPTIONAL { ?plan kg:launchedBy ?launchedBy }\n  OPTIONAL { ?plan dcterms:issued ?issued }\n  OPTIONAL { ?plan dcterms:hasPart ?part }\n}\nORDER BY ?title",
    ),
    (
        "The kinds of entity and how many of each",
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {\n  ?s a ?class\n}\nGROUP BY ?class\nORDER BY DESC(?n)",
    ),
];

/// The prefixes the editor starts with (the ontology's).
pub fn prefix_block() -> String {
    let mut text = String::new();
    for (prefix, iri) in PREFIXES {
        if matches!(*prefix, "kgsh" | "sh" | "void" | "owl" | "sdgo") {
            continue;
        }
        let _ = writeln!(text, "PREFIX {prefix}: <{iri}>");
    }
    text
}

/// What a query gave, for the results page.
pub enum Answer {
    /// Nothing yet: the editor alone.
    None,
    /// An error, said as the endpoint says it.
    Error(String),
    /// ASK's answer.
    Boolean(bool),
    /// SELECT's rows (the first of them, and whether there were more).
    Solutions {
        /// The columns.
        variables: Vec<String>,
        /// The rows shown.
        rows: Vec<QuerySolution>,
        /// Whether more rows were left out.
        more: bool,
    },
    /// CONSTRUCT's or DESCRIBE's statements (the first of them, and whether there were more).
    Graph {
        /// The statements shown.
        triples: Vec<Triple>,
        /// Whether more were left out.
        more: bool,
    },
}

fn term_cell(term: &Term, mapper: &IriMapper<'_>) -> String {
    match term {
        Term::NamedNode(node) => iri_link(node.as_str(), &mapper.compact(node.as_str()), mapper),
        Term::BlankNode(node) => format!("<code>_:{}</code>", escape(node.as_str())),
        Term::Literal(literal) => {
            let mut cell = escape(literal.value());
            if let Some(language) = literal.language() {
                let _ = write!(cell, " <small>@{}</small>", escape(language));
            } else if literal.datatype().as_str() != "http://www.w3.org/2001/XMLSchema#string" {
                let _ = write!(
                    cell,
                    " <small>{}</small>",
                    escape(&mapper.compact(literal.datatype().as_str()))
                );
            }
            cell
        }
        #[allow(unreachable_patterns)]
        other => escape(&other.to_string()),
    }
}

/// The SPARQL editor: a form that sends the query by GET (so every query has a URL to share),
/// example queries, and the answer of the query given, with links to download it.
pub fn sparql_editor(query: &str, answer: &Answer, mapper: &IriMapper<'_>) -> String {
    let text = if query.is_empty() {
        format!(
            "{}\nSELECT * WHERE {{\n  ?s ?p ?o\n}}\nLIMIT 10\n",
            prefix_block()
        )
    } else {
        query.to_owned()
    };
    let mut body = format!(
        "<h1>SPARQL</h1><form action=\"/sparql\" method=\"get\">\
         <label for=\"query\">Query (SPARQL 1.1; the default graph is the union of the sources' \
         graphs)</label><textarea id=\"query\" name=\"query\" spellcheck=\"false\">{}</textarea>\
         <p><button type=\"submit\">Run</button></p></form>",
        escape(&text)
    );
    let encoded = query_value(query);
    match answer {
        Answer::None => {
            body.push_str("<h2>Examples</h2><ul>");
            for (title, example) in EXAMPLES {
                let full = format!("{}\n{example}\n", prefix_block());
                let _ = write!(
                    body,
                    "<li><a href=\"/sparql?query={}\">{}</a></li>",
                    escape(&query_value(&full)),
                    escape(title)
                );
            }
            body.push_str("</ul>");
        }
        Answer::Error(message) => {
            let _ = write!(
                body,
                "<h2>Error</h2><p class=\"error\" role=\"alert\">{}</p>",
                escape(message)
            );
        }
        Answer::Boolean(value) => {
            let _ = write!(body, "<h2>Answer</h2><p><strong>{value}</strong></p>");
            downloads(&mut body, &encoded, &["json", "xml", "csv", "tsv"]);
        }
        Answer::Solutions {
            variables,
            rows,
            more,
        } => {
            answer_heading(&mut body, rows.len(), "row", *more);
            downloads(&mut body, &encoded, &["json", "xml", "csv", "tsv"]);
            body.push_str("<table><thead><tr>");
            for variable in variables {
                let _ = write!(body, "<th>?{}</th>", escape(variable));
            }
            body.push_str("</tr></thead><tbody>");
            for row in rows {
                body.push_str("<tr>");
                for variable in variables {
                    let cell = row
                        .get(variable.as_str())
                        .map(|term| term_cell(term, mapper))
                        .unwrap_or_default();
                    let _ = write!(body, "<td>{cell}</td>");
                }
                body.push_str("</tr>");
            }
            body.push_str("</tbody></table>");
        }
        Answer::Graph { triples, more } => {
            answer_heading(&mut body, triples.len(), "statement", *more);
            downloads(&mut body, &encoded, &["ttl", "jsonld", "nt", "rdfxml"]);
            body.push_str(
                "<table><thead><tr><th>Subject</th><th>Property</th><th>Value</th></tr></thead><tbody>",
            );
            for triple in triples {
                let _ = write!(
                    body,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    term_cell(&Term::from(triple.subject.clone()), mapper),
                    term_cell(&Term::from(triple.predicate.clone()), mapper),
                    term_cell(&triple.object, mapper)
                );
            }
            body.push_str("</tbody></table>");
        }
    }
    layout("SPARQL", "", &body)
}

/// The heading of an answer: how many rows (or statements) it shows, and whether it has more.
fn answer_heading(body: &mut String, shown: usize, noun: &str, more: bool) {
    let _ = write!(
        body,
        "<h2>Answer</h2><p>{shown} {noun}{}{}</p>",
        if shown == 1 { "" } else { "s" },
        if more {
            " shown; download the answer for all of them"
        } else {
            ""
        }
    );
}

fn downloads(body: &mut String, encoded_query: &str, formats: &[&str]) {
    body.push_str("<p>Download: ");
    for (i, format) in formats.iter().enumerate() {
        if i > 0 {
            body.push_str(" · ");
        }
        let _ = write!(
            body,
            "<a href=\"/sparql?query={}&amp;format={format}\">{format}</a>",
            escape(encoded_query)
        );
    }
    body.push_str("</p>");
}

/// The form that asks how `from` is connected to something else (a label or an IRI).
pub fn connect_form(from: &str, to: &str, max_length: u32) -> String {
    let mut html = format!(
        "<form class=\"connect\" action=\"/connect\" method=\"get\">\
         <input type=\"hidden\" name=\"from\" value=\"{}\">\
         <label for=\"connect-to\">How is this connected to</label>\
         <input type=\"text\" id=\"connect-to\" name=\"to\" value=\"{}\" required \
         placeholder=\"a name or an IRI\" data-suggest autocomplete=\"off\">\
         <label for=\"connect-length\">in at most</label><select id=\"connect-length\" name=\"length\">",
        escape(from),
        escape(to)
    );
    for length in 1..=4 {
        let _ = write!(
            html,
            "<option value=\"{length}\"{}>{length} link{}</option>",
            if length == max_length {
                " selected"
            } else {
                ""
            },
            if length == 1 { "" } else { "s" }
        );
    }
    html.push_str("</select><button type=\"submit\">Find paths</button></form>");
    html
}

/// What the connection page found.
pub enum Connection {
    /// Nothing was asked yet.
    Unasked,
    /// Nothing in the graph matches what was asked for.
    NoMatch,
    /// The paths between the two (none when they are not joined within the length).
    Paths {
        /// Where the paths end.
        to: picture::Node,
        /// Other entities that match what was asked for.
        others: Vec<picture::Node>,
        /// The paths, shortest first.
        paths: Vec<picture::Path>,
    },
}

/// The page that shows how `from` is connected to what `to` names, within `max_length` links.
pub fn connect(
    from: &picture::Node,
    to: &str,
    max_length: u32,
    found: &Connection,
    mapper: &IriMapper<'_>,
) -> String {
    let from_text = from
        .label
        .clone()
        .unwrap_or_else(|| mapper.compact(&from.iri));
    let title = match found {
        Connection::Paths { to, .. } => format!(
            "How {from_text} is connected to {}",
            to.label.clone().unwrap_or_else(|| mapper.compact(&to.iri))
        ),
        _ => format!("How {from_text} is connected"),
    };
    let mut body = format!(
        "<h1>{}</h1><p>From {}.</p>{}",
        escape(&title),
        iri_link(&from.iri, &from_text, mapper),
        connect_form(&from.iri, to, max_length)
    );
    match found {
        Connection::Unasked => {}
        Connection::NoMatch => {
            let _ = write!(
                body,
                "<p role=\"status\">Nothing in the graph matches “{}”. Try another name, or \
                 <a href=\"/search?q={}\">search for it</a>.</p>",
                escape(to),
                escape(&query_value(to))
            );
        }
        Connection::Paths { to, others, paths } => {
            let to_text = to.label.clone().unwrap_or_else(|| mapper.compact(&to.iri));
            if paths.is_empty() {
                let _ = write!(
                    body,
                    "<p role=\"status\">No path of at most {max_length} link{} joins {} and {}.</p>",
                    if max_length == 1 { "" } else { "s" },
                    escape(&from_text),
                    iri_link(&to.iri, &to_text, mapper),
                );
            } else {
                let _ = write!(
                    body,
                    "<h2>{} path{} to {}</h2>",
                    paths.len(),
                    if paths.len() == 1 { "" } else { "s" },
                    iri_link(&to.iri, &to_text, mapper)
                );
                body.push_str(&picture::paths(paths, mapper));
            }
            if !others.is_empty() {
                body.push_str("<p>Or to another match: ");
                for (i, other) in others.iter().enumerate() {
                    if i > 0 {
                        body.push_str(" · ");
                    }
                    let href = format!(
                        "/connect?from={}&to={}&length={max_length}",
                        query_value(&from.iri),
                        query_value(&other.iri)
                    );
                    let _ = write!(
                        body,
                        "<a href=\"{}\">{}</a> <small>{}</small>",
                        escape(&href),
                        escape(
                            &other
                                .label
                                .clone()
                                .unwrap_or_else(|| mapper.compact(&other.iri))
                        ),
                        escape(&words(&other.type_name))
                    );
                }
                body.push_str("</p>");
            }
        }
    }
    layout(&title, "", &body)
}

/// The page of a request that could not be answered: what went wrong.
pub fn error_page(message: &str) -> String {
    let body = format!(
        "<h1>This page cannot be shown</h1><p class=\"error\" role=\"alert\">{}</p>\
         <p>Start again from the <a href=\"/\">home page</a>.</p>",
        escape(message)
    );
    layout("Error", "", &body)
}

/// The page of something that is not here.
pub fn not_found(what: &str) -> String {
    let body = format!(
        "<h1>Not found</h1><p>{}</p><p>Search for it above, or start from the \
         <a href=\"/\">home page</a>.</p>",
        escape(what)
    );
    layout("Not found", "", &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPPER: IriMapper<'static> = IriMapper {
        base_iri: "https://w3id.org/kgql/id/",
    };

    #[test]
    fn everything_from_the_data_and_the_request_is_escaped() {
        let hits = [Hit {
            iri: "https://w3id.org/kgql/id/org/x".to_owned(),
            label: Some("<script>alert(1)</script>".to_owned()),
            type_name: "Organization".to_owned(),
            matched: Some("\"quoted\" & <b>".to_owned()),
        }];
        let page = search(
            "<img src=x onerror=alert(1)>",
            None,
            &hits,
            &[],
            None,
            &MAPPER,
        );
        assert!(!page.contains("<script>alert"), "{page}");
        assert!(!page.contains("<img src=x"), "{page}");
        assert!(page.contains("&lt;script&gt;"));
        let page = not_found("<b>x</b>");
        assert!(page.contains("&lt;b&gt;x"));
        let page = sparql_editor(
            "</textarea><script>alert(1)</script>",
            &Answer::Error("<i>bad</i>".to_owned()),
            &MAPPER,
        );
        assert!(!page.contains("</textarea><script>"), "{page}");
        assert!(!page.contains("<i>bad</i>"), "{page}");
    }

    #[test]
    fn only_web_iris_become_links() {
        assert!(!iri_link("javascript:alert(1)", "x", &MAPPER).contains("href"));
        assert!(iri_link("https://example.org/a", "x", &MAPPER)
            .contains("href=\"https://example.org/a\""));
        assert!(iri_link("https://w3id.org/kgql/id/org/itu", "ITU", &MAPPER)
            .contains("href=\"/id/org/itu\""));
    }

    #[test]
    fn type_names_read_as_words() {
        assert_eq!(words("ActionPlan"), "action plan");
        assert_eq!(words("Organization"), "organization");
    }
}
