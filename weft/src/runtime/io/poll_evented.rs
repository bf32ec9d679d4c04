//! `PollEvented`: a mio source registered with the driver, and the read and
//! write loops every socket type shares.

use crate::io::{Interest, ReadBuf};
#[cfg(feature = "net")]
use crate::runtime::io::recv_hint::RecvHint;
use crate::runtime::io::{Direction, Registration};
use mio::event::Source;
use std::fmt;
use std::io::{self, Write};
use std::mem::MaybeUninit;
use std::ops::Deref;
use std::os::unix::io::AsRawFd;
use std::task::{ready, Context, Poll};

/// A mio source plus its registration. Dropping it deregisters the source
/// before closing it, so no event for the closed fd is delivered afterwards.
pub(crate) struct PollEvented<E: Source> {
    /// `None` only after `into_inner`.
    io: Option<E>,
    registration: Registration,
    /// Whether stream reads learn if they emptied the receive queue.
    #[cfg(feature = "net")]
    recv_hint: RecvHint,
}

impl<E: Source> PollEvented<E> {
    /// Registers `io` for reads and writes with the current runtime.
    #[track_caller]
    pub(crate) fn new(io: E) -> io::Result<PollEvented<E>> {
        PollEvented::new_with_interest(io, Interest::READABLE | Interest::WRITABLE)
    }

    #[track_caller]
    pub(crate) fn new_with_interest(mut io: E, interest: Interest) -> io::Result<PollEvented<E>> {
        let registration = Registration::new(&mut io, interest)?;
        Ok(PollEvented {
            io: Some(io),
            registration,
            #[cfg(feature = "net")]
            recv_hint: RecvHint::new(),
        })
    }

    pub(crate) fn registration(&self) -> &Registration {
        &self.registration
    }

    /// Deregisters the source and returns it, with the socket options the
    /// runtime set for itself (`recv_hint`) turned off again.
    pub(crate) fn into_inner(mut self) -> io::Result<E>
    where
        E: AsRawFd,
    {
        let mut io = self.io.take().expect("PollEvented without a source");
        self.registration.deregister(&mut io)?;
        #[cfg(feature = "net")]
        self.recv_hint.restore(io.as_raw_fd());
        Ok(io)
    }

    /// Receives into the unfilled part of `buf` when readable, with `op`
    /// (a `recv`-like call that takes uninitialised memory, e.g. socket2's:
    /// no `&mut [u8]` over uninitialised bytes is ever made). `op` returns
    /// the byte count and a value passed through (a sender address).
    ///
    /// `stream` says whether a short read means the queue is drained (true
    /// for byte streams; for datagrams a short datagram says nothing about
    /// the next one), in which case readiness is cleared at once.
    pub(crate) fn poll_recv_uninit<T>(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
        stream: bool,
        mut op: impl FnMut(&E, &mut [MaybeUninit<u8>]) -> io::Result<(usize, T)>,
    ) -> Poll<io::Result<T>> {
        loop {
            let event = ready!(self.registration.poll_ready(cx, Direction::Read))?;
            // SAFETY: `op` only stores initialised bytes into the slice (it
            // is a `recv(2)` wrapper) and never de-initialises any.
            let unfilled = unsafe { buf.unfilled_mut() };
            let len = unfilled.len();
            match op(self.io_ref(), unfilled) {
                Ok((n, value)) => {
                    // SAFETY: `recv` initialised the first `n` bytes.
                    unsafe { buf.assume_init(n) };
                    buf.advance(n);
                    if stream && n > 0 && n < len {
                        self.registration.clear_readiness(event);
                    }
                    return Poll::Ready(Ok(value));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.registration.clear_readiness(event);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    /// Reads a byte stream (TCP) into the unfilled part of `buf` when
    /// readable. Readiness is cleared when the read proves the receive queue
    /// empty: a short read, or a full one after which the kernel reports no
    /// byte left (`recv_hint`); the next read then waits for an event instead
    /// of failing with `EAGAIN` first.
    #[cfg(feature = "net")]
    pub(crate) fn poll_read_stream(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>>
    where
        E: AsRawFd,
    {
        let fd = self.io_ref().as_raw_fd();
        loop {
            let event = ready!(self.registration.poll_ready(cx, Direction::Read))?;
            // SAFETY: `recv` only stores initialised bytes into the slice and
            // never de-initialises any.
            let unfilled = unsafe { buf.unfilled_mut() };
            let len = unfilled.len();
            match self.recv_hint.recv(fd, unfilled) {
                Ok((n, left)) => {
                    // SAFETY: `recv` initialised the first `n` bytes.
                    unsafe { buf.assume_init(n) };
                    buf.advance(n);
                    if n > 0 {
                        if n < len || left == Some(0) {
                            self.registration.clear_readiness(event);
                        } else if left.is_none() {
                            self.recv_hint.want_queue_state(fd);
                        }
                    }
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.registration.clear_readiness(event);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    /// Writes from `buf` when writable; a short write clears readiness (the
    /// send buffer is full).
    pub(crate) fn poll_write<'a>(
        &'a self,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>>
    where
        &'a E: Write,
    {
        loop {
            let event = ready!(self.registration.poll_ready(cx, Direction::Write))?;
            match self.io_ref().write(buf) {
                Ok(n) => {
                    if n > 0 && n < buf.len() {
                        self.registration.clear_readiness(event);
                    }
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.registration.clear_readiness(event);
                }
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    pub(crate) fn poll_write_vectored<'a>(
        &'a self,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>>
    where
        &'a E: Write,
    {
        self.registration
            .poll_io(cx, Direction::Write, || self.io_ref().write_vectored(bufs))
    }

    fn io_ref(&self) -> &E {
        self.io.as_ref().expect("PollEvented without a source")
    }
}

impl<E: Source> Deref for PollEvented<E> {
    type Target = E;

    fn deref(&self) -> &E {
        self.io_ref()
    }
}

impl<E: Source> Drop for PollEvented<E> {
    fn drop(&mut self) {
        if let Some(mut io) = self.io.take() {
            // Errors are ignored: the fd is closed right after anyway, which
            // removes it from epoll.
            let _ = self.registration.deregister(&mut io);
        }
    }
}

impl<E: Source + fmt::Debug> fmt::Debug for PollEvented<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PollEvented").field("io", &self.io).finish()
    }
}
