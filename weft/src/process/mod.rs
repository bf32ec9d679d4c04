//! Asynchronous child processes, with Tokio's `tokio::process` API.
//!
//! [`Command`] mirrors `std::process::Command`; [`Command::spawn`] returns a
//! [`Child`] whose exit is awaited with [`Child::wait`] and whose piped
//! stdio ([`ChildStdin`], [`ChildStdout`], [`ChildStderr`]) implements
//! `AsyncWrite`/`AsyncRead` on non-blocking pipes registered with the
//! runtime's I/O driver.
//!
//! ```
//! use std::process::Stdio;
//! use weft::io::{AsyncReadExt, AsyncWriteExt};
//! use weft::process::Command;
//!
//! # #[weft::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let mut child = Command::new("cat")
//!     .stdin(Stdio::piped())
//!     .stdout(Stdio::piped())
//!     .spawn()?;
//! let mut stdin = child.stdin.take().unwrap();
//! stdin.write_all(b"round trip").await?;
//! drop(stdin); // end of input: `cat` exits
//!
//! let mut echoed = String::new();
//! child.stdout.take().unwrap().read_to_string(&mut echoed).await?;
//! assert_eq!(echoed, "round trip");
//! assert!(child.wait().await?.success());
//! # Ok(())
//! # }
//! ```
//!
//! # How children are reaped
//!
//! Each child gets a pidfd (`pidfd_open(2)`) registered with the I/O
//! driver; it becomes readable when the child exits, which wakes the task in
//! [`Child::wait`], which then reaps the child with `waitpid(WNOHANG)`. No
//! thread is spent per child, and no `SIGCHLD` handler is needed on Linux
//! 5.3 and later. A [`Child`] dropped before its process exited (killed
//! first if [`Command::kill_on_drop`] was set) joins an orphan queue that
//! the runtime reaps when the child exits, so no zombie is left behind.
//!
//! # Caveats (as in Tokio)
//!
//! - A child spawned with `stdout(Stdio::piped())` whose output is never
//!   read can block on a full pipe and never exit: read its output
//!   concurrently with waiting (as [`Child::wait_with_output`] does).
//! - Spawning needs a runtime with I/O enabled; outside one, `spawn` panics.

mod child;
mod command;
pub(crate) mod orphan;
mod reaper;
mod sigchld;
mod stdio;

pub use child::Child;
pub use command::Command;
pub use stdio::{ChildStderr, ChildStdin, ChildStdout};

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn assert_send_sync_unpin<T: Send + Sync + Unpin>() {}

    #[test]
    fn public_types_are_send_sync_unpin() {
        assert_send_sync_unpin::<Command>();
        assert_send_sync_unpin::<Child>();
        assert_send_sync_unpin::<ChildStdin>();
        assert_send_sync_unpin::<ChildStdout>();
        assert_send_sync_unpin::<ChildStderr>();
    }
}
