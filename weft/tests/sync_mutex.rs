//! `weft::sync::Mutex` through its public API, on the runtime.
#![cfg(all(feature = "sync", feature = "rt", feature = "macros"))]

use std::sync::Arc;
use weft::runtime::{Builder, Runtime};
use weft::sync::{Mutex, MutexGuard, OwnedMutexGuard};

fn rt() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

#[test]
fn a_thousand_tasks_increment_exactly() {
    let counter = Arc::new(Mutex::new(0u64));
    rt().block_on(async {
        let handles: Vec<_> = (0..1000)
            .map(|_| {
                let counter = counter.clone();
                weft::spawn(async move {
                    for _ in 0..10 {
                        let mut guard = counter.lock().await;
                        let seen = *guard;
                        // Hold the lock across a yield: others must wait.
                        weft::task::yield_now().await;
                        *guard = seen + 1;
                    }
                })
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
    });
    assert_eq!(*counter.try_lock().unwrap(), 10_000);
}

#[test]
fn threads_and_tasks_share_one_counter() {
    let counter = Arc::new(Mutex::new(0u64));
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let counter = counter.clone();
            std::thread::spawn(move || {
                for _ in 0..5000 {
                    *counter.blocking_lock() += 1;
                }
            })
        })
        .collect();
    rt().block_on(async {
        for _ in 0..5000 {
            *counter.lock().await += 1;
        }
    });
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(*counter.try_lock().unwrap(), 15_000);
}

#[weft::test]
async fn lock_is_fair() {
    let m = Arc::new(Mutex::new(Vec::new()));
    let guard = m.clone().lock_owned().await;
    let mut handles = Vec::new();
    for i in 0..5 {
        let m = m.clone();
        handles.push(weft::spawn(async move { m.lock().await.push(i) }));
        weft::task::yield_now().await;
    }
    drop(guard);
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(*m.lock().await, [0, 1, 2, 3, 4]);
}

#[weft::test]
async fn try_lock_and_guards() {
    let m = Arc::new(Mutex::new((1, 2)));
    let g = m.lock().await;
    assert_eq!(
        m.try_lock().unwrap_err().to_string(),
        "operation would block"
    );
    let mut mapped = MutexGuard::map(g, |v| &mut v.1);
    *mapped = 5;
    drop(mapped);
    let owned = m.clone().try_lock_owned().unwrap();
    assert!(Arc::ptr_eq(OwnedMutexGuard::mutex(&owned), &m));
    assert_eq!(*owned, (1, 5));
}

#[weft::test]
async fn cancelled_lock_does_not_hold_the_lock() {
    let m = Mutex::new(0);
    let g = m.lock().await;
    {
        let fut = std::pin::pin!(m.lock());
        let mut fut = fut;
        std::future::poll_fn(|cx| {
            assert!(std::future::Future::poll(fut.as_mut(), cx).is_pending());
            std::task::Poll::Ready(())
        })
        .await;
    }
    drop(g);
    assert!(m.try_lock().is_ok());
}

#[test]
fn blocking_lock_inside_runtime_panics() {
    let result = std::panic::catch_unwind(|| {
        rt().block_on(async {
            let m = Mutex::new(());
            let _g = m.blocking_lock();
        })
    });
    assert!(result.is_err());
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_tasks_on_two_workers_increment_exactly() {
    let counter = Arc::new(Mutex::new(0u64));
    let handles: Vec<_> = (0..1000)
        .map(|_| {
            let counter = counter.clone();
            weft::spawn(async move {
                for _ in 0..10 {
                    let mut guard = counter.lock().await;
                    let seen = *guard;
                    weft::task::yield_now().await;
                    *guard = seen + 1;
                }
            })
        })
        .collect();
    for h in handles {
        h.await.unwrap();
    }
    assert_eq!(*counter.lock().await, 10_000);
}
