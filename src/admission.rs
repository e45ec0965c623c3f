//! How much work the server takes on at once: load shedding instead of collapse.
//!
//! Every request that evaluates queries takes a permit for the time it evaluates. Permits are
//! few (a small multiple of the cores): when they are all taken, a request waits a moment for
//! one and is then refused with 503 and `Retry-After`, so that a flood of expensive requests
//! slows nobody but itself, and the health checks and cheap lookups (which have a pool of their
//! own) keep answering. Streamed answers (exports, large query results) hold a stream permit
//! while the client reads: capped overall and per client, so that clients which read slowly or
//! never cannot hold every thread.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The capacities of a server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Capacity {
    /// Requests evaluating at once (cheap lookups have as many again of their own).
    pub queries: usize,
    /// How long a request waits for a permit before it is refused.
    pub queue_wait: Duration,
    /// Answers streamed at once.
    pub streams: usize,
    /// Answers streamed at once to one client.
    pub streams_per_client: usize,
}

/// What a request costs, for admission.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Weight {
    /// A lookup of a few values: one query or point read, a small answer.
    Cheap,
    /// Anything else.
    Expensive,
}

/// The server is too busy for this request now.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct Busy {
    /// What is full.
    pub message: String,
    /// When to try again.
    pub retry_after: Duration,
}

/// The permits of a server.
pub struct Admission {
    capacity: Capacity,
    expensive: Arc<Semaphore>,
    cheap: Arc<Semaphore>,
    streams: Arc<Semaphore>,
    clients: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

/// Held while a request evaluates.
#[must_use = "the permit is released when dropped"]
pub struct Permit(#[allow(dead_code)] OwnedSemaphorePermit);

/// Held while an answer streams to a client.
#[must_use = "the permit is released when dropped"]
pub struct StreamPermit {
    _permit: OwnedSemaphorePermit,
    client: IpAddr,
    clients: Arc<Mutex<HashMap<IpAddr, usize>>>,
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        if let Ok(mut clients) = self.clients.lock() {
            if let Some(count) = clients.get_mut(&self.client) {
                *count -= 1;
                if *count == 0 {
                    clients.remove(&self.client);
                }
            }
        }
    }
}

/// How long a refused client is told to wait.
const RETRY_AFTER: Duration = Duration::from_secs(2);

impl Admission {
    /// Permits for `capacity`.
    pub fn new(capacity: Capacity) -> Self {
        Self {
            capacity,
            expensive: Arc::new(Semaphore::new(capacity.queries.max(1))),
            cheap: Arc::new(Semaphore::new(capacity.queries.max(1))),
            streams: Arc::new(Semaphore::new(capacity.streams.max(1))),
            clients: Arc::new(Mutex::new(HashMap::new())),
        }
    }

    /// A permit to evaluate, waiting at most the queue wait for one.
    pub async fn evaluate(&self, weight: Weight) -> Result<Permit, Busy> {
        let pool = match weight {
            Weight::Cheap => &self.cheap,
            Weight::Expensive => &self.expensive,
        };
        let acquire = pool.clone().acquire_owned();
        match tokio::time::timeout(self.capacity.queue_wait, acquire).await {
            Ok(Ok(permit)) => Ok(Permit(permit)),
            _ => Err(Busy {
                message: format!(
                    "the server is evaluating as many requests as it may ({}, \
                     --max-concurrent-queries): try again shortly",
                    self.capacity.queries
                ),
                retry_after: RETRY_AFTER,
            }),
        }
    }

    /// A permit to stream an answer to `client`, if one is free now.
    pub fn stream(&self, client: IpAddr) -> Result<StreamPermit, Busy> {
        let mut clients = self
            .clients
            .lock()
            .map_err(|_| self.busy_streams("the stream table is unavailable".to_owned()))?;
        let count = clients.entry(client).or_insert(0);
        if *count >= self.capacity.streams_per_client {
            let message = format!(
                "{} answers are already streaming to this client (--max-streams-per-client): \
                 read them, or wait for them to end",
                self.capacity.streams_per_client
            );
            if *count == 0 {
                clients.remove(&client);
            }
            return Err(self.busy_streams(message));
        }
        let permit = self.streams.clone().try_acquire_owned().map_err(|_| {
            self.busy_streams(format!(
                "the server is streaming as many answers as it may ({}, --max-streams)",
                self.capacity.streams
            ))
        })?;
        *count += 1;
        Ok(StreamPermit {
            _permit: permit,
            client,
            clients: self.clients.clone(),
        })
    }

    fn busy_streams(&self, message: String) -> Busy {
        Busy {
            message,
            retry_after: RETRY_AFTER,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admission() -> Admission {
        Admission::new(Capacity {
            queries: 2,
            queue_wait: Duration::from_millis(50),
            streams: 3,
            streams_per_client: 2,
        })
    }

    #[tokio::test]
    async fn a_full_pool_refuses_after_the_wait_and_the_cheap_pool_still_answers() {
        let admission = admission();
        let _a = admission.evaluate(Weight::Expensive).await.unwrap();
        let _b = admission.evaluate(Weight::Expensive).await.unwrap();
        let busy = admission.evaluate(Weight::Expensive).await.err().unwrap();
        assert!(busy.message.contains("--max-concurrent-queries"));
        assert!(admission.evaluate(Weight::Cheap).await.is_ok());
        drop(_a);
        assert!(admission.evaluate(Weight::Expensive).await.is_ok());
    }

    #[test]
    fn streams_are_capped_per_client_and_overall() {
        let admission = admission();
        let one: IpAddr = "192.0.2.1".parse().unwrap();
        let two: IpAddr = "192.0.2.2".parse().unwrap();
        let a = admission.stream(one).unwrap();
        let _b = admission.stream(one).unwrap();
        assert!(admission
            .stream(one)
            .err()
            .unwrap()
            .message
            .contains("--max-streams-per-client"));
        let _c = admission.stream(two).unwrap();
        assert!(admission
            .stream(two)
            .err()
            .unwrap()
            .message
            .contains("--max-streams"));
        drop(a);
        let _d = admission.stream(two).unwrap();
        assert!(
            admission
                .stream(one)
                .err()
                .unwrap()
                .message
                .contains("--max-streams)"),
            "the overall cap again"
        );
    }
}
