//! The typed operations on a task cell: poll, cancel, complete, join.
//!
//! Every function here follows the ownership rules of `state.rs`; the rule
//! that allows each access is named next to it.

use crate::task::cell::{Cell, Header, Polled, Stage, Trailer};
use crate::task::error::JoinError;
use crate::task::raw::RawTask;
use crate::task::state::{TransitionToIdle, TransitionToRunning};
use crate::task::waker::waker_ref;
use crate::task::{Notified, Schedule, Task};
use std::future::Future;
use std::mem::ManuallyDrop;
use std::panic::{self, AssertUnwindSafe};
use std::ptr::NonNull;
use std::task::{Context, Poll, Waker};

pub(super) struct Harness<F: Future, S: 'static> {
    cell: NonNull<Cell<F, S>>,
}

impl<F: Future, S: Schedule> Harness<F, S> {
    /// # Safety
    ///
    /// `ptr` is the header of a live `Cell<F, S>`.
    pub(super) unsafe fn from_raw(ptr: NonNull<Header>) -> Harness<F, S> {
        Harness { cell: ptr.cast() }
    }

    fn cell(&self) -> &Cell<F, S> {
        // SAFETY: the cell is alive while a reference is held (rule 5).
        unsafe { self.cell.as_ref() }
    }

    fn header_ptr(&self) -> NonNull<Header> {
        self.cell.cast()
    }

    fn header(&self) -> &Header {
        &self.cell().header
    }

    fn trailer(&self) -> &Trailer {
        &self.cell().trailer
    }

    fn raw(&self) -> RawTask {
        // SAFETY: the header belongs to a live cell.
        unsafe { RawTask::from_raw(self.header_ptr()) }
    }

    pub(super) fn dealloc(self) {
        // SAFETY: the reference count reached zero (rule 5), so this is the
        // only pointer left; the cell was allocated by `Box` in `Cell::new`.
        drop(unsafe { Box::from_raw(self.cell.as_ptr()) });
    }

    /// Hands the task to its scheduler, consuming one reference.
    pub(super) fn schedule(self) {
        // SAFETY: the caller's reference becomes the `Notified`'s.
        let notified = unsafe { Notified::<S>::from_raw(self.header_ptr()) };
        self.cell().core.scheduler.schedule(notified);
    }

    /// Runs the task once; consumes the `Notified` reference.
    pub(super) fn poll(self) {
        match self.header().state.transition_to_running() {
            TransitionToRunning::Success => self.poll_running(),
            TransitionToRunning::Cancelled => {
                self.cancel_future();
                self.complete();
            }
            TransitionToRunning::Failed => {}
            TransitionToRunning::Dealloc => self.dealloc(),
        }
    }

    fn poll_running(self) {
        let header = self.header();
        // The waker points at the cell without owning a reference: this
        // poll's reference keeps the cell alive while the future runs.
        let waker = waker_ref::<S>(self.header_ptr());
        let mut cx = Context::from_waker(&waker);
        let core = &self.cell().core;
        header.count_poll();
        let polled = panic::catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: RUNNING is held (rule 1).
            unsafe { core.poll(header.id, self.header_ptr(), &mut cx) }
        }));
        let yielded = match polled {
            Ok(Polled::Ready) => return self.complete(),
            Err(panic) => {
                self.drop_future_with(Err(JoinError::panic(header.id, panic)));
                return self.complete();
            }
            Ok(Polled::Pending { yielded }) => yielded,
        };
        let idle = if yielded {
            header.state.transition_to_idle_yielded()
        } else {
            header.state.transition_to_idle()
        };
        match idle {
            TransitionToIdle::Ok => {}
            TransitionToIdle::OkNotified => {
                // SAFETY: the poll's reference is reused for the new `Notified`.
                let notified = unsafe { Notified::<S>::from_raw(self.header_ptr()) };
                if yielded {
                    core.scheduler.defer(notified);
                } else {
                    core.scheduler.yield_now(notified);
                }
            }
            TransitionToIdle::OkDealloc => self.dealloc(),
            TransitionToIdle::Cancelled => {
                self.cancel_future();
                self.complete();
            }
        }
    }

    /// Drops the future (catching a panic in its destructor) and stores a
    /// cancellation error. RUNNING must be held.
    fn cancel_future(&self) {
        let id = self.header().id;
        let core = &self.cell().core;
        let dropped = panic::catch_unwind(AssertUnwindSafe(|| {
            // SAFETY: RUNNING is held (rule 1).
            unsafe { core.set_stage(id, Stage::Consumed) }
        }));
        let err = match dropped {
            Ok(()) => JoinError::cancelled(id),
            Err(panic) => JoinError::panic(id, panic),
        };
        // SAFETY: RUNNING is held (rule 1).
        unsafe { core.set_stage(id, Stage::Finished(Err(err))) };
    }

    /// Stores the output of a poll that panicked. `Core::poll` already
    /// dropped the future while the panic unwound. RUNNING must be held.
    fn drop_future_with(&self, output: Result<F::Output, JoinError>) {
        let id = self.header().id;
        // SAFETY: RUNNING is held (rule 1).
        unsafe { self.cell().core.set_stage(id, Stage::Finished(output)) };
    }

    /// (5) The output is stored: publish it, wake the JoinHandle, leave the
    /// owned list and drop this poll's reference.
    fn complete(self) {
        let header = self.header();
        let snapshot = header.state.transition_to_complete();
        let _ = panic::catch_unwind(AssertUnwindSafe(|| {
            if !snapshot.is_join_interested() {
                // Rule 3: no JoinHandle, the output is ours to drop.
                // SAFETY: COMPLETE without JOIN_INTEREST: exclusive access.
                unsafe { self.cell().core.set_stage(header.id, Stage::Consumed) };
            } else if snapshot.is_join_waker_set() {
                // SAFETY: JOIN_WAKER is set: the field is read-only (rule 4).
                unsafe { self.trailer().wake_join() };
                let after = header.state.unset_join_waker_after_complete();
                if !after.is_join_interested() {
                    // The JoinHandle was dropped meanwhile and left the waker to us.
                    // SAFETY: JOIN_WAKER clear and no JoinHandle: exclusive (rule 4).
                    unsafe { self.trailer().set_waker(None) };
                }
            }
        }));

        // Leave the owned list; if it still held the task, its reference is ours to drop.
        let me = ManuallyDrop::new(Task::<S>::from_raw_borrowed(self.header_ptr()));
        let released = self.cell().core.scheduler.release(&me);
        let count = match released {
            Some(task) => {
                std::mem::forget(task);
                2
            }
            None => 1,
        };
        if header.state.transition_to_terminal(count) {
            self.dealloc();
        }
    }

    /// Runtime shutdown: cancel the task if no one is running it. Consumes
    /// the caller's reference.
    pub(super) fn shutdown(self) {
        if !self.header().state.transition_to_shutdown() {
            // Running elsewhere (the poller sees CANCELLED) or complete.
            self.raw().drop_reference();
            return;
        }
        self.cancel_future();
        self.complete();
    }

    /// Moves the output to `dst` if the task is complete; otherwise makes
    /// sure `waker` will be woken when it completes.
    ///
    /// # Safety
    ///
    /// `dst` points at a valid `Poll<Result<F::Output, JoinError>>`; the caller
    /// is the JoinHandle.
    pub(super) unsafe fn try_read_output(
        self,
        dst: *mut Poll<Result<F::Output, JoinError>>,
        waker: &Waker,
    ) {
        if self.can_read_output(waker) {
            // SAFETY: COMPLETE with JOIN_INTEREST: the stage is ours (rule 2).
            let output = unsafe { self.cell().core.take_output() };
            // SAFETY: `dst` is valid per the caller's contract.
            unsafe { *dst = Poll::Ready(output) };
        }
    }

    fn can_read_output(&self, waker: &Waker) -> bool {
        // SAFETY: only `try_read_output` calls this, on behalf of the JoinHandle.
        unsafe { can_read_output(self.header(), self.trailer(), waker) }
    }

    pub(super) fn drop_join_handle_slow(self) {
        let dropped = self.header().state.transition_to_join_handle_dropped();
        if dropped.drop_output {
            let id = self.header().id;
            // A panic in the output's destructor must not unwind through the
            // JoinHandle's drop into unrelated code twice; swallow it like Tokio.
            let _ = panic::catch_unwind(AssertUnwindSafe(|| {
                // SAFETY: COMPLETE and we cleared JOIN_INTEREST: ours (rule 3).
                unsafe { self.cell().core.set_stage(id, Stage::Consumed) }
            }));
        }
        if dropped.drop_waker {
            // SAFETY: JOIN_WAKER is clear: the field is ours (rule 4).
            unsafe { self.trailer().set_waker(None) };
        }
        self.raw().drop_reference();
    }
}

/// `true` if the task is complete (the JoinHandle may take the output);
/// otherwise makes sure `waker` is the join waker, woken on completion.
/// Needs no concrete types, so the JoinHandle can also call it to register a
/// waker without reading the output (`JoinHandle::set_join_waker`).
///
/// # Safety
///
/// The caller is the task's JoinHandle (rule 4 lets it write the waker field),
/// and `header`/`trailer` belong to one live task.
pub(super) unsafe fn can_read_output(header: &Header, trailer: &Trailer, waker: &Waker) -> bool {
    let state = &header.state;
    let snapshot = state.load();
    if snapshot.is_complete() {
        return true;
    }
    let res = if !snapshot.is_join_waker_set() {
        // SAFETY: JOIN_WAKER clear: the JoinHandle owns the field (rule 4).
        unsafe { trailer.set_waker(Some(waker.clone())) };
        state.set_join_waker()
    } else {
        // SAFETY: JOIN_WAKER set: the field is read-only (rule 4).
        if unsafe { trailer.will_wake(waker) } {
            return false;
        }
        state.unset_join_waker().and_then(|_| {
            // SAFETY: we just cleared JOIN_WAKER: the field is ours (rule 4).
            unsafe { trailer.set_waker(Some(waker.clone())) };
            state.set_join_waker()
        })
    };
    match res {
        Ok(_) => false,
        Err(snapshot) => {
            debug_assert!(snapshot.is_complete());
            // The waker we may have written is still ours (JOIN_WAKER is clear).
            true
        }
    }
}
