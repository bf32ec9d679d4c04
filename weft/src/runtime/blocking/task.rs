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
        Poll::Ready(crate::task::coop::with_unconstrained(func))
    }
}
