//! Loom models of the task cell's state machine.
//!
//! Each model runs a real task cell with a test scheduler and races one
//! operation against a poll; loom explores the interleavings.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Arc, Mutex};
use crate::loom::thread;
use crate::task::test_sched::{spawn, TestSched};
use std::future::poll_fn;
use std::task::{Poll, Waker};

/// Counts drops of the value it is attached to.
struct DropCount(Arc<AtomicUsize>);
impl Drop for DropCount {
    fn drop(&mut self) {
        self.0.fetch_add(1, SeqCst);
    }
}

/// A future that parks its waker in `slot` on the first poll and completes
/// on a later poll.
fn pending_once(slot: Arc<Mutex<Option<Waker>>>) -> impl std::future::Future<Output = u32> + Send {
    let mut first = true;
    poll_fn(move |cx| {
        if first {
            first = false;
            *slot.lock() = Some(cx.waker().clone());
            return Poll::Pending;
        }
        Poll::Ready(7)
    })
}

fn poll_join<T>(join: &mut crate::task::JoinHandle<T>) -> Poll<Result<T, crate::task::JoinError>> {
    let waker = Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    std::pin::Pin::new(join).poll(&mut cx)
}

use std::future::Future;

#[test]
fn wake_while_running() {
    loom::model(|| {
        let sched = TestSched::new();
        let waker_thread = Arc::new(Mutex::new(None));
        let wt = waker_thread.clone();
        let mut first = true;
        // The first poll hands a waker to a thread that wakes it at once,
        // racing the end of this very poll.
        let mut join = spawn(
            &sched,
            poll_fn(move |cx| {
                if first {
                    first = false;
                    let w = cx.waker().clone();
                    *wt.lock() = Some(thread::spawn(move || w.wake()));
                    return Poll::Pending;
                }
                Poll::Ready(7u32)
            }),
        );
        sched.run_all();
        let t = waker_thread.lock().take().unwrap();
        t.join().unwrap();
        sched.run_all();
        assert!(matches!(poll_join(&mut join), Poll::Ready(Ok(7))));
    });
}

#[test]
fn wake_after_completion() {
    loom::model(|| {
        let sched = TestSched::new();
        let slot = Arc::new(Mutex::new(None::<Waker>));
        let slot2 = slot.clone();
        let mut join = spawn(&sched, async move {
            poll_fn(|cx| {
                *slot2.lock() = Some(cx.waker().clone());
                Poll::Ready(())
            })
            .await;
            1u8
        });
        assert_eq!(sched.run_all(), 1);
        let waker = slot.lock().take().unwrap();
        let t = thread::spawn(move || waker.wake());
        assert!(matches!(poll_join(&mut join), Poll::Ready(Ok(1))));
        t.join().unwrap();
        // A wake after completion never schedules the task again.
        assert_eq!(sched.len(), 0);
    });
}

#[test]
fn join_handle_dropped_while_task_completes() {
    loom::model(|| {
        let sched = TestSched::new();
        let drops = Arc::new(AtomicUsize::new(0));
        let out = DropCount(drops.clone());
        let join = spawn(&sched, async move { out });
        let t = thread::spawn(move || drop(join));
        sched.run_all();
        t.join().unwrap();
        assert_eq!(drops.load(SeqCst), 1, "the output is dropped exactly once");
    });
}

#[test]
fn abort_racing_a_poll() {
    loom::model(|| {
        let sched = TestSched::new();
        let drops = Arc::new(AtomicUsize::new(0));
        let guard = DropCount(drops.clone());
        let slot = Arc::new(Mutex::new(None::<Waker>));
        let fut = pending_once(slot.clone());
        let mut join = spawn(&sched, async move {
            let _guard = guard;
            fut.await
        });
        let abort = join.abort_handle();
        let t = thread::spawn(move || abort.abort());
        sched.run_all();
        t.join().unwrap();
        sched.run_all();
        // Either cancelled, or still pending (aborted after going idle it was
        // rescheduled and cancelled above); never completed without a wake.
        match poll_join(&mut join) {
            Poll::Ready(Err(e)) => assert!(e.is_cancelled()),
            other => panic!("unexpected {:?}", other.map(|r| r.is_ok())),
        }
        assert_eq!(drops.load(SeqCst), 1, "the future is dropped exactly once");
    });
}

#[test]
fn two_threads_waking_at_once() {
    loom::model(|| {
        let sched = TestSched::new();
        let slot = Arc::new(Mutex::new(None::<Waker>));
        let mut join = spawn(&sched, pending_once(slot.clone()));
        assert_eq!(sched.run_all(), 1);
        let w1 = slot.lock().take().unwrap();
        let w2 = w1.clone();
        let t1 = thread::spawn(move || w1.wake());
        let t2 = thread::spawn(move || w2.wake_by_ref());
        t1.join().unwrap();
        t2.join().unwrap();
        assert_eq!(sched.len(), 1, "two wakes schedule the task once");
        sched.run_all();
        assert!(matches!(poll_join(&mut join), Poll::Ready(Ok(7))));
    });
}

/// A task yields itself (the harness reschedules it after the poll, in the
/// state change that ends the poll) while another thread runs `race` on it.
/// Returns the JoinHandle and how many times the future was polled.
fn yield_racing(
    sched: &Arc<TestSched>,
    race: impl FnOnce(Waker, crate::task::AbortHandle) + Send + 'static,
) -> (
    crate::task::JoinHandle<u32>,
    Arc<AtomicUsize>,
    Arc<AtomicUsize>,
) {
    let polls = Arc::new(AtomicUsize::new(0));
    let drops = Arc::new(AtomicUsize::new(0));
    let abort = Arc::new(Mutex::new(None::<crate::task::AbortHandle>));
    let thread_slot = Arc::new(Mutex::new(None));
    let (p, a, ts) = (polls.clone(), abort.clone(), thread_slot.clone());
    let guard = DropCount(drops.clone());
    let mut race = Some(race);
    let join = spawn(
        sched,
        poll_fn(move |cx| {
            let _keep = &guard;
            p.fetch_add(1, SeqCst);
            if let Some(race) = race.take() {
                let (w, ab) = (cx.waker().clone(), a.lock().take().unwrap());
                *ts.lock() = Some(thread::spawn(move || race(w, ab)));
                assert!(crate::task::waker::defer_self(cx.waker()));
                return Poll::Pending;
            }
            Poll::Ready(7u32)
        }),
    );
    *abort.lock() = Some(join.abort_handle());
    sched.run_all();
    let t = thread_slot.lock().take().unwrap();
    t.join().unwrap();
    sched.run_all();
    (join, polls, drops)
}

#[test]
fn yield_racing_a_wake() {
    loom::model(|| {
        let sched = TestSched::new();
        let (mut join, polls, drops) = yield_racing(&sched, |w, _| w.wake());
        assert!(matches!(poll_join(&mut join), Poll::Ready(Ok(7))));
        assert_eq!(
            polls.load(SeqCst),
            2,
            "the wake adds no poll to the yield's"
        );
        assert_eq!(sched.deferred(), 1);
        assert_eq!(drops.load(SeqCst), 1);
    });
}

#[test]
fn yield_racing_an_abort() {
    loom::model(|| {
        let sched = TestSched::new();
        let (mut join, polls, drops) = yield_racing(&sched, |_, abort| abort.abort());
        // Cancelled at the end of the yielding poll or before the next; or,
        // aborted during the second poll, complete.
        match poll_join(&mut join) {
            Poll::Ready(Ok(7)) => assert_eq!(polls.load(SeqCst), 2),
            Poll::Ready(Err(e)) => assert!(e.is_cancelled()),
            other => panic!("unexpected {:?}", other.map(|r| r.is_ok())),
        }
        assert!(polls.load(SeqCst) <= 2);
        assert_eq!(sched.len(), 0, "nothing left queued");
        assert_eq!(drops.load(SeqCst), 1, "the future is dropped exactly once");
    });
}
