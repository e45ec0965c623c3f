//! The generator's unit tests.

use super::naming::{OrgKind, REPORT_PLACEHOLDERS};
use super::patterns::{choose, Language, Pattern, Values};
use super::tables::*;
use super::*;
use crate::ontology::{self, DEFAULT_BASE_IRI};
use crate::shacl::Shapes;
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::{Graph, Quad, Triple};
use std::collections::HashSet;

fn bytes(triples: u64, seed: u64) -> (Vec<u8>, Summary) {
    let mut out = Vec::new();
    let summary = generate(
        &mut out,
        &Options {
            triples,
            seed,
            base_iri: DEFAULT_BASE_IRI.to_owned(),
        },
    )
    .unwrap();
    (out, summary)
}

fn quads(nquads: &[u8]) -> Vec<Quad> {
    RdfParser::from_format(RdfFormat::NQuads)
        .for_slice(nquads)
        .collect::<Result<_, _>>()
        .unwrap()
}

fn builtin(name: &str) -> Graph {
    let file = ontology::FILES
        .into_iter()
        .find(|f| f.name == name)
        .unwrap();
    RdfParser::from_format(file.format)
        .for_slice(file.content.as_bytes())
        .map(|quad| Triple::from(quad.unwrap()))
        .collect()
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let (first, _) = bytes(20_000, 7);
    let (second, _) = bytes(20_000, 7);
    assert!(first == second, "two runs with the same seed differ");
    let (other, _) = bytes(20_000, 8);
    assert!(first != other, "two seeds give the same graph");
}

#[test]
fn the_count_is_close_to_the_target() {
    for target in [3_000, 10_000, 25_000, 100_000] {
        let (out, summary) = bytes(target, 1);
        assert!(summary.quads >= target, "{target}: {summary:?}");
        assert!(
            summary.quads <= target + target / 100,
            "{target}: {summary:?}"
        );
        let lines = out.iter().filter(|&&b| b == b'\n').count() as u64;
        assert_eq!(lines, summary.quads);
    }
}

#[test]
fn the_output_is_distinct_n_quads_in_named_graphs() {
    let (out, summary) = bytes(30_000, 3);
    let quads = quads(&out);
    assert_eq!(quads.len() as u64, summary.quads);
    assert!(quads.iter().all(|q| !q.graph_name.is_default_graph()));
    let distinct: HashSet<&Quad> = quads.iter().collect();
    assert_eq!(distinct.len(), quads.len(), "a quad is written twice");
    let graphs: HashSet<_> = quads.iter().map(|q| &q.graph_name).collect();
    assert!(graphs.len() >= 8, "{} graphs", graphs.len());
    for quad in &quads {
        if let oxigraph::model::NamedOrBlankNode::NamedNode(s) = &quad.subject {
            let iri = s.as_str();
            if let Some(path) = iri.strip_prefix(DEFAULT_BASE_IRI) {
                let slug = path.split_once('/').map_or(path, |(_, slug)| slug);
                assert!(slug.starts_with("gen-") || path == "org/itu", "{iri}");
            }
        }
    }
}

#[test]
fn another_base_iri_names_the_entities() {
    let mut out = Vec::new();
    generate(
        &mut out,
        &Options {
            triples: 3_000,
            seed: 1,
            base_iri: "https://example.org/kg/".to_owned(),
        },
    )
    .unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("<https://example.org/kg/org/gen-0>"));
    assert!(!text.contains(DEFAULT_BASE_IRI));
    let error = generate(
        Vec::new(),
        &Options {
            triples: 10,
            seed: 1,
            base_iri: "not an iri".to_owned(),
        },
    )
    .unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::InvalidInput);
}

#[test]
fn the_goals_are_those_of_the_seed() {
    let seed = ontology::FILES
        .into_iter()
        .find(|f| f.name == "seed.trig")
        .unwrap();
    let seed: Graph = RdfParser::from_format(seed.format)
        .for_slice(seed.content.as_bytes())
        .map(|quad| Triple::from(quad.unwrap()))
        .collect();
    for (index, title) in GOALS.iter().enumerate() {
        let goal = NamedNode::new(format!("http://metadata.un.org/sdg/{}", index + 1)).unwrap();
        let label = NamedNode::new("http://www.w3.org/2000/01/rdf-schema#label").unwrap();
        let seed_title = seed.object_for_subject_predicate(&goal, &label);
        assert_eq!(
            seed_title.map(|t| t.to_string()),
            Some(format!("\"{title}\"@en")),
            "goal {}",
            index + 1
        );
    }
}

#[test]
fn the_output_conforms_to_the_shapes_alone_and_with_the_seed() {
    let shapes = Shapes::from_graph(&builtin("shapes.ttl")).unwrap();
    let (out, _) = bytes(12_000, 11);
    let mut data = builtin("kgql.ttl");
    data.extend(quads(&out).into_iter().map(Triple::from));
    let report = shapes.validate(&data);
    assert!(report.conforms(), "{report}");
    data.extend(&builtin("seed.trig"));
    let report = shapes.validate(&data);
    assert!(report.conforms(), "{report}");
}

#[test]
fn degrees_are_skewed() {
    let (out, _) = bytes(50_000, 5);
    let organizer = NamedNode::new("http://schema.org/organizer").unwrap();
    let mut counts = std::collections::HashMap::new();
    for quad in quads(&out) {
        if quad.predicate == organizer {
            *counts.entry(quad.object.to_string()).or_insert(0u32) += 1;
        }
    }
    let mut degrees: Vec<u32> = counts.into_values().collect();
    degrees.sort_unstable_by(|a, b| b.cmp(a));
    let total: u32 = degrees.iter().sum();
    let ones = degrees.iter().filter(|&&d| d == 1).count();
    assert!(degrees[0] * 20 > total, "the largest hub: {degrees:?}");
    assert!(
        ones * 3 > degrees.len(),
        "leaves: {ones} of {}",
        degrees.len()
    );
}

#[test]
fn every_table_reads() {
    read_all();
}

#[test]
fn the_roles_are_where_the_code_expects_them() {
    let expected = [
        (ROLE_SECRETARY_GENERAL, "secretary-general"),
        (ROLE_DEPUTY_SECRETARY_GENERAL, "deputy-secretary-general"),
        (ROLE_DIRECTOR_GENERAL, "director-general"),
        (ROLE_PRESIDENT, "president"),
        (ROLE_CHAIR, "chair"),
        (ROLE_CO_CHAIR, "co-chair"),
        (ROLE_VICE_CHAIR, "vice-chair"),
        (ROLE_DIRECTOR, "director"),
        (ROLE_HEAD, "head"),
        (ROLE_COORDINATOR, "coordinator"),
        (ROLE_MINISTER, "minister"),
        (ROLE_CEO, "chief-executive-officer"),
        (ROLE_CTO, "chief-technology-officer"),
        (ROLE_RECTOR, "rector"),
        (ROLE_EXECUTIVE_DIRECTOR, "executive-director"),
        (ROLE_CO_LEAD, "co-lead"),
        (ROLE_LEAD, "lead"),
        (ROLE_MEMBER, "member"),
        (ROLE_OBSERVER, "observer"),
    ];
    for (role, slug) in expected {
        assert_eq!(ROLES[role].slug, slug, "role {role}");
    }
}

#[test]
fn every_kind_of_organisation_has_its_number_and_classification() {
    for (number, kind) in OrgKind::ALL.into_iter().enumerate() {
        assert_eq!(kind as usize, number, "{kind:?}");
        if let Some(slug) = kind.classification() {
            assert!(
                ORGANIZATION_KINDS.iter().any(|(known, ..)| *known == slug),
                "{slug} is not in names/organization-kinds.tsv"
            );
        }
    }
}

/// A table of report-name patterns read from `text`.
fn report_patterns(text: &'static str) -> Vec<Pattern> {
    patterns(
        ("test.tsv", text),
        &[Language::En, Language::Fr, Language::Zh],
        REPORT_PLACEHOLDERS,
    )
}

#[test]
fn patterns_are_filled_in_each_language_and_drawn_by_weight() {
    let patterns = report_patterns(
        "# A comment.\n\n3\tthe {scope} Network on {topic}\tRéseau {scope-f} sur {topic}\t{scope}{topic}网络\n1\t{Topic}\t-\t{topic}\n",
    );
    let mut values = Values::new();
    values
        .add("topic", "Open Science", "la science ouverte", "开放科学")
        .add("scope", "Global", "mondial", "全球")
        .add("scope-f", "Global", "mondiale", "全球")
        .add("Topic", "Open Science", "La science ouverte", "开放科学");
    let names = patterns[0].fill(&values);
    assert_eq!(names.en, "the Global Network on Open Science");
    assert_eq!(
        names.fr.as_deref(),
        Some("Réseau mondiale sur la science ouverte")
    );
    assert_eq!(names.zh.as_deref(), Some("全球开放科学网络"));
    let names = patterns[1].fill(&values);
    assert_eq!((names.en.as_str(), names.fr), ("Open Science", None));
    let mut r = rng::Rng::new(1);
    let first = (0..4000)
        .filter(|_| std::ptr::eq(choose(&mut r, &patterns), &patterns[0]))
        .count();
    assert!((2800..3200).contains(&first), "{first} of 4000");
    let (mut one, mut other) = (rng::Rng::new(2), rng::Rng::new(2));
    choose(&mut one, &patterns[..1]);
    assert_eq!(
        one.below(1 << 40),
        other.below(1 << 40),
        "one pattern, a draw"
    );
}

#[test]
#[should_panic(expected = "names/test.tsv, line 2: column 2 has an unknown placeholder")]
fn an_unknown_placeholder_fails() {
    report_patterns("1\t{topic} Outlook\t-\t{topic}展望\n1\t{city} Outlook\t-\t{topic}\n");
}

#[test]
#[should_panic(expected = "names/test.tsv, line 1: 3 tab-separated columns instead of 4")]
fn a_missing_column_fails() {
    report_patterns("1\t{topic} Outlook\t{topic}展望\n");
}

#[test]
#[should_panic(
    expected = "names/test.tsv, line 1: column 4 must be given, without spaces around it"
)]
fn a_missing_name_fails() {
    report_patterns("1\t{topic} Outlook\t-\t\n");
}
