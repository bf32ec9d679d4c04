//! Asynchronous signal handling (Tokio's `tokio::signal`).
//!
//! [`ctrl_c`] waits for Ctrl-C; [`unix::signal`] listens for any Unix signal
//! as a stream of notifications.
//!
//! How a signal reaches a task (details in the private modules):
//!
//! - `registry`: the process-wide state. The handler, installed through
//!   `signal-hook-registry` on first use of a signal, marks the signal as
//!   pending and writes one byte to a self-pipe whose read end every
//!   runtime's I/O driver watches. No thread per signal, no polling.
//! - `delivery`: the per-signal pending flag and broadcast version; the
//!   driver woken by the pipe broadcasts to every listener of every runtime.
//! - `unix`: [`SignalKind`](unix::SignalKind), [`Signal`](unix::Signal),
//!   [`signal`](unix::signal).
//!
//! # Examples
//!
//! ```no_run
//! use weft::signal;
//!
//! #[weft::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     signal::ctrl_c().await?;
//!     println!("ctrl-c received!");
//!     Ok(())
//! }
//! ```
//!
//! Listening for `SIGHUP`, here sent by the program itself:
//!
//! ```
//! use weft::signal::unix::{signal, SignalKind};
//!
//! #[weft::main(flavor = "current_thread")]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let mut hangups = signal(SignalKind::hangup())?;
//!     // SAFETY: sending ourselves a signal we now handle.
//!     unsafe { libc::kill(libc::getpid(), libc::SIGHUP) };
//!     hangups.recv().await;
//!     println!("got SIGHUP");
//!     Ok(())
//! }
//! ```

mod ctrl_c;
mod delivery;
pub(crate) mod registry;
#[cfg(unix)]
pub mod unix;

pub use ctrl_c::ctrl_c;
