//! [`Split`]: a reader read in segments ending at a delimiter byte.

use super::buf_read::read_until_internal;
use crate::io::AsyncBufRead;
use pin_project_lite::pin_project;
use std::future::poll_fn;
use std::io;
use std::mem;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project! {
    /// Splitter for the [`split`](crate::io::AsyncBufReadExt::split) method.
    ///
    /// A `Split` can be turned into a `Stream` with `SplitStream` (in
    /// `tokio-stream`).
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut parts = weft::io::BufReader::new(&b"a,b"[..]).split(b',');
    /// assert_eq!(parts.next_segment().await?, Some(b"a".to_vec()));
    /// assert_eq!(parts.next_segment().await?, Some(b"b".to_vec()));
    /// assert_eq!(parts.next_segment().await?, None);
    /// # Ok(())
    /// # }
    /// ```
    #[derive(Debug)]
    #[must_use = "streams do nothing unless polled"]
    pub struct Split<R> {
        #[pin]
        reader: R,
        // The segment being assembled.
        buf: Vec<u8>,
        delim: u8,
        read: usize,
    }
}

pub(crate) fn split<R: AsyncBufRead>(reader: R, delim: u8) -> Split<R> {
    Split {
        reader,
        buf: Vec::new(),
        delim,
        read: 0,
    }
}

impl<R: AsyncBufRead + Unpin> Split<R> {
    /// Returns the next segment in the stream.
    ///
    /// # Cancel safety
    ///
    /// This method is cancellation safe: a partly read segment is kept
    /// inside `Split` and completed by the next call.
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut segments = weft::io::BufReader::new(&b"1;22;333"[..]).split(b';');
    /// let mut lens = Vec::new();
    /// while let Some(segment) = segments.next_segment().await? {
    ///     lens.push(segment.len());
    /// }
    /// assert_eq!(lens, [1, 2, 3]);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn next_segment(&mut self) -> io::Result<Option<Vec<u8>>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next_segment(cx)).await
    }
}

impl<R: AsyncBufRead> Split<R> {
    /// Polls for the next segment in the stream.
    ///
    /// This method returns:
    ///
    ///  * `Poll::Pending` if the next segment is not yet available.
    ///  * `Poll::Ready(Ok(Some(segment)))` if the next segment is available.
    ///  * `Poll::Ready(Ok(None))` if there are no more segments in this stream.
    ///  * `Poll::Ready(Err(err))` if an IO error occurred while reading the
    ///    next segment.
    ///
    /// When the method returns `Poll::Pending`, the `Waker` in the provided
    /// `Context` is scheduled to receive a wakeup when more bytes become
    /// available on the underlying IO resource.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut parts = weft::io::BufReader::new(&b"k=v"[..]).split(b'=');
    /// let key = poll_fn(|cx| Pin::new(&mut parts).poll_next_segment(cx)).await?;
    /// assert_eq!(key, Some(b"k".to_vec()));
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_next_segment(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<Vec<u8>>>> {
        let me = self.project();
        let n = ready!(read_until_internal(
            me.reader, cx, *me.delim, me.buf, me.read
        ))?;
        if n == 0 && me.buf.is_empty() {
            return Poll::Ready(Ok(None));
        }
        if me.buf.last() == Some(me.delim) {
            me.buf.pop();
        }
        Poll::Ready(Ok(Some(mem::take(me.buf))))
    }
}
