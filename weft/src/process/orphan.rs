//! The orphan queue: children whose `Child` handle was dropped before they
//! were reaped.
//!
//! A process that exits stays a zombie until its parent waits for it. When
//! a [`Child`](super::Child) is dropped while its process still runs (with
//! or without `kill_on_drop`: a killed process still has to be reaped), the
//! process and its exit watch move here, and the runtime reaps it later.
//! No thread is spent per child: the protocol is
//!
//! 1. `Reaper::drop` tries `waitpid(WNOHANG)` once; if the child still runs,
//!    it pushes the child together with its exit watch (the pidfd stays
//!    registered with the I/O driver it was registered with).
//! 2. When the child exits, its pidfd becomes readable: the I/O driver that
//!    holds it wakes from `epoll_wait` (no task is woken; none waits).
//! 3. After every park (`IoStack::park`, `park_timeout`), the driver thread
//!    calls [`reap_orphans`]: if the queue looks non-empty (one atomic load,
//!    so an empty queue costs nothing), it takes the lock and calls
//!    `waitpid(WNOHANG)` on each orphan whose watch says it may have exited.
//!    Reaped orphans are dropped after the lock is released (dropping one
//!    deregisters its pidfd, which takes the driver's registration lock).
//!
//! An orphan whose runtime has shut down is retried at every park of any
//! runtime in the process (its watch reports "may have exited" forever).
//!
//! `len` is a hint kept equal to the queue length by every lock holder; a
//! push that races with a drain is seen at the next park, because the push
//! stores the new length under the lock after the drain's store.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::Acquire, Ordering::Release};
use crate::loom::sync::Mutex;
use std::fmt;

/// Something that can be reaped without blocking.
pub(crate) trait Orphan {
    /// Whether the process may have exited since the last look (cheap, no
    /// system call); `false` skips `try_reap`.
    fn may_have_exited(&self) -> bool;

    /// Reaps the process if it has exited: `true` when it is gone (reaped,
    /// or an error says there is nothing left to reap).
    fn try_reap(&mut self) -> bool;
}

/// A queue of orphans, reaped by whichever runtime parks next.
pub(crate) struct OrphanQueue<T> {
    len: AtomicUsize,
    queue: Mutex<Vec<T>>,
}

impl<T: Orphan> OrphanQueue<T> {
    #[cfg(loom)]
    pub(crate) fn new() -> OrphanQueue<T> {
        OrphanQueue {
            len: AtomicUsize::new(0),
            queue: Mutex::new(Vec::new()),
        }
    }

    #[cfg(not(loom))]
    pub(crate) const fn new() -> OrphanQueue<T> {
        OrphanQueue {
            len: AtomicUsize::new(0),
            queue: Mutex::const_new(Vec::new()),
        }
    }

    /// Step 1: adopts `orphan` until it can be reaped.
    pub(crate) fn push(&self, orphan: T) {
        let mut queue = self.queue.lock();
        queue.push(orphan);
        self.len.store(queue.len(), Release);
    }

    /// Step 3: reaps every orphan that has exited; returns how many were.
    pub(crate) fn reap(&self) -> usize {
        if self.len.load(Acquire) == 0 {
            return 0;
        }
        let mut reaped = Vec::new();
        {
            let mut queue = self.queue.lock();
            let mut i = 0;
            while i < queue.len() {
                if queue[i].may_have_exited() && queue[i].try_reap() {
                    reaped.push(queue.swap_remove(i));
                } else {
                    i += 1;
                }
            }
            self.len.store(queue.len(), Release);
        }
        let count = reaped.len();
        drop(reaped);
        count
    }

    /// Orphans not reaped yet.
    #[cfg(all(test, not(loom)))]
    pub(crate) fn len(&self) -> usize {
        self.queue.lock().len()
    }
}

impl<T> fmt::Debug for OrphanQueue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OrphanQueue")
            .field("len", &self.len.load(Acquire))
            .finish()
    }
}

#[cfg(not(loom))]
static ORPHANS: OrphanQueue<super::reaper::Running> = OrphanQueue::new();

/// Step 1 for a real child (from `Reaper::drop`).
#[cfg(not(loom))]
pub(crate) fn adopt(orphan: super::reaper::Running) {
    ORPHANS.push(orphan);
}

/// Step 3, called by the driver after each park.
#[cfg(not(loom))]
pub(crate) fn reap_orphans() {
    ORPHANS.reap();
}

// Loom models never spawn processes; the driver's park hook has nothing to do.
#[cfg(loom)]
pub(crate) fn adopt(orphan: super::reaper::Running) {
    drop(orphan);
}

#[cfg(loom)]
pub(crate) fn reap_orphans() {}

/// Orphans still waiting to be reaped (tests check that none is forgotten).
#[cfg(all(test, not(loom)))]
pub(crate) fn pending() -> usize {
    ORPHANS.len()
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    struct Mock {
        exited: Rc<Cell<bool>>,
        calls: Rc<Cell<usize>>,
        hint: bool,
    }

    impl Orphan for Mock {
        fn may_have_exited(&self) -> bool {
            self.hint
        }
        fn try_reap(&mut self) -> bool {
            self.calls.set(self.calls.get() + 1);
            self.exited.get()
        }
    }

    #[test]
    fn empty_queue_costs_no_lock() {
        let queue: OrphanQueue<Mock> = OrphanQueue::new();
        let _guard = queue.queue.lock();
        // Would deadlock if `reap` took the lock.
        assert_eq!(queue.reap(), 0);
    }

    #[test]
    fn reaps_only_exited_orphans_and_keeps_the_rest() {
        let queue = OrphanQueue::new();
        let exited = Rc::new(Cell::new(false));
        let calls = Rc::new(Cell::new(0));
        queue.push(Mock {
            exited: exited.clone(),
            calls: calls.clone(),
            hint: true,
        });
        queue.push(Mock {
            exited: Rc::new(Cell::new(true)),
            calls: calls.clone(),
            hint: false,
        });
        assert_eq!(queue.reap(), 0);
        assert_eq!(calls.get(), 1, "the orphan without a hint is not polled");
        assert_eq!(queue.len(), 2);
        exited.set(true);
        assert_eq!(queue.reap(), 1);
        assert_eq!(queue.len(), 1);
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::sync::atomic::AtomicBool;
    use crate::loom::sync::atomic::Ordering::SeqCst;
    use crate::loom::sync::Arc;

    struct Mock(Arc<AtomicBool>);

    impl Orphan for Mock {
        fn may_have_exited(&self) -> bool {
            true
        }
        fn try_reap(&mut self) -> bool {
            self.0.store(true, SeqCst);
            true
        }
    }

    /// A push racing with a drain is never lost: either that drain reaps it
    /// or the next one does (the length hint is never left at zero while an
    /// orphan is queued).
    #[test]
    fn push_racing_with_reap_is_reaped() {
        loom::model(|| {
            let queue = Arc::new(OrphanQueue::new());
            let reaped = Arc::new(AtomicBool::new(false));
            let (q2, r2) = (queue.clone(), reaped.clone());
            let pusher = loom::thread::spawn(move || q2.push(Mock(r2)));
            queue.reap();
            pusher.join().unwrap();
            queue.reap();
            assert!(reaped.load(SeqCst), "orphan left behind");
            assert_eq!(queue.len.load(SeqCst), 0);
        });
    }

    /// Two drivers draining at once reap each orphan exactly once.
    #[test]
    fn concurrent_reaps_share_the_work() {
        loom::model(|| {
            let queue = Arc::new(OrphanQueue::new());
            let reaped = Arc::new(AtomicBool::new(false));
            queue.push(Mock(reaped.clone()));
            let q2 = queue.clone();
            let other = loom::thread::spawn(move || q2.reap());
            let here = queue.reap();
            let there = other.join().unwrap();
            assert_eq!(here + there, 1);
            assert!(reaped.load(SeqCst));
        });
    }
}
