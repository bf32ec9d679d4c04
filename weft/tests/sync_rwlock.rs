//! `weft::sync::RwLock` through its public API, on the runtime.
#![cfg(all(feature = "sync", feature = "rt", feature = "macros"))]

use std::sync::Arc;
use weft::runtime::{Builder, Runtime};
use weft::sync::{RwLock, RwLockWriteGuard};

fn rt() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

#[weft::test]
async fn readers_share_writers_exclude() {
    let lock = RwLock::new(0);
    let r1 = lock.read().await;
    let r2 = lock.read().await;
    assert_eq!(*r1 + *r2, 0);
    assert!(lock.try_write().is_err());
    drop((r1, r2));
    let mut w = lock.write().await;
    *w = 1;
    assert!(lock.try_read().is_err());
}

#[weft::test]
async fn writer_is_not_starved_by_a_stream_of_readers() {
    let lock = Arc::new(RwLock::new(0));
    let first = lock.clone().read_owned().await;
    let writer = weft::spawn({
        let lock = lock.clone();
        async move { *lock.write().await += 1 }
    });
    weft::task::yield_now().await;
    // The writer waits; a new reader must queue behind it.
    let reader = weft::spawn({
        let lock = lock.clone();
        async move { *lock.read().await }
    });
    weft::task::yield_now().await;
    drop(first);
    writer.await.unwrap();
    assert_eq!(reader.await.unwrap(), 1, "the reader came after the writer");
}

#[weft::test]
async fn downgrade_and_map() {
    let lock = RwLock::new((1, 2));
    let w = lock.write().await;
    let r = RwLockWriteGuard::downgrade_map(w, |v| &v.1);
    assert_eq!(*r, 2);
    assert_eq!(lock.read().await.0, 1);
}

#[test]
fn tasks_and_threads_keep_invariants() {
    let lock = Arc::new(RwLock::new((0u32, 0u32)));
    let t = {
        let lock = lock.clone();
        std::thread::spawn(move || {
            for _ in 0..2000 {
                let mut w = lock.blocking_write();
                w.0 += 1;
                w.1 += 1;
            }
        })
    };
    rt().block_on(async {
        for _ in 0..2000 {
            let r = lock.read().await;
            assert_eq!(r.0, r.1);
            drop(r);
            lock.write().await.0 += 0;
        }
    });
    t.join().unwrap();
    assert_eq!(*lock.blocking_read(), (2000, 2000));
}
