//! `UnixStream::into_split`: owned read and write halves.
//!
//! Both halves hold the stream in an `Arc`. Dropping the write half shuts
//! down the write direction (the peer reads EOF) unless it was `forget`-ed;
//! `reunite` puts the halves of one stream back together.
//!
//! Their methods (`reunite` and `forget` too) and trait impls are the ones
//! both stream kinds' halves share, written in `net::stream_api`.

use crate::loom::sync::Arc;
use crate::net::stream_api::owned_halves;
use crate::net::unix::SocketAddr;
use crate::net::UnixStream;

/// Owned read half of a [`UnixStream`], created by [`UnixStream::into_split`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (stream, _peer) = weft::net::UnixStream::pair()?;
/// let (read, write) = stream.into_split();
/// let reader = weft::spawn(async move { read.peer_addr() });
/// assert!(reader.await.unwrap()?.is_unnamed());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct OwnedReadHalf {
    inner: Arc<UnixStream>,
}

/// Owned write half of a [`UnixStream`], created by [`UnixStream::into_split`].
/// Dropping it shuts down the write direction of the stream.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (stream, _peer) = weft::net::UnixStream::pair()?;
/// let (_read, write) = stream.into_split();
/// write.writable().await?;
/// assert_eq!(write.try_write(b"hi")?, 2);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct OwnedWriteHalf {
    inner: Arc<UnixStream>,
    shutdown_on_drop: bool,
}

/// Error indicating that two halves were not from the same socket, and thus
/// could not be reunited.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (a, _a2) = weft::net::UnixStream::pair()?;
/// let (b, _b2) = weft::net::UnixStream::pair()?;
/// let (a_read, _a_write) = a.into_split();
/// let (_b_read, b_write) = b.into_split();
/// let err = a_read.reunite(b_write).unwrap_err();
/// assert_eq!(err.to_string(), "tried to reunite halves that are not from the same socket");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

owned_halves! {
    stream: UnixStream,
    addr: SocketAddr,
    read: OwnedReadHalf,
    write: OwnedWriteHalf,
    error: ReuniteError,
    setup: concat!(
        "let (stream, peer) = weft::net::UnixStream::pair()?;\n",
    ),
}

impl OwnedWriteHalf {}
