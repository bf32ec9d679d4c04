//! Wakers deferred until the scheduler has polled its driver.
//!
//! `yield_now` and a spent coop budget wake their task through here, so the
//! task runs again only after I/O and timers had a chance to make other tasks
//! ready: a task that yields in a loop cannot starve the driver.

use std::cell::RefCell;
use std::task::Waker;

#[derive(Debug, Default)]
pub(crate) struct Defer {
    deferred: RefCell<Vec<Waker>>,
}

impl Defer {
    pub(crate) fn new() -> Defer {
        Defer::default()
    }

    pub(crate) fn defer(&self, waker: &Waker) {
        let mut deferred = self.deferred.borrow_mut();
        // Yielding twice in one poll needs one wake; the common case is a
        // single task yielding, so checking the last entry suffices.
        if let Some(last) = deferred.last() {
            if last.will_wake(waker) {
                return;
            }
        }
        deferred.push(waker.clone());
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.deferred.borrow().is_empty()
    }

    pub(crate) fn wake(&self) {
        loop {
            let Some(waker) = self.deferred.borrow_mut().pop() else {
                return;
            };
            waker.wake();
        }
    }
}
