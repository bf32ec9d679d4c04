//! The channel shared by the senders and the receiver: the queue, the
//! receiver's waker, the capacity semaphore and the handle counts.
//!
//! Bounded and unbounded channels differ only in their [`Semaphore`]: the
//! bounded one is the fair batch semaphore (one permit per free slot), the
//! unbounded one a counter of messages in flight.
//!
//! Closing, step by step:
//! 1. The receiver closes (`close`, or drop): `rx_closed` is set, the
//!    semaphore is closed (no new sends or reservations), and the
//!    `rx_closed_signal` semaphore is closed, waking `Sender::closed`.
//! 2. Values already queued and reservations already made can still be
//!    received; `recv` returns `None` once the queue is empty and the
//!    semaphore is idle (no reservation is outstanding). A reservation
//!    dropped unused after step 1 wakes the receiver, so it sees idleness.
//! 3. The last sender to go pushes the closing marker and wakes the
//!    receiver, which returns `None` after the last value.

use super::atomic_waker::AtomicWaker;
use super::block::Read;
use super::list::{self, TryPop};
use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed, Release};
use crate::loom::sync::Arc;
use crate::sync::batch_semaphore as ll;
use crate::sync::mpsc::error::TryRecvError;
use crate::task::coop;
use std::fmt;
use std::task::{ready, Context, Poll};

/// The capacity of a channel, as the channel sees it.
pub(super) trait Semaphore {
    /// No value or reservation is outstanding.
    fn is_idle(&self) -> bool;
    /// A value was received: its unit of capacity comes back.
    fn add_permit(&self);
    /// `n` values were received.
    fn add_permits(&self, n: usize);
    fn close(&self);
    fn is_closed(&self) -> bool;
}

/// Keeps a hot field on its own cache line, so that senders hammering the
/// tail do not slow the receiver down through false sharing.
#[repr(align(128))]
struct CachePadded<T>(T);

pub(super) struct Chan<T, S> {
    tx: CachePadded<list::Tx<T>>,
    rx_waker: CachePadded<AtomicWaker>,
    /// No permits ever; closed when the receiver closes. `Sender::closed`
    /// waits on it, queued in its FIFO list without allocating.
    rx_closed_signal: ll::Semaphore,
    semaphore: S,
    /// Strong senders. The last one closes the queue.
    tx_count: AtomicUsize,
    tx_weak_count: AtomicUsize,
    /// Only the receiver touches these.
    rx_fields: UnsafeCell<RxFields<T>>,
}

struct RxFields<T> {
    list: list::Rx<T>,
    rx_closed: bool,
}

/// A strong sender's handle.
pub(super) struct Tx<T, S> {
    inner: Arc<Chan<T, S>>,
}

/// The receiver's handle.
pub(super) struct Rx<T, S: Semaphore> {
    inner: Arc<Chan<T, S>>,
}

// SAFETY: `rx_fields` is only accessed by the one `Rx` (through `&mut Rx`, or
// `&Rx` for reads while no `&mut Rx` exists); everything else is atomic or
// itself `Sync`. Values of `T` move between threads, hence `T: Send`.
unsafe impl<T: Send, S: Send> Send for Chan<T, S> {}
// SAFETY: as above.
unsafe impl<T: Send, S: Sync> Sync for Chan<T, S> {}

pub(super) fn channel<T, S: Semaphore>(semaphore: S) -> (Tx<T, S>, Rx<T, S>) {
    let (tx, rx) = list::channel();
    let chan = Arc::new(Chan {
        tx: CachePadded(tx),
        rx_waker: CachePadded(AtomicWaker::new()),
        rx_closed_signal: ll::Semaphore::new(0),
        semaphore,
        tx_count: AtomicUsize::new(1),
        tx_weak_count: AtomicUsize::new(0),
        rx_fields: UnsafeCell::new(RxFields {
            list: rx,
            rx_closed: false,
        }),
    });
    (
        Tx {
            inner: chan.clone(),
        },
        Rx { inner: chan },
    )
}

impl<T, S> Chan<T, S> {
    fn send(&self, value: T) {
        self.tx.0.push(value);
        self.rx_waker.0.wake();
    }
}

impl<T, S> Tx<T, S> {
    pub(super) fn semaphore(&self) -> &S {
        &self.inner.semaphore
    }

    /// Queues `value`; the caller has reserved capacity for it.
    pub(super) fn send(&self, value: T) {
        self.inner.send(value);
    }

    pub(super) fn wake_rx(&self) {
        self.inner.rx_waker.0.wake();
    }

    pub(super) fn downgrade(&self) -> Arc<Chan<T, S>> {
        self.inner.tx_weak_count.fetch_add(1, Relaxed);
        self.inner.clone()
    }

    /// A strong handle from a weak one, unless every strong one is gone.
    pub(super) fn upgrade(chan: Arc<Chan<T, S>>) -> Option<Tx<T, S>> {
        let mut count = chan.tx_count.load(Acquire);
        loop {
            if count == 0 {
                return None;
            }
            match chan
                .tx_count
                .compare_exchange_weak(count, count + 1, AcqRel, Acquire)
            {
                Ok(_) => return Some(Tx { inner: chan }),
                Err(actual) => count = actual,
            }
        }
    }

    pub(super) fn strong_count(&self) -> usize {
        self.inner.tx_count.load(Acquire)
    }

    pub(super) fn weak_count(&self) -> usize {
        self.inner.tx_weak_count.load(Relaxed)
    }

    pub(super) fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }

    /// Waits until the receiver has closed.
    pub(super) async fn closed(&self) {
        // The signal semaphore has no permits: acquiring it only ends when
        // it is closed.
        let _ = self.inner.rx_closed_signal.acquire(1).await;
    }
}

impl<T, S: Semaphore> Tx<T, S> {
    pub(super) fn is_rx_closed(&self) -> bool {
        self.inner.semaphore.is_closed()
    }
}

impl<T, S> Clone for Tx<T, S> {
    fn clone(&self) -> Self {
        // A new strong handle from a live one: the count is not zero.
        self.inner.tx_count.fetch_add(1, Relaxed);
        Tx {
            inner: self.inner.clone(),
        }
    }
}

impl<T, S> Drop for Tx<T, S> {
    fn drop(&mut self) {
        if self.inner.tx_count.fetch_sub(1, AcqRel) != 1 {
            return;
        }
        // Closing step 3.
        self.inner.tx.0.close();
        self.inner.rx_waker.0.wake();
    }
}

impl<T, S> fmt::Debug for Tx<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tx").field("inner", &self.inner).finish()
    }
}

/// Weak handle bookkeeping: the weak count goes down when one is dropped.
pub(super) fn drop_weak<T, S>(chan: &Arc<Chan<T, S>>) {
    chan.tx_weak_count.fetch_sub(1, Relaxed);
}

/// Strong and weak counts, seen from a weak handle.
pub(super) fn counts<T, S>(chan: &Arc<Chan<T, S>>) -> (usize, usize) {
    (
        chan.tx_count.load(Acquire),
        chan.tx_weak_count.load(Relaxed),
    )
}

/// A weak handle's copy.
pub(super) fn clone_weak<T, S>(chan: &Arc<Chan<T, S>>) -> Arc<Chan<T, S>> {
    chan.tx_weak_count.fetch_add(1, Relaxed);
    chan.clone()
}

impl<T, S: Semaphore> Rx<T, S> {
    pub(super) fn semaphore(&self) -> &S {
        &self.inner.semaphore
    }

    fn with_fields<R>(&self, f: impl FnOnce(&mut RxFields<T>) -> R) -> R {
        // SAFETY: only the one `Rx` touches `rx_fields`, and callers hold
        // `&mut self` whenever they mutate (the `&self` users only read).
        self.inner.rx_fields.with_mut(|p| f(unsafe { &mut *p }))
    }

    /// Closing step 1.
    pub(super) fn close(&mut self) {
        let already = self.with_fields(|rx| std::mem::replace(&mut rx.rx_closed, true));
        if already {
            return;
        }
        self.inner.semaphore.close();
        self.inner.rx_closed_signal.close();
    }

    pub(super) fn is_closed(&self) -> bool {
        // Closed by the receiver, or every sender is gone.
        self.inner.semaphore.is_closed() || self.inner.tx_count.load(Acquire) == 0
    }

    pub(super) fn len(&self) -> usize {
        self.with_fields(|rx| rx.list.len(&self.inner.tx.0))
    }

    pub(super) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(super) fn sender_strong_count(&self) -> usize {
        self.inner.tx_count.load(Acquire)
    }

    pub(super) fn sender_weak_count(&self) -> usize {
        self.inner.tx_weak_count.load(Relaxed)
    }

    /// Receives the next value; `None` once the channel is closed and drained.
    pub(super) fn recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let coop = ready!(coop::poll_proceed(cx));
        let inner = &*self.inner;
        let result = inner.rx_fields.with_mut(|p| {
            // SAFETY: `&mut self`: the receiver has the fields exclusively.
            let rx = unsafe { &mut *p };
            let mut attempt = || match rx.list.pop(&inner.tx.0) {
                Some(Read::Value(value)) => {
                    inner.semaphore.add_permit();
                    Some(Some(value))
                }
                Some(Read::Closed) => Some(None),
                None => None,
            };
            if let Some(r) = attempt() {
                return Poll::Ready(r);
            }
            // Register before looking again, so a value pushed between the
            // two looks wakes us.
            inner.rx_waker.0.register_by_ref(cx.waker());
            if let Some(r) = attempt() {
                return Poll::Ready(r);
            }
            if rx.rx_closed && inner.semaphore.is_idle() {
                Poll::Ready(None)
            } else {
                Poll::Pending
            }
        });
        if result.is_ready() {
            coop.made_progress();
        }
        result
    }

    /// Receives up to `limit` values into `buffer`; returns how many. Zero
    /// means closed and drained (or `limit == 0`).
    pub(super) fn recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        let coop = ready!(coop::poll_proceed(cx));
        if limit == 0 {
            coop.made_progress();
            return Poll::Ready(0);
        }
        let inner = &*self.inner;
        let result = inner.rx_fields.with_mut(|p| {
            // SAFETY: `&mut self`: the receiver has the fields exclusively.
            let rx = unsafe { &mut *p };
            let mut remaining = limit;
            // `Some(n)`: done with `n` values (closed when `n` may be 0).
            let mut attempt = |remaining: &mut usize| {
                let before = *remaining;
                let mut closed = false;
                while *remaining > 0 {
                    match rx.list.pop(&inner.tx.0) {
                        Some(Read::Value(value)) => {
                            buffer.push(value);
                            *remaining -= 1;
                        }
                        Some(Read::Closed) => {
                            closed = true;
                            break;
                        }
                        None => break,
                    }
                }
                let got = before - *remaining;
                if got > 0 {
                    inner.semaphore.add_permits(got);
                }
                (got > 0 || closed).then_some(limit - *remaining)
            };
            if let Some(n) = attempt(&mut remaining) {
                return Poll::Ready(n);
            }
            inner.rx_waker.0.register_by_ref(cx.waker());
            if let Some(n) = attempt(&mut remaining) {
                return Poll::Ready(n);
            }
            if rx.rx_closed && inner.semaphore.is_idle() {
                Poll::Ready(0)
            } else {
                Poll::Pending
            }
        });
        if result.is_ready() {
            coop.made_progress();
        }
        result
    }

    /// Receives without waiting. If a sender is caught between claiming a
    /// slot and writing it, waits (parking the thread) for that one value
    /// rather than report an empty channel that is not.
    pub(super) fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let inner = &*self.inner;
        inner.rx_fields.with_mut(|p| {
            // SAFETY: `&mut self`: the receiver has the fields exclusively.
            let rx = unsafe { &mut *p };
            let mut attempt = || match rx.list.try_pop(&inner.tx.0) {
                TryPop::Ok(value) => {
                    inner.semaphore.add_permit();
                    Some(Ok(value))
                }
                TryPop::Closed => Some(Err(TryRecvError::Disconnected)),
                TryPop::Empty if rx.rx_closed && inner.semaphore.is_idle() => {
                    Some(Err(TryRecvError::Disconnected))
                }
                TryPop::Empty => Some(Err(TryRecvError::Empty)),
                TryPop::Busy => None,
            };
            if let Some(r) = attempt() {
                return r;
            }
            // The sender is mid-push: wait for it. Any task waker registered
            // by an earlier `recv` is woken now (there is a value coming),
            // so that our own waker can take its place.
            inner.rx_waker.0.wake();
            let mut park = crate::runtime::park::ParkThread::new();
            let waker = park.unpark().into_waker();
            loop {
                inner.rx_waker.0.register_by_ref(&waker);
                if let Some(r) = attempt() {
                    return r;
                }
                park.park();
            }
        })
    }
}

impl<T, S: Semaphore> Drop for Rx<T, S> {
    fn drop(&mut self) {
        self.close();
        drop(self.inner.rx_waker.0.take_waker());
        // Drop the queued values now, returning their capacity (a reserve
        // may be waiting for it, only to find the channel closed).
        let inner = &*self.inner;
        inner.rx_fields.with_mut(|p| {
            // SAFETY: the receiver is being dropped: its fields are ours.
            let rx = unsafe { &mut *p };
            while let Some(Read::Value(value)) = rx.list.pop(&inner.tx.0) {
                inner.semaphore.add_permit();
                drop(value);
            }
        });
    }
}

impl<T, S: Semaphore> fmt::Debug for Rx<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rx").field("inner", &self.inner).finish()
    }
}

impl<T, S> Drop for Chan<T, S> {
    fn drop(&mut self) {
        let tx = &self.tx.0;
        self.rx_fields.with_mut(|p| {
            // SAFETY: the last handle is gone: nothing else touches the list.
            let rx = unsafe { &mut *p };
            while let Some(Read::Value(value)) = rx.list.pop(tx) {
                drop(value);
            }
            // SAFETY: as above.
            unsafe { rx.list.free_blocks() };
        });
    }
}

impl<T, S> fmt::Debug for Chan<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Chan")
            .field("tx", &self.tx.0)
            .field("tx_count", &self.tx_count.load(Relaxed))
            .field("tx_weak_count", &self.tx_weak_count.load(Relaxed))
            .finish_non_exhaustive()
    }
}

/// The capacity of a bounded channel: the fair semaphore, and its size.
pub(super) struct BoundedSemaphore {
    pub(super) semaphore: ll::Semaphore,
    pub(super) bound: usize,
}

impl Semaphore for BoundedSemaphore {
    fn is_idle(&self) -> bool {
        self.semaphore.available_permits() == self.bound
    }

    fn add_permit(&self) {
        self.semaphore.release(1);
    }

    fn add_permits(&self, n: usize) {
        self.semaphore.release(n);
    }

    fn close(&self) {
        self.semaphore.close();
    }

    fn is_closed(&self) -> bool {
        self.semaphore.is_closed()
    }
}

impl fmt::Debug for BoundedSemaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Semaphore")
            .field("semaphore", &self.semaphore)
            .field("bound", &self.bound)
            .finish()
    }
}

/// The "capacity" of an unbounded channel: `messages << 1 | CLOSED`, the
/// number of values sent and not yet received.
pub(super) struct UnboundedSemaphore(AtomicUsize);

impl UnboundedSemaphore {
    const CLOSED: usize = 1;
    const ONE: usize = 2;

    pub(super) fn new() -> UnboundedSemaphore {
        UnboundedSemaphore(AtomicUsize::new(0))
    }

    /// Counts one more value in flight, unless the receiver has closed.
    pub(super) fn try_add_message(&self) -> bool {
        let mut curr = self.0.load(Acquire);
        loop {
            if curr & Self::CLOSED != 0 {
                return false;
            }
            if curr == usize::MAX & !Self::CLOSED {
                // 2^63 values in flight: the counter cannot go on.
                std::process::abort();
            }
            match self
                .0
                .compare_exchange(curr, curr + Self::ONE, AcqRel, Acquire)
            {
                Ok(_) => return true,
                Err(actual) => curr = actual,
            }
        }
    }
}

impl Semaphore for UnboundedSemaphore {
    fn is_idle(&self) -> bool {
        self.0.load(Acquire) >> 1 == 0
    }

    fn add_permit(&self) {
        self.add_permits(1);
    }

    fn add_permits(&self, n: usize) {
        let prev = self.0.fetch_sub(n << 1, Release);
        if prev >> 1 < n {
            // More values received than sent: memory is corrupt.
            std::process::abort();
        }
    }

    fn close(&self) {
        self.0.fetch_or(Self::CLOSED, Release);
    }

    fn is_closed(&self) -> bool {
        self.0.load(Acquire) & Self::CLOSED != 0
    }
}

impl fmt::Debug for UnboundedSemaphore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Semaphore")
            .field(&(self.0.load(Relaxed) >> 1))
            .finish()
    }
}
