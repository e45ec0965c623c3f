//! Which root lists the store's index of nodes can page, and the request that asks it.
//!
//! A root list of a class whose filter tests only values the index keeps (labels, the dates of
//! [`crate::index_model::ORDERED`]) by equality, membership and ranges, combined with `AND`, `OR` and
//! `NOT`, and whose order uses only those values and the IRI, is paged by the index: the level
//! query then reads the fields of the page's nodes only. The request says what the SPARQL page
//! would: the same keys, directions, tie-break and window. Anything else (relationship
//! conditions, text and language tests, numbers, nested lists) stays with SPARQL.

use super::model::{FieldMapping, Scalar, Source, Target};
use super::plan::{ConnectionPlan, Filter, Literal, Test};
use super::translate::cut;
use crate::index_model::{Condition, Key, PageRequest, SortKey};
use oxigraph::model::vocab::rdfs;
use oxigraph::model::NamedNode;
use spargebra::algebra::PropertyPathExpression;
use std::ops::Bound;

const PREF_LABEL: &str = "http://www.w3.org/2004/02/skos/core#prefLabel";

/// The index's request for a root list of `class`, when the index can answer it.
pub fn page_request(class: &NamedNode, connection: &ConnectionPlan) -> Option<PageRequest> {
    let the_cut = cut(&connection.list.window);
    let mut order = Vec::new();
    for key in &connection.list.order {
        let key_of = match &key.field {
            None => None,
            Some(field) => Some(sort_key(field)?),
        };
        order.push(SortKey {
            key: key_of,
            descending: key.descending != the_cut.reversed,
        });
    }
    order.push(SortKey {
        key: None,
        descending: the_cut.reversed,
    });
    let filter = match &connection.list.filter {
        Some(filter) => Some(condition(filter)?),
        None => None,
    };
    Some(PageRequest {
        class: class.clone(),
        filter,
        order,
        offset: usize::try_from(the_cut.offset).ok()?,
        limit: match the_cut.limit {
            Some(limit) => Some(usize::try_from(limit).ok()?),
            None => None,
        },
    })
}

/// Whether a field reads the labels (`skos:prefLabel|rdfs:label`).
fn reads_labels(field: &FieldMapping) -> bool {
    match &field.source {
        Source::Path(PropertyPathExpression::Alternative(a, b)) => matches!(
            (a.as_ref(), b.as_ref()),
            (PropertyPathExpression::NamedNode(a), PropertyPathExpression::NamedNode(b))
                if a.as_str() == PREF_LABEL && b.as_ref() == rdfs::LABEL
        ),
        _ => false,
    }
}

/// Whether a field's values compare as strings (numbers compare as numbers: not indexed).
fn compares_as_text(field: &FieldMapping) -> bool {
    !matches!(field.target, Target::Scalar(Scalar::Int | Scalar::Float))
}

/// The key of a field's values, if the index keeps them.
fn value_key(field: &FieldMapping) -> Option<Key> {
    if !compares_as_text(field) {
        return None;
    }
    if reads_labels(field) {
        return Some(Key::Label);
    }
    match &field.source {
        Source::Path(PropertyPathExpression::NamedNode(property)) => Key::of(property.as_str()),
        _ => None,
    }
}

/// The key a field orders by, if the index keeps it: labels order by their English forms only
/// for the `label` field, as the SPARQL page orders them.
fn sort_key(field: &FieldMapping) -> Option<Key> {
    match value_key(field)? {
        Key::Label if field.name != "label" => None,
        key => Some(key),
    }
}

/// The index's condition for a filter, if it can tell it.
fn condition(filter: &Filter) -> Option<Condition> {
    Some(match filter {
        Filter::And(parts) => Condition::All(parts.iter().map(condition).collect::<Option<_>>()?),
        Filter::Or(parts) => Condition::Any(parts.iter().map(condition).collect::<Option<_>>()?),
        Filter::Not(inner) => Condition::Not(Box::new(condition(inner)?)),
        Filter::IriIn(iris) => Condition::Iris(iris.clone()),
        Filter::Value {
            field,
            tests,
            exists,
            ..
        } => {
            // Numbers compare as numbers: `value_key` keeps them out.
            let key = value_key(field)?;
            let mut parts = Vec::new();
            if exists == &Some(false) {
                parts.push(Condition::Has(key, false));
            } else if exists == &Some(true) && tests.is_empty() {
                parts.push(Condition::Has(key, true));
            }
            if !tests.is_empty() {
                parts.push(value_condition(key, tests)?);
            }
            match parts.len() {
                1 => parts.pop()?,
                _ => Condition::All(parts),
            }
        }
        Filter::Relation { .. } => return None,
    })
}

/// One value passing every test, as one condition (two conditions could hold for two values).
fn value_condition(key: Key, tests: &[Test]) -> Option<Condition> {
    let text = |literal: &Literal| match literal {
        Literal::Text(text) => Some(text.clone()),
        Literal::Int(_) | Literal::Float(_) => None,
    };
    let mut among: Option<Vec<String>> = None;
    let mut lower = Bound::Unbounded;
    let mut upper = Bound::Unbounded;
    let mut only = |values: Vec<String>| {
        among = Some(match among.take() {
            Some(before) => before.into_iter().filter(|v| values.contains(v)).collect(),
            None => values,
        });
    };
    for test in tests {
        match test {
            Test::Eq(literal) => only(vec![text(literal)?]),
            Test::In(literals) => only(literals.iter().map(text).collect::<Option<_>>()?),
            Test::Gt(literal) => lower = tighter(lower, Bound::Excluded(text(literal)?), true),
            Test::Gte(literal) => lower = tighter(lower, Bound::Included(text(literal)?), true),
            Test::Lt(literal) => upper = tighter(upper, Bound::Excluded(text(literal)?), false),
            Test::Lte(literal) => upper = tighter(upper, Bound::Included(text(literal)?), false),
            Test::Contains(_) | Test::StartsWith(_) | Test::Lang(_) => return None,
        }
    }
    Some(Condition::Value {
        key,
        among,
        lower,
        upper,
    })
}

/// The tighter of two lower (`is_lower`) or upper bounds.
fn tighter(a: Bound<String>, b: Bound<String>, is_lower: bool) -> Bound<String> {
    let keep_a = match (&a, &b) {
        (Bound::Unbounded, _) => false,
        (_, Bound::Unbounded) => true,
        (Bound::Included(x) | Bound::Excluded(x), Bound::Included(y) | Bound::Excluded(y)) => {
            if x == y {
                matches!(a, Bound::Excluded(_))
            } else {
                (x > y) == is_lower
            }
        }
    };
    if keep_a {
        a
    } else {
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graphql::model::Shape;
    use crate::graphql::plan::{ListArgs, OrderKey, Selection, Window};

    fn field(name: &str, path: PropertyPathExpression) -> FieldMapping {
        FieldMapping {
            name: name.to_owned(),
            source: Source::Path(path),
            target: Target::Scalar(Scalar::Date),
            shape: Shape::Single,
        }
    }

    fn start_date() -> FieldMapping {
        field(
            "startDate",
            PropertyPathExpression::NamedNode(NamedNode::new_unchecked(
                "http://schema.org/startDate",
            )),
        )
    }

    fn connection(list: ListArgs) -> ConnectionPlan {
        ConnectionPlan {
            id: 0,
            list,
            total: true,
            node: Selection {
                id: 1,
                declared: "Event".into(),
                needs_types: false,
                fields: Vec::new(),
            },
        }
    }

    fn date_test(tests: Vec<Test>) -> Filter {
        Filter::Value {
            field: start_date(),
            scalar: Scalar::Date,
            tests,
            exists: None,
        }
    }

    fn text(t: &str) -> Literal {
        Literal::Text(t.to_owned())
    }

    #[test]
    fn a_filtered_ordered_page_asks_the_index_what_sparql_would_read() {
        let class = NamedNode::new_unchecked("http://schema.org/Event");
        let list = ListArgs {
            filter: Some(date_test(vec![
                Test::Gte(text("2020")),
                Test::Gt(text("2020")),
                Test::Lt(text("2025")),
            ])),
            order: vec![OrderKey {
                field: Some(start_date()),
                descending: true,
            }],
            window: Window {
                start: 20,
                end: Some(30),
                last: None,
            },
        };
        let request = page_request(&class, &connection(list)).unwrap();
        assert_eq!(
            request.filter,
            Some(Condition::Value {
                key: Key::Property(0),
                among: None,
                lower: Bound::Excluded("2020".into()),
                upper: Bound::Excluded("2025".into()),
            })
        );
        assert_eq!(
            request.order,
            [
                SortKey {
                    key: Some(Key::Property(0)),
                    descending: true
                },
                SortKey {
                    key: None,
                    descending: false
                }
            ]
        );
        assert_eq!((request.offset, request.limit), (20, Some(11)));
    }

    #[test]
    fn a_page_read_from_the_end_reverses_every_key() {
        let class = NamedNode::new_unchecked("http://schema.org/Event");
        let list = ListArgs {
            filter: None,
            order: vec![OrderKey {
                field: Some(start_date()),
                descending: false,
            }],
            window: Window {
                start: 0,
                end: None,
                last: Some(5),
            },
        };
        let request = page_request(&class, &connection(list)).unwrap();
        assert!(request.order.iter().all(|k| k.descending));
        assert_eq!((request.offset, request.limit), (0, Some(6)));
    }

    #[test]
    fn what_the_index_does_not_keep_stays_with_sparql() {
        let class = NamedNode::new_unchecked("http://schema.org/Event");
        let with_filter = |filter| {
            page_request(
                &class,
                &connection(ListArgs {
                    filter: Some(filter),
                    ..ListArgs::default()
                }),
            )
        };
        assert!(with_filter(date_test(vec![Test::Contains("20".into())])).is_none());
        assert!(with_filter(date_test(vec![Test::Eq(Literal::Int(2020))])).is_none());
        let description = field(
            "description",
            PropertyPathExpression::NamedNode(NamedNode::new_unchecked(
                "http://schema.org/description",
            )),
        );
        assert!(with_filter(Filter::Value {
            field: description.clone(),
            scalar: Scalar::Text,
            tests: vec![Test::Eq(text("x"))],
            exists: None,
        })
        .is_none());
        let ordered_by = |field| {
            page_request(
                &class,
                &connection(ListArgs {
                    order: vec![OrderKey {
                        field: Some(field),
                        descending: false,
                    }],
                    ..ListArgs::default()
                }),
            )
        };
        assert!(ordered_by(description).is_none());
        let labels = PropertyPathExpression::Alternative(
            Box::new(PropertyPathExpression::NamedNode(NamedNode::new_unchecked(
                PREF_LABEL,
            ))),
            Box::new(PropertyPathExpression::NamedNode(rdfs::LABEL.into_owned())),
        );
        assert!(ordered_by(field("label", labels.clone())).is_some());
        assert!(
            ordered_by(field("name", labels)).is_none(),
            "only `label` orders by English labels"
        );
    }

    #[test]
    fn equal_and_in_narrow_one_another() {
        let condition = value_condition(
            Key::Label,
            &[
                Test::In(vec![text("a"), text("b"), text("c")]),
                Test::Eq(text("b")),
                Test::Lte(text("b")),
            ],
        )
        .unwrap();
        assert_eq!(
            condition,
            Condition::Value {
                key: Key::Label,
                among: Some(vec!["b".into()]),
                lower: Bound::Unbounded,
                upper: Bound::Included("b".into()),
            }
        );
    }

    /// Events whose values SPARQL orders in unusual ways: a blank node among the dates (no sort
    /// value), an IRI and a French text among the labels (they do not sort), a typed and a
    /// plain date, statements split across graphs.
    const ODD_EVENTS: &str = r#"
        @prefix schema: <http://schema.org/> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        @prefix ev: <https://w3id.org/kgql/id/event/> .
        ev:odd-1 a schema:Event ; schema:startDate [] , "2025-01-01" ;
            skos:prefLabel <https://w3id.org/kgql/id/event/odd-label> ; rdfs:label "Aardvark"@fr .
        ev:odd-2 a schema:Event ; schema:startDate "2024-02-02"^^xsd:date , "2031" ;
            skos:prefLabel "Zzz odd"@en-GB , "Aaa odd"@de .
        <https://w3id.org/kgql/graph/odd> {
            ev:odd-3 a schema:Event ; schema:startDate "2026-03-03"^^xsd:date ;
                rdfs:label "  leading spaces"@EN .
            ev:odd-2 schema:endDate "2020-01-01" .
        }
    "#;

    /// Requests whose root pages the index answers, over a generated graph: each must answer
    /// exactly what the SPARQL page answers.
    const COMPARED: [&str; 12] = [
        r#"{ events(first: 5, filter: { iri: { in: [
              "https://w3id.org/kgql/id/event/odd-1", "https://w3id.org/kgql/id/event/odd-2",
              "https://w3id.org/kgql/id/event/odd-3", "https://w3id.org/kgql/id/event/gen-1"] } },
            orderBy: [{ field: startDate }]) { totalCount nodes { iri startDate } } }"#,
        r#"{ events(first: 5, filter: { iri: { in: [
              "https://w3id.org/kgql/id/event/odd-1", "https://w3id.org/kgql/id/event/odd-2",
              "https://w3id.org/kgql/id/event/odd-3", "https://w3id.org/kgql/id/event/gen-1"] } },
            orderBy: [{ field: startDate, direction: DESC }]) { totalCount nodes { iri } } }"#,
        r#"{ events(first: 5, filter: { OR: [ { label: { eq: "Aardvark" } },
              { label: { eq: "https://w3id.org/kgql/id/event/odd-label" } },
              { label: { in: ["Zzz odd", "  leading spaces"] } }, { endDate: { lte: "2020-01-01" } } ] },
            orderBy: [{ field: label, direction: DESC }]) { totalCount nodes { iri label } } }"#,
        r#"{ events(first: 10, filter: { startDate: { gte: "2020" } },
            orderBy: [{ field: startDate, direction: DESC }]) {
            totalCount pageInfo { hasNextPage hasPreviousPage endCursor }
            nodes { iri label startDate } } }"#,
        r#"{ events(last: 7, orderBy: [{ field: label }]) {
            totalCount pageInfo { hasNextPage hasPreviousPage startCursor }
            edges { cursor node { iri label } } } }"#,
        r#"{ events(last: 4, before: "c12", orderBy: [{ field: endDate, direction: DESC }]) {
            totalCount pageInfo { hasNextPage hasPreviousPage }
            nodes { iri endDate } } }"#,
        r#"{ organizations(first: 6, after: "c3",
            orderBy: [{ field: foundingDate }, { field: label, direction: DESC }]) {
            totalCount nodes { iri foundingDate label } } }"#,
        r#"{ organizations(first: 20, filter: { OR: [
              { foundingDate: { lt: "1990", gte: "1950" } },
              { NOT: { label: { exists: true } } } ] }, orderBy: [{ field: label }]) {
            totalCount nodes { iri label foundingDate } } }"#,
        r#"{ organizations(first: 5, filter: { foundingDate: { exists: false } }) {
            totalCount nodes { iri } } }"#,
        r#"{ people(first: 8, orderBy: [{ field: label, direction: DESC }, { field: iri, direction: DESC }]) {
            totalCount nodes { iri label } } }"#,
        r#"{ events(first: 3, filter: { AND: [ { startDate: { gt: "2000" } },
              { NOT: { startDate: { in: ["2021-01-01", "2022-06-15"] } } } ] }) {
            totalCount nodes { iri startDate subEvents(first: 2) { totalCount nodes { iri } } } } }"#,
        r#"{ organizations(first: 4, filter: { iri: { in: [
              "https://w3id.org/kgql/id/org/gen-1", "https://w3id.org/kgql/id/org/gen-2",
              "https://w3id.org/kgql/id/org/gen-3"] } }, orderBy: [{ field: label }]) {
            totalCount nodes { iri label } } }"#,
    ];

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn index_pages_equal_the_sparql_pages() {
        use crate::config::{Settings, SettingsLayer};
        use crate::graphql::GraphqlApi;
        use crate::store::SharedStore;

        let dir = tempfile::tempdir().unwrap();
        let embedded = crate::graphql::tests::generated_store(dir.path(), 20_000, ODD_EVENTS).await;
        let store: SharedStore = embedded.clone();
        let settings = Settings::resolve(SettingsLayer::default()).unwrap();
        let api = GraphqlApi::new(store, &settings).unwrap();
        for request in COMPARED {
            let run = || async {
                let outcome = api.execute(async_graphql::Request::new(request)).await;
                assert!(
                    outcome.response.errors.is_empty(),
                    "{request}: {:?}",
                    outcome.response.errors
                );
                let kgql = outcome.response.extensions.get("kgql").cloned();
                (outcome.response.data, kgql)
            };
            let (indexed, extensions) = run().await;
            let pages = |extensions: &Option<async_graphql::Value>| match extensions {
                Some(async_graphql::Value::Object(kgql)) => kgql.get("indexPages").cloned(),
                _ => None,
            };
            assert_eq!(
                pages(&extensions),
                Some(async_graphql::Value::from(1)),
                "{request}: the index pages it"
            );
            embedded.index().mark_stale().unwrap();
            let (scanned, extensions) = run().await;
            embedded.index().mark_ready().unwrap();
            assert_eq!(pages(&extensions), None, "{request}: SPARQL pages it");
            assert_eq!(indexed, scanned, "{request}");
            let text = indexed.to_string();
            assert!(
                text.contains("iri"),
                "{request}: the page is not empty: {text}"
            );
        }
    }
}
