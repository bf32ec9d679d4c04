//! The public surface `UdpSocket` and `UnixDatagram` share, written once.
//!
//! Both are distinct public types (Tokio's) over a `SocketIo` of their mio
//! socket; the readiness methods, the connected `send`/`recv` family and
//! the fd traits have the same signatures and the same one-line bodies on
//! both (mio's `send`/`recv` are inherent methods of each socket type, so
//! the same text calls the right one). What differs stays with the type:
//! addresses (`send_to`, `recv_from`, ...), `peek` (UDP only), options.
//! Why a macro rather than a generic type: see `net::stream_api`.
//!
//! [`datagram_api!`] takes the socket type, its address type and the
//! function that makes one from a `socket2::SockAddr` (for the `*_from`
//! receives, which go through socket2), the interest its waiting
//! receives wait for (Tokio's `UdpSocket` also wakes on `ERROR`, its
//! `UnixDatagram` does not), and `setup`: doc-test lines that bind `socket`
//! and `peer`, two sockets connected to each other.

/// The shared methods, `Debug` (the mio socket's), `AsRawFd` and `AsFd` of
/// `$socket`, which has an `io: SocketIo<_>` field.
macro_rules! datagram_api {
    (
        socket: $socket:ident,
        addr: $addr:ty,
        sender: $sender:path,
        recv_interest: $recv_interest:expr,
        setup: $setup:expr $(,)?
    ) => {
        impl $socket {
            /// Waits for any of the requested ready states. The result may
            /// be a false positive (a following `try_*` then returns
            /// `WouldBlock`). Cancel safe.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "use weft::io::Interest;\n",
                "let ready = socket.ready(Interest::READABLE | Interest::WRITABLE).await?;\n",
                "assert!(ready.is_writable());\n",
                "# drop(peer);\n",
            ))]
            pub async fn ready(
                &self,
                interest: $crate::io::Interest,
            ) -> std::io::Result<$crate::io::Ready> {
                let event = self.io.readiness(interest).await?;
                Ok(event.ready)
            }

            /// Waits for the socket to become readable (possibly a false
            /// positive). Cancel safe.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "peer.send(b\"a\").await?;\n",
                "socket.readable().await?;\n",
                "assert_eq!(socket.try_recv(&mut [0; 4])?, 1);\n",
            ))]
            pub async fn readable(&self) -> std::io::Result<()> {
                self.io.readiness($crate::io::Interest::READABLE).await?;
                Ok(())
            }

            /// Polls for read readiness: `Ready(Ok(()))` once the socket
            /// looks readable (possibly a false positive). Only the last
            /// task to poll is woken.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "use std::future::poll_fn;\n",
                "peer.send(b\"a\").await?;\n",
                "poll_fn(|cx| socket.poll_recv_ready(cx)).await?;\n",
                "assert_eq!(socket.try_recv(&mut [0; 4])?, 1);\n",
            ))]
            pub fn poll_recv_ready(
                &self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.io.poll_read_ready(cx)
            }

            /// Waits for the socket to become writable (possibly a false
            /// positive). Cancel safe.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "socket.writable().await?;\n",
                "assert_eq!(socket.try_send(b\"x\")?, 1);\n",
                "# drop(peer);\n",
            ))]
            pub async fn writable(&self) -> std::io::Result<()> {
                self.io.readiness($crate::io::Interest::WRITABLE).await?;
                Ok(())
            }

            /// Polls for write readiness: `Ready(Ok(()))` once the socket
            /// looks writable (possibly a false positive). Only the last
            /// task to poll is woken.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "use std::future::poll_fn;\n",
                "poll_fn(|cx| socket.poll_send_ready(cx)).await?;\n",
                "assert_eq!(socket.try_send(b\"x\")?, 1);\n",
                "# drop(peer);\n",
            ))]
            pub fn poll_send_ready(
                &self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.io.poll_write_ready(cx)
            }

            /// Sends one datagram to the connected peer; returns the number
            /// of bytes sent. Cancel safe.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "assert_eq!(socket.send(b\"hi\").await?, 2);\n",
                "let mut buf = [0; 4];\n",
                "assert_eq!(peer.recv(&mut buf).await?, 2);\n",
            ))]
            pub async fn send(&self, buf: &[u8]) -> std::io::Result<usize> {
                self.io
                    .async_io($crate::io::Interest::WRITABLE, || self.io.send(buf))
                    .await
            }

            /// Tries to send one datagram to the connected peer without
            /// waiting: `WouldBlock` if the socket is not writable
            /// (readiness is then cleared).
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "socket.writable().await?;\n",
                "assert_eq!(socket.try_send(b\"hi\")?, 2);\n",
                "assert_eq!(peer.recv(&mut [0; 4]).await?, 2);\n",
            ))]
            pub fn try_send(&self, buf: &[u8]) -> std::io::Result<usize> {
                self.io
                    .try_io($crate::io::Interest::WRITABLE, || self.io.send(buf))
            }

            /// Polls to send one datagram to the connected peer. Only the
            /// last task to poll is woken.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "use std::future::poll_fn;\n",
                "assert_eq!(poll_fn(|cx| socket.poll_send(cx, b\"hi\")).await?, 2);\n",
                "assert_eq!(peer.recv(&mut [0; 4]).await?, 2);\n",
            ))]
            pub fn poll_send(
                &self,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.io
                    .poll_io(cx, $crate::runtime::io::Direction::Write, || self.io.send(buf))
            }

            /// Receives one datagram from the connected peer; the excess
            /// bytes of a datagram larger than `buf` are discarded. Cancel
            /// safe.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "peer.send(b\"hello\").await?;\n",
                "let mut buf = [0; 8];\n",
                "let n = socket.recv(&mut buf).await?;\n",
                "assert_eq!(&buf[..n], b\"hello\");\n",
            ))]
            pub async fn recv(&self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.io
                    .async_io($recv_interest, || self.io.recv(buf))
                    .await
            }

            /// Tries to receive one datagram from the connected peer without
            /// waiting: `WouldBlock` if none is queued (readiness is then
            /// cleared).
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "let err = socket.try_recv(&mut [0; 4]).unwrap_err(); // nothing sent yet\n",
                "assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);\n",
                "peer.send(b\"hi\").await?;\n",
                "socket.readable().await?;\n",
                "assert_eq!(socket.try_recv(&mut [0; 4])?, 2);\n",
            ))]
            pub fn try_recv(&self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.io
                    .try_io($crate::io::Interest::READABLE, || self.io.recv(buf))
            }

            /// Polls to receive one datagram from the connected peer into
            /// `buf`'s unfilled part. Only the last task to poll is woken.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "use std::future::poll_fn;\n",
                "use weft::io::ReadBuf;\n",
                "peer.send(b\"hi\").await?;\n",
                "let mut storage = [0; 8];\n",
                "let mut buf = ReadBuf::new(&mut storage);\n",
                "poll_fn(|cx| socket.poll_recv(cx, &mut buf)).await?;\n",
                "assert_eq!(buf.filled(), b\"hi\");\n",
            ))]
            pub fn poll_recv(
                &self,
                cx: &mut std::task::Context<'_>,
                buf: &mut $crate::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.io
                    .poll_recv_datagram(cx, buf, |socket, dst| socket.recv(dst).map(|n| (n, ())))
            }

            /// Tries to receive one datagram from the connected peer into
            /// `buf`'s spare capacity without waiting, advancing `buf`.
            /// Errors as `try_recv`.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "peer.send(b\"abc\").await?;\n",
                "socket.readable().await?;\n",
                "let mut buf = Vec::with_capacity(8);\n",
                "assert_eq!(socket.try_recv_buf(&mut buf)?, 3);\n",
                "assert_eq!(buf, b\"abc\");\n",
            ))]
            #[cfg(feature = "io-util")]
            pub fn try_recv_buf<B: bytes::BufMut>(&self, buf: &mut B) -> std::io::Result<usize> {
                self.io
                    .try_recv_buf(buf, |socket, dst| socket.recv(dst).map(|n| (n, ())))
                    .map(|(n, ())| n)
            }

            /// Receives one datagram from the connected peer into `buf`'s
            /// spare capacity, advancing `buf`. Cancel safe.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "peer.send(b\"abc\").await?;\n",
                "let mut buf = Vec::with_capacity(8);\n",
                "assert_eq!(socket.recv_buf(&mut buf).await?, 3);\n",
                "assert_eq!(buf, b\"abc\");\n",
            ))]
            #[cfg(feature = "io-util")]
            pub async fn recv_buf<B: bytes::BufMut>(&self, buf: &mut B) -> std::io::Result<usize> {
                self.io
                    .recv_buf($recv_interest, buf, |socket, dst| socket.recv(dst).map(|n| (n, ())))
                    .await
                    .map(|(n, ())| n)
            }

            /// Polls to receive one datagram and its sender's address into
            /// `buf`'s unfilled part. Only the last task to poll is woken.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "use std::future::poll_fn;\n",
                "use weft::io::ReadBuf;\n",
                "peer.send(b\"abc\").await?;\n",
                "let mut storage = [0; 8];\n",
                "let mut buf = ReadBuf::new(&mut storage);\n",
                "let from = poll_fn(|cx| socket.poll_recv_from(cx, &mut buf)).await?;\n",
                "assert_eq!(buf.filled(), b\"abc\");\n",
                "assert_eq!(format!(\"{from:?}\"), format!(\"{:?}\", peer.local_addr()?));\n",
            ))]
            pub fn poll_recv_from(
                &self,
                cx: &mut std::task::Context<'_>,
                buf: &mut $crate::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<$addr>> {
                self.io.poll_recv_datagram(cx, buf, |socket, dst| {
                    let (n, addr) = socket.recv_from(dst)?;
                    Ok((n, $sender(&addr)?))
                })
            }

            /// Tries to receive one datagram and its sender's address into
            /// `buf`'s spare capacity without waiting, advancing `buf`.
            /// Errors as `try_recv`.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "peer.send(b\"abc\").await?;\n",
                "socket.readable().await?;\n",
                "let mut buf = Vec::with_capacity(8);\n",
                "let (n, from) = socket.try_recv_buf_from(&mut buf)?;\n",
                "assert_eq!((n, &buf[..]), (3, &b\"abc\"[..]));\n",
                "assert_eq!(format!(\"{from:?}\"), format!(\"{:?}\", peer.local_addr()?));\n",
            ))]
            #[cfg(feature = "io-util")]
            pub fn try_recv_buf_from<B: bytes::BufMut>(
                &self,
                buf: &mut B,
            ) -> std::io::Result<(usize, $addr)> {
                self.io.try_recv_buf(buf, |socket, dst| {
                    let (n, addr) = socket.recv_from(dst)?;
                    Ok((n, $sender(&addr)?))
                })
            }

            /// Receives one datagram and its sender's address into `buf`'s
            /// spare capacity, advancing `buf`. Cancel safe.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "peer.send(b\"abc\").await?;\n",
                "let mut buf = Vec::with_capacity(8);\n",
                "let (n, from) = socket.recv_buf_from(&mut buf).await?;\n",
                "assert_eq!((n, &buf[..]), (3, &b\"abc\"[..]));\n",
                "assert_eq!(format!(\"{from:?}\"), format!(\"{:?}\", peer.local_addr()?));\n",
            ))]
            #[cfg(feature = "io-util")]
            pub async fn recv_buf_from<B: bytes::BufMut>(
                &self,
                buf: &mut B,
            ) -> std::io::Result<(usize, $addr)> {
                self.io
                    .recv_buf($recv_interest, buf, |socket, dst| {
                        let (n, addr) = socket.recv_from(dst)?;
                        Ok((n, $sender(&addr)?))
                    })
                    .await
            }
        }

        $crate::net::socket_api::custom_io_api!(
            $socket,
            $setup,
            try_io: concat!(
                "use weft::io::Interest;\n",
                "socket.writable().await?;\n",
                "// Stand-in for a raw `send(2)`: the safe `try_send` does the same.\n",
                "let n = socket.try_io(Interest::WRITABLE, || socket.try_send(b\"hi\"))?;\n",
                "assert_eq!(n, 2);\n",
                "# drop(peer);\n",
            ),
            async_io: concat!(
                "use weft::io::Interest;\n",
                "peer.send(b\"hi\").await?;\n",
                "let mut buf = [0; 4];\n",
                "// Stand-in for a raw `recv(2)`: the safe `try_recv` does the same.\n",
                "let n = socket.async_io(Interest::READABLE, || socket.try_recv(&mut buf)).await?;\n",
                "assert_eq!(&buf[..n], b\"hi\");\n",
            ),
        );
        $crate::net::socket_api::socket_traits!($socket);
    };
}

pub(crate) use datagram_api;
