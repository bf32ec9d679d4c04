//! Wakers that point straight at a task cell.
//!
//! A task waker is the header pointer with a vtable; it owns one reference
//! (counted in the state word). Waking an idle task schedules it exactly once
//! (`transition_to_notified_*`); waking a running or already notified task only
//! marks it.

use crate::runtime::context;
use crate::task::cell::Header;
use crate::task::raw::RawTask;
use crate::task::state::{TransitionToNotifiedByRef, TransitionToNotifiedByVal};
use crate::task::Schedule;
use crate::util::waker_ref::WakerRef;
use std::ptr::NonNull;
use std::task::{RawWaker, RawWakerVTable, Waker};

/// The task's waker for one poll: it owns no reference (clones of it do).
pub(super) fn waker_ref<S: Schedule>(header: NonNull<Header>) -> WakerRef<'static> {
    // SAFETY: the vtable's functions treat the data pointer as a task header,
    // and the poll that borrows this waker holds a reference to the task.
    unsafe { WakerRef::new(raw_waker(header)) }
}

/// If `waker` wakes the task this thread is polling, records that the task
/// yielded itself and returns `true`: the task's harness then reschedules it
/// after the poll (`Schedule::defer`), with the poll's own reference and in
/// the same state change that ends the poll, instead of a clone and a wake.
pub(crate) fn defer_self(waker: &Waker) -> bool {
    std::ptr::eq(waker.vtable(), &WAKER_VTABLE) && context::record_yield(waker.data())
}

fn raw_waker(header: NonNull<Header>) -> RawWaker {
    RawWaker::new(header.as_ptr() as *const (), &WAKER_VTABLE)
}

static WAKER_VTABLE: RawWakerVTable =
    RawWakerVTable::new(clone_waker, wake_by_val, wake_by_ref, drop_waker);

/// # Safety
///
/// `ptr` is a task header kept alive by the waker being cloned.
unsafe fn raw_task(ptr: *const ()) -> RawTask {
    // SAFETY: task wakers are only built over non-null header pointers.
    unsafe { RawTask::from_raw(NonNull::new_unchecked(ptr as *mut Header)) }
}

unsafe fn clone_waker(ptr: *const ()) -> RawWaker {
    // SAFETY: the waker being cloned keeps the cell alive.
    let raw = unsafe { raw_task(ptr) };
    raw.ref_inc();
    raw_waker(raw.header_ptr())
}

unsafe fn wake_by_val(ptr: *const ()) {
    // SAFETY: the waker owns a reference, which this call consumes.
    let raw = unsafe { raw_task(ptr) };
    match raw.header().state.transition_to_notified_by_val() {
        TransitionToNotifiedByVal::Submit => raw.schedule(),
        TransitionToNotifiedByVal::DoNothing => {}
        TransitionToNotifiedByVal::Dealloc => raw.dealloc(),
    }
}

unsafe fn wake_by_ref(ptr: *const ()) {
    // SAFETY: the waker keeps the cell alive during the call.
    let raw = unsafe { raw_task(ptr) };
    match raw.header().state.transition_to_notified_by_ref() {
        // The transition counted a new reference for the scheduler.
        TransitionToNotifiedByRef::Submit => raw.schedule(),
        TransitionToNotifiedByRef::DoNothing => {}
    }
}

unsafe fn drop_waker(ptr: *const ()) {
    // SAFETY: the waker owns a reference, which this call releases.
    unsafe { raw_task(ptr) }.drop_reference();
}
