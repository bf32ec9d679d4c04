//! A future polled by hand, with a waker that records whether it was woken:
//! lets a test check exactly when a macro's future is pending, ready, and
//! woken (Tokio's tests use `tokio_test::task::spawn` for this).

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

#[derive(Default)]
struct WakeCount(AtomicUsize);

impl Wake for WakeCount {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
    fn wake_by_ref(self: &Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

pub struct MockTask<F> {
    future: Pin<Box<F>>,
    wakes: Arc<WakeCount>,
    seen_wakes: usize,
}

pub fn spawn<F: Future>(future: F) -> MockTask<F> {
    MockTask {
        future: Box::pin(future),
        wakes: Arc::new(WakeCount::default()),
        seen_wakes: 0,
    }
}

impl<F: Future> MockTask<F> {
    pub fn poll(&mut self) -> Poll<F::Output> {
        self.seen_wakes = self.wakes.0.load(Ordering::SeqCst);
        let waker = Waker::from(self.wakes.clone());
        let mut cx = Context::from_waker(&waker);
        self.future.as_mut().poll(&mut cx)
    }

    /// Whether the waker was woken since the last poll.
    pub fn is_woken(&self) -> bool {
        self.wakes.0.load(Ordering::SeqCst) > self.seen_wakes
    }
}
