//! `Runtime`: owns the scheduler, the drivers and the blocking pool.

use crate::runtime::blocking::BlockingPool;
use crate::runtime::scheduler::current_thread::CurrentThread;
use crate::runtime::scheduler::multi_thread::MultiThread;
use crate::runtime::{context, EnterGuard, Handle, RuntimeMetrics};
use crate::task::JoinHandle;
use std::fmt;
use std::future::Future;
use std::time::Duration;

/// The weft runtime: a task scheduler, an I/O driver, a timer and a blocking
/// pool. Dropping it shuts everything down (see [`Runtime::shutdown_timeout`]).
///
/// ```
/// use weft::runtime::Runtime;
///
/// let rt = Runtime::new().unwrap();
/// let answer = rt.block_on(async {
///     let handle = weft::spawn(async { 6 * 7 });
///     handle.await.unwrap()
/// });
/// assert_eq!(answer, 42);
/// ```
pub struct Runtime {
    scheduler: Scheduler,
    handle: Handle,
    blocking_pool: BlockingPool,
}

pub(crate) enum Scheduler {
    CurrentThread(CurrentThread),
    MultiThread(MultiThread),
}

/// The flavor of a runtime, from [`Handle::runtime_flavor`].
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
#[non_exhaustive]
pub enum RuntimeFlavor {
    /// The current-thread scheduler: tasks run on the `block_on` thread.
    CurrentThread,
    /// The multi-thread, work-stealing scheduler.
    MultiThread,
}

impl Runtime {
    pub(crate) fn from_parts(
        scheduler: Scheduler,
        handle: Handle,
        blocking_pool: BlockingPool,
    ) -> Runtime {
        Runtime {
            scheduler,
            handle,
            blocking_pool,
        }
    }

    /// Creates a multi-thread runtime with every driver enabled, as
    /// `Builder::new_multi_thread().enable_all().build()`.
    ///
    /// ```
    /// let rt = weft::runtime::Runtime::new().unwrap();
    /// rt.block_on(async { println!("hello from weft") });
    /// ```
    #[cfg(feature = "rt-multi-thread")]
    pub fn new() -> std::io::Result<Runtime> {
        crate::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
    }

    /// Returns a handle to the runtime's spawner.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let handle = rt.handle().clone();
    /// let join = handle.spawn(async { 1 });
    /// assert_eq!(rt.block_on(join).unwrap(), 1);
    /// ```
    pub fn handle(&self) -> &Handle {
        &self.handle
    }

    /// Spawns a future onto the runtime. See [`Handle::spawn`].
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let join = rt.spawn(async { "done" });
    /// assert_eq!(rt.block_on(join).unwrap(), "done");
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.handle.spawn(future)
    }

    /// Runs `func` on the blocking pool. See [`Handle::spawn_blocking`].
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let join = rt.spawn_blocking(|| 2 + 2);
    /// assert_eq!(rt.block_on(join).unwrap(), 4);
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.handle.spawn_blocking(func)
    }

    /// Runs a future to completion on this runtime, on the current thread.
    ///
    /// On the current-thread runtime, spawned tasks run only while some thread
    /// is inside `block_on`; tasks left unfinished resume at the next call.
    ///
    /// # Panics
    ///
    /// If called from inside a runtime (an async context):
    /// "Cannot start a runtime from within a runtime...".
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.block_on(async { 40 + 2 }), 42);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        match &self.scheduler {
            Scheduler::CurrentThread(s) => s.block_on(&self.handle.inner, future),
            Scheduler::MultiThread(s) => s.block_on(&self.handle.inner, future),
        }
    }

    /// Enters the runtime context: `spawn`, `Handle::current` and timers work
    /// on this thread until the guard is dropped.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let _guard = rt.enter();
    /// let join = weft::spawn(async { 3 });
    /// # drop(_guard);
    /// assert_eq!(rt.block_on(join).unwrap(), 3);
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        self.handle.enter()
    }

    /// Shuts the runtime down, waiting at most `duration` for blocking tasks
    /// to finish. Tasks are cancelled; blocking threads still running after
    /// the timeout are left to finish on their own.
    ///
    /// ```
    /// use std::time::Duration;
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.spawn_blocking(|| std::thread::sleep(Duration::from_secs(1)));
    /// rt.shutdown_timeout(Duration::from_millis(10)); // returns quickly
    /// ```
    pub fn shutdown_timeout(mut self, duration: Duration) {
        self.shutdown_scheduler();
        self.blocking_pool.shutdown(Some(duration));
    }

    /// Shuts the runtime down without waiting for blocking tasks. Unlike
    /// dropping the runtime, it may be called from an async context.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.shutdown_background();
    /// ```
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }

    /// Returns a view of the runtime's metrics.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.metrics().num_workers(), 1);
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        self.handle.metrics()
    }

    /// Takes a dump of the runtime's live tasks. See [`Handle::dump`].
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let _task = rt.spawn(std::future::pending::<()>());
    /// assert_eq!(rt.dump().tasks().len(), 1);
    /// ```
    pub fn dump(&self) -> crate::runtime::Dump {
        self.handle.dump()
    }

    fn shutdown_scheduler(&mut self) {
        // The blocked-worker monitor (if any) exits; the pool's drop joins it.
        if let Some(watch) = self.handle.inner.blocked_watch() {
            watch.stop();
        }
        match &mut self.scheduler {
            Scheduler::CurrentThread(s) => {
                // Tasks are cancelled on this thread, with the runtime current.
                let _guard = context::try_set_current(&self.handle.inner);
                s.shutdown(&self.handle.inner);
            }
            // Workers cancel their tasks on their own threads, in the runtime's context.
            Scheduler::MultiThread(s) => s.shutdown(&self.handle.inner),
        }
    }
}

// A panic while the runtime is borrowed leaves it usable: tasks are
// isolated by `catch_unwind` and its shared state is never half-updated.
impl std::panic::UnwindSafe for Runtime {}
impl std::panic::RefUnwindSafe for Runtime {}

impl Drop for Runtime {
    fn drop(&mut self) {
        self.shutdown_scheduler();
        // The blocking pool's own drop waits for its threads.
    }
}

impl fmt::Debug for Runtime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Runtime")
            .field("flavor", &self.handle.runtime_flavor())
            .field("id", &self.handle.id())
            .finish()
    }
}
