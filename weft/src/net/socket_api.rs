//! What the public surface of every `SocketIo`-backed type shares:
//! `TcpStream`, `UnixStream` (see `stream_api`), `UdpSocket` and
//! `UnixDatagram` (see `datagram_api`).
//!
//! - [`example!`]: a doc example built from a per-type setup snippet, so
//!   that a method written once still has a runnable example on every
//!   type's rustdoc page;
//! - [`custom_io_api!`]: `try_io` and `async_io`, the escape hatches for
//!   syscalls weft does not wrap;
//! - [`socket_traits!`]: `Debug` (the mio socket's, as in Tokio),
//!   `AsRawFd` and `AsFd`.
//!
//! Each type has an `io: SocketIo<_>` field.

/// One doc example: a `current_thread` main around `setup`, `prelude` and
/// `body`.
macro_rules! example {
    ($setup:expr, $prelude:expr, $body:expr) => {
        concat!(
            "```\n",
            "# #[weft::main(flavor = \"current_thread\")]\n",
            "# async fn main() -> std::io::Result<()> {\n",
            $setup,
            $prelude,
            $body,
            "# Ok(())\n",
            "# }\n",
            "```",
        )
    };
}

/// `try_io` and `async_io` on `$ty`, with the bodies of their examples
/// (after `setup`): the type's own safe calls stand in for raw syscalls.
macro_rules! custom_io_api {
    (
        $ty:ty,
        $setup:expr,
        try_io: $try_example:expr,
        async_io: $async_example:expr $(,)?
    ) => {
        impl $ty {
            /// Runs `f` if the socket looks ready for `interest`; if `f`
            /// returns `WouldBlock`, readiness is cleared. `f` must do
            /// non-blocking I/O on this socket only (a raw syscall on its
            /// fd, say).
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", $try_example)]
            pub fn try_io<R>(
                &self,
                interest: $crate::io::Interest,
                f: impl FnOnce() -> std::io::Result<R>,
            ) -> std::io::Result<R> {
                self.io.try_io(interest, f)
            }

            /// Waits for `interest`, runs `f`, and repeats while `f` returns
            /// `WouldBlock` (clearing readiness each time). `f` must do
            /// non-blocking I/O on this socket only.
            ///
            #[doc = $crate::net::socket_api::example!($setup, "", $async_example)]
            pub async fn async_io<R>(
                &self,
                interest: $crate::io::Interest,
                f: impl FnMut() -> std::io::Result<R>,
            ) -> std::io::Result<R> {
                self.io.async_io(interest, f).await
            }
        }
    };
}

/// `Debug`, `AsRawFd` and `AsFd` for `$ty`.
macro_rules! socket_traits {
    ($ty:ty) => {
        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                // The mio socket's, as in Tokio (its `PollEvented` is
                // transparent too).
                std::fmt::Debug::fmt(&**self.io, f)
            }
        }

        impl std::os::unix::io::AsRawFd for $ty {
            fn as_raw_fd(&self) -> std::os::unix::io::RawFd {
                std::os::unix::io::AsRawFd::as_raw_fd(&**self.io)
            }
        }

        impl std::os::unix::io::AsFd for $ty {
            fn as_fd(&self) -> std::os::unix::io::BorrowedFd<'_> {
                // SAFETY: the fd is owned by `self` and stays open while the
                // borrow lives.
                unsafe {
                    std::os::unix::io::BorrowedFd::borrow_raw(
                        std::os::unix::io::AsRawFd::as_raw_fd(self),
                    )
                }
            }
        }
    };
}

pub(crate) use custom_io_api;
pub(crate) use example;
pub(crate) use socket_traits;
