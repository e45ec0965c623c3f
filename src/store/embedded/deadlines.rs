//! Query deadlines: one thread cancels every evaluation that outlives its deadline.
//!
//! A timer per query (a task spawned, then aborted when the query ends) costs a task's
//! scheduling twice per query, about a fifth of what a small query costs in all; registering a
//! deadline here costs two short critical sections.

use oxigraph::sparql::CancellationToken;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::time::Instant;

/// The running evaluations' deadlines, earliest first.
#[derive(Default)]
struct Deadlines {
    pending: Mutex<BTreeMap<(Instant, u64), CancellationToken>>,
    /// Told when a deadline earlier than every other one arrives.
    earlier: Condvar,
    next: AtomicU64,
}

/// A registered deadline, forgotten when dropped (the evaluation ended in time).
pub struct Deadline {
    key: (Instant, u64),
    deadlines: Arc<Deadlines>,
}

impl Drop for Deadline {
    fn drop(&mut self) {
        self.deadlines
            .pending
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&self.key);
    }
}

/// Cancels `token` at `at`, unless the returned [`Deadline`] is dropped first.
pub fn cancel_at(at: Instant, token: CancellationToken) -> Deadline {
    let deadlines = watchdog();
    let key = (at, deadlines.next.fetch_add(1, Ordering::Relaxed));
    let mut pending = deadlines
        .pending
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    let earliest = pending
        .first_key_value()
        .is_none_or(|(first, _)| key < *first);
    pending.insert(key, token);
    drop(pending);
    if earliest {
        deadlines.earlier.notify_one();
    }
    Deadline {
        key,
        deadlines: deadlines.clone(),
    }
}

/// The process's deadlines, and the thread that watches them (started on first use).
fn watchdog() -> &'static Arc<Deadlines> {
    static WATCHDOG: OnceLock<Arc<Deadlines>> = OnceLock::new();
    WATCHDOG.get_or_init(|| {
        let deadlines = Arc::new(Deadlines::default());
        let watched = deadlines.clone();
        std::thread::Builder::new()
            .name("kgql-deadlines".to_owned())
            .spawn(move || watch(&watched))
            .expect("a thread for query deadlines");
        deadlines
    })
}

fn watch(deadlines: &Deadlines) {
    let mut pending = deadlines
        .pending
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    loop {
        let now = Instant::now();
        match pending.first_key_value().map(|(key, _)| *key) {
            Some(key) if key.0 <= now => {
                if let Some(token) = pending.remove(&key) {
                    token.cancel();
                }
            }
            Some((at, _)) => {
                pending = deadlines
                    .earlier
                    .wait_timeout(pending, at - now)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            None => {
                pending = deadlines
                    .earlier
                    .wait(pending)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::cancel_at;
    use oxigraph::sparql::CancellationToken;
    use std::time::{Duration, Instant};

    #[test]
    fn tokens_are_cancelled_at_their_deadline_unless_dropped_before() {
        let late = CancellationToken::new();
        let kept = CancellationToken::new();
        let soon = CancellationToken::new();
        let start = Instant::now();
        let _late = cancel_at(start + Duration::from_secs(3600), late.clone());
        let dropped = cancel_at(start + Duration::from_millis(20), kept.clone());
        let _soon = cancel_at(start + Duration::from_millis(50), soon.clone());
        drop(dropped);
        while !soon.is_cancelled() {
            assert!(start.elapsed() < Duration::from_secs(10), "never cancelled");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert!(start.elapsed() >= Duration::from_millis(50));
        assert!(!kept.is_cancelled(), "a dropped deadline cancels nothing");
        assert!(!late.is_cancelled());
    }
}
