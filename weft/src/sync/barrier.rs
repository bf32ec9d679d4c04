//! `Barrier`: lets a fixed number of tasks wait for each other.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::Mutex;
use crate::sync::Notify;
use std::fmt;

/// A barrier: `n` tasks call [`wait`](Barrier::wait), and all of them resume
/// once the `n`-th arrives. It is reusable: the next `n` calls form the next
/// generation. Exactly one task per generation is the *leader*.
///
/// ```
/// use std::sync::Arc;
/// use weft::sync::Barrier;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let barrier = Arc::new(Barrier::new(10));
/// let handles: Vec<_> = (0..10)
///     .map(|_| {
///         let b = barrier.clone();
///         weft::spawn(async move { b.wait().await.is_leader() })
///     })
///     .collect();
/// let mut leaders = 0;
/// for h in handles {
///     leaders += h.await.unwrap() as usize;
/// }
/// assert_eq!(leaders, 1);
/// # }
/// ```
pub struct Barrier {
    n: usize,
    arrived: Mutex<usize>,
    /// Number of completed generations; written under `arrived`'s lock.
    generation: AtomicUsize,
    released: Notify,
}

impl Barrier {
    /// A barrier for `n` tasks (`0` is treated as `1`: `wait` returns at once).
    ///
    /// ```
    /// let barrier = weft::sync::Barrier::new(1);
    /// # futures::executor::block_on(async {
    /// assert!(barrier.wait().await.is_leader());
    /// # });
    /// ```
    pub fn new(n: usize) -> Barrier {
        Barrier {
            n: n.max(1),
            arrived: Mutex::new(0),
            generation: AtomicUsize::new(0),
            released: Notify::new(),
        }
    }

    /// Waits until `n` tasks have called `wait` in this generation. The
    /// last to arrive is the leader and returns at once.
    ///
    /// # Cancel safety
    ///
    /// Not cancel safe: a cancelled `wait` that was polled still counts as
    /// arrived (as in Tokio).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::Barrier;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let barrier = Arc::new(Barrier::new(2));
    /// let b = barrier.clone();
    /// let other = weft::spawn(async move { b.wait().await.is_leader() });
    /// let me = barrier.wait().await.is_leader();
    /// assert!(me != other.await.unwrap());
    /// # }
    /// ```
    pub async fn wait(&self) -> BarrierWaitResult {
        let generation = {
            let mut arrived = self.arrived.lock();
            *arrived += 1;
            if *arrived == self.n {
                *arrived = 0;
                self.generation.fetch_add(1, Release);
                drop(arrived);
                self.released.notify_waiters();
                return BarrierWaitResult(true);
            }
            self.generation.load(Relaxed)
        };
        loop {
            // Created before the check: a release in between still reaches it.
            let notified = self.released.notified();
            if self.generation.load(Acquire) != generation {
                return BarrierWaitResult(false);
            }
            notified.await;
        }
    }
}

impl fmt::Debug for Barrier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Barrier")
            .field("n", &self.n)
            .field("arrived", &*self.arrived.lock())
            .field("generation", &self.generation.load(Relaxed))
            .finish()
    }
}

/// What [`Barrier::wait`] returns: whether this task was the leader.
///
/// ```
/// let barrier = weft::sync::Barrier::new(1);
/// # futures::executor::block_on(async {
/// let result = barrier.wait().await;
/// assert!(result.is_leader());
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct BarrierWaitResult(bool);

impl BarrierWaitResult {
    /// `true` for exactly one task per generation: the last to arrive.
    ///
    /// ```
    /// let barrier = weft::sync::Barrier::new(0);
    /// # futures::executor::block_on(async {
    /// assert!(barrier.wait().await.is_leader());
    /// # });
    /// ```
    pub fn is_leader(&self) -> bool {
        self.0
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::FutureExt;
    use std::sync::Arc;

    #[test]
    fn releases_all_with_one_leader_per_generation() {
        let barrier = Arc::new(Barrier::new(4));
        for _round in 0..3 {
            let handles: Vec<_> = (0..3)
                .map(|_| {
                    let b = barrier.clone();
                    std::thread::spawn(move || block_on(b.wait()).is_leader())
                })
                .collect();
            let me = block_on(barrier.wait()).is_leader();
            let leaders = handles
                .into_iter()
                .map(|h| h.join().unwrap() as usize)
                .sum::<usize>()
                + me as usize;
            assert_eq!(leaders, 1);
        }
    }

    #[test]
    fn waits_until_n_arrive() {
        let barrier = Barrier::new(2);
        let mut first = Box::pin(barrier.wait());
        assert!((&mut first).now_or_never().is_none());
        assert!(barrier.wait().now_or_never().unwrap().is_leader());
        assert!(!first.now_or_never().unwrap().is_leader());
    }

    #[test]
    fn zero_is_one() {
        let barrier = Barrier::new(0);
        assert!(barrier.wait().now_or_never().unwrap().is_leader());
    }

    #[test]
    fn send_sync() {
        fn is_send_sync<T: Send + Sync>() {}
        is_send_sync::<Barrier>();
        let b = Barrier::new(1);
        fn is_send<T: Send>(_: &T) {}
        is_send(&b.wait());
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::sync::Arc;
    use crate::loom::thread;
    use loom::future::block_on;

    /// Two threads at a barrier of two: both pass, exactly one leads.
    #[test]
    fn two_threads_one_leader() {
        loom::model(|| {
            let barrier = Arc::new(Barrier::new(2));
            let b2 = barrier.clone();
            let t = thread::spawn(move || block_on(b2.wait()).is_leader());
            let me = block_on(barrier.wait()).is_leader();
            assert!(me != t.join().unwrap());
        });
    }
}
