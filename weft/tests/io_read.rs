//! `AsyncRead` and `AsyncReadExt` through the public API.
#![cfg(all(feature = "io-util", feature = "rt", feature = "macros"))]

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use weft::io::{AsyncRead, AsyncReadExt, ReadBuf};

/// Hands out `chunks` one per read, with an optional error once in between.
struct Chunks {
    chunks: Vec<&'static [u8]>,
    error_at: Option<(usize, io::ErrorKind)>,
    reads: usize,
}

impl Chunks {
    fn new(chunks: Vec<&'static [u8]>) -> Chunks {
        Chunks {
            chunks,
            error_at: None,
            reads: 0,
        }
    }
}

impl AsyncRead for Chunks {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let i = self.reads;
        self.reads += 1;
        if let Some((at, kind)) = self.error_at {
            if at == i {
                self.error_at = None;
                return Poll::Ready(Err(kind.into()));
            }
        }
        if !self.chunks.is_empty() {
            let chunk = self.chunks.remove(0);
            let n = chunk.len().min(buf.remaining());
            buf.put_slice(&chunk[..n]);
            if n < chunk.len() {
                self.chunks.insert(0, &chunk[n..]);
            }
        }
        Poll::Ready(Ok(()))
    }
}

#[weft::test]
async fn read_calls_poll_read_once() {
    let mut rd = Chunks::new(vec![b"hello world", b"more"]);
    let mut buf = [0u8; 32];
    let n = rd.read(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"hello world");
    assert_eq!(rd.reads, 1);
}

#[weft::test]
async fn read_exact_spans_reads_and_reports_eof() {
    let mut rd = Chunks::new(vec![b"ab", b"cd", b"ef"]);
    let mut buf = [0u8; 5];
    assert_eq!(rd.read_exact(&mut buf).await.unwrap(), 5);
    assert_eq!(&buf, b"abcde");
    let mut more = [0u8; 2];
    let err = rd.read_exact(&mut more).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
}

#[weft::test]
async fn read_to_end_keeps_bytes_read_before_an_error() {
    let mut rd = Chunks::new(vec![b"ab", b"cd"]);
    rd.error_at = Some((1, io::ErrorKind::ConnectionReset));
    let mut out = b"x".to_vec();
    let err = rd.read_to_end(&mut out).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionReset);
    assert_eq!(out, b"xab");
    // Reading on finishes the stream.
    assert_eq!(rd.read_to_end(&mut out).await.unwrap(), 2);
    assert_eq!(out, b"xabcd");
}

#[weft::test]
async fn read_to_string_truncates_on_io_error() {
    let mut rd = Chunks::new(vec![b"ab", b"cd"]);
    rd.error_at = Some((1, io::ErrorKind::Other));
    let mut s = String::from("keep:");
    assert!(rd.read_to_string(&mut s).await.is_err());
    assert_eq!(s, "keep:");
}

#[weft::test]
async fn read_to_string_joins_split_characters() {
    let bytes = "→".as_bytes(); // three bytes
    let mut rd = Chunks::new(vec![&bytes[..1], &bytes[1..]]);
    let mut s = String::new();
    assert_eq!(rd.read_to_string(&mut s).await.unwrap(), 3);
    assert_eq!(s, "→");
}

#[weft::test]
async fn read_buf_grows_a_vec() {
    let mut rd: &[u8] = &[7u8; 100];
    let mut v = Vec::new();
    let mut total = 0;
    loop {
        let n = rd.read_buf(&mut v).await.unwrap();
        if n == 0 {
            break;
        }
        total += n;
    }
    assert_eq!(total, 100);
    assert_eq!(v, vec![7u8; 100]);
}

/// Replaces the `ReadBuf` it is given with one over its own memory.
struct SwapsTheBuffer {
    own: Box<[u8; 64]>,
}

impl AsyncRead for SwapsTheBuffer {
    fn poll_read(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let cap = buf.capacity().min(64);
        let own: &mut [u8] = &mut self.own[..cap];
        // SAFETY (test): extends the borrow of our own boxed memory to the
        // caller's lifetime, which is exactly the misuse under test; the
        // caller must detect it and panic before touching the memory.
        let own: &mut [u8] = unsafe { &mut *(own as *mut [u8]) };
        *buf = ReadBuf::new(own);
        buf.advance(cap);
        Poll::Ready(Ok(()))
    }
}

#[weft::test]
#[should_panic]
async fn read_buf_detects_a_swapped_read_buf() {
    let mut v = Vec::with_capacity(10);
    let mut rd = SwapsTheBuffer {
        own: Box::new([1; 64]),
    };
    let _ = rd.read_buf(&mut v).await;
}

#[weft::test]
#[should_panic]
async fn read_to_end_detects_a_swapped_read_buf() {
    let mut v = Vec::new();
    let mut rd = SwapsTheBuffer {
        own: Box::new([1; 64]),
    };
    let _ = rd.read_to_end(&mut v).await;
}

#[weft::test]
async fn integers_in_both_byte_orders() {
    let mut data = Vec::new();
    data.extend_from_slice(&0xABu8.to_be_bytes());
    data.extend_from_slice(&(-2i16).to_be_bytes());
    data.extend_from_slice(&0x0102_0304u32.to_le_bytes());
    data.extend_from_slice(&u64::MAX.to_be_bytes());
    data.extend_from_slice(&(-7i128).to_le_bytes());
    data.extend_from_slice(&1.5f32.to_be_bytes());
    data.extend_from_slice(&(-0.25f64).to_le_bytes());
    let mut rd = &data[..];
    assert_eq!(rd.read_u8().await.unwrap(), 0xAB);
    assert_eq!(rd.read_i16().await.unwrap(), -2);
    assert_eq!(rd.read_u32_le().await.unwrap(), 0x0102_0304);
    assert_eq!(rd.read_u64().await.unwrap(), u64::MAX);
    assert_eq!(rd.read_i128_le().await.unwrap(), -7);
    assert_eq!(rd.read_f32().await.unwrap(), 1.5);
    assert_eq!(rd.read_f64_le().await.unwrap(), -0.25);
    let err = rd.read_u16().await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::UnexpectedEof);
}

#[weft::test]
async fn integers_across_one_byte_reads() {
    let mut rd = Chunks::new(vec![&[0x12], &[0x34], &[0x56], &[0x78]]);
    assert_eq!(rd.read_u32().await.unwrap(), 0x1234_5678);
}

#[weft::test]
async fn chain_and_take() {
    let mut rd = (&b"abc"[..]).chain(&b"def"[..]).take(4);
    let mut s = String::new();
    rd.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "abcd");
    assert_eq!(rd.limit(), 0);
    let (first, second) = rd.into_inner().into_inner();
    assert!(first.is_empty());
    assert_eq!(second, b"ef");
}

#[weft::test]
async fn cursor_reads_from_its_position() {
    let mut c = std::io::Cursor::new(b"0123456789".to_vec());
    c.set_position(8);
    let mut out = Vec::new();
    c.read_to_end(&mut out).await.unwrap();
    assert_eq!(out, b"89");
    c.set_position(100);
    assert_eq!(c.read(&mut [0u8; 4]).await.unwrap(), 0);
}
