//! A WARN line at most once per period for a repeated event (a client posting
//! bad receipts in a loop must not fill the log); every event is still counted
//! in the metrics by the caller. And a rate limit: at most so many requests
//! per second (an endpoint that signs must not be a free signing oracle).

use std::sync::Mutex;

/// At most one warning per `period` seconds; the ones held back are counted
/// and named in the next warning.
#[derive(Debug)]
pub struct Throttle {
    period: u64,
    state: Mutex<(Option<u64>, u64)>,
}

impl Throttle {
    pub fn new(period: u64) -> Throttle {
        Throttle {
            period,
            state: Mutex::new((None, 0)),
        }
    }

    /// At `now` (seconds): Some(events held back since the last warning)
    /// when a warning may be written now, None when it is held back.
    pub fn allow(&self, now: u64) -> Option<u64> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (last, held) = &mut *state;
        match *last {
            Some(at) if now.saturating_sub(at) < self.period => {
                *held = held.saturating_add(1);
                None
            }
            _ => {
                *last = Some(now);
                Some(std::mem::take(held))
            }
        }
    }
}

/// At most `per_second` events in each second; the others are refused.
#[derive(Debug)]
pub struct RateLimit {
    per_second: u32,
    window: Mutex<(u64, u32)>,
}

impl RateLimit {
    pub fn new(per_second: u32) -> RateLimit {
        RateLimit {
            per_second,
            window: Mutex::new((0, 0)),
        }
    }

    /// True when one more event may happen at `now` (seconds).
    pub fn allow(&self, now: u64) -> bool {
        let mut window = self
            .window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (second, count) = &mut *window;
        if *second != now {
            *second = now;
            *count = 0;
        }
        if *count >= self.per_second {
            return false;
        }
        *count += 1;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_warning_per_period_naming_those_held_back() {
        let t = Throttle::new(10);
        assert_eq!(t.allow(100), Some(0));
        assert_eq!(t.allow(101), None);
        assert_eq!(t.allow(109), None);
        assert_eq!(t.allow(110), Some(2));
        assert_eq!(t.allow(111), None);
    }

    #[test]
    fn at_most_so_many_events_per_second() {
        let limit = RateLimit::new(2);
        assert!(limit.allow(5));
        assert!(limit.allow(5));
        assert!(!limit.allow(5));
        assert!(limit.allow(6));
    }
}
