//! `Instant`: a measurement of the runtime's monotonic clock.

use std::fmt;
use std::ops;
use std::time::Duration;

/// A measurement of a monotonically nondecreasing clock. Opaque and useful
/// only with `Duration`.
///
/// It is `std::time::Instant` with one difference: with the `test-util`
/// feature, [`Instant::now`] follows the runtime's clock, which can be paused
/// and advanced (see [`pause`](crate::time::pause)).
///
/// Subtracting a later instant from an earlier one gives `Duration::ZERO`
/// instead of panicking, as in Tokio.
///
/// ```
/// use std::time::Duration;
/// use weft::time::Instant;
///
/// let start = Instant::now();
/// let later = start + Duration::from_millis(10);
/// assert_eq!(later - start, Duration::from_millis(10));
/// assert_eq!(start - later, Duration::ZERO);
/// assert_eq!(later.into_std(), start.into_std() + Duration::from_millis(10));
/// ```
#[derive(Clone, Copy, Eq, PartialEq, PartialOrd, Ord, Hash)]
pub struct Instant {
    std: std::time::Instant,
}

impl Instant {
    /// Returns an instant corresponding to "now": the runtime's clock, which
    /// stands still while paused (`test-util`), or the system's monotonic
    /// clock outside a runtime.
    ///
    /// ```
    /// use weft::time::Instant;
    ///
    /// let now = Instant::now();
    /// assert!(Instant::now() >= now);
    /// ```
    pub fn now() -> Instant {
        Instant::from_std(now_std())
    }

    /// Creates a `weft::time::Instant` from a `std::time::Instant`.
    ///
    /// ```
    /// let std = std::time::Instant::now();
    /// assert_eq!(weft::time::Instant::from_std(std).into_std(), std);
    /// ```
    pub fn from_std(std: std::time::Instant) -> Instant {
        Instant { std }
    }

    /// Converts the value into a `std::time::Instant`.
    ///
    /// ```
    /// let now = weft::time::Instant::now();
    /// let std: std::time::Instant = now.into_std();
    /// assert_eq!(weft::time::Instant::from(std), now);
    /// ```
    pub fn into_std(self) -> std::time::Instant {
        self.std
    }

    /// Returns the amount of time elapsed from `earlier` to this instant, or
    /// zero if `earlier` is later than this instant.
    ///
    /// ```
    /// use std::time::Duration;
    /// use weft::time::Instant;
    ///
    /// let a = Instant::now();
    /// let b = a + Duration::from_secs(1);
    /// assert_eq!(b.duration_since(a), Duration::from_secs(1));
    /// assert_eq!(a.duration_since(b), Duration::ZERO);
    /// ```
    pub fn duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// Returns the amount of time elapsed from `earlier` to this instant, or
    /// `None` if `earlier` is later than this instant.
    ///
    /// ```
    /// use std::time::Duration;
    /// use weft::time::Instant;
    ///
    /// let a = Instant::now();
    /// let b = a + Duration::from_secs(1);
    /// assert_eq!(b.checked_duration_since(a), Some(Duration::from_secs(1)));
    /// assert_eq!(a.checked_duration_since(b), None);
    /// ```
    pub fn checked_duration_since(&self, earlier: Instant) -> Option<Duration> {
        self.std.checked_duration_since(earlier.std)
    }

    /// Returns the amount of time elapsed from `earlier` to this instant, or
    /// zero if `earlier` is later than this instant.
    ///
    /// ```
    /// use std::time::Duration;
    /// use weft::time::Instant;
    ///
    /// let a = Instant::now();
    /// let b = a + Duration::from_secs(1);
    /// assert_eq!(a.saturating_duration_since(b), Duration::ZERO);
    /// ```
    pub fn saturating_duration_since(&self, earlier: Instant) -> Duration {
        self.std.saturating_duration_since(earlier.std)
    }

    /// Returns the amount of time elapsed since this instant was created (on
    /// the runtime's clock, which may be paused).
    ///
    /// ```
    /// use weft::time::Instant;
    ///
    /// let start = Instant::now();
    /// std::thread::sleep(std::time::Duration::from_millis(1));
    /// assert!(start.elapsed() >= std::time::Duration::from_millis(1));
    /// ```
    pub fn elapsed(&self) -> Duration {
        Instant::now().saturating_duration_since(*self)
    }

    /// Returns `Some(t)` where `t` is `self + duration` if it can be
    /// represented, `None` otherwise.
    ///
    /// ```
    /// use std::time::Duration;
    /// use weft::time::Instant;
    ///
    /// assert!(Instant::now().checked_add(Duration::from_secs(1)).is_some());
    /// assert!(Instant::now().checked_add(Duration::MAX).is_none());
    /// ```
    pub fn checked_add(&self, duration: Duration) -> Option<Instant> {
        self.std.checked_add(duration).map(Instant::from_std)
    }

    /// Returns `Some(t)` where `t` is `self - duration` if it can be
    /// represented, `None` otherwise.
    ///
    /// ```
    /// use std::time::Duration;
    /// use weft::time::Instant;
    ///
    /// assert!(Instant::now().checked_sub(Duration::MAX).is_none());
    /// ```
    pub fn checked_sub(&self, duration: Duration) -> Option<Instant> {
        self.std.checked_sub(duration).map(Instant::from_std)
    }
}

/// The current reading of the runtime's clock (the system clock unless some
/// clock was ever paused in this process).
fn now_std() -> std::time::Instant {
    #[cfg(feature = "test-util")]
    if crate::runtime::time::any_clock_paused() {
        if let Ok(now) = crate::runtime::context::with_current(|h| h.driver().clock.now()) {
            return now;
        }
    }
    std::time::Instant::now()
}

impl From<std::time::Instant> for Instant {
    fn from(time: std::time::Instant) -> Instant {
        Instant::from_std(time)
    }
}

impl From<Instant> for std::time::Instant {
    fn from(time: Instant) -> std::time::Instant {
        time.into_std()
    }
}

impl ops::Add<Duration> for Instant {
    type Output = Instant;

    /// Panics if the result is not representable, like `std::time::Instant`.
    fn add(self, other: Duration) -> Instant {
        Instant::from_std(self.std + other)
    }
}

impl ops::AddAssign<Duration> for Instant {
    fn add_assign(&mut self, rhs: Duration) {
        *self = *self + rhs;
    }
}

impl ops::Sub for Instant {
    type Output = Duration;

    /// Saturates at zero when `rhs` is later.
    fn sub(self, rhs: Instant) -> Duration {
        self.std.saturating_duration_since(rhs.std)
    }
}

impl ops::Sub<Duration> for Instant {
    type Output = Instant;

    fn sub(self, rhs: Duration) -> Instant {
        Instant::from_std(self.std - rhs)
    }
}

impl ops::SubAssign<Duration> for Instant {
    fn sub_assign(&mut self, rhs: Duration) {
        *self = *self - rhs;
    }
}

impl fmt::Debug for Instant {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.std.fmt(fmt)
    }
}
