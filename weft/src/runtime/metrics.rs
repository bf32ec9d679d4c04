//! `RuntimeMetrics`: a stable view of what the runtime is doing.

use crate::loom::sync::atomic::{
    AtomicBool, AtomicU64, AtomicUsize,
    Ordering::{Acquire, Relaxed, Release},
};
use crate::loom::sync::Mutex;
use crate::runtime::Handle;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

/// Counters of one worker, written by that worker only (plain stores; read
/// from anywhere with relaxed loads).
#[derive(Debug, Default)]
pub(crate) struct WorkerMetrics {
    park_count: AtomicU64,
    park_unpark_count: AtomicU64,
    busy_duration_ns: AtomicU64,
    /// Current-thread only (a multi-thread worker counts in its run queue).
    poll_count: AtomicU64,
    /// Current-thread only, updated once per batch of polls.
    local_queue_depth: AtomicUsize,
    /// The thread that ran the worker last (changes with `block_in_place`,
    /// and with the thread calling a current-thread runtime's `block_on`).
    thread_id: Mutex<Option<ThreadId>>,
    /// A thread runs the worker now; else it has no thread id.
    running: AtomicBool,
}

/// Per-worker counts that the scheduler keeps outside `WorkerMetrics`.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct WorkerStats {
    pub(crate) polls: u64,
    pub(crate) stolen: u64,
    pub(crate) steal_operations: u64,
    pub(crate) overflows: u64,
    pub(crate) local_queue_depth: usize,
}

impl WorkerMetrics {
    /// A current-thread worker polled a task.
    pub(crate) fn count_poll(&self) {
        Self::bump(&self.poll_count, 1);
    }

    pub(crate) fn poll_count(&self) -> u64 {
        self.poll_count.load(Relaxed)
    }

    pub(crate) fn set_local_queue_depth(&self, depth: usize) {
        self.local_queue_depth.store(depth, Relaxed);
    }

    pub(crate) fn local_queue_depth(&self) -> usize {
        self.local_queue_depth.load(Relaxed)
    }

    /// Thread `id` now runs this worker (`None`: no thread does).
    pub(crate) fn set_thread(&self, id: Option<ThreadId>) {
        if let Some(id) = id {
            *self.thread_id.lock() = Some(id);
        }
        self.running.store(id.is_some(), Release);
    }

    /// The thread that ran this worker last runs it again (`set_thread`
    /// without the lock: a current-thread runtime's `block_on` calls this).
    pub(crate) fn resume_thread(&self) {
        self.running.store(true, Release);
    }

    fn thread_id(&self) -> Option<ThreadId> {
        if self.running.load(Acquire) {
            *self.thread_id.lock()
        } else {
            None
        }
    }

    fn bump(counter: &AtomicU64, by: u64) {
        counter.store(counter.load(Relaxed).wrapping_add(by), Relaxed);
    }

    /// The worker goes to sleep; `busy_since` is when it last woke.
    /// The worker parks at `now` (read by the caller, which needs it too).
    pub(crate) fn about_to_park(&self, busy_since: Instant, now: Instant) {
        Self::bump(&self.park_count, 1);
        Self::bump(&self.park_unpark_count, 1);
        let busy = now
            .saturating_duration_since(busy_since)
            .as_nanos()
            .min(u128::from(u64::MAX)) as u64;
        Self::bump(&self.busy_duration_ns, busy);
    }

    /// The worker woke up; returns the new `busy_since`.
    pub(crate) fn unparked(&self) -> Instant {
        Self::bump(&self.park_unpark_count, 1);
        Instant::now()
    }

    /// The worker stops for good (shutdown): account its last busy stretch.
    pub(crate) fn stopped(&self, busy_since: Instant) {
        let busy = busy_since.elapsed().as_nanos().min(u128::from(u64::MAX)) as u64;
        Self::bump(&self.busy_duration_ns, busy);
    }
}

/// Handle to the runtime's metrics, from [`Runtime::metrics`](crate::runtime::Runtime::metrics)
/// or [`Handle::metrics`]. Every value is read when the method is called.
///
/// ```
/// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
/// let metrics = rt.metrics();
/// assert_eq!(metrics.num_workers(), 1);
/// assert_eq!(metrics.num_alive_tasks(), 0);
/// assert_eq!(metrics.global_queue_depth(), 0);
/// ```
#[derive(Clone, Debug)]
pub struct RuntimeMetrics {
    handle: Handle,
}

impl RuntimeMetrics {
    pub(crate) fn new(handle: Handle) -> RuntimeMetrics {
        RuntimeMetrics { handle }
    }

    /// The number of worker threads that run tasks (1 on the current-thread runtime).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().num_workers(), 1);
    /// ```
    pub fn num_workers(&self) -> usize {
        self.handle.inner.num_workers()
    }

    /// The number of tasks spawned on the runtime that have not completed.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let _task = rt.spawn(std::future::pending::<()>());
    /// assert_eq!(rt.metrics().num_alive_tasks(), 1);
    /// ```
    pub fn num_alive_tasks(&self) -> usize {
        self.handle.inner.num_alive_tasks()
    }

    /// The number of tasks waiting in the global (inject) queue.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// // Spawned from outside the runtime: queued remotely until block_on runs.
    /// let _task = rt.spawn(async {});
    /// assert_eq!(rt.metrics().global_queue_depth(), 1);
    /// ```
    pub fn global_queue_depth(&self) -> usize {
        self.handle.inner.injection_queue_depth()
    }

    /// The total time worker `worker` has spent busy (not parked).
    ///
    /// # Panics
    ///
    /// If `worker` is not below [`num_workers`](Self::num_workers).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let metrics = rt.metrics();
    /// rt.block_on(async { weft::spawn(async {}).await.unwrap() });
    /// drop(rt);
    /// assert!(metrics.worker_total_busy_duration(0) > std::time::Duration::ZERO);
    /// ```
    #[track_caller]
    pub fn worker_total_busy_duration(&self, worker: usize) -> Duration {
        Duration::from_nanos(self.worker(worker).busy_duration_ns.load(Relaxed))
    }

    /// How many times worker `worker` has parked (gone to sleep).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// let metrics = rt.metrics();
    /// rt.block_on(async { weft::time::sleep(std::time::Duration::from_millis(1)).await });
    /// assert!(metrics.worker_park_count(0) >= 1);
    /// ```
    #[track_caller]
    pub fn worker_park_count(&self, worker: usize) -> u64 {
        self.worker(worker).park_count.load(Relaxed)
    }

    /// How many times worker `worker` has parked or unparked: odd while it
    /// sleeps, even while it runs.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let metrics = rt.metrics();
    /// rt.block_on(rt.spawn(async {})).unwrap();
    /// drop(rt);
    /// assert_eq!(metrics.worker_park_unpark_count(0) % 2, 0);
    /// ```
    #[track_caller]
    pub fn worker_park_unpark_count(&self, worker: usize) -> u64 {
        self.worker(worker).park_unpark_count.load(Relaxed)
    }

    /// The number of task polls worker `worker` has started.
    ///
    /// Stable in weft (Tokio offers it only with `tokio_unstable`).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let metrics = rt.metrics();
    /// rt.block_on(async {
    ///     for _ in 0..3 {
    ///         weft::spawn(async {}).await.unwrap();
    ///     }
    /// });
    /// assert!(metrics.worker_poll_count(0) >= 3);
    /// ```
    #[track_caller]
    pub fn worker_poll_count(&self, worker: usize) -> u64 {
        self.stats(worker).polls
    }

    /// The number of tasks worker `worker` has stolen from other workers
    /// (always 0 on the current-thread runtime).
    ///
    /// Stable in weft (Tokio offers it only with `tokio_unstable`).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread().worker_threads(2).build().unwrap();
    /// let stolen: u64 = (0..2).map(|w| rt.metrics().worker_steal_count(w)).sum();
    /// let ops: u64 = (0..2).map(|w| rt.metrics().worker_steal_operations(w)).sum();
    /// assert!(stolen >= ops);
    /// ```
    #[track_caller]
    pub fn worker_steal_count(&self, worker: usize) -> u64 {
        self.stats(worker).stolen
    }

    /// The number of steals by worker `worker` that took at least one task.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().worker_steal_operations(0), 0);
    /// ```
    #[track_caller]
    pub fn worker_steal_operations(&self, worker: usize) -> u64 {
        self.stats(worker).steal_operations
    }

    /// The number of times worker `worker`'s local queue was full and moved
    /// half of its tasks to the global queue.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().worker_overflow_count(0), 0);
    /// ```
    #[track_caller]
    pub fn worker_overflow_count(&self, worker: usize) -> u64 {
        self.stats(worker).overflows
    }

    /// The number of tasks in worker `worker`'s local queue (a snapshot;
    /// the current-thread runtime updates it once per batch of polls).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread().worker_threads(1).build().unwrap();
    /// assert_eq!(rt.metrics().worker_local_queue_depth(0), 0);
    /// ```
    #[track_caller]
    pub fn worker_local_queue_depth(&self, worker: usize) -> usize {
        self.stats(worker).local_queue_depth
    }

    /// The thread that runs worker `worker` now, `None` while no thread
    /// does (before it starts, after shutdown, or, on the current-thread
    /// runtime, outside `block_on`).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let metrics = rt.metrics();
    /// let id = rt.block_on(async move { metrics.worker_thread_id(0) });
    /// assert_eq!(id, Some(std::thread::current().id()));
    /// assert_eq!(rt.metrics().worker_thread_id(0), None);
    /// ```
    #[track_caller]
    pub fn worker_thread_id(&self, worker: usize) -> Option<ThreadId> {
        self.worker(worker).thread_id()
    }

    /// The number of tasks spawned on the runtime since it started
    /// (`spawn_blocking` excluded).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { weft::spawn(async {}).await.unwrap() });
    /// assert_eq!(rt.metrics().spawned_tasks_count(), 1);
    /// ```
    pub fn spawned_tasks_count(&self) -> u64 {
        self.handle.inner.spawned_tasks_count()
    }

    /// The number of tasks scheduled from outside the runtime's workers
    /// (spawned or woken from another thread) through the global queue.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let _task = rt.spawn(async {});
    /// assert_eq!(rt.metrics().remote_schedule_count(), 1);
    /// ```
    pub fn remote_schedule_count(&self) -> u64 {
        self.handle.inner.remote_schedule_count()
    }

    #[track_caller]
    fn stats(&self, worker: usize) -> WorkerStats {
        let _ = self.worker(worker); // the range check and its message
        self.handle.inner.worker_stats(worker)
    }

    #[track_caller]
    fn worker(&self, worker: usize) -> &WorkerMetrics {
        let all = self.handle.inner.worker_metrics();
        assert!(
            worker < all.len(),
            "worker index {worker} out of range: the runtime has {} workers",
            all.len()
        );
        &all[worker]
    }

    /// The number of threads the blocking pool has started and not retired.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(rt.spawn_blocking(|| ())).unwrap();
    /// assert!(rt.metrics().num_blocking_threads() >= 1);
    /// ```
    pub fn num_blocking_threads(&self) -> usize {
        self.handle.inner.blocking_spawner().num_threads()
    }

    /// The number of blocking-pool threads waiting for work.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().num_idle_blocking_threads(), 0);
    /// ```
    pub fn num_idle_blocking_threads(&self) -> usize {
        self.handle.inner.blocking_spawner().num_idle_threads()
    }

    /// The number of blocking tasks waiting for a thread.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().blocking_queue_depth(), 0);
    /// ```
    pub fn blocking_queue_depth(&self) -> usize {
        self.handle.inner.blocking_spawner().queue_depth()
    }
}
