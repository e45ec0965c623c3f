//! Pictures of relationships, drawn on the server as SVG: the neighbourhood of an entity (a
//! radial layout around it) and the paths between two entities (from left to right). Both work
//! without JavaScript: every node is a link to its page, every line names its relation. A script
//! (`/assets/site/graph.js`) makes the neighbourhood interactive; it reads the nodes and links
//! from the drawing itself (`data-` attributes), so the drawing is the one source of both.

use super::{escape, iri_link, words};
use crate::linked_data::IriMapper;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write;

/// A node of a picture.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// Its IRI.
    pub iri: String,
    /// Its label, if it has one.
    pub label: Option<String>,
    /// Its GraphQL type's name (`Organization`).
    pub type_name: String,
}

/// A link of a picture, from `source` to `target`.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// The subject's IRI.
    pub source: String,
    /// The object's IRI.
    pub target: String,
    /// The property's IRI.
    pub predicate: String,
    /// The property's label, if the ontology gives one.
    pub label: Option<String>,
}

impl Node {
    /// Reads a node from a GraphQL `Entity` selection (`__typename iri label`).
    pub fn from_json(entity: &Value) -> Option<Self> {
        Some(Self {
            iri: entity["iri"].as_str()?.to_owned(),
            label: entity["label"].as_str().map(str::to_owned),
            type_name: entity["__typename"].as_str().unwrap_or_default().to_owned(),
        })
    }

    fn text(&self, mapper: &IriMapper<'_>) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| mapper.compact(&self.iri))
    }
}

impl Edge {
    /// Reads a link from a GraphQL `GraphEdge` selection (`source target predicate label`).
    pub fn from_json(edge: &Value) -> Option<Self> {
        Some(Self {
            source: edge["source"].as_str()?.to_owned(),
            target: edge["target"].as_str()?.to_owned(),
            predicate: edge["predicate"].as_str()?.to_owned(),
            label: edge["label"].as_str().map(str::to_owned),
        })
    }

    /// How the relation reads: its label, or the property's compact IRI.
    fn text(&self, mapper: &IriMapper<'_>) -> String {
        self.label
            .clone()
            .unwrap_or_else(|| mapper.compact(&self.predicate))
    }
}

/// The colours of relations, in the order relations are first met (then grey). Each has a
/// contrast of at least 3:1 on white.
const COLOURS: [&str; 12] = [
    "#0969da", "#cf222e", "#1a7f37", "#8250df", "#bc4c00", "#bf3989", "#0a7480", "#7d4e00",
    "#4b5fc9", "#a0111f", "#2f6f3e", "#6e7781",
];

/// The longest label drawn in full; longer ones are cut (the whole stays in the tooltip).
const MAX_LABEL: usize = 26;

fn short(text: &str) -> String {
    if text.chars().count() <= MAX_LABEL {
        return text.to_owned();
    }
    let cut: String = text.chars().take(MAX_LABEL - 1).collect();
    format!("{}…", cut.trim_end())
}

/// Where a node's label goes: outwards from the centre's column, beside the node (below it when
/// the node is in the centre's column).
fn anchor(x: f64, centre_x: Option<f64>) -> (&'static str, f64, f64) {
    let Some(centre_x) = centre_x else {
        return ("middle", 0.0, 22.0);
    };
    if x < centre_x - 1.0 {
        ("end", -11.0, 4.0)
    } else if x > centre_x + 1.0 {
        ("start", 11.0, 4.0)
    } else {
        ("middle", 0.0, 22.0)
    }
}

/// The relations of a picture with their colours, in the order they are first met.
fn relations(edges: &[Edge], mapper: &IriMapper<'_>) -> Vec<(String, String, &'static str)> {
    let mut seen: Vec<(String, String, &'static str)> = Vec::new();
    for edge in edges {
        if !seen.iter().any(|(p, _, _)| *p == edge.predicate) {
            let colour = COLOURS[seen.len().min(COLOURS.len() - 1)];
            seen.push((edge.predicate.clone(), edge.text(mapper), colour));
        }
    }
    seen
}

/// Draws nodes at the given places and the links between them.
fn draw(
    svg: &mut String,
    nodes: &[(&Node, f64, f64)],
    edges: &[Edge],
    centre: Option<&str>,
    centre_x: Option<f64>,
    mapper: &IriMapper<'_>,
) {
    let relations = relations(edges, mapper);
    let colour = |predicate: &str| {
        relations
            .iter()
            .find(|(p, _, _)| p == predicate)
            .map_or(COLOURS[COLOURS.len() - 1], |(_, _, c)| *c)
    };
    let place: HashMap<&str, (f64, f64)> = nodes
        .iter()
        .map(|(node, x, y)| (node.iri.as_str(), (*x, *y)))
        .collect();
    svg.push_str("<g class=\"links\">");
    for edge in edges {
        let (Some((x1, y1)), Some((x2, y2))) = (
            place.get(edge.source.as_str()),
            place.get(edge.target.as_str()),
        ) else {
            continue;
        };
        let _ = write!(
            svg,
            "<line x1=\"{x1:.1}\" y1=\"{y1:.1}\" x2=\"{x2:.1}\" y2=\"{y2:.1}\" stroke=\"{}\" \
             data-source=\"{}\" data-target=\"{}\" data-predicate=\"{}\" data-label=\"{}\">\
             <title>{}</title></line>",
            colour(&edge.predicate),
            escape(&edge.source),
            escape(&edge.target),
            escape(&edge.predicate),
            escape(&edge.text(mapper)),
            escape(&edge.text(mapper)),
        );
    }
    svg.push_str("</g><g class=\"nodes\">");
    for (node, x, y) in nodes {
        let text = node.text(mapper);
        let is_centre = centre == Some(node.iri.as_str());
        let (align, dx, dy) = if is_centre {
            ("middle", 0.0, 28.0)
        } else {
            anchor(*x, centre_x)
        };
        let _ = write!(
            svg,
            "<g class=\"node{}\" data-iri=\"{}\" data-label=\"{}\" data-type=\"{}\" \
             transform=\"translate({x:.1} {y:.1})\">",
            if is_centre { " centre" } else { "" },
            escape(&node.iri),
            escape(&text),
            escape(&node.type_name),
        );
        let mark = format!(
            "<circle r=\"{}\"></circle><text x=\"{dx}\" y=\"{dy}\" text-anchor=\"{align}\">{}</text>\
             <title>{} ({})</title>",
            if is_centre { 11 } else { 7 },
            escape(&short(&text)),
            escape(&text),
            escape(&words(&node.type_name)),
        );
        match mapper.local_path(&node.iri) {
            Some(path) => {
                let _ = write!(svg, "<a href=\"{}\">{mark}</a>", escape(&path));
            }
            None => svg.push_str(&mark),
        }
        svg.push_str("</g>");
    }
    svg.push_str("</g>");
}

/// The key of a picture's colours: one entry per relation.
fn key(relations: &[(String, String, &'static str)]) -> String {
    let mut html = String::from("<ul class=\"key\">");
    for (predicate, text, colour) in relations {
        let _ = write!(
            html,
            "<li data-predicate=\"{}\"><span class=\"swatch\" style=\"background:{colour}\"></span>{}</li>",
            escape(predicate),
            escape(text)
        );
    }
    html.push_str("</ul>");
    html
}

/// The neighbourhood of `centre`: its neighbours on two arcs, to its right and to its left (so
/// that every label reads outwards, horizontally, and none crosses another), in the order of
/// the relation that links each to it, and the links among them all.
pub fn neighbourhood(
    centre: &str,
    nodes: &[Node],
    edges: &[Edge],
    mapper: &IriMapper<'_>,
) -> String {
    const WIDTH: f64 = 760.0;
    let Some(middle) = nodes.iter().find(|n| n.iri == centre) else {
        return String::new();
    };
    // Neighbours in the order of the relation that first links each to the centre, then label.
    let relations = relations(edges, mapper);
    let rank = |node: &Node| {
        edges
            .iter()
            .filter(|e| {
                (e.source == centre && e.target == node.iri)
                    || (e.target == centre && e.source == node.iri)
            })
            .filter_map(|e| relations.iter().position(|(p, _, _)| *p == e.predicate))
            .min()
            .unwrap_or(relations.len())
    };
    let mut around: Vec<(usize, String, &Node)> = nodes
        .iter()
        .filter(|n| n.iri != centre)
        .map(|n| (rank(n), n.text(mapper).to_lowercase(), n))
        .collect();
    around.sort_by(|a, b| (a.0, &a.1, &a.2.iri).cmp(&(b.0, &b.1, &b.2.iri)));
    let count = around.len();
    // Half on the right arc from top to bottom, the rest on the left arc from bottom to top:
    // round the circle, so that a relation's nodes stay together. Rows are 24 units apart.
    let right = count.div_ceil(2);
    let rows = right.max(1) as f64;
    let height = (rows * 24.0 + 60.0).max(200.0);
    let (cx, cy) = (WIDTH / 2.0, height / 2.0);
    let ry = (height - 60.0) / 2.0;
    let rx = 170.0;
    let mut placed: Vec<(&Node, f64, f64)> = vec![(middle, cx, cy)];
    for (i, (_, _, node)) in around.iter().enumerate() {
        let (side, index, of) = if i < right {
            (1.0, i, right)
        } else {
            (-1.0, count - 1 - i, count - right)
        };
        // From -60° to 60° on the arc, evenly by height.
        let t = if of == 1 {
            0.0
        } else {
            index as f64 / (of - 1) as f64 * 2.0 - 1.0
        };
        let y = cy + ry * t;
        let x = cx + side * (rx * (1.0 - t * t).sqrt()).max(90.0);
        placed.push((node, x, y));
    }
    let label = middle.text(mapper);
    let mut html = format!(
        "<figure class=\"graph\" id=\"picture\" data-centre=\"{}\">\
         <svg viewBox=\"0 0 {WIDTH} {height}\" role=\"group\" aria-label=\"{} and the {count} \
         entities it is linked to\">",
        escape(centre),
        escape(&label),
    );
    draw(&mut html, &placed, edges, Some(centre), Some(cx), mapper);
    let _ = write!(
        html,
        "</svg><figcaption>{}: {count} linked entit{}, {} link{}. Select an entity to open its \
         page.</figcaption>{}</figure>",
        escape(&label),
        if count == 1 { "y" } else { "ies" },
        edges.len(),
        if edges.len() == 1 { "" } else { "s" },
        key(&relations),
    );
    html
}

/// A path between two entities: its nodes, from the start, and its links in order.
#[derive(Clone, Debug)]
pub struct Path {
    /// The nodes, from the start to the end.
    pub nodes: Vec<Node>,
    /// The links, in order; a link may point backwards.
    pub edges: Vec<Edge>,
}

/// The paths from `from` to `to`, drawn from left to right (each path on its own row, the ends
/// shared), and written out as text.
pub fn paths(paths: &[Path], mapper: &IriMapper<'_>) -> String {
    const WIDTH: f64 = 860.0;
    const ROW: f64 = 64.0;
    let Some(first) = paths.first() else {
        return String::new();
    };
    let (start, end) = (&first.nodes[0], &first.nodes[first.nodes.len() - 1]);
    let rows = paths.len() as f64;
    let height = (rows * ROW + 40.0).max(140.0);
    let middle = height / 2.0;
    let margin = 150.0;
    let mut places: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    let mut placed: Vec<(&Node, f64, f64)> = Vec::new();
    let mut edges: Vec<Edge> = Vec::new();
    for (row, path) in paths.iter().enumerate() {
        let steps = path.nodes.len().saturating_sub(1).max(1) as f64;
        for (i, node) in path.nodes.iter().enumerate() {
            if places.contains_key(&node.iri) {
                continue;
            }
            let x = margin + (WIDTH - 2.0 * margin) * i as f64 / steps;
            let y = if node.iri == start.iri || node.iri == end.iri {
                middle
            } else {
                32.0 + ROW * row as f64 + (height - 40.0 - rows * ROW) / 2.0
            };
            places.insert(node.iri.clone(), (x, y));
            placed.push((node, x, y));
        }
        for edge in &path.edges {
            if !edges.contains(edge) {
                edges.push(edge.clone());
            }
        }
    }
    let mut html = format!(
        "<figure class=\"graph paths\"><svg viewBox=\"0 0 {WIDTH} {height}\" role=\"group\" \
         aria-label=\"The paths from {} to {}\">",
        escape(&start.text(mapper)),
        escape(&end.text(mapper)),
    );
    draw(&mut html, &placed, &edges, None, None, mapper);
    html.push_str("</svg>");
    html.push_str(&key(&relations(&edges, mapper)));
    html.push_str("</figure><ol class=\"paths\">");
    for path in paths {
        html.push_str("<li>");
        for (i, node) in path.nodes.iter().enumerate() {
            if i > 0 {
                let edge = &path.edges[i - 1];
                let text = escape(&edge.text(mapper));
                if edge.source == path.nodes[i - 1].iri {
                    let _ = write!(html, " <span class=\"rel\">— {text} →</span> ");
                } else {
                    let _ = write!(html, " <span class=\"rel\">← {text} —</span> ");
                }
            }
            html.push_str(&iri_link(&node.iri, &node.text(mapper), mapper));
        }
        html.push_str("</li>");
    }
    html.push_str("</ol>");
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAPPER: IriMapper<'static> = IriMapper {
        base_iri: "https://w3id.org/kgql/id/",
    };

    fn node(name: &str, label: &str) -> Node {
        Node {
            iri: format!("https://w3id.org/kgql/id/{name}"),
            label: Some(label.to_owned()),
            type_name: "Organization".to_owned(),
        }
    }

    fn edge(from: &str, to: &str, label: &str) -> Edge {
        Edge {
            source: format!("https://w3id.org/kgql/id/{from}"),
            target: format!("https://w3id.org/kgql/id/{to}"),
            predicate: format!("https://example.org/{label}"),
            label: Some(label.to_owned()),
        }
    }

    #[test]
    fn a_neighbourhood_links_every_node_and_escapes_the_data() {
        let nodes = [
            node("a", "<script>alert(1)</script>"),
            node("b", "B"),
            node("c", "C \" onload=\"x"),
        ];
        let edges = [edge("a", "b", "part of"), edge("c", "a", "<i>funds</i>")];
        let svg = neighbourhood(&nodes[0].iri, &nodes, &edges, &MAPPER);
        assert!(!svg.contains("<script>"), "{svg}");
        assert!(!svg.contains("\" onload"), "{svg}");
        assert!(!svg.contains("<i>"), "{svg}");
        assert_eq!(svg.matches("<a href=\"/id/").count(), 3, "{svg}");
        assert_eq!(svg.matches("<line ").count(), 2);
        assert!(svg.contains("class=\"node centre\""));
    }

    #[test]
    fn a_path_reads_both_ways() {
        let path = Path {
            nodes: vec![node("a", "A"), node("b", "B"), node("c", "C")],
            edges: vec![edge("a", "b", "organises"), edge("c", "b", "member of")],
        };
        let html = paths(&[path], &MAPPER);
        assert!(html.contains("— organises →"), "{html}");
        assert!(html.contains("← member of —"), "{html}");
        assert_eq!(html.matches("<line ").count(), 2);
    }

    #[test]
    fn long_labels_are_cut_in_the_drawing_only() {
        let long = "The World Summit on the Information Society Forum";
        assert!(short(long).ends_with('…'));
        assert!(short(long).chars().count() <= MAX_LABEL);
        let svg = neighbourhood(
            "https://w3id.org/kgql/id/a",
            &[node("a", long)],
            &[],
            &MAPPER,
        );
        assert!(svg.contains(&format!("<title>{long}")), "{svg}");
    }
}
