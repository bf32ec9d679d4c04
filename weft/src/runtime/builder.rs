//! `Builder`: configures and builds a `Runtime`.

use crate::runtime::blocking::{self, pool::Callback, pool::ThreadNameFn, BlockingPool};
use crate::runtime::config::Config;
use crate::runtime::driver::{self, Driver};
use crate::runtime::scheduler::{self, current_thread::CurrentThread};
use crate::runtime::{Handle, LocalOptions, LocalRuntime, Runtime};
use std::fmt;
use std::io;
use std::time::Duration;

/// Builds a runtime with custom configuration values.
///
/// Methods can be chained to set the configuration values; [`build`](Builder::build)
/// then constructs the [`Runtime`].
///
/// ```
/// use weft::runtime::Builder;
///
/// let rt = Builder::new_current_thread()
///     .enable_all()
///     .thread_name("my-worker")
///     .build()
///     .unwrap();
/// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
/// ```
pub struct Builder {
    kind: Kind,
    enable_io: bool,
    enable_time: bool,
    start_paused: bool,
    worker_threads: Option<usize>,
    max_blocking_threads: usize,
    thread_name: ThreadNameFn,
    thread_stack_size: Option<usize>,
    after_start: Option<Callback>,
    before_stop: Option<Callback>,
    before_park: Option<Callback>,
    after_unpark: Option<Callback>,
    keep_alive: Option<Duration>,
    global_queue_interval: Option<u32>,
    event_interval: u32,
    disable_lifo_slot: bool,
    name: Option<String>,
    #[allow(dead_code)]
    nevents: usize,
    nevents_busy: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    CurrentThread,
    #[cfg(feature = "rt-multi-thread")]
    MultiThread,
}

const DEFAULT_EVENT_INTERVAL: u32 = 61;
const CURRENT_THREAD_GLOBAL_QUEUE_INTERVAL: u32 = 31;
#[cfg(feature = "rt-multi-thread")]
const MULTI_THREAD_GLOBAL_QUEUE_INTERVAL: u32 = 61;
const DEFAULT_KEEP_ALIVE: Duration = Duration::from_secs(10);

impl Builder {
    /// Returns a new builder for the current-thread scheduler: every task
    /// runs on the thread that calls [`Runtime::block_on`].
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { println!("on the current thread") });
    /// ```
    pub fn new_current_thread() -> Builder {
        Builder::new(Kind::CurrentThread)
    }

    /// Returns a new builder for the multi-thread, work-stealing scheduler.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread()
    ///     .worker_threads(2)
    ///     .enable_all()
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(rt.block_on(async { weft::spawn(async { 7 }).await.unwrap() }), 7);
    /// ```
    #[cfg(feature = "rt-multi-thread")]
    pub fn new_multi_thread() -> Builder {
        Builder::new(Kind::MultiThread)
    }

    fn new(kind: Kind) -> Builder {
        Builder {
            kind,
            enable_io: false,
            enable_time: false,
            start_paused: false,
            worker_threads: None,
            max_blocking_threads: 512,
            thread_name: std::sync::Arc::new(|| "tokio-rt-worker".into()),
            thread_stack_size: None,
            after_start: None,
            before_stop: None,
            before_park: None,
            after_unpark: None,
            keep_alive: None,
            global_queue_interval: None,
            event_interval: DEFAULT_EVENT_INTERVAL,
            disable_lifo_slot: false,
            name: None,
            nevents: 1024,
            nevents_busy: None,
        }
    }

    /// Enables both the I/O and the time drivers.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    /// # drop(rt);
    /// ```
    pub fn enable_all(&mut self) -> &mut Self {
        self.enable_io();
        self.enable_time();
        self
    }

    /// Enables the I/O driver (needed by `net`, `signal` and `process`).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().enable_io().build().unwrap();
    /// # drop(rt);
    /// ```
    pub fn enable_io(&mut self) -> &mut Self {
        self.enable_io = true;
        self
    }

    /// Enables the time driver (needed by `time::sleep` and friends).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().enable_time().build().unwrap();
    /// # drop(rt);
    /// ```
    pub fn enable_time(&mut self) -> &mut Self {
        self.enable_time = true;
        self
    }

    /// Sets the number of worker threads of the multi-thread runtime (default:
    /// the number of cores). Ignored by the current-thread runtime.
    ///
    /// # Panics
    ///
    /// If `val` is 0.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread().worker_threads(4).build().unwrap();
    /// assert_eq!(rt.metrics().num_workers(), 4);
    /// ```
    #[track_caller]
    pub fn worker_threads(&mut self, val: usize) -> &mut Self {
        assert!(val > 0, "Worker threads cannot be set to 0");
        self.worker_threads = Some(val);
        self
    }

    /// Sets the most threads the blocking pool may run (default 512).
    ///
    /// # Panics
    ///
    /// If `val` is 0.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().max_blocking_threads(8).build().unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn max_blocking_threads(&mut self, val: usize) -> &mut Self {
        assert!(val > 0, "Max blocking threads cannot be set to 0");
        self.max_blocking_threads = val;
        self
    }

    /// Sets the name of the threads the runtime starts (default "tokio-rt-worker",
    /// kept for compatibility with tools that look for it).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().thread_name("worker").build().unwrap();
    /// let name = rt.block_on(async {
    ///     weft::task::spawn_blocking(|| std::thread::current().name().map(String::from))
    ///         .await
    ///         .unwrap()
    /// });
    /// assert_eq!(name.as_deref(), Some("worker"));
    /// ```
    pub fn thread_name(&mut self, val: impl Into<String>) -> &mut Self {
        let val = val.into();
        self.thread_name = std::sync::Arc::new(move || val.clone());
        self
    }

    /// Sets a function that names each thread the runtime starts.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicUsize, Ordering};
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .thread_name_fn(|| {
    ///         static ID: AtomicUsize = AtomicUsize::new(0);
    ///         format!("pool-{}", ID.fetch_add(1, Ordering::SeqCst))
    ///     })
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn thread_name_fn<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() -> String + Send + Sync + 'static,
    {
        self.thread_name = std::sync::Arc::new(f);
        self
    }

    /// Sets the stack size (in bytes) of the threads the runtime starts.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .thread_stack_size(4 * 1024 * 1024)
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn thread_stack_size(&mut self, val: usize) -> &mut Self {
        self.thread_stack_size = Some(val);
        self
    }

    /// Runs `f` on each thread the runtime starts, before it does anything else.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .on_thread_start(|| println!("thread started"))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn on_thread_start<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.after_start = Some(std::sync::Arc::new(f));
        self
    }

    /// Runs `f` on each thread the runtime started, just before it exits.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .on_thread_stop(|| println!("thread stopping"))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn on_thread_stop<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.before_stop = Some(std::sync::Arc::new(f));
        self
    }

    /// Runs `f` just before a scheduler thread parks (goes idle).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .on_thread_park(|| println!("parking"))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn on_thread_park<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.before_park = Some(std::sync::Arc::new(f));
        self
    }

    /// Runs `f` just after a scheduler thread unparks.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .on_thread_unpark(|| println!("unparked"))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn on_thread_unpark<F>(&mut self, f: F) -> &mut Self
    where
        F: Fn() + Send + Sync + 'static,
    {
        self.after_unpark = Some(std::sync::Arc::new(f));
        self
    }

    /// Sets how long an idle blocking-pool thread lives (default 10 s).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .thread_keep_alive(std::time::Duration::from_millis(100))
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    pub fn thread_keep_alive(&mut self, duration: Duration) -> &mut Self {
        self.keep_alive = Some(duration);
        self
    }

    /// Sets how many ticks pass between checks of the global queue ahead of
    /// the local one (default 31 on the current-thread runtime, 61 on the
    /// multi-thread one).
    ///
    /// # Panics
    ///
    /// If `val` is 0.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().global_queue_interval(10).build().unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn global_queue_interval(&mut self, val: u32) -> &mut Self {
        assert!(val > 0, "global_queue_interval must be greater than 0");
        self.global_queue_interval = Some(val);
        self
    }

    /// Sets how many ticks pass between polls of the I/O and timer drivers
    /// while tasks are ready (default 61).
    ///
    /// # Panics
    ///
    /// If `val` is 0.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().event_interval(31).build().unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn event_interval(&mut self, val: u32) -> &mut Self {
        assert!(val > 0, "event_interval must be greater than 0");
        self.event_interval = val;
        self
    }

    /// Disables the LIFO slot of the multi-thread scheduler: tasks woken by a
    /// running task go to the back of the queue instead of running next.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread().disable_lifo_slot().build().unwrap();
    /// # drop(rt);
    /// ```
    pub fn disable_lifo_slot(&mut self) -> &mut Self {
        self.disable_lifo_slot = true;
        self
    }

    /// Names the runtime (shown by `Handle::name`).
    ///
    /// # Panics
    ///
    /// If the name is empty.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().name("server").build().unwrap();
    /// assert_eq!(rt.handle().name(), Some("server"));
    /// ```
    #[track_caller]
    pub fn name(&mut self, val: impl Into<String>) -> &mut Self {
        let val = val.into();
        assert!(!val.trim().is_empty(), "runtime name shouldn't be empty");
        self.name = Some(val);
        self
    }

    /// Sets the most I/O events processed per driver tick (default 1024).
    /// Events beyond it stay with the kernel until the next tick.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().max_io_events_per_tick(256).build().unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn max_io_events_per_tick(&mut self, capacity: usize) -> &mut Self {
        assert!(capacity > 0, "max_io_events_per_tick must be non-zero");
        self.nevents = capacity;
        self
    }

    /// Sets the most I/O events processed when a worker polls the driver
    /// while it still has tasks to run (every `event_interval` tasks).
    ///
    /// Every task such a poll wakes goes to that worker's queue: a small busy
    /// batch keeps an overloaded worker from piling up more than it can run,
    /// and leaves the other events with the kernel for the next poll. A worker
    /// that has nothing to do still takes up to
    /// [`max_io_events_per_tick`](Builder::max_io_events_per_tick) events,
    /// which is also the default for this one.
    ///
    /// # Panics
    ///
    /// If `capacity` is 0.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .enable_io()
    ///     .max_io_events_per_tick(128)
    ///     .max_io_events_per_busy_tick(8)
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    #[track_caller]
    pub fn max_io_events_per_busy_tick(&mut self, capacity: usize) -> &mut Self {
        assert!(capacity > 0, "max_io_events_per_busy_tick must be non-zero");
        self.nevents_busy = Some(capacity);
        self
    }

    /// Starts the runtime's clock paused (test-util): time only moves by
    /// `time::advance` or by auto-advancing when every task is idle.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread()
    ///     .enable_time()
    ///     .start_paused(true)
    ///     .build()
    ///     .unwrap();
    /// # drop(rt);
    /// ```
    #[cfg(feature = "test-util")]
    pub fn start_paused(&mut self, start_paused: bool) -> &mut Self {
        self.start_paused = start_paused;
        self
    }

    /// Creates the configured runtime.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async { println!("hello") });
    /// ```
    pub fn build(&mut self) -> io::Result<Runtime> {
        match self.kind {
            Kind::CurrentThread => self.build_current_thread(),
            #[cfg(feature = "rt-multi-thread")]
            Kind::MultiThread => self.build_multi_thread(),
        }
    }

    /// Creates the configured runtime as a [`LocalRuntime`], which also runs
    /// `!Send` tasks (`spawn_local`) on the current thread.
    ///
    /// # Panics
    ///
    /// If the builder was made with `new_multi_thread`: "multi_thread is not
    /// supported for LocalRuntime".
    ///
    /// ```
    /// use weft::runtime::{Builder, LocalOptions};
    ///
    /// let rt = Builder::new_current_thread()
    ///     .build_local(LocalOptions::default())
    ///     .unwrap();
    /// let join = rt.spawn_local(async { std::rc::Rc::new(1) });
    /// assert_eq!(*rt.block_on(join).unwrap(), 1);
    /// ```
    pub fn build_local(&mut self, options: LocalOptions) -> io::Result<LocalRuntime> {
        match self.kind {
            Kind::CurrentThread => Ok(LocalRuntime::from_runtime(
                self.build_current_thread_for(Some(std::thread::current().id()))?,
                options,
            )),
            #[cfg(feature = "rt-multi-thread")]
            Kind::MultiThread => panic!("multi_thread is not supported for LocalRuntime"),
        }
    }

    fn driver_cfg(&self, workers: usize) -> driver::Cfg {
        driver::Cfg {
            enable_io: self.enable_io,
            enable_time: self.enable_time,
            enable_pause_time: self.kind == Kind::CurrentThread,
            start_paused: self.start_paused,
            workers,
            nevents: self.nevents,
            nevents_busy: self.nevents_busy.unwrap_or(self.nevents),
        }
    }

    fn blocking_pool(&self, worker_threads: usize) -> BlockingPool {
        BlockingPool::new(blocking::pool::Config {
            thread_name: self.thread_name.clone(),
            stack_size: self.thread_stack_size,
            after_start: self.after_start.clone(),
            before_stop: self.before_stop.clone(),
            thread_cap: self.max_blocking_threads + worker_threads,
            keep_alive: self.keep_alive.unwrap_or(DEFAULT_KEEP_ALIVE),
            scheduler_threads: worker_threads,
        })
    }

    fn config(&self, default_global_queue_interval: u32) -> Config {
        Config {
            global_queue_interval: self
                .global_queue_interval
                .unwrap_or(default_global_queue_interval),
            tune_global_queue_interval: self.global_queue_interval.is_none(),
            event_interval: self.event_interval,
            before_park: self.before_park.clone(),
            after_unpark: self.after_unpark.clone(),
            disable_lifo_slot: self.disable_lifo_slot,
            name: self.name.clone(),
            local_runtime_thread: None,
        }
    }

    fn build_current_thread(&mut self) -> io::Result<Runtime> {
        self.build_current_thread_for(None)
    }

    /// `local_runtime_thread`: see `Config`.
    fn build_current_thread_for(
        &mut self,
        local_runtime_thread: Option<std::thread::ThreadId>,
    ) -> io::Result<Runtime> {
        let (driver, driver_handle) = Driver::new(&self.driver_cfg(1))?;
        let blocking_pool = self.blocking_pool(0);
        let (scheduler, handle) = CurrentThread::new(
            driver,
            driver_handle,
            blocking_pool.spawner().clone(),
            Config {
                local_runtime_thread,
                ..self.config(CURRENT_THREAD_GLOBAL_QUEUE_INTERVAL)
            },
        );
        let handle = Handle {
            inner: scheduler::Handle::CurrentThread(handle),
        };
        Ok(Runtime::from_parts(
            crate::runtime::runtime::Scheduler::CurrentThread(scheduler),
            handle,
            blocking_pool,
        ))
    }

    #[cfg(feature = "rt-multi-thread")]
    fn build_multi_thread(&mut self) -> io::Result<Runtime> {
        use crate::runtime::scheduler::multi_thread::MultiThread;
        let worker_threads = self.worker_threads.unwrap_or_else(default_worker_threads);
        let (driver, driver_handle) = Driver::new(&self.driver_cfg(worker_threads))?;
        let blocking_pool = self.blocking_pool(worker_threads);
        let (scheduler, handle, launch) = MultiThread::new(
            worker_threads,
            driver,
            driver_handle,
            blocking_pool.spawner().clone(),
            self.config(MULTI_THREAD_GLOBAL_QUEUE_INTERVAL),
        );
        let handle = Handle {
            inner: scheduler::Handle::MultiThread(handle),
        };
        // Workers are blocking-pool threads started in the runtime's context.
        let _enter = handle.enter();
        launch.launch(&handle.inner);
        drop(_enter);
        Ok(Runtime::from_parts(
            crate::runtime::runtime::Scheduler::MultiThread(scheduler),
            handle,
            blocking_pool,
        ))
    }
}

/// Worker threads by default: `TOKIO_WORKER_THREADS` if set (as Tokio), else
/// the number of cores.
#[cfg(feature = "rt-multi-thread")]
fn default_worker_threads() -> usize {
    if let Ok(s) = std::env::var("TOKIO_WORKER_THREADS") {
        match s.parse::<usize>() {
            Ok(n) if n > 0 => return n,
            _ => panic!("\"TOKIO_WORKER_THREADS\" must be usize, error: {s:?}, value: {s}"),
        }
    }
    std::thread::available_parallelism().map_or(1, usize::from)
}

impl fmt::Debug for Builder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Builder")
            .field("kind", &self.kind)
            .field("worker_threads", &self.worker_threads)
            .field("max_blocking_threads", &self.max_blocking_threads)
            .field("thread_stack_size", &self.thread_stack_size)
            .field("thread_keep_alive", &self.keep_alive)
            .field("global_queue_interval", &self.global_queue_interval)
            .field("event_interval", &self.event_interval)
            .finish_non_exhaustive()
    }
}
