//! The runtime under test: one trait, one implementation per runtime flavor.
//!
//! A benchmark is written once, generic over [`Rt`], and the suite
//! (`harness/suite/`) instantiates it for every flavor. The trait holds
//! exactly what the scheduler benchmarks need (enter the runtime, spawn from
//! inside and from outside, yield, hand work to the blocking pool); the later
//! capabilities (channels, locks, timers, `JoinSet`, TCP) live in their own
//! traits next to the benchmarks that use them, because weft gains them one by
//! one.
//!
//! Fairness rules every implementation follows:
//!
//! 1. Multi-thread flavors run tasks on exactly 2 worker threads, and
//!    [`Rt::block_on`] runs its future on the calling thread, which is not a
//!    worker (Tokio's and weft's `block_on` on a multi-thread runtime; for smol
//!    the calling thread runs `futures_lite::future::block_on`, not the
//!    executor).
//! 2. weft and Tokio are built with `enable_all()`, as `#[tokio::main]` does.
//! 3. Task outputs come back through each runtime's own join handle; a join
//!    error (a panic in a benchmark task) panics the benchmark.
//!
//! This module names weft, Tokio and smol types, which are dev-dependencies of
//! weft-bench, so it is not part of the library: each bench or example that
//! needs it includes it as its own `runtime` module,
//! `#[path = "../harness/runtime/mod.rs"] mod runtime;`.

pub mod api;
mod smol_api;
mod smol_rt;
mod tokio_api;
mod tokio_rt;
mod weft_api;
mod weft_rt;

pub use smol_rt::{SmolLocal, SmolMt};
pub use tokio_rt::{TokioCt, TokioMt};
pub use weft_rt::{WeftCt, WeftMt};

use api::Lib;
use std::future::Future;

/// Worker threads of every multi-thread flavor.
pub const WORKERS: usize = 2;

/// A runtime flavor under test.
///
/// `spawn`, `yield_now` and `spawn_blocking` are associated functions, not
/// methods: they use the runtime of the calling task, as `tokio::spawn` does,
/// so a benchmark can call them from deep inside a task.
pub trait Rt: Sized + 'static {
    /// Column name in the report and criterion function id (`weft-mt`, ...).
    const NAME: &'static str;

    /// True for the flavors that run tasks on [`WORKERS`] threads.
    const MULTI_THREAD: bool;

    /// The runtime's channels, locks, timers and `JoinSet` (see [`api`]).
    type Lib: Lib;

    /// The join handle of a spawned task, resolving to the task's output.
    type Join<T: Send + 'static>: Future<Output = T> + Send + 'static;

    /// Builds the runtime, or says why this flavor cannot run here (weft's
    /// multi-thread runtime before it exists): the suite then skips it.
    fn new() -> Result<Self, String>;

    /// Runs `fut` to completion on the calling thread, inside the runtime.
    fn block_on<F: Future>(&self, fut: F) -> F::Output;

    /// Spawns from outside the runtime (a thread that is not running it).
    fn spawn_remote<F>(&self, fut: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// Spawns onto the runtime of the calling task or `block_on`.
    fn spawn<F>(fut: F) -> Self::Join<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static;

    /// The runtime's own `yield_now`.
    fn yield_now() -> impl Future<Output = ()> + Send;

    /// Lets a task run on without its handle (dropping a smol `Task` would
    /// cancel it; dropping a Tokio or weft handle detaches).
    fn detach<T: Send + 'static>(join: Self::Join<T>) {
        drop(join);
    }

    /// Runs `f` on the runtime's blocking pool.
    fn spawn_blocking<F, T>(f: F) -> Self::Join<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static;
}

/// Awaits every handle in order, dropping the outputs.
pub async fn join_all<J: Future>(handles: impl IntoIterator<Item = J>) {
    for handle in handles {
        handle.await;
    }
}
