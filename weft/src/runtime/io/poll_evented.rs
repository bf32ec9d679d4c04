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

#[cfg(all(test, not(loom), feature = "net", feature = "io-util"))]
mod tests {
    use crate::io::{AsyncReadExt, AsyncWriteExt};
    use crate::net::{TcpListener, TcpStream};
    use std::future::poll_fn;
    use std::task::Poll;

    fn rt() -> crate::runtime::Runtime {
        crate::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .unwrap()
    }

    async fn pair() -> (TcpStream, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (server, _) = listener.accept().await.unwrap();
        (client, server)
    }

    /// Exact reads keep readiness while bytes are left (no event will come
    /// for them) and drop it once the queue is empty.
    #[test]
    fn exact_reads_clear_readiness_only_when_drained() {
        rt().block_on(async {
            let (mut client, mut server) = pair().await;
            // The first exact read turns the queue report on.
            client.write_all(&[1; 4]).await.unwrap();
            let mut four = [0; 4];
            server.read_exact(&mut four).await.unwrap();
            // Two messages in one segment: the first exact read leaves four
            // bytes, and the second must find them without a new event.
            client.write_all(&[2; 8]).await.unwrap();
            server.read_exact(&mut four).await.unwrap();
            assert_eq!(four, [2; 4]);
            let ready = poll_fn(|cx| Poll::Ready(server.poll_read_ready(cx))).await;
            assert!(ready.is_ready(), "bytes are left: still readable");
            server.read_exact(&mut four).await.unwrap();
            assert_eq!(four, [2; 4]);
            // Drained by an exact read: readiness is gone without a failed read.
            let ready = poll_fn(|cx| Poll::Ready(server.poll_read_ready(cx))).await;
            assert!(ready.is_pending(), "queue empty: not readable");
            // More bytes raise a new edge.
            client.write_all(&[3; 4]).await.unwrap();
            server.read_exact(&mut four).await.unwrap();
            assert_eq!(four, [3; 4]);
        });
    }

    /// A FIN behind data that an exact read drained is still seen.
    #[test]
    fn end_of_stream_after_an_exact_read() {
        rt().block_on(async {
            let (mut client, mut server) = pair().await;
            let mut four = [0; 4];
            client.write_all(&[1; 4]).await.unwrap();
            server.read_exact(&mut four).await.unwrap();
            client.write_all(&[2; 4]).await.unwrap();
            drop(client);
            server.read_exact(&mut four).await.unwrap();
            assert_eq!(four, [2; 4]);
            assert_eq!(server.read(&mut four).await.unwrap(), 0);
        });
    }

    /// Handing the stream back to std leaves no runtime option on it.
    #[test]
    fn into_std_turns_the_queue_report_off() {
        use std::os::unix::io::AsRawFd;
        rt().block_on(async {
            let (mut client, mut server) = pair().await;
            let mut four = [0; 4];
            client.write_all(&[1; 4]).await.unwrap();
            server.read_exact(&mut four).await.unwrap();
            let std = server.into_std().unwrap();
            let mut on: libc::c_int = -1;
            let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
            // SAFETY: `on` and `len` are live and sized as the call expects.
            let rc = unsafe {
                libc::getsockopt(
                    std.as_raw_fd(),
                    libc::SOL_TCP,
                    libc::TCP_INQ,
                    (&mut on as *mut libc::c_int).cast(),
                    &mut len,
                )
            };
            assert_eq!(rc, 0);
            assert_eq!(on, 0);
        });
    }
}
