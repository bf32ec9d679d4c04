//! `Mutex`: an asynchronous, fair mutual-exclusion lock, and its guards.
//!
//! The lock is a [batch semaphore](super::batch_semaphore) with one permit:
//! `lock` waits for the permit in FIFO order, a guard gives it back when
//! dropped. The uncontended lock and unlock are one compare-and-swap each.
//!
//! Ownership rule: whoever holds the permit (a live guard of any of the four
//! kinds) is the only one dereferencing the data cell; `get_mut` and
//! `into_inner` need no permit because they have the mutex exclusively.

use super::batch_semaphore as ll;
use crate::loom::cell::UnsafeCell;
use std::error::Error;
use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;
use std::sync::Arc;

/// An asynchronous `Mutex`-like type.
///
/// This type acts similarly to [`std::sync::Mutex`], with two major
/// differences: [`lock`] is an async method so does not block, and the lock
/// guard is designed to be held across `.await` points.
///
/// The lock is fair: tasks calling [`lock`] get it in the order they asked.
///
/// ```
/// use std::sync::Arc;
/// use weft::sync::Mutex;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let data1 = Arc::new(Mutex::new(0));
/// let data2 = Arc::clone(&data1);
///
/// weft::spawn(async move {
///     let mut lock = data2.lock().await;
///     *lock += 1;
/// })
/// .await
/// .unwrap();
///
/// let mut lock = data1.lock().await;
/// *lock += 1;
/// assert_eq!(*lock, 2);
/// # }
/// ```
///
/// [`lock`]: Mutex::lock
pub struct Mutex<T: ?Sized> {
    s: ll::Semaphore,
    c: UnsafeCell<T>,
}

/// A handle to a held `Mutex`. The lock is released when it is dropped.
///
/// Created by [`Mutex::lock`] and [`Mutex::try_lock`].
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct MutexGuard<'a, T: ?Sized> {
    lock: &'a Mutex<T>,
}

/// An owned handle to a held `Mutex`, keeping the `Mutex` alive through an
/// `Arc`.
///
/// Created by [`Mutex::lock_owned`] and [`Mutex::try_lock_owned`].
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct OwnedMutexGuard<T: ?Sized> {
    lock: Arc<Mutex<T>>,
}

/// A handle to a held `Mutex` that has had a function applied to it via
/// [`MutexGuard::map`]; it points at a part of the protected data.
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct MappedMutexGuard<'a, T: ?Sized> {
    s: &'a ll::Semaphore,
    data: NonNull<T>,
    marker: PhantomData<&'a mut T>,
}

/// An owned handle to a held `Mutex` that has had a function applied to it
/// via [`OwnedMutexGuard::map`].
#[clippy::has_significant_drop]
#[must_use = "if unused the Mutex will immediately unlock"]
pub struct OwnedMappedMutexGuard<T: ?Sized, U: ?Sized = T> {
    data: NonNull<U>,
    lock: Arc<Mutex<T>>,
}

/// Error returned from the [`Mutex::try_lock`], `RwLock::try_read` and
/// `RwLock::try_write` functions.
///
/// ```
/// use weft::sync::Mutex;
///
/// let m = Mutex::new(1);
/// let _g = m.try_lock().unwrap();
/// assert_eq!(m.try_lock().unwrap_err().to_string(), "operation would block");
/// ```
#[derive(Debug)]
pub struct TryLockError(pub(super) ());

// SAFETY: the mutex hands its data to one thread at a time, so it may be sent
// and shared whenever the data may be sent.
unsafe impl<T: ?Sized + Send> Send for Mutex<T> {}
// SAFETY: as above: shared access to the mutex gives exclusive access to `T`.
unsafe impl<T: ?Sized + Send> Sync for Mutex<T> {}
// SAFETY: a shared guard only gives `&T`.
unsafe impl<T: ?Sized + Send + Sync> Sync for MutexGuard<'_, T> {}
// SAFETY: a shared guard only gives `&T`.
unsafe impl<T: ?Sized + Send + Sync> Sync for OwnedMutexGuard<T> {}
// SAFETY: the mapped guard is a `&'a mut T` plus a semaphore reference.
unsafe impl<'a, T: ?Sized + Sync + 'a> Sync for MappedMutexGuard<'a, T> {}
// SAFETY: as above.
unsafe impl<'a, T: ?Sized + Send + 'a> Send for MappedMutexGuard<'a, T> {}
// SAFETY: the owned mapped guard is an `Arc<Mutex<T>>` plus a `&mut U` into it.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync for OwnedMappedMutexGuard<T, U> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send, U: ?Sized + Send> Send for OwnedMappedMutexGuard<T, U> {}

impl<T: ?Sized> Mutex<T> {
    /// Creates a new lock in an unlocked state ready for use.
    ///
    /// ```
    /// let lock = weft::sync::Mutex::new(5);
    /// assert_eq!(lock.into_inner(), 5);
    /// ```
    pub fn new(t: T) -> Self
    where
        T: Sized,
    {
        Mutex {
            s: ll::Semaphore::new(1),
            c: UnsafeCell::new(t),
        }
    }

    /// Creates a new lock in an unlocked state, in a `const` context.
    ///
    /// ```
    /// use weft::sync::Mutex;
    /// static LOCK: Mutex<i32> = Mutex::const_new(5);
    /// assert_eq!(*LOCK.try_lock().unwrap(), 5);
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new(t: T) -> Self
    where
        T: Sized,
    {
        Mutex {
            s: ll::Semaphore::const_new(1),
            c: UnsafeCell::new(t),
        }
    }

    /// Locks this mutex, causing the current task to yield until the lock has
    /// been acquired. When the lock has been acquired, returns a
    /// [`MutexGuard`].
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute locks in the order they
    /// were requested. Cancelling a call to `lock` makes you lose your place in
    /// the queue.
    ///
    /// ```
    /// use weft::sync::Mutex;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mutex = Mutex::new(1);
    /// let mut n = mutex.lock().await;
    /// *n = 2;
    /// # }
    /// ```
    pub async fn lock(&self) -> MutexGuard<'_, T> {
        self.acquire().await;
        MutexGuard { lock: self }
    }

    /// Blockingly locks this `Mutex`. When the lock has been acquired,
    /// returns a [`MutexGuard`].
    ///
    /// For use in synchronous code, such as `spawn_blocking` closures.
    ///
    /// # Panics
    ///
    /// This function panics if called within an asynchronous execution context.
    ///
    /// ```
    /// use weft::sync::Mutex;
    ///
    /// let mutex = Mutex::new(1);
    /// *mutex.blocking_lock() += 1;
    /// assert_eq!(*mutex.blocking_lock(), 2);
    /// ```
    #[track_caller]
    pub fn blocking_lock(&self) -> MutexGuard<'_, T> {
        crate::util::blocking::block_on(self.lock())
    }

    /// Blockingly locks this `Mutex`, returning an owned guard.
    ///
    /// # Panics
    ///
    /// This function panics if called within an asynchronous execution context.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::Mutex;
    ///
    /// let mutex = Arc::new(Mutex::new(1));
    /// *mutex.clone().blocking_lock_owned() += 1;
    /// assert_eq!(*mutex.blocking_lock(), 2);
    /// ```
    #[track_caller]
    pub fn blocking_lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        crate::util::blocking::block_on(self.lock_owned())
    }

    /// Locks this mutex, returning an owned guard that keeps the mutex alive
    /// through its `Arc`.
    ///
    /// # Cancel safety
    ///
    /// Cancelling a call to `lock_owned` makes you lose your place in the queue.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::Mutex;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mutex = Arc::new(Mutex::new(1));
    /// let mut n = mutex.clone().lock_owned().await;
    /// *n = 2;
    /// drop(n);
    /// assert_eq!(*mutex.lock().await, 2);
    /// # }
    /// ```
    pub async fn lock_owned(self: Arc<Self>) -> OwnedMutexGuard<T> {
        self.acquire().await;
        OwnedMutexGuard { lock: self }
    }

    async fn acquire(&self) {
        // The mutex's semaphore is never closed.
        if self.s.acquire(1).await.is_err() {
            unreachable!("a Mutex's semaphore is never closed");
        }
    }

    /// Attempts to acquire the lock, and returns [`TryLockError`] if the
    /// lock is currently held somewhere else.
    ///
    /// ```
    /// use weft::sync::Mutex;
    ///
    /// let mutex = Mutex::new(1);
    /// let n = mutex.try_lock().unwrap();
    /// assert_eq!(*n, 1);
    /// assert!(mutex.try_lock().is_err());
    /// ```
    pub fn try_lock(&self) -> Result<MutexGuard<'_, T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => Ok(MutexGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Returns a mutable reference to the underlying data; the mutable borrow
    /// statically guarantees no locks exist.
    ///
    /// ```
    /// let mut mutex = weft::sync::Mutex::new(1);
    /// *mutex.get_mut() = 2;
    /// assert_eq!(mutex.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY: `&mut self` excludes every guard.
        self.c.with_mut(|ptr| unsafe { &mut *ptr })
    }

    /// Attempts to acquire the lock, returning an owned guard.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::Mutex;
    ///
    /// let mutex = Arc::new(Mutex::new(1));
    /// let n = mutex.clone().try_lock_owned().unwrap();
    /// assert_eq!(*n, 1);
    /// assert!(mutex.clone().try_lock_owned().is_err());
    /// ```
    pub fn try_lock_owned(self: Arc<Self>) -> Result<OwnedMutexGuard<T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => Ok(OwnedMutexGuard { lock: self }),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Consumes the mutex, returning the underlying data.
    ///
    /// ```
    /// let mutex = weft::sync::Mutex::new(1);
    /// assert_eq!(mutex.into_inner(), 1);
    /// ```
    pub fn into_inner(self) -> T
    where
        T: Sized,
    {
        self.c.into_inner()
    }

    /// The data pointer, for guards that hold the permit.
    fn data_ptr(&self) -> *mut T {
        self.c.with_mut(|ptr| ptr)
    }
}

impl<T> From<T> for Mutex<T> {
    fn from(s: T) -> Self {
        Self::new(s)
    }
}

impl<T: Default> Default for Mutex<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Mutex");
        match self.try_lock() {
            Ok(inner) => d.field("data", &&*inner),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

impl<'a, T: ?Sized> MutexGuard<'a, T> {
    /// Makes a new [`MappedMutexGuard`] for a component of the locked data.
    ///
    /// This is an associated function that needs to be used as
    /// `MutexGuard::map(...)`, so as not to clash with a method of `T`.
    ///
    /// ```
    /// use weft::sync::{Mutex, MutexGuard};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let foo = Mutex::new((1, 2));
    /// {
    ///     let mut mapped = MutexGuard::map(foo.lock().await, |f| &mut f.0);
    ///     *mapped = 3;
    /// }
    /// assert_eq!(*foo.lock().await, (3, 2));
    /// # }
    /// ```
    #[inline]
    pub fn map<U, F>(mut this: Self, f: F) -> MappedMutexGuard<'a, U>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> &mut U,
    {
        let data = NonNull::from(f(&mut *this));
        let this = ManuallyDrop::new(this);
        MappedMutexGuard {
            s: &this.lock.s,
            data,
            marker: PhantomData,
        }
    }

    /// Attempts to make a new [`MappedMutexGuard`] for a component of the
    /// locked data; returns the original guard if the closure returns `None`.
    ///
    /// ```
    /// use weft::sync::{Mutex, MutexGuard};
    ///
    /// let foo = Mutex::new((1, 2));
    /// let g = MutexGuard::try_map(foo.try_lock().unwrap(), |f| Some(&mut f.1)).unwrap();
    /// assert_eq!(*g, 2);
    /// ```
    #[inline]
    pub fn try_map<U, F>(mut this: Self, f: F) -> Result<MappedMutexGuard<'a, U>, Self>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let data = match f(&mut *this) {
            Some(data) => NonNull::from(data),
            None => return Err(this),
        };
        let this = ManuallyDrop::new(this);
        Ok(MappedMutexGuard {
            s: &this.lock.s,
            data,
            marker: PhantomData,
        })
    }

    /// Returns a reference to the original `Mutex`.
    ///
    /// ```
    /// use weft::sync::{Mutex, MutexGuard};
    ///
    /// let m = Mutex::new(1);
    /// let g = m.try_lock().unwrap();
    /// assert!(std::ptr::eq(MutexGuard::mutex(&g), &m));
    /// ```
    pub fn mutex(this: &Self) -> &'a Mutex<T> {
        this.lock
    }
}

impl<T: ?Sized> Drop for MutexGuard<'_, T> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: ?Sized> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &Self::Target {
        // SAFETY: the guard holds the permit, so no one else accesses the data.
        unsafe { &*self.lock.data_ptr() }
    }
}

impl<T: ?Sized> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        // SAFETY: as in `deref`, and `&mut self` makes this borrow unique.
        unsafe { &mut *self.lock.data_ptr() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized> OwnedMutexGuard<T> {
    /// Moves the `Arc` out of a guard whose drop must not run.
    fn take_lock(this: Self) -> Arc<Mutex<T>> {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never dropped, so the `Arc` is moved out exactly once.
        unsafe { std::ptr::read(&this.lock) }
    }

    /// Makes a new [`OwnedMappedMutexGuard`] for a component of the locked data.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{Mutex, OwnedMutexGuard};
    ///
    /// let foo = Arc::new(Mutex::new((1, 2)));
    /// {
    ///     let mut mapped = OwnedMutexGuard::map(foo.clone().try_lock_owned().unwrap(), |f| &mut f.0);
    ///     *mapped = 3;
    /// }
    /// assert_eq!(*foo.try_lock().unwrap(), (3, 2));
    /// ```
    #[inline]
    pub fn map<U, F>(mut this: Self, f: F) -> OwnedMappedMutexGuard<T, U>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> &mut U,
    {
        let data = NonNull::from(f(&mut *this));
        OwnedMappedMutexGuard {
            data,
            lock: Self::take_lock(this),
        }
    }

    /// Attempts to make a new [`OwnedMappedMutexGuard`] for a component of
    /// the locked data; returns the original guard on `None`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{Mutex, OwnedMutexGuard};
    ///
    /// let foo = Arc::new(Mutex::new((1, 2)));
    /// let g = foo.try_lock_owned().unwrap();
    /// let g = OwnedMutexGuard::try_map(g, |_| None::<&mut u8>).unwrap_err();
    /// assert_eq!(*g, (1, 2));
    /// ```
    #[inline]
    pub fn try_map<U, F>(mut this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, U>, Self>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let data = match f(&mut *this) {
            Some(data) => NonNull::from(data),
            None => return Err(this),
        };
        Ok(OwnedMappedMutexGuard {
            data,
            lock: Self::take_lock(this),
        })
    }

    /// Returns a reference to the original `Arc<Mutex>`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{Mutex, OwnedMutexGuard};
    ///
    /// let m = Arc::new(Mutex::new(1));
    /// let g = m.clone().try_lock_owned().unwrap();
    /// assert!(Arc::ptr_eq(OwnedMutexGuard::mutex(&g), &m));
    /// ```
    pub fn mutex(this: &Self) -> &Arc<Mutex<T>> {
        &this.lock
    }
}

impl<T: ?Sized> Drop for OwnedMutexGuard<T> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: ?Sized> Deref for OwnedMutexGuard<T> {
    type Target = T;
    fn deref(&self) -> &Self::Target {
        // SAFETY: the guard holds the permit, so no one else accesses the data.
        unsafe { &*self.lock.data_ptr() }
    }
}

impl<T: ?Sized> DerefMut for OwnedMutexGuard<T> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        // SAFETY: as in `deref`, and `&mut self` makes this borrow unique.
        unsafe { &mut *self.lock.data_ptr() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for OwnedMutexGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<'a, T: ?Sized> MappedMutexGuard<'a, T> {
    /// Makes a new [`MappedMutexGuard`] for a component of the locked data.
    ///
    /// ```
    /// use weft::sync::{MappedMutexGuard, Mutex, MutexGuard};
    ///
    /// let foo = Mutex::new(((1, 2), 3));
    /// let g = MutexGuard::map(foo.try_lock().unwrap(), |f| &mut f.0);
    /// let g = MappedMutexGuard::map(g, |f| &mut f.1);
    /// assert_eq!(*g, 2);
    /// ```
    #[inline]
    pub fn map<U, F>(mut this: Self, f: F) -> MappedMutexGuard<'a, U>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> &mut U,
    {
        let data = NonNull::from(f(&mut *this));
        let this = ManuallyDrop::new(this);
        MappedMutexGuard {
            s: this.s,
            data,
            marker: PhantomData,
        }
    }

    /// Attempts to make a new [`MappedMutexGuard`] for a component of the
    /// locked data; returns the original guard on `None`.
    ///
    /// ```
    /// use weft::sync::{MappedMutexGuard, Mutex, MutexGuard};
    ///
    /// let foo = Mutex::new((1, 2));
    /// let g = MutexGuard::map(foo.try_lock().unwrap(), |f| f);
    /// assert!(MappedMutexGuard::try_map(g, |_| None::<&mut u8>).is_err());
    /// ```
    #[inline]
    pub fn try_map<U, F>(mut this: Self, f: F) -> Result<MappedMutexGuard<'a, U>, Self>
    where
        U: ?Sized,
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let data = match f(&mut *this) {
            Some(data) => NonNull::from(data),
            None => return Err(this),
        };
        let this = ManuallyDrop::new(this);
        Ok(MappedMutexGuard {
            s: this.s,
            data,
            marker: PhantomData,
        })
    }
}

impl<T: ?Sized> Drop for MappedMutexGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(1);
    }
}

impl<T: ?Sized> Deref for MappedMutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &Self::Target {
        // SAFETY: `data` points into the locked data, and the guard holds the permit.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized> DerefMut for MappedMutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        // SAFETY: as in `deref`, and `&mut self` makes this borrow unique.
        unsafe { self.data.as_mut() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for MappedMutexGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized> OwnedMappedMutexGuard<T, U> {
    /// Makes a new [`OwnedMappedMutexGuard`] for a component of the locked data.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    ///
    /// let foo = Arc::new(Mutex::new(((1, 2), 3)));
    /// let g = OwnedMutexGuard::map(foo.try_lock_owned().unwrap(), |f| &mut f.0);
    /// let g = OwnedMappedMutexGuard::map(g, |f| &mut f.0);
    /// assert_eq!(*g, 1);
    /// ```
    #[inline]
    pub fn map<S, F>(mut this: Self, f: F) -> OwnedMappedMutexGuard<T, S>
    where
        S: ?Sized,
        F: FnOnce(&mut U) -> &mut S,
    {
        let data = NonNull::from(f(&mut *this));
        OwnedMappedMutexGuard {
            data,
            lock: Self::take_lock(this),
        }
    }

    /// Attempts to make a new [`OwnedMappedMutexGuard`] for a component of
    /// the locked data; returns the original guard on `None`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};
    ///
    /// let foo = Arc::new(Mutex::new((1, 2)));
    /// let g = OwnedMutexGuard::map(foo.try_lock_owned().unwrap(), |f| f);
    /// let g = OwnedMappedMutexGuard::try_map(g, |f| Some(&mut f.1)).unwrap();
    /// assert_eq!(*g, 2);
    /// ```
    #[inline]
    pub fn try_map<S, F>(mut this: Self, f: F) -> Result<OwnedMappedMutexGuard<T, S>, Self>
    where
        S: ?Sized,
        F: FnOnce(&mut U) -> Option<&mut S>,
    {
        let data = match f(&mut *this) {
            Some(data) => NonNull::from(data),
            None => return Err(this),
        };
        Ok(OwnedMappedMutexGuard {
            data,
            lock: Self::take_lock(this),
        })
    }

    fn take_lock(this: Self) -> Arc<Mutex<T>> {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never dropped, so the `Arc` is moved out exactly once.
        unsafe { std::ptr::read(&this.lock) }
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedMappedMutexGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.release(1);
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedMappedMutexGuard<T, U> {
    type Target = U;
    fn deref(&self) -> &Self::Target {
        // SAFETY: `data` points into the locked data, and the guard holds the permit.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedMappedMutexGuard<T, U> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        // SAFETY: as in `deref`, and `&mut self` makes this borrow unique.
        unsafe { self.data.as_mut() }
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedMappedMutexGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Display> fmt::Display for OwnedMappedMutexGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl fmt::Display for TryLockError {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.write_str("operation would block")
    }
}

impl Error for TryLockError {}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::future::Future;

    use std::task::{Context, Poll, Waker};

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn public_types_are_send_and_sync() {
        assert_send_sync::<Mutex<u8>>();
        assert_send_sync::<MutexGuard<'static, u8>>();
        assert_send_sync::<OwnedMutexGuard<u8>>();
        assert_send_sync::<MappedMutexGuard<'static, u8>>();
        assert_send_sync::<OwnedMappedMutexGuard<u8, u8>>();
        fn lock_future_is_send(m: &Mutex<u8>) -> impl Send + '_ {
            m.lock()
        }
        let _ = lock_future_is_send;
    }

    #[test]
    fn waiters_get_the_lock_in_order() {
        let m = Mutex::new(Vec::new());
        let guard = m.try_lock().unwrap();
        let mut cx = Context::from_waker(Waker::noop());
        let mut a = std::pin::pin!(async {
            m.lock().await.push('a');
        });
        let mut b = std::pin::pin!(async {
            m.lock().await.push('b');
        });
        assert!(b.as_mut().poll(&mut cx).is_pending());
        assert!(a.as_mut().poll(&mut cx).is_pending());
        drop(guard);
        // `a` asked second; it must not get the lock before `b`.
        assert!(a.as_mut().poll(&mut cx).is_pending());
        assert!(b.as_mut().poll(&mut cx).is_ready());
        assert_eq!(a.as_mut().poll(&mut cx), Poll::Ready(()));
        assert_eq!(*m.try_lock().unwrap(), ['b', 'a']);
    }

    #[test]
    fn mapped_guards_release_on_drop() {
        let m = Arc::new(Mutex::new((1, String::from("x"))));
        {
            let g = MutexGuard::map(m.try_lock().unwrap(), |v| &mut v.1);
            assert!(m.try_lock().is_err());
            let mut g = MappedMutexGuard::map(g, |s| s);
            g.push('y');
        }
        {
            let g = OwnedMutexGuard::map(m.clone().try_lock_owned().unwrap(), |v| &mut v.0);
            let mut g = OwnedMappedMutexGuard::map(g, |n| n);
            *g += 1;
            assert!(m.try_lock().is_err());
        }
        assert_eq!(*m.try_lock().unwrap(), (2, String::from("xy")));
        assert_eq!(Arc::strong_count(&m), 1, "the owned guard released its Arc");
    }

    #[test]
    fn debug_shows_data_or_locked() {
        let m = Mutex::new(7);
        assert_eq!(format!("{m:?}"), "Mutex { data: 7 }");
        let _g = m.try_lock().unwrap();
        assert_eq!(format!("{m:?}"), "Mutex { data: <locked> }");
    }

    #[test]
    fn unsized_data() {
        let m: Arc<Mutex<[u8]>> = Arc::new(Mutex::new([1u8, 2, 3]));
        m.try_lock().unwrap()[0] = 9;
        assert_eq!(&*m.try_lock().unwrap(), &[9, 2, 3]);
    }

    #[test]
    fn threads_increment_exactly() {
        let m = Arc::new(Mutex::new(0u64));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let m = m.clone();
                std::thread::spawn(move || {
                    for _ in 0..5000 {
                        *m.blocking_lock() += 1;
                    }
                })
            })
            .collect();
        for h in handles {
            h.join().unwrap();
        }
        assert_eq!(*m.blocking_lock(), 20_000);
    }
}
