//! Loom model of the shutdown protocol (mod.rs, step 1 and the worker's
//! side of step 2): the runtime shuts down while one worker is about to
//! sleep and the other polls the driver for its deferred yields; both must
//! leave their loops.
//!
//! The workers follow `worker::Context::run`, `park` and `park_timeout` in
//! the order they use the real `Idle` and the real `Parker`; the inject
//! queue is reduced to its closed flag, the deferred list to a counter.
//! `park_timeout` re-reads the flag after every park (`Core::maintenance`):
//! a zero-timeout park consumes a pending notification without sleeping,
//! and the notification may be the shutdown's. The second test drops that
//! re-read after the zero-timeout park, as the code before 503d1a4 did, and
//! loom finds the worker asleep for good.

use super::idle::Idle;
use super::park::{Parker, SharedDriver, Unparker};
use crate::loom::sync::atomic::{AtomicBool, Ordering::SeqCst};
use crate::loom::sync::Arc;
use crate::loom::thread;
use crate::runtime::driver::{self, Driver};
use std::time::Duration;

struct World {
    idle: Idle,
    /// `Inject::is_closed`.
    closed: AtomicBool,
    unparkers: Vec<Unparker>,
    driver: Arc<driver::Handle>,
}

impl World {
    /// `Handle::shutdown`: close, then unpark every worker.
    fn shutdown(&self) {
        self.closed.store(true, SeqCst);
        for u in &self.unparkers {
            u.unpark(&self.driver);
        }
    }
}

struct Worker {
    world: Arc<World>,
    index: usize,
    park: Parker,
    /// `Core::is_shutdown`, updated only by `maintenance`, as in the worker.
    is_shutdown: bool,
    /// Whether `park_timeout` looks at the flag after a zero-timeout park.
    look_after_zero_park: bool,
    /// How long a sleeping park first polls the driver (the spin also
    /// consumes a notification it sees).
    spin: Duration,
}

impl Worker {
    fn maintenance(&mut self) {
        if !self.is_shutdown {
            self.is_shutdown = self.world.closed.load(SeqCst);
        }
    }

    /// `Context::park_timeout` with `Some(Duration::ZERO)` or `None`.
    fn park_timeout(&mut self, zero: bool) {
        if zero {
            self.park.park_zero(&self.world.driver);
            if !self.look_after_zero_park {
                return;
            }
        } else {
            self.park.park(&self.world.driver, self.spin, || false);
        }
        self.maintenance();
    }

    /// `Context::run` with no tasks: `deferred` yields wait in the
    /// deferred list, each ending with a zero-timeout park.
    fn run(mut self, mut deferred: usize) {
        while !self.is_shutdown {
            if deferred > 0 {
                deferred -= 1;
                self.park_timeout(true);
            } else {
                self.park();
            }
        }
    }

    /// `Context::park` (`Core::transition_to_parked` and
    /// `transition_from_parked` without tasks).
    fn park(&mut self) {
        if self.is_shutdown {
            return;
        }
        let world = self.world.clone();
        let _ = world.idle.transition_worker_to_parked(self.index, false);
        while !self.is_shutdown {
            self.park_timeout(false);
            if !world.idle.is_parked(self.index) {
                break; // notified by a notifier that counted us searching
            }
        }
    }
}

/// Worker 0 polls the driver for a deferred yield while worker 1 goes to
/// sleep (after a spin of `spin` in the driver); the runtime shuts down
/// meanwhile.
fn model(look_after_zero_park: bool, spin: Duration) {
    loom::model(move || {
        let (driver, handle) = Driver::new(&driver::Cfg::bare()).unwrap();
        let shared = Arc::new(SharedDriver::new(driver));
        let parkers: Vec<Parker> = (0..2).map(|_| Parker::new(shared.clone())).collect();
        let world = Arc::new(World {
            idle: Idle::new(2),
            closed: AtomicBool::new(false),
            unparkers: parkers.iter().map(Parker::unparker).collect(),
            driver: Arc::new(handle),
        });
        let workers: Vec<_> = parkers
            .into_iter()
            .enumerate()
            .map(|(index, park)| {
                let worker = Worker {
                    world: world.clone(),
                    index,
                    park,
                    is_shutdown: false,
                    look_after_zero_park,
                    spin,
                };
                let deferred = if index == 0 { 1 } else { 0 };
                thread::spawn(move || worker.run(deferred))
            })
            .collect();
        world.shutdown();
        for w in workers {
            w.join().unwrap();
        }
    });
}

#[test]
fn shutdown_while_a_worker_polls_for_deferred_yields_stops_every_worker() {
    model(true, Duration::ZERO);
}

/// The same with worker 1 polling the driver before it sleeps: a shutdown
/// that lands during the spin ends it.
#[test]
fn shutdown_while_a_worker_spins_in_the_driver_stops_every_worker() {
    model(true, Duration::from_micros(1));
}

/// The model can fail: without the look after a zero-timeout park, the
/// shutdown's notification is consumed by it and the worker then sleeps
/// with nobody left to wake it.
#[test]
#[should_panic(expected = "deadlock")]
fn without_the_look_after_a_zero_park_a_worker_sleeps_through_shutdown() {
    model(false, Duration::ZERO);
}
