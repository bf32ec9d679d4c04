//! A runtime-neutral count-down latch: the "all done" signal of benchmarks
//! that cannot await a join handle (a chain of spawns, a ring of tasks).
//!
//! It is the same code for every runtime, so it costs every runtime the same:
//! one atomic decrement per count, and one lock plus one wake at zero.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

/// Counts down from `n`; [`Latch::wait`] resolves when the count is zero.
#[derive(Debug, Clone)]
pub struct Latch(Arc<State>);

#[derive(Debug)]
struct State {
    remaining: AtomicUsize,
    /// The waiter's waker; taken (and woken) by the count that reaches zero.
    waiter: Mutex<Option<Waker>>,
}

impl Latch {
    /// A latch that opens after `n` calls to [`Latch::count_down`].
    pub fn new(n: usize) -> Latch {
        Latch(Arc::new(State {
            remaining: AtomicUsize::new(n),
            waiter: Mutex::new(None),
        }))
    }

    /// Counts one down; the last one wakes the waiter.
    pub fn count_down(&self) {
        // AcqRel: the waiter that sees zero also sees every counter's writes.
        if self.0.remaining.fetch_sub(1, Ordering::AcqRel) == 1 {
            let waker = self.0.waiter.lock().unwrap().take();
            if let Some(waker) = waker {
                waker.wake();
            }
        }
    }

    /// Resolves once the count has reached zero.
    pub fn wait(&self) -> Wait<'_> {
        Wait(self)
    }
}

/// Future returned by [`Latch::wait`].
#[derive(Debug)]
pub struct Wait<'a>(&'a Latch);

impl Future for Wait<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let state = &self.0 .0;
        if state.remaining.load(Ordering::Acquire) == 0 {
            return Poll::Ready(());
        }
        *state.waiter.lock().unwrap() = Some(cx.waker().clone());
        // The last count may have run between the load and the store: it
        // found no waker, so look again now that ours is in place.
        if state.remaining.load(Ordering::Acquire) == 0 {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Latch;

    #[test]
    fn opens_after_n_counts_from_other_threads() {
        let latch = Latch::new(3);
        let threads: Vec<_> = (0..3)
            .map(|_| {
                let latch = latch.clone();
                std::thread::spawn(move || latch.count_down())
            })
            .collect();
        futures_lite::future::block_on(latch.wait());
        for t in threads {
            t.join().unwrap();
        }
        assert_eq!(
            latch.0.remaining.load(std::sync::atomic::Ordering::SeqCst),
            0
        );
    }

    #[test]
    fn stays_closed_until_the_last_count() {
        let latch = Latch::new(2);
        latch.count_down();
        let mut wait = std::pin::pin!(latch.wait());
        assert!(
            futures_lite::future::block_on(futures_lite::future::poll_once(&mut wait)).is_none()
        );
        latch.count_down();
        assert!(
            futures_lite::future::block_on(futures_lite::future::poll_once(&mut wait)).is_some()
        );
    }
}
