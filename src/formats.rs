//! Serialization formats and HTTP content negotiation, independent of any web framework.
//!
//! Query results come as SPARQL results (JSON, XML, CSV, TSV) for SELECT and ASK, and as RDF
//! (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML) for CONSTRUCT, DESCRIBE, linked-data
//! pages and exports. A client picks one with `Accept` (q-values honoured) or a `format` name.

use oxigraph::io::{JsonLdProfileSet, RdfFormat};
use oxigraph::sparql::results::QueryResultsFormat;

/// The formats offered for SELECT and ASK results, in the server's order of preference.
pub const RESULTS_FORMATS: [QueryResultsFormat; 4] = [
    QueryResultsFormat::Json,
    QueryResultsFormat::Xml,
    QueryResultsFormat::Csv,
    QueryResultsFormat::Tsv,
];

/// JSON-LD as kgql writes it.
pub const JSON_LD: RdfFormat = RdfFormat::JsonLd {
    profile: JsonLdProfileSet::empty(),
};

/// The formats offered for graphs, in the server's order of preference.
pub const RDF_FORMATS: [RdfFormat; 6] = [
    RdfFormat::Turtle,
    RdfFormat::NTriples,
    RdfFormat::NQuads,
    RdfFormat::TriG,
    JSON_LD,
    RdfFormat::RdfXml,
];

/// The media types that select a results format (the first is the one answered).
pub fn results_media_types(format: QueryResultsFormat) -> &'static [&'static str] {
    match format {
        QueryResultsFormat::Json => &["application/sparql-results+json", "application/json"],
        QueryResultsFormat::Xml => &[
            "application/sparql-results+xml",
            "application/xml",
            "text/xml",
        ],
        QueryResultsFormat::Csv => &["text/csv"],
        QueryResultsFormat::Tsv => &["text/tab-separated-values"],
        _ => &[],
    }
}

/// The media types that select an RDF format (the first is the one answered).
pub fn rdf_media_types(format: RdfFormat) -> &'static [&'static str] {
    match format {
        RdfFormat::Turtle => &["text/turtle", "application/x-turtle"],
        RdfFormat::NTriples => &["application/n-triples", "text/plain"],
        RdfFormat::NQuads => &["application/n-quads", "text/x-nquads"],
        RdfFormat::TriG => &["application/trig", "application/x-trig"],
        RdfFormat::JsonLd { .. } => &["application/ld+json", "application/json"],
        RdfFormat::RdfXml => &["application/rdf+xml"],
        RdfFormat::N3 => &["text/n3"],
        _ => &[],
    }
}

/// Finds an RDF format from a short name (`ttl`, `turtle`, `nt`, `jsonld`...), a file extension
/// or a media type.
pub fn rdf_format_from_name(name: &str) -> Option<RdfFormat> {
    let name = name.trim().to_ascii_lowercase();
    match name.as_str() {
        "turtle" | "ttl" => Some(RdfFormat::Turtle),
        "ntriples" | "n-triples" | "nt" => Some(RdfFormat::NTriples),
        "nquads" | "n-quads" | "nq" => Some(RdfFormat::NQuads),
        "trig" => Some(RdfFormat::TriG),
        "jsonld" | "json-ld" => Some(JSON_LD),
        "rdfxml" | "rdf/xml" | "rdf-xml" | "rdf" | "owl" | "xml" => Some(RdfFormat::RdfXml),
        "n3" => Some(RdfFormat::N3),
        other => RDF_FORMATS.into_iter().find(|format| {
            rdf_media_types(*format)
                .iter()
                .any(|m| *m == media_type_essence(other))
        }),
    }
}

/// JSON-LD in its expanded form (no `@context`), as Oxigraph writes it.
pub const JSON_LD_EXPANDED: RdfFormat = RdfFormat::JsonLd {
    profile: JsonLdProfileSet::from_profile(oxigraph::io::JsonLdProfile::Expanded),
};

/// Finds a format for a graph answer from a name clients use for one: the names of
/// [`rdf_format_from_name`], `json` (JSON-LD), `jsonld-expanded`, `n3` (written as Turtle, which
/// is N3), `rdf+xml`, or a media type (`application/ld+json` with the expanded profile among
/// its parameters asks for the expanded form).
pub fn graph_format_from_name(name: &str) -> Option<RdfFormat> {
    let lower = name.trim().to_ascii_lowercase();
    let essence = media_type_essence(&lower);
    match essence.as_str() {
        "json" | "application/json" | "jsonld" | "json-ld" | "application/ld+json"
            if lower.contains(crate::jsonld::EXPANDED) || lower.contains("expanded") =>
        {
            Some(JSON_LD_EXPANDED)
        }
        "json" | "application/json" => Some(JSON_LD),
        "jsonld-expanded" | "json-ld-expanded" => Some(JSON_LD_EXPANDED),
        "n3" | "text/n3" => Some(RdfFormat::N3),
        "rdf+xml" => Some(RdfFormat::RdfXml),
        _ => rdf_format_from_name(&essence).filter(|f| RDF_FORMATS.contains(f)),
    }
}

/// Negotiates the format of a graph answer: one of [`RDF_FORMATS`], or N3 (named exactly).
/// JSON-LD is compacted unless a range of it asks for the expanded profile
/// (`application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"`).
pub fn negotiate_graph(accept: Option<&str>) -> Result<Option<RdfFormat>, InvalidAccept> {
    let mut offers: Vec<_> = RDF_FORMATS
        .iter()
        .map(|f| (*f, rdf_media_types(*f)))
        .collect();
    offers.push((RdfFormat::N3, rdf_media_types(RdfFormat::N3)));
    Ok(negotiate(accept, &offers)?.map(|format| with_json_ld_profile(format, accept)))
}

/// JSON-LD in the form `accept` asks for: expanded when a range of it names the expanded
/// profile (`application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"`), else
/// compacted. Other formats are returned as they are.
pub fn with_json_ld_profile(format: RdfFormat, accept: Option<&str>) -> RdfFormat {
    let expanded = accept.is_some_and(|header| {
        header.split(',').any(|range| {
            let range = range.to_ascii_lowercase();
            media_type_essence(&range) == "application/ld+json"
                && range.contains(crate::jsonld::EXPANDED)
        })
    });
    match format {
        RdfFormat::JsonLd { .. } if expanded => JSON_LD_EXPANDED,
        other => other,
    }
}

/// Finds a results format from a short name (`json`, `xml`, `csv`, `tsv`) or a media type.
pub fn results_format_from_name(name: &str) -> Option<QueryResultsFormat> {
    let name = name.trim().to_ascii_lowercase();
    match name.as_str() {
        "json" | "srj" => Some(QueryResultsFormat::Json),
        "xml" | "srx" => Some(QueryResultsFormat::Xml),
        "csv" => Some(QueryResultsFormat::Csv),
        "tsv" => Some(QueryResultsFormat::Tsv),
        other => RESULTS_FORMATS.into_iter().find(|format| {
            results_media_types(*format)
                .iter()
                .any(|m| *m == media_type_essence(other))
        }),
    }
}

/// Guesses an RDF format from a file name's extension.
pub fn rdf_format_from_path(path: &std::path::Path) -> Option<RdfFormat> {
    let extension = path.extension()?.to_str()?;
    RdfFormat::from_extension(extension).or_else(|| rdf_format_from_name(extension))
}

/// The `type/subtype` part of a media type, lower-cased, without parameters.
pub fn media_type_essence(media_type: &str) -> String {
    media_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

/// One media range of an `Accept` header.
#[derive(Debug, Clone, PartialEq)]
struct MediaRange {
    kind: String,
    subtype: String,
    quality: f32,
}

impl MediaRange {
    /// How specifically this range matches `media_type`: 3 exact, 2 `type/*`, 1 `*/*`.
    fn specificity(&self, media_type: &str) -> Option<u8> {
        let (kind, subtype) = media_type.split_once('/')?;
        match (self.kind.as_str(), self.subtype.as_str()) {
            ("*", "*") => Some(1),
            (k, "*") if k == kind => Some(2),
            (k, s) if k == kind && s == subtype => Some(3),
            _ => None,
        }
    }
}

/// An `Accept` header that cannot be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid Accept header: {0}")]
pub struct InvalidAccept(String);

fn parse_accept(header: &str) -> Result<Vec<MediaRange>, InvalidAccept> {
    let mut ranges = Vec::new();
    for part in header.split(',') {
        let part = part.trim();
        if part.is_empty() {
            continue;
        }
        let mut pieces = part.split(';');
        let essence = pieces
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let Some((kind, subtype)) = essence.split_once('/') else {
            return Err(InvalidAccept(format!("'{part}' is not a media range")));
        };
        if kind.is_empty() || subtype.is_empty() || (kind == "*" && subtype != "*") {
            return Err(InvalidAccept(format!("'{part}' is not a media range")));
        }
        let mut quality = 1.0_f32;
        for parameter in pieces {
            if let Some((name, value)) = parameter.split_once('=') {
                if name.trim().eq_ignore_ascii_case("q") {
                    quality = value
                        .trim()
                        .parse::<f32>()
                        .ok()
                        .filter(|q| (0.0..=1.0).contains(q))
                        .ok_or_else(|| {
                            InvalidAccept(format!("'{}' is not a q-value", value.trim()))
                        })?;
                }
            }
        }
        ranges.push(MediaRange {
            kind: kind.to_owned(),
            subtype: subtype.to_owned(),
            quality,
        });
    }
    Ok(ranges)
}

/// Picks among `offers` (each with the media types that select it, in the server's order of
/// preference) the one the `Accept` header prefers. Returns `Ok(None)` when the client accepts
/// none of them (answer 406). A missing or empty header accepts anything.
pub fn negotiate<T: Copy>(
    accept: Option<&str>,
    offers: &[(T, &[&str])],
) -> Result<Option<T>, InvalidAccept> {
    let ranges = match accept.map(str::trim) {
        None | Some("") => return Ok(offers.first().map(|(offer, _)| *offer)),
        Some(header) => parse_accept(header)?,
    };
    let mut best: Option<(T, f32)> = None;
    for (offer, media_types) in offers {
        // The quality of an offer is that of the most specific range matching any of its types.
        let mut offer_quality: Option<(u8, f32)> = None;
        for (position, media_type) in media_types.iter().enumerate() {
            for range in &ranges {
                // The answer carries the offer's first media type, so a wildcard only selects an
                // offer through that one; the aliases count when they are named exactly.
                let specificity = range
                    .specificity(media_type)
                    .filter(|&s| position == 0 || s == 3);
                if let Some(specificity) = specificity {
                    if offer_quality.is_none_or(|(s, _)| specificity > s) {
                        offer_quality = Some((specificity, range.quality));
                    } else if let Some((s, q)) = offer_quality {
                        if specificity == s && range.quality > q {
                            offer_quality = Some((s, range.quality));
                        }
                    }
                }
            }
        }
        if let Some((_, quality)) = offer_quality {
            if quality > 0.0 && best.is_none_or(|(_, q)| quality > q) {
                best = Some((*offer, quality));
            }
        }
    }
    Ok(best.map(|(offer, _)| offer))
}

/// Negotiates a SPARQL results format.
pub fn negotiate_results(
    accept: Option<&str>,
) -> Result<Option<QueryResultsFormat>, InvalidAccept> {
    let offers: Vec<_> = RESULTS_FORMATS
        .iter()
        .map(|f| (*f, results_media_types(*f)))
        .collect();
    negotiate(accept, &offers)
}

/// Negotiates an RDF format among `formats`.
pub fn negotiate_rdf(
    accept: Option<&str>,
    formats: &[RdfFormat],
) -> Result<Option<RdfFormat>, InvalidAccept> {
    let offers: Vec<_> = formats.iter().map(|f| (*f, rdf_media_types(*f))).collect();
    negotiate(accept, &offers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn q_values_pick_the_preferred_offer() {
        let accept = "application/sparql-results+xml;q=0.5, text/csv;q=0.9, */*;q=0.1";
        assert_eq!(
            negotiate_results(Some(accept)).unwrap(),
            Some(QueryResultsFormat::Csv)
        );
    }

    #[test]
    fn the_most_specific_range_decides() {
        // text/* is refused, but text/tab-separated-values explicitly accepted.
        let accept = "text/*;q=0, text/tab-separated-values";
        assert_eq!(
            negotiate_results(Some(accept)).unwrap(),
            Some(QueryResultsFormat::Tsv)
        );
        let accept = "text/*;q=0, application/json;q=0";
        assert_eq!(
            negotiate_results(Some(accept)).unwrap(),
            None,
            "nothing acceptable"
        );
    }

    #[test]
    fn wildcards_and_missing_headers_get_the_server_default() {
        assert_eq!(
            negotiate_results(Some("*/*")).unwrap(),
            Some(QueryResultsFormat::Json)
        );
        assert_eq!(
            negotiate_results(None).unwrap(),
            Some(QueryResultsFormat::Json)
        );
        assert_eq!(
            negotiate_rdf(Some("application/*"), &RDF_FORMATS).unwrap(),
            Some(RdfFormat::NTriples)
        );
    }

    #[test]
    fn browsers_get_no_rdf_they_did_not_ask_for() {
        let accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
        assert_eq!(
            negotiate_rdf(Some(accept), &RDF_FORMATS).unwrap(),
            Some(RdfFormat::Turtle)
        );
    }

    #[test]
    fn bad_headers_are_reported() {
        assert!(negotiate_results(Some("json")).is_err());
        assert!(negotiate_results(Some("text/csv;q=2")).is_err());
    }

    #[test]
    fn names_and_media_types_select_formats() {
        assert_eq!(rdf_format_from_name("TTL"), Some(RdfFormat::Turtle));
        assert_eq!(rdf_format_from_name("application/ld+json"), Some(JSON_LD));
        assert_eq!(
            rdf_format_from_name("text/turtle; charset=utf-8"),
            Some(RdfFormat::Turtle)
        );
        assert_eq!(
            results_format_from_name("tsv"),
            Some(QueryResultsFormat::Tsv)
        );
        assert_eq!(rdf_format_from_name("pdf"), None);
    }
}
