//! The SPARQL 1.1 Protocol's semantics, independent of the web framework: parsing operations,
//! applying protocol-specified datasets, and writing answers in the negotiated format.

use crate::formats;
use crate::limits::{LimitError, Limits};
use crate::ontology::PREFIXES;
use crate::store::{QueryLimits, QueryOutput, SharedStore, StoreError};
use oxigraph::io::{JsonLdProfile, RdfFormat, RdfSerializer};
use oxigraph::model::{GraphName, NamedNode, QuadRef, Triple, TripleRef};
use oxigraph::sparql::results::{QueryResultsFormat, QueryResultsSerializer};
use oxigraph::sparql::{QuerySolution, Variable};
use spargebra::algebra::GraphPattern;
use spargebra::algebra::QueryDataset;
use spargebra::term::GroundTerm;
use spargebra::{GraphUpdateOperation, Query, SparqlParser, Update};
use std::io::{self, Write};

/// A protocol-specified dataset: `default-graph-uri` and `named-graph-uri` for queries,
/// `using-graph-uri` and `using-named-graph-uri` for updates.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DatasetParams {
    /// Graphs merged into the default graph.
    pub default_graphs: Vec<String>,
    /// Graphs available as named graphs.
    pub named_graphs: Vec<String>,
}

impl DatasetParams {
    /// Whether the request specified no dataset.
    pub fn is_empty(&self) -> bool {
        self.default_graphs.is_empty() && self.named_graphs.is_empty()
    }
}

/// Errors in what a client sent.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProtocolError {
    /// The query or update text is not valid SPARQL.
    #[error("invalid SPARQL {kind}: {message}")]
    Syntax {
        /// `query` or `update`.
        kind: &'static str,
        /// The parser's message, with the position.
        message: String,
    },
    /// A dataset parameter is not an absolute IRI.
    #[error("parameter {parameter}: '{value}' is not a valid IRI: {message}")]
    InvalidIri {
        /// The parameter's name.
        parameter: &'static str,
        /// The value sent.
        value: String,
        /// Why it is invalid.
        message: String,
    },
    /// The update names its dataset (USING, USING NAMED or WITH) and so does the request.
    #[error("the update specifies its dataset with USING or WITH, and the request with using-graph-uri or using-named-graph-uri: only one may")]
    DatasetConflict,
    /// The operation goes past one of the server's limits.
    #[error(transparent)]
    Limit(#[from] LimitError),
}

/// A SPARQL parser with `base_iri`, or why that is not a base IRI.
fn parser(base_iri: Option<&str>) -> Result<SparqlParser, String> {
    match base_iri {
        None => Ok(SparqlParser::new()),
        Some(base_iri) => SparqlParser::new()
            .with_base_iri(base_iri)
            .map_err(|e| e.to_string()),
    }
}

/// Parses a query within `limits` and applies a protocol-specified dataset, which replaces the
/// query's own `FROM` and `FROM NAMED`.
pub fn prepare_query(
    text: &str,
    base_iri: Option<&str>,
    dataset: &DatasetParams,
    limits: &Limits,
) -> Result<Query, ProtocolError> {
    limits.check_sparql_text(text)?;
    let syntax = |message: String| ProtocolError::Syntax {
        kind: "query",
        message,
    };
    let mut query = parser(base_iri)
        .map_err(syntax)?
        .parse_query(text)
        .map_err(|e| syntax(e.to_string()))?;
    limits.check_query(&query)?;
    if !dataset.is_empty() {
        let default = iris("default-graph-uri", &dataset.default_graphs)?;
        let named = iris("named-graph-uri", &dataset.named_graphs)?;
        let specified = QueryDataset {
            default,
            named: Some(named),
        };
        match &mut query {
            Query::Select { dataset, .. }
            | Query::Construct { dataset, .. }
            | Query::Describe { dataset, .. }
            | Query::Ask { dataset, .. } => *dataset = Some(specified),
        }
    }
    Ok(query)
}

/// Parses an update within `limits` and applies a protocol-specified dataset to its
/// DELETE/INSERT operations.
pub fn prepare_update(
    text: &str,
    base_iri: Option<&str>,
    dataset: &DatasetParams,
    limits: &Limits,
) -> Result<Update, ProtocolError> {
    limits.check_sparql_text(text)?;
    let syntax = |message: String| ProtocolError::Syntax {
        kind: "update",
        message,
    };
    let mut update = parser(base_iri)
        .map_err(syntax)?
        .parse_update(text)
        .map_err(|e| syntax(e.to_string()))?;
    limits.check_update(&update)?;
    if !dataset.is_empty() {
        let default = iris("using-graph-uri", &dataset.default_graphs)?;
        let named = iris("using-named-graph-uri", &dataset.named_graphs)?;
        for operation in &mut update.operations {
            if let GraphUpdateOperation::DeleteInsert { using, .. } = operation {
                if using.is_some() {
                    return Err(ProtocolError::DatasetConflict);
                }
                *using = Some(QueryDataset {
                    default: default.clone(),
                    named: Some(named.clone()),
                });
            }
        }
    }
    Ok(update)
}

fn iris(parameter: &'static str, values: &[String]) -> Result<Vec<NamedNode>, ProtocolError> {
    values
        .iter()
        .map(|value| {
            NamedNode::new(value.as_str()).map_err(|e| ProtocolError::InvalidIri {
                parameter,
                value: value.clone(),
                message: e.to_string(),
            })
        })
        .collect()
}

/// Parses an absolute IRI given by a client for `parameter`.
pub fn parse_iri(parameter: &'static str, value: &str) -> Result<NamedNode, ProtocolError> {
    NamedNode::new(value).map_err(|e| ProtocolError::InvalidIri {
        parameter,
        value: value.to_owned(),
        message: e.to_string(),
    })
}

/// What kind of answer a query gives, which decides the formats it can be written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnswerKind {
    /// SELECT and ASK: SPARQL results formats.
    Results,
    /// CONSTRUCT and DESCRIBE: RDF formats.
    Graph,
}

impl AnswerKind {
    /// The answer kind of `query`.
    pub fn of(query: &Query) -> Self {
        match query {
            Query::Select { .. } | Query::Ask { .. } => Self::Results,
            Query::Construct { .. } | Query::Describe { .. } => Self::Graph,
        }
    }
}

/// A negotiated output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// A SPARQL results format.
    Results(QueryResultsFormat),
    /// An RDF format.
    Rdf(RdfFormat),
}

impl OutputFormat {
    /// The `Content-Type` to answer with.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Results(format) => formats::results_media_types(format)[0],
            Self::Rdf(format) => formats::rdf_media_types(format)[0],
        }
    }

    /// Picks the format of an answer from the format parameters (which win) or `Accept`.
    /// `requested` are the values of the parameters widespread clients send (`format`,
    /// `output`, `results`), in order: the first that names a format of this kind of answer is
    /// taken, the others ignored (clients repeat one choice under several names, as a short name
    /// and a media type). [`Negotiated::Unsatisfied`] says which input could not be met.
    pub fn negotiate(
        kind: AnswerKind,
        requested: &[&str],
        accept: Option<&str>,
    ) -> Result<Negotiated, formats::InvalidAccept> {
        let requested: Vec<&str> = requested
            .iter()
            .map(|name| name.trim())
            .filter(|name| !name.is_empty())
            .collect();
        if !requested.is_empty() {
            let found = requested.iter().find_map(|name| match kind {
                AnswerKind::Results => formats::results_format_from_name(name).map(Self::Results),
                AnswerKind::Graph => formats::graph_format_from_name(name).map(Self::Rdf),
            });
            return Ok(match found {
                Some(format) => Negotiated::Format(format),
                None => Negotiated::Unsatisfied(format!(
                    "the format parameter asks for {}, which this {} cannot be written as; \
                     available: {}",
                    requested
                        .iter()
                        .map(|name| format!("'{name}'"))
                        .collect::<Vec<_>>()
                        .join(" or "),
                    kind.describe(),
                    kind.format_names()
                )),
            });
        }
        let format = match kind {
            AnswerKind::Results => formats::negotiate_results(accept)?.map(Self::Results),
            AnswerKind::Graph => formats::negotiate_graph(accept)?.map(Self::Rdf),
        };
        Ok(match format {
            Some(format) => Negotiated::Format(format),
            None => Negotiated::Unsatisfied(format!(
                "none of the formats in the Accept header ({}) can be written for this {}; \
                 available: {}",
                accept.unwrap_or_default(),
                kind.describe(),
                kind.media_types()
            )),
        })
    }
}

/// What negotiating an answer's format came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Negotiated {
    /// This format.
    Format(OutputFormat),
    /// None: why (406).
    Unsatisfied(String),
}

impl AnswerKind {
    fn describe(self) -> &'static str {
        match self {
            Self::Results => "query's results (SELECT, ASK)",
            Self::Graph => "query's graph (CONSTRUCT, DESCRIBE)",
        }
    }

    /// The media types of the formats this kind of answer is offered in.
    pub fn media_types(self) -> String {
        let types: Vec<&str> = match self {
            Self::Results => formats::RESULTS_FORMATS
                .iter()
                .map(|f| formats::results_media_types(*f)[0])
                .collect(),
            Self::Graph => formats::RDF_FORMATS
                .iter()
                .map(|f| formats::rdf_media_types(*f)[0])
                .collect(),
        };
        types.join(", ")
    }

    fn format_names(self) -> &'static str {
        match self {
            Self::Results => "json, xml, csv, tsv or their media types",
            Self::Graph => {
                "turtle, n3, ntriples, nquads, trig, json-ld (or json), jsonld-expanded, rdf+xml \
                 (or xml) or their media types"
            }
        }
    }
}

/// Writes statements in an RDF format, with the ontology's prefixes: Oxigraph's serializers,
/// and kgql's compacted JSON-LD ([`crate::jsonld`]).
pub enum RdfWriter<W: Write> {
    /// One of Oxigraph's serializers.
    Oxigraph(oxigraph::io::WriterQuadSerializer<W>),
    /// Compacted JSON-LD.
    JsonLd(crate::jsonld::CompactWriter<W>),
}

/// A writer of `format` into `writer`. JSON-LD is compacted unless its expanded profile is
/// asked for; N3 is written as Turtle (which is N3).
pub fn rdf_writer<W: Write>(format: RdfFormat, writer: W) -> RdfWriter<W> {
    let with_prefixes = |format| {
        let mut serializer = RdfSerializer::from_format(format);
        for (prefix, iri) in PREFIXES {
            serializer = serializer
                .with_prefix(*prefix, *iri)
                .expect("the built-in prefixes are valid");
        }
        serializer
    };
    match format {
        RdfFormat::JsonLd { profile } if profile.contains(JsonLdProfile::Expanded) => {
            RdfWriter::Oxigraph(RdfSerializer::from_format(formats::JSON_LD).for_writer(writer))
        }
        RdfFormat::JsonLd { .. } => {
            RdfWriter::JsonLd(crate::jsonld::CompactWriter::new(writer, PREFIXES))
        }
        RdfFormat::N3 => RdfWriter::Oxigraph(with_prefixes(RdfFormat::Turtle).for_writer(writer)),
        format => RdfWriter::Oxigraph(with_prefixes(format).for_writer(writer)),
    }
}

impl<W: Write> RdfWriter<W> {
    /// Writes a statement of the default graph.
    pub fn serialize_triple<'a>(&mut self, triple: impl Into<TripleRef<'a>>) -> io::Result<()> {
        match self {
            Self::Oxigraph(serializer) => serializer.serialize_triple(triple),
            Self::JsonLd(writer) => writer.serialize_triple(triple),
        }
    }

    /// Writes a statement of any graph (a format without graphs refuses a named one).
    pub fn serialize_quad<'a>(&mut self, quad: impl Into<QuadRef<'a>>) -> io::Result<()> {
        match self {
            Self::Oxigraph(serializer) => serializer.serialize_quad(quad),
            Self::JsonLd(writer) => writer.serialize_quad(quad),
        }
    }

    /// Ends the document and gives the writer back.
    pub fn finish(self) -> io::Result<W> {
        match self {
            Self::Oxigraph(serializer) => serializer.finish(),
            Self::JsonLd(writer) => writer.finish(),
        }
    }
}

fn store_error(error: StoreError) -> io::Error {
    io::Error::other(error)
}

/// Writes a query's answer. Blocks: call it on a blocking thread.
pub fn write_output(
    output: QueryOutput,
    format: OutputFormat,
    writer: impl Write,
) -> io::Result<()> {
    match (output, format) {
        (QueryOutput::Boolean(value), OutputFormat::Results(format)) => {
            QueryResultsSerializer::from_format(format)
                .serialize_boolean_to_writer(writer, value)?;
        }
        (
            QueryOutput::Solutions {
                variables, rows, ..
            },
            OutputFormat::Results(format),
        ) => {
            let mut serializer = QueryResultsSerializer::from_format(format)
                .serialize_solutions_to_writer(writer, variables.to_vec())?;
            for row in rows {
                serializer.serialize(&row.map_err(store_error)?)?;
            }
            serializer.finish()?;
        }
        (QueryOutput::Graph(triples), OutputFormat::Rdf(format)) => {
            let mut serializer = rdf_writer(format, writer);
            for triple in triples {
                serializer.serialize_triple(&triple.map_err(store_error)?)?;
            }
            serializer.finish()?;
        }
        (output, format) => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("{output:?} cannot be written as {format:?}"),
            ))
        }
    }
    Ok(())
}

/// Recovers the store error behind an I/O error of [`write_output`], if there is one.
pub fn as_store_error(error: &io::Error) -> Option<&StoreError> {
    error.get_ref()?.downcast_ref::<StoreError>()
}

/// The graph a Graph Store request addresses: `?default` or `?graph=IRI`.
pub fn graph_target(
    default: bool,
    graph: Option<&str>,
) -> Result<Option<GraphName>, ProtocolError> {
    match (default, graph) {
        (true, None) => Ok(Some(GraphName::DefaultGraph)),
        (false, Some(iri)) => Ok(Some(parse_iri("graph", iri)?.into())),
        _ => Ok(None),
    }
}

/// Binds `variable` to `value` in a query built from constant text: the query's pattern is
/// joined with a one-row `VALUES`. This is how a parameter enters a query without ever being
/// formatted into its text.
pub fn bind(query: Query, variable: &str, value: impl Into<GroundTerm>) -> Query {
    bind_each(query, variable, vec![value.into()])
}

/// Binds `variable` to each of `values` in turn (a `VALUES` of one row per value), as
/// [`bind`] binds it to one.
pub fn bind_each(mut query: Query, variable: &str, values: Vec<GroundTerm>) -> Query {
    let values = GraphPattern::Values {
        variables: vec![Variable::new_unchecked(variable)],
        bindings: values.into_iter().map(|value| vec![Some(value)]).collect(),
    };
    let pattern = match &mut query {
        Query::Select { pattern, .. }
        | Query::Construct { pattern, .. }
        | Query::Describe { pattern, .. }
        | Query::Ask { pattern, .. } => pattern,
    };
    join_inside_modifiers(pattern, values);
    query
}

/// Joins `values` with the innermost pattern under projections and solution modifiers, so that
/// the bound variable is visible to the whole query.
fn join_inside_modifiers(pattern: &mut GraphPattern, values: GraphPattern) {
    match pattern {
        GraphPattern::Project { inner, .. }
        | GraphPattern::Distinct { inner }
        | GraphPattern::Reduced { inner }
        | GraphPattern::Slice { inner, .. }
        | GraphPattern::OrderBy { inner, .. }
        | GraphPattern::Group { inner, .. } => join_inside_modifiers(inner, values),
        // A variable bound by an aggregate's `Extend` is not the one given: go below it.
        GraphPattern::Extend {
            inner, variable, ..
        } if !binds(&values, variable) => join_inside_modifiers(inner, values),
        other => {
            let inner = std::mem::replace(
                other,
                GraphPattern::Bgp {
                    patterns: Vec::new(),
                },
            );
            *other = GraphPattern::Join {
                left: Box::new(values),
                right: Box::new(inner),
            };
        }
    }
}

/// Whether a `VALUES` pattern gives `variable`.
fn binds(values: &GraphPattern, variable: &Variable) -> bool {
    matches!(values, GraphPattern::Values { variables, .. } if variables.contains(variable))
}

/// Parses a query written into the program (never user input).
///
/// # Panics
/// If the text is not valid SPARQL, which the tests of its caller catch.
pub fn constant_query(text: &str) -> Query {
    SparqlParser::new()
        .parse_query(text)
        .unwrap_or_else(|e| panic!("invalid built-in query: {e}\n{text}"))
}

/// Runs a SELECT query and collects its rows.
pub async fn select(
    store: &SharedStore,
    query: Query,
    limits: QueryLimits,
) -> Result<Vec<QuerySolution>, StoreError> {
    match store.query(query, limits).await? {
        QueryOutput::Solutions {
            rows,
            complete: true,
            ..
        } => rows.collect(),
        QueryOutput::Solutions { rows, .. } => {
            tokio::task::spawn_blocking(move || rows.collect::<Result<Vec<_>, _>>())
                .await
                .map_err(|e| StoreError::storage("the query task", e))?
        }
        other => Err(StoreError::Evaluation(format!(
            "expected solutions, got {other:?}"
        ))),
    }
}

/// Runs a CONSTRUCT or DESCRIBE query and collects its triples.
pub async fn construct(
    store: &SharedStore,
    query: Query,
    limits: QueryLimits,
) -> Result<Vec<Triple>, StoreError> {
    match store.query(query, limits).await? {
        QueryOutput::Graph(triples) => {
            tokio::task::spawn_blocking(move || triples.collect::<Result<Vec<_>, _>>())
                .await
                .map_err(|e| StoreError::storage("the query task", e))?
        }
        other => Err(StoreError::Evaluation(format!(
            "expected a graph, got {other:?}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_datasets_replace_the_querys_own() {
        let dataset = DatasetParams {
            default_graphs: vec!["http://example.com/g1".into()],
            named_graphs: vec![],
        };
        let query = prepare_query(
            "SELECT * FROM <http://example.com/g0> { ?s ?p ?o }",
            None,
            &dataset,
            &Limits::default(),
        )
        .unwrap();
        let text = query.to_string();
        assert!(text.contains("FROM <http://example.com/g1>"), "{text}");
        assert!(!text.contains("g0"), "{text}");
    }

    #[test]
    fn using_conflicts_with_protocol_datasets() {
        let dataset = DatasetParams {
            default_graphs: vec!["http://example.com/g1".into()],
            named_graphs: vec![],
        };
        let error = prepare_update(
            "WITH <http://example.com/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
            None,
            &dataset,
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!(error, ProtocolError::DatasetConflict);
    }

    #[test]
    fn syntax_errors_say_where() {
        let error = prepare_query(
            "SELECT * WHERE { ?s ?p }",
            None,
            &DatasetParams::default(),
            &Limits::default(),
        )
        .unwrap_err();
        assert!(error.to_string().contains("1:"), "{error}");
    }

    #[test]
    fn bound_values_are_terms_not_text() {
        let query = constant_query("SELECT ?o WHERE { ?s ?p ?o } LIMIT 3");
        let hostile = oxigraph::model::Literal::new_simple_literal("a\" } ; DROP ALL #\n");
        let bound = bind(query, "s", hostile);
        let text = bound.to_string();
        assert!(
            text.contains(r#"VALUES ( ?s ) { ( "a\" } ; DROP ALL #\n" )"#),
            "{text}"
        );
        assert!(text.contains("LIMIT 3"), "{text}");
        // The printed query parses back to the same algebra: the value stayed a value.
        assert_eq!(SparqlParser::new().parse_query(&text).unwrap(), bound);
    }

    #[test]
    fn dataset_iris_are_checked() {
        let dataset = DatasetParams {
            default_graphs: vec!["not an iri".into()],
            named_graphs: vec![],
        };
        assert!(matches!(
            prepare_query("ASK {}", None, &dataset, &Limits::default()),
            Err(ProtocolError::InvalidIri { .. })
        ));
    }
}
