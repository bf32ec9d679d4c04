//! `UnixStream::split`: borrowed read and write halves.
//!
//! A Unix socket's two directions are independent (separate readiness
//! streams in the driver), so the halves are just shared references.
//!
//! Their methods and trait impls are the ones both stream kinds' halves
//! share, written in `net::stream_api`.

use crate::net::stream_api::borrowed_halves;
use crate::net::unix::SocketAddr;
use crate::net::UnixStream;

/// Borrowed read half of a [`UnixStream`], created by [`UnixStream::split`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
/// let (read, _write) = stream.split();
/// assert!(read.local_addr()?.is_unnamed());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ReadHalf<'a>(&'a UnixStream);

/// Borrowed write half of a [`UnixStream`], created by [`UnixStream::split`].
///
/// Shutting it down (`AsyncWriteExt::shutdown`) shuts down the stream's
/// write direction.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
/// let (_read, write) = stream.split();
/// write.writable().await?;
/// assert_eq!(write.try_write(b"x")?, 1);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct WriteHalf<'a>(&'a UnixStream);

borrowed_halves! {
    stream: UnixStream,
    addr: SocketAddr,
    read: ReadHalf,
    write: WriteHalf,
    setup: concat!(
        "let (mut stream, peer) = weft::net::UnixStream::pair()?;\n",
    ),
}

impl WriteHalf<'_> {}
