//! A multi-producer, multi-consumer channel where every receiver sees every
//! value.
//!
//! [`channel`] makes a [`Sender`] and a [`Receiver`]; more receivers come
//! from [`Sender::subscribe`] and see values sent after they subscribed.
//! Values are kept in a ring of fixed capacity (rounded up to a power of
//! two). A receiver that falls more than a capacity behind loses the oldest
//! values: its next `recv` returns [`RecvError::Lagged`] with the number
//! skipped, and the one after that the oldest value still kept.
//!
//! ```
//! use weft::sync::broadcast;
//!
//! # #[weft::main(flavor = "current_thread")]
//! # async fn main() {
//! let (tx, mut rx1) = broadcast::channel(16);
//! let mut rx2 = tx.subscribe();
//! tx.send(10).unwrap();
//! tx.send(20).unwrap();
//! assert_eq!(rx1.recv().await.unwrap(), 10);
//! assert_eq!(rx2.recv().await.unwrap(), 10);
//! assert_eq!(rx1.recv().await.unwrap(), 20);
//! # }
//! ```
//!
//! # How it works
//!
//! One mutex guards the ring: the write position `tail`, the receiver count
//! and the waiting receivers. Each slot records the position it holds and
//! `rem`, the number of receivers that still have to read it; the last
//! reader drops the value. A receiver holds its next position; the slot at
//! that index tells it whether the value is there (`slot.pos == next`), not
//! written yet (`slot.pos + capacity == next`), or overwritten (lagged).
//!
//! A receiver with nothing to read links a waiter node living in its pinned
//! [`recv`](Receiver::recv) future into the ring's list (no allocation); a
//! send pops every waiter, takes their wakers under the lock and wakes them
//! after releasing it (waking may run code that sends again).

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::*};
use crate::loom::sync::Mutex;
use crate::sync::Notify;
use crate::task::coop::cooperative;
use crate::util::linked_list::{self, LinkedList, Pointers};
use crate::util::wake_list::WakeList;
use std::fmt;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

pub mod error {
    //! Errors of [`broadcast`](super) channels.

    use std::fmt;

    /// Error returned by [`Sender::send`](super::Sender::send) when no
    /// receiver is subscribed; gives the value back.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::broadcast::channel(1);
    /// drop(rx);
    /// assert_eq!(tx.send(3).unwrap_err().0, 3);
    /// ```
    #[derive(Debug)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T: fmt::Debug> std::error::Error for SendError<T> {}

    /// Error returned by [`Receiver::recv`](super::Receiver::recv).
    ///
    /// ```
    /// use weft::sync::broadcast::error::RecvError;
    /// assert_eq!(RecvError::Lagged(2).to_string(), "channel lagged by 2");
    /// ```
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub enum RecvError {
        /// Every sender is gone and every value was received.
        Closed,
        /// The receiver fell behind: this many values were overwritten before
        /// it read them. It stays subscribed; the next `recv` returns the
        /// oldest value still kept.
        Lagged(u64),
    }

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                RecvError::Closed => f.write_str("channel closed"),
                RecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl std::error::Error for RecvError {}

    /// Error returned by [`Receiver::try_recv`](super::Receiver::try_recv).
    ///
    /// ```
    /// use weft::sync::broadcast::{self, error::TryRecvError};
    /// let (_tx, mut rx) = broadcast::channel::<u8>(1);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// ```
    #[derive(Debug, PartialEq, Eq, Clone)]
    pub enum TryRecvError {
        /// No value is waiting for this receiver.
        Empty,
        /// Every sender is gone and every value was received.
        Closed,
        /// The receiver fell behind by this many values (see
        /// [`RecvError::Lagged`]).
        Lagged(u64),
    }

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
                TryRecvError::Lagged(n) => write!(f, "channel lagged by {n}"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

use self::error::{RecvError, SendError, TryRecvError};

/// The allocation shared by every handle.
struct Shared<T> {
    ring: Mutex<Ring<T>>,
    /// Capacity - 1 (the capacity is a power of two).
    mask: usize,
    senders: AtomicUsize,
    weak_senders: AtomicUsize,
    /// Woken when the last receiver leaves (for `Sender::closed`).
    rx_gone: Notify,
}

// SAFETY: values move between threads (`T: Send`); the waiter list holds
// pointers into `Recv` futures that are only dereferenced under the ring's
// mutex. `&Shared` gives no `&T` outside the mutex... except to clone it,
// which the mutex serialises too, so `T: Sync` is not needed.
unsafe impl<T: Send> Send for Shared<T> {}
// SAFETY: as above.
unsafe impl<T: Send> Sync for Shared<T> {}

struct Ring<T> {
    slots: Box<[Slot<T>]>,
    /// Position the next send writes.
    tail: u64,
    receivers: usize,
    /// No value will come: every sender, or every receiver, is gone.
    closed: bool,
    waiters: LinkedList<Waiter>,
}

struct Slot<T> {
    /// The position whose value this slot holds (or last held).
    pos: u64,
    /// Receivers that still have to read it.
    rem: usize,
    val: Option<T>,
}

/// A pending `recv`'s place in the ring's waiter list.
struct Waiter {
    /// Set (under the lock) while linked; read without the lock by `Recv`'s
    /// drop to skip locking when not linked.
    queued: AtomicBool,
    /// Guarded by the ring's mutex.
    waker: UnsafeCell<Option<Waker>>,
    pointers: Pointers<Waiter>,
    _pinned: PhantomPinned,
}

// SAFETY: handles are the node pointers themselves; `pointers` returns the
// `pointers` field without creating a reference to the waiter.
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
        // SAFETY: `target` is live (caller).
        unsafe { NonNull::new_unchecked(ptr::addr_of_mut!((*target.as_ptr()).pointers)) }
    }
}

/// Sends values to every receiver. Cloneable; the channel closes for
/// receivers when the last sender is dropped.
pub struct Sender<T> {
    shared: Arc<Shared<T>>,
}

/// A sender that does not keep the channel open; [`upgrade`] it to send.
///
/// [`upgrade`]: WeakSender::upgrade
///
/// ```
/// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(1);
/// let weak = tx.downgrade();
/// assert!(weak.upgrade().is_some());
/// drop(tx);
/// assert!(weak.upgrade().is_none());
/// ```
pub struct WeakSender<T> {
    shared: Arc<Shared<T>>,
}

/// Receives every value sent after it subscribed.
pub struct Receiver<T> {
    shared: Arc<Shared<T>>,
    /// Position of the next value to read.
    next: u64,
}

/// Creates a broadcast channel keeping up to `capacity` values (rounded up
/// to a power of two) for slow receivers.
///
/// # Panics
///
/// If `capacity` is 0 or greater than `usize::MAX / 2`.
///
/// ```
/// let (tx, mut rx) = weft::sync::broadcast::channel(2);
/// tx.send(1).unwrap();
/// assert_eq!(rx.try_recv(), Ok(1));
/// ```
#[track_caller]
pub fn channel<T: Clone>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    let tx = Sender::with_receivers(capacity, 1);
    let rx = Receiver {
        shared: tx.shared.clone(),
        next: 0,
    };
    (tx, rx)
}

impl<T> Sender<T> {
    /// A sender of a new channel with no receiver yet.
    ///
    /// # Panics
    ///
    /// As [`channel`].
    ///
    /// ```
    /// let tx = weft::sync::broadcast::Sender::<u8>::new(4);
    /// assert_eq!(tx.receiver_count(), 0);
    /// ```
    #[track_caller]
    pub fn new(capacity: usize) -> Self {
        Sender::with_receivers(capacity, 0)
    }

    #[track_caller]
    fn with_receivers(capacity: usize, receivers: usize) -> Self {
        assert!(capacity > 0, "broadcast channel capacity cannot be zero");
        assert!(
            capacity <= usize::MAX >> 1,
            "broadcast channel capacity exceeded `usize::MAX / 2`"
        );
        let capacity = capacity.next_power_of_two();
        let slots = (0..capacity)
            .map(|i| Slot {
                // "Not written yet" for position i: slot.pos + capacity == i.
                pos: (i as u64).wrapping_sub(capacity as u64),
                rem: 0,
                val: None,
            })
            .collect();
        Sender {
            shared: Arc::new(Shared {
                ring: Mutex::new(Ring {
                    slots,
                    tail: 0,
                    receivers,
                    closed: receivers == 0,
                    waiters: LinkedList::new(),
                }),
                mask: capacity - 1,
                senders: AtomicUsize::new(1),
                weak_senders: AtomicUsize::new(0),
                rx_gone: Notify::new(),
            }),
        }
    }

    /// Sends `value` to every current receiver; returns how many there are.
    /// `Err` (giving the value back) if there is none. Never waits: slow
    /// receivers lag instead.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel(2);
    /// let _rx2 = tx.subscribe();
    /// assert_eq!(tx.send("x").unwrap(), 2);
    /// ```
    pub fn send(&self, value: T) -> Result<usize, SendError<T>> {
        let mut ring = self.shared.ring.lock();
        if ring.receivers == 0 {
            return Err(SendError(value));
        }
        let pos = ring.tail;
        let rem = ring.receivers;
        ring.tail = pos.wrapping_add(1);
        let slot = &mut ring.slots[pos as usize & self.shared.mask];
        slot.pos = pos;
        slot.rem = rem;
        // The overwritten value (if a receiver lagged) is dropped here, under
        // the lock; `T::drop` must not use this channel.
        let old = slot.val.replace(value);
        let wakers = take_wakers(&mut ring);
        drop(ring);
        drop(old);
        wake(wakers);
        Ok(rem)
    }

    /// A new receiver that sees values sent from now on.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel(2);
    /// tx.send(1).unwrap();
    /// let mut rx2 = tx.subscribe();
    /// assert!(rx2.try_recv().is_err());
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        new_receiver(self.shared.clone())
    }

    /// A [`WeakSender`] for this channel.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(1);
    /// let _weak = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// ```
    #[must_use = "Downgrade creates a WeakSender without destroying the original non-weak sender."]
    pub fn downgrade(&self) -> WeakSender<T> {
        self.shared.weak_senders.fetch_add(1, Relaxed);
        WeakSender {
            shared: self.shared.clone(),
        }
    }

    /// The number of values not yet read by every receiver (at most the
    /// capacity).
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// assert_eq!(tx.len(), 2);
    /// rx.try_recv().unwrap();
    /// assert_eq!(tx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        let ring = self.shared.ring.lock();
        let cap = ring.slots.len();
        // Starting at the oldest slot (the one the next send overwrites),
        // find the first still being waited for: fully read slots form a
        // prefix in send order.
        let base = ring.tail as usize;
        let (mut low, mut high) = (0, cap);
        while low < high {
            let mid = low + (high - low) / 2;
            if ring.slots[base.wrapping_add(mid) & self.shared.mask].rem == 0 {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        cap - low
    }

    /// Whether every receiver has read every value.
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::broadcast::channel(4);
    /// assert!(tx.is_empty());
    /// tx.send(1).unwrap();
    /// assert!(!tx.is_empty());
    /// rx.try_recv().unwrap();
    /// assert!(tx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        let ring = self.shared.ring.lock();
        ring.slots[ring.tail.wrapping_sub(1) as usize & self.shared.mask].rem == 0
    }

    /// The number of receivers.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(1);
    /// let _rx2 = tx.subscribe();
    /// assert_eq!(tx.receiver_count(), 2);
    /// ```
    pub fn receiver_count(&self) -> usize {
        self.shared.ring.lock().receivers
    }

    /// Whether both senders belong to the same channel.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(1);
    /// assert!(tx.same_channel(&tx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// Waits until there is no receiver left. Cancel safe.
    ///
    /// ```
    /// use futures::FutureExt;
    ///
    /// let (tx, rx) = weft::sync::broadcast::channel::<u8>(1);
    /// assert!(tx.closed().now_or_never().is_none());
    /// drop(rx);
    /// assert!(tx.closed().now_or_never().is_some());
    /// ```
    pub async fn closed(&self) {
        loop {
            let notified = self.shared.rx_gone.notified();
            if self.shared.ring.lock().closed {
                return;
            }
            notified.await;
        }
    }

    /// The number of strong senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(1);
    /// assert_eq!(tx.strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.shared.senders.load(Acquire)
    }

    /// The number of weak senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(1);
    /// assert_eq!(tx.weak_count(), 0);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.shared.weak_senders.load(Acquire)
    }
}

/// Unlinks every waiter and takes its waker (under the ring's lock).
fn take_wakers<T>(ring: &mut Ring<T>) -> WakeList {
    let mut wakers = WakeList::new();
    while let Some(waiter) = ring.waiters.pop_back() {
        // SAFETY: the waiter was linked, so its `Recv` future is alive and
        // pinned (it unlinks itself under this lock before going away); we
        // hold the lock that guards its waker.
        unsafe {
            let waiter = waiter.as_ref();
            if let Some(w) = waiter.waker.with_mut(|w| (*w).take()) {
                wakers.push(w);
            }
            // After taking the waker: once `queued` is false, the future may
            // be dropped without taking the lock.
            waiter.queued.store(false, Release);
        }
    }
    wakers
}

fn wake(mut wakers: WakeList) {
    wakers.wake_all();
}

fn new_receiver<T>(shared: Arc<Shared<T>>) -> Receiver<T> {
    let mut ring = shared.ring.lock();
    assert!(ring.receivers != usize::MAX >> 2, "max receivers");
    if ring.receivers == 0 {
        // Subscribing reopens a channel whose receivers had all left.
        ring.closed = false;
    }
    ring.receivers += 1;
    let next = ring.tail;
    drop(ring);
    Receiver { shared, next }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.shared.senders.fetch_add(1, Relaxed);
        Sender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if self.shared.senders.fetch_sub(1, AcqRel) == 1 {
            let mut ring = self.shared.ring.lock();
            ring.closed = true;
            let wakers = take_wakers(&mut ring);
            drop(ring);
            wake(wakers);
        }
    }
}

impl<T> WeakSender<T> {
    /// A [`Sender`], if any strong sender is still alive.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(1);
    /// let weak = tx.downgrade();
    /// let tx2 = weak.upgrade().unwrap();
    /// assert_eq!(tx2.strong_count(), 2);
    /// ```
    #[must_use]
    pub fn upgrade(&self) -> Option<Sender<T>> {
        let mut count = self.shared.senders.load(Acquire);
        loop {
            if count == 0 {
                return None;
            }
            match self
                .shared
                .senders
                .compare_exchange_weak(count, count + 1, Relaxed, Acquire)
            {
                Ok(_) => {
                    return Some(Sender {
                        shared: self.shared.clone(),
                    })
                }
                Err(actual) => count = actual,
            }
        }
    }

    /// The number of strong senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(1);
    /// assert_eq!(tx.downgrade().strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.shared.senders.load(Acquire)
    }

    /// The number of weak senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::broadcast::channel::<u8>(1);
    /// assert_eq!(tx.downgrade().weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.shared.weak_senders.load(Acquire)
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        self.shared.weak_senders.fetch_add(1, Relaxed);
        WeakSender {
            shared: self.shared.clone(),
        }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        self.shared.weak_senders.fetch_sub(1, AcqRel);
    }
}

/// What the slot at a receiver's position holds for it.
enum Next {
    /// The value is in this slot index; the cursor was advanced.
    Ready(usize),
    /// Nothing sent yet at this position (and the channel is open).
    Empty,
}

impl<T> Receiver<T> {
    /// The number of values sent that this receiver has not read yet
    /// (including ones it lost by lagging).
    ///
    /// ```
    /// let (tx, rx) = weft::sync::broadcast::channel(4);
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        let tail = self.shared.ring.lock().tail;
        tail.wrapping_sub(self.next) as usize
    }

    /// Whether this receiver has no value to read.
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::broadcast::channel(4);
    /// assert!(rx.is_empty());
    /// tx.send(1).unwrap();
    /// assert!(!rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether both receivers belong to the same channel.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::broadcast::channel::<u8>(1);
    /// assert!(rx.same_channel(&tx.subscribe()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.shared, &other.shared)
    }

    /// The number of strong senders.
    ///
    /// ```
    /// let (_tx, rx) = weft::sync::broadcast::channel::<u8>(1);
    /// assert_eq!(rx.sender_strong_count(), 1);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.shared.senders.load(Acquire)
    }

    /// The number of weak senders.
    ///
    /// ```
    /// let (_tx, rx) = weft::sync::broadcast::channel::<u8>(1);
    /// assert_eq!(rx.sender_weak_count(), 0);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.shared.weak_senders.load(Acquire)
    }

    /// Whether every strong sender is gone (values may still be buffered).
    ///
    /// ```
    /// let (tx, rx) = weft::sync::broadcast::channel::<u8>(1);
    /// assert!(!rx.is_closed());
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.shared.senders.load(Acquire) == 0
    }

    /// Finds the slot for this receiver's next position (under the lock).
    fn next_slot(&mut self, ring: &Ring<T>) -> Result<Next, TryRecvError> {
        let cap = ring.slots.len() as u64;
        let idx = self.next as usize & self.shared.mask;
        let slot_pos = ring.slots[idx].pos;
        if slot_pos != self.next {
            if slot_pos.wrapping_add(cap) == self.next {
                // Not written yet.
                return if ring.closed {
                    Err(TryRecvError::Closed)
                } else {
                    Ok(Next::Empty)
                };
            }
            // Overwritten: jump to the oldest value still kept.
            let oldest = ring.tail.wrapping_sub(cap);
            let missed = oldest.wrapping_sub(self.next);
            if missed != 0 {
                self.next = oldest;
                return Err(TryRecvError::Lagged(missed));
            }
        }
        self.next = self.next.wrapping_add(1);
        Ok(Next::Ready(idx))
    }

    /// Reads the next value (cloned), or registers `waiter` when there is
    /// none. Returns the waker that `waiter` held before, to be dropped
    /// after the lock is released.
    ///
    /// # Safety
    ///
    /// `waiter`, if given, is pinned inside a `Recv` future borrowing this
    /// receiver, which unlinks it before it is freed.
    unsafe fn recv_inner(
        &mut self,
        waiter: Option<(&Waiter, &Waker)>,
    ) -> (Result<T, TryRecvError>, Option<Waker>)
    where
        T: Clone,
    {
        let shared = self.shared.clone();
        let mut ring = shared.ring.lock();
        match self.next_slot(&ring) {
            Ok(Next::Ready(idx)) => {
                /// Counts the read even if `clone` panics, so the cursor and
                /// `rem` stay consistent.
                struct Consume<'a, T>(&'a mut Slot<T>);
                impl<T> Drop for Consume<'_, T> {
                    fn drop(&mut self) {
                        self.0.rem = self.0.rem.saturating_sub(1);
                        if self.0.rem == 0 {
                            self.0.val = None;
                        }
                    }
                }
                let slot = Consume(&mut ring.slots[idx]);
                let value = slot.0.val.clone().ok_or(TryRecvError::Closed);
                (value, None)
            }
            Ok(Next::Empty) => {
                let mut old = None;
                if let Some((waiter, waker)) = waiter {
                    // SAFETY: we hold the lock guarding the waker cell.
                    waiter.waker.with_mut(|w| unsafe {
                        if !(*w).as_ref().is_some_and(|w| w.will_wake(waker)) {
                            old = (*w).replace(waker.clone());
                        }
                    });
                    if !waiter.queued.load(Relaxed) {
                        waiter.queued.store(true, Relaxed);
                        ring.waiters.push_front(NonNull::from(waiter));
                    }
                }
                (Err(TryRecvError::Empty), old)
            }
            Err(e) => (Err(e), None),
        }
    }
}

impl<T: Clone> Receiver<T> {
    /// A new receiver that sees values sent from now on (not the ones this
    /// receiver has not read yet).
    ///
    /// ```
    /// let (tx, rx) = weft::sync::broadcast::channel(2);
    /// tx.send(1).unwrap();
    /// let mut rx2 = rx.resubscribe();
    /// tx.send(2).unwrap();
    /// assert_eq!(rx2.try_recv(), Ok(2));
    /// ```
    pub fn resubscribe(&self) -> Self {
        new_receiver(self.shared.clone())
    }

    /// Waits for the next value (a clone of it).
    ///
    /// `Err(Lagged(n))` if `n` values were overwritten before this receiver
    /// read them (the next call returns the oldest kept value);
    /// `Err(Closed)` once every sender is gone and everything was read.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: no value is lost if the future is dropped.
    ///
    /// ```
    /// use weft::sync::broadcast::{self, error::RecvError};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = broadcast::channel(2);
    /// for i in 0..3 {
    ///     tx.send(i).unwrap();
    /// }
    /// assert_eq!(rx.recv().await, Err(RecvError::Lagged(1)));
    /// assert_eq!(rx.recv().await, Ok(1));
    /// # }
    /// ```
    pub async fn recv(&mut self) -> Result<T, RecvError> {
        cooperative(Recv::new(self)).await
    }

    /// Takes the next value if there is one, without waiting.
    ///
    /// ```
    /// use weft::sync::broadcast::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = broadcast::channel(2);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        // SAFETY: no waiter is given.
        unsafe { self.recv_inner(None) }.0
    }

    /// Blocks the thread until the next value. For synchronous code.
    ///
    /// # Panics
    ///
    /// When called inside a runtime.
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::broadcast::channel(2);
    /// let t = std::thread::spawn(move || tx.send(5).unwrap());
    /// assert_eq!(rx.blocking_recv(), Ok(5));
    /// t.join().unwrap();
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Result<T, RecvError> {
        crate::util::blocking::block_on(self.recv())
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let shared = self.shared.clone();
        let mut ring = shared.ring.lock();
        ring.receivers -= 1;
        let last = ring.receivers == 0;
        if last {
            ring.closed = true;
        }
        // Mark everything we did not read as read by us, so values are not
        // kept for a receiver that is gone.
        let until = ring.tail;
        while self.next < until {
            match self.next_slot(&ring) {
                Ok(Next::Ready(idx)) => {
                    let slot = &mut ring.slots[idx];
                    slot.rem = slot.rem.saturating_sub(1);
                    if slot.rem == 0 {
                        slot.val = None;
                    }
                }
                Err(TryRecvError::Lagged(_)) => {}
                Ok(Next::Empty) | Err(_) => break,
            }
        }
        drop(ring);
        if last {
            shared.rx_gone.notify_waiters();
        }
    }
}

/// The future of [`Receiver::recv`], holding its waiter node.
struct Recv<'a, T> {
    receiver: &'a mut Receiver<T>,
    waiter: Waiter,
}

// SAFETY: the waiter's cells are only touched under the ring's mutex; the
// rest is a `&mut Receiver<T>`, which is `Send` for `T: Send`.
unsafe impl<T: Send> Send for Recv<'_, T> {}
// SAFETY: `&Recv` gives access to nothing.
unsafe impl<T: Send> Sync for Recv<'_, T> {}

impl<'a, T> Recv<'a, T> {
    fn new(receiver: &'a mut Receiver<T>) -> Self {
        Recv {
            receiver,
            waiter: Waiter {
                queued: AtomicBool::new(false),
                waker: UnsafeCell::new(None),
                pointers: Pointers::new(),
                _pinned: PhantomPinned,
            },
        }
    }
}

impl<T: Clone> Future for Recv<'_, T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: we never move out of the pinned future.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: `waiter` is pinned inside this future, which unlinks it
        // in `Drop` before it is freed.
        let (result, old_waker) =
            unsafe { this.receiver.recv_inner(Some((&this.waiter, cx.waker()))) };
        // Dropped after the lock is released: a waker's drop may send.
        drop(old_waker);
        match result {
            Ok(v) => Poll::Ready(Ok(v)),
            Err(TryRecvError::Empty) => Poll::Pending,
            Err(TryRecvError::Lagged(n)) => Poll::Ready(Err(RecvError::Lagged(n))),
            Err(TryRecvError::Closed) => Poll::Ready(Err(RecvError::Closed)),
        }
    }
}

impl<T> Drop for Recv<'_, T> {
    fn drop(&mut self) {
        // Acquire pairs with the notifier's release: if it unlinked us, its
        // accesses to the waiter happened before we free it.
        if self.waiter.queued.load(Acquire) {
            let mut ring = self.receiver.shared.ring.lock();
            if self.waiter.queued.load(Relaxed) {
                // SAFETY: queued (checked under the lock) means linked on
                // this list.
                unsafe { ring.waiters.remove(NonNull::from(&self.waiter)) };
                self.waiter.queued.store(false, Relaxed);
            }
            // SAFETY: we hold the lock guarding the waker cell.
            let waker = self.waiter.waker.with_mut(|w| unsafe { (*w).take() });
            drop(ring);
            drop(waker);
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("broadcast::Sender")
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("broadcast::WeakSender")
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("broadcast::Receiver")
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::FutureExt;

    #[test]
    fn every_receiver_sees_every_value() {
        let (tx, mut rx1) = channel(4);
        let mut rx2 = tx.subscribe();
        assert_eq!(tx.send(1).unwrap(), 2);
        assert_eq!(tx.send(2).unwrap(), 2);
        for rx in [&mut rx1, &mut rx2] {
            assert_eq!(rx.try_recv(), Ok(1));
            assert_eq!(rx.try_recv(), Ok(2));
            assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
        }
        assert!(tx.is_empty());
    }

    #[test]
    fn lagged_reports_overwritten_count_then_oldest() {
        let (tx, mut rx) = channel(3); // rounded up to 4
        for i in 0..7 {
            tx.send(i).unwrap();
        }
        assert_eq!(rx.len(), 7);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(3)));
        assert_eq!(rx.len(), 4);
        for i in 3..7 {
            assert_eq!(rx.try_recv(), Ok(i));
        }
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    }

    #[test]
    fn closed_after_draining() {
        let (tx, mut rx) = channel(2);
        tx.send(1).unwrap();
        drop(tx);
        assert!(rx.is_closed());
        assert_eq!(rx.try_recv(), Ok(1));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
        assert_eq!(block_on(rx.recv()), Err(RecvError::Closed));
    }

    #[test]
    fn pending_recv_woken_by_send_and_by_close() {
        let (tx, mut rx) = channel::<u8>(2);
        let t = std::thread::spawn(move || {
            tx.send(9).unwrap();
            tx
        });
        assert_eq!(block_on(rx.recv()), Ok(9));
        let tx = t.join().unwrap();
        let t = std::thread::spawn(move || drop(tx));
        assert_eq!(block_on(rx.recv()), Err(RecvError::Closed));
        t.join().unwrap();
    }

    #[test]
    fn dropped_recv_unlinks_itself() {
        let (tx, mut rx) = channel::<u8>(2);
        assert!(rx.recv().now_or_never().is_none());
        assert!(rx.recv().now_or_never().is_none());
        assert!(tx.shared.ring.lock().waiters.is_empty());
        tx.send(1).unwrap();
        assert_eq!(rx.recv().now_or_never(), Some(Ok(1)));
    }

    #[test]
    fn unread_values_dropped_with_last_reader() {
        let value = Arc::new(());
        let (tx, rx) = channel(2);
        let rx2 = tx.subscribe();
        tx.send(value.clone()).unwrap();
        drop(rx);
        assert_eq!(Arc::strong_count(&value), 2);
        drop(rx2);
        assert_eq!(Arc::strong_count(&value), 1);
        assert_eq!(tx.len(), 0);
    }

    #[test]
    fn send_without_receivers_fails_and_subscribe_reopens() {
        let (tx, rx) = channel(2);
        drop(rx);
        assert_eq!(tx.send(1).unwrap_err().0, 1);
        assert!(tx.closed().now_or_never().is_some());
        let mut rx = tx.subscribe();
        assert!(tx.closed().now_or_never().is_none());
        tx.send(2).unwrap();
        assert_eq!(rx.try_recv(), Ok(2));
    }

    #[test]
    fn sender_len_counts_values_some_receiver_still_needs() {
        let (tx, mut rx1) = channel(4);
        let mut rx2 = tx.subscribe();
        for i in 0..3 {
            tx.send(i).unwrap();
        }
        assert_eq!(tx.len(), 3);
        rx1.try_recv().unwrap();
        assert_eq!(tx.len(), 3);
        rx2.try_recv().unwrap();
        assert_eq!(tx.len(), 2);
    }

    #[test]
    fn panic_in_clone_advances_cursor() {
        #[derive(Debug, PartialEq)]
        struct V(u8);
        impl Clone for V {
            fn clone(&self) -> V {
                assert_ne!(self.0, 0);
                V(self.0)
            }
        }
        let (tx, mut rx) = channel(4);
        tx.send(V(0)).unwrap();
        tx.send(V(1)).unwrap();
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rx.try_recv()));
        assert!(r.is_err());
        assert_eq!(rx.try_recv(), Ok(V(1)));
    }

    #[test]
    fn lag_again_and_single_slot() {
        let (tx, mut rx) = channel(2);
        for i in 1..=3 {
            tx.send(i).unwrap();
        }
        assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(1)));
        for i in 4..=6 {
            tx.send(i).unwrap();
        }
        assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(3)));
        assert_eq!(rx.try_recv(), Ok(5));
        assert_eq!(rx.try_recv(), Ok(6));

        let (tx, mut rx) = channel(1);
        tx.send(1).unwrap();
        tx.send(2).unwrap();
        drop(tx);
        assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(1)));
        assert_eq!(rx.try_recv(), Ok(2));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    }

    #[test]
    fn sender_len_matches_slowest_receiver() {
        let (tx, mut rx1) = channel(16);
        let mut rx2 = tx.subscribe();
        let mut seed = 0x2545_f491_u32;
        for _ in 0..2000 {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            match seed % 4 {
                0 => drop(rx1.try_recv()),
                1 => drop(rx2.try_recv()),
                _ => drop(tx.send(0)),
            }
            assert_eq!(tx.len(), rx1.len().max(rx2.len()).min(16));
        }
    }

    #[test]
    fn closed_waker_may_use_the_sender() {
        struct Query(Sender<()>, std::sync::atomic::AtomicBool);
        impl std::task::Wake for Query {
            fn wake(self: Arc<Self>) {
                self.wake_by_ref()
            }
            fn wake_by_ref(self: &Arc<Self>) {
                assert_eq!(self.0.receiver_count(), 0);
                assert_eq!(self.0.len(), 0);
                assert!(self.0.send(()).is_err());
                self.1.store(true, std::sync::atomic::Ordering::SeqCst);
            }
        }
        let (tx, rx) = channel::<()>(1);
        tx.send(()).unwrap();
        let q = Arc::new(Query(tx.clone(), Default::default()));
        let waker = Waker::from(q.clone());
        let mut closed = Box::pin(tx.closed());
        assert!(closed
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_pending());
        drop(rx);
        assert!(q.1.load(std::sync::atomic::Ordering::SeqCst));
        assert!(closed
            .as_mut()
            .poll(&mut Context::from_waker(&waker))
            .is_ready());
    }

    #[test]
    #[should_panic(expected = "broadcast channel capacity cannot be zero")]
    fn zero_capacity_panics() {
        let _ = channel::<u8>(0);
    }

    #[test]
    #[should_panic(expected = "broadcast channel capacity exceeded `usize::MAX / 2`")]
    fn huge_capacity_panics() {
        let _ = channel::<u8>(1 + (usize::MAX >> 1));
    }

    #[test]
    fn weak_sender_does_not_keep_channel_open() {
        let (tx, mut rx) = channel::<u8>(1);
        let weak = tx.downgrade();
        assert_eq!((tx.strong_count(), tx.weak_count()), (1, 1));
        drop(tx);
        assert!(weak.upgrade().is_none());
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    }

    #[test]
    fn many_waiters_all_woken() {
        let (tx, rx) = channel::<u32>(4);
        let handles: Vec<_> = (0..40)
            .map(|_| {
                let mut rx = rx.resubscribe();
                std::thread::spawn(move || block_on(rx.recv()))
            })
            .collect();
        // Wait until every thread has subscribed (they subscribed above).
        tx.send(5).unwrap();
        for h in handles {
            assert_eq!(h.join().unwrap(), Ok(5));
        }
    }

    #[test]
    fn error_strings_and_debug() {
        assert_eq!(RecvError::Closed.to_string(), "channel closed");
        assert_eq!(TryRecvError::Lagged(3).to_string(), "channel lagged by 3");
        assert_eq!(TryRecvError::Empty.to_string(), "channel empty");
        let (tx, rx) = channel::<u8>(1);
        assert_eq!(
            format!("{tx:?} {rx:?}"),
            "broadcast::Sender broadcast::Receiver"
        );
    }

    #[test]
    fn send_sync() {
        fn is_send_sync<T: Send + Sync>() {}
        is_send_sync::<Sender<u8>>();
        is_send_sync::<Receiver<u8>>();
        is_send_sync::<WeakSender<u8>>();
        let (_tx, mut rx) = channel::<u8>(1);
        fn is_send<T: Send>(_: &T) {}
        is_send(&rx.recv());
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::thread;
    use loom::future::block_on;

    /// A send racing with a receiver going to sleep is never missed.
    #[test]
    fn send_vs_recv() {
        loom::model(|| {
            let (tx, mut rx) = channel(2);
            let t = thread::spawn(move || tx.send(1).unwrap());
            assert_eq!(block_on(rx.recv()), Ok(1));
            t.join().unwrap();
        });
    }

    /// The last sender dropping wakes a waiting receiver with `Closed`.
    #[test]
    fn drop_sender_vs_recv() {
        loom::model(|| {
            let (tx, mut rx) = channel::<u8>(2);
            let t = thread::spawn(move || drop(tx));
            assert_eq!(block_on(rx.recv()), Err(RecvError::Closed));
            t.join().unwrap();
        });
    }

    /// A pending `recv` dropped while a send unlinks it: no use after free,
    /// and the value is still there for the next receive.
    #[test]
    fn recv_drop_vs_send() {
        loom::model(|| {
            let (tx, mut rx) = channel(2);
            let t = thread::spawn(move || {
                tx.send(1).unwrap();
                tx
            });
            {
                let mut recv = Box::pin(rx.recv());
                let waker = std::task::Waker::noop();
                if let Poll::Ready(v) = recv.as_mut().poll(&mut Context::from_waker(waker)) {
                    assert_eq!(v, Ok(1));
                    drop(recv);
                    t.join().unwrap();
                    return;
                }
            }
            let _tx = t.join().unwrap();
            assert_eq!(rx.try_recv(), Ok(1));
        });
    }
}
