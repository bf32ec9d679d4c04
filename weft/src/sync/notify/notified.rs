//! The waiting side of [`Notify`]: the [`Notified`] and [`OwnedNotified`]
//! futures and the state machine they share (protocol rules 3, 5, 6 and 7
//! of the parent module).

use super::{calls, get_state, with_state, Notification, Notify, Waiter};
use super::{EMPTY, NOTIFIED, WAITING};
use crate::loom::sync::atomic::Ordering::{Acquire, SeqCst};
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::ptr::NonNull;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

/// Where a `Notified` is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Not yet polled or enabled.
    Init,
    /// On the list, or popped with a notification not yet seen.
    Waiting,
    /// Completed.
    Done,
}

/// The state shared by `Notified` and `OwnedNotified`.
pub(super) struct Wait {
    phase: Phase,
    /// The `notify_waiters` counter when the future was made (rule 5).
    calls: usize,
    waiter: Waiter,
}

impl Wait {
    pub(super) fn new(notify: &Notify) -> Wait {
        Wait {
            phase: Phase::Init,
            calls: calls(notify.state.load(SeqCst)),
            waiter: Waiter::new(),
        }
    }

    /// Polls for the notification; registers `waker` if given.
    ///
    /// # Safety
    ///
    /// `self` is pinned (the waiter may be linked into `notify`'s list), and
    /// `notify` is the `Notify` it was created from.
    unsafe fn poll(&mut self, notify: &Notify, waker: Option<&Waker>) -> Poll<()> {
        match self.phase {
            Phase::Done => Poll::Ready(()),
            Phase::Init => {
                // Fast path (rule 1): consume a stored permit without the lock.
                let mut word = notify.state.load(SeqCst);
                loop {
                    if calls(word) != self.calls {
                        self.phase = Phase::Done;
                        return Poll::Ready(());
                    }
                    if get_state(word) != NOTIFIED {
                        break;
                    }
                    match notify.state.compare_exchange(
                        word,
                        with_state(word, EMPTY),
                        SeqCst,
                        SeqCst,
                    ) {
                        Ok(_) => {
                            self.phase = Phase::Done;
                            return Poll::Ready(());
                        }
                        Err(actual) => word = actual,
                    }
                }
                let mut waiters = notify.waiters.lock();
                let mut word = notify.state.load(SeqCst);
                loop {
                    if calls(word) != self.calls {
                        self.phase = Phase::Done;
                        return Poll::Ready(());
                    }
                    let next = match get_state(word) {
                        NOTIFIED => with_state(word, EMPTY),
                        EMPTY => with_state(word, WAITING),
                        _ => break,
                    };
                    match notify.state.compare_exchange(word, next, SeqCst, SeqCst) {
                        Ok(_) if get_state(word) == NOTIFIED => {
                            self.phase = Phase::Done;
                            return Poll::Ready(());
                        }
                        Ok(_) => break,
                        Err(actual) => word = actual,
                    }
                }
                if let Some(waker) = waker {
                    // SAFETY: we hold the lock guarding the waker cell.
                    let store = |w: *mut Option<Waker>| unsafe { *w = Some(waker.clone()) };
                    self.waiter.waker.with_mut(store);
                }
                waiters.push_front(NonNull::from(&self.waiter));
                self.phase = Phase::Waiting;
                Poll::Pending
            }
            Phase::Waiting => {
                // Fast path: once notified, the notifier is done with the
                // waiter (see `Waiter::notification`), no lock needed.
                if self.waiter.notification.load(Acquire) != 0 {
                    self.phase = Phase::Done;
                    return Poll::Ready(());
                }
                let waiters = notify.waiters.lock();
                if self.waiter.notification.load(Acquire) != 0 {
                    drop(waiters);
                    self.phase = Phase::Done;
                    return Poll::Ready(());
                }
                let mut old = None;
                if let Some(waker) = waker {
                    // SAFETY: we hold the lock guarding the waker cell.
                    self.waiter.waker.with_mut(|w| unsafe {
                        if !(*w).as_ref().is_some_and(|w| w.will_wake(waker)) {
                            old = (*w).replace(waker.clone());
                        }
                    });
                }
                drop(waiters);
                // Rule 7: the replaced waker is dropped after unlocking.
                drop(old);
                Poll::Pending
            }
        }
    }

    /// Leaves the list, passing on an unused `notify_one` (rule 6).
    ///
    /// # Safety
    ///
    /// As for [`Wait::poll`].
    unsafe fn cancel(&mut self, notify: &Notify) {
        if self.phase != Phase::Waiting {
            return;
        }
        let mut waiters = notify.waiters.lock();
        let notification = Notification::decode(self.waiter.notification.load(Acquire));
        // SAFETY: we hold the lock guarding the waker cell.
        let own_waker = self.waiter.waker.with_mut(|w| unsafe { (*w).take() });
        let mut forward = None;
        match notification {
            None => {
                // SAFETY: the waiter is on this list (rule 3).
                unsafe { waiters.remove(NonNull::from(&self.waiter)) };
                if waiters.is_empty() {
                    let word = notify.state.load(SeqCst);
                    if get_state(word) == WAITING {
                        notify.state.store(with_state(word, EMPTY), SeqCst);
                    }
                }
            }
            Some(Notification::One(strategy)) => {
                forward = notify.notify_locked(&mut waiters, strategy);
            }
            Some(Notification::All) => {}
        }
        drop(waiters);
        drop(own_waker);
        if let Some(waker) = forward {
            waker.wake();
        }
        self.phase = Phase::Done;
    }
}

/// Future returned by [`Notify::notified`]: completes on notification.
///
/// Fused: polling it after completion returns `Ready` again. It is `!Unpin`
/// (its waiter node is linked into the `Notify` while it waits), so pin it
/// before polling by hand:
///
/// ```compile_fail
/// fn is_unpin<T: Unpin>(_: T) {}
/// let notify = weft::sync::Notify::new();
/// is_unpin(notify.notified());
/// ```
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct Notified<'a> {
    pub(super) notify: &'a Notify,
    pub(super) wait: Wait,
}

/// Future returned by [`Notify::notified_owned`]: [`Notified`] holding an
/// `Arc<Notify>`.
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct OwnedNotified {
    pub(super) notify: Arc<Notify>,
    pub(super) wait: Wait,
}

// SAFETY: the waiter's cells are only accessed under the `Notify`'s mutex
// (rule 3), whichever thread holds the future.
unsafe impl Send for Notified<'_> {}
// SAFETY: `&Notified` gives no access to the waiter at all.
unsafe impl Sync for Notified<'_> {}
// SAFETY: as for `Notified`.
unsafe impl Send for OwnedNotified {}
// SAFETY: as for `Notified`.
unsafe impl Sync for OwnedNotified {}

impl Notified<'_> {
    /// Joins the waiter queue now, without waiting, so that a later
    /// `notify_one` or `notify_waiters` reaches this future even before it
    /// is polled. Returns `true` if it is already notified (then a poll
    /// returns `Ready`); consumes a stored permit if there is one.
    ///
    /// ```
    /// use std::pin::pin;
    /// use weft::sync::Notify;
    ///
    /// let notify = Notify::new();
    /// let mut notified = pin!(notify.notified());
    /// assert!(!notified.as_mut().enable());
    /// notify.notify_one();
    /// assert!(notified.as_mut().enable());
    /// ```
    pub fn enable(self: Pin<&mut Self>) -> bool {
        // SAFETY: we never move out of the pinned future; `wait` is pinned
        // with it.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: pinned, and `notify` is the one it was created from.
        unsafe { this.wait.poll(this.notify, None) }.is_ready()
    }
}

impl OwnedNotified {
    /// See [`Notified::enable`].
    ///
    /// ```
    /// use std::pin::pin;
    /// use std::sync::Arc;
    /// use weft::sync::Notify;
    ///
    /// let notify = Arc::new(Notify::new());
    /// let mut notified = pin!(notify.clone().notified_owned());
    /// assert!(!notified.as_mut().enable());
    /// notify.notify_one();
    /// assert!(notified.as_mut().enable());
    /// ```
    pub fn enable(self: Pin<&mut Self>) -> bool {
        // SAFETY: as in `Notified::enable`.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: pinned, and `notify` is the one it was created from.
        unsafe { this.wait.poll(&this.notify, None) }.is_ready()
    }
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: as in `enable`.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: pinned, and `notify` is the one it was created from.
        unsafe { this.wait.poll(this.notify, Some(cx.waker())) }
    }
}

impl Future for OwnedNotified {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        // SAFETY: as in `enable`.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: pinned, and `notify` is the one it was created from.
        unsafe { this.wait.poll(&this.notify, Some(cx.waker())) }
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        // SAFETY: `drop` runs on the pinned place (a future that was polled
        // was pinned, and pinned values are dropped in place).
        unsafe { self.wait.cancel(self.notify) };
    }
}

impl Drop for OwnedNotified {
    fn drop(&mut self) {
        // SAFETY: as for `Notified`; `self.notify` is still alive (fields
        // drop after this).
        unsafe { self.wait.cancel(&self.notify) };
    }
}

impl fmt::Debug for Notified<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Notified")
            .field("notify", self.notify)
            .field("phase", &self.wait.phase)
            .finish()
    }
}

impl fmt::Debug for OwnedNotified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OwnedNotified")
            .field("notify", &self.notify)
            .field("phase", &self.wait.phase)
            .finish()
    }
}
