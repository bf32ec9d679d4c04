//! `UdpSocket` receives into `ReadBuf`s (poll forms) and growable buffers.

#[cfg(feature = "io-util")]
use crate::io::Interest;
use crate::io::ReadBuf;
use crate::net::UdpSocket;
#[cfg(feature = "io-util")]
use bytes::BufMut;
use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};

/// The IP address in `addr` (a UDP socket's peers always have one).
fn ip_addr(addr: &socket2::SockAddr) -> io::Result<SocketAddr> {
    addr.as_socket()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not an IP address"))
}

impl UdpSocket {
    /// Polls to receive one datagram and its sender into `buf`.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// peer.send_to(b"abc", sock.local_addr()?).await?;
    /// let mut storage = [0; 8];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// let from = std::future::poll_fn(|cx| sock.poll_recv_from(cx, &mut buf)).await?;
    /// assert_eq!((buf.filled(), from), (&b"abc"[..], peer.local_addr()?));
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        self.io.poll_recv_datagram(cx, buf, |socket, dst| {
            let (n, addr) = socket.recv_from(dst)?;
            Ok((n, ip_addr(&addr)?))
        })
    }

    /// Polls to peek at the next datagram from the connected peer into `buf`.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// sock.connect(peer.local_addr()?).await?;
    /// peer.send_to(b"abc", sock.local_addr()?).await?;
    /// let mut storage = [0; 8];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// std::future::poll_fn(|cx| sock.poll_peek(cx, &mut buf)).await?;
    /// assert_eq!(buf.filled(), b"abc");
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_peek(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        self.io
            .poll_recv_datagram(cx, buf, |socket, dst| socket.peek(dst).map(|n| (n, ())))
    }

    /// Polls to peek at the next datagram and its sender into `buf`.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// peer.send_to(b"abc", sock.local_addr()?).await?;
    /// let mut storage = [0; 8];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// let from = std::future::poll_fn(|cx| sock.poll_peek_from(cx, &mut buf)).await?;
    /// assert_eq!(from, peer.local_addr()?);
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_peek_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        self.io.poll_recv_datagram(cx, buf, |socket, dst| {
            let (n, addr) = socket.peek_from(dst)?;
            Ok((n, ip_addr(&addr)?))
        })
    }

    /// Tries to receive one datagram and its sender into `buf`'s spare capacity
    /// without waiting.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// peer.send_to(b"abc", sock.local_addr()?).await?;
    /// sock.readable().await?;
    /// let mut buf = Vec::with_capacity(16);
    /// assert_eq!(sock.try_recv_buf_from(&mut buf)?, (3, peer.local_addr()?));
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "io-util")]
    pub fn try_recv_buf_from<B: BufMut>(&self, buf: &mut B) -> io::Result<(usize, SocketAddr)> {
        self.io.try_recv_buf(buf, |socket, dst| {
            let (n, addr) = socket.recv_from(dst)?;
            Ok((n, ip_addr(&addr)?))
        })
    }

    /// Receives one datagram and its sender into `buf`'s spare capacity.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let sock = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// let peer = weft::net::UdpSocket::bind("127.0.0.1:0").await?;
    /// peer.send_to(b"abc", sock.local_addr()?).await?;
    /// let mut buf = Vec::with_capacity(16);
    /// assert_eq!(sock.recv_buf_from(&mut buf).await?, (3, peer.local_addr()?));
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "io-util")]
    pub async fn recv_buf_from<B: BufMut>(&self, buf: &mut B) -> io::Result<(usize, SocketAddr)> {
        self.io
            .recv_buf(Interest::READABLE | Interest::ERROR, buf, |socket, dst| {
                let (n, addr) = socket.recv_from(dst)?;
                Ok((n, ip_addr(&addr)?))
            })
            .await
    }
}
