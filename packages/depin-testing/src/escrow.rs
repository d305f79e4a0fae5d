//! Helpers for the escrow contract (one method per action).
