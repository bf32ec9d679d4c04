//! `UdpSocket`: UDP datagrams (socket options are in `options.rs`).

mod buffers;
mod options;

use crate::io::Interest;
use crate::net::addr::{self, ToSocketAddrs};
use crate::net::datagram_api::datagram_api;
use crate::net::socket_io::SocketIo;
use crate::runtime::io::Direction;
use std::io;
use std::net::{self, SocketAddr};
use std::os::unix::io::{FromRawFd, IntoRawFd};
use std::task::{Context, Poll};

/// A UDP socket.
///
/// UDP is connectionless: [`send_to`](UdpSocket::send_to) and
/// [`recv_from`](UdpSocket::recv_from) talk to any peer; after
/// [`connect`](UdpSocket::connect), [`send`](UdpSocket::send) and
/// [`recv`](UdpSocket::recv) talk to that one peer. All methods take `&self`,
/// so one socket can be shared (in an `Arc`) by a sending and a receiving task.
///
/// ```
/// use weft::net::UdpSocket;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let a = UdpSocket::bind("127.0.0.1:0").await?;
/// let b = UdpSocket::bind("127.0.0.1:0").await?;
/// a.send_to(b"ping", b.local_addr()?).await?;
/// let mut buf = [0; 16];
/// let (n, from) = b.recv_from(&mut buf).await?;
/// assert_eq!(&buf[..n], b"ping");
/// assert_eq!(from, a.local_addr()?);
/// # Ok(())
/// # }
/// ```
pub struct UdpSocket {
    io: SocketIo<mio::net::UdpSocket>,
}

impl UdpSocket {
    /// Creates a socket bound to `addr`; with several addresses, the first that
    /// binds wins (the last error is returned if none does).
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on a runtime without I/O enabled.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(sock.local_addr()?.port() != 0);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<UdpSocket> {
        let addrs = addr::to_socket_addrs(addr).await?;
        let mut last_err = None;
        for addr in addrs {
            match UdpSocket::bind_addr(addr) {
                Ok(socket) => return Ok(socket),
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

    fn bind_addr(addr: SocketAddr) -> io::Result<UdpSocket> {
        UdpSocket::new(mio::net::UdpSocket::bind(addr)?)
    }

    #[track_caller]
    fn new(socket: mio::net::UdpSocket) -> io::Result<UdpSocket> {
        let io = SocketIo::new(socket)?;
        Ok(UdpSocket { io })
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
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let std_sock = std::net::UdpSocket::bind("127.0.0.1:0")?;
    /// std_sock.set_nonblocking(true)?;
    /// let wrapped = weft::net::UdpSocket::from_std(std_sock)?;
    /// assert!(wrapped.local_addr()?.ip().is_loopback());
    /// drop(sock);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_std(socket: net::UdpSocket) -> io::Result<UdpSocket> {
        UdpSocket::new(mio::net::UdpSocket::from_std(socket))
    }

    /// Turns the socket back into a `std` one, still in non-blocking mode.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let addr = sock.local_addr()?;
    /// assert_eq!(sock.into_std()?.local_addr()?, addr);
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_std(self) -> io::Result<net::UdpSocket> {
        let mio = self.io.into_inner()?;
        // SAFETY: the fd comes from `into_raw_fd`, so ownership moves to the
        // std socket exactly once.
        Ok(unsafe { net::UdpSocket::from_raw_fd(mio.into_raw_fd()) })
    }

    /// Returns the local address that this socket is bound to.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(sock.local_addr()?.ip().is_loopback());
    /// # Ok(())
    /// # }
    /// ```
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// Returns the address of the peer this socket is connected to.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.connect(peer.local_addr()?).await?;
    /// assert_eq!(sock.peer_addr()?, peer.local_addr()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr()
    }

    /// Connects the socket to a remote address: `send`/`recv` then use that peer
    /// only. With several addresses, the first that connects wins.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.connect(peer.local_addr()?).await?;
    /// sock.send(b"hi").await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn connect<A: ToSocketAddrs>(&self, addr: A) -> io::Result<()> {
        let addrs = addr::to_socket_addrs(addr).await?;
        let mut last_err = None;
        for addr in addrs {
            match self.io.connect(addr) {
                Ok(()) => return Ok(()),
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

    /// Sends data to `target`, the first address it resolves to. Cancel safe.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert_eq!(sock.send_to(b"hi", peer.local_addr()?).await?, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn send_to<A: ToSocketAddrs>(&self, buf: &[u8], target: A) -> io::Result<usize> {
        let mut addrs = addr::to_socket_addrs(target).await?;
        match addrs.next() {
            Some(target) => {
                self.io
                    .async_io(Interest::WRITABLE, || self.io.send_to(buf, target))
                    .await
            }
            None => Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "no addresses to send data to",
            )),
        }
    }

    /// Polls to send data to `target`.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let target = peer.local_addr()?;
    /// let n = std::future::poll_fn(|cx| sock.poll_send_to(cx, b"abc", target)).await?;
    /// assert_eq!(n, 3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_send_to(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: SocketAddr,
    ) -> Poll<io::Result<usize>> {
        self.io
            .poll_io(cx, Direction::Write, || self.io.send_to(buf, target))
    }

    /// Tries to send data to `target` without waiting.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.writable().await?;
    /// assert_eq!(sock.try_send_to(b"x", peer.local_addr()?)?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_send_to(&self, buf: &[u8], target: SocketAddr) -> io::Result<usize> {
        self.io
            .try_io(Interest::WRITABLE, || self.io.send_to(buf, target))
    }

    /// Receives one datagram and its sender. Cancel safe.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// peer.send_to(b"hey", sock.local_addr()?).await?;
    /// let mut buf = [0; 8];
    /// let (n, from) = sock.recv_from(&mut buf).await?;
    /// assert_eq!((n, from), (3, peer.local_addr()?));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .async_io(Interest::READABLE | Interest::ERROR, || {
                self.io.recv_from(buf)
            })
            .await
    }

    /// Tries to receive one datagram and its sender without waiting.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(sock.try_recv_from(&mut [0; 8]).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .try_io(Interest::READABLE, || self.io.recv_from(buf))
    }

    /// Receives a datagram from the connected peer without removing it from
    /// the queue. Cancel safe.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.connect(peer.local_addr()?).await?;
    /// peer.send_to(b"abc", sock.local_addr()?).await?;
    /// let mut buf = [0; 8];
    /// assert_eq!(sock.peek(&mut buf).await?, 3);
    /// assert_eq!(sock.recv(&mut buf).await?, 3);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .async_io(Interest::READABLE | Interest::ERROR, || self.io.peek(buf))
            .await
    }

    /// Tries to peek at a datagram from the connected peer without waiting.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.connect(peer.local_addr()?).await?;
    /// assert!(sock.try_peek(&mut [0; 8]).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io.try_io(Interest::READABLE, || self.io.peek(buf))
    }

    /// Receives a datagram and its sender without removing it from the queue.
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// peer.send_to(b"abc", sock.local_addr()?).await?;
    /// let mut buf = [0; 8];
    /// let (n, from) = sock.peek_from(&mut buf).await?;
    /// assert_eq!((n, from), (3, peer.local_addr()?));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .async_io(Interest::READABLE | Interest::ERROR, || {
                self.io.peek_from(buf)
            })
            .await
    }

    /// Tries to peek at a datagram and its sender without waiting.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(sock.try_peek_from(&mut [0; 8]).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_peek_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        self.io
            .try_io(Interest::READABLE, || self.io.peek_from(buf))
    }

    /// Returns the sender of the next datagram without reading or removing it.
    /// Cancel safe.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// peer.send_to(b"abc", sock.local_addr()?).await?;
    /// assert_eq!(sock.peek_sender().await?, peer.local_addr()?);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn peek_sender(&self) -> io::Result<SocketAddr> {
        self.io
            .async_io(Interest::READABLE | Interest::ERROR, || {
                self.peek_sender_inner()
            })
            .await
    }

    /// Polls for the sender of the next datagram.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// peer.send_to(b"abc", sock.local_addr()?).await?;
    /// let from = std::future::poll_fn(|cx| sock.poll_peek_sender(cx)).await?;
    /// assert_eq!(from, peer.local_addr()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_peek_sender(&self, cx: &mut Context<'_>) -> Poll<io::Result<SocketAddr>> {
        self.io
            .poll_io(cx, Direction::Read, || self.peek_sender_inner())
    }

    /// Tries to return the sender of the next datagram without waiting.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// assert!(sock.try_peek_sender().is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_peek_sender(&self) -> io::Result<SocketAddr> {
        self.io
            .try_io(Interest::READABLE, || self.peek_sender_inner())
    }

    fn peek_sender_inner(&self) -> io::Result<SocketAddr> {
        socket2::SockRef::from(self)
            .peek_sender()?
            .as_socket()
            .ok_or_else(|| {
                io::Error::new(io::ErrorKind::InvalidInput, "sender is not an IP address")
            })
    }
}

impl TryFrom<net::UdpSocket> for UdpSocket {
    type Error = io::Error;

    /// Consumes the socket, returning the weft I/O object. Equivalent to
    /// [`UdpSocket::from_std`].
    fn try_from(socket: net::UdpSocket) -> Result<Self, Self::Error> {
        Self::from_std(socket)
    }
}

/// The IP address in `addr` (a UDP socket's peers always have one).
pub(super) fn ip_addr(addr: &socket2::SockAddr) -> io::Result<SocketAddr> {
    addr.as_socket()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not an IP address"))
}

datagram_api! {
    socket: UdpSocket,
    addr: SocketAddr,
    sender: ip_addr,
    recv_interest: Interest::READABLE | Interest::ERROR,
    setup: concat!(
        "let socket = weft::net::UdpSocket::bind(\"127.0.0.1:0\").await?;\n",
        "let peer = weft::net::UdpSocket::bind(\"127.0.0.1:0\").await?;\n",
        "socket.connect(peer.local_addr()?).await?;\n",
        "peer.connect(socket.local_addr()?).await?;\n",
    ),
}
