//! The engine over HTTP: requests within a deadline, its statuses as errors, its answers read
//! as they arrive.

use super::*;

/// Why a request did not get an answer.
pub(super) enum SendError {
    Timeout,
    Unreachable(String),
}

pub(super) async fn timed<F>(deadline: Instant, request: F) -> Result<reqwest::Response, SendError>
where
    F: std::future::Future<Output = Result<reqwest::Response, reqwest::Error>>,
{
    match tokio::time::timeout_at(deadline, request).await {
        Err(_) => Err(SendError::Timeout),
        Ok(Ok(response)) => Ok(response),
        Ok(Err(e)) if e.is_timeout() => Err(SendError::Timeout),
        Ok(Err(e)) => Err(SendError::Unreachable(describe(&e))),
    }
}

/// A reqwest error without the URL (which may carry credentials).
pub(super) fn describe(error: &reqwest::Error) -> String {
    let mut message = if error.is_connect() {
        "connection failed".to_owned()
    } else {
        "request failed".to_owned()
    };
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// `url` without user information.
pub(super) fn redacted(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.to_string()
        }
        Err(_) => "(invalid URL)".to_owned(),
    }
}

/// The response if its status is a success; otherwise the engine's complaint as an error.
pub(super) async fn check_status(
    response: reqwest::Response,
    limit: Duration,
) -> Result<reqwest::Response, StoreError> {
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let text = response.text().await.unwrap_or_default();
    let mut excerpt: String = text.trim().chars().take(600).collect();
    if excerpt.is_empty() {
        excerpt = "(no message)".to_owned();
    }
    Err(match status {
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => StoreError::Unavailable(format!(
            "the SPARQL engine refused kgql's credentials ({status}): {excerpt}"
        )),
        StatusCode::REQUEST_TIMEOUT | StatusCode::GATEWAY_TIMEOUT => StoreError::Timeout(limit),
        StatusCode::BAD_GATEWAY | StatusCode::SERVICE_UNAVAILABLE => StoreError::Unavailable(
            format!("the SPARQL engine is unavailable ({status}): {excerpt}"),
        ),
        _ if status.is_server_error() => {
            StoreError::Upstream(format!("it answered {status}: {excerpt}"))
        }
        _ => StoreError::Evaluation(format!("the SPARQL engine answered {status}: {excerpt}")),
    })
}

/// The media type of a response, without parameters.
pub(super) fn media_type(headers: &HeaderMap) -> String {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase()
}

/// A response body read as it arrives, by a blocking reader: a task pulls the chunks and hands
/// them over through a bounded channel, so a slow consumer holds back the engine's answer. Read
/// it outside the runtime (in `spawn_blocking`), as every answer of the store is.
pub(super) struct BodyReader {
    chunks: tokio::sync::mpsc::Receiver<Result<Bytes, std::io::Error>>,
    current: Bytes,
}

impl BodyReader {
    pub(super) fn spawn(response: reqwest::Response, deadline: Instant, limit: Duration) -> Self {
        let (sender, chunks) = tokio::sync::mpsc::channel(16);
        tokio::spawn(async move {
            let mut stream = response.bytes_stream();
            loop {
                let next = match tokio::time::timeout_at(deadline, stream.next()).await {
                    Err(_) => Err(std::io::Error::other(StoreError::Timeout(limit))),
                    Ok(None) => break,
                    Ok(Some(Ok(bytes))) => Ok(bytes),
                    Ok(Some(Err(e))) => Err(std::io::Error::other(StoreError::Unavailable(
                        format!("the SPARQL engine's answer broke off: {}", describe(&e)),
                    ))),
                };
                let failed = next.is_err();
                if sender.send(next).await.is_err() || failed {
                    break;
                }
            }
        });
        Self {
            chunks,
            current: Bytes::new(),
        }
    }
}

impl Read for BodyReader {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        while self.current.is_empty() {
            match self.chunks.blocking_recv() {
                Some(Ok(bytes)) => self.current = bytes,
                Some(Err(e)) => return Err(e),
                None => return Ok(0),
            }
        }
        let n = buffer.len().min(self.current.len());
        buffer[..n].copy_from_slice(&self.current[..n]);
        self.current = self.current.slice(n..);
        Ok(n)
    }
}

/// Virtuoso writes blank nodes in JSON results as `nodeID://b10000`, which is not a blank node
/// label; this reader drops the `nodeID://` of blank-node values (and only of those) as the
/// answer streams by.
pub(super) struct VirtuosoBlankNodes<R> {
    inner: R,
    out: Vec<u8>,
    position: usize,
    /// The end of the last chunk, when it may be the start of the pattern.
    tail: Vec<u8>,
    done: bool,
}

impl<R> VirtuosoBlankNodes<R> {
    const FROM: &'static [u8] = b"\"bnode\", \"value\": \"nodeID://";
    const TO: &'static [u8] = b"\"bnode\", \"value\": \"";

    pub(super) fn new(inner: R) -> Self {
        Self {
            inner,
            out: Vec::new(),
            position: 0,
            tail: Vec::new(),
            done: false,
        }
    }
}

impl<R: Read> Read for VirtuosoBlankNodes<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        while self.position >= self.out.len() {
            if self.done {
                return Ok(0);
            }
            let mut chunk = [0_u8; 8192];
            let n = self.inner.read(&mut chunk)?;
            let mut data = std::mem::take(&mut self.tail);
            if n == 0 {
                self.done = true;
                self.out = data;
                self.position = 0;
                continue;
            }
            data.extend_from_slice(&chunk[..n]);
            let mut result = Vec::with_capacity(data.len());
            let mut i = 0;
            while i < data.len() {
                let rest = &data[i..];
                if rest.starts_with(Self::FROM) {
                    result.extend_from_slice(Self::TO);
                    i += Self::FROM.len();
                } else if rest.len() < Self::FROM.len() && Self::FROM.starts_with(rest) {
                    self.tail = rest.to_vec();
                    break;
                } else {
                    result.push(data[i]);
                    i += 1;
                }
            }
            self.out = result;
            self.position = 0;
        }
        let n = buffer.len().min(self.out.len() - self.position);
        buffer[..n].copy_from_slice(&self.out[self.position..self.position + n]);
        self.position += n;
        Ok(n)
    }
}

/// The store error an I/O error of a [`BodyReader`] carries.
pub(super) fn io_to_store(error: std::io::Error) -> StoreError {
    match error.downcast::<StoreError>() {
        Ok(inner) => inner,
        Err(error) => StoreError::Unavailable(format!("reading the engine's answer: {error}")),
    }
}

pub(super) fn results_error(
    error: oxigraph::sparql::results::QueryResultsParseError,
) -> StoreError {
    match error {
        oxigraph::sparql::results::QueryResultsParseError::Io(e) => io_to_store(e),
        other => StoreError::Upstream(format!("its answer is invalid: {other}")),
    }
}

pub(super) fn rdf_error(error: RdfParseError) -> StoreError {
    match error {
        RdfParseError::Io(e) => io_to_store(e),
        other => StoreError::Upstream(format!("its answer is invalid: {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::VirtuosoBlankNodes;
    use std::io::Read;

    /// A reader that gives one byte at a time, to cut the pattern across reads.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
            let Some((first, rest)) = self.0.split_first() else {
                return Ok(0);
            };
            buffer[0] = *first;
            self.0 = rest;
            Ok(1)
        }
    }

    #[test]
    fn virtuoso_blank_node_values_lose_their_prefix_and_nothing_else_changes() {
        let input = br#"{ "s": { "type": "bnode", "value": "nodeID://b10000" }, "l": { "type": "literal", "value": "nodeID://kept" } }"#;
        let expected = br#"{ "s": { "type": "bnode", "value": "b10000" }, "l": { "type": "literal", "value": "nodeID://kept" } }"#;
        for whole in [true, false] {
            let mut out = Vec::new();
            if whole {
                VirtuosoBlankNodes::new(&input[..])
                    .read_to_end(&mut out)
                    .unwrap();
            } else {
                VirtuosoBlankNodes::new(Trickle(input))
                    .read_to_end(&mut out)
                    .unwrap();
            }
            assert_eq!(
                String::from_utf8(out).unwrap(),
                String::from_utf8(expected.to_vec()).unwrap()
            );
        }
    }
}
