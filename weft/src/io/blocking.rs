//! Bridges a blocking `std::io` reader or writer to `AsyncRead`/`AsyncWrite`
//! through the blocking pool.
//!
//! Protocol (shared by [`Blocking`] and `fs::File`):
//!
//! 1. At most one blocking operation is in flight. While it runs, the
//!    operation owns the byte buffer ([`Buf`]) and, for [`Blocking`], the
//!    inner reader or writer; the adapter holds only the `JoinHandle`.
//! 2. A read asks the pool for at most `min(dst.remaining(), max)` bytes;
//!    what comes back is handed out from the buffer before the next
//!    operation starts.
//! 3. A write copies the caller's bytes into the buffer, starts the blocking
//!    write and returns `Ready(Ok(n))` at once: the write is in flight, and
//!    its error (if any) is reported by the next write or by flush.
//! 4. Flush waits for the in-flight operation, so after a successful flush
//!    every byte written has reached the inner writer.

use std::cmp;
use std::future::Future;
use std::io::{self, Read, Write};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use crate::io::{AsyncRead, AsyncWrite, ReadBuf};
use crate::task::JoinHandle;

/// Largest buffer one blocking operation moves (Tokio's value).
pub(crate) const DEFAULT_MAX_BUF_SIZE: usize = 2 * 1024 * 1024;

/// Bytes moving between a caller and a blocking operation: `data[pos..]`
/// are the bytes not yet handed out (read side) or not yet written.
#[derive(Debug, Default)]
pub(crate) struct Buf {
    data: Vec<u8>,
    pos: usize,
}

impl Buf {
    pub(crate) fn with_capacity(n: usize) -> Buf {
        Buf {
            data: Vec::with_capacity(n),
            pos: 0,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn len(&self) -> usize {
        self.data.len() - self.pos
    }

    /// Moves as many pending bytes as fit into `dst`.
    pub(crate) fn copy_to(&mut self, dst: &mut ReadBuf<'_>) -> usize {
        let n = cmp::min(self.len(), dst.remaining());
        dst.put_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        if self.pos == self.data.len() {
            self.clear();
        }
        n
    }

    /// Copies up to `max` bytes of `src` in; the buffer must be empty.
    pub(crate) fn copy_from(&mut self, src: &[u8], max: usize) -> usize {
        debug_assert!(self.is_empty());
        let n = cmp::min(src.len(), max);
        self.data.extend_from_slice(&src[..n]);
        n
    }

    /// Copies up to `max` bytes from the slices of `bufs` in.
    pub(crate) fn copy_from_bufs(&mut self, bufs: &[io::IoSlice<'_>], max: usize) -> usize {
        debug_assert!(self.is_empty());
        let mut rem = max;
        for buf in bufs {
            if rem == 0 {
                break;
            }
            let n = cmp::min(buf.len(), rem);
            self.data.extend_from_slice(&buf[..n]);
            rem -= n;
        }
        max - rem
    }

    /// Drops the unread bytes and returns how far the reader is ahead of
    /// the caller (as a negative seek offset).
    pub(crate) fn discard_read(&mut self) -> i64 {
        let ahead = -(self.len() as i64);
        self.clear();
        ahead
    }

    fn clear(&mut self) {
        self.data.clear();
        self.pos = 0;
    }

    /// Reads at most `max` bytes from `rd` into the (empty) buffer, retrying
    /// on `Interrupted`.
    pub(crate) fn read_from<T: Read>(&mut self, rd: &mut T, max: usize) -> io::Result<usize> {
        debug_assert!(self.is_empty());
        // Zeroing costs far less than the system call it precedes, and keeps
        // this path free of uninitialised memory.
        self.data.resize(max, 0);
        let res = loop {
            match rd.read(&mut self.data) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                res => break res,
            }
        };
        let n = *res.as_ref().unwrap_or(&0);
        self.data.truncate(n);
        res
    }

    /// Writes every pending byte to `wr`; the buffer is empty afterwards.
    pub(crate) fn write_to<T: Write>(&mut self, wr: &mut T) -> io::Result<()> {
        let res = wr.write_all(&self.data[self.pos..]);
        self.clear();
        res
    }
}

/// Runs a write on the blocking pool of the current runtime as a mandatory
/// task: it runs even if the runtime shuts down before a pool thread picks
/// it up, because its caller has already been told it succeeded (rule 3).
/// `None` if the runtime has already shut down: the write must fail.
///
/// # Panics
///
/// Outside a runtime, with `spawn_blocking`'s message.
#[track_caller]
pub(crate) fn spawn_mandatory_blocking<F, R>(f: F) -> Option<JoinHandle<R>>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let spawned = crate::runtime::context::with_current(|handle| {
        handle
            .blocking_spawner()
            .spawn_mandatory_blocking(handle, f)
    });
    match spawned {
        Ok(join) => join,
        Err(e) => panic!("{}", e),
    }
}

/// The error of an operation on an adapter whose inner object was lost
/// with a failed blocking task (Tokio's wording).
fn background_task_failed() -> io::Error {
    io::Error::other("background task failed")
}

/// A write refused because the runtime shut down (`is_rt_shutdown_err`).
fn runtime_gone() -> io::Error {
    io::Error::other(crate::runtime::shutdown_error::RUNTIME_SHUTTING_DOWN)
}

/// What a finished blocking operation hands back to [`Blocking`]: its
/// result, the buffer and the inner object (owned by the operation while it
/// ran, rule 1).
type Finished<T> = (io::Result<usize>, Buf, T);

enum State<T> {
    Idle(Option<Buf>),
    Busy(JoinHandle<Finished<T>>),
}

/// Runs the reads and writes of a blocking `T` on the blocking pool (the
/// engine of `Stdin`, `Stdout` and `Stderr`).
pub(crate) struct Blocking<T> {
    inner: Option<T>,
    state: State<T>,
    /// Bytes were written since the last flush of `inner`.
    need_flush: bool,
}

// The inner object is never pinned: it moves to the pool and back.
impl<T> Unpin for Blocking<T> {}

impl<T> std::fmt::Debug for Blocking<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Blocking")
            .field("busy", &matches!(self.state, State::Busy(_)))
            .finish()
    }
}

impl<T> Blocking<T> {
    pub(crate) fn new(inner: T) -> Blocking<T> {
        Blocking {
            inner: Some(inner),
            state: State::Idle(Some(Buf::with_capacity(0))),
            need_flush: false,
        }
    }
}

impl<T> Blocking<T> {
    /// Waits for the in-flight operation and takes back buffer and inner.
    fn poll_finish(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let State::Busy(join) = &mut self.state else {
            return Poll::Ready(Ok(0));
        };
        match ready!(Pin::new(join).poll(cx)) {
            Ok((res, buf, inner)) => {
                self.state = State::Idle(Some(buf));
                self.inner = Some(inner);
                Poll::Ready(res)
            }
            // The task failed (cancelled at runtime shutdown, or panicked)
            // and took `inner` with it: report that once; later operations
            // fail with `background_task_failed` instead of panicking.
            Err(e) => {
                self.state = State::Idle(Some(Buf::default()));
                Poll::Ready(Err(e.into()))
            }
        }
    }
}

impl<T: Read + Send + 'static> AsyncRead for Blocking<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let me = &mut *self;
        loop {
            match &mut me.state {
                State::Idle(cell) => {
                    let mut buf = cell.take().expect("buffer present when idle");
                    if !buf.is_empty() || dst.remaining() == 0 {
                        buf.copy_to(dst);
                        *cell = Some(buf);
                        return Poll::Ready(Ok(()));
                    }
                    let Some(mut inner) = me.inner.take() else {
                        *cell = Some(buf);
                        return Poll::Ready(Err(background_task_failed()));
                    };
                    let max = cmp::min(dst.remaining(), DEFAULT_MAX_BUF_SIZE);
                    me.state = State::Busy(crate::task::spawn_blocking(move || {
                        let res = buf.read_from(&mut inner, max);
                        (res, buf, inner)
                    }));
                }
                State::Busy(_) => {
                    let res = ready!(me.poll_finish(cx));
                    let State::Idle(Some(buf)) = &mut me.state else {
                        unreachable!("poll_finish leaves the adapter idle")
                    };
                    return Poll::Ready(res.map(|_| {
                        buf.copy_to(dst);
                    }));
                }
            }
        }
    }
}

impl<T: Write + Send + 'static> AsyncWrite for Blocking<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        let me = &mut *self;
        loop {
            match &mut me.state {
                State::Idle(cell) => {
                    let Some(mut inner) = me.inner.take() else {
                        return Poll::Ready(Err(background_task_failed()));
                    };
                    let mut buf = cell.take().expect("buffer present when idle");
                    let n = buf.copy_from(src, DEFAULT_MAX_BUF_SIZE);
                    let spawned = spawn_mandatory_blocking(move || {
                        let n = buf.len();
                        let res = buf.write_to(&mut inner).map(|()| n);
                        (res, buf, inner)
                    });
                    // Refused: the runtime shut down, and took `inner` with
                    // the closure; every later call fails the same way.
                    let Some(join) = spawned else {
                        *cell = Some(Buf::default());
                        return Poll::Ready(Err(runtime_gone()));
                    };
                    me.need_flush = true;
                    me.state = State::Busy(join);
                    return Poll::Ready(Ok(n));
                }
                State::Busy(_) => {
                    ready!(me.poll_finish(cx))?;
                }
            }
        }
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let me = &mut *self;
        loop {
            match &mut me.state {
                State::Idle(cell) => {
                    if !me.need_flush {
                        return Poll::Ready(Ok(()));
                    }
                    me.need_flush = false;
                    let buf = cell.take().expect("buffer present when idle");
                    let Some(mut inner) = me.inner.take() else {
                        *cell = Some(buf);
                        return Poll::Ready(Err(background_task_failed()));
                    };
                    me.state = State::Busy(crate::task::spawn_blocking(move || {
                        let res = inner.flush().map(|()| 0);
                        (res, buf, inner)
                    }));
                }
                State::Busy(_) => {
                    ready!(me.poll_finish(cx))?;
                }
            }
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn buf_round_trip() {
        let mut buf = Buf::default();
        assert_eq!(buf.copy_from(b"hello world", 5), 5);
        let mut out = Vec::new();
        buf.write_to(&mut out).unwrap();
        assert_eq!(out, b"hello");
        assert!(buf.is_empty());

        let mut src: &[u8] = b"abcdef";
        assert_eq!(buf.read_from(&mut src, 4).unwrap(), 4);
        let mut storage = [0u8; 3];
        let mut dst = ReadBuf::new(&mut storage);
        assert_eq!(buf.copy_to(&mut dst), 3);
        assert_eq!(dst.filled(), b"abc");
        assert_eq!(buf.discard_read(), -1);
        assert!(buf.is_empty());
    }
}
