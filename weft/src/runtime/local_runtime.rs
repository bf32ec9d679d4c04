//! `LocalRuntime`: a current-thread runtime that also runs `!Send` tasks.
//!
//! It is a current-thread [`Runtime`] with a [`LocalSet`] that stays the
//! current `LocalSet` for the whole of `block_on`: `spawn_local` works in
//! the `block_on` future and in every task running on the runtime's thread,
//! and the local tasks run interleaved with the runtime's own tasks, I/O and
//! timers. Local tasks are cancelled (their futures dropped on this thread,
//! inside the runtime's context) before the runtime shuts down.

use crate::runtime::{EnterGuard, Handle, Runtime, RuntimeMetrics};
use crate::task::{JoinHandle, LocalSet};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::time::Duration;

/// A runtime that runs `!Send` tasks on the current thread, next to the
/// ordinary tasks of a current-thread runtime.
///
/// Created with [`LocalRuntime::new`] or
/// [`Builder::build_local`](crate::runtime::Builder::build_local). Unlike
/// [`Runtime`], it is neither `Send` nor `Sync`, and
/// [`task::spawn_local`](crate::task::spawn_local) works anywhere inside
/// [`block_on`](LocalRuntime::block_on).
///
/// ```
/// use std::rc::Rc;
/// use weft::runtime::LocalRuntime;
///
/// let rt = LocalRuntime::new().unwrap();
/// let shared = Rc::new(5);
/// let s = shared.clone();
/// let v = rt.block_on(async move {
///     weft::task::spawn_local(async move { *s * 2 }).await.unwrap()
/// });
/// assert_eq!(v, 10);
/// ```
///
/// It cannot move to another thread:
///
/// ```compile_fail
/// fn assert_send<T: Send>() {}
/// assert_send::<weft::runtime::LocalRuntime>();
/// ```
pub struct LocalRuntime {
    /// `None` only while shutting down.
    local: Option<LocalSet>,
    rt: Option<Runtime>,
    _not_send: PhantomData<*const ()>,
}

/// Options for a [`LocalRuntime`] (none yet), passed to
/// [`Builder::build_local`](crate::runtime::Builder::build_local).
///
/// ```
/// use weft::runtime::{Builder, LocalOptions};
///
/// let rt = Builder::new_current_thread()
///     .build_local(LocalOptions::default())
///     .unwrap();
/// rt.block_on(async {});
/// ```
#[derive(Default, Debug)]
#[non_exhaustive]
pub struct LocalOptions {
    /// Keeps the options `!Send`, like the runtime they configure.
    _not_send: PhantomData<*mut u8>,
}

impl LocalRuntime {
    pub(crate) fn from_runtime(rt: Runtime, _options: LocalOptions) -> LocalRuntime {
        LocalRuntime {
            local: Some(LocalSet::new()),
            rt: Some(rt),
            _not_send: PhantomData,
        }
    }

    /// Creates a local runtime with every driver enabled, as
    /// `Builder::new_current_thread().enable_all().build_local(Default::default())`.
    ///
    /// ```
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// assert_eq!(rt.block_on(async { 1 + 1 }), 2);
    /// ```
    pub fn new() -> std::io::Result<LocalRuntime> {
        crate::runtime::Builder::new_current_thread()
            .enable_all()
            .build_local(LocalOptions::default())
    }

    fn rt(&self) -> &Runtime {
        self.rt.as_ref().expect("runtime present until shutdown")
    }

    fn local(&self) -> &LocalSet {
        self.local
            .as_ref()
            .expect("LocalSet present until shutdown")
    }

    /// Returns a handle to the runtime's spawner (for `Send` tasks).
    ///
    /// ```
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// let join = rt.handle().spawn(async { 3 });
    /// assert_eq!(rt.block_on(join).unwrap(), 3);
    /// ```
    pub fn handle(&self) -> &Handle {
        self.rt().handle()
    }

    /// Spawns a `!Send` task on this runtime. Like every task of the
    /// runtime, it runs while [`block_on`](LocalRuntime::block_on) is running.
    ///
    /// ```
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// let join = rt.spawn_local(async { std::rc::Rc::new(7) });
    /// assert_eq!(*rt.block_on(join).unwrap(), 7);
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.local().spawn_local(future)
    }

    /// Runs `func` on the runtime's blocking pool.
    ///
    /// ```
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// let join = rt.spawn_blocking(|| 2 + 2);
    /// assert_eq!(rt.block_on(join).unwrap(), 4);
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.rt().spawn_blocking(func)
    }

    /// Runs `future` to completion on the current thread, running the
    /// runtime's tasks (local or not), I/O and timers meanwhile.
    ///
    /// # Panics
    ///
    /// Inside an asynchronous context (as `Runtime::block_on`).
    ///
    /// ```
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// let v = rt.block_on(async {
    ///     // spawn_local works here and in every task on this runtime.
    ///     let join = weft::spawn(async {
    ///         weft::task::spawn_local(async { 5 }).await.unwrap()
    ///     });
    ///     join.await.unwrap()
    /// });
    /// assert_eq!(v, 5);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        let local = self.local();
        // The set stays current for the whole call, not only while it is
        // polled, so that tasks of the runtime can spawn onto it too.
        let _entered = local.enter();
        self.rt().block_on(local.run_until(future))
    }

    /// Enters the runtime context (see [`Runtime::enter`]); `spawn_local`
    /// also works while the guard lives (the tasks run in `block_on`).
    ///
    /// ```
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// let join = {
    ///     let _guard = rt.enter();
    ///     assert!(weft::runtime::Handle::try_current().is_ok());
    ///     weft::task::spawn_local(async { 1 })
    /// };
    /// assert_eq!(rt.block_on(join).unwrap(), 1);
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        self.rt().enter().with_local_set(self.local().enter())
    }

    /// Shuts the runtime down, waiting at most `duration` for its blocking
    /// tasks (see [`Runtime::shutdown_timeout`]).
    ///
    /// ```
    /// use std::time::Duration;
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// rt.shutdown_timeout(Duration::from_millis(10));
    /// ```
    pub fn shutdown_timeout(mut self, duration: Duration) {
        self.drop_local_tasks();
        if let Some(rt) = self.rt.take() {
            rt.shutdown_timeout(duration);
        }
    }

    /// Shuts the runtime down without waiting for its blocking tasks.
    ///
    /// ```
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// rt.shutdown_background();
    /// ```
    pub fn shutdown_background(self) {
        self.shutdown_timeout(Duration::ZERO);
    }

    /// Returns a view of the runtime's metrics.
    ///
    /// ```
    /// let rt = weft::runtime::LocalRuntime::new().unwrap();
    /// assert_eq!(rt.metrics().num_workers(), 1);
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        self.rt().metrics()
    }

    /// Cancels the local tasks, inside the runtime's context (their futures
    /// may hold timers or I/O resources of it).
    fn drop_local_tasks(&mut self) {
        if let Some(local) = self.local.take() {
            let _guard = self.rt.as_ref().map(|rt| rt.enter());
            drop(local);
        }
    }
}

impl Drop for LocalRuntime {
    fn drop(&mut self) {
        self.drop_local_tasks();
    }
}

impl std::panic::UnwindSafe for LocalRuntime {}
impl std::panic::RefUnwindSafe for LocalRuntime {}

impl fmt::Debug for LocalRuntime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalRuntime")
            .field("handle", &self.rt.as_ref().map(Runtime::handle))
            .finish()
    }
}
