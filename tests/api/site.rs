//! The web face, as a browser asks for it: the home page, search, the SPARQL editor and its
//! answers, pages for what is not there. Programs asking the same URLs still get data.

use crate::helpers::{spawn_app, TestApp};

/// What Chromium and Firefox send for a page.
const BROWSER: &str = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

fn page(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).header("accept", BROWSER).send().unwrap();
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(
        content_type.starts_with("text/html"),
        "{path}: {content_type}"
    );
    assert!(
        response.headers().contains_key("content-security-policy"),
        "{path}"
    );
    (status, response.text().unwrap())
}

#[test]
fn the_home_page_offers_search_kinds_and_sources() {
    let app = spawn_app();
    let (status, html) = page(&app, "/");
    assert_eq!(status, 200);
    assert!(html.contains("action=\"/search\""), "a search box");
    assert!(
        html.contains("<a href=\"/search?type=Organization\">organization</a>"),
        "{html}"
    );
    assert!(
        html.contains("/export?format=ttl&amp;graph="),
        "the sources, with their statements"
    );
    for tool in [
        "/sparql",
        "/graphql",
        "/.well-known/void",
        "/export?format=nq",
    ] {
        assert!(html.contains(&format!("href=\"{tool}\"")), "{tool}");
    }
}

#[test]
fn search_finds_entities_and_counts_their_kinds() {
    let app = spawn_app();
    let (status, html) = page(&app, "/search?q=itu");
    assert_eq!(status, 200);
    let first_row = html.split("<tbody>").nth(1).unwrap_or_default();
    assert!(
        first_row.starts_with("<tr><td><a href=\"/id/org/itu\">"),
        "ITU first: {first_row}"
    );
    assert!(
        html.contains("/search?q=itu&amp;type=FocusGroup"),
        "a facet per kind"
    );
    let (_, html) = page(&app, "/search?q=itu&type=FocusGroup");
    assert!(
        !html.contains("/id/org/itu\""),
        "the facet filters the list"
    );
    let (_, html) = page(&app, "/search?type=Organization");
    assert!(
        html.contains("href=\"/id/org/itu\""),
        "a kind lists its entities"
    );
    // A kind with more than a page of entities pages on.
    let (_, html) = page(&app, "/search?type=Entity");
    let next = html
        .split("<a rel=\"next\" href=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a next page")
        .replace("&amp;", "&");
    let (status, second) = page(&app, &next);
    assert_eq!(status, 200);
    let first_of = |html: &str| {
        html.split("<tbody>")
            .nth(1)
            .and_then(|rest| rest.split("</tr>").next())
            .unwrap_or_default()
            .to_owned()
    };
    assert_ne!(
        first_of(&html),
        first_of(&second),
        "the next page is another page"
    );
    let (status, _) = page(&app, "/search?type=NoSuchKind");
    assert_eq!(status, 400);
    let (_, html) = page(&app, "/search?q=%3Cscript%3Ealert(1)%3C/script%3E");
    assert!(!html.contains("<script>alert(1)"), "the request is escaped");
}

#[test]
fn the_sparql_editor_answers_in_the_browser_and_programs_get_data() {
    let app = spawn_app();
    let (status, html) = page(&app, "/sparql");
    assert_eq!(status, 200);
    assert!(html.contains("<textarea"), "an editor");
    assert!(
        html.contains("PREFIX org: &lt;http://www.w3.org/ns/org#&gt;"),
        "prefixes given"
    );
    assert!(html.contains("/sparql?query="), "example queries");
    let query = "SELECT ?o WHERE { <https://w3id.org/kgql/id/org/itu> <http://www.w3.org/2004/02/skos/core#altLabel> ?o }";
    let url = format!(
        "/sparql?query={}",
        form_urlencoded::byte_serialize(query.as_bytes()).collect::<String>()
    );
    let (status, html) = page(&app, &url);
    assert_eq!(status, 200);
    assert!(html.contains("<th>?o</th>"), "{html}");
    assert!(html.contains("<td>ITU <small>@en</small></td>"), "{html}");
    assert!(html.contains("&amp;format=csv"), "downloads");
    let (status, html) = page(&app, "/sparql?query=SELEC%20x");
    assert_eq!(status, 400);
    assert!(html.contains("class=\"error\""), "{html}");
    // A program keeps getting data from the same URLs.
    let response = app.get(&url).send().unwrap();
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/sparql-results+json"));
    let response = app
        .get(&format!("{url}&format=csv"))
        .header("accept", BROWSER)
        .send()
        .unwrap();
    assert_eq!(response.headers()["content-type"], "text/csv");
    let response = app.get("/sparql").send().unwrap();
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/turtle"));
}

#[test]
fn what_is_not_there_has_a_page_for_people_and_a_line_for_programs() {
    let app = spawn_app();
    let (status, html) = page(&app, "/no/such/page");
    assert_eq!(status, 404);
    assert!(html.contains("href=\"/\""), "a way home");
    assert!(html.contains("action=\"/search\""), "a search box");
    let (status, _) = page(&app, "/id/org/no-such-organisation");
    assert_eq!(status, 404);
    let response = app.get("/no/such/page").send().unwrap();
    assert_eq!(response.status(), 404);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/plain"));
    // Entity pages link home too.
    let (status, html) = page(&app, "/id/org/itu");
    assert_eq!(status, 200);
    assert!(html.contains("<a class=\"name\" href=\"/\">"), "{html}");
}

#[test]
fn an_entity_page_cites_the_sources_of_each_value() {
    let app = spawn_app();
    let (status, html) = page(&app, "/id/org/itu");
    assert_eq!(status, 200);
    assert!(html.contains("<h2 id=\"sources\">Sources</h2>"), "{html}");
    assert!(html.contains("<li id=\"source-1\">"), "{html}");
    // The founding date comes with the number of the source that states it.
    let founding = html
        .split("1865-05-17")
        .nth(1)
        .expect("the founding date is shown");
    assert!(
        founding
            .trim_start()
            .starts_with("<small>xsd:date</small> <sup><a href=\"#source-"),
        "{founding:.200}"
    );
    assert!(
        html.contains("<th scope=\"row\">kind</th>"),
        "rdf:type reads as a word"
    );
    assert!(
        !html.contains("targetNode"),
        "shapes are not facts about ITU"
    );
    // Two classes labelled alike are told apart.
    assert!(
        html.contains("<small>schema:Organization</small>"),
        "{html}"
    );
    assert!(html.contains("<small>org:Organization</small>"), "{html}");
}

#[test]
fn an_entity_page_reads_in_the_reader_s_language() {
    let app = spawn_app();
    let title = |html: &str| {
        html.split("<h1>")
            .nth(1)
            .and_then(|rest| rest.split("</h1>").next())
            .unwrap_or_default()
            .to_owned()
    };
    let html = |language: Option<&str>, path: &str| {
        let mut request = app.get(path).header("accept", BROWSER);
        if let Some(language) = language {
            request = request.header("accept-language", language);
        }
        request.send().unwrap().text().unwrap()
    };
    let english = html(None, "/id/org/itu");
    assert_eq!(title(&english), "International Telecommunication Union");
    let french = html(Some("fr-CH, fr;q=0.9, en;q=0.8"), "/id/org/itu");
    assert_eq!(
        title(&french),
        "Union internationale des télécommunications"
    );
    let chinese = html(Some("zh-CN,zh;q=0.9"), "/id/org/itu");
    assert_eq!(title(&chinese), "国际电信联盟");
    // A language no label has falls back to English.
    assert_eq!(
        title(&html(Some("de"), "/id/org/itu")),
        "International Telecommunication Union"
    );
    // The page offers the languages its labels come in, and `lang` switches.
    assert!(
        english.contains("<a href=\"?lang=fr\" hreflang=\"fr\">fr</a>"),
        "{english}"
    );
    let switched = html(Some("en"), "/id/org/itu?lang=zh");
    assert_eq!(title(&switched), "国际电信联盟");
    assert!(switched.contains("<strong>zh</strong>"));
    let response = app
        .get("/id/org/itu?lang=%3Cscript%3E")
        .header("accept", BROWSER)
        .send()
        .unwrap();
    assert_eq!(response.status(), 400);
}

#[test]
fn a_source_s_page_lists_what_it_states() {
    let app = spawn_app();
    let (status, html) = page(&app, "/id/source/itu-efforts-on-ai-2024");
    assert_eq!(status, 200);
    assert!(
        html.contains("<h2 id=\"statements\">As a source</h2>"),
        "{html}"
    );
    assert!(
        html.contains("/export?format=ttl&amp;graph=https%3A%2F%2Fw3id.org%2Fkgql%2Fid%2Fsource%2Fitu-efforts-on-ai-2024"),
        "{html}"
    );
    let listed = html
        .split("They are about:</p><ul>")
        .nth(1)
        .unwrap_or_default();
    assert!(listed.starts_with("<li><a href=\"/id/"), "{listed:.300}");
    assert!(listed.contains(" statements</small>"), "{listed:.300}");
}

/// The part of a page from the first `from` to the next `to`.
fn between<'a>(html: &'a str, from: &str, to: &str) -> &'a str {
    let rest = html.split(from).nth(1).unwrap_or_default();
    rest.split(to).next().unwrap_or_default()
}

#[test]
fn an_entity_page_groups_its_facts_and_draws_its_neighbourhood() {
    let app = spawn_app();
    let (status, html) = page(&app, "/id/org/itu");
    assert_eq!(status, 200);
    let headings: Vec<&str> = html
        .split("<h2 id=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or_default())
        .collect();
    assert_eq!(
        headings,
        ["about", "dates", "timeline", "relationships", "sources"]
    );
    assert!(between(&html, "id=\"dates\"", "</table>").contains("1865-05-17"));
    assert!(between(&html, "id=\"about\"", "</table>").contains("ITU"));
    // The picture: every node a link to its page, every line a relation between two of them.
    let picture = between(&html, "<figure class=\"graph\" id=\"picture\"", "</figure>");
    let nodes = picture.matches(" data-iri=").count();
    assert!(nodes > 10, "{nodes} nodes");
    assert_eq!(
        picture.matches("<a href=\"/id/").count(),
        nodes,
        "{picture}"
    );
    assert!(picture.matches("<line ").count() >= nodes - 1);
    assert!(picture.contains("data-label=\"organizer\""), "{picture}");
    assert!(
        picture.contains("<ul class=\"key\">"),
        "the relations' colours"
    );
    // The timeline: the founding, then the summits ITU organised, in order.
    let timeline = between(&html, "<ol class=\"timeline\">", "</ol>");
    let founding = timeline.find("1865-05-17").expect("the founding");
    let first = timeline
        .find("AI for Good Global Summit 2017")
        .expect("the 2017 summit");
    let later = timeline
        .find("AI for Good Global Summit 2024")
        .expect("the 2024 summit");
    assert!(founding < first && first < later, "{timeline}");
    // And the question of how it is connected.
    assert!(html.contains("<form class=\"connect\" action=\"/connect\""));
    // The script that makes the picture move is served, and small.
    let script = app.get("/assets/site/site.js").send().unwrap();
    assert_eq!(script.status(), 200);
    assert!(script.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/javascript"));
    assert!(script.bytes().unwrap().len() < 30_000);
}

#[test]
fn values_on_which_sources_disagree_are_marked() {
    let app = spawn_app();
    let response = app.update(
        "PREFIX schema: <http://schema.org/>
         PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
         PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
         INSERT DATA {
           GRAPH <https://w3id.org/kgql/id/source/one> {
             <https://w3id.org/kgql/id/org/disputed> rdfs:label \"Disputed\"@en ;
               schema:foundingDate \"1990\"^^xsd:gYear ; schema:numberOfEmployees 10 .
           }
           GRAPH <https://w3id.org/kgql/id/source/two> {
             <https://w3id.org/kgql/id/org/disputed> schema:foundingDate \"1991\"^^xsd:gYear ;
               schema:numberOfEmployees 10 .
           }
         }",
    );
    assert!(response.status().is_success(), "{:?}", response.text());
    let (status, html) = page(&app, "/id/org/disputed");
    assert_eq!(status, 200);
    let disputed = between(&html, "<td class=\"disagree\">", "</td>");
    assert!(disputed.contains("Sources disagree"), "{html}");
    assert!(
        disputed.contains("1990") && disputed.contains("1991"),
        "{disputed}"
    );
    // Values both sources state alike are not a disagreement.
    assert_eq!(html.matches("class=\"disagree\"").count(), 1, "{html}");
}

#[test]
fn the_connection_page_shows_the_paths_between_two_entities() {
    let app = spawn_app();
    let wic = "https%3A%2F%2Fw3id.org%2Fkgql%2Fid%2Forg%2Fwic";
    let (status, html) = page(&app, &format!("/connect?from={wic}&to=ITU"));
    assert_eq!(status, 200);
    assert!(
        html.contains("to <a href=\"/id/org/itu\">International Telecommunication Union</a></h2>"),
        "{html}"
    );
    let paths = between(&html, "<ol class=\"paths\">", "</ol>");
    let first = between(paths, "<li>", "</li>");
    assert!(
        first.starts_with("<a href=\"/id/org/wic\">World Internet Conference</a>"),
        "{first}"
    );
    assert!(
        first.ends_with("<a href=\"/id/org/itu\">International Telecommunication Union</a>"),
        "{first}"
    );
    assert!(first.contains("<span class=\"rel\">"), "{first}");
    assert!(
        html.contains("<figure class=\"graph paths\">"),
        "the picture"
    );
    // By IRI, and within one link: no path, said so.
    let (status, html) = page(
        &app,
        &format!("/connect?from={wic}&to=https%3A%2F%2Fw3id.org%2Fkgql%2Fid%2Forg%2Fitu&length=1"),
    );
    assert_eq!(status, 200);
    assert!(html.contains("No path of at most 1 link joins"), "{html}");
    let (status, html) = page(&app, &format!("/connect?from={wic}&to=zzqxj"));
    assert_eq!(status, 200);
    assert!(html.contains("Nothing in the graph matches"), "{html}");
    let (status, html) = page(&app, &format!("/connect?from={wic}&to=ITU&length=9"));
    assert_eq!(status, 400);
    assert!(
        html.contains("&#39;length&#39; is a number of links from 1 to 4"),
        "{html}"
    );
    let (status, _) = page(
        &app,
        "/connect?from=https%3A%2F%2Fw3id.org%2Fkgql%2Fid%2Forg%2Fnowhere&to=ITU",
    );
    assert_eq!(status, 404);
}

#[test]
fn go_leads_to_an_entity_s_page_and_never_elsewhere() {
    let app = spawn_app();
    let response = app
        .get("/go?iri=https%3A%2F%2Fw3id.org%2Fkgql%2Fid%2Forg%2Fitu")
        .header("accept", BROWSER)
        .send()
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.url().path(), "/id/org/itu");
    let response = app
        .get("/go?iri=https%3A%2F%2Fevil.example%2F")
        .header("accept", BROWSER)
        .send()
        .unwrap();
    assert_eq!(response.url().host_str(), Some("127.0.0.1"));
    assert_eq!(response.url().path(), "/search");
    // An IRI with characters a header cannot hold.
    let response = app
        .get("/go?iri=https%3A%2F%2Fw3id.org%2Fkgql%2Fid%2Forg%2F%C3%A9t%C3%A9%0A")
        .header("accept", BROWSER)
        .send()
        .unwrap();
    assert_eq!(response.url().host_str(), Some("127.0.0.1"));
    assert!(
        response.url().path().starts_with("/id/org/%C3%A9t%C3%A9"),
        "{}",
        response.url()
    );
    assert_eq!(response.status(), 404, "nothing there, said as a page");
}
