//! The two ends of a pipe registered with the I/O driver: `PipeReader` and
//! `PipeWriter`.
//!
//! One implementation serves two public families, so that the readiness
//! handling of a pipe is written once:
//! - `net::unix::pipe::{Receiver, Sender}` (anonymous pipes and FIFOs);
//! - `process::{ChildStdout, ChildStderr, ChildStdin}` (a child's stdio).
//!
//! A pipe end is registered for one direction only (a reader never waits
//! for writability), in non-blocking mode. Reads go straight into a
//! `ReadBuf`'s uninitialised tail with `read(2)`; a short read means the
//! pipe was drained, so readiness is cleared at once instead of paying one
//! more `read` that would return `EAGAIN`.

use crate::io::{Interest, ReadBuf, Ready};
use crate::runtime::io::{PollEvented, Registration};
use mio::unix::pipe as mio_pipe;
use std::fmt;
use std::io::{self, Read, Write};
use std::mem::MaybeUninit;
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::task::{Context, Poll};

/// The read end of a pipe, registered for readability.
pub(crate) struct PipeReader {
    io: PollEvented<mio_pipe::Receiver>,
}

/// The write end of a pipe, registered for writability.
pub(crate) struct PipeWriter {
    io: PollEvented<mio_pipe::Sender>,
}

/// `read(2)` into possibly uninitialised memory.
fn read_uninit(fd: RawFd, dst: &mut [MaybeUninit<u8>]) -> io::Result<usize> {
    // SAFETY: `dst` is valid for writes of `dst.len()` bytes; `read` only
    // stores bytes into it (never reads it), so uninitialised memory is fine.
    let n = unsafe { libc::read(fd, dst.as_mut_ptr().cast(), dst.len()) };
    if n < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(n as usize)
}

/// Sets or clears `O_NONBLOCK` on `fd`.
pub(crate) fn set_nonblocking(fd: BorrowedFd<'_>, nonblocking: bool) -> io::Result<()> {
    let fd = fd.as_raw_fd();
    // SAFETY: `F_GETFL` on a borrowed (hence open) fd has no memory effects.
    let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
    if flags == -1 {
        return Err(io::Error::last_os_error());
    }
    let new = if nonblocking {
        flags | libc::O_NONBLOCK
    } else {
        flags & !libc::O_NONBLOCK
    };
    if new != flags {
        // SAFETY: as above; `F_SETFL` only changes the status flags.
        if unsafe { libc::fcntl(fd, libc::F_SETFL, new) } == -1 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

impl PipeReader {
    /// Registers `rx` (already non-blocking) with the current runtime.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one without I/O, with Tokio's messages.
    #[track_caller]
    pub(crate) fn new(rx: mio_pipe::Receiver) -> io::Result<PipeReader> {
        let io = PollEvented::new_with_interest(rx, Interest::READABLE)?;
        Ok(PipeReader { io })
    }

    /// Registers an open read end, setting it non-blocking first.
    #[track_caller]
    pub(crate) fn from_owned_fd(fd: OwnedFd) -> io::Result<PipeReader> {
        set_nonblocking(fd.as_fd(), true)?;
        PipeReader::new(mio_pipe::Receiver::from(fd))
    }

    pub(crate) fn registration(&self) -> &Registration {
        self.io.registration()
    }

    pub(crate) async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        Ok(self.registration().readiness(interest).await?.ready)
    }

    pub(crate) fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.registration().poll_read_ready(cx).map_ok(|_| ())
    }

    /// Reads into `buf`'s unfilled part once data (or end of file) is there.
    pub(crate) fn poll_read(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.io.poll_recv_uninit(cx, buf, true, |rx, dst| {
            read_uninit(rx.as_raw_fd(), dst).map(|n| (n, ()))
        })
    }

    pub(crate) fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.registration()
            .try_io(Interest::READABLE, || (&*self.io).read(buf))
    }

    pub(crate) fn try_read_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        self.registration()
            .try_io(Interest::READABLE, || (&*self.io).read_vectored(bufs))
    }

    /// Like `try_read`, into uninitialised memory (for `try_read_buf`).
    #[cfg_attr(not(all(feature = "net", feature = "io-util")), allow(dead_code))]
    pub(crate) fn try_read_uninit(&self, dst: &mut [MaybeUninit<u8>]) -> io::Result<usize> {
        self.registration()
            .try_io(Interest::READABLE, || read_uninit(self.io.as_raw_fd(), dst))
    }

    pub(crate) fn try_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        self.registration().try_io(Interest::READABLE, f)
    }

    /// Deregisters the pipe and returns its fd, still non-blocking.
    pub(crate) fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        Ok(OwnedFd::from(self.io.into_inner()?))
    }

    /// Deregisters the pipe and returns its fd in blocking mode.
    pub(crate) fn into_blocking_fd(self) -> io::Result<OwnedFd> {
        let fd = self.into_nonblocking_fd()?;
        set_nonblocking(fd.as_fd(), false)?;
        Ok(fd)
    }
}

impl PipeWriter {
    /// Registers `tx` (already non-blocking) with the current runtime.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one without I/O, with Tokio's messages.
    #[track_caller]
    pub(crate) fn new(tx: mio_pipe::Sender) -> io::Result<PipeWriter> {
        let io = PollEvented::new_with_interest(tx, Interest::WRITABLE)?;
        Ok(PipeWriter { io })
    }

    /// Registers an open write end, setting it non-blocking first.
    #[track_caller]
    pub(crate) fn from_owned_fd(fd: OwnedFd) -> io::Result<PipeWriter> {
        set_nonblocking(fd.as_fd(), true)?;
        PipeWriter::new(mio_pipe::Sender::from(fd))
    }

    pub(crate) fn registration(&self) -> &Registration {
        self.io.registration()
    }

    pub(crate) async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        Ok(self.registration().readiness(interest).await?.ready)
    }

    pub(crate) fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.registration().poll_write_ready(cx).map_ok(|_| ())
    }

    pub(crate) fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_write(cx, buf)
    }

    pub(crate) fn poll_write_vectored(
        &self,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored(cx, bufs)
    }

    pub(crate) fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.registration()
            .try_io(Interest::WRITABLE, || (&*self.io).write(buf))
    }

    pub(crate) fn try_write_vectored(&self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.registration()
            .try_io(Interest::WRITABLE, || (&*self.io).write_vectored(bufs))
    }

    pub(crate) fn try_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        self.registration().try_io(Interest::WRITABLE, f)
    }

    /// Deregisters the pipe and returns its fd, still non-blocking.
    pub(crate) fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        Ok(OwnedFd::from(self.io.into_inner()?))
    }

    /// Deregisters the pipe and returns its fd in blocking mode.
    pub(crate) fn into_blocking_fd(self) -> io::Result<OwnedFd> {
        let fd = self.into_nonblocking_fd()?;
        set_nonblocking(fd.as_fd(), false)?;
        Ok(fd)
    }
}

impl AsRawFd for PipeReader {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsRawFd for PipeWriter {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl fmt::Debug for PipeReader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PipeReader")
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}

impl fmt::Debug for PipeWriter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PipeWriter")
            .field("fd", &self.as_raw_fd())
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::future::poll_fn;

    fn rt() -> crate::runtime::Runtime {
        crate::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .unwrap()
    }

    #[test]
    fn short_read_then_more_data_is_seen() {
        rt().block_on(async {
            let (tx, rx) = mio_pipe::new().unwrap();
            let (tx, rx) = (PipeWriter::new(tx).unwrap(), PipeReader::new(rx).unwrap());
            for round in 0..3u8 {
                poll_fn(|cx| tx.poll_write(cx, &[round; 3])).await.unwrap();
                let mut storage = [0u8; 16];
                let mut buf = ReadBuf::new(&mut storage);
                poll_fn(|cx| rx.poll_read(cx, &mut buf)).await.unwrap();
                assert_eq!(buf.filled(), &[round; 3]);
            }
        });
    }

    #[test]
    fn into_blocking_fd_clears_nonblock() {
        rt().block_on(async {
            let (_tx, rx) = mio_pipe::new().unwrap();
            let fd = PipeReader::new(rx).unwrap().into_blocking_fd().unwrap();
            // SAFETY: F_GETFL on an open fd.
            let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
            assert_eq!(flags & libc::O_NONBLOCK, 0);
        });
    }
}
