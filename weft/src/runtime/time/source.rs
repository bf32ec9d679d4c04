//! Conversion between instants and the driver's time line: nanoseconds since
//! the driver started, in a `u64`.
//!
//! The wheel files a deadline under the millisecond tick it rounds up to and
//! fires it once the clock has passed it, so a sleep never fires early.
//! Everything saturates (at about 584 years), so `Duration::MAX` and instants
//! near the end of time are merely "never", not an overflow.

use std::time::{Duration, Instant as StdInstant};

/// The driver's time origin.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimeSource {
    start: StdInstant,
}

impl TimeSource {
    pub(crate) fn new(start: StdInstant) -> TimeSource {
        TimeSource { start }
    }

    /// `instant` on the driver's time line (0 for anything before the start).
    pub(crate) fn instant_to_nanos(&self, instant: StdInstant) -> u64 {
        let since = instant.saturating_duration_since(self.start);
        // Not `as_nanos()`: its u128 arithmetic is a measurable part of
        // registering a timer.
        since
            .as_secs()
            .checked_mul(1_000_000_000)
            .and_then(|nanos| nanos.checked_add(u64::from(since.subsec_nanos())))
            .unwrap_or(u64::MAX)
    }

    /// The instant of `nanos`; `None` if it is not representable.
    pub(crate) fn nanos_to_instant(&self, nanos: u64) -> Option<StdInstant> {
        self.start.checked_add(Duration::from_nanos(nanos))
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let start = StdInstant::now();
        let source = TimeSource::new(start);
        let at = start + Duration::from_nanos(1_234_567);
        assert_eq!(source.instant_to_nanos(at), 1_234_567);
        assert_eq!(source.nanos_to_instant(1_234_567), Some(at));
        // Before the start: zero.
        assert_eq!(source.instant_to_nanos(start - Duration::from_secs(1)), 0);
    }

    #[test]
    fn far_future_saturates() {
        let start = StdInstant::now();
        let source = TimeSource::new(start);
        let far = start + Duration::from_secs(u64::MAX / 4);
        assert_eq!(source.instant_to_nanos(far), u64::MAX);
    }
}
