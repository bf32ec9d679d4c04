//! `LocalSet` and `spawn_local`: tasks that are not `Send`, run on one thread.
//!
//! A `LocalSet` is a small scheduler nested inside whatever polls it (a
//! runtime's `block_on`, a task, any executor). Its tasks use the ordinary
//! task cell; what makes them local is their scheduler:
//!
//! ```text
//!  LocalSet (owner thread only, !Send)
//!  └── Rc<LocalSetOwner>   local run queue, "being driven" flag
//!      └── Arc<LocalScheduler> (Sync; every task holds it)
//!          ├── owned list   every live task, cancelled when the set drops
//!          ├── remote queue wakes and aborts from other threads (mutex)
//!          └── waker        of whoever drives the set (woken by remote work)
//! ```
//!
//! Rules that keep `!Send` futures on the owner thread:
//!
//! 1. A task is polled only by the set's tick, on the owner thread: a wake
//!    on the owner thread while the set is the current one (the context slot
//!    `runtime::context::current_local_set`) goes to the local queue; any
//!    other wake, from any thread, goes to the remote queue, which only the
//!    owner drains.
//! 2. Dropping the set (owner thread) closes the owned list and cancels
//!    every task there, dropping each future; only then is the remote queue
//!    closed. A task bound after the close is cancelled at once by `bind`.
//!    So once the remote queue is closed every future is gone, and a remote
//!    thread that drops a late `Notified` drops a reference, not a future.
//! 3. A task's output is dropped either on completion (owner thread) or by
//!    its `JoinHandle`, which is `!Send` when the output is.

use crate::loom::sync::{Arc, Mutex};
use crate::runtime::{context, Runtime};
use crate::task::list::OwnedTasks;
use crate::task::{self, coop, JoinHandle, Notified, Schedule, Task};
use pin_project_lite::pin_project;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::Location;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

/// Tasks run per poll of the set before it yields to its own driver, so
/// that the driver's other work (I/O, timers, other tasks) is not starved.
const MAX_TASKS_PER_TICK: usize = 61;

/// Every this many tasks the remote queue is looked at first, so remote
/// wakes are not starved by a busy local queue.
const REMOTE_FIRST_INTERVAL: u8 = 31;

const INITIAL_CAPACITY: usize = 64;

/// A set of tasks that all run on the same thread, so they need not be `Send`.
///
/// Spawn onto it with [`LocalSet::spawn_local`], or with
/// [`task::spawn_local`](crate::task::spawn_local) from inside it; drive it
/// with [`run_until`](LocalSet::run_until), [`block_on`](LocalSet::block_on)
/// or by awaiting it (which completes once all its tasks have). Its tasks run
/// only while it is driven, on the thread that drives it. Dropping it
/// cancels its remaining tasks, dropping their futures on its thread.
///
/// ```
/// use std::rc::Rc;
/// use weft::task::LocalSet;
///
/// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
/// let local = LocalSet::new();
/// let data = Rc::new("not Send");
/// let out = local.block_on(&rt, async move {
///     let d = data.clone();
///     weft::task::spawn_local(async move { *d }).await.unwrap()
/// });
/// assert_eq!(out, "not Send");
/// ```
///
/// A `LocalSet` stays on its thread: it is neither `Send` nor `Sync`.
///
/// ```compile_fail
/// fn assert_send<T: Send>() {}
/// assert_send::<weft::task::LocalSet>();
/// ```
pub struct LocalSet {
    tick: Cell<u8>,
    owner: Rc<LocalSetOwner>,
    _not_send: PhantomData<*const ()>,
}

/// The owner-thread part of a `LocalSet`; the context slot holds it while
/// the set is the current one.
pub(crate) struct LocalSetOwner {
    scheduler: Arc<LocalScheduler>,
    queue: RefCell<VecDeque<Notified<Arc<LocalScheduler>>>>,
    /// The set is being polled: work queued now runs in this tick or the
    /// set wakes itself, so no wake is needed.
    driving: Cell<bool>,
}

/// The part of a `LocalSet` every task holds: it is reached from any thread.
pub(crate) struct LocalScheduler {
    owned: OwnedTasks<Arc<LocalScheduler>>,
    remote: Mutex<RemoteQueue>,
    /// The waker of whoever drives the set.
    waker: Mutex<Option<Waker>>,
}

struct RemoteQueue {
    tasks: VecDeque<Notified<Arc<LocalScheduler>>>,
    /// Rule 2: set once every task of the set is cancelled.
    closed: bool,
}

pin_project! {
    /// The future of [`LocalSet::run_until`]: polls `future` and the set's tasks.
    struct RunUntil<'a, F> {
        local_set: &'a LocalSet,
        #[pin]
        future: F,
    }
}

/// Context guard of [`LocalSet::enter`]: the set is the current one (so
/// [`spawn_local`] works) until it is dropped.
#[must_use = "the LocalSet is the current one only while the guard lives"]
pub struct LocalEnterGuard {
    prev: Option<Rc<LocalSetOwner>>,
    _not_send: PhantomData<*const ()>,
}

/// Spawns a `!Send` future on the current [`LocalSet`], returning a
/// [`JoinHandle`] for it.
///
/// # Panics
///
/// Outside a `LocalSet`, with "`spawn_local` called from outside of a
/// `task::LocalSet` or `runtime::LocalRuntime`".
///
/// ```
/// use std::rc::Rc;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let local = weft::task::LocalSet::new();
/// local
///     .run_until(async {
///         let rc = Rc::new(1);
///         let join = weft::task::spawn_local(async move { *rc + 1 });
///         assert_eq!(join.await.unwrap(), 2);
///     })
///     .await;
/// # }
/// ```
#[track_caller]
pub fn spawn_local<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    if let Some(owner) = context::current_local_set() {
        return owner.spawn(future, Location::caller());
    }
    // A `LocalRuntime`'s handle entered on another thread gets its own message.
    if let Ok(Some(thread)) = context::with_current(|h| h.local_runtime_thread()) {
        if thread != std::thread::current().id() {
            panic!(
                "Local tasks can only be spawned on a LocalRuntime from the thread the runtime was created on"
            );
        }
    }
    panic!("`spawn_local` called from outside of a `task::LocalSet` or `runtime::LocalRuntime`")
}

impl LocalSet {
    /// Creates a new, empty `LocalSet`.
    ///
    /// ```
    /// let local = weft::task::LocalSet::new();
    /// # drop(local);
    /// ```
    pub fn new() -> LocalSet {
        LocalSet {
            tick: Cell::new(0),
            owner: Rc::new(LocalSetOwner {
                scheduler: Arc::new(LocalScheduler {
                    owned: OwnedTasks::new(1),
                    remote: Mutex::new(RemoteQueue {
                        tasks: VecDeque::new(),
                        closed: false,
                    }),
                    waker: Mutex::new(None),
                }),
                queue: RefCell::new(VecDeque::with_capacity(INITIAL_CAPACITY)),
                driving: Cell::new(false),
            }),
            _not_send: PhantomData,
        }
    }

    /// Makes this set the current one until the guard is dropped, so that
    /// [`spawn_local`] spawns onto it. The tasks run when the set is driven.
    ///
    /// ```
    /// use weft::task::LocalSet;
    ///
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let local = LocalSet::new();
    /// let join = {
    ///     let _guard = local.enter();
    ///     weft::task::spawn_local(async { 10 })
    /// };
    /// assert_eq!(local.block_on(&rt, join).unwrap(), 10);
    /// ```
    pub fn enter(&self) -> LocalEnterGuard {
        LocalEnterGuard {
            prev: context::set_current_local_set(Some(self.owner.clone())),
            _not_send: PhantomData,
        }
    }

    /// Spawns a `!Send` task onto this set. It runs when the set is driven
    /// (`run_until`, `block_on`, or awaiting the set).
    ///
    /// ```
    /// use weft::task::LocalSet;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let local = LocalSet::new();
    /// let join = local.spawn_local(async { std::rc::Rc::new(4) });
    /// local.await; // runs every task of the set to completion
    /// assert_eq!(*join.await.unwrap(), 4);
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&self, future: F) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        self.owner.spawn(future, Location::caller())
    }

    /// Runs `future` to completion on `rt`, driving this set's tasks meanwhile:
    /// `rt.block_on(local.run_until(future))`.
    ///
    /// # Panics
    ///
    /// Inside an asynchronous context (as `Runtime::block_on`).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let local = weft::task::LocalSet::new();
    /// let v = local.block_on(&rt, async {
    ///     weft::task::spawn_local(async { 3 }).await.unwrap()
    /// });
    /// assert_eq!(v, 3);
    /// ```
    #[track_caller]
    pub fn block_on<F: Future>(&self, rt: &Runtime, future: F) -> F::Output {
        rt.block_on(self.run_until(future))
    }

    /// Runs `future` to completion, driving this set's tasks while it is
    /// pending. Tasks left unfinished when `future` completes stay in the set.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let local = weft::task::LocalSet::new();
    /// let v = local
    ///     .run_until(async { weft::task::spawn_local(async { 5 }).await.unwrap() })
    ///     .await;
    /// assert_eq!(v, 5);
    /// # }
    /// ```
    pub async fn run_until<F: Future>(&self, future: F) -> F::Output {
        RunUntil {
            local_set: self,
            future,
        }
        .await
    }

    /// Runs `f` with this set current and marked as driven, and with
    /// `block_in_place` forbidden (it would panic on a current-thread
    /// runtime anyway; on a multi-thread runtime's `block_on` it would
    /// otherwise be allowed, and the set's tasks cannot move).
    fn drive<R>(&self, f: impl FnOnce() -> R) -> R {
        struct Reset<'a> {
            owner: &'a LocalSetOwner,
            was_driving: bool,
            _entered: LocalEnterGuard,
            _no_block_in_place: context::DisallowBlockInPlaceGuard,
        }
        impl Drop for Reset<'_> {
            fn drop(&mut self) {
                self.owner.driving.set(self.was_driving);
            }
        }
        let _reset = Reset {
            owner: &self.owner,
            was_driving: self.owner.driving.replace(true),
            _entered: self.enter(),
            // The set's tasks must stay on this thread.
            _no_block_in_place: context::disallow_block_in_place(),
        };
        f()
    }

    /// Runs up to `MAX_TASKS_PER_TICK` tasks; `true` if work is left.
    fn tick(&self) -> bool {
        for _ in 0..MAX_TASKS_PER_TICK {
            let Some(task) = self.next_task() else {
                return false;
            };
            coop::budget(|| task.run());
        }
        true
    }

    fn next_task(&self) -> Option<Notified<Arc<LocalScheduler>>> {
        let tick = self.tick.get();
        self.tick.set(tick.wrapping_add(1));
        let scheduler = &self.owner.scheduler;
        if tick % REMOTE_FIRST_INTERVAL == 0 {
            if let Some(task) = scheduler.pop_remote() {
                return Some(task);
            }
        }
        let local = self.owner.queue.borrow_mut().pop_front();
        local.or_else(|| scheduler.pop_remote())
    }
}

impl LocalSetOwner {
    #[track_caller]
    fn spawn<F>(&self, future: F, location: &'static Location<'static>) -> JoinHandle<F::Output>
    where
        F: Future + 'static,
        F::Output: 'static,
    {
        let id = task::Id::next();
        let (task, notified, join) = task::new_task(future, self.scheduler.clone(), id, location);
        if let Some(notified) = self.scheduler.owned.bind(task, notified) {
            self.push_local(notified);
        }
        join
    }

    /// Queues a task on the owner thread (rule 1).
    fn push_local(&self, task: Notified<Arc<LocalScheduler>>) {
        self.queue.borrow_mut().push_back(task);
        if !self.driving.get() {
            // Queued from outside a poll of the set (`enter`, `spawn_local`
            // on the set itself): whoever drives it must look again.
            self.scheduler.wake_driver();
        }
    }
}

impl LocalScheduler {
    fn pop_remote(&self) -> Option<Notified<Arc<LocalScheduler>>> {
        self.remote.lock().tasks.pop_front()
    }

    fn register_waker(&self, waker: &Waker) {
        let mut slot = self.waker.lock();
        if !slot.as_ref().is_some_and(|w| w.will_wake(waker)) {
            let old = slot.replace(waker.clone());
            drop(slot);
            // Dropped outside the lock: a waker's destructor may do anything.
            drop(old);
        }
    }

    fn wake_driver(&self) {
        let waker = self.waker.lock().take();
        if let Some(waker) = waker {
            waker.wake();
        }
    }
}

impl Schedule for Arc<LocalScheduler> {
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>> {
        self.owned.release(task)
    }

    fn schedule(&self, task: Notified<Self>) {
        // Rule 1.
        if let Some(owner) = context::current_local_set() {
            if Arc::ptr_eq(&owner.scheduler, self) {
                owner.push_local(task);
                return;
            }
        }
        let mut remote = self.remote.lock();
        if remote.closed {
            drop(remote);
            // Rule 2: the task is complete; this only drops a reference.
            drop(task);
            return;
        }
        remote.tasks.push_back(task);
        drop(remote);
        self.wake_driver();
    }
}

impl<F: Future> Future for RunUntil<'_, F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let me = self.project();
        let local_set = *me.local_set;
        let mut future = me.future;
        local_set.drive(|| {
            local_set.owner.scheduler.register_waker(cx.waker());
            if let Poll::Ready(output) = coop::budget(|| future.as_mut().poll(cx)) {
                return Poll::Ready(output);
            }
            if local_set.tick() {
                // Work is left: let the driver run its other work, then come back.
                cx.waker().wake_by_ref();
            }
            Poll::Pending
        })
    }
}

/// Awaiting a `LocalSet` runs its tasks until every one has completed.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let local = weft::task::LocalSet::new();
/// let flag = std::rc::Rc::new(std::cell::Cell::new(false));
/// let f = flag.clone();
/// local.spawn_local(async move { f.set(true) });
/// local.await;
/// assert!(flag.get());
/// # }
/// ```
impl Future for LocalSet {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let me = &*self;
        me.owner.scheduler.register_waker(cx.waker());
        if me.drive(|| me.tick()) {
            cx.waker().wake_by_ref();
            Poll::Pending
        } else if me.owner.scheduler.owned.is_empty() {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}

impl Default for LocalSet {
    fn default() -> LocalSet {
        LocalSet::new()
    }
}

impl fmt::Debug for LocalSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSet").finish()
    }
}

impl Drop for LocalSet {
    fn drop(&mut self) {
        // Futures dropped here may spawn or wake local tasks: keep the set
        // current so that those reach the local queue (rule 1).
        let shutdown = || {
            let scheduler = &self.owner.scheduler;
            scheduler.owned.close_and_shutdown_all();
            loop {
                let task = self.owner.queue.borrow_mut().pop_front();
                match task {
                    Some(task) => drop(task),
                    None => break,
                }
            }
            let remote = {
                let mut remote = scheduler.remote.lock();
                remote.closed = true;
                std::mem::take(&mut remote.tasks)
            };
            drop(remote);
            debug_assert!(scheduler.owned.is_empty(), "local tasks left after drop");
        };
        if context::current_local_set_accessible() {
            self.drive(shutdown);
        } else {
            // The thread is exiting and its context is gone: drop in place.
            shutdown();
        }
    }
}

impl Drop for LocalEnterGuard {
    fn drop(&mut self) {
        context::set_current_local_set(self.prev.take());
    }
}

impl fmt::Debug for LocalEnterGuard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalEnterGuard").finish()
    }
}

impl fmt::Debug for LocalSetOwner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalSetOwner")
            .field("queued", &self.queue.borrow().len())
            .finish()
    }
}
