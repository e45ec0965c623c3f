//! What one request may cost, checked before the work it asks for begins.
//!
//! Every byte a client sends is treated as hostile. Parsers and the walks over what they build
//! recurse once per level of nesting, so nesting is measured on the text, without recursion,
//! before anything parses it ([`text`]); the work a SPARQL query can do between two reads of the
//! store (where its deadline is checked) is bounded on its algebra before it runs
//! ([`algebra`]); JSON values are measured before they are converted. Each refusal names the
//! limit and the setting that raises it.

pub mod algebra;
pub mod rdfxml;
pub mod text;

use spargebra::{Query, Update};

/// The request limits of a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The deepest nesting of brackets in a SPARQL or GraphQL text, or of a JSON value.
    pub max_nesting: usize,
    /// The deepest algebra a SPARQL text may parse into (nesting plus chained operators).
    pub max_sparql_depth: usize,
    /// The most rows a SPARQL query may make between two reads of the store.
    pub max_unchecked_rows: u128,
    /// The most triple patterns, path steps and inline tables joined in one group of a SPARQL
    /// query (the query may have four times as many in all).
    pub max_patterns: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_nesting: DEFAULT_MAX_NESTING,
            max_sparql_depth: DEFAULT_MAX_SPARQL_DEPTH,
            max_unchecked_rows: DEFAULT_MAX_UNCHECKED_ROWS,
            max_patterns: DEFAULT_MAX_PATTERNS,
        }
    }
}

/// The default of [`Limits::max_nesting`].
pub const DEFAULT_MAX_NESTING: usize = 64;
/// The default of [`Limits::max_sparql_depth`].
pub const DEFAULT_MAX_SPARQL_DEPTH: usize = 256;
/// How many times longer than the longest value of the data or the query a string built by a
/// query's expressions may be.
pub const MAX_STRING_GROWTH: u128 = 64;
/// The default of [`Limits::max_patterns`].
pub const DEFAULT_MAX_PATTERNS: usize = 64;
/// The default of [`Limits::max_unchecked_rows`].
pub const DEFAULT_MAX_UNCHECKED_ROWS: u128 = 10_000_000;

/// A request went past a limit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LimitError(pub String);

impl Limits {
    /// Checks the text of a SPARQL query or update before it is parsed.
    pub fn check_sparql_text(&self, text: &str) -> Result<(), LimitError> {
        let shape = text::sparql(text);
        if shape.depth > self.max_nesting {
            let (line, column) = shape.deepest_at;
            return Err(LimitError(format!(
                "the SPARQL text nests brackets more than {} deep (at line {line}, column \
                 {column}); this server's limit is --max-nesting",
                self.max_nesting
            )));
        }
        if shape.chain > self.max_sparql_depth {
            let (line, column) = shape.chain_at;
            return Err(LimitError(format!(
                "the SPARQL text chains more than {} groups, operators and path steps inside one \
                 another (at line {line}, column {column}); this server's limit is \
                 --sparql-max-depth: split long UNION, OPTIONAL or operator chains into VALUES or \
                 IN lists",
                self.max_sparql_depth
            )));
        }
        Ok(())
    }

    /// Checks a parsed query: its patterns, and its work between two reads of the store.
    pub fn check_query(&self, query: &Query) -> Result<(), LimitError> {
        self.check_patterns(algebra::Patterns::of_query(query))?;
        self.check_growth(algebra::string_growth(query))?;
        self.check_rows(algebra::unchecked_rows(query))
    }

    /// Checks a parsed update as [`Limits::check_query`] checks a query.
    pub fn check_update(&self, update: &Update) -> Result<(), LimitError> {
        self.check_patterns(algebra::Patterns::of_update(update))?;
        self.check_growth(algebra::update_string_growth(update))?;
        self.check_rows(algebra::unchecked_update_rows(update))
    }

    fn check_patterns(&self, patterns: algebra::Patterns) -> Result<(), LimitError> {
        if patterns.largest_group > self.max_patterns {
            return Err(LimitError(format!(
                "the query joins {} triple patterns, path steps and VALUES in one group, more \
                 than this server's limit of {} (--sparql-max-patterns): the time to plan a \
                 join grows much faster than its patterns",
                patterns.largest_group, self.max_patterns
            )));
        }
        let total = self.max_patterns.saturating_mul(4);
        if patterns.total > total {
            return Err(LimitError(format!(
                "the query has {} triple patterns, path steps and VALUES, more than this \
                 server's limit of {total} (four times --sparql-max-patterns)",
                patterns.total
            )));
        }
        Ok(())
    }

    fn check_growth(&self, growth: u128) -> Result<(), LimitError> {
        if growth > MAX_STRING_GROWTH {
            return Err(LimitError(format!(
                "the query's expressions can build strings more than {MAX_STRING_GROWTH} times \
                 longer than any value of the data or the query (by CONCAT, REPLACE or case \
                 mappings of what earlier BINDs built): up to {growth} times"
            )));
        }
        Ok(())
    }

    fn check_rows(&self, rows: u128) -> Result<(), LimitError> {
        if rows > self.max_unchecked_rows {
            return Err(LimitError(format!(
                "the query joins VALUES, BIND and empty groups into up to {rows} rows before \
                 reading any data, more than this server's limit of {} \
                 (--sparql-max-unchecked-rows)",
                self.max_unchecked_rows
            )));
        }
        Ok(())
    }

    /// Checks the nesting of a JSON value (GraphQL variables and extensions).
    pub fn check_json(&self, value: &serde_json::Value, what: &str) -> Result<(), LimitError> {
        let mut stack = vec![(value, 0usize)];
        while let Some((value, depth)) = stack.pop() {
            if depth > self.max_nesting {
                return Err(LimitError(format!(
                    "{what} nests more than {} deep; this server's limit is --max-nesting",
                    self.max_nesting
                )));
            }
            match value {
                serde_json::Value::Array(items) => {
                    stack.extend(items.iter().map(|item| (item, depth + 1)));
                }
                serde_json::Value::Object(entries) => {
                    stack.extend(entries.values().map(|item| (item, depth + 1)));
                }
                _ => {}
            }
        }
        Ok(())
    }
}
