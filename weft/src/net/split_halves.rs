//! The read and write halves of a stream socket, written once for
//! `TcpStream` and `UnixStream`.
//!
//! Tokio has four distinct public half types per stream (`tcp::ReadHalf<'a>`,
//! `tcp::WriteHalf<'a>`, `tcp::OwnedReadHalf`, `tcp::OwnedWriteHalf`, and
//! the same in `unix`), each with its own rustdoc page. The work behind
//! every half method is already shared (`StreamIo`, reached through
//! `AsRef<Stream>`); what is left is the public surface: the same methods,
//! doc examples and trait impls on eight types.
//!
//! A generic `ReadHalf<'a, S>` behind type aliases would have said it once
//! too, but rustdoc shows no method on an alias whose target is private,
//! and making the generic type public would add API Tokio does not have.
//! So the half *types* stay declared by hand in `tcp::split{,_owned}` and
//! `unix::split{,_owned}`, and the macros here write their shared methods,
//! with examples built from a per-stream setup snippet, and trait impls:
//!
//! - [`borrowed_halves!`]: `ReadHalf`/`WriteHalf` of `Stream::split`;
//! - [`owned_halves!`]: `OwnedReadHalf`/`OwnedWriteHalf` of
//!   `Stream::into_split`, with `reunite`, `forget`, shutdown on drop and
//!   `ReuniteError`'s `Display`/`Error`.
//!
//! The methods a half has only for one socket kind (TCP's `peek`) or whose
//! types differ (the addresses) stay next to the type, written by hand.
//!
//! Each invocation names the stream type, the half types, the method
//! that makes them (`split` or `into_split`), and `setup`: doc-test lines
//! that bind `stream` (the stream to split, `mut`) and `peer` (its
//! connected other end, a full stream).

/// One doc example: a `current_thread` main around `setup` then `body`.
macro_rules! half_example {
    ($setup:expr, $body:expr) => {
        concat!(
            "```\n",
            "# #[weft::main(flavor = \"current_thread\")]\n",
            "# async fn main() -> std::io::Result<()> {\n",
            $setup,
            $body,
            "# Ok(())\n",
            "# }\n",
            "```",
        )
    };
}

/// "See [`Stream::method`]." with a link that resolves wherever the macro
/// is expanded.
macro_rules! see_stream {
    ($stream:ident, $method:literal) => {
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

/// The methods and `AsyncRead`/`AsRef` impls every read half has. `$split`
/// makes `(read, _write)` from `stream`.
macro_rules! read_half_api {
    ($stream:ident, $read:ty, $split:literal, $setup:expr) => {
        impl $read {
            /// Waits for any of the requested ready states (possibly a false
            /// positive). Cancel safe.
            #[doc = $crate::net::split_halves::see_stream!($stream, "ready")]
            ///
            #[doc = $crate::net::split_halves::half_example!($setup, concat!(
                "use weft::io::Interest;\n",
                "let (read, _write) = stream.", $split, "();\n",
                "assert!(read.ready(Interest::WRITABLE).await?.is_writable());\n",
            ))]
            pub async fn ready(&self, interest: $crate::io::Interest) -> std::io::Result<$crate::io::Ready> {
                AsRef::<$stream>::as_ref(self).io.ready(interest).await
            }

            /// Waits for the socket to become readable (possibly a false
            /// positive). Cancel safe.
            #[doc = $crate::net::split_halves::see_stream!($stream, "readable")]
            ///
            #[doc = $crate::net::split_halves::half_example!($setup, concat!(
                "peer.try_write(b\"a\")?;\n",
                "let (read, _write) = stream.", $split, "();\n",
                "read.readable().await?;\n",
                "assert_eq!(read.try_read(&mut [0; 4])?, 1);\n",
            ))]
            pub async fn readable(&self) -> std::io::Result<()> {
                AsRef::<$stream>::as_ref(self).io.readable().await
            }

            /// Tries to read without waiting: `WouldBlock` if no data is
            /// available (readiness is then cleared), `Ok(0)` at end of
            /// stream.
            #[doc = $crate::net::split_halves::see_stream!($stream, "try_read")]
            ///
            #[doc = $crate::net::split_halves::half_example!($setup, concat!(
                "let (read, _write) = stream.", $split, "();\n",
                "let err = read.try_read(&mut [0; 4]).unwrap_err(); // nothing sent yet\n",
                "assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);\n",
                "# drop(peer);\n",
            ))]
            pub fn try_read(&self, buf: &mut [u8]) -> std::io::Result<usize> {
                AsRef::<$stream>::as_ref(self).io.try_read(buf)
            }

            /// Tries to read into several buffers without waiting.
            #[doc = $crate::net::split_halves::see_stream!($stream, "try_read_vectored")]
            ///
            #[doc = $crate::net::split_halves::half_example!($setup, concat!(
                "use std::io::IoSliceMut;\n",
                "peer.try_write(b\"abcdef\")?;\n",
                "let (read, _write) = stream.", $split, "();\n",
                "read.readable().await?;\n",
                "let (mut a, mut b) = ([0; 4], [0; 4]);\n",
                "let n = read.try_read_vectored(&mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)])?;\n",
                "assert_eq!((n, &a, &b[..2]), (6, b\"abcd\", &b\"ef\"[..]));\n",
            ))]
            pub fn try_read_vectored(&self, bufs: &mut [std::io::IoSliceMut<'_>]) -> std::io::Result<usize> {
                AsRef::<$stream>::as_ref(self).io.try_read_vectored(bufs)
            }

            /// Tries to read into `buf`'s spare capacity without waiting,
            /// advancing it by the number of bytes read.
            #[doc = $crate::net::split_halves::see_stream!($stream, "try_read_buf")]
            ///
            #[doc = $crate::net::split_halves::half_example!($setup, concat!(
                "peer.try_write(b\"abc\")?;\n",
                "let (read, _write) = stream.", $split, "();\n",
                "read.readable().await?;\n",
                "let mut buf = Vec::with_capacity(8);\n",
                "assert_eq!(read.try_read_buf(&mut buf)?, 3);\n",
                "assert_eq!(buf, b\"abc\");\n",
            ))]
            #[cfg(feature = "io-util")]
            pub fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> std::io::Result<usize> {
                AsRef::<$stream>::as_ref(self).io.try_read_buf(buf)
            }
        }

        impl $crate::io::AsyncRead for $read {
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

/// The methods and the `AsyncWrite` impl every write half has. The half
/// type provides `fn shutdown_now(&mut self) -> io::Result<()>` for
/// `poll_shutdown`.
macro_rules! write_half_api {
    ($stream:ident, $write:ty, $split:literal, $setup:expr) => {
        impl $write {
            /// Waits for any of the requested ready states (possibly a false
            /// positive). Cancel safe.
            #[doc = $crate::net::split_halves::see_stream!($stream, "ready")]
            ///
            #[doc = $crate::net::split_halves::half_example!($setup, concat!(
                "use weft::io::Interest;\n",
                "let (_read, write) = stream.", $split, "();\n",
                "assert!(write.ready(Interest::WRITABLE).await?.is_writable());\n",
            ))]
            pub async fn ready(&self, interest: $crate::io::Interest) -> std::io::Result<$crate::io::Ready> {
                AsRef::<$stream>::as_ref(self).io.ready(interest).await
            }

            /// Waits for the socket to become writable (possibly a false
            /// positive). Cancel safe.
            #[doc = $crate::net::split_halves::see_stream!($stream, "writable")]
            ///
            #[doc = $crate::net::split_halves::half_example!($setup, concat!(
                "let (_read, write) = stream.", $split, "();\n",
                "write.writable().await?;\n",
                "assert_eq!(write.try_write(b\"x\")?, 1);\n",
            ))]
            pub async fn writable(&self) -> std::io::Result<()> {
                AsRef::<$stream>::as_ref(self).io.writable().await
            }

            /// Tries to write without waiting: `WouldBlock` if the send
            /// buffer is full (readiness is then cleared).
            #[doc = $crate::net::split_halves::see_stream!($stream, "try_write")]
            ///
            #[doc = $crate::net::split_halves::half_example!($setup, concat!(
                "let (_read, write) = stream.", $split, "();\n",
                "write.writable().await?;\n",
                "assert_eq!(write.try_write(b\"abc\")?, 3);\n",
                "peer.readable().await?;\n",
                "assert_eq!(peer.try_read(&mut [0; 8])?, 3);\n",
            ))]
            pub fn try_write(&self, buf: &[u8]) -> std::io::Result<usize> {
                AsRef::<$stream>::as_ref(self).io.try_write(buf)
            }

            /// Tries to write from several buffers without waiting.
            #[doc = $crate::net::split_halves::see_stream!($stream, "try_write_vectored")]
            ///
            #[doc = $crate::net::split_halves::half_example!($setup, concat!(
                "use std::io::IoSlice;\n",
                "let (_read, write) = stream.", $split, "();\n",
                "write.writable().await?;\n",
                "let n = write.try_write_vectored(&[IoSlice::new(b\"ab\"), IoSlice::new(b\"cd\")])?;\n",
                "assert_eq!(n, 4);\n",
                "# drop(peer);\n",
            ))]
            pub fn try_write_vectored(&self, bufs: &[std::io::IoSlice<'_>]) -> std::io::Result<usize> {
                AsRef::<$stream>::as_ref(self).io.try_write_vectored(bufs)
            }
        }

        impl $crate::io::AsyncWrite for $write {
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
                AsRef::<$stream>::as_ref(&*self).io.poll_write_vectored(cx, bufs)
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

/// `Stream::split`'s halves: `$read(&'a Stream)` and `$write(&'a Stream)`.
/// Shutting the write half down shuts the stream's write direction down.
macro_rules! borrowed_halves {
    (
        stream: $stream:ident,
        read: $read:ident,
        write: $write:ident,
        setup: $setup:expr $(,)?
    ) => {
        pub(crate) fn split(stream: &mut $stream) -> ($read<'_>, $write<'_>) {
            ($read(stream), $write(stream))
        }

        $crate::net::split_halves::read_half_api!($stream, $read<'_>, "split", $setup);
        $crate::net::split_halves::write_half_api!($stream, $write<'_>, "split", $setup);

        impl $write<'_> {
            /// Shuts down the write direction of the whole stream.
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
            #[doc = $crate::net::split_halves::half_example!($setup, concat!(
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
            #[doc = $crate::net::split_halves::half_example!($setup, concat!(
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
            #[doc = $crate::net::split_halves::half_example!($setup, concat!(
                        "let (read, write) = stream.into_split();\n",
                        "write.forget();\n",
                        "// No end of stream: the peer's read still has nothing to return.\n",
                        "assert!(peer.try_read(&mut [0; 1]).is_err());\n",
                        "# drop(read);\n",
                    ))]
            pub fn forget(mut self) {
                self.shutdown_on_drop = false;
                drop(self);
            }

            /// What `AsyncWrite::poll_shutdown` does: shut the write
            /// direction down now (and not again on drop).
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

        $crate::net::split_halves::read_half_api!($stream, $read, "into_split", $setup);
        $crate::net::split_halves::write_half_api!($stream, $write, "into_split", $setup);

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

pub(crate) use borrowed_halves;
pub(crate) use half_example;
pub(crate) use owned_halves;
pub(crate) use read_half_api;
pub(crate) use see_stream;
pub(crate) use write_half_api;
