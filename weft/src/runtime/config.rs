//! Scheduler settings taken from the `Builder`.

use crate::runtime::blocking::pool::Callback;

pub(crate) struct Config {
    /// Ticks between checks of the global (inject) queue ahead of the local one.
    pub(crate) global_queue_interval: u32,
    /// Multi-thread only: the interval was not set by the user, so workers
    /// tune it to the measured poll time (see `multi_thread/tuning.rs`).
    pub(crate) tune_global_queue_interval: bool,
    /// Ticks between polls of the driver (I/O and timers) while tasks are ready.
    pub(crate) event_interval: u32,
    /// Called before a scheduler thread parks (`on_thread_park`).
    pub(crate) before_park: Option<Callback>,
    /// Called after a scheduler thread unparks (`on_thread_unpark`).
    pub(crate) after_unpark: Option<Callback>,
    /// Multi-thread only: run woken tasks in FIFO order, never from the LIFO slot.
    #[allow(dead_code)]
    pub(crate) disable_lifo_slot: bool,
    /// The runtime's name (`Builder::name`).
    pub(crate) name: Option<String>,
    /// A `LocalRuntime`'s thread (where it was built): `spawn_local` under
    /// its handle elsewhere panics with Tokio's message.
    pub(crate) local_runtime_thread: Option<std::thread::ThreadId>,
}
