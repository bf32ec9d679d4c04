//! `TcpStream`: a connected TCP socket.

use crate::io::{AsyncRead, AsyncWrite, Interest, ReadBuf, Ready};
use crate::net::addr::{self, ToSocketAddrs};
use crate::net::stream_io::StreamIo;
use crate::net::tcp::split::{self, ReadHalf, WriteHalf};
use crate::net::tcp::split_owned::{self, OwnedReadHalf, OwnedWriteHalf};
#[cfg(feature = "io-util")]
use bytes::BufMut;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, RawFd};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

/// A TCP stream between a local and a remote socket.
///
/// Created by [`connect`](TcpStream::connect) or by accepting on a
/// [`TcpListener`](crate::net::TcpListener). Reading and writing go through
/// `AsyncRead`/`AsyncWrite`, or the `try_*` methods after waiting for
/// [`readable`](TcpStream::readable)/[`writable`](TcpStream::writable).
///
/// ```
/// use weft::net::{TcpListener, TcpStream};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let listener = TcpListener::bind("127.0.0.1:0").await?;
/// let client = TcpStream::connect(listener.local_addr()?).await?;
/// let (server, _) = listener.accept().await?;
///
/// client.writable().await?;
/// assert_eq!(client.try_write(b"hi")?, 2);
/// let mut buf = [0; 2];
/// loop {
///     server.readable().await?;
///     match server.try_read(&mut buf) {
///         Ok(n) => { assert_eq!(&buf[..n], b"hi"); break; }
///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
///         Err(e) => return Err(e),
///     }
/// }
/// # Ok(())
/// # }
/// ```
pub struct TcpStream {
    pub(super) io: StreamIo<mio::net::TcpStream>,
}

impl TcpStream {
    /// Opens a TCP connection to a remote host. If `addr` yields several
    /// addresses, each is tried in order until one connects; the last error
    /// is returned if none does (e.g. `ConnectionRefused`).
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on a runtime without I/O enabled.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        let addrs = addr::to_socket_addrs(addr).await?;
        let mut last_err = None;
        for addr in addrs {
            match TcpStream::connect_addr(addr).await {
                Ok(stream) => return Ok(stream),
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "could not resolve to any address",
            )
        }))
    }

    async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
        let sys = mio::net::TcpStream::connect(addr)?;
        TcpStream::connect_mio(sys).await
    }

    /// Waits for a non-blocking `connect` to finish: the socket turns
    /// writable when it has, and `SO_ERROR` says whether it failed.
    pub(crate) async fn connect_mio(sys: mio::net::TcpStream) -> io::Result<TcpStream> {
        let io = StreamIo::connect(sys).await?;
        Ok(TcpStream { io })
    }

    /// See `StreamIo::new_accepted`.
    #[track_caller]
    pub(crate) fn new_accepted(connected: mio::net::TcpStream) -> io::Result<TcpStream> {
        let io = StreamIo::new_accepted(connected)?;
        Ok(TcpStream { io })
    }

    /// Wraps a connected `std` stream. The caller is responsible for putting
    /// it in non-blocking mode first.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on a runtime without I/O enabled.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    /// let std_stream = std::net::TcpStream::connect(listener.local_addr()?)?;
    /// std_stream.set_nonblocking(true)?;
    /// let stream = weft::net::TcpStream::from_std(std_stream)?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_std(stream: std::net::TcpStream) -> io::Result<TcpStream> {
        let io = StreamIo::new(mio::net::TcpStream::from_std(stream))?;
        Ok(TcpStream { io })
    }

    /// Turns the stream back into a `std` one, still in non-blocking mode.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let std_stream = stream.into_std()?;
    /// std_stream.set_nonblocking(false)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<std::net::TcpStream> {
        let mio = self.io.into_inner()?;
        // SAFETY: the fd comes from `into_raw_fd`, so ownership moves to the
        // std stream exactly once.
        Ok(unsafe { std::net::TcpStream::from_raw_fd(mio.into_raw_fd()) })
    }

    /// Returns the local address that this stream is bound to.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert!(stream.local_addr()?.ip().is_loopback());
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// Returns the value of the `SO_ERROR` option (and clears it).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert!(stream.take_error()?.is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Returns the remote address that this stream is connected to.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert_eq!(stream.peer_addr()?, listener.local_addr()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr()
    }

    /// Waits for any of the requested ready states; the result may be a
    /// false positive (a following `try_*` then returns `WouldBlock`).
    /// Cancel safe.
    ///
    /// ```
    /// use weft::io::Interest;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let ready = stream.ready(Interest::WRITABLE).await?;
    /// assert!(ready.is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.io.ready(interest).await
    }

    /// Waits for the socket to become readable (possibly a false positive).
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// client.writable().await?;
    /// client.try_write(b"x")?;
    /// server.readable().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.io.readable().await
    }

    /// Polls for read readiness. Only the last task to poll is woken.
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// client.try_write(b"x")?;
    /// poll_fn(|cx| server.poll_read_ready(cx)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.poll_read_ready(cx)
    }

    /// Tries to read into `buf` without waiting: `WouldBlock` if no data is
    /// available (readiness is then cleared), `Ok(0)` at end of stream.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let _client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// let err = server.try_read(&mut [0; 8]).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_read(buf)
    }

    /// Like [`try_read`](TcpStream::try_read), into several buffers.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let _client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// let (mut a, mut b) = ([0; 4], [0; 4]);
    /// let mut bufs = [std::io::IoSliceMut::new(&mut a), std::io::IoSliceMut::new(&mut b)];
    /// assert!(server.try_read_vectored(&mut bufs).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        self.io.try_read_vectored(bufs)
    }

    /// Tries to read into `buf`'s spare capacity without waiting, advancing
    /// it by the number of bytes read. See [`try_read`](TcpStream::try_read).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// client.try_write(b"abc")?;
    /// let mut buf = Vec::with_capacity(16);
    /// loop {
    ///     server.readable().await?;
    ///     match server.try_read_buf(&mut buf) {
    ///         Ok(_) => break,
    ///         Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => continue,
    ///         Err(e) => return Err(e),
    ///     }
    /// }
    /// assert_eq!(buf, b"abc");
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "io-util")]
    pub fn try_read_buf<B: BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        self.io.try_read_buf(buf)
    }

    /// Waits for the socket to become writable (possibly a false positive).
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// client.writable().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.io.writable().await
    }

    /// Polls for write readiness. Only the last task to poll is woken.
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// poll_fn(|cx| client.poll_write_ready(cx)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.poll_write_ready(cx)
    }

    /// Tries to write `buf` without waiting: `WouldBlock` if the send
    /// buffer is full (readiness is then cleared).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// client.writable().await?;
    /// assert_eq!(client.try_write(b"hello")?, 5);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.io.try_write(buf)
    }

    /// Like [`try_write`](TcpStream::try_write), from several buffers.
    ///
    /// ```
    /// use std::io::IoSlice;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// client.writable().await?;
    /// let n = client.try_write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")])?;
    /// assert_eq!(n, 4);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write_vectored(&self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.io.try_write_vectored(bufs)
    }

    /// Runs `f` if the socket looks ready for `interest`; if `f` returns
    /// `WouldBlock`, readiness is cleared. `f` must do non-blocking I/O on
    /// this socket only.
    ///
    /// ```
    /// use std::os::fd::AsRawFd;
    /// use weft::io::Interest;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// client.writable().await?;
    /// let fd = client.as_raw_fd();
    /// let n = client.try_io(Interest::WRITABLE, || {
    ///     // Stand-in for a raw syscall on `fd`.
    ///     assert!(fd >= 0);
    ///     Ok(1)
    /// })?;
    /// assert_eq!(n, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.try_io(interest, f)
    }

    /// Waits for `interest`, runs `f`, and repeats while `f` returns
    /// `WouldBlock` (clearing readiness each time).
    ///
    /// ```
    /// use std::io::Write;
    /// use weft::io::Interest;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let std = std::net::TcpStream::from(client.into_std()?);
    /// let client = weft::net::TcpStream::from_std(std.try_clone()?)?;
    /// let n = client.async_io(Interest::WRITABLE, || (&std).write(b"abc")).await?;
    /// assert_eq!(n, 3);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.async_io(interest, f).await
    }

    /// Polls to receive data without removing it from the queue; returns the
    /// number of bytes peeked. Only the last task to poll is woken.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use weft::io::ReadBuf;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// client.try_write(b"hi")?;
    /// let mut storage = [0; 8];
    /// let mut buf = ReadBuf::new(&mut storage);
    /// let n = poll_fn(|cx| server.poll_peek(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), &b"hi"[..n]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_peek(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        self.poll_peek_priv(cx, buf)
    }

    /// Receives data without removing it from the queue; waits until some
    /// is available. `Ok(0)` at end of stream.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let client = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (server, _) = listener.accept().await?;
    /// client.try_write(b"peek")?;
    /// let mut buf = [0; 4];
    /// let n = server.peek(&mut buf).await?;
    /// assert_eq!(&buf[..n], &b"peek"[..n]);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .async_io(Interest::READABLE, || self.io.peek(buf))
            .await
    }

    /// Gets the value of the `TCP_NODELAY` option on this socket.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_nodelay(true)?;
    /// assert!(stream.nodelay()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.nodelay()
    }

    /// Sets `TCP_NODELAY`: small writes are sent at once instead of being
    /// coalesced (Nagle's algorithm off).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_nodelay(true)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.set_nodelay(nodelay)
    }

    /// Gets the value of the `TCP_QUICKACK` option on this socket.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_quickack(true)?;
    /// assert!(stream.quickack()?);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn quickack(&self) -> io::Result<bool> {
        socket2::SockRef::from(self).tcp_quickack()
    }

    /// Enables or disables `TCP_QUICKACK`.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_quickack(false)?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn set_quickack(&self, quickack: bool) -> io::Result<()> {
        socket2::SockRef::from(self).set_tcp_quickack(quickack)
    }

    /// Reads the linger duration for this socket (`SO_LINGER`).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// assert!(stream.linger()?.is_none());
    /// # Ok(())
    /// # }
    /// ```
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        socket2::SockRef::from(self).linger()
    }

    /// Sets `SO_LINGER`. Deprecated as in Tokio: a non-zero linger makes
    /// closing the socket block the thread.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_linger(None)?;
    /// # Ok(())
    /// # }
    /// ```
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        socket2::SockRef::from(self).set_linger(dur)
    }

    /// Sets `SO_LINGER` to zero: closing the socket resets the connection
    /// instead of sending the remaining data.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_zero_linger()?;
    /// assert_eq!(stream.linger()?, Some(std::time::Duration::ZERO));
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_zero_linger(&self) -> io::Result<()> {
        socket2::SockRef::from(self).set_linger(Some(Duration::ZERO))
    }

    /// Gets the value of the `IP_TTL` option for this socket.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_ttl(123)?;
    /// assert_eq!(stream.ttl()?, 123);
    /// # Ok(())
    /// # }
    /// ```
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets the value for the `IP_TTL` option on this socket.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// stream.set_ttl(64)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.set_ttl(ttl)
    }

    /// Splits the stream into a read half and a write half that borrow it;
    /// both can be used at once (from one task, e.g. with `join!`).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, write) = stream.split();
    /// assert_eq!(read.peer_addr()?, write.peer_addr()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn split<'a>(&'a mut self) -> (ReadHalf<'a>, WriteHalf<'a>) {
        split::split(self)
    }

    /// Splits the stream into owned halves that can move to different
    /// tasks. Dropping the write half shuts the write direction down.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let listener = weft::net::TcpListener::bind("127.0.0.1:0").await?;
    /// let stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;
    /// let (read, write) = stream.into_split();
    /// let stream = read.reunite(write).expect("halves of one stream");
    /// assert!(stream.peer_addr().is_ok());
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        split_owned::split_owned(self)
    }

    /// Peeks into `buf` once readable; the data stays queued.
    pub(crate) fn poll_peek_priv(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        // Never clear on a short peek: the data is still there.
        let before = buf.filled().len();
        ready!(self.io.poll_recv_uninit(cx, buf, false, |io, dst| {
            socket2::SockRef::from(io).peek(dst).map(|n| (n, ()))
        }))?;
        Poll::Ready(Ok(buf.filled().len() - before))
    }
}

impl TryFrom<std::net::TcpStream> for TcpStream {
    type Error = io::Error;

    /// Consumes the stream, returning the weft I/O object. Equivalent to
    /// [`TcpStream::from_std`].
    fn try_from(stream: std::net::TcpStream) -> Result<Self, Self::Error> {
        Self::from_std(stream)
    }
}

impl AsyncRead for TcpStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.io.poll_read(cx, buf)
    }
}

impl AsyncWrite for TcpStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // Writes go straight to the kernel; there is nothing to flush.
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(self.io.shutdown_write())
    }
}

impl fmt::Debug for TcpStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self.io).fmt(f)
    }
}

impl AsRef<Self> for TcpStream {
    fn as_ref(&self) -> &Self {
        self
    }
}

impl AsRawFd for TcpStream {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for TcpStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: the fd is owned by `self` and stays open while the borrow lives.
        unsafe { BorrowedFd::borrow_raw(self.as_raw_fd()) }
    }
}
