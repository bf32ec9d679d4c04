//! The waiting side of a broadcast receiver: the waiter node linked into
//! the ring's list, the [`Recv`] future that owns it, and the notifier's
//! half (`take_wakers`).

use super::error::{RecvError, TryRecvError};
use super::{Next, Receiver, Ring, Slot};
use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicBool, Ordering::*};
use crate::util::linked_list::{self, Pointers};
use crate::util::wake_list::WakeList;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::task::{Context, Poll, Waker};

/// A pending `recv`'s place in the ring's waiter list.
pub(super) struct Waiter {
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

/// Unlinks every waiter and takes its waker (under the ring's lock).
pub(super) fn take_wakers<T>(ring: &mut Ring<T>) -> WakeList {
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

pub(super) fn wake(mut wakers: WakeList) {
    wakers.wake_all();
}

impl<T> Receiver<T> {
    /// Reads the next value (cloned), or registers `waiter` when there is
    /// none. Returns the waker that `waiter` held before, to be dropped
    /// after the lock is released.
    ///
    /// # Safety
    ///
    /// `waiter`, if given, is pinned inside a `Recv` future borrowing this
    /// receiver, which unlinks it before it is freed.
    pub(super) unsafe fn recv_inner(
        &mut self,
        waiter: Option<(&Waiter, &Waker)>,
    ) -> (Result<T, TryRecvError>, Option<Waker>)
    where
        T: Clone,
    {
        let mut ring = self.shared.ring.lock();
        match ring.next_slot(&mut self.next) {
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

/// The future of [`Receiver::recv`], holding its waiter node.
pub(super) struct Recv<'a, T> {
    receiver: &'a mut Receiver<T>,
    waiter: Waiter,
}

// SAFETY: the waiter's cells are only touched under the ring's mutex; the
// rest is a `&mut Receiver<T>`, which is `Send` for `T: Send`.
unsafe impl<T: Send> Send for Recv<'_, T> {}
// SAFETY: `&Recv` gives access to nothing.
unsafe impl<T: Send> Sync for Recv<'_, T> {}

impl<'a, T> Recv<'a, T> {
    pub(super) fn new(receiver: &'a mut Receiver<T>) -> Self {
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
