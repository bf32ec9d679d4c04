//! `TcpStream::split`: borrowed read and write halves.
//!
//! A TCP socket's two directions are independent (separate readiness
//! streams in the driver), so the halves are just shared references.

use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use crate::net::TcpStream;
#[cfg(feature = "io-util")]
use bytes::BufMut;
use std::io;
use std::net::{Shutdown, SocketAddr};
use std::pin::Pin;
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

pub(crate) fn split(stream: &mut TcpStream) -> (ReadHalf<'_>, WriteHalf<'_>) {
    (ReadHalf(stream), WriteHalf(stream))
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

    /// Waits for any of the requested ready states. See [`TcpStream::ready`].
    ///
    /// ```
    /// use weft::io::Interest;
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _) = stream.split();
    /// assert!(read.ready(Interest::WRITABLE).await?.is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.0.ready(interest).await
    }

    /// Waits for the socket to become readable. See [`TcpStream::readable`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (mut server, _) = listener.accept().await?;
    /// client.try_write(b"a")?;
    /// let (read, _) = server.split();
    /// read.readable().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.0.readable().await
    }

    /// Tries to read without waiting. See [`TcpStream::try_read`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _) = stream.split();
    /// assert!(read.try_read(&mut [0; 4]).is_err()); // nothing sent yet
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.try_read(buf)
    }

    /// Tries to read into several buffers. See [`TcpStream::try_read_vectored`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _) = stream.split();
    /// let mut a = [0; 4];
    /// assert!(read.try_read_vectored(&mut [std::io::IoSliceMut::new(&mut a)]).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        self.0.try_read_vectored(bufs)
    }

    /// Tries to read into `buf`'s spare capacity without waiting. See
    /// [`TcpStream::try_read_buf`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _) = stream.split();
    /// let mut buf = Vec::with_capacity(8);
    /// assert!(read.try_read_buf(&mut buf).is_err()); // nothing sent yet
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "io-util")]
    pub fn try_read_buf<B: BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        self.0.try_read_buf(buf)
    }

    /// Returns the remote address of the stream.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, _) = stream.split();
    /// assert_eq!(read.peer_addr()?, listener.local_addr()?);
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
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let local = stream.local_addr()?;
    /// let (read, _) = stream.split();
    /// assert_eq!(read.local_addr()?, local);
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl WriteHalf<'_> {
    /// Waits for any of the requested ready states. See [`TcpStream::ready`].
    ///
    /// ```
    /// use weft::io::Interest;
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, write) = stream.split();
    /// assert!(write.ready(Interest::WRITABLE).await?.is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.0.ready(interest).await
    }

    /// Waits for the socket to become writable. See [`TcpStream::writable`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, write) = stream.split();
    /// write.writable().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.0.writable().await
    }

    /// Tries to write without waiting. See [`TcpStream::try_write`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, write) = stream.split();
    /// write.writable().await?;
    /// assert_eq!(write.try_write(b"abc")?, 3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.0.try_write(buf)
    }

    /// Tries to write from several buffers. See [`TcpStream::try_write_vectored`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, write) = stream.split();
    /// write.writable().await?;
    /// assert_eq!(write.try_write_vectored(&[std::io::IoSlice::new(b"ab")])?, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write_vectored(&self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.0.try_write_vectored(bufs)
    }

    /// Returns the remote address of the stream.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (_, write) = stream.split();
    /// assert_eq!(write.peer_addr()?, listener.local_addr()?);
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
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let local = stream.local_addr()?;
    /// let (_, write) = stream.split();
    /// assert_eq!(write.local_addr()?, local);
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.0.local_addr()
    }
}

impl AsyncRead for ReadHalf<'_> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.0.poll_read_priv(cx, buf)
    }
}

impl AsyncWrite for WriteHalf<'_> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.0.poll_write_priv(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.0.poll_write_vectored_priv(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    /// Shuts down the write direction of the whole stream.
    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.0.shutdown_std(Shutdown::Write))
    }
}

impl AsRef<TcpStream> for ReadHalf<'_> {
    fn as_ref(&self) -> &TcpStream {
        self.0
    }
}

impl AsRef<TcpStream> for WriteHalf<'_> {
    fn as_ref(&self) -> &TcpStream {
        self.0
    }
}
