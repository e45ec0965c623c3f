//! The version of the embedded store's data: a number every committed write advances, with the
//! time of that write, kept in a file of the store's directory across restarts. HTTP answers carry
//! it as their entity tag.
//!
//! Numbers are reserved on disk in blocks before the writes that use them commit, and a number is
//! published only once its write has committed: no answer is ever tagged with a number before
//! the data it names exists. A clean stop saves the number reached, and the next start goes on
//! from it, so tags survive a restart; after a crash the next start goes on from the end of the
//! reserved block, a number no earlier answer had (every tag changes once). Writing the file once
//! per block rather than once per write keeps it off the write path: a file written per write
//! cost 45 % of the throughput of small updates.

use super::super::{StoreError, StoreVersion};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The file that keeps the version, in the store's directory.
const FILE: &str = "kgql-version";

/// How many numbers are reserved on disk at once.
const BLOCK: u64 = 1024;

/// What the file says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Kept {
    /// The number reached, exact when the store was stopped cleanly.
    number: u64,
    /// The time of its write.
    modified: SystemTime,
    /// The highest number reserved: no answer ever carried a higher one.
    reserved: u64,
    /// Whether the store was stopped cleanly (then `number` is the last one published).
    clean: bool,
}

/// The store's version.
pub struct Version {
    /// Where it is kept (`None`: an in-memory store).
    file: Option<PathBuf>,
    /// Names this store apart from every other (a new store, or an in-memory one, gets a new one).
    instance: String,
    /// The published number and the time of its write; the highest number reserved on disk.
    state: Mutex<Kept>,
}

impl Version {
    /// The version kept in `dir`, or a new one. A file that cannot be read (edited, or cut short
    /// by a crash of the machine) gives a new one too: every tag changes once, which costs caches
    /// a full answer each and can never make them keep a stale one.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let file = dir.join(FILE);
        let kept = match std::fs::read_to_string(&file) {
            Ok(text) => {
                let kept = parse(&text);
                if kept.is_none() {
                    tracing::warn!(
                        file = %file.display(),
                        "the store's version cannot be read: it starts anew"
                    );
                }
                kept
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e.into()),
        };
        let (instance, state) = match kept {
            // After a crash, writes up to the reserved number may have committed.
            Some((instance, kept)) if !kept.clean => (
                instance,
                Kept {
                    number: kept.reserved,
                    modified: now(),
                    ..kept
                },
            ),
            Some((instance, kept)) => (instance, kept),
            None => (
                new_instance(),
                Kept {
                    number: 0,
                    modified: now(),
                    reserved: 0,
                    clean: true,
                },
            ),
        };
        let version = Self {
            file: Some(file),
            instance,
            state: Mutex::new(Kept {
                reserved: state.number,
                clean: false,
                ..state
            }),
        };
        // Running: the file says so until the store is dropped.
        version.reserve(&mut version.state())?;
        Ok(version)
    }

    /// The version of an in-memory store.
    pub fn in_memory() -> Self {
        Self {
            file: None,
            instance: new_instance(),
            state: Mutex::new(Kept {
                number: 0,
                modified: now(),
                reserved: u64::MAX,
                clean: false,
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, Kept> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The version answers carry now.
    pub fn current(&self) -> StoreVersion {
        let state = *self.state();
        StoreVersion {
            tag: format!("{}-{}", self.instance, state.number),
            modified: state.modified,
        }
    }

    /// Runs `write` (a commit; writes take turns) as the next version: its number is reserved on
    /// disk before, and published after it commits.
    pub fn around<T>(
        &self,
        write: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let number = {
            let mut state = self.state();
            let number = state.number + 1;
            if number > state.reserved {
                self.reserve(&mut state)?;
            }
            number
        };
        let written = write()?;
        // A failed write published nothing: its number goes to the next.
        let mut state = self.state();
        state.number = number;
        state.modified = now();
        Ok(written)
    }

    /// Reserves the next block of numbers on disk.
    fn reserve(&self, state: &mut Kept) -> Result<(), StoreError> {
        state.reserved = state.number.saturating_add(BLOCK);
        self.save(state)
    }

    fn save(&self, state: &Kept) -> Result<(), StoreError> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let seconds = |time: SystemTime| {
            time.duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs()
        };
        // Written aside and renamed over: the file is the old version or the new, never half.
        let aside = file.with_extension("new");
        std::fs::write(
            &aside,
            format!(
                "{}\n{}\n{}\n{}\n{}\n",
                self.instance,
                state.number,
                seconds(state.modified),
                state.reserved,
                if state.clean { "clean" } else { "running" }
            ),
        )?;
        std::fs::rename(&aside, file)?;
        Ok(())
    }
}

impl Drop for Version {
    /// A clean stop: the next start goes on from the number reached, and tags stay.
    fn drop(&mut self) {
        let mut state = *self.state();
        state.clean = true;
        if let Err(error) = self.save(&state) {
            tracing::warn!(%error, "the store's version could not be saved");
        }
    }
}

/// Now, in the whole seconds the file keeps (and HTTP dates say).
fn now() -> SystemTime {
    UNIX_EPOCH
        + Duration::from_secs(
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs(),
        )
}

/// Instance, number, time, reserved number and state, one a line.
fn parse(text: &str) -> Option<(String, Kept)> {
    let mut lines = text.lines().map(str::trim);
    let instance = lines.next()?.to_owned();
    let number = lines.next()?.parse().ok()?;
    let seconds = lines.next()?.parse().ok()?;
    let reserved: u64 = lines.next()?.parse().ok()?;
    let clean = match lines.next()? {
        "clean" => true,
        "running" => false,
        _ => return None,
    };
    let valid = !instance.is_empty()
        && instance.bytes().all(|b| b.is_ascii_alphanumeric())
        && reserved >= number;
    valid.then(|| {
        (
            instance,
            Kept {
                number,
                modified: UNIX_EPOCH + Duration::from_secs(seconds),
                reserved,
                clean,
            },
        )
    })
}

/// A name no other store has had: the time and the process, hashed with a random key.
fn new_instance() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos(),
    );
    hasher.write_u32(std::process::id());
    format!("{:016x}", hasher.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_is_kept_advanced_by_writes_and_renewed_when_unreadable() {
        let dir = tempfile::tempdir().unwrap();
        let first = Version::open(dir.path()).unwrap().current();
        // Kept across clean stops; a write advances it, a failed write does not publish.
        let version = Version::open(dir.path()).unwrap();
        assert_eq!(version.current(), first);
        version.around(|| Ok(())).unwrap();
        let written = version.current();
        assert_ne!(written, first);
        let failed: Result<(), _> = version.around(|| Err(StoreError::Evaluation("no".into())));
        assert!(failed.is_err());
        assert_eq!(version.current(), written);
        drop(version);
        assert_eq!(
            Version::open(dir.path()).unwrap().current().tag,
            written.tag
        );
        // A crash (no clean stop): the next start goes on past every reserved number.
        let version = Version::open(dir.path()).unwrap();
        version.around(|| Ok(())).unwrap();
        let before_crash = version.current();
        std::mem::forget(version);
        let after_crash = Version::open(dir.path()).unwrap().current();
        let number = |v: &StoreVersion| v.tag.rsplit_once('-').unwrap().1.parse::<u64>().unwrap();
        assert!(
            number(&after_crash) >= number(&before_crash) + BLOCK - 1,
            "{after_crash:?}"
        );
        // A file cut short gives a new version, not a store that cannot open.
        std::fs::write(dir.path().join(FILE), "0123").unwrap();
        let renewed = Version::open(dir.path()).unwrap().current();
        assert!(!renewed
            .tag
            .starts_with(written.tag.rsplit_once('-').unwrap().0));
    }
}
