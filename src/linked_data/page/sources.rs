//! The sources (named graphs) of a page: which of them state each statement shown, numbered as
//! the page cites them, and, when the entity is itself a source, what its graph is about.

use super::{EntityPage, GraphContent, LinkGroup, Reads};
use crate::linked_data::IriMapper;
use crate::site::{escape, query_value};
use crate::sparql::{bind, constant_query};
use crate::store::{QueryOutput, StoreError};
use oxigraph::model::vocab::xsd;
use oxigraph::model::{NamedNode, Term};
use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

/// The graphs (sources) that state each of an entity's statements.
static SOURCES: LazyLock<spargebra::Query> = LazyLock::new(|| {
    constant_query("SELECT DISTINCT ?p ?v ?g WHERE { GRAPH ?g { ?entity ?p ?v } } LIMIT 5000")
});

/// The subjects of the statements of a named graph (an entity that is a source).
static GRAPH_SUBJECTS: LazyLock<spargebra::Query> =
    LazyLock::new(|| constant_query("SELECT ?s WHERE { GRAPH ?graph { ?s ?p ?o } }"));

/// How many statements of a source's graph its page reads to count what it speaks of.
const MAX_GRAPH_STATEMENTS: usize = 200_000;

/// How many of the entities a source speaks of its page lists.
const MAX_GRAPH_SUBJECTS: usize = 100;

/// The sources of the statements shown that are about the entity (its outgoing links): the
/// numbers of the sources that state each (by property and value), and the sources in the
/// order they are numbered, from 1. Nothing is read when no outgoing link is shown.
pub(super) async fn stated_in(
    reads: &Reads<'_>,
    entity: &NamedNode,
    groups: &[LinkGroup],
) -> Result<(HashMap<(String, Term), Vec<usize>>, Vec<NamedNode>), StoreError> {
    let mut stated_in: HashMap<(String, Term), Vec<usize>> = HashMap::new();
    let mut sources: Vec<NamedNode> = Vec::new();
    if !groups.iter().any(|g| !g.incoming) {
        return Ok((stated_in, sources));
    }
    let rows = reads
        .select(bind(SOURCES.clone(), "entity", entity.clone()))
        .await?;
    for row in rows {
        if let (Some(Term::NamedNode(p)), Some(v), Some(Term::NamedNode(g))) =
            (row.get("p"), row.get("v"), row.get("g"))
        {
            let shown = groups
                .iter()
                .any(|group| !group.incoming && &group.property == p && group.values.contains(v));
            if !shown {
                continue;
            }
            let number = match sources.iter().position(|s| s == g) {
                Some(i) => i + 1,
                None => {
                    sources.push(g.clone());
                    sources.len()
                }
            };
            let numbers = stated_in
                .entry((p.as_str().to_owned(), v.clone()))
                .or_default();
            if !numbers.contains(&number) {
                numbers.push(number);
                numbers.sort_unstable();
            }
        }
    }
    Ok((stated_in, sources))
}

/// When `entity` names a graph: the subjects of its statements with their counts, the most
/// first (at most [`MAX_GRAPH_SUBJECTS`]), the statements read, and whether there were more than
/// [`MAX_GRAPH_STATEMENTS`].
pub(super) async fn graph_subjects(
    reads: &Reads<'_>,
    entity: &NamedNode,
) -> Result<Option<GraphContent>, StoreError> {
    let query = bind(GRAPH_SUBJECTS.clone(), "graph", entity.clone());
    let QueryOutput::Solutions { rows, .. } = reads.query(query).await? else {
        return Err(StoreError::Evaluation("expected solutions".to_owned()));
    };
    tokio::task::spawn_blocking(move || {
        let mut counts: HashMap<NamedNode, usize> = HashMap::new();
        let mut read = 0;
        let mut more = false;
        for row in rows {
            if read == MAX_GRAPH_STATEMENTS {
                more = true;
                break;
            }
            let row = row?;
            read += 1;
            // Statements about blank nodes count, but only named subjects are listed.
            if let Some(Term::NamedNode(subject)) = row.get("s") {
                *counts.entry(subject.clone()).or_default() += 1;
            }
        }
        if read == 0 {
            return Ok(None);
        }
        let mut subjects: Vec<(NamedNode, usize)> = counts.into_iter().collect();
        subjects.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.as_str().cmp(b.0.as_str())));
        subjects.truncate(MAX_GRAPH_SUBJECTS);
        Ok(Some(GraphContent {
            subjects,
            read,
            more,
        }))
    })
    .await
    .map_err(|e| StoreError::storage("the page task", e))?
}

impl EntityPage {
    /// The sources that state `value` of `group` (outgoing statements), as numbered links.
    pub(super) fn cite(&self, group: &LinkGroup, value: &Term, html: &mut String) {
        if group.incoming {
            return;
        }
        let key = (group.property.as_str().to_owned(), value.clone());
        let Some(numbers) = self.stated_in.get(&key) else {
            return;
        };
        html.push_str(" <sup>");
        for (i, n) in numbers.iter().enumerate() {
            if i > 0 {
                html.push(',');
            }
            let title = self
                .sources
                .get(n - 1)
                .map(|s| self.label(s.as_str()).unwrap_or(s.as_str()))
                .unwrap_or_default();
            let _ = write!(
                html,
                "<a href=\"#source-{n}\" title=\"{}\">{n}</a>",
                escape(title)
            );
        }
        html.push_str("</sup>");
    }

    /// Whether sources disagree on `group`: typed values (dates, numbers) of which two are
    /// stated by different sources and by no source in common.
    pub(super) fn disagreement(&self, group: &LinkGroup) -> bool {
        if group.incoming || group.values.len() < 2 {
            return false;
        }
        let typed = group.values.iter().all(|v| {
            matches!(v, Term::Literal(l) if l.language().is_none() && l.datatype() != xsd::STRING)
        });
        if !typed {
            return false;
        }
        let sources: Vec<&[usize]> = group
            .values
            .iter()
            .map(|v| {
                self.stated_in
                    .get(&(group.property.as_str().to_owned(), v.clone()))
                    .map_or(&[][..], Vec::as_slice)
            })
            .collect();
        sources.iter().enumerate().any(|(i, a)| {
            sources[i + 1..]
                .iter()
                .any(|b| !a.is_empty() && !b.is_empty() && !a.iter().any(|n| b.contains(n)))
        })
    }

    /// The section of a source's page on its own graph: how many statements it holds, links to
    /// them, and the entities they are about; nothing unless the entity is a source.
    pub(super) fn as_source(&self, mapper: &IriMapper<'_>, html: &mut String) {
        let Some(GraphContent {
            subjects,
            read,
            more,
        }) = &self.graph
        else {
            return;
        };
        let _ = write!(
            html,
            "<h2 id=\"statements\">As a source</h2><p>Its graph holds {}{} statements; \
             <a href=\"/export?format=ttl&amp;graph={}\">all of them</a> \
             (<a href=\"/export?format=nq&amp;graph={}\">N-Quads</a>). They are about:</p><ul>",
            if *more { "more than " } else { "" },
            read,
            escape(&query_value(self.entity.as_str())),
            escape(&query_value(self.entity.as_str())),
        );
        for (subject, count) in subjects {
            let _ = write!(
                html,
                "<li>{} <small>{count} statement{}</small></li>",
                self.link(subject.as_str(), mapper),
                if *count == 1 { "" } else { "s" }
            );
        }
        html.push_str("</ul>");
    }

    /// The numbered list of the sources the page cites; nothing when it cites none.
    pub(super) fn source_list(&self, mapper: &IriMapper<'_>, html: &mut String) {
        if self.sources.is_empty() {
            return;
        }
        html.push_str(
            "<h2 id=\"sources\">Sources</h2><p>The numbers beside a value say which \
             sources state it; where sources disagree, the values are marked.</p><ol>",
        );
        for (i, source) in self.sources.iter().enumerate() {
            let _ = write!(
                html,
                "<li id=\"source-{}\">{}</li>",
                i + 1,
                self.link(source.as_str(), mapper)
            );
        }
        html.push_str("</ol>");
    }
}
