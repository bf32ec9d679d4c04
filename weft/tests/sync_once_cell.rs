//! `sync::OnceCell` and `sync::SetOnce` through the public API and a runtime.
#![cfg(feature = "sync")]

mod sync_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use sync_support::block_on;
use weft::sync::{OnceCell, SetError, SetOnce};

static CELL: OnceCell<u32> = OnceCell::const_new();

#[test]
fn get_or_init_static_across_tasks() {
    block_on(async {
        let runs = Arc::new(AtomicUsize::new(0));
        let handles: Vec<_> = (0..5)
            .map(|_| {
                let runs = runs.clone();
                weft::spawn(async move {
                    *CELL
                        .get_or_init(|| async {
                            runs.fetch_add(1, Ordering::SeqCst);
                            weft::task::yield_now().await;
                            5
                        })
                        .await
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.await.unwrap(), 5);
        }
        assert_eq!(runs.load(Ordering::SeqCst), 1);
    });
}

#[test]
fn get_or_try_init_error_then_success() {
    block_on(async {
        let cell = OnceCell::new();
        let r: Result<&u8, ()> = cell.get_or_try_init(|| async { Err(()) }).await;
        assert!(r.is_err());
        let r: Result<&u8, ()> = cell.get_or_try_init(|| async { Ok(3) }).await;
        assert_eq!(r, Ok(&3));
    });
}

#[test]
fn initializer_panic_releases_cell() {
    block_on(async {
        let cell = Arc::new(OnceCell::new());
        let c2 = cell.clone();
        let h = weft::spawn(async move {
            c2.get_or_init(|| async { panic!("init failed") }).await;
        });
        assert!(h.await.unwrap_err().is_panic());
        assert_eq!(*cell.get_or_init(|| async { 1 }).await, 1);
    });
}

#[test]
fn set_errors() {
    let cell = OnceCell::new();
    cell.set(1).unwrap();
    let err = cell.set(2).unwrap_err();
    assert_eq!(err, SetError::AlreadyInitializedError(2));
    assert!(err.is_already_init_err());
}

#[test]
fn set_once_wait_in_runtime() {
    block_on(async {
        let once = Arc::new(SetOnce::new());
        let o2 = once.clone();
        let h = weft::spawn(async move { *o2.wait().await });
        weft::task::yield_now().await;
        once.set(9).unwrap();
        assert_eq!(h.await.unwrap(), 9);
        assert!(once.set(10).is_err());
    });
}
