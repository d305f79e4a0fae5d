//! One agent per state file: an exclusive `flock` on a lock file beside the
//! SQLite database (`<state>.lock`), taken before anything opens the
//! database and held until the process ends (the kernel releases it even
//! after a SIGKILL). The file holds the pid of the agent holding it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use rustix::fs::{flock, FlockOperation};

use crate::error::{AgentError, Result};

/// The lock on a state file; released when dropped or when the process ends.
#[derive(Debug)]
pub struct StateLock {
    _file: File,
    path: PathBuf,
}

/// The lock file of a state file: `agent.sqlite` → `agent.sqlite.lock`.
pub fn lock_path(state: &Path) -> PathBuf {
    let mut name = state.as_os_str().to_os_string();
    name.push(".lock");
    PathBuf::from(name)
}

impl StateLock {
    /// Takes the lock of `state` or says which process holds it.
    pub fn acquire(state: &Path) -> Result<StateLock> {
        let path = lock_path(state);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| AgentError::Config(format!("cannot open {}: {e}", path.display())))?;
        if flock(&file, FlockOperation::NonBlockingLockExclusive).is_err() {
            let mut pid = String::new();
            // The holder may be writing its pid this very moment: an empty read names no pid.
            let _ = file.read_to_string(&mut pid);
            return Err(AgentError::StateLocked {
                state: state.to_path_buf(),
                pid: pid.trim().to_string(),
            });
        }
        file.set_len(0)?;
        file.seek(SeekFrom::Start(0))?;
        writeln!(file, "{}", std::process::id())?;
        file.sync_all()?;
        Ok(StateLock { _file: file, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_one_state_is_refused_with_the_holders_pid() {
        let dir = tempfile::tempdir().unwrap();
        let state = dir.path().join("agent.sqlite");
        let held = StateLock::acquire(&state).unwrap();
        assert_eq!(held.path(), dir.path().join("agent.sqlite.lock"));
        let err = StateLock::acquire(&state).unwrap_err().to_string();
        let pid = std::process::id().to_string();
        assert!(
            err.contains("another agent is running with this state") && err.contains(&pid),
            "{err}"
        );
        // The lock file is not the database: nothing touched it.
        assert!(!state.exists());
        drop(held);
        StateLock::acquire(&state).unwrap();
    }
}
