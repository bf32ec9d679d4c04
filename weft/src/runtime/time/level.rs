//! One level of the timing wheel: 64 slots of intrusive FIFO lists and a
//! bit set of the occupied ones.
//!
//! Level `L` has slots `64^L` ticks wide and covers `64^(L+1)` ticks. An
//! entry sits in the slot given by digit `L` (base 64) of its tick.

use super::entry::{with_node, Link, Location, TimerEntry};
use std::fmt;
use std::ptr::NonNull;

/// Slots per level (a power of two: slot arithmetic is masking).
pub(super) const SLOTS: usize = 64;
/// log2(SLOTS).
pub(super) const SLOT_BITS: u32 = 6;

/// A doubly linked FIFO list of entries, threaded through their nodes.
#[derive(Default)]
pub(super) struct EntryList {
    head: Link,
    tail: Link,
}

impl EntryList {
    pub(super) const fn new() -> EntryList {
        EntryList {
            head: None,
            tail: None,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    /// Appends `entry`, recording `location` in its node.
    ///
    /// # Safety
    ///
    /// `entry` is live, pinned, in no list, and the caller may access the
    /// nodes of `entry` and of every entry in this list (the shard lock).
    pub(super) unsafe fn push_back(&mut self, entry: NonNull<TimerEntry>, location: Location) {
        let old_tail = self.tail;
        // SAFETY: caller's contract.
        unsafe {
            with_node(entry, |n| {
                n.prev = old_tail;
                n.next = None;
                n.location = location;
            })
        };
        match old_tail {
            // SAFETY: the tail is a live entry of this list.
            Some(tail) => unsafe { with_node(tail, |n| n.next = Some(entry)) },
            None => self.head = Some(entry),
        }
        self.tail = Some(entry);
    }

    /// Removes and returns the first entry, its node reset to `Nowhere`.
    ///
    /// # Safety
    ///
    /// The caller may access the nodes of the entries in this list.
    pub(super) unsafe fn pop_front(&mut self) -> Option<NonNull<TimerEntry>> {
        let head = self.head?;
        // SAFETY: the head is a live entry of this list.
        let next = unsafe {
            with_node(head, |n| {
                let next = n.next.take();
                n.prev = None;
                n.location = Location::Nowhere;
                next
            })
        };
        match next {
            // SAFETY: a live entry of this list.
            Some(next) => unsafe { with_node(next, |n| n.prev = None) },
            None => self.tail = None,
        }
        self.head = next;
        Some(head)
    }

    /// Unlinks `entry` from this list.
    ///
    /// # Safety
    ///
    /// `entry` is in this list and the caller may access the nodes of the
    /// entries in it.
    pub(super) unsafe fn remove(&mut self, entry: NonNull<TimerEntry>) {
        // SAFETY: caller's contract.
        let (prev, next) = unsafe {
            with_node(entry, |n| {
                n.location = Location::Nowhere;
                (n.prev.take(), n.next.take())
            })
        };
        match prev {
            // SAFETY: a live neighbour in this list.
            Some(prev) => unsafe { with_node(prev, |n| n.next = next) },
            None => {
                debug_assert_eq!(self.head, Some(entry), "entry is not in this list");
                self.head = next;
            }
        }
        match next {
            // SAFETY: a live neighbour in this list.
            Some(next) => unsafe { with_node(next, |n| n.prev = prev) },
            None => self.tail = prev,
        }
    }

    /// Moves every entry out into a new list, leaving this one empty.
    pub(super) fn take(&mut self) -> EntryList {
        std::mem::take(self)
    }
}

/// One level: 64 slots plus a bit per slot saying whether it holds entries,
/// so that the next occupied slot is one rotate and one `trailing_zeros`.
pub(super) struct Level {
    level: u32,
    occupied: u64,
    slots: [EntryList; SLOTS],
    /// Per slot, the latest exact deadline (ns) of the entries filed there
    /// since it was last empty. Used on level 0, where a slot is one tick:
    /// once the clock passes it, every entry of the slot is due, so the
    /// driver fires them then instead of at the end of the millisecond. It
    /// does not go down when an entry is cancelled; that only costs firing
    /// the rest a little later, still within their tick.
    latest: [u64; SLOTS],
    /// A bit per slot: its entries are in order of their exact deadlines,
    /// front first (each was filed with a deadline no earlier than `latest`,
    /// as sleeps of one duration filed one after another are). Such a level-0
    /// slot fires entry by entry as their deadlines pass, so that tasks
    /// whose sleep ended do not wait for the rest of the millisecond.
    sorted: u64,
}

/// The next slot of a level that needs processing, and when.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Expiration {
    pub(super) level: usize,
    pub(super) slot: usize,
    /// The tick at which the slot starts.
    pub(super) deadline: u64,
}

impl Level {
    pub(super) fn new(level: u32) -> Level {
        Level {
            level,
            occupied: 0,
            slots: std::array::from_fn(|_| EntryList::new()),
            latest: [0; SLOTS],
            sorted: 0,
        }
    }

    /// log2 of the width of one slot in ticks.
    fn slot_shift(&self) -> u32 {
        SLOT_BITS * self.level
    }

    /// The slot of this level that holds tick `when`.
    pub(super) fn slot_for(&self, when: u64) -> usize {
        ((when >> self.slot_shift()) as usize) & (SLOTS - 1)
    }

    /// The earliest occupied slot after `elapsed`, and the tick it starts at.
    ///
    /// Below the top level every entry lies ahead of `elapsed` within the same
    /// level range, so the scan starts after the slot holding `elapsed`. On
    /// the top level an entry may be a whole rotation (or more) away and sit
    /// in the slot holding `elapsed` or before it: that slot comes around
    /// again one level range later, which the wrap below accounts for.
    pub(super) fn next_expiration(&self, elapsed: u64) -> Option<Expiration> {
        if self.occupied == 0 {
            return None;
        }
        let shift = self.slot_shift();
        let now_slot = ((elapsed >> shift) as usize) & (SLOTS - 1);
        let start = (now_slot + 1) & (SLOTS - 1);
        let distance = self.occupied.rotate_right(start as u32).trailing_zeros() as usize;
        let slot = (start + distance) & (SLOTS - 1);

        let range_shift = shift + SLOT_BITS;
        let level_start = elapsed & !((1u64 << range_shift) - 1);
        let mut deadline = level_start + ((slot as u64) << shift);
        if deadline <= elapsed {
            debug_assert_eq!(self.level as usize, super::wheel::LEVELS - 1);
            deadline += 1u64 << range_shift;
        }
        Some(Expiration {
            level: self.level as usize,
            slot,
            deadline,
        })
    }

    /// The latest exact deadline (ns) filed in `slot` (see `latest`).
    pub(super) fn latest(&self, slot: usize) -> u64 {
        self.latest[slot]
    }

    /// Appends `entry` (due at tick `when`, exactly at `nanos`) to its slot.
    ///
    /// # Safety
    ///
    /// As for [`EntryList::push_back`].
    pub(super) unsafe fn push(&mut self, entry: NonNull<TimerEntry>, when: u64, nanos: u64) {
        let slot = self.slot_for(when);
        if self.slots[slot].is_empty() {
            self.sorted |= 1 << slot;
        } else if nanos < self.latest[slot] {
            self.sorted &= !(1 << slot);
        }
        self.latest[slot] = self.latest[slot].max(nanos);
        let location = Location::Slot {
            level: self.level as u8,
            slot: slot as u8,
        };
        // SAFETY: caller's contract.
        unsafe { self.slots[slot].push_back(entry, location) };
        self.occupied |= 1 << slot;
    }

    /// Unlinks `entry` from `slot`.
    ///
    /// # Safety
    ///
    /// `entry` is in `slot` of this level; the caller holds the shard lock.
    pub(super) unsafe fn remove(&mut self, entry: NonNull<TimerEntry>, slot: usize) {
        // SAFETY: caller's contract.
        unsafe { self.slots[slot].remove(entry) };
        if self.slots[slot].is_empty() {
            self.occupied &= !(1 << slot);
            self.latest[slot] = 0;
        }
    }

    /// True if the entries of `slot` are in deadline order (see `sorted`).
    pub(super) fn is_sorted(&self, slot: usize) -> bool {
        self.sorted & (1 << slot) != 0
    }

    /// The first entry of `slot`, if any.
    pub(super) fn front(&self, slot: usize) -> Option<NonNull<TimerEntry>> {
        self.slots[slot].head
    }

    /// Unlinks and returns the first entry of `slot` (its node says
    /// `Nowhere`).
    ///
    /// # Safety
    ///
    /// The caller holds the shard lock.
    pub(super) unsafe fn pop_front(&mut self, slot: usize) -> Option<NonNull<TimerEntry>> {
        // SAFETY: the caller holds the lock of the wheel this level is in.
        let entry = unsafe { self.slots[slot].pop_front() };
        if self.slots[slot].is_empty() {
            self.occupied &= !(1 << slot);
            self.latest[slot] = 0;
        }
        entry
    }

    /// Takes every entry of `slot`.
    pub(super) fn take_slot(&mut self, slot: usize) -> EntryList {
        self.occupied &= !(1 << slot);
        self.latest[slot] = 0;
        self.slots[slot].take()
    }

    /// Takes every entry of the first occupied slot, if any (shutdown).
    pub(super) fn take_any(&mut self) -> Option<EntryList> {
        if self.occupied == 0 {
            return None;
        }
        let slot = self.occupied.trailing_zeros() as usize;
        Some(self.take_slot(slot))
    }
}

impl fmt::Debug for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Level")
            .field("level", &self.level)
            .field("occupied", &format_args!("{:#018x}", self.occupied))
            .finish()
    }
}

impl fmt::Debug for EntryList {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EntryList")
            .field("empty", &self.is_empty())
            .finish()
    }
}
