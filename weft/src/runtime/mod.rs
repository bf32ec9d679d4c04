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
#[cfg(any(feature = "net", feature = "process"))]
pub(crate) mod io;
mod local_runtime;
pub(crate) mod metrics;
pub(crate) mod park;
#[allow(clippy::module_inception)]
mod runtime;
pub(crate) mod scheduler;
mod shutdown_error;
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
