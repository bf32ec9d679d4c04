//! `copy`, `copy_buf` and `copy_bidirectional`.
#![cfg(all(feature = "io-util", feature = "rt", feature = "macros"))]

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use weft::io::{
    self as wio, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader, ReadBuf,
};

#[weft::test]
async fn copy_slice_to_vec() {
    let mut rd: &[u8] = b"hello world";
    let mut wr = Vec::new();
    assert_eq!(wio::copy(&mut rd, &mut wr).await.unwrap(), 11);
    assert_eq!(wr, b"hello world");
}

#[weft::test]
async fn copy_large_input_in_order() {
    let data: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    let mut rd = &data[..];
    let mut wr = Vec::new();
    assert_eq!(
        wio::copy(&mut rd, &mut wr).await.unwrap(),
        data.len() as u64
    );
    assert_eq!(wr, data);

    let mut rd = BufReader::with_capacity(1000, &data[..]);
    let mut wr = Vec::new();
    assert_eq!(
        wio::copy_buf(&mut rd, &mut wr).await.unwrap(),
        data.len() as u64
    );
    assert_eq!(wr, data);
}

/// Fails with `Interrupted` before every other operation.
struct Flaky<T> {
    inner: T,
    fail_next: bool,
}

impl<T: AsyncRead + Unpin> AsyncRead for Flaky<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.fail_next = !self.fail_next;
        if self.fail_next {
            return Poll::Ready(Err(io::ErrorKind::Interrupted.into()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Flaky<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.fail_next = !self.fail_next;
        if self.fail_next {
            return Poll::Ready(Err(io::ErrorKind::Interrupted.into()));
        }
        // One byte at a time, so that there are many writes.
        Pin::new(&mut self.inner).poll_write(cx, &buf[..buf.len().min(1)])
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[weft::test]
async fn copy_retries_interrupted() {
    let mut rd = Flaky {
        inner: &b"abcd"[..],
        fail_next: false,
    };
    let mut wr = Flaky {
        inner: Vec::new(),
        fail_next: false,
    };
    assert_eq!(wio::copy(&mut rd, &mut wr).await.unwrap(), 4);
    assert_eq!(wr.inner, b"abcd");
}

#[weft::test]
async fn copy_reports_write_zero() {
    let mut rd: &[u8] = b"abc";
    let mut storage = [0u8; 1];
    let mut wr = std::io::Cursor::new(&mut storage[..]);
    let err = wio::copy(&mut rd, &mut wr).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WriteZero);
}

#[weft::test]
async fn copy_is_cooperative() {
    // Each copy completes in one poll; only the budget makes the loop yield.
    weft::select! {
        biased;
        _ = async {
            loop {
                let mut rd: &[u8] = b"hello";
                let mut wr = Vec::new();
                let _ = wio::copy(&mut rd, &mut wr).await;
            }
        } => {}
        _ = weft::task::yield_now() => {}
    }
}

#[weft::test]
async fn copy_buf_is_cooperative() {
    weft::select! {
        biased;
        _ = async {
            loop {
                let mut rd: &[u8] = b"hello";
                let mut wr = Vec::new();
                let _ = wio::copy_buf(&mut rd, &mut wr).await;
            }
        } => {}
        _ = weft::task::yield_now() => {}
    }
}

/// Buffers writes until flushed.
struct Buffered {
    pending: Vec<u8>,
    out: wio::DuplexStream,
}

impl AsyncWrite for Buffered {
    fn poll_write(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.pending.extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let me = self.get_mut();
        while !me.pending.is_empty() {
            let n = std::task::ready!(Pin::new(&mut me.out).poll_write(cx, &me.pending))?;
            me.pending.drain(..n);
        }
        Pin::new(&mut me.out).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.out).poll_shutdown(cx)
    }
}

#[weft::test]
async fn copy_flushes_while_the_reader_waits() {
    // The client sends more only after the peer saw the first part, which
    // sits in a buffering writer: `copy` must flush when its reader waits.
    let (mut client, mut proxy_in) = wio::duplex(64);
    let (proxy_out, mut peer) = wio::duplex(64);
    let copier = weft::spawn(async move {
        let mut wr = Buffered {
            pending: Vec::new(),
            out: proxy_out,
        };
        wio::copy(&mut proxy_in, &mut wr).await.unwrap()
    });
    let mut got = [0u8; 3];
    client.write_all(b"abc").await.unwrap();
    peer.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"abc");
    client.write_all(b"def").await.unwrap();
    drop(client);
    assert_eq!(copier.await.unwrap(), 6);
    peer.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"def");
}

#[weft::test]
async fn copy_bidirectional_counts_both_ways_and_shuts_down() {
    let (mut client, mut proxy_a) = wio::duplex(16);
    let (mut proxy_b, mut server) = wio::duplex(16);
    let proxy =
        weft::spawn(async move { wio::copy_bidirectional(&mut proxy_a, &mut proxy_b).await });
    let payload = vec![5u8; 1000];
    let client_task = weft::spawn(async move {
        client.write_all(&payload).await.unwrap();
        client.shutdown().await.unwrap();
        let mut back = Vec::new();
        client.read_to_end(&mut back).await.unwrap();
        back
    });
    let mut got = Vec::new();
    server.read_to_end(&mut got).await.unwrap();
    assert_eq!(got.len(), 1000);
    server.write_all(b"bye").await.unwrap();
    server.shutdown().await.unwrap();
    assert_eq!(client_task.await.unwrap(), b"bye");
    assert_eq!(proxy.await.unwrap().unwrap(), (1000, 3));
}

#[weft::test]
#[should_panic(expected = "`a_to_b_buf_size` must be greater than 0")]
async fn copy_bidirectional_with_zero_size_panics() {
    let (mut a, _a) = wio::duplex(1);
    let (mut b, _b) = wio::duplex(1);
    let _ = wio::copy_bidirectional_with_sizes(&mut a, &mut b, 0, 1).await;
}
