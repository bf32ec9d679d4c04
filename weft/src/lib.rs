//! weft: an asynchronous runtime for Rust with Tokio's API.
//!
//! weft runs futures on a work-stealing multi-thread scheduler or on the
//! current thread, with a timer, an I/O driver and a blocking pool, behind the
//! module paths, names and semantics of `tokio` 1.x: a Tokio program runs on
//! weft by changing one line of its Cargo.toml
//! (`tokio = { package = "weft", version = "0.1", features = ["full"] }`).
#![deny(unsafe_op_in_unsafe_fn, clippy::undocumented_unsafe_blocks)]
// With only some features on, internals serving the others go unused; the
// full build (CI lints `full` and `--all-features` with -D warnings) keeps
// dead code out.
#![cfg_attr(not(feature = "full"), allow(dead_code, unused_imports))]
#![warn(missing_docs, missing_debug_implementations, rust_2018_idioms)]

// Lets `::weft` paths resolve inside weft itself, as `#[weft::test]` emits
// them, so the entry macros work in weft's own unit tests (the only users,
// hence the allow).
#[allow(unused_extern_crates)]
extern crate self as weft;

#[macro_use]
#[doc(hidden)]
pub mod macros;
#[cfg(feature = "macros")]
#[doc(inline)]
pub use macros::{main, test};

#[cfg(feature = "fs")]
pub mod fs;
pub mod io;
pub(crate) mod loom;
#[cfg(feature = "net")]
pub mod net;
#[cfg(feature = "process")]
pub mod process;
pub mod runtime;
#[cfg(feature = "signal")]
pub mod signal;
pub mod task;

pub use task::spawn;
#[cfg(feature = "sync")]
pub mod sync;
#[cfg(feature = "time")]
pub mod time;
pub(crate) mod util;
