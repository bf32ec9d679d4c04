//! `sync::broadcast` through the public API and a runtime.
#![cfg(feature = "sync")]

mod sync_support;

use std::task::Poll;
use sync_support::{block_on, spawn};
use weft::sync::broadcast;
use weft::sync::broadcast::error::{RecvError, TryRecvError};

#[test]
fn recv_across_tasks() {
    block_on(async {
        let (tx, mut rx1) = broadcast::channel(16);
        let mut rx2 = tx.subscribe();
        let h = weft::spawn(async move {
            let mut got = Vec::new();
            while let Ok(v) = rx2.recv().await {
                got.push(v);
            }
            got
        });
        for i in 0..5 {
            tx.send(i).unwrap();
        }
        drop(tx);
        let mut got1 = Vec::new();
        while let Ok(v) = rx1.recv().await {
            got1.push(v);
        }
        assert_eq!(got1, [0, 1, 2, 3, 4]);
        assert_eq!(h.await.unwrap(), [0, 1, 2, 3, 4]);
    });
}

#[test]
fn pending_recv_woken_by_send() {
    let (tx, mut rx) = broadcast::channel(4);
    let mut t = spawn(rx.recv());
    assert!(t.poll().is_pending());
    tx.send(1).unwrap();
    assert!(t.is_woken());
    assert_eq!(t.poll(), Poll::Ready(Ok(1)));
}

#[test]
fn dropping_last_sender_wakes_receivers() {
    let (tx, mut rx1) = broadcast::channel::<()>(16);
    let mut rx2 = tx.subscribe();
    let tx2 = tx.clone();
    let mut t1 = spawn(rx1.recv());
    let mut t2 = spawn(rx2.recv());
    assert!(t1.poll().is_pending());
    assert!(t2.poll().is_pending());
    drop(tx);
    assert!(!t1.is_woken());
    drop(tx2);
    assert!(t1.is_woken() && t2.is_woken());
    assert_eq!(t1.poll(), Poll::Ready(Err(RecvError::Closed)));
    assert_eq!(t2.poll(), Poll::Ready(Err(RecvError::Closed)));
}

#[test]
fn lagging_rx() {
    let (tx, mut rx1) = broadcast::channel(2);
    let mut rx2 = tx.subscribe();
    tx.send("one").unwrap();
    tx.send("two").unwrap();
    assert_eq!(rx1.try_recv(), Ok("one"));
    tx.send("three").unwrap();
    assert_eq!(rx2.try_recv(), Err(TryRecvError::Lagged(1)));
    assert_eq!(rx2.try_recv(), Ok("two"));
    assert_eq!(rx2.try_recv(), Ok("three"));
    assert_eq!(rx1.try_recv(), Ok("two"));
    assert_eq!(rx1.try_recv(), Ok("three"));
}

#[test]
fn resubscribe_points_to_tail() {
    let (tx, rx) = broadcast::channel(3);
    tx.send(1).unwrap();
    let mut rx_resub = rx.resubscribe();
    assert_eq!(rx_resub.try_recv(), Err(TryRecvError::Empty));
    tx.send(2).unwrap();
    assert_eq!(rx_resub.try_recv(), Ok(2));
}

#[test]
fn sender_closed_in_runtime() {
    block_on(async {
        let (tx, rx) = broadcast::channel::<u8>(2);
        let h = weft::spawn(async move { drop(rx) });
        tx.closed().await;
        h.await.unwrap();
        assert_eq!(tx.receiver_count(), 0);
    });
}

#[test]
fn recv_is_cooperative() {
    block_on(async {
        let (tx, mut rx) = broadcast::channel(8);
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let d2 = done.clone();
        weft::spawn(async move { d2.store(true, std::sync::atomic::Ordering::SeqCst) });
        let mut n = 0u32;
        while !done.load(std::sync::atomic::Ordering::SeqCst) {
            tx.send(()).unwrap();
            rx.recv().await.unwrap();
            n += 1;
            assert!(n < 10_000, "never yielded");
        }
    });
}

#[test]
fn blocking_recv_from_plain_thread() {
    let (tx, mut rx) = broadcast::channel(2);
    let t = std::thread::spawn(move || rx.blocking_recv());
    tx.send(4).unwrap();
    assert_eq!(t.join().unwrap(), Ok(4));
}

#[test]
fn threads_receive_in_order_and_account_for_every_value() {
    const N: u64 = 20_000;
    let (tx, rx) = broadcast::channel::<u64>(16);
    let handles: Vec<_> = (0..3)
        .map(|_| {
            let mut rx = rx.resubscribe();
            std::thread::spawn(move || {
                let (mut received, mut lagged, mut last) = (0u64, 0u64, None);
                loop {
                    match rx.blocking_recv() {
                        Ok(v) => {
                            assert!(last.is_none_or(|l| v > l), "out of order");
                            last = Some(v);
                            received += 1;
                        }
                        Err(RecvError::Lagged(n)) => lagged += n,
                        Err(RecvError::Closed) => return (received, lagged, last),
                    }
                }
            })
        })
        .collect();
    drop(rx);
    for i in 0..N {
        tx.send(i).unwrap();
    }
    drop(tx);
    for h in handles {
        let (received, lagged, last) = h.join().unwrap();
        assert_eq!(
            received + lagged,
            N,
            "every value received or reported lagged"
        );
        assert_eq!(last, Some(N - 1));
    }
}
