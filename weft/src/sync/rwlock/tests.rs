//! Unit tests of `RwLock`: fairness, downgrade, guard bookkeeping.

use super::*;
use std::future::Future;

use std::task::{Context, Poll, Waker};

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn public_types_are_send_and_sync() {
    assert_send_sync::<RwLock<u8>>();
    assert_send_sync::<RwLockReadGuard<'static, u8>>();
    assert_send_sync::<RwLockWriteGuard<'static, u8>>();
    assert_send_sync::<RwLockMappedWriteGuard<'static, u8>>();
    assert_send_sync::<OwnedRwLockReadGuard<u8>>();
    assert_send_sync::<OwnedRwLockWriteGuard<u8>>();
    assert_send_sync::<OwnedRwLockMappedWriteGuard<u8>>();
}

#[test]
fn waiting_writer_blocks_later_readers() {
    let lock = RwLock::new(0);
    let mut cx = Context::from_waker(Waker::noop());
    let r1 = lock.try_read().unwrap();
    let mut w = std::pin::pin!(lock.write());
    assert!(w.as_mut().poll(&mut cx).is_pending());
    assert!(
        lock.try_read().is_err(),
        "a reader must not pass the waiting writer"
    );
    let mut r2 = std::pin::pin!(lock.read());
    assert!(r2.as_mut().poll(&mut cx).is_pending());
    drop(r1);
    let Poll::Ready(mut guard) = w.as_mut().poll(&mut cx) else {
        panic!("the writer is next");
    };
    *guard = 1;
    assert!(r2.as_mut().poll(&mut cx).is_pending());
    drop(guard);
    match r2.as_mut().poll(&mut cx) {
        Poll::Ready(g) => assert_eq!(*g, 1),
        Poll::Pending => panic!("the reader is next"),
    };
}

#[test]
fn downgrade_lets_readers_in_but_not_writers() {
    let lock = RwLock::with_max_readers(0, 4);
    let w = lock.try_write().unwrap();
    let r = w.downgrade();
    let r2 = lock.try_read().unwrap();
    assert!(lock.try_write().is_err());
    drop((r, r2));
    assert!(lock.try_write().is_ok());
}

#[test]
fn mapped_guards_give_every_permit_back() {
    let lock = Arc::new(RwLock::with_max_readers((1, 2), 3));
    {
        let g = RwLockWriteGuard::map(lock.try_write().unwrap(), |v| &mut v.0);
        let mut g = RwLockMappedWriteGuard::map(g, |v| v);
        *g += 10;
    }
    {
        let g = OwnedRwLockWriteGuard::map(lock.clone().try_write_owned().unwrap(), |v| &mut v.1);
        let mut g = OwnedRwLockMappedWriteGuard::map(g, |v| v);
        *g += 10;
    }
    let reads: Vec<_> = (0..3).map(|_| lock.try_read().unwrap()).collect();
    assert_eq!(*reads[0], (11, 12));
    assert!(lock.try_read().is_err(), "only three readers fit");
    drop(reads);
    assert_eq!(Arc::strong_count(&lock), 1);
}

#[test]
fn debug_shows_data_or_locked() {
    let lock = RwLock::new(3);
    assert_eq!(format!("{lock:?}"), "RwLock { data: 3 }");
    let _w = lock.try_write().unwrap();
    assert_eq!(format!("{lock:?}"), "RwLock { data: <locked> }");
}

#[test]
#[should_panic(expected = "a RwLock may not be created with 0 readers")]
fn zero_readers_panics() {
    let _ = RwLock::with_max_readers((), 0);
}

#[test]
fn threads_read_and_write_consistently() {
    let lock = Arc::new(RwLock::new((0u64, 0u64)));
    let handles: Vec<_> = (0..4)
        .map(|i| {
            let lock = lock.clone();
            std::thread::spawn(move || {
                for _ in 0..2000 {
                    if i % 2 == 0 {
                        let mut w = lock.blocking_write();
                        w.0 += 1;
                        w.1 += 1;
                    } else {
                        let r = lock.blocking_read();
                        assert_eq!(r.0, r.1, "a reader saw a half-done write");
                    }
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(*lock.blocking_read(), (4000, 4000));
}
