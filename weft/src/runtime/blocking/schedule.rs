//! The scheduler of blocking tasks: there is nothing to schedule, since a
//! blocking task completes in its first poll and is never woken.

use crate::runtime::scheduler;
use crate::task::{Notified, Schedule, Task};

pub(crate) struct BlockingSchedule {
    /// Keeps the runtime's clock from auto-advancing while the task runs
    /// (test-util), as a paused clock must not jump while real work happens.
    #[cfg(feature = "test-util")]
    handle: scheduler::Handle,
}

impl BlockingSchedule {
    pub(crate) fn new(handle: &scheduler::Handle) -> BlockingSchedule {
        #[cfg(feature = "test-util")]
        {
            handle.driver().clock.inhibit_auto_advance();
            BlockingSchedule {
                handle: handle.clone(),
            }
        }
        #[cfg(not(feature = "test-util"))]
        {
            let _ = handle;
            BlockingSchedule {}
        }
    }
}

impl Schedule for BlockingSchedule {
    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
        #[cfg(feature = "test-util")]
        {
            self.handle.driver().clock.allow_auto_advance();
            self.handle.driver().unpark();
        }
        None
    }

    fn schedule(&self, _task: Notified<Self>) {
        unreachable!("blocking tasks are never woken");
    }
}
