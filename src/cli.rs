//! The `kgql` command line: `serve`, `load`, `export`, `query`, `seed`, `validate` and
//! `generate`.

use crate::config::{GlobalOptions, Secret, ServeOptions, Settings, SettingsLayer};
use crate::formats;
use crate::shacl::guard::{self, Incoming, WriteCheck};
use crate::shacl::Shapes;
use crate::sparql::{self, AnswerKind, DatasetParams, OutputFormat};
use crate::store::{Document, LoadMode, LoadRequest, LoadTarget, ProgressFn, SharedStore};
use crate::{export, generate, ontology, startup, stream, telemetry};
use clap::{Args, Parser, Subcommand};
use oxigraph::io::RdfFormat;
use oxigraph::model::{Graph, GraphName, NamedNode};
use oxigraph::sparql::results::QueryResultsFormat;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A knowledge-graph server: GraphQL compiled to SPARQL, a SPARQL 1.1 endpoint and linked data.
#[derive(Debug, Parser)]
#[command(name = "kgql", version, about)]
pub struct Cli {
    #[command(flatten)]
    global: GlobalArgs,
    #[command(subcommand)]
    command: Command,
}

/// Options every command takes.
#[derive(Debug, Args)]
struct GlobalArgs {
    /// TOML configuration file (its keys are the long option names).
    #[arg(long, short = 'c', env = "KGQL_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(flatten)]
    options: GlobalOptions,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serves GraphQL, SPARQL and linked data over HTTP.
    Serve(Box<ServeArgs>),
    /// Loads RDF files into the store, refusing data that violates the SHACL shapes.
    ///
    /// Before each transaction, the files' triples are validated against the built-in shapes
    /// (ontology/shapes.ttl) together with the built-in ontology and the store's current content
    /// (for a store of more than a million quads, with the ontology only). The load is refused,
    /// with the report on standard error, if the data adds results of severity sh:Violation;
    /// violations already in the store do not block it, and warnings are printed but do not
    /// block it. Validation holds the data in memory: use --no-validate for very large loads.
    Load(LoadArgs),
    /// Writes the whole graph, or one named graph, to standard output or a file.
    Export(ExportArgs),
    /// Runs a SPARQL query and prints its answer.
    Query(QueryArgs),
    /// Loads the built-in ontology, shapes and seed graph, replacing their graphs.
    Seed,
    /// Rebuilds the index of nodes behind search and filtered, ordered pages from the store
    /// (embedded store only).
    ///
    /// Every write keeps the index in step; a write that stopped half-way (a crash between
    /// the store's commit and the index's) leaves it marked stale, and the server then rebuilds
    /// it in the background at start, answering with SPARQL scans meanwhile. This rebuilds it now,
    /// with the server stopped.
    Reindex,
    /// Compacts the store (embedded store only), as `kgql load` does after loading.
    ///
    /// Writes leave the data spread over many files that every read visits until they are merged;
    /// a compacted store answers reads faster. Large loads made with --no-optimize, or through
    /// the server, are worth compacting (with the server stopped: the store is opened here).
    Optimize,
    /// Validates the store, or RDF files, against the SHACL shapes.
    ///
    /// Without files, validates every distinct triple of the store (all graphs together). With
    /// files, validates their triples together with the built-in ontology, so that the class
    /// hierarchy is known; each file's format comes from its extension. Prints the report to
    /// standard output and exits with status 1 if a result has severity sh:Violation (warnings
    /// and infos are reported but do not fail) or if the input cannot be read.
    Validate(ValidateArgs),
    /// Writes a synthetic graph in the project's ontology as N-Quads, for benchmarks.
    ///
    /// The graph models organisations, units, working groups, memberships, posts, people,
    /// initiatives, events, reports, documents and plans as the seed graph does, with skewed
    /// degrees (a few hubs, many leaves), names in several languages and one named graph per
    /// source; it conforms to the SHACL shapes with or without the seed. Entity IRIs are under
    /// the base IRI with slugs starting `gen-`. The same --triples and --seed give the same
    /// bytes; memory stays small for any size. Load it after `kgql seed`, which replaces the
    /// graph of source descriptions.
    Generate(GenerateArgs),
}

#[derive(Debug, Args)]
struct ServeArgs {
    #[command(flatten)]
    options: ServeOptions,
    /// File holding the write token (its first line).
    #[arg(long, env = "KGQL_WRITE_TOKEN_FILE", conflicts_with = "write_token")]
    write_token_file: Option<PathBuf>,
    /// Do not load the built-in ontology into an empty store.
    #[arg(long)]
    no_seed: bool,
}

#[derive(Debug, Args)]
struct LoadArgs {
    /// Files to load; the format comes from each extension unless --format is given.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// Named graph for the triples (by default triples go to the default graph and quads keep
    /// their graphs).
    #[arg(long)]
    graph: Option<String>,
    /// Format of every file (turtle, ntriples, nquads, trig, jsonld, rdfxml).
    #[arg(long)]
    format: Option<String>,
    /// Load all files in one transaction: if one fails, none is stored. By default each file is
    /// its own transaction.
    #[arg(long)]
    all_or_nothing: bool,
    /// Load without validating against the SHACL shapes.
    #[arg(long, conflicts_with = "warn_only")]
    no_validate: bool,
    /// Validate, print violations as a warning and load anyway.
    #[arg(long)]
    warn_only: bool,
    /// Leave the store as the load left it: without, the store is compacted after the load
    /// (see `kgql optimize`), unless it was empty before: a load into an empty store leaves
    /// its data sorted in a few large files already, which compacting would only rewrite.
    #[arg(long)]
    no_optimize: bool,
}

#[derive(Debug, Args)]
struct ValidateArgs {
    /// RDF files to validate instead of the store.
    files: Vec<PathBuf>,
    /// SHACL shapes file [default: the built-in ontology/shapes.ttl].
    #[arg(long)]
    shapes: Option<PathBuf>,
    /// Report format: text, or an RDF format (turtle, ntriples, jsonld, rdfxml...) for the W3C
    /// sh:ValidationReport graph.
    #[arg(long, default_value = "text")]
    format: String,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// Number of triples to write: generation stops at the first entity boundary past it.
    #[arg(long)]
    triples: u64,
    /// Seed of the pseudo-random generator.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct ExportArgs {
    /// Output format (turtle, ntriples, nquads, trig, jsonld, rdfxml).
    #[arg(long, default_value = "nquads")]
    format: String,
    /// Export only this named graph.
    #[arg(long)]
    graph: Option<String>,
    /// Write to this file instead of standard output.
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct QueryArgs {
    /// The query, `@FILE` to read it from a file, or `-` for standard input.
    query: String,
    /// Output format: json, xml, csv, tsv for SELECT/ASK; an RDF format for CONSTRUCT/DESCRIBE
    /// [default: tsv or turtle].
    #[arg(long)]
    format: Option<String>,
}

/// A command-line failure, printed as one message.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CliError(String);

fn fail(message: impl std::fmt::Display) -> CliError {
    CliError(message.to_string())
}

impl From<startup::StartupError> for CliError {
    /// The error with its causes, one after the other.
    fn from(error: startup::StartupError) -> Self {
        let mut message = error.to_string();
        let mut cause = std::error::Error::source(&error);
        while let Some(error) = cause {
            // A cause whose text its effect already shows is not repeated.
            let text = error.to_string();
            if !message.contains(&text) {
                message.push_str(&format!(": {text}"));
            }
            cause = error.source();
        }
        CliError(message)
    }
}

impl Cli {
    /// Resolves the settings from the flags, the environment and the configuration file.
    fn settings(&self) -> Result<Settings, CliError> {
        let mut layer = self.global.options.clone().layer();
        if let Command::Serve(serve) = &self.command {
            layer = layer.over(serve.options.clone().layer());
            if let Some(path) = &serve.write_token_file {
                let text = std::fs::read_to_string(path).map_err(|e| {
                    fail(format!(
                        "cannot read the write token file {}: {e}",
                        path.display()
                    ))
                })?;
                let token = text.lines().next().unwrap_or("").trim().to_owned();
                layer.write_token = Some(Secret::new(token));
            }
        }
        if let Some(path) = &self.global.config {
            layer = layer.over(SettingsLayer::from_file(path).map_err(fail)?);
        }
        Settings::resolve(layer).map_err(fail)
    }
}

/// Runs the command line; returns the process exit code.
pub fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = cli.settings().and_then(|settings| {
        telemetry::init(settings.log_format);
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .map_err(fail)?
            .block_on(run(cli.command, settings))
    });
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("kgql: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: Settings) -> Result<(), CliError> {
    match command {
        Command::Generate(args) => generate_graph(&settings, &args),
        Command::Serve(args) => {
            let store = startup::open_store(&settings)?;
            serve(settings, store, args.no_seed).await
        }
        Command::Load(args) => load(&startup::open_store(&settings)?, args).await,
        Command::Export(args) => export_graph(&startup::open_store(&settings)?, args).await,
        Command::Query(args) => query(&startup::open_store(&settings)?, &settings, args).await,
        Command::Validate(args) => validate(&settings, args).await,
        Command::Reindex => reindex(&startup::open_store(&settings)?).await,
        Command::Optimize => {
            if optimize(&startup::open_store(&settings)?).await? {
                Ok(())
            } else {
                Err(fail(
                    "this store keeps no files of its own: a remote engine compacts its own",
                ))
            }
        }
        Command::Seed => {
            let count = ontology::load(&startup::open_store(&settings)?, &settings.base_iri)
                .await
                .map_err(fail)?;
            eprintln!("loaded {count} quads of the built-in ontology");
            Ok(())
        }
    }
}

/// `kgql reindex`.
async fn reindex(store: &SharedStore) -> Result<(), CliError> {
    match rebuild_search_index(store, true).await? {
        Some(nodes) => {
            eprintln!("indexed {nodes} nodes for search and pages");
            Ok(())
        }
        None => Err(fail(
            "this store keeps no search index: searches on a remote engine scan with SPARQL",
        )),
    }
}

/// Rebuilds the store's full-text index with a progress bar (only if it lags, unless `always`);
/// `None` if the store keeps none.
async fn rebuild_search_index(store: &SharedStore, always: bool) -> Result<Option<u64>, CliError> {
    let bar = indicatif::ProgressBar::new_spinner().with_style(
        indicatif::ProgressStyle::with_template("{spinner} {human_pos} nodes indexed ({per_sec})")
            .expect("the progress template is valid"),
    );
    let progress_bar = bar.clone();
    let progress: ProgressFn = Arc::new(move |n| progress_bar.set_position(n));
    let indexed = if always {
        store.rebuild_search_index(Some(progress)).await
    } else {
        store.catch_up_search_index(Some(progress)).await
    };
    bar.finish_and_clear();
    indexed.map_err(fail)
}

async fn serve(settings: Settings, store: SharedStore, no_seed: bool) -> Result<(), CliError> {
    if std::env::args().any(|a| a == "--write-token" || a.starts_with("--write-token=")) {
        tracing::warn!(
            "the write token was given on the command line, where every user of this machine \
             can read it: use KGQL_WRITE_TOKEN or --write-token-file"
        );
    }
    startup::prepare(&store, &settings, !no_seed).await?;
    let bind = settings.bind.clone();
    let server = startup::bind(settings.clone(), store)?;
    tracing::info!(
        store = %settings.store,
        writable = settings.write_token.is_some(),
        "kgql listening on http://{}",
        bind.rsplit_once(':').map_or(bind.clone(), |(host, _)| format!("{host}:{}", server.port()))
    );
    server.run().await.map_err(fail)
}

fn rdf_format(name: &str) -> Result<RdfFormat, CliError> {
    formats::rdf_format_from_name(name).ok_or_else(|| {
        fail(format!(
            "unknown RDF format '{name}' (turtle, ntriples, nquads, trig, jsonld, rdfxml)"
        ))
    })
}

/// A file to load and its format.
struct Source {
    path: PathBuf,
    format: RdfFormat,
}

impl Source {
    fn name(&self) -> String {
        self.path.display().to_string()
    }

    /// A document that streams the file.
    fn open(&self) -> Result<Document, CliError> {
        let file = std::fs::File::open(&self.path)
            .map_err(|e| fail(format!("cannot read {}: {e}", self.path.display())))?;
        Ok(self.document(Box::new(std::io::BufReader::new(file))))
    }

    fn document(&self, input: Box<dyn Read + Send>) -> Document {
        Document {
            input,
            format: self.format,
            base_iri: file_base_iri(&self.path),
            name: self.name(),
        }
    }
}

/// The `file://` IRI of a file, the base IRI of its relative IRIs.
fn file_base_iri(path: &Path) -> Option<String> {
    std::path::absolute(path)
        .ok()
        .and_then(|p| NamedNode::new(format!("file://{}", p.display())).ok())
        .map(NamedNode::into_string)
}

async fn load(store: &SharedStore, args: LoadArgs) -> Result<(), CliError> {
    let forced = args.format.as_deref().map(rdf_format).transpose()?;
    let graph = args
        .graph
        .as_deref()
        .map(|iri| sparql::parse_iri("graph", iri).map_err(fail))
        .transpose()?;
    let mut sources = Vec::new();
    for path in &args.files {
        let format = match forced {
            Some(format) => format,
            None => formats::rdf_format_from_path(path).ok_or_else(|| {
                fail(format!(
                    "cannot tell the format of {} from its extension: use --format",
                    path.display()
                ))
            })?,
        };
        sources.push(Source {
            path: path.clone(),
            format,
        });
    }
    let mut check = if args.no_validate {
        None
    } else {
        let check = WriteCheck::start(store).await.map_err(fail)?;
        if !check.with_store {
            eprintln!(
                "note: the store holds more than {} quads; the files are validated with the \
                 ontology only, not with the store's content",
                guard::STORE_LIMIT
            );
        }
        Some(check)
    };
    let compact = !args.no_optimize && !store.is_empty().await.map_err(fail)?;
    let bar = indicatif::ProgressBar::new_spinner().with_style(
        indicatif::ProgressStyle::with_template("{spinner} {human_pos} quads ({per_sec}) {msg}")
            .expect("the progress template is valid"),
    );
    let target = match graph {
        Some(graph) => LoadTarget::Graph(GraphName::from(graph)),
        None => LoadTarget::Dataset {
            default_graph: None,
        },
    };
    let batches: Vec<Vec<Source>> = if args.all_or_nothing {
        vec![sources]
    } else {
        sources.into_iter().map(|s| vec![s]).collect()
    };
    let mut total = 0;
    for batch in batches {
        let names: Vec<String> = batch.iter().map(Source::name).collect();
        bar.set_message(names.join(", "));
        let documents = match check.take() {
            Some(current) => {
                let (next, documents) = admit(current, batch, args.warn_only, &bar).await?;
                check = Some(next);
                documents
            }
            None => batch.iter().map(Source::open).collect::<Result<_, _>>()?,
        };
        let progress_bar = bar.clone();
        let offset = total;
        let count = store
            .load(LoadRequest {
                documents,
                target: target.clone(),
                mode: LoadMode::Append,
                progress: Some(Arc::new(move |n| progress_bar.set_position(offset + n))),
                bulk: true,
            })
            .await
            .map_err(|e| {
                bar.abandon();
                fail(format!("{e}; nothing from {} was stored", names.join(", ")))
            })?;
        total += count;
    }
    bar.finish_and_clear();
    eprintln!("loaded {total} quads from {} file(s)", args.files.len());
    if compact {
        optimize(store).await?;
    }
    if let Some(nodes) = rebuild_search_index(store, false).await? {
        eprintln!("indexed {nodes} nodes for search and pages");
    }
    Ok(())
}

/// `kgql optimize`, and the end of `kgql load`: compacts the store, with a spinner; whether the
/// store had anything to compact.
async fn optimize(store: &SharedStore) -> Result<bool, CliError> {
    let bar = indicatif::ProgressBar::new_spinner().with_message("compacting the store");
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let started = std::time::Instant::now();
    let compacted = store.optimize().await.map_err(|e| {
        bar.abandon();
        fail(e)
    })?;
    bar.finish_and_clear();
    if compacted {
        eprintln!(
            "compacted the store in {:.1} s",
            started.elapsed().as_secs_f64()
        );
    }
    Ok(compacted)
}

/// Reads a batch of files, validates them with the data so far and returns documents of their
/// content; fails with the report if they add violations, unless `warn_only`.
async fn admit(
    check: WriteCheck,
    batch: Vec<Source>,
    warn_only: bool,
    bar: &indicatif::ProgressBar,
) -> Result<(WriteCheck, Vec<Document>), CliError> {
    let names: Vec<String> = batch.iter().map(Source::name).collect();
    let nothing_stored = format!("nothing from {} was stored", names.join(", "));
    let (check, batch, added) = blocking(move || {
        let mut check = check;
        let mut incoming = Vec::new();
        for source in &batch {
            incoming.push(Incoming {
                name: source.name(),
                bytes: std::fs::read(&source.path)
                    .map_err(|e| fail(format!("cannot read {}: {e}", source.path.display())))?,
                format: source.format,
                base_iri: file_base_iri(&source.path),
            });
        }
        let added = check
            .admit(&incoming)
            .map_err(|e| fail(format!("{e}; {nothing_stored}")))?;
        let contents: Vec<(Source, Vec<u8>)> = batch
            .into_iter()
            .zip(incoming)
            .map(|(source, incoming)| (source, incoming.bytes))
            .collect();
        Ok((check, contents, added))
    })
    .await?;
    if !added.conforms() {
        if added.has_violations() && !warn_only {
            bar.abandon();
            eprint!("{added}");
            return Err(fail(format!(
                "refusing to load {}: the data violates the SHACL shapes (--warn-only loads \
                 it anyway); nothing from it was stored",
                names.join(", ")
            )));
        }
        bar.suspend(|| eprint!("warning: {}: {added}", names.join(", ")));
    }
    let documents = batch
        .into_iter()
        .map(|(source, bytes)| source.document(Box::new(std::io::Cursor::new(bytes))))
        .collect();
    Ok((check, documents))
}

/// Runs blocking work (parsing, validation, reading files) off the async executor.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, CliError> + Send + 'static,
) -> Result<T, CliError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| fail(format!("a worker thread failed: {e}")))?
}

/// The format `kgql validate` writes its report in: text, or the report graph in RDF.
fn report_format(name: &str) -> Result<Option<RdfFormat>, CliError> {
    if name.eq_ignore_ascii_case("text") {
        return Ok(None);
    }
    formats::rdf_format_from_name(name)
        .map(Some)
        .ok_or_else(|| {
            fail(format!(
            "unknown report format '{name}' (text, turtle, ntriples, nquads, trig, jsonld, rdfxml)"
        ))
        })
}

/// Validates the store, or only the files given (the store is then not opened).
async fn validate(settings: &Settings, args: ValidateArgs) -> Result<(), CliError> {
    let format = report_format(&args.format)?;
    let shapes = match args.shapes {
        None => guard::builtin_shapes().map_err(fail)?,
        Some(path) => {
            let graph = blocking(move || read_file(&path).map(|graph| (path, graph))).await?;
            Shapes::from_graph(&graph.1)
                .map_err(|e| fail(format!("cannot use {}: {e}", graph.0.display())))?
        }
    };
    let mut data = if args.files.is_empty() {
        guard::store_graph(&startup::open_store(settings)?)
            .await
            .map_err(fail)?
    } else {
        guard::builtin_ontology().map_err(fail)?
    };
    let report = blocking(move || {
        for path in &args.files {
            data.extend(&read_file(path)?);
        }
        Ok(shapes.validate(&data))
    })
    .await?;
    let mut stdout = std::io::BufWriter::new(std::io::stdout());
    match format {
        None => write!(stdout, "{report}").map_err(fail)?,
        Some(format) => {
            let mut serializer = sparql::rdf_writer(format, &mut stdout);
            for triple in &report.to_graph() {
                serializer.serialize_triple(triple).map_err(fail)?;
            }
            serializer.finish().map_err(fail)?;
        }
    }
    stdout.flush().map_err(fail)?;
    if report.has_violations() {
        let violations = report
            .results()
            .iter()
            .filter(|r| r.severity == crate::shacl::Severity::Violation)
            .count();
        return Err(fail(format!(
            "the data does not conform to the shapes: {violations} violation{}",
            if violations == 1 { "" } else { "s" }
        )));
    }
    Ok(())
}

/// The triples of an RDF file whose format its extension tells.
fn read_file(path: &Path) -> Result<Graph, CliError> {
    let format = formats::rdf_format_from_path(path).ok_or_else(|| {
        fail(format!(
            "cannot tell the format of {} from its extension",
            path.display()
        ))
    })?;
    let file = std::fs::File::open(path)
        .map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
    let mut graph = Graph::new();
    guard::read_triples(
        &mut graph,
        std::io::BufReader::new(file),
        format,
        file_base_iri(path).as_deref(),
        &path.display().to_string(),
    )
    .map_err(fail)?;
    Ok(graph)
}

/// Writes a synthetic graph to the output file or standard output; opens no store.
fn generate_graph(settings: &Settings, args: &GenerateArgs) -> Result<(), CliError> {
    if args.triples == 0 {
        return Err(fail("--triples must be at least 1"));
    }
    let options = generate::Options {
        triples: args.triples,
        seed: args.seed,
        base_iri: settings.base_iri.clone(),
    };
    let summary = match &args.output {
        Some(path) => {
            let file = std::fs::File::create(path)
                .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?;
            generate::generate(file, &options)
                .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?
        }
        None => generate::generate(std::io::stdout().lock(), &options)
            .map_err(|e| fail(format!("cannot write the graph: {e}")))?,
    };
    eprintln!(
        "generated {} quads describing {} entities",
        summary.quads, summary.entities
    );
    Ok(())
}

async fn export_graph(store: &SharedStore, args: ExportArgs) -> Result<(), CliError> {
    let format = rdf_format(&args.format)?;
    let graph = args
        .graph
        .as_deref()
        .map(|iri| sparql::parse_iri("graph", iri).map_err(fail))
        .transpose()?;
    if let Some(graph) = &graph {
        if !store.contains_graph(graph).await.map_err(fail)? {
            return Err(fail(format!("no graph {graph} in this store")));
        }
    }
    let body = export::export(store, graph.map(GraphName::from), format, stream::PATIENT)
        .await
        .map_err(fail)?;
    let mut output: Box<dyn Write + Send> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(path)
                .map_err(|e| fail(format!("cannot write {}: {e}", path.display())))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout())),
    };
    write_stream(body, &mut output).await
}

async fn write_stream(
    mut body: stream::ByteStream,
    output: &mut (dyn Write + Send),
) -> Result<(), CliError> {
    use futures_util::StreamExt;
    while let Some(chunk) = body.next().await {
        output.write_all(&chunk.map_err(fail)?).map_err(fail)?;
    }
    output.flush().map_err(fail)
}

async fn query(store: &SharedStore, settings: &Settings, args: QueryArgs) -> Result<(), CliError> {
    let text = match args.query.as_str() {
        "-" => std::io::read_to_string(std::io::stdin()).map_err(fail)?,
        other => match other.strip_prefix('@') {
            Some(path) => std::fs::read_to_string(path)
                .map_err(|e| fail(format!("cannot read {path}: {e}")))?,
            None => other.to_owned(),
        },
    };
    let query = sparql::prepare_query(&text, None, &DatasetParams::default(), &settings.limits())
        .map_err(fail)?;
    let kind = AnswerKind::of(&query);
    let format = match (&args.format, kind) {
        (Some(name), _) => match OutputFormat::negotiate(kind, &[name], None).map_err(fail)? {
            sparql::Negotiated::Format(format) => format,
            sparql::Negotiated::Unsatisfied(why) => return Err(fail(why)),
        },
        (None, AnswerKind::Results) => OutputFormat::Results(QueryResultsFormat::Tsv),
        (None, AnswerKind::Graph) => OutputFormat::Rdf(RdfFormat::Turtle),
    };
    let limits = crate::store::QueryLimits {
        timeout: settings.query_timeout,
    };
    let output = store.query(query, limits).await.map_err(fail)?;
    let body = stream::from_blocking_writer(stream::PATIENT, move |w| {
        sparql::write_output(output, format, w)
    });
    let mut stdout = std::io::BufWriter::new(std::io::stdout());
    write_stream(body, &mut stdout).await
}
