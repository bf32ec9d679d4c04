//! In-memory pipes: [`SimplexStream`] (one direction, a bounded byte buffer)
//! and [`DuplexStream`] (two of them, crossed).
//!
//! Waking protocol of one pipe (all under its mutex):
//!
//! 1. A reader that finds the buffer empty and the pipe open stores its
//!    waker in `read_waker` and returns `Pending`.
//! 2. A writer that finds the buffer full stores its waker in
//!    `write_waker` and returns `Pending`.
//! 3. Whoever moves bytes, or closes the pipe, takes the other side's waker
//!    and wakes it after releasing the lock.
//!
//! No waker is woken or dropped under the lock: either can run arbitrary
//! code (a waker may poll the task in place, or own the peer stream whose
//! drop locks this very pipe). Replaced wakers are handed back and dropped
//! after the lock is released, too.
//!
//! Because registering and checking happen under the same lock as the
//! state change, a wake-up cannot slip between a side's check and its
//! registration. Each pipe has one waker slot per side, so a duplex has
//! four: a task reading one end and another writing it wake independently.
//!
//! Every read and write that completes takes a unit of cooperative budget,
//! like any other weft resource.

use crate::io::{split, AsyncRead, AsyncWrite, ReadBuf, ReadHalf, WriteHalf};
use crate::loom::sync::{Arc, Mutex};
use crate::task::coop;
use std::collections::VecDeque;
use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

/// A bidirectional pipe to read and write bytes in memory.
///
/// A pair of `DuplexStream`s are created together, and they act as a "channel"
/// that can be used as in-memory IO types. Writing to one of the pairs will
/// allow that data to be read from the other, and vice versa.
///
/// # Closing a `DuplexStream`
///
/// If one end of the `DuplexStream` channel is dropped, any pending reads on
/// the other side will continue to read data until the buffer is drained,
/// then they will signal EOF by returning 0 bytes. Any writes to the other
/// side, including pending ones (that are waiting for free space in the
/// buffer) will return `Err(BrokenPipe)` immediately.
///
/// ```
/// use weft::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (mut client, mut server) = io::duplex(64);
///
/// client.write_all(b"ping").await?;
///
/// let mut buf = [0u8; 4];
/// server.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
///
/// server.write_all(b"pong").await?;
///
/// client.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"pong");
/// # Ok(())
/// # }
/// ```
pub struct DuplexStream {
    read: Arc<Mutex<SimplexStream>>,
    write: Arc<Mutex<SimplexStream>>,
}

/// A unidirectional pipe to read and write bytes in memory.
///
/// It can be constructed by [`simplex`] function which will create a pair of
/// reader and writer or by calling [`SimplexStream::new_unsplit`] that will
/// create a handle for both reading and writing.
///
/// ```
/// use weft::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (mut receiver, mut sender) = io::simplex(64);
///
/// sender.write_all(b"ping").await?;
///
/// let mut buf = [0u8; 4];
/// receiver.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # Ok(())
/// # }
/// ```
pub struct SimplexStream {
    /// The bytes written and not yet read.
    buffer: VecDeque<u8>,
    /// Set when either side closes: readers then drain and see EOF, writers
    /// get `BrokenPipe`.
    is_closed: bool,
    /// The most bytes `buffer` may hold; writers wait beyond it.
    max_buf_size: usize,
    /// The reader waiting for bytes (step 1 of the protocol).
    read_waker: Option<Waker>,
    /// The writer waiting for room (step 2).
    write_waker: Option<Waker>,
}

/// Create a new pair of `DuplexStream`s that act like a pair of connected
/// sockets.
///
/// The `max_buf_size` argument is the maximum amount of bytes that can be
/// written to a side before the write returns `Poll::Pending`.
///
/// # Panics
///
/// Panics if `max_buf_size` is zero.
///
/// ```
/// use weft::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (mut a, mut b) = io::duplex(8);
/// a.write_all(b"hi").await?;
/// drop(a);
/// let mut got = Vec::new();
/// b.read_to_end(&mut got).await?;
/// assert_eq!(got, b"hi");
/// # Ok(())
/// # }
/// ```
#[track_caller]
pub fn duplex(max_buf_size: usize) -> (DuplexStream, DuplexStream) {
    let one = Arc::new(Mutex::new(SimplexStream::new_unsplit(max_buf_size)));
    let two = Arc::new(Mutex::new(SimplexStream::new_unsplit(max_buf_size)));
    (
        DuplexStream {
            read: one.clone(),
            write: two.clone(),
        },
        DuplexStream {
            read: two,
            write: one,
        },
    )
}

/// Creates unidirectional buffer that acts like in memory pipe.
///
/// The `max_buf_size` argument is the maximum amount of bytes that can be
/// written to a buffer before the it returns `Poll::Pending`.
///
/// # Panics
///
/// Panics if `max_buf_size` is zero.
///
/// # Unify reader and writer
///
/// The reader and writer half can be unified into a single structure of
/// `SimplexStream` that supports both reading and writing or the
/// `SimplexStream` can be already created as unified structure using
/// [`SimplexStream::new_unsplit()`].
///
/// ```
/// use weft::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (reader, writer) = io::simplex(32);
/// let mut simplex_stream = reader.unsplit(writer);
/// simplex_stream.write_all(b"hello").await?;
///
/// let mut buf = [0u8; 5];
/// simplex_stream.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"hello");
/// # Ok(())
/// # }
/// ```
#[track_caller]
pub fn simplex(max_buf_size: usize) -> (ReadHalf<SimplexStream>, WriteHalf<SimplexStream>) {
    split(SimplexStream::new_unsplit(max_buf_size))
}

/// The result of one operation under a pipe's lock, with the wakers to deal
/// with once the lock is released.
struct Outcome<T> {
    poll: Poll<T>,
    /// The other side's waker, to wake (bytes or room appeared, or closed).
    wake: Option<Waker>,
    /// A waker this side replaced, to drop.
    stale: Option<Waker>,
}

impl<T> Outcome<T> {
    fn ready(out: T, wake: Option<Waker>) -> Outcome<T> {
        Outcome {
            poll: Poll::Ready(out),
            wake,
            stale: None,
        }
    }

    fn pending(stale: Option<Waker>) -> Outcome<T> {
        Outcome {
            poll: Poll::Pending,
            wake: None,
            stale,
        }
    }

    /// Call with no lock held: wakes and drops the wakers, and charges the
    /// budget unit if the operation completed.
    fn finish(self, budget: coop::RestoreOnPending) -> Poll<T> {
        drop(self.stale);
        if self.poll.is_ready() {
            budget.made_progress();
        }
        if let Some(waker) = self.wake {
            waker.wake();
        }
        self.poll
    }
}

/// Wakes a taken waker, if any (called with no lock held).
fn wake(waker: Option<Waker>) {
    if let Some(waker) = waker {
        waker.wake();
    }
}

/// Stores `cx`'s waker in `slot` (keeping the one there if it would wake the
/// same task); returns the waker it replaced, to be dropped without the lock.
#[must_use = "the replaced waker must be dropped after unlocking"]
fn register(slot: &mut Option<Waker>, cx: &Context<'_>) -> Option<Waker> {
    match slot {
        Some(w) if w.will_wake(cx.waker()) => None,
        _ => slot.replace(cx.waker().clone()),
    }
}

impl SimplexStream {
    /// Creates unidirectional buffer that acts like in memory pipe. To create
    /// split version with separate reader and writer you can use [`simplex`]
    /// function.
    ///
    /// The `max_buf_size` argument is the maximum amount of bytes that can be
    /// written to a buffer before the it returns `Poll::Pending`.
    ///
    /// # Panics
    ///
    /// Panics if `max_buf_size` is zero.
    ///
    /// ```
    /// use weft::io::{AsyncReadExt, AsyncWriteExt, SimplexStream};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut pipe = SimplexStream::new_unsplit(16);
    /// pipe.write_all(b"loop").await?;
    /// let mut buf = [0; 4];
    /// pipe.read_exact(&mut buf).await?;
    /// assert_eq!(&buf, b"loop");
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn new_unsplit(max_buf_size: usize) -> SimplexStream {
        assert!(max_buf_size > 0, "`max_buf_size` must be greater than 0");
        SimplexStream {
            buffer: VecDeque::new(),
            is_closed: false,
            max_buf_size,
            read_waker: None,
            write_waker: None,
        }
    }

    /// Marks the pipe closed by its writer; returns the reader's waker.
    #[must_use = "the returned waker must be woken"]
    fn close_write(&mut self) -> Option<Waker> {
        self.is_closed = true;
        self.read_waker.take()
    }

    /// Marks the pipe closed by its reader; returns the writer's waker.
    #[must_use = "the returned waker must be woken"]
    fn close_read(&mut self) -> Option<Waker> {
        self.is_closed = true;
        self.write_waker.take()
    }

    /// Moves bytes out; on success hands back the writer's waker (room was
    /// made).
    fn read_locked(
        &mut self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Outcome<io::Result<()>> {
        if buf.remaining() == 0 {
            // Nothing asked, nothing to wait for.
            return Outcome::ready(Ok(()), None);
        }
        if !self.buffer.is_empty() {
            let n = self.buffer.len().min(buf.remaining());
            let (front, back) = self.buffer.as_slices();
            let from_front = n.min(front.len());
            buf.put_slice(&front[..from_front]);
            buf.put_slice(&back[..n - from_front]);
            self.buffer.drain(..n);
            Outcome::ready(Ok(()), self.write_waker.take())
        } else if self.is_closed {
            // Drained and closed: EOF.
            Outcome::ready(Ok(()), None)
        } else {
            Outcome::pending(register(&mut self.read_waker, cx))
        }
    }

    /// Moves bytes in from `bufs` in order; on success hands back the
    /// reader's waker (bytes arrived).
    fn write_locked(
        &mut self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Outcome<io::Result<usize>> {
        if self.is_closed {
            return Outcome::ready(Err(io::ErrorKind::BrokenPipe.into()), None);
        }
        if bufs.iter().all(|b| b.is_empty()) {
            // An empty write succeeds even when the buffer is full.
            return Outcome::ready(Ok(0), None);
        }
        let room = self.max_buf_size.saturating_sub(self.buffer.len());
        if room == 0 {
            return Outcome::pending(register(&mut self.write_waker, cx));
        }
        let mut written = 0;
        for chunk in bufs {
            let take = chunk.len().min(room - written);
            self.buffer.extend(&chunk[..take]);
            written += take;
            if written == room {
                break;
            }
        }
        Outcome::ready(Ok(written), self.read_waker.take())
    }
}

/// Runs one pipe operation under the pipe's lock with a unit of budget,
/// dealing with the wakers after the lock is released.
fn with_pipe<T>(
    pipe: &Mutex<SimplexStream>,
    cx: &mut Context<'_>,
    op: impl FnOnce(&mut SimplexStream, &mut Context<'_>) -> Outcome<T>,
) -> Poll<T> {
    let budget = ready!(coop::poll_proceed(cx));
    let outcome = op(&mut pipe.lock(), cx);
    outcome.finish(budget)
}

impl AsyncRead for SimplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let budget = ready!(coop::poll_proceed(cx));
        self.get_mut().read_locked(cx, buf).finish(budget)
    }
}

impl AsyncWrite for SimplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_vectored(cx, &[IoSlice::new(buf)])
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let budget = ready!(coop::poll_proceed(cx));
        self.get_mut().write_locked(cx, bufs).finish(budget)
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let waker = self.get_mut().close_write();
        wake(waker);
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for DuplexStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        with_pipe(&self.read, cx, |pipe, cx| pipe.read_locked(cx, buf))
    }
}

impl AsyncWrite for DuplexStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let bufs = [IoSlice::new(buf)];
        with_pipe(&self.write, cx, |pipe, cx| pipe.write_locked(cx, &bufs))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        with_pipe(&self.write, cx, |pipe, cx| pipe.write_locked(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let waker = self.write.lock().close_write();
        wake(waker);
        Poll::Ready(Ok(()))
    }
}

impl Drop for DuplexStream {
    fn drop(&mut self) {
        // Our peer reads what we wrote (sees EOF after draining) and writes
        // what we would have read (gets BrokenPipe).
        let reader = self.write.lock().close_write();
        let writer = self.read.lock().close_read();
        wake(reader);
        wake(writer);
    }
}

impl fmt::Debug for SimplexStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimplexStream")
            .field("buffered", &self.buffer.len())
            .field("is_closed", &self.is_closed)
            .field("max_buf_size", &self.max_buf_size)
            .finish()
    }
}

impl fmt::Debug for DuplexStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DuplexStream")
            .field("read", &*self.read.lock())
            .field("write", &*self.write.lock())
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::io::{AsyncReadExt, AsyncWriteExt};
    use futures::executor::block_on;
    use std::future::Future;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::task::Wake;

    struct CountingWaker(AtomicUsize);

    impl Wake for CountingWaker {
        fn wake(self: std::sync::Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    #[test]
    fn pending_reader_is_woken_by_the_writer_of_the_other_end() {
        let (mut a, mut b) = duplex(4);
        let counter = std::sync::Arc::new(CountingWaker(AtomicUsize::new(0)));
        let waker = Waker::from(counter.clone());
        let mut cx = Context::from_waker(&waker);
        let mut buf = [0u8; 4];
        {
            let mut read = std::pin::pin!(b.read(&mut buf));
            assert!(read.as_mut().poll(&mut cx).is_pending());
            assert_eq!(counter.0.load(Ordering::SeqCst), 0);
            block_on(a.write_all(b"xy")).unwrap();
            assert_eq!(counter.0.load(Ordering::SeqCst), 1);
            assert!(matches!(read.as_mut().poll(&mut cx), Poll::Ready(Ok(2))));
        }
        assert_eq!(&buf[..2], b"xy");
    }

    #[test]
    fn full_writer_is_woken_by_a_read_and_by_drop() {
        let (mut a, mut b) = duplex(2);
        let counter = std::sync::Arc::new(CountingWaker(AtomicUsize::new(0)));
        let waker = Waker::from(counter.clone());
        let mut cx = Context::from_waker(&waker);
        block_on(a.write_all(b"12")).unwrap();
        {
            let mut write = std::pin::pin!(a.write(b"3"));
            assert!(write.as_mut().poll(&mut cx).is_pending());
            let mut one = [0u8; 1];
            block_on(b.read_exact(&mut one)).unwrap();
            assert_eq!(counter.0.load(Ordering::SeqCst), 1);
            assert!(matches!(write.as_mut().poll(&mut cx), Poll::Ready(Ok(1))));
            let mut write = std::pin::pin!(a.write(b"4"));
            assert!(write.as_mut().poll(&mut cx).is_pending());
            drop(b);
            assert_eq!(counter.0.load(Ordering::SeqCst), 2);
            match write.as_mut().poll(&mut cx) {
                Poll::Ready(Err(e)) => assert_eq!(e.kind(), io::ErrorKind::BrokenPipe),
                other => panic!("expected BrokenPipe, got {other:?}"),
            }
        }
    }

    #[test]
    fn wrapped_buffer_reads_in_order() {
        let mut pipe = SimplexStream::new_unsplit(4);
        let mut out = [0u8; 3];
        block_on(async {
            pipe.write_all(b"abc").await.unwrap();
            pipe.read_exact(&mut out[..2]).await.unwrap();
            pipe.write_all(b"de").await.unwrap();
            let mut rest = [0u8; 3];
            pipe.read_exact(&mut rest).await.unwrap();
            assert_eq!(&rest, b"cde");
        });
        assert_eq!(&out[..2], b"ab");
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use crate::io::{duplex, AsyncReadExt, AsyncWriteExt};
    use crate::loom::thread;
    use loom::future::block_on;

    /// A writer pushes three bytes through a one-byte pipe while the reader
    /// drains it on another thread: every byte arrives, in order, then EOF.
    #[test]
    fn one_byte_pipe_across_threads() {
        loom::model(|| {
            let (mut a, mut b) = duplex(1);
            let t = thread::spawn(move || {
                block_on(a.write_all(b"xyz")).unwrap();
            });
            let mut got = Vec::new();
            block_on(b.read_to_end(&mut got)).unwrap();
            assert_eq!(got, b"xyz");
            t.join().unwrap();
        });
    }

    /// The peer drops while a writer waits for room: the writer is woken
    /// and fails with `BrokenPipe`, never hangs.
    #[test]
    fn drop_wakes_a_waiting_writer() {
        loom::model(|| {
            let (mut a, b) = duplex(1);
            let t = thread::spawn(move || drop(b));
            let res = block_on(a.write_all(b"xy"));
            t.join().unwrap();
            assert_eq!(res.unwrap_err().kind(), std::io::ErrorKind::BrokenPipe);
        });
    }
}
