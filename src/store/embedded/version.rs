//! The version of the embedded store's data: a number every committed write advances, with the
//! time of that write, kept in a file of the store's directory across restarts. HTTP answers carry
//! it as their entity tag.
//!
//! A write reserves its number on disk before it commits and publishes it only once committed:
//! no answer is ever tagged with a number before the data it names exists, and after a crash
//! the next start carries on from a number no earlier answer had.

use super::super::{StoreError, StoreVersion};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The file that keeps the version, in the store's directory.
const FILE: &str = "kgql-version";

/// The store's version.
pub struct Version {
    /// Where it is kept (`None`: an in-memory store).
    file: Option<PathBuf>,
    /// Names this store apart from every other (a new store, or an in-memory one, gets a new one).
    instance: String,
    /// The published number and the time of its write.
    published: Mutex<(u64, SystemTime)>,
    /// The highest number reserved on disk.
    reserved: Mutex<u64>,
}

impl Version {
    /// The version kept in `dir`, or a new one. A file that cannot be read (cut short by a crash
    /// of the machine, edited) gives a new one too: every tag changes once, which costs caches a
    /// full answer each and can never make them keep a stale one.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let file = dir.join(FILE);
        let kept = match std::fs::read_to_string(&file) {
            Ok(text) => {
                let kept = parse(&text);
                if kept.is_none() {
                    tracing::warn!(file = %file.display(), "the store's version cannot be read: it starts anew");
                }
                kept
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e.into()),
        };
        let is_new = kept.is_none();
        let (instance, number, modified) = kept.unwrap_or_else(|| (new_instance(), 0, now()));
        let version = Self {
            file: Some(file),
            instance,
            published: Mutex::new((number, modified)),
            reserved: Mutex::new(number),
        };
        if is_new {
            version.save(number, modified)?;
        }
        Ok(version)
    }

    /// The version of an in-memory store.
    pub fn in_memory() -> Self {
        Self {
            file: None,
            instance: new_instance(),
            published: Mutex::new((0, now())),
            reserved: Mutex::new(0),
        }
    }

    /// The version answers carry now.
    pub fn current(&self) -> StoreVersion {
        let (number, modified) = *self
            .published
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        StoreVersion {
            tag: format!("{}-{number}", self.instance),
            modified,
        }
    }

    /// Runs `write` (a commit) as the next version: its number is reserved on disk before, and
    /// published after it commits.
    pub fn around<T>(
        &self,
        write: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let number = {
            let mut reserved = self
                .reserved
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            *reserved += 1;
            *reserved
        };
        let now = now();
        self.save(number, now)?;
        let written = write()?;
        *self
            .published
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = (number, now);
        Ok(written)
    }

    fn save(&self, number: u64, modified: SystemTime) -> Result<(), StoreError> {
        if let Some(file) = &self.file {
            let seconds = modified
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default()
                .as_secs();
            // Written aside and renamed over: the file is the old version or the new, never half.
            let aside = file.with_extension("new");
            std::fs::write(&aside, format!("{}\n{number}\n{seconds}\n", self.instance))?;
            std::fs::rename(&aside, file)?;
        }
        Ok(())
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

/// Instance, number and time, one a line.
fn parse(text: &str) -> Option<(String, u64, SystemTime)> {
    let mut lines = text.lines();
    let instance = lines.next()?.trim().to_owned();
    let number = lines.next()?.trim().parse().ok()?;
    let seconds = lines.next()?.trim().parse().ok()?;
    (!instance.is_empty() && instance.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then(|| (instance, number, UNIX_EPOCH + Duration::from_secs(seconds)))
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
        // Kept across opens; a write advances it, a failed write does not publish.
        let version = Version::open(dir.path()).unwrap();
        assert_eq!(version.current(), first);
        version.around(|| Ok(())).unwrap();
        let written = version.current();
        assert_ne!(written, first);
        let failed: Result<(), _> = version.around(|| Err(StoreError::Evaluation("no".into())));
        assert!(failed.is_err());
        assert_eq!(version.current(), written);
        assert_eq!(Version::open(dir.path()).unwrap().current().tag, {
            // The failed write reserved its number: the next start carries on past it.
            let (instance, _) = written.tag.rsplit_once('-').unwrap();
            format!("{instance}-2")
        });
        // A file cut short gives a new version, not a store that cannot open.
        std::fs::write(dir.path().join(FILE), "0123").unwrap();
        let renewed = Version::open(dir.path()).unwrap().current();
        assert_ne!(renewed.tag, written.tag);
        assert!(!renewed
            .tag
            .starts_with(written.tag.rsplit_once('-').unwrap().0));
    }
}
