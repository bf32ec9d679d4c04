//! The per-thread runtime context.
//!
//! One thread-local holds everything weft needs to know about the thread it
//! runs on:
//!
//! - `current`: the handle installed by [`Handle::enter`](super::Handle::enter)
//!   or by a runtime thread, with a depth counter so that `EnterGuard`s dropped
//!   out of order are caught;
//! - `runtime`: whether the thread is driving a runtime (inside `block_on` or a
//!   worker), which makes a nested `block_on` panic;
//! - `scheduler`: the scheduler context of the thread that is running tasks
//!   right now, so that a task woken on its own thread goes to the local queue;
//! - `budget`: the coop budget of the current task poll;
//! - `task_id`: the id of the task being polled, for `task::id()`;
//! - `polled`: which task this thread polls right now and whether it yielded
//!   itself in this poll (`task::waker::defer_self`);
//! - `local_set`: the `LocalSet` that `task::spawn_local` spawns onto (set
//!   while the set is polled or entered);
//! - `rng`: a cheap random source for `select!` and work stealing;
//! - `thread_id`: the thread's `ThreadId`, cached (`thread::current()`
//!   clones an `Arc` each call);
//! - `parker`: the thread's cached parker, for `block_on`.

use crate::runtime::park::CachedParker;
use crate::runtime::scheduler;
use crate::runtime::{TryCurrentError, TryCurrentErrorKind};
use crate::task::coop::Budget;
use crate::task::local_set::LocalSetOwner;
use crate::task::{Id, YieldedTask};
#[cfg(not(loom))]
use std::cell::OnceCell;
use std::cell::{Cell, RefCell};
use std::marker::PhantomData;
use std::rc::Rc;
use std::task::Waker;
use std::thread::ThreadId;

pub(crate) const CONTEXT_MISSING_ERROR: &str =
    "there is no reactor running, must be called from the context of a Tokio 1.x runtime";

pub(crate) const THREAD_LOCAL_DESTROYED_ERROR: &str =
    "The Tokio context thread-local variable has been destroyed.";

/// Panic message of timers and I/O used after their runtime shut down.
#[allow(dead_code)]
pub(crate) const RUNTIME_SHUTTING_DOWN_ERROR: &str =
    "A Tokio 1.x context was found, but it is being shutdown.";

struct Context {
    current: RefCell<Current>,
    depth: Cell<usize>,
    runtime: Cell<EnterRuntime>,
    scheduler: Cell<*const scheduler::Context>,
    budget: Cell<Budget>,
    task_id: Cell<Option<Id>>,
    polled: Cell<Polled>,
    local_set: RefCell<Option<Rc<LocalSetOwner>>>,
    rng: Cell<u64>,
    thread_id: Cell<Option<ThreadId>>,
    /// The parker `block_on` sleeps on, made on first use and lent in
    /// place; loom's parkers cannot outlive a model.
    #[cfg(not(loom))]
    parker: OnceCell<CachedParker>,
    /// Whether `parker` is lent out: a `block_on` nested in a future polled
    /// by another (a `blocking_recv` inside `Handle::block_on`) makes its own.
    #[cfg(not(loom))]
    parker_lent: Cell<bool>,
}

thread_local! {
    static CONTEXT: Context = const {
        Context {
            current: RefCell::new(Current::None),
            depth: Cell::new(0),
            runtime: Cell::new(EnterRuntime::NotEntered),
            scheduler: Cell::new(std::ptr::null()),
            budget: Cell::new(Budget::unconstrained()),
            task_id: Cell::new(None),
            polled: Cell::new(Polled::NONE),
            local_set: RefCell::new(None),
            rng: Cell::new(0),
            thread_id: Cell::new(None),
            #[cfg(not(loom))]
            parker: OnceCell::new(),
            #[cfg(not(loom))]
            parker_lent: Cell::new(false),
        }
    };
}

/// Whether this thread is driving a runtime.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum EnterRuntime {
    /// Inside `block_on` or on a worker; `allow_block_in_place` is true on
    /// multi-thread workers, where the core can be handed off.
    Entered {
        allow_block_in_place: bool,
    },
    NotEntered,
}

impl EnterRuntime {
    pub(crate) fn is_entered(self) -> bool {
        matches!(self, EnterRuntime::Entered { .. })
    }
}

// ---- current handle -------------------------------------------------------

/// The handle in the `current` slot.
///
/// `Borrowed` saves `block_on` two reference-count updates: the runtime's
/// handle is borrowed for the whole call, so the slot may point at it instead
/// of owning a clone. Invariant: a `Borrowed` handle lives only in the slot,
/// never in a saved `prev` (whoever replaces the slot saves an owned clone,
/// see [`Current::into_owned`]), so it cannot outlive the `enter_runtime`
/// frame that installed it, even when guards are leaked or dropped out of
/// order.
#[derive(Debug)]
enum Current {
    None,
    Owned(scheduler::Handle),
    Borrowed(std::ptr::NonNull<scheduler::Handle>),
}

impl Current {
    fn get(&self) -> Option<&scheduler::Handle> {
        match self {
            Current::None => None,
            Current::Owned(handle) => Some(handle),
            // SAFETY: a `Borrowed` pointer is only in the slot while the
            // `enter_runtime` frame whose argument it points to runs (see
            // the invariant above), and that frame borrows the handle.
            Current::Borrowed(ptr) => Some(unsafe { ptr.as_ref() }),
        }
    }

    /// Called on the value just taken out of the slot, while the slot's
    /// invariant still holds, to keep it in a guard.
    #[inline]
    fn into_owned(self) -> Current {
        match self {
            Current::Borrowed(_) => Current::Owned(self.get().cloned().expect("borrowed handle")),
            other => other,
        }
    }
}

/// Calls `f` with the handle of the runtime this thread is in.
pub(crate) fn with_current<R>(
    f: impl FnOnce(&scheduler::Handle) -> R,
) -> Result<R, TryCurrentError> {
    match CONTEXT.try_with(|ctx| ctx.current.borrow().get().map(f)) {
        Ok(Some(r)) => Ok(r),
        Ok(None) => Err(TryCurrentError::new(TryCurrentErrorKind::NoContext)),
        Err(_) => Err(TryCurrentError::new(
            TryCurrentErrorKind::ThreadLocalDestroyed,
        )),
    }
}

/// Restores the previously current handle when dropped.
#[derive(Debug)]
pub(crate) struct SetCurrentGuard {
    prev: Option<Current>,
    depth: usize,
    _not_send: PhantomData<*const ()>,
}

/// Makes `handle` the current one until the guard is dropped. `None` if the
/// thread-local is gone.
pub(crate) fn try_set_current(handle: &scheduler::Handle) -> Option<SetCurrentGuard> {
    CONTEXT
        .try_with(|ctx| {
            let prev = ctx
                .current
                .replace(Current::Owned(handle.clone()))
                .into_owned();
            SetCurrentGuard {
                prev: Some(prev),
                depth: ctx.enter_depth(),
                _not_send: PhantomData,
            }
        })
        .ok()
}

impl Drop for SetCurrentGuard {
    fn drop(&mut self) {
        let _ = CONTEXT.try_with(|ctx| ctx.leave_depth(self.depth, &mut self.prev));
    }
}

impl Context {
    #[inline]
    fn enter_depth(&self) -> usize {
        let depth = self.depth.get() + 1;
        self.depth.set(depth);
        depth
    }

    /// Puts `prev` back in the slot if the guard of `depth` is the innermost
    /// one; otherwise panics, as Tokio does for guards dropped out of order.
    #[inline]
    fn leave_depth(&self, depth: usize, prev: &mut Option<Current>) {
        if self.depth.get() != depth {
            guards_out_of_order();
            return;
        }
        if let Some(prev) = prev.take() {
            // The old value is dropped after the borrow ends: dropping the last
            // handle of a runtime may run code that reads the slot.
            let _old = self.current.replace(prev);
        }
        self.depth.set(depth - 1);
    }
}

#[cold]
#[inline(never)]
fn guards_out_of_order() {
    if !std::thread::panicking() {
        panic!(
            "`EnterGuard` values dropped out of order. Guards returned by \
             `tokio::runtime::Handle::enter()` must be dropped in the reverse \
             order as they were acquired."
        );
    }
}

// ---- entering a runtime ---------------------------------------------------

/// Proof that this thread may block: it is not driving a runtime.
#[derive(Debug)]
pub(crate) struct BlockingRegionGuard {
    _not_send: PhantomData<*const ()>,
}

impl BlockingRegionGuard {
    /// Blocks the thread on `future`.
    pub(crate) fn block_on<F: std::future::Future>(&mut self, future: F) -> F::Output {
        crate::runtime::park::block_on_thread(future)
    }
}

const NESTED_BLOCK_ON_ERROR: &str = "Cannot start a runtime from within a runtime. This happens \
     because a function (like `block_on`) attempted to block the \
     current thread while the thread is being used to drive \
     asynchronous tasks. If you are in an async function, use \
     `.await` on the future instead of blocking on it.";

/// What entering a runtime changed in the context, to be put back on exit.
struct Entered {
    prev: Option<Current>,
    depth: usize,
}

impl Context {
    /// Marks the thread as driving the runtime of `handle`, with `handle`
    /// current; `None` if it already drives one.
    #[inline]
    fn enter_runtime(
        &self,
        handle: &scheduler::Handle,
        allow_block_in_place: bool,
    ) -> Option<Entered> {
        if self.runtime.get().is_entered() {
            return None;
        }
        self.runtime.set(EnterRuntime::Entered {
            allow_block_in_place,
        });
        if self.rng.get() == 0 {
            self.rng.set(seed());
        }
        let prev = self
            .current
            .replace(Current::Borrowed(std::ptr::NonNull::from(handle)))
            .into_owned();
        Some(Entered {
            prev: Some(prev),
            depth: self.enter_depth(),
        })
    }

    #[inline]
    fn exit_runtime(&self, entered: &mut Entered) {
        self.runtime.set(EnterRuntime::NotEntered);
        self.leave_depth(entered.depth, &mut entered.prev);
    }
}

/// Marks the thread as driving the runtime of `handle` for the duration of
/// `f`, with `handle` current. Panics with Tokio's message if the thread is
/// already driving one.
#[track_caller]
pub(crate) fn enter_runtime<R>(
    handle: &scheduler::Handle,
    allow_block_in_place: bool,
    f: impl FnOnce(&mut BlockingRegionGuard) -> R,
) -> R {
    struct Reset(Entered);
    impl Drop for Reset {
        fn drop(&mut self) {
            let _ = CONTEXT.try_with(|ctx| ctx.exit_runtime(&mut self.0));
        }
    }

    let _reset = match CONTEXT.try_with(|ctx| ctx.enter_runtime(handle, allow_block_in_place)) {
        Ok(Some(entered)) => Reset(entered),
        Ok(None) => panic!("{}", NESTED_BLOCK_ON_ERROR),
        Err(_) => panic!("{}", THREAD_LOCAL_DESTROYED_ERROR),
    };
    f(&mut BlockingRegionGuard {
        _not_send: PhantomData,
    })
}

/// `block_on` on a thread that does not run the runtime's scheduler (the
/// multi-thread runtime's `block_on`, `Handle::block_on`): enters the runtime
/// of `handle` and polls `future` to completion, parking the thread while it
/// is pending. `block_in_place` is allowed inside (there is no core to hand
/// off; the closure blocks this thread). Panics with Tokio's message if the
/// thread already drives a runtime.
///
/// This is all of `block_on`'s overhead for a future that is ready at once,
/// so it makes one thread-local access: the whole call runs inside it, and
/// the context (the saved state, the coop budget, the parker, lent in place)
/// is reached through that one reference.
#[track_caller]
pub(crate) fn block_on_entered<F: std::future::Future>(
    handle: &scheduler::Handle,
    future: F,
) -> F::Output {
    /// Puts back what entering changed, on return and on unwind.
    struct Exit<'a> {
        ctx: &'a Context,
        entered: Entered,
        budget: Budget,
    }
    impl Drop for Exit<'_> {
        #[inline]
        fn drop(&mut self) {
            self.ctx.budget.set(self.budget);
            self.ctx.exit_runtime(&mut self.entered);
        }
    }

    let run = CONTEXT.try_with(move |ctx| {
        // Nested: the future is dropped here, unpolled, and the panic is
        // raised outside the closure so that it names the caller.
        let entered = ctx.enter_runtime(handle, true)?;
        let _exit = Exit {
            ctx,
            entered,
            budget: ctx.budget.replace(Budget::initial()),
        };
        // Pinned after `_exit`, so dropped before it: the future is dropped
        // inside the runtime context, as the task of a `spawn` would be.
        let future = std::pin::pin!(future);
        Some(ctx.with_parker(|parker| parker.block_on(future)))
    });
    match run {
        Ok(Some(output)) => output,
        Ok(None) => panic!("{}", NESTED_BLOCK_ON_ERROR),
        Err(_) => panic!("{}", THREAD_LOCAL_DESTROYED_ERROR),
    }
}

impl Context {
    /// Calls `f` with the thread's parker, or with a new one if that is
    /// lent out already (or under loom).
    #[inline]
    fn with_parker<R>(&self, f: impl FnOnce(&CachedParker) -> R) -> R {
        #[cfg(not(loom))]
        if !self.parker_lent.replace(true) {
            struct Return<'a>(&'a Cell<bool>);
            impl Drop for Return<'_> {
                #[inline]
                fn drop(&mut self) {
                    self.0.set(false);
                }
            }
            let _return = Return(&self.parker_lent);
            return f(self.parker.get_or_init(CachedParker::new));
        }
        f(&CachedParker::new())
    }
}

/// Calls `f` with this thread's cached parker (a new one if it is lent out
/// or the thread-local is gone): a loop of blocking calls allocates once.
pub(crate) fn with_cached_parker<R>(f: impl FnOnce(&CachedParker) -> R) -> R {
    let mut f = Some(f);
    match CONTEXT.try_with(|ctx| ctx.with_parker(|p| (f.take().unwrap())(p))) {
        Ok(output) => output,
        Err(_) => (f.take().unwrap())(&CachedParker::new()),
    }
}

/// Whether this thread drives a runtime right now.
pub(crate) fn current_enter_context() -> EnterRuntime {
    CONTEXT
        .try_with(|ctx| ctx.runtime.get())
        .unwrap_or(EnterRuntime::NotEntered)
}

/// `Some` when blocking is allowed on this thread (it drives no runtime).
pub(crate) fn try_enter_blocking_region() -> Option<BlockingRegionGuard> {
    CONTEXT
        .try_with(|ctx| {
            if ctx.runtime.get().is_entered() {
                None
            } else {
                Some(BlockingRegionGuard {
                    _not_send: PhantomData,
                })
            }
        })
        .unwrap_or(Some(BlockingRegionGuard {
            _not_send: PhantomData,
        }))
}

/// Forbids `block_in_place` on this thread until dropped; see
/// [`disallow_block_in_place`].
#[derive(Debug)]
pub(crate) struct DisallowBlockInPlaceGuard {
    reset: bool,
    _not_send: PhantomData<*const ()>,
}

/// Makes `block_in_place` panic while the guard lives, where it would be
/// allowed (a multi-thread runtime's `block_on`): a `LocalSet` is being
/// polled, and its tasks cannot continue on another thread.
pub(crate) fn disallow_block_in_place() -> DisallowBlockInPlaceGuard {
    let reset = CONTEXT
        .try_with(|ctx| {
            if ctx.runtime.get()
                == (EnterRuntime::Entered {
                    allow_block_in_place: true,
                })
            {
                ctx.runtime.set(EnterRuntime::Entered {
                    allow_block_in_place: false,
                });
                true
            } else {
                false
            }
        })
        .unwrap_or(false);
    DisallowBlockInPlaceGuard {
        reset,
        _not_send: PhantomData,
    }
}

impl Drop for DisallowBlockInPlaceGuard {
    fn drop(&mut self) {
        if self.reset {
            let _ = CONTEXT.try_with(|ctx| {
                if ctx.runtime.get().is_entered() {
                    ctx.runtime.set(EnterRuntime::Entered {
                        allow_block_in_place: true,
                    });
                }
            });
        }
    }
}

/// Runs `f` as if the thread were not driving a runtime (`block_in_place`),
/// restoring the previous state afterwards.
#[allow(dead_code)]
pub(crate) fn exit_runtime<R>(f: impl FnOnce() -> R) -> R {
    struct Reset(EnterRuntime);
    impl Drop for Reset {
        fn drop(&mut self) {
            CONTEXT.with(|ctx| ctx.runtime.set(self.0));
        }
    }
    let prev = CONTEXT.with(|ctx| ctx.runtime.replace(EnterRuntime::NotEntered));
    let _reset = Reset(prev);
    f()
}

// ---- scheduler context ----------------------------------------------------

/// Installs `cx` as the running scheduler of this thread while `f` runs.
pub(crate) fn set_scheduler<R>(cx: &scheduler::Context, f: impl FnOnce() -> R) -> R {
    // `None` when the thread-local is gone: a runtime dropped during
    // thread-local destruction shuts down without a scheduler context.
    struct Reset(Option<*const scheduler::Context>);
    impl Drop for Reset {
        fn drop(&mut self) {
            if let Some(prev) = self.0 {
                let _ = CONTEXT.try_with(|ctx| ctx.scheduler.set(prev));
            }
        }
    }
    let prev = CONTEXT
        .try_with(|ctx| ctx.scheduler.replace(cx as *const _))
        .ok();
    let _reset = Reset(prev);
    f()
}

/// Calls `f` with the scheduler context running on this thread, if any.
pub(crate) fn with_scheduler<R>(f: impl FnOnce(Option<&scheduler::Context>) -> R) -> R {
    let ptr = CONTEXT
        .try_with(|ctx| ctx.scheduler.get())
        .unwrap_or(std::ptr::null());
    // SAFETY: the pointer is set only by `set_scheduler`, which resets it
    // before the context it points to goes out of scope, so a non-null
    // pointer refers to a live `scheduler::Context` on this thread's stack.
    f(unsafe { ptr.as_ref() })
}

/// Wakes `waker` after the scheduler has polled its driver (yield_now, spent
/// budget), or at once when no scheduler runs on this thread.
pub(crate) fn defer(waker: &Waker) {
    with_scheduler(|cx| match cx {
        Some(cx) => cx.defer(waker),
        None => waker.wake_by_ref(),
    })
}

/// Schedules `task`, which yielded itself, after the scheduler has polled
/// its driver, or at once when no scheduler runs on this thread.
pub(crate) fn defer_task(task: YieldedTask) {
    with_scheduler(|cx| match cx {
        Some(cx) => cx.defer_task(task),
        None => task.schedule(),
    })
}

// ---- budget ---------------------------------------------------------------

/// The budget of the current poll; `None` if the thread-local is gone.
#[inline]
pub(crate) fn budget() -> Option<Budget> {
    CONTEXT.try_with(|ctx| ctx.budget.get()).ok()
}

#[inline]
pub(crate) fn set_budget(budget: Budget) {
    let _ = CONTEXT.try_with(|ctx| ctx.budget.set(budget));
}

/// Sets the budget, returning the previous one.
#[inline]
pub(crate) fn replace_budget(budget: Budget) -> Option<Budget> {
    CONTEXT.try_with(|ctx| ctx.budget.replace(budget)).ok()
}

// ---- current task id ------------------------------------------------------

/// Sets the id of the task being polled, returning the previous one.
#[inline]
pub(crate) fn set_current_task_id(id: Option<Id>) -> Option<Id> {
    CONTEXT
        .try_with(|ctx| ctx.task_id.replace(id))
        .unwrap_or(None)
}

#[inline]
pub(crate) fn current_task_id() -> Option<Id> {
    CONTEXT.try_with(|ctx| ctx.task_id.get()).unwrap_or(None)
}

// ---- the task being polled ---------------------------------------------

/// The task this thread polls (its header, as a waker's data pointer) and
/// whether it has yielded itself during this poll.
#[derive(Clone, Copy)]
struct Polled {
    task: *const (),
    yielded: bool,
}

impl Polled {
    const NONE: Polled = Polled {
        task: std::ptr::null(),
        yielded: false,
    };
}

/// What [`enter_poll`] replaced; [`exit_poll`] puts it back (polls nest: a
/// `LocalSet` polls its tasks inside the poll of the task that awaits it).
#[must_use]
#[derive(Clone, Copy)]
pub(crate) struct PollScope {
    id: Option<Id>,
    polled: Polled,
}

/// Marks `task` (a task header) as the task this thread polls, with id `id`.
#[inline]
pub(crate) fn enter_poll(id: Id, task: *const ()) -> PollScope {
    let polled = Polled {
        task,
        yielded: false,
    };
    CONTEXT
        .try_with(|ctx| PollScope {
            id: ctx.task_id.replace(Some(id)),
            polled: ctx.polled.replace(polled),
        })
        .unwrap_or(PollScope {
            id: None,
            polled: Polled::NONE,
        })
}

/// Ends the poll begun by the [`enter_poll`] that returned `scope`: returns
/// whether the task yielded itself ([`record_yield`]).
#[inline]
pub(crate) fn exit_poll(scope: PollScope) -> bool {
    CONTEXT
        .try_with(|ctx| {
            ctx.task_id.set(scope.id);
            ctx.polled.replace(scope.polled).yielded
        })
        .unwrap_or(false)
}

/// If `task` is the task this thread is polling, records that it yielded and
/// returns `true`; its harness reschedules it when the poll returns.
#[inline]
pub(crate) fn record_yield(task: *const ()) -> bool {
    CONTEXT
        .try_with(|ctx| {
            let polled = ctx.polled.get();
            let is_polled = !task.is_null() && polled.task == task;
            if is_polled {
                ctx.polled.set(Polled {
                    yielded: true,
                    ..polled
                });
            }
            is_polled
        })
        .unwrap_or(false)
}

// ---- thread id -------------------------------------------------------------

/// `std::thread::current().id()`, without touching the thread's handle
/// (an `Arc` clone) after the first call.
pub(crate) fn thread_id() -> ThreadId {
    CONTEXT
        .try_with(|ctx| match ctx.thread_id.get() {
            Some(id) => id,
            None => {
                let id = std::thread::current().id();
                ctx.thread_id.set(Some(id));
                id
            }
        })
        .unwrap_or_else(|_| std::thread::current().id())
}

// ---- current LocalSet ----------------------------------------------------

/// Makes `owner` the current `LocalSet`, returning the previous one.
pub(crate) fn set_current_local_set(owner: Option<Rc<LocalSetOwner>>) -> Option<Rc<LocalSetOwner>> {
    CONTEXT
        .try_with(|ctx| ctx.local_set.replace(owner))
        .unwrap_or(None)
}

/// The `LocalSet` that is polled or entered on this thread, if any.
pub(crate) fn current_local_set() -> Option<Rc<LocalSetOwner>> {
    CONTEXT
        .try_with(|ctx| ctx.local_set.borrow().clone())
        .unwrap_or(None)
}

/// `false` once the thread-local is destroyed (thread exit).
pub(crate) fn current_local_set_accessible() -> bool {
    CONTEXT.try_with(|_| ()).is_ok()
}

// ---- random numbers -------------------------------------------------------

fn seed() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_usize(&h as *const _ as usize);
    h.finish() | 1
}

/// A random number in `0..n` (xorshift64*, per thread; not for cryptography).
pub(crate) fn thread_rng_n(n: u32) -> u32 {
    CONTEXT
        .try_with(|ctx| {
            let mut x = ctx.rng.get();
            if x == 0 {
                x = seed();
            }
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            ctx.rng.set(x);
            let r = x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32;
            ((r * u64::from(n)) >> 32) as u32
        })
        .unwrap_or(0)
}
