//! `UnixDatagram`: Unix datagram sockets.

use crate::io::{Interest, Ready};
use crate::net::datagram_api::datagram_api;
use crate::net::socket_io::SocketIo;
use crate::net::unix::SocketAddr;
use crate::runtime::io::Direction;
use std::io;
use std::net::Shutdown;
use std::os::unix::io::{FromRawFd, IntoRawFd};
use std::os::unix::net;
use std::path::Path;
use std::task::{Context, Poll};

/// The Unix address in `addr`: a path, an abstract name (Linux), or unnamed.
fn unix_addr(addr: &socket2::SockAddr) -> io::Result<SocketAddr> {
    if let Some(path) = addr.as_pathname() {
        return net::SocketAddr::from_pathname(path).map(SocketAddr);
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if let Some(name) = addr.as_abstract_namespace() {
        #[cfg(target_os = "android")]
        use std::os::android::net::SocketAddrExt;
        #[cfg(target_os = "linux")]
        use std::os::linux::net::SocketAddrExt;
        return net::SocketAddr::from_abstract_name(name).map(SocketAddr);
    }
    // A sender without a name (e.g. the other end of a `pair()`) comes
    // back with an empty address.
    if addr.len() != 0 && addr.family() != libc::AF_UNIX as libc::sa_family_t {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a Unix address",
        ));
    }
    // std cannot build an unnamed address from parts; take one from an
    // unbound socket, once.
    static UNNAMED: std::sync::OnceLock<net::SocketAddr> = std::sync::OnceLock::new();
    if let Some(addr) = UNNAMED.get() {
        return Ok(SocketAddr(addr.clone()));
    }
    let unnamed = net::UnixDatagram::unbound()?.local_addr()?;
    Ok(SocketAddr(UNNAMED.get_or_init(|| unnamed).clone()))
}

/// An I/O object representing a Unix datagram socket.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (a, b) = weft::net::UnixDatagram::pair()?;
/// a.send(b"one").await?;
/// let mut buf = [0; 8];
/// assert_eq!(b.recv(&mut buf).await?, 3);
/// # Ok(())
/// # }
/// ```
pub struct UnixDatagram {
    io: SocketIo<mio::net::UnixDatagram>,
}

impl UnixDatagram {
    #[track_caller]
    pub(crate) fn from_mio(socket: mio::net::UnixDatagram) -> io::Result<UnixDatagram> {
        let io = SocketIo::new(socket)?;
        Ok(UnixDatagram { io })
    }

    /// Creates a new datagram socket bound to `path`.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on a runtime without I/O enabled.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let dir = std::env::temp_dir();
    /// let pa = dir.join(format!("weft-doc-ud{}-a-{}", line!(), std::process::id()));
    /// let pb = dir.join(format!("weft-doc-ud{}-b-{}", line!(), std::process::id()));
    /// let _ = std::fs::remove_file(&pa);
    /// let _ = std::fs::remove_file(&pb);
    /// let x = weft::net::UnixDatagram::bind(&pa)?;
    /// let y = weft::net::UnixDatagram::bind(&pb)?;
    /// x.send_to(b"hi", &pb).await?;
    /// let mut buf = [0; 4];
    /// let (n, from) = y.recv_from(&mut buf).await?;
    /// assert_eq!((n, from.as_pathname()), (2, Some(pa.as_path())));
    /// std::fs::remove_file(&pa)?;
    /// std::fs::remove_file(&pb)?;
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn bind<P>(path: P) -> io::Result<UnixDatagram>
    where
        P: AsRef<Path>,
    {
        UnixDatagram::from_mio(mio::net::UnixDatagram::bind(path)?)
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
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// a.send(b"x").await?;
    /// let mut buf = [0; 1];
    /// assert_eq!(b.recv(&mut buf).await?, 1);
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = mio::net::UnixDatagram::pair()?;
        let a = UnixDatagram::from_mio(a)?;
        let b = UnixDatagram::from_mio(b)?;
        a.io.assume_ready(Ready::WRITABLE);
        b.io.assume_ready(Ready::WRITABLE);
        Ok((a, b))
    }

    /// Wraps a `std` socket. The caller is responsible for putting it in
    /// non-blocking mode first.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on a runtime without I/O enabled.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let std_sock = std::os::unix::net::UnixDatagram::unbound()?;
    /// std_sock.set_nonblocking(true)?;
    /// let sock = weft::net::UnixDatagram::from_std(std_sock)?;
    /// assert!(sock.local_addr()?.is_unnamed());
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_std(datagram: net::UnixDatagram) -> io::Result<UnixDatagram> {
        UnixDatagram::from_mio(mio::net::UnixDatagram::from_std(datagram))
    }

    /// Turns the socket back into a `std` one, still in non-blocking mode.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let std_sock = a.into_std()?;
    /// std_sock.set_nonblocking(false)?;
    /// let a = ();
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<net::UnixDatagram> {
        let mio = self.io.into_inner()?;
        // SAFETY: the fd comes from `into_raw_fd`, so ownership moves to the
        // std socket exactly once.
        Ok(unsafe { net::UnixDatagram::from_raw_fd(mio.into_raw_fd()) })
    }

    /// Creates a new datagram socket not bound to any address.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on a runtime without I/O enabled.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let sock = weft::net::UnixDatagram::unbound()?;
    /// assert!(sock.local_addr()?.is_unnamed());
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn unbound() -> io::Result<UnixDatagram> {
        UnixDatagram::from_mio(mio::net::UnixDatagram::unbound()?)
    }

    /// Connects the socket to `path`: `send`/`recv` then use that peer only.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let dir = std::env::temp_dir();
    /// let pa = dir.join(format!("weft-doc-ud{}-a-{}", line!(), std::process::id()));
    /// let pb = dir.join(format!("weft-doc-ud{}-b-{}", line!(), std::process::id()));
    /// let _ = std::fs::remove_file(&pa);
    /// let _ = std::fs::remove_file(&pb);
    /// let x = weft::net::UnixDatagram::unbound()?;
    /// let y = weft::net::UnixDatagram::bind(&pb)?;
    /// x.connect(&pb)?;
    /// x.send(b"hi").await?;
    /// let mut buf = [0; 2];
    /// assert_eq!(y.recv(&mut buf).await?, 2);
    /// std::fs::remove_file(&pb)?;
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub fn connect<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        self.io.connect(path)
    }

    /// Tries to send to `target` without waiting.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let dir = std::env::temp_dir();
    /// let pa = dir.join(format!("weft-doc-ud{}-a-{}", line!(), std::process::id()));
    /// let pb = dir.join(format!("weft-doc-ud{}-b-{}", line!(), std::process::id()));
    /// let _ = std::fs::remove_file(&pa);
    /// let _ = std::fs::remove_file(&pb);
    /// let y = weft::net::UnixDatagram::bind(&pb)?;
    /// let x = weft::net::UnixDatagram::unbound()?;
    /// x.writable().await?;
    /// assert_eq!(x.try_send_to(b"abc", &pb)?, 3);
    /// std::fs::remove_file(&pb)?;
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_send_to<P>(&self, buf: &[u8], target: P) -> io::Result<usize>
    where
        P: AsRef<Path>,
    {
        self.io
            .try_io(Interest::WRITABLE, || self.io.send_to(buf, target))
    }

    /// Sends data to the socket at `target`. Cancel safe.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let dir = std::env::temp_dir();
    /// let pa = dir.join(format!("weft-doc-ud{}-a-{}", line!(), std::process::id()));
    /// let pb = dir.join(format!("weft-doc-ud{}-b-{}", line!(), std::process::id()));
    /// let _ = std::fs::remove_file(&pa);
    /// let _ = std::fs::remove_file(&pb);
    /// let _y = weft::net::UnixDatagram::bind(&pb)?;
    /// let x = weft::net::UnixDatagram::unbound()?;
    /// assert_eq!(x.send_to(b"abc", &pb).await?, 3);
    /// std::fs::remove_file(&pb)?;
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_to<P>(&self, buf: &[u8], target: P) -> io::Result<usize>
    where
        P: AsRef<Path>,
    {
        self.io
            .async_io(Interest::WRITABLE, || self.io.send_to(buf, target.as_ref()))
            .await
    }

    /// Receives one datagram and the address it came from. Cancel safe.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// a.send(b"abc").await?;
    /// let mut buf = [0; 8];
    /// let (n, from) = b.recv_from(&mut buf).await?;
    /// assert_eq!(n, 3);
    /// assert!(from.is_unnamed());
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, addr) = self
            .io
            .async_io(Interest::READABLE, || self.io.recv_from(buf))
            .await?;
        Ok((n, SocketAddr(addr)))
    }

    /// Polls to send data to `target`.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// let dir = std::env::temp_dir();
    /// let pa = dir.join(format!("weft-doc-ud{}-a-{}", line!(), std::process::id()));
    /// let pb = dir.join(format!("weft-doc-ud{}-b-{}", line!(), std::process::id()));
    /// let _ = std::fs::remove_file(&pa);
    /// let _ = std::fs::remove_file(&pb);
    /// let _y = weft::net::UnixDatagram::bind(&pb)?;
    /// let n = std::future::poll_fn(|cx| a.poll_send_to(cx, b"abc", &pb)).await?;
    /// assert_eq!(n, 3);
    /// std::fs::remove_file(&pb)?;
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_send_to<P>(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: P,
    ) -> Poll<io::Result<usize>>
    where
        P: AsRef<Path>,
    {
        self.io.poll_io(cx, Direction::Write, || {
            self.io.send_to(buf, target.as_ref())
        })
    }

    /// Tries to receive one datagram and its sender without waiting.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// assert!(b.try_recv_from(&mut [0; 8]).is_err());
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, addr) = self
            .io
            .try_io(Interest::READABLE, || self.io.recv_from(buf))?;
        Ok((n, SocketAddr(addr)))
    }

    /// Returns the local address that this socket is bound to.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// assert!(a.local_addr()?.is_unnamed());
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr)
    }

    /// Returns the address of this socket's peer.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// assert!(a.peer_addr()?.is_unnamed());
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr().map(SocketAddr)
    }

    /// Returns the value of the `SO_ERROR` option (and clears it).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// assert!(a.take_error()?.is_none());
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Shuts down the read, write, or both halves of this connection.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, b) = weft::net::UnixDatagram::pair()?;
    /// a.shutdown(std::net::Shutdown::Write)?;
    /// assert!(a.send(b"x").await.is_err());
    /// # drop((a, b));
    /// # Ok(())
    /// # }
    /// ```
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.shutdown(how)
    }
}

impl TryFrom<net::UnixDatagram> for UnixDatagram {
    type Error = io::Error;

    /// Consumes the socket, returning the weft I/O object. Equivalent to
    /// [`UnixDatagram::from_std`].
    fn try_from(socket: net::UnixDatagram) -> io::Result<Self> {
        Self::from_std(socket)
    }
}

datagram_api! {
    socket: UnixDatagram,
    addr: SocketAddr,
    sender: unix_addr,
    recv_interest: Interest::READABLE,
    setup: concat!(
        "let (socket, peer) = weft::net::UnixDatagram::pair()?;\n",
    ),
}
