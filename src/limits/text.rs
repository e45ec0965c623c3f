//! Lexical measures of SPARQL and GraphQL texts, taken before they are parsed.
//!
//! Parsers and every later walk of what they build recurse once per level of nesting, so a text
//! nested thousands deep would overflow a thread's stack before any check on the parsed form
//! could run. These scanners read the text once, without recursion, and say how deep it nests
//! and how many tokens it has. Strings, IRIs and comments are skipped as their grammars define
//! them, so brackets inside them do not count.

/// What a scan found.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Shape {
    /// The deepest nesting of `{`, `(` and `[`.
    pub depth: usize,
    /// Where that depth was first reached: line and column, from 1.
    pub deepest_at: (usize, usize),
    /// An upper bound of the depth of the algebra a SPARQL parser builds from the text: every
    /// operator and keyword that joins two parts (`UNION`, `OPTIONAL`, `||`, `/`…) may add a
    /// level, as every bracket does. Zero for GraphQL.
    pub chain: usize,
    /// Where that bound was first reached.
    pub chain_at: (usize, usize),
    /// How many tokens the text has.
    pub tokens: usize,
}

/// Tracks the nesting of brackets and the chains inside them.
#[derive(Default)]
struct Nesting {
    /// The chain count of each open bracket.
    frames: Vec<usize>,
    /// Open brackets plus every chain count of the open brackets.
    running: usize,
    shape: Shape,
    line: usize,
    line_start: usize,
}

impl Nesting {
    fn new() -> Self {
        Self {
            line: 1,
            ..Self::default()
        }
    }

    fn position(&self, offset: usize) -> (usize, usize) {
        (self.line, offset - self.line_start + 1)
    }

    fn open(&mut self, offset: usize) {
        self.token();
        // A bracket is also one more part of the bracket it opens in.
        self.link(offset);
        self.frames.push(0);
        self.running += 1;
        if self.frames.len() > self.shape.depth {
            self.shape.depth = self.frames.len();
            self.shape.deepest_at = self.position(offset);
        }
        self.record(offset);
    }

    fn close(&mut self) {
        self.token();
        if let Some(count) = self.frames.pop() {
            self.running -= count + 1;
        }
    }

    /// An opening or closing bracket at `offset`.
    fn bracket(&mut self, byte: u8, offset: usize) {
        if matches!(byte, b'{' | b'(' | b'[') {
            self.open(offset);
        } else {
            self.close();
        }
    }

    /// One more part joined to the others in the innermost open bracket.
    fn link(&mut self, offset: usize) {
        if let Some(count) = self.frames.last_mut() {
            *count += 1;
        }
        self.running += 1;
        self.record(offset);
    }

    fn record(&mut self, offset: usize) {
        if self.running > self.shape.chain {
            self.shape.chain = self.running;
            self.shape.chain_at = self.position(offset);
        }
    }

    fn token(&mut self) {
        self.shape.tokens += 1;
    }

    fn newline(&mut self, offset: usize) {
        self.line += 1;
        self.line_start = offset + 1;
    }
}

/// Keywords of SPARQL that join the pattern or expression they follow to what comes before.
const SPARQL_LINKING_KEYWORDS: &[&str] = &[
    "UNION", "OPTIONAL", "MINUS", "BIND", "GRAPH", "SERVICE", "VALUES", "FILTER", "EXISTS", "NOT",
    "IN", "LATERAL",
];

/// Measures a SPARQL query or update.
pub fn sparql(text: &str) -> Shape {
    let bytes = text.as_bytes();
    let mut n = Nesting::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\n' => {
                n.newline(i);
                i += 1;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' | b'\'' => {
                n.token();
                i = skip_string(bytes, i, &mut n);
            }
            b'<' => {
                if let Some(end) = iri_end(bytes, i) {
                    n.token();
                    i = end;
                } else {
                    // `<` or `<=`: a comparison.
                    n.token();
                    n.link(i);
                    i += if bytes.get(i + 1) == Some(&b'=') {
                        2
                    } else {
                        1
                    };
                }
            }
            c @ (b'{' | b'(' | b'[' | b'}' | b')' | b']') => {
                n.bracket(c, i);
                i += 1;
            }
            b'?' | b'$' if bytes.get(i + 1).is_some_and(|b| is_name_byte(*b)) => {
                n.token();
                i += 1;
                while i < bytes.len() && is_name_byte(bytes[i]) {
                    i += 1;
                }
            }
            b'|' | b'&' | b'=' | b'!' | b'>' | b'+' | b'-' | b'*' | b'/' | b'^' | b'?' => {
                n.token();
                n.link(i);
                // Two-character operators (`||`, `&&`, `!=`, `>=`, `^^`) are one token.
                let pair = matches!(
                    (c, bytes.get(i + 1)),
                    (b'|', Some(b'|'))
                        | (b'&', Some(b'&'))
                        | (b'!' | b'>', Some(b'='))
                        | (b'^', Some(b'^'))
                );
                i += if pair { 2 } else { 1 };
            }
            _ if is_name_byte(c) || c == b':' => {
                let start = i;
                while i < bytes.len()
                    && (is_name_byte(bytes[i]) || matches!(bytes[i], b':' | b'.' | b'%' | b'\\'))
                {
                    i += 1;
                }
                // A prefixed name or word does not end with a dot (the dot ends a triple).
                while i > start + 1 && bytes[i - 1] == b'.' {
                    i -= 1;
                }
                n.token();
                let word = &text[start..i];
                if SPARQL_LINKING_KEYWORDS
                    .iter()
                    .any(|k| k.eq_ignore_ascii_case(word))
                {
                    n.link(start);
                }
            }
            _ => {
                // `.`, `;`, `,`, `@`, and bytes of multi-byte characters: no nesting.
                n.token();
                i += 1;
            }
        }
    }
    n.shape
}

/// Measures a GraphQL document.
pub fn graphql(text: &str) -> Shape {
    let bytes = text.as_bytes();
    let mut n = Nesting::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                n.newline(i);
                i += 1;
            }
            b' ' | b'\t' | b'\r' | b',' => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' && bytes[i] != b'\r' {
                    i += 1;
                }
            }
            b'"' => {
                n.token();
                i = skip_string(bytes, i, &mut n);
            }
            c @ (b'{' | b'(' | b'[' | b'}' | b')' | b']') => {
                n.bracket(c, i);
                i += 1;
            }
            b'.' if bytes[i..].starts_with(b"...") => {
                n.token();
                i += 3;
            }
            c if is_name_byte(c) || c == b'-' => {
                while i < bytes.len()
                    && (is_name_byte(bytes[i]) || matches!(bytes[i], b'.' | b'+' | b'-'))
                {
                    i += 1;
                }
                n.token();
            }
            _ => {
                n.token();
                i += 1;
            }
        }
    }
    n.shape.chain = 0;
    n.shape.chain_at = (0, 0);
    n.shape
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80
}

/// The end of the string literal that starts at `start` (a quote): one past its closing quote,
/// or the end of the text when it is not closed. Long strings (three quotes) may span lines.
fn skip_string(bytes: &[u8], start: usize, n: &mut Nesting) -> usize {
    let quote = bytes[start];
    let long = bytes[start..].starts_with(&[quote; 3]);
    let mut i = start + if long { 3 } else { 1 };
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'\n' => {
                n.newline(i);
                if !long {
                    return i + 1;
                }
                i += 1;
            }
            b if b == quote => {
                if !long {
                    return i + 1;
                }
                if bytes[i..].starts_with(&[quote; 3]) {
                    return i + 3;
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The end of the IRI reference that starts at `start` (a `<`), if one does: SPARQL's `IRIREF`
/// excludes spaces, `<`, `"`, `{`, `}`, `|`, `^`, `` ` `` and `\` before its closing `>`.
fn iri_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'>' => return Some(i + 1),
            b'<' | b'"' | b'{' | b'}' | b'|' | b'^' | b'`' | b'\\' => return None,
            b if b <= b' ' => return None,
            _ => i += 1,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_in_strings_iris_and_comments_do_not_nest() {
        let shape = sparql(
            "PREFIX ex: <http://ex/((>\nSELECT * WHERE { # {{{{\n ?s ex:p \"{{\\\"((\" , '''[[\n[[''' }",
        );
        assert_eq!(shape.depth, 1);
        let shape = graphql("{ a(x: \"{{{{\", y: \"\"\"[[[\n\"\"\") # {{{{\n }");
        assert_eq!(shape.depth, 2);
    }

    #[test]
    fn nesting_is_measured_without_recursion() {
        let deep = format!(
            "SELECT * WHERE {}{}",
            "{".repeat(100_000),
            "}".repeat(100_000)
        );
        let shape = sparql(&deep);
        assert_eq!(shape.depth, 100_000);
        assert_eq!(shape.deepest_at, (1, 16 + 100_000 - 1));
        let deep = format!("{{ a(f: {}1{}) }}", "[".repeat(5000), "]".repeat(5000));
        assert_eq!(graphql(&deep).depth, 5002);
    }

    #[test]
    fn chains_count_towards_the_algebra_depth() {
        let unions = format!(
            "SELECT * WHERE {{ {} }}",
            vec!["{ ?s ?p ?o }"; 500].join(" UNION ")
        );
        let shape = sparql(&unions);
        assert_eq!(shape.depth, 2);
        assert!(shape.chain >= 500, "{shape:?}");
        let sum = format!("SELECT (1{} AS ?x) {{}}", " + 1".repeat(300));
        assert!(sparql(&sum).chain >= 300);
        let path = format!("SELECT * {{ ?s <p>{} ?o }}", "/<p>".repeat(300));
        assert!(sparql(&path).chain >= 300);
        // Variables, comparisons and IRIs are told apart.
        let shape = sparql("SELECT ?x WHERE { ?x <p> ?y FILTER(?y<3 && ?y >= 1) }");
        assert_eq!(shape.depth, 2);
        assert!(shape.chain < 10, "{shape:?}");
    }

    #[test]
    fn a_flat_query_stays_shallow_however_long() {
        let values = format!(
            "SELECT * WHERE {{ VALUES ?x {{ {} }} ?x ?p ?o . ?o ?q ?r . }}",
            (0..5000)
                .map(|i| format!("<http://ex/{i}>"))
                .collect::<Vec<_>>()
                .join(" ")
        );
        let shape = sparql(&values);
        assert_eq!(shape.depth, 2);
        assert!(shape.chain < 10, "{shape:?}");
        assert!(shape.tokens > 5000);
    }

    #[test]
    fn positions_are_lines_and_columns() {
        let shape = sparql("SELECT *\nWHERE {\n  { }\n}");
        assert_eq!(shape.depth, 2);
        assert_eq!(shape.deepest_at, (3, 3));
    }
}
