//! Pages of a class's nodes, filtered and ordered by the values the index keeps.
//!
//! A page is what the GraphQL layer's SPARQL query for the same list returns: the nodes having
//! the class that pass the filter, ordered by each key's least value (greatest when descending) in
//! code-point order of their string forms, nodes without a value first (last when descending),
//! then by the next key; and the number of such nodes. The work grows with the nodes that pass
//! the filter (a comparison of term ordinals each), not with the graph, and no value is sorted
//! whole: each segment of the index keeps its best `offset + limit` nodes in a heap.

use super::{IndexError, TextIndex};
use crate::index_model::{Condition, IndexedPage, PageRequest, MAX_SORT_KEYS};
use oxigraph::model::NamedNode;
use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::ops::{Bound, RangeBounds};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::StrColumn;
use tantivy::query::{
    AllQuery, BooleanQuery, EmptyQuery, InvertedIndexRangeQuery, Occur, Query, TermQuery,
    TermSetQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader, Term};

impl TextIndex {
    /// The page `request` asks for; `None` when its order has more keys than
    /// [`MAX_SORT_KEYS`] (the caller asks SPARQL).
    pub fn page(&self, request: &PageRequest) -> Result<Option<IndexedPage>, IndexError> {
        if request.order.len() > MAX_SORT_KEYS {
            return Ok(None);
        }
        let f = self.fields;
        let class: Box<dyn Query> = Box::new(TermQuery::new(
            Term::from_field_text(f.class, request.class.as_str()),
            IndexRecordOption::Basic,
        ));
        let query: Box<dyn Query> = match &request.filter {
            Some(filter) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, class),
                (Occur::Must, self.condition(filter)),
            ])),
            None => class,
        };
        let wanted = request
            .limit
            .map_or(usize::MAX, |l| request.offset.saturating_add(l));
        let collector = PageCollector {
            columns: request
                .order
                .iter()
                .map(|k| {
                    let field = match k.key {
                        None => f.iri,
                        Some(key) if k.descending => f.greatest[key.position()],
                        Some(key) => f.least[key.position()],
                    };
                    (self.column(field), k.descending)
                })
                .collect(),
            iri: self.column(f.iri),
            wanted,
        };
        let searcher = self.reader.searcher();
        let (total, rows) = searcher.search(query.as_ref(), &collector)?;
        let nodes = rows
            .into_iter()
            .skip(request.offset)
            .map(|row| NamedNode::new_unchecked(row.iri))
            .collect();
        Ok(Some(IndexedPage { nodes, total }))
    }

    /// The query of the nodes that pass a condition.
    fn condition(&self, condition: &Condition) -> Box<dyn Query> {
        let f = self.fields;
        let all_but = |query: Box<dyn Query>| -> Box<dyn Query> {
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, Box::new(AllQuery)),
                (Occur::MustNot, query),
            ]))
        };
        match condition {
            Condition::All(parts) if parts.is_empty() => Box::new(AllQuery),
            Condition::All(parts) => Box::new(BooleanQuery::new(
                parts
                    .iter()
                    .map(|c| (Occur::Must, self.condition(c)))
                    .collect(),
            )),
            Condition::Any(parts) if parts.is_empty() => Box::new(EmptyQuery),
            Condition::Any(parts) => Box::new(BooleanQuery::new(
                parts
                    .iter()
                    .map(|c| (Occur::Should, self.condition(c)))
                    .collect(),
            )),
            Condition::Not(inner) => all_but(self.condition(inner)),
            Condition::Iris(iris) => Box::new(TermSetQuery::new(
                iris.iter()
                    .map(|iri| Term::from_field_text(f.iri, iri.as_str())),
            )),
            Condition::Has(key, has) => {
                let query: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(f.has, &key.position().to_string()),
                    IndexRecordOption::Basic,
                ));
                if *has {
                    query
                } else {
                    all_but(query)
                }
            }
            Condition::Value {
                key,
                among,
                lower,
                upper,
            } => {
                let field = f.values[key.position()];
                let bounds = (
                    lower.as_ref().map(String::as_str),
                    upper.as_ref().map(String::as_str),
                );
                let term = |value: &str| Term::from_field_text(field, value);
                match among {
                    Some(values) => Box::new(TermSetQuery::new(
                        values
                            .iter()
                            .map(String::as_str)
                            .filter(|v| RangeBounds::<str>::contains(&bounds, *v))
                            .map(term),
                    )),
                    None if matches!(bounds, (Bound::Unbounded, Bound::Unbounded)) => {
                        self.condition(&Condition::Has(*key, true))
                    }
                    None => Box::new(InvertedIndexRangeQuery::new(
                        bounds.0.map(term),
                        bounds.1.map(term),
                    )),
                }
            }
        }
    }
}

/// Term ordinals of a document's sort values within its segment, flipped for descending keys
/// so that the least array comes first.
type SegmentKey = [u64; MAX_SORT_KEYS];

/// A node of a page with its sort values.
struct Row {
    values: Vec<Option<String>>,
    iri: String,
}

/// Counts the nodes a query matches and keeps the first `wanted` in order.
struct PageCollector {
    /// The fast field of each sort key, and whether it is descending.
    columns: Vec<(String, bool)>,
    /// The fast field of the nodes' IRIs.
    iri: String,
    wanted: usize,
}

struct SegmentPage {
    columns: Vec<(Option<StrColumn>, bool)>,
    iri: Option<StrColumn>,
    wanted: usize,
    count: u64,
    best: BinaryHeap<(SegmentKey, DocId)>,
}

impl Collector for PageCollector {
    type Fruit = (u64, Vec<Row>);
    type Child = SegmentPage;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentPage> {
        let fast = reader.fast_fields();
        let columns = self
            .columns
            .iter()
            .map(|(name, descending)| Ok((fast.str(name)?, *descending)))
            .collect::<tantivy::Result<_>>()?;
        Ok(SegmentPage {
            columns,
            iri: fast.str(&self.iri)?,
            wanted: self.wanted,
            count: 0,
            best: BinaryHeap::with_capacity(self.wanted.min(1024).saturating_add(1)),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<(u64, Vec<Row>)>) -> tantivy::Result<(u64, Vec<Row>)> {
        let total = fruits.iter().map(|(count, _)| count).sum();
        let mut rows: Vec<Row> = fruits.into_iter().flat_map(|(_, rows)| rows).collect();
        rows.sort_by(|a, b| self.compare(a, b));
        rows.truncate(self.wanted);
        Ok((total, rows))
    }
}

impl PageCollector {
    fn compare(&self, a: &Row, b: &Row) -> Ordering {
        for (((_, descending), x), y) in self.columns.iter().zip(&a.values).zip(&b.values) {
            let order = x.cmp(y);
            let order = if *descending { order.reverse() } else { order };
            if order != Ordering::Equal {
                return order;
            }
        }
        a.iri.cmp(&b.iri)
    }
}

impl SegmentCollector for SegmentPage {
    type Fruit = (u64, Vec<Row>);

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.count += 1;
        if self.wanted == 0 {
            return;
        }
        // Once the heap is full, most documents lose on their first key: they are dropped
        // before the next keys are read.
        // `tied_with`: the heap's worst key, while this one equals it so far.
        let mut tied_with = (self.best.len() >= self.wanted)
            .then(|| self.best.peek().map(|(key, _)| *key))
            .flatten();
        let mut key = [0; MAX_SORT_KEYS];
        for (i, (column, descending)) in self.columns.iter().enumerate() {
            let ord = column
                .as_ref()
                .and_then(|c| c.ords().first(doc))
                .unwrap_or(0);
            key[i] = if *descending { u64::MAX - ord } else { ord };
            if let Some(worst) = tied_with {
                match key[i].cmp(&worst[i]) {
                    Ordering::Greater => return,
                    Ordering::Less => tied_with = None,
                    Ordering::Equal => {}
                }
            }
        }
        if self.best.len() < self.wanted {
            self.best.push((key, doc));
        } else if let Some(mut worst) = self.best.peek_mut() {
            if (key, doc) < *worst {
                *worst = (key, doc);
            }
        }
    }

    fn harvest(self) -> (u64, Vec<Row>) {
        let text = |column: Option<&StrColumn>, ord: u64| {
            let mut out = String::new();
            match column.map(|c| c.ord_to_str(ord, &mut out)) {
                Some(Ok(true)) => Some(out),
                _ => None,
            }
        };
        let rows = self
            .best
            .into_sorted_vec()
            .into_iter()
            .filter_map(|(key, doc)| {
                let iri_ord = self.iri.as_ref()?.ords().first(doc)?;
                let iri = text(self.iri.as_ref(), iri_ord)?;
                let values = key
                    .iter()
                    .zip(&self.columns)
                    .map(|(k, (column, descending))| {
                        let ord = if *descending { u64::MAX - k } else { *k };
                        text(column.as_ref(), ord)
                    })
                    .collect();
                Some(Row { values, iri })
            })
            .collect();
        (self.count, rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index_model::*;

    const EVENT: &str = "http://x/Event";

    fn event(iri: &str, labels: &[(&str, Option<&str>)], dates: &[&str]) -> Entry {
        let mut values: Vec<KeyValue> = labels
            .iter()
            .map(|(text, lang)| {
                let literal = match lang {
                    Some(lang) => oxigraph::model::Literal::new_language_tagged_literal_unchecked(
                        *text, *lang,
                    ),
                    None => oxigraph::model::Literal::new_simple_literal(*text),
                };
                Key::value_of(crate::index_model::SEARCHED[0], (&literal).into()).unwrap()
            })
            .collect();
        values.extend(dates.iter().map(|d| {
            Key::value_of(
                crate::index_model::ORDERED[0],
                (&oxigraph::model::Literal::new_simple_literal(*d)).into(),
            )
            .unwrap()
        }));
        Entry {
            node: NamedNode::new_unchecked(iri),
            texts: labels.iter().map(|(t, _)| (*t).to_owned()).collect(),
            classes: vec![NamedNode::new_unchecked(EVENT)],
            values,
        }
    }

    fn index() -> TextIndex {
        let index = TextIndex::in_memory().unwrap();
        let entries = [
            event(
                "http://x/e1",
                &[("Zeta", Some("en")), ("Alpha", Some("fr"))],
                &["2021-05-01"],
            ),
            event(
                "http://x/e2",
                &[("Beta", None)],
                &["2019-01-01", "2023-01-01"],
            ),
            event("http://x/e3", &[("Alpha", Some("en-GB"))], &[]),
            event("http://x/e4", &[("Gamma", Some("de"))], &["2020-06-30"]),
        ];
        let nodes: Vec<NamedNode> = entries.iter().map(|e| e.node.clone()).collect();
        // Two commits: two segments, merged by the collector.
        index.replace(&nodes[..2], entries[..2].to_vec()).unwrap();
        index.replace(&nodes[2..], entries[2..].to_vec()).unwrap();
        index
    }

    fn page(index: &TextIndex, filter: Option<Condition>, order: &[SortKey]) -> (Vec<String>, u64) {
        let mut order = order.to_vec();
        order.push(SortKey {
            key: None,
            descending: false,
        });
        let page = index
            .page(&PageRequest {
                class: NamedNode::new_unchecked(EVENT),
                filter,
                order,
                offset: 0,
                limit: Some(10),
            })
            .unwrap()
            .unwrap();
        let nodes = page
            .nodes
            .iter()
            .map(|n| n.as_str().trim_start_matches("http://x/").to_owned())
            .collect();
        (nodes, page.total)
    }

    fn date(descending: bool) -> SortKey {
        SortKey {
            key: Some(Key::Property(0)),
            descending,
        }
    }

    #[test]
    fn orders_by_least_value_ascending_and_greatest_descending_missing_values_at_the_start() {
        let index = index();
        assert_eq!(
            page(&index, None, &[date(false)]).0,
            ["e3", "e2", "e4", "e1"]
        );
        assert_eq!(
            page(&index, None, &[date(true)]).0,
            ["e2", "e1", "e4", "e3"]
        );
    }

    #[test]
    fn labels_order_by_english_or_untagged_forms() {
        let index = index();
        let label = SortKey {
            key: Some(Key::Label),
            descending: false,
        };
        // e4 has only a German label: no sort value, first.
        assert_eq!(page(&index, None, &[label]).0, ["e4", "e3", "e2", "e1"]);
    }

    #[test]
    fn ranges_hold_for_one_value_and_count_every_match() {
        let index = index();
        let since_2020 = Condition::Value {
            key: Key::Property(0),
            among: None,
            lower: Bound::Included("2020".to_owned()),
            upper: Bound::Unbounded,
        };
        assert_eq!(
            page(&index, Some(since_2020.clone()), &[date(true)]),
            (vec!["e2".into(), "e1".into(), "e4".into()], 3)
        );
        let in_2020 = Condition::All(vec![
            since_2020,
            Condition::Value {
                key: Key::Property(0),
                among: None,
                lower: Bound::Unbounded,
                upper: Bound::Excluded("2021".to_owned()),
            },
        ]);
        // e2 has a value after 2020 and one before 2021, but none in 2020: the caller gives one
        // value's bounds in one condition; two conditions may hold for different values.
        assert_eq!(page(&index, Some(in_2020), &[]).1, 2);
        let in_2020 = Condition::Value {
            key: Key::Property(0),
            among: None,
            lower: Bound::Included("2020".to_owned()),
            upper: Bound::Excluded("2021".to_owned()),
        };
        assert_eq!(page(&index, Some(in_2020), &[]).0, ["e4"]);
        let no_date = Condition::Has(Key::Property(0), false);
        assert_eq!(page(&index, Some(no_date), &[]).0, ["e3"]);
        let labelled = Condition::Value {
            key: Key::Label,
            among: Some(vec!["Alpha".into(), "Gamma".into()]),
            lower: Bound::Unbounded,
            upper: Bound::Excluded("B".into()),
        };
        assert_eq!(page(&index, Some(labelled.clone()), &[]).0, ["e1", "e3"]);
        assert_eq!(
            page(&index, Some(Condition::Not(Box::new(labelled))), &[]).0,
            ["e2", "e4"]
        );
    }

    #[test]
    fn offsets_and_limits_cut_the_ordered_nodes() {
        let index = index();
        let request = |offset, limit| PageRequest {
            class: NamedNode::new_unchecked(EVENT),
            filter: None,
            order: vec![
                date(false),
                SortKey {
                    key: None,
                    descending: false,
                },
            ],
            offset,
            limit,
        };
        let page = index.page(&request(1, Some(2))).unwrap().unwrap();
        assert_eq!(page.total, 4);
        assert_eq!(
            page.nodes.iter().map(NamedNode::as_str).collect::<Vec<_>>(),
            ["http://x/e2", "http://x/e4"]
        );
        assert!(index
            .page(&request(9, None))
            .unwrap()
            .unwrap()
            .nodes
            .is_empty());
    }
}
