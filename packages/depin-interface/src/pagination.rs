//! Pagination limits shared by every paginated query.

/// Items returned when a query gives no `limit`.
pub const DEFAULT_LIMIT: u32 = 10;
/// The most items one page returns, whatever `limit` asks.
pub const MAX_LIMIT: u32 = 100;

/// The page size to serve for a requested `limit`.
pub fn page_limit(limit: Option<u32>) -> usize {
    limit.unwrap_or(DEFAULT_LIMIT).min(MAX_LIMIT) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limit_defaults_and_caps() {
        assert_eq!(page_limit(None), 10);
        assert_eq!(page_limit(Some(3)), 3);
        assert_eq!(page_limit(Some(0)), 0);
        assert_eq!(page_limit(Some(1_000)), 100);
    }
}
