//! `AsyncWrite` and `AsyncWriteExt` through the public API.
#![cfg(all(feature = "io-util", feature = "rt", feature = "macros"))]

use std::collections::VecDeque;
use std::io::{self, Cursor, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};
use weft::io::{AsyncWrite, AsyncWriteExt};

/// Accepts at most `max` bytes per write; counts calls.
#[derive(Default)]
struct Trickle {
    out: Vec<u8>,
    max: usize,
    writes: usize,
    vectored: bool,
    flushed: bool,
    shut: bool,
}

impl AsyncWrite for Trickle {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.writes += 1;
        let n = buf.len().min(self.max);
        self.out.extend_from_slice(&buf[..n]);
        Poll::Ready(Ok(n))
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.writes += 1;
        let mut left = self.max;
        let mut n = 0;
        for b in bufs {
            let take = b.len().min(left);
            self.out.extend_from_slice(&b[..take]);
            left -= take;
            n += take;
        }
        Poll::Ready(Ok(n))
    }

    fn is_write_vectored(&self) -> bool {
        self.vectored
    }

    fn poll_flush(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.flushed = true;
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.shut = true;
        Poll::Ready(Ok(()))
    }
}

#[weft::test]
async fn write_is_one_attempt() {
    let mut w = Trickle {
        max: 4,
        ..Default::default()
    };
    assert_eq!(w.write(b"hello world").await.unwrap(), 4);
    assert_eq!(w.out, b"hell");
    assert_eq!(w.writes, 1);
}

#[weft::test]
async fn write_all_loops_until_done() {
    let mut w = Trickle {
        max: 3,
        ..Default::default()
    };
    w.write_all(b"hello world").await.unwrap();
    assert_eq!(w.out, b"hello world");
    assert_eq!(w.writes, 4);
}

#[weft::test]
async fn write_all_zero_is_write_zero() {
    let mut w = Trickle::default();
    let err = w.write_all(b"x").await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WriteZero);
}

#[weft::test]
async fn write_buf_advances_the_buffer() {
    let mut w = Trickle {
        max: 2,
        ..Default::default()
    };
    let mut src = Cursor::new(b"abcde");
    assert_eq!(w.write_buf(&mut src).await.unwrap(), 2);
    assert_eq!(src.position(), 2);
    let mut slice: &[u8] = b"xyz";
    assert_eq!(w.write_buf(&mut slice).await.unwrap(), 2);
    assert_eq!(slice, b"z");
}

#[weft::test]
async fn write_all_buf_uses_vectored_writes_when_offered() {
    let mut dq: VecDeque<u8> = VecDeque::with_capacity(6);
    dq.extend(b"....");
    dq.drain(..3);
    dq.extend(b"abcde"); // wraps: two slices
    let mut w = Trickle {
        max: 100,
        vectored: true,
        ..Default::default()
    };
    w.write_all_buf(&mut dq).await.unwrap();
    assert_eq!(w.out, b".abcde");
    assert_eq!(w.writes, 1, "both halves in one vectored write");
    assert!(dq.is_empty());
}

#[weft::test]
async fn write_vectored_default_writes_first_nonempty_slice() {
    let mut w = Trickle {
        max: 100,
        ..Default::default()
    };
    // `Trickle` overrides poll_write_vectored; `Wrapper` does not.
    struct Wrapper(Trickle);
    impl AsyncWrite for Wrapper {
        fn poll_write(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
            buf: &[u8],
        ) -> Poll<io::Result<usize>> {
            Pin::new(&mut self.0).poll_write(cx, buf)
        }
        fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.0).poll_flush(cx)
        }
        fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
            Pin::new(&mut self.0).poll_shutdown(cx)
        }
    }
    let mut wrapped = Wrapper(std::mem::take(&mut w));
    wrapped.0.max = 100;
    let bufs = [IoSlice::new(b""), IoSlice::new(b"ab"), IoSlice::new(b"cd")];
    assert!(!wrapped.is_write_vectored());
    assert_eq!(wrapped.write_vectored(&bufs).await.unwrap(), 2);
    assert_eq!(wrapped.0.out, b"ab");
}

#[weft::test]
async fn integers_in_both_byte_orders() {
    let mut w = Vec::new();
    w.write_u8(1).await.unwrap();
    w.write_i16_le(-2).await.unwrap();
    w.write_u32(0x0A0B_0C0D).await.unwrap();
    w.write_f64(2.5).await.unwrap();
    w.write_u128_le(9).await.unwrap();
    let mut expect = vec![1u8];
    expect.extend_from_slice(&(-2i16).to_le_bytes());
    expect.extend_from_slice(&0x0A0B_0C0Du32.to_be_bytes());
    expect.extend_from_slice(&2.5f64.to_be_bytes());
    expect.extend_from_slice(&9u128.to_le_bytes());
    assert_eq!(w, expect);
}

#[weft::test]
async fn integers_across_short_writes() {
    let mut w = Trickle {
        max: 1,
        ..Default::default()
    };
    w.write_u64(0x0102_0304_0506_0708).await.unwrap();
    assert_eq!(w.out, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(w.writes, 8);
}

#[weft::test]
async fn flush_and_shutdown_reach_the_writer() {
    let mut w = Trickle::default();
    w.flush().await.unwrap();
    assert!(w.flushed && !w.shut);
    w.shutdown().await.unwrap();
    assert!(w.shut);
}

#[weft::test]
async fn cursor_writers() {
    let mut c = Cursor::new(Vec::new());
    assert_eq!(c.write(b"hello world").await.unwrap(), 11);
    assert_eq!(c.get_ref(), b"hello world");

    let mut storage = [0u8; 4];
    let mut c = Cursor::new(&mut storage[..]);
    assert_eq!(c.write(b"hello").await.unwrap(), 4);
    assert_eq!(c.write(b"!").await.unwrap(), 0);

    let mut c = Cursor::new(vec![0u8; 2].into_boxed_slice());
    c.write_all(b"ok").await.unwrap();
    assert_eq!(&**c.get_ref(), b"ok");
}
