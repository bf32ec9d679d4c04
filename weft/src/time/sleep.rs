//! `sleep`, `sleep_until` and the `Sleep` future.

use crate::runtime::context::{self, RUNTIME_SHUTTING_DOWN_ERROR};
use crate::runtime::scheduler;
use crate::runtime::time::{self as driver_time, TimerEntry, TIMERS_DISABLED_ERROR};
use crate::time::{safe_delay, Duration, Instant};
use pin_project_lite::pin_project;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Waits until `deadline` is reached.
///
/// No work is performed while awaiting on the sleep future to complete.
/// `Sleep` operates at millisecond granularity: it never completes before its
/// deadline, and at most about a millisecond after it (plus scheduling
/// delays). It should not be used for tasks that require high-resolution
/// timers.
///
/// To run something regularly on a schedule, see [`interval`](crate::time::interval).
///
/// # Cancellation
///
/// Canceling a sleep instance is done by dropping the returned future. No
/// additional cleanup work is required.
///
/// # Examples
///
/// Wait 100ms and print "100 ms have elapsed".
///
/// ```
/// use weft::time::{sleep_until, Duration, Instant};
///
/// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let start = Instant::now();
/// sleep_until(start + Duration::from_millis(100)).await;
/// assert!(start.elapsed() >= Duration::from_millis(100));
/// # });
/// ```
///
/// # Panics
///
/// Panics if called outside a runtime ("there is no reactor running, must be
/// called from the context of a Tokio 1.x runtime"), or on a runtime built
/// without [`enable_time`](crate::runtime::Builder::enable_time) or
/// [`enable_all`](crate::runtime::Builder::enable_all). Note that
/// `rt.block_on(sleep(..))` creates the sleep outside the runtime, while
/// `rt.block_on(async { sleep(..).await })` creates it inside.
#[track_caller]
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep::new_timeout(deadline)
}

/// Waits until `duration` has elapsed.
///
/// Equivalent to `sleep_until(Instant::now() + duration)`: an asynchronous
/// analog to `std::thread::sleep`. Durations too large to add to the current
/// instant (such as `Duration::MAX`) are capped at about 30 years.
///
/// To run something regularly on a schedule, see [`interval`].
///
/// # Cancellation
///
/// Canceling a sleep instance is done by dropping the returned future. No
/// additional cleanup work is required.
///
/// # Examples
///
/// ```
/// use weft::time::{sleep, Duration, Instant};
///
/// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let start = Instant::now();
/// sleep(Duration::from_millis(10)).await;
/// assert!(start.elapsed() >= Duration::from_millis(10));
/// # });
/// ```
///
/// # Panics
///
/// As [`sleep_until`]: outside a runtime, or on a runtime without timers.
///
/// [`interval`]: crate::time::interval()
#[track_caller]
pub fn sleep(duration: Duration) -> Sleep {
    let deadline = Instant::now() + safe_delay(duration);
    Sleep::new_timeout(deadline)
}

pin_project! {
    /// Future returned by [`sleep`] and [`sleep_until`].
    ///
    /// This type does not implement the `Unpin` trait: its timer entry is
    /// linked into the runtime's timing wheel while it waits, so it must not
    /// move. Pin it (with [`pin!`](std::pin::pin) or `Box::pin`) to poll it by
    /// hand or to `select!` on it repeatedly; `.await` does this for you.
    ///
    /// Creating a `Sleep` does not touch the timer: the first poll registers
    /// it, and a sleep that is dropped before then costs nothing.
    ///
    /// # Examples
    ///
    /// Reuse one `Sleep` with [`reset`](Sleep::reset):
    ///
    /// ```
    /// use weft::time::{self, Duration, Instant};
    ///
    /// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let sleep = time::sleep(Duration::from_millis(10));
    /// let mut sleep = std::pin::pin!(sleep);
    /// for _ in 0..3 {
    ///     sleep.as_mut().await;
    ///     assert!(sleep.is_elapsed());
    ///     sleep.as_mut().reset(Instant::now() + Duration::from_millis(5));
    /// }
    /// # });
    /// ```
    ///
    /// `Sleep` is not `Unpin`:
    ///
    /// ```compile_fail
    /// fn assert_unpin<T: Unpin>() {}
    /// assert_unpin::<weft::time::Sleep>();
    /// ```
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Sleep {
        deadline: Instant,
        // Keeps the timer (and the wheel the entry may be linked into) alive.
        handle: scheduler::Handle,
        #[pin]
        entry: TimerEntry,
    }

    impl PinnedDrop for Sleep {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            cancel_entry(this.handle, this.entry.as_ref().get_ref());
        }
    }
}

impl Sleep {
    #[track_caller]
    pub(crate) fn new_timeout(deadline: Instant) -> Sleep {
        let handle = match context::with_current(Clone::clone) {
            Ok(handle) => handle,
            Err(e) => panic!("{}", e),
        };
        if handle.driver().time.is_none() {
            panic!("{}", TIMERS_DISABLED_ERROR);
        }
        Sleep {
            deadline,
            handle,
            entry: TimerEntry::new(),
        }
    }

    /// Returns the instant at which the future will complete.
    ///
    /// ```
    /// use weft::time::{sleep_until, Duration, Instant};
    ///
    /// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let deadline = Instant::now() + Duration::from_secs(1);
    /// assert_eq!(sleep_until(deadline).deadline(), deadline);
    /// # });
    /// ```
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Returns `true` if `Sleep` has elapsed: its timer fired. A sleep that
    /// was never polled has not elapsed, whatever its deadline.
    ///
    /// ```
    /// use weft::time::{sleep, Duration};
    ///
    /// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let mut sleep = std::pin::pin!(sleep(Duration::from_millis(1)));
    /// assert!(!sleep.is_elapsed());
    /// sleep.as_mut().await;
    /// assert!(sleep.is_elapsed());
    /// # });
    /// ```
    pub fn is_elapsed(&self) -> bool {
        self.entry.is_fired()
    }

    /// Resets the `Sleep` instance to a new deadline.
    ///
    /// Calling this function allows changing the instant at which the `Sleep`
    /// future completes without having to create new associated state. It
    /// can be called both before and after the future has completed; a task
    /// that polled the sleep is woken if the new deadline has already passed.
    ///
    /// ```
    /// use weft::time::{Duration, Instant};
    ///
    /// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let sleep = weft::time::sleep(Duration::from_secs(3600));
    /// let mut sleep = std::pin::pin!(sleep);
    /// sleep.as_mut().reset(Instant::now() + Duration::from_millis(5));
    /// sleep.await; // five milliseconds, not an hour
    /// # });
    /// ```
    pub fn reset(self: Pin<&mut Self>, deadline: Instant) {
        let this = self.project();
        *this.deadline = deadline;
        let rt = this.handle.driver();
        let time = timer(rt);
        // SAFETY: the entry is pinned inside this `Sleep`, used only with
        // this runtime's timer (which `handle` keeps alive), and cancelled
        // in `drop`; `Pin<&mut Self>` gives us the owner's side.
        unsafe { time.reset(rt, this.entry.as_ref().get_ref(), deadline.into_std()) };
    }

    /// Moves the deadline and takes the entry out of the wheel; the next poll
    /// registers it again (cheaper than `reset` for `Interval`, which polls
    /// again only when the task asks for the next tick).
    pub(crate) fn reset_without_timer(self: Pin<&mut Self>, deadline: Instant) {
        let this = self.project();
        *this.deadline = deadline;
        cancel_entry(this.handle, this.entry.as_ref().get_ref());
    }

    fn poll_elapsed(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.project();
        let rt = this.handle.driver();
        let time = timer(rt);
        assert!(!time.is_shutdown(), "{}", RUNTIME_SHUTTING_DOWN_ERROR);
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        let entry = this.entry.as_ref().get_ref();
        // SAFETY: as in `reset`.
        let poll = unsafe { time.poll(rt, entry, this.deadline.into_std(), cx.waker()) };
        if poll.is_ready() {
            coop.made_progress();
        }
        poll
    }
}

fn cancel_entry(handle: &scheduler::Handle, entry: &TimerEntry) {
    // SAFETY: as in `Sleep::reset`; after this the entry is in no wheel.
    unsafe { timer(handle.driver()).cancel(entry) };
}

/// The timer of a runtime that `Sleep::new_timeout` checked has one.
fn timer(rt: &crate::runtime::driver::Handle) -> &driver_time::Handle {
    rt.time.as_ref().expect(TIMERS_DISABLED_ERROR)
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        self.poll_elapsed(cx)
    }
}
