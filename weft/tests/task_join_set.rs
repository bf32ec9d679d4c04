//! `JoinSet` through its public API, on both runtimes.
#![cfg(feature = "rt")]

use futures::channel::oneshot;
use futures::FutureExt;
use std::collections::HashSet;
use std::future::{pending, poll_fn};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::Poll;
use weft::runtime::{Builder, Runtime};
use weft::task::{JoinSet, LocalSet};

fn current_thread() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

#[cfg(feature = "rt-multi-thread")]
fn multi_thread() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Runs `f` on a current-thread runtime and, when built, a multi-thread one.
fn both(f: impl Fn(Runtime)) {
    f(current_thread());
    #[cfg(feature = "rt-multi-thread")]
    f(multi_thread());
}

/// The server-style test: 10k tasks, results collected in completion order,
/// none lost, none twice.
#[test]
fn ten_thousand_tasks_none_lost() {
    both(|rt| {
        rt.block_on(async {
            const N: usize = 10_000;
            let mut set = JoinSet::new();
            for i in 0..N {
                set.spawn(async move {
                    if i % 3 == 0 {
                        weft::task::yield_now().await;
                    }
                    i
                });
            }
            assert_eq!(set.len(), N);
            let mut seen = vec![false; N];
            let mut count = 0;
            while let Some(res) = set.join_next().await {
                let i = res.unwrap();
                assert!(!seen[i], "task {i} joined twice");
                seen[i] = true;
                count += 1;
            }
            assert_eq!(count, N);
            assert!(set.is_empty());
        });
    });
}

/// abort_all, then join_next reports every task as cancelled.
#[test]
fn abort_all_then_every_task_is_cancelled() {
    both(|rt| {
        rt.block_on(async {
            const N: usize = 10_000;
            let mut set = JoinSet::new();
            for _ in 0..N {
                set.spawn(pending::<()>());
            }
            // Let them all start and park.
            weft::task::yield_now().await;
            set.abort_all();
            assert_eq!(set.len(), N);
            let mut cancelled = 0;
            while let Some(res) = set.join_next().await {
                assert!(res.unwrap_err().is_cancelled());
                cancelled += 1;
            }
            assert_eq!(cancelled, N);
        });
    });
}

#[test]
fn join_next_with_id_reports_the_spawned_ids() {
    both(|rt| {
        rt.block_on(async {
            let mut set = JoinSet::new();
            let mut ids = HashSet::new();
            for i in 0..100u32 {
                ids.insert(set.spawn(async move { i }).id());
            }
            let mut joined = HashSet::new();
            while let Some(res) = set.join_next_with_id().await {
                let (id, _) = res.unwrap();
                joined.insert(id);
            }
            assert_eq!(ids, joined);
        });
    });
}

#[test]
fn cancelled_task_error_carries_its_id() {
    current_thread().block_on(async {
        let mut set = JoinSet::new();
        let abort = set.spawn(pending::<()>());
        abort.abort();
        let err = set.join_next_with_id().await.unwrap().unwrap_err();
        assert!(err.is_cancelled());
        assert_eq!(err.id(), abort.id());
    });
}

#[test]
fn panicking_task_is_reported_and_others_continue() {
    current_thread().block_on(async {
        let mut set = JoinSet::new();
        set.spawn(async { panic!("boom") });
        set.spawn(async { 1 });
        let mut panics = 0;
        let mut oks = 0;
        while let Some(res) = set.join_next().await {
            match res {
                Ok(v) => {
                    assert_eq!(v, 1);
                    oks += 1;
                }
                Err(e) => {
                    assert!(e.is_panic());
                    panics += 1;
                }
            }
        }
        assert_eq!((panics, oks), (1, 1));
    });
}

#[test]
fn dropping_the_set_aborts_its_tasks() {
    both(|rt| {
        rt.block_on(async {
            let mut set = JoinSet::new();
            let mut receivers = Vec::new();
            for _ in 0..16 {
                let (tx, rx) = oneshot::channel::<()>();
                receivers.push(rx);
                set.spawn(async move {
                    pending::<()>().await;
                    drop(tx);
                });
            }
            drop(set);
            for rx in receivers {
                assert!(rx.await.is_err(), "the task's future was not dropped");
            }
        });
    });
}

#[test]
fn detach_all_keeps_tasks_running() {
    current_thread().block_on(async {
        let mut set = JoinSet::new();
        let (tx, rx) = oneshot::channel();
        set.spawn(async move {
            weft::task::yield_now().await;
            tx.send(5).unwrap();
        });
        set.detach_all();
        assert!(set.is_empty());
        assert!(set.join_next().await.is_none());
        assert_eq!(rx.await.unwrap(), 5);
    });
}

#[test]
fn shutdown_aborts_and_waits() {
    both(|rt| {
        rt.block_on(async {
            let dropped = Arc::new(AtomicUsize::new(0));
            struct OnDrop(Arc<AtomicUsize>);
            impl Drop for OnDrop {
                fn drop(&mut self) {
                    self.0.fetch_add(1, Ordering::SeqCst);
                }
            }
            let mut set = JoinSet::new();
            for _ in 0..50 {
                let guard = OnDrop(dropped.clone());
                set.spawn(async move {
                    let _guard = guard;
                    pending::<()>().await
                });
            }
            set.shutdown().await;
            assert!(set.is_empty());
            assert_eq!(dropped.load(Ordering::SeqCst), 50);
        });
    });
}

#[test]
fn try_join_next_only_returns_finished_tasks() {
    current_thread().block_on(async {
        let mut set = JoinSet::new();
        let (tx, rx) = oneshot::channel::<()>();
        set.spawn(async move {
            rx.await.unwrap();
            1
        });
        set.spawn(async { 2 });
        assert!(set.try_join_next().is_none(), "nothing ran yet");
        weft::task::yield_now().await;
        assert_eq!(set.try_join_next().unwrap().unwrap(), 2);
        assert!(set.try_join_next().is_none());
        tx.send(()).unwrap();
        weft::task::yield_now().await;
        assert_eq!(set.try_join_next().unwrap().unwrap(), 1);
        assert!(set.try_join_next().is_none());
        assert!(set.is_empty());
    });
}

#[test]
fn poll_join_next_is_pending_until_a_task_completes() {
    current_thread().block_on(async {
        let mut set: JoinSet<u32> = JoinSet::new();
        assert!(matches!(
            poll_fn(|cx| Poll::Ready(set.poll_join_next(cx))).await,
            Poll::Ready(None)
        ));
        let (tx, rx) = oneshot::channel::<u32>();
        set.spawn(async move { rx.await.unwrap() });
        assert!(poll_fn(|cx| Poll::Ready(set.poll_join_next(cx)))
            .await
            .is_pending());
        tx.send(3).unwrap();
        assert_eq!(set.join_next().await.unwrap().unwrap(), 3);
    });
}

#[test]
fn join_all_collects_every_output() {
    both(|rt| {
        rt.block_on(async {
            let set: JoinSet<usize> = (0..100).map(|i| async move { i }).collect();
            let mut out = set.join_all().await;
            out.sort();
            assert_eq!(out, (0..100).collect::<Vec<_>>());
        });
    });
}

#[test]
fn join_all_resumes_a_task_panic() {
    let rt = current_thread();
    let err = rt
        .block_on(async {
            let mut set = JoinSet::new();
            set.spawn(async { panic!("task panicked here") });
            weft::spawn(set.join_all()).await
        })
        .unwrap_err();
    assert!(err.is_panic());
    let payload = err.into_panic();
    assert_eq!(
        payload.downcast_ref::<&str>().copied(),
        Some("task panicked here")
    );
}

#[test]
fn extend_and_default() {
    current_thread().block_on(async {
        let mut set = JoinSet::default();
        set.extend((0..5).map(|i| async move { i }));
        set.extend((5..10).map(|i| async move { i }));
        assert_eq!(set.len(), 10);
        let mut seen = [false; 10];
        while let Some(res) = set.join_next().await {
            seen[res.unwrap()] = true;
        }
        assert!(seen.iter().all(|&b| b));
    });
}

#[test]
fn spawn_on_a_runtime_that_is_dropped_reports_cancelled() {
    let mut set = JoinSet::new();
    {
        let rt = current_thread();
        set.spawn_on(async { 1 }, rt.handle());
    }
    let res = current_thread().block_on(set.join_next()).unwrap();
    assert!(res.unwrap_err().is_cancelled());
}

#[test]
fn spawn_blocking_and_spawn_blocking_on() {
    let rt = current_thread();
    let mut set = JoinSet::new();
    set.spawn_blocking_on(|| 1, rt.handle());
    rt.block_on(async {
        set.spawn_blocking(|| 2);
        let mut out = Vec::new();
        while let Some(res) = set.join_next().await {
            out.push(res.unwrap());
        }
        out.sort();
        assert_eq!(out, vec![1, 2]);
    });
}

/// join_next spends coop budget: with many finished tasks it yields now and
/// then instead of returning them all in one poll.
#[test]
fn join_next_consumes_budget() {
    current_thread().block_on(async {
        const N: usize = 1000;
        let mut set = JoinSet::new();
        for _ in 0..N {
            set.spawn(async {});
        }
        // Let every task finish.
        while set.try_join_next().is_none() {
            weft::task::yield_now().await;
        }
        let mut count = 1;
        let mut yields = 0;
        loop {
            match set.join_next().now_or_never() {
                Some(Some(res)) => {
                    res.unwrap();
                    count += 1;
                }
                Some(None) => break,
                None => {
                    yields += 1;
                    weft::task::yield_now().await;
                }
            }
        }
        assert_eq!(count, N);
        assert!(yields >= 1, "join_next never ran out of budget");
    });
}

#[test]
fn spawn_local_outside_a_local_set_panics() {
    let res = std::panic::catch_unwind(|| {
        let mut set = JoinSet::new();
        set.spawn_local(async {});
    });
    let err = res.unwrap_err();
    let msg = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap();
    assert_eq!(
        msg,
        "`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`"
    );
}

#[test]
fn spawn_local_and_spawn_local_on() {
    let rt = current_thread();
    let local = LocalSet::new();
    let mut set = JoinSet::new();
    for i in 0..8usize {
        let rc = std::rc::Rc::new(i);
        set.spawn_local_on(async move { *rc }, &local);
    }
    assert!(set.try_join_next().is_none());
    local.block_on(&rt, async move {
        for i in 8..16usize {
            let rc = std::rc::Rc::new(i);
            set.spawn_local(async move { *rc });
        }
        let mut seen = [false; 16];
        while let Some(res) = set.join_next().await {
            seen[res.unwrap()] = true;
        }
        assert!(seen.iter().all(|&b| b));
    });
}

#[test]
fn dropping_a_set_of_local_tasks_aborts_them() {
    let rt = current_thread();
    let local = LocalSet::new();
    let mut set = JoinSet::new();
    let mut receivers = Vec::new();
    for _ in 0..8 {
        let (tx, rx) = oneshot::channel::<()>();
        receivers.push(rx);
        set.spawn_local_on(
            async move {
                pending::<()>().await;
                drop(tx);
            },
            &local,
        );
    }
    local.block_on(&rt, async move {
        weft::task::yield_now().await;
        drop(set);
        for rx in receivers {
            assert!(rx.await.is_err());
        }
    });
}

/// The waker replaced by poll_join_next is dropped outside the set's lock:
/// its destructor drives the runtime, which completes the task, which wakes
/// the set's entry (taking that lock).
#[test]
fn replaced_waker_is_dropped_outside_the_lock() {
    use std::task::{Context, Wake, Waker};

    struct DriveOnDrop(Runtime);
    impl Wake for DriveOnDrop {
        fn wake(self: Arc<Self>) {}
    }
    impl Drop for DriveOnDrop {
        fn drop(&mut self) {
            self.0.block_on(weft::task::yield_now());
        }
    }

    let rt = current_thread();
    let mut set = JoinSet::new();
    set.spawn_on(async { 42 }, rt.handle());
    let waker = Waker::from(Arc::new(DriveOnDrop(rt)));
    assert!(set
        .poll_join_next(&mut Context::from_waker(&waker))
        .is_pending());
    drop(waker);
    assert!(set
        .poll_join_next(&mut Context::from_waker(Waker::noop()))
        .is_pending());
    assert_eq!(set.try_join_next().unwrap().unwrap(), 42);
}

#[test]
fn send_and_sync_of_the_public_types() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    send::<JoinSet<u32>>();
    sync::<JoinSet<u32>>();
    send::<JoinSet<std::cell::Cell<u32>>>();
    sync::<JoinSet<std::cell::Cell<u32>>>();
    sync::<weft::task::LocalKey<u32>>();
    send::<weft::task::futures::TaskLocalFuture<u32, std::future::Ready<()>>>();
}

/// Tasks completing on the workers while the owner aborts some of them and
/// joins all: every task is reported exactly once, as its output or as
/// cancelled, and only aborted tasks are reported cancelled.
#[cfg(feature = "rt-multi-thread")]
#[test]
fn concurrent_completion_abort_and_join_multi_thread() {
    let rt = multi_thread();
    rt.block_on(async {
        for round in 0..20usize {
            let mut set = JoinSet::new();
            let mut aborts = Vec::new();
            for i in 0..500usize {
                let abort = set.spawn(async move {
                    if i % 2 == 0 {
                        weft::task::yield_now().await;
                    }
                    i
                });
                if (i + round) % 7 == 0 {
                    aborts.push((i, abort));
                }
            }
            let aborted: HashSet<usize> = aborts.iter().map(|(i, _)| *i).collect();
            for (_, abort) in &aborts {
                abort.abort();
            }
            let mut seen = HashSet::new();
            let mut cancelled = 0;
            while let Some(res) = set.join_next_with_id().await {
                match res {
                    Ok((_, i)) => assert!(seen.insert(i), "task {i} joined twice"),
                    Err(e) => {
                        assert!(e.is_cancelled());
                        cancelled += 1;
                    }
                }
            }
            assert_eq!(seen.len() + cancelled, 500);
            assert!(cancelled <= aborted.len());
            for i in 0..500 {
                assert!(seen.contains(&i) || aborted.contains(&i), "task {i} lost");
            }
        }
    });
}
