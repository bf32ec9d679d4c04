//! [`Lines`]: a reader read line by line.

use super::buf_read::read_until_internal;
use crate::io::AsyncBufRead;
use pin_project_lite::pin_project;
use std::future::poll_fn;
use std::io;
use std::mem;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project! {
    /// Reads lines from an [`AsyncBufRead`].
    ///
    /// A `Lines` can be turned into a `Stream` with `LinesStream` (in
    /// `tokio-stream`).
    ///
    /// This type is usually created using the [`lines`] method.
    ///
    /// [`lines`]: crate::io::AsyncBufReadExt::lines
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut lines = (&b"a\r\nb\n"[..]).lines();
    /// assert_eq!(lines.next_line().await?, Some("a".to_string()));
    /// assert_eq!(lines.next_line().await?, Some("b".to_string()));
    /// assert_eq!(lines.next_line().await?, None);
    /// # Ok(())
    /// # }
    /// ```
    #[derive(Debug)]
    #[must_use = "streams do nothing unless polled"]
    pub struct Lines<R> {
        #[pin]
        reader: R,
        // The line being assembled; UTF-8 is checked once it is whole, so
        // bytes read before an I/O error stay here for the next call.
        buf: Vec<u8>,
    }
}

pub(crate) fn lines<R: AsyncBufRead>(reader: R) -> Lines<R> {
    Lines {
        reader,
        buf: Vec::new(),
    }
}

impl<R: AsyncBufRead + Unpin> Lines<R> {
    /// Returns the next line in the stream.
    ///
    /// # Cancel safety
    ///
    /// This method is cancellation safe: a partly read line is kept inside
    /// `Lines` and completed by the next call (also after an I/O error).
    ///
    /// # Errors
    ///
    /// A line that is not valid UTF-8 gives one `InvalidData` error (whose
    /// inner error is the `FromUtf8Error` holding the line's bytes); the next
    /// call reads the following line.
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut lines = (&b"x\ny"[..]).lines();
    /// while let Some(line) = lines.next_line().await? {
    ///     assert_eq!(line.len(), 1);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn next_line(&mut self) -> io::Result<Option<String>> {
        poll_fn(|cx| Pin::new(&mut *self).poll_next_line(cx)).await
    }

    /// Obtains a mutable reference to the underlying reader.
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// let mut lines = (&b"x"[..]).lines();
    /// assert_eq!(*lines.get_mut(), &b"x"[..]);
    /// ```
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// Obtains a reference to the underlying reader.
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// let lines = (&b"x"[..]).lines();
    /// assert_eq!(*lines.get_ref(), &b"x"[..]);
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.reader
    }

    /// Unwraps this `Lines<R>`, returning the underlying reader.
    ///
    /// Note that any leftover data in the internal buffer is lost. Therefore,
    /// a following read from the underlying reader may lead to data loss.
    ///
    /// ```
    /// use weft::io::AsyncBufReadExt;
    ///
    /// assert_eq!((&b"x"[..]).lines().into_inner(), &b"x"[..]);
    /// ```
    pub fn into_inner(self) -> R {
        self.reader
    }
}

impl<R: AsyncBufRead> Lines<R> {
    /// Polls for the next line in the stream.
    ///
    /// This method returns:
    ///
    ///  * `Poll::Pending` if the next line is not yet available.
    ///  * `Poll::Ready(Ok(Some(line)))` if the next line is available.
    ///  * `Poll::Ready(Ok(None))` if there are no more lines in this stream.
    ///  * `Poll::Ready(Err(err))` if an IO error occurred while reading the next line.
    ///
    /// When the method returns `Poll::Pending`, the `Waker` in the provided
    /// `Context` is scheduled to receive a wakeup when more bytes become
    /// available on the underlying IO resource. Note that on multiple calls to
    /// `poll_next_line`, only the `Waker` from the `Context` passed to the
    /// most recent call is scheduled to receive a wakeup.
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use std::pin::Pin;
    /// use weft::io::AsyncBufReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut lines = (&b"only\n"[..]).lines();
    /// let line = poll_fn(|cx| Pin::new(&mut lines).poll_next_line(cx)).await?;
    /// assert_eq!(line.as_deref(), Some("only"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_next_line(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<Option<String>>> {
        let me = self.project();
        let mut read = 0;
        let n = ready!(read_until_internal(me.reader, cx, b'\n', me.buf, &mut read))?;
        if n == 0 && me.buf.is_empty() {
            return Poll::Ready(Ok(None));
        }
        // The line is taken out whatever its content: an invalid line is
        // reported once (its bytes in the error) and reading moves on.
        let mut bytes = mem::take(me.buf);
        if bytes.last() == Some(&b'\n') {
            bytes.pop();
            if bytes.last() == Some(&b'\r') {
                bytes.pop();
            }
        }
        match String::from_utf8(bytes) {
            Ok(line) => Poll::Ready(Ok(Some(line))),
            Err(err) => Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, err))),
        }
    }
}
