//! `pause`, `resume` and `advance`: control of the runtime's clock in tests
//! (feature `test-util`).

use crate::runtime::context::{self, THREAD_LOCAL_DESTROYED_ERROR};
use crate::runtime::time::Clock;
use crate::time::Duration;

const OUTSIDE_RUNTIME: &str = "time cannot be frozen from outside the Tokio runtime";

/// Runs `f` with the current runtime's clock (`None` outside a runtime) and
/// panics, at the caller's location, with the message of an `Err`.
#[track_caller]
fn with_clock<R>(f: impl FnOnce(Option<&Clock>) -> Result<R, &'static str>) -> R {
    let res = match context::with_current(Clone::clone) {
        Ok(handle) => f(Some(&handle.driver().clock)),
        Err(e) if e.is_missing_context() => f(None),
        Err(_) => panic!("{}", THREAD_LOCAL_DESTROYED_ERROR),
    };
    match res {
        Ok(ret) => ret,
        Err(msg) => panic!("{}", msg),
    }
}

/// Pauses time.
///
/// The current value of [`Instant::now()`](crate::time::Instant::now) is
/// saved, and later calls return it until [`advance`] moves it or [`resume`]
/// lets it run again. Only weft's `Instant` is affected; std's keeps running.
///
/// # Auto-advance
///
/// While time is paused and the runtime has nothing to do, the clock jumps to
/// the next pending timer: a test that sleeps for an hour finishes at once,
/// and timers still fire in order. Auto-advance waits while a blocking task
/// (`spawn_blocking`) runs, since it may be about to wake a task.
///
/// Pausing requires the current-thread runtime (the default of
/// `#[weft::test]`); [`Builder::start_paused`] starts a runtime paused.
///
/// ```
/// use weft::time::{self, Duration, Instant};
///
/// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// time::pause();
/// let start = Instant::now();
/// time::sleep(Duration::from_secs(3600)).await; // no real waiting
/// // The timer fires on the first millisecond tick at or after its deadline.
/// assert!(start.elapsed() >= Duration::from_secs(3600));
/// assert!(start.elapsed() <= Duration::from_millis(3_600_001));
/// # });
/// ```
///
/// # Panics
///
/// Panics if time is already frozen ("time is already frozen"), outside a
/// runtime ("time cannot be frozen from outside the Tokio runtime"), or on a
/// multi-thread runtime.
///
/// [`Builder::start_paused`]: crate::runtime::Builder::start_paused
#[track_caller]
pub fn pause() {
    with_clock(|clock| match clock {
        Some(clock) => clock.pause(),
        None => Err(OUTSIDE_RUNTIME),
    })
}

/// Resumes time.
///
/// Clears the saved `Instant::now()` value; the clock runs again from where
/// it stood.
///
/// ```
/// use weft::time::{self, Duration, Instant};
///
/// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// time::pause();
/// let frozen = Instant::now();
/// time::resume();
/// std::thread::sleep(Duration::from_millis(1));
/// assert!(Instant::now() > frozen);
/// # });
/// ```
///
/// # Panics
///
/// Panics if time is not frozen ("time is not frozen") or outside a runtime.
#[track_caller]
pub fn resume() {
    with_clock(|clock| match clock {
        Some(clock) => clock.resume(),
        None => Err(OUTSIDE_RUNTIME),
    })
}

/// Advances time.
///
/// Moves the saved `Instant::now()` value forward by `duration` in one jump,
/// then yields, so that the runtime's driver fires the timers that became due
/// (all of them "at the same time", in no particular order). Prefer
/// [`sleep`](crate::time::sleep) with auto-advance where timers should fire
/// one after another.
///
/// ```
/// use weft::time::{self, Duration, Instant};
///
/// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// time::pause();
/// let start = Instant::now();
/// time::advance(Duration::from_millis(1500)).await;
/// assert_eq!(start.elapsed(), Duration::from_millis(1500));
/// # });
/// ```
///
/// # Panics
///
/// Panics if time is not frozen ("time is not frozen"), outside a runtime, or
/// if `duration` is too large to add to the current instant.
pub async fn advance(duration: Duration) {
    with_clock(|clock| match clock {
        Some(clock) => clock.advance(duration),
        None => Err(OUTSIDE_RUNTIME),
    });
    crate::task::yield_now().await;
}
