//! `yield_now` and the cooperative budget, on both runtimes.
#![cfg(feature = "rt")]

use futures::FutureExt;
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use weft::runtime::{Builder, Runtime};
use weft::task;

fn current_thread() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

#[cfg(feature = "rt-multi-thread")]
fn multi_thread(workers: usize) -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn yield_now_outside_a_runtime_wakes_at_once() {
    let mut fut = Box::pin(task::yield_now());
    let woken = Arc::new(AtomicBool::new(false));
    struct Flag(Arc<AtomicBool>);
    impl std::task::Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let waker = std::task::Waker::from(Arc::new(Flag(woken.clone())));
    let mut cx = std::task::Context::from_waker(&waker);
    assert!(fut.as_mut().poll(&mut cx).is_pending());
    assert!(woken.load(Ordering::SeqCst));
    assert!(fut.as_mut().poll(&mut cx).is_ready());
}

/// The yielding task goes behind the other ready tasks.
#[test]
fn yield_now_lets_other_ready_tasks_run_first_current_thread() {
    let rt = current_thread();
    rt.block_on(async {
        let order = Arc::new(Mutex::new(Vec::new()));
        let o = order.clone();
        let a = weft::spawn(async move {
            o.lock().unwrap().push("a1");
            task::yield_now().await;
            o.lock().unwrap().push("a2");
        });
        let o = order.clone();
        let b = weft::spawn(async move {
            o.lock().unwrap().push("b");
        });
        a.await.unwrap();
        b.await.unwrap();
        assert_eq!(*order.lock().unwrap(), vec!["a1", "b", "a2"]);
    });
}

/// A task aborted while its yield waits for the scheduler's next driver
/// poll is cancelled then, without being polled again.
#[test]
fn abort_while_a_yield_waits_cancels_the_task() {
    let rt = current_thread();
    rt.block_on(async {
        let polls = Arc::new(AtomicUsize::new(0));
        let p = polls.clone();
        let a = weft::spawn(async move {
            loop {
                p.fetch_add(1, Ordering::SeqCst);
                task::yield_now().await;
            }
        });
        // Runs right after `a`'s first poll, while `a` waits for the driver.
        let abort = a.abort_handle();
        let b = weft::spawn(async move { abort.abort() });
        let err = a.await.unwrap_err();
        assert!(err.is_cancelled());
        b.await.unwrap();
        assert_eq!(polls.load(Ordering::SeqCst), 1);
    });
}

/// On one worker of the multi-thread runtime the yielding task also runs
/// again only after the other ready task (which may run first of all: a
/// task spawned by a task goes to the LIFO slot).
#[cfg(feature = "rt-multi-thread")]
#[test]
fn yield_now_lets_other_ready_tasks_run_first_multi_thread() {
    let rt = multi_thread(1);
    let order = rt.block_on(async {
        weft::spawn(async {
            let order = Arc::new(Mutex::new(Vec::new()));
            let o = order.clone();
            let a = weft::spawn(async move {
                o.lock().unwrap().push("a1");
                task::yield_now().await;
                o.lock().unwrap().push("a2");
            });
            let o = order.clone();
            let b = weft::spawn(async move {
                o.lock().unwrap().push("b");
            });
            a.await.unwrap();
            b.await.unwrap();
            let v = order.lock().unwrap().clone();
            v
        })
        .await
        .unwrap()
    });
    assert_eq!(order.len(), 3);
    assert_eq!(order[2], "a2", "{order:?}");
}

/// A task that yields in a loop does not starve the others, on either runtime.
#[cfg(feature = "rt-multi-thread")]
#[test]
fn yielding_loop_does_not_starve() {
    for rt in [current_thread(), multi_thread(1), multi_thread(2)] {
        rt.block_on(async {
            let stop = Arc::new(AtomicBool::new(false));
            let s = stop.clone();
            let spinner = weft::spawn(async move {
                let mut n = 0u64;
                while !s.load(Ordering::SeqCst) {
                    task::yield_now().await;
                    n += 1;
                }
                n
            });
            let other = weft::spawn(async { 5 });
            assert_eq!(other.await.unwrap(), 5);
            stop.store(true, Ordering::SeqCst);
            spinner.await.unwrap();
        });
    }
}

/// `yield_now` inside `block_in_place` with another executor completes
/// (the deferred wake is not left on the worker that gave its core away).
#[cfg(feature = "rt-multi-thread")]
#[test]
fn yield_now_in_block_in_place_with_another_executor() {
    let rt = multi_thread(2);
    rt.block_on(async {
        weft::spawn(async {
            task::block_in_place(|| futures::executor::block_on(task::yield_now()));
        })
        .await
        .unwrap();
    });
}

/// The starvation test: a task looping over an always-ready weft resource
/// (the JoinHandle of a finished task, polled again and again through
/// `coop::cooperative`, and `consume_budget`) does not starve a second task
/// on the same current-thread runtime.
#[test]
fn busy_loop_over_ready_resources_does_not_starve_a_second_task() {
    let rt = current_thread();
    rt.block_on(async {
        let other_ran = Arc::new(AtomicBool::new(false));
        let flag = other_ran.clone();
        let busy = weft::spawn(async move {
            let mut spins = 0u64;
            // `consume_budget` is always ready until the budget is spent.
            while !flag.load(Ordering::SeqCst) {
                task::consume_budget().await;
                spins += 1;
            }
            spins
        });
        let o = other_ran.clone();
        weft::spawn(async move { o.store(true, Ordering::SeqCst) });
        let spins = busy.await.unwrap();
        assert!(other_ran.load(Ordering::SeqCst));
        assert!(spins >= 1);
    });
}

/// The same with JoinHandles: a task awaiting 10k finished JoinHandles in
/// a row (each one ready at once) yields every 128 of them, so a task
/// spawned meanwhile runs long before the loop ends.
#[test]
fn busy_loop_over_finished_join_handles_does_not_starve() {
    let rt = current_thread();
    rt.block_on(async {
        const N: usize = 10_000;
        let handles: Vec<_> = (0..N).map(|i| weft::spawn(async move { i })).collect();
        while !handles.iter().all(|h| h.is_finished()) {
            task::yield_now().await;
        }
        let other_ran = Arc::new(AtomicBool::new(false));
        let flag = other_ran.clone();
        let busy = weft::spawn(async move {
            let mut first_seen = None;
            for (i, h) in handles.into_iter().enumerate() {
                assert_eq!(h.await.unwrap(), i);
                if first_seen.is_none() && flag.load(Ordering::SeqCst) {
                    first_seen = Some(i);
                }
            }
            first_seen
        });
        let o = other_ran.clone();
        weft::spawn(async move { o.store(true, Ordering::SeqCst) });
        let first_seen = busy.await.unwrap();
        let i = first_seen.expect("the second task only ran after the busy loop");
        assert!(
            i <= 2 * 128,
            "the second task waited for {i} ready JoinHandles"
        );
    });
}

/// The starvation test: a task looping over an always-ready weft
/// channel (it feeds itself) does not starve a timer or a second task on
/// the same current-thread runtime.
#[cfg(all(feature = "sync", feature = "time"))]
#[cfg(all(feature = "sync", feature = "time"))]
#[test]
fn busy_loop_over_a_ready_channel_does_not_starve_a_timer_or_a_task() {
    let rt = current_thread();
    rt.block_on(async {
        let (tx, mut rx) = weft::sync::mpsc::unbounded_channel::<u64>();
        let stop = Arc::new(AtomicBool::new(false));
        let s = stop.clone();
        let busy = weft::spawn(async move {
            tx.send(0).unwrap();
            let mut n = 0;
            while !s.load(Ordering::SeqCst) {
                // Always ready: there is always one message in the channel.
                let v = rx.recv().await.unwrap();
                tx.send(v + 1).unwrap();
                n += 1;
            }
            n
        });
        let timer = weft::spawn(async {
            weft::time::sleep(std::time::Duration::from_millis(5)).await;
            "timer fired"
        });
        assert_eq!(timer.await.unwrap(), "timer fired");
        assert_eq!(weft::spawn(async { 7 }).await.unwrap(), 7);
        stop.store(true, Ordering::SeqCst);
        assert!(busy.await.unwrap() > 0);
    });
}

/// Each poll of a task starts with a fresh budget of 128 units, and the
/// 129th ready resource in one poll returns Pending.
#[test]
fn budget_is_128_units_per_poll() {
    let rt = current_thread();
    rt.block_on(async {
        let n = weft::spawn(async {
            let mut n = 0;
            loop {
                // `now_or_never` polls once: Pending means the budget ran out.
                match task::consume_budget().now_or_never() {
                    Some(()) => n += 1,
                    None => return n,
                }
            }
        })
        .await
        .unwrap();
        assert_eq!(n, 128);
        assert!(task::coop::has_budget_remaining());
    });
}

#[test]
fn unconstrained_never_yields() {
    let rt = current_thread();
    rt.block_on(async {
        let n = weft::spawn(task::unconstrained(async {
            for _ in 0..10_000 {
                if task::consume_budget().now_or_never().is_none() {
                    return false;
                }
            }
            true
        }))
        .await
        .unwrap();
        assert!(n);
    });
}

/// A JoinHandle spends budget: awaiting many finished handles in one poll
/// eventually yields.
#[test]
fn join_handle_consumes_budget() {
    let rt = current_thread();
    rt.block_on(async {
        let handles: Vec<_> = (0..300).map(|i| weft::spawn(async move { i })).collect();
        task::yield_now().await; // all finish
        let pendings = Rc::new(RefCell::new(0));
        let mut handles = handles.into_iter();
        let mut sum = 0;
        let mut current = handles.next();
        while let Some(mut h) = current.take() {
            match futures::poll!(&mut h) {
                Poll::Ready(v) => {
                    sum += v.unwrap();
                    current = handles.next();
                }
                Poll::Pending => {
                    *pendings.borrow_mut() += 1;
                    task::yield_now().await;
                    current = Some(h);
                }
            }
        }
        assert_eq!(sum, (0..300).sum::<i32>());
        assert!(
            *pendings.borrow() >= 1,
            "JoinHandle never ran out of budget"
        );
    });
}

#[cfg(feature = "rt-multi-thread")]
#[test]
fn ready_resources_counted_across_tasks() {
    // Many tasks each doing a little work all complete.
    let rt = multi_thread(2);
    let count = Arc::new(AtomicUsize::new(0));
    rt.block_on(async {
        let mut set = task::JoinSet::new();
        for _ in 0..100 {
            let c = count.clone();
            set.spawn(async move {
                for _ in 0..500 {
                    task::consume_budget().await;
                }
                c.fetch_add(1, Ordering::SeqCst);
            });
        }
        while set.join_next().await.is_some() {}
    });
    assert_eq!(count.load(Ordering::SeqCst), 100);
}
