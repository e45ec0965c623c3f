//! Byte streams produced by blocking writers.
//!
//! Serializers (SPARQL results, RDF) are synchronous writers and store iterators block, so a
//! response body is written on a blocking thread into a [`ChunkWriter`] that hands chunks to the
//! async side through a bounded channel. When the receiver goes away (the client disconnected),
//! the next write fails and the blocking work stops. When the receiver stays but stops reading
//! (a client that never reads its answer), a write waits at most the writer's timeout, then the
//! work stops and the stream ends with an error, so that the answer is cut off visibly (the
//! connection is dropped) rather than ended as if complete.

use bytes::Bytes;
use futures_util::Stream;
use std::io::{self, Write};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// A stream of body chunks, written by a blocking writer.
pub struct ByteStream {
    chunks: Pin<Box<dyn Stream<Item = Result<Bytes, io::Error>> + Send>>,
    writer: Arc<WriterEnd>,
}

impl Stream for ByteStream {
    type Item = Result<Bytes, io::Error>;

    fn poll_next(
        mut self: Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        self.chunks.as_mut().poll_next(cx)
    }
}

/// What the writer's end of a stream holds: a guard (a permit) released when the writer is
/// done, whether or not the reader ever takes what it wrote.
#[derive(Default)]
struct WriterEnd {
    done: AtomicBool,
    guard: std::sync::Mutex<Option<Box<dyn Send>>>,
}

impl WriterEnd {
    fn finish(&self) {
        self.done.store(true, Ordering::SeqCst);
        if let Ok(mut guard) = self.guard.lock() {
            guard.take();
        }
    }

    fn hold(&self, held: Box<dyn Send>) {
        if let Ok(mut guard) = self.guard.lock() {
            if !self.done.load(Ordering::SeqCst) {
                *guard = Some(held);
            }
        }
    }
}

/// Bytes buffered before a chunk is sent.
const CHUNK_SIZE: usize = 64 * 1024;
/// Chunks in flight between the writer and the client (what a client that stops reading keeps
/// in memory, beside the sockets' buffers).
const CHANNEL_CAPACITY: usize = 4;

/// A [`Write`] that sends its output as chunks over a channel.
pub struct ChunkWriter {
    buffer: Vec<u8>,
    sender: mpsc::Sender<Result<Bytes, io::Error>>,
    /// How long a chunk may wait for the reader.
    write_timeout: Duration,
    runtime: tokio::runtime::Handle,
}

impl ChunkWriter {
    fn send(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK_SIZE),
        ));
        self.deliver(Ok(chunk))
    }

    /// Hands an item to the reader, waiting at most the write timeout for room.
    fn deliver(&self, item: Result<Bytes, io::Error>) -> io::Result<()> {
        let send = tokio::time::timeout(self.write_timeout, self.sender.send(item));
        match self.runtime.block_on(send) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the reader went away",
            )),
            Err(_) => Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!(
                    "the client read nothing for {:?}: the answer is cut off",
                    self.write_timeout
                ),
            )),
        }
    }
}

impl Write for ChunkWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        if self.buffer.len() >= CHUNK_SIZE {
            self.send()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        // Chunks are sent when full or at the end; flushing early would only fragment them.
        Ok(())
    }
}

/// How long a writer waits for a reader that does not read when no timeout is given: a day.
pub const PATIENT: Duration = Duration::from_secs(24 * 3600);

/// Runs `write` on a blocking thread and streams what it writes. An error it returns ends the
/// stream with that error; nothing is sent before the first full chunk, so an error that
/// happens early arrives before any data. A chunk that waits longer than `write_timeout` for the
/// reader stops the writer and ends the stream with an error.
pub fn from_blocking_writer(
    write_timeout: Duration,
    write: impl FnOnce(&mut ChunkWriter) -> io::Result<()> + Send + 'static,
) -> ByteStream {
    let (sender, mut receiver) = mpsc::channel(CHANNEL_CAPACITY);
    // Set when the writer failed and could not say so: the stream must not end cleanly.
    let failed = Arc::new(AtomicBool::new(false));
    let writer_failed = failed.clone();
    let runtime = tokio::runtime::Handle::current();
    let end = Arc::new(WriterEnd::default());
    let writer_end = end.clone();
    tokio::task::spawn_blocking(move || {
        let mut writer = ChunkWriter {
            buffer: Vec::with_capacity(CHUNK_SIZE),
            sender,
            write_timeout,
            runtime,
        };
        let result = write(&mut writer).and_then(|()| writer.send());
        if let Err(error) = result {
            let kind = error.kind();
            if kind == io::ErrorKind::TimedOut {
                tracing::warn!(%error, "a streamed answer was cut off");
            }
            if kind == io::ErrorKind::BrokenPipe
                || kind == io::ErrorKind::TimedOut
                || writer.deliver(Err(error)).is_err()
            {
                writer_failed.store(true, Ordering::SeqCst);
            }
        }
        writer_end.finish();
    });
    ByteStream {
        chunks: Box::pin(futures_util::stream::poll_fn(move |cx| {
            match receiver.poll_recv(cx) {
                std::task::Poll::Ready(None) if failed.swap(false, Ordering::SeqCst) => {
                    std::task::Poll::Ready(Some(Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "the answer was cut off",
                    ))))
                }
                other => other,
            }
        })),
        writer: end,
    }
}

/// A response body, as [`first_chunk`] found it.
#[must_use]
pub enum Body {
    /// The writer finished within its first chunk: the whole body (sent with its length, in one
    /// write).
    Whole(Bytes),
    /// The rest is still being written.
    Streaming(ByteStream),
}

impl Body {
    /// Keeps `guard` (a permit) alive while the body's writer writes: until it has written
    /// everything, the reader went away, or the reader took nothing for the write timeout.
    pub fn holding<G: Send + 'static>(self, guard: G) -> Self {
        if let Self::Streaming(stream) = &self {
            stream.writer.hold(Box::new(guard));
        }
        self
    }
}

/// Waits for the first item of `stream`: an error there is returned as such, otherwise the body
/// is given back whole. Lets a caller choose the response status after the work that is most
/// likely to fail (query evaluation up to the first chunk) has run. A first chunk short of
/// [`CHUNK_SIZE`] is the writer's last (it sends a partial chunk only when it is done), so a
/// small body comes back complete, and an error just after it is still an error.
pub async fn first_chunk(mut stream: ByteStream) -> Result<Body, io::Error> {
    use futures_util::StreamExt;
    let chunk = match stream.next().await {
        None => return Ok(Body::Whole(Bytes::new())),
        Some(Err(error)) => return Err(error),
        Some(Ok(chunk)) => chunk,
    };
    if chunk.len() < CHUNK_SIZE {
        match stream.next().await {
            None => return Ok(Body::Whole(chunk)),
            Some(Err(error)) => return Err(error),
            Some(Ok(next)) => {
                let head = futures_util::stream::iter([Ok(chunk), Ok(next)]);
                let writer = stream.writer.clone();
                return Ok(Body::Streaming(ByteStream {
                    chunks: Box::pin(head.chain(stream)),
                    writer,
                }));
            }
        }
    }
    let writer = stream.writer.clone();
    Ok(Body::Streaming(ByteStream {
        chunks: Box::pin(futures_util::stream::once(async move { Ok(chunk) }).chain(stream)),
        writer,
    }))
}

/// Collects a whole stream (for small bodies and tests).
pub async fn collect(mut stream: ByteStream) -> Result<Vec<u8>, io::Error> {
    use futures_util::StreamExt;
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk?);
    }
    Ok(body)
}
