//! Blocked-worker detection (`Builder::on_worker_blocked`, a weft extension):
//! a task that blocks its worker inside `poll` is reported once, with its id
//! and spawn location; a runtime without the hook starts no monitor.
#![cfg(feature = "rt-multi-thread")]

use std::sync::mpsc;
use std::time::Duration;
use weft::runtime::{BlockedWorker, Builder, Runtime};

const THRESHOLD: Duration = Duration::from_millis(30);

/// A runtime whose hook sends every report on the returned channel.
fn watched(builder: &mut Builder) -> (Runtime, mpsc::Receiver<BlockedWorker>) {
    let (tx, rx) = mpsc::channel();
    let rt = builder
        .on_worker_blocked(THRESHOLD, move |b| {
            let _ = tx.send(b.clone());
        })
        .build()
        .unwrap();
    (rt, rx)
}

/// A future that blocks its thread in `recv` until the test sends.
async fn blocking_task(release: mpsc::Receiver<()>) {
    release.recv().unwrap()
}

#[test]
fn multi_thread_reports_each_blocking_poll_once() {
    let (rt, reports) = watched(Builder::new_multi_thread().worker_threads(2));

    let (release1, rx1) = mpsc::channel();
    let line1 = line!() + 1;
    let first = rt.spawn(blocking_task(rx1));
    let report = reports.recv().unwrap();
    assert_eq!(report.task_id(), first.id());
    assert_eq!(
        (report.spawned_at().file(), report.spawned_at().line()),
        (file!(), line1)
    );
    assert!(report.worker_index() < 2);
    assert!(report.blocked_for() >= THRESHOLD, "{report}");
    let first_worker = report.worker_index();

    // While the first task still blocks its worker, block the other one
    // too. Its report comes at least one threshold later, so the monitor
    // sampled the first worker again meanwhile: a repeated report of the
    // first poll would arrive before the second report.
    let (release2, rx2) = mpsc::channel();
    let line2 = line!() + 1;
    let second = rt.spawn(blocking_task(rx2));
    let report = reports.recv().unwrap();
    assert_eq!(report.task_id(), second.id(), "first poll reported twice?");
    assert_eq!(report.spawned_at().line(), line2);
    assert_ne!(report.worker_index(), first_worker);

    release1.send(()).unwrap();
    release2.send(()).unwrap();
    rt.block_on(first).unwrap();
    rt.block_on(second).unwrap();
    // Shutting down stops the monitor and drops the hook (and its sender).
    drop(rt);
    let rest: Vec<_> = reports.iter().collect();
    assert!(rest.is_empty(), "unexpected reports: {rest:?}");
}

#[test]
fn current_thread_reports_a_blocking_poll() {
    let (rt, reports) = watched(&mut Builder::new_current_thread());
    let (release, rx) = mpsc::channel();
    let line = line!() + 1;
    let task = rt.spawn(blocking_task(rx));
    let id = task.id();
    // This thread runs the task (inside block_on); another releases it once reported.
    let releaser = std::thread::spawn(move || {
        let report = reports.recv().unwrap();
        release.send(()).unwrap();
        (report, reports)
    });
    rt.block_on(task).unwrap();
    let (report, reports) = releaser.join().unwrap();
    assert_eq!(report.task_id(), id);
    assert_eq!(report.worker_index(), 0);
    assert_eq!(report.spawned_at().line(), line);
    assert!(
        report.to_string().contains(&format!("task {id}")),
        "{report}"
    );
    drop(rt);
    assert_eq!(reports.iter().count(), 0, "reported more than once");
}

#[test]
fn the_monitor_thread_exists_only_with_the_hook() {
    let plain = Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    assert_eq!(plain.metrics().num_blocking_threads(), 0);
    let plain_ct = Builder::new_current_thread().build().unwrap();
    assert_eq!(plain_ct.metrics().num_blocking_threads(), 0);

    let (rt, _reports) = watched(Builder::new_multi_thread().worker_threads(2));
    assert_eq!(rt.metrics().num_blocking_threads(), 1);
    let (ct, _reports) = watched(&mut Builder::new_current_thread());
    assert_eq!(ct.metrics().num_blocking_threads(), 1);
}

#[test]
fn block_in_place_is_not_reported() {
    let (rt, reports) = watched(Builder::new_multi_thread().worker_threads(2));
    let (entered_tx, entered) = mpsc::channel::<()>();
    let (release, rx) = mpsc::channel::<()>();
    let in_place = rt.spawn(async move {
        weft::task::block_in_place(|| {
            entered_tx.send(()).unwrap();
            rx.recv().unwrap()
        });
    });
    entered.recv().unwrap();
    // A blocking poll that starts after the block_in_place began: a report
    // of the block_in_place would come in the same sampling round or earlier.
    let (release2, rx2) = mpsc::channel();
    let blocking = rt.spawn(blocking_task(rx2));
    let report = reports.recv().unwrap();
    assert_eq!(report.task_id(), blocking.id());
    release.send(()).unwrap();
    release2.send(()).unwrap();
    rt.block_on(in_place).unwrap();
    rt.block_on(blocking).unwrap();
    drop(rt);
    let rest: Vec<_> = reports.iter().collect();
    assert!(rest.is_empty(), "unexpected reports: {rest:?}");
}

#[test]
#[should_panic(expected = "on_worker_blocked: the threshold must be greater than zero")]
fn zero_threshold_panics() {
    Builder::new_current_thread().on_worker_blocked(Duration::ZERO, |_| {});
}

#[test]
fn a_panicking_hook_does_not_stop_the_monitor() {
    let (tx, reports) = mpsc::channel();
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .on_worker_blocked(THRESHOLD, move |b| {
            let _ = tx.send(b.task_id());
            panic!("hook panics on purpose");
        })
        .build()
        .unwrap();
    let (release1, rx1) = mpsc::channel();
    let first = rt.spawn(blocking_task(rx1));
    assert_eq!(reports.recv().unwrap(), first.id());
    let (release2, rx2) = mpsc::channel();
    let second = rt.spawn(blocking_task(rx2));
    assert_eq!(reports.recv().unwrap(), second.id());
    release1.send(()).unwrap();
    release2.send(()).unwrap();
    rt.block_on(first).unwrap();
    rt.block_on(second).unwrap();
}
