//! Helpers for the registry contract (one method per action).
