//! The runtime's clock: the system's monotonic clock, or (with the
//! `test-util` feature) a clock that can be paused, advanced and resumed.
//!
//! A paused clock stands still until `advance` moves it, or until the timer
//! driver auto-advances it to the next deadline because the runtime has
//! nothing else to do. Auto-advance is inhibited while a blocking task runs
//! (the blocking pool brackets it with [`Clock::inhibit_auto_advance`] and
//! [`Clock::allow_auto_advance`]), since that task may be about to wake a
//! task and time must not race ahead of it.

use std::time::Instant as StdInstant;

#[cfg(feature = "test-util")]
use crate::loom::sync::Mutex;
#[cfg(feature = "test-util")]
use std::time::Duration;

/// Set once any clock in the process was paused. Until then `Instant::now()`
/// reads the system clock directly, without a thread-local lookup or a lock.
/// A std atomic, not the loom facade's: loom has no `static` atomics.
#[cfg(feature = "test-util")]
static ANY_CLOCK_PAUSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// True once any runtime's clock was paused in this process.
#[cfg(feature = "test-util")]
pub(crate) fn any_clock_paused() -> bool {
    ANY_CLOCK_PAUSED.load(std::sync::atomic::Ordering::Acquire)
}

/// The runtime's source of time.
#[derive(Debug)]
pub(crate) struct Clock {
    #[cfg(feature = "test-util")]
    state: Mutex<PauseState>,
    /// `state.enable_pausing`, readable without the lock.
    #[cfg(feature = "test-util")]
    pausable: bool,
}

#[cfg(feature = "test-util")]
#[derive(Debug)]
struct PauseState {
    /// `pause` is allowed (current-thread runtimes only).
    enable_pausing: bool,
    /// The clock's reading at `unfrozen` (or its frozen reading when paused).
    base: StdInstant,
    /// When the clock last started running; `None` while it is paused.
    unfrozen: Option<StdInstant>,
    /// Blocking tasks running now; auto-advance waits for them.
    inhibit_auto_advance: usize,
}

/// Panic message of `pause` on a runtime that cannot pause (Tokio's).
#[cfg(feature = "test-util")]
pub(crate) const PAUSE_REQUIRES_CURRENT_THREAD: &str =
    "`time::pause()` requires the `current_thread` Tokio runtime. \
     This is the default Runtime used by `#[tokio::test].";

impl Clock {
    /// A running clock; pausable only if `enable_pausing`, and paused from
    /// the start if `start_paused` (which panics with Tokio's message if
    /// pausing is not enabled).
    #[track_caller]
    pub(crate) fn new(enable_pausing: bool, start_paused: bool) -> Clock {
        #[cfg(feature = "test-util")]
        {
            let now = StdInstant::now();
            let clock = Clock {
                pausable: enable_pausing,
                state: Mutex::new(PauseState {
                    enable_pausing,
                    base: now,
                    unfrozen: Some(now),
                    inhibit_auto_advance: 0,
                }),
            };
            if start_paused {
                if let Err(msg) = clock.pause() {
                    panic!("{msg}");
                }
            }
            clock
        }
        #[cfg(not(feature = "test-util"))]
        {
            let _ = (enable_pausing, start_paused);
            Clock {}
        }
    }

    /// The clock's current reading.
    pub(crate) fn now(&self) -> StdInstant {
        #[cfg(feature = "test-util")]
        {
            if !any_clock_paused() {
                return StdInstant::now();
            }
            let state = self.state.lock();
            match state.unfrozen {
                Some(unfrozen) => state.base + unfrozen.elapsed(),
                None => state.base,
            }
        }
        #[cfg(not(feature = "test-util"))]
        StdInstant::now()
    }

    /// False if this clock is certainly running (it cannot be paused, or no
    /// clock was ever paused in this process): no lock, no clock read.
    pub(crate) fn may_be_paused(&self) -> bool {
        #[cfg(feature = "test-util")]
        {
            self.pausable && any_clock_paused()
        }
        #[cfg(not(feature = "test-util"))]
        false
    }

    /// Freezes the clock at its current reading.
    #[cfg(feature = "test-util")]
    pub(crate) fn pause(&self) -> Result<(), &'static str> {
        let mut state = self.state.lock();
        if !state.enable_pausing {
            return Err(PAUSE_REQUIRES_CURRENT_THREAD);
        }
        let Some(unfrozen) = state.unfrozen else {
            return Err("time is already frozen");
        };
        ANY_CLOCK_PAUSED.store(true, std::sync::atomic::Ordering::Release);
        state.base += unfrozen.elapsed();
        state.unfrozen = None;
        Ok(())
    }

    /// Lets a paused clock run again from its frozen reading.
    #[cfg(feature = "test-util")]
    pub(crate) fn resume(&self) -> Result<(), &'static str> {
        let mut state = self.state.lock();
        if state.unfrozen.is_some() {
            return Err("time is not frozen");
        }
        state.unfrozen = Some(StdInstant::now());
        Ok(())
    }

    /// Moves a paused clock forward by `duration`.
    #[cfg(feature = "test-util")]
    pub(crate) fn advance(&self, duration: Duration) -> Result<(), &'static str> {
        let mut state = self.state.lock();
        if state.unfrozen.is_some() {
            return Err("time is not frozen");
        }
        state.base = state
            .base
            .checked_add(duration)
            .ok_or("overflow when adding duration to instant")?;
        Ok(())
    }

    /// True if the driver may jump a paused clock to the next deadline.
    #[cfg_attr(not(feature = "test-util"), allow(dead_code))]
    pub(crate) fn can_auto_advance(&self) -> bool {
        #[cfg(feature = "test-util")]
        {
            if !any_clock_paused() {
                return false;
            }
            let state = self.state.lock();
            state.unfrozen.is_none() && state.inhibit_auto_advance == 0
        }
        #[cfg(not(feature = "test-util"))]
        false
    }

    /// Stops auto-advance until the matching [`allow_auto_advance`]
    /// (the blocking pool calls this while a blocking task runs).
    ///
    /// [`allow_auto_advance`]: Clock::allow_auto_advance
    #[allow(dead_code)]
    pub(crate) fn inhibit_auto_advance(&self) {
        #[cfg(feature = "test-util")]
        {
            self.state.lock().inhibit_auto_advance += 1;
        }
    }

    /// Undoes one [`inhibit_auto_advance`](Clock::inhibit_auto_advance).
    #[allow(dead_code)]
    pub(crate) fn allow_auto_advance(&self) {
        #[cfg(feature = "test-util")]
        {
            let mut state = self.state.lock();
            state.inhibit_auto_advance = state
                .inhibit_auto_advance
                .checked_sub(1)
                .expect("allow_auto_advance without inhibit_auto_advance");
        }
    }
}

#[cfg(all(test, not(loom), feature = "test-util"))]
mod tests {
    use super::*;

    #[test]
    fn paused_clock_stands_still_and_advances() {
        let clock = Clock::new(true, true);
        let t0 = clock.now();
        std::thread::yield_now();
        assert_eq!(clock.now(), t0);
        clock.advance(Duration::from_millis(5)).unwrap();
        assert_eq!(clock.now(), t0 + Duration::from_millis(5));
        assert_eq!(clock.pause(), Err("time is already frozen"));
        clock.resume().unwrap();
        assert!(clock.now() >= t0 + Duration::from_millis(5));
        assert_eq!(clock.resume(), Err("time is not frozen"));
        assert_eq!(
            clock.advance(Duration::from_millis(1)),
            Err("time is not frozen")
        );
    }

    #[test]
    fn pausing_needs_enable_pausing() {
        let clock = Clock::new(false, false);
        assert_eq!(clock.pause(), Err(PAUSE_REQUIRES_CURRENT_THREAD));
    }

    #[test]
    fn auto_advance_is_inhibited_by_blocking_tasks() {
        let clock = Clock::new(true, true);
        assert!(clock.can_auto_advance());
        clock.inhibit_auto_advance();
        assert!(!clock.can_auto_advance());
        clock.allow_auto_advance();
        assert!(clock.can_auto_advance());
    }
}
