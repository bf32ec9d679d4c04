//! The per-worker run queue: a fixed-size ring, single producer (the worker),
//! multiple consumers (the worker pops, other workers steal half).
//!
//! ```text
//!   head: AtomicU64 = [ steal: u32 | real: u32 ]      tail: AtomicU32 (owner writes)
//!   slots [real, tail) hold tasks; a stealer in progress owns [steal, real)
//! ```
//!
//! Rules:
//! 1. Only the owner writes `tail` and writes slots, and only slots outside
//!    `[steal, tail)` (free ones).
//! 2. The owner pops by advancing `real` (and `steal` with it when no steal is
//!    in progress) with one CAS.
//! 3. A stealer first claims `[real, real + n)` with one CAS that advances
//!    `real` but leaves `steal` behind (a steal is now in progress; other
//!    stealers back off), copies the tasks out, then sets `steal = real`.
//!    While a steal is in progress the owner cannot reuse those slots,
//!    because `tail - steal` still counts them.
//! 4. When the ring is full the owner moves half of it (plus the new task) to
//!    the inject queue in one batch, so overflow costs one lock per half ring.
//!
//! Indices are u32 and wrap; slot = index & MASK. `tail - steal <= CAPACITY`
//! always holds.
//!
//! The LIFO slot lives here too, as one atomic pointer: the owner swaps tasks
//! in and out of it; a thief takes it only from a worker that looks stuck
//! (its `polls` counter did not move between two visits of the thief), so
//! the task a blocked worker woke last is not stranded behind it, while a
//! busy worker keeps its message-passing partner hot in cache.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, Ordering::*};
use crate::loom::sync::Arc;
use crate::runtime::scheduler::inject::Inject;
use crate::task::{Header, Notified, Schedule};
use std::mem::MaybeUninit;
use std::ptr::{self, NonNull};

/// Ring capacity. Small under loom so that the model reaches "full" quickly.
#[cfg(not(loom))]
const CAPACITY: usize = 256;
#[cfg(loom)]
const CAPACITY: usize = 4;
const MASK: usize = CAPACITY - 1;

struct Ring<S: 'static> {
    head: AtomicU64,
    tail: AtomicU32,
    /// The LIFO slot: null or a task whose `Notified` reference it owns.
    lifo: AtomicPtr<Header>,
    /// Task polls started by the owner (written only by the owner).
    polls: AtomicU64,
    /// Counters for `RuntimeMetrics`, each written by one thread only, with
    /// a load and a store: tasks this worker stole, steals that took any,
    /// and times its ring overflowed into the inject queue.
    stolen: AtomicU64,
    steal_operations: AtomicU64,
    overflows: AtomicU64,
    slots: Box<[UnsafeCell<MaybeUninit<Notified<S>>>]>,
}

/// The owner's side.
pub(crate) struct Local<S: 'static> {
    ring: Arc<Ring<S>>,
}

/// Other workers' side.
pub(crate) struct Steal<S: 'static>(Arc<Ring<S>>);

// SAFETY: slots are handed between threads only through the head/tail
// protocol above (each slot has one owner at a time), and tasks are Send.
unsafe impl<S: Schedule> Send for Ring<S> {}
// SAFETY: as above.
unsafe impl<S: Schedule> Sync for Ring<S> {}

pub(crate) const fn capacity() -> usize {
    CAPACITY
}

fn pack(steal: u32, real: u32) -> u64 {
    (u64::from(steal) << 32) | u64::from(real)
}

fn unpack(head: u64) -> (u32, u32) {
    ((head >> 32) as u32, head as u32)
}

pub(crate) fn local<S: Schedule>() -> (Steal<S>, Local<S>) {
    let slots = (0..CAPACITY)
        .map(|_| UnsafeCell::new(MaybeUninit::uninit()))
        .collect();
    let ring = Arc::new(Ring {
        head: AtomicU64::new(0),
        tail: AtomicU32::new(0),
        lifo: AtomicPtr::new(ptr::null_mut()),
        polls: AtomicU64::new(0),
        stolen: AtomicU64::new(0),
        steal_operations: AtomicU64::new(0),
        overflows: AtomicU64::new(0),
        slots,
    });
    (Steal(ring.clone()), Local { ring })
}

impl<S: Schedule> Local<S> {
    /// Tasks in the queue (including ones a stealer is taking right now).
    pub(crate) fn len(&self) -> usize {
        let (_, real) = unpack(self.ring.head.load(Acquire));
        // Rule 1: only we write tail.
        let tail = self.ring.tail.load(Relaxed);
        tail.wrapping_sub(real) as usize
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Puts `task` in the LIFO slot, returning the task it displaced.
    pub(crate) fn set_lifo(&mut self, task: Notified<S>) -> Option<Notified<S>> {
        let new = task.into_raw().header_ptr().as_ptr();
        let prev = self.ring.lifo.swap(new, AcqRel);
        // SAFETY: a non-null slot value owns a `Notified` reference (moved in
        // by a previous `set_lifo`), now handed to the caller.
        NonNull::new(prev).map(|p| unsafe { Notified::from_raw(p) })
    }

    pub(crate) fn take_lifo(&mut self) -> Option<Notified<S>> {
        take_lifo(&self.ring)
    }

    pub(crate) fn has_lifo(&self) -> bool {
        !self.ring.lifo.load(Relaxed).is_null()
    }

    /// How many tasks the owner has polled.
    pub(crate) fn polls(&self) -> u64 {
        self.ring.polls.load(Relaxed)
    }

    /// Records that the owner starts polling a task (the thieves' progress signal).
    pub(crate) fn count_poll(&self) {
        let polls = self.ring.polls.load(Relaxed);
        self.ring.polls.store(polls.wrapping_add(1), Relaxed);
    }

    /// Free slots (the owner may push this many without overflowing).
    pub(crate) fn remaining_slots(&self) -> usize {
        let (steal, _) = unpack(self.ring.head.load(Acquire));
        let tail = self.ring.tail.load(Relaxed);
        CAPACITY - tail.wrapping_sub(steal) as usize
    }

    /// Pushes a task at the back; overflows half the ring to `inject` when full.
    pub(crate) fn push_back_or_overflow(&mut self, task: Notified<S>, inject: &Inject<S>) {
        let mut task = task;
        loop {
            let (steal, real) = unpack(self.ring.head.load(Acquire));
            let tail = self.ring.tail.load(Relaxed);
            if (tail.wrapping_sub(steal) as usize) < CAPACITY {
                // SAFETY: rule 1: slot `tail` is outside [steal, tail), so free.
                self.ring.slots[tail as usize & MASK].with_mut(|p| unsafe { (*p).write(task) });
                self.ring.tail.store(tail.wrapping_add(1), Release);
                return;
            }
            if steal != real {
                // A stealer is taking tasks out; it frees room soon, but do
                // not wait for it: the inject queue takes this one, as an
                // overflow (`push` would count it as a remote schedule).
                inject.push_batch(std::iter::once(task));
                return;
            }
            // Rule 4.
            match self.push_overflow(task, real, tail, inject) {
                Ok(()) => return,
                Err(t) => task = t, // a stealer raced us: retry
            }
        }
    }

    fn push_overflow(
        &mut self,
        task: Notified<S>,
        head: u32,
        tail: u32,
        inject: &Inject<S>,
    ) -> Result<(), Notified<S>> {
        const HALF: u32 = (CAPACITY / 2) as u32;
        debug_assert_eq!(tail.wrapping_sub(head) as usize, CAPACITY);
        let claimed = pack(head.wrapping_add(HALF), head.wrapping_add(HALF));
        if self
            .ring
            .head
            .compare_exchange(pack(head, head), claimed, Release, Relaxed)
            .is_err()
        {
            return Err(task);
        }
        let ring = &self.ring;
        let claimed_tasks = (0..HALF).map(|i| {
            let idx = head.wrapping_add(i) as usize & MASK;
            // SAFETY: the CAS moved these slots out of [steal, tail): they
            // are ours alone and hold initialised tasks.
            ring.slots[idx].with(|p| unsafe { (*p).assume_init_read() })
        });
        // Linked straight into the inject queue: overflowing allocates nothing.
        inject.push_batch(claimed_tasks.chain(std::iter::once(task)));
        bump(&self.ring.overflows, 1);
        Ok(())
    }

    /// Pops the oldest task (rule 2).
    pub(crate) fn pop(&mut self) -> Option<Notified<S>> {
        let mut head = self.ring.head.load(Acquire);
        let idx = loop {
            let (steal, real) = unpack(head);
            let tail = self.ring.tail.load(Relaxed);
            if real == tail {
                return None;
            }
            let next_real = real.wrapping_add(1);
            let next = if steal == real {
                pack(next_real, next_real)
            } else {
                pack(steal, next_real)
            };
            match self.ring.head.compare_exchange(head, next, AcqRel, Acquire) {
                Ok(_) => break real as usize & MASK,
                Err(actual) => head = actual,
            }
        };
        // SAFETY: the CAS made slot `idx` ours (rule 2); it holds a task.
        Some(self.ring.slots[idx].with(|p| unsafe { (*p).assume_init_read() }))
    }
}

fn take_lifo<S: 'static>(ring: &Ring<S>) -> Option<Notified<S>> {
    if ring.lifo.load(Relaxed).is_null() {
        return None;
    }
    let prev = ring.lifo.swap(ptr::null_mut(), AcqRel);
    // SAFETY: the swap moved the slot's `Notified` reference to us alone.
    NonNull::new(prev).map(|p| unsafe { Notified::from_raw(p) })
}

impl<S: 'static> Drop for Local<S> {
    fn drop(&mut self) {
        drop(take_lifo(&self.ring));
        if !std::thread::panicking() {
            let (_, real) = unpack(self.ring.head.load(Acquire));
            let tail = self.ring.tail.load(Acquire);
            assert_eq!(real, tail, "local queue not empty at drop");
        }
    }
}

/// Adds to a counter that only the calling thread writes.
fn bump(counter: &AtomicU64, by: u64) {
    counter.store(counter.load(Relaxed).wrapping_add(by), Relaxed);
}

impl<S: Schedule> Steal<S> {
    /// Tasks in the owner's ring (racy: for metrics).
    pub(crate) fn len(&self) -> usize {
        let (_, real) = unpack(self.0.head.load(Acquire));
        let tail = self.0.tail.load(Acquire);
        tail.wrapping_sub(real) as usize
    }

    /// `(polls, stolen, steal_operations, overflows)` of the owner, for metrics.
    pub(crate) fn counters(&self) -> (u64, u64, u64, u64) {
        (
            self.0.polls.load(Relaxed),
            self.0.stolen.load(Relaxed),
            self.0.steal_operations.load(Relaxed),
            self.0.overflows.load(Relaxed),
        )
    }

    pub(crate) fn is_empty(&self) -> bool {
        let (_, real) = unpack(self.0.head.load(Acquire));
        let tail = self.0.tail.load(Acquire);
        real == tail
    }

    /// Takes the victim's LIFO task if the victim made no progress since
    /// the thief's last visit (`seen` holds the poll count seen then).
    pub(crate) fn steal_lifo_if_stuck(&self, seen: &mut u64) -> Option<Notified<S>> {
        let polls = self.0.polls.load(Relaxed);
        if self.0.lifo.load(Relaxed).is_null() {
            *seen = polls.wrapping_sub(1);
            return None;
        }
        if std::mem::replace(seen, polls) != polls {
            return None; // progressing: leave the task to its owner
        }
        take_lifo(&self.0)
    }

    /// Whether the victim holds a LIFO task (a thief may need to come back).
    pub(crate) fn has_lifo(&self) -> bool {
        !self.0.lifo.load(Relaxed).is_null()
    }

    /// Steals half of this queue into `dst` (the thief's own local queue,
    /// which must be empty enough), returning one task to run at once.
    pub(crate) fn steal_into(&self, dst: &mut Local<S>) -> Option<Notified<S>> {
        let dst_tail = dst.ring.tail.load(Relaxed);
        let (dst_steal, _) = unpack(dst.ring.head.load(Acquire));
        if dst_tail.wrapping_sub(dst_steal) as usize > CAPACITY / 2 {
            // Our own queue has work; stealing would overfill it.
            return None;
        }
        let n = self.steal_into2(dst, dst_tail);
        if n == 0 {
            return None;
        }
        bump(&dst.ring.stolen, u64::from(n));
        bump(&dst.ring.steal_operations, 1);
        // Take the last stolen one to run now; publish the rest.
        let n = n - 1;
        let idx = dst_tail.wrapping_add(n) as usize & MASK;
        // SAFETY: slot `idx` was just written by steal_into2 and is not
        // published (tail not advanced), so only we see it.
        let task = dst.ring.slots[idx].with(|p| unsafe { (*p).assume_init_read() });
        if n > 0 {
            dst.ring.tail.store(dst_tail.wrapping_add(n), Release);
        }
        Some(task)
    }

    /// Rule 3: moves half of this ring's tasks to `dst` starting at `dst_tail`;
    /// returns how many.
    fn steal_into2(&self, dst: &mut Local<S>, dst_tail: u32) -> u32 {
        let mut prev = self.0.head.load(Acquire);
        let (first, n) = loop {
            let (steal, real) = unpack(prev);
            if steal != real {
                return 0; // another stealer is at work
            }
            let tail = self.0.tail.load(Acquire);
            let available = tail.wrapping_sub(real);
            let n = available - available / 2;
            if n == 0 {
                return 0;
            }
            let next = pack(steal, real.wrapping_add(n));
            match self.0.head.compare_exchange(prev, next, AcqRel, Acquire) {
                Ok(_) => break (real, n),
                Err(actual) => prev = actual,
            }
        };
        for i in 0..n {
            let src = first.wrapping_add(i) as usize & MASK;
            let dst_idx = dst_tail.wrapping_add(i) as usize & MASK;
            // SAFETY: the claim CAS made [first, first + n) ours until we
            // release `steal`; the destination slots are beyond dst's tail
            // and within capacity (checked by the caller), so free.
            unsafe {
                let task = self.0.slots[src].with(|p| (*p).assume_init_read());
                dst.ring.slots[dst_idx].with_mut(|p| (*p).write(task));
            }
        }
        // Release the claimed region: steal catches up with real.
        let mut prev = self.0.head.load(Acquire);
        loop {
            let (_, real) = unpack(prev);
            match self
                .0
                .head
                .compare_exchange(prev, pack(real, real), AcqRel, Acquire)
            {
                Ok(_) => return n,
                Err(actual) => prev = actual,
            }
        }
    }
}

impl<S: 'static> Clone for Steal<S> {
    fn clone(&self) -> Steal<S> {
        Steal(self.0.clone())
    }
}

#[cfg(all(test, loom))]
#[path = "queue_loom_tests.rs"]
mod loom_tests;
