//! `sync::watch` through the public API and a runtime.
#![cfg(feature = "sync")]

mod sync_support;

use sync_support::{block_on, spawn};
use weft::sync::watch;

#[test]
fn single_rx_recv() {
    let (tx, mut rx) = watch::channel("one");
    {
        let mut t = spawn(rx.changed());
        assert!(t.poll().is_pending());
    }
    assert_eq!(*rx.borrow(), "one");
    {
        let mut t = spawn(rx.changed());
        assert!(t.poll().is_pending());
        tx.send("two").unwrap();
        assert!(t.is_woken());
        assert!(matches!(t.poll(), std::task::Poll::Ready(Ok(()))));
    }
    assert_eq!(*rx.borrow(), "two");
    drop(tx);
    let mut t = spawn(rx.changed());
    assert!(matches!(t.poll(), std::task::Poll::Ready(Err(_))));
}

#[test]
fn changed_across_tasks() {
    block_on(async {
        let (tx, mut rx) = watch::channel(0);
        let h = weft::spawn(async move {
            let mut seen = Vec::new();
            while rx.changed().await.is_ok() {
                seen.push(*rx.borrow_and_update());
            }
            seen
        });
        for i in 1..=3 {
            tx.send(i).unwrap();
            weft::task::yield_now().await;
        }
        drop(tx);
        let seen = h.await.unwrap();
        assert_eq!(seen.last(), Some(&3));
        assert!(seen.windows(2).all(|w| w[0] < w[1]));
    });
}

#[test]
fn wait_for_in_runtime() {
    block_on(async {
        let (tx, mut rx) = watch::channel(0);
        weft::spawn(async move {
            for i in 1..10 {
                tx.send(i).unwrap();
                weft::task::yield_now().await;
            }
        });
        let v = *rx.wait_for(|v| *v >= 5).await.unwrap();
        assert!(v >= 5);
    });
}

#[test]
fn sender_closed_and_subscribe() {
    block_on(async {
        let (tx, rx) = watch::channel(());
        let h = weft::spawn(async move { drop(rx) });
        tx.closed().await;
        assert!(tx.is_closed());
        h.await.unwrap();
        let rx = tx.subscribe();
        assert!(!tx.is_closed());
        drop(rx);
    });
}

#[test]
fn send_modify_if_modified_replace() {
    let (tx, mut rx) = watch::channel(vec![1]);
    tx.send_modify(|v| v.push(2));
    assert!(rx.has_changed().unwrap());
    assert_eq!(*rx.borrow_and_update(), [1, 2]);
    assert!(!tx.send_if_modified(|_| false));
    assert!(!rx.has_changed().unwrap());
    assert_eq!(tx.send_replace(vec![3]), [1, 2]);
    assert!(rx.has_changed().unwrap());
}

#[test]
fn receiver_changed_is_cooperative() {
    block_on(async {
        let (tx, mut rx) = watch::channel(());
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let d2 = done.clone();
        weft::spawn(async move { d2.store(true, std::sync::atomic::Ordering::SeqCst) });
        let mut n = 0u32;
        while !done.load(std::sync::atomic::Ordering::SeqCst) {
            tx.send(()).unwrap();
            rx.changed().await.unwrap();
            n += 1;
            assert!(n < 10_000, "never yielded");
        }
    });
}

#[test]
fn many_receivers_on_multi_thread_runtime_see_final_value() {
    sync_support::block_on_multi(async {
        let (tx, rx) = watch::channel(0u32);
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let mut rx = rx.clone();
                weft::spawn(async move {
                    let mut last = 0;
                    while rx.changed().await.is_ok() {
                        let v = *rx.borrow_and_update();
                        assert!(v >= last);
                        last = v;
                    }
                    last
                })
            })
            .collect();
        for i in 1..=1_000 {
            tx.send(i).unwrap();
        }
        drop(tx);
        for h in handles {
            assert_eq!(h.await.unwrap(), 1_000);
        }
    });
}
