//! A slot for one waker, registered by one task and woken from any thread.
//!
//! The receiver of a channel registers its waker here; senders wake it. The
//! state word makes register and wake never block each other, and lets a
//! wake that finds nobody to wake cost a load instead of two read-modify-
//! writes of a cache line that every sender shares:
//!
//! 1. `register` moves `IDLE | FULL -> REGISTERING` (keeping `FULL`), stores
//!    the waker, and moves to `FULL`. If a wake arrived meanwhile (`WAKING`
//!    was set), the registrant wakes its own waker before returning and
//!    leaves the slot empty (`IDLE`), so the wake is not lost.
//! 2. `wake` returns at once if the state is `IDLE` (no waker, no register
//!    in progress). Else it sets `WAKING`; if nobody else held the slot
//!    (neither `REGISTERING` nor `WAKING` was set), it owns it: it takes the
//!    waker, clears `WAKING` and `FULL`, and calls the waker. If a register is in
//!    progress, step 1 does the wake; if another wake is, that one does it.
//!
//! The `IDLE` shortcut reads the state without writing it, so nothing
//! synchronises the waker with a registrant through the state word; a
//! `SeqCst` fence on each side does (the store-buffering pattern): the
//! sender fences between publishing its value and reading the state, the
//! registrant between writing `FULL` and its caller's next look at the
//! queue. Whichever fence comes first in the single total order, the other
//! side sees its write: either the wake sees `FULL`, or the receiver sees
//! the value and does not sleep.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release, SeqCst};
use crate::loom::sync::atomic::{fence, AtomicUsize};
use std::fmt;
use std::task::Waker;

/// No waker in the slot, nobody registering or waking.
const IDLE: usize = 0;
const REGISTERING: usize = 0b001;
const WAKING: usize = 0b010;
/// The slot holds a waker.
const FULL: usize = 0b100;

pub(super) struct AtomicWaker {
    state: AtomicUsize,
    waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the waker cell is only accessed by whoever owns it through the
// state word (the registrant in REGISTERING, the waker that set WAKING
// while neither bit was set), one at a time; `Waker` is `Send + Sync`.
unsafe impl Send for AtomicWaker {}
// SAFETY: as above.
unsafe impl Sync for AtomicWaker {}

impl AtomicWaker {
    pub(super) fn new() -> AtomicWaker {
        AtomicWaker {
            state: AtomicUsize::new(IDLE),
            waker: UnsafeCell::new(None),
        }
    }

    /// Registers `waker` to be woken by the next `wake` (protocol step 1).
    /// Only one thread registers at a time (the channel's receiver). The
    /// caller looks at its queue again afterwards: that look is ordered
    /// after the registration (see the module docs).
    pub(super) fn register_by_ref(&self, waker: &Waker) {
        let mut state = self.state.load(Relaxed);
        loop {
            if state & WAKING != 0 {
                // A wake is being delivered right now; it may have taken the
                // old waker. Wake the new one so that nothing is missed.
                waker.wake_by_ref();
                // The caller will poll again at once; under the model
                // checker, let the waking thread finish first, as the OS
                // scheduler eventually would.
                #[cfg(loom)]
                crate::loom::thread::yield_now();
                return;
            }
            if state & REGISTERING != 0 {
                // Another registration in progress: cannot happen with one
                // registrant, but waking is always safe.
                waker.wake_by_ref();
                return;
            }
            match self
                .state
                .compare_exchange_weak(state, state | REGISTERING, Acquire, Relaxed)
            {
                Ok(_) => break,
                Err(actual) => state = actual,
            }
        }
        self.waker.with_mut(|slot| {
            // SAFETY: REGISTERING gives this thread the slot.
            let slot = unsafe { &mut *slot };
            if !slot.as_ref().is_some_and(|w| w.will_wake(waker)) {
                *slot = Some(waker.clone());
            }
        });
        if self
            .state
            .compare_exchange(state | REGISTERING, FULL, AcqRel, Acquire)
            .is_ok()
        {
            // Orders the caller's next look at the queue after `FULL`.
            fence(SeqCst);
            return;
        }
        // A wake came in while registering: deliver it here.
        // SAFETY: still REGISTERING, the slot is ours.
        let taken = self.waker.with_mut(|slot| unsafe { (*slot).take() });
        self.state.swap(IDLE, AcqRel);
        if let Some(w) = taken {
            w.wake();
        }
    }

    /// Wakes the registered waker, if any (protocol step 2). Called after
    /// the value (or the close) the receiver should see is published.
    pub(super) fn wake(&self) {
        if let Some(waker) = self.take_waker() {
            waker.wake();
        }
    }

    /// Takes the registered waker without waking it.
    pub(super) fn take_waker(&self) -> Option<Waker> {
        // Orders the caller's publication before the look at the state.
        fence(SeqCst);
        if self.state.load(Relaxed) == IDLE {
            return None;
        }
        if self.state.fetch_or(WAKING, AcqRel) & (REGISTERING | WAKING) != 0 {
            return None;
        }
        // SAFETY: WAKING set while neither bit was: the slot is ours.
        let waker = self.waker.with_mut(|slot| unsafe { (*slot).take() });
        // A read-modify-write, not a store of `IDLE`: a wake that set
        // `WAKING` meanwhile (and left) stays in the release sequence, so
        // the registrant that reads this value also sees that sender's
        // value (loom finds a lost wake with a plain store).
        self.state.fetch_and(!(WAKING | FULL), Release);
        waker
    }
}

impl fmt::Debug for AtomicWaker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AtomicWaker")
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::AtomicWaker;
    use crate::loom::sync::atomic::{
        AtomicUsize,
        Ordering::{Acquire, Release},
    };
    use crate::loom::sync::Arc;
    use crate::loom::thread;
    use loom::future::block_on;
    use std::future::poll_fn;
    use std::task::Poll;

    /// `senders` threads each publish a value (with `Release`, as
    /// `block::Block::write` does) and wake; the receiver looks (`Acquire`),
    /// registers, looks again and sleeps, as `chan::Rx::recv` does, until it
    /// has seen every value. A lost wake leaves it asleep: loom reports the
    /// deadlock.
    fn receiver_sees_every_value(senders: usize) {
        loom::model(move || {
            let shared = Arc::new((AtomicWaker::new(), AtomicUsize::new(0)));
            let threads: Vec<_> = (0..senders)
                .map(|_| {
                    let shared = shared.clone();
                    thread::spawn(move || {
                        shared.1.fetch_add(1, Release);
                        shared.0.wake();
                    })
                })
                .collect();
            block_on(poll_fn(|cx| {
                if shared.1.load(Acquire) == senders {
                    return Poll::Ready(());
                }
                shared.0.register_by_ref(cx.waker());
                if shared.1.load(Acquire) == senders {
                    Poll::Ready(())
                } else {
                    Poll::Pending
                }
            }));
            for t in threads {
                t.join().unwrap();
            }
        });
    }

    #[test]
    fn one_sender_wake_is_never_lost() {
        receiver_sees_every_value(1);
    }

    #[test]
    fn two_senders_wakes_are_never_lost() {
        receiver_sees_every_value(2);
    }
}
