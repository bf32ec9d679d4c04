//! A scheduler for tests of the task cell: a plain queue the test drains.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{Arc, Mutex};
use crate::task::{Notified, Schedule, Task};
use std::collections::VecDeque;

#[derive(Default)]
pub(crate) struct TestSched {
    queue: Mutex<VecDeque<Notified<Arc<TestSched>>>>,
    deferred: AtomicUsize,
}

impl TestSched {
    pub(crate) fn new() -> Arc<TestSched> {
        Arc::new(TestSched::default())
    }

    /// Runs queued tasks until the queue is empty; returns how many ran.
    pub(crate) fn run_all(&self) -> usize {
        let mut n = 0;
        loop {
            let task = self.queue.lock().pop_front();
            match task {
                Some(task) => {
                    task.run();
                    n += 1;
                }
                None => return n,
            }
        }
    }

    /// Takes the next queued task without running it.
    #[cfg_attr(loom, allow(dead_code))] // only the std-thread tests use it
    pub(crate) fn pop(&self) -> Option<Notified<Arc<TestSched>>> {
        self.queue.lock().pop_front()
    }

    pub(crate) fn len(&self) -> usize {
        self.queue.lock().len()
    }

    /// How many tasks came back through `Schedule::defer` (they yielded themselves).
    pub(crate) fn deferred(&self) -> usize {
        self.deferred.load(SeqCst)
    }
}

impl Schedule for Arc<TestSched> {
    fn release(&self, _task: &Task<Self>) -> Option<Task<Self>> {
        None
    }

    fn schedule(&self, task: Notified<Self>) {
        self.queue.lock().push_back(task);
    }

    fn defer(&self, task: Notified<Self>) {
        self.deferred.fetch_add(1, SeqCst);
        self.schedule(task);
    }
}

/// Spawns `future` on `sched` without an owned list: returns the JoinHandle
/// (the first `Notified` is queued).
pub(crate) fn spawn<F>(sched: &Arc<TestSched>, future: F) -> crate::task::JoinHandle<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let (task, notified, join) = crate::task::new_task(
        future,
        sched.clone(),
        crate::task::Id::next(),
        std::panic::Location::caller(),
    );
    drop(task);
    sched.schedule(notified);
    join
}
