//! Type-erased access to a task cell: a header pointer plus a vtable.

use crate::task::cell::{Cell, Header};
use crate::task::harness::Harness;
use crate::task::Schedule;
use std::future::Future;
use std::ptr::NonNull;
use std::task::Waker;

/// The operations that need the concrete future and scheduler types.
pub(crate) struct Vtable {
    /// Polls the task (consumes the caller's `Notified` reference).
    pub(super) poll: unsafe fn(NonNull<Header>),
    /// Hands the task to its scheduler (consumes one reference).
    pub(super) schedule: unsafe fn(NonNull<Header>),
    /// Frees the cell.
    pub(super) dealloc: unsafe fn(NonNull<Header>),
    /// Moves the output into `*dst` (a `Poll<Result<T, JoinError>>`) if complete,
    /// else registers the waker.
    pub(super) try_read_output: unsafe fn(NonNull<Header>, *mut (), &Waker),
    /// Drops the JoinHandle's interest and reference.
    pub(super) drop_join_handle_slow: unsafe fn(NonNull<Header>),
    /// Cancels the task at runtime shutdown (consumes one reference).
    pub(super) shutdown: unsafe fn(NonNull<Header>),
    /// Where the trailer is, from the start of the cell.
    pub(super) trailer_offset: usize,
}

pub(super) fn vtable<F: Future, S: Schedule>() -> &'static Vtable {
    &Vtable {
        poll: poll::<F, S>,
        schedule: schedule::<F, S>,
        dealloc: dealloc::<F, S>,
        try_read_output: try_read_output::<F, S>,
        drop_join_handle_slow: drop_join_handle_slow::<F, S>,
        shutdown: shutdown::<F, S>,
        trailer_offset: std::mem::offset_of!(Cell<F, S>, trailer),
    }
}

/// A pointer to a task cell; it owns nothing by itself (the handles that
/// hold one count their reference in the state word).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct RawTask {
    ptr: NonNull<Header>,
}

impl RawTask {
    pub(super) fn new<F: Future, S: Schedule>(cell: Box<Cell<F, S>>) -> RawTask {
        RawTask {
            ptr: NonNull::from(Box::leak(cell)).cast(),
        }
    }

    /// # Safety
    ///
    /// `ptr` points at the header of a live task cell.
    pub(crate) unsafe fn from_raw(ptr: NonNull<Header>) -> RawTask {
        RawTask { ptr }
    }

    pub(crate) fn header_ptr(self) -> NonNull<Header> {
        self.ptr
    }

    pub(crate) fn header(&self) -> &Header {
        // SAFETY: a RawTask is only used while a counted reference keeps the cell alive.
        unsafe { self.ptr.as_ref() }
    }

    fn vtable(&self) -> &'static Vtable {
        self.header().vtable
    }

    /// Consumes one `Notified` reference.
    pub(super) fn poll(self) {
        // SAFETY: the caller transfers its reference to the poll.
        unsafe { (self.vtable().poll)(self.ptr) }
    }

    /// Consumes one reference.
    pub(super) fn schedule(self) {
        // SAFETY: the caller transfers its reference to the scheduler.
        unsafe { (self.vtable().schedule)(self.ptr) }
    }

    pub(super) fn dealloc(self) {
        // SAFETY: called exactly once, when the reference count reached zero.
        unsafe { (self.vtable().dealloc)(self.ptr) }
    }

    /// # Safety
    ///
    /// `dst` must be a `*mut Poll<Result<T, JoinError>>` with `T` the task's output.
    pub(super) unsafe fn try_read_output(self, dst: *mut (), waker: &Waker) {
        // SAFETY: forwarded contract.
        unsafe { (self.vtable().try_read_output)(self.ptr, dst, waker) }
    }

    pub(super) fn drop_join_handle_slow(self) {
        // SAFETY: called once, by the JoinHandle's drop.
        unsafe { (self.vtable().drop_join_handle_slow)(self.ptr) }
    }

    /// Cancels the task (runtime shutdown); consumes one reference.
    pub(crate) fn shutdown(self) {
        // SAFETY: the caller transfers its reference.
        unsafe { (self.vtable().shutdown)(self.ptr) }
    }

    /// Makes `waker` the join waker without reading the output; `true` if
    /// the task is already complete (then the waker was not registered).
    ///
    /// # Safety
    ///
    /// The caller is the task's JoinHandle.
    pub(super) unsafe fn set_join_waker(self, waker: &Waker) -> bool {
        // SAFETY: the JoinHandle's reference keeps the cell alive; the
        // caller is the JoinHandle, as `can_read_output` requires.
        unsafe {
            crate::task::harness::can_read_output(self.header(), Header::trailer(self.ptr), waker)
        }
    }

    pub(super) fn drop_join_handle_fast(self) -> bool {
        self.header().state.drop_join_handle_fast()
    }

    pub(super) fn ref_inc(self) {
        self.header().state.ref_inc();
    }

    /// Drops one reference, freeing the cell if it was the last.
    pub(super) fn drop_reference(self) {
        if self.header().state.ref_dec() {
            self.dealloc();
        }
    }
}

unsafe fn poll<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the vtable of a Cell<F, S> is only reached through its header.
    unsafe { Harness::<F, S>::from_raw(ptr) }.poll();
}

unsafe fn schedule<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the cell is of this type and alive; the caller's reference
    // becomes the `Notified`'s.
    unsafe { Harness::<F, S>::from_raw(ptr) }.schedule();
}

unsafe fn dealloc<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the reference count reached zero: this is the only access left.
    unsafe { Harness::<F, S>::from_raw(ptr) }.dealloc();
}

unsafe fn try_read_output<F: Future, S: Schedule>(
    ptr: NonNull<Header>,
    dst: *mut (),
    waker: &Waker,
) {
    // SAFETY: forwarded from `RawTask::try_read_output`.
    unsafe { Harness::<F, S>::from_raw(ptr).try_read_output(dst.cast(), waker) };
}

unsafe fn drop_join_handle_slow<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the cell is of this type and alive (the JoinHandle holds a reference).
    unsafe { Harness::<F, S>::from_raw(ptr) }.drop_join_handle_slow();
}

unsafe fn shutdown<F: Future, S: Schedule>(ptr: NonNull<Header>) {
    // SAFETY: the cell is of this type and alive (the caller holds a reference).
    unsafe { Harness::<F, S>::from_raw(ptr) }.shutdown();
}

impl RawTask {
    /// `abort()`: cancels the task; an idle task is scheduled so that its
    /// scheduler drops the future on its own thread.
    pub(crate) fn remote_abort(self) {
        if self.header().state.transition_to_notified_and_cancel() {
            // The transition counted a reference for the scheduler.
            self.schedule();
        }
    }
}
