//! The inject queue: a FIFO of tasks scheduled from outside a worker (remote
//! spawns and wakes), shared by all workers of a runtime.
//!
//! Intrusive through `Header::queue_next`, so pushing costs no allocation;
//! a mutex guards the links and an atomic length lets workers check for work
//! without taking the lock.

use crate::loom::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use crate::loom::sync::Mutex;
use crate::task::{Header, Notified, Schedule};
use std::marker::PhantomData;
use std::ptr::NonNull;

pub(crate) struct Inject<S: 'static> {
    queue: Mutex<Queue>,
    len: AtomicUsize,
    /// Single pushes so far (`RuntimeMetrics::remote_schedule_count`);
    /// written under the lock with a load and a store.
    pushes: AtomicU64,
    _p: PhantomData<S>,
}

struct Queue {
    head: Option<NonNull<Header>>,
    tail: Option<NonNull<Header>>,
    closed: bool,
}

// SAFETY: the pointers are tasks owned by the queue (one `Notified` reference
// each), only followed under the mutex.
unsafe impl Send for Queue {}

impl<S: Schedule> Inject<S> {
    pub(crate) fn new() -> Inject<S> {
        Inject {
            queue: Mutex::new(Queue {
                head: None,
                tail: None,
                closed: false,
            }),
            len: AtomicUsize::new(0),
            pushes: AtomicU64::new(0),
            _p: PhantomData,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.len.load(Ordering::Acquire)
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Closes the queue; later pushes drop their task. `false` if it was closed.
    pub(crate) fn close(&self) -> bool {
        let mut q = self.queue.lock();
        !std::mem::replace(&mut q.closed, true)
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.queue.lock().closed
    }

    /// Pushes a task; if the queue is closed the task is dropped (its
    /// reference released) and `false` returned.
    pub(crate) fn push(&self, task: Notified<S>) -> bool {
        let mut q = self.queue.lock();
        if q.closed {
            drop(q);
            drop(task);
            return false;
        }
        let ptr = task.into_raw().header_ptr();
        // SAFETY: the queue owns this task's `Notified` reference and its
        // `queue_next` field while the task is queued; guarded by the lock.
        unsafe {
            ptr.as_ref().queue_next.with_mut(|p| *p = None);
            match q.tail {
                Some(tail) => tail.as_ref().queue_next.with_mut(|p| *p = Some(ptr)),
                None => q.head = Some(ptr),
            }
        }
        q.tail = Some(ptr);
        self.len
            .store(self.len.load(Ordering::Relaxed) + 1, Ordering::Release);
        self.pushes
            .store(self.pushes.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
        true
    }

    /// Tasks pushed one by one so far (wakes and spawns from outside a worker).
    pub(crate) fn pushes(&self) -> u64 {
        self.pushes.load(Ordering::Relaxed)
    }

    /// Pushes several tasks under one lock (a local queue overflowing).
    pub(crate) fn push_batch(&self, tasks: impl Iterator<Item = Notified<S>>) {
        let mut q = self.queue.lock();
        if q.closed {
            drop(q);
            tasks.for_each(drop);
            return;
        }
        let mut n = 0;
        for task in tasks {
            n += 1;
            let ptr = task.into_raw().header_ptr();
            // SAFETY: as in `push`.
            unsafe {
                ptr.as_ref().queue_next.with_mut(|p| *p = None);
                match q.tail {
                    Some(tail) => tail.as_ref().queue_next.with_mut(|p| *p = Some(ptr)),
                    None => q.head = Some(ptr),
                }
            }
            q.tail = Some(ptr);
        }
        self.len
            .store(self.len.load(Ordering::Relaxed) + n, Ordering::Release);
    }

    pub(crate) fn pop(&self) -> Option<Notified<S>> {
        if self.is_empty() {
            return None;
        }
        let mut q = self.queue.lock();
        let ptr = q.head?;
        // SAFETY: `ptr` is queued (see push); the lock guards `queue_next`.
        let next = unsafe { ptr.as_ref().queue_next.with_mut(|p| (*p).take()) };
        q.head = next;
        if next.is_none() {
            q.tail = None;
        }
        self.len
            .store(self.len.load(Ordering::Relaxed) - 1, Ordering::Release);
        // SAFETY: the queue's reference moves to the returned `Notified`.
        Some(unsafe { Notified::from_raw(ptr) })
    }
}

impl<S: 'static> Drop for Inject<S> {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            assert!(
                self.queue.lock().head.is_none(),
                "inject queue not empty at drop"
            );
        }
    }
}
