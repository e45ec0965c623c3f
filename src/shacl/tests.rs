//! One test per constraint component, each with conforming and violating value nodes, modelled
//! on the W3C SHACL core test suite (`data-shapes/data-shapes-test-suite/tests/core`).

use super::{Severity, Shapes, ShapesError, ValidationReport};
use oxigraph::io::{RdfFormat, RdfParser};
use oxigraph::model::vocab::rdf;
use oxigraph::model::{Graph, Literal, NamedNodeRef, Term, TermRef, Triple};

const PREFIXES: &str = "
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix ex: <http://example.com/> .
";

fn graph(turtle: &str) -> Graph {
    RdfParser::from_format(RdfFormat::Turtle)
        .for_slice(format!("{PREFIXES}{turtle}").as_bytes())
        .map(|quad| Triple::from(quad.expect("the test data is valid Turtle")))
        .collect()
}

fn shapes(turtle: &str) -> Shapes {
    Shapes::from_graph(&graph(turtle)).expect("the shapes are supported")
}

fn validate(shapes_ttl: &str, data_ttl: &str) -> ValidationReport {
    shapes(shapes_ttl).validate(&graph(data_ttl))
}

/// `ex:` IRIs and literals as short strings.
fn short(term: &Term) -> String {
    match term {
        Term::NamedNode(n) => n
            .as_str()
            .strip_prefix("http://example.com/")
            .unwrap_or(n.as_str())
            .to_owned(),
        other => other.to_string(),
    }
}

/// The (focus node, constraint component) pairs of the results, sorted.
fn failures(report: &ValidationReport) -> Vec<(String, String)> {
    let mut failures: Vec<(String, String)> = report
        .results()
        .iter()
        .map(|r| {
            let component = r
                .component
                .as_str()
                .strip_prefix("http://www.w3.org/ns/shacl#")
                .unwrap()
                .strip_suffix("ConstraintComponent")
                .unwrap()
                .to_owned();
            (short(&r.focus_node), component)
        })
        .collect();
    failures.sort();
    failures
}

/// The failing value nodes, sorted.
/// [`failing_values`], every blank node written `_:blank`.
fn failing_values_blanked(report: &ValidationReport) -> Vec<String> {
    failing_values(report)
        .into_iter()
        .map(|v| {
            if v.starts_with("_:") {
                "_:blank".to_owned()
            } else {
                v
            }
        })
        .collect()
}

fn failing_values(report: &ValidationReport) -> Vec<String> {
    let mut values: Vec<String> = report
        .results()
        .iter()
        .filter_map(|r| r.value.as_ref().map(short))
        .collect();
    values.sort();
    values
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
        .collect()
}

#[test]
fn class_follows_rdf_type_and_subclasses_in_the_data() {
    // core/node/class-001
    let report = validate(
        r#"ex:TestShape a sh:NodeShape ; sh:class ex:Person ;
               sh:targetNode ex:John, ex:Jane, ex:Quokki, ex:Typeless, "Literal" ."#,
        "ex:Teacher rdfs:subClassOf ex:Person .
         ex:John a ex:Person . ex:Jane a ex:Teacher . ex:Quokki a ex:Animal .
         ex:Typeless rdfs:label \"Typeless\" .",
    );
    assert_eq!(
        failing_values(&report),
        ["\"Literal\"", "Quokki", "Typeless"]
    );
    assert_eq!(report.focus_nodes_checked(), 5);
}

#[test]
fn datatype_requires_the_datatype_and_a_well_formed_lexical_form() {
    // core/node/datatype-001, core/node/datatype-ill-formed
    let report = validate(
        "ex:DateShape a sh:NodeShape ; sh:datatype xsd:date ;
             sh:targetNode \"2024-02-29\"^^xsd:date, \"2024-13-45\"^^xsd:date,
                 \"2023-02-29\"^^xsd:date, \"2024-01-01\", ex:notALiteral .
         ex:IntegerShape a sh:NodeShape ; sh:datatype xsd:integer ;
             sh:targetNode 42, \"forty-two\"^^xsd:integer, 4.2 .
         ex:BooleanShape a sh:NodeShape ; sh:datatype xsd:boolean ;
             sh:targetNode true, \"none\"^^xsd:boolean .
         ex:ByteShape a sh:NodeShape ; sh:datatype xsd:byte ;
             sh:targetNode \"127\"^^xsd:byte, \"300\"^^xsd:byte .
         ex:StringShape a sh:NodeShape ; sh:datatype xsd:string ;
             sh:targetNode \"plain\", \"tagged\"@en .
         ex:LangStringShape a sh:NodeShape ; sh:datatype rdf:langString ;
             sh:targetNode \"tagged\"@en, \"plain\" .",
        "",
    );
    assert_eq!(
        failing_values(&report),
        [
            "\"2023-02-29\"^^<http://www.w3.org/2001/XMLSchema#date>",
            "\"2024-01-01\"",
            "\"2024-13-45\"^^<http://www.w3.org/2001/XMLSchema#date>",
            "\"300\"^^<http://www.w3.org/2001/XMLSchema#byte>",
            "\"4.2\"^^<http://www.w3.org/2001/XMLSchema#decimal>",
            "\"forty-two\"^^<http://www.w3.org/2001/XMLSchema#integer>",
            "\"none\"^^<http://www.w3.org/2001/XMLSchema#boolean>",
            "\"plain\"",
            "\"tagged\"@en",
            "notALiteral",
        ]
    );
    let ill_formed = report
        .results()
        .iter()
        .find(|r| {
            r.value
                .as_ref()
                .is_some_and(|v| short(v).contains("2024-13-45"))
        })
        .unwrap();
    assert_eq!(
        ill_formed.message(),
        "\"2024-13-45\"^^xsd:date is not a valid xsd:date literal"
    );
}

#[test]
fn node_kind_has_six_kinds() {
    // core/node/nodeKind-001
    let data = "ex:s ex:p ex:iri, _:blank, \"literal\" .";
    let cases = [
        ("sh:IRI", vec!["\"literal\"", "_:blank"]),
        ("sh:BlankNode", vec!["\"literal\"", "iri"]),
        ("sh:Literal", vec!["_:blank", "iri"]),
        ("sh:BlankNodeOrIRI", vec!["\"literal\""]),
        ("sh:BlankNodeOrLiteral", vec!["iri"]),
        ("sh:IRIOrLiteral", vec!["_:blank"]),
    ];
    for (kind, expected) in cases {
        let report = validate(
            &format!(
                "ex:S a sh:NodeShape ; sh:targetNode ex:s ;
                     sh:property [ sh:path ex:p ; sh:nodeKind {kind} ] ."
            ),
            data,
        );
        let values: Vec<String> = failing_values_blanked(&report);
        assert_eq!(values, expected, "{kind}");
    }
}

#[test]
fn min_count_and_max_count_count_distinct_values() {
    // core/property/minCount-001, maxCount-001
    let report = validate(
        "ex:S a sh:NodeShape ; sh:targetClass ex:Concept ;
             sh:property [ sh:path skos:prefLabel ; sh:minCount 1 ; sh:maxCount 2 ] .",
        r#"ex:none a ex:Concept .
           ex:one a ex:Concept ; skos:prefLabel "one" .
           ex:two a ex:Concept ; skos:prefLabel "two", "deux"@fr .
           ex:three a ex:Concept ; skos:prefLabel "three", "trois"@fr, "drei"@de ."#,
    );
    assert_eq!(
        failures(&report),
        pairs(&[("none", "MinCount"), ("three", "MaxCount")])
    );
    let min = &report.results()[0];
    assert_eq!(
        min.message(),
        "expected at least 1 value of skos:prefLabel, found 0"
    );
    assert_eq!(min.value, None);
    assert_eq!(min.path.as_ref().unwrap().to_string(), "skos:prefLabel");
    assert_eq!(report.focus_nodes_checked(), 4);
}

#[test]
fn in_and_has_value() {
    // core/node/in-001, core/property/hasValue-001
    let report = validate(
        "ex:InShape a sh:NodeShape ; sh:targetNode ex:a ;
             sh:property [ sh:path ex:colour ; sh:in ( ex:Red ex:Green \"blue\" ) ] .
         ex:HasValueShape a sh:NodeShape ; sh:targetNode ex:a, ex:b ;
             sh:property [ sh:path ex:colour ; sh:hasValue ex:Red ] .
         ex:NodeHasValue a sh:NodeShape ; sh:targetNode ex:a, ex:b ; sh:hasValue ex:a .",
        r#"ex:a ex:colour ex:Red, "blue", ex:Yellow, "blue"@en .
           ex:b ex:colour ex:Green ."#,
    );
    assert_eq!(
        failures(&report),
        pairs(&[
            ("a", "In"),
            ("a", "In"),
            ("b", "HasValue"),
            ("b", "HasValue")
        ])
    );
    assert_eq!(failing_values(&report), ["\"blue\"@en", "Yellow"]);
}

#[test]
fn pattern_matches_lexical_forms_and_iris_with_flags() {
    // core/property/pattern-001, pattern-002 (flags)
    let report = validate(
        r#"ex:S a sh:NodeShape ; sh:targetNode ex:a ;
               sh:property [ sh:path ex:code ; sh:pattern "^B" ] ;
               sh:property [ sh:path ex:name ; sh:pattern "^hello" ; sh:flags "i" ] ;
               sh:property [ sh:path ex:page ; sh:pattern "^https://" ] ."#,
        r#"ex:a ex:code "Bob", "Alice", 42, _:blank ;
               ex:name "HELLO world", "bye" ;
               ex:page <https://example.org/>, <http://example.org/> ."#,
    );
    let values: Vec<String> = failing_values_blanked(&report);
    assert_eq!(
        values,
        [
            "\"42\"^^<http://www.w3.org/2001/XMLSchema#integer>",
            "\"Alice\"",
            "\"bye\"",
            "_:blank",
            "http://example.org/"
        ]
    );
}

#[test]
fn min_inclusive_and_max_inclusive_compare_as_sparql() {
    // core/node/minInclusive-001, maxInclusive-001
    let report = validate(
        r#"ex:Numbers a sh:NodeShape ; sh:minInclusive 1 ; sh:maxInclusive 10.5 ;
               sh:targetNode 1, 5.5, "10.5"^^xsd:double, 0, 11, "five", ex:iri .
           ex:Dates a sh:NodeShape ; sh:minInclusive "2020-01-01"^^xsd:date ;
               sh:targetNode "2021-06-01"^^xsd:date, "2019-12-31"^^xsd:date ."#,
        "",
    );
    assert_eq!(
        failing_values(&report),
        [
            "\"0\"^^<http://www.w3.org/2001/XMLSchema#integer>",
            "\"11\"^^<http://www.w3.org/2001/XMLSchema#integer>",
            "\"2019-12-31\"^^<http://www.w3.org/2001/XMLSchema#date>",
            "\"five\"",
            "\"five\"",
            "iri",
            "iri",
        ]
    );
}

#[test]
fn min_length_and_max_length_count_characters() {
    // core/property/minLength-001, maxLength-001
    let report = validate(
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ;
             sh:property [ sh:path ex:p ; sh:minLength 2 ; sh:maxLength 4 ] .",
        r#"ex:a ex:p "ab", "abcd", "a", "abcde", "日本語", 123, _:blank ."#,
    );
    let values: Vec<String> = failing_values_blanked(&report);
    assert_eq!(values, ["\"a\"", "\"abcde\"", "_:blank", "_:blank"]);
}

#[test]
fn language_in_and_unique_lang() {
    // core/property/languageIn-001, uniqueLang-001
    let report = validate(
        r#"ex:S a sh:NodeShape ; sh:targetNode ex:a, ex:b ;
               sh:property [ sh:path skos:prefLabel ; sh:languageIn ( "en" "fr" ) ;
                             sh:uniqueLang true ] ;
               sh:property [ sh:path skos:altLabel ; sh:uniqueLang false ] ."#,
        r#"ex:a skos:prefLabel "colour"@en-GB, "color"@en-US, "couleur"@fr, "Farbe"@de, "plain" ;
               skos:altLabel "x"@en, "y"@en .
           ex:b skos:prefLabel "one"@en, "un"@fr ."#,
    );
    assert_eq!(
        failures(&report),
        pairs(&[("a", "LanguageIn"), ("a", "LanguageIn")])
    );
    assert_eq!(failing_values(&report), ["\"Farbe\"@de", "\"plain\""]);

    let report = validate(
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ;
             sh:property [ sh:path skos:prefLabel ; sh:uniqueLang true ] .",
        r#"ex:a skos:prefLabel "a"@en, "b"@en, "c"@en, "d"@fr, "e"@de, "f"@de, "g", "h" ."#,
    );
    let mut messages: Vec<&str> = report.results().iter().map(|r| r.message()).collect();
    messages.sort_unstable();
    assert_eq!(
        messages,
        [
            "2 values of skos:prefLabel have the language tag de",
            "3 values of skos:prefLabel have the language tag en"
        ]
    );
}

#[test]
fn or_needs_one_conforming_shape() {
    // core/node/or-001
    let report = validate(
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ;
             sh:property [ sh:path skos:prefLabel ;
                 sh:or ( [ sh:datatype xsd:string ] [ sh:datatype rdf:langString ] ) ] .",
        r#"ex:a skos:prefLabel "plain", "tagged"@en, 42, ex:iri ."#,
    );
    assert_eq!(failures(&report), pairs(&[("a", "Or"), ("a", "Or")]));
    assert_eq!(
        failing_values(&report),
        ["\"42\"^^<http://www.w3.org/2001/XMLSchema#integer>", "iri"]
    );
}

#[test]
fn node_needs_the_value_to_conform() {
    // core/node/node-001
    let report = validate(
        "ex:Org a sh:NodeShape ; sh:targetClass ex:Organisation ;
             sh:property [ sh:path ex:country ; sh:node ex:Country ] .
         ex:Country a sh:NodeShape ;
             sh:property [ sh:path skos:prefLabel ; sh:minCount 1 ] .",
        r#"ex:itu a ex:Organisation ; ex:country ex:ch .
           ex:wic a ex:Organisation ; ex:country ex:nowhere .
           ex:ch skos:prefLabel "Switzerland"@en ."#,
    );
    assert_eq!(failures(&report), pairs(&[("wic", "Node")]));
    assert_eq!(failing_values(&report), ["nowhere"]);
    // Only the target nodes count as focus nodes checked, not the nodes validated via sh:node.
    assert_eq!(report.focus_nodes_checked(), 2);
}

#[test]
fn recursive_shapes_terminate() {
    let report = validate(
        "ex:Person a sh:NodeShape ; sh:targetNode ex:a ;
             sh:property [ sh:path ex:knows ; sh:node ex:Person ] ;
             sh:property [ sh:path ex:name ; sh:minCount 1 ] .",
        r#"ex:a ex:name "A" ; ex:knows ex:b . ex:b ex:name "B" ; ex:knows ex:a, ex:c ."#,
    );
    assert_eq!(failures(&report), pairs(&[("a", "Node")]));
}

#[test]
fn inverse_path_follows_triples_backwards() {
    // core/path/path-inverse-001
    let report = validate(
        "ex:S a sh:NodeShape ; sh:targetClass ex:Organisation ;
             sh:property [ sh:path [ sh:inversePath ex:memberOf ] ; sh:minCount 1 ;
                           sh:class ex:Person ] .",
        "ex:itu a ex:Organisation . ex:empty a ex:Organisation .
         ex:alice a ex:Person ; ex:memberOf ex:itu .
         ex:robot ex:memberOf ex:itu .",
    );
    assert_eq!(
        failures(&report),
        pairs(&[("empty", "MinCount"), ("itu", "Class")])
    );
    assert_eq!(failing_values(&report), ["robot"]);
    let min = report
        .results()
        .iter()
        .find(|r| short(&r.focus_node) == "empty")
        .unwrap();
    assert_eq!(
        min.message(),
        "expected at least 1 value of ^<http://example.com/memberOf>, found 0"
    );
}

#[test]
fn sequence_paths_chain_steps_and_nest_inverse_paths() {
    // core/path/path-sequence-001, path-sequence-inverse-001
    let report = validate(
        "ex:S a sh:NodeShape ; sh:targetNode ex:alice, ex:bob ;
             sh:property [ sh:path ( ex:address ex:city ) ; sh:datatype xsd:string ;
                           sh:minCount 1 ] ;
             sh:property [ sh:path ( ex:memberOf [ sh:inversePath ex:memberOf ] ) ;
                           sh:minCount 2 ] .",
        r#"ex:alice ex:address [ ex:city "Geneva" ], [ ex:city 42 ] ; ex:memberOf ex:itu .
           ex:carol ex:memberOf ex:itu .
           ex:bob ex:memberOf ex:wic ."#,
    );
    assert_eq!(
        failures(&report),
        pairs(&[
            ("alice", "Datatype"),
            ("bob", "MinCount"),
            ("bob", "MinCount")
        ])
    );
    let paths: Vec<String> = report
        .results()
        .iter()
        .map(|r| r.path.as_ref().unwrap().to_string())
        .collect();
    assert!(
        paths.contains(&"<http://example.com/memberOf>/^<http://example.com/memberOf>".to_owned())
    );
}

#[test]
fn property_shape_results_have_the_value_node_as_focus_node() {
    let report = validate(
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ;
             sh:property [ sh:path ex:child ;
                           sh:property [ sh:path ex:name ; sh:minCount 1 ] ] .",
        "ex:a ex:child ex:b, ex:c . ex:b ex:name \"B\" .",
    );
    assert_eq!(failures(&report), pairs(&[("c", "MinCount")]));
    assert_eq!(
        report.results()[0].path.as_ref().unwrap().to_string(),
        "<http://example.com/name>"
    );
}

#[test]
fn severities_messages_and_deactivation() {
    // The severity belongs to the shape that holds the constraint: a node shape's sh:severity
    // does not reach the property shapes it points to.
    let report = validate(
        r#"ex:Warn a sh:NodeShape ; sh:targetNode ex:a ; sh:severity sh:Warning ;
               sh:class ex:Nothing ;
               sh:property [ sh:path ex:p ; sh:minCount 1 ] .
           ex:Info a sh:NodeShape ; sh:targetNode ex:a ; sh:severity sh:Info ;
               sh:nodeKind sh:Literal ; sh:message "must be a literal"@en, "doit être un littéral"@fr .
           ex:Default a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ex:q ; sh:minCount 1 ;
               sh:name "q" ; sh:description "a q" ; sh:order 1 .
           ex:Off a sh:NodeShape ; sh:targetNode ex:a ; sh:deactivated true ; sh:class ex:Nothing ."#,
        "",
    );
    let mut severities: Vec<(String, Severity)> = report
        .results()
        .iter()
        .map(|r| {
            let component = r.component.as_str().rsplit('#').next().unwrap().to_owned();
            (component, r.severity.clone())
        })
        .collect();
    severities.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        severities,
        [
            ("ClassConstraintComponent".to_owned(), Severity::Warning),
            (
                "MinCountConstraintComponent".to_owned(),
                Severity::Violation
            ),
            (
                "MinCountConstraintComponent".to_owned(),
                Severity::Violation
            ),
            ("NodeKindConstraintComponent".to_owned(), Severity::Info),
        ]
    );
    let info = report
        .results()
        .iter()
        .find(|r| r.severity == Severity::Info)
        .unwrap();
    assert_eq!(info.message(), "must be a literal");
    assert_eq!(info.messages.len(), 2);
    assert!(!report.conforms());
    assert!(report.has_violations());

    let only_warnings = validate(
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ;
             sh:property [ sh:path ex:p ; sh:minCount 1 ; sh:severity sh:Warning ] .",
        "",
    );
    assert!(!only_warnings.conforms());
    assert!(!only_warnings.has_violations());
    assert_eq!(only_warnings.results()[0].severity, Severity::Warning);
    assert!(only_warnings.to_string().contains("(1 warning)"));

    let deactivated_node = validate(
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:node ex:Off .
         ex:Off a sh:NodeShape ; sh:deactivated true ; sh:class ex:Nothing .",
        "",
    );
    assert!(deactivated_node.conforms());
}

#[test]
fn implicit_class_targets_and_subclass_instances_are_focus_nodes() {
    let report = validate(
        "ex:Person a rdfs:Class, sh:NodeShape ;
             sh:property [ sh:path ex:name ; sh:minCount 1 ] .",
        "ex:Teacher rdfs:subClassOf ex:Person . ex:a a ex:Person . ex:b a ex:Teacher .",
    );
    assert_eq!(
        failures(&report),
        pairs(&[("a", "MinCount"), ("b", "MinCount")])
    );
}

#[test]
fn unsupported_features_are_errors() {
    let error = |turtle: &str| Shapes::from_graph(&graph(turtle)).unwrap_err().to_string();
    assert_eq!(
        error("ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true ."),
        "unsupported SHACL feature sh:closed in shape <http://example.com/S>"
    );
    assert_eq!(
        error("ex:S sh:targetSubjectsOf ex:p ; sh:nodeKind sh:IRI ."),
        "unsupported SHACL feature sh:targetSubjectsOf in shape <http://example.com/S>"
    );
    assert_eq!(
        error(
            "ex:S a sh:NodeShape ; sh:targetClass ex:C ;
                 sh:property [ sh:path [ sh:alternativePath ( ex:p ex:q ) ] ] ."
        )
        .split(" in shape ")
        .next()
        .unwrap(),
        "unsupported SHACL feature sh:alternativePath"
    );
    assert!(error(
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property ex:P .
         ex:P sh:path ex:p ; sh:qualifiedValueShape [ sh:class ex:D ] ; sh:qualifiedMinCount 1 ."
    )
    .starts_with("unsupported SHACL feature sh:qualified"));
    assert!(matches!(
        Shapes::from_graph(&graph("ex:S a sh:NodeShape ; sh:not [ sh:class ex:C ] .")),
        Err(ShapesError::Unsupported { .. })
    ));
}

#[test]
fn ill_formed_shapes_are_errors() {
    let error = |turtle: &str| Shapes::from_graph(&graph(turtle)).unwrap_err();
    assert!(matches!(
        error("ex:S a sh:PropertyShape ; sh:path ex:p ; sh:minCount \"one\" ."),
        ShapesError::Invalid { .. }
    ));
    assert!(
        error("ex:S a sh:PropertyShape ; sh:path ex:p ; sh:pattern \"(\" .")
            .to_string()
            .contains("not a valid regular expression")
    );
    assert!(error("ex:S a sh:NodeShape ; sh:minCount 1 .")
        .to_string()
        .contains("property shapes only"));
    assert!(
        error("ex:S a sh:NodeShape ; sh:property [ sh:datatype xsd:string ] .")
            .to_string()
            .contains("has no sh:path")
    );
}

#[test]
fn the_report_is_readable_text() {
    let conforming = validate(
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:nodeKind sh:IRI .",
        "ex:a a ex:C . ex:b a ex:C .",
    );
    assert_eq!(conforming.to_string(), "conforms: 2 focus nodes checked\n");

    let report = validate(
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ;
             sh:property [ sh:path skos:prefLabel ; sh:minCount 1 ; sh:datatype rdf:langString ] .",
        r#"ex:a a ex:C . ex:b a ex:C ; skos:prefLabel "b" ."#,
    );
    let text = report.to_string();
    assert!(
        text.starts_with("does not conform: 2 results (2 violations) in 2 focus nodes checked\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "Violation\n  focus node: <http://example.com/a>\n  path:       skos:prefLabel\n  \
         constraint: sh:MinCountConstraintComponent\n"
        ),
        "{text}"
    );
    assert!(text.contains("  value:      \"b\"\n"), "{text}");
    assert!(
        text.contains("  message:    \"b\" is not a literal of datatype rdf:langString\n"),
        "{text}"
    );
}

#[test]
fn the_report_is_a_w3c_validation_report_graph() {
    let sh = |local: &str| format!("http://www.w3.org/ns/shacl#{local}");
    let report = validate(
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ;
             sh:property [ sh:path ( [ sh:inversePath ex:p ] ex:q ) ; sh:minCount 1 ] ;
             sh:property [ sh:path ex:r ; sh:datatype xsd:date ] .",
        r#"ex:a ex:r "2024-13-45"^^xsd:date ."#,
    );
    let graph = report.to_graph();
    let node = |local: &str| NamedNodeRef::new(&sh(local)).unwrap().into_owned();
    let reports: Vec<_> = graph
        .subjects_for_predicate_object(rdf::TYPE, &node("ValidationReport"))
        .collect();
    assert_eq!(reports.len(), 1);
    assert_eq!(
        graph
            .object_for_subject_predicate(reports[0], &node("conforms"))
            .map(TermRef::into_owned),
        Some(Literal::from(false).into())
    );
    let results: Vec<_> = graph
        .objects_for_subject_predicate(reports[0], &node("result"))
        .collect();
    assert_eq!(results.len(), 2);
    for result in &results {
        let TermRef::BlankNode(result) = *result else {
            panic!("a result is a blank node")
        };
        for property in [
            "focusNode",
            "resultPath",
            "sourceConstraintComponent",
            "sourceShape",
            "resultSeverity",
            "resultMessage",
        ] {
            assert!(
                graph
                    .object_for_subject_predicate(result, &node(property))
                    .is_some(),
                "sh:{property}"
            );
        }
    }
    // The sequence path is written back as an RDF list whose first step is an inverse path.
    let inverse = graph
        .triples_for_predicate(&node("inversePath"))
        .next()
        .expect("an inverse path");
    assert_eq!(inverse.object.to_string(), "<http://example.com/p>");

    let conforming = validate("ex:S a sh:NodeShape ; sh:targetNode ex:a .", "").to_graph();
    assert_eq!(conforming.len(), 2);
}
