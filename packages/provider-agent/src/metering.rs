//! The metering source: a JSON-lines file the provider's service appends to,
//! one line per delivery `{"lease_id": 1, "units": "25"}` (units delivered
//! since its previous line for that lease). Lines are read from the byte
//! offset kept in SQLite, in the same transaction that adds their units, so a
//! line is counted exactly once across restarts. Only complete lines (ending
//! in a newline) are read.

use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use cosmwasm_std::Uint128;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::store::Store;

/// One usage record, in the file or posted to POST /usage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageLine {
    pub lease_id: u64,
    pub units: Uint128,
    /// Optional delivery id (POST /usage): a retried push with the same id counts once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

/// Parses the complete lines of `chunk`: the deltas and the bytes consumed.
/// A malformed line is skipped (and reported), never counted.
pub fn parse_lines(chunk: &[u8]) -> (Vec<(u64, u128)>, usize, Vec<String>) {
    let mut deltas = Vec::new();
    let mut bad = Vec::new();
    let mut consumed = 0;
    while let Some(pos) = chunk[consumed..].iter().position(|&b| b == b'\n') {
        let line = &chunk[consumed..consumed + pos];
        consumed += pos + 1;
        let text = String::from_utf8_lossy(line);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            continue;
        }
        match serde_json::from_str::<UsageLine>(trimmed) {
            Ok(u) if !u.units.is_zero() => deltas.push((u.lease_id, u.units.u128())),
            Ok(_) => {}
            Err(e) => bad.push(format!("{trimmed}: {e}")),
        }
    }
    (deltas, consumed, bad)
}

/// Reads what was appended since the stored offset and records it. Returns
/// the number of lines counted.
pub fn ingest_file(path: &Path, store: &Store) -> Result<usize> {
    ingest_file_of(path, store, "")
}

/// [`ingest_file`] for the usage file of one provider of a fleet (`scope`:
/// its address, which keys the file's offset).
pub fn ingest_file_of(path: &Path, store: &Store, scope: &str) -> Result<usize> {
    let offset = store.usage_file_offset_of(scope)?;
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e.into()),
    };
    let len = file.metadata()?.len();
    if len <= offset {
        return Ok(0);
    }
    file.seek(SeekFrom::Start(offset))?;
    let mut chunk = Vec::new();
    file.take(len - offset).read_to_end(&mut chunk)?;
    let (deltas, consumed, bad) = parse_lines(&chunk);
    for line in bad {
        tracing::warn!(%line, "usage file: malformed line skipped");
    }
    if consumed == 0 {
        return Ok(0);
    }
    let consumed =
        u64::try_from(consumed).map_err(|_| crate::error::AgentError::Overflow("offset"))?;
    let new_offset = offset
        .checked_add(consumed)
        .ok_or(crate::error::AgentError::Overflow("offset"))?;
    store.ingest_usage_of(scope, &deltas, new_offset)?;
    Ok(deltas.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn only_complete_lines_are_read() {
        let (deltas, consumed, bad) =
            parse_lines(b"{\"lease_id\":1,\"units\":\"5\"}\n\n{\"lease_id\":2,\"units\":\"7\"}\n{\"lease_id\":1,\"un");
        assert_eq!(deltas, vec![(1, 5), (2, 7)]);
        assert_eq!(consumed, 55);
        assert!(bad.is_empty());
        let (deltas, _, bad) = parse_lines(b"garbage\n{\"lease_id\":3,\"units\":\"1\"}\n");
        assert_eq!(deltas, vec![(3, 1)]);
        assert_eq!(bad.len(), 1);
    }

    #[test]
    fn each_line_counts_once_across_restarts() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("usage.jsonl");
        let db = dir.path().join("agent.sqlite");
        let mut out = std::fs::File::create(&file).unwrap();
        writeln!(out, "{{\"lease_id\":1,\"units\":\"10\"}}").unwrap();
        write!(out, "{{\"lease_id\":1,").unwrap();
        {
            let store = Store::open(&db).unwrap();
            assert_eq!(ingest_file(&file, &store).unwrap(), 1);
            assert_eq!(ingest_file(&file, &store).unwrap(), 0);
            assert_eq!(store.usage(1).unwrap().recorded, 10);
        }
        // The writer finishes its line; a restarted agent reads only the new part.
        writeln!(out, "\"units\":\"15\"}}").unwrap();
        let store = Store::open(&db).unwrap();
        assert_eq!(ingest_file(&file, &store).unwrap(), 1);
        assert_eq!(store.usage(1).unwrap().recorded, 25);
    }
}
