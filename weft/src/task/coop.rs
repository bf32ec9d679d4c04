//! Cooperative scheduling: a budget per task poll.
//!
//! A task that loops over always-ready resources (a channel that always has a
//! message, a socket that always has bytes) would never return to the
//! scheduler and starve every other task on its worker. So each poll of a task
//! gets a budget of 128 units; every weft resource consumes one unit
//! when it makes progress ([`poll_proceed`]), and once the budget is spent it
//! returns `Pending` (with its waker deferred until the driver has run) even
//! when it could proceed. The task yields; the scheduler runs the others.
//!
//! Outside a task (no budget set on the thread) everything is unconstrained.
//!
//! ```
//! # #[weft::main(flavor = "current_thread")]
//! # async fn main() {
//! use weft::task::coop;
//!
//! // Inside a task the budget is full at the start of every poll.
//! assert!(coop::has_budget_remaining());
//! coop::consume_budget().await;
//! # }
//! ```

use crate::runtime::context;
use pin_project_lite::pin_project;
use std::cell::Cell;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Units of work a task may do in one poll before weft's resources make it yield.
pub(crate) const BUDGET: u8 = 128;

/// The budget of the current poll: `None` means unconstrained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Budget(Option<u8>);

impl Budget {
    /// The budget a task starts each poll with.
    pub(crate) const fn initial() -> Budget {
        Budget(Some(BUDGET))
    }

    pub(crate) const fn unconstrained() -> Budget {
        Budget(None)
    }

    fn is_unconstrained(self) -> bool {
        self.0.is_none()
    }

    fn has_remaining(self) -> bool {
        self.0 != Some(0)
    }

    /// Takes one unit; `false` when the budget is spent.
    fn decrement(&mut self) -> bool {
        match &mut self.0 {
            Some(0) => false,
            Some(n) => {
                *n -= 1;
                true
            }
            None => true,
        }
    }
}

/// Runs `f` (one poll of a task) with a fresh budget, restoring the previous
/// budget afterwards, even if `f` panics.
#[inline]
pub(crate) fn budget<R>(f: impl FnOnce() -> R) -> R {
    with_budget(Budget::initial(), f)
}

/// Runs `f` with no budget limit.
#[inline]
pub(crate) fn with_unconstrained<R>(f: impl FnOnce() -> R) -> R {
    with_budget(Budget::unconstrained(), f)
}

#[inline]
fn with_budget<R>(budget: Budget, f: impl FnOnce() -> R) -> R {
    struct Reset(Option<Budget>);
    impl Drop for Reset {
        fn drop(&mut self) {
            if let Some(prev) = self.0 {
                context::set_budget(prev);
            }
        }
    }
    let _reset = Reset(context::replace_budget(budget));
    f()
}

/// Returns `true` if the current task's budget is not spent.
///
/// A task whose budget is spent will be made to yield by the next weft resource
/// it polls. Outside a task this is always `true`.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// assert!(weft::task::coop::has_budget_remaining());
/// # }
/// ```
pub fn has_budget_remaining() -> bool {
    context::budget().is_none_or(Budget::has_remaining)
}

/// Consumes one unit of budget, yielding to the scheduler first if the budget
/// is spent.
///
/// Use it in a loop that does not otherwise touch weft's resources, so that it
/// still yields now and then.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut sum = 0u64;
/// for i in 0..10_000u64 {
///     weft::task::consume_budget().await;
///     sum += i;
/// }
/// assert_eq!(sum, 49_995_000);
/// # }
/// ```
pub async fn consume_budget() {
    let mut status = Poll::Pending;
    std::future::poll_fn(move |cx| {
        if status.is_ready() {
            return status;
        }
        status = poll_proceed(cx).map(|restore| restore.made_progress());
        status
    })
    .await
}

/// Returned by [`poll_proceed`]: gives the budget unit back when dropped,
/// unless [`made_progress`](RestoreOnPending::made_progress) was called.
///
/// A resource calls `poll_proceed`, then tries its operation; if the operation
/// turns out to be `Pending` after all, dropping the guard returns the unit, so
/// that waiting costs nothing.
#[derive(Debug)]
#[must_use]
pub struct RestoreOnPending(Cell<Budget>, PhantomData<*mut ()>);

impl RestoreOnPending {
    fn new(budget: Budget) -> RestoreOnPending {
        RestoreOnPending(Cell::new(budget), PhantomData)
    }

    /// Keeps the unit spent: the operation made progress.
    pub fn made_progress(&self) {
        self.0.set(Budget::unconstrained());
    }
}

impl Drop for RestoreOnPending {
    fn drop(&mut self) {
        let budget = self.0.get();
        if !budget.is_unconstrained() {
            context::set_budget(budget);
        }
    }
}

/// Takes one unit of the current task's budget, or returns `Pending` (and
/// arranges for the task to be woken after the driver has run) when it is spent.
///
/// For implementors of leaf futures that should cooperate like weft's own.
///
/// ```
/// use std::future::poll_fn;
/// use std::task::Poll;
/// use weft::task::coop;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let n = poll_fn(|cx| {
///     let restore = std::task::ready!(coop::poll_proceed(cx));
///     restore.made_progress();
///     Poll::Ready(1)
/// })
/// .await;
/// assert_eq!(n, 1);
/// # }
/// ```
#[inline]
pub fn poll_proceed(cx: &mut Context<'_>) -> Poll<RestoreOnPending> {
    let Some(mut budget) = context::budget() else {
        return Poll::Ready(RestoreOnPending::new(Budget::unconstrained()));
    };
    let before = budget;
    if budget.decrement() {
        context::set_budget(budget);
        Poll::Ready(RestoreOnPending::new(before))
    } else {
        context::defer(cx.waker());
        Poll::Pending
    }
}

/// `Pending` (with the waker deferred) if the budget is spent, without taking a unit.
#[inline]
#[allow(dead_code)]
pub(crate) fn poll_budget_available(cx: &mut Context<'_>) -> Poll<()> {
    if has_budget_remaining() {
        Poll::Ready(())
    } else {
        context::defer(cx.waker());
        Poll::Pending
    }
}

pin_project! {
    /// Future returned by [`unconstrained`]: polls its inner future without a budget.
    #[must_use = "futures do nothing unless polled"]
    #[derive(Debug)]
    pub struct Unconstrained<F> {
        #[pin]
        inner: F,
    }
}

impl<F: Future> Future for Unconstrained<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let inner = self.project().inner;
        with_unconstrained(|| inner.poll(cx))
    }
}

/// Turns off cooperative scheduling for `inner`: weft's resources it polls
/// never make it yield. The future can then starve other tasks; use with care.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// use weft::task::coop::unconstrained;
///
/// let v = unconstrained(async { 5 }).await;
/// assert_eq!(v, 5);
/// # }
/// ```
pub fn unconstrained<F>(inner: F) -> Unconstrained<F> {
    Unconstrained { inner }
}

pin_project! {
    /// Future returned by [`cooperative`]: takes a budget unit before each poll.
    #[must_use = "futures do nothing unless polled"]
    #[derive(Debug)]
    pub struct Coop<F: Future> {
        #[pin]
        fut: F,
    }
}

impl<F: Future> Future for Coop<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let restore = ready!(poll_proceed(cx));
        let out = self.project().fut.poll(cx);
        if out.is_ready() {
            restore.made_progress();
        }
        out
    }
}

/// Makes `fut` take part in cooperative scheduling: each poll takes one budget
/// unit, and a task that spent its budget yields before polling `fut`.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let v = weft::task::coop::cooperative(async { 3 }).await;
/// assert_eq!(v, 3);
/// # }
/// ```
pub fn cooperative<F: Future>(fut: F) -> Coop<F> {
    Coop { fut }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn budget_runs_out_after_128_units() {
        budget(|| {
            let waker = std::task::Waker::noop();
            let mut cx = Context::from_waker(waker);
            for _ in 0..BUDGET {
                match poll_proceed(&mut cx) {
                    Poll::Ready(r) => r.made_progress(),
                    Poll::Pending => panic!("budget ran out early"),
                }
            }
            assert!(!has_budget_remaining());
            assert!(poll_proceed(&mut cx).is_pending());
        });
        assert!(has_budget_remaining(), "outside a poll there is no limit");
    }

    #[test]
    fn restore_on_pending_gives_the_unit_back() {
        budget(|| {
            let waker = std::task::Waker::noop();
            let mut cx = Context::from_waker(waker);
            for _ in 0..1000 {
                let Poll::Ready(restore) = poll_proceed(&mut cx) else {
                    panic!("units were not restored");
                };
                drop(restore);
            }
        });
    }

    #[test]
    fn unconstrained_never_runs_out() {
        budget(|| {
            with_unconstrained(|| {
                let waker = std::task::Waker::noop();
                let mut cx = Context::from_waker(waker);
                for _ in 0..1000 {
                    let Poll::Ready(r) = poll_proceed(&mut cx) else {
                        panic!("unconstrained ran out");
                    };
                    r.made_progress();
                }
            })
        });
    }
}
