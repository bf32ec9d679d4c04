//! Asynchronous green threads: spawning, joining, cancelling, yielding.
//!
//! A task is a future the runtime polls on its own, like a lightweight thread.
//! [`spawn`] starts one and returns a [`JoinHandle`] to await its output.
//!
//! ```
//! # #[weft::main(flavor = "current_thread")]
//! # async fn main() {
//! let handle = weft::task::spawn(async { "hello" });
//! assert_eq!(handle.await.unwrap(), "hello");
//! # }
//! ```
//!
//! Beyond single tasks: a [`JoinSet`] owns a group of tasks and yields their
//! outputs as they complete; a [`LocalSet`] runs `!Send` futures on one
//! thread ([`spawn_local`]); [`task_local!`](crate::task_local) gives each
//! task a value of its own; [`yield_now`] and the [`coop`] budget keep one
//! busy task from starving the others.

mod abort_handle;
mod cell;
pub mod coop;
mod error;
mod harness;
mod id;
mod idle_notified_set;
mod join_handle;
mod join_set;
pub(crate) mod list;
pub(crate) mod local_set;
mod raw;
mod spawn;
mod state;
mod task_local;
pub(crate) mod waker;
mod yield_now;

#[cfg(all(test, not(loom)))]
mod harness_tests;
#[cfg(all(test, loom))]
mod loom_tests;
#[cfg(test)]
pub(crate) mod test_sched;

pub use abort_handle::AbortHandle;
pub use coop::{consume_budget, unconstrained, Unconstrained};
pub use error::JoinError;
pub use id::{id, try_id, Id};
pub use join_handle::JoinHandle;
pub use join_set::JoinSet;
pub use local_set::{spawn_local, LocalEnterGuard, LocalSet};
pub use spawn::{block_in_place, spawn, spawn_blocking};
pub use task_local::LocalKey;
pub use yield_now::yield_now;

/// Futures returned by functions of this module.
pub mod futures {
    pub use super::task_local::TaskLocalFuture;
}

pub(crate) use cell::Header;
pub(crate) use raw::RawTask;

use std::future::Future;
use std::marker::PhantomData;
use std::panic::Location;
use std::ptr::NonNull;

/// What a task needs from the scheduler that owns it.
pub(crate) trait Schedule: Sync + Sized + 'static {
    /// Removes a completed task from the owned list, returning the list's
    /// reference (`None` if it was not there).
    fn release(&self, task: &Task<Self>) -> Option<Task<Self>>;

    /// Queues a task to be polled.
    fn schedule(&self, task: Notified<Self>);

    /// Queues a task that woke itself while running (behind other ready work).
    fn yield_now(&self, task: Notified<Self>) {
        self.schedule(task);
    }

    /// Queues a task that yielded itself (`yield_now`, a spent budget) to
    /// run after the scheduler next polls its driver.
    fn defer(&self, task: Notified<Self>) {
        crate::runtime::context::defer_task(YieldedTask(task.into_raw()));
    }
}

/// A task that yielded itself, waiting in a scheduler's deferred list. It
/// owns the task's `Notified` reference (NOTIFIED is set), with the
/// scheduler type erased so that one list serves every scheduler.
pub(crate) struct YieldedTask(RawTask);

impl std::fmt::Debug for YieldedTask {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("YieldedTask")
            .field("id", &self.0.header().id())
            .finish()
    }
}

impl YieldedTask {
    /// Hands the task to its scheduler's run queue.
    pub(crate) fn schedule(self) {
        let raw = self.0;
        std::mem::forget(self);
        raw.schedule();
    }
}

impl Drop for YieldedTask {
    fn drop(&mut self) {
        // Like dropping a `Notified` that never ran: the task stays NOTIFIED
        // and in its owned list, where shutdown finds it.
        self.0.drop_reference();
    }
}

/// A counted reference to a task (the owned list holds one per task).
pub(crate) struct Task<S: 'static> {
    raw: RawTask,
    _p: PhantomData<S>,
}

/// A task that is scheduled to run: one exists exactly while the task is in
/// a run queue (or about to be put in one). Running it consumes it.
pub(crate) struct Notified<S: 'static>(Task<S>);

// SAFETY: task cells are thread-safe; the scheduler type is Sync (`Schedule`).
unsafe impl<S: Schedule> Send for Task<S> {}
// SAFETY: as above.
unsafe impl<S: Schedule> Sync for Task<S> {}
// SAFETY: as above.
unsafe impl<S: Schedule> Send for Notified<S> {}
// SAFETY: as above.
unsafe impl<S: Schedule> Sync for Notified<S> {}

impl<S: 'static> Task<S> {
    /// # Safety
    ///
    /// `ptr` is a live task of scheduler type `S`; the caller transfers one
    /// counted reference to the new `Task`.
    pub(crate) unsafe fn from_raw(ptr: NonNull<Header>) -> Task<S> {
        Task {
            // SAFETY: per the caller's contract.
            raw: unsafe { RawTask::from_raw(ptr) },
            _p: PhantomData,
        }
    }

    /// A `Task` view that must not be dropped (wrap it in `ManuallyDrop`).
    pub(super) fn from_raw_borrowed(ptr: NonNull<Header>) -> Task<S> {
        Task {
            // SAFETY: the caller keeps the task alive and never drops this value.
            raw: unsafe { RawTask::from_raw(ptr) },
            _p: PhantomData,
        }
    }

    pub(crate) fn raw(&self) -> RawTask {
        self.raw
    }

    pub(crate) fn header(&self) -> &Header {
        self.raw.header()
    }

    pub(crate) fn id(&self) -> Id {
        self.raw.header().id()
    }

    /// Gives up ownership of the reference without releasing it.
    pub(crate) fn into_raw(self) -> RawTask {
        let raw = self.raw;
        std::mem::forget(self);
        raw
    }

    /// Cancels the task (runtime shutdown); consumes this reference.
    #[allow(dead_code)]
    pub(crate) fn shutdown(self) {
        self.into_raw().shutdown();
    }
}

impl<S: 'static> Drop for Task<S> {
    fn drop(&mut self) {
        self.raw.drop_reference();
    }
}

impl<S: 'static> Notified<S> {
    /// # Safety
    ///
    /// As [`Task::from_raw`]; the reference is the one the NOTIFIED bit accounts for.
    pub(crate) unsafe fn from_raw(ptr: NonNull<Header>) -> Notified<S> {
        // SAFETY: per the caller's contract.
        Notified(unsafe { Task::from_raw(ptr) })
    }

    pub(crate) fn into_raw(self) -> RawTask {
        self.0.into_raw()
    }

    /// The task's id and spawn location (the blocked-worker monitor
    /// publishes them before each poll).
    pub(crate) fn id_and_location(&self) -> (Id, &'static Location<'static>) {
        let ptr = self.0.raw.header_ptr();
        // SAFETY: this `Notified` holds a counted reference: the cell is alive.
        (self.0.id(), unsafe { Header::spawned_at(ptr) })
    }

    /// Polls the task once. The caller has set up the coop budget and the
    /// scheduler context.
    pub(crate) fn run(self) {
        self.into_raw().poll();
    }
}

impl<S: 'static> std::fmt::Debug for Notified<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notified")
            .field("id", &self.0.id())
            .finish()
    }
}

/// Allocates a task for `future`: returns the owned-list reference, the
/// first `Notified` and the JoinHandle (the three initial references).
pub(crate) fn new_task<F, S>(
    future: F,
    scheduler: S,
    id: Id,
    spawned_at: &'static Location<'static>,
) -> (Task<S>, Notified<S>, JoinHandle<F::Output>)
where
    F: Future + 'static,
    S: Schedule,
{
    let raw = RawTask::new(cell::Cell::new(future, scheduler, id, spawned_at));
    let task = Task {
        raw,
        _p: PhantomData,
    };
    let notified = Notified(Task {
        raw,
        _p: PhantomData,
    });
    (task, notified, JoinHandle::new(raw))
}
