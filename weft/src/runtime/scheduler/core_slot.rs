//! Where a current-thread runtime's core waits between `block_on` calls.
//!
//! One thread at a time runs the scheduler: it takes the core out of the
//! slot, and puts it back when its `block_on` returns. Threads that found the
//! slot empty wait (their `block_on` polls only their own future) and are
//! woken when the core comes back.
//!
//! Taking and returning are one atomic swap each, as every `block_on` does
//! both; the waiters' list is locked only when there are waiters. A waiter
//! counts itself in `waiters` before it looks at the slot, and a returning
//! thread fills the slot before it reads `waiters`, each with a `SeqCst`
//! fence between its write and its read: of the two fences, the later one
//! sees the other side's write, so the waiter either finds the core or is
//! woken. (Fences rather than `SeqCst` accesses alone: loom models only the
//! fences' total order, and checks this.)

use crate::loom::sync::atomic::{fence, AtomicPtr, AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Mutex;
use std::ptr;
use std::task::Waker;

pub(crate) struct CoreSlot<T> {
    core: AtomicPtr<T>,
    /// How many wakers `waiting` holds (updated under its lock).
    waiters: AtomicUsize,
    waiting: Mutex<Vec<Waker>>,
}

impl<T> CoreSlot<T> {
    pub(crate) fn new(core: Box<T>) -> CoreSlot<T> {
        CoreSlot {
            core: AtomicPtr::new(Box::into_raw(core)),
            waiters: AtomicUsize::new(0),
            waiting: Mutex::new(Vec::new()),
        }
    }

    /// Takes the core, if no thread holds it.
    pub(crate) fn take(&self) -> Option<Box<T>> {
        let ptr = self.core.swap(ptr::null_mut(), SeqCst);
        // SAFETY: a non-null pointer came from `Box::into_raw` (`new` or
        // `put`), and the swap made this thread its only owner.
        (!ptr.is_null()).then(|| unsafe { Box::from_raw(ptr) })
    }

    /// Returns the core and wakes the threads waiting for it.
    pub(crate) fn put(&self, core: Box<T>) {
        let old = self.core.swap(Box::into_raw(core), SeqCst);
        assert!(old.is_null(), "a current-thread core was returned twice");
        fence(SeqCst);
        if self.waiters.load(SeqCst) != 0 {
            let woken = {
                let mut waiting = self.waiting.lock();
                self.waiters.store(0, SeqCst);
                std::mem::take(&mut *waiting)
            };
            for waker in woken {
                waker.wake();
            }
        }
    }

    /// Registers `waker` to be woken when the core is returned; `true` if it
    /// is there already (take it instead of waiting).
    pub(crate) fn wait(&self, waker: &Waker) -> bool {
        {
            let mut waiting = self.waiting.lock();
            waiting.push(waker.clone());
            self.waiters.fetch_add(1, SeqCst);
        }
        fence(SeqCst);
        !self.core.load(SeqCst).is_null()
    }
}

impl<T> Drop for CoreSlot<T> {
    fn drop(&mut self) {
        // A `block_on` that panicked while holding the core never returns
        // it; otherwise the core is here, and dropped with the slot.
        drop(self.take());
    }
}

impl<T> std::fmt::Debug for CoreSlot<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CoreSlot")
            .field("held", &self.core.load(SeqCst).is_null())
            .field("waiters", &self.waiters.load(SeqCst))
            .finish()
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::CoreSlot;
    use crate::loom::sync::atomic::{AtomicBool, Ordering::SeqCst};
    use crate::loom::sync::Arc;
    use crate::loom::thread;
    use std::task::{Wake, Waker};

    struct Flag(AtomicBool);
    impl Wake for Flag {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.store(true, SeqCst);
        }
    }

    /// A thread that finds the core taken either sees it back or is woken.
    #[test]
    fn a_waiter_never_misses_the_return() {
        loom::model(|| {
            let slot = Arc::new(CoreSlot::new(Box::new(5_u32)));
            let core = slot.take().expect("the core starts in the slot");
            let s = slot.clone();
            let holder = thread::spawn(move || s.put(core));
            let flag = std::sync::Arc::new(Flag(AtomicBool::new(false)));
            let waker = Waker::from(flag.clone());
            let there = slot.wait(&waker);
            holder.join().unwrap();
            assert!(there || flag.0.load(SeqCst), "the waiter was lost");
            assert_eq!(slot.take().as_deref(), Some(&5));
        });
    }

    /// Two threads race to take and return the core: never both hold it.
    #[test]
    fn racing_takers_never_share_the_core() {
        use crate::loom::sync::atomic::AtomicUsize;
        loom::model(|| {
            let slot = Arc::new(CoreSlot::new(Box::new(1_u8)));
            let holders = Arc::new(AtomicUsize::new(0));
            let run = |slot: &CoreSlot<u8>, holders: &AtomicUsize| {
                if let Some(core) = slot.take() {
                    assert_eq!(holders.fetch_add(1, SeqCst), 0, "two holders");
                    holders.fetch_sub(1, SeqCst);
                    slot.put(core);
                }
            };
            let (s, h) = (slot.clone(), holders.clone());
            let other = thread::spawn(move || run(&s, &h));
            run(&slot, &holders);
            other.join().unwrap();
            assert!(slot.take().is_some(), "the core is back");
        });
    }
}
