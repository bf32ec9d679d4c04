//! Helpers shared by the `sync_*` integration tests: a runtime to run
//! futures on, and a mock task that records wakes (like `tokio_test::task`).
#![allow(dead_code)]

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

/// Runs `fut` on a fresh current-thread runtime.
pub fn block_on<F: Future>(fut: F) -> F::Output {
    weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(fut)
}

/// Runs `fut` on a fresh multi-thread runtime with two workers.
pub fn block_on_multi<F: Future>(fut: F) -> F::Output {
    weft::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(fut)
}

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

/// A future polled by hand with a waker that counts wakes.
pub struct Spawned<F> {
    fut: Pin<Box<F>>,
    wakes: Arc<WakeCount>,
    waker: Waker,
}

pub fn spawn<F: Future>(fut: F) -> Spawned<F> {
    let wakes = Arc::new(WakeCount::default());
    let waker = Waker::from(wakes.clone());
    Spawned {
        fut: Box::pin(fut),
        wakes,
        waker,
    }
}

impl<F: Future> Spawned<F> {
    /// Polls once; resets the woken flag.
    pub fn poll(&mut self) -> Poll<F::Output> {
        self.wakes.0.store(0, Ordering::SeqCst);
        let mut cx = Context::from_waker(&self.waker);
        self.fut.as_mut().poll(&mut cx)
    }

    /// Whether the waker was woken since the last poll.
    pub fn is_woken(&self) -> bool {
        self.wakes.0.load(Ordering::SeqCst) > 0
    }

    /// Runs `f` with this task's context and pinned future (like
    /// `tokio_test::task::Spawn::enter`); resets the woken flag.
    pub fn enter<R>(&mut self, f: impl FnOnce(&mut Context<'_>, Pin<&mut F>) -> R) -> R {
        self.wakes.0.store(0, Ordering::SeqCst);
        let mut cx = Context::from_waker(&self.waker);
        f(&mut cx, self.fut.as_mut())
    }

    /// The pinned future, for calling methods such as `enable` on it.
    pub fn fut(&mut self) -> Pin<&mut F> {
        self.fut.as_mut()
    }

    /// How many clones of the waker exist (1 = only ours).
    pub fn waker_ref_count(&self) -> usize {
        Arc::strong_count(&self.wakes) - 1
    }
}
