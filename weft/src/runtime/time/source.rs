//! Conversion between instants and wheel ticks (milliseconds since the driver
//! started).
//!
//! Deadlines round up and the present rounds down, so an entry is due only
//! once its deadline really has passed: a sleep never fires early. Everything
//! saturates at [`MAX_TICK`], so `Duration::MAX` and instants near the end of
//! time are merely "never", not an overflow.

use super::wheel::MAX_TICK;
use std::time::{Duration, Instant as StdInstant};

const NANOS_PER_MILLI: u32 = 1_000_000;

/// The driver's tick origin.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TimeSource {
    start: StdInstant,
}

impl TimeSource {
    pub(crate) fn new(start: StdInstant) -> TimeSource {
        TimeSource { start }
    }

    /// The tick at which a timer for `deadline` becomes due (rounded up).
    pub(crate) fn deadline_to_tick(&self, deadline: StdInstant) -> u64 {
        let since = deadline.saturating_duration_since(self.start);
        let sub_ms_up = u64::from(since.subsec_nanos().div_ceil(NANOS_PER_MILLI));
        millis(since).saturating_add(sub_ms_up).min(MAX_TICK)
    }

    /// The last tick that has fully passed at `now` (rounded down).
    pub(crate) fn now_to_tick(&self, now: StdInstant) -> u64 {
        let since = now.saturating_duration_since(self.start);
        millis(since)
            .saturating_add(u64::from(since.subsec_millis()))
            .min(MAX_TICK)
    }

    /// The instant at which `tick` begins; `None` if it is not representable.
    pub(crate) fn tick_to_instant(&self, tick: u64) -> Option<StdInstant> {
        self.start.checked_add(Duration::from_millis(tick))
    }
}

/// Whole seconds of `d` in milliseconds, saturating.
fn millis(d: Duration) -> u64 {
    d.as_secs().saturating_mul(1000)
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn deadlines_round_up_and_now_rounds_down() {
        let start = StdInstant::now();
        let source = TimeSource::new(start);
        let at = |nanos: u64| start + Duration::from_nanos(nanos);
        assert_eq!(source.deadline_to_tick(at(0)), 0);
        assert_eq!(source.deadline_to_tick(at(1)), 1);
        assert_eq!(source.deadline_to_tick(at(1_000_000)), 1);
        assert_eq!(source.deadline_to_tick(at(1_000_001)), 2);
        assert_eq!(source.deadline_to_tick(at(2_500_000_000)), 2500);
        assert_eq!(source.now_to_tick(at(999_999)), 0);
        assert_eq!(source.now_to_tick(at(1_000_000)), 1);
        assert_eq!(source.now_to_tick(at(2_500_999_999)), 2500);
        // Before the start: tick 0.
        assert_eq!(source.deadline_to_tick(start - Duration::from_secs(1)), 0);
        assert_eq!(source.tick_to_instant(7), Some(at(7_000_000)));
    }

    #[test]
    fn far_future_saturates() {
        let start = StdInstant::now();
        let source = TimeSource::new(start);
        let far = start + Duration::from_secs(u64::MAX / 4);
        assert_eq!(source.deadline_to_tick(far), MAX_TICK);
        assert_eq!(source.now_to_tick(far), MAX_TICK);
    }
}
