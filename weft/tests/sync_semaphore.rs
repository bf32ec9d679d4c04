//! `weft::sync::Semaphore` through its public API, on the runtime.
#![cfg(all(feature = "sync", feature = "rt", feature = "macros"))]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use weft::runtime::{Builder, Runtime};
use weft::sync::{AcquireError, Semaphore, TryAcquireError};

fn rt() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

#[test]
fn at_most_n_tasks_inside() {
    let sem = Arc::new(Semaphore::new(3));
    let inside = Arc::new(AtomicUsize::new(0));
    let max = Arc::new(AtomicUsize::new(0));
    rt().block_on(async {
        let handles: Vec<_> = (0..50)
            .map(|_| {
                let (sem, inside, max) = (sem.clone(), inside.clone(), max.clone());
                weft::spawn(async move {
                    let _permit = sem.acquire().await.unwrap();
                    let now = inside.fetch_add(1, Ordering::SeqCst) + 1;
                    max.fetch_max(now, Ordering::SeqCst);
                    weft::task::yield_now().await;
                    inside.fetch_sub(1, Ordering::SeqCst);
                })
            })
            .collect();
        for h in handles {
            h.await.unwrap();
        }
    });
    assert_eq!(max.load(Ordering::SeqCst), 3);
    assert_eq!(sem.available_permits(), 3);
}

#[weft::test]
async fn big_request_is_not_starved_by_small_ones() {
    let sem = Arc::new(Semaphore::new(2));
    let p = sem.clone().acquire_many_owned(2).await.unwrap();
    let big = weft::spawn({
        let sem = sem.clone();
        async move { sem.acquire_many(2).await.unwrap().forget() }
    });
    weft::task::yield_now().await;
    // One permit back: the big waiter at the head takes it and keeps
    // waiting; a small request must not jump the queue.
    let mut p = p;
    let one = p.split(1).unwrap();
    drop(one);
    assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
    drop(p);
    big.await.unwrap();
    assert_eq!(sem.available_permits(), 0);
}

#[weft::test]
async fn close_wakes_waiters_with_an_error() {
    let sem = Arc::new(Semaphore::new(0));
    let waiter = weft::spawn({
        let sem = sem.clone();
        async move { sem.acquire().await.map(|p| p.forget()) }
    });
    weft::task::yield_now().await;
    sem.close();
    let err: AcquireError = waiter.await.unwrap().unwrap_err();
    assert_eq!(err.to_string(), "semaphore closed");
    assert!(sem.is_closed());
}

#[test]
fn add_permits_over_max_panics_with_tokio_message() {
    let sem = Semaphore::new(Semaphore::MAX_PERMITS - 1);
    let err = std::panic::catch_unwind(|| sem.add_permits(2)).unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert_eq!(
        msg,
        &format!(
            "number of added permits (2) would overflow MAX_PERMITS ({})",
            Semaphore::MAX_PERMITS
        )
    );
}

#[test]
fn new_over_max_panics() {
    let err = std::panic::catch_unwind(|| Semaphore::new(Semaphore::MAX_PERMITS + 1)).unwrap_err();
    let msg = err.downcast_ref::<String>().unwrap();
    assert!(msg.starts_with("a semaphore may not have more than MAX_PERMITS permits"));
}

#[test]
fn permits_merge_split_and_forget() {
    let sem = Semaphore::new(5);
    let mut a = sem.try_acquire_many(2).unwrap();
    a.merge(sem.try_acquire().unwrap());
    assert_eq!(a.num_permits(), 3);
    let b = a.split(2).unwrap();
    assert!(a.split(2).is_none());
    b.forget();
    drop(a);
    assert_eq!(sem.available_permits(), 3);
    assert_eq!(sem.forget_permits(10), 3);
}
