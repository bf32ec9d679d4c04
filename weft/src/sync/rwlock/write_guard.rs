//! Exclusive-access guards of `RwLock`: each holds all of the lock's permits.
//! Downgrading gives all but one back, turning the guard into a reader.

use super::mapped_write_guard::{OwnedRwLockMappedWriteGuard, RwLockMappedWriteGuard};
use super::read_guard::{OwnedRwLockReadGuard, RwLockReadGuard};
use super::RwLock;
use crate::sync::batch_semaphore::Semaphore;
use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;
use std::sync::Arc;

/// RAII structure used to release the exclusive write access of a lock when
/// dropped.
///
/// This structure is created by the [`write`] method on [`RwLock`].
///
/// [`write`]: RwLock::write
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockWriteGuard<'a, T: ?Sized> {
    permits_acquired: u32,
    s: &'a Semaphore,
    data: NonNull<T>,
    marker: PhantomData<&'a mut T>,
}

/// Owned RAII structure used to release the exclusive write access of a lock
/// when dropped; keeps the lock alive through its `Arc`.
///
/// This structure is created by the [`write_owned`] method on [`RwLock`].
///
/// [`write_owned`]: RwLock::write_owned
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct OwnedRwLockWriteGuard<T: ?Sized> {
    permits_acquired: u32,
    lock: Arc<RwLock<T>>,
    data: NonNull<T>,
}

// SAFETY: the guard is an exclusive reference to `T`; Tokio asks `Send + Sync`
// of `T` for both, and so does weft, for the same API.
unsafe impl<T: ?Sized + Send + Sync> Send for RwLockWriteGuard<'_, T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockWriteGuard<'_, T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Send for OwnedRwLockWriteGuard<T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Sync for OwnedRwLockWriteGuard<T> {}

impl<'a, T: ?Sized> RwLockWriteGuard<'a, T> {
    pub(super) fn new(permits_acquired: u32, s: &'a Semaphore, data: NonNull<T>) -> Self {
        RwLockWriteGuard {
            permits_acquired,
            s,
            data,
            marker: PhantomData,
        }
    }

    /// The guard's parts, without running its drop.
    fn into_parts(this: Self) -> (u32, &'a Semaphore) {
        let this = ManuallyDrop::new(this);
        (this.permits_acquired, this.s)
    }

    /// Makes a new [`RwLockMappedWriteGuard`] for a component of the locked data.
    ///
    /// ```
    /// use weft::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new((1, 2));
    /// {
    ///     let mut mapped = RwLockWriteGuard::map(lock.try_write().unwrap(), |f| &mut f.0);
    ///     *mapped = 2;
    /// }
    /// assert_eq!((2, 2), *lock.try_read().unwrap());
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> RwLockMappedWriteGuard<'a, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data = NonNull::from(f(&mut *this));
        let (permits, s) = Self::into_parts(this);
        RwLockMappedWriteGuard::new(permits, s, data)
    }

    /// Makes a new [`RwLockReadGuard`] for a component of the locked data,
    /// releasing the exclusive access at once (other readers may enter).
    ///
    /// ```
    /// use weft::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new((1, 2));
    /// let guard = RwLockWriteGuard::downgrade_map(lock.try_write().unwrap(), |f| &f.0);
    /// let other = lock.try_read().unwrap();
    /// assert_eq!((*guard, other.1), (1, 2));
    /// ```
    #[inline]
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> RwLockReadGuard<'a, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let data = NonNull::from(f(&*this));
        let (permits, s) = Self::into_parts(this);
        // Keep one permit: this guard becomes a reader.
        s.release(permits as usize - 1);
        RwLockReadGuard::new(s, data)
    }

    /// Attempts to make a new [`RwLockMappedWriteGuard`] for a component of
    /// the locked data; the original guard comes back on `None`.
    ///
    /// ```
    /// use weft::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new((1, 2));
    /// {
    ///     let guard = lock.try_write().unwrap();
    ///     let mut guard = RwLockWriteGuard::try_map(guard, |f| Some(&mut f.0)).unwrap();
    ///     *guard = 2;
    /// }
    /// assert_eq!((2, 2), *lock.try_read().unwrap());
    /// ```
    #[inline]
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<RwLockMappedWriteGuard<'a, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let data = match f(&mut *this) {
            Some(data) => NonNull::from(data),
            None => return Err(this),
        };
        let (permits, s) = Self::into_parts(this);
        Ok(RwLockMappedWriteGuard::new(permits, s, data))
    }

    /// Attempts to make a new [`RwLockReadGuard`] for a component of the
    /// locked data, releasing exclusive access; the original guard comes
    /// back (still exclusive) on `None`.
    ///
    /// ```
    /// use weft::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new((1, 2));
    /// let guard = RwLockWriteGuard::try_downgrade_map(lock.try_write().unwrap(), |f| Some(&f.0))
    ///     .expect("should not fail");
    /// assert_eq!(*guard, 1);
    /// assert!(lock.try_read().is_ok());
    /// ```
    #[inline]
    pub fn try_downgrade_map<F, U: ?Sized>(this: Self, f: F) -> Result<RwLockReadGuard<'a, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let data = match f(&*this) {
            Some(data) => NonNull::from(data),
            None => return Err(this),
        };
        let (permits, s) = Self::into_parts(this);
        s.release(permits as usize - 1);
        Ok(RwLockReadGuard::new(s, data))
    }

    /// Converts this guard into a [`RwLockMappedWriteGuard`] of the whole data.
    ///
    /// ```
    /// use weft::sync::{RwLock, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(1);
    /// let mut mapped = RwLockWriteGuard::into_mapped(lock.try_write().unwrap());
    /// *mapped = 2;
    /// drop(mapped);
    /// assert_eq!(*lock.try_read().unwrap(), 2);
    /// ```
    pub fn into_mapped(this: Self) -> RwLockMappedWriteGuard<'a, T> {
        RwLockWriteGuard::map(this, |me| me)
    }

    /// Atomically downgrades a write lock into a read lock without allowing
    /// any writers to take exclusive access of the lock in the meantime.
    ///
    /// Note that if there are any writers currently waiting to take the
    /// lock, other readers may not be able to acquire the lock even if it
    /// was downgraded.
    ///
    /// ```
    /// use weft::sync::RwLock;
    ///
    /// let lock = RwLock::new(1);
    /// let mut n = lock.try_write().unwrap();
    /// *n = 2;
    /// let n = n.downgrade();
    /// assert_eq!(*n, 2, "downgrade is atomic");
    /// assert_eq!(*lock.try_read().unwrap(), 2);
    /// ```
    pub fn downgrade(self) -> RwLockReadGuard<'a, T> {
        let data = self.data;
        let (permits, s) = Self::into_parts(self);
        s.release(permits as usize - 1);
        RwLockReadGuard::new(s, data)
    }
}

impl<T: ?Sized> Deref for RwLockWriteGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard holds every permit: it alone accesses the data.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized> DerefMut for RwLockWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` makes the borrow unique.
        unsafe { self.data.as_mut() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for RwLockWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized> Drop for RwLockWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(self.permits_acquired as usize);
    }
}

impl<T: ?Sized> OwnedRwLockWriteGuard<T> {
    pub(super) fn new(lock: Arc<RwLock<T>>) -> Self {
        OwnedRwLockWriteGuard {
            permits_acquired: lock.mr,
            data: lock.data_ptr(),
            lock,
        }
    }

    fn into_parts(this: Self) -> (u32, Arc<RwLock<T>>) {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never dropped: the `Arc` is moved out once.
        (this.permits_acquired, unsafe { std::ptr::read(&this.lock) })
    }

    /// Makes a new [`OwnedRwLockMappedWriteGuard`] for a component of the
    /// locked data.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// {
    ///     let lock = lock.clone().try_write_owned().unwrap();
    ///     let mut mapped = OwnedRwLockWriteGuard::map(lock, |f| &mut f.0);
    ///     *mapped = 2;
    /// }
    /// assert_eq!((2, 2), *lock.try_read().unwrap());
    /// ```
    #[inline]
    pub fn map<F, U: ?Sized>(mut this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, U>
    where
        F: FnOnce(&mut T) -> &mut U,
    {
        let data = NonNull::from(f(&mut *this));
        let (permits, lock) = Self::into_parts(this);
        OwnedRwLockMappedWriteGuard::new(permits, lock, data)
    }

    /// Makes a new [`OwnedRwLockReadGuard`] for a component of the locked
    /// data, releasing exclusive access at once.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let guard = lock.clone().try_write_owned().unwrap();
    /// let guard = OwnedRwLockWriteGuard::downgrade_map(guard, |f| &f.0);
    /// assert_eq!(*guard, 1);
    /// assert!(lock.try_read().is_ok());
    /// ```
    #[inline]
    pub fn downgrade_map<F, U: ?Sized>(this: Self, f: F) -> OwnedRwLockReadGuard<T, U>
    where
        F: FnOnce(&T) -> &U,
    {
        let data = NonNull::from(f(&*this));
        let (permits, lock) = Self::into_parts(this);
        lock.s.release(permits as usize - 1);
        OwnedRwLockReadGuard::from_parts(lock, data)
    }

    /// Attempts to make a new [`OwnedRwLockMappedWriteGuard`] for a component
    /// of the locked data; the original guard comes back on `None`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let guard = lock.try_write_owned().unwrap();
    /// assert!(OwnedRwLockWriteGuard::try_map(guard, |_| None::<&mut u8>).is_err());
    /// ```
    #[inline]
    pub fn try_map<F, U: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, U>, Self>
    where
        F: FnOnce(&mut T) -> Option<&mut U>,
    {
        let data = match f(&mut *this) {
            Some(data) => NonNull::from(data),
            None => return Err(this),
        };
        let (permits, lock) = Self::into_parts(this);
        Ok(OwnedRwLockMappedWriteGuard::new(permits, lock, data))
    }

    /// Attempts to make a new [`OwnedRwLockReadGuard`] for a component of the
    /// locked data, releasing exclusive access; the original guard comes
    /// back on `None`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let guard = lock.try_write_owned().unwrap();
    /// let guard = OwnedRwLockWriteGuard::try_downgrade_map(guard, |f| Some(&f.1)).unwrap();
    /// assert_eq!(*guard, 2);
    /// ```
    #[inline]
    pub fn try_downgrade_map<F, U: ?Sized>(
        this: Self,
        f: F,
    ) -> Result<OwnedRwLockReadGuard<T, U>, Self>
    where
        F: FnOnce(&T) -> Option<&U>,
    {
        let data = match f(&*this) {
            Some(data) => NonNull::from(data),
            None => return Err(this),
        };
        let (permits, lock) = Self::into_parts(this);
        lock.s.release(permits as usize - 1);
        Ok(OwnedRwLockReadGuard::from_parts(lock, data))
    }

    /// Converts this guard into an [`OwnedRwLockMappedWriteGuard`] of the
    /// whole data.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let mut mapped = OwnedRwLockWriteGuard::into_mapped(lock.clone().try_write_owned().unwrap());
    /// *mapped = 2;
    /// drop(mapped);
    /// assert_eq!(*lock.try_read().unwrap(), 2);
    /// ```
    pub fn into_mapped(this: Self) -> OwnedRwLockMappedWriteGuard<T> {
        Self::map(this, |me| me)
    }

    /// Atomically downgrades a write lock into a read lock without allowing
    /// any writers to take exclusive access of the lock in the meantime.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::RwLock;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let mut n = lock.clone().try_write_owned().unwrap();
    /// *n = 2;
    /// let n = n.downgrade();
    /// assert_eq!(*n, 2);
    /// assert_eq!(*lock.try_read().unwrap(), 2);
    /// ```
    pub fn downgrade(self) -> OwnedRwLockReadGuard<T> {
        let data = self.data;
        let (permits, lock) = Self::into_parts(self);
        lock.s.release(permits as usize - 1);
        OwnedRwLockReadGuard::from_parts(lock, data)
    }

    /// Returns a reference to the original `Arc<RwLock>`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let guard = lock.clone().try_write_owned().unwrap();
    /// assert!(Arc::ptr_eq(&lock, OwnedRwLockWriteGuard::rwlock(&guard)));
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized> Deref for OwnedRwLockWriteGuard<T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard holds every permit: it alone accesses the data.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized> DerefMut for OwnedRwLockWriteGuard<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` makes the borrow unique.
        unsafe { self.data.as_mut() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for OwnedRwLockWriteGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for OwnedRwLockWriteGuard<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized> Drop for OwnedRwLockWriteGuard<T> {
    fn drop(&mut self) {
        self.lock.s.release(self.permits_acquired as usize);
    }
}
