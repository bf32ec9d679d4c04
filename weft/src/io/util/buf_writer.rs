//! [`BufWriter`]: an in-memory write buffer in front of a writer.

use super::DEFAULT_BUF_SIZE;
use crate::io::{AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};
use pin_project_lite::pin_project;
use std::fmt;
use std::io::{self, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project! {
    /// Wraps a writer and buffers its output.
    ///
    /// It can be excessively inefficient to work directly with something that
    /// implements [`AsyncWrite`]. A `BufWriter` keeps an in-memory buffer of
    /// data and writes it to an underlying writer in large, infrequent
    /// batches.
    ///
    /// `BufWriter` can improve the speed of programs that make *small* and
    /// *repeated* write calls to the same file or network socket. It does not
    /// help when writing very large amounts at once, or writing just one or a
    /// few times. It also provides no advantage when writing to a destination
    /// that is in memory, like a `Vec<u8>`.
    ///
    /// When the `BufWriter` is dropped, the contents of its buffer will be
    /// discarded. Creating multiple instances of a `BufWriter` on the same
    /// stream can cause data loss. If you need to write out the contents of
    /// its buffer, you must manually call flush before the writer is dropped.
    ///
    /// ```
    /// use weft::io::{AsyncWriteExt, BufWriter};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut writer = BufWriter::new(Vec::new());
    /// writer.write_all(b"small ").await?;
    /// writer.write_all(b"writes").await?;
    /// assert!(writer.get_ref().is_empty(), "still buffered");
    /// writer.flush().await?;
    /// assert_eq!(writer.get_ref(), b"small writes");
    /// # Ok(())
    /// # }
    /// ```
    pub struct BufWriter<W> {
        #[pin]
        pub(super) inner: W,
        pub(super) buf: Vec<u8>,
        // Bytes at the front of `buf` already handed to `inner` by a flush
        // that has not finished: kept across `Pending` so that nothing is
        // written twice.
        pub(super) written: usize,
        pub(super) seek_state: SeekState,
    }
}

impl<W: AsyncWrite> BufWriter<W> {
    /// Creates a new `BufWriter` with a default buffer capacity. The default
    /// is currently 8 KB, but may change in the future.
    ///
    /// ```
    /// let writer = weft::io::BufWriter::new(Vec::<u8>::new());
    /// assert!(writer.buffer().is_empty());
    /// ```
    pub fn new(inner: W) -> Self {
        Self::with_capacity(DEFAULT_BUF_SIZE, inner)
    }

    /// Creates a new `BufWriter` with the specified buffer capacity.
    ///
    /// ```
    /// use weft::io::{AsyncWriteExt, BufWriter};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut writer = BufWriter::with_capacity(4, Vec::new());
    /// writer.write_all(b"abc").await?;
    /// writer.write_all(b"de").await?; // does not fit: the first flushes
    /// assert_eq!(writer.get_ref(), b"abc");
    /// assert_eq!(writer.buffer(), b"de");
    /// # Ok(())
    /// # }
    /// ```
    pub fn with_capacity(cap: usize, inner: W) -> Self {
        BufWriter {
            inner,
            buf: Vec::with_capacity(cap),
            written: 0,
            seek_state: SeekState::Init,
        }
    }

    /// Writes out the whole buffer (not flushing the inner writer).
    fn flush_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut me = self.project();
        let len = me.buf.len();
        let mut ret = Ok(());
        while *me.written < len {
            match ready!(me.inner.as_mut().poll_write(cx, &me.buf[*me.written..])) {
                Ok(0) => {
                    ret = Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "failed to write the buffered data",
                    ));
                    break;
                }
                Ok(n) => *me.written += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    ret = Err(e);
                    break;
                }
            }
        }
        // Drop what went out even on error, so a retry does not repeat it.
        if *me.written > 0 {
            me.buf.drain(..*me.written);
        }
        *me.written = 0;
        Poll::Ready(ret)
    }

    /// Gets a reference to the underlying writer.
    ///
    /// ```
    /// let writer = weft::io::BufWriter::new(vec![1u8]);
    /// assert_eq!(writer.get_ref(), &[1]);
    /// ```
    pub fn get_ref(&self) -> &W {
        &self.inner
    }

    /// Gets a mutable reference to the underlying writer.
    ///
    /// It is inadvisable to directly write to the underlying writer.
    ///
    /// ```
    /// let mut writer = weft::io::BufWriter::new(Vec::<u8>::new());
    /// writer.get_mut().push(2);
    /// assert_eq!(writer.get_ref(), &[2]);
    /// ```
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.inner
    }

    /// Gets a pinned mutable reference to the underlying writer.
    ///
    /// It is inadvisable to directly write to the underlying writer.
    ///
    /// ```
    /// use std::pin::pin;
    ///
    /// let mut writer = pin!(weft::io::BufWriter::new(Vec::<u8>::new()));
    /// assert!(writer.as_mut().get_pin_mut().is_empty());
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut W> {
        self.project().inner
    }

    /// Consumes this `BufWriter`, returning the underlying writer.
    ///
    /// Note that any leftover data in the internal buffer is lost.
    ///
    /// ```
    /// let writer = weft::io::BufWriter::new(vec![3u8]);
    /// assert_eq!(writer.into_inner(), vec![3]);
    /// ```
    pub fn into_inner(self) -> W {
        self.inner
    }

    /// Returns a reference to the internally buffered data.
    ///
    /// ```
    /// use weft::io::{AsyncWriteExt, BufWriter};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut writer = BufWriter::new(Vec::new());
    /// writer.write_all(b"held").await?;
    /// assert_eq!(writer.buffer(), b"held");
    /// # Ok(())
    /// # }
    /// ```
    pub fn buffer(&self) -> &[u8] {
        &self.buf
    }
}

impl<W: AsyncWrite> AsyncWrite for BufWriter<W> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.buf.len() + buf.len() > self.buf.capacity() {
            ready!(self.as_mut().flush_buf(cx))?;
        }
        let me = self.project();
        if buf.len() >= me.buf.capacity() {
            // Bigger than the buffer: buffering would only add a copy.
            me.inner.poll_write(cx, buf)
        } else {
            me.buf.extend_from_slice(buf);
            Poll::Ready(Ok(buf.len()))
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        mut bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if self.inner.is_write_vectored() {
            let total = bufs
                .iter()
                .fold(0usize, |acc, b| acc.saturating_add(b.len()));
            if total > self.buf.capacity() - self.buf.len() {
                ready!(self.as_mut().flush_buf(cx))?;
            }
            let me = self.as_mut().project();
            if total >= me.buf.capacity() {
                // The inner writer takes the slices as they are.
                me.inner.poll_write_vectored(cx, bufs)
            } else {
                bufs.iter().for_each(|b| me.buf.extend_from_slice(b));
                Poll::Ready(Ok(total))
            }
        } else {
            // Without vectored writes below, gather as many whole slices as
            // fit into the buffer, starting with the first non-empty one.
            while bufs.first().is_some_and(|b| b.is_empty()) {
                bufs = &bufs[1..];
            }
            let Some(first) = bufs.first() else {
                return Poll::Ready(Ok(0));
            };
            let first_len = first.len();
            if first_len > self.buf.capacity() - self.buf.len() {
                ready!(self.as_mut().flush_buf(cx))?;
                debug_assert!(self.buf.is_empty());
            }
            let me = self.as_mut().project();
            if first_len >= me.buf.capacity() {
                debug_assert!(me.buf.is_empty());
                return me.inner.poll_write(cx, &bufs[0]);
            }
            me.buf.extend_from_slice(&bufs[0]);
            let mut total = first_len;
            for b in &bufs[1..] {
                if b.len() > me.buf.capacity() - me.buf.len() {
                    break;
                }
                me.buf.extend_from_slice(b);
                total += b.len();
            }
            Poll::Ready(Ok(total))
        }
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().flush_buf(cx))?;
        self.get_pin_mut().poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.as_mut().flush_buf(cx))?;
        self.get_pin_mut().poll_shutdown(cx)
    }
}

/// Where a seek on a [`BufWriter`] is.
#[derive(Debug, Clone, Copy)]
pub(super) enum SeekState {
    /// No seek requested.
    Init,
    /// `start_seek` recorded this target; the buffer must be flushed first.
    Start(SeekFrom),
    /// The inner seek is in flight.
    Pending,
}

/// Seek to the offset, in bytes, in the underlying writer.
///
/// Seeking always writes out the internal buffer before seeking.
impl<W: AsyncWrite + AsyncSeek> AsyncSeek for BufWriter<W> {
    fn start_seek(self: Pin<&mut Self>, pos: SeekFrom) -> io::Result<()> {
        // Flushing needs a `Context`, so it happens in `poll_complete`.
        *self.project().seek_state = SeekState::Start(pos);
        Ok(())
    }

    fn poll_complete(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let pos = match self.seek_state {
            SeekState::Init => return self.project().inner.poll_complete(cx),
            SeekState::Start(pos) => Some(pos),
            SeekState::Pending => None,
        };
        ready!(self.as_mut().flush_buf(cx))?;
        let mut me = self.project();
        if let Some(pos) = pos {
            me.inner.as_mut().start_seek(pos)?;
        }
        *me.seek_state = SeekState::Pending;
        let res = me.inner.poll_complete(cx);
        if res.is_ready() {
            *me.seek_state = SeekState::Init;
        }
        res
    }
}

impl<W: AsyncWrite + AsyncRead> AsyncRead for BufWriter<W> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.get_pin_mut().poll_read(cx, buf)
    }
}

impl<W: AsyncWrite + AsyncBufRead> AsyncBufRead for BufWriter<W> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.get_pin_mut().poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.get_pin_mut().consume(amt)
    }
}

impl<W: fmt::Debug> fmt::Debug for BufWriter<W> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BufWriter")
            .field("writer", &self.inner)
            .field(
                "buffer",
                &format_args!("{}/{}", self.buf.len(), self.buf.capacity()),
            )
            .field("written", &self.written)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use crate::io::{AsyncSeekExt, AsyncWriteExt};
    use futures::executor::block_on;
    use std::io::Cursor;

    #[test]
    fn seek_flushes_first() {
        block_on(async {
            let mut w = BufWriter::new(Cursor::new(Vec::new()));
            w.write_all(b"abcdef").await.unwrap();
            assert_eq!(w.seek(SeekFrom::Start(1)).await.unwrap(), 1);
            w.write_all(b"XY").await.unwrap();
            w.flush().await.unwrap();
            assert_eq!(w.get_ref().get_ref(), b"aXYdef");
        });
    }

    /// A writer without vectored writes.
    struct Plain(Vec<u8>);

    impl AsyncWrite for Plain {
        fn poll_write(
            self: Pin<&mut Self>,
            _cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            self.get_mut().0.extend_from_slice(buf);
            Poll::Ready(Ok(buf.len()))
        }

        fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }

        fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Poll::Ready(Ok(()))
        }
    }

    #[test]
    fn vectored_writes_gather_whole_slices() {
        block_on(async {
            let mut w = BufWriter::with_capacity(5, Plain(Vec::new()));
            let bufs = [
                IoSlice::new(b""),
                IoSlice::new(b"ab"),
                IoSlice::new(b"cd"),
                IoSlice::new(b"ef"),
            ];
            assert_eq!(w.write_vectored(&bufs).await.unwrap(), 4);
            assert_eq!(w.buffer(), b"abcd");
            assert!(w.get_ref().0.is_empty());

            // A vectored inner writer gets big batches directly.
            let mut v = BufWriter::with_capacity(3, Vec::new());
            assert_eq!(v.write_vectored(&bufs).await.unwrap(), 6);
            assert_eq!(v.get_ref(), b"abcdef");
        });
    }
}
