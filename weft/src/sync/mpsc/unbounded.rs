//! The unbounded channel: sending never waits; a counter of values in flight
//! stands in for the capacity semaphore, so that a closed receiver knows when
//! nothing more can arrive.

use super::chan::{self, UnboundedSemaphore};
use super::error::{SendError, TryRecvError};
use crate::loom::sync::Arc;
use std::fmt;
use std::future::poll_fn;
use std::task::{Context, Poll};

/// Send values to the associated `UnboundedReceiver`.
///
/// Instances are created by the [`unbounded_channel`] function.
pub struct UnboundedSender<T> {
    chan: chan::Tx<T, UnboundedSemaphore>,
}

/// An unbounded sender that does not prevent the channel from being closed.
///
/// Created by [`UnboundedSender::downgrade`].
///
/// ```
/// use weft::sync::mpsc::unbounded_channel;
///
/// let (tx, _rx) = unbounded_channel::<i32>();
/// let tx_weak = tx.downgrade();
/// assert!(tx_weak.upgrade().is_some());
/// drop(tx);
/// assert!(tx_weak.upgrade().is_none());
/// ```
pub struct WeakUnboundedSender<T> {
    chan: Arc<chan::Chan<T, UnboundedSemaphore>>,
}

/// Receive values from the associated `UnboundedSender`.
///
/// Instances are created by the [`unbounded_channel`] function.
pub struct UnboundedReceiver<T> {
    chan: chan::Rx<T, UnboundedSemaphore>,
}

/// Creates an unbounded mpsc channel for communicating between asynchronous
/// tasks without backpressure.
///
/// A `send` on this channel will always succeed as long as the receive half
/// has not been closed. If the receiver falls behind, messages will be
/// arbitrarily buffered.
///
/// ```
/// use weft::sync::mpsc;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, mut rx) = mpsc::unbounded_channel();
/// tx.send("hello").unwrap();
/// assert_eq!(rx.recv().await, Some("hello"));
/// # }
/// ```
pub fn unbounded_channel<T>() -> (UnboundedSender<T>, UnboundedReceiver<T>) {
    let (tx, rx) = chan::channel(UnboundedSemaphore::new());
    (UnboundedSender { chan: tx }, UnboundedReceiver { chan: rx })
}

impl<T> fmt::Debug for UnboundedSender<T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("UnboundedSender")
            .field("chan", &self.chan)
            .finish()
    }
}

impl<T> fmt::Debug for UnboundedReceiver<T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("UnboundedReceiver")
            .field("chan", &self.chan)
            .finish()
    }
}

impl<T> UnboundedReceiver<T> {
    /// Receives the next value for this receiver; `None` once the channel is
    /// closed and drained.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe: if it does not complete, no message was
    /// received.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// weft::spawn(async move { tx.send("hello").unwrap() });
    /// assert_eq!(Some("hello"), rx.recv().await);
    /// assert_eq!(None, rx.recv().await);
    /// # }
    /// ```
    pub async fn recv(&mut self) -> Option<T> {
        poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Receives up to `limit` values into `buffer`; returns how many (0 when
    /// `limit` is 0 or the channel is closed and drained).
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// tx.send(2).unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.recv_many(&mut buf, 10).await, 2);
    /// # }
    /// ```
    pub async fn recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        poll_fn(|cx| self.chan.recv_many(cx, buffer, limit)).await
    }

    /// Tries to receive the next value without waiting.
    ///
    /// ```
    /// use weft::sync::mpsc::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = mpsc::unbounded_channel();
    /// tx.send("hello").unwrap();
    /// assert_eq!(Ok("hello"), rx.try_recv());
    /// assert_eq!(Err(TryRecvError::Empty), rx.try_recv());
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
    /// let (tx, mut rx) = weft::sync::mpsc::unbounded_channel::<u8>();
    /// let t = std::thread::spawn(move || rx.blocking_recv());
    /// tx.send(10).unwrap();
    /// assert_eq!(t.join().unwrap(), Some(10));
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
    /// let (tx, mut rx) = weft::sync::mpsc::unbounded_channel::<u8>();
    /// tx.send(1).unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(rx.blocking_recv_many(&mut buf, 4), 1);
    /// ```
    #[track_caller]
    pub fn blocking_recv_many(&mut self, buffer: &mut Vec<T>, limit: usize) -> usize {
        crate::util::blocking::block_on(self.recv_many(buffer, limit))
    }

    /// Closes the receiving half of a channel, without dropping it: further
    /// sends fail, values already sent can still be received.
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// rx.close();
    /// assert!(tx.send(2).is_err());
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn close(&mut self) {
        self.chan.close();
    }

    /// Checks if a channel is closed.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_closed()
    }

    /// Checks if a channel is empty.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::unbounded_channel();
    /// assert!(rx.is_empty());
    /// tx.send(0).unwrap();
    /// assert!(!rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.chan.is_empty()
    }

    /// Returns the number of messages in the channel.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::unbounded_channel();
    /// tx.send(0).unwrap();
    /// assert_eq!(rx.len(), 1);
    /// ```
    pub fn len(&self) -> usize {
        self.chan.len()
    }

    /// Polls to receive the next message on this channel.
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = weft::sync::mpsc::unbounded_channel();
    /// tx.send(3).unwrap();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv(cx)).await, Some(3));
    /// # }
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.chan.recv(cx)
    }

    /// Polls to receive up to `limit` messages into `buffer`.
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = weft::sync::mpsc::unbounded_channel();
    /// tx.send(3).unwrap();
    /// let mut buf = Vec::new();
    /// assert_eq!(poll_fn(|cx| rx.poll_recv_many(cx, &mut buf, 2)).await, 1);
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

    /// Returns the number of [`UnboundedSender`] handles.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// assert_eq!(rx.sender_strong_count(), 1);
    /// # drop(tx);
    /// ```
    pub fn sender_strong_count(&self) -> usize {
        self.chan.sender_strong_count()
    }

    /// Returns the number of [`WeakUnboundedSender`] handles.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// let _w = tx.downgrade();
    /// assert_eq!(rx.sender_weak_count(), 1);
    /// ```
    pub fn sender_weak_count(&self) -> usize {
        self.chan.sender_weak_count()
    }
}

impl<T> Unpin for UnboundedReceiver<T> {}

impl<T> UnboundedSender<T> {
    /// Attempts to send a message without blocking.
    ///
    /// Fails, returning the value, only if the receiver is gone or closed.
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::mpsc::unbounded_channel();
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// drop(rx);
    /// assert_eq!(tx.send(2).unwrap_err().0, 2);
    /// ```
    pub fn send(&self, message: T) -> Result<(), SendError<T>> {
        if !self.chan.semaphore().try_add_message() {
            return Err(SendError(message));
        }
        self.chan.send(message);
        Ok(())
    }

    /// Completes when the receiver has dropped or closed the channel.
    ///
    /// # Cancel safety
    ///
    /// This method is cancel safe.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// drop(rx);
    /// tx.closed().await;
    /// # }
    /// ```
    pub async fn closed(&self) {
        self.chan.closed().await;
    }

    /// Checks if the channel has been closed.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.chan.is_rx_closed()
    }

    /// Returns `true` if senders belong to the same channel.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// assert!(tx.same_channel(&tx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        self.chan.same_channel(&other.chan)
    }

    /// Converts the `UnboundedSender` to a [`WeakUnboundedSender`] that does
    /// not keep the channel open.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// let weak = tx.downgrade();
    /// assert!(weak.upgrade().is_some());
    /// ```
    #[must_use = "Downgrade creates a WeakSender without destroying the original non-weak sender."]
    pub fn downgrade(&self) -> WeakUnboundedSender<T> {
        WeakUnboundedSender {
            chan: self.chan.downgrade(),
        }
    }

    /// Returns the number of [`UnboundedSender`] handles.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// assert_eq!(tx.clone().strong_count(), 2);
    /// ```
    pub fn strong_count(&self) -> usize {
        self.chan.strong_count()
    }

    /// Returns the number of [`WeakUnboundedSender`] handles.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// assert_eq!(tx.weak_count(), 0);
    /// ```
    pub fn weak_count(&self) -> usize {
        self.chan.weak_count()
    }
}

impl<T> Clone for UnboundedSender<T> {
    fn clone(&self) -> Self {
        UnboundedSender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Clone for WeakUnboundedSender<T> {
    fn clone(&self) -> Self {
        WeakUnboundedSender {
            chan: chan::clone_weak(&self.chan),
        }
    }
}

impl<T> Drop for WeakUnboundedSender<T> {
    fn drop(&mut self) {
        chan::drop_weak(&self.chan);
    }
}

impl<T> WeakUnboundedSender<T> {
    /// Tries to convert a `WeakUnboundedSender` into an [`UnboundedSender`];
    /// `None` once every `UnboundedSender` is gone.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// let weak = tx.downgrade();
    /// drop(tx);
    /// assert!(weak.upgrade().is_none());
    /// ```
    pub fn upgrade(&self) -> Option<UnboundedSender<T>> {
        chan::Tx::upgrade(self.chan.clone()).map(|chan| UnboundedSender { chan })
    }

    /// Returns the number of [`UnboundedSender`] handles.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// assert_eq!(tx.downgrade().strong_count(), 1);
    /// ```
    pub fn strong_count(&self) -> usize {
        chan::counts(&self.chan).0
    }

    /// Returns the number of [`WeakUnboundedSender`] handles.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::unbounded_channel::<()>();
    /// assert_eq!(tx.downgrade().weak_count(), 1);
    /// ```
    pub fn weak_count(&self) -> usize {
        chan::counts(&self.chan).1
    }
}

impl<T> fmt::Debug for WeakUnboundedSender<T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("WeakUnboundedSender").finish()
    }
}
