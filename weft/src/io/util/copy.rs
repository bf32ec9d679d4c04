//! [`copy`] and the buffer-and-cursors machine ([`CopyBuffer`]) that
//! [`copy_bidirectional`](super::copy_bidirectional) shares.
//!
//! One poll of the machine, until it returns:
//!
//! 1. If the buffer has room and the reader has not hit EOF, read into it.
//!    A pending read is ignored while there are bytes to write; with nothing
//!    to write it ends the poll, after flushing the writer if bytes went out
//!    since the last flush (a writer that buffers may hold what the peer
//!    needs before it answers).
//! 2. Write out everything buffered. A pending write first tops the buffer
//!    up from the reader (bigger writes), then ends the poll.
//! 3. With the buffer empty and EOF seen, flush and finish.
//!
//! `Interrupted` errors are retried. The whole poll costs one unit of
//! cooperative budget, taken up front and kept only if something moved.

use super::DEFAULT_BUF_SIZE;
use crate::io::{AsyncRead, AsyncWrite, ReadBuf};
use crate::task::coop;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// The state of one copy direction: a buffer with the bytes `pos..cap` still
/// to be written.
#[derive(Debug)]
pub(super) struct CopyBuffer {
    read_done: bool,
    need_flush: bool,
    pos: usize,
    cap: usize,
    amt: u64,
    buf: Box<[u8]>,
}

impl CopyBuffer {
    pub(super) fn new(buf_size: usize) -> CopyBuffer {
        CopyBuffer {
            read_done: false,
            need_flush: false,
            pos: 0,
            cap: 0,
            amt: 0,
            buf: vec![0; buf_size].into_boxed_slice(),
        }
    }

    /// Reads into `buf[cap..]`, retrying `Interrupted`; records EOF.
    fn poll_fill_buf<R: AsyncRead + ?Sized>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
    ) -> Poll<io::Result<()>> {
        let mut buf = ReadBuf::new(&mut self.buf);
        buf.set_filled(self.cap);
        let res = loop {
            match reader.as_mut().poll_read(cx, &mut buf) {
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                res => break res,
            }
        };
        if let Poll::Ready(Ok(())) = res {
            let filled = buf.filled().len();
            self.read_done = filled == self.cap;
            self.cap = filled;
        }
        res
    }

    /// Writes from `buf[pos..cap]`, retrying `Interrupted`; while the writer
    /// is not ready, tops the buffer up from the reader.
    fn poll_write_buf<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<usize>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        loop {
            match writer
                .as_mut()
                .poll_write(cx, &self.buf[self.pos..self.cap])
            {
                Poll::Ready(Err(e)) if e.kind() == io::ErrorKind::Interrupted => continue,
                Poll::Pending => {
                    if !self.read_done && self.cap < self.buf.len() {
                        ready!(self.poll_fill_buf(cx, reader.as_mut()))?;
                    }
                    return Poll::Pending;
                }
                res => return res,
            }
        }
    }

    /// Runs the machine; resolves to the total bytes copied once the reader
    /// hit EOF and everything was written and flushed.
    pub(super) fn poll_copy<R, W>(
        &mut self,
        cx: &mut Context<'_>,
        mut reader: Pin<&mut R>,
        mut writer: Pin<&mut W>,
    ) -> Poll<io::Result<u64>>
    where
        R: AsyncRead + ?Sized,
        W: AsyncWrite + ?Sized,
    {
        let budget = ready!(coop::poll_proceed(cx));
        loop {
            // Step 1.
            if self.cap < self.buf.len() && !self.read_done {
                match self.poll_fill_buf(cx, reader.as_mut()) {
                    Poll::Ready(Ok(())) => budget.made_progress(),
                    Poll::Ready(Err(err)) => {
                        budget.made_progress();
                        return Poll::Ready(Err(err));
                    }
                    Poll::Pending => {
                        if self.pos == self.cap {
                            if self.need_flush {
                                ready!(writer.as_mut().poll_flush(cx))?;
                                budget.made_progress();
                                self.need_flush = false;
                            }
                            return Poll::Pending;
                        }
                    }
                }
            }

            // Step 2.
            while self.pos < self.cap {
                let n = ready!(self.poll_write_buf(cx, reader.as_mut(), writer.as_mut()))?;
                budget.made_progress();
                if n == 0 {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::WriteZero,
                        "write zero byte into writer",
                    )));
                }
                self.pos += n;
                self.amt += n as u64;
                self.need_flush = true;
            }
            // A writer claiming more than it was given would make `pos`
            // overtake `cap` and the loop above spin on an empty slice.
            debug_assert!(
                self.pos <= self.cap,
                "writer returned length larger than input slice"
            );
            self.pos = 0;
            self.cap = 0;

            // Step 3.
            if self.read_done {
                ready!(writer.as_mut().poll_flush(cx))?;
                budget.made_progress();
                return Poll::Ready(Ok(self.amt));
            }
        }
    }
}

/// The future returned by [`copy`].
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
struct Copy<'a, R: ?Sized, W: ?Sized> {
    reader: &'a mut R,
    writer: &'a mut W,
    buf: CopyBuffer,
}

/// Asynchronously copies the entire contents of a reader into a writer.
///
/// This function returns a future that will continuously read data from
/// `reader` and then write it into `writer` in a streaming fashion until
/// `reader` returns EOF or fails.
///
/// On success, the total number of bytes that were copied from `reader` to
/// `writer` is returned.
///
/// This is an asynchronous version of [`std::io::copy`][std].
///
/// A heap-allocated copy buffer with 8 KB is created to take data from the
/// reader to the writer, check [`copy_buf`] if you want an alternative for
/// [`AsyncBufRead`]. You can use `copy_buf` with [`BufReader`] to change the
/// buffer capacity.
///
/// When the reader is pending and bytes were written since the last flush,
/// the writer is flushed before waiting, so that a buffering writer does not
/// hold back what the other side needs to answer.
///
/// [std]: std::io::copy
/// [`copy_buf`]: crate::io::copy_buf
/// [`AsyncBufRead`]: crate::io::AsyncBufRead
/// [`BufReader`]: crate::io::BufReader
///
/// # Errors
///
/// The returned future will return an error immediately if any call to
/// `poll_read` or `poll_write` returns an error (other than `Interrupted`,
/// which is retried).
///
/// ```
/// use weft::io;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> io::Result<()> {
/// let mut reader: &[u8] = b"hello";
/// let mut writer: Vec<u8> = vec![];
///
/// io::copy(&mut reader, &mut writer).await?;
///
/// assert_eq!(&b"hello"[..], &writer[..]);
/// # Ok(())
/// # }
/// ```
pub async fn copy<'a, R, W>(reader: &'a mut R, writer: &'a mut W) -> io::Result<u64>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    Copy {
        reader,
        writer,
        buf: CopyBuffer::new(DEFAULT_BUF_SIZE),
    }
    .await
}

impl<R, W> Future for Copy<'_, R, W>
where
    R: AsyncRead + Unpin + ?Sized,
    W: AsyncWrite + Unpin + ?Sized,
{
    type Output = io::Result<u64>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let me = self.get_mut();
        me.buf
            .poll_copy(cx, Pin::new(&mut *me.reader), Pin::new(&mut *me.writer))
    }
}
