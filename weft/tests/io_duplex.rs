//! `duplex`/`DuplexStream` and `simplex`/`SimplexStream`.
#![cfg(all(feature = "io-util", feature = "rt", feature = "macros"))]

use futures::FutureExt;
use std::future::Future;
use std::io::IoSlice;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use weft::io::{self as wio, AsyncReadExt, AsyncWrite, AsyncWriteExt, DuplexStream, SimplexStream};

#[weft::test]
async fn ping_pong() {
    let (mut a, mut b) = wio::duplex(32);
    let mut buf = [0u8; 4];
    a.write_all(b"ping").await.unwrap();
    b.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"ping");
    b.write_all(b"pong").await.unwrap();
    a.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"pong");
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn across_tasks_and_threads_through_a_tiny_buffer() {
    let (mut a, mut b) = wio::duplex(3);
    let data: Vec<u8> = (0..50_000u32).map(|i| (i * 7) as u8).collect();
    let expect = data.clone();
    let writer = weft::spawn(async move {
        a.write_all(&data).await.unwrap();
        a.shutdown().await.unwrap();
        // Keep `a` open until the reader is done: shutdown alone must give EOF.
        let mut rest = Vec::new();
        a.read_to_end(&mut rest).await.unwrap();
        rest
    });
    let mut got = Vec::new();
    b.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, expect);
    drop(b);
    assert!(writer.await.unwrap().is_empty());
}

#[weft::test]
async fn drop_gives_eof_after_draining_and_broken_pipe_to_writers() {
    let (mut a, mut b) = wio::duplex(32);
    a.write_all(b"last").await.unwrap();
    drop(a);
    let mut buf = [0u8; 8];
    let n = b.read(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"last");
    assert_eq!(b.read(&mut buf).await.unwrap(), 0);
    let err = b.write(b"x").await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
}

#[weft::test]
async fn pending_writer_fails_when_the_reader_goes() {
    let (mut a, b) = wio::duplex(2);
    let writer = weft::spawn(async move { a.write_all(b"abcdef").await });
    weft::task::yield_now().await;
    drop(b);
    let err = writer.await.unwrap().unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
}

#[weft::test]
async fn writes_stop_at_the_buffer_size() {
    let (mut a, _b) = wio::duplex(32);
    assert_eq!(a.write(&[0u8; 40]).await.unwrap(), 32);
    assert!(a.write(&[0u8; 1]).now_or_never().is_none(), "full: pending");
    let (mut c, _d) = wio::duplex(5);
    let bufs = [IoSlice::new(b"abc"), IoSlice::new(b"def")];
    assert!(c.is_write_vectored());
    assert_eq!(c.write_vectored(&bufs).await.unwrap(), 5);
}

#[weft::test]
async fn zero_length_operations_complete_at_once() {
    let (mut a, mut b) = wio::duplex(1);
    assert!(matches!(a.read(&mut []).now_or_never(), Some(Ok(0))));
    b.write_all(b"x").await.unwrap();
    assert!(matches!(b.write(&[]).now_or_never(), Some(Ok(0))));
    drop(a);
    let err = b.write(&[]).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::BrokenPipe);
}

#[weft::test]
async fn duplex_is_cooperative() {
    let (mut tx, mut rx) = wio::duplex(1024);
    weft::select! {
        biased;
        _ = async {
            loop {
                let mut buf = [0u8; 4];
                tx.write_all(b"ping").await.unwrap();
                rx.read_exact(&mut buf).await.unwrap();
            }
        } => {}
        _ = weft::task::yield_now() => {}
    }
}

/// A waker that polls a stored future in place when woken (to catch wakes
/// made while a lock is held).
struct PollOnWake {
    fut: Mutex<Option<std::pin::Pin<Box<dyn Future<Output = ()> + Send>>>>,
    done: AtomicBool,
}

impl Wake for PollOnWake {
    fn wake(self: Arc<Self>) {
        let waker = Waker::from(self.clone());
        let mut cx = Context::from_waker(&waker);
        let mut slot = self.fut.lock().unwrap();
        if let Some(fut) = slot.as_mut() {
            if fut.as_mut().poll(&mut cx).is_ready() {
                *slot = None;
                self.done.store(true, Ordering::SeqCst);
            }
        }
    }
}

fn park_on_wake(fut: impl Future<Output = ()> + Send + 'static) -> Arc<PollOnWake> {
    let task = Arc::new(PollOnWake {
        fut: Mutex::new(Some(Box::pin(fut))),
        done: AtomicBool::new(false),
    });
    let waker = Waker::from(task.clone());
    let mut cx = Context::from_waker(&waker);
    let poll = task
        .fut
        .lock()
        .unwrap()
        .as_mut()
        .unwrap()
        .as_mut()
        .poll(&mut cx);
    assert!(poll.is_pending());
    task
}

#[weft::test]
async fn reader_is_woken_outside_the_lock() {
    let (mut a, mut b) = wio::duplex(8);
    let task = park_on_wake(async move {
        assert_eq!(b.read(&mut [0u8; 1]).await.unwrap(), 1);
    });
    a.write_all(b"x").await.unwrap();
    assert!(task.done.load(Ordering::SeqCst));
}

#[test]
fn reader_is_woken_outside_the_lock_on_drop() {
    let (a, mut b) = wio::duplex(8);
    let task = park_on_wake(async move {
        assert_eq!(b.read(&mut [0u8; 1]).await.unwrap(), 0);
    });
    drop(a);
    assert!(task.done.load(Ordering::SeqCst));
}

#[test]
fn writer_is_woken_outside_the_lock_by_a_read() {
    let (mut a, mut b) = wio::duplex(1);
    futures::executor::block_on(a.write_all(b"x")).unwrap();
    let task = park_on_wake(async move {
        a.write_all(b"y").await.unwrap();
    });
    assert_eq!(
        futures::executor::block_on(b.read(&mut [0u8; 1])).unwrap(),
        1
    );
    assert!(task.done.load(Ordering::SeqCst));
}

/// Owns the peer: dropping this waker closes the pipe it waits on.
struct OwnsPeer(#[allow(dead_code)] DuplexStream, Arc<AtomicUsize>);

impl Wake for OwnsPeer {
    fn wake(self: Arc<Self>) {
        self.1.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn replaced_waker_is_dropped_outside_the_lock() {
    let (mut a, peer) = wio::duplex(1);
    let wakes = Arc::new(AtomicUsize::new(0));
    let mut read = pin!(async move { a.read(&mut [0u8; 1]).await.unwrap() });
    let owner = Waker::from(Arc::new(OwnsPeer(peer, wakes.clone())));
    assert!(read
        .as_mut()
        .poll(&mut Context::from_waker(&owner))
        .is_pending());
    drop(owner);
    // Replacing the stored waker drops the peer, which locks the pipe to
    // close it: this must not deadlock.
    let mut cx = Context::from_waker(Waker::noop());
    assert!(read.as_mut().poll(&mut cx).is_pending());
    assert_eq!(read.as_mut().poll(&mut cx), Poll::Ready(0));
    assert_eq!(wakes.load(Ordering::SeqCst), 0);
}

#[weft::test]
async fn simplex_halves_and_unsplit() {
    let (mut rd, mut wr) = wio::simplex(4);
    let writer = weft::spawn(async move {
        wr.write_all(b"0123456789").await.unwrap();
        wr
    });
    let mut got = [0u8; 10];
    rd.read_exact(&mut got).await.unwrap();
    assert_eq!(&got, b"0123456789");
    let wr = writer.await.unwrap();
    let mut both: SimplexStream = rd.unsplit(wr);
    both.write_all(b"ab").await.unwrap();
    both.shutdown().await.unwrap();
    let mut rest = Vec::new();
    both.read_to_end(&mut rest).await.unwrap();
    assert_eq!(rest, b"ab");
    assert!(both.write(b"x").await.is_err(), "closed after shutdown");
}
