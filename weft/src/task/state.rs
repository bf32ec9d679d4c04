//! The task state word: the single source of truth for a task's life.
//!
//! One `AtomicUsize` per task holds six flags and the reference count. Every
//! change is one compare-and-swap loop through [`State::fetch_update_action`];
//! no other file reads the raw bits.
//!
//! ```text
//!  bit  name           set while ...
//!  0    RUNNING        a thread owns the future (polling or cancelling it)
//!  1    COMPLETE       the future is gone; the stage holds the output (or nothing)
//!  2    NOTIFIED       a `Notified` for the task is in a run queue, or a wake arrived while RUNNING
//!  3    JOIN_INTEREST  the JoinHandle exists: the output must be kept for it
//!  4    JOIN_WAKER     the join waker field is set and owned by the task side (rule 4)
//!  5    CANCELLED      abort or shutdown asked the task to stop at its next poll
//!  6..  ref count      one per `Task`, `Notified`, waker, JoinHandle, AbortHandle
//! ```
//!
//! ```text
//!                 (1) wake                 (2) transition_to_running
//!   ┌──────┐ ──────────────► ┌──────────┐ ──────────────────────────► ┌─────────┐
//!   │ idle │                 │ notified │                             │ running │
//!   └──────┘ ◄────────────── └──────────┘ ◄──────────────────────────  └─────────┘
//!        (3) transition_to_idle                (4) transition_to_idle,     │
//!            (Pending, no wake)                    woken while running     │ (5) transition_to_complete
//!                                                                          ▼
//!                                                                     ┌──────────┐
//!                                                                     │ complete │
//!                                                                     └──────────┘
//! ```
//!
//! A task that yields itself (`yield_now`, a spent budget) takes (4) in one
//! step, `transition_to_idle_yielded`, without a wake.
//!
//! Ownership rules (who may touch which part of the cell):
//!
//! 1. Only the thread that set RUNNING may touch the stage (the future) until it
//!    clears RUNNING or sets COMPLETE.
//! 2. Once COMPLETE is set and JOIN_INTEREST is set, only the JoinHandle may
//!    touch the stage (to take the output).
//! 3. Once COMPLETE is set and JOIN_INTEREST is clear, the completing thread (or
//!    the JoinHandle that cleared JOIN_INTEREST after COMPLETE) drops the output.
//! 4. While JOIN_WAKER is clear, only the JoinHandle may write the join waker
//!    field. While it is set, the field is read-only; the task side reads it
//!    to wake the JoinHandle on completion.
//! 5. The cell is freed exactly once, by whoever drops the reference count to zero.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::AcqRel, Ordering::Acquire};
use std::fmt;

pub(super) struct State {
    val: AtomicUsize,
}

/// A copy of the state word at one moment.
#[derive(Copy, Clone, PartialEq, Eq)]
pub(super) struct Snapshot(usize);

const RUNNING: usize = 1 << 0;
const COMPLETE: usize = 1 << 1;
const NOTIFIED: usize = 1 << 2;
const JOIN_INTEREST: usize = 1 << 3;
const JOIN_WAKER: usize = 1 << 4;
const CANCELLED: usize = 1 << 5;
const LIFECYCLE: usize = RUNNING | COMPLETE;
const REF_SHIFT: usize = 6;
const REF_ONE: usize = 1 << REF_SHIFT;
const REF_MASK: usize = !(REF_ONE - 1);

/// A new task: scheduled once (NOTIFIED), with a JoinHandle, and three
/// references: the owned-task list's `Task`, the `Notified`, the JoinHandle.
const INITIAL: usize = NOTIFIED | JOIN_INTEREST | (3 * REF_ONE);

#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TransitionToRunning {
    /// Poll the future.
    Success,
    /// Cancel the future instead of polling it.
    Cancelled,
    /// The task was already running or complete; the caller's reference was dropped.
    Failed,
    /// As `Failed`, and that was the last reference: free the cell.
    Dealloc,
}

#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TransitionToIdle {
    /// Idle; the poller's reference was dropped.
    Ok,
    /// Woken while running: schedule it again, reusing the poller's reference.
    OkNotified,
    /// Idle, and the poller's reference was the last: free the cell.
    OkDealloc,
    /// Aborted while running: cancel it now (still RUNNING).
    Cancelled,
}

#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TransitionToNotifiedByVal {
    /// Nothing to schedule; the waker's reference was dropped.
    DoNothing,
    /// Schedule the task; the waker's reference now belongs to the `Notified`.
    Submit,
    /// Nothing to schedule, and the waker's reference was the last: free the cell.
    Dealloc,
}

#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(super) enum TransitionToNotifiedByRef {
    DoNothing,
    /// Schedule the task with a new reference (already counted).
    Submit,
}

/// What the dropped JoinHandle must clean up.
#[must_use]
#[derive(Debug, PartialEq, Eq)]
pub(super) struct JoinHandleDropped {
    /// The task completed: the output is the JoinHandle's to drop (rule 3).
    pub(super) drop_output: bool,
    /// The join waker field is the JoinHandle's to clear (rule 4).
    pub(super) drop_waker: bool,
}

impl State {
    pub(super) fn new() -> State {
        State {
            val: AtomicUsize::new(INITIAL),
        }
    }

    pub(super) fn load(&self) -> Snapshot {
        Snapshot(self.val.load(Acquire))
    }

    /// The one CAS loop every transition goes through: `f` sees the current
    /// snapshot and returns the action to report and, if the word should
    /// change, the new snapshot.
    fn fetch_update_action<T>(&self, mut f: impl FnMut(Snapshot) -> (T, Option<Snapshot>)) -> T {
        let mut curr = self.load();
        loop {
            let (output, next) = f(curr);
            let Some(next) = next else { return output };
            match self
                .val
                .compare_exchange_weak(curr.0, next.0, AcqRel, Acquire)
            {
                Ok(_) => return output,
                Err(actual) => curr = Snapshot(actual),
            }
        }
    }

    /// (2) The scheduler took the task's `Notified` out of a run queue.
    pub(super) fn transition_to_running(&self) -> TransitionToRunning {
        self.fetch_update_action(|mut s| {
            debug_assert!(s.is_notified(), "running a task that was not notified");
            if !s.is_idle() {
                // Running elsewhere or complete: this `Notified` is stale.
                s.ref_dec();
                let action = if s.ref_count() == 0 {
                    TransitionToRunning::Dealloc
                } else {
                    TransitionToRunning::Failed
                };
                return (action, Some(s));
            }
            s.0 |= RUNNING;
            s.0 &= !NOTIFIED;
            let action = if s.is_cancelled() {
                TransitionToRunning::Cancelled
            } else {
                TransitionToRunning::Success
            };
            (action, Some(s))
        })
    }

    /// (4) The poll returned `Pending` after the task yielded itself: idle
    /// and notified in one step, the poller's reference becoming the
    /// `Notified`. Returns `OkNotified` or `Cancelled`.
    pub(super) fn transition_to_idle_yielded(&self) -> TransitionToIdle {
        self.fetch_update_action(|mut s| {
            debug_assert!(s.is_running());
            if s.is_cancelled() {
                return (TransitionToIdle::Cancelled, None);
            }
            s.0 &= !RUNNING;
            s.0 |= NOTIFIED;
            (TransitionToIdle::OkNotified, Some(s))
        })
    }

    /// (3)/(4) The poll returned `Pending`.
    pub(super) fn transition_to_idle(&self) -> TransitionToIdle {
        self.fetch_update_action(|mut s| {
            debug_assert!(s.is_running());
            if s.is_cancelled() {
                return (TransitionToIdle::Cancelled, None);
            }
            s.0 &= !RUNNING;
            let action = if s.is_notified() {
                TransitionToIdle::OkNotified
            } else {
                s.ref_dec();
                if s.ref_count() == 0 {
                    TransitionToIdle::OkDealloc
                } else {
                    TransitionToIdle::Ok
                }
            };
            (action, Some(s))
        })
    }

    /// (5) The future returned `Ready` (or was cancelled) and has been dropped.
    pub(super) fn transition_to_complete(&self) -> Snapshot {
        let prev = Snapshot(self.val.fetch_xor(RUNNING | COMPLETE, AcqRel));
        debug_assert!(prev.is_running() && !prev.is_complete());
        Snapshot(prev.0 ^ (RUNNING | COMPLETE))
    }

    /// Drops `count` references after completion; `true` if the cell must be freed.
    pub(super) fn transition_to_terminal(&self, count: usize) -> bool {
        let prev = Snapshot(self.val.fetch_sub(count * REF_ONE, AcqRel));
        assert!(
            prev.ref_count() >= count,
            "task reference count underflow: {} < {count}",
            prev.ref_count()
        );
        prev.ref_count() == count
    }

    /// (1) A waker was consumed by `wake()`.
    pub(super) fn transition_to_notified_by_val(&self) -> TransitionToNotifiedByVal {
        self.fetch_update_action(|mut s| {
            if s.is_running() {
                // The poller will see NOTIFIED in transition_to_idle and
                // reschedule; it holds a reference, so this cannot be the last.
                s.0 |= NOTIFIED;
                s.ref_dec();
                debug_assert!(s.ref_count() > 0);
                (TransitionToNotifiedByVal::DoNothing, Some(s))
            } else if s.is_complete() || s.is_notified() {
                s.ref_dec();
                let action = if s.ref_count() == 0 {
                    TransitionToNotifiedByVal::Dealloc
                } else {
                    TransitionToNotifiedByVal::DoNothing
                };
                (action, Some(s))
            } else {
                s.0 |= NOTIFIED;
                (TransitionToNotifiedByVal::Submit, Some(s))
            }
        })
    }

    /// (1) `wake_by_ref()`: the waker keeps its reference.
    pub(super) fn transition_to_notified_by_ref(&self) -> TransitionToNotifiedByRef {
        self.fetch_update_action(|mut s| {
            if s.is_complete() || s.is_notified() {
                (TransitionToNotifiedByRef::DoNothing, None)
            } else if s.is_running() {
                s.0 |= NOTIFIED;
                (TransitionToNotifiedByRef::DoNothing, Some(s))
            } else {
                s.0 |= NOTIFIED;
                s.ref_inc();
                (TransitionToNotifiedByRef::Submit, Some(s))
            }
        })
    }

    /// `abort()`: marks the task cancelled. `true` means the task was idle and
    /// must be scheduled (with a new, already counted, reference) so that it is
    /// cancelled on its scheduler.
    pub(super) fn transition_to_notified_and_cancel(&self) -> bool {
        self.fetch_update_action(|mut s| {
            if s.is_cancelled() || s.is_complete() {
                (false, None)
            } else if s.is_running() || s.is_notified() {
                // The poller (transition_to_idle) or the queued run
                // (transition_to_running) will see CANCELLED.
                s.0 |= CANCELLED | NOTIFIED;
                (false, Some(s))
            } else {
                s.0 |= CANCELLED | NOTIFIED;
                s.ref_inc();
                (true, Some(s))
            }
        })
    }

    /// Runtime shutdown: marks the task cancelled and, if it is idle, claims
    /// RUNNING so the caller cancels it right away. `false` if a poller will
    /// see CANCELLED, or the task is complete.
    pub(super) fn transition_to_shutdown(&self) -> bool {
        self.fetch_update_action(|mut s| {
            let claimed = s.is_idle();
            if claimed {
                s.0 |= RUNNING;
            }
            s.0 |= CANCELLED;
            (claimed, Some(s))
        })
    }

    /// The JoinHandle is dropped (its reference is released separately).
    pub(super) fn transition_to_join_handle_dropped(&self) -> JoinHandleDropped {
        self.fetch_update_action(|mut s| {
            debug_assert!(s.is_join_interested());
            let action = if s.is_complete() {
                JoinHandleDropped {
                    drop_output: true,
                    // If JOIN_WAKER is still set, the completing thread is
                    // about to clear it and will then see no interest and
                    // drop the waker itself.
                    drop_waker: !s.is_join_waker_set(),
                }
            } else {
                s.0 &= !JOIN_WAKER;
                JoinHandleDropped {
                    drop_output: false,
                    drop_waker: true,
                }
            };
            s.0 &= !JOIN_INTEREST;
            (action, Some(s))
        })
    }

    /// The JoinHandle wrote the join waker field and publishes it. `Err` if the
    /// task completed meanwhile (the field stays the JoinHandle's).
    pub(super) fn set_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update_action(|mut s| {
            debug_assert!(s.is_join_interested() && !s.is_join_waker_set());
            if s.is_complete() {
                return (Err(s), None);
            }
            s.0 |= JOIN_WAKER;
            (Ok(s), Some(s))
        })
    }

    /// The JoinHandle takes the join waker field back to replace it. `Err` if
    /// the task completed (the field is the task side's until it clears the bit).
    pub(super) fn unset_join_waker(&self) -> Result<Snapshot, Snapshot> {
        self.fetch_update_action(|mut s| {
            debug_assert!(s.is_join_interested() && s.is_join_waker_set());
            if s.is_complete() {
                return (Err(s), None);
            }
            s.0 &= !JOIN_WAKER;
            (Ok(s), Some(s))
        })
    }

    /// The completing thread is done with the join waker; returns the state
    /// after clearing JOIN_WAKER.
    pub(super) fn unset_join_waker_after_complete(&self) -> Snapshot {
        let prev = Snapshot(self.val.fetch_and(!JOIN_WAKER, AcqRel));
        debug_assert!(prev.is_complete() && prev.is_join_waker_set());
        Snapshot(prev.0 & !JOIN_WAKER)
    }

    pub(super) fn ref_inc(&self) {
        let prev = self
            .val
            .fetch_add(REF_ONE, crate::loom::sync::atomic::Ordering::Relaxed);
        // Overflow would free the cell under live references.
        if prev > isize::MAX as usize {
            std::process::abort();
        }
    }

    /// Drops one reference; `true` if it was the last (free the cell).
    pub(super) fn ref_dec(&self) -> bool {
        let prev = Snapshot(self.val.fetch_sub(REF_ONE, AcqRel));
        assert!(prev.ref_count() >= 1, "task reference count underflow");
        prev.ref_count() == 1
    }

    /// Drops the JoinHandle's reference when nothing else happened to the task
    /// (it was never polled): one CAS instead of two transitions.
    pub(super) fn drop_join_handle_fast(&self) -> bool {
        self.val
            .compare_exchange(
                INITIAL,
                (INITIAL - REF_ONE) & !JOIN_INTEREST,
                AcqRel,
                Acquire,
            )
            .is_ok()
    }
}

impl Snapshot {
    pub(super) fn is_idle(self) -> bool {
        self.0 & LIFECYCLE == 0
    }

    pub(super) fn is_running(self) -> bool {
        self.0 & RUNNING != 0
    }

    pub(super) fn is_complete(self) -> bool {
        self.0 & COMPLETE != 0
    }

    pub(super) fn is_notified(self) -> bool {
        self.0 & NOTIFIED != 0
    }

    pub(super) fn is_cancelled(self) -> bool {
        self.0 & CANCELLED != 0
    }

    pub(super) fn is_join_interested(self) -> bool {
        self.0 & JOIN_INTEREST != 0
    }

    pub(super) fn is_join_waker_set(self) -> bool {
        self.0 & JOIN_WAKER != 0
    }

    pub(super) fn ref_count(self) -> usize {
        (self.0 & REF_MASK) >> REF_SHIFT
    }

    fn ref_inc(&mut self) {
        self.0 += REF_ONE;
    }

    fn ref_dec(&mut self) {
        debug_assert!(self.ref_count() > 0);
        self.0 -= REF_ONE;
    }
}

impl fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Snapshot")
            .field("running", &self.is_running())
            .field("complete", &self.is_complete())
            .field("notified", &self.is_notified())
            .field("cancelled", &self.is_cancelled())
            .field("join_interest", &self.is_join_interested())
            .field("join_waker", &self.is_join_waker_set())
            .field("refs", &self.ref_count())
            .finish()
    }
}

impl fmt::Debug for State {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.load().fmt(f)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn new_task_is_notified_with_three_refs() {
        let s = State::new().load();
        assert!(s.is_notified() && s.is_join_interested() && s.is_idle());
        assert_eq!(s.ref_count(), 3);
    }

    #[test]
    fn wake_while_running_reschedules_once() {
        let state = State::new();
        assert_eq!(state.transition_to_running(), TransitionToRunning::Success);
        state.ref_inc(); // a waker
        assert_eq!(
            state.transition_to_notified_by_val(),
            TransitionToNotifiedByVal::DoNothing
        );
        assert_eq!(
            state.transition_to_notified_by_ref(),
            TransitionToNotifiedByRef::DoNothing
        );
        assert_eq!(state.transition_to_idle(), TransitionToIdle::OkNotified);
        assert!(state.load().is_notified());
        assert_eq!(state.load().ref_count(), 3);
    }

    #[test]
    fn idle_wake_submits_and_second_wake_does_not() {
        let state = State::new();
        assert_eq!(state.transition_to_running(), TransitionToRunning::Success);
        assert_eq!(state.transition_to_idle(), TransitionToIdle::Ok);
        assert_eq!(state.load().ref_count(), 2);
        assert_eq!(
            state.transition_to_notified_by_ref(),
            TransitionToNotifiedByRef::Submit
        );
        assert_eq!(
            state.transition_to_notified_by_ref(),
            TransitionToNotifiedByRef::DoNothing
        );
        assert_eq!(state.load().ref_count(), 3);
    }

    #[test]
    fn abort_idle_task_submits_it_cancelled() {
        let state = State::new();
        assert_eq!(state.transition_to_running(), TransitionToRunning::Success);
        assert_eq!(state.transition_to_idle(), TransitionToIdle::Ok);
        assert!(state.transition_to_notified_and_cancel());
        assert!(!state.transition_to_notified_and_cancel());
        assert_eq!(
            state.transition_to_running(),
            TransitionToRunning::Cancelled
        );
    }

    #[test]
    fn abort_while_running_cancels_at_idle() {
        let state = State::new();
        assert_eq!(state.transition_to_running(), TransitionToRunning::Success);
        assert!(!state.transition_to_notified_and_cancel());
        assert_eq!(state.transition_to_idle(), TransitionToIdle::Cancelled);
    }

    #[test]
    fn complete_then_join_handle_drop_owns_output() {
        let state = State::new();
        assert_eq!(state.transition_to_running(), TransitionToRunning::Success);
        let s = state.transition_to_complete();
        assert!(s.is_complete() && !s.is_running());
        let d = state.transition_to_join_handle_dropped();
        assert!(d.drop_output && d.drop_waker);
    }

    #[test]
    fn stale_notified_after_complete_fails() {
        let state = State::new();
        assert_eq!(state.transition_to_running(), TransitionToRunning::Success);
        state.ref_inc();
        assert_eq!(
            state.transition_to_notified_by_val(),
            TransitionToNotifiedByVal::DoNothing
        );
        let _ = state.transition_to_complete();
        // The NOTIFIED bit set while running belongs to no queue entry, but a
        // shutdown-claimed queue entry would see it complete:
        state.ref_inc();
        assert_eq!(state.transition_to_running(), TransitionToRunning::Failed);
    }

    #[test]
    fn drop_join_handle_fast_only_from_initial() {
        let state = State::new();
        assert!(state.drop_join_handle_fast());
        assert!(!state.load().is_join_interested());
        assert_eq!(state.load().ref_count(), 2);
        let state = State::new();
        assert_eq!(state.transition_to_running(), TransitionToRunning::Success);
        assert!(!state.drop_join_handle_fast());
    }
}
