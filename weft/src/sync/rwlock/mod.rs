//! `RwLock`: an asynchronous reader-writer lock, fair and write-preferring.
//!
//! The lock is a [batch semaphore](super::batch_semaphore) holding
//! `max_readers` permits: a reader takes one, a writer takes all of them.
//! Because the semaphore serves waiters strictly in FIFO order, a waiting
//! writer holds back every reader that asked after it (no writer
//! starvation), and readers that asked before it share the lock.
//!
//! Ownership rule: the data cell is read through guards holding at least one
//! permit and written only through guards holding all of them; `get_mut` and
//! `into_inner` have the lock exclusively.
//!
//! The guards live in their own files: [`read_guard`] (shared access),
//! [`write_guard`] (exclusive access, can downgrade) and
//! [`mapped_write_guard`] (exclusive access to a part of the data).

use super::batch_semaphore as ll;
use super::TryLockError;
use crate::loom::cell::UnsafeCell;
use std::fmt;
use std::ptr::NonNull;
use std::sync::Arc;

mod mapped_write_guard;
mod read_guard;
mod write_guard;

pub use mapped_write_guard::{OwnedRwLockMappedWriteGuard, RwLockMappedWriteGuard};
pub use read_guard::{OwnedRwLockReadGuard, RwLockReadGuard};
pub use write_guard::{OwnedRwLockWriteGuard, RwLockWriteGuard};

/// The most readers a lock admits at once (three bits of the semaphore word
/// are flags). Small under loom, where it only sizes the permit count.
#[cfg(not(loom))]
const MAX_READS: u32 = u32::MAX >> 3;
#[cfg(loom)]
const MAX_READS: u32 = 10;

/// An asynchronous reader-writer lock.
///
/// This type of lock allows a number of readers or at most one writer at any
/// point in time. The write portion of this lock typically allows modification
/// of the underlying data (exclusive access) and the read portion of this lock
/// typically allows for read-only access (shared access).
///
/// The priority policy is fair (FIFO): a writer that is waiting blocks every
/// reader that comes after it, so writers are never starved.
///
/// ```
/// use weft::sync::RwLock;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let lock = RwLock::new(5);
///
/// // many reader locks can be held at once
/// {
///     let r1 = lock.read().await;
///     let r2 = lock.read().await;
///     assert_eq!(*r1, 5);
///     assert_eq!(*r2, 5);
/// } // read locks are dropped at this point
///
/// // only one write lock may be held, however
/// {
///     let mut w = lock.write().await;
///     *w += 1;
///     assert_eq!(*w, 6);
/// } // write lock is dropped here
/// # }
/// ```
pub struct RwLock<T: ?Sized> {
    mr: u32,
    s: ll::Semaphore,
    c: UnsafeCell<T>,
}

// SAFETY: the lock hands out `&T` to many threads (needs `Sync`) and `&mut T`
// to one at a time (needs `Send`).
unsafe impl<T: ?Sized + Send> Send for RwLock<T> {}
// SAFETY: as above.
unsafe impl<T: ?Sized + Send + Sync> Sync for RwLock<T> {}

impl<T: ?Sized> RwLock<T> {
    /// Creates a new instance of an `RwLock<T>` which is unlocked.
    ///
    /// ```
    /// let lock = weft::sync::RwLock::new(5);
    /// assert_eq!(lock.into_inner(), 5);
    /// ```
    #[track_caller]
    pub fn new(value: T) -> RwLock<T>
    where
        T: Sized,
    {
        RwLock {
            mr: MAX_READS,
            s: ll::Semaphore::new(MAX_READS as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// Creates a new instance of an `RwLock<T>` which is unlocked and allows
    /// a maximum of `max_reads` concurrent readers.
    ///
    /// # Panics
    ///
    /// Panics if `max_reads` is `0` or is bigger than `u32::MAX >> 3`.
    ///
    /// ```
    /// let lock = weft::sync::RwLock::with_max_readers(5, 1024);
    /// # drop(lock);
    /// ```
    #[track_caller]
    pub fn with_max_readers(value: T, max_reads: u32) -> RwLock<T>
    where
        T: Sized,
    {
        assert_ne!(max_reads, 0, "a RwLock may not be created with 0 readers");
        assert!(
            max_reads <= MAX_READS,
            "a RwLock may not be created with more than {MAX_READS} readers"
        );
        RwLock {
            mr: max_reads,
            s: ll::Semaphore::new(max_reads as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// Creates a new instance of an `RwLock<T>` which is unlocked, in a
    /// `const` context.
    ///
    /// ```
    /// use weft::sync::RwLock;
    /// static LOCK: RwLock<i32> = RwLock::const_new(5);
    /// assert_eq!(*LOCK.try_read().unwrap(), 5);
    /// ```
    #[cfg(not(loom))]
    pub const fn const_new(value: T) -> RwLock<T>
    where
        T: Sized,
    {
        RwLock {
            mr: MAX_READS,
            s: ll::Semaphore::const_new(MAX_READS as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// Creates a new unlocked `RwLock<T>` admitting at most `max_reads`
    /// readers, in a `const` context.
    ///
    /// # Panics
    ///
    /// Panics if `max_reads` is `0` or is bigger than `u32::MAX >> 3`.
    ///
    /// ```
    /// use weft::sync::RwLock;
    /// static LOCK: RwLock<i32> = RwLock::const_with_max_readers(5, 1024);
    /// assert_eq!(*LOCK.try_read().unwrap(), 5);
    /// ```
    #[cfg(not(loom))]
    pub const fn const_with_max_readers(value: T, max_reads: u32) -> RwLock<T>
    where
        T: Sized,
    {
        assert!(max_reads != 0, "a RwLock may not be created with 0 readers");
        assert!(max_reads <= MAX_READS);
        RwLock {
            mr: max_reads,
            s: ll::Semaphore::const_new(max_reads as usize),
            c: UnsafeCell::new(value),
        }
    }

    /// Locks this `RwLock` with shared read access, causing the current task
    /// to yield until the lock has been acquired.
    ///
    /// The calling task will yield until there are no writers which hold the
    /// lock, and none waiting ahead of it.
    ///
    /// # Cancel safety
    ///
    /// This method uses a queue to fairly distribute locks in the order they
    /// were requested. Cancelling a call to `read` makes you lose your place in
    /// the queue.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::RwLock;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let lock = Arc::new(RwLock::new(1));
    /// let c_lock = lock.clone();
    ///
    /// let n = lock.read().await;
    /// assert_eq!(*n, 1);
    ///
    /// weft::spawn(async move {
    ///     // While main has an active read lock, we acquire one too.
    ///     let r = c_lock.read().await;
    ///     assert_eq!(*r, 1);
    /// })
    /// .await
    /// .expect("The spawned task has panicked");
    ///
    /// // Drop the guard after the spawned task finishes.
    /// drop(n);
    /// # }
    /// ```
    pub async fn read(&self) -> RwLockReadGuard<'_, T> {
        self.acquire(1).await;
        RwLockReadGuard::new(&self.s, self.data_ptr())
    }

    /// Blockingly locks this `RwLock` with shared read access.
    ///
    /// # Panics
    ///
    /// This function panics if called within an asynchronous execution context.
    ///
    /// ```
    /// let lock = weft::sync::RwLock::new(1);
    /// assert_eq!(*lock.blocking_read(), 1);
    /// ```
    #[track_caller]
    pub fn blocking_read(&self) -> RwLockReadGuard<'_, T> {
        crate::util::blocking::block_on(self.read())
    }

    /// Locks this `RwLock` with shared read access, returning an owned guard
    /// that keeps the lock alive through its `Arc`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::RwLock;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let lock = Arc::new(RwLock::new(1));
    /// let n = lock.clone().read_owned().await;
    /// assert_eq!(*n, 1);
    /// # }
    /// ```
    pub async fn read_owned(self: Arc<Self>) -> OwnedRwLockReadGuard<T> {
        self.acquire(1).await;
        OwnedRwLockReadGuard::new(self)
    }

    /// Attempts to acquire this `RwLock` with shared read access.
    ///
    /// Returns [`TryLockError`] if a writer holds the lock or waits for it.
    ///
    /// ```
    /// use weft::sync::RwLock;
    ///
    /// let lock = RwLock::new(1);
    /// let v = lock.try_read().unwrap();
    /// assert_eq!(*v, 1);
    /// assert!(lock.try_write().is_err());
    /// ```
    pub fn try_read(&self) -> Result<RwLockReadGuard<'_, T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => Ok(RwLockReadGuard::new(&self.s, self.data_ptr())),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Attempts to acquire this `RwLock` with shared read access, as an owned guard.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::RwLock;
    ///
    /// let lock = Arc::new(RwLock::new(1));
    /// let v = lock.clone().try_read_owned().unwrap();
    /// assert_eq!(*v, 1);
    /// ```
    pub fn try_read_owned(self: Arc<Self>) -> Result<OwnedRwLockReadGuard<T>, TryLockError> {
        match self.s.try_acquire(1) {
            Ok(()) => Ok(OwnedRwLockReadGuard::new(self)),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Locks this `RwLock` with exclusive write access, causing the current
    /// task to yield until the lock has been acquired.
    ///
    /// # Cancel safety
    ///
    /// Cancelling a call to `write` makes you lose your place in the queue;
    /// the readers' slots it had gathered go to the next waiter.
    ///
    /// ```
    /// use weft::sync::RwLock;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let lock = RwLock::new(1);
    /// let mut n = lock.write().await;
    /// *n = 2;
    /// # }
    /// ```
    pub async fn write(&self) -> RwLockWriteGuard<'_, T> {
        self.acquire(self.mr).await;
        RwLockWriteGuard::new(self.mr, &self.s, self.data_ptr())
    }

    /// Blockingly locks this `RwLock` with exclusive write access.
    ///
    /// # Panics
    ///
    /// This function panics if called within an asynchronous execution context.
    ///
    /// ```
    /// let lock = weft::sync::RwLock::new(1);
    /// *lock.blocking_write() += 1;
    /// assert_eq!(*lock.blocking_read(), 2);
    /// ```
    #[track_caller]
    pub fn blocking_write(&self) -> RwLockWriteGuard<'_, T> {
        crate::util::blocking::block_on(self.write())
    }

    /// Locks this `RwLock` with exclusive write access, returning an owned guard.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::RwLock;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let lock = Arc::new(RwLock::new(1));
    /// let mut n = lock.clone().write_owned().await;
    /// *n = 2;
    /// # }
    /// ```
    pub async fn write_owned(self: Arc<Self>) -> OwnedRwLockWriteGuard<T> {
        self.acquire(self.mr).await;
        OwnedRwLockWriteGuard::new(self)
    }

    /// Attempts to acquire this `RwLock` with exclusive write access.
    ///
    /// ```
    /// use weft::sync::RwLock;
    ///
    /// let rw = RwLock::new(1);
    /// let v = rw.try_read().unwrap();
    /// assert!(rw.try_write().is_err());
    /// drop(v);
    /// assert!(rw.try_write().is_ok());
    /// ```
    pub fn try_write(&self) -> Result<RwLockWriteGuard<'_, T>, TryLockError> {
        match self.s.try_acquire(self.mr as usize) {
            Ok(()) => Ok(RwLockWriteGuard::new(self.mr, &self.s, self.data_ptr())),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Attempts to acquire this `RwLock` with exclusive write access, as an
    /// owned guard.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use weft::sync::RwLock;
    ///
    /// let rw = Arc::new(RwLock::new(1));
    /// let w = rw.clone().try_write_owned().unwrap();
    /// assert!(rw.try_read().is_err());
    /// # drop(w);
    /// ```
    pub fn try_write_owned(self: Arc<Self>) -> Result<OwnedRwLockWriteGuard<T>, TryLockError> {
        match self.s.try_acquire(self.mr as usize) {
            Ok(()) => Ok(OwnedRwLockWriteGuard::new(self)),
            Err(_) => Err(TryLockError(())),
        }
    }

    /// Returns a mutable reference to the underlying data; the mutable borrow
    /// statically guarantees no locks exist.
    ///
    /// ```
    /// let mut lock = weft::sync::RwLock::new(1);
    /// *lock.get_mut() = 2;
    /// assert_eq!(lock.into_inner(), 2);
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        // SAFETY: `&mut self` excludes every guard.
        unsafe { &mut *self.data_ptr().as_ptr() }
    }

    /// Consumes the lock, returning the underlying data.
    ///
    /// ```
    /// let lock = weft::sync::RwLock::new(1);
    /// assert_eq!(lock.into_inner(), 1);
    /// ```
    pub fn into_inner(self) -> T
    where
        T: Sized,
    {
        self.c.into_inner()
    }

    async fn acquire(&self, n: u32) {
        if self.s.acquire(n as usize).await.is_err() {
            unreachable!("a RwLock's semaphore is never closed");
        }
    }

    fn data_ptr(&self) -> NonNull<T> {
        // SAFETY: a cell's pointer is never null.
        self.c.with_mut(|p| unsafe { NonNull::new_unchecked(p) })
    }
}

impl<T> From<T> for RwLock<T> {
    fn from(s: T) -> Self {
        Self::new(s)
    }
}

impl<T: Default> Default for RwLock<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for RwLock<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("RwLock");
        match self.try_read() {
            Ok(inner) => d.field("data", &&*inner),
            Err(_) => d.field("data", &format_args!("<locked>")),
        };
        d.finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests;

#[cfg(all(test, loom))]
mod loom_tests {
    use super::RwLock;
    use crate::loom::sync::Arc;
    use crate::loom::thread;
    use loom::future::block_on;

    /// A writer updates two fields together while a reader reads; the reader
    /// never sees a half-done write, and the lock ends unlocked.
    #[test]
    fn reader_never_sees_a_torn_write() {
        loom::model(|| {
            let lock = Arc::new(RwLock::with_max_readers((0, 0), 2));
            let writer = {
                let lock = lock.clone();
                thread::spawn(move || {
                    let mut w = block_on(lock.write());
                    w.0 += 1;
                    w.1 += 1;
                })
            };
            let r = block_on(lock.read());
            assert_eq!(r.0, r.1);
            drop(r);
            writer.join().unwrap();
            assert_eq!(*lock.try_write().unwrap(), (1, 1));
        });
    }
}
