//! The weft runtime: a task scheduler, an I/O driver, a timer and a
//! blocking pool.
//!
//! Most programs start one with `#[weft::main]`; [`Builder`] configures one
//! by hand.
//!
//! ```
//! use weft::runtime::Builder;
//!
//! let rt = Builder::new_current_thread().enable_all().build().unwrap();
//! rt.block_on(async {
//!     let handle = weft::spawn(async { "work" });
//!     assert_eq!(handle.await.unwrap(), "work");
//! });
//! ```

pub(crate) mod blocking;
mod builder;
pub(crate) mod config;
pub(crate) mod context;
pub(crate) mod driver;
mod error;
mod handle;
// The I/O driver serves sockets (`net`), child pipes and pidfds (`process`)
// and the signal self-pipe (`signal`).
#[cfg(any(feature = "net", feature = "process", feature = "signal"))]
pub(crate) mod io;
mod local_runtime;
pub(crate) mod metrics;
pub(crate) mod park;
#[allow(clippy::module_inception)]
mod runtime;
pub(crate) mod scheduler;
pub(crate) mod shutdown_error;
#[cfg(feature = "time")]
pub(crate) mod time;

pub use builder::Builder;
pub use error::TryCurrentError;
pub(crate) use error::TryCurrentErrorKind;
pub use handle::{EnterGuard, Handle, Id};
pub use local_runtime::{LocalOptions, LocalRuntime};
pub use metrics::RuntimeMetrics;
pub use runtime::{Runtime, RuntimeFlavor};
pub use shutdown_error::is_rt_shutdown_err;

/// Returns the index of the worker thread this is called on, `None` when the
/// thread is not one of a runtime's workers.
///
/// Indexes are those of [`RuntimeMetrics`]' per-worker methods (`0` to
/// `num_workers() - 1`). A current-thread runtime's one worker is the thread
/// in `block_on` that drives the scheduler (`Some(0)`); other threads blocked
/// on it, blocking-pool threads, and the thread in a multi-thread runtime's
/// `block_on` are not workers. A task may move to another worker at an
/// `.await`, so the index can change between two calls.
///
/// ```
/// use weft::runtime::{self, Builder};
///
/// assert_eq!(runtime::worker_index(), None);
/// let rt = Builder::new_multi_thread().worker_threads(2).build().unwrap();
/// let index = rt.block_on(async { weft::spawn(async { runtime::worker_index() }).await.unwrap() });
/// assert!(matches!(index, Some(0 | 1)));
/// let ct = Builder::new_current_thread().build().unwrap();
/// assert_eq!(ct.block_on(async { runtime::worker_index() }), Some(0));
/// ```
pub fn worker_index() -> Option<usize> {
    context::with_scheduler(|cx| match cx? {
        scheduler::Context::CurrentThread(_) => Some(0),
        scheduler::Context::MultiThread(cx) => Some(cx.worker_index()),
    })
}
