//! The DePIN suite's indexer: follows the chain block by block into
//! PostgreSQL (the suite's events as typed tables, each block written exactly
//! once) and serves their history over HTTP.

/// The read-only HTTP API (JSON and CSV, paginated).
pub mod api;
/// PostgreSQL: migrations and writing blocks with the height reached.
pub mod db;
/// Blocks and block results to typed rows (pure).
pub mod decode;
/// The deployment file (the suite's addresses).
pub mod deployment;
/// The indexer's errors.
pub mod error;
/// The follower: fetch ahead, decode, write.
pub mod follow;
/// The minimal protobuf the indexer reads and writes.
pub mod proto;
/// Indexed totals against the contracts' smart queries.
pub mod reconcile;
/// The typed rows, one struct per table.
pub mod rows;
/// CometBFT JSON-RPC.
pub mod rpc;
