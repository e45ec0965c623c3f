//! Query deadlines: one thread cancels every evaluation that outlives its deadline.
//!
//! A timer per query (a task spawned, then aborted when the query ends) costs a task's
//! scheduling twice per query, about a fifth of what a small query costs in all; registering a
//! deadline here costs two short critical sections. The watching thread is woken only for a
//! deadline earlier than the one it sleeps until: queries that all get the same timeout wake it
//! about once per timeout, not once per query (a wake-up is a context switch, which on a small
//! query costs as much as its evaluation).

use oxigraph::sparql::CancellationToken;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};
use std::time::Instant;

/// The running evaluations' deadlines, earliest first.
#[derive(Default)]
struct Deadlines {
    pending: Mutex<Pending>,
    /// Told when a deadline earlier than the watcher's wake-up time arrives.
    earlier: Condvar,
    next: AtomicU64,
}

/// What the watcher keeps under its lock.
#[derive(Default)]
struct Pending {
    deadlines: BTreeMap<(Instant, u64), CancellationToken>,
    /// When the watcher wakes up by itself (`None`: only when told).
    wakes_at: Option<Instant>,
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
            .deadlines
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
    // The watcher sleeps until its earliest deadline, or without end: tell it only about an
    // earlier one.
    let earlier = pending.wakes_at.is_none_or(|wakes_at| at < wakes_at);
    pending.deadlines.insert(key, token);
    if earlier {
        // Until the watcher looks again, it is as good as awake for this deadline.
        pending.wakes_at = Some(at);
    }
    drop(pending);
    if earlier {
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
        match pending.deadlines.first_key_value().map(|(key, _)| *key) {
            Some(key) if key.0 <= now => {
                if let Some(token) = pending.deadlines.remove(&key) {
                    token.cancel();
                }
            }
            Some((at, _)) => {
                pending.wakes_at = Some(at);
                pending = deadlines
                    .earlier
                    .wait_timeout(pending, at - now)
                    .unwrap_or_else(PoisonError::into_inner)
                    .0;
            }
            None => {
                pending.wakes_at = None;
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
