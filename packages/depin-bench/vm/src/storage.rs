//! A `cosmwasm_vm::Storage` over an in-memory map that prices every access as
//! the Cosmos SDK's gas KV store does under wasmd (`storetypes.KVGasConfig`),
//! with wasmd's 33-byte contract-store prefix (`0x03 ‖ contract address`)
//! counted in every key. The VM itself is told the calls are free, so its gas
//! figure is the wasm execution alone.

use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use cosmwasm_std::{Order, Record};
use cosmwasm_vm::{BackendError, BackendResult, GasInfo, Storage};
use serde::Serialize;

/// wasmd stores a contract's keys under `0x03 ‖ 32-byte contract address`.
pub const KEY_PREFIX_LEN: u64 = 33;
pub const READ_FLAT: u64 = 1_000;
pub const READ_PER_BYTE: u64 = 3;
pub const WRITE_FLAT: u64 = 2_000;
pub const WRITE_PER_BYTE: u64 = 30;
pub const HAS_OR_DELETE: u64 = 1_000;
pub const ITER_NEXT_FLAT: u64 = 30;

/// Cosmos SDK gas spent on storage, and what it was spent on.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct StorageGas {
    pub gas: u64,
    pub reads: u64,
    pub writes: u64,
    pub deletes: u64,
    pub iter_steps: u64,
    pub bytes_written: u64,
}

struct Iter {
    /// The last key returned (exclusive bound of the next step).
    cursor: Option<Vec<u8>>,
    start: Option<Vec<u8>>,
    end: Option<Vec<u8>>,
    order: Order,
}

#[derive(Default)]
pub struct GasStorage {
    pub data: BTreeMap<Vec<u8>, Vec<u8>>,
    iterators: HashMap<u32, Iter>,
    meter: Cell<StorageGas>,
}

impl GasStorage {
    /// Returns the gas counted since the last call and starts again from zero.
    pub fn take_gas(&mut self) -> StorageGas {
        self.iterators.clear();
        self.meter.take()
    }

    fn charge(&self, f: impl FnOnce(&mut StorageGas)) {
        let mut m = self.meter.get();
        f(&mut m);
        self.meter.set(m);
    }
}

fn key_len(key: &[u8]) -> u64 {
    KEY_PREFIX_LEN + key.len() as u64
}

impl Storage for GasStorage {
    fn get(&self, key: &[u8]) -> BackendResult<Option<Vec<u8>>> {
        let value = self.data.get(key).cloned();
        let value_len = value.as_ref().map_or(0, |v| v.len() as u64);
        self.charge(|m| {
            m.reads += 1;
            m.gas += READ_FLAT + READ_PER_BYTE * (key_len(key) + value_len);
        });
        (Ok(value), GasInfo::free())
    }

    fn scan(
        &mut self,
        start: Option<&[u8]>,
        end: Option<&[u8]>,
        order: Order,
    ) -> BackendResult<u32> {
        let id = self.iterators.len() as u32 + 1;
        let iter = Iter {
            cursor: None,
            start: start.map(<[u8]>::to_vec),
            end: end.map(<[u8]>::to_vec),
            order,
        };
        self.iterators.insert(id, iter);
        (Ok(id), GasInfo::free())
    }

    fn next(&mut self, iterator_id: u32) -> BackendResult<Option<Record>> {
        let Some(iter) = self.iterators.get_mut(&iterator_id) else {
            return (
                Err(BackendError::iterator_does_not_exist(iterator_id)),
                GasInfo::free(),
            );
        };
        // Each step re-seeks from the last key, so the map may change meanwhile.
        let lower = match (iter.order, &iter.cursor, &iter.start) {
            (Order::Ascending, Some(c), _) => Bound::Excluded(c.clone()),
            (_, _, Some(s)) => Bound::Included(s.clone()),
            (_, _, None) => Bound::Unbounded,
        };
        let upper = match (iter.order, &iter.cursor, &iter.end) {
            (Order::Descending, Some(c), _) => Bound::Excluded(c.clone()),
            (_, _, Some(e)) => Bound::Excluded(e.clone()),
            (_, _, None) => Bound::Unbounded,
        };
        let empty = matches!((&lower, &upper), (Bound::Included(s), Bound::Excluded(e)) | (Bound::Excluded(s), Bound::Excluded(e)) if s >= e);
        let item = if empty {
            None
        } else {
            let mut range = self.data.range((lower, upper));
            match iter.order {
                Order::Ascending => range.next(),
                Order::Descending => range.next_back(),
            }
            .map(|(k, v)| (k.clone(), v.clone()))
        };
        if let Some((k, _)) = &item {
            iter.cursor = Some(k.clone());
        }
        let bytes = item
            .as_ref()
            .map_or(0, |(k, v)| key_len(k) + v.len() as u64);
        self.charge(|m| {
            m.iter_steps += 1;
            m.gas += ITER_NEXT_FLAT + READ_PER_BYTE * bytes;
        });
        (Ok(item), GasInfo::free())
    }

    fn set(&mut self, key: &[u8], value: &[u8]) -> BackendResult<()> {
        self.charge(|m| {
            m.writes += 1;
            m.bytes_written += key_len(key) + value.len() as u64;
            m.gas += WRITE_FLAT + WRITE_PER_BYTE * (key_len(key) + value.len() as u64);
        });
        self.data.insert(key.to_vec(), value.to_vec());
        (Ok(()), GasInfo::free())
    }

    fn remove(&mut self, key: &[u8]) -> BackendResult<()> {
        self.charge(|m| {
            m.deletes += 1;
            m.gas += HAS_OR_DELETE;
        });
        self.data.remove(key);
        (Ok(()), GasInfo::free())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_follow_the_sdk() {
        let mut s = GasStorage::default();
        s.set(b"k", b"vv").0.unwrap();
        assert_eq!(s.take_gas().gas, 2_000 + 30 * (33 + 1 + 2));
        s.get(b"k").0.unwrap();
        assert_eq!(s.take_gas().gas, 1_000 + 3 * (33 + 1 + 2));
        s.get(b"x").0.unwrap();
        assert_eq!(s.take_gas().gas, 1_000 + 3 * 34);
        s.remove(b"k").0.unwrap();
        assert_eq!(s.take_gas().gas, 1_000);
    }

    #[test]
    fn iterates_both_ways_within_bounds() {
        let mut s = GasStorage::default();
        for k in [b"a", b"b", b"c", b"d"] {
            s.set(k, b"").0.unwrap();
        }
        s.take_gas();
        let keys = |s: &mut GasStorage, order| {
            let id = s.scan(Some(b"b"), Some(b"d"), order).0.unwrap();
            std::iter::from_fn(|| s.next(id).0.unwrap().map(|(k, _)| k)).collect::<Vec<_>>()
        };
        assert_eq!(
            keys(&mut s, Order::Ascending),
            vec![b"b".to_vec(), b"c".to_vec()]
        );
        assert_eq!(
            keys(&mut s, Order::Descending),
            vec![b"c".to_vec(), b"b".to_vec()]
        );
        let gas = s.take_gas();
        assert_eq!(gas.iter_steps, 6);
        assert_eq!(gas.gas, 6 * 30 + 4 * 3 * 34);
    }
}
