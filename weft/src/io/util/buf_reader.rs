//! [`BufReader`]: an in-memory read buffer in front of a reader.

use super::DEFAULT_BUF_SIZE;
use crate::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};
use pin_project_lite::pin_project;
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::{cmp, fmt, mem};

pin_project! {
    /// The `BufReader` struct adds buffering to any reader.
    ///
    /// It can be excessively inefficient to work directly with a
    /// [`AsyncRead`] instance. A `BufReader` performs large, infrequent reads
    /// on the underlying [`AsyncRead`] and maintains an in-memory buffer of
    /// the results.
    ///
    /// `BufReader` can improve the speed of programs that make *small* and
    /// *repeated* read calls to the same file or network socket. It does not
    /// help when reading very large amounts at once, or reading just one or a
    /// few times. It also provides no advantage when reading from a source
    /// that is already in memory, like a `Vec<u8>`.
    ///
    /// When the `BufReader` is dropped, the contents of its buffer will be
    /// discarded. Creating multiple instances of a `BufReader` on the same
    /// stream can cause data loss.
    ///
    /// ```
    /// use weft::io::{AsyncBufReadExt, BufReader};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader = BufReader::new(&b"line one\nline two\n"[..]);
    /// let mut line = String::new();
    /// reader.read_line(&mut line).await?;
    /// assert_eq!(line, "line one\n");
    /// # Ok(())
    /// # }
    /// ```
    pub struct BufReader<R> {
        #[pin]
        pub(super) inner: R,
        pub(super) buf: Box<[u8]>,
        // Buffered, unread bytes are `buf[pos..cap]`.
        pub(super) pos: usize,
        pub(super) cap: usize,
        pub(super) seek_state: SeekState,
    }
}

impl<R: AsyncRead> BufReader<R> {
    /// Creates a new `BufReader` with a default buffer capacity. The default
    /// is currently 8 KB, but may change in the future.
    ///
    /// ```
    /// let reader = weft::io::BufReader::new(&b"data"[..]);
    /// assert!(reader.buffer().is_empty());
    /// ```
    pub fn new(inner: R) -> Self {
        Self::with_capacity(DEFAULT_BUF_SIZE, inner)
    }

    /// Creates a new `BufReader` with the specified buffer capacity.
    ///
    /// # Panics
    ///
    /// Panics if `capacity` is zero.
    ///
    /// ```
    /// use weft::io::{AsyncBufReadExt, BufReader};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader = BufReader::with_capacity(2, &b"abc"[..]);
    /// assert_eq!(reader.fill_buf().await?, b"ab");
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn with_capacity(capacity: usize, inner: R) -> Self {
        assert!(capacity > 0, "capacity must be greater than zero");
        BufReader {
            inner,
            buf: vec![0; capacity].into_boxed_slice(),
            pos: 0,
            cap: 0,
            seek_state: SeekState::Init,
        }
    }

    /// Gets a reference to the underlying reader.
    ///
    /// It is inadvisable to directly read from the underlying reader.
    ///
    /// ```
    /// let reader = weft::io::BufReader::new(&b"data"[..]);
    /// assert_eq!(*reader.get_ref(), &b"data"[..]);
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Gets a mutable reference to the underlying reader.
    ///
    /// It is inadvisable to directly read from the underlying reader.
    ///
    /// ```
    /// let mut reader = weft::io::BufReader::new(&b"data"[..]);
    /// *reader.get_mut() = &b"other"[..];
    /// assert_eq!(*reader.get_ref(), &b"other"[..]);
    /// ```
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Gets a pinned mutable reference to the underlying reader.
    ///
    /// It is inadvisable to directly read from the underlying reader.
    ///
    /// ```
    /// use std::pin::pin;
    ///
    /// let mut reader = pin!(weft::io::BufReader::new(&b"data"[..]));
    /// assert_eq!(*reader.as_mut().get_pin_mut(), &b"data"[..]);
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().inner
    }

    /// Consumes this `BufReader`, returning the underlying reader.
    ///
    /// Note that any leftover data in the internal buffer is lost.
    ///
    /// ```
    /// let reader = weft::io::BufReader::new(&b"data"[..]);
    /// assert_eq!(reader.into_inner(), &b"data"[..]);
    /// ```
    pub fn into_inner(self) -> R {
        self.inner
    }

    /// Returns a reference to the internally buffered data.
    ///
    /// Unlike `fill_buf`, this will not attempt to fill the buffer if it is
    /// empty.
    ///
    /// ```
    /// use weft::io::{AsyncBufReadExt, BufReader};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut reader = BufReader::new(&b"data"[..]);
    /// reader.fill_buf().await?;
    /// reader.consume(1);
    /// assert_eq!(reader.buffer(), b"ata");
    /// # Ok(())
    /// # }
    /// ```
    pub fn buffer(&self) -> &[u8] {
        &self.buf[self.pos..self.cap]
    }

    /// Invalidates all data in the internal buffer.
    #[inline]
    fn discard_buffer(self: Pin<&mut Self>) {
        let me = self.project();
        *me.pos = 0;
        *me.cap = 0;
    }
}

impl<R: AsyncRead> AsyncRead for BufReader<R> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        // With nothing buffered and a caller buffer at least as big as ours,
        // buffering would only add a copy: read straight into theirs.
        if self.pos == self.cap && buf.remaining() >= self.buf.len() {
            let res = ready!(self.as_mut().get_pin_mut().poll_read(cx, buf));
            self.discard_buffer();
            return Poll::Ready(res);
        }
        let rem = ready!(self.as_mut().poll_fill_buf(cx))?;
        let amt = cmp::min(rem.len(), buf.remaining());
        buf.put_slice(&rem[..amt]);
        self.consume(amt);
        Poll::Ready(Ok(()))
    }
}

impl<R: AsyncRead> AsyncBufRead for BufReader<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let me = self.project();
        // Refill only when everything buffered has been consumed; a
        // `BufReader` never holds more than one fill.
        if *me.pos >= *me.cap {
            debug_assert!(*me.pos == *me.cap);
            let mut buf = ReadBuf::new(me.buf);
            ready!(me.inner.poll_read(cx, &mut buf))?;
            *me.cap = buf.filled().len();
            *me.pos = 0;
        }
        Poll::Ready(Ok(&me.buf[*me.pos..*me.cap]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let me = self.project();
        *me.pos = cmp::min(*me.pos + amt, *me.cap);
    }
}

/// Where a seek on a [`BufReader`] is.
#[derive(Debug, Clone, Copy)]
pub(super) enum SeekState {
    /// No seek requested: `poll_complete` only waits out the inner reader's.
    Init,
    /// `start_seek` recorded this target; nothing was started yet.
    Start(SeekFrom),
    /// A relative seek whose offset minus the buffered bytes overflowed: the
    /// inner seek back by the buffered bytes is in flight, this relative
    /// seek follows.
    PendingOverflowed(i64),
    /// The inner seek is in flight.
    Pending,
}

/// Seeks the underlying reader and discards the buffer.
///
/// A `SeekFrom::Current(n)` is relative to the position the *caller* sees,
/// which is behind the inner reader's by the bytes still buffered; the offset
/// is adjusted for them. `poll_complete` without a `start_seek` only waits
/// for an operation of the inner reader and keeps the buffer.
impl<R: AsyncRead + AsyncSeek> AsyncSeek for BufReader<R> {
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        // The inner seek may need more than one step, each of which needs a
        // `Context`; they all happen in `poll_complete`.
        *self.project().seek_state = SeekState::Start(pos);
        Ok(())
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let state = mem::replace(self.as_mut().project().seek_state, SeekState::Init);
        let res = match state {
            SeekState::Init => return self.get_pin_mut().poll_complete(cx),
            SeekState::Start(SeekFrom::Current(n)) => {
                // Buffers are at most isize::MAX bytes, so this fits.
                let remainder = (self.cap - self.pos) as i64;
                match n.checked_sub(remainder) {
                    Some(offset) => {
                        self.as_mut()
                            .get_pin_mut()
                            .start_seek(SeekFrom::Current(offset))?;
                    }
                    None => {
                        // Seek back over the buffered bytes first, then by `n`.
                        self.as_mut()
                            .get_pin_mut()
                            .start_seek(SeekFrom::Current(-remainder))?;
                        if self.as_mut().get_pin_mut().poll_complete(cx)?.is_pending() {
                            *self.as_mut().project().seek_state = SeekState::PendingOverflowed(n);
                            return Poll::Pending;
                        }
                        self.as_mut().discard_buffer();
                        self.as_mut()
                            .get_pin_mut()
                            .start_seek(SeekFrom::Current(n))?;
                    }
                }
                self.as_mut().get_pin_mut().poll_complete(cx)?
            }
            SeekState::PendingOverflowed(n) => {
                if self.as_mut().get_pin_mut().poll_complete(cx)?.is_pending() {
                    *self.as_mut().project().seek_state = SeekState::PendingOverflowed(n);
                    return Poll::Pending;
                }
                self.as_mut().discard_buffer();
                self.as_mut()
                    .get_pin_mut()
                    .start_seek(SeekFrom::Current(n))?;
                self.as_mut().get_pin_mut().poll_complete(cx)?
            }
            SeekState::Start(pos) => {
                // Absolute seeks do not depend on the buffer.
                self.as_mut().get_pin_mut().start_seek(pos)?;
                self.as_mut().get_pin_mut().poll_complete(cx)?
            }
            SeekState::Pending => self.as_mut().get_pin_mut().poll_complete(cx)?,
        };
        match res {
            Poll::Ready(pos) => {
                self.discard_buffer();
                Poll::Ready(Ok(pos))
            }
            Poll::Pending => {
                *self.as_mut().project().seek_state = SeekState::Pending;
                Poll::Pending
            }
        }
    }
}

impl<R: AsyncRead + AsyncWrite> AsyncWrite for BufReader<R> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.get_pin_mut().poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.get_ref().is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_shutdown(cx)
    }
}

impl<R: fmt::Debug> fmt::Debug for BufReader<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufReader")
            .field("reader", &self.inner)
            .field(
                "buffer",
                &format_args!("{}/{}", self.cap - self.pos, self.buf.len()),
            )
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::io::{AsyncReadExt, AsyncSeekExt};
    use futures::executor::block_on;
    use std::io::Cursor;

    #[test]
    fn relative_seek_accounts_for_buffered_bytes() {
        block_on(async {
            let mut r = BufReader::with_capacity(4, Cursor::new(b"0123456789".to_vec()));
            let mut one = [0u8; 1];
            r.read_exact(&mut one).await.unwrap(); // buffers "0123"
            assert_eq!(r.stream_position().await.unwrap(), 1);
            assert_eq!(r.seek(SeekFrom::Current(2)).await.unwrap(), 3);
            r.read_exact(&mut one).await.unwrap();
            assert_eq!(&one, b"3");
            assert_eq!(
                r.seek(SeekFrom::Current(i64::MIN))
                    .await
                    .map_err(|e| e.kind()),
                Err(io::ErrorKind::InvalidInput)
            );
        });
    }

    #[test]
    fn large_reads_bypass_the_buffer() {
        block_on(async {
            let mut r = BufReader::with_capacity(2, &b"abcdef"[..]);
            let mut big = [0u8; 4];
            assert_eq!(r.read(&mut big).await.unwrap(), 4);
            assert!(r.buffer().is_empty());
            assert_eq!(&big, b"abcd");
        });
    }

    #[test]
    fn debug_shows_fill_level() {
        let r = BufReader::with_capacity(8, &b""[..]);
        assert_eq!(format!("{r:?}"), "BufReader { reader: [], buffer: 0/8 }");
    }
}
