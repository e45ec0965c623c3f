//! The IRIs of the vocabularies the generator writes, and the lexical forms of its literals.

macro_rules! rdf {
    ($local:literal) => {
        concat!("<http://www.w3.org/1999/02/22-rdf-syntax-ns#", $local, ">")
    };
}
macro_rules! rdfs {
    ($local:literal) => {
        concat!("<http://www.w3.org/2000/01/rdf-schema#", $local, ">")
    };
}
macro_rules! xsd {
    ($local:literal) => {
        concat!("<http://www.w3.org/2001/XMLSchema#", $local, ">")
    };
}
macro_rules! skos {
    ($local:literal) => {
        concat!("<http://www.w3.org/2004/02/skos/core#", $local, ">")
    };
}
macro_rules! org {
    ($local:literal) => {
        concat!("<http://www.w3.org/ns/org#", $local, ">")
    };
}
macro_rules! schema {
    ($local:literal) => {
        concat!("<http://schema.org/", $local, ">")
    };
}
macro_rules! dcterms {
    ($local:literal) => {
        concat!("<http://purl.org/dc/terms/", $local, ">")
    };
}
macro_rules! prov {
    ($local:literal) => {
        concat!("<http://www.w3.org/ns/prov#", $local, ">")
    };
}
macro_rules! dcat {
    ($local:literal) => {
        concat!("<http://www.w3.org/ns/dcat#", $local, ">")
    };
}
macro_rules! time {
    ($local:literal) => {
        concat!("<http://www.w3.org/2006/time#", $local, ">")
    };
}
macro_rules! foaf {
    ($local:literal) => {
        concat!("<http://xmlns.com/foaf/0.1/", $local, ">")
    };
}
macro_rules! kg {
    ($local:literal) => {
        concat!("<https://w3id.org/kgql/ontology#", $local, ">")
    };
}

pub(super) const TYPE: &str = rdf!("type");
pub(super) const PREF_LABEL: &str = skos!("prefLabel");
pub(super) const ALT_LABEL: &str = skos!("altLabel");
pub(super) const LABEL: &str = rdfs!("label");
pub(super) const NOTE: &str = skos!("note");
pub(super) const DESCRIPTION: &str = schema!("description");
pub(super) const TITLE: &str = dcterms!("title");
pub(super) const XSD_INTEGER: &str = xsd!("integer");
pub(super) const XSD_DATE: &str = xsd!("date");
pub(super) const XSD_GYEAR: &str = xsd!("gYear");
pub(super) const XSD_GYEAR_MONTH: &str = xsd!("gYearMonth");
pub(super) const GOAL_PREFIX: &str = "<http://metadata.un.org/sdg/";
pub(super) const SDGO_GOAL: &str = "<http://metadata.un.org/sdg/ontology#Goal>";

/// The object of a quad.
pub(super) enum Object<'a> {
    Iri(&'a str),
    Text(&'a str, &'a str),
    Plain(&'a str),
    Typed(&'a str, &'a str),
    Integer(u64),
}

pub(super) fn gyear(year: u32) -> String {
    format!("{year:04}")
}

pub(super) fn gyear_month(year: u32, month: u32) -> String {
    format!("{year:04}-{month:02}")
}

pub(super) fn date(year: u32, month: u32, day: u32) -> String {
    format!("{year:04}-{month:02}-{day:02}")
}

/// A date packed as `yyyymmdd`, 0 for none.
pub(super) fn pack_date(year: u32, month: u32, day: u32) -> u32 {
    year * 10_000 + month * 100 + day
}

/// The `xsd:date` of a date packed by [`pack_date`].
pub(super) fn unpacked_date(packed: u32) -> String {
    date(packed / 10_000, packed / 100 % 100, packed % 100)
}
