//! `TcpStream::into_split`: owned read and write halves.
//!
//! Both halves hold the stream in an `Arc`. Dropping the write half shuts
//! down the write direction (the peer reads EOF) unless it was `forget`-ed;
//! `reunite` puts the halves of one stream back together.
//!
//! The methods both stream kinds' halves share, `reunite`, `forget` and the
//! trait impls come from `net::stream_api`; the ones below are this
//! socket kind's own.

use crate::io::ReadBuf;
use crate::loom::sync::Arc;
use crate::net::stream_api::owned_halves;
use crate::net::TcpStream;
use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};

/// Owned read half of a [`TcpStream`], created by [`TcpStream::into_split`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
/// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
/// let (read, write) = stream.into_split();
/// let reader = weft::spawn(async move { read.peer_addr() });
/// assert_eq!(reader.await.unwrap()?, write.peer_addr()?);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct OwnedReadHalf {
    inner: Arc<TcpStream>,
}

/// Owned write half of a [`TcpStream`], created by [`TcpStream::into_split`].
/// Dropping it shuts down the write direction of the stream.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
/// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
/// let (_read, write) = stream.into_split();
/// write.writable().await?;
/// assert_eq!(write.try_write(b"hi")?, 2);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct OwnedWriteHalf {
    inner: Arc<TcpStream>,
    shutdown_on_drop: bool,
}

/// Error indicating that two halves were not from the same socket, and thus
/// could not be reunited.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
/// let a = weft::net::TcpStream::connect(listener.local_addr()?).await?;
/// let b = weft::net::TcpStream::connect(listener.local_addr()?).await?;
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
    stream: TcpStream,
    addr: SocketAddr,
    read: OwnedReadHalf,
    write: OwnedWriteHalf,
    error: ReuniteError,
    setup: concat!(
        "let listener = weft::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n",
        "let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;\n",
        "let (peer, _) = listener.accept().await?;\n",
    ),
}

impl OwnedReadHalf {
    /// Polls to receive data without removing it from the queue. See
    /// [`TcpStream::poll_peek`].
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use weft::io::ReadBuf;
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// client.try_write(b"hi")?;
    /// let (mut read, _write) = server.into_split();
    /// let mut storage = [0; 4];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// let n = poll_fn(|cx| read.poll_peek(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), &b"hi"[..n]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_peek(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        self.inner.poll_peek(cx, buf)
    }

    /// Receives data without removing it from the queue. See [`TcpStream::peek`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// client.try_write(b"z")?;
    /// let (mut read, _write) = server.into_split();
    /// let mut buf = [0; 1];
    /// assert_eq!(read.peek(&mut buf).await?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn peek(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.peek(buf).await
    }
}
