//! `timeout`, `timeout_at` and the `Timeout` future.

use crate::task::coop;
use crate::time::error::Elapsed;
use crate::time::{Duration, Instant, Sleep};
use pin_project_lite::pin_project;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Requires a `Future` to complete before the specified duration has elapsed.
///
/// If the future completes before the duration has elapsed, then the
/// completed value is returned. Otherwise, an error is returned and the
/// future is canceled (dropped with the `Timeout`).
///
/// The future is polled before the timer, so a future that is ready at once
/// wins even with a zero duration. A duration too large to add to the current
/// instant means no timeout at all.
///
/// # Examples
///
/// ```
/// use weft::time::{timeout, Duration};
///
/// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// // The future finishes in time.
/// assert_eq!(timeout(Duration::from_secs(1), async { 7 }).await, Ok(7));
/// // The future never finishes.
/// let never = std::future::pending::<()>();
/// assert!(timeout(Duration::from_millis(10), never).await.is_err());
/// # });
/// ```
///
/// # Panics
///
/// Panics if called outside a runtime or on a runtime without timers, like
/// [`sleep`](crate::time::sleep).
#[track_caller]
pub fn timeout<F>(duration: Duration, future: F) -> Timeout<F::IntoFuture>
where
    F: IntoFuture,
{
    // A `match`, not `Option::map`: `#[track_caller]` does not pass through
    // a function pointer, and a panic must point at the caller.
    #[allow(clippy::manual_map)]
    let delay = match Instant::now().checked_add(duration) {
        Some(deadline) => Some(Sleep::new_timeout(deadline)),
        None => None,
    };
    Timeout {
        value: future.into_future(),
        delay,
    }
}

/// Requires a `Future` to complete before the specified instant in time.
///
/// As [`timeout`], with a deadline instead of a duration.
///
/// ```
/// use weft::time::{timeout_at, Duration, Instant};
///
/// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
/// # rt.block_on(async {
/// let deadline = Instant::now() + Duration::from_millis(10);
/// let res = timeout_at(deadline, std::future::pending::<()>()).await;
/// assert!(res.is_err());
/// assert!(Instant::now() >= deadline);
/// # });
/// ```
#[track_caller]
pub fn timeout_at<F>(deadline: Instant, future: F) -> Timeout<F::IntoFuture>
where
    F: IntoFuture,
{
    Timeout {
        value: future.into_future(),
        delay: Some(Sleep::new_timeout(deadline)),
    }
}

pin_project! {
    /// Future returned by [`timeout`] and [`timeout_at`].
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    #[derive(Debug)]
    pub struct Timeout<T> {
        #[pin]
        value: T,
        #[pin]
        delay: Option<Sleep>,
    }
}

impl<T> Timeout<T> {
    /// Gets a reference to the underlying value in this timeout.
    ///
    /// ```
    /// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let t = weft::time::timeout(std::time::Duration::from_secs(1), std::future::ready(3));
    /// assert_eq!(t.get_ref().clone().await, 3);
    /// # });
    /// ```
    pub fn get_ref(&self) -> &T {
        &self.value
    }

    /// Gets a mutable reference to the underlying value in this timeout.
    ///
    /// ```
    /// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let mut t = weft::time::timeout(std::time::Duration::from_secs(1), std::future::ready(3));
    /// assert_eq!(t.get_mut().await, 3);
    /// # });
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        &mut self.value
    }

    /// Consumes this timeout, returning the underlying value.
    ///
    /// ```
    /// # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # rt.block_on(async {
    /// let t = weft::time::timeout(std::time::Duration::from_secs(1), std::future::ready(3));
    /// assert_eq!(t.into_inner().await, 3);
    /// # });
    /// ```
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Future for Timeout<T>
where
    T: Future,
{
    type Output = Result<T::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let me = self.project();
        let had_budget_before = coop::has_budget_remaining();

        // The value first: a future that is ready wins even at the deadline.
        if let Poll::Ready(v) = me.value.poll(cx) {
            return Poll::Ready(Ok(v));
        }

        let Some(delay) = me.delay.as_pin_mut() else {
            return Poll::Pending;
        };
        // If the inner future spent the last of the budget, the timer must
        // still be able to fire, or a busy future could never time out.
        let spent_by_value = had_budget_before && !coop::has_budget_remaining();
        let poll_delay = || delay.poll(cx).map(|()| Err(Elapsed::new()));
        if spent_by_value {
            coop::with_unconstrained(poll_delay)
        } else {
            poll_delay()
        }
    }
}
