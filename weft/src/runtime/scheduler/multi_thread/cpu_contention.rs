//! Whether a worker's CPU is wanted by other threads: the driver spin backs
//! off while it is.
//!
//! The driver spin (`park::Parker::park`) only pays with a CPU nobody else
//! wants. It yields between polls, and a yield that comes back late (more
//! than [`HANDOFF`]) means another thread ran on this CPU in between, while
//! the spinning worker held the driver: I/O that became ready meanwhile
//! waited for this thread's next turn. So a spin ends at the first late
//! yield (the worker sleeps in the driver instead), and when
//! [`HANDOFFS_BEFORE_BACKOFF`] of [`WINDOW`] spins ended so, the worker does
//! not spin for [`BACKOFF`].
//!
//! Measured (`wrk -t2 -c8` against `examples/hello_http` on the same 2
//! cores, alternating builds): a spin without this answered 110-123k
//! requests/s with a p99 of 0.18-2.7 ms, with it 122-131k and 0.17-0.38 ms
//! (no spin at all: 125-126k, 0.18-0.19 ms; Tokio 120-130k, 0.16-0.26 ms).
//! Under `tcp_bulk`, where the spin pays, 0.3% of spins hand off and the
//! spin stays on.

use std::time::{Duration, Instant};

/// A yield that takes longer than this ran another thread. An uncontended
/// `sched_yield` takes 0.2 us on the measured VM (p99.9 1.4 us); one that
/// hands the CPU over takes at least the other thread's run, several us.
const HANDOFF: Duration = Duration::from_micros(5);

/// The window of spins over which handoffs are counted.
const WINDOW: u32 = 32;

/// Handoffs within one window that stop the spin for a while: one in eight
/// spins. Under `tcp_bulk` 0.3% of spins hand off (a single one is no sign of
/// contention); with a load generator on the same cores, 15-25%.
const HANDOFFS_BEFORE_BACKOFF: u32 = WINDOW / 8;

/// How long a contended worker does not spin: long against a park (tens of
/// us under load), short against how long a load lasts.
const BACKOFF: Duration = Duration::from_millis(10);

/// One worker's view of its CPU (each worker's parker owns one).
#[derive(Debug)]
pub(super) struct CpuContention {
    /// [`HANDOFF`], except in tests that need a spin to run its course.
    handoff: Duration,
    spins: u32,
    handoffs: u32,
    quiet_until: Option<Instant>,
}

impl Default for CpuContention {
    fn default() -> Self {
        CpuContention::with_handoff(HANDOFF)
    }
}

impl CpuContention {
    /// Counts a yield longer than `handoff` as a handoff.
    pub(super) fn with_handoff(handoff: Duration) -> CpuContention {
        CpuContention {
            handoff,
            spins: 0,
            handoffs: 0,
            quiet_until: None,
        }
    }

    /// Whether a yield that took `took` ran another thread.
    pub(super) fn is_handoff(&self, took: Duration) -> bool {
        took > self.handoff
    }

    /// Whether the worker may spin now. Reads the clock only while backing
    /// off.
    pub(super) fn allows_spin(&mut self, now: impl FnOnce() -> Instant) -> bool {
        match self.quiet_until {
            Some(until) if now() < until => false,
            Some(_) => {
                self.quiet_until = None;
                true
            }
            None => true,
        }
    }

    /// Records how a spin ended: `handed_off` if a yield in it ran another
    /// thread.
    pub(super) fn record(&mut self, handed_off: bool, now: impl FnOnce() -> Instant) {
        self.spins += 1;
        self.handoffs += u32::from(handed_off);
        if self.handoffs >= HANDOFFS_BEFORE_BACKOFF {
            self.quiet_until = Some(now() + BACKOFF);
        } else if self.spins < WINDOW {
            return;
        }
        self.spins = 0;
        self.handoffs = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spin_and_record(c: &mut CpuContention, handed_off: bool, now: Instant) -> bool {
        let allowed = c.allows_spin(|| now);
        if allowed {
            c.record(handed_off, || now);
        }
        allowed
    }

    #[test]
    fn spins_while_the_cpu_is_free() {
        let mut c = CpuContention::default();
        let t0 = Instant::now();
        for _ in 0..1000 {
            assert!(spin_and_record(&mut c, false, t0));
        }
    }

    #[test]
    fn rare_handoffs_do_not_stop_spinning() {
        let mut c = CpuContention::default();
        let t0 = Instant::now();
        // One handoff fewer than the limit in every window, forever.
        for i in 0..10 * WINDOW {
            let handed_off = i % WINDOW < HANDOFFS_BEFORE_BACKOFF - 1;
            assert!(spin_and_record(&mut c, handed_off, t0), "spin {i}");
        }
    }

    #[test]
    fn frequent_handoffs_stop_spinning_for_the_backoff() {
        let mut c = CpuContention::default();
        let t0 = Instant::now();
        for _ in 0..WINDOW - HANDOFFS_BEFORE_BACKOFF {
            assert!(spin_and_record(&mut c, false, t0));
        }
        for _ in 0..HANDOFFS_BEFORE_BACKOFF {
            assert!(spin_and_record(&mut c, true, t0));
        }
        assert!(!c.allows_spin(|| t0));
        assert!(!c.allows_spin(|| t0 + BACKOFF - Duration::from_micros(1)));
        assert!(c.allows_spin(|| t0 + BACKOFF));
        // The count started over: one more handoff is not enough.
        c.record(true, || t0 + BACKOFF);
        assert!(c.allows_spin(|| t0 + BACKOFF));
    }

    #[test]
    fn handoffs_count_per_window() {
        let mut c = CpuContention::default();
        let t0 = Instant::now();
        // The limit less one at the end of a window and one at the start
        // of the next: two windows, no backoff.
        for i in 0..2 * WINDOW {
            let handed_off = (WINDOW - (HANDOFFS_BEFORE_BACKOFF - 1)..=WINDOW).contains(&i);
            assert!(spin_and_record(&mut c, handed_off, t0), "spin {i}");
        }
    }
}
