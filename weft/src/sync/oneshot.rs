//! A one-shot channel: one value sent from a [`Sender`] to a [`Receiver`].
//!
//! [`channel`] makes the pair. [`Sender::send`] is not async (sending never
//! waits), so it can be called from anywhere, including outside a runtime.
//! The [`Receiver`] is a future resolving to the value, or to [`RecvError`]
//! if the sender was dropped without sending.
//!
//! If the receiver is closed after a value was sent, the value stays in the
//! channel (and [`Receiver::try_recv`] still returns it) until the receiver is
//! dropped.
//!
//! ```
//! use weft::sync::oneshot;
//!
//! # #[weft::main(flavor = "current_thread")]
//! # async fn main() {
//! let (tx, rx) = oneshot::channel();
//! weft::spawn(async move {
//!     if tx.send(3).is_err() {
//!         println!("the receiver dropped");
//!     }
//! });
//! assert_eq!(rx.await, Ok(3));
//! # }
//! ```
//!
//! # Protocol
//!
//! The channel is one allocation holding an atomic state word, the value cell
//! and two waker cells (one per side). Ownership of each cell follows the
//! state bits:
//!
//! 1. The value cell belongs to the sender until it sets `TX_DONE`; after
//!    that, to the receiver, which reads it only if `VALUE_SENT` is also set.
//! 2. The receiver's waker cell belongs to the receiver while `RX_WAKER` is
//!    clear. While it is set and `TX_DONE` is clear, the sender may *read* it
//!    (to wake by reference); the receiver takes it back by clearing the bit
//!    with a CAS that fails once `TX_DONE` is set. Once `TX_DONE` is set the
//!    sender never looks at it again, so it is the receiver's for good.
//! 3. The sender's waker cell mirrors rule 2 with `TX_WAKER` and `CLOSED`.
//! 4. `TX_DONE` and `CLOSED` are each set once, never cleared. The side that
//!    sets one wakes the other side's stored waker (if its bit is set and the
//!    other side has not finished too).
//! 5. Waker cells still set when the channel is freed are dropped with it.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::Arc;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

pub mod error {
    //! Errors of [`oneshot`](super) channels.

    use std::fmt;

    /// Error returned by awaiting a [`Receiver`](super::Receiver): the sender
    /// was dropped without sending a value.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, rx) = weft::sync::oneshot::channel::<u8>();
    /// drop(tx);
    /// let err = rx.await.unwrap_err();
    /// assert_eq!(err.to_string(), "channel closed");
    /// # }
    /// ```
    #[derive(Debug, Eq, PartialEq, Clone)]
    pub struct RecvError(pub(super) ());

    /// Error returned by [`Receiver::try_recv`](super::Receiver::try_recv).
    ///
    /// ```
    /// use weft::sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel::<u8>();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// drop(tx);
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    #[derive(Debug, Eq, PartialEq, Clone)]
    pub enum TryRecvError {
        /// The sender has not sent a value yet.
        Empty,
        /// The sender was dropped without sending, or the value was already
        /// received.
        Closed,
    }

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl std::error::Error for RecvError {}

    impl fmt::Display for TryRecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            match self {
                TryRecvError::Empty => f.write_str("channel empty"),
                TryRecvError::Closed => f.write_str("channel closed"),
            }
        }
    }

    impl std::error::Error for TryRecvError {}
}

use self::error::{RecvError, TryRecvError};

/// The receiver's waker cell holds a waker the sender may wake (rule 2).
const RX_WAKER: usize = 1 << 0;
/// The sender has finished: sent (with `VALUE_SENT`) or dropped (rule 1).
const TX_DONE: usize = 1 << 1;
/// The value cell holds the value; only ever set together with `TX_DONE`.
const VALUE_SENT: usize = 1 << 2;
/// The receiver closed the channel or was dropped.
const CLOSED: usize = 1 << 3;
/// The sender's waker cell holds a waker the receiver may wake (rule 3).
const TX_WAKER: usize = 1 << 4;

/// The allocation shared by both halves.
struct Channel<T> {
    state: AtomicUsize,
    value: UnsafeCell<Option<T>>,
    rx_waker: UnsafeCell<Option<Waker>>,
    tx_waker: UnsafeCell<Option<Waker>>,
}

// SAFETY: the cells are handed between the two halves by the state protocol
// (module doc); the value moves between threads, hence `T: Send`.
unsafe impl<T: Send> Send for Channel<T> {}
// SAFETY: as above; `&Channel` never gives out `&T`.
unsafe impl<T: Send> Sync for Channel<T> {}

/// Sends the value of a oneshot channel. Made by [`channel`].
///
/// Dropping it without sending makes the receiver's await return
/// [`RecvError`].
pub struct Sender<T> {
    channel: Option<Arc<Channel<T>>>,
}

/// Receives the value of a oneshot channel: await it. Made by [`channel`].
///
/// Awaiting it again after it completed panics; use
/// [`is_terminated`](Receiver::is_terminated) to check.
///
/// It is `Send` only if the value is:
///
/// ```compile_fail
/// fn is_send<T: Send>(_: T) {}
/// let (_tx, rx) = weft::sync::oneshot::channel::<std::rc::Rc<u8>>();
/// is_send(rx);
/// ```
pub struct Receiver<T> {
    channel: Option<Arc<Channel<T>>>,
}

/// Creates a oneshot channel: a sender and a receiver for one value.
///
/// ```
/// use weft::sync::oneshot;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let (tx, rx) = oneshot::channel();
/// weft::spawn(async move { tx.send("hello").unwrap() });
/// assert_eq!(rx.await.unwrap(), "hello");
/// # }
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let channel = Arc::new(Channel {
        state: AtomicUsize::new(0),
        value: UnsafeCell::new(None),
        rx_waker: UnsafeCell::new(None),
        tx_waker: UnsafeCell::new(None),
    });
    (
        Sender {
            channel: Some(channel.clone()),
        },
        Receiver {
            channel: Some(channel),
        },
    )
}

impl<T> Channel<T> {
    /// Stores `waker` in the cell guarded by `bit`, unless `done` is (or
    /// becomes) set, in which case `Ready` is returned and the caller
    /// completes instead of waiting.
    ///
    /// # Safety
    ///
    /// The caller is the side owning `cell` (the receiver for `RX_WAKER`, the
    /// sender for `TX_WAKER`), and `bit`/`done` are that side's pair.
    unsafe fn register(
        &self,
        cell: &UnsafeCell<Option<Waker>>,
        bit: usize,
        done: usize,
        waker: &Waker,
    ) -> Poll<()> {
        let mut state = self.state.load(Acquire);
        if state & done != 0 {
            return Poll::Ready(());
        }
        if state & bit != 0 {
            // SAFETY: the bit is set, so the other side may only read the
            // cell (rules 2 and 3); reading it too is fine.
            let same = cell.with(|w| unsafe { (*w).as_ref() }.is_some_and(|w| w.will_wake(waker)));
            if same {
                return Poll::Pending;
            }
            // Take the cell back before rewriting it: clear the bit unless
            // the other side finished meanwhile.
            loop {
                if state & done != 0 {
                    return Poll::Ready(());
                }
                match self
                    .state
                    .compare_exchange_weak(state, state & !bit, AcqRel, Acquire)
                {
                    Ok(_) => break,
                    Err(actual) => state = actual,
                }
            }
        }
        // SAFETY: the bit is clear, so the cell is ours alone (rules 2, 3).
        // Dropping the old waker right away releases the old task promptly.
        cell.with_mut(|w| unsafe { *w = Some(waker.clone()) });
        let prev = self.state.fetch_or(bit, AcqRel);
        if prev & done != 0 {
            // Finished before seeing our waker: no wake will come. The waker
            // stays in the cell and is dropped with the channel (rule 5).
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }

    /// Wakes the waker in `cell` by reference, if `prev` says one was stored
    /// and the other side is still waiting.
    ///
    /// # Safety
    ///
    /// `prev` is the state right before the caller set its final bit
    /// (`TX_DONE` or `CLOSED`); the caller is the side *not* owning `cell`.
    unsafe fn wake_other(
        &self,
        prev: usize,
        cell: &UnsafeCell<Option<Waker>>,
        bit: usize,
        done: usize,
    ) {
        if prev & bit != 0 && prev & done == 0 {
            cell.with(|w| {
                // SAFETY: the bit was set when we finished, and the owner
                // cannot take the cell back any more (its CAS fails on our
                // final bit), so the cell is stable and readable (rules 2, 3).
                if let Some(w) = unsafe { &*w } {
                    w.wake_by_ref();
                }
            });
        }
    }

    /// Marks the receiver closed and wakes a sender waiting in `closed()`.
    fn close(&self) -> usize {
        let prev = self.state.fetch_or(CLOSED, AcqRel);
        // SAFETY: the receiver does not own the sender's cell; `prev` is the
        // state before `CLOSED`.
        unsafe { self.wake_other(prev, &self.tx_waker, TX_WAKER, TX_DONE) };
        prev
    }

    /// Takes the value after `TX_DONE` was observed.
    ///
    /// # Safety
    ///
    /// Called by the receiver after observing `TX_DONE` (with acquire).
    unsafe fn take_value(&self, state: usize) -> Option<T> {
        debug_assert!(state & TX_DONE != 0);
        if state & VALUE_SENT == 0 {
            return None;
        }
        // SAFETY: `TX_DONE` is set, so the value cell is the receiver's (rule 1).
        self.value.with_mut(|v| unsafe { (*v).take() })
    }
}

impl<T> Sender<T> {
    /// Sends `t`, or gives it back if the receiver is gone (closed or dropped).
    ///
    /// `Ok` does not mean the value will be received: the receiver may be
    /// dropped right after. Never waits, so it works in synchronous code.
    ///
    /// ```
    /// use weft::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel();
    /// drop(rx);
    /// assert_eq!(tx.send(5), Err(5));
    /// ```
    pub fn send(mut self, t: T) -> Result<(), T> {
        let channel = self.channel.take().expect("sender used after send");
        // SAFETY: `TX_DONE` is not set yet, so the value cell is ours (rule 1).
        channel.value.with_mut(|v| unsafe { *v = Some(t) });
        let mut state = channel.state.load(Acquire);
        loop {
            // A closed channel gets `TX_DONE` without `VALUE_SENT`: the value
            // cell stays ours and we take the value back.
            let next = if state & CLOSED != 0 {
                state | TX_DONE
            } else {
                state | TX_DONE | VALUE_SENT
            };
            match channel
                .state
                .compare_exchange_weak(state, next, AcqRel, Acquire)
            {
                Ok(_) => break,
                Err(actual) => state = actual,
            }
        }
        if state & CLOSED != 0 {
            // SAFETY: `VALUE_SENT` was not set, so the receiver never reads
            // the value cell (rule 1): still ours.
            let t = channel.value.with_mut(|v| unsafe { (*v).take() });
            return Err(t.expect("value was just written"));
        }
        // SAFETY: we are the sender; `state` is the state before `TX_DONE`.
        unsafe { channel.wake_other(state, &channel.rx_waker, RX_WAKER, CLOSED) };
        Ok(())
    }

    /// Waits until the receiver is closed or dropped.
    ///
    /// Use it to stop computing a value nobody wants any more. Cancel safe.
    ///
    /// ```
    /// use weft::sync::oneshot;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (mut tx, rx) = oneshot::channel::<()>();
    /// weft::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// assert!(tx.is_closed());
    /// # }
    /// ```
    pub async fn closed(&mut self) {
        std::future::poll_fn(|cx| self.poll_closed(cx)).await
    }

    /// Whether the receiver was closed or dropped; a `send` would fail.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::oneshot::channel::<()>();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        let channel = self.channel.as_ref().expect("sender used after send");
        channel.state.load(Acquire) & CLOSED != 0
    }

    /// Polls whether the receiver is closed: `Ready` once it is, otherwise
    /// registers `cx`'s waker (only the last registered waker is woken).
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use weft::sync::oneshot;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (mut tx, rx) = oneshot::channel::<()>();
    /// drop(rx);
    /// poll_fn(|cx| tx.poll_closed(cx)).await;
    /// # }
    /// ```
    pub fn poll_closed(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        let restore = ready!(crate::task::coop::poll_proceed(cx));
        let channel = self.channel.as_ref().expect("sender used after send");
        // SAFETY: we are the sender, which owns the sender's waker cell.
        let poll = unsafe { channel.register(&channel.tx_waker, TX_WAKER, CLOSED, cx.waker()) };
        if poll.is_ready() {
            restore.made_progress();
        }
        poll
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if let Some(channel) = self.channel.take() {
            let prev = channel.state.fetch_or(TX_DONE, AcqRel);
            // SAFETY: we are the sender; `prev` is the state before `TX_DONE`.
            unsafe { channel.wake_other(prev, &channel.rx_waker, RX_WAKER, CLOSED) };
        }
    }
}

impl<T> Receiver<T> {
    /// Closes the channel without dropping the receiver: later sends fail,
    /// and a sender waiting in [`closed`](Sender::closed) wakes. A value sent
    /// before can still be taken with [`try_recv`](Receiver::try_recv).
    ///
    /// ```
    /// use weft::sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel::<u8>();
    /// rx.close();
    /// assert_eq!(tx.send(1), Err(1));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn close(&mut self) {
        if let Some(channel) = &self.channel {
            channel.close();
        }
    }

    /// Whether this receiver has completed: it returned a value or an error
    /// (from `.await` or `try_recv`). Polling a terminated receiver panics.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = weft::sync::oneshot::channel();
    /// tx.send(0).unwrap();
    /// assert!(!rx.is_terminated());
    /// assert_eq!((&mut rx).await, Ok(0));
    /// assert!(rx.is_terminated());
    /// # }
    /// ```
    pub fn is_terminated(&self) -> bool {
        self.channel.is_none()
    }

    /// Whether no value is waiting: nothing sent yet, the sender dropped, or
    /// the value already received. An empty receiver is not necessarily safe
    /// to poll (it may be terminated).
    ///
    /// ```
    /// let (tx, rx) = weft::sync::oneshot::channel();
    /// assert!(rx.is_empty());
    /// tx.send(1).unwrap();
    /// assert!(!rx.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        match &self.channel {
            None => true,
            Some(channel) => channel.state.load(Acquire) & VALUE_SENT == 0,
        }
    }

    /// Takes the value if it was sent, without waiting.
    ///
    /// `Empty` if nothing was sent yet; `Closed` if the sender dropped without
    /// sending, if the channel was closed with no value in it, or if the value
    /// was already taken (the receiver is then terminated).
    ///
    /// ```
    /// use weft::sync::oneshot::{self, error::TryRecvError};
    ///
    /// let (tx, mut rx) = oneshot::channel();
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    /// tx.send("hi").unwrap();
    /// assert_eq!(rx.try_recv(), Ok("hi"));
    /// assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, TryRecvError> {
        let Some(channel) = &self.channel else {
            return Err(TryRecvError::Closed);
        };
        let state = channel.state.load(Acquire);
        let result = if state & TX_DONE != 0 {
            // SAFETY: receiver, after observing `TX_DONE` with acquire.
            unsafe { channel.take_value(state) }.ok_or(TryRecvError::Closed)
        } else if state & CLOSED != 0 {
            Err(TryRecvError::Closed)
        } else {
            return Err(TryRecvError::Empty);
        };
        self.channel = None;
        result
    }

    /// Blocks the thread until the value arrives. For synchronous code.
    ///
    /// # Panics
    ///
    /// When called inside an asynchronous execution context (a runtime).
    ///
    /// ```
    /// use weft::sync::oneshot;
    ///
    /// let (tx, rx) = oneshot::channel();
    /// let t = std::thread::spawn(move || tx.send(10).unwrap());
    /// assert_eq!(rx.blocking_recv(), Ok(10));
    /// t.join().unwrap();
    /// ```
    #[track_caller]
    pub fn blocking_recv(self) -> Result<T, RecvError> {
        crate::util::blocking::block_on(self)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if let Some(channel) = &self.channel {
            channel.close();
        }
    }
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let channel = self.channel.as_ref().expect("called after complete");
        let restore = ready!(crate::task::coop::poll_proceed(cx));
        // SAFETY: we are the receiver, which owns the receiver's waker cell.
        let ready = unsafe { channel.register(&channel.rx_waker, RX_WAKER, TX_DONE, cx.waker()) };
        let result = if ready.is_ready() {
            let state = channel.state.load(Acquire);
            // SAFETY: receiver, `TX_DONE` observed with acquire in `register`
            // and again here.
            unsafe { channel.take_value(state) }.ok_or(RecvError(()))
        } else if channel.state.load(Acquire) & (CLOSED | TX_DONE) == CLOSED {
            // Closed by `close()` with nothing sent: nothing will come.
            Err(RecvError(()))
        } else {
            return Poll::Pending;
        };
        restore.made_progress();
        self.channel = None;
        Poll::Ready(result)
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field(
                "state",
                &self.channel.as_ref().map(|c| State(c.state.load(Relaxed))),
            )
            .finish()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field(
                "state",
                &self.channel.as_ref().map(|c| State(c.state.load(Relaxed))),
            )
            .finish()
    }
}

struct State(usize);

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("State")
            .field("rx_waker", &(self.0 & RX_WAKER != 0))
            .field("tx_done", &(self.0 & TX_DONE != 0))
            .field("value_sent", &(self.0 & VALUE_SENT != 0))
            .field("closed", &(self.0 & CLOSED != 0))
            .field("tx_waker", &(self.0 & TX_WAKER != 0))
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize as StdAtomicUsize;
    use std::sync::Arc as StdArc;
    use std::task::Wake;

    /// A waker that counts its wakes; `Arc::strong_count` shows live clones.
    #[derive(Default)]
    struct Counter(StdAtomicUsize);
    impl Wake for Counter {
        fn wake(self: StdArc<Self>) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    use std::sync::atomic::Ordering::SeqCst;

    fn counter() -> (StdArc<Counter>, Waker) {
        let c = StdArc::new(Counter::default());
        (c.clone(), Waker::from(c))
    }

    fn poll_rx<T>(rx: &mut Receiver<T>, w: &Waker) -> Poll<Result<T, RecvError>> {
        Pin::new(rx).poll(&mut Context::from_waker(w))
    }

    #[test]
    fn send_then_recv() {
        let (tx, mut rx) = channel();
        let (_c, w) = counter();
        assert!(tx.send(1).is_ok());
        assert_eq!(poll_rx(&mut rx, &w), Poll::Ready(Ok(1)));
        assert!(rx.is_terminated());
    }

    #[test]
    fn pending_recv_woken_by_send_once() {
        let (tx, mut rx) = channel();
        let (c, w) = counter();
        assert!(poll_rx(&mut rx, &w).is_pending());
        assert_eq!(StdArc::strong_count(&c), 3, "waker stored");
        tx.send(7).unwrap();
        assert_eq!(c.0.load(SeqCst), 1);
        assert_eq!(poll_rx(&mut rx, &w), Poll::Ready(Ok(7)));
        drop(rx);
        assert_eq!(StdArc::strong_count(&c), 2, "stored waker released");
    }

    #[test]
    fn sender_drop_wakes_with_error() {
        let (tx, mut rx) = channel::<u8>();
        let (c, w) = counter();
        assert!(poll_rx(&mut rx, &w).is_pending());
        drop(tx);
        assert_eq!(c.0.load(SeqCst), 1);
        assert_eq!(poll_rx(&mut rx, &w), Poll::Ready(Err(RecvError(()))));
    }

    #[test]
    fn receiver_changes_waker_drops_old() {
        let (tx, mut rx) = channel();
        let (c1, w1) = counter();
        let (c2, w2) = counter();
        assert!(poll_rx(&mut rx, &w1).is_pending());
        assert!(poll_rx(&mut rx, &w2).is_pending());
        assert_eq!(StdArc::strong_count(&c1), 2);
        tx.send(()).unwrap();
        assert_eq!(c1.0.load(SeqCst), 0);
        assert_eq!(c2.0.load(SeqCst), 1);
    }

    #[test]
    fn close_wakes_poll_closed_and_fails_send() {
        let (mut tx, mut rx) = channel::<u8>();
        let (c, w) = counter();
        let mut cx = Context::from_waker(&w);
        assert!(tx.poll_closed(&mut cx).is_pending());
        assert!(!tx.is_closed());
        rx.close();
        assert_eq!(c.0.load(SeqCst), 1);
        assert!(tx.is_closed());
        assert!(tx.poll_closed(&mut cx).is_ready());
        assert_eq!(tx.send(3), Err(3));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
        assert!(rx.is_terminated());
    }

    #[test]
    fn value_sent_before_close_is_kept() {
        let (tx, mut rx) = channel();
        tx.send(1).unwrap();
        rx.close();
        assert!(!rx.is_empty());
        assert_eq!(rx.try_recv(), Ok(1));
        assert!(rx.is_empty());
    }

    #[test]
    fn poll_after_close_is_error() {
        let (_tx, mut rx) = channel::<u8>();
        let (_c, w) = counter();
        rx.close();
        assert_eq!(poll_rx(&mut rx, &w), Poll::Ready(Err(RecvError(()))));
        assert!(rx.is_terminated());
    }

    #[test]
    #[should_panic(expected = "called after complete")]
    fn poll_after_complete_panics() {
        let (tx, mut rx) = channel();
        let (_c, w) = counter();
        tx.send(1).unwrap();
        let _ = poll_rx(&mut rx, &w);
        let _ = poll_rx(&mut rx, &w);
    }

    #[test]
    fn unreceived_value_dropped_with_channel() {
        let value = StdArc::new(());
        let (tx, rx) = channel();
        tx.send(value.clone()).unwrap();
        assert_eq!(StdArc::strong_count(&value), 2);
        drop(rx);
        assert_eq!(StdArc::strong_count(&value), 1);
    }

    #[test]
    fn blocking_recv_across_threads() {
        let (tx, rx) = channel();
        let t = std::thread::spawn(move || tx.send(5).unwrap());
        assert_eq!(rx.blocking_recv(), Ok(5));
        t.join().unwrap();
    }

    #[test]
    fn threads_race_send_and_recv() {
        for _ in 0..200 {
            let (tx, rx) = channel();
            let t = std::thread::spawn(move || tx.send(9u32));
            let got = rx.blocking_recv();
            assert_eq!(got, Ok(9));
            assert!(t.join().unwrap().is_ok());
        }
    }

    #[test]
    fn error_display() {
        assert_eq!(RecvError(()).to_string(), "channel closed");
        assert_eq!(TryRecvError::Empty.to_string(), "channel empty");
        assert_eq!(TryRecvError::Closed.to_string(), "channel closed");
    }

    #[test]
    fn send_sync() {
        fn is_send<T: Send>() {}
        fn is_sync<T: Sync>() {}
        is_send::<Sender<u8>>();
        is_sync::<Sender<u8>>();
        is_send::<Receiver<u8>>();
        is_sync::<Receiver<u8>>();
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::thread;
    use loom::future::block_on;

    /// A value sent from another thread arrives exactly once.
    #[test]
    fn send_recv() {
        loom::model(|| {
            let (tx, rx) = channel();
            let t = thread::spawn(move || tx.send(1).unwrap());
            assert_eq!(block_on(rx), Ok(1));
            t.join().unwrap();
        });
    }

    /// Dropping the sender while the receiver waits wakes it with an error.
    #[test]
    fn sender_drop_vs_recv() {
        loom::model(|| {
            let (tx, rx) = channel::<u8>();
            let t = thread::spawn(move || drop(tx));
            assert_eq!(block_on(rx), Err(RecvError(())));
            t.join().unwrap();
        });
    }

    /// Dropping the receiver races with a send: the value is either returned
    /// to the sender or dropped with the channel, never leaked (loom checks
    /// the leak of the Arc).
    #[test]
    fn recv_drop_vs_send() {
        loom::model(|| {
            let (tx, rx) = channel::<Arc<()>>();
            let t = thread::spawn(move || drop(rx));
            let _ = tx.send(Arc::new(()));
            t.join().unwrap();
        });
    }

    /// `close` racing with `send`: either the send fails or `try_recv` sees
    /// the value.
    #[test]
    fn close_vs_send() {
        loom::model(|| {
            let (tx, mut rx) = channel::<u8>();
            let t = thread::spawn(move || tx.send(1).is_ok());
            rx.close();
            let sent = t.join().unwrap();
            match rx.try_recv() {
                Ok(1) => assert!(sent),
                Err(TryRecvError::Closed) => assert!(!sent),
                other => panic!("unexpected {other:?}"),
            }
        });
    }

    /// A sender waiting in `closed()` wakes when the receiver drops.
    #[test]
    fn closed_wakes_on_receiver_drop() {
        loom::model(|| {
            let (mut tx, rx) = channel::<u8>();
            let t = thread::spawn(move || drop(rx));
            block_on(tx.closed());
            assert!(tx.is_closed());
            t.join().unwrap();
        });
    }

    /// The receiver switches wakers while the sender sends: the wake reaches
    /// whichever waker is current.
    #[test]
    fn changing_waker_vs_send() {
        loom::model(|| {
            let (tx, mut rx) = channel::<u8>();
            let t = thread::spawn(move || tx.send(3).unwrap());
            let first = Waker::noop();
            let _ = Pin::new(&mut rx).poll(&mut Context::from_waker(first));
            if !rx.is_terminated() {
                assert_eq!(block_on(rx), Ok(3));
            }
            t.join().unwrap();
        });
    }
}
