//! The shared side of the timer: the wheel shards, and the protocols that
//! let any thread register a timer while one thread drives them.
//!
//! # Shards
//!
//! The wheels live in `shards`, each behind its own mutex. An entry is
//! registered in one shard (a worker's own, so that workers do not contend;
//! at random on other threads) and records the shard in its state word
//! so that cancel and reset lock the right one. The driver visits every shard
//! when it parks (for the earliest deadline) and when it fires timers. A
//! current-thread runtime has a single shard: one uncontended lock is about
//! 5 ns on the machines weft is built on, less than the scan of a second shard.
//!
//! # Waking the parked driver (numbered steps are referred to in the code)
//!
//! The driver thread sleeps until the next deadline; a timer registered
//! meanwhile by another thread must wake it only if it is earlier. Tokio
//! signals the driver whenever a new timer becomes the earliest, even when the
//! driver thread is awake and about to look at the wheel anyway (a wasted
//! syscall: DESIGN.md). weft publishes what the driver is doing in
//! `parked_until`:
//!
//! 1. Before it reads the wheels, the driver stores `PARKING` (`u64::MAX`):
//!    any timer registered from now on makes the registrar wake it.
//! 2. It reads every shard's next deadline (locking each in turn) and stores
//!    when it will wake, in nanoseconds since the driver started (still
//!    `u64::MAX` if it sleeps indefinitely).
//! 3. On waking, it stores `AWAKE` (0) before processing the shards, and it
//!    reads them all again before it next sleeps (step 1).
//! 4. A registrar links its entry under the shard lock, releases the lock, and
//!    then loads `parked_until`. If its deadline is earlier, it swaps in `AWAKE`
//!    and, if it was the one to replace a non-`AWAKE` value, unparks the
//!    driver (so a burst of registrations costs one unpark).
//!
//! Why nothing is missed: if the driver locked the registrar's shard after the
//! registrar released it, the driver's read (step 2) sees the entry. Otherwise
//! the driver's store of step 1 happened before its lock of that shard, which
//! happened before the registrar's lock, so the registrar's load (step 4)
//! sees step 1's value or a later one; if that is `AWAKE`, the driver is past
//! step 3 and will read the wheels again before sleeping. An unpark that lands
//! before the driver actually sleeps is not lost: the parker keeps it.

use super::entry::{with_node, TimerEntry, FIRED, REGISTERED, UNREGISTERED};
use super::source::TimeSource;
use super::wheel::Wheel;
use crate::loom::sync::atomic::{
    AtomicBool, AtomicU64, AtomicUsize,
    Ordering::{Relaxed, SeqCst},
};
use crate::loom::sync::{Mutex, MutexGuard};
use crate::runtime::driver;
use crate::util::wake_list::WakeList;
use std::fmt;
use std::ptr::NonNull;
use std::task::{Poll, Waker};
use std::time::Instant as StdInstant;

/// `parked_until`: the driver is not sleeping and will read the wheels
/// before it does.
pub(super) const AWAKE: u64 = 0;
/// `parked_until`: the driver is about to sleep, or sleeps with no deadline.
pub(super) const PARKING: u64 = u64::MAX;

/// Shared side of the timer, reached from `Sleep` through the runtime handle.
pub(crate) struct Handle {
    source: TimeSource,
    shards: Box<[Shard]>,
    /// See "Waking the parked driver" in the module doc.
    parked_until: AtomicU64,
    is_shutdown: AtomicBool,
    /// Set by every unpark of the driver; a paused clock is not auto-advanced
    /// across a park that was woken (the woken task may have work to do at
    /// the current instant).
    #[cfg(feature = "test-util")]
    did_wake: AtomicBool,
}

/// One wheel and its lock, on its own cache lines so that shards do not
/// share a line between threads.
#[repr(align(128))]
struct Shard {
    wheel: Mutex<Wheel>,
    /// Entries linked in this shard's wheel. A driver poll that finds none
    /// in any shard skips the clock read and the shard locks (a runtime
    /// without timers, or a busy one between sleeps, polls its driver on
    /// every yield round). Written only with `wheel` locked, so a load and a
    /// store do (no read-modify-write: this is on every timer's path); read
    /// without the lock by the driver.
    armed: AtomicUsize,
}

impl Shard {
    /// One more (`true`) or one fewer entry linked; the caller holds `wheel`'s lock.
    fn count_linked(&self, linked: bool) {
        let armed = self.armed.load(Relaxed);
        let armed = if linked { armed + 1 } else { armed - 1 };
        self.armed.store(armed, Relaxed);
    }

    fn has_armed(&self) -> bool {
        self.armed.load(Relaxed) != 0
    }
}

impl Handle {
    pub(super) fn new(source: TimeSource, shards: usize) -> Handle {
        assert!(shards > 0 && shards <= u32::MAX as usize);
        Handle {
            source,
            shards: (0..shards)
                .map(|_| Shard {
                    wheel: Mutex::new(Wheel::new()),
                    armed: AtomicUsize::new(0),
                })
                .collect(),
            parked_until: AtomicU64::new(AWAKE),
            is_shutdown: AtomicBool::new(false),
            #[cfg(feature = "test-util")]
            did_wake: AtomicBool::new(false),
        }
    }

    /// Instant conversion of this driver.
    pub(crate) fn time_source(&self) -> &TimeSource {
        &self.source
    }

    /// True once the driver shut down: timers can no longer fire.
    pub(crate) fn is_shutdown(&self) -> bool {
        self.is_shutdown.load(SeqCst)
    }

    /// Records that the driver was unparked (see `did_wake`).
    #[cfg(feature = "test-util")]
    pub(crate) fn note_unpark(&self) {
        self.did_wake.store(true, SeqCst);
    }

    /// Whether the driver was unparked since the last call.
    #[cfg(feature = "test-util")]
    pub(super) fn take_did_wake(&self) -> bool {
        self.did_wake.swap(false, SeqCst)
    }

    /// Whether any timer is linked. A timer linked concurrently has a
    /// deadline in the future, so a poll that missed it loses nothing.
    pub(super) fn has_armed(&self) -> bool {
        self.shards.iter().any(Shard::has_armed)
    }

    fn lock(&self, shard: usize) -> MutexGuard<'_, Wheel> {
        self.shards[shard].wheel.lock()
    }

    fn pick_shard(&self) -> usize {
        match self.shards.len() {
            1 => 0,
            // A worker of another runtime (whose index may be out of range)
            // still keeps to one shard.
            n => match crate::runtime::worker_index() {
                Some(worker) => worker % n,
                None => crate::runtime::context::thread_rng_n(n as u32) as usize,
            },
        }
    }

    /// Polls `entry` for `deadline`: `Ready` once it fired. A first poll
    /// registers it (or finds it already due); later
    /// polls only refresh the waker, and only when it changed.
    ///
    /// # Safety
    ///
    /// `entry` is pinned and stays so until it is cancelled with
    /// [`cancel`](Self::cancel) (or fires); it is only ever used with this
    /// handle, whose runtime handle is `rt`; the caller has exclusive use of
    /// the entry's owning side (it holds `Pin<&mut>` of the future).
    pub(crate) unsafe fn poll(
        &self,
        rt: &driver::Handle,
        entry: &TimerEntry,
        deadline: StdInstant,
        waker: &Waker,
    ) -> Poll<()> {
        match entry.load_state() {
            (FIRED, _) => Poll::Ready(()),
            (UNREGISTERED, _) => {
                // No clock read on the real clock (it would be a fifth of
                // the cost of a timer that is created and cancelled): like
                // Tokio's, a deadline whose tick the driver has processed
                // fires at once, and one that passed since (a zero sleep, an
                // interval that fell behind) fires at the driver's next turn,
                // which sees it due. A paused clock moves only when told to,
                // and tests expect what is due after `advance` to be ready
                // at its first poll: there, the clock decides.
                if rt.clock.may_be_paused() && deadline <= rt.clock.now() {
                    entry.set_fired();
                    return Poll::Ready(());
                }
                let nanos = self.source.instant_to_nanos(deadline);
                let shard = self.pick_shard();
                let mut wheel = self.lock(shard);
                // SAFETY: caller's contract (pinned, cancelled before it goes).
                let linked = unsafe { self.link(&mut wheel, shard, entry, nanos) };
                if !linked {
                    // Due already: nothing to wake but ourselves, who are here.
                    return Poll::Ready(());
                }
                // SAFETY: registered in `shard`, whose lock we hold.
                unsafe { with_node(NonNull::from(entry), |n| n.waker = Some(waker.clone())) };
                drop(wheel);
                self.unpark_if_earlier(rt, nanos);
                Poll::Pending
            }
            (_, shard) => {
                let _wheel = self.lock(shard);
                if entry.load_state().0 == FIRED {
                    return Poll::Ready(());
                }
                // SAFETY: registered in `shard`, whose lock we hold.
                unsafe {
                    with_node(NonNull::from(entry), |n| match &mut n.waker {
                        Some(w) if w.will_wake(waker) => {}
                        slot => *slot = Some(waker.clone()),
                    })
                };
                Poll::Pending
            }
        }
    }

    /// Moves `entry` to fire at `deadline` instead, keeping its waker; an
    /// entry whose new deadline has already passed fires now (and its waker is woken,
    /// since a task that polled it earlier is waiting for it).
    ///
    /// # Safety
    ///
    /// As for [`poll`](Self::poll).
    pub(crate) unsafe fn reset(
        &self,
        rt: &driver::Handle,
        entry: &TimerEntry,
        deadline: StdInstant,
    ) {
        // Past deadlines become 0, which the wheel refuses: fired at once.
        let nanos = if deadline <= rt.clock.now() {
            0
        } else {
            self.source.instant_to_nanos(deadline)
        };
        let ptr = NonNull::from(entry);
        let (state, shard) = entry.load_state();
        let shard = if state == REGISTERED {
            shard
        } else {
            self.pick_shard()
        };
        let mut wheel = self.lock(shard);
        if entry.load_state().0 == REGISTERED {
            // SAFETY: registered in `shard`, whose lock we hold.
            unsafe { wheel.remove(ptr) };
            self.shards[shard].count_linked(false);
            entry.set_unregistered();
        }
        // SAFETY: caller's contract.
        let linked = unsafe { self.link(&mut wheel, shard, entry, nanos) };
        let waker = if linked {
            None
        } else {
            // SAFETY: not registered: the owner (our caller) has the node.
            unsafe { with_node(ptr, |n| n.waker.take()) }
        };
        drop(wheel);
        if linked {
            self.unpark_if_earlier(rt, nanos);
        } else if let Some(waker) = waker {
            waker.wake();
        }
    }

    /// Unlinks `entry` if it is registered (a fired or never-registered entry
    /// needs no lock: rule 4 of `entry.rs`) and leaves it unregistered, so
    /// that the next poll registers it anew. Afterwards the entry may go.
    ///
    /// # Safety
    ///
    /// `entry` is only ever used with this handle, and the caller has
    /// exclusive use of its owning side.
    pub(crate) unsafe fn cancel(&self, entry: &TimerEntry) {
        let (state, shard) = entry.load_state();
        if state != REGISTERED {
            // The owner has the entry to itself (rule 1 of `entry.rs`).
            entry.set_unregistered();
            return;
        }
        let mut wheel = self.lock(shard);
        let waker = if entry.load_state().0 == REGISTERED {
            let ptr = NonNull::from(entry);
            // SAFETY: registered in `shard`, whose lock we hold.
            unsafe { wheel.remove(ptr) };
            self.shards[shard].count_linked(false);
            entry.set_unregistered();
            // SAFETY: unlinked and unregistered: the owner has the node.
            unsafe { with_node(ptr, |n| n.waker.take()) }
        } else {
            None
        };
        drop(wheel);
        // A waker's drop may run arbitrary code (even drop another timer): never under the lock.
        drop(waker);
    }

    /// Links an unregistered entry into `wheel` (shard `shard`, locked by the
    /// caller) to fire at `nanos`. Returns false, with the entry marked fired
    /// and not linked, if that has passed or the runtime is shut down.
    ///
    /// # Safety
    ///
    /// `entry` is unregistered, pinned, and stays so until cancelled or fired.
    unsafe fn link(&self, wheel: &mut Wheel, shard: usize, entry: &TimerEntry, nanos: u64) -> bool {
        if self.is_shutdown() {
            entry.set_fired();
            return false;
        }
        // SAFETY: caller's contract; `wheel` is locked.
        match unsafe { wheel.insert(NonNull::from(entry), nanos) } {
            Ok(()) => {
                self.shards[shard].count_linked(true);
                entry.set_registered(shard);
                true
            }
            Err(()) => {
                entry.set_fired();
                false
            }
        }
    }

    /// Step 4 of the module doc.
    fn unpark_if_earlier(&self, rt: &driver::Handle, nanos: u64) {
        if nanos < self.parked_until.load(SeqCst) && self.parked_until.swap(AWAKE, SeqCst) != AWAKE
        {
            rt.unpark();
        }
    }

    /// Steps 1 and 2: publishes that the driver is about to park and returns
    /// when (ns since the start) any shard next needs processing.
    pub(super) fn begin_park(&self) -> Option<u64> {
        self.parked_until.store(PARKING, SeqCst);
        (0..self.shards.len())
            .filter_map(|shard| self.lock(shard).next_wake())
            .min()
    }

    /// Step 2: when (ns since the start) the driver will wake by itself.
    pub(super) fn set_parked_until(&self, nanos: u64) {
        self.parked_until.store(nanos.max(1), SeqCst);
    }

    /// Step 3.
    pub(super) fn end_park(&self) {
        self.parked_until.store(AWAKE, SeqCst);
    }

    /// The earliest tick any shard needs processing at (no protocol step).
    #[cfg(test)]
    pub(super) fn next_expiration_tick(&self) -> Option<u64> {
        (0..self.shards.len())
            .filter_map(|shard| self.lock(shard).next_expiration_tick())
            .min()
    }

    /// Fires every entry due at or before `now` (ns since the start), waking their tasks in
    /// batches with the lock released (a waker may drop timers of this shard).
    pub(super) fn process(&self, now: u64) {
        let mut wakers = WakeList::new();
        for shard in 0..self.shards.len() {
            // A timer linked concurrently in a shard that looks empty is
            // seen by the next park, which locks every shard.
            if !self.shards[shard].has_armed() {
                continue;
            }
            let mut wheel = self.lock(shard);
            while let Some(ptr) = wheel.poll(now) {
                self.shards[shard].count_linked(false);
                // SAFETY: handed out by the wheel, so live and in no list, with
                // the shard locked.
                if let Some(waker) = unsafe { fire(ptr) } {
                    wakers.push(waker);
                    if !wakers.can_push() {
                        drop(wheel);
                        wakers.wake_all();
                        wheel = self.lock(shard);
                    }
                }
            }
        }
        wakers.wake_all();
    }

    /// Marks the driver shut down and fires every timer, so that the tasks
    /// waiting on them are woken (and then panic with Tokio's message if they
    /// poll a timer again).
    pub(super) fn shutdown(&self) {
        self.is_shutdown.store(true, SeqCst);
        let mut wakers = WakeList::new();
        for shard in 0..self.shards.len() {
            let mut wheel = self.lock(shard);
            while let Some(ptr) = wheel.drain() {
                self.shards[shard].count_linked(false);
                // SAFETY: as in `process`.
                if let Some(waker) = unsafe { fire(ptr) } {
                    wakers.push(waker);
                    if !wakers.can_push() {
                        drop(wheel);
                        wakers.wake_all();
                        wheel = self.lock(shard);
                    }
                }
            }
        }
        wakers.wake_all();
    }
}

/// Marks an entry the wheel handed out as fired and returns its waker.
///
/// # Safety
///
/// `ptr` was just handed out by `Wheel::poll`/`drain` of a shard whose lock
/// the caller holds. The entry must not be touched after this returns.
unsafe fn fire(ptr: NonNull<TimerEntry>) -> Option<Waker> {
    // SAFETY: the entry is live (it was linked) and still registered, and we
    // hold its shard's lock.
    let waker = unsafe { with_node(ptr, |n| n.waker.take()) };
    // SAFETY: live as above; this store is our last access (rule 4).
    unsafe { ptr.as_ref() }.set_fired();
    waker
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("time::Handle")
            .field("shards", &self.shards.len())
            .field("parked_until", &self.parked_until.load(SeqCst))
            .field("is_shutdown", &self.is_shutdown())
            .finish()
    }
}
