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
    /// The version kept in `dir`, or a new one.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        let file = dir.join(FILE);
        let (instance, number, modified) = match std::fs::read_to_string(&file) {
            Ok(text) => parse(&text).ok_or_else(|| {
                StoreError::storage(
                    "reading the store's version",
                    format!("{} is not a version", file.display()),
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                (new_instance(), 0, SystemTime::now())
            }
            Err(e) => return Err(e.into()),
        };
        let version = Self {
            file: Some(file),
            instance,
            published: Mutex::new((number, modified)),
            reserved: Mutex::new(number),
        };
        version.save(number, modified)?;
        Ok(version)
    }

    /// The version of an in-memory store.
    pub fn in_memory() -> Self {
        Self {
            file: None,
            instance: new_instance(),
            published: Mutex::new((0, SystemTime::now())),
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
        let now = SystemTime::now();
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
            std::fs::write(file, format!("{}\n{number}\n{seconds}\n", self.instance))?;
        }
        Ok(())
    }
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
