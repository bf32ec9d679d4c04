//! `Notify`: wake one task, or all waiting tasks, without sending data.
//!
//! # Protocol
//!
//! `Notify` has an atomic state word and a mutex-guarded intrusive list of
//! waiters. The word's two low bits are one of [`EMPTY`], [`WAITING`] or
//! [`NOTIFIED`]; the bits above count the calls to `notify_waiters`.
//!
//! 1. `EMPTY <-> NOTIFIED` (storing or consuming the single permit) happen
//!    with a lock-free CAS: `notify_one` with nobody waiting, and a
//!    `Notified` consuming the permit, never take the lock.
//! 2. Any transition to or from `WAITING`, and every change of the call
//!    counter, happens with the lock held. So under the lock, `WAITING` means
//!    exactly "the list is not empty".
//! 3. A `Waiter` lives inside its pinned `Notified` future. Its waker is
//!    only touched under the lock, and its `notification` only written
//!    under it. A waiter is on the list exactly while its future is
//!    `Waiting` and `notification` is unset; notifiers pop it, take its
//!    waker and then set `notification` (release) in one critical section,
//!    so a future that sees it set (acquire) completes without the lock.
//! 4. New waiters go to the front; `notify_one` takes from the back (FIFO),
//!    `notify_last` from the front (LIFO).
//! 5. A `Notified` records the call counter when created. If the counter has
//!    moved when it is first polled, a `notify_waiters` happened after its
//!    creation: it completes without consuming the permit.
//! 6. A waiter notified by `notify_one`/`notify_last` but dropped before it
//!    saw the notification passes it on (same strategy), so no permit is
//!    lost. `notify_waiters` notifications are not passed on.
//! 7. Wakers are never woken nor dropped with the lock held: a waker's `Drop`
//!    or `wake` may call back into the same `Notify`.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::Mutex;
use crate::util::linked_list::{self, LinkedList, Pointers};
use crate::util::wake_list::WakeList;
use std::fmt;
use std::marker::PhantomPinned;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::task::Waker;

mod notified;
use self::notified::Wait;
pub use self::notified::{Notified, OwnedNotified};

/// Nobody waits and no permit is stored.
const EMPTY: usize = 0;
/// At least one waiter is on the list (only changes under the lock).
const WAITING: usize = 1;
/// One permit is stored; nobody waits.
const NOTIFIED: usize = 2;
const STATE_MASK: usize = 0b11;
/// One `notify_waiters` call, in the counter above the state bits.
const CALL: usize = 1 << 2;

fn get_state(word: usize) -> usize {
    word & STATE_MASK
}

fn with_state(word: usize, state: usize) -> usize {
    (word & !STATE_MASK) | state
}

fn calls(word: usize) -> usize {
    word >> 2
}

/// Notifies a single task to wake up, or all waiting tasks.
///
/// `Notify` is a basic mechanism to notify a task about an event; it carries
/// no data. Think of it as a semaphore starting with zero permits that holds
/// at most one: [`notify_one`](Notify::notify_one) releases the permit if
/// nobody waits, and [`notified().await`](Notify::notified) waits for it.
///
/// [`notify_waiters`](Notify::notify_waiters) wakes every task currently
/// waiting (including `Notified` futures created but not yet polled), and
/// stores no permit.
///
/// ```
/// use std::sync::Arc;
/// use weft::sync::Notify;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let notify = Arc::new(Notify::new());
/// let notify2 = notify.clone();
/// let handle = weft::spawn(async move {
///     notify2.notified().await;
///     "received"
/// });
/// notify.notify_one();
/// assert_eq!(handle.await.unwrap(), "received");
/// # }
/// ```
pub struct Notify {
    state: AtomicUsize,
    waiters: Mutex<LinkedList<Waiter>>,
}

// SAFETY: the list holds pointers to waiters inside `Notified` futures, which
// are only dereferenced under the mutex (protocol rule 3); the futures
// themselves are `Send`/`Sync` (see below).
unsafe impl Send for Notify {}
// SAFETY: as above.
unsafe impl Sync for Notify {}

impl UnwindSafe for Notify {}
impl RefUnwindSafe for Notify {}

/// How a waiter was notified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Notification {
    /// By `notify_one` (FIFO) or `notify_last` (LIFO): passed on if unused.
    One(Strategy),
    /// By `notify_waiters`: not passed on.
    All,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Strategy {
    Fifo,
    Lifo,
}

impl Notification {
    /// The encoding stored in [`Waiter::notification`] (0 means none).
    fn encode(self) -> usize {
        match self {
            Notification::One(Strategy::Fifo) => 1,
            Notification::One(Strategy::Lifo) => 2,
            Notification::All => 3,
        }
    }

    fn decode(word: usize) -> Option<Notification> {
        match word {
            1 => Some(Notification::One(Strategy::Fifo)),
            2 => Some(Notification::One(Strategy::Lifo)),
            3 => Some(Notification::All),
            _ => None,
        }
    }
}

/// A waiting `Notified`'s place in the list (protocol rule 3).
struct Waiter {
    pointers: Pointers<Waiter>,
    /// Guarded by the `Notify`'s mutex.
    waker: UnsafeCell<Option<Waker>>,
    /// Written under the `Notify`'s mutex when a notifier pops the waiter
    /// (an encoded [`Notification`]), *after* it took the waker, with
    /// release: a future that reads it non-zero with acquire may complete
    /// without the lock, because the notifier is done with the waiter.
    notification: AtomicUsize,
    _pinned: PhantomPinned,
}

impl Waiter {
    fn new() -> Waiter {
        Waiter {
            pointers: Pointers::new(),
            waker: UnsafeCell::new(None),
            notification: AtomicUsize::new(0),
            _pinned: PhantomPinned,
        }
    }
}

// SAFETY: handles are the raw node pointers themselves, so `from_raw` is the
// identity; `pointers` returns the `pointers` field without a reference.
unsafe impl linked_list::Link for Waiter {
    type Handle = NonNull<Waiter>;
    type Target = Waiter;

    fn as_raw(handle: &NonNull<Waiter>) -> NonNull<Waiter> {
        *handle
    }

    unsafe fn from_raw(ptr: NonNull<Waiter>) -> NonNull<Waiter> {
        ptr
    }

    unsafe fn pointers(target: NonNull<Waiter>) -> NonNull<Pointers<Waiter>> {
        // SAFETY: `target` is live (caller); the field address is computed
        // without creating a reference to the waiter.
        unsafe { NonNull::new_unchecked(ptr::addr_of_mut!((*target.as_ptr()).pointers)) }
    }
}

impl Notify {
    /// Creates a `Notify` with no permit stored.
    ///
    /// ```
    /// let notify = weft::sync::Notify::new();
    /// notify.notify_one();
    /// ```
    pub fn new() -> Notify {
        Notify {
            state: AtomicUsize::new(0),
            waiters: Mutex::new(LinkedList::new()),
        }
    }

    /// Creates a `Notify` in a `const` context, e.g. a `static`.
    ///
    /// ```
    /// use weft::sync::Notify;
    ///
    /// static NOTIFY: Notify = Notify::const_new();
    /// NOTIFY.notify_one();
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new() -> Notify {
        Notify {
            state: AtomicUsize::new(0),
            waiters: Mutex::const_new(LinkedList::new()),
        }
    }

    /// Waits for a notification: the returned future completes after a call
    /// to `notify_one`/`notify_last` picks it (or consumes the stored
    /// permit), or after `notify_waiters` is called once it exists.
    ///
    /// # Cancel safety
    ///
    /// Waiters are served in the order they were first polled (or
    /// [`enable`](Notified::enable)d); cancelling loses the place in the
    /// queue. A notification given to a future that is then dropped unused
    /// passes to the next waiter.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::Notify;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let notify = Arc::new(Notify::new());
    /// let notify2 = notify.clone();
    /// weft::spawn(async move { notify2.notify_one() });
    /// notify.notified().await;
    /// # }
    /// ```
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            notify: self,
            wait: Wait::new(self),
        }
    }

    /// Like [`notified`](Notify::notified), but the future owns an `Arc` of
    /// the `Notify`, so it can be stored or moved to another task freely.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::Notify;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let notify = Arc::new(Notify::new());
    /// let notified = notify.clone().notified_owned();
    /// notify.notify_waiters();
    /// notified.await;
    /// # }
    /// ```
    pub fn notified_owned(self: Arc<Self>) -> OwnedNotified {
        let wait = Wait::new(&self);
        OwnedNotified { notify: self, wait }
    }

    /// Notifies the first waiting task (FIFO), or stores a permit if nobody
    /// waits, so that the next `notified().await` completes at once. At most
    /// one permit is stored.
    ///
    /// ```
    /// let notify = weft::sync::Notify::new();
    /// notify.notify_one();
    /// # futures::executor::block_on(async {
    /// notify.notified().await; // consumes the stored permit
    /// # });
    /// ```
    pub fn notify_one(&self) {
        self.notify(Strategy::Fifo);
    }

    /// Like [`notify_one`](Notify::notify_one), but notifies the most
    /// recently added waiter (LIFO).
    ///
    /// ```
    /// let notify = weft::sync::Notify::new();
    /// notify.notify_last();
    /// # futures::executor::block_on(async {
    /// notify.notified().await;
    /// # });
    /// ```
    pub fn notify_last(&self) {
        self.notify(Strategy::Lifo);
    }

    fn notify(&self, strategy: Strategy) {
        // Rule 1: without waiters, store the permit lock-free.
        let mut word = self.state.load(SeqCst);
        while get_state(word) != WAITING {
            match self
                .state
                .compare_exchange(word, with_state(word, NOTIFIED), SeqCst, SeqCst)
            {
                Ok(_) => return,
                Err(actual) => word = actual,
            }
        }
        let mut waiters = self.waiters.lock();
        let waker = self.notify_locked(&mut waiters, strategy);
        drop(waiters);
        if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Notifies one waiter, or stores the permit; returns the waker to wake
    /// once the lock is released (rule 7).
    fn notify_locked(&self, waiters: &mut LinkedList<Waiter>, strategy: Strategy) -> Option<Waker> {
        let mut word = self.state.load(SeqCst);
        loop {
            if get_state(word) == WAITING {
                break;
            }
            // No waiters: the lock-free transitions may race with us.
            match self
                .state
                .compare_exchange(word, with_state(word, NOTIFIED), SeqCst, SeqCst)
            {
                Ok(_) => return None,
                Err(actual) => word = actual,
            }
        }
        let waiter = match strategy {
            Strategy::Fifo => waiters.pop_back(),
            Strategy::Lifo => waiters.pop_front(),
        }
        .expect("WAITING with an empty list");
        // SAFETY: the waiter was on the list, so its future is alive and
        // pinned (rule 3); we hold the lock that guards these fields.
        let waker = unsafe {
            let waiter = waiter.as_ref();
            let waker = waiter.waker.with_mut(|w| (*w).take());
            let notification = Notification::One(strategy).encode();
            waiter.notification.store(notification, Release);
            waker
        };
        if waiters.is_empty() {
            // Rule 2: only we (under the lock) leave WAITING.
            self.state.store(with_state(word, EMPTY), SeqCst);
        }
        waker
    }

    /// Wakes every task waiting right now, including `Notified` futures that
    /// were created but not yet polled. Stores no permit: a `notified()`
    /// created afterwards waits for the next notification.
    ///
    /// ```
    /// use weft::sync::Notify;
    ///
    /// # futures::executor::block_on(async {
    /// let notify = Notify::new();
    /// let a = notify.notified();
    /// let b = notify.notified();
    /// notify.notify_waiters();
    /// a.await;
    /// b.await;
    /// # });
    /// ```
    pub fn notify_waiters(&self) {
        let mut wakers = WakeList::new();
        let mut waiters = self.waiters.lock();
        // Rule 2: the counter only changes under the lock. Bumping it
        // completes every `Notified` that exists but is not on the list yet.
        let word = self.state.fetch_add(CALL, SeqCst);
        if get_state(word) == WAITING {
            while let Some(waiter) = waiters.pop_back() {
                // SAFETY: as in `notify_locked`: on the list, so alive, and
                // we hold the lock.
                unsafe {
                    let waiter = waiter.as_ref();
                    if let Some(w) = waiter.waker.with_mut(|w| (*w).take()) {
                        wakers.push(w);
                    }
                    waiter
                        .notification
                        .store(Notification::All.encode(), Release);
                }
            }
            self.state
                .store(with_state(word.wrapping_add(CALL), EMPTY), SeqCst);
        }
        drop(waiters);
        wakers.wake_all();
    }
}

impl Default for Notify {
    fn default() -> Notify {
        Notify::new()
    }
}

impl fmt::Debug for Notify {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let word = self.state.load(SeqCst);
        f.debug_struct("Notify")
            .field("state", &get_state(word))
            .field("notify_waiters_calls", &calls(word))
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::future::Future;
    use std::pin::Pin;
    use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering};
    use std::task::Wake;
    use std::task::{Context, Poll};

    #[derive(Default)]
    struct Counter(StdAtomicUsize);
    impl Wake for Counter {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counter() -> (Arc<Counter>, Waker) {
        let c = Arc::new(Counter::default());
        (c.clone(), Waker::from(c))
    }

    fn woken(c: &Counter) -> usize {
        c.0.load(Ordering::SeqCst)
    }

    fn poll<F: Future>(f: Pin<&mut F>, w: &Waker) -> Poll<F::Output> {
        f.poll(&mut Context::from_waker(w))
    }

    #[test]
    fn permit_stored_once() {
        let notify = Notify::new();
        notify.notify_one();
        notify.notify_one();
        let (_c, w) = counter();
        assert!(poll(std::pin::pin!(notify.notified()), &w).is_ready());
        assert!(
            poll(std::pin::pin!(notify.notified()), &w).is_pending(),
            "only one permit"
        );
    }

    #[test]
    fn notify_one_is_fifo_notify_last_is_lifo() {
        let notify = Notify::new();
        let (c1, w1) = counter();
        let (c2, w2) = counter();
        let (c3, w3) = counter();
        let mut n1 = std::pin::pin!(notify.notified());
        let mut n2 = std::pin::pin!(notify.notified());
        let mut n3 = std::pin::pin!(notify.notified());
        assert!(poll(n1.as_mut(), &w1).is_pending());
        assert!(poll(n2.as_mut(), &w2).is_pending());
        assert!(poll(n3.as_mut(), &w3).is_pending());
        notify.notify_one();
        assert_eq!((woken(&c1), woken(&c2), woken(&c3)), (1, 0, 0));
        notify.notify_last();
        assert_eq!((woken(&c1), woken(&c2), woken(&c3)), (1, 0, 1));
        assert!(poll(n1.as_mut(), &w1).is_ready());
        assert!(poll(n3.as_mut(), &w3).is_ready());
        assert!(poll(n2.as_mut(), &w2).is_pending());
    }

    #[test]
    fn notify_waiters_wakes_all_and_stores_nothing() {
        let notify = Notify::new();
        let wakers: Vec<_> = (0..40).map(|_| counter()).collect();
        let mut futs: Vec<_> = (0..40).map(|_| Box::pin(notify.notified())).collect();
        for (f, (_, w)) in futs.iter_mut().zip(&wakers) {
            assert!(poll(f.as_mut(), w).is_pending());
        }
        let unpolled = notify.notified();
        notify.notify_waiters();
        for (f, (c, w)) in futs.iter_mut().zip(&wakers) {
            assert_eq!(woken(c), 1);
            assert!(poll(f.as_mut(), w).is_ready());
        }
        let (_c, w) = counter();
        assert!(
            poll(std::pin::pin!(unpolled), &w).is_ready(),
            "created before the call"
        );
        assert!(
            poll(std::pin::pin!(notify.notified()), &w).is_pending(),
            "no permit stored"
        );
    }

    #[test]
    fn dropped_notified_passes_notification_on() {
        let notify = Notify::new();
        let (c2, w2) = counter();
        let (_c1, w1) = counter();
        let mut n1 = Box::pin(notify.notified());
        let mut n2 = std::pin::pin!(notify.notified());
        assert!(poll(n1.as_mut(), &w1).is_pending());
        assert!(poll(n2.as_mut(), &w2).is_pending());
        notify.notify_one();
        drop(n1);
        assert_eq!(woken(&c2), 1);
        assert!(poll(n2.as_mut(), &w2).is_ready());
    }

    #[test]
    fn dropped_notified_without_waiters_restores_permit() {
        let notify = Notify::new();
        let (_c, w) = counter();
        let mut n1 = Box::pin(notify.notified());
        assert!(poll(n1.as_mut(), &w).is_pending());
        notify.notify_one();
        drop(n1);
        assert!(poll(std::pin::pin!(notify.notified()), &w).is_ready());
    }

    #[test]
    fn dropping_a_waiter_leaves_state_empty() {
        let notify = Notify::new();
        let (_c, w) = counter();
        let mut n1 = Box::pin(notify.notified());
        assert!(poll(n1.as_mut(), &w).is_pending());
        drop(n1);
        assert_eq!(get_state(notify.state.load(SeqCst)), EMPTY);
        notify.notify_one();
        assert_eq!(get_state(notify.state.load(SeqCst)), NOTIFIED);
    }

    #[test]
    fn enable_registers_and_consumes_permit() {
        let notify = Notify::new();
        let mut n = std::pin::pin!(notify.notified());
        assert!(!n.as_mut().enable());
        notify.notify_waiters();
        assert!(n.as_mut().enable());
        notify.notify_one();
        let mut m = std::pin::pin!(notify.notified());
        assert!(m.as_mut().enable());
        let mut k = std::pin::pin!(notify.notified());
        assert!(!k.as_mut().enable());
    }

    #[test]
    fn waker_update_wakes_latest_and_drops_old() {
        let notify = Notify::new();
        let (c1, w1) = counter();
        let (c2, w2) = counter();
        let mut n = std::pin::pin!(notify.notified());
        assert!(poll(n.as_mut(), &w1).is_pending());
        assert!(poll(n.as_mut(), &w2).is_pending());
        assert_eq!(Arc::strong_count(&c1), 2, "old waker dropped");
        notify.notify_one();
        assert_eq!((woken(&c1), woken(&c2)), (0, 1));
    }

    #[test]
    fn fused_after_completion() {
        let notify = Notify::new();
        let (_c, w) = counter();
        notify.notify_one();
        let mut n = std::pin::pin!(notify.notified());
        assert!(poll(n.as_mut(), &w).is_ready());
        assert!(poll(n.as_mut(), &w).is_ready());
    }

    #[test]
    fn owned_notified_moves_across_threads() {
        let notify = Arc::new(Notify::new());
        let notified = notify.clone().notified_owned();
        let t = std::thread::spawn(move || futures::executor::block_on(notified));
        notify.notify_waiters();
        t.join().unwrap();
    }

    #[test]
    fn threads_ping_pong() {
        let a = Arc::new(Notify::new());
        let b = Arc::new(Notify::new());
        let (a2, b2) = (a.clone(), b.clone());
        let t = std::thread::spawn(move || {
            futures::executor::block_on(async {
                for _ in 0..1000 {
                    a2.notified().await;
                    b2.notify_one();
                }
            })
        });
        futures::executor::block_on(async {
            for _ in 0..1000 {
                a.notify_one();
                b.notified().await;
            }
        });
        t.join().unwrap();
    }

    #[test]
    fn send_sync_static() {
        fn is_send_sync<T: Send + Sync>() {}
        is_send_sync::<Notify>();
        is_send_sync::<Notified<'static>>();
        is_send_sync::<OwnedNotified>();
        static N: Notify = Notify::const_new();
        N.notify_one();
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::thread;
    use loom::future::block_on;

    /// `notify_one` racing with the first poll is never lost: either the
    /// permit is stored or the waiter is woken.
    #[test]
    fn notify_one_vs_poll() {
        loom::model(|| {
            let notify = Arc::new(Notify::new());
            let n2 = notify.clone();
            let t = thread::spawn(move || n2.notify_one());
            block_on(notify.notified());
            t.join().unwrap();
        });
    }

    /// `notify_waiters` reaches a future created before it, even if the
    /// future is first polled concurrently with the call.
    #[test]
    fn notify_waiters_vs_poll() {
        loom::model(|| {
            let notify = Arc::new(Notify::new());
            let notified = notify.clone().notified_owned();
            let n2 = notify.clone();
            let t = thread::spawn(move || n2.notify_waiters());
            block_on(notified);
            t.join().unwrap();
        });
    }

    /// A waiter dropped after being picked by `notify_one` passes the
    /// notification to the other waiter: both threads finish.
    #[test]
    fn notified_drop_passes_permit() {
        loom::model(|| {
            let notify = Arc::new(Notify::new());
            let n2 = notify.clone();
            let t = thread::spawn(move || {
                let mut first = Box::pin(n2.notified());
                // `true`: it consumed the permit itself (it completed).
                first.as_mut().enable()
            });
            notify.notify_one();
            let consumed = t.join().unwrap();
            if !consumed {
                // Picked while waiting, then dropped: the permit came back.
                block_on(notify.notified());
            }
        });
    }

    /// Two notifiers and one waiter: one notification is consumed, the
    /// other stays stored as the permit.
    #[test]
    fn two_notify_one() {
        loom::model(|| {
            let notify = Arc::new(Notify::new());
            let n2 = notify.clone();
            let t = thread::spawn(move || n2.notify_one());
            notify.notify_one();
            block_on(notify.notified());
            t.join().unwrap();
            let mut n = Box::pin(notify.notified());
            let _ = n.as_mut().enable();
        });
    }

    /// `notify_waiters` racing with a waiting future being dropped.
    #[test]
    fn notify_waiters_vs_drop() {
        loom::model(|| {
            let notify = Arc::new(Notify::new());
            let n2 = notify.clone();
            let t = thread::spawn(move || {
                let mut waiting = Box::pin(n2.clone().notified_owned());
                let _ = waiting.as_mut().enable();
                drop(waiting);
            });
            notify.notify_waiters();
            t.join().unwrap();
            // No permit is ever stored by `notify_waiters`.
            let mut fresh = Box::pin(notify.notified());
            assert!(!fresh.as_mut().enable());
        });
    }
}
