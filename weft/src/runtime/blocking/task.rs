//! A closure wrapped as a future that completes on its first poll.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Runs its closure on the first poll. Polled only on a blocking-pool thread.
pub(crate) struct BlockingTask<F> {
    func: Option<F>,
}

impl<F> BlockingTask<F> {
    pub(crate) fn new(func: F) -> BlockingTask<F> {
        BlockingTask { func: Some(func) }
    }
}

// The closure is never pinned: it is moved out before it runs.
impl<F> Unpin for BlockingTask<F> {}

impl<F, R> Future for BlockingTask<F>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    type Output = R;

    fn poll(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<R> {
        let func = self
            .func
            .take()
            .expect("[internal exception] blocking task ran twice.");
        // Blocking work is not cooperative: it must not be cut short.
        let output = crate::task::coop::with_unconstrained(func);
        // Only what is left of this task is its completion; without drop
        // glue in the value, that runs no user code but the join waker.
        if !std::mem::needs_drop::<R>() {
            crate::runtime::blocking::pool::closure_returned();
        }
        Poll::Ready(output)
    }
}
