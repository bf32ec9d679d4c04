//! `yield_now`: give the scheduler a turn.

use crate::runtime::context;
use std::future::poll_fn;
use std::task::Poll;

/// Yields execution back to the runtime.
///
/// The task is rescheduled behind the other ready tasks, and only after the
/// scheduler has polled its driver (I/O and timers), so a task yielding in a
/// loop does not starve either.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let other = weft::spawn(async { "ran" });
/// weft::task::yield_now().await; // lets `other` run on this thread
/// assert!(other.is_finished());
/// # }
/// ```
pub async fn yield_now() {
    let mut yielded = false;
    poll_fn(|cx| {
        if yielded {
            return Poll::Ready(());
        }
        yielded = true;
        context::defer(cx.waker());
        Poll::Pending
    })
    .await
}
