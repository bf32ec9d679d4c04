//! The task cell: the one heap allocation behind every spawned task.
//!
//! ```text
//! Cell<F, S> (repr(C), one Box)
//! ├── Header   state word, run-queue link, vtable, id, owner      (type-erased, first)
//! ├── Core     scheduler handle S, stage: Running(F) | Finished(output) | Consumed
//! └── Trailer  owned-list links, join waker, spawn location
//! ```
//!
//! Everything that is reached through a type-erased pointer (`NonNull<Header>`)
//! lives in the header or the trailer; the trailer's offset is kept in the
//! vtable so that untyped code (queues, the owned list, wakers) finds it.
//! Which thread may touch which field is governed by the rules in `state.rs`.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicU32, Ordering::Relaxed};
use crate::runtime::context::{self, PollScope};
use crate::runtime::dump::{TaskSnapshot, TaskState};
use crate::task::error::JoinError;
use crate::task::raw::Vtable;
use crate::task::state::State;
use crate::task::{Id, Schedule};
use std::future::Future;
use std::panic::Location;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

#[repr(C)]
pub(super) struct Cell<F: Future, S> {
    pub(super) header: Header,
    pub(super) core: Core<F, S>,
    pub(super) trailer: Trailer,
}

/// The type-erased part every task shares. Kept to one cache line (tested).
#[repr(C)]
pub(crate) struct Header {
    pub(super) state: State,
    /// Next task in an intrusive run queue (the inject queue). Written only by
    /// the holder of the task's `Notified`, under the queue's lock.
    pub(crate) queue_next: UnsafeCell<Option<NonNull<Header>>>,
    pub(super) vtable: &'static Vtable,
    /// The low 32 bits of the id of the owned-task list this task is bound
    /// to (0: none). Written once before the task is shared, read-only
    /// afterwards. 32 bits so that `polls` fits beside it and the header
    /// stays 40 bytes (a small task cell 120, under glibc's 128-byte
    /// fast-bin chunks). A list compares a task with itself only when that
    /// task's own scheduler (the owner of exactly one list) releases it, so
    /// two lists sharing the low bits after 2^32 lists is harmless: see
    /// `is_owned_by`.
    pub(super) owner_id: UnsafeCell<u32>,
    /// How many times the future was polled (wrapping), for task dumps.
    /// Written only by the thread that holds RUNNING (rule 1), with a plain
    /// load + store (no read-modify-write on the poll path); dumps read it
    /// racily, which at worst shows a count one behind.
    pub(super) polls: AtomicU32,
    pub(super) id: Id,
}

pub(super) struct Core<F: Future, S> {
    pub(super) scheduler: S,
    pub(super) stage: UnsafeCell<Stage<F>>,
}

pub(super) enum Stage<F: Future> {
    Running(F),
    Finished(Result<F::Output, JoinError>),
    Consumed,
}

pub(crate) struct Trailer {
    /// Links of the owned-task list, guarded by that list's shard lock.
    pub(crate) owned: OwnedLinks,
    /// The JoinHandle's waker; ownership by the JOIN_WAKER rule in `state.rs`.
    pub(super) waker: UnsafeCell<Option<Waker>>,
    /// Where the task was spawned (`#[track_caller]`), for dumps and the
    /// blocked-worker monitor. Written once at creation, read-only after.
    pub(super) spawned_at: &'static Location<'static>,
}

pub(crate) struct OwnedLinks {
    pub(crate) prev: UnsafeCell<Option<NonNull<Header>>>,
    pub(crate) next: UnsafeCell<Option<NonNull<Header>>>,
}

impl<F: Future, S: Schedule> Cell<F, S> {
    pub(super) fn new(
        future: F,
        scheduler: S,
        id: Id,
        spawned_at: &'static Location<'static>,
    ) -> Box<Cell<F, S>> {
        Box::new(Cell {
            header: Header {
                state: State::new(),
                queue_next: UnsafeCell::new(None),
                vtable: crate::task::raw::vtable::<F, S>(),
                owner_id: UnsafeCell::new(0),
                id,
                polls: AtomicU32::new(0),
            },
            core: Core {
                scheduler,
                stage: UnsafeCell::new(Stage::Running(future)),
            },
            trailer: Trailer {
                owned: OwnedLinks {
                    prev: UnsafeCell::new(None),
                    next: UnsafeCell::new(None),
                },
                waker: UnsafeCell::new(None),
                spawned_at,
            },
        })
    }
}

impl Header {
    /// # Safety
    ///
    /// `me` must point at the header of a live task cell.
    pub(crate) unsafe fn trailer<'a>(me: NonNull<Header>) -> &'a Trailer {
        // SAFETY: the header is the first field of a repr(C) Cell; the vtable
        // records where that cell's trailer is, and the cell is alive.
        unsafe {
            let offset = me.as_ref().vtable.trailer_offset;
            &*me.as_ptr().cast::<u8>().add(offset).cast::<Trailer>()
        }
    }

    pub(crate) fn id(&self) -> Id {
        self.id
    }

    /// Counts one poll of the future. Only the holder of RUNNING calls this.
    pub(super) fn count_poll(&self) {
        self.polls
            .store(self.polls.load(Relaxed).wrapping_add(1), Relaxed);
    }

    /// Whether the task was bound to the owned-task list `list_id` (compared
    /// on the low 32 bits, see `owner_id`). An unbound task (0) that matches
    /// a list whose low bits are 0 is still not in it: the list's `remove`
    /// finds its links empty.
    pub(super) fn is_owned_by(&self, list_id: u64) -> bool {
        // SAFETY: written once before the task is shared (`OwnedTasks::bind`).
        self.owner_id.with(|p| unsafe { *p }) == list_id as u32
    }

    /// # Safety
    ///
    /// Only before the task is shared with other threads.
    pub(super) unsafe fn set_owner_id(&self, list_id: u64) {
        // SAFETY: the caller has exclusive access (task not yet shared).
        self.owner_id.with_mut(|p| unsafe { *p = list_id as u32 });
    }
}

impl Header {
    /// Reads what a task dump shows of one task, without stopping it: the
    /// state word and the poll count are atomics read at one moment each,
    /// the id and the spawn location never change.
    ///
    /// # Safety
    ///
    /// `me` points at the header of a live task cell (the caller holds a
    /// counted reference, or the lock of an owned-list shard the task is in).
    pub(crate) unsafe fn snapshot(me: NonNull<Header>) -> TaskSnapshot {
        // SAFETY: the cell is alive per the caller's contract.
        let (header, trailer) = unsafe { (me.as_ref(), Header::trailer(me)) };
        let s = header.state.load();
        // A running task may also be marked cancelled (aborted from inside
        // its poll): it is still running, which is what a dump reader needs.
        let state = if s.is_complete() {
            TaskState::Complete
        } else if s.is_running() {
            TaskState::Running
        } else if s.is_cancelled() {
            TaskState::Cancelled
        } else if s.is_notified() {
            TaskState::Scheduled
        } else {
            TaskState::Idle
        };
        TaskSnapshot::new(
            header.id,
            state,
            header.polls.load(Relaxed),
            trailer.spawned_at,
        )
    }

    /// Where the task was spawned.
    ///
    /// # Safety
    ///
    /// `me` points at the header of a live task cell.
    pub(crate) unsafe fn spawned_at(me: NonNull<Header>) -> &'static Location<'static> {
        // SAFETY: the cell is alive per the caller's contract; the field is
        // written once at creation.
        unsafe { Header::trailer(me).spawned_at }
    }
}

/// Sets the current task id while a task's future is polled or dropped, so
/// that `task::id()` works in both.
pub(super) struct TaskIdGuard(Option<Id>);

impl TaskIdGuard {
    pub(super) fn enter(id: Id) -> TaskIdGuard {
        TaskIdGuard(context::set_current_task_id(Some(id)))
    }
}

impl Drop for TaskIdGuard {
    fn drop(&mut self) {
        context::set_current_task_id(self.0);
    }
}

/// How a poll of a task's future ended.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Polled {
    /// The output is stored; the future is gone.
    Ready,
    /// The future is pending; `yielded` if it yielded itself
    /// (`waker::defer_self`), so that the harness must reschedule it.
    Pending { yielded: bool },
}

/// Marks a task as the one this thread polls (`context::enter_poll`), and
/// puts the previous one back even if the poll unwinds.
struct PollGuard(PollScope);

impl PollGuard {
    fn enter(id: Id, header: NonNull<Header>) -> PollGuard {
        PollGuard(context::enter_poll(id, header.as_ptr() as *const ()))
    }

    /// The poll returned: whether the task yielded itself.
    fn exit(self) -> bool {
        let scope = self.0;
        std::mem::forget(self);
        context::exit_poll(scope)
    }
}

impl Drop for PollGuard {
    /// Only on unwind: `exit` forgets the guard.
    fn drop(&mut self) {
        let _ = context::exit_poll(self.0);
    }
}

impl<F: Future, S> Core<F, S> {
    /// Polls the future; on `Ready` drops the future and stores the output.
    /// `header` is this task's (the waker in `cx` points at it).
    ///
    /// # Safety
    ///
    /// The caller holds RUNNING (rule 1) and the stage is `Running`.
    pub(super) unsafe fn poll(
        &self,
        id: Id,
        header: NonNull<Header>,
        cx: &mut Context<'_>,
    ) -> Polled {
        /// Drops the future if its poll unwinds, while the panic is still in
        /// flight (as Tokio does: a destructor sees `thread::panicking()`).
        struct DropOnUnwind<'a, F: Future, S> {
            core: &'a Core<F, S>,
            id: Id,
        }
        impl<F: Future, S> Drop for DropOnUnwind<'_, F, S> {
            fn drop(&mut self) {
                // SAFETY: still under RUNNING (rule 1): the poll that
                // panicked held it and nothing released it.
                unsafe { self.core.set_stage(self.id, Stage::Consumed) };
            }
        }

        let (res, yielded) = {
            let scope = PollGuard::enter(id, header);
            let guard = DropOnUnwind { core: self, id };
            let res = self.stage.with_mut(|ptr| {
                // SAFETY: rule 1 gives this thread exclusive access to the stage.
                let Stage::Running(future) = (unsafe { &mut *ptr }) else {
                    unreachable!("polled a task that is not running");
                };
                // SAFETY: the future lives in the heap cell and never moves
                // until it is dropped in place.
                unsafe { Pin::new_unchecked(future) }.poll(cx)
            });
            std::mem::forget(guard);
            (res, scope.exit())
        };
        match res {
            Poll::Ready(output) => {
                // SAFETY: still under RUNNING.
                unsafe { self.set_stage(id, Stage::Finished(Ok(output))) };
                Polled::Ready
            }
            Poll::Pending => Polled::Pending { yielded },
        }
    }

    /// Replaces the stage, dropping the old one with the task id set.
    ///
    /// # Safety
    ///
    /// The caller has exclusive access to the stage (rules 1 to 3).
    pub(super) unsafe fn set_stage(&self, id: Id, stage: Stage<F>) {
        let _id = TaskIdGuard::enter(id);
        // SAFETY: exclusive access per the caller's contract.
        self.stage.with_mut(|ptr| unsafe { *ptr = stage });
    }

    /// Takes the output out for the JoinHandle.
    ///
    /// # Safety
    ///
    /// The caller is the JoinHandle of a complete task (rule 2).
    pub(super) unsafe fn take_output(&self) -> Result<F::Output, JoinError> {
        // SAFETY: rule 2 gives the JoinHandle exclusive access.
        self.stage.with_mut(
            |ptr| match std::mem::replace(unsafe { &mut *ptr }, Stage::Consumed) {
                Stage::Finished(output) => output,
                _ => panic!("JoinHandle polled after completion"),
            },
        )
    }
}

impl Trailer {
    /// # Safety
    ///
    /// The caller may write the waker field (rule 4).
    pub(super) unsafe fn set_waker(&self, waker: Option<Waker>) {
        // SAFETY: exclusive per rule 4.
        self.waker.with_mut(|ptr| unsafe { *ptr = waker });
    }

    /// # Safety
    ///
    /// The caller may read the waker field (JOIN_WAKER set, or owned by the caller).
    pub(super) unsafe fn will_wake(&self, waker: &Waker) -> bool {
        self.waker.with(|ptr| {
            // SAFETY: per the caller's contract no one writes the field now.
            unsafe { &*ptr }
                .as_ref()
                .is_some_and(|w| w.will_wake(waker))
        })
    }

    /// # Safety
    ///
    /// As `will_wake`.
    pub(super) unsafe fn wake_join(&self) {
        // SAFETY: per the caller's contract no one writes the field now.
        self.waker.with(|ptr| match unsafe { &*ptr } {
            Some(waker) => waker.wake_by_ref(),
            None => panic!("waker missing"),
        });
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    /// Tokio's task for the smallest idle future takes 128 bytes; weft's must
    /// not take more (BENCHMARKS.md, "Memory per idle task"). The poll
    /// counter shares a word with the 32-bit owner id, keeping the header at
    /// 40 bytes and this cell at 120: a 128-byte allocation would leave
    /// glibc's fast bins (measured: +2% instructions per spawn on the
    /// multi-thread runtime).
    #[test]
    fn small_task_cell_is_no_larger_than_tokios() {
        use crate::loom::sync::Arc;
        use crate::runtime::scheduler::{current_thread, multi_thread};
        let fut = async {
            std::future::pending::<()>().await;
        };
        fn size_of_cell<F: Future, S>(_: &F) -> usize {
            std::mem::size_of::<Cell<F, S>>()
        }
        let ct = size_of_cell::<_, Arc<current_thread::Handle>>(&fut);
        let mt = size_of_cell::<_, Arc<multi_thread::Handle>>(&fut);
        assert!(ct <= 120 && mt <= 120, "{ct} {mt}");
        assert_eq!(std::mem::size_of::<Header>(), 40);
    }

    #[test]
    fn header_fits_in_a_cache_line() {
        assert!(
            std::mem::size_of::<Header>() <= 64,
            "{}",
            std::mem::size_of::<Header>()
        );
    }
}
