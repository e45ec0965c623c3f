//! The page's HTML: everything from the data escaped, only web IRIs as links, a long group linked
//! to the rest.

use super::*;
use crate::linked_data::IriMapper;

fn page(values: Vec<Term>, labels: &[(&str, &str)]) -> EntityPage {
    EntityPage {
        entity: NamedNode::new("https://w3id.org/kgql/id/org/x").unwrap(),
        groups: vec![LinkGroup {
            incoming: false,
            property: NamedNode::new("http://schema.org/url").unwrap(),
            total: values.len(),
            values,
            offset: 0,
        }],
        labels: labels
            .iter()
            .map(|(iri, label)| ((*iri).to_owned(), (*label).to_owned()))
            .collect(),
        blanks: HashMap::new(),
        stated_in: HashMap::new(),
        sources: Vec::new(),
        graph: None,
        languages: (Vec::new(), None),
        focused: false,
        dates: HashMap::new(),
        neighbourhood: None,
        queries: 0,
    }
}

const MAPPER: IriMapper<'static> = IriMapper {
    base_iri: "https://w3id.org/kgql/id/",
};

#[test]
fn html_escapes_everything_from_the_data() {
    let html = page(
        vec![
            Literal::new_language_tagged_literal("<script>alert(1)</script>", "en")
                .unwrap()
                .into(),
        ],
        &[(
            "https://w3id.org/kgql/id/org/x",
            "<img src=x onerror=alert(1)>",
        )],
    )
    .render(&MAPPER);
    assert!(!html.contains("<script>"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    assert!(html.contains("&lt;script&gt;"));
}

#[test]
fn only_web_iris_become_links() {
    let values = [
        "javascript:alert(1)",
        "data:text/html,%3Cb%3Ex",
        "JaVaScRiPt:x",
        "urn:isbn:1",
        "https://ok.example/",
        "HTTP://ok.example/",
    ]
    .iter()
    .map(|iri| NamedNode::new(*iri).unwrap().into())
    .collect();
    let html = page(values, &[]).render(&MAPPER);
    assert!(
        !html.to_ascii_lowercase().contains("href=\"javascript"),
        "{html}"
    );
    assert!(!html.contains("href=\"data:"), "{html}");
    assert!(!html.contains("href=\"urn:"), "{html}");
    assert!(html.contains("href=\"https://ok.example/\""), "{html}");
    assert!(html.contains("href=\"HTTP://ok.example/\""), "{html}");
}

#[test]
fn a_long_group_links_to_the_rest() {
    let values: Vec<Term> = (0..3)
        .map(|i| {
            NamedNode::new(format!("https://w3id.org/kgql/id/org/{i}"))
                .unwrap()
                .into()
        })
        .collect();
    let mut page = page(values, &[]);
    page.groups[0].total = 28_000;
    let html = page.render(&MAPPER);
    assert!(html.contains("and 27997 more"), "{html}");
    assert!(
        html.contains("?links=out&amp;property=http%3A%2F%2Fschema.org%2Furl&amp;offset=3"),
        "{html}"
    );
}
