//! Wakers deferred until the scheduler has polled its driver.
//!
//! `yield_now` and a spent coop budget wake their task through here, so the
//! task runs again only after I/O and timers had a chance to make other tasks
//! ready: a task that yields in a loop cannot starve the driver.
//!
//! The common case, a task yielding itself with its own waker, skips the
//! waker: `defer` records the yield with the task's harness, which hands the
//! task back after the poll as a [`YieldedTask`] (`defer_task`), notified in
//! the same state change that ends the poll. That saves cloning the waker and
//! waking it: two atomic read-modify-writes of the task's state per yield.

use crate::task::{waker, YieldedTask};
use std::cell::RefCell;
use std::mem::ManuallyDrop;
use std::task::Waker;

#[derive(Debug, Default)]
pub(crate) struct Defer {
    deferred: RefCell<Vec<Deferred>>,
}

#[derive(Debug)]
enum Deferred {
    Waker(Waker),
    /// Dropped by `Defer`'s `Drop`. Without drop glue here, `push` needs no
    /// unwind path that drops the task, and LLVM writes the entry straight
    /// into the vector: with one, it built the entry on the stack with two
    /// 8-byte stores and copied it with one 16-byte load, which the CPU
    /// cannot forward from the stores (a stall on every yield: `yield_many`
    /// weft-ct 8.7 -> 10.3 ms, from an unrelated change moving code).
    Task(ManuallyDrop<YieldedTask>),
}

impl Defer {
    pub(crate) fn new() -> Defer {
        Defer::default()
    }

    pub(crate) fn defer(&self, waker: &Waker) {
        if waker::defer_self(waker) {
            return;
        }
        let mut deferred = self.deferred.borrow_mut();
        // Yielding twice in one poll needs one wake; the common case is a
        // single task yielding, so checking the last entry suffices.
        if let Some(Deferred::Waker(last)) = deferred.last() {
            if last.will_wake(waker) {
                return;
            }
        }
        deferred.push(Deferred::Waker(waker.clone()));
    }

    pub(crate) fn defer_task(&self, task: YieldedTask) {
        // If `push` panics (capacity overflow) the task's reference leaks:
        // the task stays notified in its owned list until shutdown.
        let task = ManuallyDrop::new(task);
        self.deferred.borrow_mut().push(Deferred::Task(task));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.deferred.borrow().is_empty()
    }

    pub(crate) fn wake(&self) {
        loop {
            let Some(deferred) = self.deferred.borrow_mut().pop() else {
                return;
            };
            match deferred {
                Deferred::Waker(waker) => waker.wake(),
                Deferred::Task(task) => ManuallyDrop::into_inner(task).schedule(),
            }
        }
    }
}

impl Drop for Defer {
    fn drop(&mut self) {
        for deferred in self.deferred.get_mut().drain(..) {
            if let Deferred::Task(task) = deferred {
                drop(ManuallyDrop::into_inner(task));
            }
        }
    }
}
