//! The multi-thread, work-stealing scheduler.
//!
//! ```text
//!            spawn/wake from outside          spawn/wake on a worker
//!                    │                                │
//!                    ▼                                ▼
//!          ┌──────────────────┐          LIFO slot ─► local ring (256) ─overflow─┐
//!          │   inject queue   │◄──────────────────────────────────────────────────┘
//!          └──────────────────┘
//!   worker loop: LIFO slot, local ring (the inject queue first every
//!   `global_queue_interval` ticks), else steal half of a random sibling's
//!   ring, else the inject queue, else park (one parked worker sleeps in the
//!   driver, the others on their own condvar).
//! ```
//!
//! Notify protocol (never lose a wakeup, never wake needlessly):
//! 1. New work on a worker's own queue, or from outside, asks `Idle` for a
//!    worker to wake; none is woken if one is already searching or none sleeps.
//! 2. A woken worker starts out searching. When a searcher finds work and it
//!    was the last searcher, it wakes another worker (more work may remain).
//! 3. A worker parking as the last searcher re-checks every queue after
//!    leaving the searching state, and wakes a worker if it finds work.
//!
//! Shutdown protocol:
//! 1. `Handle::shutdown` closes the inject queue and unparks every worker.
//! 2. Each worker notices (inject closed; it looks after every park, which
//!    may have consumed the notification: `shutdown_loom_tests`), cancels
//!    tasks of the owned list (all workers help, starting at different
//!    shards), and hands its core to `shutdown_cores`.
//! 3. The last core in empties every local queue and the inject queue and
//!    shuts the driver down. Worker threads are blocking-pool threads, so
//!    the runtime's drop waits for them through the pool.

#![cfg_attr(not(feature = "rt-multi-thread"), allow(dead_code))]

#[cfg(not(loom))]
mod cpu_contention;
mod idle;
mod park;
mod queue;
mod tuning;
mod worker;

#[cfg(all(test, loom))]
mod notify_loom_tests;
#[cfg(all(test, loom))]
mod shutdown_loom_tests;

pub(crate) use worker::{block_in_place, Context};

use crate::loom::sync::{Arc, Mutex};
use crate::runtime::blocked_worker::Watch;
use crate::runtime::config::Config;
use crate::runtime::driver::{self, Driver};
use crate::runtime::metrics::WorkerMetrics;
use crate::runtime::scheduler::inject::Inject;
use crate::runtime::{blocking, scheduler};
use crate::task::list::OwnedTasks;
use crate::task::{self, JoinHandle, Notified, Schedule, Task};
use idle::Idle;
use park::{Parker, SharedDriver, Unparker};
use std::fmt;
use std::future::Future;
use std::panic::Location;

/// The scheduler part of a multi-thread `Runtime`.
pub(crate) struct MultiThread;

/// Shared by the workers, every `Handle` and every task.
pub(crate) struct Handle {
    shared: Shared,
    pub(crate) driver: driver::Handle,
    pub(crate) blocking_spawner: blocking::Spawner,
    pub(crate) config: Config,
    pub(crate) id: u64,
    /// Weft extension: per-worker slots of the blocked-worker monitor
    /// (`runtime::blocked_worker`), `None` unless `on_worker_blocked` was set.
    pub(crate) blocked_watch: Option<Arc<Watch>>,
}

struct Shared {
    remotes: Box<[Remote]>,
    inject: Inject<Arc<Handle>>,
    idle: Idle,
    owned: OwnedTasks<Arc<Handle>>,
    /// Cores handed in at shutdown (boxed as they travel between threads).
    #[allow(clippy::vec_box)]
    shutdown_cores: Mutex<Vec<Box<worker::Core>>>,
    driver: Arc<SharedDriver>,
    worker_metrics: Box<[WorkerMetrics]>,
}

/// What other threads need of a worker: its stealable queue and its unparker.
struct Remote {
    steal: queue::Steal<Arc<Handle>>,
    unpark: Unparker,
}

/// Workers created but not started yet.
pub(crate) struct Launch(Vec<Arc<worker::Worker>>);

impl MultiThread {
    pub(crate) fn new(
        size: usize,
        driver: Driver,
        driver_handle: driver::Handle,
        blocking_spawner: blocking::Spawner,
        config: Config,
    ) -> (MultiThread, Arc<Handle>, Launch) {
        let shared_driver = Arc::new(SharedDriver::new(driver));
        let mut cores = Vec::with_capacity(size);
        let mut remotes = Vec::with_capacity(size);
        for _ in 0..size {
            let (steal, run_queue) = queue::local();
            let park = Parker::new(shared_driver.clone());
            remotes.push(Remote {
                steal,
                unpark: park.unparker(),
            });
            cores.push(worker::Core::new(run_queue, park, &config, size));
        }
        let blocked_watch = config.blocked_worker.clone().map(|c| Watch::new(size, c));
        let handle = Arc::new(Handle {
            blocked_watch,
            shared: Shared {
                remotes: remotes.into_boxed_slice(),
                inject: Inject::new(),
                idle: Idle::new(size),
                owned: OwnedTasks::new(size * 4),
                shutdown_cores: Mutex::new(Vec::with_capacity(size)),
                driver: shared_driver,
                worker_metrics: (0..size).map(|_| WorkerMetrics::default()).collect(),
            },
            driver: driver_handle,
            blocking_spawner,
            config,
            id: scheduler::next_runtime_id(),
        });
        let workers = cores
            .into_iter()
            .enumerate()
            .map(|(index, core)| Arc::new(worker::Worker::new(handle.clone(), index, core)))
            .collect();
        (MultiThread, handle, Launch(workers))
    }

    /// Runs a future to completion on the calling thread (not a worker).
    #[track_caller]
    pub(crate) fn block_on<F: Future>(&self, handle: &scheduler::Handle, future: F) -> F::Output {
        crate::runtime::context::block_on_entered(handle, future)
    }

    /// Step 1 of the shutdown protocol; the runtime's drop then waits for
    /// the worker threads through the blocking pool.
    pub(crate) fn shutdown(&mut self, handle: &scheduler::Handle) {
        if let scheduler::Handle::MultiThread(h) = handle {
            h.shutdown();
        }
    }
}

impl fmt::Debug for MultiThread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MultiThread").finish()
    }
}

impl Launch {
    /// Starts one thread per worker, on the blocking pool.
    pub(crate) fn launch(self, rt: &scheduler::Handle) {
        for worker in self.0 {
            rt.blocking_spawner()
                .spawn_mandatory(rt, move || worker::run(worker));
        }
    }
}

impl Handle {
    #[track_caller]
    pub(crate) fn spawn<F>(
        me: &Arc<Handle>,
        future: F,
        id: task::Id,
        location: &'static Location<'static>,
    ) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let (task, notified, join) = task::new_task(future, me.clone(), id, location);
        if let Some(notified) = me.shared.owned.bind(task, notified) {
            worker::schedule(me, notified, false);
        }
        join
    }

    /// Step 1 of the shutdown protocol.
    pub(crate) fn shutdown(&self) {
        if self.shared.inject.close() {
            for remote in self.shared.remotes.iter() {
                remote.unpark.unpark(&self.driver);
            }
        }
    }

    fn push_remote_task(&self, task: Notified<Arc<Handle>>) {
        self.shared.inject.push(task);
    }

    fn next_remote_task(&self) -> Option<Notified<Arc<Handle>>> {
        self.shared.inject.pop()
    }

    /// Protocol step 1.
    fn notify_parked(&self) {
        if let Some(index) = self.shared.idle.worker_to_notify() {
            self.shared.remotes[index].unpark.unpark(&self.driver);
        }
    }

    /// Protocol step 3.
    fn notify_if_work_pending(&self) {
        for remote in self.shared.remotes.iter() {
            if !remote.steal.is_empty() {
                self.notify_parked();
                return;
            }
        }
        if !self.shared.inject.is_empty() {
            self.notify_parked();
        }
    }

    pub(crate) fn worker_metrics(&self) -> &[WorkerMetrics] {
        &self.shared.worker_metrics
    }

    pub(crate) fn worker_stats(&self, worker: usize) -> crate::runtime::metrics::WorkerStats {
        let steal = &self.shared.remotes[worker].steal;
        let (polls, stolen, steal_operations, overflows) = steal.counters();
        crate::runtime::metrics::WorkerStats {
            polls,
            stolen,
            steal_operations,
            overflows,
            local_queue_depth: steal.len(),
        }
    }

    pub(crate) fn num_workers(&self) -> usize {
        self.shared.remotes.len()
    }

    pub(crate) fn spawned_tasks_count(&self) -> u64 {
        self.shared.owned.spawned()
    }

    pub(crate) fn remote_schedule_count(&self) -> u64 {
        self.shared.inject.pushes()
    }

    pub(crate) fn num_alive_tasks(&self) -> usize {
        self.shared.owned.len()
    }

    pub(crate) fn injection_queue_depth(&self) -> usize {
        self.shared.inject.len()
    }

    /// Task dump (weft extension): walks the owned list, see `runtime::dump`.
    pub(crate) fn dump(&self) -> crate::runtime::Dump {
        crate::runtime::Dump::collect(&self.shared.owned)
    }
}

impl Schedule for Arc<Handle> {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.shared.owned.release(task)
    }

    fn schedule(&self, task: Notified<Self>) {
        worker::schedule(self, task, false);
    }

    fn yield_now(&self, task: Notified<Self>) {
        worker::schedule(self, task, true);
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("multi_thread::Handle")
            .field("id", &self.id)
            .finish()
    }
}
