//! Task dumps (`Handle::dump`, a weft extension): which tasks they list, and
//! the state, poll count and spawn location of each.
#![cfg(feature = "rt-multi-thread")]

use std::future::{pending, poll_fn};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::task::{Poll, Waker};
use std::time::{Duration, Instant};
use weft::runtime::dump::{Dump, TaskSnapshot, TaskState};
use weft::runtime::{Builder, Handle, Runtime};
use weft::task::{yield_now, Id};

fn current_thread() -> Runtime {
    Builder::new_current_thread().build().unwrap()
}

fn multi_thread() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap()
}

fn find(dump: &Dump, id: Id) -> Option<&TaskSnapshot> {
    dump.tasks().iter().find(|t| t.id() == id)
}

/// A future that stays pending, stores its waker for the test and counts its polls.
fn wakeable(slot: Arc<Mutex<Option<Waker>>>) -> impl std::future::Future<Output = ()> + Send {
    poll_fn(move |cx| {
        *slot.lock().unwrap() = Some(cx.waker().clone());
        Poll::Pending
    })
}

/// Spawns `n` tasks from one line inside the runtime, waits until each has
/// been polled once and is idle, and checks that the dump lists exactly them.
fn lists_exactly_the_spawned_idle_tasks(rt: Runtime) {
    const N: usize = 50;
    let polled = Arc::new(AtomicUsize::new(0));
    let (ids, line) = rt.block_on(async {
        let mut ids = Vec::new();
        let line = line!() + 3;
        for _ in 0..N {
            let polled = polled.clone();
            let handle = weft::spawn(async move {
                polled.fetch_add(1, Ordering::SeqCst);
                pending::<()>().await
            });
            ids.push(handle.id());
        }
        (ids, line)
    });
    // Tasks run on their own (multi-thread) or at the next block_on (current-thread).
    let deadline = Instant::now() + Duration::from_secs(10);
    let dump = loop {
        rt.block_on(yield_now());
        let dump = rt.dump();
        if polled.load(Ordering::SeqCst) == N
            && dump.tasks().iter().all(|t| t.state() == TaskState::Idle)
        {
            break dump;
        }
        assert!(Instant::now() < deadline, "tasks never settled: {dump}");
    };
    let mut seen: Vec<Id> = dump.tasks().iter().map(|t| t.id()).collect();
    seen.sort();
    let mut expected = ids.clone();
    expected.sort();
    assert_eq!(seen, expected);
    for t in dump.tasks() {
        assert_eq!(t.spawned_at().file(), file!());
        assert_eq!(t.spawned_at().line(), line, "{dump}");
        assert_eq!(t.polls(), 1);
        assert_eq!(t.name(), None);
    }
    let text = dump.to_string();
    assert!(
        text.contains(&format!("{}:{}", file!(), line)),
        "the location is printed: {text}"
    );
    assert!(text.contains(&format!("{N} tasks ({N} idle)")), "{text}");
}

#[test]
fn lists_exactly_the_spawned_idle_tasks_current_thread() {
    lists_exactly_the_spawned_idle_tasks(current_thread());
}

#[test]
fn lists_exactly_the_spawned_idle_tasks_multi_thread() {
    lists_exactly_the_spawned_idle_tasks(multi_thread());
}

#[test]
fn idle_then_scheduled_by_a_wake_then_polled_again() {
    let rt = current_thread();
    rt.block_on(async {
        let slot = Arc::new(Mutex::new(None::<Waker>));
        let task = weft::spawn(wakeable(slot.clone()));
        // Spawned, not polled yet.
        let dump = Handle::current().dump();
        assert_eq!(
            find(&dump, task.id()).unwrap().state(),
            TaskState::Scheduled
        );
        assert_eq!(find(&dump, task.id()).unwrap().polls(), 0);

        const WAKES: u32 = 7;
        yield_now().await;
        for wake in 1..=WAKES {
            let t = Handle::current().dump();
            let t = find(&t, task.id()).unwrap().clone();
            assert_eq!(t.state(), TaskState::Idle, "after poll {wake}");
            assert_eq!(t.polls(), wake);

            slot.lock().unwrap().take().unwrap().wake();
            // Woken, not polled yet: this thread is in block_on's own poll.
            let t = Handle::current().dump();
            let t = find(&t, task.id()).unwrap().clone();
            assert_eq!(t.state(), TaskState::Scheduled);
            assert_eq!(t.polls(), wake);
            yield_now().await;
        }
        let dump = Handle::current().dump();
        assert_eq!(find(&dump, task.id()).unwrap().polls(), WAKES + 1);
    });
}

#[test]
fn a_task_sees_itself_running() {
    for rt in [current_thread(), multi_thread()] {
        let state = rt.block_on(async {
            weft::spawn(async {
                let dump = Handle::current().dump();
                let me = find(&dump, weft::task::id()).unwrap();
                (me.state(), me.polls())
            })
            .await
            .unwrap()
        });
        assert_eq!(state, (TaskState::Running, 1));
    }
}

#[test]
fn a_task_blocked_in_its_poll_shows_running_from_another_thread() {
    let rt = multi_thread();
    let (entered_tx, entered_rx) = mpsc::channel::<()>();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let task = rt.spawn(async move {
        entered_tx.send(()).unwrap();
        release_rx.recv().unwrap();
    });
    entered_rx.recv().unwrap();
    let dump = rt.dump();
    let t = find(&dump, task.id()).unwrap();
    assert_eq!(t.state(), TaskState::Running);
    assert_eq!(t.polls(), 1);
    release_tx.send(()).unwrap();
    rt.block_on(task).unwrap();
}

#[test]
fn completed_and_aborted_tasks_disappear() {
    for rt in [current_thread(), multi_thread()] {
        rt.block_on(async {
            let done = weft::spawn(async {});
            let aborted = weft::spawn(pending::<()>());
            let kept = weft::spawn(pending::<()>());
            done.await.unwrap();
            aborted.abort();
            assert!(aborted.await.unwrap_err().is_cancelled());
            // A completed task leaves the list just after waking its
            // JoinHandle: on the multi-thread runtime the awaiting thread may
            // get there first, so wait (without sleeping) for the worker.
            let deadline = Instant::now() + Duration::from_secs(10);
            loop {
                let dump = Handle::current().dump();
                let ids: Vec<Id> = dump.tasks().iter().map(|t| t.id()).collect();
                if ids == [kept.id()] {
                    break;
                }
                assert!(Instant::now() < deadline, "{dump}");
                yield_now().await;
            }
        });
    }
}

#[test]
fn an_aborted_idle_task_shows_cancelled_until_its_scheduler_drops_it() {
    let rt = current_thread();
    rt.block_on(async {
        let task = weft::spawn(pending::<()>());
        yield_now().await;
        assert_eq!(
            find(&Handle::current().dump(), task.id()).unwrap().state(),
            TaskState::Idle
        );
        task.abort();
        // Queued for cancellation on this thread, which is busy right here.
        assert_eq!(
            find(&Handle::current().dump(), task.id()).unwrap().state(),
            TaskState::Cancelled
        );
        assert!(task.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn ten_thousand_tasks_print_in_a_few_lines() {
    let rt = current_thread();
    for _ in 0..10_000 {
        rt.spawn(pending::<()>());
    }
    rt.spawn(async {});
    let dump = rt.dump();
    assert_eq!(dump.tasks().len(), 10_001);
    let text = dump.to_string();
    assert!(text.lines().count() <= 12, "{text}");
    assert!(text.starts_with("10001 tasks\n"), "{text}");
    assert!(text.contains(": 10000 tasks (10000 scheduled)\n"), "{text}");
    assert!(text.contains(": 1 task (1 scheduled)\n"), "{text}");
    assert_eq!(format!("{dump:#}").lines().count(), 1 + 2 + 10_001);
}

#[test]
fn blocking_tasks_are_not_listed() {
    let rt = current_thread();
    let (release_tx, release_rx) = mpsc::channel::<()>();
    let blocking = rt.spawn_blocking(move || release_rx.recv().unwrap());
    assert!(rt.dump().tasks().is_empty());
    release_tx.send(()).unwrap();
    rt.block_on(blocking).unwrap();
}
