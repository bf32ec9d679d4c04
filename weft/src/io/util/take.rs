//! [`Take`]: a reader limited to a number of bytes.

use crate::io::{AsyncBufRead, AsyncRead, ReadBuf};
use pin_project_lite::pin_project;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project! {
    /// Stream for the [`take`](super::AsyncReadExt::take) method.
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut first3 = (&b"abcdef"[..]).take(3);
    /// let mut out = String::new();
    /// first3.read_to_string(&mut out).await?;
    /// assert_eq!(out, "abc");
    /// # Ok(())
    /// # }
    /// ```
    #[derive(Debug)]
    #[must_use = "streams do nothing unless you `.await` or poll them"]
    pub struct Take<R> {
        #[pin]
        inner: R,
        // Bytes that may still be read.
        limit_: u64,
    }
}

pub(super) fn take<R: AsyncRead>(inner: R, limit: u64) -> Take<R> {
    Take {
        inner,
        limit_: limit,
    }
}

impl<R: AsyncRead> Take<R> {
    /// Returns the remaining number of bytes that can be read before this
    /// instance will return EOF.
    ///
    /// # Note
    ///
    /// This instance may reach `EOF` after reading fewer bytes than indicated
    /// by this method if the underlying [`AsyncRead`] instance reaches EOF.
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// assert_eq!((&b"abc"[..]).take(2).limit(), 2);
    /// ```
    pub fn limit(&self) -> u64 {
        self.limit_
    }

    /// Sets the number of bytes that can be read before this instance will
    /// return EOF. This is the same as constructing a new `Take` instance, so
    /// the amount of bytes read and the previous limit value don't matter when
    /// calling this method.
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// let mut t = (&b"abc"[..]).take(2);
    /// t.set_limit(3);
    /// assert_eq!(t.limit(), 3);
    /// ```
    pub fn set_limit(&mut self, limit: u64) {
        self.limit_ = limit
    }

    /// Gets a reference to the underlying reader.
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// let t = (&b"abc"[..]).take(2);
    /// assert_eq!(*t.get_ref(), &b"abc"[..]);
    /// ```
    pub fn get_ref(&self) -> &R {
        &self.inner
    }

    /// Gets a mutable reference to the underlying reader.
    ///
    /// Care should be taken to avoid modifying the internal I/O state of the
    /// underlying reader as doing so may corrupt the internal limit of this
    /// `Take`.
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// let mut t = (&b"abc"[..]).take(2);
    /// *t.get_mut() = &b"xyz"[..];
    /// assert_eq!(*t.get_ref(), &b"xyz"[..]);
    /// ```
    pub fn get_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Gets a pinned mutable reference to the underlying reader.
    ///
    /// ```
    /// use std::pin::pin;
    /// use weft::io::AsyncReadExt;
    ///
    /// let mut t = pin!((&b"abc"[..]).take(2));
    /// assert_eq!(*t.as_mut().get_pin_mut(), &b"abc"[..]);
    /// ```
    pub fn get_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().inner
    }

    /// Consumes the `Take`, returning the wrapped reader.
    ///
    /// ```
    /// use weft::io::AsyncReadExt;
    ///
    /// assert_eq!((&b"abc"[..]).take(2).into_inner(), &b"abc"[..]);
    /// ```
    pub fn into_inner(self) -> R {
        self.inner
    }
}

impl<R: AsyncRead> AsyncRead for Take<R> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.limit_ == 0 {
            return Poll::Ready(Ok(()));
        }
        let me = self.project();
        let max = usize::try_from(*me.limit_).unwrap_or(usize::MAX);
        let mut window = buf.take(max);
        let ptr = window.filled().as_ptr();
        ready!(me.inner.poll_read(cx, &mut window))?;
        // The inner reader must fill the window we gave it, not other memory.
        assert_eq!(ptr, window.filled().as_ptr());
        let n = window.filled().len();
        // SAFETY: the window is our buffer's unfilled region (same pointer),
        // and its first `n` bytes are filled, hence initialised.
        unsafe { buf.assume_init(n) };
        buf.advance(n);
        *me.limit_ -= n as u64;
        Poll::Ready(Ok(()))
    }
}

impl<R: AsyncBufRead> AsyncBufRead for Take<R> {
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        let me = self.project();
        if *me.limit_ == 0 {
            return Poll::Ready(Ok(&[]));
        }
        let buf = ready!(me.inner.poll_fill_buf(cx)?);
        let cap = std::cmp::min(buf.len() as u64, *me.limit_) as usize;
        Poll::Ready(Ok(&buf[..cap]))
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        let me = self.project();
        // Never count more than the limit, whatever the caller claims.
        let amt = std::cmp::min(amt as u64, *me.limit_) as usize;
        *me.limit_ -= amt as u64;
        me.inner.consume(amt);
    }
}
