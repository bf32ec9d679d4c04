//! The owned-task list: every task a runtime spawned and has not finished.
//!
//! Shutdown walks it to cancel every task (dropping each future exactly once,
//! on the runtime's thread), `num_alive_tasks` counts it, and task dumps walk
//! it. Links are intrusive (in the cell's trailer), so binding a task costs no
//! allocation. The list is sharded by task id so that workers spawning and
//! completing tasks at once rarely contend on one lock.
//!
//! Shutdown protocol:
//! 1. `close_and_shutdown_all` sets `closed`, then drains each shard under its lock.
//! 2. `bind` checks `closed` under the shard lock: a bind that wins the lock
//!    before the drain is drained; one that comes after sees `closed` and
//!    shuts the new task down itself. No task escapes.
//! 3. A task popped by the drain has null links; its later `release` finds it
//!    is not in the list and returns `None`.

use crate::loom::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use crate::loom::sync::Mutex;
use crate::task::cell::Header;
use crate::task::raw::RawTask;
use crate::task::{Notified, Schedule, Task};
use std::marker::PhantomData;
use std::ptr::NonNull;

pub(crate) struct OwnedTasks<S: 'static> {
    shards: Box<[Shard]>,
    shard_mask: u64,
    id: u64,
    closed: AtomicBool,
    _p: PhantomData<S>,
}

/// One shard: its list and, readable without the lock, its length.
struct Shard {
    list: Mutex<List>,
    /// Written only under `list`'s lock, with a load and a store rather than
    /// a read-modify-write (the lock already orders writers): counting
    /// costs no extra atomic instruction on spawn and completion.
    len: AtomicUsize,
    /// Tasks ever bound here (`RuntimeMetrics::spawned_tasks_count`), kept
    /// the same way.
    spawned: AtomicU64,
}

impl Shard {
    fn lock(&self) -> crate::loom::sync::MutexGuard<'_, List> {
        self.list.lock()
    }

    /// Counts a bound task; the caller holds the lock.
    fn add_spawned(&self) {
        let n = self.spawned.load(Ordering::Relaxed);
        self.spawned.store(n.wrapping_add(1), Ordering::Relaxed);
    }

    /// Adds `delta` to the length; the caller holds the lock.
    fn add_len(&self, delta: isize) {
        let len = self.len.load(Ordering::Relaxed);
        self.len
            .store(len.wrapping_add_signed(delta), Ordering::Relaxed);
    }
}

/// Head and tail of one shard. Raw pointers, guarded by the shard's lock.
struct List {
    head: Option<NonNull<Header>>,
    tail: Option<NonNull<Header>>,
}

// SAFETY: the pointers are only followed under the shard lock, and the
// tasks they point to are thread-safe cells.
unsafe impl Send for List {}

impl<S: Schedule> OwnedTasks<S> {
    /// `shards` is rounded up to a power of two.
    pub(crate) fn new(shards: usize) -> OwnedTasks<S> {
        let n = shards.max(1).next_power_of_two();
        OwnedTasks {
            shards: (0..n)
                .map(|_| Shard {
                    list: Mutex::new(List {
                        head: None,
                        tail: None,
                    }),
                    len: AtomicUsize::new(0),
                    spawned: AtomicU64::new(0),
                })
                .collect(),
            shard_mask: n as u64 - 1,
            id: next_list_id(),
            closed: AtomicBool::new(false),
            _p: PhantomData,
        }
    }

    fn shard(&self, header: &Header) -> &Shard {
        &self.shards[(header.id().as_u64() & self.shard_mask) as usize]
    }

    /// Adds a new task; returns its first `Notified` to schedule, or `None`
    /// if the list is closed (the task was then cancelled at once).
    pub(crate) fn bind(&self, task: Task<S>, notified: Notified<S>) -> Option<Notified<S>> {
        let header_ptr = task.raw().header_ptr();
        // SAFETY: the task was just created and is not shared yet.
        unsafe { task.raw().header().set_owner_id(self.id) };
        {
            let shard = self.shard(task.raw().header());
            let mut list = shard.lock();
            if !self.closed.load(Ordering::Acquire) {
                // SAFETY: under the shard lock; the task is in no list.
                unsafe { list.push_front(header_ptr) };
                shard.add_len(1);
                shard.add_spawned();
                std::mem::forget(task); // the list holds its reference now
                return Some(notified);
            }
        }
        // Closed: cancel it here. Its `Notified` reference goes too.
        drop(notified);
        task.into_raw().shutdown();
        None
    }

    /// Removes a completed task; returns the list's reference to it, or
    /// `None` if it was not in this list (already drained, or never bound).
    pub(crate) fn release(&self, task: &Task<S>) -> Option<Task<S>> {
        let header = task.header();
        if header.owner_id() != self.id {
            return None;
        }
        let ptr = task.raw().header_ptr();
        let shard = self.shard(header);
        let mut list = shard.lock();
        // SAFETY: under the shard lock that guards the links.
        if unsafe { list.remove(ptr) } {
            shard.add_len(-1);
            // SAFETY: the list's reference is handed to the caller.
            Some(unsafe { Task::from_raw(ptr) })
        } else {
            None
        }
    }

    /// Closes the list and cancels every task in it (protocol above).
    pub(crate) fn close_and_shutdown_all(&self) {
        self.close_and_shutdown_all_from(0);
    }

    /// As `close_and_shutdown_all`, starting at shard `start`, so that
    /// several workers shutting down at once spread over the shards.
    pub(crate) fn close_and_shutdown_all_from(&self, start: usize) {
        self.closed.store(true, Ordering::Release);
        let n = self.shards.len();
        for i in 0..n {
            let shard = &self.shards[(start + i) % n];
            loop {
                let popped = {
                    let mut list = shard.lock();
                    // SAFETY: under the shard lock.
                    let popped = unsafe { list.pop_back() };
                    if popped.is_some() {
                        shard.add_len(-1);
                    }
                    popped
                };
                let Some(ptr) = popped else { break };
                // SAFETY: the list's reference moves to the shutdown call.
                unsafe { RawTask::from_raw(ptr) }.shutdown();
            }
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Tasks ever bound to this list.
    pub(crate) fn spawned(&self) -> u64 {
        self.shards
            .iter()
            .map(|shard| shard.spawned.load(Ordering::Relaxed))
            .sum()
    }

    pub(crate) fn len(&self) -> usize {
        self.shards
            .iter()
            .map(|shard| shard.len.load(Ordering::Relaxed))
            .sum()
    }
}

fn next_list_id() -> u64 {
    #[cfg(not(loom))]
    static NEXT: AtomicU64 = AtomicU64::new(1);
    #[cfg(loom)]
    loom::lazy_static! {
        static ref NEXT: AtomicU64 = AtomicU64::new(1);
    }
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// # Safety (all methods)
///
/// The caller holds the lock of the shard this list is, and every pointer
/// refers to a live task whose links only this list uses.
impl List {
    unsafe fn links(ptr: NonNull<Header>) -> &'static crate::task::cell::OwnedLinks {
        // SAFETY: the task is alive (the list holds a reference).
        unsafe { &Header::trailer(ptr).owned }
    }

    unsafe fn push_front(&mut self, ptr: NonNull<Header>) {
        // SAFETY: per the impl contract.
        let links = unsafe { List::links(ptr) };
        // SAFETY: links are guarded by the shard lock we hold.
        unsafe {
            links.prev.with_mut(|p| *p = None);
            links.next.with_mut(|p| *p = self.head);
            if let Some(head) = self.head {
                List::links(head).prev.with_mut(|p| *p = Some(ptr));
            }
        }
        self.head = Some(ptr);
        if self.tail.is_none() {
            self.tail = Some(ptr);
        }
    }

    unsafe fn pop_back(&mut self) -> Option<NonNull<Header>> {
        let tail = self.tail?;
        // SAFETY: `tail` is in this list, so it is in it (remove returns true).
        let removed = unsafe { self.remove(tail) };
        debug_assert!(removed);
        Some(tail)
    }

    /// Unlinks `ptr`; `false` if it is not in this list (null links and not the head).
    unsafe fn remove(&mut self, ptr: NonNull<Header>) -> bool {
        // SAFETY: per the impl contract.
        let links = unsafe { List::links(ptr) };
        // SAFETY: links are guarded by the shard lock we hold.
        let (prev, next) = unsafe { (links.prev.with(|p| *p), links.next.with(|p| *p)) };
        match prev {
            // SAFETY: neighbours are live members of this list.
            Some(prev) => unsafe { List::links(prev).next.with_mut(|p| *p = next) },
            None => {
                if self.head != Some(ptr) {
                    return false;
                }
                self.head = next;
            }
        }
        match next {
            // SAFETY: as above.
            Some(next) => unsafe { List::links(next).prev.with_mut(|p| *p = prev) },
            None => self.tail = prev,
        }
        // SAFETY: as above.
        unsafe {
            links.prev.with_mut(|p| *p = None);
            links.next.with_mut(|p| *p = None);
        }
        true
    }
}
