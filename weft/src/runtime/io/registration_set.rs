//! `RegistrationSet`: the slab of registered resources, indexed by mio token.
//!
//! A token packs the slot index (low `INDEX_BITS`) and the slot's generation
//! (the bits above). Releasing a slot bumps its generation, so an event that
//! the OS queued for the previous owner of a reused slot carries the old
//! generation and is dropped by `lookup` instead of waking the new owner.
//! (Deregistering an fd does not remove events already read from epoll, and a
//! closed fd's number is reused by the next `socket()` at once.)
//!
//! The set lives behind the driver's mutex; the driver takes it once per
//! batch of events, registrations take it once each.

use crate::loom::sync::Arc;
use crate::runtime::io::scheduled_io::ScheduledIo;
use std::io;

/// Bits of a token that hold the slot index: 16M registrations at once.
const INDEX_BITS: u32 = 24;
const INDEX_MASK: usize = (1 << INDEX_BITS) - 1;
/// Generations wrap below the top bit, which only the wake-up token uses.
const GENERATION_MASK: usize = (usize::MAX >> 1) >> INDEX_BITS;

/// The token of the driver's own `mio::Waker`; no slot can produce it.
pub(crate) const WAKE_TOKEN: mio::Token = mio::Token(1 << (usize::BITS - 1));

/// The token of the driver's timerfd (`precise_wake`); no slot produces it.
pub(crate) const PRECISE_WAKE_TOKEN: mio::Token = mio::Token((1 << (usize::BITS - 1)) | 2);

/// The token of the signal self-pipe (`signal::registry`); no slot produces it.
#[cfg(feature = "signal")]
pub(crate) const SIGNAL_TOKEN: mio::Token = mio::Token((1 << (usize::BITS - 1)) | 1);

#[derive(Debug, Default)]
pub(crate) struct RegistrationSet {
    slots: Vec<Slot>,
    /// Head of the free list of vacant slots.
    free: Option<usize>,
    /// Set once by `shutdown`; no registration is accepted afterwards.
    is_shutdown: bool,
    len: usize,
}

#[derive(Debug)]
struct Slot {
    generation: usize,
    state: SlotState,
}

#[derive(Debug)]
enum SlotState {
    Vacant { next_free: Option<usize> },
    Occupied(Arc<ScheduledIo>),
}

fn token(index: usize, generation: usize) -> mio::Token {
    mio::Token((generation << INDEX_BITS) | index)
}

impl RegistrationSet {
    /// A fresh `ScheduledIo` in a free slot, with its token.
    pub(crate) fn allocate(&mut self) -> io::Result<Arc<ScheduledIo>> {
        if self.is_shutdown {
            return Err(io::Error::other(crate::runtime::io::RUNTIME_SHUTTING_DOWN));
        }
        let index = match self.free {
            Some(index) => index,
            None => {
                if self.slots.len() > INDEX_MASK {
                    return Err(io::Error::other("reactor at max registered I/O resources"));
                }
                self.slots.push(Slot {
                    generation: 0,
                    state: SlotState::Vacant { next_free: None },
                });
                self.slots.len() - 1
            }
        };
        let slot = &mut self.slots[index];
        let SlotState::Vacant { next_free } = slot.state else {
            unreachable!("free list points at an occupied slot");
        };
        let io = Arc::new(ScheduledIo::new(token(index, slot.generation)));
        slot.state = SlotState::Occupied(io.clone());
        self.free = next_free;
        self.len += 1;
        Ok(io)
    }

    /// Frees the slot of `io` (no-op if it was already taken by `shutdown`).
    pub(crate) fn release(&mut self, io: &ScheduledIo) {
        let mio::Token(raw) = io.token();
        let (index, generation) = (raw & INDEX_MASK, raw >> INDEX_BITS);
        let Some(slot) = self.slots.get_mut(index) else {
            return;
        };
        if slot.generation != generation || !matches!(slot.state, SlotState::Occupied(_)) {
            return;
        }
        slot.generation = (slot.generation + 1) & GENERATION_MASK;
        slot.state = SlotState::Vacant {
            next_free: self.free,
        };
        self.free = Some(index);
        self.len -= 1;
    }

    /// The current owner of `token`'s slot, if the token is of its generation.
    pub(crate) fn lookup(&self, token: mio::Token) -> Option<&Arc<ScheduledIo>> {
        let (index, generation) = (token.0 & INDEX_MASK, token.0 >> INDEX_BITS);
        match self.slots.get(index) {
            Some(Slot {
                generation: g,
                state: SlotState::Occupied(io),
            }) if *g == generation => Some(io),
            _ => None,
        }
    }

    /// Refuses further registrations and hands back every live one, to be
    /// shut down outside the lock.
    pub(crate) fn shutdown(&mut self) -> Vec<Arc<ScheduledIo>> {
        self.is_shutdown = true;
        self.len = 0;
        self.free = None;
        std::mem::take(&mut self.slots)
            .into_iter()
            .filter_map(|slot| match slot.state {
                SlotState::Occupied(io) => Some(io),
                SlotState::Vacant { .. } => None,
            })
            .collect()
    }

    pub(crate) fn is_shutdown(&self) -> bool {
        self.is_shutdown
    }

    #[allow(dead_code)]
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn reused_slot_rejects_the_old_token() {
        let mut set = RegistrationSet::default();
        let first = set.allocate().unwrap();
        let old = first.token();
        set.release(&first);
        let second = set.allocate().unwrap();
        // Same slot, new generation.
        assert_eq!(old.0 & INDEX_MASK, second.token().0 & INDEX_MASK);
        assert_ne!(old, second.token());
        assert!(set.lookup(old).is_none());
        assert!(Arc::ptr_eq(set.lookup(second.token()).unwrap(), &second));
        // Releasing the stale owner again does not free the new one.
        set.release(&first);
        assert!(set.lookup(second.token()).is_some());
        assert_eq!(set.len(), 1);
    }

    #[test]
    fn wake_token_is_never_a_slot() {
        let mut set = RegistrationSet::default();
        let ios: Vec<_> = (0..100).map(|_| set.allocate().unwrap()).collect();
        assert!(set.lookup(WAKE_TOKEN).is_none());
        assert!(ios.iter().all(|io| io.token() != WAKE_TOKEN));
    }

    #[test]
    fn shutdown_refuses_new_registrations() {
        let mut set = RegistrationSet::default();
        let io = set.allocate().unwrap();
        let live = set.shutdown();
        assert_eq!(live.len(), 1);
        assert!(Arc::ptr_eq(&live[0], &io));
        assert!(set.allocate().is_err());
        set.release(&io); // after shutdown: harmless
        assert!(set.is_shutdown());
    }
}
