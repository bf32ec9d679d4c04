//! Exclusive-access guards of `RwLock` that point at a part of the data.
//! They hold all the lock's permits, like the write guards they come from,
//! but cannot downgrade (the part may not be all a reader should see).

use super::RwLock;
use crate::sync::batch_semaphore::Semaphore;
use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::{Deref, DerefMut};
use std::ptr::NonNull;
use std::sync::Arc;

/// RAII structure used to release the exclusive write access of a lock when
/// dropped, pointing at a component of the locked data.
///
/// This structure is created by [`RwLockWriteGuard::map`] and friends.
///
/// [`RwLockWriteGuard::map`]: super::RwLockWriteGuard::map
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct RwLockMappedWriteGuard<'a, T: ?Sized> {
    permits_acquired: u32,
    s: &'a Semaphore,
    data: NonNull<T>,
    marker: PhantomData<&'a mut T>,
}

/// Owned RAII structure used to release the exclusive write access of a lock
/// when dropped, pointing at a component of the locked data.
///
/// This structure is created by [`OwnedRwLockWriteGuard::map`] and friends.
///
/// [`OwnedRwLockWriteGuard::map`]: super::OwnedRwLockWriteGuard::map
#[clippy::has_significant_drop]
#[must_use = "if unused the RwLock will immediately unlock"]
pub struct OwnedRwLockMappedWriteGuard<T: ?Sized, U: ?Sized = T> {
    permits_acquired: u32,
    lock: Arc<RwLock<T>>,
    data: NonNull<U>,
    _p: PhantomData<T>,
}

// SAFETY: an exclusive reference to part of `T`; bounds as Tokio's.
unsafe impl<T: ?Sized + Send + Sync> Send for RwLockMappedWriteGuard<'_, T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLockMappedWriteGuard<'_, T> {}
// SAFETY: as above, plus the `Arc` that may drop the `T` on another thread.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Send
    for OwnedRwLockMappedWriteGuard<T, U>
{
}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync, U: ?Sized + Send + Sync> Sync
    for OwnedRwLockMappedWriteGuard<T, U>
{
}

impl<'a, T: ?Sized> RwLockMappedWriteGuard<'a, T> {
    pub(super) fn new(permits_acquired: u32, s: &'a Semaphore, data: NonNull<T>) -> Self {
        RwLockMappedWriteGuard {
            permits_acquired,
            s,
            data,
            marker: PhantomData,
        }
    }

    fn into_parts(this: Self) -> (u32, &'a Semaphore) {
        let this = ManuallyDrop::new(this);
        (this.permits_acquired, this.s)
    }

    /// Makes a new `RwLockMappedWriteGuard` for a component of the locked data.
    ///
    /// ```
    /// use weft::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new(((1, 2), 3));
    /// {
    ///     let g = RwLockWriteGuard::map(lock.try_write().unwrap(), |f| &mut f.0);
    ///     let mut g = RwLockMappedWriteGuard::map(g, |f| &mut f.1);
    ///     *g = 5;
    /// }
    /// assert_eq!(*lock.try_read().unwrap(), ((1, 5), 3));
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

    /// Attempts to make a new `RwLockMappedWriteGuard` for a component of the
    /// locked data; the original guard comes back on `None`.
    ///
    /// ```
    /// use weft::sync::{RwLock, RwLockMappedWriteGuard, RwLockWriteGuard};
    ///
    /// let lock = RwLock::new((1, 2));
    /// let g = RwLockWriteGuard::into_mapped(lock.try_write().unwrap());
    /// assert!(RwLockMappedWriteGuard::try_map(g, |_| None::<&mut u8>).is_err());
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
}

impl<T: ?Sized> Deref for RwLockMappedWriteGuard<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        // SAFETY: the guard holds every permit: it alone accesses the data.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized> DerefMut for RwLockMappedWriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: as in `deref`; `&mut self` makes the borrow unique.
        unsafe { self.data.as_mut() }
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLockMappedWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized + fmt::Display> fmt::Display for RwLockMappedWriteGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized> Drop for RwLockMappedWriteGuard<'_, T> {
    fn drop(&mut self) {
        self.s.release(self.permits_acquired as usize);
    }
}

impl<T: ?Sized, U: ?Sized> OwnedRwLockMappedWriteGuard<T, U> {
    pub(super) fn new(permits_acquired: u32, lock: Arc<RwLock<T>>, data: NonNull<U>) -> Self {
        OwnedRwLockMappedWriteGuard {
            permits_acquired,
            lock,
            data,
            _p: PhantomData,
        }
    }

    fn into_parts(this: Self) -> (u32, Arc<RwLock<T>>) {
        let this = ManuallyDrop::new(this);
        // SAFETY: `this` is never dropped: the `Arc` is moved out once.
        (this.permits_acquired, unsafe { std::ptr::read(&this.lock) })
    }

    /// Makes a new `OwnedRwLockMappedWriteGuard` for a component of the
    /// locked data.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new(((1, 2), 3)));
    /// let g = OwnedRwLockWriteGuard::map(lock.clone().try_write_owned().unwrap(), |f| &mut f.0);
    /// let mut g = OwnedRwLockMappedWriteGuard::map(g, |f| &mut f.0);
    /// *g = 7;
    /// drop(g);
    /// assert_eq!(*lock.try_read().unwrap(), ((7, 2), 3));
    /// ```
    #[inline]
    pub fn map<F, V: ?Sized>(mut this: Self, f: F) -> OwnedRwLockMappedWriteGuard<T, V>
    where
        F: FnOnce(&mut U) -> &mut V,
    {
        let data = NonNull::from(f(&mut *this));
        let (permits, lock) = Self::into_parts(this);
        OwnedRwLockMappedWriteGuard::new(permits, lock, data)
    }

    /// Attempts to make a new `OwnedRwLockMappedWriteGuard` for a component
    /// of the locked data; the original guard comes back on `None`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new((1, 2)));
    /// let g = OwnedRwLockWriteGuard::into_mapped(lock.try_write_owned().unwrap());
    /// let g = OwnedRwLockMappedWriteGuard::try_map(g, |f| Some(&mut f.1)).unwrap();
    /// assert_eq!(*g, 2);
    /// ```
    #[inline]
    pub fn try_map<F, V: ?Sized>(
        mut this: Self,
        f: F,
    ) -> Result<OwnedRwLockMappedWriteGuard<T, V>, Self>
    where
        F: FnOnce(&mut U) -> Option<&mut V>,
    {
        let data = match f(&mut *this) {
            Some(data) => NonNull::from(data),
            None => return Err(this),
        };
        let (permits, lock) = Self::into_parts(this);
        Ok(OwnedRwLockMappedWriteGuard::new(permits, lock, data))
    }

    /// Returns a reference to the original `Arc<RwLock>`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::{OwnedRwLockMappedWriteGuard, OwnedRwLockWriteGuard, RwLock};
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let g = OwnedRwLockWriteGuard::into_mapped(lock.clone().try_write_owned().unwrap());
    /// assert!(Arc::ptr_eq(&lock, OwnedRwLockMappedWriteGuard::rwlock(&g)));
    /// ```
    pub fn rwlock(this: &Self) -> &Arc<RwLock<T>> {
        &this.lock
    }
}

impl<T: ?Sized, U: ?Sized> Deref for OwnedRwLockMappedWriteGuard<T, U> {
    type Target = U;

    fn deref(&self) -> &U {
        // SAFETY: the guard holds every permit: it alone accesses the data.
        unsafe { self.data.as_ref() }
    }
}

impl<T: ?Sized, U: ?Sized> DerefMut for OwnedRwLockMappedWriteGuard<T, U> {
    fn deref_mut(&mut self) -> &mut U {
        // SAFETY: as in `deref`; `&mut self` makes the borrow unique.
        unsafe { self.data.as_mut() }
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Debug> fmt::Debug for OwnedRwLockMappedWriteGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized + fmt::Display> fmt::Display for OwnedRwLockMappedWriteGuard<T, U> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

impl<T: ?Sized, U: ?Sized> Drop for OwnedRwLockMappedWriteGuard<T, U> {
    fn drop(&mut self) {
        self.lock.s.release(self.permits_acquired as usize);
    }
}
