//! The futures behind `read`, `read_exact` and `read_buf`: one or more reads
//! into a caller's buffer.

use super::buf_traits::BufMut;
use crate::io::{AsyncRead, ReadBuf};
use pin_project_lite::pin_project;
use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project! {
    /// Future for [`AsyncReadExt::read`](crate::io::AsyncReadExt::read): one
    /// `poll_read` into `buf`, resolving to the number of bytes read.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct Read<'a, R: ?Sized> {
        reader: &'a mut R,
        buf: &'a mut [u8],
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn read<'a, R>(reader: &'a mut R, buf: &'a mut [u8]) -> Read<'a, R>
where
    R: AsyncRead + Unpin + ?Sized,
{
    Read {
        reader,
        buf,
        _pin: PhantomPinned,
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for Read<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.project();
        let mut buf = ReadBuf::new(me.buf);
        ready!(Pin::new(&mut **me.reader).poll_read(cx, &mut buf))?;
        Poll::Ready(Ok(buf.filled().len()))
    }
}

pin_project! {
    /// Future for [`AsyncReadExt::read_exact`](crate::io::AsyncReadExt::read_exact):
    /// reads until `buf` is full, failing with `UnexpectedEof` on a short stream.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct ReadExact<'a, R: ?Sized> {
        reader: &'a mut R,
        buf: &'a mut [u8],
        // Bytes of `buf` already read: `buf` stays whole so that `ReadBuf` can be
        // rebuilt over it on each poll.
        filled: usize,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn read_exact<'a, R>(reader: &'a mut R, buf: &'a mut [u8]) -> ReadExact<'a, R>
where
    R: AsyncRead + Unpin + ?Sized,
{
    ReadExact {
        reader,
        buf,
        filled: 0,
        _pin: PhantomPinned,
    }
}

/// The error of a stream that ended before the requested bytes arrived.
pub(crate) fn eof() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "early eof")
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadExact<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.project();
        loop {
            let len = me.buf.len();
            if *me.filled == len {
                return Poll::Ready(Ok(len));
            }
            let mut buf = ReadBuf::new(me.buf);
            buf.set_filled(*me.filled);
            let before = *me.filled;
            match ready!(Pin::new(&mut **me.reader).poll_read(cx, &mut buf)) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                res => res?,
            }
            let after = buf.filled().len();
            if after == before {
                return Poll::Ready(Err(eof()));
            }
            *me.filled = after;
        }
    }
}

pin_project! {
    /// Future for [`AsyncReadExt::read_buf`](crate::io::AsyncReadExt::read_buf):
    /// one read appended to a growable buffer.
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct ReadBufFuture<'a, R: ?Sized, B: ?Sized> {
        reader: &'a mut R,
        buf: &'a mut B,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn read_buf<'a, R, B>(reader: &'a mut R, buf: &'a mut B) -> ReadBufFuture<'a, R, B>
where
    R: AsyncRead + Unpin + ?Sized,
    B: BufMut + ?Sized,
{
    ReadBufFuture {
        reader,
        buf,
        _pin: PhantomPinned,
    }
}

impl<R, B> Future for ReadBufFuture<'_, R, B>
where
    R: AsyncRead + Unpin + ?Sized,
    B: BufMut + ?Sized,
{
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.project();
        if !me.buf.has_remaining_mut() {
            return Poll::Ready(Ok(0));
        }
        let n = {
            let dst = me.buf.chunk_mut();
            // SAFETY: the slice is only handed to `ReadBuf`, whose safe API
            // never writes uninitialised bytes (the `UninitSlice` contract).
            let dst = unsafe { dst.as_uninit_slice_mut() };
            let mut buf = ReadBuf::uninit(dst);
            let ptr = buf.filled().as_ptr();
            ready!(Pin::new(&mut **me.reader).poll_read(cx, &mut buf))?;
            // A reader may swap the `ReadBuf` for one over other memory;
            // trusting its `filled` length would then expose uninitialised
            // bytes of ours.
            assert_eq!(
                ptr,
                buf.filled().as_ptr(),
                "the reader replaced the ReadBuf"
            );
            buf.filled().len()
        };
        // SAFETY: the `ReadBuf` over our chunk (the same memory: checked above)
        // reports `n` filled, hence initialised, bytes at its start.
        unsafe { me.buf.advance_mut(n) };
        Poll::Ready(Ok(n))
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use crate::io::AsyncReadExt;
    use futures::executor::block_on;

    #[test]
    fn read_exact_fills_across_short_reads() {
        // A chain of two slices returns at most one slice per read.
        let mut rd = (&b"ab"[..]).chain(&b"cdef"[..]);
        let mut buf = [0u8; 5];
        assert_eq!(block_on(rd.read_exact(&mut buf)).unwrap(), 5);
        assert_eq!(&buf, b"abcde");
    }

    #[test]
    fn read_exact_reports_early_eof() {
        let mut rd: &[u8] = b"ab";
        let mut buf = [0u8; 3];
        let err = block_on(rd.read_exact(&mut buf)).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::UnexpectedEof);
        assert_eq!(err.to_string(), "early eof");
    }

    #[test]
    fn read_buf_appends_to_vec_and_slices() {
        let mut rd: &[u8] = b"hello";
        let mut v = b"> ".to_vec();
        assert_eq!(block_on(rd.read_buf(&mut v)).unwrap(), 5);
        assert_eq!(v, b"> hello");

        let mut rd: &[u8] = b"xyz";
        let mut storage = [0u8; 2];
        let mut slice = &mut storage[..];
        assert_eq!(block_on(rd.read_buf(&mut slice)).unwrap(), 2);
        assert_eq!(slice.len(), 0);
        assert_eq!(&storage, b"xy");
    }
}
