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

// A panic inside the channel's code leaves no broken invariant behind (the
// queue and the counters are updated atomically), so a channel may be used
// across `catch_unwind`, as Tokio's may.
impl<T, S> std::panic::RefUnwindSafe for Chan<T, S> {}
impl<T, S> std::panic::UnwindSafe for Chan<T, S> {}

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

    /// Reads the receiver's fields.
    fn with_fields<R>(&self, f: impl FnOnce(&RxFields<T>) -> R) -> R {
        // SAFETY: only the one `Rx` touches `rx_fields`; it mutates them
        // only through `&mut self`, so no write overlaps this read.
        self.inner.rx_fields.with(|p| f(unsafe { &*p }))
    }

    /// Closing step 1.
    pub(super) fn close(&mut self) {
        let already = self.inner.rx_fields.with_mut(|p| {
            // SAFETY: `&mut self`: the receiver has the fields exclusively.
            let rx = unsafe { &mut *p };
            std::mem::replace(&mut rx.rx_closed, true)
        });
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
        // may be waiting for it, only to find the channel closed). If one
        // value's destructor panics, the guard's own drop goes on with the
        // rest during unwinding.
        struct Drain<'a, T, S: Semaphore> {
            list: &'a mut list::Rx<T>,
            tx: &'a list::Tx<T>,
            semaphore: &'a S,
        }
        impl<T, S: Semaphore> Drain<'_, T, S> {
            fn drain(&mut self) {
                while let Some(Read::Value(value)) = self.list.pop(self.tx) {
                    self.semaphore.add_permit();
                    drop(value);
                }
            }
        }
        impl<T, S: Semaphore> Drop for Drain<'_, T, S> {
            fn drop(&mut self) {
                self.drain();
            }
        }
        let inner = &*self.inner;
        inner.rx_fields.with_mut(|p| {
            // SAFETY: the receiver is being dropped: its fields are ours.
            let rx = unsafe { &mut *p };
            Drain {
                list: &mut rx.list,
                tx: &inner.tx.0,
                semaphore: &inner.semaphore,
            }
            .drain();
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

#[cfg(all(test, not(loom)))]
mod tests {
    use crate::sync::mpsc::{self, error::TryRecvError};
    use std::future::Future;

    use std::task::{Context, Poll, Waker};

    fn noop_cx() -> Context<'static> {
        Context::from_waker(Waker::noop())
    }

    #[test]
    fn dropped_pending_recv_loses_nothing() {
        let (tx, mut rx) = mpsc::channel::<u32>(4);
        {
            let mut recv = std::pin::pin!(rx.recv());
            assert!(recv.as_mut().poll(&mut noop_cx()).is_pending());
        }
        tx.try_send(1).unwrap();
        {
            // A recv that never got polled after the value arrived.
            let _recv = rx.recv();
        }
        assert_eq!(rx.try_recv(), Ok(1));
    }

    #[test]
    fn permits_come_back_on_drop_and_on_receive() {
        let (tx, mut rx) = mpsc::channel::<u32>(2);
        let p = tx.try_reserve().unwrap();
        let many = tx.try_reserve_many(1).unwrap();
        assert_eq!(tx.capacity(), 0);
        drop(many);
        assert_eq!(tx.capacity(), 1);
        p.send(5);
        assert_eq!(tx.capacity(), 1, "a sent value still holds its slot");
        assert_eq!(rx.try_recv(), Ok(5));
        assert_eq!(tx.capacity(), 2);
        let owned = tx.clone().try_reserve_owned().unwrap();
        assert_eq!(tx.capacity(), 1);
        let _tx = owned.release();
        assert_eq!(tx.capacity(), 2);
    }

    #[test]
    fn cancelled_reserve_keeps_fifo_and_capacity() {
        let (tx, mut rx) = mpsc::channel::<u32>(1);
        tx.try_send(0).unwrap();
        let mut cx = noop_cx();
        {
            let mut r = std::pin::pin!(tx.reserve());
            assert!(r.as_mut().poll(&mut cx).is_pending());
        }
        assert_eq!(rx.try_recv(), Ok(0));
        assert_eq!(tx.capacity(), 1, "the dropped reserve took nothing");
    }

    #[test]
    fn closed_receiver_drains_then_sees_end_after_outstanding_permits() {
        let (tx, mut rx) = mpsc::channel::<u32>(4);
        tx.try_send(1).unwrap();
        let permit = tx.try_reserve().unwrap();
        rx.close();
        assert!(tx.try_send(2).is_err());
        assert!(tx.is_closed());
        let mut cx = noop_cx();
        assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(Some(1)));
        assert!(
            rx.poll_recv(&mut cx).is_pending(),
            "a permit is outstanding"
        );
        permit.send(3);
        assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(Some(3)));
        assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(None));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    }

    #[test]
    fn unbounded_len_and_close() {
        let (tx, mut rx) = mpsc::unbounded_channel();
        for i in 0..100 {
            tx.send(i).unwrap();
        }
        assert_eq!(rx.len(), 100);
        drop(tx);
        assert_eq!(rx.len(), 100, "the closing marker is not a message");
        let mut buf = Vec::new();
        let mut cx = noop_cx();
        assert_eq!(rx.poll_recv_many(&mut cx, &mut buf, 60), Poll::Ready(60));
        assert_eq!(rx.poll_recv_many(&mut cx, &mut buf, 60), Poll::Ready(40));
        assert_eq!(rx.poll_recv_many(&mut cx, &mut buf, 60), Poll::Ready(0));
        assert_eq!(buf, (0..100).collect::<Vec<_>>());
        assert!(rx.is_closed());
    }

    #[test]
    fn values_left_in_the_channel_are_dropped() {
        use std::sync::Arc;
        let marker = Arc::new(());
        let (tx, rx) = mpsc::unbounded_channel();
        for _ in 0..70 {
            tx.send(marker.clone()).unwrap();
        }
        drop(rx);
        assert_eq!(Arc::strong_count(&marker), 1, "receiver drop drops values");
        assert!(tx.send(marker.clone()).is_err());
        let (tx, rx) = mpsc::channel(100);
        for _ in 0..70 {
            tx.try_send(marker.clone()).unwrap();
        }
        drop(tx);
        drop(rx);
        assert_eq!(Arc::strong_count(&marker), 1);
    }

    #[test]
    fn weak_senders_do_not_keep_the_channel_open() {
        let (tx, mut rx) = mpsc::channel::<u8>(1);
        let weak = tx.downgrade();
        assert_eq!((tx.strong_count(), tx.weak_count()), (1, 1));
        let tx2 = weak.upgrade().unwrap();
        drop(tx);
        assert_eq!(rx.sender_strong_count(), 1);
        drop(tx2);
        assert!(weak.upgrade().is_none());
        assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
        drop(weak);
        assert_eq!(rx.sender_weak_count(), 0);
    }

    #[test]
    fn sender_closed_completes_when_receiver_goes() {
        let (tx, rx) = mpsc::channel::<u8>(1);
        let mut cx = noop_cx();
        let mut closed = std::pin::pin!(tx.closed());
        assert!(closed.as_mut().poll(&mut cx).is_pending());
        drop(rx);
        assert!(closed.as_mut().poll(&mut cx).is_ready());
    }

    #[test]
    fn blocking_threads_exchange_in_order() {
        let (tx, mut rx) = mpsc::channel::<u32>(3);
        let producers: Vec<_> = (0..3)
            .map(|p| {
                let tx = tx.clone();
                std::thread::spawn(move || {
                    for i in 0..2000 {
                        tx.blocking_send(p * 10_000 + i).unwrap();
                    }
                })
            })
            .collect();
        drop(tx);
        let mut next = [0u32; 3];
        while let Some(v) = rx.blocking_recv() {
            let p = (v / 10_000) as usize;
            assert_eq!(v % 10_000, next[p]);
            next[p] += 1;
        }
        assert_eq!(next, [2000; 3]);
        for p in producers {
            p.join().unwrap();
        }
    }

    #[test]
    #[should_panic(expected = "mpsc bounded channel requires buffer > 0")]
    fn zero_buffer_panics() {
        let _ = mpsc::channel::<()>(0);
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use crate::loom::thread;
    use crate::sync::mpsc;
    use loom::future::block_on;

    /// A sender waits for room in a channel of capacity one while the
    /// receiver takes values out; both values arrive, then the end.
    #[test]
    fn bounded_backpressure_and_close() {
        loom::model(|| {
            let (tx, mut rx) = mpsc::channel::<u32>(1);
            let t = thread::spawn(move || {
                block_on(tx.send(1)).unwrap();
                block_on(tx.send(2)).unwrap();
            });
            assert_eq!(block_on(rx.recv()), Some(1));
            assert_eq!(block_on(rx.recv()), Some(2));
            assert_eq!(block_on(rx.recv()), None);
            t.join().unwrap();
        });
    }

    /// Two senders race; every value arrives exactly once.
    #[test]
    fn two_senders_exactly_once() {
        loom::model(|| {
            let (tx, mut rx) = mpsc::channel::<u32>(2);
            let tx2 = tx.clone();
            let t1 = thread::spawn(move || tx.try_send(1).unwrap());
            let t2 = thread::spawn(move || tx2.try_send(2).unwrap());
            let mut got = Vec::new();
            while let Some(v) = block_on(rx.recv()) {
                got.push(v);
            }
            got.sort_unstable();
            assert_eq!(got, [1, 2]);
            t1.join().unwrap();
            t2.join().unwrap();
        });
    }

    #[test]
    fn unbounded_close_races_send() {
        loom::model(|| {
            let (tx, mut rx) = mpsc::unbounded_channel::<u32>();
            let t = thread::spawn(move || {
                let _ = tx.send(1);
            });
            rx.close();
            // Whatever the race's outcome, the channel ends cleanly.
            let got = block_on(rx.recv());
            assert!(got.is_none() || got == Some(1));
            assert_eq!(block_on(rx.recv()), None);
            t.join().unwrap();
        });
    }
}
