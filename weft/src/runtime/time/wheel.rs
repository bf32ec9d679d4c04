//! The hierarchical timing wheel: six levels of 64 slots, 1 ms per tick.
//!
//! ```text
//!  level  slot width      level range
//!    0    1 ms            64 ms
//!    1    64 ms           ~4 s
//!    2    ~4 s            ~4.5 min
//!    3    ~4.5 min        ~4.8 h
//!    4    ~4.8 h          ~12.7 days
//!    5    ~12.7 days      ~2.2 years   (a ring: farther entries go around)
//! ```
//!
//! An entry due at tick `when` is filed at the level of the highest base-64
//! digit in which `when` differs from `elapsed` (the tick the wheel has been
//! processed up to), in the slot given by that digit of `when`. When `elapsed`
//! reaches the start of an occupied slot above level 0, the slot is
//! "cascaded": its entries are filed again relative to the new `elapsed`, which
//! puts each one at a lower level (or, for entries more than a top-level
//! rotation away, back on the top level). Entries whose tick has come move to
//! the `pending` list and are handed out by [`Wheel::poll`].
//!
//! Insert and cancel are O(1): a level computation, a list append or unlink,
//! and a bit in the level's occupancy mask. Finding the next deadline is one
//! `trailing_zeros` per level.
//!
//! # Firing order
//!
//! Entries fire in order of their tick; entries with the same tick fire in the
//! order they were (last) inserted. Lists are FIFO, cascades keep list order,
//! and of two slots that start at the same tick the higher level is processed
//! first, because everything in it was inserted before anything in the lower
//! one (an entry for that tick is filed at the lower level only once `elapsed`
//! has entered the higher slot, i.e. after the higher slot was filed). The
//! property test at the bottom checks this against a sorted model.
//!
//! # Invariant
//!
//! Every entry linked into a wheel is live and pinned, and is accessed only
//! with the wheel's lock held (see `entry.rs`). [`Wheel::insert`] is `unsafe`
//! because its caller promises that the entry stays so until it is removed or
//! handed out by `poll`/`drain`.

use super::entry::{with_node, Location, TimerEntry};
use super::level::{EntryList, Expiration, Level, SLOT_BITS};
use std::fmt;
use std::ptr::NonNull;

/// Number of levels.
pub(super) const LEVELS: usize = 6;

/// One tick is a millisecond.
pub(super) const NANOS_PER_TICK: u64 = 1_000_000;

/// How much later than the first deadline of a sorted level-0 slot the
/// driver sleeps, to fire the entries due right after it in the same
/// wake-up: without it, timers registered 1 us apart would wake the driver
/// once each (Tokio wakes once per millisecond). 50 us is the kernel's
/// default timer slack, which `epoll_wait` adds to every timeout anyway.
/// A driver polled while awake fires what is due without it.
const COALESCE_NANOS: u64 = 50_000;

/// Ticks covered by the whole wheel (one rotation of the top level); entries
/// farther away than this share top-level slots with nearer ones.
const WHEEL_RANGE: u64 = 1 << (SLOT_BITS as usize * LEVELS);

/// The largest tick a timer may have: deadlines are nanoseconds since the
/// driver started in a `u64`, which saturates at about 584 years. Deadlines
/// beyond that (`Instant`s near the end of time) are filed here; the level
/// arithmetic (`deadline + WHEEL_RANGE`) has ample headroom above it.
pub(crate) const MAX_TICK: u64 = u64::MAX / NANOS_PER_TICK;

/// The timing wheel of one shard.
pub(super) struct Wheel {
    /// Ticks processed so far: every entry due at or before it has been moved
    /// to `pending` (or handed out).
    elapsed: u64,
    levels: Box<[Level; LEVELS]>,
    /// Due entries not yet handed out by `poll`.
    pending: EntryList,
}

// SAFETY: the wheel only holds pointers to entries that are `Send + Sync`
// (entry.rs) and is itself only used behind its shard's mutex.
unsafe impl Send for Wheel {}

impl Wheel {
    pub(super) fn new() -> Wheel {
        Wheel {
            elapsed: 0,
            levels: Box::new(std::array::from_fn(|level| Level::new(level as u32))),
            pending: EntryList::new(),
        }
    }

    /// The tick the wheel has been processed up to.
    #[cfg(all(test, not(loom)))]
    pub(super) fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// Files `entry` to fire at `nanos` (nanoseconds since the driver
    /// started), under the tick `nanos` rounds up to.
    ///
    /// Returns `Err(())` without linking the entry if that tick is not after
    /// `elapsed`: the deadline has passed, and the caller fires it at once.
    ///
    /// # Safety
    ///
    /// `entry` is live, pinned and in no list, the caller holds this wheel's
    /// lock, and the entry stays live until it is removed with
    /// [`remove`](Self::remove) or handed out by [`poll`](Self::poll) or
    /// [`drain`](Self::drain).
    pub(super) unsafe fn insert(
        &mut self,
        entry: NonNull<TimerEntry>,
        nanos: u64,
    ) -> Result<(), ()> {
        let nanos = nanos.min(MAX_TICK * NANOS_PER_TICK);
        let when = nanos.div_ceil(NANOS_PER_TICK);
        // SAFETY: the caller owns the unlinked entry's node.
        unsafe {
            with_node(entry, |n| {
                n.when = when;
                n.nanos = nanos;
            })
        };
        if when <= self.elapsed {
            return Err(());
        }
        let level = level_for(self.elapsed, when);
        // SAFETY: caller's contract; the slot's other entries are in this wheel.
        unsafe { self.levels[level].push(entry, when, nanos) };
        Ok(())
    }

    /// Unlinks `entry` from wherever it is in this wheel.
    ///
    /// # Safety
    ///
    /// `entry` is linked into this wheel and the caller holds its lock.
    pub(super) unsafe fn remove(&mut self, entry: NonNull<TimerEntry>) {
        // SAFETY: the entry is in this wheel, whose lock the caller holds.
        let location = unsafe { with_node(entry, |n| n.location) };
        match location {
            // SAFETY: the node says the entry is in that slot.
            Location::Slot { level, slot } => unsafe {
                self.levels[level as usize].remove(entry, slot as usize)
            },
            // SAFETY: the node says the entry is pending.
            Location::Pending => unsafe { self.pending.remove(entry) },
            Location::Nowhere => debug_assert!(false, "removing an entry that is in no list"),
        }
    }

    /// When (ns since the driver started) the wheel next has work: for the
    /// next level-0 slot, its first deadline (plus the coalescing window) if
    /// its entries are in deadline order, else its latest deadline (all of
    /// the slot is due then); or the start of the next slot to cascade; or
    /// now if entries are pending. `None` if the wheel is empty.
    pub(super) fn next_wake(&self) -> Option<u64> {
        if !self.pending.is_empty() {
            return Some(self.elapsed.saturating_mul(NANOS_PER_TICK));
        }
        self.next_slot().map(|e| self.wake_of(&e, COALESCE_NANOS))
    }

    /// The tick at which the wheel next has work (tests check the wheel's
    /// structure with it).
    #[cfg(test)]
    pub(super) fn next_expiration_tick(&self) -> Option<u64> {
        if !self.pending.is_empty() {
            return Some(self.elapsed);
        }
        self.next_slot().map(|e| e.deadline)
    }

    /// When `expiration` can be processed: a sorted level-0 slot (one tick)
    /// once its first deadline passed (or up to `coalesce` ns later, to
    /// take the entries due right after it along), another level-0 slot once
    /// its latest deadline passed, any other slot at its start.
    fn wake_of(&self, expiration: &Expiration, coalesce: u64) -> u64 {
        let start = expiration.deadline.saturating_mul(NANOS_PER_TICK);
        if expiration.level != 0 {
            return start;
        }
        let level = &self.levels[0];
        let due = match level.front(expiration.slot) {
            // SAFETY: linked into this wheel, whose lock the caller holds.
            Some(front) if level.is_sorted(expiration.slot) => unsafe {
                with_node(front, |n| n.nanos).saturating_add(coalesce)
            },
            _ => level.latest(expiration.slot),
        };
        due.min(level.latest(expiration.slot)).min(start)
    }

    /// The earliest slot to process; of equal starts, the higher level.
    fn next_slot(&self) -> Option<Expiration> {
        let mut best: Option<Expiration> = None;
        for level in self.levels.iter() {
            if let Some(e) = level.next_expiration(self.elapsed) {
                if best.is_none_or(|b| e.deadline <= b.deadline) {
                    best = Some(e);
                }
            }
        }
        best
    }

    /// Advances the wheel to `now` (ns since the driver started) and hands
    /// out the next due entry, unlinked (its node says `Nowhere`). `None` once
    /// nothing due at or before `now` is left; `elapsed` is then the last
    /// whole tick before `now` (it never goes backwards).
    ///
    /// A level-0 slot is processed as soon as `now` passes the latest exact
    /// deadline in it, even inside its tick: every entry in it is due, so a
    /// 1 ms sleep takes 1 ms, not up to 2. `elapsed` then stays below the
    /// slot's tick, so that a timer registered later for the rest of that
    /// tick is still filed, not fired early.
    ///
    /// The caller may stop early (to wake a batch with the lock released) and
    /// call again: entries already found due wait in the pending list.
    pub(super) fn poll(&mut self, now: u64) -> Option<NonNull<TimerEntry>> {
        let now_tick = now / NANOS_PER_TICK;
        loop {
            // SAFETY: every linked entry is live and the caller holds the lock
            // (the module invariant).
            if let Some(entry) = unsafe { self.pending.pop_front() } {
                return Some(entry);
            }
            match self.next_slot() {
                Some(expiration) if expiration.deadline <= now_tick => self.cascade(expiration),
                Some(expiration)
                    if expiration.level == 0 && self.wake_of(&expiration, 0) <= now =>
                {
                    self.fire_slot_early(expiration, now)
                }
                _ => {
                    self.elapsed = self.elapsed.max(now_tick);
                    return None;
                }
            }
        }
    }

    /// Before its tick is over, moves to `pending` the entries of a level-0
    /// slot whose deadlines passed by `now`: of a sorted slot, the front ones
    /// due by `now`; of another, all of them (its latest deadline passed).
    fn fire_slot_early(&mut self, expiration: Expiration, now: u64) {
        let level = &mut self.levels[0];
        if level.is_sorted(expiration.slot) {
            while let Some(front) = level.front(expiration.slot) {
                // SAFETY: linked into this wheel (module invariant).
                if unsafe { with_node(front, |n| n.nanos) } > now {
                    break;
                }
                // SAFETY: as above.
                let entry = unsafe { level.pop_front(expiration.slot) };
                if let Some(entry) = entry {
                    // SAFETY: as above; the entry is now in no list.
                    unsafe { self.pending.push_back(entry, Location::Pending) };
                }
            }
            return;
        }
        let mut entries = level.take_slot(expiration.slot);
        // SAFETY: the entries were linked into this wheel (module invariant).
        while let Some(entry) = unsafe { entries.pop_front() } {
            // SAFETY: as above; the entry is now in no list.
            unsafe { self.pending.push_back(entry, Location::Pending) };
        }
    }

    /// Moves `elapsed` to the start of the expiring slot and files its
    /// entries again: due ones to `pending`, the rest one or more levels down.
    fn cascade(&mut self, expiration: Expiration) {
        debug_assert!(expiration.deadline >= self.elapsed);
        self.elapsed = expiration.deadline;
        // The whole slot is taken first: a far top-level entry goes back into
        // the very slot being processed, and must not be seen twice.
        let mut entries = self.levels[expiration.level].take_slot(expiration.slot);
        // SAFETY: the entries were linked into this wheel (module invariant).
        while let Some(entry) = unsafe { entries.pop_front() } {
            // SAFETY: as above; the entry is now in no list.
            let (when, nanos) = unsafe { with_node(entry, |n| (n.when, n.nanos)) };
            if when <= self.elapsed {
                // SAFETY: as above.
                unsafe { self.pending.push_back(entry, Location::Pending) };
            } else {
                let level = level_for(self.elapsed, when);
                debug_assert!(level < expiration.level || level == LEVELS - 1);
                // SAFETY: as above.
                unsafe { self.levels[level].push(entry, when, nanos) };
            }
        }
    }

    /// Unlinks and returns any entry (shutdown fires them all), or `None`
    /// once the wheel is empty.
    pub(super) fn drain(&mut self) -> Option<NonNull<TimerEntry>> {
        loop {
            // SAFETY: module invariant.
            if let Some(entry) = unsafe { self.pending.pop_front() } {
                return Some(entry);
            }
            let mut list = self.levels.iter_mut().find_map(Level::take_any)?;
            // SAFETY: module invariant.
            while let Some(entry) = unsafe { list.pop_front() } {
                // SAFETY: module invariant; the entry is in no list now.
                unsafe { self.pending.push_back(entry, Location::Pending) };
            }
        }
    }
}

/// The level for an entry due at `when` while the wheel is at `elapsed`: the
/// highest base-64 digit in which they differ. Entries differing beyond the
/// top level's range go to the top level, which they will go around.
fn level_for(elapsed: u64, when: u64) -> usize {
    // The low digit is forced to differ so that `ilog2` is defined and an
    // entry due in the current tick's digit still lands on level 0.
    let masked = (elapsed ^ when) | ((1 << SLOT_BITS) - 1);
    if masked >= WHEEL_RANGE {
        return LEVELS - 1;
    }
    (masked.ilog2() / SLOT_BITS) as usize
}

impl fmt::Debug for Wheel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wheel")
            .field("elapsed", &self.elapsed)
            .field("next_wake", &self.next_wake())
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::pin::Pin;

    fn entry() -> Pin<Box<TimerEntry>> {
        Box::pin(TimerEntry::new())
    }

    fn ptr(e: &Pin<Box<TimerEntry>>) -> NonNull<TimerEntry> {
        NonNull::from(&**e)
    }

    /// Inserts with a deadline exactly on tick `when`.
    fn insert(wheel: &mut Wheel, e: &Pin<Box<TimerEntry>>, when: u64) -> Result<(), ()> {
        // SAFETY: the boxed entries outlive the wheel operations in each test
        // and are removed or polled out before being dropped.
        unsafe { wheel.insert(ptr(e), when.saturating_mul(NANOS_PER_TICK)) }
    }

    /// Polls everything due at the start of tick `now`.
    fn fire_all(wheel: &mut Wheel, now: u64) -> Vec<NonNull<TimerEntry>> {
        let now = now.saturating_mul(NANOS_PER_TICK);
        std::iter::from_fn(|| wheel.poll(now)).collect()
    }

    #[test]
    fn level_for_each_digit() {
        for when in 1..64 {
            assert_eq!(level_for(0, when), 0, "{when}");
        }
        for level in 1..LEVELS {
            let start = 1u64 << (SLOT_BITS as usize * level);
            assert_eq!(level_for(0, start), level);
            assert_eq!(level_for(0, start - 1), level - 1);
        }
        assert_eq!(level_for(0, WHEEL_RANGE), LEVELS - 1);
        assert_eq!(level_for(0, MAX_TICK), LEVELS - 1);
        assert_eq!(level_for(100, 101), 0);
        assert_eq!(level_for(63, 64), 1);
    }

    #[test]
    fn fires_at_its_tick_not_before() {
        let mut wheel = Wheel::new();
        let a = entry();
        insert(&mut wheel, &a, 10).unwrap();
        assert_eq!(wheel.next_expiration_tick(), Some(10));
        assert!(fire_all(&mut wheel, 9).is_empty());
        assert_eq!(wheel.elapsed(), 9);
        assert_eq!(fire_all(&mut wheel, 10), vec![ptr(&a)]);
        assert_eq!(wheel.next_expiration_tick(), None);
    }

    #[test]
    fn insert_at_or_before_elapsed_is_refused() {
        let mut wheel = Wheel::new();
        let a = entry();
        assert!(fire_all(&mut wheel, 50).is_empty());
        assert_eq!(insert(&mut wheel, &a, 50), Err(()));
        assert_eq!(insert(&mut wheel, &a, 3), Err(()));
        assert_eq!(wheel.next_expiration_tick(), None);
    }

    #[test]
    fn cascades_from_every_level() {
        for level in 1..LEVELS {
            let when = (1u64 << (SLOT_BITS as usize * level)) + 10;
            let mut wheel = Wheel::new();
            let a = entry();
            insert(&mut wheel, &a, when).unwrap();
            // The wheel wakes at the slot start, then at the entry's own tick.
            let slot_start = 1u64 << (SLOT_BITS as usize * level);
            assert_eq!(wheel.next_expiration_tick(), Some(slot_start));
            assert!(fire_all(&mut wheel, when - 1).is_empty());
            assert_eq!(wheel.next_expiration_tick(), Some(when));
            assert_eq!(fire_all(&mut wheel, when), vec![ptr(&a)]);
        }
    }

    #[test]
    fn beyond_the_top_level_goes_around() {
        let mut wheel = Wheel::new();
        let far = entry();
        let when = 3 * WHEEL_RANGE + 5;
        insert(&mut wheel, &far, when).unwrap();
        let mut wakes = 0;
        while let Some(next) = wheel.next_expiration_tick() {
            assert!(next <= when);
            let fired = fire_all(&mut wheel, next);
            wakes += 1;
            if !fired.is_empty() {
                assert_eq!(fired, vec![ptr(&far)]);
                assert_eq!(next, when);
                break;
            }
            assert!(wakes < 100, "the wheel does not make progress");
        }
        assert_eq!(wheel.next_expiration_tick(), None);
    }

    #[test]
    fn max_tick_saturates() {
        let mut wheel = Wheel::new();
        let a = entry();
        insert(&mut wheel, &a, u64::MAX).unwrap();
        assert!(wheel.next_wake().unwrap() <= MAX_TICK * NANOS_PER_TICK);
        assert!(wheel.next_expiration_tick().unwrap() <= MAX_TICK);
        assert_eq!(fire_all(&mut wheel, MAX_TICK), vec![ptr(&a)]);
        assert_eq!(wheel.elapsed(), MAX_TICK);
    }

    #[test]
    fn remove_leaves_nothing() {
        let mut wheel = Wheel::new();
        let entries: Vec<_> = (0..200).map(|_| entry()).collect();
        for (i, e) in entries.iter().enumerate() {
            insert(&mut wheel, e, 1 + (i as u64) * 997).unwrap();
        }
        for e in &entries {
            // SAFETY: each entry is in the wheel.
            unsafe { wheel.remove(ptr(e)) };
        }
        assert_eq!(wheel.next_expiration_tick(), None);
        assert!(fire_all(&mut wheel, MAX_TICK).is_empty());
    }

    #[test]
    fn remove_pending_entry() {
        let mut wheel = Wheel::new();
        let (a, b) = (entry(), entry());
        insert(&mut wheel, &a, 5).unwrap();
        insert(&mut wheel, &b, 5).unwrap();
        // Hand out `a`; `b` is left pending.
        assert_eq!(wheel.poll(5 * NANOS_PER_TICK), Some(ptr(&a)));
        // SAFETY: `b` is in the pending list.
        unsafe { wheel.remove(ptr(&b)) };
        assert_eq!(wheel.poll(5 * NANOS_PER_TICK), None);
        assert_eq!(wheel.next_expiration_tick(), None);
    }

    #[test]
    fn drain_hands_out_everything() {
        let mut wheel = Wheel::new();
        let entries: Vec<_> = (0..100).map(|_| entry()).collect();
        for (i, e) in entries.iter().enumerate() {
            insert(&mut wheel, e, 1 + (i as u64).pow(5)).unwrap();
        }
        let mut drained = std::iter::from_fn(|| wheel.drain()).collect::<Vec<_>>();
        drained.sort();
        let mut expected = entries.iter().map(ptr).collect::<Vec<_>>();
        expected.sort();
        assert_eq!(drained, expected);
        assert_eq!(wheel.next_expiration_tick(), None);
    }

    #[test]
    fn sorted_level_0_slot_fires_each_entry_at_its_deadline() {
        let mut wheel = Wheel::new();
        let (a, b, c) = (entry(), entry(), entry());
        // Tick 5 holds deadlines in (4 ms, 5 ms].
        // SAFETY: as in `insert`.
        unsafe {
            wheel.insert(ptr(&a), 4_200_000).unwrap();
            wheel.insert(ptr(&b), 4_700_000).unwrap();
        }
        // The driver sleeps until the first deadline plus the coalescing
        // window, but fires each entry as soon as it is due.
        assert_eq!(wheel.next_wake(), Some(4_200_000 + COALESCE_NANOS));
        assert_eq!(wheel.poll(4_199_999), None);
        assert_eq!(wheel.poll(4_200_000), Some(ptr(&a)));
        assert_eq!(wheel.poll(4_200_000), None);
        assert_eq!(wheel.next_wake(), Some(4_700_000));
        assert_eq!(wheel.poll(4_699_999), None);
        assert_eq!(wheel.poll(4_700_000), Some(ptr(&b)));
        assert_eq!(wheel.poll(4_700_000), None);
        // The tick is not over: a timer later in it is filed, not fired.
        assert_eq!(wheel.elapsed(), 4);
        // SAFETY: as in `insert`.
        unsafe { wheel.insert(ptr(&c), 4_900_000).unwrap() };
        assert_eq!(wheel.poll(4_800_000), None);
        assert_eq!(wheel.poll(4_900_000), Some(ptr(&c)));
    }

    #[test]
    fn unsorted_level_0_slot_fires_once_its_latest_deadline_passed() {
        let mut wheel = Wheel::new();
        let (a, b) = (entry(), entry());
        // SAFETY: as in `insert`.
        unsafe {
            wheel.insert(ptr(&b), 4_700_000).unwrap();
            wheel.insert(ptr(&a), 4_200_000).unwrap();
        }
        // Never before a deadline, never past the tick: all at the latest,
        // in the order they were filed.
        assert_eq!(wheel.next_wake(), Some(4_700_000));
        assert_eq!(wheel.poll(4_699_999), None);
        assert_eq!(wheel.poll(4_700_000), Some(ptr(&b)));
        assert_eq!(wheel.poll(4_700_000), Some(ptr(&a)));
        assert_eq!(wheel.poll(4_700_000), None);
    }

    #[test]
    fn cancelling_the_latest_entry_still_fires_within_the_tick() {
        let mut wheel = Wheel::new();
        let (a, b) = (entry(), entry());
        // SAFETY: as in `insert`.
        unsafe {
            wheel.insert(ptr(&b), 2_900_000).unwrap();
            wheel.insert(ptr(&a), 2_100_000).unwrap();
            wheel.remove(ptr(&b));
        }
        // Conservative: the unsorted slot still waits for 2.9 ms, never
        // past tick 3.
        assert_eq!(wheel.next_wake(), Some(2_900_000));
        assert_eq!(wheel.poll(2_900_000), Some(ptr(&a)));
    }

    #[test]
    fn cancelling_the_front_of_a_sorted_slot_moves_the_wake() {
        let mut wheel = Wheel::new();
        let (a, b) = (entry(), entry());
        // SAFETY: as in `insert`.
        unsafe {
            wheel.insert(ptr(&a), 2_100_000).unwrap();
            wheel.insert(ptr(&b), 2_600_000).unwrap();
            wheel.remove(ptr(&a));
        }
        assert_eq!(wheel.next_wake(), Some(2_600_000));
        assert_eq!(wheel.poll(2_599_999), None);
        assert_eq!(wheel.poll(2_600_000), Some(ptr(&b)));
    }

    mod model {
        use super::*;
        use proptest::prelude::*;

        #[derive(Clone, Debug)]
        enum Op {
            Insert { delay: u64 },
            Cancel { pick: usize },
            Advance { by: u64 },
        }

        /// Delays that hit every level, level boundaries and the wrap.
        fn delay() -> impl Strategy<Value = u64> {
            prop_oneof![
                0u64..130,
                0u64..5_000,
                (0usize..LEVELS, 0u64..4)
                    .prop_map(|(l, d)| ((1u64 << (6 * l)) + d).saturating_sub(2)),
                0u64..(1 << 40),
            ]
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                4 => delay().prop_map(|delay| Op::Insert { delay }),
                2 => any::<usize>().prop_map(|pick| Op::Cancel { pick }),
                3 => delay().prop_map(|by| Op::Advance { by }),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(300))]

            /// Exact (sub-millisecond) deadlines, filed in and out of order
            /// and at times the wheel has moved on: `poll(now)` never hands
            /// an entry out before its deadline, and has handed out every
            /// entry whose tick is over.
            #[test]
            fn exact_deadlines_fire_never_early_and_within_their_tick(
                batches in proptest::collection::vec(
                    (proptest::collection::vec(0u64..3_000_000, 0..12), 1u64..2_500_000),
                    1..30,
                ),
            ) {
                let mut wheel = Wheel::new();
                let mut now = 0u64;
                let mut entries: Vec<Pin<Box<TimerEntry>>> = Vec::new();
                // (exact deadline, id) of linked entries.
                let mut live: Vec<(u64, usize)> = Vec::new();
                for (delays, step) in batches {
                    for delay in delays {
                        let id = entries.len();
                        entries.push(entry());
                        let nanos = now + delay;
                        // SAFETY: boxed entries outlive the wheel's use of them.
                        if unsafe { wheel.insert(ptr(&entries[id]), nanos) }.is_ok() {
                            live.push((nanos, id));
                        } else {
                            prop_assert!(nanos.div_ceil(NANOS_PER_TICK) <= now / NANOS_PER_TICK);
                        }
                    }
                    if let (Some(wake), Some(min)) = (wheel.next_wake(), live.iter().map(|e| e.0).min()) {
                        // Never wakes after a tick with a due entry is over.
                        prop_assert!(wake <= min.div_ceil(NANOS_PER_TICK) * NANOS_PER_TICK);
                    }
                    now += step;
                    while let Some(p) = wheel.poll(now) {
                        let id = entries.iter().position(|e| ptr(e) == p).unwrap();
                        let at = live.iter().position(|e| e.1 == id).unwrap();
                        let (nanos, _) = live.remove(at);
                        prop_assert!(nanos <= now, "fired early: {} > {}", nanos, now);
                    }
                    for &(nanos, _) in &live {
                        prop_assert!(
                            nanos.div_ceil(NANOS_PER_TICK) > now / NANOS_PER_TICK,
                            "not fired after its tick: {} at {}", nanos, now
                        );
                    }
                }
                for (_, id) in live {
                    // SAFETY: still in the wheel.
                    unsafe { wheel.remove(ptr(&entries[id])) };
                }
            }

            /// Random insert / cancel / advance against a sorted list: the
            /// same entries fire, in (tick, insertion) order, and the next
            /// expiration never lies after the earliest live deadline.
            #[test]
            fn wheel_matches_model(ops in proptest::collection::vec(op(), 1..120)) {
                let mut wheel = Wheel::new();
                let mut now = 0u64;
                // Boxes stay allocated for the whole run: the wheel holds pointers.
                let mut entries: Vec<Pin<Box<TimerEntry>>> = Vec::new();
                // Model: (when, id) of live entries, in insertion order.
                let mut live: Vec<(u64, usize)> = Vec::new();
                for op in ops {
                    match op {
                        Op::Insert { delay } => {
                            let id = entries.len();
                            entries.push(entry());
                            let when = (now + delay).min(MAX_TICK);
                            let inserted = insert(&mut wheel, &entries[id], when);
                            prop_assert_eq!(inserted.is_ok(), when > now);
                            if inserted.is_ok() {
                                live.push((when, id));
                            }
                        }
                        Op::Cancel { pick } => {
                            if !live.is_empty() {
                                let (_, id) = live.remove(pick % live.len());
                                // SAFETY: the model says the entry is in the wheel.
                                unsafe { wheel.remove(ptr(&entries[id])) };
                            }
                        }
                        Op::Advance { by } => {
                            if let (Some(next), Some(min)) =
                                (wheel.next_expiration_tick(), live.iter().map(|e| e.0).min())
                            {
                                prop_assert!(next <= min, "next {} > earliest {}", next, min);
                            }
                            now = (now + by).min(MAX_TICK);
                            let fired: Vec<usize> = fire_all(&mut wheel, now)
                                .into_iter()
                                .map(|p| entries.iter().position(|e| ptr(e) == p).unwrap())
                                .collect();
                            let mut due: Vec<(u64, usize)> =
                                live.iter().copied().filter(|e| e.0 <= now).collect();
                            // Stable sort: equal ticks keep insertion order.
                            due.sort_by_key(|e| e.0);
                            live.retain(|e| e.0 > now);
                            let expected: Vec<usize> = due.into_iter().map(|e| e.1).collect();
                            prop_assert_eq!(fired, expected);
                        }
                    }
                }
                prop_assert_eq!(wheel.next_expiration_tick().is_none(), live.is_empty());
                for (_, id) in live {
                    // SAFETY: still in the wheel.
                    unsafe { wheel.remove(ptr(&entries[id])) };
                }
            }
        }
    }
}
