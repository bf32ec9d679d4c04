//! Synchronization primitives for use in asynchronous contexts: channels
//! (`oneshot`, `mpsc`, `broadcast`, `watch`) and locks (`Mutex`, `RwLock`,
//! `Semaphore`, `Notify`, `Barrier`, `OnceCell`, `SetOnce`).
//!
//! Every primitive consumes cooperative budget (see [`crate::task::coop`]) and
//! is cancel safe as Tokio documents it.

// Locks, semaphores and mpsc (sync-lock).
pub(crate) mod batch_semaphore;
mod semaphore;
pub use batch_semaphore::{AcquireError, TryAcquireError};
pub use semaphore::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};
mod mutex;
pub use mutex::{
    MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard, TryLockError,
};
pub mod mpsc;
mod rwlock;
pub use rwlock::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard,
};
