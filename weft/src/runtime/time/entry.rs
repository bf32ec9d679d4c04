//! The timer entry: an intrusive node that lives inside a pinned `Sleep`.
//!
//! A `Sleep` never allocates for its timer. Its `TimerEntry` is linked
//! directly into a slot list of the timing wheel (or the wheel's pending list)
//! while it is registered, which makes insert and cancel O(1) pointer updates
//! under the wheel's lock.
//!
//! # State word
//!
//! ```text
//!  bits 0..2   UNREGISTERED | REGISTERED | FIRED
//!  bits 2..    the wheel shard the entry was registered in (meaningful
//!              only while REGISTERED)
//! ```
//!
//! ```text
//!          register (owner, shard lock)          fire (driver, shard lock)
//!  UNREGISTERED ──────────────────────▶ REGISTERED ───────────────────▶ FIRED
//!        ▲                                  │  ▲                           │
//!        └──────── cancel (owner, lock) ────┘  └── reset (owner, lock) ────┘
//! ```
//!
//! # Ownership rules
//!
//! 1. While the state is `UNREGISTERED` or `FIRED`, the owner of the pinned
//!    entry (the `Sleep`) has exclusive access to the node; nothing in any
//!    wheel points at it.
//! 2. While the state is `REGISTERED`, the node (links, tick, waker) belongs
//!    to the wheel of the shard named in the state word, and is read or
//!    written only with that shard's lock held, by the owner or the driver.
//! 3. Every transition into or out of `REGISTERED` happens with the shard's
//!    lock held.
//! 4. The driver's store of `FIRED` (Release) is its last access to the entry:
//!    it unlinks the node and takes the waker first. An owner that loads
//!    `FIRED` (Acquire) therefore sees all the driver's writes and may reuse or
//!    free the entry without taking the lock.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{AtomicUsize, Ordering};
use std::fmt;
use std::marker::PhantomPinned;
use std::ptr::NonNull;
use std::task::Waker;

/// Not linked into any wheel; the owner has the node to itself.
pub(super) const UNREGISTERED: usize = 0;
/// Linked into the wheel of the shard in the high bits; the node is the wheel's.
pub(super) const REGISTERED: usize = 1;
/// The deadline passed and the driver unlinked the entry (or the runtime
/// shut down); the owner has the node to itself again.
pub(super) const FIRED: usize = 2;

const STATE_MASK: usize = 0b11;
const SHARD_SHIFT: u32 = 2;

/// A link in a wheel list.
pub(super) type Link = Option<NonNull<TimerEntry>>;

/// Where a registered entry sits, so that cancel finds its list in O(1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Location {
    /// Not in any list.
    Nowhere,
    /// In `slot` of wheel level `level`.
    Slot { level: u8, slot: u8 },
    /// Due, in the wheel's pending list, waiting to be fired.
    Pending,
}

/// The part of the entry that the wheel owns while it is registered.
#[derive(Debug)]
pub(super) struct Node {
    pub(super) prev: Link,
    pub(super) next: Link,
    /// The tick (milliseconds since the driver started, rounded up) whose
    /// slot the entry is filed under.
    pub(super) when: u64,
    /// The exact deadline, in nanoseconds since the driver started.
    pub(super) nanos: u64,
    pub(super) location: Location,
    /// The task to wake when the entry fires.
    pub(super) waker: Option<Waker>,
}

/// One timer, embedded in the pinned future that owns it.
pub(crate) struct TimerEntry {
    state: AtomicUsize,
    node: UnsafeCell<Node>,
    /// The wheel holds pointers to the entry: it must not move once registered.
    _pinned: PhantomPinned,
}

// SAFETY: the node is only touched under the rules in the module doc: with the
// shard lock held while registered, and by the owner alone otherwise. The
// waker inside is `Send + Sync`; the raw links point at other entries that
// follow the same rules.
unsafe impl Send for TimerEntry {}
// SAFETY: as above; shared access goes through the atomic state word or the
// shard lock.
unsafe impl Sync for TimerEntry {}

impl TimerEntry {
    pub(crate) fn new() -> TimerEntry {
        TimerEntry {
            state: AtomicUsize::new(UNREGISTERED),
            node: UnsafeCell::new(Node {
                prev: None,
                next: None,
                when: 0,
                nanos: 0,
                location: Location::Nowhere,
                waker: None,
            }),
            _pinned: PhantomPinned,
        }
    }

    /// The state (`UNREGISTERED`, `REGISTERED` or `FIRED`) and, when
    /// registered, the shard. Acquire: see rule 4.
    pub(super) fn load_state(&self) -> (usize, usize) {
        let word = self.state.load(Ordering::Acquire);
        (word & STATE_MASK, word >> SHARD_SHIFT)
    }

    /// True once the driver fired the entry (and it was not re-registered).
    pub(crate) fn is_fired(&self) -> bool {
        self.load_state().0 == FIRED
    }

    /// Marks the entry registered in `shard` (rule 3: lock held).
    pub(super) fn set_registered(&self, shard: usize) {
        self.state
            .store(REGISTERED | (shard << SHARD_SHIFT), Ordering::Relaxed);
    }

    /// Marks the entry unregistered (rule 3: lock held, or owner alone).
    pub(super) fn set_unregistered(&self) {
        self.state.store(UNREGISTERED, Ordering::Relaxed);
    }

    /// Marks the entry fired: the last access of the driver (rule 4).
    pub(super) fn set_fired(&self) {
        self.state.store(FIRED, Ordering::Release);
    }

    /// Runs `f` on the node.
    ///
    /// # Safety
    ///
    /// The caller has access to the node under the module's ownership rules:
    /// it holds the lock of the shard the entry is registered in, or the entry
    /// is not registered and the caller is its owner (or the driver that is
    /// firing it). No other reference to the node is live during `f`.
    pub(super) unsafe fn with_node<R>(&self, f: impl FnOnce(&mut Node) -> R) -> R {
        // SAFETY: exclusive access is the caller's contract.
        self.node.with_mut(|node| f(unsafe { &mut *node }))
    }
}

impl fmt::Debug for TimerEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (state, shard) = self.load_state();
        let state = match state {
            UNREGISTERED => "unregistered",
            REGISTERED => "registered",
            _ => "fired",
        };
        f.debug_struct("TimerEntry")
            .field("state", &state)
            .field("shard", &shard)
            .finish()
    }
}

/// Runs `f` on the node behind `ptr`.
///
/// # Safety
///
/// `ptr` points at a live, pinned entry, and the caller has access to its
/// node as for [`TimerEntry::with_node`].
pub(super) unsafe fn with_node<R>(ptr: NonNull<TimerEntry>, f: impl FnOnce(&mut Node) -> R) -> R {
    // SAFETY: the entry is live (caller's contract), so the shared reference is valid.
    let entry = unsafe { ptr.as_ref() };
    // SAFETY: node access is the caller's contract.
    unsafe { entry.with_node(f) }
}
