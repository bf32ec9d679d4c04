//! Which workers are parked, and how many are searching for work.
//!
//! One atomic word packs `unparked` (workers not asleep) and `searching`
//! (workers looking for work to steal), so that the common question "should
//! this new task wake somebody?" is one load:
//!
//! - wake nobody if a worker is already searching (it will find the task),
//!   or if nobody is asleep;
//! - otherwise pop one sleeper (under the lock) and make it searching.
//!
//! At most half of the workers search at once: beyond that, stealing costs
//! more in contention than it finds.
//!
//! Lost-wakeup freedom: a worker about to park that was the last searcher
//! re-checks every queue after leaving the searching state (see
//! `worker::Context::park`); a notifier that sees `searching > 0` relies on
//! that searcher, which will see the task because it re-checks after its
//! own transition, and the word's SeqCst read-modify-writes order the two.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Mutex;

pub(super) struct Idle {
    /// `unparked << 16 | searching`
    state: AtomicUsize,
    num_workers: usize,
    sleepers: Mutex<Vec<usize>>,
}

const UNPARK_SHIFT: usize = 16;
const SEARCH_MASK: usize = (1 << UNPARK_SHIFT) - 1;
const UNPARK_ONE: usize = 1 << UNPARK_SHIFT;

fn searching(state: usize) -> usize {
    state & SEARCH_MASK
}

fn unparked(state: usize) -> usize {
    state >> UNPARK_SHIFT
}

impl Idle {
    pub(super) fn new(num_workers: usize) -> Idle {
        assert!(num_workers < SEARCH_MASK, "too many workers");
        Idle {
            state: AtomicUsize::new(num_workers << UNPARK_SHIFT),
            num_workers,
            sleepers: Mutex::new(Vec::with_capacity(num_workers)),
        }
    }

    /// Picks a parked worker to wake for new work, marking it unparked and
    /// searching; `None` if waking one is not needed.
    pub(super) fn worker_to_notify(&self) -> Option<usize> {
        if !self.notify_should_wakeup() {
            return None;
        }
        let mut sleepers = self.sleepers.lock();
        // Re-check under the lock: another notifier may have woken one.
        if !self.notify_should_wakeup() {
            return None;
        }
        let worker = sleepers.pop()?;
        self.state.fetch_add(UNPARK_ONE | 1, SeqCst);
        Some(worker)
    }

    fn notify_should_wakeup(&self) -> bool {
        let state = self.state.fetch_add(0, SeqCst);
        searching(state) == 0 && unparked(state) < self.num_workers
    }

    /// The worker goes to sleep. Returns `true` if it was the last searching
    /// worker (it must then re-check the queues before sleeping).
    pub(super) fn transition_worker_to_parked(&self, worker: usize, is_searching: bool) -> bool {
        let mut sleepers = self.sleepers.lock();
        let dec = UNPARK_ONE + usize::from(is_searching);
        let prev = self.state.fetch_sub(dec, SeqCst);
        sleepers.push(worker);
        is_searching && searching(prev) == 1
    }

    /// A worker without work wants to steal; `false` if enough already search.
    pub(super) fn transition_worker_to_searching(&self) -> bool {
        let state = self.state.load(SeqCst);
        if 2 * searching(state) >= self.num_workers {
            return false;
        }
        self.state.fetch_add(1, SeqCst);
        true
    }

    /// A searching worker found work (or gave up). `true` if it was the last
    /// searcher: it must then wake another worker if work remains.
    pub(super) fn transition_worker_from_searching(&self) -> bool {
        let prev = self.state.fetch_sub(1, SeqCst);
        searching(prev) == 1
    }

    /// Takes `worker` off the sleepers list if it is there (woken by a
    /// driver event rather than a notification). `true` if it was there.
    pub(super) fn unpark_worker_by_id(&self, worker: usize) -> bool {
        let mut sleepers = self.sleepers.lock();
        if let Some(i) = sleepers.iter().position(|&w| w == worker) {
            sleepers.swap_remove(i);
            self.state.fetch_add(UNPARK_ONE, SeqCst);
            return true;
        }
        false
    }

    /// Whether `worker` is on the sleepers list (not notified yet).
    pub(super) fn is_parked(&self, worker: usize) -> bool {
        self.sleepers.lock().contains(&worker)
    }

    #[cfg(all(test, not(loom)))]
    fn num_searching(&self) -> usize {
        searching(self.state.load(SeqCst))
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn notify_wakes_one_sleeper_and_marks_it_searching() {
        let idle = Idle::new(2);
        assert_eq!(idle.worker_to_notify(), None, "nobody sleeps");
        assert!(!idle.transition_worker_to_parked(0, false));
        assert!(!idle.transition_worker_to_parked(1, false));
        let w = idle.worker_to_notify().unwrap();
        assert_eq!(idle.num_searching(), 1);
        assert_eq!(idle.worker_to_notify(), None, "a searcher exists");
        assert!(!idle.is_parked(w));
        assert!(idle.transition_worker_from_searching());
    }

    #[test]
    fn at_most_half_search() {
        let idle = Idle::new(4);
        assert!(idle.transition_worker_to_searching());
        assert!(idle.transition_worker_to_searching());
        assert!(!idle.transition_worker_to_searching());
    }

    #[test]
    fn last_searcher_parking_is_reported() {
        let idle = Idle::new(2);
        assert!(idle.transition_worker_to_searching());
        assert!(idle.transition_worker_to_parked(0, true));
        assert!(idle.unpark_worker_by_id(0));
        assert!(!idle.unpark_worker_by_id(0));
    }
}
