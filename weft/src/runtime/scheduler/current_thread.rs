//! The current-thread scheduler: every task runs on the thread that calls
//! `Runtime::block_on`.
//!
//! ```text
//!  block_on loop (one "tick" per task poll)
//!   1. if the block_on future was woken: poll it (it may finish: return)
//!   2. up to `event_interval` times (even if step 1's future is woken
//!      meanwhile: it then finds a batch of results ready, not one): pop a task (every `global_queue_interval`
//!      ticks the remote queue first, else the local one first) and run it;
//!      nothing to run: park in the driver (step 4) and go to 1
//!   3. poll the driver without sleeping (I/O, timers), go to 1
//!   4. park: (4a, only while blocking work is in flight: poll the driver
//!      without sleeping, then spin briefly for the woken flag or the remote
//!      queue, with `parked` still clear so that wakers skip the eventfd
//!      write; found something: go to 1) set `parked`, re-check both queues
//!      and the woken flag, sleep in the driver, clear `parked`, wake
//!      deferred wakers
//! ```
//!
//! Wakes from other threads push to the inject queue, and signal the driver
//! only when the thread is parked (step 4 and `Handle::unpark_if_parked` form a
//! store-fence-load pair on each side, so one of them always sees the other).
//!
//! Several threads may call `block_on` on one runtime: one holds the `Core`
//! (queues and driver) and runs tasks; the others poll only their own future
//! and take the core over when it is released.

use crate::loom::sync::atomic::{fence, AtomicBool, Ordering::SeqCst};
use crate::loom::sync::Arc;
use crate::runtime::blocked_worker::Watch;
use crate::runtime::blocking::pool::run_hook;
use crate::runtime::config::Config;
use crate::runtime::driver::{self, Driver};
use crate::runtime::metrics::WorkerMetrics;
use crate::runtime::park::{spin_until, SPIN_BUDGET};
use crate::runtime::scheduler::core_slot::CoreSlot;
use crate::runtime::scheduler::defer::Defer;
use crate::runtime::scheduler::inject::Inject;
use crate::runtime::{blocking, context, scheduler};
use crate::task::list::OwnedTasks;
use crate::task::{self, JoinHandle, Notified, Schedule, Task};
use crate::util::waker_ref::WakerRef;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::fmt;
use std::future::{poll_fn, Future};
use std::panic::Location;
use std::pin::Pin;
use std::task::{Poll, RawWaker, RawWakerVTable};
use std::thread::ThreadId;
use std::time::{Duration, Instant};

/// The scheduler part of a current-thread `Runtime`.
pub(crate) struct CurrentThread {
    /// The core, when no thread is running it; threads in `block_on`
    /// wait there for it to be released.
    core: CoreSlot<Core>,
    /// `shutdown` ran (it runs from `shutdown_timeout` and again from drop).
    shut_down: bool,
}

/// Shared with every `Handle` and every task.
pub(crate) struct Handle {
    inject: Inject<Arc<Handle>>,
    owned: OwnedTasks<Arc<Handle>>,
    /// The `block_on` future was woken.
    woken: AtomicBool,
    /// The core's thread is asleep in the driver (step 4).
    parked: AtomicBool,
    pub(crate) driver: driver::Handle,
    pub(crate) blocking_spawner: blocking::Spawner,
    pub(crate) config: Config,
    pub(crate) id: u64,
    pub(crate) worker_metrics: WorkerMetrics,
    /// Weft extension: the blocked-worker monitor's slot (`runtime::blocked_worker`).
    pub(crate) blocked_watch: Option<Arc<Watch>>,
}

/// What the running thread owns: its queue and the driver.
struct Core {
    tasks: VecDeque<Notified<Arc<Handle>>>,
    tick: u32,
    driver: Option<Driver>,
    /// When this core last started running (for `worker_total_busy_duration`).
    busy_since: Instant,
    /// The thread that ran this core last (for `worker_thread_id`).
    thread: Option<ThreadId>,
}

/// The scheduler context installed on the thread that holds the core.
pub(crate) struct Context {
    handle: Arc<Handle>,
    core: RefCell<Option<Box<Core>>>,
    pub(crate) defer: Defer,
}

const INITIAL_CAPACITY: usize = 64;

impl CurrentThread {
    pub(crate) fn new(
        driver: Driver,
        driver_handle: driver::Handle,
        blocking_spawner: blocking::Spawner,
        config: Config,
    ) -> (CurrentThread, Arc<Handle>) {
        let blocked_watch = config.blocked_worker.clone().map(|c| Watch::new(1, c));
        let handle = Arc::new(Handle {
            blocked_watch,
            inject: Inject::new(),
            owned: OwnedTasks::new(1),
            woken: AtomicBool::new(false),
            parked: AtomicBool::new(false),
            driver: driver_handle,
            blocking_spawner,
            config,
            id: scheduler::next_runtime_id(),
            worker_metrics: WorkerMetrics::default(),
        });
        let core = Box::new(Core {
            tasks: VecDeque::with_capacity(INITIAL_CAPACITY),
            tick: 0,
            driver: Some(driver),
            busy_since: Instant::now(),
            thread: None,
        });
        (
            CurrentThread {
                core: CoreSlot::new(core),
                shut_down: false,
            },
            handle,
        )
    }

    #[track_caller]
    pub(crate) fn block_on<F: Future>(&self, handle: &scheduler::Handle, future: F) -> F::Output {
        let mut future = std::pin::pin!(future);
        context::enter_runtime(handle, false, |blocking| {
            let scheduler::Handle::CurrentThread(me) = handle else {
                unreachable!("current-thread runtime with another scheduler's handle")
            };
            loop {
                if let Some(guard) = self.take_core(me) {
                    return guard.block_on(future.as_mut());
                }
                // Another thread runs the scheduler: poll only our future,
                // until it finishes or the core is released.
                let out = blocking.block_on(poll_fn(|cx| {
                    if let Poll::Ready(out) = future.as_mut().poll(cx) {
                        return Poll::Ready(Some(out));
                    }
                    if self.core.wait(cx.waker()) {
                        return Poll::Ready(None);
                    }
                    Poll::Pending
                }));
                if let Some(out) = out {
                    return out;
                }
            }
        })
    }

    fn take_core(&self, handle: &Arc<Handle>) -> Option<CoreGuard<'_>> {
        let mut core = self.core.take()?;
        core.busy_since = Instant::now();
        let thread = context::thread_id();
        if core.thread == Some(thread) {
            handle.worker_metrics.resume_thread();
        } else {
            core.thread = Some(thread);
            handle.worker_metrics.set_thread(Some(thread));
        }
        Some(CoreGuard {
            context: scheduler::Context::CurrentThread(Context {
                handle: handle.clone(),
                core: RefCell::new(Some(core)),
                defer: Defer::new(),
            }),
            scheduler: self,
        })
    }

    /// Cancels every task, empties the queues and shuts the driver down.
    pub(crate) fn shutdown(&mut self, handle: &scheduler::Handle) {
        let scheduler::Handle::CurrentThread(me) = handle else {
            unreachable!("current-thread runtime with another scheduler's handle")
        };
        if std::mem::replace(&mut self.shut_down, true) {
            return;
        }
        let Some(guard) = self.take_core(me) else {
            if std::thread::panicking() {
                return;
            }
            panic!("the current-thread scheduler's core was not returned after block_on");
        };
        // Futures dropped here may touch the runtime (spawn, wake, sleep): keep it current.
        let _current = context::try_set_current(handle);
        guard.enter(|mut core, _cx| {
            me.owned.close_and_shutdown_all();
            while let Some(task) = core.tasks.pop_front() {
                drop(task);
            }
            me.inject.close();
            while let Some(task) = me.inject.pop() {
                drop(task);
            }
            assert!(me.owned.is_empty(), "tasks left after shutdown");
            if let Some(driver) = core.driver.as_mut() {
                driver.shutdown(&me.driver);
            }
            (core, ())
        });
    }
}

impl fmt::Debug for CurrentThread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CurrentThread").finish()
    }
}

/// Holds the core while this thread runs the scheduler; gives it back on drop
/// (also when the `block_on` future panics).
struct CoreGuard<'a> {
    context: scheduler::Context,
    scheduler: &'a CurrentThread,
}

impl CoreGuard<'_> {
    fn context(&self) -> &Context {
        let scheduler::Context::CurrentThread(cx) = &self.context else {
            unreachable!()
        };
        cx
    }

    /// Runs `f` with the core taken out of the context and this scheduler
    /// installed as the thread's running scheduler.
    fn enter<R>(self, f: impl FnOnce(Box<Core>, &Context) -> (Box<Core>, R)) -> R {
        let core = self
            .context()
            .core
            .borrow_mut()
            .take()
            .expect("core missing");
        let (core, ret) = context::set_scheduler(&self.context, || f(core, self.context()));
        *self.context().core.borrow_mut() = Some(core);
        ret
    }

    fn block_on<F: Future>(self, mut future: Pin<&mut F>) -> F::Output {
        self.enter(|mut core, cx| {
            let handle = &cx.handle;
            let waker = Handle::block_on_waker_ref(handle);
            let mut task_cx = std::task::Context::from_waker(&waker);
            // The first poll happens at once.
            handle.woken.store(true, SeqCst);
            'outer: loop {
                if handle.woken.swap(false, SeqCst) {
                    let (c, res) = cx.enter(core, || {
                        crate::task::coop::budget(|| future.as_mut().poll(&mut task_cx))
                    });
                    core = c;
                    if let Poll::Ready(v) = res {
                        return (core, v);
                    }
                }
                for _ in 0..handle.config.event_interval {
                    core.tick = core.tick.wrapping_add(1);
                    let Some(task) = core.next_task(handle) else {
                        core = if cx.defer.is_empty() {
                            cx.park(core)
                        } else {
                            cx.park_yield(core)
                        };
                        continue 'outer;
                    };
                    handle.worker_metrics.count_poll();
                    // Weft extension: publish the poll to the blocked-worker
                    // monitor, if there is one (this thread holds the core).
                    let watched = handle.blocked_watch.as_ref().map(|w| {
                        let (id, at) = task.id_and_location();
                        w.slot(0).start(id, at);
                        w.slot(0)
                    });
                    let (c, ()) = cx.enter(core, || crate::task::coop::budget(|| task.run()));
                    core = c;
                    if let Some(slot) = watched {
                        slot.end();
                    }
                }
                core = cx.park_yield(core);
            }
        })
    }
}

impl Drop for CoreGuard<'_> {
    fn drop(&mut self) {
        let scheduler::Context::CurrentThread(cx) = &self.context else {
            unreachable!()
        };
        // Tasks that yielded (or spent their budget) in the last round wait
        // in `defer`, which dies with this context: wake them now, into the
        // local queue, so that the next `block_on` runs them.
        if !cx.defer.is_empty() && cx.core.borrow().is_some() {
            context::set_scheduler(&self.context, || cx.defer.wake());
        }
        if let Some(core) = cx.core.borrow_mut().take() {
            cx.handle.worker_metrics.stopped(core.busy_since);
            cx.handle.worker_metrics.set_thread(None);
            self.scheduler.core.put(core);
        }
    }
}

impl Core {
    fn next_task(&mut self, handle: &Handle) -> Option<Notified<Arc<Handle>>> {
        if self.tick % handle.config.global_queue_interval == 0 {
            handle.inject.pop().or_else(|| self.tasks.pop_front())
        } else {
            self.tasks.pop_front().or_else(|| handle.inject.pop())
        }
    }
}

impl Context {
    /// Runs `f` with the core in the context, so that tasks scheduled by `f`
    /// on this thread reach the local queue.
    fn enter<R>(&self, core: Box<Core>, f: impl FnOnce() -> R) -> (Box<Core>, R) {
        *self.core.borrow_mut() = Some(core);
        let ret = f();
        let core = self.core.borrow_mut().take().expect("core missing");
        (core, ret)
    }

    /// Step 4.
    fn park(&self, mut core: Box<Core>) -> Box<Core> {
        let handle = &self.handle;
        handle
            .worker_metrics
            .set_local_queue_depth(core.tasks.len());
        let mut driver = core.driver.take().expect("driver missing");
        if let Some(f) = &handle.config.before_park {
            let (c, ()) = self.enter(core, || run_hook(f));
            core = c;
        }
        // The hook may have made work (woken the block_on future, spawned,
        // deferred a yield): then only poll the driver, without sleeping, so
        // that timers and I/O still advance.
        let mut polled = false;
        let mut slept = false;
        if core.tasks.is_empty() && self.defer.is_empty() && spin_pays(handle) {
            // Step 4a: poll the driver without sleeping (ready I/O and due
            // timers are found at once, no spin for them), then spin for a
            // wake from another thread while `parked` is still false, so
            // that the waker skips the eventfd write: a `spawn_blocking`
            // whose closure is short comes back within the spin.
            let (c, ()) = self.enter(core, || {
                driver.park_timeout(&handle.driver, Duration::ZERO);
                self.defer.wake();
            });
            core = c;
            polled = true;
            if core.tasks.is_empty() && self.defer.is_empty() {
                spin_until(SPIN_BUDGET, || {
                    handle.woken.load(SeqCst) || !handle.inject.is_empty()
                });
            }
        }
        if core.tasks.is_empty()
            && self.defer.is_empty()
            && !(polled && (handle.woken.load(SeqCst) || !handle.inject.is_empty()))
        {
            handle.parked.store(true, SeqCst);
            fence(SeqCst);
            if handle.inject.is_empty() && !handle.woken.load(SeqCst) {
                handle
                    .worker_metrics
                    .about_to_park(core.busy_since, Instant::now());
                let (c, ()) = self.enter(core, || {
                    driver.park(&handle.driver);
                    self.defer.wake();
                });
                core = c;
                core.busy_since = handle.worker_metrics.unparked();
                slept = true;
            }
            handle.parked.store(false, SeqCst);
        }
        if !slept && !polled {
            let (c, ()) = self.enter(core, || {
                driver.park_timeout(&handle.driver, Duration::ZERO);
                self.defer.wake();
            });
            core = c;
        }
        if let Some(f) = &handle.config.after_unpark {
            let (c, ()) = self.enter(core, || run_hook(f));
            core = c;
        }
        core.driver = Some(driver);
        core
    }

    /// Polls the driver without sleeping (step 3).
    fn park_yield(&self, mut core: Box<Core>) -> Box<Core> {
        self.handle
            .worker_metrics
            .set_local_queue_depth(core.tasks.len());
        let mut driver = core.driver.take().expect("driver missing");
        let (mut core, ()) = self.enter(core, || {
            driver.park_timeout(&self.handle.driver, Duration::ZERO);
            self.defer.wake();
        });
        core.driver = Some(driver);
        core
    }
}

/// Whether step 4a's spin is likely to end in a wake: only when blocking
/// work is in flight, the one kind of work that other threads of this runtime
/// finish and hand back. A thread waiting for I/O or a timer would only
/// burn the budget.
fn spin_pays(handle: &Handle) -> bool {
    handle.blocking_spawner.has_work_in_flight()
}

impl fmt::Debug for Context {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("current_thread::Context").finish()
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
        F: Future + 'static,
        F::Output: 'static,
    {
        let (task, notified, join) = task::new_task(future, me.clone(), id, location);
        if let Some(notified) = me.owned.bind(task, notified) {
            me.schedule(notified);
        }
        join
    }

    /// Wakes the core's thread if (and only if) it sleeps in the driver.
    fn unpark_if_parked(&self) {
        fence(SeqCst);
        if self.parked.load(SeqCst) {
            self.driver.unpark();
        }
    }

    /// The `block_on` future's waker, borrowing `me`'s reference: no count
    /// changes unless the future clones it (a clone owns a reference, as
    /// the vtable expects).
    fn block_on_waker_ref(me: &Arc<Handle>) -> WakerRef<'_> {
        let ptr = Arc::as_ptr(me).cast::<()>();
        // SAFETY: the vtable treats the pointer as an `Arc<Handle>` reference,
        // and the returned waker borrows `me`, which holds one.
        unsafe { WakerRef::new(RawWaker::new(ptr, &BLOCK_ON_WAKER_VTABLE)) }
    }

    fn wake_block_on(&self) {
        self.woken.store(true, SeqCst);
        self.unpark_if_parked();
    }

    pub(crate) fn spawned_tasks_count(&self) -> u64 {
        self.owned.spawned()
    }

    pub(crate) fn remote_schedule_count(&self) -> u64 {
        self.inject.pushes()
    }

    pub(crate) fn num_alive_tasks(&self) -> usize {
        self.owned.len()
    }

    pub(crate) fn injection_queue_depth(&self) -> usize {
        self.inject.len()
    }

    /// Task dump (weft extension): walks the owned list, see `runtime::dump`.
    pub(crate) fn dump(&self) -> crate::runtime::Dump {
        crate::runtime::Dump::collect(&self.owned)
    }
}

static BLOCK_ON_WAKER_VTABLE: RawWakerVTable = RawWakerVTable::new(
    block_on_waker_clone,
    block_on_waker_wake,
    block_on_waker_wake_by_ref,
    block_on_waker_drop,
);

unsafe fn block_on_waker_clone(ptr: *const ()) -> RawWaker {
    // SAFETY: `ptr` is a live `Arc<Handle>` reference owned by the waker being cloned.
    unsafe { Arc::increment_strong_count(ptr.cast::<Handle>()) };
    RawWaker::new(ptr, &BLOCK_ON_WAKER_VTABLE)
}

unsafe fn block_on_waker_wake(ptr: *const ()) {
    // SAFETY: the waker owns this reference and gives it up here.
    let handle = unsafe { Arc::from_raw(ptr.cast::<Handle>()) };
    handle.wake_block_on();
}

unsafe fn block_on_waker_wake_by_ref(ptr: *const ()) {
    // SAFETY: the waker's reference keeps the handle alive during the call.
    let handle = unsafe { &*ptr.cast::<Handle>() };
    handle.wake_block_on();
}

unsafe fn block_on_waker_drop(ptr: *const ()) {
    // SAFETY: the waker owns this reference and releases it here.
    drop(unsafe { Arc::from_raw(ptr.cast::<Handle>()) });
}

impl Schedule for Arc<Handle> {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.owned.release(task)
    }

    fn schedule(&self, task: Notified<Self>) {
        context::with_scheduler(|cx| match cx {
            Some(scheduler::Context::CurrentThread(cx)) if Arc::ptr_eq(self, &cx.handle) => {
                match cx.core.borrow_mut().as_mut() {
                    Some(core) => {
                        core.tasks.push_back(task);
                        self.driver.unpark_self();
                    }
                    // The core is out of the context only while shutting
                    // down: the task is being cancelled anyway.
                    None => drop(task),
                }
            }
            _ => {
                if self.inject.push(task) {
                    self.unpark_if_parked();
                }
            }
        });
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("current_thread::Handle")
            .field("id", &self.id)
            .finish()
    }
}
