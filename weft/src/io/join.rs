//! [`join`]: a reader and a writer combined into one read/write value.

use crate::io::{AsyncBufRead, AsyncRead, AsyncWrite, ReadBuf};
use pin_project_lite::pin_project;
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};

/// Join two values implementing `AsyncRead` and `AsyncWrite` into a single
/// handle.
///
/// ```
/// use weft::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> io::Result<()> {
/// let mut both = io::join(&b"in"[..], Vec::new());
/// let mut got = String::new();
/// both.read_to_string(&mut got).await?;
/// both.write_all(b"out").await?;
/// assert_eq!((got.as_str(), &both.writer()[..]), ("in", &b"out"[..]));
/// # Ok(())
/// # }
/// ```
pub fn join<R, W>(reader: R, writer: W) -> Join<R, W>
where
    R: AsyncRead,
    W: AsyncWrite,
{
    Join { reader, writer }
}

pin_project! {
    /// Joins two values implementing `AsyncRead` and `AsyncWrite` into a
    /// single handle.
    ///
    /// Created by [`join`].
    ///
    /// ```
    /// use weft::io;
    ///
    /// let joined: io::Join<io::Empty, io::Sink> = io::join(io::empty(), io::sink());
    /// let (_r, _w) = joined.into_inner();
    /// ```
    #[derive(Debug)]
    pub struct Join<R, W> {
        #[pin]
        reader: R,
        #[pin]
        writer: W,
    }
}

impl<R, W> Join<R, W>
where
    R: AsyncRead,
    W: AsyncWrite,
{
    /// Splits this `Join` back into its `AsyncRead` and `AsyncWrite`
    /// components.
    ///
    /// ```
    /// let (r, w) = weft::io::join(&b"r"[..], Vec::<u8>::new()).into_inner();
    /// assert_eq!((r, w.len()), (&b"r"[..], 0));
    /// ```
    pub fn into_inner(self) -> (R, W) {
        (self.reader, self.writer)
    }

    /// Returns a reference to the inner reader.
    ///
    /// ```
    /// let j = weft::io::join(&b"r"[..], Vec::<u8>::new());
    /// assert_eq!(*j.reader(), &b"r"[..]);
    /// ```
    pub fn reader(&self) -> &R {
        &self.reader
    }

    /// Returns a reference to the inner writer.
    ///
    /// ```
    /// let j = weft::io::join(&b"r"[..], vec![1u8]);
    /// assert_eq!(j.writer(), &[1]);
    /// ```
    pub fn writer(&self) -> &W {
        &self.writer
    }

    /// Returns a mutable reference to the inner reader.
    ///
    /// ```
    /// let mut j = weft::io::join(&b"r"[..], Vec::<u8>::new());
    /// *j.reader_mut() = &b"s"[..];
    /// assert_eq!(*j.reader(), &b"s"[..]);
    /// ```
    pub fn reader_mut(&mut self) -> &mut R {
        &mut self.reader
    }

    /// Returns a mutable reference to the inner writer.
    ///
    /// ```
    /// let mut j = weft::io::join(&b"r"[..], Vec::<u8>::new());
    /// j.writer_mut().push(9);
    /// assert_eq!(j.writer(), &[9]);
    /// ```
    pub fn writer_mut(&mut self) -> &mut W {
        &mut self.writer
    }

    /// Returns a pinned mutable reference to the inner reader.
    ///
    /// ```
    /// use std::pin::pin;
    ///
    /// let mut j = pin!(weft::io::join(&b"r"[..], Vec::<u8>::new()));
    /// assert_eq!(*j.as_mut().reader_pin_mut(), &b"r"[..]);
    /// ```
    pub fn reader_pin_mut(self: Pin<&mut Self>) -> Pin<&mut R> {
        self.project().reader
    }

    /// Returns a pinned mutable reference to the inner writer.
    ///
    /// ```
    /// use std::pin::pin;
    ///
    /// let mut j = pin!(weft::io::join(&b"r"[..], Vec::<u8>::new()));
    /// assert!(j.as_mut().writer_pin_mut().is_empty());
    /// ```
    pub fn writer_pin_mut(self: Pin<&mut Self>) -> Pin<&mut W> {
        self.project().writer
    }
}

impl<R, W> AsyncRead for Join<R, W>
where
    R: AsyncRead,
{
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.project().reader.poll_read(cx, buf)
    }
}

impl<R, W> AsyncWrite for Join<R, W>
where
    W: AsyncWrite,
{
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.project().writer.poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().writer.poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.project().writer.poll_shutdown(cx)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.project().writer.poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.writer.is_write_vectored()
    }
}

impl<R, W> AsyncBufRead for Join<R, W>
where
    R: AsyncBufRead,
{
    fn poll_fill_buf(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&[u8]>> {
        self.project().reader.poll_fill_buf(cx)
    }

    fn consume(self: Pin<&mut Self>, amt: usize) {
        self.project().reader.consume(amt)
    }
}
