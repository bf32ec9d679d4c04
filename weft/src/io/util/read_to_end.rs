//! The futures behind `read_to_end` and `read_to_string`: read until EOF,
//! appending to a `Vec<u8>` (reading straight into its spare capacity) or a
//! `String` (validated once at the end).

use crate::io::{AsyncRead, ReadBuf};
use pin_project_lite::pin_project;
use std::future::Future;
use std::io;
use std::marker::PhantomPinned;
use std::mem::{self, MaybeUninit};
use std::pin::Pin;
use std::string::FromUtf8Error;
use std::task::{ready, Context, Poll};

/// The least spare room a read into the vector is given, and the size of the
/// probe read (see [`poll_read_to_end`]).
const PROBE_SIZE: usize = 32;

/// What `read_to_end` remembers between reads into one vector.
#[derive(Debug)]
pub(super) struct GrowState {
    /// Bytes appended by this call so far (returned at EOF).
    read: usize,
    /// Bytes of the vector's spare capacity (right after its length) known
    /// to be initialised: a reader that initialised the rest of its buffer
    /// need not have it zeroed again. Reset when the vector reallocates.
    initialized_spare: usize,
    /// The vector's capacity when the call started.
    starting_capacity: usize,
}

impl GrowState {
    pub(super) fn new(vec: &Vec<u8>) -> GrowState {
        GrowState {
            read: 0,
            initialized_spare: 0,
            starting_capacity: vec.capacity(),
        }
    }

    /// Makes room for at least `additional` bytes.
    fn reserve(&mut self, vec: &mut Vec<u8>, additional: usize) {
        if vec.capacity() - vec.len() < additional {
            vec.reserve(additional);
            // A reallocation does not promise to keep the spare bytes.
            self.initialized_spare = 0;
        }
    }

    /// Records that `n` bytes were appended outside a `ReadBuf` over the
    /// spare capacity (they used up that much of the initialised spare).
    fn appended(&mut self, n: usize) {
        self.initialized_spare = self.initialized_spare.saturating_sub(n);
    }
}

pin_project! {
    /// Future for [`AsyncReadExt::read_to_end`](crate::io::AsyncReadExt::read_to_end).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct ReadToEnd<'a, R: ?Sized> {
        reader: &'a mut R,
        buf: &'a mut Vec<u8>,
        state: GrowState,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn read_to_end<'a, R>(reader: &'a mut R, buf: &'a mut Vec<u8>) -> ReadToEnd<'a, R>
where
    R: AsyncRead + Unpin + ?Sized,
{
    let state = GrowState::new(buf);
    ReadToEnd {
        reader,
        buf,
        state,
        _pin: PhantomPinned,
    }
}

/// Reads into `vec` until EOF, retrying `Interrupted`; resolves to the bytes
/// appended by this call (and resets the count).
pub(super) fn read_to_end_internal<R: AsyncRead + ?Sized>(
    vec: &mut Vec<u8>,
    mut reader: Pin<&mut R>,
    state: &mut GrowState,
    cx: &mut Context<'_>,
) -> Poll<io::Result<usize>> {
    loop {
        match ready!(poll_read_to_end(vec, reader.as_mut(), state, cx)) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Poll::Ready(Err(e)),
            Ok(0) => return Poll::Ready(Ok(mem::replace(&mut state.read, 0))),
            Ok(n) => state.read += n,
        }
    }
}

/// One read appended to `vec`.
///
/// The vector grows geometrically, at least [`PROBE_SIZE`] bytes at a time.
/// When a vector that came with room of its own (at least `PROBE_SIZE`) is
/// about full, the next read goes to a small stack buffer first: a stream
/// that is at EOF then never makes the vector reallocate, so a caller that
/// sized it right keeps its allocation.
fn poll_read_to_end<R: AsyncRead + ?Sized>(
    vec: &mut Vec<u8>,
    reader: Pin<&mut R>,
    state: &mut GrowState,
    cx: &mut Context<'_>,
) -> Poll<io::Result<usize>> {
    let spare = vec.capacity() - vec.len();
    let probe = spare < PROBE_SIZE
        && vec.capacity() == state.starting_capacity
        && state.starting_capacity >= PROBE_SIZE;
    if probe {
        let mut small = [MaybeUninit::<u8>::uninit(); PROBE_SIZE];
        let mut buf = ReadBuf::uninit(&mut small);
        ready!(reader.poll_read(cx, &mut buf))?;
        // Whatever memory `buf` ends up over, its filled part is
        // initialised: copying it out is sound even if the reader swapped it.
        let got = buf.filled();
        if got.len() > spare {
            state.reserve(vec, PROBE_SIZE);
        }
        vec.extend_from_slice(got);
        state.appended(got.len());
        return Poll::Ready(Ok(got.len()));
    }

    state.reserve(vec, PROBE_SIZE);
    let len = vec.len();
    let initialized_spare = state.initialized_spare;
    let spare = vec.spare_capacity_mut();
    let spare_len = spare.len();
    let mut buf = ReadBuf::uninit(spare);
    // SAFETY: `initialized_spare` counts bytes at the start of this very
    // spare region that an earlier `ReadBuf` over it initialised; the vector
    // has not reallocated since (`GrowState::reserve` resets the count when
    // it does) and nothing else can write it (it is borrowed by this call).
    unsafe { buf.assume_init(initialized_spare) };
    let ptr = buf.filled().as_ptr();
    let res = reader.poll_read(cx, &mut buf);
    // A reader that swapped the ReadBuf for other memory must not make us
    // believe our spare capacity was written.
    assert!(
        ptr == buf.filled().as_ptr() && buf.capacity() == spare_len,
        "the reader replaced the ReadBuf"
    );
    let n = buf.filled().len();
    let initialized = buf.initialized().len();
    // SAFETY: `buf` is over our spare capacity (same start, same length:
    // checked above), and `ReadBuf` guarantees its first `n` bytes are
    // filled, hence initialised, with `n <= spare_len`; so `..len + n` is
    // initialised and within capacity.
    unsafe { vec.set_len(len + n) };
    state.initialized_spare = initialized - n;
    match res {
        Poll::Ready(Ok(())) => Poll::Ready(Ok(n)),
        Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
        Poll::Pending => Poll::Pending,
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToEnd<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.project();
        read_to_end_internal(me.buf, Pin::new(&mut **me.reader), me.state, cx)
    }
}

pin_project! {
    /// Future for [`AsyncReadExt::read_to_string`](crate::io::AsyncReadExt::read_to_string).
    #[derive(Debug)]
    #[must_use = "futures do nothing unless you `.await` or poll them"]
    pub struct ReadToString<'a, R: ?Sized> {
        reader: &'a mut R,
        output: &'a mut String,
        // The output's bytes while reading: validated as UTF-8 only at the end,
        // since a read may stop in the middle of a character.
        buf: Vec<u8>,
        state: GrowState,
        #[pin]
        _pin: PhantomPinned,
    }
}

pub(crate) fn read_to_string<'a, R>(
    reader: &'a mut R,
    output: &'a mut String,
) -> ReadToString<'a, R>
where
    R: AsyncRead + Unpin + ?Sized,
{
    let buf = mem::take(output).into_bytes();
    let state = GrowState::new(&buf);
    ReadToString {
        reader,
        output,
        buf,
        state,
        _pin: PhantomPinned,
    }
}

impl<R: AsyncRead + Unpin + ?Sized> Future for ReadToString<'_, R> {
    type Output = io::Result<usize>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<usize>> {
        let me = self.project();
        let io_res = ready!(read_to_end_internal(
            me.buf,
            Pin::new(&mut **me.reader),
            me.state,
            cx
        ));
        let read = match &io_res {
            Ok(n) => *n,
            Err(_) => me.state.read,
        };
        let utf8 = String::from_utf8(mem::take(me.buf));
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
