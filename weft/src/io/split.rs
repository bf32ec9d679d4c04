//! [`split`]: one `AsyncRead + AsyncWrite` value shared by a read half and a
//! write half.
//!
//! Both halves hold an `Arc` to the stream behind a mutex; each poll takes
//! the lock for the duration of the inner poll only. The stream is pinned in
//! place inside the `Arc` from `split` until `unsplit` (which needs
//! `T: Unpin`) takes it out.

use crate::io::{AsyncRead, AsyncWrite, ReadBuf};
use crate::loom::sync::{Arc, Mutex};
use std::fmt;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

/// The readable half of a value returned from [`split`](split()).
///
/// The halves are `Send`/`Sync` only if the stream is `Send`:
///
/// ```compile_fail
/// fn is_send<T: Send>() {}
/// is_send::<weft::io::ReadHalf<std::rc::Rc<u8>>>();
/// ```
///
/// ```
/// use weft::io::{self, AsyncReadExt};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> io::Result<()> {
/// let (mut rd, _wr) = io::split(io::join(&b"abc"[..], io::sink()));
/// let mut out = String::new();
/// rd.read_to_string(&mut out).await?;
/// assert_eq!(out, "abc");
/// # Ok(())
/// # }
/// ```
pub struct ReadHalf<T> {
    inner: Arc<Shared<T>>,
}

/// The writable half of a value returned from [`split`](split()).
///
/// ```
/// use weft::io::{self, AsyncWriteExt};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> io::Result<()> {
/// let (rd, mut wr) = io::split(io::join(io::empty(), Vec::new()));
/// wr.write_all(b"abc").await?;
/// let joined = rd.unsplit(wr);
/// assert_eq!(joined.writer(), b"abc");
/// # Ok(())
/// # }
/// ```
pub struct WriteHalf<T> {
    inner: Arc<Shared<T>>,
}

/// Splits a single value implementing `AsyncRead + AsyncWrite` into separate
/// `AsyncRead` and `AsyncWrite` handles.
///
/// To restore this read/write object from its `ReadHalf` and `WriteHalf` use
/// [`unsplit`](ReadHalf::unsplit()).
///
/// ```
/// use weft::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> io::Result<()> {
/// let (a, mut b) = io::duplex(64);
/// let (mut a_rd, mut a_wr) = io::split(a);
/// a_wr.write_all(b"to b").await?;
/// b.write_all(b"to a").await?;
/// let mut buf = [0; 4];
/// a_rd.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"to a");
/// b.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"to b");
/// # Ok(())
/// # }
/// ```
pub fn split<T>(stream: T) -> (ReadHalf<T>, WriteHalf<T>)
where
    T: AsyncRead + AsyncWrite,
{
    let is_write_vectored = stream.is_write_vectored();
    let inner = Arc::new(Shared {
        stream: Mutex::new(Some(stream)),
        is_write_vectored,
    });
    let rd = ReadHalf {
        inner: inner.clone(),
    };
    (rd, WriteHalf { inner })
}

/// The stream both halves share.
struct Shared<T> {
    // `Some` until `unsplit` takes it out (which needs both halves, so no
    // poll can observe `None`).
    stream: Mutex<Option<T>>,
    // Read once at split time: `is_write_vectored` takes `&self` and must
    // not block on the lock.
    is_write_vectored: bool,
}

impl<T> Shared<T> {
    fn with_lock<R>(&self, f: impl FnOnce(Pin<&mut T>) -> R) -> R {
        let mut guard = self.stream.lock();
        let stream = guard
            .as_mut()
            .expect("the stream is only taken out by unsplit");
        // SAFETY: the stream lives in the `Arc`'s heap allocation and is never
        // moved while any half exists: the only move is `unsplit`, which
        // consumes both halves and requires `T: Unpin`.
        let stream = unsafe { Pin::new_unchecked(stream) };
        f(stream)
    }
}

impl<T> ReadHalf<T> {
    /// Checks if this `ReadHalf` and some `WriteHalf` were split from the
    /// same stream.
    ///
    /// ```
    /// use weft::io;
    ///
    /// let (rd, wr) = io::split(io::empty());
    /// let (_rd2, wr2) = io::split(io::empty());
    /// assert!(rd.is_pair_of(&wr));
    /// assert!(!rd.is_pair_of(&wr2));
    /// ```
    pub fn is_pair_of(&self, other: &WriteHalf<T>) -> bool {
        other.is_pair_of(self)
    }

    /// Reunites with a previously split `WriteHalf`.
    ///
    /// # Panics
    ///
    /// If this `ReadHalf` and the given `WriteHalf` do not originate from the
    /// same `split` operation this method will panic. This can be checked
    /// ahead of time by calling [`is_pair_of()`](Self::is_pair_of).
    ///
    /// ```
    /// use weft::io;
    ///
    /// let (rd, wr) = io::split(io::join(io::repeat(1), io::sink()));
    /// let joined = rd.unsplit(wr);
    /// let (_repeat, _sink) = joined.into_inner();
    /// ```
    #[track_caller]
    pub fn unsplit(self, wr: WriteHalf<T>) -> T
    where
        T: Unpin,
    {
        if !self.is_pair_of(&wr) {
            panic!("Unrelated `split::Write` passed to `split::Read::unsplit`.");
        }
        drop(wr);
        let shared = Arc::try_unwrap(self.inner)
            .ok()
            .expect("`Arc::try_unwrap` failed");
        let stream = shared.stream.lock().take();
        stream.expect("the stream is only taken out by unsplit")
    }
}

impl<T> WriteHalf<T> {
    /// Checks if this `WriteHalf` and some `ReadHalf` were split from the
    /// same stream.
    ///
    /// ```
    /// use weft::io;
    ///
    /// let (rd, wr) = io::split(io::empty());
    /// assert!(wr.is_pair_of(&rd));
    /// ```
    pub fn is_pair_of(&self, other: &ReadHalf<T>) -> bool {
        Arc::ptr_eq(&self.inner, &other.inner)
    }
}

impl<T: AsyncRead> AsyncRead for ReadHalf<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.inner.with_lock(|stream| stream.poll_read(cx, buf))
    }
}

impl<T: AsyncWrite> AsyncWrite for WriteHalf<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.inner.with_lock(|stream| stream.poll_write(cx, buf))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.with_lock(|stream| stream.poll_flush(cx))
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.with_lock(|stream| stream.poll_shutdown(cx))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.inner
            .with_lock(|stream| stream.poll_write_vectored(cx, bufs))
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored
    }
}

impl<T: fmt::Debug> fmt::Debug for ReadHalf<T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("split::ReadHalf").finish()
    }
}

impl<T: fmt::Debug> fmt::Debug for WriteHalf<T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("split::WriteHalf").finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn halves_are_send_and_sync_for_send_streams() {
        assert_send_sync::<ReadHalf<crate::io::DuplexStream>>();
        assert_send_sync::<WriteHalf<crate::io::DuplexStream>>();
    }

    #[test]
    #[should_panic(expected = "Unrelated `split::Write` passed to `split::Read::unsplit`.")]
    fn unsplit_of_strangers_panics() {
        let (rd, _wr) = split(crate::io::empty());
        let (_rd2, wr2) = split(crate::io::empty());
        let _ = rd.unsplit(wr2);
    }
}
