//! The futures behind `read_to_end` and `read_to_string`: read until EOF,
//! appending to a `Vec<u8>` (reading straight into its spare capacity) or a
//! `String` (validated once at the end).

use crate::io::{AsyncRead, ReadBuf};
use std::future::Future;
use std::io;
use std::mem;
use std::pin::Pin;
use std::string::FromUtf8Error;
use std::task::{ready, Context, Poll};

/// The first spare room given to a reader: small, so that reading a short or
/// empty stream into an empty `Vec` does not allocate much.
const MIN_SPARE: usize = 32;

/// Future for [`AsyncReadExt::read_to_end`](crate::io::AsyncReadExt::read_to_end).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadToEnd<'a, R: ?Sized> {
    reader: &'a mut R,
    buf: &'a mut Vec<u8>,
    // Bytes appended so far by this call (returned at EOF).
    read: usize,
}

pub(crate) fn read_to_end<'a, R>(reader: &'a mut R, buf: &'a mut Vec<u8>) -> ReadToEnd<'a, R>
where
    R: AsyncRead + Unpin + ?Sized,
{
    ReadToEnd {
        reader,
        buf,
        read: 0,
    }
}

/// Reads into `vec` until EOF; `read` counts the bytes appended so far and is
/// reset when the result is returned.
pub(super) fn read_to_end_internal<R: AsyncRead + ?Sized>(
    vec: &mut Vec<u8>,
    mut reader: Pin<&mut R>,
    read: &mut usize,
    cx: &mut Context<'_>,
) -> Poll<io::Result<usize>> {
    loop {
        match ready!(poll_read_into_spare(vec, reader.as_mut(), cx)) {
            Err(e) => return Poll::Ready(Err(e)),
            Ok(0) => return Poll::Ready(Ok(mem::replace(read, 0))),
            Ok(n) => *read += n,
        }
    }
}

/// One `poll_read` into the spare capacity of `vec`, growing it first if it is
/// (almost) full.
fn poll_read_into_spare<R: AsyncRead + ?Sized>(
    vec: &mut Vec<u8>,
    reader: Pin<&mut R>,
    cx: &mut Context<'_>,
) -> Poll<io::Result<usize>> {
    if vec.capacity() - vec.len() < MIN_SPARE {
        // `reserve` grows geometrically, so the copies stay amortised O(n).
        vec.reserve(MIN_SPARE);
    }
    let len = vec.len();
    let spare = vec.spare_capacity_mut();
    let spare_len = spare.len();
    let mut buf = ReadBuf::uninit(spare);
    let ptr = buf.filled().as_ptr();
    ready!(reader.poll_read(cx, &mut buf))?;
    // A reader that swapped the ReadBuf for other memory must not make us
    // believe our spare capacity was written.
    assert_eq!(
        ptr,
        buf.filled().as_ptr(),
        "the reader replaced the ReadBuf"
    );
    let n = buf.filled().len();
    assert!(
        n <= spare_len,
        "the reader filled more than the buffer holds"
    );
    // SAFETY: `ReadBuf` guarantees its filled bytes are initialised, and they
    // are the first `n` bytes of our spare capacity (same pointer, `n` within
    // its length), so `len + n <= capacity` and all of `..len + n` is
    // initialised.
    unsafe { vec.set_len(len + n) };
    Poll::Ready(Ok(n))
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToEnd<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        read_to_end_internal(me.buf, Pin::new(&mut *me.reader), &mut me.read, cx)
    }
}

/// Future for [`AsyncReadExt::read_to_string`](crate::io::AsyncReadExt::read_to_string).
#[derive(Debug)]
#[must_use = "futures do nothing unless you `.await` or poll them"]
pub struct ReadToString<'a, R: ?Sized> {
    reader: &'a mut R,
    output: &'a mut String,
    // The output's bytes while reading: validated as UTF-8 only at the end,
    // since a read may stop in the middle of a character.
    buf: Vec<u8>,
    read: usize,
}

pub(crate) fn read_to_string<'a, R>(
    reader: &'a mut R,
    output: &'a mut String,
) -> ReadToString<'a, R>
where
    R: AsyncRead + Unpin + ?Sized,
{
    let buf = mem::take(output).into_bytes();
    ReadToString {
        reader,
        output,
        buf,
        read: 0,
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToString<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        let io_res = ready!(read_to_end_internal(
            &mut me.buf,
            Pin::new(&mut *me.reader),
            &mut me.read,
            cx
        ));
        let read = match &io_res {
            Ok(n) => *n,
            Err(_) => me.read,
        };
        let utf8 = String::from_utf8(mem::take(&mut me.buf));
        finish_string_read(io_res, utf8, read, me.output, true)
    }
}

/// Puts the bytes read by `read_to_string`/`read_line` back into `output`,
/// as Tokio defines the outcome:
///
/// - all read and valid UTF-8: `output` holds everything;
/// - I/O error, valid UTF-8: `output` keeps the new bytes, unless
///   `truncate_on_io_error` (then only the original contents);
/// - invalid UTF-8: `output` holds the original contents only, and the error
///   is `InvalidData` (the I/O error wins if there was one).
pub(super) fn finish_string_read(
    io_res: io::Result<usize>,
    utf8: Result<String, FromUtf8Error>,
    read: usize,
    output: &mut String,
    truncate_on_io_error: bool,
) -> Poll<io::Result<usize>> {
    match (io_res, utf8) {
        (Ok(n), Ok(s)) => {
            *output = s;
            Poll::Ready(Ok(n))
        }
        (Err(e), Ok(s)) => {
            *output = s;
            if truncate_on_io_error {
                let original = output.len() - read;
                output.truncate(original);
            }
            Poll::Ready(Err(e))
        }
        (Ok(n), Err(utf8_err)) => {
            let err = utf8_err.utf8_error();
            put_back_original(output, utf8_err.into_bytes(), n);
            Poll::Ready(Err(io::Error::new(io::ErrorKind::InvalidData, err)))
        }
        (Err(e), Err(utf8_err)) => {
            put_back_original(output, utf8_err.into_bytes(), read);
            Poll::Ready(Err(e))
        }
    }
}

/// Restores `output` to the valid UTF-8 it held before the last `read` bytes
/// were appended.
fn put_back_original(output: &mut String, mut bytes: Vec<u8>, read: usize) {
    let original_len = bytes.len() - read;
    bytes.truncate(original_len);
    *output = String::from_utf8(bytes).expect("the original string was valid UTF-8");
}

#[cfg(all(test, not(loom)))]
mod tests {
    use crate::io::AsyncReadExt;
    use futures::executor::block_on;

    #[test]
    fn read_to_end_appends_and_counts() {
        let data = vec![7u8; 100_000];
        let mut rd = &data[..];
        let mut out = b"head".to_vec();
        assert_eq!(block_on(rd.read_to_end(&mut out)).unwrap(), 100_000);
        assert_eq!(out.len(), 100_004);
        assert_eq!(&out[..4], b"head");
        assert!(out[4..].iter().all(|&b| b == 7));
    }

    #[test]
    fn read_to_string_rejects_invalid_utf8_and_restores() {
        let mut rd: &[u8] = b"ok \xff";
        let mut out = String::from("before:");
        let err = block_on(rd.read_to_string(&mut out)).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
        assert_eq!(out, "before:");

        let mut rd: &[u8] = "héllo".as_bytes();
        let mut out = String::new();
        assert_eq!(block_on(rd.read_to_string(&mut out)).unwrap(), 6);
        assert_eq!(out, "héllo");
    }
}
