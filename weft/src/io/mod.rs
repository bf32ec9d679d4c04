//! Asynchronous I/O: readiness types and, with `net` on Unix, `unix::AsyncFd`.
//!
//! (Minimal module from the io-net branch: `Ready`, `Interest` and
//! `unix::AsyncFd`. The io-util branch brings the traits and utilities; the
//! two are unified at merge.)

mod interest;
mod ready;

pub use interest::Interest;
pub use ready::Ready;

//#[cfg(all(unix, feature = "net"))]
//mod async_fd;

//// Unix-specific I/O: [`AsyncFd`](unix::AsyncFd), readiness for any file descriptor.
//#[cfg(all(unix, feature = "net"))]
//pub mod unix {
//    pub use super::async_fd::{AsyncFd, AsyncFdReadyGuard, AsyncFdReadyMutGuard, TryIoError};
//}
