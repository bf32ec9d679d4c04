//! Traits, helpers, and type definitions for asynchronous I/O functionality.
//!
//! This module is the asynchronous version of `std::io`. Primarily, it
//! defines two traits, [`AsyncRead`] and [`AsyncWrite`], which are
//! asynchronous versions of the [`Read`] and [`Write`] traits in the standard
//! library.
//!
//! # `AsyncRead` and `AsyncWrite`
//!
//! Like the standard library's [`Read`] and [`Write`] traits, [`AsyncRead`]
//! and [`AsyncWrite`] provide the most general interface for reading and
//! writing input and output. Unlike the standard library's traits, however,
//! they are _asynchronous_ — meaning that reading from or writing to an I/O
//! type will _yield_ to the weft scheduler when I/O is not ready, rather
//! than blocking. This allows other tasks to run while waiting on I/O.
//!
//! Rather than calling `poll_read` and `poll_write` directly, most code uses
//! the extension traits [`AsyncReadExt`] and [`AsyncWriteExt`] (feature
//! `io-util`), whose methods return futures:
//!
//! ```
//! use weft::io::{self, AsyncReadExt, AsyncWriteExt};
//!
//! # #[weft::main(flavor = "current_thread")]
//! # async fn main() -> io::Result<()> {
//! let (mut client, mut server) = io::duplex(64);
//! client.write_all(b"hello").await?;
//! let mut buf = [0; 5];
//! server.read_exact(&mut buf).await?;
//! assert_eq!(&buf, b"hello");
//! # Ok(())
//! # }
//! ```
//!
//! # Buffered readers and writers
//!
//! [`BufReader`] and [`BufWriter`] add buffering to any reader or writer;
//! [`AsyncBufRead`] (with [`AsyncBufReadExt`]) offers line and delimiter
//! reading on top of a buffer.
//!
//! # Implementation notes
//!
//! - [`ReadBuf`] is the only place where uninitialised memory is handled;
//!   its invariants are written at the top of `read_buf.rs`.
//! - The in-memory streams ([`duplex`], [`simplex`], [`empty`], [`sink`],
//!   [`repeat`]) and [`copy`] consume cooperative budget like every weft
//!   resource.
//!
//! [`Read`]: std::io::Read
//! [`Write`]: std::io::Write

mod async_buf_read;
mod async_read;
mod async_seek;
mod async_write;
mod interest;
mod read_buf;
mod ready;

pub use self::async_buf_read::AsyncBufRead;
pub use self::async_read::AsyncRead;
pub use self::async_seek::AsyncSeek;
pub use self::async_write::AsyncWrite;
pub use self::interest::Interest;
pub use self::read_buf::ReadBuf;
pub use self::ready::Ready;

// Re-exported so that programs can name the error types through `weft::io`.
pub use std::io::{Error, ErrorKind, Result, SeekFrom};

// io-util: extension traits, adapters and utilities.
#[cfg(feature = "io-util")]
mod join;
#[cfg(feature = "io-util")]
mod split;
#[cfg(feature = "io-util")]
mod util;
#[cfg(feature = "io-util")]
pub use self::join::{join, Join};
#[cfg(feature = "io-util")]
pub use self::split::{split, ReadHalf, WriteHalf};
#[cfg(feature = "io-util")]
pub use self::util::{
    copy, copy_bidirectional, copy_bidirectional_with_sizes, copy_buf, duplex, empty, repeat,
    simplex, sink, AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt, BufReader,
    BufStream, BufWriter, Chain, DuplexStream, Empty, Lines, Repeat, SimplexStream, Sink, Split,
    Take,
};

// I/O driver, AsyncFd and stdio (added by the io-net work) go below.
#[cfg(all(unix, feature = "net"))]
mod async_fd;

/// Unix-specific I/O: [`AsyncFd`](unix::AsyncFd), readiness for any file descriptor.
#[cfg(all(unix, feature = "net"))]
pub mod unix {
    pub use super::async_fd::{
        AsyncFd, AsyncFdReadyGuard, AsyncFdReadyMutGuard, AsyncFdRegisterError, TryIoError,
    };

    /// Former name of [`AsyncFdRegisterError`].
    #[doc(hidden)]
    #[deprecated(note = "use `AsyncFdRegisterError` instead")]
    pub type AsyncFdTryNewError<T> = AsyncFdRegisterError<T>;
}

// io-std: standard streams, and the blocking-pool adapter they share with fs::File.
#[cfg(any(feature = "io-std", feature = "fs"))]
pub(crate) mod blocking;
#[cfg(feature = "io-std")]
mod stderr;
#[cfg(feature = "io-std")]
mod stdin;
#[cfg(feature = "io-std")]
mod stdout;
#[cfg(feature = "io-std")]
pub use self::stderr::{stderr, Stderr};
#[cfg(feature = "io-std")]
pub use self::stdin::{stdin, Stdin};
#[cfg(feature = "io-std")]
pub use self::stdout::{stdout, Stdout};
