//! Checks on typed literals: well-formedness (`sh:datatype`) and order (`sh:minInclusive`,
//! `sh:maxInclusive`).
//!
//! XSD lexical forms are parsed by `oxsdatatypes`, the datatype library of Oxigraph. kgql reaches
//! it through Oxigraph's SPARQL expression evaluator: a cast to the literal's own datatype
//! succeeds exactly when the lexical form is valid, and `<=` compares values as SPARQL does
//! (numbers across numeric types, date-times with time zones, strings by code point). The
//! expressions are evaluated on an empty in-memory dataset: no store is involved.

use oxigraph::model::vocab::{rdf, xsd};
use oxigraph::model::{Dataset, Literal, LiteralRef, NamedNodeRef, Term, Variable};
use oxigraph::sparql::{QueryResults, SparqlEvaluator};
use regex::Regex;
use spargebra::algebra::{Expression, Function, GraphPattern};
use std::collections::HashMap;
use std::sync::LazyLock;

/// The XSD datatypes whose lexical forms the SPARQL evaluator parses, and that it can cast to.
const CASTABLE: [NamedNodeRef<'static>; 16] = [
    xsd::BOOLEAN,
    xsd::DECIMAL,
    xsd::INTEGER,
    xsd::FLOAT,
    xsd::DOUBLE,
    xsd::DATE_TIME,
    xsd::DATE,
    xsd::TIME,
    xsd::DURATION,
    xsd::YEAR_MONTH_DURATION,
    xsd::DAY_TIME_DURATION,
    xsd::G_YEAR,
    xsd::G_YEAR_MONTH,
    xsd::G_MONTH,
    xsd::G_DAY,
    xsd::G_MONTH_DAY,
];

/// The types derived from `xsd:integer`, with their value ranges.
const INTEGER_RANGES: [(NamedNodeRef<'static>, i128, i128); 12] = [
    (xsd::LONG, i64::MIN as i128, i64::MAX as i128),
    (xsd::INT, i32::MIN as i128, i32::MAX as i128),
    (xsd::SHORT, i16::MIN as i128, i16::MAX as i128),
    (xsd::BYTE, i8::MIN as i128, i8::MAX as i128),
    (xsd::UNSIGNED_LONG, 0, u64::MAX as i128),
    (xsd::UNSIGNED_INT, 0, u32::MAX as i128),
    (xsd::UNSIGNED_SHORT, 0, u16::MAX as i128),
    (xsd::UNSIGNED_BYTE, 0, u8::MAX as i128),
    (xsd::NON_NEGATIVE_INTEGER, 0, i128::MAX),
    (xsd::POSITIVE_INTEGER, 1, i128::MAX),
    (xsd::NON_POSITIVE_INTEGER, i128::MIN, 0),
    (xsd::NEGATIVE_INTEGER, i128::MIN, -1),
];

/// The lexical space of `xsd:language`.
static LANGUAGE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new("^[a-zA-Z]{1,8}(-[a-zA-Z0-9]{1,8})*$").expect("the pattern is valid")
});

/// Remembers which literals are well formed: the same values recur across a graph.
#[derive(Default)]
pub(super) struct LiteralChecks {
    well_formed: HashMap<Literal, bool>,
}

impl LiteralChecks {
    /// Whether the literal's lexical form is valid for its datatype. Datatypes kgql cannot check
    /// (`xsd:anyURI`, `xsd:hexBinary`, custom datatypes...) are taken as valid.
    pub(super) fn is_well_formed(&mut self, literal: &Literal) -> bool {
        if let Some(known) = self.well_formed.get(literal) {
            return *known;
        }
        let valid = well_formed(literal.as_ref());
        self.well_formed.insert(literal.clone(), valid);
        valid
    }
}

fn well_formed(literal: LiteralRef<'_>) -> bool {
    let datatype = literal.datatype();
    let value = literal.value();
    if literal.language().is_some() {
        return true;
    }
    if datatype == rdf::LANG_STRING {
        return false;
    }
    if datatype == xsd::NORMALIZED_STRING {
        return !value.contains(['\n', '\r', '\t']);
    }
    if datatype == xsd::TOKEN {
        return !value.contains(['\n', '\r', '\t'])
            && !value.starts_with(' ')
            && !value.ends_with(' ')
            && !value.contains("  ");
    }
    if datatype == xsd::LANGUAGE {
        return LANGUAGE.is_match(value);
    }
    if datatype == xsd::DATE_TIME_STAMP {
        let has_timezone = value.ends_with('Z')
            || value.len() > 6 && matches!(value.as_bytes()[value.len() - 6], b'+' | b'-');
        return has_timezone && casts(literal, xsd::DATE_TIME);
    }
    if let Some((_, min, max)) = INTEGER_RANGES.iter().find(|(d, _, _)| *d == datatype) {
        return casts(literal, xsd::INTEGER)
            && value
                .trim()
                .parse::<i128>()
                .is_ok_and(|v| (*min..=*max).contains(&v));
    }
    if CASTABLE.contains(&datatype) {
        return casts(literal, datatype);
    }
    true
}

/// Whether the SPARQL cast `datatype(literal)` succeeds.
fn casts(literal: LiteralRef<'_>, datatype: NamedNodeRef<'_>) -> bool {
    evaluate(Expression::FunctionCall(
        Function::Custom(datatype.into_owned()),
        vec![Expression::Literal(literal.into_owned())],
    ))
    .is_some()
}

/// SPARQL's `a <= b`: `None` when the values cannot be compared (different kinds of values,
/// ill-formed literals, a date-time with and one without a time zone...).
pub(super) fn less_or_equal(a: &Literal, b: &Literal) -> Option<bool> {
    match evaluate(Expression::LessOrEqual(
        Box::new(Expression::Literal(a.clone())),
        Box::new(Expression::Literal(b.clone())),
    ))? {
        Term::Literal(result) => Some(result.value() == "true"),
        _ => None,
    }
}

/// Evaluates a constant expression; `None` if it is an error.
fn evaluate(expression: Expression) -> Option<Term> {
    let variable = Variable::new_unchecked("value");
    let query = spargebra::Query::Select {
        dataset: None,
        pattern: GraphPattern::Project {
            inner: Box::new(GraphPattern::Extend {
                inner: Box::new(GraphPattern::Values {
                    variables: Vec::new(),
                    bindings: vec![Vec::new()],
                }),
                variable: variable.clone(),
                expression,
            }),
            variables: vec![variable.clone()],
        },
        base_iri: None,
    };
    let empty = Dataset::new();
    let QueryResults::Solutions(mut solutions) = SparqlEvaluator::new()
        .for_query(query)
        .on_queryable_dataset(&empty)
        .execute()
        .ok()?
    else {
        return None;
    };
    solutions.next()?.ok()?.get(&variable).cloned()
}
