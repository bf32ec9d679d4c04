//! The timer driver: a hierarchical timing wheel driven from the park path.
//!
//! ```text
//!  Sleep (pinned, owns a TimerEntry) ──register/cancel──▶ Handle: shards of Wheel
//!                                                             ▲
//!  scheduler ──park──▶ Driver: next deadline ─▶ IoStack::park_timeout ─▶ fire due
//! ```
//!
//! - `wheel.rs`, `level.rs`: the wheel (6 levels x 64 slots, 1 ms ticks).
//! - `entry.rs`: the intrusive entry inside each `Sleep` and its state word.
//! - `handle.rs`: registration from any thread, and when to wake the driver.
//! - `source.rs`: instants to nanoseconds since the driver started.
//! - `clock.rs`: the clock, pausable with `test-util`.
//!
//! # Parking
//!
//! 1. The driver publishes that it is about to sleep and takes the earliest
//!    time any shard needs processing at (`Handle::begin_park`).
//! 2. It sleeps in the layer below until then, with nanosecond precision
//!    (a timerfd when the layer is epoll: `io::precise_wake`): the start of
//!    the next slot to cascade, or, for the next millisecond slot, its first
//!    exact deadline (plus 50 us to take the timers due right after along)
//!    when its timers were filed in deadline order, as sleeps of one
//!    duration are, else the latest exact deadline in it (every timer in the
//!    slot is due then). Nothing fires early, and a 1 ms sleep takes about
//!    1 ms, where Tokio's takes about 2 (it rounds to whole milliseconds
//!    twice); ten thousand tasks that each sleep 1 ms finish one by one, not
//!    in a burst at the end of each millisecond.
//! 3. With a paused clock that may auto-advance, it does not sleep: it polls
//!    the layer below with a zero timeout and, if nothing unparked it
//!    meanwhile, moves the clock to that instant.
//! 4. It reads the clock once and fires every entry due by then.

mod clock;
mod entry;
mod handle;
mod level;
mod source;
mod wheel;

#[cfg(feature = "test-util")]
pub(crate) use clock::any_clock_paused;
pub(crate) use clock::Clock;
pub(crate) use entry::TimerEntry;
pub(crate) use handle::Handle;
pub(crate) use source::TimeSource;

use crate::runtime::driver::{self, IoStack};
use std::time::Duration;

/// Panic message of a timer created on a runtime without `enable_time` (Tokio's).
pub(crate) const TIMERS_DISABLED_ERROR: &str = "A Tokio 1.x context was found, but timers are disabled. Call `enable_time` on the runtime builder to enable timers.";

/// The sleeping side of the timer: owns the layer below. Only the thread
/// holding it parks in it.
#[derive(Debug)]
pub(crate) struct Driver {
    park: IoStack,
}

impl Driver {
    /// A driver with `shards` wheel shards: one per thread that registers
    /// timers concurrently (the workers), so registrations rarely contend.
    pub(crate) fn with_shards(park: IoStack, clock: &Clock, shards: usize) -> (Driver, Handle) {
        let source = TimeSource::new(clock.now());
        (Driver { park }, Handle::new(source, shards))
    }

    pub(crate) fn park(&mut self, rt: &driver::Handle) {
        self.park_internal(rt, None);
    }

    pub(crate) fn park_timeout(&mut self, rt: &driver::Handle, duration: Duration) {
        self.park_internal(rt, Some(duration));
    }

    /// Fires every timer (their tasks panic with Tokio's message if they poll
    /// them again) and shuts the layer below down.
    pub(crate) fn shutdown(&mut self, rt: &driver::Handle) {
        let handle = time_handle(rt);
        if !handle.is_shutdown() {
            handle.shutdown();
        }
        self.park.shutdown();
    }

    fn park_internal(&mut self, rt: &driver::Handle, limit: Option<Duration>) {
        let handle = time_handle(rt);
        let clock = &rt.clock;
        if limit == Some(Duration::ZERO) {
            // A poll of the drivers (event interval, yield): no sleep, so
            // there is nothing to publish to registrars.
            self.park.park_timeout(Duration::ZERO);
        } else {
            // Step 1.
            let next = handle.begin_park();
            let now = clock.now();
            let source = handle.time_source();
            let until_next = next.map(|nanos| match source.nanos_to_instant(nanos) {
                Some(at) => at.saturating_duration_since(now),
                None => Duration::MAX,
            });
            let sleep = match (limit, until_next) {
                (Some(limit), Some(until)) => Some(limit.min(until)),
                (limit, until) => limit.or(until),
            };
            match sleep {
                None => self.park.park(),
                Some(Duration::ZERO) => {
                    handle.end_park();
                    self.park.park_timeout(Duration::ZERO);
                }
                Some(duration) => {
                    let wake = if Some(duration) == until_next {
                        next.unwrap_or(u64::MAX)
                    } else {
                        now.checked_add(duration)
                            .map_or(u64::MAX, |at| source.instant_to_nanos(at))
                    };
                    handle.set_parked_until(wake);
                    self.sleep_or_advance(handle, clock, duration);
                }
            }
            handle.end_park();
        }
        // Step 4 (nothing to fire, and no clock to read, without timers).
        if handle.has_armed() {
            let now = handle.time_source().instant_to_nanos(clock.now());
            handle.process(now);
        }
    }

    /// Steps 2 and 3: sleeps `duration`, or jumps a paused clock by it.
    fn sleep_or_advance(&mut self, handle: &Handle, clock: &Clock, duration: Duration) {
        #[cfg(feature = "test-util")]
        if clock.can_auto_advance() {
            // Anything woken since the last park (or I/O that is ready) runs
            // first, at the current instant; time moves on only once the
            // runtime really is idle.
            self.park.park_timeout(Duration::ZERO);
            if !handle.take_did_wake() {
                if let Err(msg) = clock.advance(duration) {
                    panic!("{msg}");
                }
            }
            return;
        }
        let _ = (handle, clock);
        self.park.park_timeout(duration);
    }
}

/// The timer of a runtime whose driver stack has one.
fn time_handle(rt: &driver::Handle) -> &Handle {
    rt.time
        .as_ref()
        .expect("the time driver runs only on runtimes with timers enabled")
}

#[cfg(all(test, not(loom)))]
mod tests;

#[cfg(all(test, loom))]
mod loom_tests;
