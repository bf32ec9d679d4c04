//! `OnceCell`: a value initialised at most once, possibly by an async
//! function.
//!
//! # Protocol
//!
//! 1. `value` is written once, by the holder of the *init permit*
//!    (`initializing` set by a successful CAS), and then `value_set` is
//!    stored with release. Readers load `value_set` with acquire before
//!    reading `value`; after that it is never written again through `&self`.
//! 2. One task at a time holds the permit. Others wait on `released`,
//!    creating their `Notified` *before* checking the permit again, so a
//!    release in between is not missed (Notify's `notify_waiters` reaches
//!    futures created before the call).
//! 3. The permit is released (and waiters woken) whether the initialiser
//!    succeeds, fails or is cancelled (a guard's `Drop`): the next waiter
//!    then tries its own initialiser.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicBool, Ordering::*};
use crate::sync::Notify;
use std::fmt;
use std::future::Future;
use std::mem::MaybeUninit;

/// A thread-safe cell written at most once, with async initialisation.
///
/// [`get_or_init`](OnceCell::get_or_init) runs the initialiser in at most one
/// task at a time; the others wait for its result. Useful for global state
/// that needs async code to set up.
///
/// ```
/// use weft::sync::OnceCell;
///
/// static ONCE: OnceCell<u32> = OnceCell::const_new();
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let v = ONCE.get_or_init(|| async { 1 + 1 }).await;
/// assert_eq!(*v, 2);
/// # }
/// ```
pub struct OnceCell<T> {
    value_set: AtomicBool,
    value: UnsafeCell<MaybeUninit<T>>,
    /// The init permit (rule 2).
    initializing: AtomicBool,
    released: Notify,
}

// SAFETY: `&OnceCell` hands out `&T` (needs `T: Sync`) and lets another
// thread store a `T` it created (needs `T: Send`).
unsafe impl<T: Sync + Send> Sync for OnceCell<T> {}
// SAFETY: moving the cell moves the `T`.
unsafe impl<T: Send> Send for OnceCell<T> {}

/// Releases the init permit on every exit path (rule 3).
struct Permit<'a> {
    initializing: &'a AtomicBool,
    released: &'a Notify,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.initializing.store(false, SeqCst);
        self.released.notify_waiters();
    }
}

impl<T> OnceCell<T> {
    /// An empty cell.
    ///
    /// ```
    /// let cell = weft::sync::OnceCell::<u8>::new();
    /// assert!(cell.get().is_none());
    /// ```
    pub fn new() -> Self {
        OnceCell {
            value_set: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            initializing: AtomicBool::new(false),
            released: Notify::new(),
        }
    }

    /// An empty cell, in a `const` context (e.g. a `static`).
    ///
    /// ```
    /// use weft::sync::OnceCell;
    /// static CELL: OnceCell<u8> = OnceCell::const_new();
    /// assert!(!CELL.initialized());
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new() -> Self {
        OnceCell {
            value_set: AtomicBool::new(false),
            value: UnsafeCell::new(MaybeUninit::uninit()),
            initializing: AtomicBool::new(false),
            released: Notify::const_new(),
        }
    }

    /// A cell holding `value` if it is `Some`.
    ///
    /// ```
    /// let cell = weft::sync::OnceCell::new_with(Some(3));
    /// assert_eq!(cell.get(), Some(&3));
    /// ```
    pub fn new_with(value: Option<T>) -> Self {
        match value {
            Some(v) => OnceCell::from(v),
            None => OnceCell::new(),
        }
    }

    /// A cell holding `value`, in a `const` context.
    ///
    /// ```
    /// use weft::sync::OnceCell;
    /// static CELL: OnceCell<u8> = OnceCell::const_new_with(1);
    /// assert_eq!(CELL.get(), Some(&1));
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new_with(value: T) -> Self {
        OnceCell {
            value_set: AtomicBool::new(true),
            value: UnsafeCell::new(MaybeUninit::new(value)),
            initializing: AtomicBool::new(false),
            released: Notify::const_new(),
        }
    }

    /// Whether the cell holds a value.
    ///
    /// ```
    /// let cell = weft::sync::OnceCell::new();
    /// assert!(!cell.initialized());
    /// cell.set(1).unwrap();
    /// assert!(cell.initialized());
    /// ```
    pub fn initialized(&self) -> bool {
        self.value_set.load(Acquire)
    }

    /// # Safety
    ///
    /// `value_set` was observed `true` with acquire (rule 1).
    unsafe fn get_unchecked(&self) -> &T {
        // SAFETY: the value is initialised and never written again (rule 1).
        self.value.with(|p| unsafe { (*p).assume_init_ref() })
    }

    /// The value, if initialised.
    ///
    /// ```
    /// let cell = weft::sync::OnceCell::new();
    /// assert_eq!(cell.get(), None);
    /// cell.set("a").unwrap();
    /// assert_eq!(cell.get(), Some(&"a"));
    /// ```
    pub fn get(&self) -> Option<&T> {
        if self.initialized() {
            // SAFETY: `initialized` loaded `value_set` with acquire.
            Some(unsafe { self.get_unchecked() })
        } else {
            None
        }
    }

    /// The value, mutably, if initialised.
    ///
    /// ```
    /// let mut cell = weft::sync::OnceCell::new_with(Some(1));
    /// *cell.get_mut().unwrap() += 1;
    /// assert_eq!(cell.get(), Some(&2));
    /// ```
    pub fn get_mut(&mut self) -> Option<&mut T> {
        if self.initialized() {
            // SAFETY: initialised, and `&mut self` excludes every reader.
            Some(self.value.with_mut(|p| unsafe { (*p).assume_init_mut() }))
        } else {
            None
        }
    }

    /// Sets the value; `Err` if it is already set or being initialised.
    ///
    /// ```
    /// use weft::sync::{OnceCell, SetError};
    ///
    /// let cell = OnceCell::new();
    /// assert!(cell.set(1).is_ok());
    /// assert_eq!(cell.set(2), Err(SetError::AlreadyInitializedError(2)));
    /// ```
    pub fn set(&self, value: T) -> Result<(), SetError<T>> {
        if self.initialized() {
            return Err(SetError::AlreadyInitializedError(value));
        }
        let Some(permit) = self.try_permit() else {
            return Err(SetError::InitializingError(value));
        };
        if self.initialized() {
            return Err(SetError::AlreadyInitializedError(value));
        }
        // SAFETY: we hold the permit and the value is not set (rule 1).
        unsafe { self.store(value) };
        drop(permit);
        Ok(())
    }

    fn try_permit(&self) -> Option<Permit<'_>> {
        self.initializing
            .compare_exchange(false, true, SeqCst, SeqCst)
            .ok()
            .map(|_| Permit {
                initializing: &self.initializing,
                released: &self.released,
            })
    }

    /// # Safety
    ///
    /// The caller holds the init permit and `value_set` is `false`.
    unsafe fn store(&self, value: T) -> &T {
        // SAFETY: nobody reads the value before `value_set` (rule 1), and
        // the permit excludes other writers.
        self.value.with_mut(|p| unsafe { (*p).write(value) });
        self.value_set.store(true, Release);
        // SAFETY: just set.
        unsafe { self.get_unchecked() }
    }

    /// Waits for the init permit; `None` if the value got set meanwhile.
    async fn permit(&self) -> Option<Permit<'_>> {
        loop {
            let notified = self.released.notified();
            if self.initialized() {
                return None;
            }
            if let Some(permit) = self.try_permit() {
                if self.initialized() {
                    return None;
                }
                return Some(permit);
            }
            notified.await;
        }
    }

    /// The value, initialising it with `f` first if needed. If several tasks
    /// call this at once, only one runs its `f`; the others wait for it. If
    /// that `f` is cancelled (or panics), another waiting task runs its own.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let cell = weft::sync::OnceCell::new();
    /// assert_eq!(*cell.get_or_init(|| async { 5 }).await, 5);
    /// assert_eq!(*cell.get_or_init(|| async { 6 }).await, 5);
    /// # }
    /// ```
    pub async fn get_or_init<F, Fut>(&self, f: F) -> &T
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = T>,
    {
        if let Some(v) = self.get() {
            return v;
        }
        match self.permit().await {
            None => self.get().expect("set while waiting"),
            Some(permit) => {
                let value = f().await;
                // SAFETY: we hold the permit; `permit()` checked the value
                // was not set after taking it, and only permit holders set.
                let v = unsafe { self.store(value) };
                drop(permit);
                v
            }
        }
    }

    /// Like [`get_or_init`](OnceCell::get_or_init) with a fallible `f`: on
    /// `Err` the cell stays empty and the error is returned.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let cell = weft::sync::OnceCell::new();
    /// let r: Result<&u8, &str> = cell.get_or_try_init(|| async { Err("no") }).await;
    /// assert_eq!(r, Err("no"));
    /// let r: Result<&u8, &str> = cell.get_or_try_init(|| async { Ok(1) }).await;
    /// assert_eq!(r, Ok(&1));
    /// # }
    /// ```
    pub async fn get_or_try_init<E, F, Fut>(&self, f: F) -> Result<&T, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, E>>,
    {
        if let Some(v) = self.get() {
            return Ok(v);
        }
        match self.permit().await {
            None => Ok(self.get().expect("set while waiting")),
            Some(permit) => {
                let value = f().await?;
                // SAFETY: as in `get_or_init`.
                let v = unsafe { self.store(value) };
                drop(permit);
                Ok(v)
            }
        }
    }

    /// The value, consuming the cell.
    ///
    /// ```
    /// let cell = weft::sync::OnceCell::new_with(Some(9));
    /// assert_eq!(cell.into_inner(), Some(9));
    /// ```
    pub fn into_inner(mut self) -> Option<T> {
        self.take()
    }

    /// Takes the value out, leaving the cell empty.
    ///
    /// ```
    /// let mut cell = weft::sync::OnceCell::new_with(Some(9));
    /// assert_eq!(cell.take(), Some(9));
    /// assert!(!cell.initialized());
    /// ```
    pub fn take(&mut self) -> Option<T> {
        if self.initialized() {
            self.value_set.store(false, Relaxed);
            // SAFETY: initialised, `&mut self` is exclusive, and `value_set`
            // is now false so it is not read or dropped again.
            Some(self.value.with_mut(|p| unsafe { (*p).assume_init_read() }))
        } else {
            None
        }
    }
}

impl<T> Drop for OnceCell<T> {
    fn drop(&mut self) {
        drop(self.take());
    }
}

impl<T> Default for OnceCell<T> {
    fn default() -> Self {
        OnceCell::new()
    }
}

impl<T> From<T> for OnceCell<T> {
    fn from(value: T) -> Self {
        let cell = OnceCell::new();
        cell.value.with_mut(|p| {
            // SAFETY: a fresh cell, not shared yet.
            unsafe { (*p).write(value) };
        });
        cell.value_set.store(true, Release);
        cell
    }
}

impl<T: fmt::Debug> fmt::Debug for OnceCell<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnceCell")
            .field("value", &self.get())
            .finish()
    }
}

impl<T: Clone> Clone for OnceCell<T> {
    fn clone(&self) -> Self {
        OnceCell::new_with(self.get().cloned())
    }
}

impl<T: PartialEq> PartialEq for OnceCell<T> {
    fn eq(&self, other: &Self) -> bool {
        self.get() == other.get()
    }
}

impl<T: Eq> Eq for OnceCell<T> {}

/// Error returned by [`OnceCell::set`].
///
/// ```
/// use weft::sync::{OnceCell, SetError};
/// let cell = OnceCell::new_with(Some(1));
/// let err = cell.set(2).unwrap_err();
/// assert!(err.is_already_init_err());
/// assert_eq!(err.to_string(), "AlreadyInitializedError");
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum SetError<T> {
    /// The cell already held a value.
    AlreadyInitializedError(T),
    /// Another task was initialising the cell.
    InitializingError(T),
}

impl<T> fmt::Display for SetError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetError::AlreadyInitializedError(_) => f.write_str("AlreadyInitializedError"),
            SetError::InitializingError(_) => f.write_str("InitializingError"),
        }
    }
}

impl<T: fmt::Debug> std::error::Error for SetError<T> {}

impl<T> SetError<T> {
    /// Whether the cell already held a value.
    ///
    /// ```
    /// let e = weft::sync::SetError::AlreadyInitializedError(1);
    /// assert!(e.is_already_init_err());
    /// ```
    pub fn is_already_init_err(&self) -> bool {
        matches!(self, SetError::AlreadyInitializedError(_))
    }

    /// Whether another task was initialising the cell.
    ///
    /// ```
    /// let e = weft::sync::SetError::InitializingError(1);
    /// assert!(e.is_initializing_err());
    /// ```
    pub fn is_initializing_err(&self) -> bool {
        matches!(self, SetError::InitializingError(_))
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use futures::executor::block_on;
    use futures::FutureExt;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;

    #[test]
    fn set_get_take() {
        let mut cell = OnceCell::new();
        assert_eq!(cell.set(1), Ok(()));
        assert_eq!(cell.set(2), Err(SetError::AlreadyInitializedError(2)));
        assert_eq!(cell.get(), Some(&1));
        assert_eq!(cell.take(), Some(1));
        assert_eq!(cell.get(), None);
        assert_eq!(cell.set(3), Ok(()));
        assert_eq!(cell.into_inner(), Some(3));
    }

    #[test]
    fn set_while_initializing_fails() {
        let cell = OnceCell::new();
        let mut init = Box::pin(cell.get_or_init(std::future::pending::<u8>));
        assert!((&mut init).now_or_never().is_none());
        assert_eq!(cell.set(1), Err(SetError::InitializingError(1)));
        drop(init);
        assert_eq!(cell.set(1), Ok(()));
    }

    #[test]
    fn cancelled_initializer_hands_over() {
        let cell = OnceCell::new();
        let mut first = Box::pin(cell.get_or_init(std::future::pending::<u8>));
        assert!((&mut first).now_or_never().is_none());
        let mut second = Box::pin(cell.get_or_init(|| async { 7 }));
        assert!(
            (&mut second).now_or_never().is_none(),
            "waits for the first"
        );
        drop(first);
        assert_eq!(second.now_or_never(), Some(&7));
    }

    #[test]
    fn failed_initializer_leaves_cell_empty() {
        let cell = OnceCell::<u8>::new();
        let r = block_on(cell.get_or_try_init(|| async { Err::<u8, _>("e") }));
        assert_eq!(r, Err("e"));
        assert!(!cell.initialized());
        let r = block_on(cell.get_or_try_init(|| async { Ok::<_, ()>(4) }));
        assert_eq!(r, Ok(&4));
    }

    #[test]
    fn initializer_runs_once_across_threads() {
        let cell = Arc::new(OnceCell::new());
        let runs = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let (cell, runs) = (cell.clone(), runs.clone());
                std::thread::spawn(move || {
                    *block_on(cell.get_or_init(|| async {
                        runs.fetch_add(1, SeqCst);
                        42
                    }))
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap(), 42);
        }
        assert_eq!(runs.load(SeqCst), 1);
    }

    #[test]
    fn value_dropped_with_cell() {
        let v = Arc::new(());
        let cell = OnceCell::new_with(Some(v.clone()));
        let clone = cell.clone();
        assert_eq!(cell, clone);
        drop(cell);
        drop(clone);
        assert_eq!(Arc::strong_count(&v), 1);
    }

    #[test]
    fn statics_and_traits() {
        static CELL: OnceCell<u8> = OnceCell::const_new();
        static FULL: OnceCell<u8> = OnceCell::const_new_with(2);
        assert_eq!(CELL.get(), None);
        assert_eq!(FULL.get(), Some(&2));
        fn is_send_sync<T: Send + Sync>() {}
        is_send_sync::<OnceCell<u8>>();
        assert_eq!(
            format!("{:?}", OnceCell::from(1)),
            "OnceCell { value: Some(1) }"
        );
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::sync::atomic::AtomicUsize;
    use crate::loom::sync::Arc;
    use crate::loom::thread;
    use loom::future::block_on;

    /// Two threads race to initialise: one initialiser runs, both see its value.
    #[test]
    fn get_or_init_race() {
        loom::model(|| {
            let cell = Arc::new(OnceCell::new());
            let runs = Arc::new(AtomicUsize::new(0));
            let (c2, r2) = (cell.clone(), runs.clone());
            let t = thread::spawn(move || {
                *block_on(c2.get_or_init(|| async {
                    r2.fetch_add(1, SeqCst);
                    1
                }))
            });
            let mine = *block_on(cell.get_or_init(|| async {
                runs.fetch_add(1, SeqCst);
                2
            }));
            assert_eq!(mine, t.join().unwrap());
            assert_eq!(runs.load(SeqCst), 1);
        });
    }
}
