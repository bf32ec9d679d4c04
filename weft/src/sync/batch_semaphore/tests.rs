//! Unit tests of the batch semaphore: FIFO assignment, cancellation, close,
//! the coop budget, wake batches.

use super::*;
use std::sync::atomic::{AtomicUsize as StdAtomicUsize, Ordering::SeqCst};
use std::sync::Arc;
use std::task::Wake;

/// A waker that counts its wakes.
struct CountWaker(StdAtomicUsize);

impl Wake for CountWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, SeqCst);
    }
}

fn counter() -> (Arc<CountWaker>, Waker) {
    let c = Arc::new(CountWaker(StdAtomicUsize::new(0)));
    (c.clone(), Waker::from(c))
}

fn poll(fut: &mut Pin<Box<Acquire<'_>>>, waker: &Waker) -> Poll<Result<(), AcquireError>> {
    fut.as_mut().poll(&mut Context::from_waker(waker))
}

#[test]
fn uncontended_acquire_and_release_stay_on_the_word() {
    let sem = Semaphore::new(3);
    assert_eq!(sem.try_acquire(2), Ok(()));
    assert_eq!(sem.available_permits(), 1);
    assert_eq!(sem.try_acquire(2), Err(TryAcquireError::NoPermits));
    sem.release(2);
    assert_eq!(sem.available_permits(), 3);
    let (_, w) = counter();
    let mut acq = Box::pin(sem.acquire(3));
    assert!(poll(&mut acq, &w).is_ready());
    drop(acq);
    assert_eq!(
        sem.available_permits(),
        0,
        "a completed acquire keeps its permits"
    );
}

#[test]
fn head_waiter_is_served_first_even_when_later_ones_could_run() {
    let sem = Semaphore::new(1);
    let (ca, wa) = counter();
    let (cb, wb) = counter();
    let mut a = Box::pin(sem.acquire(3));
    let mut b = Box::pin(sem.acquire(1));
    assert!(poll(&mut a, &wa).is_pending());
    assert_eq!(sem.available_permits(), 0, "a took the one permit");
    assert!(poll(&mut b, &wb).is_pending());
    sem.release(1);
    assert_eq!(ca.0.load(SeqCst), 0, "a still needs one");
    assert_eq!(cb.0.load(SeqCst), 0, "b must not overtake a");
    sem.release(2);
    assert_eq!(ca.0.load(SeqCst), 1);
    assert_eq!(cb.0.load(SeqCst), 1);
    assert!(poll(&mut a, &wa).is_ready());
    assert!(poll(&mut b, &wb).is_ready());
    assert_eq!(sem.available_permits(), 0);
    sem.release(4);
    assert_eq!(sem.available_permits(), 4, "the fast path works again");
}

#[test]
fn dropped_waiter_passes_its_partial_permits_on() {
    let sem = Semaphore::new(2);
    let (_, wa) = counter();
    let (cb, wb) = counter();
    let mut a = Box::pin(sem.acquire(5));
    let mut b = Box::pin(sem.acquire(2));
    assert!(poll(&mut a, &wa).is_pending());
    assert!(poll(&mut b, &wb).is_pending());
    drop(a);
    assert_eq!(cb.0.load(SeqCst), 1, "b got a's two permits");
    assert!(poll(&mut b, &wb).is_ready());
    drop(b);
    assert_eq!(sem.available_permits(), 0);
}

#[test]
fn dropped_waiter_with_nothing_assigned_reenables_fast_release() {
    let sem = Semaphore::new(0);
    let (_, w) = counter();
    let mut a = Box::pin(sem.acquire(1));
    assert!(poll(&mut a, &w).is_pending());
    drop(a);
    sem.release(1);
    assert_eq!(sem.available_permits(), 1);
}

#[test]
fn close_fails_waiters_and_keeps_their_permits_returnable() {
    let sem = Semaphore::new(1);
    let (c, w) = counter();
    let mut a = Box::pin(sem.acquire(2));
    assert!(poll(&mut a, &w).is_pending());
    sem.close();
    assert_eq!(c.0.load(SeqCst), 1);
    assert_eq!(poll(&mut a, &w), Poll::Ready(Err(AcquireError::closed())));
    drop(a);
    assert_eq!(sem.available_permits(), 1, "the partial permit came back");
    assert_eq!(sem.try_acquire(1), Err(TryAcquireError::Closed));
    let mut b = Box::pin(sem.acquire(0));
    assert!(matches!(poll(&mut b, &w), Poll::Ready(Err(_))));
}

#[test]
fn waker_is_replaced_on_repoll() {
    let sem = Semaphore::new(0);
    let (c1, w1) = counter();
    let (c2, w2) = counter();
    let mut a = Box::pin(sem.acquire(1));
    assert!(poll(&mut a, &w1).is_pending());
    assert!(poll(&mut a, &w2).is_pending());
    sem.release(1);
    assert_eq!((c1.0.load(SeqCst), c2.0.load(SeqCst)), (0, 1));
}

#[test]
fn more_than_a_wake_batch_of_waiters_all_wake() {
    let sem = Semaphore::new(0);
    let (c, w) = counter();
    let mut futs: Vec<_> = (0..100).map(|_| Box::pin(sem.acquire(1))).collect();
    for f in &mut futs {
        assert!(poll(f, &w).is_pending());
    }
    sem.release(150);
    assert_eq!(c.0.load(SeqCst), 100);
    assert_eq!(sem.available_permits(), 50);
    for f in &mut futs {
        assert!(poll(f, &w).is_ready());
    }
}

#[test]
fn close_wakes_more_than_a_batch() {
    let sem = Semaphore::new(0);
    let (c, w) = counter();
    let mut futs: Vec<_> = (0..70).map(|_| Box::pin(sem.acquire(1))).collect();
    for f in &mut futs {
        assert!(poll(f, &w).is_pending());
    }
    sem.close();
    assert_eq!(c.0.load(SeqCst), 70);
}

#[test]
fn out_of_budget_acquire_keeps_its_place_and_its_permits() {
    let sem = Semaphore::new(1);
    let (_, w) = counter();
    let mut a = Box::pin(sem.acquire(1));
    crate::task::coop::budget(|| {
        let mut cx = Context::from_waker(&w);
        while let Poll::Ready(r) = crate::task::coop::poll_proceed(&mut cx) {
            r.made_progress();
        }
        assert!(poll(&mut a, &w).is_pending(), "no budget: yield");
    });
    assert_eq!(sem.available_permits(), 0, "but the permit is taken");
    let mut b = Box::pin(sem.acquire(1));
    assert!(poll(&mut b, &w).is_pending());
    assert!(poll(&mut a, &w).is_ready());
    drop(a);
    drop(b);
    assert_eq!(sem.available_permits(), 0, "a's permit is the caller's");
    // Dropped between the yield and the next poll, the permit returns.
    let sem = Semaphore::new(1);
    let mut c = Box::pin(sem.acquire(1));
    crate::task::coop::budget(|| {
        let mut cx = Context::from_waker(&w);
        while let Poll::Ready(r) = crate::task::coop::poll_proceed(&mut cx) {
            r.made_progress();
        }
        assert!(poll(&mut c, &w).is_pending());
    });
    drop(c);
    assert_eq!(sem.available_permits(), 1);
}

#[test]
#[should_panic(expected = "would overflow MAX_PERMITS")]
fn release_over_max_panics() {
    let sem = Semaphore::new(Semaphore::MAX_PERMITS);
    sem.release(1);
}

#[test]
fn forget_takes_at_most_what_is_there() {
    let sem = Semaphore::new(5);
    assert_eq!(sem.forget_permits(3), 3);
    assert_eq!(sem.forget_permits(3), 2);
    assert_eq!(sem.available_permits(), 0);
}

#[test]
fn threads_contend_and_no_permit_is_lost() {
    let sem = Arc::new(Semaphore::new(2));
    let count = Arc::new(StdAtomicUsize::new(0));
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let sem = sem.clone();
            let count = count.clone();
            std::thread::spawn(move || {
                for _ in 0..2000 {
                    futures::executor::block_on(sem.acquire(1)).unwrap();
                    let inside = count.fetch_add(1, SeqCst);
                    assert!(inside < 2, "more holders than permits");
                    count.fetch_sub(1, SeqCst);
                    sem.release(1);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(sem.available_permits(), 2);
}
