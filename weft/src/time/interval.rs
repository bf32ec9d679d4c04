//! `interval`, `interval_at`, `Interval` and `MissedTickBehavior`.

use crate::time::{safe_delay, sleep_until, Duration, Instant, Sleep};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Creates a new [`Interval`] that yields with interval of `period`. The
/// first tick completes immediately. The default [`MissedTickBehavior`] is
/// [`Burst`](MissedTickBehavior::Burst).
///
/// An interval measures time from the previous tick, not from when the task
/// got around to awaiting it: a loop whose body takes part of the period
/// still runs once per period.
///
/// ```
/// use weft::time::{self, Duration, Instant};
///
/// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let start = Instant::now();
/// let mut interval = time::interval(Duration::from_millis(10));
/// interval.tick().await; // at once
/// interval.tick().await; // 10 ms later
/// interval.tick().await; // 20 ms after the start
/// assert!(start.elapsed() >= Duration::from_millis(20));
/// # });
/// ```
///
/// # Panics
///
/// Panics if `period` is zero ("`period` must be non-zero."), and outside a
/// runtime with timers, like [`sleep`](crate::time::sleep).
#[track_caller]
pub fn interval(period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    new_interval(Instant::now(), period)
}

/// Creates a new [`Interval`] that yields with interval of `period` with the
/// first tick completing at `start`. The default [`MissedTickBehavior`] is
/// [`Burst`](MissedTickBehavior::Burst).
///
/// ```
/// use weft::time::{interval_at, Duration, Instant};
///
/// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let start = Instant::now() + Duration::from_millis(5);
/// let mut interval = interval_at(start, Duration::from_millis(10));
/// assert_eq!(interval.tick().await, start);
/// assert_eq!(interval.tick().await, start + Duration::from_millis(10));
/// # });
/// ```
///
/// # Panics
///
/// Panics if `period` is zero ("`period` must be non-zero.").
#[track_caller]
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(period > Duration::ZERO, "`period` must be non-zero.");
    new_interval(start, period)
}

#[track_caller]
fn new_interval(start: Instant, period: Duration) -> Interval {
    Interval {
        delay: Box::pin(sleep_until(start)),
        period: safe_delay(period),
        missed_tick_behavior: MissedTickBehavior::default(),
    }
}

/// What an [`Interval`] does when ticks were missed: when the task awaited
/// `tick` more than a few milliseconds after a tick was due (it was busy,
/// or the runtime was).
///
/// The examples assume a 50 ms period, ticks expected at 50, 100, 150, ...,
/// and a task that got to the tick due at 100 only at 180.
///
/// ```
/// use weft::time::{interval, Duration, MissedTickBehavior};
///
/// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let mut interval = interval(Duration::from_millis(50));
/// assert_eq!(interval.missed_tick_behavior(), MissedTickBehavior::Burst);
/// interval.set_missed_tick_behavior(MissedTickBehavior::Skip);
/// assert_eq!(interval.missed_tick_behavior(), MissedTickBehavior::Skip);
/// # });
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MissedTickBehavior {
    /// Ticks as fast as possible until caught up, then keeps the original
    /// schedule: the ticks for 100 and 150 both complete at 180, then 200,
    /// 250, ...
    ///
    /// The default; right when every tick counts (e.g. a rate).
    #[default]
    Burst,

    /// Ticks once, immediately, and starts the schedule again from there:
    /// ticks at 180, 230, 280, ... (the period between ticks is never shorter than
    /// `period`).
    Delay,

    /// Ticks once, immediately, then resumes at the next multiple of
    /// `period` on the original schedule: ticks at 180, 200, 250, ...
    Skip,
}

impl MissedTickBehavior {
    /// The tick after a missed `timeout`, noticed at `now`.
    fn next_timeout(self, timeout: Instant, now: Instant, period: Duration) -> Instant {
        match self {
            MissedTickBehavior::Burst => timeout + period,
            MissedTickBehavior::Delay => now + period,
            MissedTickBehavior::Skip => {
                let behind = (now - timeout).as_nanos() % period.as_nanos();
                let behind =
                    Duration::from_nanos(behind.try_into().expect(
                        "too much time has elapsed since the interval was supposed to tick",
                    ));
                now + (period - behind)
            }
        }
    }
}

/// Ticks are this late before they count as missed; a tick a little late (the
/// scheduler was busy for a moment) keeps the schedule whatever the behavior.
const MISSED_TICK_SLACK: Duration = Duration::from_millis(5);

/// Interval returned by [`interval`] and [`interval_at`].
///
/// It yields instants at a fixed period: `tick().await` completes when the
/// next tick is due and returns the instant it was due at. What happens when
/// ticks are missed is set by [`MissedTickBehavior`].
///
/// An `Interval` is `Unpin` (its timer is boxed, once, when it is created),
/// so `tick` needs only `&mut self`.
#[derive(Debug)]
pub struct Interval {
    delay: Pin<Box<Sleep>>,
    period: Duration,
    missed_tick_behavior: MissedTickBehavior,
}

impl Interval {
    /// Completes when the next instant in the interval has been reached,
    /// returning that instant.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if `tick` is used in `select!` and another branch
    /// completes first, no tick was consumed.
    ///
    /// ```
    /// use weft::time::{self, Duration, Instant};
    ///
    /// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let mut interval = time::interval(Duration::from_millis(5));
    /// let first = interval.tick().await;
    /// let second = interval.tick().await;
    /// assert_eq!(second - first, Duration::from_millis(5));
    /// # });
    /// ```
    pub async fn tick(&mut self) -> Instant {
        poll_fn(|cx| self.poll_tick(cx)).await
    }

    /// Polls for the next instant in the interval to be reached.
    ///
    /// Returns `Poll::Pending` (arranging for `cx`'s waker to be woken) until
    /// the next tick is due, then `Poll::Ready(instant)`. Only the waker
    /// passed to the most recent call is woken.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use weft::time::{self, Duration};
    ///
    /// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let mut interval = time::interval(Duration::from_millis(5));
    /// let first = poll_fn(|cx| interval.poll_tick(cx)).await;
    /// let second = poll_fn(|cx| interval.poll_tick(cx)).await;
    /// assert!(second > first);
    /// # });
    /// ```
    pub fn poll_tick(&mut self, cx: &mut Context<'_>) -> Poll<Instant> {
        ready!(self.delay.as_mut().poll(cx));
        let timeout = self.delay.deadline();
        let now = Instant::now();
        let next = if now > timeout + MISSED_TICK_SLACK {
            self.missed_tick_behavior
                .next_timeout(timeout, now, self.period)
        } else {
            timeout + self.period
        };
        // Registered again only when the task asks for the next tick.
        self.delay.as_mut().reset_without_timer(next);
        Poll::Ready(timeout)
    }

    /// Resets the interval to complete one period after the current time.
    ///
    /// ```
    /// use weft::time::{self, Duration, Instant};
    ///
    /// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let mut interval = time::interval(Duration::from_millis(10));
    /// interval.tick().await;
    /// let before = Instant::now();
    /// interval.reset();
    /// interval.tick().await;
    /// assert!(before.elapsed() >= Duration::from_millis(10));
    /// # });
    /// ```
    pub fn reset(&mut self) {
        self.delay.as_mut().reset(Instant::now() + self.period);
    }

    /// Resets the interval to complete immediately; the ticks after that
    /// follow one period apart from now.
    ///
    /// ```
    /// use weft::time::{self, Duration};
    ///
    /// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let mut interval = time::interval(Duration::from_secs(3600));
    /// interval.tick().await;
    /// interval.reset_immediately();
    /// interval.tick().await; // at once, not in an hour
    /// # });
    /// ```
    pub fn reset_immediately(&mut self) {
        self.delay.as_mut().reset(Instant::now());
    }

    /// Resets the interval to complete after `after` from now.
    ///
    /// ```
    /// use weft::time::{self, Duration, Instant};
    ///
    /// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let mut interval = time::interval(Duration::from_secs(3600));
    /// interval.tick().await;
    /// let before = Instant::now();
    /// interval.reset_after(Duration::from_millis(5));
    /// interval.tick().await;
    /// assert!(before.elapsed() >= Duration::from_millis(5));
    /// # });
    /// ```
    pub fn reset_after(&mut self, after: Duration) {
        self.delay
            .as_mut()
            .reset(Instant::now() + safe_delay(after));
    }

    /// Resets the interval to complete at `deadline`.
    ///
    /// ```
    /// use weft::time::{self, Duration, Instant};
    ///
    /// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let mut interval = time::interval(Duration::from_secs(3600));
    /// interval.tick().await;
    /// let at = Instant::now() + Duration::from_millis(5);
    /// interval.reset_at(at);
    /// assert_eq!(interval.tick().await, at);
    /// # });
    /// ```
    pub fn reset_at(&mut self, deadline: Instant) {
        self.delay.as_mut().reset(deadline);
    }

    /// Returns the [`MissedTickBehavior`] strategy currently being used.
    ///
    /// ```
    /// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let i = weft::time::interval(std::time::Duration::from_secs(1));
    /// assert_eq!(i.missed_tick_behavior(), weft::time::MissedTickBehavior::Burst);
    /// # });
    /// ```
    pub fn missed_tick_behavior(&self) -> MissedTickBehavior {
        self.missed_tick_behavior
    }

    /// Sets the [`MissedTickBehavior`] strategy that should be used.
    ///
    /// ```
    /// use weft::time::MissedTickBehavior;
    ///
    /// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let mut i = weft::time::interval(std::time::Duration::from_secs(1));
    /// i.set_missed_tick_behavior(MissedTickBehavior::Delay);
    /// assert_eq!(i.missed_tick_behavior(), MissedTickBehavior::Delay);
    /// # });
    /// ```
    pub fn set_missed_tick_behavior(&mut self, behavior: MissedTickBehavior) {
        self.missed_tick_behavior = behavior;
    }

    /// Returns the period of the interval.
    ///
    /// ```
    /// use std::time::Duration;
    ///
    /// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let i = weft::time::interval(Duration::from_millis(250));
    /// assert_eq!(i.period(), Duration::from_millis(250));
    /// # });
    /// ```
    pub fn period(&self) -> Duration {
        self.period
    }
}
