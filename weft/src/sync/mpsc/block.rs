//! One fixed-size block of the mpsc queue: `BLOCK_CAP` slots and a readiness word.
//!
//! A slot index `i` of the whole queue lives in the block whose `start_index`
//! is `i & START_MASK`, at offset `i & SLOT_MASK`. A sender that claimed
//! index `i` writes the value into its slot and then sets the slot's bit in
//! `ready_slots` (release); the receiver reads a slot only after seeing its
//! bit (acquire). Two more bits of `ready_slots` say:
//!
//! | bit | set by | meaning |
//! |---|---|---|
//! | `RELEASED` | the sender that moved the tail past the block | no new sender will find the block through the tail; `observed_tail_position` is valid |
//! | `TX_CLOSED` | the last sender, on drop | the queue ends in this block, at the first slot that is not ready |
//!
//! Ownership of the fields:
//! 1. `values[k]` belongs to the sender that claimed it until its ready bit
//!    is set, then to the receiver.
//! 2. `next` is set once (compare-and-swap from null) by whichever sender
//!    grows the queue, or by the receiver recycling a block onto the end.
//! 3. `observed_tail_position` is written once before `RELEASED` is set and
//!    read only after it was seen.
//! 4. A block is reset (`reclaim`) only by the receiver, once it is released
//!    and the receiver has read past `observed_tail_position`: then no
//!    sender holds a reference to it.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::Ordering::{AcqRel, Acquire, Release};
use crate::loom::sync::atomic::{AtomicPtr, AtomicUsize};
use std::mem::MaybeUninit;
use std::ptr::{self, NonNull};

/// Slots per block. Small under loom so that a model with a handful of
/// messages crosses block boundaries and exercises growth and recycling.
#[cfg(not(loom))]
pub(super) const BLOCK_CAP: usize = 32;
#[cfg(loom)]
pub(super) const BLOCK_CAP: usize = 2;

const SLOT_MASK: usize = BLOCK_CAP - 1;
const START_MASK: usize = !SLOT_MASK;
const READY_MASK: usize = (1 << BLOCK_CAP) - 1;
const RELEASED: usize = 1 << BLOCK_CAP;
const TX_CLOSED: usize = 1 << (BLOCK_CAP + 1);

/// The block holding slot `index` starts at this index.
pub(super) fn start_index(index: usize) -> usize {
    index & START_MASK
}

/// Offset of slot `index` inside its block.
pub(super) fn offset(index: usize) -> usize {
    index & SLOT_MASK
}

pub(super) struct Block<T> {
    /// First queue index stored here. Changed only while the block is
    /// detached (rule 4), hence a plain cell.
    start_index: UnsafeCell<usize>,
    next: AtomicPtr<Block<T>>,
    ready_slots: AtomicUsize,
    observed_tail_position: UnsafeCell<usize>,
    values: [UnsafeCell<MaybeUninit<T>>; BLOCK_CAP],
}

/// What the receiver finds at its index.
pub(super) enum Read<T> {
    Value(T),
    Closed,
}

impl<T> Block<T> {
    /// Allocates an empty block starting at `start_index`.
    pub(super) fn new(start_index: usize) -> Box<Block<T>> {
        #[cfg(not(loom))]
        {
            use std::alloc::{alloc, handle_alloc_error, Layout};
            // Built in place on the heap: a block of large `T`s could
            // overflow the stack if it were built there and moved.
            let layout = Layout::new::<Block<T>>();
            // SAFETY: `Block<T>` is never zero-sized (it has atomics).
            let raw = unsafe { alloc(layout) }.cast::<Block<T>>();
            if raw.is_null() {
                handle_alloc_error(layout);
            }
            // SAFETY: `raw` is a fresh allocation for one `Block<T>`. The
            // header fields are written here; `values` is an array of cells
            // of `MaybeUninit`, valid uninitialised. Then it is owned by the box.
            unsafe {
                ptr::addr_of_mut!((*raw).start_index).write(UnsafeCell::new(start_index));
                ptr::addr_of_mut!((*raw).next).write(AtomicPtr::new(ptr::null_mut()));
                ptr::addr_of_mut!((*raw).ready_slots).write(AtomicUsize::new(0));
                ptr::addr_of_mut!((*raw).observed_tail_position).write(UnsafeCell::new(0));
                Box::from_raw(raw)
            }
        }
        #[cfg(loom)]
        {
            Box::new(Block {
                start_index: UnsafeCell::new(start_index),
                next: AtomicPtr::new(ptr::null_mut()),
                ready_slots: AtomicUsize::new(0),
                observed_tail_position: UnsafeCell::new(0),
                values: std::array::from_fn(|_| UnsafeCell::new(MaybeUninit::uninit())),
            })
        }
    }

    pub(super) fn start_index(&self) -> usize {
        // SAFETY: written only while the block is detached (rule 4), when no
        // one else can read it.
        self.start_index.with(|p| unsafe { *p })
    }

    /// Whether slot `index` is in this block.
    pub(super) fn is_at_index(&self, index: usize) -> bool {
        self.start_index() == start_index(index)
    }

    /// How many blocks ahead of this one the block holding `index` is.
    pub(super) fn distance(&self, index: usize) -> usize {
        start_index(index).wrapping_sub(self.start_index()) / BLOCK_CAP
    }

    /// Writes the value of slot `index`, then marks it ready.
    ///
    /// # Safety
    ///
    /// The caller claimed `index` (rule 1), and `index` is in this block.
    pub(super) unsafe fn write(&self, index: usize, value: T) {
        let offset = offset(index);
        self.values[offset].with_mut(|slot| {
            // SAFETY: the slot belongs to the caller until it is marked ready.
            unsafe { (*slot).write(value) };
        });
        self.ready_slots.fetch_or(1 << offset, Release);
    }

    /// Marks the queue as ending in this block.
    pub(super) fn tx_close(&self) {
        self.ready_slots.fetch_or(TX_CLOSED, Release);
    }

    /// Reads slot `index`, if it is ready.
    ///
    /// # Safety
    ///
    /// Only the receiver calls this, once per index, and `index` is in this block.
    pub(super) unsafe fn read(&self, index: usize) -> Option<Read<T>> {
        let offset = offset(index);
        let ready = self.ready_slots.load(Acquire);
        if ready & (1 << offset) == 0 {
            if ready & TX_CLOSED != 0 {
                return Some(Read::Closed);
            }
            return None;
        }
        let value = self.values[offset].with(|slot| {
            // SAFETY: the ready bit (acquire) hands the initialised slot to
            // the receiver, which reads it exactly once.
            unsafe { (*slot).assume_init_read() }
        });
        Some(Read::Value(value))
    }

    /// Whether slot `index` holds a value ready to read.
    pub(super) fn has_value(&self, index: usize) -> bool {
        self.ready_slots.load(Acquire) & (1 << offset(index)) != 0
    }

    /// Whether every slot has been written: no sender needs the block any more.
    pub(super) fn is_final(&self) -> bool {
        self.ready_slots.load(Acquire) & READY_MASK == READY_MASK
    }

    /// Records that the tail moved past this block when `tail_position`
    /// was the next index to be claimed.
    ///
    /// # Safety
    ///
    /// Called once per use of the block, by the sender that moved the tail
    /// past it.
    pub(super) unsafe fn tx_release(&self, tail_position: usize) {
        // SAFETY: rule 3: written once, before RELEASED.
        self.observed_tail_position
            .with_mut(|p| unsafe { *p = tail_position });
        self.ready_slots.fetch_or(RELEASED, Release);
    }

    /// The tail position recorded on release, or `None` if not released yet.
    pub(super) fn observed_tail_position(&self) -> Option<usize> {
        if self.ready_slots.load(Acquire) & RELEASED == 0 {
            None
        } else {
            // SAFETY: rule 3: RELEASED was seen, so the write is complete.
            Some(self.observed_tail_position.with(|p| unsafe { *p }))
        }
    }

    pub(super) fn load_next(&self) -> Option<NonNull<Block<T>>> {
        NonNull::new(self.next.load(Acquire))
    }

    /// Links `block` after this one, unless another block got there first
    /// (then returns that one).
    ///
    /// # Safety
    ///
    /// `block` is detached and its `start_index` is this block's plus `BLOCK_CAP`.
    pub(super) unsafe fn try_push(
        &self,
        block: NonNull<Block<T>>,
    ) -> Result<(), NonNull<Block<T>>> {
        match self
            .next
            .compare_exchange(ptr::null_mut(), block.as_ptr(), AcqRel, Acquire)
        {
            Ok(_) => Ok(()),
            // SAFETY: a failed exchange from null means `next` is non-null.
            Err(actual) => Err(unsafe { NonNull::new_unchecked(actual) }),
        }
    }

    /// Returns the next block, allocating and linking one if there is none.
    ///
    /// If another sender linked a block first, the new one is not wasted: it
    /// is appended further down the chain, where it will be needed soon.
    pub(super) fn grow(&self) -> NonNull<Block<T>> {
        if let Some(next) = self.load_next() {
            return next;
        }
        let new_block = NonNull::from(Box::leak(Block::new(self.start_index() + BLOCK_CAP)));
        // SAFETY: `new_block` is fresh and starts right after this block.
        let next = match unsafe { self.try_push(new_block) } {
            Ok(()) => return new_block,
            Err(next) => next,
        };
        let mut curr = next;
        loop {
            // SAFETY: blocks reachable through `next` from a block a sender
            // holds are not reclaimed while it holds it (rule 4); `new_block`
            // is still detached, only this thread sees it.
            unsafe {
                let start = curr.as_ref().start_index() + BLOCK_CAP;
                new_block.as_ref().set_start_index(start);
                match curr.as_ref().try_push(new_block) {
                    Ok(()) => return next,
                    Err(after) => curr = after,
                }
            }
        }
    }

    /// Sets the start index of a detached block.
    ///
    /// # Safety
    ///
    /// The block is detached: no other thread can reach it.
    pub(super) unsafe fn set_start_index(&self, start: usize) {
        // SAFETY: rule 4, guaranteed by the caller.
        self.start_index.with_mut(|p| unsafe { *p = start });
    }

    /// Resets a block for reuse.
    ///
    /// # Safety
    ///
    /// Rule 4: the block is released and no sender can still reach it; all
    /// its values have been read.
    pub(super) unsafe fn reclaim(&self) {
        // SAFETY: guaranteed by the caller.
        unsafe { self.set_start_index(0) };
        self.next.store(ptr::null_mut(), Release);
        self.ready_slots.store(0, Release);
    }
}
