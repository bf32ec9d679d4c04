//! `StreamIo`: a connected byte-stream socket (TCP or Unix) registered with
//! the I/O driver, and the one implementation of everything `TcpStream`,
//! `UnixStream` and their split halves do with it.
//!
//! The public types keep their own documented methods (Tokio's names and
//! signatures, examples per type); each is one line into this file, so the
//! readiness protocol is written once:
//!
//! 1. `ready`/`poll_*_ready` wait for the driver's readiness event;
//! 2. `try_*` run the syscall only if the last event says ready, and clear
//!    readiness when it returns `WouldBlock` (`Registration::try_io`);
//! 3. `poll_read`/`poll_write*` loop 1 and 2 (`PollEvented`), clearing
//!    readiness early on a short read or write: a byte stream that returned
//!    less than asked is drained (or full), so the next call would only
//!    return `WouldBlock`.
//!
//! Everything is generic over the mio socket and `#[inline]`, so a
//! `TcpStream` read compiles to the same calls as before this layer existed:
//! no boxing, no dynamic dispatch, no reference counting.

use crate::io::{Interest, ReadBuf, Ready};
use crate::runtime::io::PollEvented;
#[cfg(feature = "io-util")]
use bytes::BufMut;
use mio::event::Source;
use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::net::Shutdown;
use std::ops::Deref;
use std::os::unix::io::AsFd;
use std::task::{Context, Poll};

/// A connected stream socket `E` (`mio::net::TcpStream` or
/// `mio::net::UnixStream`) with its driver registration. Derefs to the
/// `PollEvented`, and through it to `E`, for the socket-specific calls
/// (addresses, options).
pub(crate) struct StreamIo<E: Source> {
    io: PollEvented<E>,
}

impl<E> StreamIo<E>
where
    E: Source + AsFd,
    for<'a> &'a E: Read + Write,
{
    /// Registers `socket` for reads and writes with the current runtime.
    #[track_caller]
    pub(crate) fn new(socket: E) -> io::Result<StreamIo<E>> {
        Ok(StreamIo {
            io: PollEvented::new(socket)?,
        })
    }

    /// A stream just accepted from a listener starts out assumed readable and
    /// writable: it is writable, and usually holds the peer's first bytes
    /// already, whose event could queue behind every other connection's
    /// under load.
    #[track_caller]
    pub(crate) fn new_accepted(socket: E) -> io::Result<StreamIo<E>> {
        let stream = StreamIo::new(socket)?;
        stream.assume_ready(Ready::READABLE | Ready::WRITABLE);
        Ok(stream)
    }

    /// Registers a socket whose non-blocking `connect` was started, and
    /// waits for it to finish: the socket turns writable when it has, and
    /// `SO_ERROR` says whether it failed.
    pub(crate) async fn connect(socket: E) -> io::Result<StreamIo<E>> {
        let stream = StreamIo::new(socket)?;
        poll_fn(|cx| stream.io.registration().poll_write_ready(cx)).await?;
        if let Some(e) = socket2::SockRef::from(&*stream.io).take_error()? {
            return Err(e);
        }
        Ok(stream)
    }

    /// Marks `ready` as already reached, without waiting for the driver's
    /// first event (fresh socket pairs, accepted streams).
    pub(crate) fn assume_ready(&self, ready: Ready) {
        self.io.registration().assume_ready(ready);
    }

    /// Deregisters the socket and returns it (`into_std`).
    pub(crate) fn into_inner(self) -> io::Result<E> {
        self.io.into_inner()
    }

    #[inline]
    pub(crate) async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        let event = self.io.registration().readiness(interest).await?;
        Ok(event.ready)
    }

    #[inline]
    pub(crate) async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await?;
        Ok(())
    }

    #[inline]
    pub(crate) async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await?;
        Ok(())
    }

    #[inline]
    pub(crate) fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(|_| ())
    }

    #[inline]
    pub(crate) fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_write_ready(cx).map_ok(|_| ())
    }

    #[inline]
    pub(crate) fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.try_io(Interest::READABLE, || (&*self.io).read(buf))
    }

    #[inline]
    pub(crate) fn try_read_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        self.try_io(Interest::READABLE, || (&*self.io).read_vectored(bufs))
    }

    /// Receives into `buf`'s spare capacity (no `&mut [u8]` over
    /// uninitialised memory is made: socket2's `recv` takes `MaybeUninit`).
    #[cfg(feature = "io-util")]
    #[inline]
    pub(crate) fn try_read_buf<B: BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        self.try_io(Interest::READABLE, || {
            crate::net::udp::recv_into(buf, |dst| {
                socket2::SockRef::from(&*self.io).recv(dst).map(|n| (n, ()))
            })
            .map(|(n, ())| n)
        })
    }

    #[inline]
    pub(crate) fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.try_io(Interest::WRITABLE, || (&*self.io).write(buf))
    }

    #[inline]
    pub(crate) fn try_write_vectored(&self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.try_io(Interest::WRITABLE, || (&*self.io).write_vectored(bufs))
    }

    #[inline]
    pub(crate) fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().try_io(interest, f)
    }

    #[inline]
    pub(crate) async fn async_io<R>(
        &self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().async_io(interest, f).await
    }

    /// `AsyncRead::poll_read` of the stream and of its read halves.
    #[inline]
    pub(crate) fn poll_read(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.io.poll_recv_uninit(cx, buf, true, |io, dst| {
            socket2::SockRef::from(io).recv(dst).map(|n| (n, ()))
        })
    }

    /// `AsyncWrite::poll_write` of the stream and of its write halves.
    #[inline]
    pub(crate) fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io.poll_write(cx, buf)
    }

    #[inline]
    pub(crate) fn poll_write_vectored(
        &self,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.io.poll_write_vectored(cx, bufs)
    }

    /// Shuts the write direction down (`AsyncWrite::poll_shutdown`, and
    /// dropping an owned write half).
    pub(crate) fn shutdown_write(&self) -> io::Result<()> {
        match socket2::SockRef::from(&*self.io).shutdown(Shutdown::Write) {
            // The peer reset the connection: there is nothing left to shut
            // down, which is what the caller wanted.
            Err(e) if e.kind() == io::ErrorKind::NotConnected => Ok(()),
            result => result,
        }
    }
}

impl<E: Source> Deref for StreamIo<E> {
    type Target = PollEvented<E>;

    fn deref(&self) -> &PollEvented<E> {
        &self.io
    }
}
