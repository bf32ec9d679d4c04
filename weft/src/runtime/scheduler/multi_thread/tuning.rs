//! Self-tuning of the global queue interval (multi-thread workers).
//!
//! A worker takes a task from the inject queue ahead of its own queue every
//! `global_queue_interval` ticks. A fixed count is unfair when tasks are slow:
//! 61 tasks of 50 µs each keep a remotely spawned task waiting 3 ms. Unless
//! the user set the interval (`Builder::global_queue_interval`), it follows
//! the measured poll time instead, so that the inject queue is checked about
//! every [`TARGET_INTERVAL_NS`] of work, as Tokio does.
//!
//! The poll time is an exponentially weighted moving average, updated once
//! per batch of polls (a batch ends when the worker polls its driver or
//! parks), so it costs one clock read per batch, not one per poll.

use std::time::Instant;

/// How much of the inject queue's waiting time the interval aims for.
const TARGET_INTERVAL_NS: f64 = 200_000.0;

/// Weight of one poll in the moving average.
const EWMA_ALPHA: f64 = 0.1;

/// Never check the inject queue first on every tick (2) nor wait more than
/// 127 polls (twice the event interval).
const MIN_INTERVAL: u32 = 2;
const MAX_INTERVAL: u32 = 127;

/// The interval the average starts from (before anything was measured).
const INITIAL_INTERVAL: u32 = 61;

pub(super) struct Tuning {
    /// `false` when the user fixed the interval.
    enabled: bool,
    batch_started: Instant,
    /// The worker's poll counter when the batch started.
    polls_at_start: u64,
    poll_time_ewma_ns: f64,
}

impl Tuning {
    pub(super) fn new(enabled: bool, now: Instant) -> Tuning {
        Tuning {
            enabled,
            batch_started: now,
            polls_at_start: 0,
            poll_time_ewma_ns: TARGET_INTERVAL_NS / f64::from(INITIAL_INTERVAL),
        }
    }

    /// The interval to start with: `configured` when tuning is off.
    pub(super) fn initial_interval(&self, configured: u32) -> u32 {
        if self.enabled {
            INITIAL_INTERVAL
        } else {
            configured
        }
    }

    pub(super) fn start_batch(&mut self, now: Instant, polls: u64) {
        self.batch_started = now;
        self.polls_at_start = polls;
    }

    /// Folds the batch that ends at `now` into the average; returns the new
    /// interval, or `None` when tuning is off or the batch polled nothing.
    pub(super) fn end_batch(&mut self, now: Instant, polls: u64) -> Option<u32> {
        let n = polls.wrapping_sub(self.polls_at_start);
        if !self.enabled || n == 0 {
            return None;
        }
        let n = n as f64;
        let mean = now.saturating_duration_since(self.batch_started).as_nanos() as f64 / n;
        // `n` polls at once weigh as much as `n` single updates would.
        let alpha = 1.0 - (1.0 - EWMA_ALPHA).powf(n);
        self.poll_time_ewma_ns = alpha * mean + (1.0 - alpha) * self.poll_time_ewma_ns;
        Some(interval_for(self.poll_time_ewma_ns))
    }
}

fn interval_for(poll_time_ns: f64) -> u32 {
    // Float-to-int casts saturate (and NaN gives 0), so any average is safe.
    ((TARGET_INTERVAL_NS / poll_time_ns) as u32).clamp(MIN_INTERVAL, MAX_INTERVAL)
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn slow_polls_shorten_the_interval_and_fast_ones_lengthen_it() {
        let t0 = Instant::now();
        let mut tuning = Tuning::new(true, t0);
        assert_eq!(tuning.initial_interval(31), INITIAL_INTERVAL);
        // 100 polls of 50 µs each.
        let t1 = t0 + Duration::from_micros(5_000);
        assert_eq!(tuning.end_batch(t1, 100), Some(4));
        tuning.start_batch(t1, 100);
        // 10,000 polls of 100 ns each.
        let t2 = t1 + Duration::from_micros(1_000);
        assert_eq!(tuning.end_batch(t2, 10_100), Some(MAX_INTERVAL));
    }

    #[test]
    fn a_configured_interval_is_never_tuned() {
        let t0 = Instant::now();
        let mut tuning = Tuning::new(false, t0);
        assert_eq!(tuning.initial_interval(31), 31);
        assert_eq!(tuning.end_batch(t0 + Duration::from_millis(5), 10), None);
    }

    #[test]
    fn empty_batches_and_counter_wrap_are_harmless() {
        let t0 = Instant::now();
        let mut tuning = Tuning::new(true, t0);
        assert_eq!(tuning.end_batch(t0, 0), None);
        tuning.start_batch(t0, u64::MAX - 1);
        // The counter wrapped: 4 polls of 10 µs, weighed against the initial 3.3 µs.
        assert_eq!(
            tuning.end_batch(t0 + Duration::from_micros(40), 2),
            Some(35)
        );
        assert_eq!(interval_for(0.0), MAX_INTERVAL);
        assert_eq!(interval_for(f64::NAN), MIN_INTERVAL);
    }
}
