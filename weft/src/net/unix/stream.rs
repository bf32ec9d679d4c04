//! `UnixStream`: a connected Unix stream socket.

use crate::io::Ready;
use crate::net::socket_io::SocketIo;
use crate::net::stream_api::stream_api;
use crate::net::unix::split::{self, ReadHalf, WriteHalf};
use crate::net::unix::split_owned::{self, OwnedReadHalf, OwnedWriteHalf};
use crate::net::unix::{ucred, SocketAddr, UCred};
use std::io;
use std::os::unix::io::{AsRawFd, FromRawFd, IntoRawFd};
use std::os::unix::net;
use std::path::Path;

/// A structure representing a connected Unix socket.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (a, b) = weft::net::UnixStream::pair()?;
/// a.try_write(b"ping")?;
/// b.readable().await?;
/// let mut buf = [0; 4];
/// assert_eq!(b.try_read(&mut buf)?, 4);
/// # Ok(())
/// # }
/// ```
pub struct UnixStream {
    pub(super) io: SocketIo<mio::net::UnixStream>,
}

impl UnixStream {
    #[track_caller]
    pub(crate) fn new(stream: mio::net::UnixStream) -> io::Result<UnixStream> {
        let io = SocketIo::new(stream)?;
        Ok(UnixStream { io })
    }

    /// See `SocketIo::new_accepted`.
    #[track_caller]
    pub(crate) fn new_accepted(stream: mio::net::UnixStream) -> io::Result<UnixStream> {
        let io = SocketIo::new_accepted(stream)?;
        Ok(UnixStream { io })
    }

    /// Connects to the socket named by `path`.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on a runtime without I/O enabled.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixStream::pair()?;
    /// let path = std::env::temp_dir().join(format!("weft-doc-usc-{}", std::process::id()));
    /// let _ = std::fs::remove_file(&path);
    /// let listener = weft::net::UnixListener::bind(&path)?;
    /// let client = weft::net::UnixStream::connect(&path).await?;
    /// assert_eq!(client.peer_addr()?.as_pathname(), Some(path.as_path()));
    /// # drop(listener);
    /// std::fs::remove_file(&path)?;
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect<P>(path: P) -> io::Result<UnixStream>
    where
        P: AsRef<Path>,
    {
        let addr = crate::net::unix::listener::path_to_addr(path.as_ref())?;
        let stream = mio::net::UnixStream::connect_addr(&addr)?;
        UnixStream::connect_mio(stream).await
    }

    /// Connects to the socket at `socket_addr` (which may be in the abstract
    /// namespace on Linux).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixStream::pair()?;
    /// use std::os::linux::net::SocketAddrExt;
    /// let name = format!("weft-doc-usca-{}", std::process::id());
    /// let addr: weft::net::unix::SocketAddr =
    ///     std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes())?.into();
    /// let _listener = weft::net::UnixListener::bind_addr(&addr)?;
    /// let client = weft::net::UnixStream::connect_addr(&addr).await?;
    /// assert_eq!(client.peer_addr()?.as_abstract_name(), Some(name.as_bytes()));
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect_addr(socket_addr: &SocketAddr) -> io::Result<UnixStream> {
        let stream = mio::net::UnixStream::connect_addr(&socket_addr.0)?;
        UnixStream::connect_mio(stream).await
    }

    pub(crate) async fn connect_mio(stream: mio::net::UnixStream) -> io::Result<UnixStream> {
        let io = SocketIo::connect(stream).await?;
        Ok(UnixStream { io })
    }

    /// Wraps a connected `std` stream. The caller is responsible for putting it
    /// in non-blocking mode first.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on a runtime without I/O enabled.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixStream::pair()?;
    /// let (x, _y) = std::os::unix::net::UnixStream::pair()?;
    /// x.set_nonblocking(true)?;
    /// let stream = weft::net::UnixStream::from_std(x)?;
    /// assert!(stream.peer_addr()?.is_unnamed());
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_std(stream: net::UnixStream) -> io::Result<UnixStream> {
        UnixStream::new(mio::net::UnixStream::from_std(stream))
    }

    /// Turns the stream back into a `std` one, still in non-blocking mode.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixStream::pair()?;
    /// let std_stream = a.into_std()?;
    /// std_stream.set_nonblocking(false)?;
    /// let a = ();
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<net::UnixStream> {
        let mio = self.io.into_inner()?;
        // SAFETY: the fd comes from `into_raw_fd`, so ownership moves to the
        // std stream exactly once.
        Ok(unsafe { net::UnixStream::from_raw_fd(mio.into_raw_fd()) })
    }

    /// Creates an unnamed pair of connected sockets.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on a runtime without I/O enabled.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixStream::pair()?;
    /// a.try_write(b"x")?;
    /// b.readable().await?;
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = mio::net::UnixStream::pair()?;
        let a = UnixStream::new(a)?;
        let b = UnixStream::new(b)?;
        // Both ends of a fresh pair are writable; no need to wait for the
        // driver's first event to find out.
        a.io.assume_ready(Ready::WRITABLE);
        b.io.assume_ready(Ready::WRITABLE);
        Ok((a, b))
    }

    /// Returns the socket address of the local half of this connection.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixStream::pair()?;
    /// assert!(a.local_addr()?.is_unnamed());
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr)
    }

    /// Returns the socket address of the remote half of this connection.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixStream::pair()?;
    /// assert!(a.peer_addr()?.is_unnamed());
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr().map(SocketAddr)
    }

    /// Returns effective credentials of the process which called `connect` or `pair`.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixStream::pair()?;
    /// assert_eq!(a.peer_cred()?.pid(), Some(std::process::id() as i32));
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_cred(&self) -> io::Result<UCred> {
        ucred::peer_cred(self.as_raw_fd())
    }

    /// Returns the value of the `SO_ERROR` option (and clears it).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixStream::pair()?;
    /// assert!(a.take_error()?.is_none());
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Splits the stream into borrowed read and write halves.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixStream::pair()?;
    /// let mut a = a;
    /// let (read, write) = a.split();
    /// write.try_write(b"x")?;
    /// assert!(read.try_read(&mut [0; 1]).is_err());
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub fn split<'a>(&'a mut self) -> (ReadHalf<'a>, WriteHalf<'a>) {
        split::split(self)
    }

    /// Splits the stream into owned halves; dropping the write half shuts down
    /// the write direction.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixStream::pair()?;
    /// let (read, write) = a.into_split();
    /// let a = read.reunite(write).unwrap();
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        split_owned::split_owned(self)
    }
}

impl TryFrom<net::UnixStream> for UnixStream {
    type Error = io::Error;

    /// Consumes the stream, returning the weft I/O object. Equivalent to
    /// [`UnixStream::from_std`].
    fn try_from(stream: net::UnixStream) -> io::Result<Self> {
        Self::from_std(stream)
    }
}

stream_api! {
    stream: UnixStream,
    setup: concat!(
        "let (mut stream, peer) = weft::net::UnixStream::pair()?;\n",
    ),
}
