//! `Stdin`: the process's standard input behind the blocking pool.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use crate::io::blocking::Blocking;
use crate::io::{AsyncRead, ReadBuf};

/// A handle to the standard input stream of the process.
///
/// The handle runs each operation on the blocking pool (standard streams
/// cannot be made non-blocking portably), one at a time. Output written
/// through it is handed to the operating system in the order of the
/// calls, but interleaving with output of other handles (or of
/// `println!`) is not coordinated; call `flush` to wait until written
/// bytes have reached the stream.
///
/// Created by [`stdin()`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// // Reading would wait for the user; here only the handle is created.
/// let input = weft::io::stdin();
/// drop(input);
/// # }
/// ```
#[derive(Debug)]
pub struct Stdin {
    std: Blocking<std::io::Stdin>,
}

/// Constructs a new handle to the standard input of the current process.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// // Reading would wait for the user; here only the handle is created.
/// let input = weft::io::stdin();
/// drop(input);
/// # }
/// ```
pub fn stdin() -> Stdin {
    Stdin {
        std: Blocking::new(std::io::stdin()),
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsRawFd for Stdin {
    fn as_raw_fd(&self) -> std::os::unix::io::RawFd {
        std::io::stdin().as_raw_fd()
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsFd for Stdin {
    fn as_fd(&self) -> std::os::unix::io::BorrowedFd<'_> {
        use std::os::unix::io::AsRawFd;
        // SAFETY: the standard streams' descriptors stay open for the
        // whole life of the process, so the borrow cannot outlive them.
        unsafe { std::os::unix::io::BorrowedFd::borrow_raw(self.as_raw_fd()) }
    }
}

impl AsyncRead for Stdin {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.std).poll_read(cx, buf)
    }
}
