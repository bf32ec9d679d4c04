//! `UdpSocket`'s peeks into `ReadBuf`s (the poll forms; the receives are in
//! `net::datagram_api`, shared with `UnixDatagram`).

use crate::io::ReadBuf;
use crate::net::udp::ip_addr;
use crate::net::UdpSocket;
use std::io;
use std::net::SocketAddr;
use std::task::{Context, Poll};

impl UdpSocket {
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
}
