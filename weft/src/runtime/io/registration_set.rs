//! `RegistrationSet`: who owns each registered resource's `ScheduledIo`, and
//! when its memory may be freed.
//!
//! A resource's mio token is the address of its `ScheduledIo`, so the driver
//! turns an event into the resource with no lookup, no lock and no reference
//! count (see `driver`). That is sound only if the address stays valid, and
//! belongs to the same resource, for as long as an event carrying it can be
//! dispatched. The rules that make it so:
//!
//! 1. The set holds one `Arc` of every live registration (`slots`); that
//!    keeps the memory alive while the source is registered with the OS.
//! 2. Before a registration is released, its owner removes the source from
//!    the OS selector (`Registration::deregister`, which marks the
//!    `ScheduledIo` deregistered). After that, no `epoll_wait` that starts
//!    can return its token; only a batch already read by the driver can
//!    still hold it. (`epoll_ctl(DEL)` and the copy of events to user space
//!    exclude each other in the kernel, so a batch either has the event and
//!    was read before the removal returned, or does not have it.)
//! 3. `release` moves the set's `Arc` to `pending_release` instead of
//!    dropping it. The driver empties `pending_release` at the start of each
//!    turn, before it polls (`take_pending`): every batch that could hold the
//!    token was read, and dispatched, by an earlier turn. Only then is the
//!    memory freed, and only then can an allocation reuse the address: a
//!    stale event never reaches a new owner.
//! 4. A registration released without a successful deregistration (the
//!    removal failed, e.g. the fd was closed early while a duplicate keeps it
//!    registered) may keep producing events, so its `ScheduledIo` is kept
//!    until the driver shuts down (`unreleasable`), never freed earlier.
//! 5. Shutdown refuses new registrations, hands back the live ones (to be
//!    shut down: their waiters see an error) and frees the rest; a driver
//!    that has shut down never dispatches again.
//!
//! The set lives behind the driver handle's mutex, taken once per
//! registration and per release, never per event. `num_pending` mirrors
//! `pending_release.len()` so that a turn with nothing to free does not take
//! the lock; reading a stale zero only delays the freeing to a later turn,
//! which rule 3 allows.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use crate::loom::sync::Arc;
use crate::runtime::io::scheduled_io::ScheduledIo;
use std::io;

/// The token of the driver's own `mio::Waker`. No `ScheduledIo` can have it:
/// tokens are addresses of heap allocations aligned to at least 8 bytes
/// (asserted where a token is made), never 0 to 7.
pub(crate) const WAKE_TOKEN: mio::Token = mio::Token(0);

/// The token of the driver's timerfd (`precise_wake`); not an address either.
pub(crate) const PRECISE_WAKE_TOKEN: mio::Token = mio::Token(2);

/// The token of the signal self-pipe (`signal::registry`); not an address either.
#[cfg(feature = "signal")]
pub(crate) const SIGNAL_TOKEN: mio::Token = mio::Token(1);

/// How many released registrations may wait for the next turn before the
/// releaser wakes a parked driver to free them (a driver asleep with no I/O
/// would otherwise hold their memory indefinitely).
pub(crate) const RELEASE_BATCH: usize = 32;

#[derive(Debug, Default)]
pub(crate) struct RegistrationSet {
    /// Rule 1: the live registrations, at the index each one records.
    slots: Vec<Slot>,
    /// Head of the free list of vacant slots.
    free: Option<usize>,
    len: usize,
    /// Rule 3: released, freed by the driver's next turn.
    pending_release: Vec<Arc<ScheduledIo>>,
    /// Rule 4: released while maybe still registered with the OS.
    unreleasable: Vec<Arc<ScheduledIo>>,
    /// Rule 5: set once by `shutdown`.
    is_shutdown: bool,
}

#[derive(Debug)]
enum Slot {
    Vacant { next_free: Option<usize> },
    Occupied(Arc<ScheduledIo>),
}

impl RegistrationSet {
    /// A fresh `ScheduledIo` in a free slot (rule 1).
    pub(crate) fn allocate(&mut self) -> io::Result<Arc<ScheduledIo>> {
        if self.is_shutdown {
            return Err(io::Error::other(crate::runtime::io::RUNTIME_SHUTTING_DOWN));
        }
        let index = match self.free {
            Some(index) => index,
            None => {
                self.slots.push(Slot::Vacant { next_free: None });
                self.slots.len() - 1
            }
        };
        let io = Arc::new(ScheduledIo::new(index));
        let Slot::Vacant { next_free } =
            std::mem::replace(&mut self.slots[index], Slot::Occupied(io.clone()))
        else {
            unreachable!("free list points at an occupied slot");
        };
        self.free = next_free;
        self.len += 1;
        Ok(io)
    }

    /// Takes `io` out of the live set (rules 3 and 4); returns how many
    /// registrations now wait for the driver to free them. A no-op if `io`
    /// is not live (shutdown took it already).
    pub(crate) fn release(&mut self, io: &ScheduledIo, num_pending: &AtomicUsize) -> usize {
        let index = io.slot();
        let owned = match self.slots.get(index) {
            Some(Slot::Occupied(live)) => std::ptr::eq(&**live, io),
            _ => false,
        };
        if !owned {
            return self.pending_release.len();
        }
        let Slot::Occupied(io) = std::mem::replace(
            &mut self.slots[index],
            Slot::Vacant {
                next_free: self.free,
            },
        ) else {
            unreachable!("checked occupied above");
        };
        self.free = Some(index);
        self.len -= 1;
        if io.is_deregistered() {
            self.pending_release.push(io);
            num_pending.store(self.pending_release.len(), Relaxed);
        } else {
            self.unreleasable.push(io);
        }
        self.pending_release.len()
    }

    /// Rule 3: the registrations the driver may free now (drop them outside
    /// the lock: dropping a `ScheduledIo` wakes its remaining waiters).
    pub(crate) fn take_pending(&mut self, num_pending: &AtomicUsize) -> Vec<Arc<ScheduledIo>> {
        num_pending.store(0, Relaxed);
        std::mem::take(&mut self.pending_release)
    }

    /// Rule 5: refuses further registrations and hands back every live one
    /// (to be shut down) and every released one (to be freed), both to be
    /// handled outside the lock.
    pub(crate) fn shutdown(&mut self) -> (Vec<Arc<ScheduledIo>>, Vec<Arc<ScheduledIo>>) {
        self.is_shutdown = true;
        self.len = 0;
        self.free = None;
        let mut released = std::mem::take(&mut self.pending_release);
        released.append(&mut self.unreleasable);
        let live = std::mem::take(&mut self.slots)
            .into_iter()
            .filter_map(|slot| match slot {
                Slot::Occupied(io) => Some(io),
                Slot::Vacant { .. } => None,
            })
            .collect();
        (live, released)
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.is_shutdown
    }

    /// The number of live registrations.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn released_memory_waits_for_the_driver() {
        let pending = AtomicUsize::new(0);
        let mut set = RegistrationSet::default();
        let io = set.allocate().unwrap();
        io.mark_deregistered();
        assert_eq!(set.release(&io, &pending), 1);
        assert_eq!(pending.load(Relaxed), 1);
        // Our clone and the pending one: the address stays valid.
        assert_eq!(Arc::strong_count(&io), 2);
        // Releasing twice is harmless.
        assert_eq!(set.release(&io, &pending), 1);
        let freed = set.take_pending(&pending);
        assert_eq!(pending.load(Relaxed), 0);
        assert_eq!(freed.len(), 1);
        assert!(Arc::ptr_eq(&freed[0], &io));
        assert_eq!(set.len(), 0);
    }

    #[test]
    fn reused_slot_is_a_new_address_while_the_old_one_is_pending() {
        let pending = AtomicUsize::new(0);
        let mut set = RegistrationSet::default();
        let first = set.allocate().unwrap();
        let old = first.token();
        first.mark_deregistered();
        set.release(&first, &pending);
        drop(first);
        let second = set.allocate().unwrap();
        assert_eq!(second.slot(), 0, "slot reused");
        assert_ne!(second.token(), old, "the old allocation is still held");
        // A stale release of the old owner cannot free the new one.
        let pending_old = set.take_pending(&pending);
        assert_eq!(pending_old.len(), 1);
        set.release(&pending_old[0], &pending);
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn not_deregistered_is_never_freed_before_shutdown() {
        let pending = AtomicUsize::new(0);
        let mut set = RegistrationSet::default();
        let io = set.allocate().unwrap();
        assert_eq!(set.release(&io, &pending), 0);
        assert!(set.take_pending(&pending).is_empty());
        assert_eq!(Arc::strong_count(&io), 2, "kept by the set");
        let (live, released) = set.shutdown();
        assert!(live.is_empty());
        drop(released);
        assert_eq!(Arc::strong_count(&io), 1);
    }

    #[test]
    fn tokens_are_never_the_driver_tokens() {
        let mut set = RegistrationSet::default();
        let ios: Vec<_> = (0..100).map(|_| set.allocate().unwrap()).collect();
        assert!(ios.iter().all(|io| io.token() != WAKE_TOKEN));
        assert!(ios.iter().all(|io| io.token() != PRECISE_WAKE_TOKEN));
        #[cfg(feature = "signal")]
        assert!(ios.iter().all(|io| io.token() != SIGNAL_TOKEN));
    }

    #[test]
    fn shutdown_refuses_new_registrations() {
        let pending = AtomicUsize::new(0);
        let mut set = RegistrationSet::default();
        let io = set.allocate().unwrap();
        let (live, _) = set.shutdown();
        assert_eq!(live.len(), 1);
        assert!(Arc::ptr_eq(&live[0], &io));
        assert!(set.allocate().is_err());
        set.release(&io, &pending); // after shutdown: harmless
        assert!(set.is_shutdown());
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::io::Ready;
    use crate::loom::sync::Mutex;
    use crate::runtime::io::scheduled_io::Tick;

    /// An owner releasing a registration races with the driver, which holds
    /// a batch read before the release (it names the registration) and then
    /// starts its next turn. The dispatch finds the memory alive (the only
    /// other reference is the owner's, dropped right after the release), the
    /// next turn or the one after frees it exactly once, and the slot (not
    /// the memory) is reused by the next registration at once.
    #[test]
    fn release_vs_driver_turn() {
        loom::model(|| {
            let set = Arc::new(Mutex::new(RegistrationSet::default()));
            let num_pending = Arc::new(AtomicUsize::new(0));
            let io = set.lock().allocate().unwrap();
            let old_token = io.token();
            io.mark_deregistered();

            let owner = {
                let (set, num_pending) = (set.clone(), num_pending.clone());
                loom::thread::spawn(move || {
                    set.lock().release(&io, &num_pending);
                    drop(io);
                    set.lock().allocate().unwrap()
                })
            };

            // The driver dispatches the batch it read before the release.
            // SAFETY: rules 1 and 3: the set or `pending_release` holds the
            // allocation until a `take_pending` that comes after this.
            let io = unsafe { &*std::ptr::with_exposed_provenance::<ScheduledIo>(old_token.0) };
            io.set_readiness(Tick::Set, |r| r | Ready::READABLE);
            io.wake(Ready::READABLE);
            // Its next turn.
            let mut freed = 0;
            if num_pending.load(Relaxed) != 0 {
                freed += set.lock().take_pending(&num_pending).len();
            }

            let new = owner.join().unwrap();
            // A later turn frees whatever the first one did not see.
            freed += set.lock().take_pending(&num_pending).len();
            assert_eq!(freed, 1, "freed exactly once");
            assert_eq!(set.lock().len(), 1, "only the new registration is live");
            assert_eq!(
                new.slot(),
                0,
                "the slot is reused at once, the memory is not"
            );
        });
    }
}
