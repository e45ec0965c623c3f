//! The N-Quads writer.

use super::terms::{Object, XSD_INTEGER};
use std::io::{self, BufWriter, Write};

/// The graphs every output has, by index; the sources follow from [`FIRST_SOURCE`].
pub(super) const SOURCES_GRAPH: usize = 0;
pub(super) const EDITORIAL_GRAPH: usize = 1;
pub(super) const REFERENCE_GRAPH: usize = 2;
pub(super) const FIRST_SOURCE: usize = 3;

/// The N-Quads writer: counts quads and keeps the first write error (later writes are dropped).
pub(super) struct Quads<W: Write> {
    pub(super) out: BufWriter<W>,
    line: Vec<u8>,
    /// The graphs' IRIs, written in angle brackets, by index.
    pub(super) graphs: Vec<String>,
    /// The graph of the entity being written.
    pub(super) current: usize,
    pub(super) count: u64,
    pub(super) error: Option<io::Error>,
}

impl<W: Write> Quads<W> {
    pub(super) fn new(output: W, graphs: Vec<String>) -> Self {
        Self {
            out: BufWriter::with_capacity(1 << 16, output),
            line: Vec::with_capacity(512),
            graphs,
            current: SOURCES_GRAPH,
            count: 0,
            error: None,
        }
    }

    pub(super) fn emit(
        &mut self,
        graph: usize,
        subject: &str,
        predicate: &str,
        object: Object<'_>,
    ) {
        let line = &mut self.line;
        line.clear();
        line.extend_from_slice(subject.as_bytes());
        line.push(b' ');
        line.extend_from_slice(predicate.as_bytes());
        line.push(b' ');
        match object {
            Object::Iri(iri) => line.extend_from_slice(iri.as_bytes()),
            Object::Text(text, language) => {
                quoted(line, text);
                line.push(b'@');
                line.extend_from_slice(language.as_bytes());
            }
            Object::Plain(text) => quoted(line, text),
            Object::Typed(lexical, datatype) => {
                quoted(line, lexical);
                line.extend_from_slice(b"^^");
                line.extend_from_slice(datatype.as_bytes());
            }
            Object::Integer(n) => {
                line.push(b'"');
                push_number(line, n);
                line.extend_from_slice(b"\"^^");
                line.extend_from_slice(XSD_INTEGER.as_bytes());
            }
        }
        line.push(b' ');
        line.extend_from_slice(self.graphs[graph].as_bytes());
        line.extend_from_slice(b" .\n");
        self.count += 1;
        if self.error.is_none() {
            if let Err(error) = self.out.write_all(&self.line) {
                self.error = Some(error);
            }
        }
    }
}

/// Appends a string literal, escaped as N-Quads requires.
fn quoted(line: &mut Vec<u8>, text: &str) {
    line.push(b'"');
    for &byte in text.as_bytes() {
        match byte {
            b'"' => line.extend_from_slice(b"\\\""),
            b'\\' => line.extend_from_slice(b"\\\\"),
            b'\n' => line.extend_from_slice(b"\\n"),
            b'\r' => line.extend_from_slice(b"\\r"),
            _ => line.push(byte),
        }
    }
    line.push(b'"');
}

/// Appends the decimal digits of `n`.
pub(super) fn push_number(out: &mut Vec<u8>, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}
