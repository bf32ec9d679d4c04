//! `AsyncBufReadExt`: `read_until`, `read_line`, `lines`, `split`.
#![cfg(all(feature = "io-util", feature = "rt", feature = "macros"))]

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use weft::io::{
    self as wio, AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader, ReadBuf,
};

/// Yields `parts` one per read, with an error where a part is `None`.
struct Script(Vec<Option<&'static [u8]>>);

impl AsyncRead for Script {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.0.is_empty() {
            return Poll::Ready(Ok(()));
        }
        match self.0.remove(0) {
            Some(part) => {
                buf.put_slice(part);
                Poll::Ready(Ok(()))
            }
            None => Poll::Ready(Err(io::Error::other("boom"))),
        }
    }
}

#[weft::test]
async fn read_until_keeps_the_delimiter() {
    let mut r: &[u8] = b"a,bb,";
    let mut buf = Vec::new();
    assert_eq!(r.read_until(b',', &mut buf).await.unwrap(), 2);
    assert_eq!(r.read_until(b',', &mut buf).await.unwrap(), 3);
    assert_eq!(r.read_until(b',', &mut buf).await.unwrap(), 0);
    assert_eq!(buf, b"a,bb,");
}

#[weft::test]
async fn read_until_keeps_bytes_read_before_an_error() {
    let mut r = BufReader::new(Script(vec![Some(b"ab"), None, Some(b"c\n")]));
    let mut buf = Vec::new();
    assert!(r.read_until(b'\n', &mut buf).await.is_err());
    assert_eq!(buf, b"ab");
    assert_eq!(r.read_until(b'\n', &mut buf).await.unwrap(), 2);
    assert_eq!(buf, b"abc\n");
}

#[weft::test]
async fn read_line_appends() {
    let mut r = BufReader::new(Script(vec![Some(b"hel"), Some(b"lo\nwor"), Some(b"ld")]));
    let mut s = String::from("> ");
    assert_eq!(r.read_line(&mut s).await.unwrap(), 6);
    assert_eq!(s, "> hello\n");
    s.clear();
    assert_eq!(r.read_line(&mut s).await.unwrap(), 5);
    assert_eq!(s, "world");
    assert_eq!(r.read_line(&mut s).await.unwrap(), 0);
}

#[weft::test]
async fn lines_strip_line_endings() {
    let mut lines = (&b"a\nb\r\n\nc"[..]).lines();
    let mut all = Vec::new();
    while let Some(l) = lines.next_line().await.unwrap() {
        all.push(l);
    }
    assert_eq!(all, ["a", "b", "", "c"]);
}

#[weft::test]
async fn lines_keep_a_partial_line_across_an_error() {
    let r = BufReader::new(Script(vec![Some(b"ab\xc3"), None, Some(b"\xa9c\nz\n")]));
    let mut lines = r.lines();
    assert!(lines.next_line().await.is_err());
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("abéc"));
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("z"));
    assert_eq!(lines.next_line().await.unwrap(), None);
}

#[weft::test]
async fn lines_report_invalid_utf8_once() {
    let mut lines = (&b"ok\n\xff\nnext\n"[..]).lines();
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("ok"));
    let err = lines.next_line().await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    assert_eq!(lines.next_line().await.unwrap().as_deref(), Some("next"));
    assert_eq!(lines.next_line().await.unwrap(), None);
}

#[weft::test]
async fn next_line_is_cancel_safe() {
    let (mut tx, rx) = wio::duplex(64);
    let mut lines = BufReader::new(rx).lines();
    tx.write_all(b"partial").await.unwrap();
    // Cancel a call that has read part of a line.
    weft::select! {
        biased;
        _ = lines.next_line() => panic!("no full line yet"),
        _ = weft::task::yield_now() => {}
    }
    tx.write_all(b" line\n").await.unwrap();
    assert_eq!(
        lines.next_line().await.unwrap().as_deref(),
        Some("partial line")
    );
}

#[weft::test]
async fn split_segments() {
    let mut parts = BufReader::new(&b"k1=v1;k2=v2;"[..]).split(b';');
    assert_eq!(parts.next_segment().await.unwrap(), Some(b"k1=v1".to_vec()));
    assert_eq!(parts.next_segment().await.unwrap(), Some(b"k2=v2".to_vec()));
    assert_eq!(parts.next_segment().await.unwrap(), None);
}

#[weft::test]
async fn fill_buf_returns_the_inner_buffer() {
    let mut r = BufReader::with_capacity(2, &b"xyz"[..]);
    assert_eq!(r.fill_buf().await.unwrap(), b"xy");
    r.consume(2);
    assert_eq!(r.fill_buf().await.unwrap(), b"z");
    let mut r2 = Pin::new(&mut r);
    r2.as_mut().consume(1);
    assert_eq!(
        std::future::poll_fn(|cx| r2.as_mut().poll_fill_buf(cx).map_ok(|b| b.len()))
            .await
            .unwrap(),
        0
    );
}
