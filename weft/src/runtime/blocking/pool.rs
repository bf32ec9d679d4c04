//! Threads for blocking work, created on demand and retired when idle.
//!
//! Protocol (all under the pool mutex, except the spin of step 2; the idle
//! accounting is `idle::Idle`):
//! 1. `spawn` queues the task; if a thread is idle it claims it and signals
//!    the condvar, unless a spinning thread will take the claim; otherwise,
//!    below the thread cap, it starts a thread; at the cap the task waits in
//!    the queue for the next thread that finishes (never rejected, never run
//!    inline).
//! 2. A thread runs queued tasks until the queue is empty, then goes idle.
//!    It first spins, lock released, for up to `POOL_SPIN_BUDGET`, watching
//!    `queue_depth`: a caller that hands out short blocking work back to back
//!    (`spawn_blocking(..).await` in a loop) gets its next task picked up
//!    without either side sleeping. It then relocks and takes a claim if
//!    there is one; if not, it waits on the condvar up to `keep_alive`. It
//!    leaves the wait only by taking a claim (work for it), by shutdown, or
//!    by timing out (it then retires). A spurious condvar wake is ignored.
//!    A thread whose closure returned a value without drop glue goes idle
//!    (and starts its spin) right then, before the task completes and wakes
//!    its `JoinHandle` (`BlockingTask` calls `closure_returned`), provided the
//!    queue is empty: a waiter that spins sees the result within a
//!    microsecond and may call `spawn_blocking` again before this thread
//!    would otherwise have gone idle, which used to find no idle thread and
//!    start a new one, then signal sleeping threads back and forth. What is
//!    left to run on this thread before it looks at its claim is the task's
//!    completion: storing the value and the `JoinHandle`'s wake; a value
//!    with drop glue may be dropped there (when the handle is gone), which is
//!    user code that could wait for other blocking work, so those tasks take
//!    the normal path.
//! 3. `shutdown` sets the flag and wakes every thread; threads cancel what is
//!    still queued and exit. The caller waits for the last thread to exit,
//!    up to its timeout; threads still running user code are left running.

use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use crate::loom::sync::{self, Arc, Condvar, Mutex};
use crate::runtime::blocking::idle::{Claim, Idle};
use crate::runtime::blocking::{BlockingSchedule, BlockingTask};
use crate::runtime::park::AdaptiveSpin;
use crate::runtime::{context, scheduler};
use crate::task::{self, JoinHandle, Notified};
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::panic::Location;
use std::time::{Duration, Instant};

/// How long an idle pool thread watches for new work before sleeping.
///
/// Twice the waiter's budget (`park::SPIN_BUDGET`): the next task comes only
/// after the waiter has seen the result, returned, and called
/// `spawn_blocking` again, and a waiter that missed its own spin needs a
/// wake-up first. Measured on the 2-vCPU VM (`spawn_blocking` round trips
/// from `block_on` on the current-thread runtime): with 8 us the pool thread
/// often missed the next task and slept (one futex wait and one wake per
/// round trip); with 16-20 us it mostly did not. `AdaptiveSpin` bounds what
/// this costs where no task follows (at most four full spins in a row).
const POOL_SPIN_BUDGET: Duration = Duration::from_micros(16);

pub(crate) type Callback = std::sync::Arc<dyn Fn() + Send + Sync>;
/// Runs a user hook (`on_thread_start`, `on_thread_park`, ...). A panic in
/// it is reported by the panic hook as usual and then contained: a hook
/// must not take a worker, and with it the runtime's shutdown, down.
pub(crate) fn run_hook(hook: &Callback) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| hook()));
}

pub(crate) type ThreadNameFn = std::sync::Arc<dyn Fn() -> String + Send + Sync + 'static>;

/// Owned by the runtime; shutting it down waits for the threads.
pub(crate) struct BlockingPool {
    spawner: Spawner,
}

/// Shared by every handle of the runtime.
#[derive(Clone)]
pub(crate) struct Spawner {
    inner: Arc<Inner>,
}

pub(crate) struct Config {
    pub(crate) thread_name: ThreadNameFn,
    pub(crate) stack_size: Option<usize>,
    pub(crate) after_start: Option<Callback>,
    pub(crate) before_stop: Option<Callback>,
    pub(crate) thread_cap: usize,
    pub(crate) keep_alive: Duration,
    /// Pool threads that are the runtime's workers (not counted as blocking threads).
    pub(crate) scheduler_threads: usize,
}

struct Inner {
    shared: Mutex<Shared>,
    condvar: Condvar,
    /// Signalled when the last thread exits after shutdown.
    exited: Condvar,
    config: Config,
    num_threads: AtomicUsize,
    num_idle: AtomicUsize,
    queue_depth: AtomicUsize,
    /// Blocking tasks (not the runtime's own threads) from `spawn` until the
    /// thread that ran them returned from `run`, which is after the task's
    /// completion woke its `JoinHandle`: a waiter that parks while this is
    /// non-zero may be woken at any moment (see `has_work_in_flight`).
    in_flight: AtomicUsize,
}

/// A queued blocking task. Mandatory tasks (the runtime's own worker
/// threads) run even when the pool is shutting down.
struct Queued {
    task: Notified<BlockingSchedule>,
    mandatory: bool,
    /// Counted in `in_flight` (everything but the runtime's own threads).
    counted: bool,
}

struct Shared {
    queue: VecDeque<Queued>,
    num_threads: usize,
    idle: Idle,
    shutdown: bool,
    threads: HashMap<usize, std::thread::JoinHandle<()>>,
    next_thread_index: usize,
}

impl BlockingPool {
    pub(crate) fn new(config: Config) -> BlockingPool {
        BlockingPool {
            spawner: Spawner {
                inner: Arc::new(Inner {
                    shared: Mutex::new(Shared {
                        queue: VecDeque::new(),
                        num_threads: 0,
                        idle: Idle::default(),
                        shutdown: false,
                        threads: HashMap::new(),
                        next_thread_index: 0,
                    }),
                    condvar: Condvar::new(),
                    exited: Condvar::new(),
                    config,
                    num_threads: AtomicUsize::new(0),
                    num_idle: AtomicUsize::new(0),
                    queue_depth: AtomicUsize::new(0),
                    in_flight: AtomicUsize::new(0),
                }),
            },
        }
    }

    pub(crate) fn spawner(&self) -> &Spawner {
        &self.spawner
    }

    /// Step 3. `timeout` of `None` waits for every thread; `Some(ZERO)` does not wait.
    pub(crate) fn shutdown(&mut self, timeout: Option<Duration>) {
        let inner = &self.spawner.inner;
        let mut shared = inner.shared.lock();
        if shared.shutdown {
            return;
        }
        shared.shutdown = true;
        inner.condvar.notify_all();

        if timeout == Some(Duration::ZERO) {
            return;
        }
        if context::try_enter_blocking_region().is_none() {
            drop(shared);
            if std::thread::panicking() {
                return;
            }
            panic!(
                "Cannot drop a runtime in a context where blocking is not allowed. \
                 This happens when a runtime is dropped from within an asynchronous context."
            );
        }
        let deadline = timeout.and_then(|t| Instant::now().checked_add(t));
        while shared.num_threads > 0 {
            match deadline {
                None => shared = sync::wait(&inner.exited, shared),
                Some(deadline) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return;
                    }
                    shared = sync::wait_timeout(&inner.exited, shared, deadline - now);
                }
            }
        }
        let threads: Vec<_> = shared.threads.drain().map(|(_, t)| t).collect();
        drop(shared);
        for thread in threads {
            let _ = thread.join();
        }
    }
}

impl Drop for BlockingPool {
    fn drop(&mut self) {
        self.shutdown(None);
    }
}

/// Which tasks the pool still takes once it is shutting down.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Admit {
    /// `spawn_blocking`: refused after shutdown, dropped from the queue by it.
    Cancellable,
    /// Writes (`spawn_mandatory_blocking`): refused after shutdown, but run
    /// once queued.
    UnlessShutDown,
    /// Worker threads: always run, so that every core reaches shutdown.
    Always,
}

impl Spawner {
    /// Queues `func` to run on a pool thread.
    #[track_caller]
    pub(crate) fn spawn_blocking<F, R>(&self, rt: &scheduler::Handle, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let location = Location::caller();
        let id = task::Id::next();
        let (task, notified, join) = task::new_task(
            BlockingTask::new(func),
            BlockingSchedule::new(rt, true),
            id,
            location,
        );
        // Blocking tasks are in no owned list: shutdown reaches them through the queue.
        drop(task);
        self.spawn(notified, Admit::Cancellable, rt);
        join
    }

    /// Like `spawn_blocking`, but the task runs even if the pool shuts down
    /// before a thread picks it up (Tokio's `spawn_mandatory_blocking`):
    /// `fs::File` and stdout writes, which the caller was already told
    /// succeeded, are never dropped from the queue. `None` when the pool has
    /// already shut down: the caller reports the write as failed instead.
    #[track_caller]
    pub(crate) fn spawn_mandatory_blocking<F, R>(
        &self,
        rt: &scheduler::Handle,
        func: F,
    ) -> Option<JoinHandle<R>>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let location = Location::caller();
        let id = task::Id::next();
        let (task, notified, join) = task::new_task(
            BlockingTask::new(func),
            BlockingSchedule::new(rt, true),
            id,
            location,
        );
        drop(task);
        self.spawn(notified, Admit::UnlessShutDown, rt)
            .then_some(join)
    }

    /// Runs `func` on a pool thread even if the pool is shutting down (the
    /// runtime's worker threads: a worker core must always reach shutdown).
    #[track_caller]
    pub(crate) fn spawn_mandatory<F>(&self, rt: &scheduler::Handle, func: F)
    where
        F: FnOnce() + Send + 'static,
    {
        let location = Location::caller();
        let id = task::Id::next();
        let (task, notified, join) = task::new_task(
            BlockingTask::new(func),
            BlockingSchedule::new(rt, false),
            id,
            location,
        );
        drop(task);
        drop(join);
        self.spawn(notified, Admit::Always, rt);
    }

    /// Step 1. `false` if the task was refused (and cancelled).
    fn spawn(
        &self,
        task: Notified<BlockingSchedule>,
        admit: Admit,
        rt: &scheduler::Handle,
    ) -> bool {
        let inner = &self.inner;
        let mut shared = inner.shared.lock();
        if shared.shutdown && admit != Admit::Always {
            drop(shared);
            // The runtime is gone: cancel the task, its JoinHandle sees it.
            task.into_raw().shutdown();
            return false;
        }
        let mandatory = admit != Admit::Cancellable;
        let counted = admit != Admit::Always;
        if counted {
            inner.in_flight.fetch_add(1, Ordering::Relaxed);
        }
        shared.queue.push_back(Queued {
            task,
            mandatory,
            counted,
        });
        inner.queue_depth.fetch_add(1, Ordering::Relaxed);
        match shared.idle.claim() {
            Claim::NoIdleThread => {}
            claim => {
                inner
                    .num_idle
                    .store(shared.idle.num_idle(), Ordering::Relaxed);
                // Signal after unlocking: a thread woken while we still held
                // the lock would only go back to sleep on it (two more futex
                // calls). A spinning thread needs no signal at all.
                drop(shared);
                if claim == Claim::Sleeper {
                    inner.condvar.notify_one();
                }
                return true;
            }
        }
        if shared.num_threads >= inner.config.thread_cap && !shared.shutdown {
            return true; // step 1: queued until a thread is free
        }
        let index = shared.next_thread_index;
        match self.spawn_thread(index, rt) {
            Ok(handle) => {
                shared.next_thread_index += 1;
                shared.num_threads += 1;
                inner
                    .num_threads
                    .store(shared.num_threads, Ordering::Relaxed);
                shared.threads.insert(index, handle);
            }
            Err(e) if shared.num_threads == 0 => {
                panic!("OS can't spawn worker thread: {e}")
            }
            // Another thread will get to the task.
            Err(_) => {}
        }
        true
    }

    fn spawn_thread(
        &self,
        index: usize,
        rt: &scheduler::Handle,
    ) -> std::io::Result<std::thread::JoinHandle<()>> {
        let mut builder = std::thread::Builder::new().name((self.inner.config.thread_name)());
        if let Some(size) = self.inner.config.stack_size {
            builder = builder.stack_size(size);
        }
        let rt = rt.clone();
        let inner = self.inner.clone();
        builder.spawn(move || {
            // Tasks on pool threads see the runtime as current (Handle::current works).
            let _enter = context::try_set_current(&rt);
            drop(rt);
            // Step 2's early idle finds its pool here (cleared by `run`).
            #[cfg(not(loom))]
            let _ = POOL_THREAD.try_with(|(pool, _)| *pool.borrow_mut() = Some(inner.clone()));
            inner.run(index);
        })
    }

    /// Threads running blocking work (the runtime's workers excluded).
    pub(crate) fn num_threads(&self) -> usize {
        self.inner
            .num_threads
            .load(Ordering::Relaxed)
            .saturating_sub(self.inner.config.scheduler_threads)
    }

    pub(crate) fn num_idle_threads(&self) -> usize {
        self.inner.num_idle.load(Ordering::Relaxed)
    }

    /// Whether a blocking task is queued, running, or completing (up to its
    /// `JoinHandle`'s wake), so that its completion may soon wake someone. A
    /// hint, read without the lock.
    pub(crate) fn has_work_in_flight(&self) -> bool {
        self.inner.in_flight.load(Ordering::Relaxed) != 0
    }

    pub(crate) fn queue_depth(&self) -> usize {
        self.inner.queue_depth.load(Ordering::Relaxed)
    }
}

#[cfg(not(loom))]
thread_local! {
    /// The pool this thread belongs to, and whether it went idle early
    /// (step 2) during the task it is running.
    static POOL_THREAD: (std::cell::RefCell<Option<Arc<Inner>>>, std::cell::Cell<bool>) =
        const { (std::cell::RefCell::new(None), std::cell::Cell::new(false)) };
}

/// Step 2, going idle early: called by `BlockingTask` on a pool thread when
/// its closure returned a value without drop glue, before the task completes.
pub(crate) fn closure_returned() {
    #[cfg(not(loom))]
    let _ = POOL_THREAD.try_with(|(pool, early)| {
        let pool = pool.borrow();
        let Some(inner) = pool.as_ref() else {
            return;
        };
        let mut shared = inner.shared.lock();
        // Queued work waits for this thread: it must not hide as idle.
        if early.get() || shared.shutdown || !shared.queue.is_empty() {
            return;
        }
        shared.idle.go_idle();
        inner
            .num_idle
            .store(shared.idle.num_idle(), Ordering::Relaxed);
        shared.idle.start_spin();
        early.set(true);
    });
}

/// Whether this thread went idle early during the task it just ran (and
/// clears the mark).
fn went_idle_early() -> bool {
    #[cfg(not(loom))]
    return POOL_THREAD
        .try_with(|(_, early)| early.replace(false))
        .unwrap_or(false);
    #[cfg(loom)]
    false
}

impl Inner {
    /// Step 2: the life of one pool thread.
    fn run(&self, index: usize) {
        if let Some(f) = &self.config.after_start {
            run_hook(f);
        }
        // Whether this thread's spins for new work have been paying off.
        let mut spin = AdaptiveSpin::new();
        let mut shared = self.shared.lock();
        'main: loop {
            // Already counted idle and spinning (`closure_returned`).
            let mut spinning = false;
            while let Some(queued) = shared.queue.pop_front() {
                self.queue_depth.fetch_sub(1, Ordering::Relaxed);
                drop(shared);
                let counted = queued.counted;
                queued.task.run();
                if counted {
                    self.in_flight.fetch_sub(1, Ordering::Relaxed);
                }
                shared = self.shared.lock();
                if went_idle_early() {
                    spinning = true;
                    break;
                }
            }
            if !spinning {
                shared.idle.go_idle();
                self.num_idle
                    .store(shared.idle.num_idle(), Ordering::Relaxed);
                if !shared.shutdown {
                    shared.idle.start_spin();
                    spinning = true;
                }
            }
            if spinning {
                drop(shared);
                // A hint only: the claim is checked under the lock below.
                spin.spin_until(POOL_SPIN_BUDGET, || {
                    self.queue_depth.load(Ordering::Relaxed) != 0
                });
                shared = self.shared.lock();
                if shared.idle.stop_spin() {
                    continue 'main;
                }
            }
            while !shared.shutdown {
                let started = Instant::now();
                shared = sync::wait_timeout(&self.condvar, shared, self.config.keep_alive);
                if shared.idle.take_claim() {
                    // `spawn` already took us off the idle count.
                    continue 'main;
                }
                if !shared.shutdown && started.elapsed() >= self.config.keep_alive {
                    // Retire: detach our JoinHandle, nobody will join us.
                    shared.threads.remove(&index);
                    shared.idle.leave();
                    self.num_idle
                        .store(shared.idle.num_idle(), Ordering::Relaxed);
                    break 'main;
                }
            }
            // Shutdown: cancel what is queued, then exit.
            shared.idle.leave();
            self.num_idle
                .store(shared.idle.num_idle(), Ordering::Relaxed);
            while let Some(queued) = shared.queue.pop_front() {
                self.queue_depth.fetch_sub(1, Ordering::Relaxed);
                drop(shared);
                let counted = queued.counted;
                if queued.mandatory {
                    queued.task.run();
                } else {
                    queued.task.into_raw().shutdown();
                }
                if counted {
                    self.in_flight.fetch_sub(1, Ordering::Relaxed);
                }
                shared = self.shared.lock();
            }
            break;
        }
        drop(shared);
        #[cfg(not(loom))]
        let _ = POOL_THREAD.try_with(|(pool, _)| pool.borrow_mut().take());
        if let Some(f) = &self.config.before_stop {
            run_hook(f);
        }
        let mut shared = self.shared.lock();
        shared.num_threads -= 1;
        self.num_threads
            .store(shared.num_threads, Ordering::Relaxed);
        if shared.num_threads == 0 {
            self.exited.notify_all();
        }
    }
}

impl fmt::Debug for BlockingPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingPool").finish()
    }
}

impl fmt::Debug for Spawner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Spawner").finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use crate::runtime::Builder;

    /// Step 2, going idle early: the waiter can only see the result after
    /// the thread that produced it is idle again, so one `spawn_blocking`
    /// after another always finds that thread (before, a waiter that was
    /// fast enough found none and started a new thread).
    #[test]
    fn back_to_back_spawn_blocking_reuses_one_thread() {
        #[allow(unused_mut)] // without rt-multi-thread there is only one
        let mut runtimes = vec![Builder::new_current_thread().enable_all().build().unwrap()];
        #[cfg(feature = "rt-multi-thread")]
        runtimes.push(
            Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .build()
                .unwrap(),
        );
        for rt in runtimes {
            for i in 0..300_u64 {
                let v = rt
                    .block_on(async move { crate::task::spawn_blocking(move || i).await.unwrap() });
                assert_eq!(v, i);
            }
            assert_eq!(rt.metrics().num_blocking_threads(), 1);
        }
    }

    /// A value with drop glue takes the normal path, and still arrives.
    #[test]
    fn values_with_drop_glue_still_arrive() {
        let rt = Builder::new_current_thread().build().unwrap();
        for i in 0..50 {
            let s = rt.block_on(async move {
                crate::task::spawn_blocking(move || i.to_string())
                    .await
                    .unwrap()
            });
            assert_eq!(s, i.to_string());
        }
    }
}
