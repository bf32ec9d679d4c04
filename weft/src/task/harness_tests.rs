//! The task cell driven by hand through a test scheduler: the exact
//! sequence of polls, wakes and completions, without a runtime.

use crate::task::test_sched::{spawn, TestSched};
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

fn poll_join<T>(join: &mut crate::task::JoinHandle<T>) -> Poll<Result<T, crate::task::JoinError>> {
    let mut cx = Context::from_waker(Waker::noop());
    Pin::new(join).poll(&mut cx)
}

#[test]
fn runs_once_and_hands_output_to_join_handle() {
    let sched = TestSched::new();
    let mut join = spawn(&sched, async { 5 });
    assert!(poll_join(&mut join).is_pending());
    assert_eq!(sched.run_all(), 1);
    assert!(matches!(poll_join(&mut join), Poll::Ready(Ok(5))));
}

#[test]
fn wake_by_ref_schedules_exactly_once_until_run() {
    let sched = TestSched::new();
    let slot = Arc::new(Mutex::new(None::<Waker>));
    let polls = Arc::new(AtomicUsize::new(0));
    let (s, p) = (slot.clone(), polls.clone());
    let _join = spawn(
        &sched,
        poll_fn(move |cx| {
            p.fetch_add(1, SeqCst);
            *s.lock().unwrap() = Some(cx.waker().clone());
            Poll::<()>::Pending
        }),
    );
    assert_eq!(sched.run_all(), 1);
    let waker = slot.lock().unwrap().take().unwrap();
    waker.wake_by_ref();
    waker.wake_by_ref();
    assert_eq!(sched.len(), 1);
    assert_eq!(sched.run_all(), 1);
    assert_eq!(polls.load(SeqCst), 2);
    // The future holds its own waker: break the cycle so the cell is freed.
    drop(slot.lock().unwrap().take());
}

#[test]
fn panic_is_caught_into_join_error() {
    let sched = TestSched::new();
    let mut join = spawn(&sched, async { panic!("inside") });
    sched.run_all();
    match poll_join(&mut join) {
        Poll::Ready(Err(e)) => assert!(e.is_panic()),
        _ => panic!("expected a panic JoinError"),
    }
}

#[test]
fn abort_before_first_poll_drops_future_without_polling() {
    let sched = TestSched::new();
    let polled = Arc::new(AtomicUsize::new(0));
    let p = polled.clone();
    let mut join = spawn(&sched, async move {
        p.fetch_add(1, SeqCst);
    });
    join.abort();
    sched.run_all();
    assert_eq!(polled.load(SeqCst), 0);
    assert!(matches!(poll_join(&mut join), Poll::Ready(Err(e)) if e.is_cancelled()));
}

#[test]
fn join_waker_is_woken_on_completion_and_replaced_when_it_changes() {
    struct Flag(AtomicUsize);
    impl std::task::Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    let sched = TestSched::new();
    let slot = Arc::new(Mutex::new(None::<Waker>));
    let s = slot.clone();
    let mut first = true;
    let mut join = spawn(
        &sched,
        poll_fn(move |cx| {
            if first {
                first = false;
                *s.lock().unwrap() = Some(cx.waker().clone());
                return Poll::Pending;
            }
            Poll::Ready(1)
        }),
    );
    sched.run_all();
    let a = Arc::new(Flag(AtomicUsize::new(0)));
    let b = Arc::new(Flag(AtomicUsize::new(0)));
    let wa = Waker::from(a.clone());
    let wb = Waker::from(b.clone());
    assert!(Pin::new(&mut join)
        .poll(&mut Context::from_waker(&wa))
        .is_pending());
    assert!(Pin::new(&mut join)
        .poll(&mut Context::from_waker(&wb))
        .is_pending());
    slot.lock().unwrap().take().unwrap().wake();
    sched.run_all();
    assert_eq!(a.0.load(SeqCst), 0, "the replaced waker is not woken");
    assert_eq!(b.0.load(SeqCst), 1);
    assert!(matches!(poll_join(&mut join), Poll::Ready(Ok(1))));
}

#[test]
fn dropping_join_handle_after_completion_drops_output_once() {
    struct Out(Arc<AtomicUsize>);
    impl Drop for Out {
        fn drop(&mut self) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let sched = TestSched::new();
    let d = drops.clone();
    let join = spawn(&sched, async move { Out(d) });
    sched.run_all();
    assert_eq!(drops.load(SeqCst), 0, "kept for the JoinHandle");
    drop(join);
    assert_eq!(drops.load(SeqCst), 1);
}

/// A future that yields itself (as `yield_now` does on a runtime) on its
/// first poll, after running `first`, and returns 3 on the next.
fn yield_once(
    polls: Arc<AtomicUsize>,
    first: impl FnOnce(&Context<'_>) + Send + 'static,
) -> impl Future<Output = u32> + Send {
    let mut first = Some(first);
    poll_fn(move |cx| {
        polls.fetch_add(1, SeqCst);
        match first.take() {
            Some(f) => {
                f(cx);
                assert!(crate::task::waker::defer_self(cx.waker()));
                Poll::Pending
            }
            None => Poll::Ready(3),
        }
    })
}

/// Runs a task that yields once after `first`: it must come back through
/// `Schedule::defer` exactly once and then complete.
fn assert_deferred_once(first: impl FnOnce(&Context<'_>) + Send + 'static) {
    let sched = TestSched::new();
    let polls = Arc::new(AtomicUsize::new(0));
    let mut join = spawn(&sched, yield_once(polls.clone(), first));
    assert_eq!(sched.run_all(), 2);
    assert_eq!(sched.deferred(), 1);
    assert_eq!(polls.load(SeqCst), 2);
    assert!(matches!(poll_join(&mut join), Poll::Ready(Ok(3))));
}

#[test]
fn a_task_that_yields_itself_is_deferred_by_its_harness() {
    assert_deferred_once(|_| {});
}

#[test]
fn a_wake_in_the_yielding_poll_adds_no_second_run() {
    assert_deferred_once(|cx| cx.waker().wake_by_ref());
}

#[test]
fn abort_in_the_yielding_poll_cancels_at_once() {
    let sched = TestSched::new();
    let polls = Arc::new(AtomicUsize::new(0));
    let abort = Arc::new(Mutex::new(None::<crate::task::AbortHandle>));
    let a = abort.clone();
    let mut join = spawn(
        &sched,
        yield_once(polls.clone(), move |_| {
            a.lock().unwrap().take().unwrap().abort();
        }),
    );
    *abort.lock().unwrap() = Some(join.abort_handle());
    assert_eq!(sched.run_all(), 1);
    assert_eq!(sched.deferred(), 0);
    assert_eq!(polls.load(SeqCst), 1);
    assert!(matches!(poll_join(&mut join), Poll::Ready(Err(e)) if e.is_cancelled()));
}

#[test]
fn defer_self_only_takes_the_waker_of_the_task_being_polled() {
    let sched = TestSched::new();
    let slot = Arc::new(Mutex::new(None::<Waker>));
    let s = slot.clone();
    let _parked = spawn(
        &sched,
        poll_fn(move |cx| {
            *s.lock().unwrap() = Some(cx.waker().clone());
            Poll::<()>::Pending
        }),
    );
    sched.run_all();
    let other = slot.lock().unwrap().clone().unwrap();
    assert!(!crate::task::waker::defer_self(&other), "outside any poll");
    let checked = Arc::new(AtomicUsize::new(0));
    let c = checked.clone();
    let mut join = spawn(&sched, async move {
        assert!(
            !crate::task::waker::defer_self(&other),
            "another task's waker"
        );
        assert!(!crate::task::waker::defer_self(Waker::noop()));
        c.fetch_add(1, SeqCst);
    });
    sched.run_all();
    assert_eq!(checked.load(SeqCst), 1);
    assert_eq!(sched.deferred(), 0);
    assert!(matches!(poll_join(&mut join), Poll::Ready(Ok(()))));
    drop(slot.lock().unwrap().take());
}

#[test]
fn a_yielded_task_dropped_with_the_deferred_list_is_released() {
    let sched = TestSched::new();
    let drops = Arc::new(AtomicUsize::new(0));
    struct DropCount(Arc<AtomicUsize>);
    impl Drop for DropCount {
        fn drop(&mut self) {
            self.0.fetch_add(1, SeqCst);
        }
    }
    let guard = DropCount(drops.clone());
    let join = spawn(&sched, async move {
        let _guard = guard;
    });
    let notified = sched.pop().expect("spawn queues the task");
    let defer = crate::runtime::scheduler::defer::Defer::new();
    defer.defer_task(crate::task::YieldedTask(notified.into_raw()));
    drop(defer);
    drop(join);
    // The list released the task's last reference: the cell, and the
    // never-polled future in it, are gone.
    assert_eq!(drops.load(SeqCst), 1);
}
