//! A slot for one waker, registered by one task and woken from any thread.
//!
//! The receiver of a channel registers its waker here; senders wake it. The
//! state word makes register and wake never block each other:
//!
//! 1. `register` moves `WAITING -> REGISTERING`, stores the waker, and moves
//!    back to `WAITING`. If a wake arrived meanwhile (the state became
//!    `REGISTERING | WAKING`), the registrant wakes its own waker before
//!    returning, so the wake is not lost.
//! 2. `wake` sets `WAKING`; if the state was `WAITING`, it owns the slot: it
//!    takes the waker, clears `WAKING`, and calls the waker. If a register is
//!    in progress, step 1 does the wake; if another wake is, that one does it.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::atomic::Ordering::{AcqRel, Acquire, Release};
use std::fmt;
use std::task::Waker;

const WAITING: usize = 0;
const REGISTERING: usize = 0b01;
const WAKING: usize = 0b10;

pub(super) struct AtomicWaker {
    state: AtomicUsize,
    waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the waker cell is only accessed by whoever owns it through the
// state word (the registrant in REGISTERING, the waker in WAKING from
// WAITING), one at a time; `Waker` is `Send + Sync`.
unsafe impl Send for AtomicWaker {}
// SAFETY: as above.
unsafe impl Sync for AtomicWaker {}

impl AtomicWaker {
    pub(super) fn new() -> AtomicWaker {
        AtomicWaker {
            state: AtomicUsize::new(WAITING),
            waker: UnsafeCell::new(None),
        }
    }

    /// Registers `waker` to be woken by the next `wake` (protocol step 1).
    /// Only one thread registers at a time (the channel's receiver).
    pub(super) fn register_by_ref(&self, waker: &Waker) {
        match self
            .state
            .compare_exchange(WAITING, REGISTERING, Acquire, Acquire)
        {
            Ok(_) => {
                self.waker.with_mut(|slot| {
                    // SAFETY: REGISTERING gives this thread the slot.
                    let slot = unsafe { &mut *slot };
                    if !slot.as_ref().is_some_and(|w| w.will_wake(waker)) {
                        *slot = Some(waker.clone());
                    }
                });
                if self
                    .state
                    .compare_exchange(REGISTERING, WAITING, AcqRel, Acquire)
                    .is_err()
                {
                    // A wake came in while registering: deliver it here.
                    // SAFETY: still REGISTERING, the slot is ours.
                    let taken = self.waker.with_mut(|slot| unsafe { (*slot).take() });
                    self.state.swap(WAITING, AcqRel);
                    if let Some(w) = taken {
                        w.wake();
                    }
                }
            }
            Err(WAKING) => {
                // A wake is being delivered right now; it may have taken the
                // old waker. Wake the new one so that nothing is missed.
                waker.wake_by_ref();
                // The caller will poll again at once; under the model
                // checker, let the waking thread finish first, as the OS
                // scheduler eventually would.
                #[cfg(loom)]
                crate::loom::thread::yield_now();
            }
            Err(_) => {
                // Another registration in progress: cannot happen with one
                // registrant, but waking is always safe.
                waker.wake_by_ref();
            }
        }
    }

    /// Wakes the registered waker, if any (protocol step 2).
    pub(super) fn wake(&self) {
        if let Some(waker) = self.take_waker() {
            waker.wake();
        }
    }

    /// Takes the registered waker without waking it.
    pub(super) fn take_waker(&self) -> Option<Waker> {
        match self.state.fetch_or(WAKING, AcqRel) {
            WAITING => {
                // SAFETY: WAKING from WAITING gives this thread the slot.
                let waker = self.waker.with_mut(|slot| unsafe { (*slot).take() });
                self.state.fetch_and(!WAKING, Release);
                waker
            }
            _ => None,
        }
    }
}

impl fmt::Debug for AtomicWaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AtomicWaker")
    }
}
