//! The bounded channel: capacity is the fair batch semaphore, so senders
//! waiting for room are served in the order they asked.

use super::chan::{self, BoundedSemaphore, Semaphore as _};
use super::error::{SendError, TryRecvError, TrySendError};
use super::permit::{OwnedPermit, Permit, PermitIterator};
use crate::loom::sync::Arc;
use crate::sync::batch_semaphore::{self as ll, TryAcquireError};
use std::fmt;
use std::future::poll_fn;
use std::task::{Context, Poll};

/// Sends values to the associated `Receiver`.
///
/// Instances are created by the [`channel`] function.
///
/// To convert the `Sender` into a `Sink` or use it in a poll function, you
/// can use the `PollSender` utility of `tokio-util`-like crates.
pub struct Sender<T> {
    pub(super) chan: chan::Tx<T, BoundedSemaphore>,
}

/// A sender that does not prevent the channel from being closed.
///
/// If all [`Sender`] instances of a channel were dropped and only
/// `WeakSender` instances remain, the channel is closed. Created by
/// [`Sender::downgrade`]; [`upgrade`](WeakSender::upgrade) gives a `Sender`
/// back while one still exists.
///
/// ```
/// use weft::sync::mpsc::channel;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, _rx) = channel::<i32>(15);
/// let tx_weak = tx.downgrade();
///
/// // Upgrading will succeed because `tx` still exists.
/// assert!(tx_weak.upgrade().is_some());
///
/// // If we drop `tx`, then it will fail.
/// drop(tx);
/// assert!(tx_weak.clone().upgrade().is_none());
/// # }
/// ```
pub struct WeakSender<T> {
    chan: Arc<chan::Chan<T, BoundedSemaphore>>,
}

/// Receives values from the associated `Sender`.
///
/// Instances are created by the [`channel`] function.
pub struct Receiver<T> {
    chan: chan::Rx<T, BoundedSemaphore>,
}

/// Creates a bounded mpsc channel for communicating between asynchronous
/// tasks with backpressure.
///
/// The channel will buffer up to the provided number of messages. Once the
/// buffer is full, attempts to send new messages will wait until a message is
/// received from the channel. The provided buffer capacity must be at least 1.
///
/// All data sent on `Sender` will become available on `Receiver` in the same
/// order as it was sent.
///
/// # Panics
///
/// Panics if the buffer capacity is 0, or too large (more than
/// [`Semaphore::MAX_PERMITS`](crate::sync::Semaphore::MAX_PERMITS)).
///
/// ```
/// use weft::sync::mpsc;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, mut rx) = mpsc::channel(100);
///
/// weft::spawn(async move {
///     for i in 0..10 {
///         if let Err(_) = tx.send(i).await {
///             println!("receiver dropped");
///             return;
///         }
///     }
/// });
///
/// let mut got = Vec::new();
/// while let Some(i) = rx.recv().await {
///     got.push(i);
/// }
/// assert_eq!(got, (0..10).collect::<Vec<_>>());
/// # }
/// ```
#[track_caller]
pub fn channel<T>(buffer: usize) -> (Sender<T>, Receiver<T>) {
    assert!(buffer > 0, "mpsc bounded channel requires buffer > 0");
    let semaphore = BoundedSemaphore {
        semaphore: ll::Semaphore::new(buffer),
        bound: buffer,
    };
    let (tx, rx) = chan::channel(semaphore);
    (Sender { chan: tx }, Receiver { chan: rx })
}

impl<T> Receiver<T> {
    /// Receives the next value for this receiver.
    ///
    /// This method returns `None` if the channel has been closed and there are
    /// no remaining messages in the channel's buffer. The channel is closed
    /// when all senders have been dropped, or when [`close`] is called.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe. If `recv` is used as the event in a
    /// `select!` statement and some other branch completes first, it is
    /// guaranteed that no messages were received on this channel.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = mpsc::channel(100);
    /// weft::spawn(async move {
    ///     tx.send("hello").await.unwrap();
    /// });
    /// assert_eq!(Some("hello"), rx.recv().await);
    /// assert_eq!(None, rx.recv().await);
    /// # }
    /// ```
    ///
    /// [`close`]: Self::close
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.chan.recv(cx)).await
    }

    /// Receives the next values for this receiver and extends `buffer`.
    ///
    /// Appends up to `limit` values; returns how many. Returns 0 only when
    /// `limit` is 0, or when the channel is closed and drained.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it does not complete, no messages were
    /// received.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = mpsc::channel(100);
    /// for i in 0..3 {
    ///     tx.send(i).await.unwrap();
    /// }
    /// drop(tx);
    /// let mut buffer = Vec::new();
    /// assert_eq!(rx.recv_many(&mut buffer, 2).await, 2);
    /// assert_eq!(rx.recv_many(&mut buffer, 2).await, 1);
    /// assert_eq!(rx.recv_many(&mut buffer, 2).await, 0);
    /// assert_eq!(buffer, [0, 1, 2]);
    /// # }
    /// ```
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        poll_fn(|cx| self.chan.recv_many(cx, buffer, limit)).await
    }

    /// Tries to receive the next value for this receiver.
    ///
    /// Returns [`TryRecvError::Empty`] when nothing is queued now, and
    /// [`TryRecvError::Disconnected`] when the channel is closed and drained.
    ///
    /// ```
    /// use weft::sync::mpsc::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = mpsc::channel(10);
    /// tx.try_send("hello").unwrap();
    /// assert_eq!(Ok("hello"), rx.try_recv());
    /// assert_eq!(Err(TryRecvError::Empty), rx.try_recv());
    /// drop(tx);
    /// assert_eq!(Err(TryRecvError::Disconnected), rx.try_recv());
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        self.chan.try_recv()
    }

    /// Blocking receive to call outside of asynchronous contexts.
    ///
    /// # Panics
    ///
    /// This function panics if called within an asynchronous execution context.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel::<u8>(10);
    /// let sync_code = std::thread::spawn(move || {
    ///     assert_eq!(Some(10), rx.blocking_recv());
    /// });
    /// tx.blocking_send(10).unwrap();
    /// sync_code.join().unwrap();
    /// ```
    #[track_caller]
    pub fn blocking_recv(&mut self) -> Option<T> {
        crate::util::blocking::block_on(self.recv())
    }

    /// Variant of [`Self::recv_many`] for blocking contexts.
    ///
    /// # Panics
    ///
    /// This function panics if called within an asynchronous execution context.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel(10);
    /// tx.blocking_send(1).unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.blocking_recv_many(&mut buf, 5), 1);
    /// ```
    #[track_caller]
    pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        crate::util::blocking::block_on(self.recv_many(buffer, limit))
    }

    /// Closes the receiving half of a channel without dropping it.
    ///
    /// This prevents any further messages from being sent on the channel
    /// while still enabling the receiver to drain messages that are buffered.
    /// Any outstanding [`Permit`] values will still be able to send messages.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = mpsc::channel(20);
    /// tx.send(1).await.unwrap();
    /// rx.close();
    /// assert!(tx.send(2).await.is_err());
    /// assert_eq!(rx.recv().await, Some(1));
    /// assert_eq!(rx.recv().await, None);
    /// # }
    /// ```
    pub fn close(&mut self) {
        self.chan.close();
    }

    /// Checks if a channel is closed: [`close`](Self::close) was called, or
    /// every `Sender` is gone.
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::mpsc::channel::<()>(10);
    /// assert!(!rx.is_closed());
    /// rx.close();
    /// assert!(rx.is_closed());
    /// # drop(tx);
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Checks if a channel is empty.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::channel(10);
    /// assert!(rx.is_empty());
    /// tx.try_send(0).unwrap();
    /// assert!(!rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.chan.is_empty()
    }

    /// Returns the number of messages in the channel.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::channel(10);
    /// tx.try_send(0).unwrap();
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.len(), 2);
    /// ```
    pub fn len(&self) -> usize {
        self.chan.len()
    }

    /// Returns the current capacity of the channel: free slots.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::channel::<()>(5);
    /// let _permit = tx.try_reserve().unwrap();
    /// assert_eq!(rx.capacity(), 4);
    /// ```
    pub fn capacity(&self) -> usize {
        self.chan.semaphore().semaphore.available_permits()
    }

    /// Returns the maximum buffer capacity of the channel.
    ///
    /// ```
    /// let (_tx, rx) = weft::sync::mpsc::channel::<()>(5);
    /// assert_eq!(rx.max_capacity(), 5);
    /// ```
    pub fn max_capacity(&self) -> usize {
        self.chan.semaphore().bound
    }

    /// Polls to receive the next message on this channel.
    ///
    /// `Poll::Ready(None)` once the channel is closed and drained; on
    /// `Pending`, the waker of `cx` is woken when a value arrives. Only the
    /// last waker passed is kept.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use weft::sync::mpsc;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = mpsc::channel::<i32>(1);
    /// tx.send(7).await.unwrap();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv(cx)).await, Some(7));
    /// # }
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.chan.recv(cx)
    }

    /// Polls to receive up to `limit` messages into `buffer`.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use weft::sync::mpsc;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = mpsc::channel::<i32>(4);
    /// tx.send(1).await.unwrap();
    /// tx.send(2).await.unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv_many(cx, &mut buf, 8)).await, 2);
    /// # }
    /// ```
    pub fn poll_recv_many(
        &mut self,
        cx: &mut Context<'_>,
        buffer: &mut Vec<T>,
        limit: usize,
    ) -> Poll<usize> {
        self.chan.recv_many(cx, buffer, limit)
    }

    /// Returns the number of [`Sender`] handles.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::channel::<()>(1);
    /// let _tx2 = tx.clone();
    /// assert_eq!(rx.sender_strong_count(), 2);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.chan.sender_strong_count()
    }

    /// Returns the number of [`WeakSender`] handles.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::channel::<()>(1);
    /// let _weak = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.chan.sender_weak_count()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("Receiver")
            .field("chan", &self.chan)
            .finish()
    }
}

impl<T> Unpin for Receiver<T> {}

impl<T> Sender<T> {
    /// Sends a value, waiting until there is capacity.
    ///
    /// A successful send occurs when it is determined that the other end of
    /// the channel has not hung up already. An unsuccessful send returns the
    /// value in a [`SendError`].
    ///
    /// # Cancel safety
    ///
    /// If `send` is used as the event in a `select!` statement and some other
    /// branch completes first, then it is guaranteed that the message was not
    /// sent. **However**, in that case, the message is dropped and will be
    /// lost. To avoid losing messages, use [`reserve`](Self::reserve) to
    /// reserve capacity first.
    ///
    /// This channel uses a queue to ensure that calls to `send` and `reserve`
    /// complete in the order they were requested.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = mpsc::channel(1);
    /// weft::spawn(async move {
    ///     for i in 0..3 {
    ///         tx.send(i).await.unwrap();
    ///     }
    /// });
    /// for i in 0..3 {
    ///     assert_eq!(rx.recv().await, Some(i));
    /// }
    /// # }
    /// ```
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        match self.reserve().await {
            Ok(permit) => {
                permit.send(value);
                Ok(())
            }
            Err(_) => Err(SendError(value)),
        }
    }

    /// Completes when the receiver has dropped (or closed the channel).
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, rx) = mpsc::channel::<()>(1);
    /// let waiter = weft::spawn(async move { tx.closed().await });
    /// drop(rx);
    /// waiter.await.unwrap();
    /// # }
    /// ```
    pub async fn closed(&self) {
        self.chan.closed().await;
    }

    /// Attempts to immediately send a message on this `Sender`.
    ///
    /// Fails with [`TrySendError::Full`] when the channel is full and with
    /// [`TrySendError::Closed`] when the receiver is gone.
    ///
    /// ```
    /// use weft::sync::mpsc::{self, error::TrySendError};
    ///
    /// let (tx, _rx) = mpsc::channel(1);
    /// tx.try_send(1).unwrap();
    /// assert!(matches!(tx.try_send(2), Err(TrySendError::Full(2))));
    /// ```
    pub fn try_send(&self, message: T) -> Result<(), TrySendError<T>> {
        match self.chan.semaphore().semaphore.try_acquire(1) {
            Ok(()) => {}
            Err(TryAcquireError::Closed) => return Err(TrySendError::Closed(message)),
            Err(TryAcquireError::NoPermits) => return Err(TrySendError::Full(message)),
        }
        self.chan.send(message);
        Ok(())
    }

    /// Sends a value, waiting until there is capacity, but only for a
    /// limited time.
    ///
    /// ```
    /// use std::time::Duration;
    /// use weft::sync::mpsc::{self, error::SendTimeoutError};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, _rx) = mpsc::channel(1);
    /// tx.send(1).await.unwrap();
    /// let err = tx.send_timeout(2, Duration::from_millis(10)).await.unwrap_err();
    /// assert!(matches!(err, SendTimeoutError::Timeout(2)));
    /// # }
    /// ```
    #[cfg(feature = "time")]
    pub async fn send_timeout(
        &self,
        value: T,
        timeout: std::time::Duration,
    ) -> Result<(), super::error::SendTimeoutError<T>> {
        use super::error::SendTimeoutError;
        let permit = match crate::time::timeout(timeout, self.reserve()).await {
            Err(_) => return Err(SendTimeoutError::Timeout(value)),
            Ok(Err(_)) => return Err(SendTimeoutError::Closed(value)),
            Ok(Ok(permit)) => permit,
        };
        permit.send(value);
        Ok(())
    }

    /// Blocking send to call outside of asynchronous contexts.
    ///
    /// # Panics
    ///
    /// This function panics if called within an asynchronous execution context.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel::<u8>(1);
    /// let sync_code = std::thread::spawn(move || {
    ///     tx.blocking_send(10).unwrap();
    /// });
    /// assert_eq!(rx.blocking_recv(), Some(10));
    /// sync_code.join().unwrap();
    /// ```
    #[track_caller]
    pub fn blocking_send(&self, value: T) -> Result<(), SendError<T>> {
        crate::util::blocking::block_on(self.send(value))
    }

    /// Checks if the channel has been closed: the receiver dropped or called
    /// [`Receiver::close`].
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::channel::<()>(42);
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_rx_closed()
    }

    /// Waits for channel capacity. Once capacity to send one message is
    /// available, it is reserved for the caller.
    ///
    /// # Cancel safety
    ///
    /// This channel uses a queue to ensure that calls to `send` and `reserve`
    /// complete in the order they were requested. Cancelling a call to
    /// `reserve` makes you lose your place in the queue.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let permit = tx.reserve().await.unwrap();
    /// assert!(tx.try_send(123).is_err());
    /// permit.send(456);
    /// assert_eq!(rx.recv().await.unwrap(), 456);
    /// # }
    /// ```
    pub async fn reserve(&self) -> Result<Permit<'_, T>, SendError<()>> {
        self.reserve_inner(1).await?;
        Ok(Permit { chan: &self.chan })
    }

    /// Waits for capacity to send `n` messages, and reserves it.
    ///
    /// Fails at once if `n` is more than the channel's capacity.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = mpsc::channel(2);
    /// let mut permits = tx.reserve_many(2).await.unwrap();
    /// assert!(tx.try_send(1).is_err());
    /// permits.next().unwrap().send(456);
    /// permits.next().unwrap().send(457);
    /// assert!(permits.next().is_none());
    /// assert_eq!(rx.recv().await, Some(456));
    /// # }
    /// ```
    pub async fn reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, SendError<()>> {
        self.reserve_inner(n).await?;
        Ok(PermitIterator {
            chan: &self.chan,
            n,
        })
    }

    /// Waits for channel capacity, moving the `Sender` and returning an owned
    /// permit.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let permit = tx.reserve_owned().await.unwrap();
    /// let tx = permit.send(456);
    /// assert_eq!(rx.recv().await, Some(456));
    /// drop(tx);
    /// # }
    /// ```
    pub async fn reserve_owned(self) -> Result<OwnedPermit<T>, SendError<()>> {
        self.reserve_inner(1).await?;
        Ok(OwnedPermit {
            chan: Some(self.chan),
        })
    }

    async fn reserve_inner(&self, n: usize) -> Result<(), SendError<()>> {
        if n > self.max_capacity() {
            return Err(SendError(()));
        }
        // An acquire that fails or is dropped holding some of its permits
        // gives them back without the receiver hearing of it; a receiver
        // waiting for the closed channel to go idle must, so wake it. On
        // success the permits' owner takes that job over.
        struct WakeReceiverOnDrop<'a, T> {
            chan: &'a chan::Tx<T, BoundedSemaphore>,
        }
        impl<T> Drop for WakeReceiverOnDrop<'_, T> {
            fn drop(&mut self) {
                let semaphore = self.chan.semaphore();
                if semaphore.is_closed() && semaphore.is_idle() {
                    self.chan.wake_rx();
                }
            }
        }
        let guard = WakeReceiverOnDrop { chan: &self.chan };
        match self.chan.semaphore().semaphore.acquire(n).await {
            Ok(()) => {
                std::mem::forget(guard);
                Ok(())
            }
            Err(_) => Err(SendError(())),
        }
    }

    /// Tries to reserve a slot without waiting.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let permit = tx.try_reserve().unwrap();
    /// assert!(tx.try_reserve().is_err());
    /// permit.send(1);
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn try_reserve(&self) -> Result<Permit<'_, T>, TrySendError<()>> {
        match self.chan.semaphore().semaphore.try_acquire(1) {
            Ok(()) => Ok(Permit { chan: &self.chan }),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(())),
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(())),
        }
    }

    /// Tries to reserve `n` slots without waiting.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::channel::<i32>(2);
    /// let permits = tx.try_reserve_many(2).unwrap();
    /// assert_eq!(permits.len(), 2);
    /// assert!(tx.try_reserve_many(1).is_err());
    /// ```
    pub fn try_reserve_many(&self, n: usize) -> Result<PermitIterator<'_, T>, TrySendError<()>> {
        if n > self.max_capacity() {
            return Err(TrySendError::Full(()));
        }
        match self.chan.semaphore().semaphore.try_acquire(n) {
            Ok(()) => Ok(PermitIterator {
                chan: &self.chan,
                n,
            }),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(())),
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(())),
        }
    }

    /// Tries to reserve a slot without waiting, moving the `Sender` into an
    /// owned permit; the `Sender` comes back in the error.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let permit = tx.clone().try_reserve_owned().unwrap();
    /// assert!(tx.try_send(1).is_err());
    /// permit.send(2);
    /// assert_eq!(rx.try_recv(), Ok(2));
    /// ```
    pub fn try_reserve_owned(self) -> Result<OwnedPermit<T>, TrySendError<Self>> {
        match self.chan.semaphore().semaphore.try_acquire(1) {
            Ok(()) => Ok(OwnedPermit {
                chan: Some(self.chan),
            }),
            Err(TryAcquireError::Closed) => Err(TrySendError::Closed(self)),
            Err(TryAcquireError::NoPermits) => Err(TrySendError::Full(self)),
        }
    }

    /// Returns `true` if senders belong to the same channel.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<()>(1);
    /// let tx2 = tx.clone();
    /// assert!(tx.same_channel(&tx2));
    /// let (tx3, _rx3) = weft::sync::mpsc::channel::<()>(1);
    /// assert!(!tx3.same_channel(&tx2));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        self.chan.same_channel(&other.chan)
    }

    /// Returns the current capacity of the channel: free slots.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<()>(5);
    /// assert_eq!(tx.capacity(), 5);
    /// let _permit = tx.try_reserve().unwrap();
    /// assert_eq!(tx.capacity(), 4);
    /// ```
    pub fn capacity(&self) -> usize {
        self.chan.semaphore().semaphore.available_permits()
    }

    /// Converts the `Sender` to a [`WeakSender`] that does not count towards
    /// RAII semantics, i.e. if all `Sender` instances of the channel were
    /// dropped and only `WeakSender` instances remain, the channel is closed.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<()>(1);
    /// let weak = tx.downgrade();
    /// assert_eq!(tx.weak_count(), 1);
    /// assert!(weak.upgrade().is_some());
    /// ```
    #[must_use = "Downgrade creates a WeakSender without destroying the original non-weak sender."]
    pub fn downgrade(&self) -> WeakSender<T> {
        WeakSender {
            chan: self.chan.downgrade(),
        }
    }

    /// Returns the maximum buffer capacity of the channel.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<()>(5);
    /// assert_eq!(tx.max_capacity(), 5);
    /// ```
    pub fn max_capacity(&self) -> usize {
        self.chan.semaphore().bound
    }

    /// Returns the number of [`Sender`] handles.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<()>(1);
    /// assert_eq!(tx.strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// Returns the number of [`WeakSender`] handles.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<()>(1);
    /// assert_eq!(tx.weak_count(), 0);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        Sender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("Sender")
            .field("chan", &self.chan)
            .finish()
    }
}

impl<T> Clone for WeakSender<T> {
    fn clone(&self) -> Self {
        WeakSender {
            chan: chan::clone_weak(&self.chan),
        }
    }
}

impl<T> Drop for WeakSender<T> {
    fn drop(&mut self) {
        chan::drop_weak(&self.chan);
    }
}

impl<T> WeakSender<T> {
    /// Tries to convert a `WeakSender` into a [`Sender`]. This will return
    /// `Some` if there are other `Sender` instances alive and the channel
    /// wasn't previously dropped, otherwise `None` is returned.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<()>(1);
    /// let weak = tx.downgrade();
    /// drop(tx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn upgrade(&self) -> Option<Sender<T>> {
        chan::Tx::upgrade(self.chan.clone()).map(|chan| Sender { chan })
    }

    /// Returns the number of [`Sender`] handles.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<()>(1);
    /// assert_eq!(tx.downgrade().strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        chan::counts(&self.chan).0
    }

    /// Returns the number of [`WeakSender`] handles.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<()>(1);
    /// assert_eq!(tx.downgrade().weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        chan::counts(&self.chan).1
    }
}

impl<T> fmt::Debug for WeakSender<T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("WeakSender").finish()
    }
}
