//! Synchronization primitives for use in asynchronous contexts: channels
//! (`oneshot`, `mpsc`, `broadcast`, `watch`) and locks (`Mutex`, `RwLock`,
//! `Semaphore`, `Notify`, `Barrier`, `OnceCell`, `SetOnce`).
//!
//! Every primitive consumes cooperative budget (see [`crate::task::coop`]) and
//! is cancel safe as Tokio documents it.

pub mod broadcast;
pub mod mpsc;
pub mod oneshot;
pub mod watch;

mod barrier;
pub(crate) mod batch_semaphore;
mod mutex;
mod notify;
mod once_cell;
mod rwlock;
mod semaphore;
mod set_once;

pub use barrier::{Barrier, BarrierWaitResult};
pub use batch_semaphore::{AcquireError, TryAcquireError};
pub use mutex::{
    MappedMutexGuard, Mutex, MutexGuard, OwnedMappedMutexGuard, OwnedMutexGuard, TryLockError,
};
pub use notify::Notify;
pub use once_cell::{OnceCell, SetError};
pub use rwlock::{
    OwnedRwLockMappedWriteGuard, OwnedRwLockReadGuard, OwnedRwLockWriteGuard, RwLock,
    RwLockMappedWriteGuard, RwLockReadGuard, RwLockWriteGuard,
};
pub use semaphore::{OwnedSemaphorePermit, Semaphore, SemaphorePermit};
pub use set_once::{SetOnce, SetOnceError};

pub mod futures {
    //! Named future types returned by the `sync` primitives.
    pub use super::notify::{Notified, OwnedNotified};
}
