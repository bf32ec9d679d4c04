//! The runtime: scheduler, drivers, blocking pool, and the context that ties
//! them to threads.

pub(crate) mod context;
pub(crate) mod driver;
pub(crate) mod park;
pub(crate) mod scheduler;
#[cfg(feature = "time")]
pub(crate) mod time;

mod error;
pub use error::TryCurrentError;
pub(crate) use error::TryCurrentErrorKind;
