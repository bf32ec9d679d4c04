//! A worker: the loop that runs tasks on one thread of the multi-thread runtime.
//!
//! The `Core` (run queue, LIFO slot, parker) is what makes a thread a
//! worker. It normally stays on one thread, but `block_in_place` hands it to
//! a new thread so the queued tasks keep running while the current thread
//! blocks; the old thread notices the core is gone after the task's poll
//! and leaves the worker loop.

use super::queue::{self, Local};
use super::tuning::Tuning;
use super::{Handle, Parker};
use crate::loom::sync::{Arc, Mutex};
use crate::runtime::blocked_worker::Watch;
use crate::runtime::blocking::pool::run_hook;
use crate::runtime::config::Config;
use crate::runtime::context::{self, EnterRuntime};
use crate::runtime::scheduler::{self, defer::Defer};
use crate::task::coop;
use crate::task::Notified;
use std::cell::RefCell;
use std::fmt;
use std::time::{Duration, Instant};

/// Consecutive polls from the LIFO slot before the slot is bypassed for the
/// rest of the tick: two tasks pinging each other must not starve the queue.
const MAX_LIFO_POLLS_PER_TICK: usize = 3;

/// How long an idle worker sleeps before checking whether a busy worker's
/// LIFO task is stuck behind a blocking poll (see `queue.rs`).
const LIFO_RESCUE_INTERVAL: Duration = Duration::from_millis(1);

/// How long a worker about to sleep in the driver polls it first, when its
/// last park ended with work from the driver within this time.
///
/// A socket fed by a peer on the other CPU (a loopback bulk transfer, a
/// server answering a client that waits for it) makes its reader drain it,
/// sleep in `epoll_wait`, and be woken for the next segment: on the
/// measured VMs a wake-up costs the sleeper 25-30 us through the hypervisor
/// and the peer an inter-processor interrupt inside its `send`, so a 4 MiB
/// transfer in 64 KiB writes took 3 ms instead of 0.7 ms, and a 64-byte
/// round trip 23 us instead of 9 (Tokio and blocking threads show the same
/// slow mode). Polling the driver for a few tens of microseconds catches
/// the next segment awake. Only a park that the driver ended soon turns
/// the spin on, and any other park turns it off: a worker woken by
/// notifications (channels, locks) or by distant timers never spins, so
/// it does not hold a CPU that the notifying threads need (spinning on
/// every park, adaptively as `block_on` does, cost the contended `mpsc`
/// and `Mutex` benchmarks 15%). The spin yields between polls
/// (`sched_yield`): a busy server's workers park briefly and often, so
/// their spin is nearly always on, and with `wrk` on the same 2 cores a
/// spin that held the CPU doubled wrk's average latency (610-630 us
/// against 340-360 without a spin) and set its p99 at one scheduler slice
/// (4.1 ms against 1.1-1.25); yielding gave 340-390 us and 1.1-3.4 ms, at
/// the same request rate, and kept the TCP gains. It is off while the OS
/// keeps switching the worker out (`cpu_contention`).
const DRIVER_SPIN_BUDGET: Duration = Duration::from_micros(50);

pub(super) struct Worker {
    handle: Arc<Handle>,
    index: usize,
    /// The core while no thread runs it (before start, during block_in_place).
    core: Mutex<Option<Box<Core>>>,
}

pub(super) struct Core {
    tick: u32,
    lifo_enabled: bool,
    run_queue: Local<Arc<Handle>>,
    is_searching: bool,
    is_shutdown: bool,
    park: Option<Parker>,
    rand: u64,
    global_queue_interval: u32,
    tuning: Tuning,
    event_interval: u32,
    /// Per sibling: its poll count when this worker last saw its LIFO slot full.
    seen_polls: Vec<u64>,
    /// When this worker last woke (for `worker_total_busy_duration`).
    busy_since: Instant,
    /// Whether to poll the driver before sleeping in it: the last park
    /// ended with work from the driver within [`DRIVER_SPIN_BUDGET`].
    spin_in_driver: bool,
}

/// The scheduler context of a worker thread.
pub(crate) struct Context {
    worker: Arc<Worker>,
    core: RefCell<Option<Box<Core>>>,
    pub(crate) defer: Defer,
    /// Weft extension: this worker's blocked-worker slot, copied here so a
    /// poll checks one field when the monitor is off.
    watch: Option<Arc<Watch>>,
}

type RunResult = Result<Box<Core>, ()>;

impl Worker {
    pub(super) fn new(handle: Arc<Handle>, index: usize, core: Box<Core>) -> Worker {
        Worker {
            handle,
            index,
            core: Mutex::new(Some(core)),
        }
    }

    fn inject(&self) -> &crate::runtime::scheduler::inject::Inject<Arc<Handle>> {
        &self.handle.shared.inject
    }
}

impl Core {
    pub(super) fn new(
        run_queue: Local<Arc<Handle>>,
        park: Parker,
        config: &Config,
        num_workers: usize,
    ) -> Box<Core> {
        let now = Instant::now();
        let tuning = Tuning::new(config.tune_global_queue_interval, now);
        Box::new(Core {
            tick: 0,
            lifo_enabled: !config.disable_lifo_slot,
            run_queue,
            is_searching: false,
            is_shutdown: false,
            park: Some(park),
            rand: context::thread_rng_n(u32::MAX) as u64 | 1,
            global_queue_interval: tuning.initial_interval(config.global_queue_interval),
            tuning,
            event_interval: config.event_interval,
            seen_polls: vec![u64::MAX; num_workers],
            busy_since: now,
            spin_in_driver: false,
        })
    }

    fn rand_n(&mut self, n: u32) -> u32 {
        let mut x = self.rand;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rand = x;
        (((x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) * u64::from(n)) >> 32) as u32
    }

    fn next_task(&mut self, worker: &Worker) -> Option<Notified<Arc<Handle>>> {
        if self.tick % self.global_queue_interval == 0 {
            return worker
                .handle
                .next_remote_task()
                .or_else(|| self.next_local_task());
        }
        if let Some(task) = self.next_local_task() {
            return Some(task);
        }
        let inject = worker.inject();
        if inject.is_empty() {
            return None;
        }
        // Take a fair share of the inject queue into the local ring, so the
        // next ticks do not each take the inject lock.
        let num_workers = worker.handle.shared.remotes.len();
        let room = self.run_queue.remaining_slots().min(queue::capacity() / 2);
        let n = (inject.len() / num_workers + 1).min(room).max(1);
        let first = inject.pop()?;
        for _ in 1..n {
            match inject.pop() {
                Some(task) => self.run_queue.push_back_or_overflow(task, inject),
                None => break,
            }
        }
        Some(first)
    }

    fn next_local_task(&mut self) -> Option<Notified<Arc<Handle>>> {
        self.run_queue.take_lifo().or_else(|| self.run_queue.pop())
    }

    /// Tries to steal from siblings, then the inject queue (protocol step 2).
    fn steal_work(&mut self, worker: &Worker) -> Option<Notified<Arc<Handle>>> {
        if !self.transition_to_searching(worker) {
            return None;
        }
        let remotes = &worker.handle.shared.remotes;
        let num = remotes.len() as u32;
        let start = self.rand_n(num);
        for i in 0..num {
            let i = ((start + i) % num) as usize;
            if i == worker.index {
                continue;
            }
            if let Some(task) = remotes[i].steal.steal_into(&mut self.run_queue) {
                return Some(task);
            }
            if let Some(task) = remotes[i]
                .steal
                .steal_lifo_if_stuck(&mut self.seen_polls[i])
            {
                return Some(task);
            }
        }
        worker.handle.next_remote_task()
    }

    fn transition_to_searching(&mut self, worker: &Worker) -> bool {
        if !self.is_searching {
            self.is_searching = worker.handle.shared.idle.transition_worker_to_searching();
        }
        self.is_searching
    }

    fn transition_from_searching(&mut self, worker: &Worker) {
        if !self.is_searching {
            return;
        }
        self.is_searching = false;
        if worker.handle.shared.idle.transition_worker_from_searching() {
            worker.handle.notify_parked();
        }
    }

    fn has_tasks(&self) -> bool {
        self.run_queue.has_lifo() || !self.run_queue.is_empty()
    }

    /// Whether this worker holds work another could run: then wake one.
    fn should_notify_others(&self) -> bool {
        if self.is_searching {
            return false;
        }
        usize::from(self.run_queue.has_lifo()) + self.run_queue.len() > 1
    }

    /// `false` if the worker has work and must not park (protocol step 3).
    fn transition_to_parked(&mut self, worker: &Worker) -> bool {
        if self.has_tasks() || self.is_shutdown {
            return false;
        }
        let is_last_searcher = worker
            .handle
            .shared
            .idle
            .transition_worker_to_parked(worker.index, self.is_searching);
        self.is_searching = false;
        if is_last_searcher {
            worker.handle.notify_if_work_pending();
        }
        true
    }

    /// `true` if the worker should wake up for good.
    fn transition_from_parked(&mut self, worker: &Worker) -> bool {
        let idle = &worker.handle.shared.idle;
        if self.has_tasks() {
            // A driver event put tasks here; if a notifier also picked us,
            // it counted us as searching.
            self.is_searching = !idle.unpark_worker_by_id(worker.index);
            return true;
        }
        if idle.is_parked(worker.index) {
            return false; // spurious wake: nobody notified us
        }
        self.is_searching = true;
        true
    }

    /// Ends a batch of polls: retunes the global queue interval.
    fn end_batch(&mut self, now: Instant) {
        if let Some(interval) = self.tuning.end_batch(now, self.run_queue.polls()) {
            self.global_queue_interval = interval;
        }
    }

    fn maintenance(&mut self, worker: &Worker) {
        if !self.is_shutdown {
            self.is_shutdown = worker.inject().is_closed();
        }
    }

    /// Shutdown step 2: cancel tasks of the owned list.
    fn pre_shutdown(&mut self, worker: &Worker) {
        worker
            .handle
            .shared
            .owned
            .close_and_shutdown_all_from(worker.index);
    }

    /// Shutdown step 3, for each core.
    fn shutdown(&mut self) {
        while let Some(task) = self.next_local_task() {
            drop(task);
        }
        self.park.take();
    }
}

/// The body of a worker thread (spawned on the blocking pool).
pub(super) fn run(worker: Arc<Worker>) {
    // The core may already be gone: block_in_place took it back before this
    // thread started.
    let Some(core) = worker.core.lock().take() else {
        return;
    };
    worker.handle.shared.worker_metrics[worker.index].set_thread(Some(context::thread_id()));
    let handle = scheduler::Handle::MultiThread(worker.handle.clone());
    context::enter_runtime(&handle, true, |_| {
        let watch = worker.handle.blocked_watch.clone();
        let cx = scheduler::Context::MultiThread(Context {
            watch,
            worker,
            core: RefCell::new(None),
            defer: Defer::new(),
        });
        context::set_scheduler(&cx, || {
            let scheduler::Context::MultiThread(cx) = &cx else {
                unreachable!()
            };
            // Only returns when the core is gone (shutdown or handed off).
            let _ = cx.run(core);
            cx.defer.wake();
        });
    });
}

impl Context {
    fn run(&self, mut core: Box<Core>) -> RunResult {
        while !core.is_shutdown {
            core.tick = core.tick.wrapping_add(1);
            if core.tick % core.event_interval == 0 {
                let now = Instant::now();
                core.end_batch(now);
                core = self.park_timeout(core, Some(Duration::ZERO));
                core.tuning.start_batch(now, core.run_queue.polls());
                if core.is_shutdown {
                    break;
                }
            }
            if let Some(task) = core.next_task(&self.worker) {
                core = self.run_task(task, core)?;
                continue;
            }
            if let Some(task) = core.steal_work(&self.worker) {
                core = self.run_task(task, core)?;
            } else if !self.defer.is_empty() {
                core = self.park_timeout(core, Some(Duration::ZERO));
            } else {
                core = self.park(core);
            }
        }
        core.pre_shutdown(&self.worker);
        let metrics = &self.worker.handle.shared.worker_metrics[self.worker.index];
        metrics.stopped(core.busy_since);
        metrics.set_thread(None);
        self.worker.handle.shutdown_core(core);
        Err(())
    }

    fn run_task(&self, task: Notified<Arc<Handle>>, mut core: Box<Core>) -> RunResult {
        core.transition_from_searching(&self.worker);
        core.lifo_enabled = !self.worker.handle.config.disable_lifo_slot;
        *self.core.borrow_mut() = Some(core);
        coop::budget(|| {
            self.count_poll();
            self.watch_poll_start(&task);
            task.run();
            let mut lifo_polls = 0;
            loop {
                // `None`: block_in_place handed the core to another thread.
                let Some(mut core) = self.core.borrow_mut().take() else {
                    return Err(());
                };
                self.watch_poll_end();
                let Some(task) = core.run_queue.take_lifo() else {
                    return Ok(core);
                };
                if !coop::has_budget_remaining() {
                    core.run_queue
                        .push_back_or_overflow(task, self.worker.inject());
                    return Ok(core);
                }
                lifo_polls += 1;
                if lifo_polls >= MAX_LIFO_POLLS_PER_TICK {
                    core.lifo_enabled = false;
                }
                core.run_queue.count_poll();
                *self.core.borrow_mut() = Some(core);
                self.watch_poll_start(&task);
                task.run();
            }
        })
    }

    /// Weft extension (`runtime::blocked_worker`): tells the monitor, if
    /// there is one, which task this worker polls now. Called while this
    /// thread holds the core, so one thread at a time writes the slot.
    fn watch_poll_start(&self, task: &Notified<Arc<Handle>>) {
        if let Some(watch) = &self.watch {
            let (id, at) = task.id_and_location();
            watch.slot(self.worker.index).start(id, at);
        }
    }

    /// The poll announced by `watch_poll_start` is over (core still here).
    fn watch_poll_end(&self) {
        if let Some(watch) = &self.watch {
            watch.slot(self.worker.index).end();
        }
    }

    fn count_poll(&self) {
        if let Some(core) = self.core.borrow().as_ref() {
            core.run_queue.count_poll();
        }
    }

    fn park(&self, mut core: Box<Core>) -> Box<Core> {
        let config = &self.worker.handle.config;
        if let Some(f) = &config.before_park {
            run_hook(f);
        }
        if core.transition_to_parked(&self.worker) {
            let metrics = &self.worker.handle.shared.worker_metrics[self.worker.index];
            let now = Instant::now();
            core.end_batch(now);
            metrics.about_to_park(core.busy_since, now);
            let mut by_driver = false;
            while !core.is_shutdown {
                let rescue = self.worker.handle.lifo_waiting_elsewhere(self.worker.index);
                core = self.park_timeout(core, rescue.then_some(LIFO_RESCUE_INTERVAL));
                by_driver = core.has_tasks();
                if core.transition_from_parked(&self.worker) {
                    break;
                }
                if rescue {
                    // Go look whether that LIFO task is stuck behind a blocked worker.
                    let idle = &self.worker.handle.shared.idle;
                    core.is_searching = !idle.unpark_worker_by_id(self.worker.index);
                    break;
                }
            }
            core.busy_since = metrics.unparked();
            core.spin_in_driver =
                by_driver && core.busy_since.saturating_duration_since(now) < DRIVER_SPIN_BUDGET;
            core.tuning
                .start_batch(core.busy_since, core.run_queue.polls());
        }
        if let Some(f) = &config.after_unpark {
            run_hook(f);
        }
        core
    }

    fn park_timeout(&self, mut core: Box<Core>, duration: Option<Duration>) -> Box<Core> {
        let mut park = core.park.take().expect("park missing");
        let spin = if core.spin_in_driver {
            DRIVER_SPIN_BUDGET
        } else {
            Duration::ZERO
        };
        // Tasks woken by the driver while we sleep go to our own queue.
        *self.core.borrow_mut() = Some(core);
        let handle = &self.worker.handle;
        match duration {
            Some(Duration::ZERO) => park.park_zero(&handle.driver),
            Some(timeout) => park.park_timeout(&handle.driver, timeout),
            None => park.park(&handle.driver, spin, || {
                self.core
                    .borrow()
                    .as_ref()
                    .is_some_and(|core| core.has_tasks())
            }),
        }
        self.defer.wake();
        let mut core = self.core.borrow_mut().take().expect("core missing");
        core.park = Some(park);
        // The parker may have consumed the notification that announced
        // shutdown (`park_zero` does, for one): look now, or the next park
        // sleeps through it.
        core.maintenance(&self.worker);
        if core.should_notify_others() {
            handle.notify_parked();
        }
        core
    }
}

impl Context {
    pub(crate) fn worker_index(&self) -> usize {
        self.worker.index
    }

    /// See `runtime::context::defer`. Without its core the thread is in
    /// `block_in_place` and will not run the deferred list until the blocking
    /// call returns (maybe never: `futures::executor::block_on(yield_now())`),
    /// so wake at once.
    pub(crate) fn defer(&self, waker: &std::task::Waker) {
        if self.core.borrow().is_none() {
            waker.wake_by_ref();
        } else {
            self.defer.defer(waker);
        }
    }

    /// As `defer`, for a task that yielded itself.
    pub(crate) fn defer_task(&self, task: crate::task::YieldedTask) {
        if self.core.borrow().is_none() {
            task.schedule();
        } else {
            self.defer.defer_task(task);
        }
    }
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("multi_thread::Context")
            .field("worker", &self.worker.index)
            .finish()
    }
}

/// Schedules `task`: on this worker's own queue when called from one of the
/// runtime's workers, else on the inject queue (waking a worker if needed).
pub(super) fn schedule(handle: &Arc<Handle>, task: Notified<Arc<Handle>>, is_yield: bool) {
    let task = context::with_scheduler(|cx| {
        let Some(scheduler::Context::MultiThread(cx)) = cx else {
            return Some(task);
        };
        if !Arc::ptr_eq(handle, &cx.worker.handle) {
            return Some(task);
        }
        let mut core = cx.core.borrow_mut();
        let Some(core) = core.as_mut() else {
            return Some(task);
        };
        let inject = cx.worker.inject();
        let should_notify = if is_yield || !core.lifo_enabled {
            core.run_queue.push_back_or_overflow(task, inject);
            true
        } else {
            let prev = core.run_queue.set_lifo(task);
            match prev {
                Some(prev) => {
                    core.run_queue.push_back_or_overflow(prev, inject);
                    true
                }
                None => false,
            }
        };
        // While parked (park taken), wakes come in batches from the driver:
        // the worker notifies others once it is back (park_timeout).
        if should_notify && core.park.is_some() {
            handle.notify_parked();
        }
        None
    });
    if let Some(task) = task {
        handle.push_remote_task(task);
        handle.notify_parked();
    }
}

impl Handle {
    /// Whether a worker other than `me` holds a LIFO task (see LIFO_RESCUE_INTERVAL).
    fn lifo_waiting_elsewhere(&self, me: usize) -> bool {
        self.shared
            .remotes
            .iter()
            .enumerate()
            .any(|(i, r)| i != me && r.steal.has_lifo())
    }

    /// Shutdown step 3.
    fn shutdown_core(&self, core: Box<Core>) {
        let mut cores = self.shared.shutdown_cores.lock();
        cores.push(core);
        if cores.len() != self.shared.remotes.len() {
            return;
        }
        for mut core in cores.drain(..) {
            core.shutdown();
        }
        drop(cores);
        while let Some(task) = self.next_remote_task() {
            drop(task);
        }
        self.shared.driver.shutdown(&self.driver);
    }
}

/// Runs `f`, a blocking call, on the current thread without stalling the
/// runtime: on a multi-thread worker the worker's core moves to a new thread first.
#[track_caller]
pub(crate) fn block_in_place<F, R>(f: F) -> R
where
    F: FnOnce() -> R,
{
    /// Takes the core back (if no new thread took it yet) and restores the budget.
    struct Reset {
        take_core: bool,
        budget: Option<coop::Budget>,
    }
    impl Drop for Reset {
        fn drop(&mut self) {
            context::with_scheduler(|cx| {
                if let Some(scheduler::Context::MultiThread(cx)) = cx {
                    if self.take_core {
                        let core = cx.worker.core.lock().take();
                        let mut cx_core = cx.core.borrow_mut();
                        assert!(cx_core.is_none(), "core present after block_in_place");
                        *cx_core = core;
                    }
                }
            });
            if let Some(budget) = self.budget {
                context::set_budget(budget);
            }
        }
    }

    let mut had_entered = false;
    let mut take_core = false;
    let setup: Result<(), &'static str> = context::with_scheduler(|cx| {
        let cx = match cx {
            Some(scheduler::Context::MultiThread(cx)) => Some(cx),
            _ => None,
        };
        match (context::current_enter_context(), cx) {
            (EnterRuntime::Entered { .. }, Some(cx)) => {
                had_entered = true;
                // A worker without its core (nested block_in_place): just block.
                if cx.core.borrow().is_none() {
                    return Ok(());
                }
                // Tasks that yielded wait in this thread's deferred list,
                // which nobody drains while the closure blocks: wake them
                // into the run queue that the new worker thread takes over.
                cx.defer.wake();
                let Some(mut core) = cx.core.borrow_mut().take() else {
                    return Ok(());
                };
                // The LIFO slot cannot be stolen: move it where others can reach it.
                if let Some(task) = core.run_queue.take_lifo() {
                    core.run_queue
                        .push_back_or_overflow(task, cx.worker.inject());
                }
                take_core = true;
                // Blocking here is allowed: close the poll for the
                // blocked-worker monitor before the core moves on.
                cx.watch_poll_end();
                *cx.worker.core.lock() = Some(core);
                let worker = cx.worker.clone();
                let rt = scheduler::Handle::MultiThread(worker.handle.clone());
                rt.blocking_spawner()
                    .spawn_mandatory(&rt, move || run(worker));
                Ok(())
            }
            (
                EnterRuntime::Entered {
                    allow_block_in_place,
                },
                None,
            ) => {
                if allow_block_in_place {
                    had_entered = true;
                    Ok(())
                } else {
                    Err("can call blocking only when running on the multi-threaded runtime")
                }
            }
            (EnterRuntime::NotEntered, _) => Ok(()),
        }
    });
    if let Err(msg) = setup {
        panic!("{}", msg);
    }
    if had_entered {
        let _reset = Reset {
            take_core,
            budget: context::replace_budget(coop::Budget::unconstrained()),
        };
        context::exit_runtime(f)
    } else {
        f()
    }
}
