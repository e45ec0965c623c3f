//! Writing an entity's page: its heading, its sections (what identifies it, its dates, its
//! timeline, its relationships), a table per section with a row per property, and the page of
//! one property's links.

use super::timeline::is_date;
use super::{local_name, EntityPage, LinkGroup};
use crate::linked_data::IriMapper;
use crate::site::picture::Node;
use crate::site::{escape, query_value};
use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::Term;
use std::fmt::Write as _;

/// The order of the properties that say what an entity is (by local name); others follow, by
/// label.
const ABOUT_ORDER: [&str; 12] = [
    "prefLabel",
    "label",
    "title",
    "altLabel",
    "type",
    "description",
    "abstract",
    "comment",
    "homepage",
    "url",
    "identifier",
    "sameAs",
];

/// The parts of an entity's page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    /// What identifies and describes it: kinds, names, descriptions, identifiers, web links.
    About,
    /// Its dates.
    Dates,
    /// Its links to other entities.
    Out,
    /// Other entities' links to it.
    In,
}

/// The URL of the page that lists `group`'s links from `offset`.
fn focus_href(group: &LinkGroup, offset: usize) -> String {
    format!(
        "?links={}&amp;property={}&amp;offset={offset}",
        if group.incoming { "in" } else { "out" },
        escape(&query_value(group.property.as_str()))
    )
}

impl EntityPage {
    /// Renders the page as a self-contained HTML document.
    pub fn render(&self, mapper: &IriMapper<'_>) -> String {
        let title = self
            .label(self.entity.as_str())
            .map_or_else(|| mapper.compact(self.entity.as_str()), str::to_owned);
        let mut html = String::new();
        let _ = write!(
            html,
            "<h1>{title}</h1><p><code>{iri}</code></p>\
             <p>Also as <a href=\"?format=ttl\">Turtle</a>, <a href=\"?format=jsonld\">JSON-LD</a>, \
             <a href=\"?format=nt\">N-Triples</a>, <a href=\"?format=rdfxml\">RDF/XML</a>.</p>",
            title = escape(&title),
            iri = escape(self.entity.as_str()),
        );
        self.language_switch(&mut html);
        if self.focused {
            html.push_str("<p><a href=\"?\">All of this entity's properties</a></p>");
            let groups: Vec<&LinkGroup> = self.groups.iter().collect();
            self.table(&groups, mapper, &mut html);
        } else {
            self.sections(mapper, &mut html);
        }
        self.as_source(mapper, &mut html);
        self.source_list(mapper, &mut html);
        crate::site::layout_with_head(
            &title,
            "",
            "<link rel=\"alternate\" type=\"text/turtle\" href=\"?format=ttl\">\
             <link rel=\"alternate\" type=\"application/ld+json\" href=\"?format=jsonld\">",
            &html,
        )
    }

    /// The languages the entity's labels come in, each a link to the page in it (the one the
    /// page reads in marked); nothing when there is only one.
    fn language_switch(&self, html: &mut String) {
        let (languages, reading) = &self.languages;
        if languages.len() <= 1 {
            return;
        }
        html.push_str("<p>Labels in: ");
        let mut sorted = languages.clone();
        sorted.sort();
        for (i, language) in sorted.iter().enumerate() {
            if i > 0 {
                html.push_str(" · ");
            }
            if reading.as_deref() == Some(language.as_str()) {
                let _ = write!(html, "<strong>{}</strong>", escape(language));
            } else {
                let _ = write!(
                    html,
                    "<a href=\"?lang={0}\" hreflang=\"{0}\">{0}</a>",
                    escape(language)
                );
            }
        }
        html.push_str("</p>");
    }

    /// The sections of the whole page: about, dates, the timeline, and the relationships (the
    /// picture, the way to a connection, the links both ways).
    fn sections(&self, mapper: &IriMapper<'_>, html: &mut String) {
        let in_section = |section: Section| -> Vec<&LinkGroup> {
            self.groups
                .iter()
                .filter(|g| self.section(g, mapper) == section)
                .collect()
        };
        for (section, heading, id) in [
            (Section::About, "About", "about"),
            (Section::Dates, "Dates", "dates"),
        ] {
            let mut groups = in_section(section);
            // Names first, then kinds, descriptions, and links elsewhere.
            groups.sort_by_key(|g| {
                let name = local_name(g.property.as_str());
                let rank = ABOUT_ORDER
                    .iter()
                    .position(|n| *n == name)
                    .unwrap_or(ABOUT_ORDER.len());
                (
                    rank,
                    self.label(g.property.as_str()).unwrap_or(name).to_owned(),
                )
            });
            if !groups.is_empty() {
                let _ = write!(html, "<h2 id=\"{id}\">{heading}</h2>");
                self.table(&groups, mapper, html);
            }
        }
        html.push_str(&self.timeline(mapper));
        html.push_str("<h2 id=\"relationships\">Relationships</h2>");
        html.push_str(&self.picture(mapper));
        html.push_str(&crate::site::connect_form(self.entity.as_str(), "", 3));
        let out = in_section(Section::Out);
        if !out.is_empty() {
            html.push_str("<h3>Links to</h3>");
            self.table(&out, mapper, html);
        }
        let incoming = in_section(Section::In);
        if !incoming.is_empty() {
            html.push_str("<h3 id=\"referenced-by\">Referenced by</h3>");
            self.table(&incoming, mapper, html);
        }
    }

    /// A link to an IRI: to its local page when it is in the entity namespace, to the IRI itself
    /// when it is `http(s)`, and plain text otherwise (`javascript:`, `data:`, URNs…).
    pub(super) fn link(&self, iri: &str, mapper: &IriMapper<'_>) -> String {
        let text = self
            .label(iri)
            .map_or_else(|| mapper.compact(iri), str::to_owned);
        let href = mapper.local_path(iri).or_else(|| {
            let lower = iri.get(..8).unwrap_or(iri).to_ascii_lowercase();
            (lower.starts_with("http://") || lower.starts_with("https://")).then(|| iri.to_owned())
        });
        match href {
            Some(href) => format!("<a href=\"{}\">{}</a>", escape(&href), escape(&text)),
            None => format!("<span title=\"{}\">{}</span>", escape(iri), escape(&text)),
        }
    }

    fn term(&self, term: &Term, mapper: &IriMapper<'_>, html: &mut String) {
        match term {
            Term::NamedNode(node) => html.push_str(&self.link(node.as_str(), mapper)),
            Term::BlankNode(node) => {
                // Blank nodes are shown inline with their own properties.
                html.push_str("<ul>");
                for (p, o) in self.blanks.get(node).into_iter().flatten() {
                    let _ = write!(html, "<li>{} ", self.link(p.as_str(), mapper));
                    match o {
                        Term::NamedNode(n) => html.push_str(&self.link(n.as_str(), mapper)),
                        Term::Literal(l) => html.push_str(&escape(l.value())),
                        other => html.push_str(&escape(&other.to_string())),
                    }
                    html.push_str("</li>");
                }
                html.push_str("</ul>");
            }
            Term::Literal(literal) => {
                html.push_str(&escape(literal.value()));
                if let Some(language) = literal.language() {
                    let _ = write!(html, " <small>@{}</small>", escape(language));
                } else if literal.datatype() != xsd::STRING {
                    let _ = write!(
                        html,
                        " <small>{}</small>",
                        escape(&mapper.compact(literal.datatype().as_str()))
                    );
                }
            }
            #[allow(unreachable_patterns)]
            other => html.push_str(&escape(&other.to_string())),
        }
    }

    /// Which part of the page a group of links belongs in.
    fn section(&self, group: &LinkGroup, mapper: &IriMapper<'_>) -> Section {
        if group.incoming {
            return Section::In;
        }
        let literals = group.values.iter().filter_map(|v| match v {
            Term::Literal(l) => Some(l),
            _ => None,
        });
        if group.values.iter().all(Term::is_literal) && literals.clone().count() > 0 {
            return if literals.clone().all(is_date) {
                Section::Dates
            } else {
                Section::About
            };
        }
        let entities = group.values.iter().any(|v| match v {
            Term::NamedNode(n) => mapper.local_path(n.as_str()).is_some(),
            Term::BlankNode(_) => true,
            _ => false,
        });
        if entities && group.property.as_ref() != rdf::TYPE {
            Section::Out
        } else {
            Section::About
        }
    }

    /// A table of groups of links, one row per property.
    fn table(&self, groups: &[&LinkGroup], mapper: &IriMapper<'_>, html: &mut String) {
        html.push_str("<table>");
        let property_labels: Vec<Option<&str>> = groups
            .iter()
            .map(|g| self.label(g.property.as_str()))
            .collect();
        for (index, group) in groups.iter().enumerate() {
            let property = self.property(group, &property_labels, index, mapper);
            let disagree = self.disagreement(group);
            let _ = write!(
                html,
                "<tr><th scope=\"row\">{property}</th><td{}>",
                if disagree { " class=\"disagree\"" } else { "" }
            );
            if disagree {
                html.push_str("<strong>Sources disagree:</strong> each value with its sources.");
            }
            if self.focused {
                let _ = write!(
                    html,
                    "<p>{}–{} of {}</p>",
                    (group.offset + 1).min(group.total),
                    group.offset + group.values.len(),
                    group.total
                );
            }
            self.values(group, mapper, html);
            self.more(group, html);
            html.push_str("</td></tr>");
        }
        html.push_str("</table>");
    }

    /// The heading of the row of the `index`th group of a table whose properties' labels are
    /// `property_labels`.
    fn property(
        &self,
        group: &LinkGroup,
        property_labels: &[Option<&str>],
        index: usize,
        mapper: &IriMapper<'_>,
    ) -> String {
        let mut property =
            if group.property.as_ref() == rdf::TYPE && self.label(rdf::TYPE.as_str()).is_none() {
                "kind".to_owned()
            } else {
                self.link(group.property.as_str(), mapper)
            };
        // Two properties that read the same (`owl:sameAs`, `schema:sameAs`) show their
        // compact IRIs too.
        let label = property_labels[index];
        if label.is_some() && property_labels.iter().filter(|l| **l == label).count() > 1 {
            let _ = write!(
                property,
                " <small>{}</small>",
                escape(&mapper.compact(group.property.as_str()))
            );
        }
        property
    }

    /// The values of a group: one alone, several as a list, each with its sources.
    fn values(&self, group: &LinkGroup, mapper: &IriMapper<'_>, html: &mut String) {
        // Values that would read the same (two vocabularies' `Organization`) show their
        // compact IRIs too.
        let texts: Vec<Option<&str>> = group
            .values
            .iter()
            .map(|v| match v {
                Term::NamedNode(n) => self.label(n.as_str()),
                _ => None,
            })
            .collect();
        let ambiguous =
            |i: usize| texts[i].is_some() && texts.iter().filter(|t| **t == texts[i]).count() > 1;
        let value = |i: usize, v: &Term, html: &mut String| {
            self.term(v, mapper, html);
            if let (true, Term::NamedNode(n)) = (ambiguous(i), v) {
                let _ = write!(
                    html,
                    " <small>{}</small>",
                    escape(&mapper.compact(n.as_str()))
                );
            }
            self.cite(group, v, html);
        };
        if group.values.len() == 1 && group.total == 1 {
            value(0, &group.values[0], html);
        } else {
            html.push_str("<ul>");
            for (i, v) in group.values.iter().enumerate() {
                html.push_str("<li>");
                value(i, v, html);
                html.push_str("</li>");
            }
            html.push_str("</ul>");
        }
    }

    /// The links to a group's other links: to the rest on the whole page, to the next and the
    /// previous ones on the page of one property.
    fn more(&self, group: &LinkGroup, html: &mut String) {
        let shown = group.values.len();
        let next = group.offset + shown;
        if next < group.total {
            if self.focused {
                let _ = write!(
                    html,
                    "<p>… and {} more: <a href=\"{}\">next {}</a></p>",
                    group.total - next,
                    focus_href(group, next),
                    shown.min(group.total - next)
                );
            } else {
                let _ = write!(
                    html,
                    "<p>… and {} more: <a href=\"{}\">list them</a></p>",
                    group.total - next,
                    focus_href(group, next),
                );
            }
        }
        if self.focused && group.offset > 0 {
            let previous = group.offset.saturating_sub(shown.max(1));
            let _ = write!(
                html,
                "<p><a href=\"{}\">previous</a></p>",
                focus_href(group, previous)
            );
        }
    }

    /// The picture of the neighbourhood, with labels in the page's language where it has them.
    fn picture(&self, mapper: &IriMapper<'_>) -> String {
        let Some((nodes, edges)) = &self.neighbourhood else {
            return String::new();
        };
        if nodes.len() < 2 {
            return String::new();
        }
        let nodes: Vec<Node> = nodes
            .iter()
            .map(|n| Node {
                label: self.label(&n.iri).map(str::to_owned).or(n.label.clone()),
                ..n.clone()
            })
            .collect();
        crate::site::picture::neighbourhood(self.entity.as_str(), &nodes, edges, mapper)
    }
}
