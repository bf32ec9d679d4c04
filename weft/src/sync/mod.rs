//! Synchronization primitives for use in asynchronous contexts: channels
//! (`oneshot`, `mpsc`, `broadcast`, `watch`) and locks (`Mutex`, `RwLock`,
//! `Semaphore`, `Notify`, `Barrier`, `OnceCell`, `SetOnce`).
//!
//! Every primitive consumes cooperative budget (see [`crate::task::coop`]) and
//! is cancel safe as Tokio documents it.

// ---- channels and signals (sync-chan) ----
mod notify;
pub mod oneshot;
pub use notify::Notify;
pub mod broadcast;
pub mod watch;
pub mod futures {
    //! Named future types returned by the `sync` primitives.
    pub use super::notify::{Notified, OwnedNotified};
}
