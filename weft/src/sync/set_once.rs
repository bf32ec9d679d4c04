//! `SetOnce`: a value set at most once, which tasks can wait for.
//!
//! # Protocol
//!
//! `state` goes `EMPTY -> SETTING -> SET`, each step once. The `set` call
//! that wins the CAS out of `EMPTY` alone writes `value`, then stores `SET`
//! with release and wakes every waiter. Readers load `SET` with acquire
//! before reading `value`, which is never written again through `&self`.
//! Waiters create their `Notified` before checking the state, so a `set` in
//! between is not missed.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::*};
use crate::sync::Notify;
use std::fmt;
use std::mem::MaybeUninit;

const EMPTY: usize = 0;
const SETTING: usize = 1;
const SET: usize = 2;

/// A thread-safe cell that is set at most once, and that tasks can
/// [`wait`](SetOnce::wait) on until it is.
///
/// Unlike [`OnceCell`](crate::sync::OnceCell), it has no initialiser: some
/// task calls [`set`](SetOnce::set), the others wait for the value.
///
/// ```
/// use std::sync::Arc;
/// use weft::sync::SetOnce;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let once = Arc::new(SetOnce::new());
/// let once2 = once.clone();
/// let waiter = weft::spawn(async move { *once2.wait().await });
/// once.set(20).unwrap();
/// assert_eq!(waiter.await.unwrap(), 20);
/// # }
/// ```
pub struct SetOnce<T> {
    state: AtomicUsize,
    value: UnsafeCell<MaybeUninit<T>>,
    set: Notify,
}

// SAFETY: `&SetOnce` hands out `&T` (needs `T: Sync`) and lets another
// thread store a `T` it created (needs `T: Send`).
unsafe impl<T: Sync + Send> Sync for SetOnce<T> {}
// SAFETY: moving the cell moves the `T`.
unsafe impl<T: Send> Send for SetOnce<T> {}

impl<T> SetOnce<T> {
    /// An empty cell.
    ///
    /// ```
    /// let once = weft::sync::SetOnce::<u8>::new();
    /// assert!(!once.initialized());
    /// ```
    pub fn new() -> Self {
        SetOnce {
            state: AtomicUsize::new(EMPTY),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            set: Notify::new(),
        }
    }

    /// An empty cell, in a `const` context.
    ///
    /// ```
    /// use weft::sync::SetOnce;
    /// static ONCE: SetOnce<u8> = SetOnce::const_new();
    /// assert!(ONCE.get().is_none());
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new() -> Self {
        SetOnce {
            state: AtomicUsize::new(EMPTY),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            set: Notify::const_new(),
        }
    }

    /// A cell holding `value` if it is `Some`.
    ///
    /// ```
    /// let once = weft::sync::SetOnce::new_with(Some(1));
    /// assert_eq!(once.get(), Some(&1));
    /// ```
    pub fn new_with(value: Option<T>) -> Self {
        match value {
            Some(v) => SetOnce::from(v),
            None => SetOnce::new(),
        }
    }

    /// A cell holding `value`, in a `const` context.
    ///
    /// ```
    /// use weft::sync::SetOnce;
    /// static ONCE: SetOnce<u8> = SetOnce::const_new_with(3);
    /// assert_eq!(ONCE.get(), Some(&3));
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new_with(value: T) -> Self {
        SetOnce {
            state: AtomicUsize::new(SET),
            value: UnsafeCell::new(MaybeUninit::new(value)),
            set: Notify::const_new(),
        }
    }

    /// Whether the value is set.
    ///
    /// ```
    /// let once = weft::sync::SetOnce::new();
    /// once.set(()).unwrap();
    /// assert!(once.initialized());
    /// ```
    pub fn initialized(&self) -> bool {
        self.state.load(Acquire) == SET
    }

    /// The value, if set.
    ///
    /// ```
    /// let once = weft::sync::SetOnce::new();
    /// assert_eq!(once.get(), None);
    /// once.set(5).unwrap();
    /// assert_eq!(once.get(), Some(&5));
    /// ```
    pub fn get(&self) -> Option<&T> {
        if self.initialized() {
            // SAFETY: `SET` observed with acquire: written, and never
            // written again through `&self`.
            Some(self.value.with(|p| unsafe { (*p).assume_init_ref() }))
        } else {
            None
        }
    }

    /// Sets the value and wakes every waiter; `Err` (giving the value back)
    /// if it was already set.
    ///
    /// ```
    /// let once = weft::sync::SetOnce::new();
    /// assert!(once.set(1).is_ok());
    /// assert_eq!(once.set(2).unwrap_err().0, 2);
    /// ```
    pub fn set(&self, value: T) -> Result<(), SetOnceError<T>> {
        if self
            .state
            .compare_exchange(EMPTY, SETTING, Acquire, Acquire)
            .is_err()
        {
            return Err(SetOnceError(value));
        }
        // SAFETY: winning the CAS out of `EMPTY` makes us the only writer,
        // and nobody reads before `SET`.
        self.value.with_mut(|p| unsafe { (*p).write(value) });
        self.state.store(SET, Release);
        self.set.notify_waiters();
        Ok(())
    }

    /// The value, consuming the cell.
    ///
    /// ```
    /// let once = weft::sync::SetOnce::new_with(Some("x"));
    /// assert_eq!(once.into_inner(), Some("x"));
    /// ```
    pub fn into_inner(mut self) -> Option<T> {
        self.take()
    }

    fn take(&mut self) -> Option<T> {
        if self.state.load(Relaxed) == SET {
            self.state.store(EMPTY, Relaxed);
            // SAFETY: set, `&mut self` is exclusive, and the state is now
            // `EMPTY` so the value is not read or dropped again.
            Some(self.value.with_mut(|p| unsafe { (*p).assume_init_read() }))
        } else {
            None
        }
    }

    /// Waits until the value is set, then returns it.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let once = weft::sync::SetOnce::new();
    /// once.set(4).unwrap();
    /// assert_eq!(*once.wait().await, 4);
    /// # }
    /// ```
    pub async fn wait(&self) -> &T {
        loop {
            let notified = self.set.notified();
            if let Some(v) = self.get() {
                return v;
            }
            notified.await;
        }
    }
}

impl<T> Drop for SetOnce<T> {
    fn drop(&mut self) {
        drop(self.take());
    }
}

impl<T> Default for SetOnce<T> {
    fn default() -> Self {
        SetOnce::new()
    }
}

impl<T> From<T> for SetOnce<T> {
    fn from(value: T) -> Self {
        SetOnce {
            state: AtomicUsize::new(SET),
            value: UnsafeCell::new(MaybeUninit::new(value)),
            set: Notify::new(),
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for SetOnce<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SetOnce")
            .field("value", &self.get())
            .finish()
    }
}

impl<T: Clone> Clone for SetOnce<T> {
    fn clone(&self) -> Self {
        SetOnce::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for SetOnce<T> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for SetOnce<T> {}

/// Error returned by [`SetOnce::set`]: the value was already set. Holds the
/// value that was not stored.
///
/// ```
/// let once = weft::sync::SetOnce::new_with(Some(1));
/// let err = once.set(2).unwrap_err();
/// assert_eq!(err.to_string(), "SetOnceError");
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct SetOnceError<T>(pub T);

impl<T> fmt::Display for SetOnceError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SetOnceError")
    }
}

impl<T: fmt::Debug> std::error::Error for SetOnceError<T> {}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::FutureExt;
    use std::sync::Arc;

    #[test]
    fn set_once_then_err() {
        let once = SetOnce::new();
        assert_eq!(once.set(1), Ok(()));
        assert_eq!(once.set(2), Err(SetOnceError(2)));
        assert_eq!(once.get(), Some(&1));
        assert_eq!(once.into_inner(), Some(1));
    }

    #[test]
    fn wait_wakes_on_set_from_other_thread() {
        let once = Arc::new(SetOnce::new());
        let mut waiters: Vec<_> = (0..4)
            .map(|_| {
                let once = once.clone();
                std::thread::spawn(move || *block_on(once.wait()))
            })
            .collect();
        once.set(8).unwrap();
        for w in waiters.drain(..) {
            assert_eq!(w.join().unwrap(), 8);
        }
    }

    #[test]
    fn wait_pending_until_set() {
        let once = SetOnce::new();
        let mut w = Box::pin(once.wait());
        assert!((&mut w).now_or_never().is_none());
        once.set(3).unwrap();
        assert_eq!(w.now_or_never(), Some(&3));
    }

    #[test]
    fn value_dropped_with_cell() {
        let v = Arc::new(());
        let once = SetOnce::new();
        once.set(v.clone()).unwrap();
        let clone = once.clone();
        assert_eq!(once, clone);
        drop(once);
        drop(clone);
        assert_eq!(Arc::strong_count(&v), 1);
    }

    #[test]
    fn statics_and_traits() {
        static A: SetOnce<u8> = SetOnce::const_new();
        static B: SetOnce<u8> = SetOnce::const_new_with(1);
        assert!(A.set(5).is_ok());
        assert_eq!(A.get(), Some(&5));
        assert_eq!(B.get(), Some(&1));
        fn is_send_sync<T: Send + Sync>() {}
        is_send_sync::<SetOnce<u8>>();
        assert_eq!(
            format!("{:?}", SetOnce::from(1)),
            "SetOnce { value: Some(1) }"
        );
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::sync::Arc;
    use crate::loom::thread;

    /// `set` racing with `wait`: the waiter always gets the value.
    #[test]
    fn set_vs_wait() {
        loom::model(|| {
            let once = Arc::new(SetOnce::new());
            let o2 = once.clone();
            let t = thread::spawn(move || o2.set(1).unwrap());
            assert_eq!(*loom::future::block_on(once.wait()), 1);
            t.join().unwrap();
        });
    }
}
