//! The little protobuf the indexer needs, by hand: reading a transaction's
//! result data (`TxMsgData` → `MsgExecuteContractResponse`, also inside an
//! authz `MsgExecResponse`) and writing a smart query's request. A dependency
//! on generated Cosmos types would be far larger than these few fields.

use crate::error::DecodeError;

/// A field's payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// Reads the fields of one message in order.
pub struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(buf: &'a [u8]) -> Self {
        Reader { buf }
    }

    fn varint(&mut self) -> Result<u64, DecodeError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let (&byte, rest) = self
                .buf
                .split_first()
                .ok_or(DecodeError::Protobuf("truncated varint"))?;
            self.buf = rest;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(DecodeError::Protobuf("varint longer than 10 bytes"))
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], DecodeError> {
        if len > self.buf.len() {
            return Err(DecodeError::Protobuf("field longer than its message"));
        }
        let (head, rest) = self.buf.split_at(len);
        self.buf = rest;
        Ok(head)
    }

    /// The next field number and payload, or `None` at the end.
    pub fn next_field(&mut self) -> Result<Option<(u64, Wire<'a>)>, DecodeError> {
        if self.buf.is_empty() {
            return Ok(None);
        }
        let key = self.varint()?;
        let wire = match key & 7 {
            0 => Wire::Varint(self.varint()?),
            1 => {
                self.take(8)?;
                Wire::Fixed
            }
            2 => {
                let len = usize::try_from(self.varint()?)
                    .map_err(|_| DecodeError::Protobuf("length does not fit"))?;
                Wire::Bytes(self.take(len)?)
            }
            5 => {
                self.take(4)?;
                Wire::Fixed
            }
            _ => return Err(DecodeError::Protobuf("unsupported wire type")),
        };
        Ok(Some((key >> 3, wire)))
    }

    /// Every length-delimited payload of field `number`.
    pub fn bytes_fields(buf: &'a [u8], number: u64) -> Result<Vec<&'a [u8]>, DecodeError> {
        let mut reader = Reader::new(buf);
        let mut out = vec![];
        while let Some((field, wire)) = reader.next_field()? {
            if let (true, Wire::Bytes(bytes)) = (field == number, wire) {
                out.push(bytes);
            }
        }
        Ok(out)
    }
}

const EXECUTE_RESPONSE: &str = "/cosmwasm.wasm.v1.MsgExecuteContractResponse";
const AUTHZ_EXEC_RESPONSE: &str = "/cosmos.authz.v1beta1.MsgExecResponse";

/// The contract data returned by each message of a transaction (indexed like
/// the events' `msg_index`): a `MsgExecuteContract` gives one payload, an
/// authz `MsgExec` one per wrapped message (payloads of other messages are
/// skipped).
pub fn execute_data(tx_data: &[u8]) -> Result<Vec<Vec<Vec<u8>>>, DecodeError> {
    // TxMsgData { repeated Any msg_responses = 2 }
    let mut per_msg = vec![];
    for any in Reader::bytes_fields(tx_data, 2)? {
        let type_url = Reader::bytes_fields(any, 1)?
            .into_iter()
            .next()
            .unwrap_or_default();
        let value = Reader::bytes_fields(any, 2)?
            .into_iter()
            .next()
            .unwrap_or_default();
        let mut payloads = vec![];
        if type_url == EXECUTE_RESPONSE.as_bytes() {
            payloads.extend(
                Reader::bytes_fields(value, 1)?
                    .into_iter()
                    .map(<[u8]>::to_vec),
            );
        } else if type_url == AUTHZ_EXEC_RESPONSE.as_bytes() {
            for result in Reader::bytes_fields(value, 1)? {
                payloads.extend(
                    Reader::bytes_fields(result, 1)?
                        .into_iter()
                        .map(<[u8]>::to_vec),
                );
            }
        }
        per_msg.push(payloads);
    }
    Ok(per_msg)
}

fn put_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// Appends field `number` as length-delimited bytes.
pub fn put_bytes(out: &mut Vec<u8>, number: u64, bytes: &[u8]) {
    put_varint(out, (number << 3) | 2);
    put_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn any(type_url: &str, value: &[u8]) -> Vec<u8> {
        let mut out = vec![];
        put_bytes(&mut out, 1, type_url.as_bytes());
        put_bytes(&mut out, 2, value);
        out
    }

    #[test]
    fn execute_data_reads_direct_and_authz_responses() {
        let mut direct = vec![];
        put_bytes(&mut direct, 1, b"{\"a\":1}");
        let mut exec = vec![];
        put_bytes(&mut exec, 1, &direct);
        put_bytes(&mut exec, 1, &direct);
        let mut tx = vec![];
        put_bytes(&mut tx, 2, &any(EXECUTE_RESPONSE, &direct));
        put_bytes(
            &mut tx,
            2,
            &any("/cosmos.bank.v1beta1.MsgSendResponse", b""),
        );
        put_bytes(&mut tx, 2, &any(AUTHZ_EXEC_RESPONSE, &exec));
        let data = execute_data(&tx).unwrap();
        assert_eq!(data.len(), 3);
        assert_eq!(data[0], vec![b"{\"a\":1}".to_vec()]);
        assert!(data[1].is_empty());
        assert_eq!(data[2].len(), 2);
    }

    #[test]
    fn a_truncated_message_is_an_error() {
        let mut tx = vec![];
        put_bytes(&mut tx, 2, b"abcdef");
        tx.truncate(4);
        assert!(execute_data(&tx).is_err());
    }
}
