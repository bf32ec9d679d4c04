//! Whether a worker's CPU is wanted by other threads: the driver spin is
//! off while it is.
//!
//! The driver spin (`park::Parker::park`) only pays with a CPU nobody else
//! wants. A spinning worker holds the driver, so while the OS runs another
//! thread in its place, I/O that becomes ready waits for the worker's next
//! turn; and the CPU time it spins is charged to it, so the kernel's fair
//! scheduler makes it wait longer when it is woken for real work. Both show
//! as a tail in a server's latency when its clients run on the same cores.
//!
//! The signal is the kernel's count of the worker thread's involuntary
//! context switches (`getrusage(RUSAGE_THREAD)`): the OS took the CPU away
//! while the thread could still run. It is sampled at most every
//! [`SAMPLE_PERIOD`], and the worker does not spin until the next sample
//! when the last period had more than one switch per [`SWITCH_INTERVAL`].
//! Measured on the 2-core VM: the two workers of `examples/hello_http`
//! under `wrk -t2 -c8` on the same cores were switched out 11,000 times a
//! second each; the reading worker of `tcp_bulk`, where the spin pays, 70
//! times. A spin also ends at once when its yield ran another thread
//! ([`CpuContention::is_handoff`]): the worker then sleeps in the driver
//! instead of staying in line for the CPU while holding it.
//!
//! Where the count is not available (outside Linux) the worker never spins.

use std::time::{Duration, Instant};

/// A yield that takes longer than this ran another thread. An uncontended
/// `sched_yield` takes 0.2 us on the measured VM (p99.9 1.4 us); one that
/// hands the CPU over takes at least the other thread's run, several us.
const HANDOFF: Duration = Duration::from_micros(5);

/// The shortest time between two samples of the switch count: long
/// enough that a few stray switches (a kernel thread, a timer) do not
/// stop the spin, short enough to notice a load generator within a few
/// of its requests.
const SAMPLE_PERIOD: Duration = Duration::from_millis(4);

/// More than one involuntary switch per this interval is contention.
const SWITCH_INTERVAL: Duration = Duration::from_millis(1);

/// One worker's view of its CPU (each worker's parker owns one).
#[derive(Debug)]
pub(super) struct CpuContention {
    /// [`HANDOFF`], except in tests that need a spin to run its course.
    handoff: Duration,
    /// When the last sample was taken, and the switch count then. (A core
    /// that `block_in_place` moves to another thread compares two threads'
    /// counts once: one period's verdict may be wrong, no more.)
    sample: Option<(Instant, u64)>,
    /// What the last full sample period showed.
    contended: bool,
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
            sample: None,
            contended: false,
        }
    }

    /// Whether a yield that took `took` ran another thread.
    pub(super) fn is_handoff(&self, took: Duration) -> bool {
        took > self.handoff
    }

    /// Whether the worker may spin at `now`. `switches` reads the thread's
    /// involuntary switch count (`None`: unknown); it is called only when a
    /// sample is due.
    pub(super) fn allows_spin(
        &mut self,
        now: Instant,
        switches: impl FnOnce() -> Option<u64>,
    ) -> bool {
        let due = self
            .sample
            .is_none_or(|(at, _)| now.saturating_duration_since(at) >= SAMPLE_PERIOD);
        if due {
            let Some(count) = switches() else {
                return false;
            };
            if let Some((at, before)) = self.sample {
                let elapsed = now.saturating_duration_since(at);
                let allowed = elapsed.as_nanos() / SWITCH_INTERVAL.as_nanos();
                self.contended = u128::from(count.saturating_sub(before)) > allowed;
            }
            self.sample = Some((now, count));
        }
        !self.contended
    }
}

/// The calling thread's involuntary context switches so far. (libc comes
/// with `rt-multi-thread`; with `rt` alone this module is compiled but
/// never used.)
#[cfg(all(
    feature = "rt-multi-thread",
    any(target_os = "linux", target_os = "android")
))]
pub(super) fn involuntary_switches() -> Option<u64> {
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::uninit();
    // SAFETY: `usage` is valid for writes of one `rusage`, which is what
    // `getrusage` writes on success.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_THREAD, usage.as_mut_ptr()) };
    if rc != 0 {
        return None;
    }
    // SAFETY: the call succeeded, so it initialised `usage`.
    let usage = unsafe { usage.assume_init() };
    u64::try_from(usage.ru_nivcsw).ok()
}

/// The calling thread's involuntary context switches so far: unknown here.
#[cfg(not(all(
    feature = "rt-multi-thread",
    any(target_os = "linux", target_os = "android")
)))]
pub(super) fn involuntary_switches() -> Option<u64> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: Duration = Duration::from_millis(1);

    #[test]
    fn spins_while_the_thread_is_never_switched_out() {
        let mut c = CpuContention::default();
        let t0 = Instant::now();
        for i in 0..1000 {
            assert!(c.allows_spin(t0 + i * MS, || Some(7)), "at {i} ms");
        }
    }

    #[test]
    fn a_few_switches_per_period_do_not_stop_the_spin() {
        let mut c = CpuContention::default();
        let t0 = Instant::now();
        // One switch per millisecond exactly, sampled every period.
        for i in 0..100_u32 {
            let at = t0 + i * SAMPLE_PERIOD;
            let count = u64::from(i) * 4;
            assert!(c.allows_spin(at, || Some(count)), "sample {i}");
        }
    }

    #[test]
    fn frequent_switches_stop_the_spin_until_a_quiet_period() {
        let mut c = CpuContention::default();
        let t0 = Instant::now();
        assert!(c.allows_spin(t0, || Some(0)));
        // Five switches in 4 ms: contended at the next sample.
        assert!(!c.allows_spin(t0 + 4 * MS, || Some(5)));
        // Between samples the verdict holds, and the count is not read.
        assert!(!c.allows_spin(t0 + 7 * MS, || panic!("read between samples")));
        // A quiet period (one switch in 4 ms) lets it spin again.
        assert!(c.allows_spin(t0 + 8 * MS, || Some(6)));
    }

    #[test]
    fn the_rate_is_over_the_whole_time_since_the_last_sample() {
        let mut c = CpuContention::default();
        let t0 = Instant::now();
        assert!(c.allows_spin(t0, || Some(0)));
        // Parks were rare: 9 switches over 10 ms is below one per ms.
        assert!(c.allows_spin(t0 + 10 * MS, || Some(9)));
        // 12 over the next 10 ms is above.
        assert!(!c.allows_spin(t0 + 20 * MS, || Some(21)));
    }

    #[test]
    fn never_spins_when_the_count_is_unknown() {
        let mut c = CpuContention::default();
        assert!(!c.allows_spin(Instant::now(), || None));
    }

    #[cfg(all(
        feature = "rt-multi-thread",
        any(target_os = "linux", target_os = "android")
    ))]
    #[test]
    fn the_switch_count_is_read_and_never_goes_back() {
        let first = involuntary_switches().expect("getrusage");
        std::thread::yield_now();
        assert!(involuntary_switches().expect("getrusage") >= first);
    }
}
