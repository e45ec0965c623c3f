//! Entities of RDF/XML documents, measured before the parser expands them.
//!
//! RDF/XML may declare entities in its DTD (`<!ENTITY rdf "http://www.w3.org/…">`, as ontology
//! editors write namespaces). The parser expands an entity where it is declared, and entities
//! may use entities declared before them, so eight hundred bytes of nested declarations expand to
//! gigabytes ("billion laughs"). This scan computes, without expanding anything, how long each
//! entity is once expanded and how much text all the references of the document make, and
//! refuses the document past a limit. External entities (`SYSTEM`, `PUBLIC`) and parameter
//! entities are refused outright.

use std::collections::HashMap;

/// The longest a single entity may be once expanded.
pub const MAX_ENTITY_BYTES: u64 = 64 * 1024;

/// Checks the entities of an RDF/XML document: each at most [`MAX_ENTITY_BYTES`] once expanded,
/// and all the references of the document together at most `max_total` bytes.
pub fn check_entities(document: &[u8], max_total: u64) -> Result<(), String> {
    let text = String::from_utf8_lossy(document);
    if !text.contains("<!ENTITY") {
        return Ok(());
    }
    let mut lengths: HashMap<String, u64> = HashMap::new();
    let mut rest = text.as_ref();
    while let Some(start) = rest.find("<!ENTITY") {
        rest = &rest[start + "<!ENTITY".len()..];
        let declaration = rest.trim_start();
        if declaration.starts_with('%') {
            return Err("parameter entities (<!ENTITY % …>) are not accepted".to_owned());
        }
        let name_end = declaration
            .find(|c: char| c.is_whitespace())
            .ok_or("an <!ENTITY> declaration has no value")?;
        let name = &declaration[..name_end];
        let after = declaration[name_end..].trim_start();
        let quote = after
            .chars()
            .next()
            .filter(|c| *c == '"' || *c == '\'')
            .ok_or_else(|| {
                format!("entity '{name}' is not a quoted value: external entities are not accepted")
            })?;
        let value_end = after[1..]
            .find(quote)
            .ok_or_else(|| format!("entity '{name}' has no closing quote"))?;
        let value = &after[1..=value_end];
        let mut length = value.len() as u64;
        for (reference, count) in references(value) {
            if let Some(each) = lengths.get(reference) {
                // `&name;` is replaced by the entity's text.
                let written = (reference.len() as u64 + 2) * count;
                length = (length - written).saturating_add(each.saturating_mul(count));
            }
        }
        if length > MAX_ENTITY_BYTES {
            return Err(format!(
                "entity '{name}' expands to {length} bytes; at most {MAX_ENTITY_BYTES} are accepted"
            ));
        }
        lengths.insert(name.to_owned(), length);
    }
    let mut total = 0u64;
    for (reference, count) in references(&text) {
        if let Some(each) = lengths.get(reference) {
            total = total.saturating_add(each.saturating_mul(count));
        }
    }
    if total > max_total {
        return Err(format!(
            "the document's entity references expand to {total} bytes; at most {max_total} are \
             accepted (--max-body-bytes)"
        ));
    }
    Ok(())
}

/// The names referenced as `&name;` in `text`, with how often each is.
fn references(text: &str) -> HashMap<&str, u64> {
    let mut counts: HashMap<&str, u64> = HashMap::new();
    let mut rest = text;
    while let Some(start) = rest.find('&') {
        rest = &rest[start + 1..];
        let Some(end) = rest.find(';') else { break };
        let name = &rest[..end];
        if !name.is_empty() && !name.starts_with('#') && !name.contains(char::is_whitespace) {
            *counts.entry(name).or_default() += 1;
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn laughs(levels: usize) -> String {
        let mut dtd = String::from("<!ENTITY l0 \"lol\">\n");
        for i in 1..=levels {
            let refs = format!("&l{};", i - 1).repeat(10);
            dtd.push_str(&format!("<!ENTITY l{i} \"{refs}\">\n"));
        }
        format!(
            "<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [\n{dtd}]>\n\
             <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\
             <rdf:Description rdf:about=\"http://ex/a\"><rdf:value>&l{levels};</rdf:value>\
             </rdf:Description></rdf:RDF>"
        )
    }

    #[test]
    fn nested_entities_are_refused_before_they_expand() {
        let error = check_entities(laughs(9).as_bytes(), 64 << 20).unwrap_err();
        assert!(error.contains("expands to"), "{error}");
        // Four levels (30,000 bytes) fit an entity, but not a limit of 10 kB in total.
        assert!(check_entities(laughs(4).as_bytes(), 64 << 20).is_ok());
        assert!(check_entities(laughs(4).as_bytes(), 10_000).is_err());
    }

    #[test]
    fn namespace_entities_are_fine() {
        let document = "<?xml version=\"1.0\"?>\n<!DOCTYPE rdf:RDF [\n\
            <!ENTITY owl \"http://www.w3.org/2002/07/owl#\" >\n\
            <!ENTITY rdf 'http://www.w3.org/1999/02/22-rdf-syntax-ns#' >\n]>\n\
            <rdf:RDF xmlns:rdf=\"&rdf;\" xmlns:owl=\"&owl;\"><owl:Class rdf:about=\"&owl;Thing\"/></rdf:RDF>";
        assert!(check_entities(document.as_bytes(), 1 << 20).is_ok());
    }

    #[test]
    fn external_and_parameter_entities_are_refused() {
        let external = "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><x>&e;</x>";
        assert!(check_entities(external.as_bytes(), 1 << 20).is_err());
        let parameter = "<!DOCTYPE x [<!ENTITY % p \"x\">]><x/>";
        assert!(check_entities(parameter.as_bytes(), 1 << 20).is_err());
    }
}
