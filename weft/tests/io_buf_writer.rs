//! `BufWriter` and `BufStream`.
#![cfg(all(feature = "io-util", feature = "rt", feature = "macros"))]

use std::io::{self, Cursor, IoSlice, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll};
use weft::io::{
    self as wio, AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWrite, AsyncWriteExt, BufStream,
    BufWriter,
};

/// Records every write call; returns `Pending` (once woken) every other call
/// when `flaky`.
#[derive(Default)]
struct Recorder {
    calls: Vec<Vec<u8>>,
    flaky: bool,
    toggle: bool,
}

impl AsyncWrite for Recorder {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if self.flaky {
            self.toggle = !self.toggle;
            if self.toggle {
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
        }
        let n = buf.len().min(5);
        self.calls.push(buf[..n].to_vec());
        Poll::Ready(Ok(n))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

fn concat(calls: &[Vec<u8>]) -> Vec<u8> {
    calls.concat()
}

#[weft::test]
async fn small_writes_are_batched() {
    let mut w = BufWriter::with_capacity(10, Recorder::default());
    for _ in 0..3 {
        w.write_all(b"abc").await.unwrap();
    }
    assert!(w.get_ref().calls.is_empty());
    w.write_all(b"def").await.unwrap(); // 12 > 10: flush the 9 first
    assert_eq!(concat(&w.get_ref().calls), b"abcabcabc");
    assert_eq!(w.buffer(), b"def");
    w.flush().await.unwrap();
    assert_eq!(concat(&w.get_ref().calls), b"abcabcabcdef");
}

#[weft::test]
async fn big_writes_bypass_the_buffer() {
    let mut w = BufWriter::with_capacity(4, Recorder::default());
    assert_eq!(w.write(b"0123456789").await.unwrap(), 5);
    assert!(w.buffer().is_empty());
    assert_eq!(w.get_ref().calls, [b"01234".to_vec()]);
}

#[weft::test]
async fn flush_survives_pending_and_short_writes() {
    let mut w = BufWriter::with_capacity(
        64,
        Recorder {
            flaky: true,
            ..Default::default()
        },
    );
    w.write_all(b"the quick brown fox").await.unwrap();
    w.shutdown().await.unwrap();
    assert_eq!(concat(&w.get_ref().calls), b"the quick brown fox");
}

#[weft::test]
async fn write_zero_while_flushing_is_an_error() {
    let mut storage = [0u8; 3];
    let mut w = BufWriter::new(Cursor::new(&mut storage[..]));
    w.write_all(b"abcdef").await.unwrap();
    let err = w.flush().await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WriteZero);
    assert_eq!(err.to_string(), "failed to write the buffered data");
    // What went out is no longer buffered.
    assert_eq!(w.buffer(), b"def");
}

#[weft::test]
async fn vectored_writes_into_the_buffer() {
    let mut w = BufWriter::with_capacity(16, Recorder::default());
    assert!(w.is_write_vectored());
    let bufs = [IoSlice::new(b"ab"), IoSlice::new(b""), IoSlice::new(b"cd")];
    assert_eq!(w.write_vectored(&bufs).await.unwrap(), 4);
    assert_eq!(w.buffer(), b"abcd");
}

#[weft::test]
async fn seek_writes_out_the_buffer_first() {
    let mut w = BufWriter::new(Cursor::new(vec![0u8; 0]));
    w.write_all(b"hello world").await.unwrap();
    assert_eq!(w.seek(SeekFrom::Start(6)).await.unwrap(), 6);
    w.write_all(b"WORLD").await.unwrap();
    w.flush().await.unwrap();
    assert_eq!(w.get_ref().get_ref(), b"hello WORLD");
}

#[weft::test]
async fn buf_stream_buffers_both_directions() {
    let (a, mut b) = wio::duplex(64);
    let mut s = BufStream::with_capacity(8, 8, a);
    s.write_all(b"GET /\n").await.unwrap();
    let mut got = [0u8; 6];
    assert!(
        futures::FutureExt::now_or_never(b.read(&mut got)).is_none(),
        "nothing sent before flush"
    );
    s.flush().await.unwrap();
    b.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"GET /\n");
    b.write_all(b"200 OK\nrest").await.unwrap();
    let mut line = String::new();
    s.read_line(&mut line).await.unwrap();
    assert_eq!(line, "200 OK\n");
}

#[weft::test]
async fn buf_stream_from_either_nesting() {
    let inner = wio::join(&b"data\n"[..], Vec::new());
    let mut a: BufStream<_> = wio::BufReader::new(BufWriter::new(inner)).into();
    let mut line = String::new();
    a.read_line(&mut line).await.unwrap();
    assert_eq!(line, "data\n");

    let inner = wio::join(&b"more\n"[..], Vec::new());
    let mut b: BufStream<_> = BufWriter::new(wio::BufReader::new(inner)).into();
    b.write_all(b"out").await.unwrap();
    b.flush().await.unwrap();
    line.clear();
    b.read_line(&mut line).await.unwrap();
    assert_eq!(line, "more\n");
    assert_eq!(b.get_ref().writer(), b"out");
}
