//! `Delivery`: the deliveries of one signal number, and the `Listener`s
//! (one per `Signal`) that wait for them.
//!
//! A signal handler may only do async-signal-safe work, so it cannot wake
//! tasks itself. Delivery therefore happens in two halves, joined by the
//! self-pipe of `registry`:
//!
//! ```text
//! signal handler ── pending = true ──▶ Delivery ◀── swap(pending, false) ── I/O driver
//!        └──────── one byte ──▶ self-pipe ──▶ epoll of every runtime ──┘      │
//!                                                                           broadcast:
//!                                                 version += 1, wake every waiting Listener
//! ```
//!
//! The protocol, in numbered steps (the loom models below check 1 to 5):
//! 1. `record` (in the handler) sets `pending`, then the handler writes one
//!    byte to the self-pipe. Both are async-signal-safe (an atomic store and
//!    `write(2)`).
//! 2. A driver woken by the byte drains the pipe, *then* calls
//!    `take_pending` on every `Delivery`. A signal whose byte was drained is
//!    therefore always seen as pending (its flag was set before its byte
//!    was written); a signal arriving after the swap writes a new byte,
//!    which wakes the drivers again. Several signals before one swap are
//!    coalesced into one broadcast, as in Tokio.
//! 3. `broadcast` increments `version` while holding the waiter lock, then
//!    takes every registered waker and wakes them after the lock is
//!    released (in batches, see `WakeList`).
//! 4. A `Listener` remembers the last `version` it reported (`seen`, the
//!    version current when it was created). `poll_recv` first compares
//!    without the lock (fast path); otherwise it takes the lock, compares
//!    again, and only then stores its waker. Because step 3 changes the
//!    version under the same lock, a broadcast either is seen by that second
//!    comparison or finds the waker: no wake-up is lost.
//! 5. A change of `version` is reported once, however many broadcasts it
//!    covers (coalescing, as Tokio's `Signal` does: every item stands for at
//!    least one signal). A signal arriving after `poll_recv` returned
//!    `Pending`, or between two `recv` calls, moves `version` past `seen`
//!    and is reported by the next poll.
//!
//! Every listener of a signal sees every broadcast, whichever runtime it
//! belongs to: the `Delivery` is process-wide and any runtime's driver may
//! run step 2 (the first to drain the pipe does; the rest find it empty).

use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use crate::loom::sync::{Arc, Mutex};
use crate::util::wake_list::WakeList;
use std::fmt;
use std::task::{ready, Context, Poll, Waker};

/// The deliveries of one signal number (step 1 to 3 of the module doc).
pub(crate) struct Delivery {
    /// Set by the signal handler (step 1), cleared by the driver (step 2).
    pending: AtomicBool,
    /// Number of broadcasts so far; changed only under `waiters` (step 3),
    /// read without it by the fast path of step 4. Wraps; a listener would
    /// have to miss exactly `usize::MAX + 1` broadcasts to be fooled.
    version: AtomicUsize,
    waiters: Mutex<Waiters>,
}

/// One slot per live `Listener`; slots are reused after a listener drops.
#[derive(Debug, Default)]
struct Waiters {
    slots: Vec<Slot>,
    /// Indices of vacant slots.
    free: Vec<usize>,
}

#[derive(Debug)]
enum Slot {
    Vacant,
    /// A listener that is not waiting (never polled, or woken since).
    Idle,
    /// A listener whose last poll returned `Pending`.
    Waiting(Waker),
}

/// One `Signal`'s view of a `Delivery` (step 4 of the module doc).
pub(crate) struct Listener {
    delivery: Arc<Delivery>,
    /// The version last reported (or current at creation).
    seen: usize,
    /// This listener's slot in `delivery.waiters`.
    slot: usize,
}

impl Delivery {
    pub(crate) fn new() -> Delivery {
        Delivery {
            pending: AtomicBool::new(false),
            version: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters::default()),
        }
    }

    /// Step 1: marks the signal as arrived. Async-signal-safe (one atomic
    /// store, no allocation, no lock): the signal handler calls it.
    pub(crate) fn record(&self) {
        // A swap rather than a store: the same instruction on x86 for
        // `SeqCst`, and loom (0.7) can order a plain store before a racing
        // swap that already read the older value, which real hardware never
        // does; with two read-modify-writes the model is exact.
        self.pending.swap(true, Ordering::SeqCst);
    }

    /// Step 2: whether the signal arrived since the last call; clears the mark.
    pub(crate) fn take_pending(&self) -> bool {
        // Cheap check first: a driver runs this for every signal number on
        // each wake-up, and most are never pending.
        self.pending.load(Ordering::SeqCst) && self.pending.swap(false, Ordering::SeqCst)
    }

    /// Step 3: tells every listener that the signal arrived (again).
    pub(crate) fn broadcast(&self) {
        let mut wakers = WakeList::new();
        let mut waiters = self.waiters.lock();
        // Under the lock: see step 4 for why.
        self.version.fetch_add(1, Ordering::Release);
        let mut index = 0;
        while index < waiters.slots.len() {
            if let Slot::Waiting(_) = waiters.slots[index] {
                if let Slot::Waiting(waker) =
                    std::mem::replace(&mut waiters.slots[index], Slot::Idle)
                {
                    wakers.push(waker);
                }
                // Wake in batches, never holding the lock while foreign code
                // runs. Slots at or below `index` that are filled again
                // meanwhile belong to listeners that will see the new
                // version themselves; later slots keep their index.
                if !wakers.can_push() {
                    drop(waiters);
                    wakers.wake_all();
                    waiters = self.waiters.lock();
                }
            }
            index += 1;
        }
        drop(waiters);
        wakers.wake_all();
    }
}

impl Listener {
    /// A new listener that reports broadcasts made from now on.
    pub(crate) fn new(delivery: &Arc<Delivery>) -> Listener {
        let mut waiters = delivery.waiters.lock();
        let slot = match waiters.free.pop() {
            Some(slot) => {
                waiters.slots[slot] = Slot::Idle;
                slot
            }
            None => {
                waiters.slots.push(Slot::Idle);
                waiters.slots.len() - 1
            }
        };
        // Read under the lock so that a concurrent broadcast is either
        // counted in `seen` or reported to this listener.
        let seen = delivery.version.load(Ordering::Acquire);
        drop(waiters);
        Listener {
            delivery: delivery.clone(),
            seen,
            slot,
        }
    }

    /// Step 4: `Ready` once the signal arrived since the last `Ready` (or
    /// since this listener was created); otherwise registers `cx`'s waker.
    /// Consumes one unit of the task's cooperative budget when ready.
    pub(crate) fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        let ready = self.poll_version(cx);
        if ready.is_ready() {
            coop.made_progress();
        }
        ready
    }

    fn poll_version(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let delivery = &*self.delivery;
        // Fast path without the lock.
        let version = delivery.version.load(Ordering::Acquire);
        if version != self.seen {
            self.seen = version;
            return Poll::Ready(());
        }
        let mut waiters = delivery.waiters.lock();
        let version = delivery.version.load(Ordering::Acquire);
        if version != self.seen {
            self.seen = version;
            return Poll::Ready(());
        }
        let slot = &mut waiters.slots[self.slot];
        match slot {
            Slot::Waiting(waker) if waker.will_wake(cx.waker()) => {}
            _ => *slot = Slot::Waiting(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl Drop for Listener {
    fn drop(&mut self) {
        let mut waiters = self.delivery.waiters.lock();
        // The waker (if any) is dropped after the lock is released.
        let old = std::mem::replace(&mut waiters.slots[self.slot], Slot::Vacant);
        waiters.free.push(self.slot);
        drop(waiters);
        drop(old);
    }
}

impl fmt::Debug for Delivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Delivery")
            .field("pending", &self.pending.load(Ordering::Relaxed))
            .field("version", &self.version.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Listener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listener")
            .field("seen", &self.seen)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize as StdAtomicUsize;
    use std::task::Wake;

    struct CountWakes(StdAtomicUsize);

    impl Wake for CountWakes {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counter() -> (std::sync::Arc<CountWakes>, Waker) {
        let count = std::sync::Arc::new(CountWakes(StdAtomicUsize::new(0)));
        let waker = Waker::from(count.clone());
        (count, waker)
    }

    #[test]
    fn take_pending_reports_each_record_once() {
        let delivery = Delivery::new();
        assert!(!delivery.take_pending());
        delivery.record();
        delivery.record();
        assert!(delivery.take_pending(), "two records coalesce into one");
        assert!(!delivery.take_pending());
    }

    #[test]
    fn broadcast_before_poll_is_not_lost_and_coalesces() {
        let delivery = Arc::new(Delivery::new());
        let mut listener = Listener::new(&delivery);
        let (count, waker) = counter();
        let mut cx = Context::from_waker(&waker);
        delivery.broadcast();
        delivery.broadcast();
        assert!(listener.poll_recv(&mut cx).is_ready());
        assert!(
            listener.poll_recv(&mut cx).is_pending(),
            "two broadcasts between polls are reported once"
        );
        assert_eq!(count.0.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn broadcast_before_listen_is_not_reported() {
        let delivery = Arc::new(Delivery::new());
        delivery.broadcast();
        let mut listener = Listener::new(&delivery);
        let (_count, waker) = counter();
        assert!(listener
            .poll_recv(&mut Context::from_waker(&waker))
            .is_pending());
    }

    #[test]
    fn every_waiting_listener_is_woken_once() {
        let delivery = Arc::new(Delivery::new());
        // More listeners than a WakeList holds inline: exercises the batches.
        let n = crate::util::wake_list::INLINE * 2 + 3;
        let (count, waker) = counter();
        let mut cx = Context::from_waker(&waker);
        let mut listeners: Vec<Listener> = (0..n).map(|_| Listener::new(&delivery)).collect();
        for l in &mut listeners {
            assert!(l.poll_recv(&mut cx).is_pending());
        }
        // Polling again with the same waker does not register twice.
        assert!(listeners[0].poll_recv(&mut cx).is_pending());
        delivery.broadcast();
        assert_eq!(count.0.load(Ordering::SeqCst), n);
        for l in &mut listeners {
            assert!(l.poll_recv(&mut cx).is_ready());
        }
        // Woken listeners are idle again: another broadcast wakes nobody.
        delivery.broadcast();
        assert_eq!(count.0.load(Ordering::SeqCst), n);
    }

    #[test]
    fn dropped_listener_frees_its_slot_and_waker() {
        let delivery = Arc::new(Delivery::new());
        let (count, waker) = counter();
        let mut cx = Context::from_waker(&waker);
        let mut first = Listener::new(&delivery);
        assert!(first.poll_recv(&mut cx).is_pending());
        drop(first);
        assert_eq!(
            std::sync::Arc::strong_count(&count),
            2,
            "the dropped listener's waker clone is released"
        );
        let mut second = Listener::new(&delivery);
        assert_eq!(delivery.waiters.lock().slots.len(), 1, "slot reused");
        assert!(second.poll_recv(&mut cx).is_pending());
        delivery.broadcast();
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        assert!(second.poll_recv(&mut cx).is_ready());
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::sync::atomic::AtomicBool;
    use crate::loom::thread;
    use std::future::poll_fn;

    /// Steps 1 and 2: the handler (record, then "write a byte") racing with
    /// a driver turn (drain the byte if there is one, then take the pending
    /// flag and broadcast), then the driver's next turn, which the byte
    /// written by the handler triggers if the first turn missed it. The
    /// listener, created before the signal, sees it exactly once.
    #[test]
    fn signal_is_never_lost_between_handler_and_driver() {
        fn driver_turn(delivery: &Delivery, byte: &AtomicBool) {
            if byte.swap(false, Ordering::SeqCst) && delivery.take_pending() {
                delivery.broadcast();
            }
        }
        loom::model(|| {
            let delivery = Arc::new(Delivery::new());
            let byte = Arc::new(AtomicBool::new(false));
            let mut listener = Listener::new(&delivery);

            let (d, b) = (delivery.clone(), byte.clone());
            let handler = thread::spawn(move || {
                d.record();
                // A swap, not a store: see `record`.
                b.swap(true, Ordering::SeqCst);
            });
            let (d, b) = (delivery.clone(), byte.clone());
            let driver = thread::spawn(move || driver_turn(&d, &b));
            let mut cx = Context::from_waker(Waker::noop());
            let early = listener.poll_recv(&mut cx).is_ready();
            handler.join().unwrap();
            driver.join().unwrap();
            // The next turn: runs only if a byte is left in the pipe.
            driver_turn(&delivery, &byte);
            assert!(!byte.load(Ordering::SeqCst));
            assert!(
                !delivery.take_pending(),
                "no recorded signal is left behind"
            );
            let late = listener.poll_recv(&mut cx).is_ready();
            assert!(early ^ late, "reported exactly once");
        });
    }

    /// Steps 3 and 4: two listeners polling while a broadcast runs are both
    /// woken (or see the new version directly); none misses it.
    #[test]
    fn broadcast_racing_with_polls_reaches_every_listener() {
        loom::model(|| {
            let delivery = Arc::new(Delivery::new());
            let mut first = Listener::new(&delivery);
            let mut second = Listener::new(&delivery);
            let d = delivery.clone();
            let broadcaster = thread::spawn(move || d.broadcast());
            let other = thread::spawn(move || {
                loom::future::block_on(poll_fn(|cx| second.poll_recv(cx)));
            });
            loom::future::block_on(poll_fn(|cx| first.poll_recv(cx)));
            broadcaster.join().unwrap();
            other.join().unwrap();
        });
    }

    /// Step 5: a broadcast racing with a listener's creation is counted
    /// exactly once: either in its starting version or by its first poll.
    /// A second broadcast after that is reported again.
    #[test]
    fn listen_racing_with_broadcast_then_second_signal() {
        loom::model(|| {
            let delivery = Arc::new(Delivery::new());
            let d = delivery.clone();
            let broadcaster = thread::spawn(move || d.broadcast());
            let mut listener = Listener::new(&delivery);
            broadcaster.join().unwrap();
            // Ready or not (depending on the interleaving), the first poll
            // leaves the listener in step with the one broadcast made.
            let _ = listener.poll_recv(&mut Context::from_waker(Waker::noop()));
            assert_eq!(listener.seen, 1, "the broadcast is accounted for");
            let d = delivery.clone();
            let second = thread::spawn(move || d.broadcast());
            loom::future::block_on(poll_fn(|cx| listener.poll_recv(cx)));
            assert_eq!(listener.seen, 2);
            second.join().unwrap();
        });
    }

    /// A listener dropped (and its slot reused by a new one) while a
    /// broadcast runs does not keep the remaining listener from being woken.
    #[test]
    fn drop_and_relisten_racing_with_broadcast() {
        loom::model(|| {
            let delivery = Arc::new(Delivery::new());
            let mut kept = Listener::new(&delivery);
            let dropped = Listener::new(&delivery);
            let d = delivery.clone();
            let churn = thread::spawn(move || {
                drop(dropped);
                // Takes the freed slot; created before or after the
                // broadcast, it must be in step with the version.
                let fresh = Listener::new(&d);
                assert!(fresh.seen <= 1);
            });
            let d = delivery.clone();
            let broadcaster = thread::spawn(move || d.broadcast());
            loom::future::block_on(poll_fn(|cx| kept.poll_recv(cx)));
            churn.join().unwrap();
            broadcaster.join().unwrap();
        });
    }
}
