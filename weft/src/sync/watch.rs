//! A single-producer, multi-consumer channel that keeps only the latest value.
//!
//! [`channel`] makes a [`Sender`] and a [`Receiver`]. Receivers see the most
//! recent value ([`Receiver::borrow`]) and can wait for the next change
//! ([`Receiver::changed`]); intermediate values may be skipped. Each receiver
//! remembers the version it last marked as seen.
//!
//! ```
//! use weft::sync::watch;
//!
//! # #[weft::main(flavor = "current_thread")]
//! # async fn main() {
//! let (tx, mut rx) = watch::channel("hello");
//! weft::spawn(async move {
//!     tx.send("world").unwrap();
//! });
//! rx.changed().await.unwrap();
//! assert_eq!(*rx.borrow_and_update(), "world");
//! # }
//! ```
//!
//! # How it works
//!
//! The value sits behind a reader-writer lock. An atomic word holds the
//! version (counting in steps of 2) and, in bit 0, whether every sender is
//! gone. Senders bump the version *while holding the write lock*, so a
//! receiver reading under the read lock sees a version that matches the value
//! it reads. Waiting uses two [`Notify`]s: one wakes receivers on a new value
//! or on close, the other wakes senders waiting in [`Sender::closed`] when the
//! last receiver leaves. A waiter creates its `Notified` *before* checking the
//! version, so a change between check and wait is never missed (Notify's
//! `notify_waiters` reaches futures created before the call).

use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::loom::sync::{RwLock, RwLockReadGuard};
use crate::sync::Notify;
use crate::task::coop::cooperative;
use std::fmt;
use std::ops;
use std::panic;
use std::sync::Arc;

pub mod error {
    //! Errors of [`watch`](super) channels.

    use std::fmt;

    /// Error returned by [`Sender::send`](super::Sender::send) when no
    /// receiver is left; gives the value back.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::watch::channel(0);
    /// drop(rx);
    /// let err = tx.send(5).unwrap_err();
    /// assert_eq!(err.0, 5);
    /// assert_eq!(err.to_string(), "channel closed");
    /// ```
    #[derive(PartialEq, Eq, Clone, Copy)]
    pub struct SendError<T>(pub T);

    impl<T> fmt::Debug for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.debug_struct("SendError").finish_non_exhaustive()
        }
    }

    impl<T> fmt::Display for SendError<T> {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl<T> std::error::Error for SendError<T> {}

    /// Error returned by [`Receiver::changed`](super::Receiver::changed) and
    /// friends when every sender is gone.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = weft::sync::watch::channel(0);
    /// drop(tx);
    /// assert_eq!(rx.changed().await.unwrap_err().to_string(), "channel closed");
    /// # }
    /// ```
    #[derive(Debug, Clone)]
    pub struct RecvError(pub(super) ());

    impl fmt::Display for RecvError {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("channel closed")
        }
    }

    impl std::error::Error for RecvError {}
}

use self::error::{RecvError, SendError};

/// Bit 0 of the state word: every sender was dropped.
const CLOSED: usize = 1;
/// One version step (bit 0 is taken by `CLOSED`).
const STEP: usize = 2;

/// The allocation shared by every handle.
struct Watched<T> {
    value: RwLock<T>,
    /// Version (multiples of `STEP`) | `CLOSED`.
    state: AtomicUsize,
    receivers: AtomicUsize,
    senders: AtomicUsize,
    /// Woken on every change and when the last sender leaves.
    changed: Notify,
    /// Woken when the last receiver leaves.
    rx_gone: Notify,
}

impl<T> Watched<T> {
    fn version(&self) -> usize {
        self.state.load(Acquire) & !CLOSED
    }

    /// `Some` if the receiver at `seen` should stop waiting: a newer version
    /// (recorded as seen) or a closed channel.
    fn poll_change(&self, seen: &mut usize) -> Option<Result<(), RecvError>> {
        let state = self.state.load(Acquire);
        let version = state & !CLOSED;
        if *seen != version {
            *seen = version;
            Some(Ok(()))
        } else if state & CLOSED != 0 {
            Some(Err(RecvError(())))
        } else {
            None
        }
    }

    async fn changed(&self, seen: &mut usize) -> Result<(), RecvError> {
        loop {
            // Created before the check, so a send in between still wakes it.
            let notified = self.changed.notified();
            if let Some(result) = self.poll_change(seen) {
                return result;
            }
            notified.await;
        }
    }
}

/// Sends values on a watch channel. Cloneable: the channel closes when the
/// last sender is dropped.
pub struct Sender<T> {
    watched: Arc<Watched<T>>,
}

/// Receives values from a watch channel. Cloneable: each clone tracks its
/// own "seen" version, starting from the original's.
pub struct Receiver<T> {
    watched: Arc<Watched<T>>,
    /// The version this receiver last marked as seen.
    seen: usize,
}

/// A borrowed reference to the value in a watch channel.
///
/// Holds a read lock: keep it short, and never across an `.await` (a sender
/// would block on it). It is not `Send`, so a multi-thread task cannot hold
/// it across an `.await`:
///
/// ```compile_fail
/// fn is_send<T: Send>(_: T) {}
/// let (_tx, rx) = weft::sync::watch::channel(0);
/// is_send(rx.borrow());
/// ```
pub struct Ref<'a, T> {
    guard: RwLockReadGuard<'a, T>,
    has_changed: bool,
}

impl<T> Ref<'_, T> {
    /// Whether the value was not yet marked seen by the receiver when it was
    /// borrowed. Always `false` for [`Sender::borrow`].
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// assert!(rx.borrow_and_update().has_changed());
    /// assert!(!rx.borrow_and_update().has_changed());
    /// ```
    pub fn has_changed(&self) -> bool {
        self.has_changed
    }
}

impl<T> ops::Deref for Ref<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T: fmt::Debug> fmt::Debug for Ref<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ref")
            .field("value", &*self.guard)
            .field("has_changed", &self.has_changed)
            .finish()
    }
}

/// Creates a watch channel holding `init`. The receiver starts with `init`
/// marked as seen.
///
/// ```
/// use weft::sync::watch;
///
/// let (tx, rx) = watch::channel(1);
/// assert_eq!(*rx.borrow(), 1);
/// tx.send(2).unwrap();
/// assert_eq!(*rx.borrow(), 2);
/// ```
pub fn channel<T>(init: T) -> (Sender<T>, Receiver<T>) {
    let watched = Arc::new(Watched {
        value: RwLock::new(init),
        state: AtomicUsize::new(0),
        receivers: AtomicUsize::new(1),
        senders: AtomicUsize::new(1),
        changed: Notify::new(),
        rx_gone: Notify::new(),
    });
    (
        Sender {
            watched: watched.clone(),
        },
        Receiver { watched, seen: 0 },
    )
}

impl<T> Receiver<T> {
    /// The latest value, without marking it seen (a later
    /// [`changed`](Receiver::changed) may return at once).
    ///
    /// ```
    /// let (_tx, rx) = weft::sync::watch::channel("hi");
    /// assert_eq!(*rx.borrow(), "hi");
    /// ```
    pub fn borrow(&self) -> Ref<'_, T> {
        let guard = self.watched.value.read();
        let has_changed = self.seen != self.watched.version();
        Ref { guard, has_changed }
    }

    /// The latest value, marking it seen.
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::watch::channel(0);
    /// tx.send(3).unwrap();
    /// assert_eq!(*rx.borrow_and_update(), 3);
    /// assert!(!rx.has_changed().unwrap());
    /// ```
    pub fn borrow_and_update(&mut self) -> Ref<'_, T> {
        let guard = self.watched.value.read();
        // Read under the lock: the version matches the value (module doc).
        let version = self.watched.version();
        let has_changed = self.seen != version;
        self.seen = version;
        Ref { guard, has_changed }
    }

    /// Whether a value not yet marked seen is there; `Err` once every sender
    /// is gone (even if an unseen value remains).
    ///
    /// ```
    /// let (tx, rx) = weft::sync::watch::channel(0);
    /// assert!(!rx.has_changed().unwrap());
    /// tx.send(1).unwrap();
    /// assert!(rx.has_changed().unwrap());
    /// drop(tx);
    /// assert!(rx.has_changed().is_err());
    /// ```
    pub fn has_changed(&self) -> Result<bool, RecvError> {
        let state = self.watched.state.load(Acquire);
        if state & CLOSED != 0 {
            return Err(RecvError(()));
        }
        Ok(self.seen != state & !CLOSED)
    }

    /// Whether every sender is gone.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::watch::channel(0);
    /// assert!(!rx.is_closed());
    /// drop(tx);
    /// assert!(rx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.watched.state.load(Acquire) & CLOSED != 0
    }

    /// Marks the current value as not seen, so `changed` returns at once.
    ///
    /// ```
    /// let (_tx, mut rx) = weft::sync::watch::channel(0);
    /// rx.mark_changed();
    /// assert!(rx.has_changed().unwrap());
    /// ```
    pub fn mark_changed(&mut self) {
        self.seen = self.seen.wrapping_sub(STEP);
    }

    /// Marks the current value as seen.
    ///
    /// ```
    /// let (tx, mut rx) = weft::sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// rx.mark_unchanged();
    /// assert!(!rx.has_changed().unwrap());
    /// ```
    pub fn mark_unchanged(&mut self) {
        self.seen = self.watched.version();
    }

    /// Waits for a value not yet seen, then marks it seen. `Err` once every
    /// sender is gone and no unseen value is left.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: a change that arrives meanwhile is seen by the next call.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = weft::sync::watch::channel(0);
    /// weft::spawn(async move { tx.send(1).unwrap() });
    /// rx.changed().await.unwrap();
    /// assert_eq!(*rx.borrow(), 1);
    /// # }
    /// ```
    pub async fn changed(&mut self) -> Result<(), RecvError> {
        let watched = &*self.watched;
        cooperative(watched.changed(&mut self.seen)).await
    }

    /// Waits for a value satisfying `f` (the current one included, seen or
    /// not), marks it seen and returns it. `Err` if every sender is gone and
    /// no value satisfied `f`. A panic in `f` propagates (the lock is
    /// released first).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, mut rx) = weft::sync::watch::channel(0);
    /// weft::spawn(async move {
    ///     for i in 1..=5 {
    ///         tx.send(i).unwrap();
    ///     }
    /// });
    /// let v = rx.wait_for(|v| *v >= 3).await.unwrap();
    /// assert!(*v >= 3);
    /// # }
    /// ```
    pub async fn wait_for(&mut self, f: impl FnMut(&T) -> bool) -> Result<Ref<'_, T>, RecvError> {
        cooperative(self.wait_for_inner(f)).await
    }

    async fn wait_for_inner(
        &mut self,
        mut f: impl FnMut(&T) -> bool,
    ) -> Result<Ref<'_, T>, RecvError> {
        let mut closed = false;
        loop {
            {
                let guard = self.watched.value.read();
                let version = self.watched.version();
                let has_changed = self.seen != version;
                self.seen = version;
                if !closed || has_changed {
                    match panic::catch_unwind(panic::AssertUnwindSafe(|| f(&guard))) {
                        Ok(true) => return Ok(Ref { guard, has_changed }),
                        Ok(false) => {}
                        Err(payload) => {
                            drop(guard);
                            panic::resume_unwind(payload);
                        }
                    }
                }
            }
            if closed {
                return Err(RecvError(()));
            }
            closed = self.watched.changed(&mut self.seen).await.is_err();
        }
    }

    /// Whether both receivers belong to the same channel.
    ///
    /// ```
    /// let (_tx, rx) = weft::sync::watch::channel(0);
    /// let (_tx2, rx2) = weft::sync::watch::channel(0);
    /// assert!(rx.same_channel(&rx.clone()));
    /// assert!(!rx.same_channel(&rx2));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.watched, &other.watched)
    }
}

impl<T> Clone for Receiver<T> {
    fn clone(&self) -> Self {
        self.watched.receivers.fetch_add(1, Relaxed);
        Receiver {
            watched: self.watched.clone(),
            seen: self.seen,
        }
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if self.watched.receivers.fetch_sub(1, AcqRel) == 1 {
            self.watched.rx_gone.notify_waiters();
        }
    }
}

impl<T> Sender<T> {
    /// A sender of a channel holding `init`, with no receiver yet (make them
    /// with [`subscribe`](Sender::subscribe)).
    ///
    /// ```
    /// let tx = weft::sync::watch::Sender::new(0);
    /// let rx = tx.subscribe();
    /// tx.send(1).unwrap();
    /// assert_eq!(*rx.borrow(), 1);
    /// ```
    pub fn new(init: T) -> Self {
        let (tx, _rx) = channel(init);
        tx
    }

    /// Replaces the value and notifies receivers; `Err` (giving the value
    /// back, the old one kept) if no receiver is left.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::watch::channel(0);
    /// tx.send(4).unwrap();
    /// assert_eq!(*rx.borrow(), 4);
    /// ```
    pub fn send(&self, value: T) -> Result<(), SendError<T>> {
        if self.receiver_count() == 0 {
            return Err(SendError(value));
        }
        self.send_replace(value);
        Ok(())
    }

    /// Modifies the value in place and notifies receivers, even if none is
    /// left. A panic in `modify` propagates without notifying.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::watch::channel(vec![1]);
    /// tx.send_modify(|v| v.push(2));
    /// assert_eq!(*rx.borrow(), [1, 2]);
    /// ```
    pub fn send_modify<F>(&self, modify: F)
    where
        F: FnOnce(&mut T),
    {
        self.send_if_modified(|value| {
            modify(value);
            true
        });
    }

    /// Modifies the value in place; notifies receivers only if `modify`
    /// returns `true` (it must return `true` whenever it changed the value).
    /// Returns what `modify` returned. A panic in `modify` propagates
    /// without notifying.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::watch::channel(1);
    /// assert!(!tx.send_if_modified(|v| *v == 5));
    /// assert!(!rx.has_changed().unwrap());
    /// assert!(tx.send_if_modified(|v| { *v = 5; true }));
    /// assert!(rx.has_changed().unwrap());
    /// ```
    pub fn send_if_modified<F>(&self, modify: F) -> bool
    where
        F: FnOnce(&mut T) -> bool,
    {
        {
            let mut guard = self.watched.value.write();
            match panic::catch_unwind(panic::AssertUnwindSafe(|| modify(&mut guard))) {
                Ok(true) => {}
                Ok(false) => return false,
                Err(payload) => {
                    // Release the lock first so that it is not poisoned.
                    drop(guard);
                    panic::resume_unwind(payload);
                }
            }
            // Under the write lock, so that readers see matching versions.
            self.watched.state.fetch_add(STEP, Release);
        }
        self.watched.changed.notify_waiters();
        true
    }

    /// Replaces the value, notifies receivers (even if none is left) and
    /// returns the old value.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::watch::channel(1);
    /// assert_eq!(tx.send_replace(2), 1);
    /// assert_eq!(*tx.borrow(), 2);
    /// ```
    pub fn send_replace(&self, mut value: T) -> T {
        self.send_modify(|old| std::mem::swap(old, &mut value));
        value
    }

    /// The current value. [`Ref::has_changed`] is always `false` here.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::watch::channel(7);
    /// assert_eq!(*tx.borrow(), 7);
    /// ```
    pub fn borrow(&self) -> Ref<'_, T> {
        Ref {
            guard: self.watched.value.read(),
            has_changed: false,
        }
    }

    /// Whether every receiver is gone.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::watch::channel(0);
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        self.receiver_count() == 0
    }

    /// Waits until every receiver is gone. Cancel safe.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let (tx, rx) = weft::sync::watch::channel(0);
    /// weft::spawn(async move { drop(rx) });
    /// tx.closed().await;
    /// assert!(tx.is_closed());
    /// # }
    /// ```
    pub async fn closed(&self) {
        cooperative(async {
            // `subscribe` can reopen the channel, hence the loop.
            while self.receiver_count() > 0 {
                let notified = self.watched.rx_gone.notified();
                if self.receiver_count() == 0 {
                    return;
                }
                notified.await;
            }
        })
        .await
    }

    /// A new receiver, with the current value marked seen.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::watch::channel(0);
    /// tx.send(1).unwrap();
    /// let rx2 = tx.subscribe();
    /// assert!(!rx2.has_changed().unwrap());
    /// ```
    pub fn subscribe(&self) -> Receiver<T> {
        self.watched.receivers.fetch_add(1, Relaxed);
        Receiver {
            watched: self.watched.clone(),
            seen: self.watched.version(),
        }
    }

    /// The number of live receivers.
    ///
    /// ```
    /// let (tx, rx) = weft::sync::watch::channel(0);
    /// let _rx2 = rx.clone();
    /// assert_eq!(tx.receiver_count(), 2);
    /// ```
    pub fn receiver_count(&self) -> usize {
        self.watched.receivers.load(Relaxed)
    }

    /// The number of live senders.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::watch::channel(0);
    /// let _tx2 = tx.clone();
    /// assert_eq!(tx.sender_count(), 2);
    /// ```
    pub fn sender_count(&self) -> usize {
        self.watched.senders.load(Relaxed)
    }

    /// Whether both senders belong to the same channel.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::watch::channel(0);
    /// assert!(tx.same_channel(&tx.clone()));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.watched, &other.watched)
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        self.watched.senders.fetch_add(1, Relaxed);
        Sender {
            watched: self.watched.clone(),
        }
    }
}

impl<T: Default> Default for Sender<T> {
    fn default() -> Self {
        Sender::new(T::default())
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if self.watched.senders.fetch_sub(1, AcqRel) == 1 {
            self.watched.state.fetch_or(CLOSED, Release);
            self.watched.changed.notify_waiters();
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Watched<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.state.load(Relaxed);
        f.debug_struct("Watched")
            .field("value", &self.value)
            .field("version", &(state & !CLOSED))
            .field("closed", &(state & CLOSED != 0))
            .field("receivers", &self.receivers.load(Relaxed))
            .field("senders", &self.senders.load(Relaxed))
            .finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("shared", &self.watched)
            .finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("shared", &self.watched)
            .field("version", &self.seen)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::FutureExt;

    #[test]
    fn changed_sees_each_new_version_once() {
        let (tx, mut rx) = channel(0);
        assert!(rx.changed().now_or_never().is_none());
        tx.send(1).unwrap();
        tx.send(2).unwrap();
        assert!(block_on(rx.changed()).is_ok());
        assert_eq!(*rx.borrow(), 2);
        assert!(
            rx.changed().now_or_never().is_none(),
            "intermediate skipped"
        );
    }

    #[test]
    fn closed_with_unseen_value_still_reports_it() {
        let (tx, mut rx) = channel(0);
        tx.send(1).unwrap();
        drop(tx);
        assert!(rx.has_changed().is_err());
        assert!(block_on(rx.changed()).is_ok());
        assert!(block_on(rx.changed()).is_err());
        assert_eq!(*rx.borrow(), 1);
    }

    #[test]
    fn changed_wakes_across_threads() {
        let (tx, mut rx) = channel(0);
        let t = std::thread::spawn(move || {
            for i in 1..=100 {
                tx.send(i).unwrap();
            }
        });
        let mut last = 0;
        while block_on(rx.changed()).is_ok() {
            let v = *rx.borrow_and_update();
            assert!(v > last, "values only move forward");
            last = v;
        }
        assert_eq!(last, 100);
        t.join().unwrap();
    }

    #[test]
    fn send_fails_without_receivers_but_send_replace_does_not() {
        let (tx, rx) = channel(1);
        drop(rx);
        assert!(tx.is_closed());
        assert_eq!(tx.send(2).unwrap_err().0, 2);
        assert_eq!(*tx.borrow(), 1);
        assert_eq!(tx.send_replace(3), 1);
        let rx = tx.subscribe();
        assert_eq!(*rx.borrow(), 3);
        assert!(!rx.has_changed().unwrap());
    }

    #[test]
    fn sender_closed_waits_for_last_receiver() {
        let (tx, rx) = channel(0);
        let rx2 = rx.clone();
        assert_eq!(tx.receiver_count(), 2);
        let mut closed = Box::pin(tx.closed());
        assert!((&mut closed).now_or_never().is_none());
        drop(rx);
        assert!((&mut closed).now_or_never().is_none());
        drop(rx2);
        assert!(closed.now_or_never().is_some());
    }

    #[test]
    fn wait_for_checks_current_value_first() {
        let (tx, mut rx) = channel(5);
        assert_eq!(*block_on(rx.wait_for(|v| *v == 5)).unwrap(), 5);
        drop(tx);
        assert!(block_on(rx.wait_for(|v| *v == 6)).is_err());
    }

    #[test]
    fn wait_for_panic_propagates_without_poisoning() {
        let (tx, mut rx) = channel(0);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let _ = block_on(rx.wait_for(|_| panic!("boom")));
        }));
        assert!(r.is_err());
        tx.send(1).unwrap();
        assert_eq!(*rx.borrow(), 1);
    }

    #[test]
    fn send_modify_panic_does_not_notify() {
        let (tx, rx) = channel(0);
        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            tx.send_modify(|_| panic!("boom"));
        }));
        assert!(r.is_err());
        assert!(!rx.has_changed().unwrap());
        tx.send_modify(|v| *v += 1);
        assert_eq!(*rx.borrow(), 1);
    }

    #[test]
    fn mark_changed_and_unchanged() {
        let (tx, mut rx) = channel(0);
        rx.mark_changed();
        assert!(rx.has_changed().unwrap());
        assert!(rx.borrow().has_changed());
        rx.mark_unchanged();
        assert!(!rx.has_changed().unwrap());
        tx.send(1).unwrap();
        let r = rx.borrow_and_update();
        assert!(r.has_changed());
        drop(r);
        assert!(!tx.borrow().has_changed());
    }

    #[test]
    fn counts_and_identity() {
        let (tx, rx) = channel(());
        let tx2 = tx.clone();
        assert_eq!(tx.sender_count(), 2);
        assert!(tx.same_channel(&tx2));
        let (_tx3, rx3) = channel(());
        assert!(!rx.same_channel(&rx3));
        drop(tx);
        assert!(!rx.is_closed());
        drop(tx2);
        assert!(rx.is_closed());
    }

    #[test]
    fn send_sync() {
        fn is_send_sync<T: Send + Sync>() {}
        is_send_sync::<Sender<u8>>();
        is_send_sync::<Receiver<u8>>();
        is_send_sync::<error::SendError<u8>>();
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::thread;
    use loom::future::block_on;

    /// A send racing with `changed` is never missed.
    #[test]
    fn send_vs_changed() {
        loom::model(|| {
            let (tx, mut rx) = channel(0);
            let t = thread::spawn(move || tx.send(1).unwrap());
            block_on(rx.changed()).unwrap();
            assert_eq!(*rx.borrow(), 1);
            t.join().unwrap();
        });
    }
}
