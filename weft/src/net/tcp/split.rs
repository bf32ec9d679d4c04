//! `TcpStream::split`: borrowed read and write halves.
//!
//! A TCP socket's two directions are independent (separate readiness
//! streams in the driver), so the halves are just shared references.
//!
//! The methods both stream kinds' halves share, and the trait impls, come
//! from `net::stream_api`; the ones below are this socket kind's own.

use crate::io::ReadBuf;
use crate::net::stream_api::borrowed_halves;
use crate::net::TcpStream;
use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};

/// Borrowed read half of a [`TcpStream`], created by [`TcpStream::split`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
/// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
/// let (read, _write) = stream.split();
/// assert!(read.local_addr()?.ip().is_loopback());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ReadHalf<'a>(&'a TcpStream);

/// Borrowed write half of a [`TcpStream`], created by [`TcpStream::split`].
///
/// Shutting it down (`AsyncWriteExt::shutdown`) shuts down the stream's
/// write direction.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
/// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
/// let (_read, write) = stream.split();
/// write.writable().await?;
/// assert_eq!(write.try_write(b"x")?, 1);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct WriteHalf<'a>(&'a TcpStream);

borrowed_halves! {
    stream: TcpStream,
    addr: SocketAddr,
    read: ReadHalf,
    write: WriteHalf,
    setup: concat!(
        "let listener = weft::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n",
        "let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;\n",
        "let (peer, _) = listener.accept().await?;\n",
    ),
}

impl ReadHalf<'_> {
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
    /// let (mut server, _) = listener.accept().await?;
    /// client.try_write(b"hi")?;
    /// let (mut read, _) = server.split();
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
        self.0.poll_peek(cx, buf)
    }

    /// Receives data without removing it from the queue. See [`TcpStream::peek`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// client.try_write(b"a")?;
    /// let (mut read, _) = server.split();
    /// let mut buf = [0; 1];
    /// assert_eq!(read.peek(&mut buf).await?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn peek(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.peek(buf).await
    }
}
