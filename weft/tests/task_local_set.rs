//! `LocalSet` and `spawn_local` through the public API.
#![cfg(feature = "rt")]

use futures::channel::oneshot;
use std::cell::{Cell, RefCell};
use std::future::pending;
use std::marker::PhantomData;
use std::rc::Rc;
use std::thread::ThreadId;
use weft::runtime::{Builder, Runtime};
use weft::task::{self, LocalSet};

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

fn panic_msg(err: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = err.downcast_ref::<String>() {
        return s.clone();
    }
    err.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .unwrap_or_default()
}

/// Panics if dropped on another thread than the one that created it.
struct DropCheck {
    created_on: ThreadId,
    _not_send: PhantomData<*const ()>,
}

impl DropCheck {
    fn new() -> DropCheck {
        DropCheck {
            created_on: std::thread::current().id(),
            _not_send: PhantomData,
        }
    }
}

impl Drop for DropCheck {
    fn drop(&mut self) {
        assert_eq!(
            std::thread::current().id(),
            self.created_on,
            "non-Send value dropped on another thread"
        );
    }
}

/// 1,000 local tasks share `Rc` state; every one of them runs, on this thread.
fn rc_state_shared_by_many_tasks(rt: &Runtime) {
    let local = LocalSet::new();
    let counter = Rc::new(Cell::new(0usize));
    let log = Rc::new(RefCell::new(Vec::new()));
    let me = std::thread::current().id();
    local.block_on(rt, async {
        let mut joins = Vec::new();
        for i in 0..1000usize {
            let counter = counter.clone();
            let log = log.clone();
            joins.push(task::spawn_local(async move {
                assert_eq!(std::thread::current().id(), me);
                if i % 2 == 0 {
                    task::yield_now().await;
                }
                counter.set(counter.get() + 1);
                log.borrow_mut().push(i);
                i
            }));
        }
        let mut sum = 0;
        for join in joins {
            sum += join.await.unwrap();
        }
        assert_eq!(sum, 999 * 1000 / 2);
    });
    assert_eq!(counter.get(), 1000);
    let mut log = log.borrow().clone();
    log.sort();
    assert_eq!(log, (0..1000).collect::<Vec<_>>());
    assert_eq!(Rc::strong_count(&counter), 1, "every task was dropped");
}

#[test]
fn rc_state_shared_by_1000_tasks_current_thread() {
    rc_state_shared_by_many_tasks(&current_thread());
}

#[cfg(feature = "rt-multi-thread")]
#[test]
fn rc_state_shared_by_1000_tasks_inside_multi_thread_block_on() {
    rc_state_shared_by_many_tasks(&multi_thread());
}

/// Local tasks wait on Send tasks running on the multi-thread workers: the
/// wakes come from other threads (remote queue).
#[cfg(feature = "rt-multi-thread")]
#[test]
fn local_tasks_woken_from_worker_threads() {
    let rt = multi_thread();
    let local = LocalSet::new();
    local.block_on(&rt, async {
        let state = Rc::new(Cell::new(0));
        let mut joins = Vec::new();
        for i in 0..100u32 {
            let state = state.clone();
            joins.push(task::spawn_local(async move {
                let v = weft::spawn(async move {
                    task::yield_now().await;
                    i * 2
                })
                .await
                .unwrap();
                state.set(state.get() + v);
            }));
        }
        for join in joins {
            join.await.unwrap();
        }
        assert_eq!(state.get(), (0..100).map(|i| i * 2).sum::<u32>());
    });
}

#[test]
fn woken_from_a_plain_thread() {
    let rt = current_thread();
    let local = LocalSet::new();
    let (tx, rx) = oneshot::channel::<u32>();
    let t = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(5));
        tx.send(9).unwrap();
    });
    let v = local.block_on(&rt, async {
        let check = DropCheck::new();
        task::spawn_local(async move {
            let v = rx.await.unwrap();
            drop(check);
            v
        })
        .await
        .unwrap()
    });
    assert_eq!(v, 9);
    t.join().unwrap();
}

#[test]
fn spawn_local_outside_a_local_set_panics() {
    let err = std::panic::catch_unwind(|| {
        task::spawn_local(async {});
    })
    .unwrap_err();
    assert_eq!(
        panic_msg(&err),
        "`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`"
    );
    // Inside a runtime but outside a LocalSet, too.
    let rt = current_thread();
    let err = rt
        .block_on(async {
            weft::spawn(async {
                drop(task::spawn_local(async {}));
            })
            .await
        })
        .unwrap_err();
    assert!(err.is_panic());
    assert!(panic_msg(&err.into_panic()).starts_with("`spawn_local` called from outside"));
}

#[test]
fn awaiting_the_set_runs_every_task() {
    let rt = current_thread();
    let local = LocalSet::new();
    let done = Rc::new(Cell::new(0));
    for _ in 0..10 {
        let done = done.clone();
        local.spawn_local(async move {
            task::yield_now().await;
            // A nested spawn is part of the set too.
            let done2 = done.clone();
            task::spawn_local(async move { done2.set(done2.get() + 1) });
            done.set(done.get() + 1);
        });
    }
    rt.block_on(local);
    assert_eq!(done.get(), 20);
}

#[test]
fn run_until_leaves_unfinished_tasks_in_the_set() {
    let rt = current_thread();
    let local = LocalSet::new();
    let (tx, rx) = oneshot::channel::<()>();
    let flag = Rc::new(Cell::new(false));
    let f = flag.clone();
    local.spawn_local(async move {
        rx.await.unwrap();
        f.set(true);
    });
    local.block_on(&rt, async { task::yield_now().await });
    assert!(!flag.get());
    tx.send(()).unwrap();
    rt.block_on(local);
    assert!(flag.get());
}

#[test]
fn dropping_the_set_drops_its_futures_on_its_thread() {
    let rt = current_thread();
    let local = LocalSet::new();
    let (tx, rx) = oneshot::channel::<()>();
    let started = Rc::new(Cell::new(false));
    let s = started.clone();
    let check = DropCheck::new();
    let join = local.spawn_local(async move {
        s.set(true);
        let _check = check;
        let _tx = tx;
        pending::<()>().await;
    });
    local.block_on(&rt, async { task::yield_now().await });
    assert!(started.get());
    drop(local);
    // The future (and its sender) is gone: the receiver sees it.
    assert!(futures::executor::block_on(rx).is_err());
    assert!(rt.block_on(join).unwrap_err().is_cancelled());
}

/// A suspended local task aborted from another thread is cancelled on the
/// set's thread (tokio#3929).
#[test]
fn remote_abort_drops_the_future_on_the_owner_thread() {
    let rt = current_thread();
    let local = LocalSet::new();
    let check = DropCheck::new();
    let join = local.spawn_local(async move {
        pending::<()>().await;
        drop(check);
    });
    let abort = join.abort_handle();
    let t = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(10));
        abort.abort();
    });
    rt.block_on(&mut Box::pin(local));
    t.join().unwrap();
    assert!(rt.block_on(join).unwrap_err().is_cancelled());
}

#[test]
fn enter_makes_spawn_local_work() {
    let rt = current_thread();
    let local = LocalSet::new();
    let join = {
        let _guard = local.enter();
        task::spawn_local(async { Rc::new(3) })
    };
    // Outside the guard spawn_local panics again.
    assert!(std::panic::catch_unwind(|| task::spawn_local(async {})).is_err());
    let v = local.block_on(&rt, join).unwrap();
    assert_eq!(*v, 3);
}

#[test]
fn nested_local_sets_spawn_onto_the_innermost() {
    let rt = current_thread();
    let outer = LocalSet::new();
    outer.block_on(&rt, async {
        let inner = LocalSet::new();
        let inner_ran = inner
            .run_until(async { task::spawn_local(async { 1 }).await.unwrap() })
            .await;
        assert_eq!(inner_ran, 1);
        // Back in the outer set.
        assert_eq!(task::spawn_local(async { 2 }).await.unwrap(), 2);
    });
}

#[test]
fn local_task_panic_is_reported_to_its_join_handle() {
    let rt = current_thread();
    let local = LocalSet::new();
    local.block_on(&rt, async {
        let err = task::spawn_local(async { panic!("local boom") })
            .await
            .unwrap_err();
        assert!(err.is_panic());
        assert_eq!(panic_msg(&err.into_panic()), "local boom");
        // The set keeps working.
        assert_eq!(task::spawn_local(async { 1 }).await.unwrap(), 1);
    });
}

#[test]
fn task_ids_and_local_tasks() {
    let rt = current_thread();
    let local = LocalSet::new();
    local.block_on(&rt, async {
        let join = task::spawn_local(async { task::id() });
        let id = join.id();
        assert_eq!(join.await.unwrap(), id);
    });
}

#[test]
fn local_set_is_default_and_debug() {
    let local = LocalSet::default();
    assert_eq!(format!("{local:?}"), "LocalSet");
    let guard = local.enter();
    assert_eq!(format!("{guard:?}"), "LocalEnterGuard");
}

#[test]
fn yield_now_in_local_tasks_lets_others_run() {
    let rt = current_thread();
    let local = LocalSet::new();
    local.block_on(&rt, async {
        let order = Rc::new(RefCell::new(Vec::new()));
        let o1 = order.clone();
        let a = task::spawn_local(async move {
            o1.borrow_mut().push("a1");
            task::yield_now().await;
            o1.borrow_mut().push("a2");
        });
        let o2 = order.clone();
        let b = task::spawn_local(async move {
            o2.borrow_mut().push("b1");
        });
        a.await.unwrap();
        b.await.unwrap();
        assert_eq!(*order.borrow(), vec!["a1", "b1", "a2"]);
    });
}

mod local_runtime {
    use super::*;
    use weft::runtime::{LocalOptions, LocalRuntime};

    #[test]
    fn spawn_local_from_block_on_and_from_tasks() {
        let rt = LocalRuntime::new().unwrap();
        let rc = Rc::new(Cell::new(0));
        let r = rc.clone();
        rt.block_on(async move {
            let r2 = r.clone();
            task::spawn_local(async move { r2.set(r2.get() + 1) })
                .await
                .unwrap();
            // A Send task of the runtime can spawn local tasks too.
            weft::spawn(async { task::spawn_local(async { 1 }).await.unwrap() })
                .await
                .unwrap();
            r.set(r.get() + 1);
        });
        assert_eq!(rc.get(), 2);
    }

    #[test]
    fn spawn_local_on_the_runtime_runs_in_block_on() {
        let rt = weft::runtime::Builder::new_current_thread()
            .enable_all()
            .build_local(LocalOptions::default())
            .unwrap();
        let check = DropCheck::new();
        let join = rt.spawn_local(async move {
            drop(check);
            Rc::new(8)
        });
        assert_eq!(*rt.block_on(join).unwrap(), 8);
    }

    #[test]
    fn dropping_the_runtime_cancels_local_tasks_on_its_thread() {
        let rt = LocalRuntime::new().unwrap();
        let (tx, rx) = oneshot::channel::<()>();
        let check = DropCheck::new();
        rt.spawn_local(async move {
            let _check = check;
            let _tx = tx;
            pending::<()>().await;
        });
        rt.block_on(async { task::yield_now().await });
        drop(rt);
        assert!(futures::executor::block_on(rx).is_err());
    }

    #[cfg(feature = "rt-multi-thread")]
    #[test]
    fn multi_thread_builder_cannot_build_local() {
        let err = std::panic::catch_unwind(|| {
            let _ = weft::runtime::Builder::new_multi_thread().build_local(LocalOptions::default());
        })
        .unwrap_err();
        assert_eq!(
            panic_msg(&err),
            "multi_thread is not supported for LocalRuntime"
        );
    }

    #[test]
    fn spawn_local_under_the_enter_guard() {
        let rt = LocalRuntime::new().unwrap();
        let (tx, rx) = oneshot::channel();
        let _guard = rt.enter();
        task::spawn_local(async move {
            task::yield_now().await;
            tx.send(5).unwrap();
        });
        assert_eq!(rt.block_on(async move { rx.await.unwrap() }), 5);
    }

    #[test]
    fn spawn_local_under_its_handle_on_another_thread_panics() {
        let rt = LocalRuntime::new().unwrap();
        let handle = rt.handle().clone();
        let err = std::thread::spawn(move || {
            let _guard = handle.enter();
            std::panic::catch_unwind(|| drop(task::spawn_local(async {}))).unwrap_err()
        })
        .join()
        .unwrap();
        assert_eq!(
            panic_msg(&err),
            "Local tasks can only be spawned on a LocalRuntime from the thread the runtime was created on"
        );
    }

    #[cfg(feature = "macros")]
    #[weft::test(flavor = "local")]
    async fn local_flavor_test_attribute() {
        let rc = Rc::new(2);
        let r = rc.clone();
        assert_eq!(task::spawn_local(async move { *r }).await.unwrap(), 2);
    }
}

/// A runtime and a LocalSet kept in a thread-local are dropped during
/// thread-local destruction, possibly after weft's own context is gone.
#[test]
fn local_set_and_runtime_in_a_thread_local() {
    struct RtAndLocalSet {
        rt: Runtime,
        local: LocalSet,
    }
    thread_local! {
        static CURRENT: RtAndLocalSet = RtAndLocalSet {
            rt: current_thread(),
            local: LocalSet::new(),
        };
    }
    std::thread::spawn(|| {
        CURRENT.with(|c| {
            c.rt.block_on(c.local.run_until(async {
                task::spawn_local(async {});
            }))
        });
    })
    .join()
    .unwrap();
}
