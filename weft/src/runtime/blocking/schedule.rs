//! The scheduler of blocking tasks: there is nothing to schedule, since a
//! blocking task completes in its first poll and is never woken.

use crate::runtime::scheduler;
use crate::task::{Notified, Schedule, Task};

pub(crate) struct BlockingSchedule {
    /// Keeps the runtime's clock from auto-advancing while the task runs
    /// (test-util), as a paused clock must not jump while real work happens.
    /// `None` for the runtime's own worker threads, which live as long as it.
    #[cfg(feature = "test-util")]
    handle: Option<scheduler::Handle>,
}

impl BlockingSchedule {
    pub(crate) fn new(handle: &scheduler::Handle, inhibit_auto_advance: bool) -> BlockingSchedule {
        #[cfg(feature = "test-util")]
        {
            if inhibit_auto_advance {
                handle.driver().clock.inhibit_auto_advance();
            }
            BlockingSchedule {
                handle: inhibit_auto_advance.then(|| handle.clone()),
            }
        }
        #[cfg(not(feature = "test-util"))]
        {
            let _ = (handle, inhibit_auto_advance);
            BlockingSchedule {}
        }
    }
}

impl Schedule for BlockingSchedule {
    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
        #[cfg(feature = "test-util")]
        if let Some(handle) = &self.handle {
            handle.driver().clock.allow_auto_advance();
            // Only a paused clock needs the parked driver to look again
            // (it may now auto-advance); otherwise this would be a wasted
            // wake-up per blocking task.
            if crate::runtime::time::any_clock_paused() {
                handle.driver().unpark();
            }
        }
        None
    }

    fn schedule(&self, _task: Notified<Self>) {
        unreachable!("blocking tasks are never woken");
    }
}
