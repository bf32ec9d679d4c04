//! The current-thread runtime through its public API.
#![cfg(feature = "rt")]

use std::future::{pending, poll_fn, Future};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};
use weft::runtime::{Builder, Handle, Runtime, RuntimeFlavor};

fn panic_msg(err: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = err.downcast_ref::<String>() {
        return s.clone();
    }
    err.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .unwrap_or_default()
}

fn new_rt() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

/// A future that is pending once, waking itself; counts its polls.
struct YieldOnce(bool);
impl Future for YieldOnce {
    type Output = ();
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

#[test]
fn block_on_returns_output() {
    assert_eq!(new_rt().block_on(async { 42 }), 42);
}

#[test]
fn spawn_and_join_from_inside() {
    let rt = new_rt();
    let out = rt.block_on(async {
        let handles: Vec<_> = (0..100)
            .map(|i| weft::spawn(async move { i * 2 }))
            .collect();
        let mut sum = 0;
        for h in handles {
            sum += h.await.unwrap();
        }
        sum
    });
    assert_eq!(out, (0..100).map(|i| i * 2).sum::<i32>());
}

#[test]
fn block_on_interleaves_with_spawned_tasks() {
    let rt = new_rt();
    rt.block_on(async {
        let (tx, rx) = std_mpsc::channel();
        weft::spawn(async move {
            YieldOnce(false).await;
            tx.send(1).unwrap();
        });
        // Not yet run: the block_on future has not yielded.
        assert!(rx.try_recv().is_err());
        for _ in 0..4 {
            weft::task::yield_now().await;
        }
        assert_eq!(rx.try_recv().unwrap(), 1);
    });
}

#[test]
fn tasks_left_unfinished_resume_at_next_block_on() {
    let rt = new_rt();
    let counter = Arc::new(AtomicUsize::new(0));
    let c = counter.clone();
    let (wake_tx, wake_rx) = std_mpsc::channel::<Waker>();
    rt.spawn(async move {
        let mut first = true;
        poll_fn(|cx| {
            if first {
                first = false;
                wake_tx.send(cx.waker().clone()).unwrap();
                return Poll::Pending;
            }
            Poll::Ready(())
        })
        .await;
        c.fetch_add(1, Ordering::SeqCst);
    });
    rt.block_on(weft::task::yield_now());
    let waker = wake_rx.recv().unwrap();
    waker.wake();
    assert_eq!(
        counter.load(Ordering::SeqCst),
        0,
        "no thread drives the runtime"
    );
    rt.block_on(async {
        for _ in 0..4 {
            weft::task::yield_now().await;
        }
    });
    assert_eq!(counter.load(Ordering::SeqCst), 1);
}

#[test]
fn wake_from_another_thread_unparks() {
    let rt = new_rt();
    let (tx, rx) = std_mpsc::channel::<Waker>();
    let t = std::thread::spawn(move || rx.recv().unwrap().wake());
    let mut sent = Some(tx);
    rt.block_on(poll_fn(move |cx| match sent.take() {
        Some(tx) => {
            tx.send(cx.waker().clone()).unwrap();
            Poll::Pending
        }
        None => Poll::Ready(()),
    }));
    t.join().unwrap();
}

/// `block_on` lends its future a waker that borrows the runtime's handle;
/// a clone must own its reference: it outlives the call and the runtime.
#[test]
fn block_on_waker_clone_outlives_the_runtime() {
    let rt = new_rt();
    let kept = rt.block_on(poll_fn(|cx| Poll::Ready(cx.waker().clone())));
    let again = rt.block_on(poll_fn(|cx| {
        // Clones of clones, and the lent waker compared with a clone.
        let clone = cx.waker().clone();
        assert!(clone.will_wake(cx.waker()));
        Poll::Ready(clone.clone())
    }));
    drop(rt);
    kept.wake_by_ref();
    let third = kept.clone();
    kept.wake();
    again.wake();
    drop(third);
}

#[test]
fn spawned_task_woken_from_another_thread() {
    let rt = new_rt();
    let out = rt.block_on(async {
        let (tx, rx) = std_mpsc::channel::<Waker>();
        let t = std::thread::spawn(move || rx.recv().unwrap().wake());
        let mut sent = Some(tx);
        let h = weft::spawn(poll_fn(move |cx| match sent.take() {
            Some(tx) => {
                tx.send(cx.waker().clone()).unwrap();
                Poll::Pending
            }
            None => Poll::Ready(5),
        }));
        let v = h.await.unwrap();
        t.join().unwrap();
        v
    });
    assert_eq!(out, 5);
}

#[test]
fn remote_spawn_from_plain_thread() {
    let rt = new_rt();
    let handle = rt.handle().clone();
    let join = std::thread::spawn(move || handle.spawn(async { 11 }))
        .join()
        .unwrap();
    assert_eq!(rt.block_on(join).unwrap(), 11);
}

#[test]
fn panic_becomes_join_error_and_runtime_survives() {
    let rt = new_rt();
    rt.block_on(async {
        let err = weft::spawn(async { panic!("boom") }).await.unwrap_err();
        assert!(err.is_panic());
        assert_eq!(
            err.to_string(),
            format!("task {} panicked with message \"boom\"", err.id())
        );
        assert_eq!(weft::spawn(async { 1 }).await.unwrap(), 1);
    });
}

#[test]
fn abort_idle_and_not_yet_polled_tasks() {
    let rt = new_rt();
    rt.block_on(async {
        let h = weft::spawn(pending::<()>());
        h.abort();
        let err = h.await.unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.to_string(), format!("task {} was cancelled", err.id()));

        let h = weft::spawn(pending::<()>());
        weft::task::yield_now().await; // now idle
        let abort = h.abort_handle();
        assert!(!abort.is_finished());
        abort.abort();
        assert!(h.await.unwrap_err().is_cancelled());
        assert!(abort.is_finished());
    });
}

#[test]
fn abort_completed_task_keeps_output() {
    let rt = new_rt();
    rt.block_on(async {
        let h = weft::spawn(async { 3 });
        weft::task::yield_now().await;
        assert!(h.is_finished());
        h.abort();
        assert_eq!(h.await.unwrap(), 3);
    });
}

struct DropCounter(Arc<AtomicUsize>);
impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn shutdown_drops_every_future_once_and_join_handles_see_cancelled() {
    let drops = Arc::new(AtomicUsize::new(0));
    let rt = new_rt();
    let mut handles = Vec::new();
    for i in 0..50 {
        let d = DropCounter(drops.clone());
        handles.push(rt.spawn(async move {
            let _d = d;
            if i % 2 == 0 {
                weft::task::yield_now().await;
            }
            pending::<()>().await
        }));
    }
    // Half of them have been polled once, half never.
    rt.block_on(weft::task::yield_now());
    drop(rt);
    assert_eq!(drops.load(Ordering::SeqCst), 50);
    let rt2 = new_rt();
    for h in handles {
        assert!(rt2.block_on(h).unwrap_err().is_cancelled());
    }
}

#[test]
fn spawn_blocking_runs_on_another_thread() {
    let rt = new_rt();
    let main = std::thread::current().id();
    let inside = rt
        .block_on(async { weft::task::spawn_blocking(|| std::thread::current().id()).await })
        .unwrap();
    assert_ne!(inside, main);
    let other = rt
        .block_on(rt.spawn_blocking(|| std::thread::current().id()))
        .unwrap();
    assert_ne!(other, main);
}

#[test]
fn spawn_blocking_panic_is_join_error() {
    let rt = new_rt();
    let err = rt
        .block_on(rt.spawn_blocking(|| panic!("blocking boom")))
        .unwrap_err();
    assert!(err.is_panic());
}

#[test]
fn nested_block_on_panics_with_tokio_message() {
    let rt = new_rt();
    let rt2 = new_rt();
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async { rt2.block_on(async {}) })
    }))
    .unwrap_err();
    let msg = panic_msg(&err);
    assert!(
        msg.starts_with("Cannot start a runtime from within a runtime."),
        "{msg}"
    );
}

#[test]
fn handle_current_outside_runtime_panics_with_tokio_message() {
    let err = std::panic::catch_unwind(Handle::current).unwrap_err();
    let msg = panic_msg(&err);
    assert_eq!(
        msg,
        "there is no reactor running, must be called from the context of a Tokio 1.x runtime"
    );
    let e = Handle::try_current().unwrap_err();
    assert!(e.is_missing_context());
    let err = std::panic::catch_unwind(|| weft::spawn(async {})).unwrap_err();
    assert!(panic_msg(&err).starts_with("there is no reactor running"));
}

#[test]
fn enter_guards_out_of_order_panic() {
    let rt1 = new_rt();
    let rt2 = new_rt();
    let g1 = rt1.enter();
    let g2 = rt2.enter();
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(g1))).unwrap_err();
    let msg = panic_msg(&err);
    assert!(
        msg.starts_with("`EnterGuard` values dropped out of order."),
        "{msg}"
    );
    drop(g2);
}

#[test]
fn handle_reports_flavor_id_and_current() {
    let rt = new_rt();
    assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::CurrentThread);
    let id = rt.handle().id();
    rt.block_on(async move {
        assert_eq!(Handle::current().id(), id);
    });
    let _g = rt.enter();
    assert_eq!(Handle::current().id(), id);
}

#[test]
fn task_id_inside_task_and_join_handle_agree() {
    let rt = new_rt();
    rt.block_on(async {
        assert!(weft::task::try_id().is_none());
        let h = weft::spawn(async { weft::task::id() });
        let id = h.id();
        assert_eq!(h.await.unwrap(), id);
    });
}

#[test]
fn metrics_count_alive_tasks_and_queue_depth() {
    let rt = new_rt();
    let h = rt.spawn(pending::<()>());
    assert_eq!(rt.metrics().num_alive_tasks(), 1);
    assert_eq!(rt.metrics().global_queue_depth(), 1);
    rt.block_on(weft::task::yield_now());
    assert_eq!(rt.metrics().global_queue_depth(), 0);
    h.abort();
    rt.block_on(async { assert!(h.await.unwrap_err().is_cancelled()) });
    assert_eq!(rt.metrics().num_alive_tasks(), 0);
}

#[test]
fn dropping_runtime_inside_async_context_panics() {
    let outer = new_rt();
    let inner = new_rt();
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        outer.block_on(async move { drop(inner) })
    }))
    .unwrap_err();
    let msg = panic_msg(&err);
    assert!(
        msg.starts_with("Cannot drop a runtime in a context where blocking is not allowed."),
        "{msg}"
    );
}

#[test]
fn shutdown_background_inside_async_context_is_allowed() {
    let outer = new_rt();
    let inner = new_rt();
    outer.block_on(async move { inner.shutdown_background() });
}

#[test]
fn block_on_from_two_threads_shares_the_runtime() {
    let rt = Arc::new(new_rt());
    let rt2 = rt.clone();
    let (tx, rx) = std_mpsc::channel::<()>();
    let t = std::thread::spawn(move || {
        rt2.block_on(async move {
            let h = weft::spawn(async { 1 });
            let v = h.await.unwrap();
            tx.send(()).unwrap();
            v
        })
    });
    rx.recv().unwrap();
    assert_eq!(
        rt.block_on(async { weft::spawn(async { 2 }).await.unwrap() }),
        2
    );
    assert_eq!(t.join().unwrap(), 1);
}

/// A second thread's `block_on` waits for the core and takes it over when
/// the first thread's `block_on` returns; the worker's thread id follows
/// the core.
#[cfg(feature = "sync")]
#[test]
fn block_on_waiting_for_the_core_takes_it_over() {
    let rt = Arc::new(new_rt());
    let metrics = rt.metrics();
    let (release_tx, release_rx) = weft::sync::oneshot::channel::<()>();
    // The second thread spawns only once the first is gone: a task spawned
    // earlier could run on the first thread's scheduler instead.
    let (go_tx, go_rx) = weft::sync::oneshot::channel::<()>();
    let (held_tx, held_rx) = std_mpsc::channel();
    let (rt_a, rt_b) = (rt.clone(), rt.clone());
    let a = std::thread::spawn(move || {
        rt_a.block_on(async move {
            held_tx.send(()).unwrap();
            release_rx.await.unwrap();
        })
    });
    held_rx.recv().unwrap();
    let a_id = a.thread().id();
    assert_eq!(metrics.worker_thread_id(0), Some(a_id));
    let (polled_tx, polled_rx) = std_mpsc::channel();
    let b = std::thread::spawn(move || {
        rt_b.block_on(async move {
            polled_tx.send(()).unwrap();
            go_rx.await.unwrap();
            // Needs the core: the task runs only where the scheduler runs.
            let v = weft::spawn(async { 2 }).await.unwrap();
            (
                v,
                weft::runtime::Handle::current()
                    .metrics()
                    .worker_thread_id(0),
            )
        })
    });
    polled_rx.recv().unwrap();
    release_tx.send(()).unwrap();
    a.join().unwrap();
    go_tx.send(()).unwrap();
    let b_id = b.thread().id();
    assert_eq!(b.join().unwrap(), (2, Some(b_id)));
    assert_eq!(metrics.worker_thread_id(0), None);
}

#[cfg(feature = "sync")]
#[test]
fn on_thread_park_hook_that_yields_does_not_hang() {
    // The hook defers a wake (yield_now) of a waker that completes the
    // block_on future: the scheduler must not go to sleep after the hook.
    let notify = Arc::new(weft::sync::Notify::new());
    let n = notify.clone();
    let fired = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let f = fired.clone();
    struct NotifyWaker(Arc<weft::sync::Notify>);
    impl std::task::Wake for NotifyWaker {
        fn wake(self: Arc<Self>) {
            self.0.notify_one();
        }
    }
    let waker = Waker::from(Arc::new(NotifyWaker(n)));
    let rt = Builder::new_current_thread()
        .enable_all()
        .on_thread_park(move || {
            if !f.swap(true, Ordering::SeqCst) {
                let mut cx = Context::from_waker(&waker);
                let mut fut = std::pin::pin!(weft::task::yield_now());
                let _ = fut.as_mut().poll(&mut cx);
            }
        })
        .build()
        .unwrap();
    rt.block_on(notify.notified());
    assert!(fired.load(Ordering::SeqCst));
}

#[test]
fn worker_metrics_count_parks_and_busy_time() {
    let rt = new_rt();
    let metrics = rt.metrics();
    rt.block_on(async {
        let (tx, rx) = std_mpsc::channel::<Waker>();
        let t = std::thread::spawn(move || rx.recv().unwrap().wake());
        let mut sent = Some(tx);
        poll_fn(move |cx| match sent.take() {
            Some(tx) => {
                tx.send(cx.waker().clone()).unwrap();
                Poll::Pending
            }
            None => Poll::Ready(()),
        })
        .await;
        t.join().unwrap();
    });
    drop(rt);
    assert_eq!(metrics.worker_park_unpark_count(0) % 2, 0);
    assert!(metrics.worker_total_busy_duration(0) > std::time::Duration::ZERO);
}

#[test]
fn yielding_task_survives_the_end_of_block_on() {
    // A task that yields while block_on's future completes has its wake
    // deferred; it must still run at the next block_on.
    let rt = new_rt();
    let polls = Arc::new(AtomicUsize::new(0));
    let p = polls.clone();
    rt.spawn(async move {
        loop {
            p.fetch_add(1, Ordering::SeqCst);
            weft::task::yield_now().await;
        }
    });
    rt.block_on(rt.spawn(async {})).unwrap();
    let before = polls.load(Ordering::SeqCst);
    rt.block_on(async {
        for _ in 0..3 {
            weft::task::yield_now().await;
        }
    });
    assert!(
        polls.load(Ordering::SeqCst) > before,
        "the yielding task ran again"
    );
}

#[test]
fn panicking_future_is_dropped_while_the_panic_unwinds() {
    struct Boom(Option<std_mpsc::Sender<bool>>);
    impl std::future::Future for Boom {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<()> {
            panic!("boom");
        }
    }
    impl Drop for Boom {
        fn drop(&mut self) {
            let _ = self.0.take().unwrap().send(std::thread::panicking());
        }
    }
    let rt = new_rt();
    let (tx, rx) = std_mpsc::channel();
    let err = rt.block_on(rt.spawn(Boom(Some(tx)))).unwrap_err();
    assert!(err.is_panic());
    assert!(
        rx.recv().unwrap(),
        "dropped during unwinding, as Tokio does"
    );
}

/// `block_on` points the thread's current-handle slot at the runtime's handle
/// without cloning it. A guard of another runtime that escapes the `block_on`
/// (dropped out of order) must not keep that pointer: after the first runtime
/// is gone, the slot it restores holds a live handle of that runtime.
#[test]
fn enter_guard_escaping_block_on_keeps_a_live_handle() {
    use std::cell::RefCell;
    let rt1 = Box::new(new_rt());
    let rt1_id = rt1.handle().id();
    let rt2 = new_rt();
    let escaped = RefCell::new(None);
    let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt1.block_on(async {
            *escaped.borrow_mut() = Some(rt2.handle().enter());
        })
    }));
    let err = res.expect_err("a guard outliving block_on is dropped out of order");
    assert!(
        panic_msg(&err).contains("dropped out of order"),
        "{}",
        panic_msg(&err)
    );
    assert_eq!(Handle::current().id(), rt2.handle().id());
    drop(rt1);
    // Restores what the guard saw when it was created: rt1's handle.
    drop(escaped.borrow_mut().take());
    let current = Handle::try_current().expect("the restored handle");
    assert_eq!(current.id(), rt1_id);
    assert_eq!(current.runtime_flavor(), RuntimeFlavor::CurrentThread);
}
