//! smol: `async_executor::Executor` on [`WORKERS`] threads, and
//! `async_executor::LocalExecutor` on the calling thread.
//!
//! smol has no ambient runtime, so each flavor keeps its executor in a
//! thread-local while it runs (on the worker threads for the whole life of the
//! runtime, on the `block_on` thread for the duration of the call); `spawn`
//! from inside a task looks it up there, which is the same one TLS access that
//! `tokio::spawn` makes. Blocking work goes to smol's pool (`blocking::unblock`).

use super::{Rt, WORKERS};
use async_executor::{Executor, LocalExecutor, Task};
use std::cell::RefCell;
use std::future::Future;
use std::rc::Rc;
use std::sync::Arc;
use std::thread::JoinHandle;

thread_local! {
    /// The multi-thread executor whose task (or `block_on`) is running here.
    static SHARED: RefCell<Option<Arc<Executor<'static>>>> = const { RefCell::new(None) };
    /// The local executor being run on this thread.
    static LOCAL: RefCell<Option<Rc<LocalExecutor<'static>>>> = const { RefCell::new(None) };
}

/// Sets a thread-local slot for the life of the guard, restoring the previous
/// value after (so nested or sequential runtimes do not leak into each other).
struct Scoped<T: 'static> {
    key: &'static std::thread::LocalKey<RefCell<Option<T>>>,
    prev: Option<T>,
}

impl<T: 'static> Scoped<T> {
    fn set(key: &'static std::thread::LocalKey<RefCell<Option<T>>>, value: T) -> Self {
        let prev = key.with(|slot| slot.borrow_mut().replace(value));
        Scoped { key, prev }
    }
}

impl<T: 'static> Drop for Scoped<T> {
    fn drop(&mut self) {
        let prev = self.prev.take();
        self.key.with(|slot| *slot.borrow_mut() = prev);
    }
}

/// smol's multi-thread setup: one `Executor` run by [`WORKERS`] threads.
#[derive(Debug)]
pub struct SmolMt {
    executor: Arc<Executor<'static>>,
    /// Dropping it closes the channel, which ends every worker's `run`.
    stop: Option<async_channel::Sender<()>>,
    workers: Vec<JoinHandle<()>>,
}

impl Drop for SmolMt {
    fn drop(&mut self) {
        self.stop.take();
        for worker in self.workers.drain(..) {
            let _ = worker.join();
        }
    }
}

impl Rt for SmolMt {
    const NAME: &'static str = weft_bench::flavor::SMOL_MT;
    const MULTI_THREAD: bool = true;
    type Lib = super::api::SmolLib;
    type Join<T: Send + 'static> = Task<T>;

    fn new() -> Result<Self, String> {
        let executor = Arc::new(Executor::new());
        let (stop, stopped) = async_channel::bounded::<()>(1);
        let workers = (0..WORKERS)
            .map(|i| {
                let executor = executor.clone();
                let stopped = stopped.clone();
                std::thread::Builder::new()
                    .name(format!("smol-worker-{i}"))
                    .spawn(move || {
                        let _current = Scoped::set(&SHARED, executor.clone());
                        let _ = futures_lite::future::block_on(executor.run(stopped.recv()));
                    })
                    .map_err(|e| e.to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(SmolMt {
            executor,
            stop: Some(stop),
            workers,
        })
    }

    fn block_on<F: Future>(&self, fut: F) -> F::Output {
        let _current = Scoped::set(&SHARED, self.executor.clone());
        futures_lite::future::block_on(fut)
    }

    fn spawn_remote<F>(&self, fut: F) -> Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.executor.spawn(fut)
    }

    fn spawn<F>(fut: F) -> Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        SHARED.with(|slot| {
            slot.borrow()
                .as_ref()
                .expect("SmolMt::spawn outside its executor")
                .spawn(fut)
        })
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        futures_lite::future::yield_now()
    }

    fn detach<T: Send + 'static>(join: Task<T>) {
        join.detach();
    }

    fn spawn_blocking<F, T>(f: F) -> Task<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        blocking::unblock(f)
    }
}

/// smol's single-thread setup: a `LocalExecutor` run by `block_on`.
#[derive(Debug)]
pub struct SmolLocal {
    executor: Rc<LocalExecutor<'static>>,
}

impl Rt for SmolLocal {
    const NAME: &'static str = weft_bench::flavor::SMOL_LOCAL;
    const MULTI_THREAD: bool = false;
    type Lib = super::api::SmolLib;
    type Join<T: Send + 'static> = Task<T>;

    fn new() -> Result<Self, String> {
        Ok(SmolLocal {
            executor: Rc::new(LocalExecutor::new()),
        })
    }

    fn block_on<F: Future>(&self, fut: F) -> F::Output {
        let _current = Scoped::set(&LOCAL, self.executor.clone());
        futures_lite::future::block_on(self.executor.run(fut))
    }

    /// A `LocalExecutor` accepts spawns only from its own thread; "remote"
    /// here means from outside `run`, as Tokio's current-thread runtime
    /// counts a spawn from outside `block_on`.
    fn spawn_remote<F>(&self, fut: F) -> Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        self.executor.spawn(fut)
    }

    fn spawn<F>(fut: F) -> Task<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        LOCAL.with(|slot| {
            slot.borrow()
                .as_ref()
                .expect("SmolLocal::spawn outside its executor")
                .spawn(fut)
        })
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        futures_lite::future::yield_now()
    }

    fn detach<T: Send + 'static>(join: Task<T>) {
        join.detach();
    }

    fn spawn_blocking<F, T>(f: F) -> Task<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        blocking::unblock(f)
    }
}
