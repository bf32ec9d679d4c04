//! `sync::oneshot` through the public API and a runtime.
#![cfg(feature = "sync")]

mod sync_support;

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use sync_support::{block_on, spawn};
use weft::sync::oneshot;
use weft::sync::oneshot::error::TryRecvError;

#[test]
fn send_from_spawned_task() {
    block_on(async {
        let (tx, rx) = oneshot::channel();
        weft::spawn(async move { tx.send(1).unwrap() });
        assert_eq!(rx.await, Ok(1));
    });
}

#[test]
fn sender_dropped_in_task_gives_error() {
    block_on(async {
        let (tx, rx) = oneshot::channel::<()>();
        weft::spawn(async move { drop(tx) });
        let err = rx.await.unwrap_err();
        assert_eq!(err.to_string(), "channel closed");
    });
}

#[test]
fn closed_resolves_when_receiver_dropped_in_task() {
    block_on(async {
        let (mut tx, rx) = oneshot::channel::<i32>();
        let h = weft::spawn(async move { drop(rx) });
        tx.closed().await;
        assert!(tx.is_closed());
        h.await.unwrap();
    });
}

#[test]
fn receiver_changes_task() {
    let (tx, mut rx) = oneshot::channel();
    let mut t1 = spawn(async {});
    let mut t2 = spawn(async {});
    assert!(t1.enter(|cx, _| Pin::new(&mut rx).poll(cx)).is_pending());
    assert_eq!(t1.waker_ref_count(), 2);
    assert!(t2.enter(|cx, _| Pin::new(&mut rx).poll(cx)).is_pending());
    assert_eq!(t1.waker_ref_count(), 1);
    assert_eq!(t2.waker_ref_count(), 2);
    tx.send(1).unwrap();
    assert!(!t1.is_woken());
    assert!(t2.is_woken());
    let got = t2.enter(|cx, _| Pin::new(&mut rx).poll(cx));
    assert_eq!(got, Poll::Ready(Ok(1)));
}

#[test]
fn sender_changes_task_and_wakers_are_dropped() {
    let (mut tx, rx) = oneshot::channel::<i32>();
    let mut t1 = spawn(async {});
    let mut t2 = spawn(async {});
    assert!(t1.enter(|cx, _| tx.poll_closed(cx)).is_pending());
    assert!(t2.enter(|cx, _| tx.poll_closed(cx)).is_pending());
    assert_eq!(t1.waker_ref_count(), 1);
    drop(rx);
    assert!(!t1.is_woken());
    assert!(t2.is_woken());
    assert!(t2.enter(|cx, _| tx.poll_closed(cx)).is_ready());
    drop(tx);
    assert_eq!(t2.waker_ref_count(), 1);
}

#[test]
#[should_panic(expected = "called after complete")]
fn close_try_recv_then_poll_panics() {
    let (_tx, rx) = oneshot::channel::<i32>();
    let mut rx = spawn(rx);
    rx.enter(|_, mut rx| {
        rx.close();
        assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    });
    let _ = rx.poll();
}

#[test]
fn is_terminated_and_is_empty() {
    let (tx, rx) = oneshot::channel::<i32>();
    let mut rx = spawn(rx);
    rx.enter(|_, rx| {
        assert!(rx.is_empty());
        assert!(!rx.is_terminated());
    });
    tx.send(17).unwrap();
    rx.enter(|_, rx| assert!(!rx.is_empty()));
    assert_eq!(rx.poll(), Poll::Ready(Ok(17)));
    rx.enter(|_, rx| {
        assert!(rx.is_empty());
        assert!(rx.is_terminated());
    });
}

#[test]
fn blocking_recv_from_plain_thread() {
    let (tx, rx) = oneshot::channel();
    let rt = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let t = std::thread::spawn(move || rx.blocking_recv());
    rt.block_on(async move { tx.send(3).unwrap() });
    assert_eq!(t.join().unwrap(), Ok(3));
}

#[test]
#[should_panic(expected = "Cannot block the current thread from within a runtime")]
fn blocking_recv_inside_runtime_panics() {
    block_on(async {
        let (_tx, rx) = oneshot::channel::<()>();
        let _ = rx.blocking_recv();
    });
}

#[test]
fn recv_consumes_coop_budget() {
    // A task that always finds its oneshot ready still yields eventually:
    // a spawned task gets to run while it loops.
    block_on(async {
        let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let f2 = flag.clone();
        weft::spawn(async move { f2.store(true, std::sync::atomic::Ordering::SeqCst) });
        let mut polls = 0u32;
        while !flag.load(std::sync::atomic::Ordering::SeqCst) {
            let (tx, rx) = oneshot::channel();
            tx.send(()).unwrap();
            rx.await.unwrap();
            polls += 1;
            assert!(polls < 10_000, "budget never ran out");
        }
    });
}

#[test]
fn ping_pong_on_multi_thread_runtime() {
    sync_support::block_on_multi(async {
        let mut total = 0u64;
        for i in 0..2_000u64 {
            let (tx, rx) = oneshot::channel();
            let (back_tx, back_rx) = oneshot::channel();
            weft::spawn(async move {
                let v: u64 = rx.await.unwrap();
                back_tx.send(v + 1).unwrap();
            });
            tx.send(i).unwrap();
            total += back_rx.await.unwrap();
        }
        assert_eq!(total, (1..=2_000u64).sum::<u64>());
    });
}
