//! `UnixSocket`: a Unix socket not yet listening, connected or used for
//! datagrams, to bind it (or set options) first.

use crate::net::{UnixDatagram, UnixListener, UnixStream};
use std::io;
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, FromRawFd, IntoRawFd, RawFd};
use std::path::Path;

/// A Unix socket that has not yet been converted to a [`UnixStream`],
/// [`UnixDatagram`] or [`UnixListener`].
///
/// ```
/// use weft::net::UnixSocket;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("weft-doc-us-{}", std::process::id()));
/// let _ = std::fs::remove_file(&path);
/// let socket = UnixSocket::new_stream()?;
/// socket.bind(&path)?;
/// let listener = socket.listen(128)?;
/// let client = UnixSocket::new_stream()?.connect(&path).await?;
/// let (_server, _) = listener.accept().await?;
/// assert_eq!(client.peer_addr()?.as_pathname(), Some(path.as_path()));
/// std::fs::remove_file(&path)?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct UnixSocket {
    inner: socket2::Socket,
}

impl UnixSocket {
    fn ty(&self) -> io::Result<socket2::Type> {
        self.inner.r#type()
    }

    /// Creates a new Unix datagram socket (non-blocking, close-on-exec).
    ///
    /// ```
    /// let socket = weft::net::UnixSocket::new_datagram().unwrap();
    /// # drop(socket);
    /// ```
    pub fn new_datagram() -> io::Result<UnixSocket> {
        UnixSocket::new(socket2::Type::DGRAM)
    }

    /// Creates a new Unix stream socket (non-blocking, close-on-exec).
    ///
    /// ```
    /// let socket = weft::net::UnixSocket::new_stream().unwrap();
    /// # drop(socket);
    /// ```
    pub fn new_stream() -> io::Result<UnixSocket> {
        UnixSocket::new(socket2::Type::STREAM)
    }

    fn new(ty: socket2::Type) -> io::Result<UnixSocket> {
        let inner = socket2::Socket::new(socket2::Domain::UNIX, ty, None)?;
        inner.set_nonblocking(true)?;
        Ok(UnixSocket { inner })
    }

    /// Binds the socket to `path`.
    ///
    /// ```
    /// let path = std::env::temp_dir().join(format!("weft-doc-usb-{}", std::process::id()));
    /// let _ = std::fs::remove_file(&path);
    /// let socket = weft::net::UnixSocket::new_datagram().unwrap();
    /// socket.bind(&path).unwrap();
    /// std::fs::remove_file(&path).unwrap();
    /// ```
    pub fn bind(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let addr = socket2::SockAddr::unix(path)?;
        self.inner.bind(&addr)
    }

    /// Listens on the bound path, turning a stream socket into a
    /// [`UnixListener`]. Fails on a datagram socket.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on a runtime without I/O enabled.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-doc-usl-{}", std::process::id()));
    /// let _ = std::fs::remove_file(&path);
    /// let socket = weft::net::UnixSocket::new_stream()?;
    /// socket.bind(&path)?;
    /// let _listener = socket.listen(16)?;
    /// assert!(weft::net::UnixSocket::new_datagram()?.listen(16).is_err());
    /// std::fs::remove_file(&path)?;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn listen(self, backlog: u32) -> io::Result<UnixListener> {
        if self.ty()? == socket2::Type::DGRAM {
            return Err(io::Error::other(
                "listen cannot be called on a datagram socket",
            ));
        }
        self.inner
            .listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
        // SAFETY: the fd comes from `into_raw_fd`, so ownership moves to the
        // mio listener exactly once.
        let mio = unsafe { mio::net::UnixListener::from_raw_fd(self.inner.into_raw_fd()) };
        UnixListener::new(mio)
    }

    /// Connects a stream socket to `path`, turning it into a [`UnixStream`].
    /// Fails on a datagram socket.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on a runtime without I/O enabled.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-doc-usc2-{}", std::process::id()));
    /// let _ = std::fs::remove_file(&path);
    /// let _listener = weft::net::UnixListener::bind(&path)?;
    /// let stream = weft::net::UnixSocket::new_stream()?.connect(&path).await?;
    /// assert!(stream.local_addr()?.is_unnamed());
    /// std::fs::remove_file(&path)?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect(self, path: impl AsRef<Path>) -> io::Result<UnixStream> {
        if self.ty()? == socket2::Type::DGRAM {
            return Err(io::Error::other(
                "connect cannot be called on a datagram socket",
            ));
        }
        let addr = socket2::SockAddr::unix(path)?;
        if let Err(err) = self.inner.connect(&addr) {
            if err.raw_os_error() != Some(libc::EINPROGRESS) {
                return Err(err);
            }
        }
        // SAFETY: the fd comes from `into_raw_fd`, so ownership moves to the
        // mio stream exactly once.
        let mio = unsafe { mio::net::UnixStream::from_raw_fd(self.inner.into_raw_fd()) };
        UnixStream::connect_mio(mio).await
    }

    /// Turns a datagram socket into a [`UnixDatagram`]. Fails on a stream
    /// socket.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on a runtime without I/O enabled.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let socket = weft::net::UnixSocket::new_datagram()?.datagram()?;
    /// assert!(socket.local_addr()?.is_unnamed());
    /// assert!(weft::net::UnixSocket::new_stream()?.datagram().is_err());
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn datagram(self) -> io::Result<UnixDatagram> {
        if self.ty()? == socket2::Type::STREAM {
            return Err(io::Error::other(
                "datagram cannot be called on a stream socket",
            ));
        }
        // SAFETY: the fd comes from `into_raw_fd`, so ownership moves to the
        // mio socket exactly once.
        let mio = unsafe { mio::net::UnixDatagram::from_raw_fd(self.inner.into_raw_fd()) };
        UnixDatagram::from_mio(mio)
    }
}

impl AsRawFd for UnixSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl AsFd for UnixSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl FromRawFd for UnixSocket {
    /// # Safety
    ///
    /// `fd` must be an open Unix socket that nothing else owns.
    unsafe fn from_raw_fd(fd: RawFd) -> UnixSocket {
        // SAFETY: forwarded from the caller.
        let inner = unsafe { socket2::Socket::from_raw_fd(fd) };
        UnixSocket { inner }
    }
}

impl IntoRawFd for UnixSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}
