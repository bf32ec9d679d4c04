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

use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::Mutex;
use crate::sync::Notify;
use crate::task::coop::cooperative;
use crate::util::linked_list::LinkedList;
use std::fmt;
use std::sync::Arc;

pub mod error;
mod recv;

use self::recv::{take_wakers, wake, Recv, Waiter};
use crate::util::wake_list::WakeList;

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

impl<T> Ring<T> {
    /// Where the receiver at position `next` reads, advancing `next` past
    /// the value (or to the oldest kept value when it lagged).
    fn next_slot(&self, next: &mut u64) -> Result<Next, TryRecvError> {
        let cap = self.slots.len() as u64;
        let idx = *next as usize & (self.slots.len() - 1);
        let slot_pos = self.slots[idx].pos;
        if slot_pos != *next {
            if slot_pos.wrapping_add(cap) == *next {
                // Not written yet.
                return if self.closed {
                    Err(TryRecvError::Closed)
                } else {
                    Ok(Next::Empty)
                };
            }
            // Overwritten: jump to the oldest value still kept.
            let oldest = self.tail.wrapping_sub(cap);
            let missed = oldest.wrapping_sub(*next);
            if missed != 0 {
                *next = oldest;
                return Err(TryRecvError::Lagged(missed));
            }
        }
        *next = next.wrapping_add(1);
        Ok(Next::Ready(idx))
    }

    /// Unlinks and returns every waiting receiver's waker, if any waits.
    fn take_wakers(&mut self) -> Option<WakeList> {
        if self.waiters.is_empty() {
            None
        } else {
            Some(take_wakers(self))
        }
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
        let wakers = ring.take_wakers();
        drop(ring);
        drop(old);
        if let Some(wakers) = wakers {
            wake(wakers);
        }
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
            let wakers = ring.take_wakers();
            drop(ring);
            if let Some(wakers) = wakers {
                wake(wakers);
            }
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
        let mut ring = self.shared.ring.lock();
        ring.receivers -= 1;
        let last = ring.receivers == 0;
        if last {
            ring.closed = true;
        }
        // Mark everything we did not read as read by us, so values are not
        // kept for a receiver that is gone.
        let until = ring.tail;
        while self.next < until {
            match ring.next_slot(&mut self.next) {
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
            self.shared.rx_gone.notify_waiters();
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
mod tests;

#[cfg(all(test, loom))]
mod loom_tests;
