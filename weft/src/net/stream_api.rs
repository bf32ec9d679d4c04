//! The public surface `TcpStream`, `UnixStream` and their split halves
//! share, written once.
//!
//! Tokio has ten public types here (`TcpStream`, `UnixStream`, and per
//! stream `ReadHalf<'a>`, `WriteHalf<'a>`, `OwnedReadHalf`, `OwnedWriteHalf`),
//! each with its own rustdoc page listing the same readiness methods. The
//! work behind every one of them is in one place already (`SocketIo`,
//! reached through `AsRef<Stream>`); what is left is the surface: the same
//! signatures, doc examples and trait impls on ten types.
//!
//! Why macros and not a generic `ReadHalf<'a, S>` behind type aliases:
//! rustdoc shows no method on an alias whose target is private, and making
//! the generic type public would add API that Tokio does not have. So the
//! types stay declared by hand next to their stream (`tcp::split`,
//! `unix::split_owned`, ...), and the macros below write their shared
//! methods and trait impls, with a doc example per type built from a
//! per-stream setup snippet. What one socket kind has alone (TCP's `peek`)
//! stays next to the type; the address methods take the kind's address
//! type as a parameter (`addr:`).
//!
//! The entry points:
//! - [`stream_api!`]: the readiness methods, `AsyncRead`/`AsyncWrite` and
//!   the fd traits of `TcpStream`/`UnixStream`;
//! - [`borrowed_halves!`]: `ReadHalf`/`WriteHalf` of `Stream::split`
//!   (through [`halves_api!`], shared with the owned halves);
//! - [`owned_halves!`]: `OwnedReadHalf`/`OwnedWriteHalf` of
//!   `Stream::into_split`, with `reunite`, `forget`, shutdown on drop and
//!   `ReuniteError`'s `Display`/`Error`.
//!
//! Each names the stream type and `setup`: doc-test lines that bind
//! `stream` (the stream, `mut`) and `peer` (its connected other end, a
//! stream assumed writable, so that `peer.try_write` succeeds at once).
//! Inside, every generated method is described by the type it goes on
//! (`$ty`), the binding its example calls it on (`$this`: `"stream"`,
//! `"read"`, `"write"`) and the example line that makes that binding
//! from `stream` (`$prelude`).

/// On a half, "See [`Stream::method`]." (a link that resolves wherever the
/// macro is expanded); on the stream itself, nothing.
macro_rules! see_stream {
    (stream, $stream:ident, $method:literal) => {
        ""
    };
    (half, $stream:ident, $method:literal) => {
        concat!(
            "See [`",
            stringify!($stream),
            "::",
            $method,
            "`](crate::net::",
            stringify!($stream),
            "::",
            $method,
            ")."
        )
    };
}

/// `ready`: on the stream and on both kinds of half.
macro_rules! ready_api {
    ($kind:ident, $stream:ident, $ty:ty, $this:literal, $prelude:expr, $setup:expr) => {
        impl $ty {
            /// Waits for any of the requested ready states. The result may
            /// be a false positive (a following `try_*` then returns
            /// `WouldBlock`). Cancel safe.
            #[doc = $crate::net::stream_api::see_stream!($kind, $stream, "ready")]
            ///
            #[doc = $crate::net::socket_api::example!($setup, $prelude, concat!(
                "use weft::io::Interest;\n",
                "let ready = ", $this, ".ready(Interest::READABLE | Interest::WRITABLE).await?;\n",
                "assert!(ready.is_writable());\n",
            ))]
            pub async fn ready(
                &self,
                interest: $crate::io::Interest,
            ) -> std::io::Result<$crate::io::Ready> {
                let event = AsRef::<$stream>::as_ref(self).io.readiness(interest).await?;
                Ok(event.ready)
            }
        }
    };
}

/// The read methods and `AsyncRead`: on the stream and its read halves.
macro_rules! read_api {
    ($kind:ident, $stream:ident, $ty:ty, $this:literal, $prelude:expr, $setup:expr) => {
        impl $ty {
            /// Waits for the socket to become readable (possibly a false
            /// positive). Cancel safe.
            #[doc = $crate::net::stream_api::see_stream!($kind, $stream, "readable")]
            ///
            #[doc = $crate::net::socket_api::example!($setup, $prelude, concat!(
                "peer.try_write(b\"a\")?;\n",
                $this, ".readable().await?;\n",
                "assert_eq!(", $this, ".try_read(&mut [0; 4])?, 1);\n",
            ))]
            pub async fn readable(&self) -> std::io::Result<()> {
                AsRef::<$stream>::as_ref(self).io.readiness($crate::io::Interest::READABLE).await?;
                Ok(())
            }

            /// Tries to read into `buf` without waiting: `WouldBlock` if no
            /// data is available (readiness is then cleared), `Ok(0)` at end
            /// of stream.
            #[doc = $crate::net::stream_api::see_stream!($kind, $stream, "try_read")]
            ///
            #[doc = $crate::net::socket_api::example!($setup, $prelude, concat!(
                "let err = ", $this, ".try_read(&mut [0; 4]).unwrap_err(); // nothing sent yet\n",
                "assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);\n",
                "peer.try_write(b\"hi\")?;\n",
                $this, ".readable().await?;\n",
                "let mut buf = [0; 4];\n",
                "assert_eq!(", $this, ".try_read(&mut buf)?, 2);\n",
            ))]
            pub fn try_read(&self, buf: &mut [u8]) -> std::io::Result<usize> {
                AsRef::<$stream>::as_ref(self).io.try_read(buf)
            }

            /// Like `try_read`, into several buffers, filled in order.
            #[doc = $crate::net::stream_api::see_stream!($kind, $stream, "try_read_vectored")]
            ///
            #[doc = $crate::net::socket_api::example!($setup, $prelude, concat!(
                "use std::io::IoSliceMut;\n",
                "peer.try_write(b\"abcdef\")?;\n",
                $this, ".readable().await?;\n",
                "let (mut a, mut b) = ([0; 4], [0; 4]);\n",
                "let mut bufs = [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)];\n",
                "assert_eq!(", $this, ".try_read_vectored(&mut bufs)?, 6);\n",
                "assert_eq!((&a, &b[..2]), (b\"abcd\", &b\"ef\"[..]));\n",
            ))]
            pub fn try_read_vectored(
                &self,
                bufs: &mut [std::io::IoSliceMut<'_>],
            ) -> std::io::Result<usize> {
                AsRef::<$stream>::as_ref(self).io.try_read_vectored(bufs)
            }

            /// Tries to read into `buf`'s spare capacity without waiting,
            /// advancing it by the number of bytes read. Errors as
            /// `try_read`.
            #[doc = $crate::net::stream_api::see_stream!($kind, $stream, "try_read_buf")]
            ///
            #[doc = $crate::net::socket_api::example!($setup, $prelude, concat!(
                "peer.try_write(b\"abc\")?;\n",
                $this, ".readable().await?;\n",
                "let mut buf = Vec::with_capacity(8);\n",
                "assert_eq!(", $this, ".try_read_buf(&mut buf)?, 3);\n",
                "assert_eq!(buf, b\"abc\");\n",
            ))]
            #[cfg(feature = "io-util")]
            pub fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> std::io::Result<usize> {
                AsRef::<$stream>::as_ref(self).io.try_read_buf(buf)
            }
        }

        impl $crate::io::AsyncRead for $ty {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut $crate::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                AsRef::<$stream>::as_ref(&*self).io.poll_read(cx, buf)
            }
        }
    };
}

/// The write methods and `AsyncWrite`: on the stream and its write halves.
/// The type provides `fn shutdown_now(&mut self) -> io::Result<()>` for
/// `poll_shutdown`.
macro_rules! write_api {
    ($kind:ident, $stream:ident, $ty:ty, $this:literal, $prelude:expr, $setup:expr) => {
        impl $ty {
            /// Waits for the socket to become writable (possibly a false
            /// positive). Cancel safe.
            #[doc = $crate::net::stream_api::see_stream!($kind, $stream, "writable")]
            ///
            #[doc = $crate::net::socket_api::example!($setup, $prelude, concat!(
                                $this, ".writable().await?;\n",
                                "assert_eq!(", $this, ".try_write(b\"x\")?, 1);\n",
                                "# drop(peer);\n",
                            ))]
            pub async fn writable(&self) -> std::io::Result<()> {
                AsRef::<$stream>::as_ref(self).io.readiness($crate::io::Interest::WRITABLE).await?;
                Ok(())
            }

            /// Tries to write `buf` without waiting: `WouldBlock` if the
            /// send buffer is full (readiness is then cleared); otherwise
            /// the number of bytes written, possibly fewer than `buf.len()`.
            #[doc = $crate::net::stream_api::see_stream!($kind, $stream, "try_write")]
            ///
            #[doc = $crate::net::socket_api::example!($setup, $prelude, concat!(
                                $this, ".writable().await?;\n",
                                "assert_eq!(", $this, ".try_write(b\"abc\")?, 3);\n",
                                "peer.readable().await?;\n",
                                "assert_eq!(peer.try_read(&mut [0; 8])?, 3);\n",
                            ))]
            pub fn try_write(&self, buf: &[u8]) -> std::io::Result<usize> {
                AsRef::<$stream>::as_ref(self).io.try_write(buf)
            }

            /// Like `try_write`, from several buffers, taken in order.
            #[doc = $crate::net::stream_api::see_stream!($kind, $stream, "try_write_vectored")]
            ///
            #[doc = $crate::net::socket_api::example!($setup, $prelude, concat!(
                                "use std::io::IoSlice;\n",
                                $this, ".writable().await?;\n",
                                "let bufs = [IoSlice::new(b\"ab\"), IoSlice::new(b\"cd\")];\n",
                                "assert_eq!(", $this, ".try_write_vectored(&bufs)?, 4);\n",
                                "# drop(peer);\n",
                            ))]
            pub fn try_write_vectored(
                &self,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::io::Result<usize> {
                AsRef::<$stream>::as_ref(self).io.try_write_vectored(bufs)
            }
        }

        impl $crate::io::AsyncWrite for $ty {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                AsRef::<$stream>::as_ref(&*self).io.poll_write(cx, buf)
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                AsRef::<$stream>::as_ref(&*self)
                    .io
                    .poll_write_vectored(cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            fn poll_flush(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                // Writes go straight to the kernel; there is nothing to flush.
                std::task::Poll::Ready(Ok(()))
            }

            fn poll_shutdown(
                self: std::pin::Pin<&mut Self>,
                _cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                std::task::Poll::Ready(self.get_mut().shutdown_now())
            }
        }
    };
}

/// `peer_addr` and `local_addr`: on every half (the stream has its own,
/// documented with its kind's address type).
macro_rules! addr_api {
    ($stream:ident, $ty:ty, $addr:ty, $this:literal, $prelude:expr, $setup:expr) => {
        impl $ty {
            /// Returns the address of the remote end of the stream.
            #[doc = $crate::net::stream_api::see_stream!(half, $stream, "peer_addr")]
            ///
            #[doc = $crate::net::socket_api::example!($setup, $prelude, concat!(
                "let addr = ", $this, ".peer_addr()?;\n",
                "assert_eq!(format!(\"{addr:?}\"), format!(\"{:?}\", peer.local_addr()?));\n",
            ))]
            pub fn peer_addr(&self) -> std::io::Result<$addr> {
                AsRef::<$stream>::as_ref(self).peer_addr()
            }

            /// Returns the address of the local end of the stream.
            #[doc = $crate::net::stream_api::see_stream!(half, $stream, "local_addr")]
            ///
            #[doc = $crate::net::socket_api::example!($setup, $prelude, concat!(
                "let addr = ", $this, ".local_addr()?;\n",
                "assert_eq!(format!(\"{addr:?}\"), format!(\"{:?}\", peer.peer_addr()?));\n",
            ))]
            pub fn local_addr(&self) -> std::io::Result<$addr> {
                AsRef::<$stream>::as_ref(self).local_addr()
            }
        }
    };
}

/// Everything the pair of halves `Stream::$split` makes shares: `ready`,
/// the read or the write methods and trait impls, the addresses. The
/// examples bind the half they call as `read` or `write`.
macro_rules! halves_api {
    ($stream:ident, $addr:ty, $read:ty, $write:ty, $split:literal, $setup:expr) => {
        $crate::net::stream_api::halves_api!(@read $stream, $addr, $read, $split, $setup,
            concat!("let (read, _write) = stream.", $split, "();\n"));
        $crate::net::stream_api::halves_api!(@write $stream, $addr, $write, $split, $setup,
            concat!("let (_read, write) = stream.", $split, "();\n"));
    };
    (@read $stream:ident, $addr:ty, $ty:ty, $split:literal, $setup:expr, $prelude:expr) => {
        $crate::net::stream_api::ready_api!(half, $stream, $ty, "read", $prelude, $setup);
        $crate::net::stream_api::read_api!(half, $stream, $ty, "read", $prelude, $setup);
        $crate::net::stream_api::addr_api!($stream, $ty, $addr, "read", $prelude, $setup);
    };
    (@write $stream:ident, $addr:ty, $ty:ty, $split:literal, $setup:expr, $prelude:expr) => {
        $crate::net::stream_api::ready_api!(half, $stream, $ty, "write", $prelude, $setup);
        $crate::net::stream_api::write_api!(half, $stream, $ty, "write", $prelude, $setup);
        $crate::net::stream_api::addr_api!($stream, $ty, $addr, "write", $prelude, $setup);
    };
}

/// What `TcpStream` and `UnixStream` themselves share: `ready`, the read
/// and write methods, `poll_{read,write}_ready`, `try_io`, `async_io`,
/// `AsyncRead`/`AsyncWrite`, `Debug` (the mio socket's), `AsRef<Self>`,
/// `AsRawFd` and `AsFd` (the last three through `socket_api`). The stream has an `io: SocketIo<_>` field.
macro_rules! stream_api {
    (stream: $stream:ident, setup: $setup:expr $(,)?) => {
        $crate::net::stream_api::ready_api!(stream, $stream, $stream, "stream", "", $setup);
        $crate::net::stream_api::read_api!(stream, $stream, $stream, "stream", "", $setup);
        $crate::net::stream_api::write_api!(stream, $stream, $stream, "stream", "", $setup);

        impl $stream {
            /// Polls for read readiness: `Ready(Ok(()))` once the socket
            /// looks readable (possibly a false positive). Only the last
            /// task to poll is woken.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "use std::future::poll_fn;\n",
                "peer.try_write(b\"x\")?;\n",
                "poll_fn(|cx| stream.poll_read_ready(cx)).await?;\n",
                "assert_eq!(stream.try_read(&mut [0; 4])?, 1);\n",
            ))]
            pub fn poll_read_ready(
                &self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.io.poll_read_ready(cx)
            }

            /// Polls for write readiness: `Ready(Ok(()))` once the socket
            /// looks writable (possibly a false positive). Only the last
            /// task to poll is woken.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                "use std::future::poll_fn;\n",
                "poll_fn(|cx| stream.poll_write_ready(cx)).await?;\n",
                "assert_eq!(stream.try_write(b\"x\")?, 1);\n",
                "# drop(peer);\n",
            ))]
            pub fn poll_write_ready(
                &self,
                cx: &mut std::task::Context<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.io.poll_write_ready(cx)
            }

            /// `AsyncWrite::poll_shutdown`: shuts the write direction down.
            fn shutdown_now(&mut self) -> std::io::Result<()> {
                self.io.shutdown_write()
            }
        }

        impl AsRef<Self> for $stream {
            fn as_ref(&self) -> &Self {
                self
            }
        }

        $crate::net::socket_api::custom_io_api!(
            $stream,
            $setup,
            try_io: concat!(
                "use weft::io::Interest;\n",
                "stream.writable().await?;\n",
                "// Stand-in for a raw `send(2)`: the safe `try_write` does the same.\n",
                "let n = stream.try_io(Interest::WRITABLE, || stream.try_write(b\"hi\"))?;\n",
                "assert_eq!(n, 2);\n",
                "# drop(peer);\n",
            ),
            async_io: concat!(
                "use weft::io::Interest;\n",
                "peer.try_write(b\"hi\")?;\n",
                "let mut buf = [0; 4];\n",
                "// Stand-in for a raw `recv(2)`: the safe `try_read` does the same.\n",
                "let n = stream.async_io(Interest::READABLE, || stream.try_read(&mut buf)).await?;\n",
                "assert_eq!(&buf[..n], b\"hi\");\n",
            ),
        );
        $crate::net::socket_api::socket_traits!($stream);
    };
}

/// `Stream::split`'s halves: `$read<'a>(&'a Stream)` and
/// `$write<'a>(&'a Stream)`. Shutting the write half down shuts the whole
/// stream's write direction down.
macro_rules! borrowed_halves {
    (
        stream: $stream:ident,
        addr: $addr:ty,
        read: $read:ident,
        write: $write:ident,
        setup: $setup:expr $(,)?
    ) => {
        pub(crate) fn split(stream: &mut $stream) -> ($read<'_>, $write<'_>) {
            ($read(stream), $write(stream))
        }

        $crate::net::stream_api::halves_api!(
            $stream,
            $addr,
            $read<'_>,
            $write<'_>,
            "split",
            $setup
        );

        impl $write<'_> {
            /// `AsyncWrite::poll_shutdown`: shuts the write direction of the
            /// whole stream down.
            fn shutdown_now(&mut self) -> std::io::Result<()> {
                self.0.io.shutdown_write()
            }
        }

        impl AsRef<$stream> for $read<'_> {
            fn as_ref(&self) -> &$stream {
                self.0
            }
        }

        impl AsRef<$stream> for $write<'_> {
            fn as_ref(&self) -> &$stream {
                self.0
            }
        }
    };
}

/// `Stream::into_split`'s halves: `$read { inner: Arc<Stream> }` and
/// `$write { inner: Arc<Stream>, shutdown_on_drop: bool }`, and
/// `$error($read, $write)`, the `reunite` error.
macro_rules! owned_halves {
    (
        stream: $stream:ident,
        addr: $addr:ty,
        read: $read:ident,
        write: $write:ident,
        error: $error:ident,
        setup: $setup:expr $(,)?
    ) => {
        pub(crate) fn split_owned(stream: $stream) -> ($read, $write) {
            let arc = $crate::loom::sync::Arc::new(stream);
            let read = $read { inner: arc.clone() };
            let write = $write {
                inner: arc,
                shutdown_on_drop: true,
            };
            (read, write)
        }

        fn reunite(read: $read, write: $write) -> Result<$stream, $error> {
            if $crate::loom::sync::Arc::ptr_eq(&read.inner, &write.inner) {
                write.forget();
                // Only `read` holds the Arc now.
                Ok(
                    $crate::loom::sync::Arc::try_unwrap(read.inner).expect(concat!(
                        stringify!($stream),
                        ": try_unwrap failed in reunite"
                    )),
                )
            } else {
                Err($error(read, write))
            }
        }

        impl std::fmt::Display for $error {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("tried to reunite halves that are not from the same socket")
            }
        }

        impl std::error::Error for $error {}

        impl $read {
            /// Puts the two halves of one stream back together; fails with
            /// both halves back if they come from different streams.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                        "let (read, write) = stream.into_split();\n",
                        "let stream = read.reunite(write).expect(\"halves of one stream\");\n",
                        "assert!(stream.local_addr().is_ok());\n",
                        "# drop(peer);\n",
                    ))]
            pub fn reunite(self, other: $write) -> Result<$stream, $error> {
                reunite(self, other)
            }
        }

        impl $write {
            /// Puts the two halves of one stream back together; fails with
            /// both halves back if they come from different streams.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                        "let (read, write) = stream.into_split();\n",
                        "let stream = write.reunite(read).expect(\"halves of one stream\");\n",
                        "assert!(stream.local_addr().is_ok());\n",
                        "# drop(peer);\n",
                    ))]
            pub fn reunite(self, other: $read) -> Result<$stream, $error> {
                reunite(other, self)
            }

            /// Drops the write half without shutting down the write
            /// direction; the stream closes when the read half is dropped
            /// too.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", concat!(
                        "let (read, write) = stream.into_split();\n",
                        "write.forget();\n",
                        "// No end of stream: the peer still has nothing to read.\n",
                        "let err = peer.try_read(&mut [0; 1]).unwrap_err();\n",
                        "assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);\n",
                        "# drop(read);\n",
                    ))]
            pub fn forget(mut self) {
                self.shutdown_on_drop = false;
                drop(self);
            }

            /// `AsyncWrite::poll_shutdown`: shuts the write direction down
            /// now (and not again on drop).
            fn shutdown_now(&mut self) -> std::io::Result<()> {
                let res = self.inner.io.shutdown_write();
                if res.is_ok() {
                    self.shutdown_on_drop = false;
                }
                res
            }
        }

        impl Drop for $write {
            fn drop(&mut self) {
                if self.shutdown_on_drop {
                    let _ = self.inner.io.shutdown_write();
                }
            }
        }

        $crate::net::stream_api::halves_api!($stream, $addr, $read, $write, "into_split", $setup);

        impl AsRef<$stream> for $read {
            fn as_ref(&self) -> &$stream {
                &self.inner
            }
        }

        impl AsRef<$stream> for $write {
            fn as_ref(&self) -> &$stream {
                &self.inner
            }
        }
    };
}

pub(crate) use addr_api;
pub(crate) use borrowed_halves;
pub(crate) use halves_api;
pub(crate) use owned_halves;
pub(crate) use read_api;
pub(crate) use ready_api;
pub(crate) use see_stream;
pub(crate) use stream_api;
pub(crate) use write_api;
