//! The I/O driver inside the driver stack: timers wake a thread asleep in
//! epoll, I/O consumes the cooperative budget, wake-ups cross threads.
#![cfg(all(feature = "full", unix))]

use std::sync::atomic::{AtomicBool, Ordering::SeqCst};
use std::sync::Arc;
use std::time::{Duration, Instant};
use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::net::{TcpListener, UnixStream};

#[weft::test]
async fn timer_ends_a_park_in_epoll_current_thread() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let start = Instant::now();
    let res = weft::time::timeout(Duration::from_millis(30), listener.accept()).await;
    assert!(res.is_err(), "nobody connected, the timeout must fire");
    assert!(start.elapsed() >= Duration::from_millis(30));
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn timer_ends_a_park_in_epoll_multi_thread() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let res = weft::time::timeout(Duration::from_millis(30), listener.accept()).await;
    assert!(res.is_err());
}

#[weft::test]
async fn an_always_ready_socket_does_not_starve_other_tasks() {
    let (mut a, mut b) = UnixStream::pair().unwrap();
    // Far more bytes than one budget's worth of one-byte reads.
    let data = vec![1u8; 64 * 1024];
    let writer = weft::spawn(async move {
        b.write_all(&data).await.unwrap();
        b
    });
    let _b = writer.await.unwrap();

    let other_ran = Arc::new(AtomicBool::new(false));
    let flag = other_ran.clone();
    weft::spawn(async move { flag.store(true, SeqCst) });

    // Each read is immediately ready; only the budget makes this task yield.
    let mut read_before_other = 0usize;
    let mut byte = [0u8; 1];
    while !other_ran.load(SeqCst) {
        a.read_exact(&mut byte).await.unwrap();
        read_before_other += 1;
        assert!(
            read_before_other < 64 * 1024,
            "the reader starved the other task"
        );
    }
    assert!(read_before_other > 0);
}

#[test]
fn wake_from_another_thread_reaches_a_task_waiting_on_io() {
    let rt = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (a, b) = rt.block_on(async { UnixStream::pair().unwrap() });
    let mut b = b.into_std().unwrap();
    let t = std::thread::spawn(move || {
        use std::io::Write;
        b.set_nonblocking(false).unwrap();
        b.write_all(b"late").unwrap();
    });
    let got = rt.block_on(async move {
        let mut a = a;
        let mut buf = [0; 4];
        a.read_exact(&mut buf).await.unwrap();
        buf
    });
    assert_eq!(&got, b"late");
    t.join().unwrap();
}
