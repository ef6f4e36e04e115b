//! The state file (`--state-file`): load at start, save after changes.
//!
//! The file holds the whole state as JSON, **secrets included** (auth keys and publisher
//! passwords are test data here, and a restarted sandbox must accept them again); it is
//! created with mode 0600 on Unix. Saving is atomic (a temporary file in the same directory,
//! then a rename) and debounced: a background task writes at most every ~200 ms when the
//! state changed, and once more when the server stops (SIGTERM, ctrl-c, `Sandbox` drop). A
//! `kill -9` may therefore lose the changes of the last ~200 ms.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Condvar, Mutex};
use std::time::Duration;

use crate::lock;
use crate::state::State;

/// How often the background task looks for changes.
pub const FLUSH_INTERVAL_MS: u64 = 200;

/// A state file and the version of the state last written to it.
#[derive(Debug)]
pub struct StateFile {
    path: PathBuf,
    saved: Mutex<Option<u64>>,
    /// Woken after every write, for [`StateFile::wait_saved`].
    written: Condvar,
}

impl StateFile {
    /// A state file at `path` (nothing is read or written yet).
    pub fn new(path: PathBuf) -> StateFile {
        StateFile {
            path,
            saved: Mutex::new(None),
            written: Condvar::new(),
        }
    }

    /// The path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads the state if the file exists.
    pub fn load(&self) -> std::io::Result<Option<State>> {
        let bytes = match std::fs::read(&self.path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let state = State::from_file_bytes(&bytes).map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!("state file {}: {e}", self.path.display()),
            )
        })?;
        *lock(&self.saved) = Some(state.version());
        Ok(Some(state))
    }

    /// Writes the state if its version differs from the one last written.
    pub fn flush(&self, state: &Mutex<State>) -> std::io::Result<()> {
        let mut saved = lock(&self.saved);
        let (bytes, version) = {
            let state = lock(state);
            if *saved == Some(state.version()) {
                return Ok(());
            }
            let bytes = state
                .to_file_bytes()
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
            (bytes, state.version())
        };
        write_atomically(&self.path, &bytes)?;
        *saved = Some(version);
        self.written.notify_all();
        Ok(())
    }

    /// Blocks until the state of `version` or a later one is in the file, for at most
    /// `limit`; true when it is. Lets a test wait for the background writer instead of
    /// polling the file.
    pub fn wait_saved(&self, version: u64, limit: Duration) -> bool {
        let saved = lock(&self.saved);
        let (saved, _) = self
            .written
            .wait_timeout_while(saved, limit, |saved| saved.is_none_or(|v| v < version))
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        saved.is_some_and(|v| v >= version)
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "state".to_string());
    let tmp = path.with_file_name(format!(".{name}.{}.tmp", std::process::id()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let result = (|| {
        let mut file = options.open(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_only_changes_and_loads_them_back() {
        let dir =
            std::env::temp_dir().join(format!("aflexi-sandbox-persist-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.json");
        let _ = std::fs::remove_file(&path);
        let file = StateFile::new(path.clone());
        assert!(file.load().unwrap().is_none());
        let state = Mutex::new(State::with_operators(&[("op".into(), "k".into())]));
        file.flush(&state).unwrap();
        let first = std::fs::metadata(&path).unwrap().modified().unwrap();
        file.flush(&state).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().modified().unwrap(), first);
        let back = StateFile::new(path.clone()).load().unwrap().unwrap();
        assert_eq!(back.user_id_by_username("op"), Some(1));
        std::fs::write(&path, b"{not json").unwrap();
        assert!(StateFile::new(path.clone()).load().is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
