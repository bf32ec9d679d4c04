//! `sync::Notify` through the public API and a runtime.
#![cfg(feature = "sync")]

mod sync_support;

use std::future::Future;
use std::sync::Arc;
use sync_support::{block_on, spawn};
use weft::sync::Notify;

#[test]
fn notify_from_spawned_task() {
    block_on(async {
        let notify = Arc::new(Notify::new());
        let n2 = notify.clone();
        let h = weft::spawn(async move {
            n2.notified().await;
            7
        });
        weft::task::yield_now().await;
        notify.notify_one();
        assert_eq!(h.await.unwrap(), 7);
    });
}

#[test]
fn notify_one_before_wait_stores_permit() {
    let notify = Notify::new();
    notify.notify_one();
    let mut n = spawn(notify.notified());
    assert!(n.poll().is_ready());
}

#[test]
fn fifo_order_and_forwarding_on_drop() {
    let notify = Notify::new();
    let mut n1 = spawn(async { notify.notified().await });
    let mut n2 = spawn(async { notify.notified().await });
    let mut n3 = spawn(async { notify.notified().await });
    assert!(n1.poll().is_pending());
    assert!(n2.poll().is_pending());
    assert!(n3.poll().is_pending());
    notify.notify_one();
    assert!(n1.is_woken() && !n2.is_woken());
    drop(n1);
    assert!(n2.is_woken(), "notification passed on");
    assert!(n2.poll().is_ready());
    assert!(n3.poll().is_pending());
}

#[test]
fn notify_last_is_lifo() {
    let notify = Notify::new();
    let mut n1 = spawn(async { notify.notified().await });
    let mut n2 = spawn(async { notify.notified().await });
    let mut n3 = spawn(async { notify.notified().await });
    assert!(n1.poll().is_pending());
    assert!(n2.poll().is_pending());
    assert!(n3.poll().is_pending());
    notify.notify_last();
    drop(n3);
    assert!(n2.poll().is_ready());
    assert!(n1.poll().is_pending());
}

#[test]
fn notify_waiters_reaches_unpolled_but_stores_no_permit() {
    let notify = Notify::new();
    let early = notify.notified();
    notify.notify_waiters();
    notify.notify_one();
    let mut early = spawn(early);
    assert!(early.poll().is_ready(), "created before notify_waiters");
    let mut late = spawn(notify.notified());
    assert!(
        late.poll().is_ready(),
        "the notify_one permit is still there"
    );
    let mut later = spawn(notify.notified());
    assert!(later.poll().is_pending());
}

#[test]
fn enable_semantics() {
    let notify = Notify::new();
    let mut f = spawn(notify.notified());
    assert!(!f.fut().enable());
    notify.notify_one();
    assert!(f.poll().is_ready());
    assert!(f.fut().enable());
}

#[test]
fn notify_in_waker_drop_does_not_deadlock() {
    struct NotifyOnDrop(Arc<Notify>);
    impl futures::task::ArcWake for NotifyOnDrop {
        fn wake_by_ref(_: &Arc<Self>) {}
    }
    impl Drop for NotifyOnDrop {
        fn drop(&mut self) {
            self.0.notify_waiters();
        }
    }
    let notify = Arc::new(Notify::new());
    let mut fut = Box::pin(async { notify.notified().await });
    {
        let waker = futures::task::waker(Arc::new(NotifyOnDrop(notify.clone())));
        let mut cx = std::task::Context::from_waker(&waker);
        assert!(fut.as_mut().poll(&mut cx).is_pending());
    }
    notify.notify_waiters();
}

#[test]
fn many_tasks_woken_by_notify_waiters() {
    block_on(async {
        let notify = Arc::new(Notify::new());
        let mut handles = Vec::new();
        for _ in 0..100 {
            let n = notify.clone();
            // `enable` before spawning would need pinning; instead create
            // the future here so it counts as waiting from now on.
            let notified = n.clone().notified_owned();
            handles.push(weft::spawn(async move {
                notified.await;
                drop(n);
            }));
        }
        notify.notify_waiters();
        for h in handles {
            h.await.unwrap();
        }
    });
}

#[test]
fn ping_pong_tasks_on_multi_thread_runtime() {
    sync_support::block_on_multi(async {
        let ping = Arc::new(Notify::new());
        let pong = Arc::new(Notify::new());
        let (ping2, pong2) = (ping.clone(), pong.clone());
        let h = weft::spawn(async move {
            for _ in 0..5_000 {
                ping2.notified().await;
                pong2.notify_one();
            }
        });
        for _ in 0..5_000 {
            ping.notify_one();
            pong.notified().await;
        }
        h.await.unwrap();
    });
}
