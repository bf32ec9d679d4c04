//! A batch of wakers collected under a lock and woken after it is released.
//!
//! Waking runs foreign code (the waker's scheduler), which must never run
//! while one of weft's locks is held: it could re-enter the same primitive
//! and deadlock. So a notifier moves the wakers it wants to wake into a
//! [`WakeList`] under the lock, drops the lock, then calls
//! [`WakeList::wake_all`]. The first [`INLINE`] wakers live inline (no
//! allocation for the common case); more spill into a `Vec`.

use std::mem::MaybeUninit;
use std::task::Waker;

/// Wakers kept inline before spilling to the heap.
pub(crate) const INLINE: usize = 32;

/// Wakers to wake once the lock is released.
pub(crate) struct WakeList {
    inline: [MaybeUninit<Waker>; INLINE],
    /// Number of initialised slots at the front of `inline`.
    len: usize,
    spill: Vec<Waker>,
}

impl WakeList {
    /// An empty list.
    pub(crate) fn new() -> WakeList {
        WakeList {
            inline: [const { MaybeUninit::uninit() }; INLINE],
            len: 0,
            spill: Vec::new(),
        }
    }

    /// Whether the inline part is full (callers that prefer to release the
    /// lock in batches rather than spill check this).
    pub(crate) fn can_push(&self) -> bool {
        self.len < INLINE
    }

    /// Adds a waker.
    pub(crate) fn push(&mut self, waker: Waker) {
        if self.len < INLINE {
            self.inline[self.len].write(waker);
            self.len += 1;
        } else {
            self.spill.push(waker);
        }
    }

    /// Wakes every waker, emptying the list.
    pub(crate) fn wake_all(&mut self) {
        // Take them out first: a panicking waker must not leave the list
        // pointing at moved-out slots (Drop would drop them twice).
        let len = std::mem::replace(&mut self.len, 0);
        let spill = std::mem::take(&mut self.spill);
        let mut rest = self.inline[..len].iter_mut();
        struct DropRest<'a, I: Iterator<Item = &'a mut MaybeUninit<Waker>>>(I);
        impl<'a, I: Iterator<Item = &'a mut MaybeUninit<Waker>>> Drop for DropRest<'a, I> {
            fn drop(&mut self) {
                for slot in &mut self.0 {
                    // SAFETY: slots below the old `len` are initialised and
                    // each is read exactly once (the iterator moves on).
                    drop(unsafe { slot.assume_init_read() });
                }
            }
        }
        let mut guard = DropRest(&mut rest);
        for slot in &mut guard.0 {
            // SAFETY: as in `DropRest`: initialised, read once.
            unsafe { slot.assume_init_read() }.wake();
        }
        drop(guard);
        for waker in spill {
            waker.wake();
        }
    }
}

impl Drop for WakeList {
    fn drop(&mut self) {
        for slot in &mut self.inline[..self.len] {
            // SAFETY: slots below `len` are initialised; `len` is not read again.
            unsafe { slot.assume_init_drop() };
        }
    }
}

impl std::fmt::Debug for WakeList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WakeList")
            .field("len", &(self.len + self.spill.len()))
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::task::Wake;

    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn wakes_inline_and_spilled_once_each() {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let mut list = WakeList::new();
        for _ in 0..(INLINE + 5) {
            list.push(Waker::from(count.clone()));
        }
        assert!(!list.can_push());
        list.wake_all();
        assert_eq!(count.0.load(Ordering::SeqCst), INLINE + 5);
        assert!(list.can_push());
        list.wake_all();
        assert_eq!(count.0.load(Ordering::SeqCst), INLINE + 5);
        // Every waker clone was consumed: only our handle is left.
        assert_eq!(Arc::strong_count(&count), 1);
    }

    #[test]
    fn drop_releases_unwoken_wakers() {
        let count = Arc::new(Count(AtomicUsize::new(0)));
        let mut list = WakeList::new();
        list.push(Waker::from(count.clone()));
        drop(list);
        assert_eq!(count.0.load(Ordering::SeqCst), 0);
        assert_eq!(Arc::strong_count(&count), 1);
    }
}
