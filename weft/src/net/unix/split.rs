//! `UnixStream::split`: borrowed read and write halves.
//!
//! A Unix socket's two directions are independent (separate readiness
//! streams in the driver), so the halves are just shared references.

use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use crate::net::unix::SocketAddr;
use crate::net::UnixStream;
#[cfg(feature = "io-util")]
use bytes::BufMut;
use std::io;
use std::net::Shutdown;
use std::pin::Pin;
use std::task::{Context, Poll};

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

pub(crate) fn split(stream: &mut UnixStream) -> (ReadHalf<'_>, WriteHalf<'_>) {
    (ReadHalf(stream), WriteHalf(stream))
}

impl ReadHalf<'_> {
    /// Waits for any of the requested ready states. See [`UnixStream::ready`].
    ///
    /// ```
    /// use weft::io::Interest;
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let (read, _) = stream.split();
    /// assert!(read.ready(Interest::WRITABLE).await?.is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.0.ready(interest).await
    }

    /// Waits for the socket to become readable. See [`UnixStream::readable`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (client, mut server) = weft::net::UnixStream::pair()?;
    /// client.try_write(b"a")?;
    /// let (read, _) = server.split();
    /// read.readable().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.0.readable().await
    }

    /// Tries to read without waiting. See [`UnixStream::try_read`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let (read, _) = stream.split();
    /// assert!(read.try_read(&mut [0; 4]).is_err()); // nothing sent yet
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.try_read(buf)
    }

    /// Tries to read into several buffers. See [`UnixStream::try_read_vectored`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
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
    /// [`UnixStream::try_read_buf`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
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
    /// Waits for any of the requested ready states. See [`UnixStream::ready`].
    ///
    /// ```
    /// use weft::io::Interest;
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let (_, write) = stream.split();
    /// assert!(write.ready(Interest::WRITABLE).await?.is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.0.ready(interest).await
    }

    /// Waits for the socket to become writable. See [`UnixStream::writable`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let (_, write) = stream.split();
    /// write.writable().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.0.writable().await
    }

    /// Tries to write without waiting. See [`UnixStream::try_write`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
    /// let (_, write) = stream.split();
    /// write.writable().await?;
    /// assert_eq!(write.try_write(b"abc")?, 3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.0.try_write(buf)
    }

    /// Tries to write from several buffers. See [`UnixStream::try_write_vectored`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (mut stream, _peer) = weft::net::UnixStream::pair()?;
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

impl AsRef<UnixStream> for ReadHalf<'_> {
    fn as_ref(&self) -> &UnixStream {
        self.0
    }
}

impl AsRef<UnixStream> for WriteHalf<'_> {
    fn as_ref(&self) -> &UnixStream {
        self.0
    }
}
