//! The futures behind `fill_buf`, `read_until` and `read_line`, and the
//! line/segment reading shared with [`Lines`](super::Lines) and
//! [`Split`](super::Split).

use super::read_to_end::finish_string_read;
use crate::io::AsyncBufRead;
use pin_project_lite::pin_project;
use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::mem;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project! {
    /// Future for [`AsyncBufReadExt::fill_buf`](crate::io::AsyncBufReadExt::fill_buf).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct FillBuf<'a, R: ?Sized> {
        // `None` once the buffer has been handed out.
        reader: Option<&'a mut R>,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn fill_buf<R: AsyncBufRead + Unpin + ?Sized>(reader: &mut R) -> FillBuf<'_, R> {
    FillBuf {
        reader: Some(reader),
        _pin: PhantomPinned,
    }
}

impl<'a, R: AsyncBufRead + Unpin + ?Sized> Future for FillBuf<'a, R> {
    type Output = io::Result<&'a [u8]>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<&'a [u8]>> {
        let me = self.project();
        let reader: &'a mut R = me.reader.take().expect("Polled after completion.");
        match Pin::new(&mut *reader).poll_fill_buf(cx) {
            Poll::Ready(Ok(slice)) => {
                let slice: *const [u8] = slice;
                // SAFETY: `slice` borrows from `*reader`, which we hold for
                // `'a` and have moved out of `self` for good: nothing else
                // can use the reader while the returned slice lives. The
                // borrow checker cannot see that the reborrow may be
                // extended to `'a` only on this branch (the Pending branch
                // puts the reference back), so it is widened by hand.
                Poll::Ready(Ok(unsafe { &*slice }))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending => {
                *me.reader = Some(reader);
                Poll::Pending
            }
        }
    }
}

pin_project! {
    /// Future for [`AsyncBufReadExt::read_until`](crate::io::AsyncBufReadExt::read_until).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct ReadUntil<'a, R: ?Sized> {
        reader: &'a mut R,
        delimiter: u8,
        buf: &'a mut Vec<u8>,
        // Bytes appended by this call so far.
        read: usize,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn read_until<'a, R>(
    reader: &'a mut R,
    delimiter: u8,
    buf: &'a mut Vec<u8>,
) -> ReadUntil<'a, R>
where
    R: AsyncBufRead + ?Sized + Unpin,
{
    ReadUntil {
        reader,
        delimiter,
        buf,
        read: 0,
        _pin: PhantomPinned,
    }
}

/// Appends to `buf` up to and including `delimiter` (or to EOF); returns the
/// bytes appended since `read` was last reset, and resets it.
///
/// Every byte taken from the reader is in `buf` before the next poll of the
/// reader, which is what makes `read_until` cancel safe.
pub(super) fn read_until_internal<R: AsyncBufRead + ?Sized>(
    mut reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    delimiter: u8,
    buf: &mut Vec<u8>,
    read: &mut usize,
) -> Poll<io::Result<usize>> {
    loop {
        let (done, used) = {
            let available = match ready!(reader.as_mut().poll_fill_buf(cx)) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                res => res?,
            };
            match available.iter().position(|&b| b == delimiter) {
                Some(i) => {
                    buf.extend_from_slice(&available[..=i]);
                    (true, i + 1)
                }
                None => {
                    buf.extend_from_slice(available);
                    (false, available.len())
                }
            }
        };
        reader.as_mut().consume(used);
        *read += used;
        if done || used == 0 {
            return Poll::Ready(Ok(mem::replace(read, 0)));
        }
    }
}

impl<R: AsyncBufRead + ?Sized + Unpin> Future for ReadUntil<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.project();
        read_until_internal(
            Pin::new(&mut **me.reader),
            cx,
            *me.delimiter,
            me.buf,
            me.read,
        )
    }
}

pin_project! {
    /// Future for [`AsyncBufReadExt::read_line`](crate::io::AsyncBufReadExt::read_line).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct ReadLine<'a, R: ?Sized> {
        reader: &'a mut R,
        // Emptied while the future runs; refilled when it completes.
        output: &'a mut String,
        // The output's bytes plus what was read so far; UTF-8 is checked at the
        // end, since a read may stop in the middle of a character.
        buf: Vec<u8>,
        read: usize,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn read_line<'a, R>(reader: &'a mut R, output: &'a mut String) -> ReadLine<'a, R>
where
    R: AsyncBufRead + ?Sized + Unpin,
{
    ReadLine {
        reader,
        buf: mem::take(output).into_bytes(),
        output,
        read: 0,
        _pin: PhantomPinned,
    }
}

/// Reads a line into `buf` (which starts with `output`'s old bytes), then
/// validates it and moves it to `output`.
pub(super) fn read_line_internal<R: AsyncBufRead + ?Sized>(
    reader: Pin<&mut R>,
    cx: &mut Context<'_>,
    output: &mut String,
    buf: &mut Vec<u8>,
    read: &mut usize,
) -> Poll<io::Result<usize>> {
    let io_res = ready!(read_until_internal(reader, cx, b'\n', buf, read));
    let utf8 = String::from_utf8(mem::take(buf));
    let count = match &io_res {
        Ok(n) => *n,
        Err(_) => *read,
    };
    finish_string_read(io_res, utf8, count, output, false)
}

impl<R: AsyncBufRead + ?Sized + Unpin> Future for ReadLine<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.project();
        read_line_internal(Pin::new(&mut **me.reader), cx, me.output, me.buf, me.read)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use crate::io::AsyncBufReadExt;
    use futures::executor::block_on;

    #[test]
    fn read_line_appends_and_keeps_newline() {
        let mut rd: &[u8] = b"one\ntwo";
        let mut s = String::from(">");
        assert_eq!(block_on(rd.read_line(&mut s)).unwrap(), 4);
        assert_eq!(s, ">one\n");
        assert_eq!(block_on(rd.read_line(&mut s)).unwrap(), 3);
        assert_eq!(s, ">one\ntwo");
        assert_eq!(block_on(rd.read_line(&mut s)).unwrap(), 0);
    }

    #[test]
    fn read_line_invalid_utf8_restores_the_string() {
        let mut rd: &[u8] = b"\xffbad\n";
        let mut s = String::from("kept");
        let err = block_on(rd.read_line(&mut s)).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        assert_eq!(s, "kept");
    }

    #[test]
    fn fill_buf_then_consume() {
        let mut rd: &[u8] = b"abc";
        let got = block_on(rd.fill_buf()).unwrap();
        assert_eq!(got, b"abc");
        rd.consume(1);
        assert_eq!(rd, b"bc");
    }
}
