//! The schedulers, behind one handle type.
//!
//! `Handle` is what `runtime::Handle` wraps and what every task keeps to be
//! scheduled again; `Context` is the state of the thread that is running a
//! scheduler right now, reachable through `runtime::context`.

pub(crate) mod core_slot;
pub(crate) mod current_thread;
pub(crate) mod defer;
pub(crate) mod inject;
pub(crate) mod multi_thread;

use crate::loom::sync::Arc;
use crate::runtime::{blocking, driver};
use crate::task::{self, JoinHandle};
use std::future::Future;
use std::panic::Location;
use std::task::Waker;

/// Handle to whichever scheduler a runtime uses.
#[derive(Clone, Debug)]
pub(crate) enum Handle {
    CurrentThread(Arc<current_thread::Handle>),
    MultiThread(Arc<multi_thread::Handle>),
}

/// The scheduler state of the thread that is running tasks right now.
#[derive(Debug)]
pub(crate) enum Context {
    CurrentThread(current_thread::Context),
    MultiThread(multi_thread::Context),
}

impl Handle {
    pub(crate) fn driver(&self) -> &driver::Handle {
        match self {
            Handle::CurrentThread(h) => &h.driver,
            Handle::MultiThread(h) => &h.driver,
        }
    }

    pub(crate) fn blocking_spawner(&self) -> &blocking::Spawner {
        match self {
            Handle::CurrentThread(h) => &h.blocking_spawner,
            Handle::MultiThread(h) => &h.blocking_spawner,
        }
    }

    pub(crate) fn spawn<F>(
        &self,
        future: F,
        id: task::Id,
        location: &'static Location<'static>,
    ) -> JoinHandle<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        match self {
            Handle::CurrentThread(h) => current_thread::Handle::spawn(h, future, id, location),
            Handle::MultiThread(h) => multi_thread::Handle::spawn(h, future, id, location),
        }
    }

    /// Runtime id: unique per runtime in the process.
    pub(crate) fn id(&self) -> u64 {
        match self {
            Handle::CurrentThread(h) => h.id,
            Handle::MultiThread(h) => h.id,
        }
    }

    pub(crate) fn name(&self) -> Option<&str> {
        match self {
            Handle::CurrentThread(h) => h.config.name.as_deref(),
            Handle::MultiThread(h) => h.config.name.as_deref(),
        }
    }

    /// The thread of the `LocalRuntime` this is the handle of, if it is one.
    pub(crate) fn local_runtime_thread(&self) -> Option<std::thread::ThreadId> {
        match self {
            Handle::CurrentThread(h) => h.config.local_runtime_thread,
            Handle::MultiThread(_) => None,
        }
    }

    pub(crate) fn num_workers(&self) -> usize {
        match self {
            Handle::CurrentThread(_) => 1,
            Handle::MultiThread(h) => h.num_workers(),
        }
    }

    pub(crate) fn worker_metrics(&self) -> &[crate::runtime::metrics::WorkerMetrics] {
        match self {
            Handle::CurrentThread(h) => std::slice::from_ref(&h.worker_metrics),
            Handle::MultiThread(h) => h.worker_metrics(),
        }
    }

    pub(crate) fn num_alive_tasks(&self) -> usize {
        match self {
            Handle::CurrentThread(h) => h.num_alive_tasks(),
            Handle::MultiThread(h) => h.num_alive_tasks(),
        }
    }

    pub(crate) fn worker_stats(&self, worker: usize) -> crate::runtime::metrics::WorkerStats {
        match self {
            Handle::CurrentThread(h) => crate::runtime::metrics::WorkerStats {
                polls: h.worker_metrics.poll_count(),
                local_queue_depth: h.worker_metrics.local_queue_depth(),
                ..Default::default()
            },
            Handle::MultiThread(h) => h.worker_stats(worker),
        }
    }

    pub(crate) fn spawned_tasks_count(&self) -> u64 {
        match self {
            Handle::CurrentThread(h) => h.spawned_tasks_count(),
            Handle::MultiThread(h) => h.spawned_tasks_count(),
        }
    }

    pub(crate) fn remote_schedule_count(&self) -> u64 {
        match self {
            Handle::CurrentThread(h) => h.remote_schedule_count(),
            Handle::MultiThread(h) => h.remote_schedule_count(),
        }
    }

    pub(crate) fn injection_queue_depth(&self) -> usize {
        match self {
            Handle::CurrentThread(h) => h.injection_queue_depth(),
            Handle::MultiThread(h) => h.injection_queue_depth(),
        }
    }

    /// The blocked-worker monitor's state, if `Builder::on_worker_blocked` was set.
    pub(crate) fn blocked_watch(&self) -> Option<&Arc<crate::runtime::blocked_worker::Watch>> {
        match self {
            Handle::CurrentThread(h) => h.blocked_watch.as_ref(),
            Handle::MultiThread(h) => h.blocked_watch.as_ref(),
        }
    }

    /// A task dump (weft extension, see `runtime::dump`).
    pub(crate) fn dump(&self) -> crate::runtime::Dump {
        match self {
            Handle::CurrentThread(h) => h.dump(),
            Handle::MultiThread(h) => h.dump(),
        }
    }
}

impl Context {
    /// See `runtime::context::defer`.
    pub(crate) fn defer(&self, waker: &Waker) {
        match self {
            Context::CurrentThread(cx) => cx.defer.defer(waker),
            Context::MultiThread(cx) => cx.defer(waker),
        }
    }

    /// See `runtime::context::defer_task`.
    pub(crate) fn defer_task(&self, task: crate::task::YieldedTask) {
        match self {
            Context::CurrentThread(cx) => cx.defer.defer_task(task),
            Context::MultiThread(cx) => cx.defer_task(task),
        }
    }
}

/// A new runtime id.
pub(crate) fn next_runtime_id() -> u64 {
    use crate::loom::sync::atomic::{AtomicU64, Ordering};
    #[cfg(not(loom))]
    static NEXT: AtomicU64 = AtomicU64::new(1);
    #[cfg(loom)]
    loom::lazy_static! {
        static ref NEXT: AtomicU64 = AtomicU64::new(1);
    }
    NEXT.fetch_add(1, Ordering::Relaxed)
}
