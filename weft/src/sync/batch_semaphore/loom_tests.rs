//! Loom models of the batch semaphore.

use super::*;
use crate::loom::sync::Arc;
use crate::loom::thread;
use loom::future::block_on;

#[test]
fn two_acquirers_one_permit() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let sem2 = sem.clone();
        let t = thread::spawn(move || {
            block_on(sem2.acquire(1)).unwrap();
            sem2.release(1);
        });
        block_on(sem.acquire(1)).unwrap();
        sem.release(1);
        t.join().unwrap();
        assert_eq!(sem.available_permits(), 1);
    });
}

#[test]
fn batch_acquire_against_single_releases() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let sem2 = sem.clone();
        let t = thread::spawn(move || {
            sem2.release(1);
            sem2.release(1);
        });
        block_on(sem.acquire(2)).unwrap();
        t.join().unwrap();
        assert_eq!(sem.available_permits(), 0);
    });
}

#[test]
fn cancelled_acquire_returns_partial_permits() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(1));
        let sem2 = sem.clone();
        let t = thread::spawn(move || sem2.release(1));
        {
            let mut acq = Box::pin(sem.acquire(3));
            let waker = std::task::Waker::noop();
            let _ = acq.as_mut().poll(&mut Context::from_waker(waker));
        }
        t.join().unwrap();
        assert_eq!(sem.available_permits(), 2);
    });
}

#[test]
fn close_against_waiter() {
    loom::model(|| {
        let sem = Arc::new(Semaphore::new(0));
        let sem2 = sem.clone();
        let t = thread::spawn(move || sem2.close());
        assert!(block_on(sem.acquire(1)).is_err());
        t.join().unwrap();
    });
}
