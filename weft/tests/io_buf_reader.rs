//! `BufReader`.
#![cfg(all(feature = "io-util", feature = "rt", feature = "macros"))]

use std::io::{self, Cursor, SeekFrom};
use std::pin::Pin;
use std::task::{Context, Poll};
use weft::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncSeekExt, BufReader, ReadBuf,
};

/// Counts reads of the inner reader.
struct Counting<'a> {
    data: &'a [u8],
    reads: usize,
}

impl AsyncRead for Counting<'_> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.reads += 1;
        Pin::new(&mut self.data).poll_read(cx, buf)
    }
}

#[weft::test]
async fn small_reads_are_served_from_the_buffer() {
    let mut r = BufReader::with_capacity(
        8,
        Counting {
            data: b"0123456789",
            reads: 0,
        },
    );
    let mut one = [0u8; 1];
    for expect in b"01234567" {
        r.read_exact(&mut one).await.unwrap();
        assert_eq!(one[0], *expect);
    }
    assert_eq!(r.get_ref().reads, 1);
    let mut rest = Vec::new();
    r.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, b"89");
}

#[weft::test]
async fn fill_buf_consume_and_buffer() {
    let mut r = BufReader::with_capacity(4, &b"abcdef"[..]);
    assert_eq!(r.fill_buf().await.unwrap(), b"abcd");
    r.consume(3);
    assert_eq!(r.buffer(), b"d");
    assert_eq!(
        r.fill_buf().await.unwrap(),
        b"d",
        "no refill while bytes remain"
    );
    r.consume(10); // clamped
    assert_eq!(r.fill_buf().await.unwrap(), b"ef");
    Pin::new(&mut r).consume(2);
    assert_eq!(r.fill_buf().await.unwrap(), b"");
}

#[test]
#[should_panic(expected = "capacity must be greater than zero")]
fn zero_capacity_panics() {
    let _ = BufReader::with_capacity(0, &b""[..]);
}

#[weft::test]
async fn seek_from_current_counts_buffered_bytes() {
    let mut r = BufReader::with_capacity(4, Cursor::new(b"0123456789".to_vec()));
    let mut two = [0u8; 2];
    r.read_exact(&mut two).await.unwrap();
    assert_eq!(r.stream_position().await.unwrap(), 2);
    assert_eq!(r.seek(SeekFrom::Current(3)).await.unwrap(), 5);
    assert!(r.buffer().is_empty());
    r.read_exact(&mut two).await.unwrap();
    assert_eq!(&two, b"56");
    assert_eq!(r.seek(SeekFrom::End(-1)).await.unwrap(), 9);
    assert_eq!(r.seek(SeekFrom::Start(0)).await.unwrap(), 0);
    r.read_exact(&mut two).await.unwrap();
    assert_eq!(&two, b"01");
}

#[weft::test]
async fn lines_through_a_tiny_buffer() {
    let r = BufReader::with_capacity(3, &b"first line\nsecond\r\nthird"[..]);
    let mut lines = r.lines();
    let mut all = Vec::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        all.push(line);
    }
    assert_eq!(all, ["first line", "second", "third"]);
}

#[weft::test]
async fn into_inner_drops_buffered_bytes() {
    let mut r = BufReader::with_capacity(4, &b"abcdef"[..]);
    r.fill_buf().await.unwrap();
    let inner = r.into_inner();
    assert_eq!(inner, b"ef");
}

#[weft::test]
async fn pinned_access_to_the_inner_reader() {
    let mut r = BufReader::new(&b"xy"[..]);
    let inner: Pin<&mut &[u8]> = Pin::new(&mut r).get_pin_mut();
    assert_eq!(*inner, b"xy");
    let buf = std::future::poll_fn(|cx| Pin::new(&mut r).poll_fill_buf(cx).map_ok(|b| b.to_vec()))
        .await
        .unwrap();
    assert_eq!(buf, b"xy");
}
