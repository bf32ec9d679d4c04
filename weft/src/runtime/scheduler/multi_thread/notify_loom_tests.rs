//! Loom model of the notify protocol (mod.rs, steps 1 to 3): two workers
//! go to sleep while a task arrives from outside; the task must run.
//!
//! The workers follow the real transitions of `Idle` and the real
//! `Parker`, in the order `worker::Context::run` and `park` use them; the
//! inject queue is reduced to a counter.

use super::idle::Idle;
use super::park::{Parker, SharedDriver, Unparker};
use crate::loom::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::Arc;
use crate::loom::thread;
use crate::runtime::driver::{self, Driver};
use std::time::Duration;

struct World {
    idle: Idle,
    work: AtomicUsize,
    done: AtomicBool,
    unparkers: Vec<Unparker>,
    driver: Arc<driver::Handle>,
}

impl World {
    fn take_work(&self) -> bool {
        self.work
            .fetch_update(SeqCst, SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }

    /// `Handle::notify_parked`.
    fn notify(&self) {
        if let Some(i) = self.idle.worker_to_notify() {
            self.unparkers[i].unpark(&self.driver);
        }
    }

    /// The task ran: end the model by waking everybody.
    fn finish(&self) {
        self.done.store(true, SeqCst);
        for u in &self.unparkers {
            u.unpark(&self.driver);
        }
    }
}

/// `spin`: how long the worker polls the driver before sleeping in it
/// (`worker::Context::park_timeout`; loom checks twice, with a yield).
fn worker(world: Arc<World>, index: usize, mut park: Parker, spin: Duration) {
    let mut searching = false;
    loop {
        if world.done.load(SeqCst) {
            return;
        }
        // next_task, then steal_work (searching first).
        let mut found = world.take_work();
        if !found {
            if !searching {
                searching = world.idle.transition_worker_to_searching();
            }
            found = searching && world.take_work();
        }
        if found {
            if searching && world.idle.transition_worker_from_searching() {
                world.notify(); // step 2
            }
            world.finish();
            return;
        }
        // park: transition_to_parked, then sleep until notified.
        // (`searching` is not reset here as the worker does: every way out
        // of the loop below either returns or sets it.)
        let last = world.idle.transition_worker_to_parked(index, searching);
        if last && world.work.load(SeqCst) > 0 {
            world.notify(); // step 3
        }
        loop {
            if world.done.load(SeqCst) {
                return;
            }
            park.park(&world.driver, spin, || false);
            if world.done.load(SeqCst) {
                return;
            }
            if !world.idle.is_parked(index) {
                searching = true; // notified: the notifier counted us searching
                break;
            }
        }
    }
}

#[test]
fn task_from_outside_while_both_workers_go_to_sleep_runs() {
    model(Duration::ZERO);
}

/// The same with worker 0 polling the driver before it sleeps: a notify
/// that lands while it spins must end the spin (or its sleep).
#[test]
fn task_from_outside_while_one_worker_spins_in_the_driver_runs() {
    model(Duration::from_micros(1));
}

fn model(spin: Duration) {
    loom::model(move || {
        let (driver, handle) = Driver::new(&driver::Cfg::bare()).unwrap();
        let shared = Arc::new(SharedDriver::new(driver));
        let parkers: Vec<Parker> = (0..2).map(|_| Parker::new(shared.clone())).collect();
        let world = Arc::new(World {
            idle: Idle::new(2),
            work: AtomicUsize::new(0),
            done: AtomicBool::new(false),
            unparkers: parkers.iter().map(Parker::unparker).collect(),
            driver: Arc::new(handle),
        });
        let workers: Vec<_> = parkers
            .into_iter()
            .enumerate()
            .map(|(i, park)| {
                let world = world.clone();
                let spin = if i == 0 { spin } else { Duration::ZERO };
                thread::spawn(move || worker(world, i, park, spin))
            })
            .collect();
        // Step 1, from outside: push, then notify.
        world.work.fetch_add(1, SeqCst);
        world.notify();
        for w in workers {
            w.join().unwrap();
        }
        assert!(world.done.load(SeqCst), "the task ran");
    });
}
