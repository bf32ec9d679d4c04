//! Synchronization primitives for use in asynchronous contexts: channels
//! (`oneshot`, `mpsc`, `broadcast`, `watch`) and locks (`Mutex`, `RwLock`,
//! `Semaphore`, `Notify`, `Barrier`, `OnceCell`, `SetOnce`).
//!
//! Every primitive consumes cooperative budget (see [`crate::task::coop`]) and
//! is cancel safe as Tokio documents it.

// ---- channels and signals (sync-chan) ----
pub mod broadcast;
pub mod oneshot;
pub mod watch;

mod barrier;
mod notify;
mod once_cell;
mod set_once;

pub use barrier::{Barrier, BarrierWaitResult};
pub use notify::Notify;
pub use once_cell::{OnceCell, SetError};
pub use set_once::{SetOnce, SetOnceError};

pub mod futures {
    //! Named future types returned by the `sync` primitives.
    pub use super::notify::{Notified, OwnedNotified};
}
// ---- end sync-chan ----
