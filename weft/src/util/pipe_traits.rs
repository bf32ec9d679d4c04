//! The trait impls every public pipe end shares, written once.
//!
//! `net::unix::pipe::{Sender, Receiver}` and `process::{ChildStdin,
//! ChildStdout, ChildStderr}` are distinct public types (Tokio's), each a
//! field `inner` holding a registered pipe end (`runtime::io::PipeWriter`
//! or `PipeReader`) that does the work. What they share is the trait
//! surface: `AsyncWrite` or `AsyncRead` forwarded to `inner`, and
//! `AsRawFd`/`AsFd`. The types live under two features (`net`, `process`),
//! hence these macros here rather than in either module.

/// `AsyncWrite`, `AsRawFd` and `AsFd` for types with `inner: PipeWriter`.
/// Shutting a pipe's write end down is a no-op, as in Tokio: the pipe
/// closes when the value is dropped.
macro_rules! pipe_writer_traits {
    ($($ty:ty),* $(,)?) => {$(
        impl $crate::io::AsyncWrite for $ty {
            fn poll_write(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &[u8],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.inner.poll_write(cx, buf)
            }

            fn poll_write_vectored(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                bufs: &[std::io::IoSlice<'_>],
            ) -> std::task::Poll<std::io::Result<usize>> {
                self.inner.poll_write_vectored(cx, bufs)
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
                std::task::Poll::Ready(Ok(()))
            }
        }

        $crate::util::pipe_traits::pipe_fd_traits!($ty);
    )*};
}

/// `AsyncRead`, `AsRawFd` and `AsFd` for types with `inner: PipeReader`.
macro_rules! pipe_reader_traits {
    ($($ty:ty),* $(,)?) => {$(
        impl $crate::io::AsyncRead for $ty {
            fn poll_read(
                self: std::pin::Pin<&mut Self>,
                cx: &mut std::task::Context<'_>,
                buf: &mut $crate::io::ReadBuf<'_>,
            ) -> std::task::Poll<std::io::Result<()>> {
                self.inner.poll_read(cx, buf)
            }
        }

        $crate::util::pipe_traits::pipe_fd_traits!($ty);
    )*};
}

/// `AsRawFd` and `AsFd` from `inner`'s fd.
macro_rules! pipe_fd_traits {
    ($ty:ty) => {
        impl std::os::unix::io::AsRawFd for $ty {
            fn as_raw_fd(&self) -> std::os::unix::io::RawFd {
                std::os::unix::io::AsRawFd::as_raw_fd(&self.inner)
            }
        }

        impl std::os::unix::io::AsFd for $ty {
            fn as_fd(&self) -> std::os::unix::io::BorrowedFd<'_> {
                // SAFETY: the fd is owned by `self.inner` and stays open for
                // as long as `self` is borrowed.
                unsafe {
                    std::os::unix::io::BorrowedFd::borrow_raw(
                        std::os::unix::io::AsRawFd::as_raw_fd(self),
                    )
                }
            }
        }
    };
}

pub(crate) use pipe_fd_traits;
pub(crate) use pipe_reader_traits;
pub(crate) use pipe_writer_traits;
