//! `Handle`: a cloneable reference to a runtime, usable from any thread.

use crate::runtime::{context, scheduler, RuntimeFlavor, RuntimeMetrics, TryCurrentError};
use crate::task::JoinHandle;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::Location;

/// Handle to the runtime: spawns tasks and enters the runtime context from
/// any thread. Cheap to clone.
///
/// ```
/// use weft::runtime::{Builder, Handle};
///
/// let rt = Builder::new_current_thread().build().unwrap();
/// let handle: Handle = rt.handle().clone();
/// std::thread::spawn(move || {
///     handle.spawn(async { println!("spawned from another thread") });
/// })
/// .join()
/// .unwrap();
/// ```
#[derive(Clone)]
pub struct Handle {
    pub(crate) inner: scheduler::Handle,
}

/// Runtime context guard, returned by [`Handle::enter`] and
/// [`Runtime::enter`](crate::runtime::Runtime::enter): the runtime stays the
/// current one on this thread until it is dropped.
///
/// Guards must be dropped in the reverse order of their creation.
#[derive(Debug)]
#[must_use = "Creating and dropping a guard does nothing"]
pub struct EnterGuard<'a> {
    _guard: context::SetCurrentGuard,
    /// A `LocalRuntime`'s guard also makes its `LocalSet` current.
    local: Option<crate::task::LocalEnterGuard>,
    _handle_lifetime: PhantomData<&'a Handle>,
}

// SAFETY: a shared `&EnterGuard` allows only `Debug`, which reads the saved
// handle (`Arc`s, which are `Sync`) and a depth, and prints the
// `LocalEnterGuard` by name without touching its `Rc`. Everything else the
// guard does happens in `drop`, on its own thread (it stays `!Send`). Tokio's
// `EnterGuard` is `Sync` as well.
unsafe impl Sync for EnterGuard<'_> {}

impl EnterGuard<'_> {
    /// Also keeps `local` (a `LocalRuntime`'s set) current while the guard lives.
    pub(crate) fn with_local_set(mut self, local: crate::task::LocalEnterGuard) -> Self {
        self.local = Some(local);
        self
    }
}

/// An opaque id of a runtime, unique among the runtimes of the process.
///
/// ```
/// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
/// let id = rt.handle().id();
/// assert_eq!(id, rt.handle().clone().id());
/// println!("runtime {id}");
/// ```
#[derive(Clone, Copy, Debug, Hash, Eq, PartialEq)]
pub struct Id(std::num::NonZeroU64);

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Handle {
    /// Enters the runtime context: `weft::spawn`, `Handle::current` and
    /// timers work on this thread until the guard is dropped.
    ///
    /// # Panics
    ///
    /// Dropping guards out of order panics.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let _guard = rt.handle().enter();
    /// assert!(weft::runtime::Handle::try_current().is_ok());
    /// ```
    pub fn enter(&self) -> EnterGuard<'_> {
        EnterGuard {
            _guard: match context::try_set_current(&self.inner) {
                Some(guard) => guard,
                None => panic!("{}", context::THREAD_LOCAL_DESTROYED_ERROR),
            },
            local: None,
            _handle_lifetime: PhantomData,
        }
    }

    /// Returns a handle to the runtime this thread is in.
    ///
    /// # Panics
    ///
    /// Outside a runtime context, with the message "there is no reactor
    /// running, must be called from the context of a Tokio 1.x runtime".
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async {
    ///     let handle = weft::runtime::Handle::current();
    ///     handle.spawn(async {});
    /// });
    /// ```
    #[track_caller]
    pub fn current() -> Handle {
        match Handle::try_current() {
            Ok(handle) => handle,
            Err(e) => panic!("{}", e),
        }
    }

    /// Returns a handle to the runtime this thread is in, or an error outside one.
    ///
    /// ```
    /// assert!(weft::runtime::Handle::try_current().is_err());
    /// ```
    pub fn try_current() -> Result<Handle, TryCurrentError> {
        context::with_current(|inner| Handle {
            inner: inner.clone(),
        })
    }

    /// Spawns a future onto the runtime; it starts running in the background
    /// at once, even if the returned [`JoinHandle`] is never awaited.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let handle = rt.handle();
    /// let join = handle.spawn(async { 5 });
    /// assert_eq!(rt.block_on(join).unwrap(), 5);
    /// ```
    #[track_caller]
    pub fn spawn<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let id = crate::task::Id::next();
        self.inner.spawn(future, id, Location::caller())
    }

    /// Runs `func` on a thread of the blocking pool (never inline).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let join = rt.handle().spawn_blocking(|| std::thread::current().id());
    /// let id = rt.block_on(join).unwrap();
    /// assert_ne!(id, std::thread::current().id());
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F, R>(&self, func: F) -> JoinHandle<R>
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        self.inner
            .blocking_spawner()
            .spawn_blocking(&self.inner, func)
    }

    /// Runs a future to completion on the current thread, in this runtime's context.
    ///
    /// On a current-thread runtime this does not drive the scheduler: spawned
    /// tasks, I/O and timers make progress only while some thread is in
    /// `Runtime::block_on`.
    ///
    /// # Panics
    ///
    /// Inside an async context: "Cannot start a runtime from within a runtime...".
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let handle = rt.handle().clone();
    /// let v = std::thread::spawn(move || handle.block_on(async { 9 })).join().unwrap();
    /// assert_eq!(v, 9);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, future: F) -> F::Output {
        // `block_in_place` is allowed here, as in Tokio: there is no core to
        // hand off, the closure simply blocks this (non-worker) thread.
        context::block_on_entered(&self.inner, future)
    }

    /// Returns the flavor of the runtime.
    ///
    /// ```
    /// use weft::runtime::RuntimeFlavor;
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.handle().runtime_flavor(), RuntimeFlavor::CurrentThread);
    /// ```
    pub fn runtime_flavor(&self) -> RuntimeFlavor {
        match self.inner {
            scheduler::Handle::CurrentThread(_) => RuntimeFlavor::CurrentThread,
            scheduler::Handle::MultiThread(_) => RuntimeFlavor::MultiThread,
        }
    }

    /// Returns the runtime's id.
    ///
    /// ```
    /// let a = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let b = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_ne!(a.handle().id(), b.handle().id());
    /// ```
    pub fn id(&self) -> Id {
        Id(std::num::NonZeroU64::new(self.inner.id()).expect("runtime ids start at 1"))
    }

    /// Returns the runtime's name, if it was given one.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().name("api").build().unwrap();
    /// assert_eq!(rt.handle().name(), Some("api"));
    /// ```
    pub fn name(&self) -> Option<&str> {
        self.inner.name()
    }

    /// Returns a view of the runtime's metrics.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// assert_eq!(rt.handle().metrics().num_alive_tasks(), 0);
    /// ```
    pub fn metrics(&self) -> RuntimeMetrics {
        RuntimeMetrics::new(self.clone())
    }

    /// Takes a dump of the runtime's live tasks: id, state, poll count and
    /// spawn location of each (a weft extension, see [`dump`](crate::runtime::dump)).
    ///
    /// Synchronous, callable from any thread (also from inside one of the
    /// runtime's own tasks); the workers keep running while it is taken.
    /// Unlike Tokio's unstable `Handle::dump` (an `async fn` that traces
    /// each task's await points), it records no backtraces.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_multi_thread().worker_threads(1).build().unwrap();
    /// let task = rt.spawn(std::future::pending::<()>());
    /// let dump = rt.handle().dump();
    /// assert_eq!(dump.tasks().len(), 1);
    /// assert_eq!(dump.tasks()[0].id(), task.id());
    /// ```
    pub fn dump(&self) -> crate::runtime::Dump {
        self.inner.dump()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("flavor", &self.runtime_flavor())
            .field("id", &self.id())
            .finish()
    }
}
