//! The index of nodes behind GraphQL's `search` and its filtered, ordered pages: one document per
//! node, holding the texts of its labels, alternative labels, titles and descriptions, its classes,
//! and the values of the properties pages filter and order by ([`ORDERED`], labels) (tantivy).
//!
//! The index knows nothing of the store. The embedded backend tells it which nodes a write
//! touched and what they say afterwards ([`TextIndex::replace`]); a rebuild feeds it every node.
//! While it is being rebuilt, or after a write whose effect on it could not be told, it says so
//! ([`TextIndex::is_ready`]) and search falls back to the SPARQL scan, which is always right.
//!
//! Ranking is the scan's: 3 when a text is the searched text, 2 when it starts with it, 1 when it
//! contains it (ignoring case), ties broken by IRI. The index finds a node when every word of the
//! searched text begins a word of its texts (Chinese and Japanese characters count as a word
//! each), so it also finds the words in another order, and finds no text that has the searched
//! text only inside a word ("umm" in "summit"), which the scan does.

use oxigraph::model::NamedNode;
use std::collections::HashSet;
use std::ops::Bound;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, InvertedIndexRangeQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, STORED, STRING,
};
use tantivy::tokenizer::{AsciiFoldingFilter, LowerCaser, SimpleTokenizer, TextAnalyzer};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term,
};

mod pages;

use crate::index_model::{Entry, Hit, KeyValue, KEYS};

/// The name of the analyzer of the word field.
const ANALYZER: &str = "kgql_words";

/// Whole texts longer than this (in bytes) are cut in the field that finds whole and starting
/// matches; the score is still computed on the whole text.
const WHOLE_TEXT_BYTES: usize = 512;

/// The file whose presence says the index may lag behind the store.
const STALE_MARKER: &str = "stale";

/// The writer's memory budget.
const WRITER_HEAP: usize = 64 * 1024 * 1024;

/// A failure of the index.
#[derive(Debug, thiserror::Error)]
#[error("search index: {0}")]
pub struct IndexError(String);

impl From<tantivy::TantivyError> for IndexError {
    fn from(e: tantivy::TantivyError) -> Self {
        Self(e.to_string())
    }
}

impl From<std::io::Error> for IndexError {
    fn from(e: std::io::Error) -> Self {
        Self(e.to_string())
    }
}

/// The fields of an index document.
#[derive(Clone, Copy)]
struct Fields {
    /// The node's IRI: the document's key and the tie-break.
    iri: Field,
    /// The words of every text.
    words: Field,
    /// Every text whole, lower-cased (cut to [`WHOLE_TEXT_BYTES`]).
    whole: Field,
    /// Every text as written, for scores and the matched text.
    text: Field,
    /// The node's classes.
    class: Field,
    /// The keys the node has a value of.
    has: Field,
    /// Per key: every value, for filters.
    values: [Field; KEYS],
    /// Per key: [`MISSING`], or [`PRESENT`] and the least value that sorts.
    least: [Field; KEYS],
    /// Per key: [`MISSING`], or [`PRESENT`] and the greatest value that sorts.
    greatest: [Field; KEYS],
}

/// The sort value of a node without one: before every other.
const MISSING: &str = "0";
/// The start of a sort value, after [`MISSING`].
const PRESENT: &str = "1";

fn schema() -> (Schema, Fields) {
    let mut builder = Schema::builder();
    let words = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(ANALYZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        iri: builder.add_text_field("iri", STRING | STORED | FAST),
        words: builder.add_text_field("words", words),
        whole: builder.add_text_field("whole", STRING),
        text: builder.add_text_field("text", STORED),
        class: builder.add_text_field("class", STRING),
        has: builder.add_text_field("has", STRING),
        values: std::array::from_fn(|k| builder.add_text_field(&format!("value{k}"), STRING)),
        least: std::array::from_fn(|k| builder.add_text_field(&format!("least{k}"), FAST)),
        greatest: std::array::from_fn(|k| builder.add_text_field(&format!("greatest{k}"), FAST)),
    };
    (builder.build(), fields)
}

/// The full-text index.
pub struct TextIndex {
    index: Index,
    reader: IndexReader,
    /// The writer (`None` between [`TextIndex::tidy`] and the next write).
    writer: Mutex<Option<IndexWriter>>,
    fields: Fields,
    /// The index's directory (`None` in memory).
    dir: Option<PathBuf>,
    /// The same directory as tantivy reads it (`None` in memory): its cache of mapped files
    /// keeps an entry for every file it ever mapped until it is pruned ([`TextIndex::tidy`]).
    mapped: Option<tantivy::directory::MmapDirectory>,
    /// Whether the index reflects the store.
    ready: AtomicBool,
}

/// The nodes an index held at one commit.
pub struct Snapshot {
    searcher: tantivy::Searcher,
    iri: Field,
}

impl Snapshot {
    /// Whether the index held a document of `node` (or one since deleted and not yet merged
    /// away: a `true` may be wrong, a `false` never is).
    pub fn may_hold(&self, node: &NamedNode) -> Result<bool, IndexError> {
        let term = Term::from_field_text(self.iri, node.as_str());
        Ok(self.searcher.doc_freq(&term)? > 0)
    }
}

impl TextIndex {
    /// Opens the index in `dir`, creating it if needed. A new index, one of another layout (it is
    /// recreated) or one left behind a store write that did not finish is not ready: it needs a
    /// rebuild.
    pub fn open(dir: &Path) -> Result<Self, IndexError> {
        std::fs::create_dir_all(dir)?;
        let (schema, fields) = schema();
        let mut fresh = false;
        let mapped =
            tantivy::directory::MmapDirectory::open(dir).map_err(|e| IndexError(e.to_string()))?;
        let index = match Index::open(mapped.clone()) {
            Ok(index) if index.schema() == schema => index,
            _ => {
                // Nothing there, or an index of another layout: start over.
                for entry in std::fs::read_dir(dir)? {
                    let path = entry?.path();
                    if path.is_dir() {
                        std::fs::remove_dir_all(&path)?;
                    } else {
                        std::fs::remove_file(&path)?;
                    }
                }
                fresh = true;
                Index::create(mapped.clone(), schema, tantivy::IndexSettings::default())?
            }
        };
        let stale = fresh || dir.join(STALE_MARKER).exists();
        let this = Self::new(index, fields, Some(dir.to_owned()), Some(mapped))?;
        if stale {
            this.mark_stale()?;
        } else {
            this.ready.store(true, Ordering::SeqCst);
        }
        Ok(this)
    }

    /// An index in memory, for a store in memory; empty and ready.
    pub fn in_memory() -> Result<Self, IndexError> {
        let (schema, fields) = schema();
        let this = Self::new(Index::create_in_ram(schema), fields, None, None)?;
        this.ready.store(true, Ordering::SeqCst);
        Ok(this)
    }

    fn new(
        index: Index,
        fields: Fields,
        dir: Option<PathBuf>,
        mapped: Option<tantivy::directory::MmapDirectory>,
    ) -> Result<Self, IndexError> {
        index.tokenizers().register(
            ANALYZER,
            TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(LowerCaser)
                .filter(AsciiFoldingFilter)
                .build(),
        );
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let writer = index.writer_with_num_threads(1, WRITER_HEAP)?;
        Ok(Self {
            index,
            reader,
            writer: Mutex::new(Some(writer)),
            fields,
            dir,
            mapped,
            ready: AtomicBool::new(false),
        })
    }

    /// Lets go of what a long run of commits leaves behind: the cache entries of files that
    /// merges deleted, and the writer's queue of past deletions (the writer is made anew, after
    /// its merges under way have finished). Each commit adds to both, so a server that writes
    /// for days calls this now and then.
    pub fn tidy(&self) -> Result<(), IndexError> {
        if let Some(mapped) = &self.mapped {
            // Reading the cache's state prunes the entries of files no longer mapped.
            let _ = mapped.get_cache_info();
        }
        let mut writer = self.lock_writer()?;
        if let Some(old) = writer.take() {
            // The directory admits one writer at a time: the old one goes first, once its merges
            // are done. The next write makes the new one.
            old.wait_merging_threads()?;
        }
        Ok(())
    }

    fn lock_writer(&self) -> Result<std::sync::MutexGuard<'_, Option<IndexWriter>>, IndexError> {
        self.writer
            .lock()
            .map_err(|_| IndexError("poisoned".into()))
    }

    /// Runs `write` with the index's writer, made first if there is none.
    fn with_writer<T>(
        &self,
        write: impl FnOnce(&mut IndexWriter) -> Result<T, IndexError>,
    ) -> Result<T, IndexError> {
        let mut writer = self.lock_writer()?;
        let writer = match &mut *writer {
            Some(writer) => writer,
            empty => empty.insert(self.index.writer_with_num_threads(1, WRITER_HEAP)?),
        };
        write(writer)
    }

    /// Whether the index reflects the store; when it does not, search must scan.
    pub fn is_ready(&self) -> bool {
        self.ready.load(Ordering::SeqCst)
    }

    /// Records that the index may lag behind the store (before a write, or a rebuild): until
    /// [`TextIndex::mark_ready`], searches do not use it, and a process that stops meanwhile
    /// leaves the mark for the next one to see.
    pub fn mark_stale(&self) -> Result<(), IndexError> {
        self.ready.store(false, Ordering::SeqCst);
        if let Some(dir) = &self.dir {
            std::fs::write(dir.join(STALE_MARKER), b"")?;
        }
        Ok(())
    }

    /// Records that the index reflects the store again.
    pub fn mark_ready(&self) -> Result<(), IndexError> {
        if let Some(dir) = &self.dir {
            match std::fs::remove_file(dir.join(STALE_MARKER)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
                _ => {}
            }
        }
        self.ready.store(true, Ordering::SeqCst);
        Ok(())
    }

    /// Forgets every document.
    pub fn clear(&self) -> Result<(), IndexError> {
        self.with_writer(|writer| {
            writer.delete_all_documents()?;
            writer.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(())
    }

    /// Replaces what the index says of `nodes` by `entries` (a node without an entry is
    /// forgotten), in one commit.
    pub fn replace<'a>(
        &self,
        nodes: impl IntoIterator<Item = &'a NamedNode>,
        entries: impl IntoIterator<Item = Entry>,
    ) -> Result<(), IndexError> {
        self.with_writer(|writer| {
            for node in nodes {
                writer.delete_term(Term::from_field_text(self.fields.iri, node.as_str()));
            }
            self.add_to(writer, entries)?;
            writer.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(())
    }

    /// Adds `entries` (of nodes the index holds nothing of), uncommitted: they are searched only
    /// after the next commit ([`TextIndex::commit`]), and forgotten by [`TextIndex::rollback`].
    /// The writer writes what it holds to disk as its memory budget fills, so any number of
    /// entries can be added before one commit.
    pub fn add(&self, entries: impl IntoIterator<Item = Entry>) -> Result<(), IndexError> {
        self.with_writer(|writer| self.add_to(writer, entries))
    }

    /// Commits what was added since the last commit.
    pub fn commit(&self) -> Result<(), IndexError> {
        self.with_writer(|writer| {
            writer.commit()?;
            Ok(())
        })?;
        self.reader.reload()?;
        Ok(())
    }

    /// Readies what was added since the last commit (the costly part of a commit: every
    /// document is written to disk), then commits it if `verdict`, asked once that is done, says
    /// so, else forgets it; returns whether it committed.
    pub fn commit_if(&self, verdict: impl FnOnce() -> bool) -> Result<bool, IndexError> {
        let committed = self.with_writer(|writer| {
            let prepared = writer.prepare_commit()?;
            if verdict() {
                prepared.commit()?;
                Ok(true)
            } else {
                prepared.abort()?;
                Ok(false)
            }
        })?;
        if committed {
            self.reader.reload()?;
        }
        Ok(committed)
    }

    /// Forgets what was added since the last commit.
    pub fn rollback(&self) -> Result<(), IndexError> {
        self.with_writer(|writer| {
            writer.rollback()?;
            Ok(())
        })
    }

    /// The nodes the index holds as of the last commit, to be asked about while more are added.
    pub fn snapshot(&self) -> Snapshot {
        Snapshot {
            searcher: self.reader.searcher(),
            iri: self.fields.iri,
        }
    }

    /// Adds a document per entry that says anything.
    fn add_to(
        &self,
        writer: &IndexWriter,
        entries: impl IntoIterator<Item = Entry>,
    ) -> Result<(), IndexError> {
        for entry in entries {
            if entry.texts.is_empty() && entry.classes.is_empty() && entry.values.is_empty() {
                continue;
            }
            let mut doc = TantivyDocument::new();
            doc.add_text(self.fields.iri, entry.node.as_str());
            for text in &entry.texts {
                doc.add_text(self.fields.words, spaced(text));
                doc.add_text(
                    self.fields.whole,
                    cut(&text.to_lowercase(), WHOLE_TEXT_BYTES),
                );
                doc.add_text(self.fields.text, text);
            }
            for class in &entry.classes {
                doc.add_text(self.fields.class, class.as_str());
            }
            self.add_values(&mut doc, &entry.values);
            writer.add_document(doc)?;
        }
        Ok(())
    }

    /// Adds the values of every key to a document: each value, and the least and greatest of
    /// those that sort, as SPARQL's `MIN` and `MAX` of their string forms give them (the string
    /// form of a blank node is an error, and an aggregate over an error is unbound).
    fn add_values(&self, doc: &mut TantivyDocument, values: &[KeyValue]) {
        let f = self.fields;
        for k in 0..KEYS {
            let of_key = || values.iter().filter(move |v| v.key.position() == k);
            if of_key().next().is_some() {
                doc.add_text(f.has, k.to_string());
            }
            for text in of_key().filter_map(|v| v.text.as_deref()) {
                doc.add_text(f.values[k], text);
            }
            let sorting = || of_key().filter(|v| v.sorts);
            let (least, greatest) = if sorting().any(|v| v.text.is_none()) {
                (None, None)
            } else {
                let texts = || sorting().filter_map(|v| v.text.as_deref());
                (texts().min(), texts().max())
            };
            let sort_value = |value: Option<&str>| match value {
                Some(text) => format!("{PRESENT}{text}"),
                None => MISSING.to_owned(),
            };
            doc.add_text(f.least[k], sort_value(least));
            doc.add_text(f.greatest[k], sort_value(greatest));
        }
    }

    /// The name of a field, as fast-field columns are named.
    fn column(&self, field: Field) -> String {
        self.index.schema().get_field_name(field).to_owned()
    }

    /// How many nodes the index holds.
    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Whether the index holds no node.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The best `limit` nodes having one of `classes` (any node if empty) whose texts match
    /// `text`; `None` when the text has no word the index could look up (the caller scans).
    pub fn search(
        &self,
        text: &str,
        classes: &[NamedNode],
        limit: usize,
    ) -> Result<Option<Vec<Hit>>, IndexError> {
        let needle = text.trim().to_lowercase();
        let words = self.words_of(&needle)?;
        let Some((last, rest)) = words.split_last() else {
            return Ok(None);
        };
        let f = self.fields;
        let range = |field: Field, prefix: &str| -> Box<dyn Query> {
            Box::new(InvertedIndexRangeQuery::new(
                Bound::Included(Term::from_field_text(field, prefix)),
                Bound::Excluded(Term::from_field_text(field, &format!("{prefix}\u{10FFFF}"))),
            ))
        };
        let term = |field: Field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        let with_class = |query: Box<dyn Query>| -> Box<dyn Query> {
            if classes.is_empty() {
                return query;
            }
            let any_class = BooleanQuery::new(
                classes
                    .iter()
                    .map(|c| (Occur::Should, term(f.class, c.as_str())))
                    .collect(),
            );
            Box::new(BooleanQuery::new(vec![
                (Occur::Must, query),
                (Occur::Must, Box::new(any_class)),
            ]))
        };
        let mut all_words: Vec<(Occur, Box<dyn Query>)> = rest
            .iter()
            .map(|w| (Occur::Must, term(f.words, w)))
            .collect();
        all_words.push((Occur::Must, range(f.words, last)));
        let whole = cut(&needle, WHOLE_TEXT_BYTES);
        // Whole matches, then starting matches, then the rest, each by IRI: enough of each
        // that `limit` remain once the better ones are removed from the next.
        let tiers: [Box<dyn Query>; 3] = [
            with_class(term(f.whole, &whole)),
            with_class(range(f.whole, &whole)),
            with_class(Box::new(BooleanQuery::new(all_words))),
        ];
        let searcher = self.reader.searcher();
        let mut seen = HashSet::new();
        let mut found: Vec<DocAddress> = Vec::new();
        for query in tiers {
            let wanted = limit.saturating_add(found.len());
            let top = TopDocs::with_limit(wanted.max(1))
                .order_by_string_fast_field(self.column(f.iri), Order::Asc);
            for (_, address) in searcher.search(&query, &top)? {
                if seen.insert(address) {
                    found.push(address);
                }
            }
        }
        let mut hits = Vec::with_capacity(found.len());
        for address in found {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(iri) = doc.get_first(f.iri).and_then(|v| v.as_str()) else {
                continue;
            };
            let texts: Vec<&str> = doc.get_all(f.text).filter_map(|v| v.as_str()).collect();
            let (score, matched) = score(&needle, &texts);
            hits.push(Hit {
                node: NamedNode::new_unchecked(iri),
                score,
                matched,
            });
        }
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.node.as_str().cmp(b.node.as_str()))
        });
        hits.truncate(limit);
        Ok(Some(hits))
    }

    /// The words of a searched text, as the index analyses texts.
    fn words_of(&self, text: &str) -> Result<Vec<String>, IndexError> {
        let mut analyzer = self.index.tokenizer_for_field(self.fields.words)?;
        let spaced = spaced(text);
        let mut stream = analyzer.token_stream(&spaced);
        let mut words = Vec::new();
        while stream.advance() {
            words.push(stream.token().text.clone());
        }
        Ok(words)
    }
}

/// The score of a node's texts for a lower-cased searched text, as the SPARQL scan computes it,
/// and the matched text (the least, in code-point order, of those containing it).
fn score(needle: &str, texts: &[&str]) -> (f64, String) {
    let mut best = 0.0_f64;
    let mut matched: Option<&str> = None;
    for text in texts {
        let lowered = text.to_lowercase();
        let score = if lowered == needle {
            3.0
        } else if lowered.starts_with(needle) {
            2.0
        } else if lowered.contains(needle) {
            1.0
        } else {
            continue;
        };
        best = best.max(score);
        if matched.is_none_or(|m| *text < m) {
            matched = Some(text);
        }
    }
    match matched {
        Some(text) => (best, text.to_owned()),
        // The words match, not the text as one: the least text.
        None => (
            1.0,
            texts
                .iter()
                .min()
                .map(|t| (*t).to_owned())
                .unwrap_or_default(),
        ),
    }
}

/// Whether a character is written without spaces between words (Chinese, Japanese): each one is
/// then a word of its own.
fn unspaced(c: char) -> bool {
    matches!(c,
        '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FFFF}')
}

/// The text with a space around each character of a script written without spaces.
fn spaced(text: &str) -> String {
    if !text.chars().any(unspaced) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() * 2);
    for c in text.chars() {
        if unspaced(c) {
            out.push(' ');
            out.push(c);
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    out
}

/// The longest start of `text` of at most `max` bytes that ends on a character boundary.
fn cut(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index_model::*;

    fn entry(iri: &str, texts: &[&str], classes: &[&str]) -> Entry {
        Entry {
            node: NamedNode::new_unchecked(iri),
            texts: texts.iter().map(|t| (*t).to_owned()).collect(),
            classes: classes
                .iter()
                .map(|c| NamedNode::new_unchecked(*c))
                .collect(),
            values: Vec::new(),
        }
    }

    fn index() -> TextIndex {
        let index = TextIndex::in_memory().unwrap();
        let entries = vec![
            entry(
                "http://x/itu",
                &[
                    "ITU",
                    "International Telecommunication Union",
                    "国际电信联盟",
                ],
                &["http://x/Org"],
            ),
            entry(
                "http://x/aifg",
                &["AI for Good", "AI for Good Global Summit"],
                &["http://x/Event"],
            ),
            entry(
                "http://x/summit",
                &["Global Summit on AI"],
                &["http://x/Event"],
            ),
            entry(
                "http://x/upu",
                &["Universal Postal Union"],
                &["http://x/Org"],
            ),
            entry("http://x/itu-t", &["ITU-T"], &["http://x/Unit"]),
            entry("http://x/cafe", &["Café Réunion"], &[]),
        ];
        let nodes: Vec<NamedNode> = entries.iter().map(|e| e.node.clone()).collect();
        index.replace(&nodes, entries).unwrap();
        index
    }

    fn iris(hits: &[Hit]) -> Vec<&str> {
        hits.iter().map(|h| h.node.as_str()).collect()
    }

    #[test]
    fn whole_matches_rank_first_then_starts_then_the_rest() {
        let index = index();
        let hits = index.search("itu", &[], 10).unwrap().unwrap();
        assert_eq!(iris(&hits), ["http://x/itu", "http://x/itu-t"]);
        assert_eq!((hits[0].score, hits[0].matched.as_str()), (3.0, "ITU"));
        assert_eq!((hits[1].score, hits[1].matched.as_str()), (2.0, "ITU-T"));
        let hits = index.search("Global Summit", &[], 10).unwrap().unwrap();
        assert_eq!(iris(&hits), ["http://x/summit", "http://x/aifg"]);
        assert_eq!(hits[0].score, 2.0);
        assert_eq!(
            (hits[1].score, hits[1].matched.as_str()),
            (1.0, "AI for Good Global Summit")
        );
    }

    #[test]
    fn the_last_word_is_a_prefix_and_classes_filter() {
        let index = index();
        let hits = index
            .search("uni", &["http://x/Org".into_named()], 10)
            .unwrap()
            .unwrap();
        assert_eq!(iris(&hits), ["http://x/upu", "http://x/itu"]);
        let hits = index.search("uni", &[], 1).unwrap().unwrap();
        assert_eq!(
            iris(&hits),
            ["http://x/upu"],
            "a start beats an inside match"
        );
        assert!(
            index.search("--", &[], 10).unwrap().is_none(),
            "no word: scan"
        );
    }

    #[test]
    fn chinese_and_accents() {
        let index = index();
        let hits = index.search("电信", &[], 10).unwrap().unwrap();
        assert_eq!(iris(&hits), ["http://x/itu"]);
        assert_eq!(hits[0].score, 1.0);
        let hits = index.search("reunion", &[], 10).unwrap().unwrap();
        assert_eq!(iris(&hits), ["http://x/cafe"]);
    }

    #[test]
    fn replacing_a_node_forgets_what_it_said() {
        let index = index();
        let node = NamedNode::new_unchecked("http://x/upu");
        index
            .replace(
                [&node],
                [entry("http://x/upu", &["Postal Union of the World"], &[])],
            )
            .unwrap();
        assert!(index
            .search("universal", &[], 10)
            .unwrap()
            .unwrap()
            .is_empty());
        assert_eq!(index.search("postal", &[], 10).unwrap().unwrap().len(), 1);
        index.replace([&node], []).unwrap();
        assert!(index.search("postal", &[], 10).unwrap().unwrap().is_empty());
        assert_eq!(index.len(), 5);
    }

    #[test]
    fn a_reopened_index_is_stale_until_marked_ready() {
        let dir = tempfile::tempdir().unwrap();
        let index = TextIndex::open(dir.path()).unwrap();
        assert!(!index.is_ready(), "new: needs a rebuild");
        index.mark_ready().unwrap();
        drop(index);
        let index = TextIndex::open(dir.path()).unwrap();
        assert!(index.is_ready());
        index.mark_stale().unwrap();
        drop(index);
        assert!(!TextIndex::open(dir.path()).unwrap().is_ready());
    }

    trait IntoNamed {
        fn into_named(self) -> NamedNode;
    }
    impl IntoNamed for &str {
        fn into_named(self) -> NamedNode {
            NamedNode::new_unchecked(self)
        }
    }
}
