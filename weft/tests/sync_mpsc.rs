//! `weft::sync::mpsc` through its public API, on the runtime.
#![cfg(all(feature = "sync", feature = "rt", feature = "macros"))]

use std::future::{poll_fn, Future};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::Poll;
use weft::runtime::{Builder, Runtime};
use weft::sync::mpsc::{self, error::TryRecvError, error::TrySendError};

fn rt() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

/// Messages per producer in the stress test: the million under
/// `--release` or `--cfg weft_stress`, fewer in a debug build.
const STRESS_MESSAGES: u64 = if cfg!(any(weft_stress, not(debug_assertions))) {
    1_000_000
} else {
    200_000
};

#[test]
fn four_producers_bounded_exactly_once_in_order() {
    let (tx, mut rx) = mpsc::channel::<u64>(128);
    let producers: Vec<_> = (0..4u64)
        .map(|p| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for i in 0..STRESS_MESSAGES {
                    tx.blocking_send(p << 32 | i).unwrap();
                }
            })
        })
        .collect();
    drop(tx);
    let next = rt().block_on(async move {
        let mut next = [0u64; 4];
        let mut buf = Vec::with_capacity(64);
        while rx.recv_many(&mut buf, 64).await > 0 {
            for v in buf.drain(..) {
                let (p, i) = ((v >> 32) as usize, v & 0xffff_ffff);
                assert_eq!(i, next[p], "producer {p}: got {i}, expected {}", next[p]);
                next[p] += 1;
            }
        }
        next
    });
    assert_eq!(next, [STRESS_MESSAGES; 4]);
    for p in producers {
        p.join().unwrap();
    }
}

#[weft::test]
async fn tasks_send_and_receive() {
    let (tx, mut rx) = mpsc::channel(2);
    for t in 0..3u32 {
        let tx = tx.clone();
        weft::spawn(async move {
            for i in 0..10 {
                tx.send(t * 100 + i).await.unwrap();
            }
        });
    }
    drop(tx);
    let mut got = Vec::new();
    while let Some(v) = rx.recv().await {
        got.push(v);
    }
    got.sort_unstable();
    let mut expected: Vec<u32> = (0..3)
        .flat_map(|t| (0..10).map(move |i| t * 100 + i))
        .collect();
    expected.sort_unstable();
    assert_eq!(got, expected);
}

#[weft::test]
async fn unbounded_across_tasks() {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let h = weft::spawn(async move {
        for i in 0..1000 {
            tx.send(i).unwrap();
        }
    });
    let mut n = 0;
    while let Some(v) = rx.recv().await {
        assert_eq!(v, n);
        n += 1;
    }
    assert_eq!(n, 1000);
    h.await.unwrap();
}

#[test]
fn recv_consumes_coop_budget() {
    // A receiver whose channel always has a message must still yield, so
    // that a task spawned before the loop gets to run.
    rt().block_on(async {
        let (tx, mut rx) = mpsc::unbounded_channel();
        for i in 0..1000 {
            tx.send(i).unwrap();
        }
        let ran = Arc::new(AtomicBool::new(false));
        let ran2 = ran.clone();
        weft::spawn(async move { ran2.store(true, Ordering::SeqCst) });
        let mut seen_before_other_task = 0;
        for _ in 0..1000 {
            rx.recv().await.unwrap();
            if !ran.load(Ordering::SeqCst) {
                seen_before_other_task += 1;
            }
        }
        assert!(ran.load(Ordering::SeqCst));
        assert!(
            seen_before_other_task < 1000,
            "recv never yielded: the other task ran only after the loop"
        );
    });
}

#[weft::test]
async fn reserve_waits_for_capacity_in_order() {
    let (tx, mut rx) = mpsc::channel::<u32>(1);
    tx.send(0).await.unwrap();
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut handles = Vec::new();
    for i in 1..=3 {
        let tx = tx.clone();
        let order = order.clone();
        handles.push(weft::spawn(async move {
            let permit = tx.reserve().await.unwrap();
            order.lock().unwrap().push(i);
            permit.send(i);
        }));
        // Let the task queue up before the next one.
        weft::task::yield_now().await;
    }
    for expected in 0..=3 {
        assert_eq!(rx.recv().await, Some(expected));
    }
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(*order.lock().unwrap(), [1, 2, 3], "reservations are FIFO");
}

#[weft::test]
async fn dropping_a_pending_recv_loses_nothing() {
    let (tx, mut rx) = mpsc::channel::<u32>(4);
    let mut polled = false;
    {
        let recv = rx.recv();
        let mut recv = std::pin::pin!(recv);
        poll_fn(|cx| {
            assert!(recv.as_mut().poll(cx).is_pending());
            polled = true;
            Poll::Ready(())
        })
        .await;
    }
    assert!(polled);
    tx.send(9).await.unwrap();
    assert_eq!(rx.recv().await, Some(9));
}

#[weft::test]
async fn closed_channel_reports_errors() {
    let (tx, mut rx) = mpsc::channel::<u32>(1);
    rx.close();
    assert!(tx.is_closed());
    assert_eq!(tx.send(1).await.unwrap_err().0, 1);
    assert!(matches!(tx.try_send(2), Err(TrySendError::Closed(2))));
    assert!(tx.reserve().await.is_err());
    assert_eq!(rx.recv().await, None);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Disconnected));
    tx.closed().await;
}

#[test]
fn blocking_recv_inside_runtime_panics_with_tokio_message() {
    let err = std::panic::catch_unwind(|| {
        rt().block_on(async {
            let (_tx, mut rx) = mpsc::channel::<()>(1);
            rx.blocking_recv();
        })
    })
    .unwrap_err();
    let msg = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap();
    assert!(
        msg.starts_with("Cannot block the current thread from within a runtime."),
        "{msg}"
    );
}

#[test]
fn values_dropped_with_the_channel() {
    let marker = Arc::new(());
    rt().block_on(async {
        let (tx, rx) = mpsc::channel(100);
        for _ in 0..100 {
            tx.send(marker.clone()).await.unwrap();
        }
        drop(rx);
        assert!(tx.send(marker.clone()).await.is_err());
    });
    assert_eq!(Arc::strong_count(&marker), 1);
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_producer_tasks_on_two_workers_exactly_once_in_order() {
    let (tx, mut rx) = mpsc::channel::<u64>(128);
    for p in 0..4u64 {
        let tx = tx.clone();
        weft::spawn(async move {
            for i in 0..STRESS_MESSAGES / 4 {
                tx.send(p << 32 | i).await.unwrap();
            }
        });
    }
    drop(tx);
    let mut next = [0u64; 4];
    while let Some(v) = rx.recv().await {
        let (p, i) = ((v >> 32) as usize, v & 0xffff_ffff);
        assert_eq!(i, next[p], "producer {p} out of order");
        next[p] += 1;
    }
    assert_eq!(next, [STRESS_MESSAGES / 4; 4]);
}
