//! The multi-thread runtime through its public API.
#![cfg(feature = "rt-multi-thread")]

use std::future::{pending, poll_fn, Future};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc as std_mpsc;
use std::sync::{Arc, Barrier};
use std::task::Poll;
use weft::runtime::{Builder, Runtime, RuntimeFlavor};

fn rt(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
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

#[test]
fn runtime_new_is_multi_thread() {
    let rt = Runtime::new().unwrap();
    assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::MultiThread);
    assert_eq!(
        rt.block_on(async { weft::spawn(async { 1 }).await.unwrap() }),
        1
    );
}

#[test]
fn worker_threads_zero_panics() {
    let err = std::panic::catch_unwind(|| {
        Builder::new_multi_thread().worker_threads(0);
    })
    .unwrap_err();
    assert_eq!(panic_msg(&err), "Worker threads cannot be set to 0");
}

#[test]
fn many_tasks_spawned_from_four_threads_all_complete() {
    const PER_THREAD: usize = 25_000;
    let rt = rt(2);
    let done = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let handle = rt.handle().clone();
            let done = done.clone();
            std::thread::spawn(move || {
                let joins: Vec<_> = (0..PER_THREAD)
                    .map(|_| {
                        let done = done.clone();
                        handle.spawn(async move {
                            done.fetch_add(1, Ordering::Relaxed);
                        })
                    })
                    .collect();
                handle.block_on(async {
                    for j in joins {
                        j.await.unwrap();
                    }
                });
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(done.load(Ordering::Relaxed), 4 * PER_THREAD);
}

#[test]
fn tasks_spawned_inside_run_on_both_workers() {
    let rt = rt(2);
    let barrier = Arc::new(Barrier::new(2));
    // Two tasks that each block until the other runs: only possible if both
    // workers run tasks at once.
    rt.block_on(async {
        let a = {
            let b = barrier.clone();
            weft::spawn(async move { b.wait() })
        };
        let b = {
            let b = barrier.clone();
            weft::spawn(async move { b.wait() })
        };
        a.await.unwrap();
        b.await.unwrap();
    });
}

#[test]
fn blocked_worker_has_its_queued_tasks_stolen() {
    let rt = rt(2);
    let (release_tx, release_rx) = std_mpsc::channel::<()>();
    let ran = Arc::new(AtomicUsize::new(0));
    rt.block_on(async {
        let ran2 = ran.clone();
        let blocker = weft::spawn(async move {
            // Queue work on this worker, then block it.
            let joins: Vec<_> = (0..64)
                .map(|_| {
                    let ran = ran2.clone();
                    weft::spawn(async move {
                        ran.fetch_add(1, Ordering::SeqCst);
                    })
                })
                .collect();
            release_rx.recv().unwrap();
            joins
        });
        // Wait (without blocking a worker) until the other worker ran them all.
        poll_fn(|cx| {
            if ran.load(Ordering::SeqCst) == 64 {
                Poll::Ready(())
            } else {
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        })
        .await;
        release_tx.send(()).unwrap();
        for j in blocker.await.unwrap() {
            j.await.unwrap();
        }
    });
    // The other worker got them by stealing (the LIFO task by a rescue,
    // the rest from the ring), and the metrics say so.
    let m = rt.metrics();
    let stolen: u64 = (0..2).map(|w| m.worker_steal_count(w)).sum();
    let ops: u64 = (0..2).map(|w| m.worker_steal_operations(w)).sum();
    assert!(stolen >= 1 && ops >= 1 && stolen >= ops, "{stolen} {ops}");
    assert_eq!(m.spawned_tasks_count(), 65);
    let polls: u64 = (0..2).map(|w| m.worker_poll_count(w)).sum();
    assert!(polls >= 65, "{polls}");
}

#[test]
fn worker_metrics_name_threads_and_overflows() {
    let rt = rt(1);
    let m = rt.metrics();
    let (worker_thread, overflows) = rt.block_on(async {
        weft::spawn(async {
            // More than the 256-slot ring: half of it overflows to the global queue.
            let joins: Vec<_> = (0..600).map(|_| weft::spawn(async {})).collect();
            for j in joins {
                j.await.unwrap();
            }
            let m = weft::runtime::Handle::current().metrics();
            (std::thread::current().id(), m.worker_overflow_count(0))
        })
        .await
        .unwrap()
    });
    assert_eq!(m.worker_thread_id(0), Some(worker_thread));
    assert!(overflows >= 1, "{overflows}");
    assert_eq!(m.worker_local_queue_depth(0), 0);
    drop(rt);
    assert_eq!(
        m.worker_thread_id(0),
        None,
        "no thread runs a shut-down worker"
    );
}

#[test]
fn self_waking_task_does_not_starve_others() {
    let rt = rt(1);
    let stop = Arc::new(AtomicBool::new(false));
    rt.block_on(async {
        let stop2 = stop.clone();
        let spinner = weft::spawn(poll_fn(move |cx| {
            if stop2.load(Ordering::SeqCst) {
                return Poll::Ready(());
            }
            cx.waker().wake_by_ref();
            Poll::Pending
        }));
        let other = weft::spawn(async { 7 });
        assert_eq!(other.await.unwrap(), 7);
        stop.store(true, Ordering::SeqCst);
        spinner.await.unwrap();
    });
}

#[test]
fn tasks_waking_each_other_across_workers() {
    let rt = rt(2);
    let rounds = 10_000;
    rt.block_on(async move {
        let counter = Arc::new(AtomicUsize::new(0));
        let mut joins = Vec::new();
        for _ in 0..8 {
            let c = counter.clone();
            joins.push(weft::spawn(async move {
                for _ in 0..rounds / 8 {
                    c.fetch_add(1, Ordering::Relaxed);
                    weft::task::yield_now().await;
                }
            }));
        }
        for j in joins {
            j.await.unwrap();
        }
        assert_eq!(counter.load(Ordering::Relaxed), rounds / 8 * 8);
    });
}

#[test]
fn panicking_task_does_not_take_a_worker_down() {
    let rt = rt(2);
    rt.block_on(async {
        for _ in 0..10 {
            assert!(weft::spawn(async { panic!("boom") })
                .await
                .unwrap_err()
                .is_panic());
        }
        let joins: Vec<_> = (0..100).map(|i| weft::spawn(async move { i })).collect();
        let mut sum = 0;
        for j in joins {
            sum += j.await.unwrap();
        }
        assert_eq!(sum, 4950);
    });
}

struct DropCounter(Arc<AtomicUsize>);
impl Drop for DropCounter {
    fn drop(&mut self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

#[test]
fn shutdown_with_many_tasks_in_flight_drops_each_once() {
    const N: usize = 10_000;
    let drops = Arc::new(AtomicUsize::new(0));
    let rt = rt(2);
    let handles: Vec<_> = (0..N)
        .map(|i| {
            let d = DropCounter(drops.clone());
            rt.spawn(async move {
                let _d = d;
                if i % 3 == 0 {
                    weft::task::yield_now().await;
                }
                pending::<()>().await
            })
        })
        .collect();
    drop(rt);
    assert_eq!(drops.load(Ordering::SeqCst), N);
    let rt2 = Builder::new_current_thread().build().unwrap();
    for h in handles {
        assert!(rt2.block_on(h).unwrap_err().is_cancelled());
    }
}

#[test]
fn spawn_after_shutdown_gives_cancelled_join_handle() {
    let rt = rt(1);
    let handle = rt.handle().clone();
    drop(rt);
    let join = handle.spawn(async { 1 });
    let rt2 = Builder::new_current_thread().build().unwrap();
    assert!(rt2.block_on(join).unwrap_err().is_cancelled());
}

#[test]
fn block_in_place_lets_other_tasks_run() {
    let rt = rt(2);
    rt.block_on(async {
        let (tx, rx) = std_mpsc::channel::<()>();
        let blocking = weft::spawn(async move {
            weft::task::block_in_place(|| rx.recv().unwrap());
            "unblocked"
        });
        // These tasks run although one worker thread is blocked.
        let joins: Vec<_> = (0..10).map(|i| weft::spawn(async move { i })).collect();
        for j in joins {
            j.await.unwrap();
        }
        tx.send(()).unwrap();
        assert_eq!(blocking.await.unwrap(), "unblocked");
    });
}

#[test]
fn block_in_place_on_current_thread_panics() {
    let rt = Builder::new_current_thread().build().unwrap();
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async { weft::task::block_in_place(|| ()) })
    }))
    .unwrap_err();
    assert_eq!(
        panic_msg(&err),
        "can call blocking only when running on the multi-threaded runtime"
    );
}

#[test]
fn block_in_place_outside_runtime_just_runs() {
    assert_eq!(weft::task::block_in_place(|| 3), 3);
}

#[test]
fn spawn_blocking_from_multi_thread() {
    let rt = rt(2);
    let v = rt.block_on(async { weft::task::spawn_blocking(|| 10).await.unwrap() });
    assert_eq!(v, 10);
}

#[test]
fn shutdown_timeout_returns_while_blocking_task_runs() {
    let rt = rt(1);
    let (tx, rx) = std_mpsc::channel::<()>();
    rt.spawn_blocking(move || {
        let _ = rx.recv();
    });
    rt.shutdown_timeout(std::time::Duration::from_millis(50));
    drop(tx); // lets the straggler finish
}

#[test]
fn thread_hooks_and_names() {
    let started = Arc::new(AtomicUsize::new(0));
    let stopped = Arc::new(AtomicUsize::new(0));
    let (s, st) = (started.clone(), stopped.clone());
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("weft-test-worker")
        .on_thread_start(move || {
            s.fetch_add(1, Ordering::SeqCst);
        })
        .on_thread_stop(move || {
            st.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    let name = rt.block_on(async {
        weft::spawn(async { std::thread::current().name().map(String::from) })
            .await
            .unwrap()
    });
    assert_eq!(name.as_deref(), Some("weft-test-worker"));
    assert_eq!(rt.metrics().num_workers(), 2);
    drop(rt); // waits for every runtime thread to exit
    assert!(started.load(Ordering::SeqCst) >= 2);
    assert_eq!(
        started.load(Ordering::SeqCst),
        stopped.load(Ordering::SeqCst)
    );
}

#[test]
fn panicking_hooks_do_not_wedge_the_runtime() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .on_thread_start(|| panic!("start hook"))
        .on_thread_park(|| panic!("park hook"))
        .on_thread_unpark(|| panic!("unpark hook"))
        .on_thread_stop(|| panic!("stop hook"))
        .build()
        .unwrap();
    let v = rt.block_on(async {
        let a = weft::spawn(async { 1 });
        weft::task::yield_now().await;
        let b = weft::task::spawn_blocking(|| 2);
        a.await.unwrap() + b.await.unwrap()
    });
    assert_eq!(v, 3);
    drop(rt); // shutdown completes although every hook panics
}

#[test]
fn aborting_a_queued_blocking_task_keeps_it_from_starting() {
    let rt = Builder::new_multi_thread()
        .worker_threads(1)
        .max_blocking_threads(1)
        .build()
        .unwrap();
    let (release_tx, release_rx) = std_mpsc::channel::<()>();
    let (started_tx, started_rx) = std_mpsc::channel::<()>();
    let ran = Arc::new(AtomicBool::new(false));
    let first = rt.spawn_blocking(move || {
        started_tx.send(()).unwrap();
        release_rx.recv().unwrap();
    });
    started_rx.recv().unwrap(); // the only blocking thread is now busy
    let r = ran.clone();
    let second = rt.spawn_blocking(move || r.store(true, Ordering::SeqCst));
    assert_eq!(rt.metrics().blocking_queue_depth(), 1);
    second.abort();
    release_tx.send(()).unwrap();
    rt.block_on(async {
        first.await.unwrap();
        assert!(second.await.unwrap_err().is_cancelled());
    });
    assert!(
        !ran.load(Ordering::SeqCst),
        "an aborted blocking task never starts"
    );
}

#[test]
fn worker_index_names_the_worker_and_nothing_else() {
    let rt = rt(2);
    assert_eq!(weft::runtime::worker_index(), None);
    let (on_block_on, on_worker, on_blocking) = rt.block_on(async {
        let on_worker = weft::spawn(async { weft::runtime::worker_index() })
            .await
            .unwrap();
        let on_blocking = weft::task::spawn_blocking(weft::runtime::worker_index)
            .await
            .unwrap();
        (weft::runtime::worker_index(), on_worker, on_blocking)
    });
    assert_eq!(on_block_on, None, "block_on's thread is not a worker");
    assert!(matches!(on_worker, Some(0 | 1)), "{on_worker:?}");
    assert_eq!(on_blocking, None);
}

/// A task that yielded waits in its worker's deferred list; a
/// `block_in_place` on that worker must wake it before blocking, not strand
/// it until the closure ends.
#[test]
fn block_in_place_wakes_deferred_tasks_first() {
    struct Signal(std::sync::Mutex<std_mpsc::Sender<()>>);
    impl std::task::Wake for Signal {
        fn wake(self: Arc<Self>) {
            let _ = self.0.lock().unwrap().send(());
        }
    }
    let rt = rt(1);
    let (woken_tx, woken_rx) = std_mpsc::channel();
    let jh = rt.spawn(async move {
        let waker = std::task::Waker::from(Arc::new(Signal(std::sync::Mutex::new(woken_tx))));
        let mut yielder = std::pin::pin!(weft::task::yield_now());
        let poll = yielder
            .as_mut()
            .poll(&mut std::task::Context::from_waker(&waker));
        assert!(poll.is_pending(), "yield_now defers its first poll");
        weft::task::block_in_place(|| {
            // Fails (rather than hangs) if the wake waits for the closure.
            woken_rx
                .recv_timeout(std::time::Duration::from_secs(30))
                .expect("the deferred waker is woken before the closure blocks");
        });
    });
    rt.block_on(jh).unwrap();
}

/// `Handle::block_on` may call `block_in_place`, on either flavor (as Tokio).
#[test]
fn block_in_place_inside_handle_block_on() {
    for rt in [
        rt(1),
        Builder::new_current_thread().enable_all().build().unwrap(),
    ] {
        let handle = rt.handle().clone();
        let n = handle.block_on(async {
            weft::task::block_in_place(|| {
                weft::runtime::Handle::current().block_on(async {
                    weft::task::yield_now().await;
                    7
                })
            })
        });
        assert_eq!(n, 7);
    }
}

/// A worker that never runs out of tasks still takes I/O events, one per
/// busy poll with `max_io_events_per_busy_tick(1)`.
#[cfg(all(feature = "net", feature = "io-util", feature = "time"))]
#[test]
fn busy_worker_still_takes_io_events_one_per_tick() {
    use weft::io::{AsyncReadExt, AsyncWriteExt};
    let rt = Builder::new_multi_thread()
        .worker_threads(1)
        .max_io_events_per_busy_tick(1)
        .enable_all()
        .build()
        .unwrap();
    for _ in 0..4 {
        rt.spawn(async {
            loop {
                weft::task::yield_now().await;
            }
        });
    }
    rt.block_on(async {
        let listener = weft::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        weft::spawn(async move {
            loop {
                let (mut s, _) = listener.accept().await.unwrap();
                weft::spawn(async move {
                    let mut buf = [0u8; 4];
                    while s.read_exact(&mut buf).await.is_ok() {
                        s.write_all(&buf).await.unwrap();
                    }
                });
            }
        });
        let clients: Vec<_> = (0..8)
            .map(|_| {
                weft::spawn(async move {
                    let mut s = weft::net::TcpStream::connect(addr).await.unwrap();
                    for _ in 0..8 {
                        s.write_all(b"ping").await.unwrap();
                        let mut buf = [0u8; 4];
                        s.read_exact(&mut buf).await.unwrap();
                        assert_eq!(&buf, b"ping");
                    }
                })
            })
            .collect();
        let all = async {
            for c in clients {
                c.await.unwrap();
            }
        };
        weft::time::timeout(std::time::Duration::from_secs(30), all)
            .await
            .expect("echo round trips finish");
    });
}
