//! `Stderr`: the process's standard error output behind the blocking pool.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::io::blocking::Blocking;
use crate::io::AsyncWrite;

/// A handle to the standard error output stream of the process.
///
/// The handle runs each operation on the blocking pool (standard streams
/// cannot be made non-blocking portably), one at a time. Output written
/// through it is handed to the operating system in the order of the
/// calls, but interleaving with output of other handles (or of
/// `println!`) is not coordinated; call `flush` to wait until written
/// bytes have reached the stream.
///
/// Created by [`stderr()`].
///
/// ```
/// use weft::io::AsyncWriteExt;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut out = weft::io::stderr();
/// out.write_all(b"hello\n").await?;
/// out.flush().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Stderr {
    std: Blocking<std::io::Stderr>,
}

/// Constructs a new handle to the standard error output of the current process.
///
/// ```
/// use weft::io::AsyncWriteExt;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut out = weft::io::stderr();
/// out.write_all(b"hello\n").await?;
/// out.flush().await?;
/// # Ok(())
/// # }
/// ```
pub fn stderr() -> Stderr {
    Stderr {
        std: Blocking::new(std::io::stderr()),
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsRawFd for Stderr {
    fn as_raw_fd(&self) -> std::os::unix::io::RawFd {
        std::io::stderr().as_raw_fd()
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsFd for Stderr {
    fn as_fd(&self) -> std::os::unix::io::BorrowedFd<'_> {
        use std::os::unix::io::AsRawFd;
        // SAFETY: the standard streams' descriptors stay open for the
        // whole life of the process, so the borrow cannot outlive them.
        unsafe { std::os::unix::io::BorrowedFd::borrow_raw(self.as_raw_fd()) }
    }
}

impl AsyncWrite for Stderr {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.std).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.std).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.std).poll_shutdown(cx)
    }
}
