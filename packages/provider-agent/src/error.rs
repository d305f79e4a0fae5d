//! The agent's errors, and the classification of a failed transaction from
//! the chain's own result (code, codespace and log), which decides whether the
//! signing queue may try again.

use thiserror::Error;

/// What a failure means for the next attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// The account sequence the transaction was signed with is stale: re-read
    /// the account and sign again.
    Sequence,
    /// Transient (node down, mempool full, timed out, out of gas on an
    /// estimate): the same transaction may be tried again after a pause.
    Retryable,
    /// The fee payer cannot pay: stop sending until the balance is topped up.
    InsufficientFunds,
    /// The chain refused the message itself (a closed lease, nothing to settle,
    /// a missing grant, unauthorized): never sent again as it is.
    Final,
}

impl ErrorClass {
    /// The label in metrics and logs.
    pub fn as_str(&self) -> &'static str {
        match self {
            ErrorClass::Sequence => "sequence",
            ErrorClass::Retryable => "retryable",
            ErrorClass::InsufficientFunds => "insufficient_funds",
            ErrorClass::Final => "final",
        }
    }

    pub const ALL: [ErrorClass; 4] = [
        ErrorClass::Sequence,
        ErrorClass::Retryable,
        ErrorClass::InsufficientFunds,
        ErrorClass::Final,
    ];
}

/// A transaction (or its simulation) the chain answered with a non-zero code.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{codespace} code {code}: {log}")]
pub struct ChainFailure {
    pub code: u32,
    pub codespace: String,
    pub log: String,
}

impl ChainFailure {
    pub fn class(&self) -> ErrorClass {
        classify(&self.codespace, self.code, &self.log)
    }
}

/// Classifies a chain error from its codespace, code and log, as the Cosmos
/// SDK (x/auth, x/bank, x/feegrant, x/authz, mempool) and wasmd report them.
///
/// SDK codes (codespace `sdk`): 5 insufficient funds, 11 out of gas, 13
/// insufficient fee, 19 tx already in mempool, 20 mempool full, 32 incorrect
/// account sequence, 30 tx timeout height. Contract errors come as codespace
/// `wasm` (code 5, "execute wasm contract failed") with the contract's text.
pub fn classify(codespace: &str, code: u32, log: &str) -> ErrorClass {
    let text = log.to_ascii_lowercase();
    if text.contains("account sequence mismatch") || text.contains("incorrect account sequence") {
        return ErrorClass::Sequence;
    }
    // Fee grant exhausted or the payer's balance below the fee.
    if text.contains("fee allowance")
        && (text.contains("exceeds")
            || text.contains("insufficient")
            || text.contains("spend limit"))
    {
        return ErrorClass::InsufficientFunds;
    }
    if codespace == "sdk" {
        match code {
            32 => return ErrorClass::Sequence,
            5 if !text.contains("execute wasm contract failed") => {
                return ErrorClass::InsufficientFunds
            }
            13 => return ErrorClass::InsufficientFunds,
            // Out of gas (the estimate was short), already in the mempool,
            // mempool full, timed out before inclusion.
            11 | 19 | 20 | 30 => return ErrorClass::Retryable,
            _ => {}
        }
    }
    if text.contains("insufficient funds") && !text.contains("execute wasm contract failed") {
        return ErrorClass::InsufficientFunds;
    }
    if text.contains("out of gas") {
        return ErrorClass::Retryable;
    }
    // The node itself failed (a panic it recovered from, e.g. a simulation
    // answered before the first block after a restart): not the chain's verdict.
    if !text.contains("execute wasm contract failed")
        && (text.contains("recovered:")
            || text.contains("panic")
            || text.contains("connection refused"))
    {
        return ErrorClass::Retryable;
    }
    ErrorClass::Final
}

/// Every error of the agent.
#[derive(Debug, Error)]
pub enum AgentError {
    #[error("config: {0}")]
    Config(String),

    #[error("key: {0}")]
    Key(String),

    #[error("rpc: {0}")]
    Rpc(String),

    #[error("query {path}: {message}")]
    Query { path: String, message: String },

    #[error("decode: {0}")]
    Decode(String),

    #[error("transaction failed ({class}): {failure}", class = failure.class().as_str())]
    Chain { failure: ChainFailure },

    #[error("transaction {hash} not included before height {timeout_height}")]
    NotIncluded { hash: String, timeout_height: u64 },

    #[error("sending paused: the fee payer {payer} holds {balance}{denom}, below the floor {floor}{denom}")]
    GasLow {
        payer: String,
        balance: u128,
        floor: u128,
        denom: String,
    },

    #[error("gave up after {attempts} attempts: {last}")]
    GaveUp { attempts: u32, last: String },

    #[error("another agent is running with this state ({state}, pid {pid}): stop it first, or give this agent its own [agent] state file", state = state.display(), pid = if pid.is_empty() { "unknown" } else { pid.as_str() })]
    StateLocked {
        state: std::path::PathBuf,
        pid: String,
    },

    #[error("the config names chain {configured} but the node at {rpc} is on chain {node}: set [chain] chain_id = \"{node}\" if that node is the right one, or point [chain] rpc at a node of {configured}")]
    WrongChain {
        configured: String,
        node: String,
        rpc: String,
    },

    #[error("shutting down")]
    ShuttingDown,

    #[error("store: {0}")]
    Store(#[from] rusqlite::Error),

    #[error("io: {0}")]
    Io(#[from] std::io::Error),

    #[error("json: {0}")]
    Json(#[from] serde_json::Error),

    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),

    #[error("receipt rejected: {0}")]
    Receipt(#[from] crate::receipts::ReceiptError),

    #[error("http: {0}")]
    Http(String),
}

impl AgentError {
    /// How the signing queue treats this error.
    pub fn class(&self) -> ErrorClass {
        match self {
            AgentError::Chain { failure } => failure.class(),
            AgentError::Rpc(_) | AgentError::NotIncluded { .. } => ErrorClass::Retryable,
            AgentError::GasLow { .. } => ErrorClass::InsufficientFunds,
            _ => ErrorClass::Final,
        }
    }
}

pub type Result<T, E = AgentError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    // Logs as wasmd v0.70 (cosmos-sdk 0.54) returns them.
    #[test]
    fn sequence_mismatch_is_recognised_by_code_and_text() {
        let log = "account sequence mismatch, expected 7, got 6: incorrect account sequence";
        assert_eq!(classify("sdk", 32, log), ErrorClass::Sequence);
        // The same text inside a simulation error (abci query, code 32 wrapped).
        assert_eq!(
            classify("", 0, &format!("rpc error: {log}")),
            ErrorClass::Sequence
        );
    }

    #[test]
    fn contract_errors_are_final() {
        let closed = "failed to execute message; message index: 0: lease 4 is Closed; report_usage is not possible in that state: execute wasm contract failed";
        assert_eq!(classify("wasm", 5, closed), ErrorClass::Final);
        let nothing = "failed to execute message; message index: 0: nothing to settle on lease 2: execute wasm contract failed";
        assert_eq!(classify("wasm", 5, nothing), ErrorClass::Final);
        // A contract's own "insufficient" wording is still the contract refusing.
        let exceeds =
            "the charge of 500 exceeds the 10 available on lease 3: execute wasm contract failed";
        assert_eq!(classify("wasm", 5, exceeds), ErrorClass::Final);
    }

    #[test]
    fn funds_errors_stop_sending() {
        assert_eq!(
            classify(
                "sdk",
                5,
                "spendable balance 10ustake is smaller than 5000ustake: insufficient funds"
            ),
            ErrorClass::InsufficientFunds
        );
        assert_eq!(
            classify(
                "sdk",
                13,
                "insufficient fees; got: 1ustake required: 5000ustake: insufficient fee"
            ),
            ErrorClass::InsufficientFunds
        );
        assert_eq!(
            classify("feegrant", 2, "fee allowance exceeds spend limit"),
            ErrorClass::InsufficientFunds
        );
    }

    #[test]
    fn transient_errors_are_retryable() {
        assert_eq!(
            classify("sdk", 20, "mempool is full"),
            ErrorClass::Retryable
        );
        assert_eq!(
            classify("sdk", 19, "tx already exists in cache"),
            ErrorClass::Retryable
        );
        assert_eq!(
            classify(
                "sdk",
                11,
                "out of gas in location: wasm contract; gasWanted: 100, gasUsed: 120: out of gas"
            ),
            ErrorClass::Retryable
        );
        assert_eq!(
            AgentError::Rpc("connection refused".into()).class(),
            ErrorClass::Retryable
        );
        // A simulation right after a node restart (wasmd v0.70.3, seen in scripts/agent.sh e2e).
        let restarting = "rpc error: code = Unknown desc = recovered: Block (unix) time must never be empty or negative \nstack:\ngoroutine 105 [running]:";
        assert_eq!(classify("sdk", 6, restarting), ErrorClass::Retryable);
    }

    #[test]
    fn missing_grants_are_final() {
        assert_eq!(
            classify("sdk", 4, "failed to execute message; message index: 0: authorization not found: unauthorized"),
            ErrorClass::Final
        );
        assert_eq!(
            classify("feegrant", 2, "fee-grant not found: unauthorized"),
            ErrorClass::Final
        );
    }
}
