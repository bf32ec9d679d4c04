//! `SocketIo`: a socket registered with the I/O driver, and the one
//! implementation of what weft's socket types do with it.
//!
//! `TcpStream`, `UnixStream` (and their split halves), `UdpSocket` and
//! `UnixDatagram` keep their own documented public methods (Tokio's names
//! and signatures, an example per type); each is one line into this file,
//! so the readiness protocol is written once:
//!
//! 1. `ready`/`poll_*_ready` wait for the driver's readiness event;
//! 2. `try_*` run the syscall only if the last event says ready, and clear
//!    readiness when it returns `WouldBlock` (`Registration::try_io`);
//! 3. `poll_*` and `async_io` loop 1 and 2 (`PollEvented`). Byte streams
//!    also clear readiness early on a short read or write: a stream that
//!    returned less than asked is drained (or full), so the next call would
//!    only return `WouldBlock`. A short datagram says nothing of the next
//!    one, so datagram reads never do.
//!
//! The methods come in three blocks by what the socket `E` can do: every
//! registered source (readiness), every socket (`recv` through socket2,
//! which takes uninitialised memory), and byte streams (`read`/`write`).
//! All is generic over the mio socket and `#[inline]` where on a hot path,
//! so a `TcpStream` read compiles to the same calls as without this layer:
//! no boxing, no dynamic dispatch, no reference counting. The waits
//! (`readiness`, `async_io`, `recv_buf`) are plain functions returning the
//! registration's own future rather than `async fn`s: each `async` layer
//! is one more state machine to build and poll per call (an `async fn`
//! wrapper here cost `UnixStream::readable`+`writable` 14 instructions a
//! round trip and `UdpSocket::send`+`recv` 31 under callgrind).

use crate::io::{Interest, ReadBuf, Ready};
use crate::runtime::io::{Direction, PollEvented, ReadyEvent};
#[cfg(feature = "io-util")]
use bytes::BufMut;
use mio::event::Source;
use std::future::{poll_fn, Future};
use std::io::{self, Read, Write};
use std::mem::MaybeUninit;
use std::net::Shutdown;
use std::ops::Deref;
use std::os::unix::io::{AsFd, AsRawFd};
use std::task::{Context, Poll};

/// A mio socket `E` with its driver registration. Derefs to the
/// `PollEvented`, and through it to `E`, for the socket-specific calls
/// (addresses, options, `send_to`).
pub(crate) struct SocketIo<E: Source> {
    io: PollEvented<E>,
}

/// Readiness: what every registered socket does the same way.
impl<E: Source> SocketIo<E> {
    /// Registers `socket` for reads and writes with the current runtime.
    #[track_caller]
    pub(crate) fn new(socket: E) -> io::Result<SocketIo<E>> {
        Ok(SocketIo {
            io: PollEvented::new(socket)?,
        })
    }

    /// Marks `ready` as already reached, without waiting for the driver's
    /// first event (fresh socket pairs, accepted streams).
    pub(crate) fn assume_ready(&self, ready: Ready) {
        self.io.registration().assume_ready(ready);
    }

    /// Deregisters the socket and returns it (`into_std`).
    pub(crate) fn into_inner(self) -> io::Result<E>
    where
        E: AsRawFd,
    {
        self.io.into_inner()
    }

    /// The driver's wait for `interest`: the registration's own future,
    /// returned as is, so that a public `async fn` awaiting it nests no
    /// extra state machine.
    #[inline]
    pub(crate) fn readiness(
        &self,
        interest: Interest,
    ) -> impl Future<Output = io::Result<ReadyEvent>> + '_ {
        self.io.registration().readiness(interest)
    }

    #[inline]
    pub(crate) fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(|_| ())
    }

    #[inline]
    pub(crate) fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_write_ready(cx).map_ok(|_| ())
    }

    /// Runs `f` if the socket looks ready for `interest`, clearing readiness
    /// if `f` returns `WouldBlock`.
    #[inline]
    pub(crate) fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().try_io(interest, f)
    }

    /// Waits for `interest` and runs `f` until it does not return
    /// `WouldBlock` (the registration's future, returned as is).
    #[inline]
    pub(crate) fn async_io<'a, R: 'a>(
        &'a self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R> + 'a,
    ) -> impl Future<Output = io::Result<R>> + 'a {
        self.io.registration().async_io(interest, f)
    }

    /// The poll form of `async_io`, for one direction.
    #[inline]
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        f: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        self.io.registration().poll_io(cx, direction, f)
    }
}

/// Receiving through socket2 (`recv` into uninitialised memory, no
/// `&mut [u8]` over it is ever made), shutdown and `SO_ERROR`: every socket.
impl<E: Source + AsFd> SocketIo<E> {
    /// Receives one datagram into `buf` when readable, with `recv` (socket2's
    /// `recv`/`recv_from`/`peek`/`peek_from`, the address mapped to the
    /// socket's type). For `poll_recv`, `poll_recv_from`, `poll_peek`...
    #[inline]
    pub(crate) fn poll_recv_datagram<T>(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
        mut recv: impl FnMut(socket2::SockRef<'_>, &mut [MaybeUninit<u8>]) -> io::Result<(usize, T)>,
    ) -> Poll<io::Result<T>> {
        self.io.poll_recv_uninit(cx, buf, false, |io, dst| {
            recv(socket2::SockRef::from(io), dst)
        })
    }

    /// Receives into `buf`'s spare capacity without waiting, with `recv` as
    /// in `poll_recv_datagram`. For `try_read_buf`, `try_recv_buf{,_from}`.
    #[cfg(feature = "io-util")]
    #[inline]
    pub(crate) fn try_recv_buf<B: BufMut, T>(
        &self,
        buf: &mut B,
        recv: impl FnOnce(socket2::SockRef<'_>, &mut [MaybeUninit<u8>]) -> io::Result<(usize, T)>,
    ) -> io::Result<(usize, T)> {
        self.try_io(Interest::READABLE, || {
            recv_into(buf, |dst| recv(socket2::SockRef::from(&*self.io), dst))
        })
    }

    /// Waits for `interest` and receives into `buf`'s spare capacity, with
    /// `recv` as in `poll_recv_datagram`. For `recv_buf{,_from}`.
    #[cfg(feature = "io-util")]
    #[inline]
    pub(crate) fn recv_buf<'a, B: BufMut, T: 'a>(
        &'a self,
        interest: Interest,
        buf: &'a mut B,
        mut recv: impl FnMut(socket2::SockRef<'_>, &mut [MaybeUninit<u8>]) -> io::Result<(usize, T)>
            + 'a,
    ) -> impl Future<Output = io::Result<(usize, T)>> + 'a {
        self.async_io(interest, move || {
            recv_into(&mut *buf, |dst| {
                recv(socket2::SockRef::from(&*self.io), dst)
            })
        })
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

/// Byte streams: `read`/`write` through shared references.
impl<E> SocketIo<E>
where
    E: Source + AsFd + AsRawFd,
    for<'a> &'a E: Read + Write,
{
    /// A stream just accepted from a listener starts out assumed readable and
    /// writable: it is writable, and usually holds the peer's first bytes
    /// already, whose event could queue behind every other connection's
    /// under load.
    #[track_caller]
    pub(crate) fn new_accepted(socket: E) -> io::Result<SocketIo<E>> {
        let stream = SocketIo::new(socket)?;
        stream.assume_ready(Ready::READABLE | Ready::WRITABLE);
        Ok(stream)
    }

    /// Registers a socket whose non-blocking `connect` was started, and
    /// waits for it to finish: the socket turns writable when it has, and
    /// `SO_ERROR` says whether it failed.
    pub(crate) async fn connect(socket: E) -> io::Result<SocketIo<E>> {
        let stream = SocketIo::new(socket)?;
        poll_fn(|cx| stream.io.registration().poll_write_ready(cx)).await?;
        if let Some(e) = socket2::SockRef::from(&*stream.io).take_error()? {
            return Err(e);
        }
        Ok(stream)
    }

    #[inline]
    pub(crate) fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.try_io(Interest::READABLE, || (&*self.io).read(buf))
    }

    #[inline]
    pub(crate) fn try_read_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        self.try_io(Interest::READABLE, || (&*self.io).read_vectored(bufs))
    }

    #[cfg(feature = "io-util")]
    #[inline]
    pub(crate) fn try_read_buf<B: BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        self.try_recv_buf(buf, |socket, dst| socket.recv(dst).map(|n| (n, ())))
            .map(|(n, ())| n)
    }

    #[inline]
    pub(crate) fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.try_io(Interest::WRITABLE, || (&*self.io).write(buf))
    }

    #[inline]
    pub(crate) fn try_write_vectored(&self, bufs: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.try_io(Interest::WRITABLE, || (&*self.io).write_vectored(bufs))
    }

    /// `AsyncRead::poll_read` of the stream and of its read halves. A read
    /// that fills `buf` exactly learns whether it emptied the receive queue
    /// (`recv_hint`; TCP only, a Unix stream finds the option unsupported
    /// once and reads plainly from then on).
    #[inline]
    pub(crate) fn poll_read(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.io.poll_read_stream(cx, buf)
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
}

/// Receives into `buf`'s spare capacity with `recv` (a `recv(2)` wrapper
/// that takes uninitialised memory) and advances `buf` by the bytes
/// received. `recv` returns the count and a value passed through (a
/// sender address).
#[cfg(feature = "io-util")]
pub(crate) fn recv_into<B: BufMut, T>(
    buf: &mut B,
    recv: impl FnOnce(&mut [MaybeUninit<u8>]) -> io::Result<(usize, T)>,
) -> io::Result<(usize, T)> {
    // SAFETY: `recv` is a `recv(2)` wrapper: it never reads the slice and
    // only stores initialised bytes into it.
    let dst = unsafe { buf.chunk_mut().as_uninit_slice_mut() };
    let (n, value) = recv(dst)?;
    // SAFETY: `recv` initialised the first `n` bytes of the chunk.
    unsafe { buf.advance_mut(n) };
    Ok((n, value))
}

impl<E: Source> Deref for SocketIo<E> {
    type Target = PollEvented<E>;

    fn deref(&self) -> &PollEvented<E> {
        &self.io
    }
}
