//! `TcpStream`: a connected TCP socket.

use crate::io::{Interest, ReadBuf};
use crate::net::addr::{self, ToSocketAddrs};
use crate::net::socket_io::SocketIo;
use crate::net::stream_api::stream_api;
use crate::net::tcp::split::{self, ReadHalf, WriteHalf};
use crate::net::tcp::split_owned::{self, OwnedReadHalf, OwnedWriteHalf};
use std::io;
use std::net::SocketAddr;
use std::os::unix::io::{FromRawFd, IntoRawFd};
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
    pub(super) io: SocketIo<mio::net::TcpStream>,
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
        let io = SocketIo::connect(sys).await?;
        Ok(TcpStream { io })
    }

    /// See `SocketIo::new_accepted`.
    #[track_caller]
    pub(crate) fn new_accepted(connected: mio::net::TcpStream) -> io::Result<TcpStream> {
        let io = SocketIo::new_accepted(connected)?;
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
        let io = SocketIo::new(mio::net::TcpStream::from_std(stream))?;
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

stream_api! {
    stream: TcpStream,
    setup: concat!(
        "let listener = weft::net::TcpListener::bind(\"127.0.0.1:0\").await?;\n",
        "let mut stream = weft::net::TcpStream::connect(listener.local_addr()?).await?;\n",
        "let (peer, _) = listener.accept().await?;\n",
    ),
}
