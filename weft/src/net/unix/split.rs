//! `UnixStream::split`: borrowed read and write halves.
//!
//! A Unix socket's two directions are independent (separate readiness
//! streams in the driver), so the halves are just shared references.
//!
//! The methods both stream kinds' halves share, and the trait impls, come
//! from `net::stream_api`; the ones below are this socket kind's own.

use crate::net::stream_api::borrowed_halves;
use crate::net::unix::SocketAddr;
use crate::net::UnixStream;
use std::io;

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
    read: ReadHalf,
    write: WriteHalf,
    setup: concat!(
        "let (mut stream, peer) = weft::net::UnixStream::pair()?;\n",
    ),
}

impl ReadHalf<'_> {
    /// Returns the remote address of the stream.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let (read, _) = stream.split();
    /// assert!(read.peer_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// Returns the local address of the stream.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let local = stream.local_addr()?;
    /// let (read, _) = stream.split();
    /// assert_eq!(read.local_addr()?.is_unnamed(), local.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl WriteHalf<'_> {
    /// Returns the remote address of the stream.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let (_, write) = stream.split();
    /// assert!(write.peer_addr()?.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.0.peer_addr()
    }

    /// Returns the local address of the stream.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let local = stream.local_addr()?;
    /// let (_, write) = stream.split();
    /// assert_eq!(write.local_addr()?.is_unnamed(), local.is_unnamed());
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}
