//! `spawn` and `spawn_blocking` on the current runtime.

use crate::runtime::context;
use crate::task::JoinHandle;
use std::future::Future;
use std::panic::Location;

/// Spawns a new asynchronous task on the current runtime, returning a
/// [`JoinHandle`] for it.
///
/// The task starts running in the background at once, whether or not the
/// handle is awaited; dropping the handle detaches it.
///
/// # Panics
///
/// Outside a runtime context, with the message "there is no reactor running,
/// must be called from the context of a Tokio 1.x runtime".
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let handle = weft::spawn(async { 1 + 2 });
/// assert_eq!(handle.await.unwrap(), 3);
/// # }
/// ```
#[track_caller]
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    let location = Location::caller();
    let id = crate::task::Id::next();
    match context::with_current(|handle| handle.spawn(future, id, location)) {
        Ok(join) => join,
        Err(e) => panic!("{}", e),
    }
}

/// Runs a blocking function on a thread of the current runtime's blocking
/// pool, returning a [`JoinHandle`] for its result.
///
/// Use it for work that blocks (file system calls, CPU-heavy computation,
/// synchronous libraries) so that it does not stall the scheduler's threads.
///
/// # Panics
///
/// Outside a runtime context.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let sum = weft::task::spawn_blocking(|| (1..=100u64).sum::<u64>()).await.unwrap();
/// assert_eq!(sum, 5050);
/// # }
/// ```
#[track_caller]
pub fn spawn_blocking<F, R>(f: F) -> JoinHandle<R>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    match context::with_current(|handle| handle.blocking_spawner().spawn_blocking(handle, f)) {
        Ok(join) => join,
        Err(e) => panic!("{}", e),
    }
}

/// Runs the provided blocking function on the current thread without
/// blocking the executor.
///
/// On a multi-thread runtime worker, the worker's queued tasks are handed to
/// a new worker thread first, so they keep running while `f` blocks; the
/// current task resumes after `f` returns. Outside a runtime `f` just runs.
///
/// # Panics
///
/// On a current-thread runtime: "can call blocking only when running on the
/// multi-threaded runtime".
///
/// ```
/// # #[weft::main(flavor = "multi_thread", worker_threads = 2)]
/// # async fn main() {
/// let v = weft::task::block_in_place(|| {
///     // Blocking work here does not stall the other worker.
///     std::thread::sleep(std::time::Duration::from_millis(1));
///     5
/// });
/// assert_eq!(v, 5);
/// # }
/// ```
#[track_caller]
pub fn block_in_place<F, R>(f: F) -> R
where
    F: FnOnce() -> R,
{
    crate::runtime::scheduler::multi_thread::block_in_place(f)
}
