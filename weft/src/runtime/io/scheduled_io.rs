//! `ScheduledIo`: the readiness word and the waiters of one registered resource.
//!
//! The driver writes readiness into the word when the OS reports an event;
//! tasks read it, try their operation, and clear it when the operation says
//! `WouldBlock`. Readiness is edge-triggered (mio registers with `EPOLLET`),
//! so a cleared bit comes back only with the next event from the OS.
//!
//! ```text
//!  bit 31     bits 16..31        bits 0..16
//! | shutdown | tick (15 bits) | readiness (Ready) |
//! ```
//!
//! Protocol (the numbers are referred to in the code):
//! 1. The driver ORs an event's readiness into the word and increments the
//!    tick in one atomic update (`set_readiness(Tick::Set)`), then wakes the
//!    waiters the readiness satisfies.
//! 2. A task reads the word (`ready_event`/`poll_readiness`) and remembers the
//!    tick it saw in its `ReadyEvent`.
//! 3. If its operation then fails with `WouldBlock`, it clears the readiness it
//!    saw, but only if the tick is still the one it saw
//!    (`set_readiness(Tick::Clear)`): an event that arrived between 2 and 3
//!    incremented the tick, and clearing would lose it (a hang: edge-triggered
//!    events do not repeat). Closed bits are final and never cleared.
//! 4. A task that finds no readiness registers its waker under the waiters
//!    lock and reads the word again before returning `Pending`; the driver
//!    sets the word before taking that lock to wake, so one of the two sees
//!    the other.
//! 5. Shutdown sets the shutdown bit and wakes everyone; from then on every
//!    readiness query answers at once with `is_shutdown`, which callers turn
//!    into an error.
//!
//! Waiters: `AsyncRead`/`AsyncWrite` style polls (`poll_readiness`) keep one
//! waker per direction (only the last task to poll is woken, as in Tokio);
//! `readiness()` futures (`readable()`, `ready()`, `accept()`) each get a slot
//! in a small slab, so that any number of tasks can wait at once and all of
//! those whose interest is satisfied are woken.

use crate::io::{Interest, Ready};
use crate::loom::sync::atomic::Ordering::{AcqRel, Acquire, Relaxed};
use crate::loom::sync::atomic::{AtomicBool, AtomicUsize};
use crate::loom::sync::Mutex;
use crate::runtime::io::{Direction, ReadyEvent};
use crate::util::wake_list::WakeList;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

const READINESS_MASK: usize = (1 << 16) - 1;
const TICK_SHIFT: u32 = 16;
const TICK_MASK: usize = ((1 << 15) - 1) << TICK_SHIFT;
const SHUTDOWN: usize = 1 << 31;

/// How `set_readiness` treats the tick (protocol steps 1 and 3).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Tick {
    /// A new event: increment the tick.
    Set,
    /// Clear readiness seen at this tick; do nothing if the tick moved on.
    Clear(u16),
}

/// One registered resource's readiness and waiters.
#[derive(Debug)]
pub(crate) struct ScheduledIo {
    readiness: AtomicUsize,
    waiters: Mutex<Waiters>,
    /// Index of the `RegistrationSet` slot that owns this resource.
    slot: usize,
    /// Set once the source was removed from the OS selector: from then on no
    /// new event carries this resource's token (`registration_set`, rule 2).
    deregistered: AtomicBool,
}

#[derive(Debug, Default)]
struct Waiters {
    /// Waker of the last `poll_readiness(Direction::Read)` that returned `Pending`.
    reader: Option<Waker>,
    /// Same for `Direction::Write`.
    writer: Option<Waker>,
    /// `readiness()` futures; a slot is freed only by the future that owns it.
    slots: Vec<WaiterSlot>,
    /// Head of the free list threaded through `WaiterSlot::Vacant`.
    free: Option<usize>,
}

#[derive(Debug)]
enum WaiterSlot {
    Vacant {
        next_free: Option<usize>,
    },
    Waiting {
        waker: Waker,
        interest: Interest,
    },
    /// Woken by the driver; the owning future completes on its next poll.
    Notified,
}

fn unpack(word: usize) -> (Ready, u16, bool) {
    (
        Ready::from_usize(word & READINESS_MASK),
        ((word & TICK_MASK) >> TICK_SHIFT) as u16,
        word & SHUTDOWN != 0,
    )
}

impl ScheduledIo {
    pub(crate) fn new(slot: usize) -> ScheduledIo {
        ScheduledIo {
            readiness: AtomicUsize::new(0),
            waiters: Mutex::new(Waiters::default()),
            slot,
            deregistered: AtomicBool::new(false),
        }
    }

    /// The mio token this resource is registered under: its own address
    /// (see `registration_set` for why that address stays valid).
    pub(crate) fn token(&self) -> mio::Token {
        // Tokens 0 to 7 are the driver's own (`registration_set`): no
        // address of a `ScheduledIo` may be one of them.
        const _: () = assert!(std::mem::align_of::<ScheduledIo>() >= 8);
        mio::Token(std::ptr::from_ref(self).expose_provenance())
    }

    pub(crate) fn slot(&self) -> usize {
        self.slot
    }

    /// Records that the source no longer is in the OS selector. Written by
    /// the owner before it releases the registration, and read under the
    /// set's lock by that same release: `Relaxed` is enough.
    pub(crate) fn mark_deregistered(&self) {
        self.deregistered.store(true, Relaxed);
    }

    pub(crate) fn is_deregistered(&self) -> bool {
        self.deregistered.load(Relaxed)
    }

    /// Marks the resource ready without an event from the OS, for sockets
    /// whose state is known at creation (an accepted socket is writable and
    /// usually holds data already). A wrong guess costs one `WouldBlock`,
    /// which clears it (step 3). The tick is left alone.
    pub(crate) fn assume_ready(&self, ready: Ready) {
        let _ = self.readiness.fetch_update(AcqRel, Acquire, |curr| {
            (curr & SHUTDOWN == 0).then_some(curr | ready.as_usize())
        });
    }

    /// Step 1 (`Tick::Set`) or step 3 (`Tick::Clear`).
    pub(crate) fn set_readiness(&self, tick_op: Tick, f: impl Fn(Ready) -> Ready) {
        let _ = self.readiness.fetch_update(AcqRel, Acquire, |curr| {
            let (ready, tick, _) = unpack(curr);
            let new_tick = match tick_op {
                Tick::Clear(seen) if seen != tick => return None,
                Tick::Clear(seen) => seen,
                Tick::Set => (tick.wrapping_add(1)) & ((TICK_MASK >> TICK_SHIFT) as u16),
            };
            // The shutdown bit survives every update: a clear after shutdown
            // must not turn the next wait into a wait for an event that
            // will never come.
            Some(
                (curr & SHUTDOWN)
                    | ((new_tick as usize) << TICK_SHIFT)
                    | (f(ready).as_usize() & READINESS_MASK),
            )
        });
    }

    /// Step 5: permanently shut down; every waiter is woken.
    pub(crate) fn shutdown(&self) {
        self.readiness.fetch_or(SHUTDOWN, AcqRel);
        self.wake(Ready::ALL);
    }

    /// Wakes the waiters that `ready` satisfies (step 1, second half).
    pub(crate) fn wake(&self, ready: Ready) {
        let mut waiters = self.waiters.lock();
        // A resource only ever read and written through `AsyncRead` and
        // `AsyncWrite` (most sockets) never had a `readiness()` waiter: wake
        // its two poll wakers directly, without a wake list.
        if waiters.slots.is_empty() {
            let reader = ready.is_readable().then(|| waiters.reader.take());
            let writer = ready.is_writable().then(|| waiters.writer.take());
            drop(waiters);
            if let Some(waker) = reader.flatten() {
                waker.wake();
            }
            if let Some(waker) = writer.flatten() {
                waker.wake();
            }
            return;
        }
        let mut wakers = WakeList::new();
        if ready.is_readable() {
            if let Some(waker) = waiters.reader.take() {
                wakers.push(waker);
            }
        }
        if ready.is_writable() {
            if let Some(waker) = waiters.writer.take() {
                wakers.push(waker);
            }
        }
        let mut index = 0;
        while index < waiters.slots.len() {
            if !wakers.can_push() {
                // Never hold the lock while waking; resume where we stopped.
                drop(waiters);
                wakers.wake_all();
                waiters = self.waiters.lock();
                continue;
            }
            let slot = &mut waiters.slots[index];
            if let WaiterSlot::Waiting { interest, .. } = slot {
                if ready.satisfies(*interest) {
                    if let WaiterSlot::Waiting { waker, .. } =
                        std::mem::replace(slot, WaiterSlot::Notified)
                    {
                        wakers.push(waker);
                    }
                }
            }
            index += 1;
        }
        drop(waiters);
        wakers.wake_all();
    }

    /// The readiness relevant to `interest` right now, with its tick.
    #[inline]
    pub(crate) fn ready_event(&self, interest: Interest) -> ReadyEvent {
        let (ready, tick, is_shutdown) = unpack(self.readiness.load(Acquire));
        ReadyEvent {
            tick,
            ready: ready.intersection(interest),
            is_shutdown,
        }
    }

    /// Poll-style readiness for one direction (steps 2 and 4); the waker goes
    /// into the direction's single slot.
    ///
    /// The ready case, one load, is inlined into every read and write; the
    /// waiting case is kept out of line so that it does not make the callers
    /// save and restore registers they need only when they wait.
    #[inline]
    pub(crate) fn poll_readiness(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<ReadyEvent> {
        let event = self.ready_event(direction.interest());
        if !event.ready.is_empty() || event.is_shutdown {
            return Poll::Ready(event);
        }
        self.register_and_recheck(cx, direction)
    }

    /// Step 4 of `poll_readiness`: store the waker, then look again.
    #[inline(never)]
    fn register_and_recheck(&self, cx: &mut Context<'_>, direction: Direction) -> Poll<ReadyEvent> {
        let interest = direction.interest();
        let mut waiters = self.waiters.lock();
        let slot = match direction {
            Direction::Read => &mut waiters.reader,
            Direction::Write => &mut waiters.writer,
        };
        match slot {
            Some(waker) => waker.clone_from(cx.waker()),
            None => *slot = Some(cx.waker().clone()),
        }
        // Step 4: look again now that the waker is where the driver looks.
        let event = self.ready_event(interest);
        if event.is_shutdown {
            Poll::Ready(ReadyEvent {
                ready: Ready::from_interest(interest),
                ..event
            })
        } else if event.ready.is_empty() {
            Poll::Pending
        } else {
            Poll::Ready(event)
        }
    }

    /// Step 3: consumes the readiness `event` saw, except closed bits.
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        let keep_closed = event.ready - Ready::READ_CLOSED - Ready::WRITE_CLOSED;
        self.set_readiness(Tick::Clear(event.tick), |curr| curr - keep_closed);
    }

    /// Drops the stored poll wakers: they may hold the last reference to a
    /// task that owns the resource, a cycle that would otherwise leak.
    pub(crate) fn clear_wakers(&self) {
        let mut waiters = self.waiters.lock();
        waiters.reader = None;
        waiters.writer = None;
    }

    /// Waits until the resource is ready for `interest` (or shut down).
    pub(crate) fn readiness(&self, interest: Interest) -> Readiness<'_> {
        Readiness {
            io: self,
            interest,
            state: State::Init,
        }
    }
}

impl Drop for ScheduledIo {
    fn drop(&mut self) {
        self.wake(Ready::ALL);
    }
}

/// Future returned by [`ScheduledIo::readiness`].
#[derive(Debug)]
pub(crate) struct Readiness<'a> {
    io: &'a ScheduledIo,
    interest: Interest,
    state: State,
}

#[derive(Debug)]
enum State {
    Init,
    /// Owns slot `key` in the waiter slab.
    Waiting(usize),
    Done,
}

impl Readiness<'_> {
    fn event_now(&self) -> ReadyEvent {
        self.io.ready_event(self.interest)
    }
}

impl Future for Readiness<'_> {
    type Output = ReadyEvent;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<ReadyEvent> {
        match self.state {
            State::Init => {
                let event = self.event_now();
                if !event.ready.is_empty() || event.is_shutdown {
                    self.state = State::Done;
                    return Poll::Ready(event);
                }
                let mut waiters = self.io.waiters.lock();
                // Step 4: re-check under the lock the driver wakes under.
                let event = self.event_now();
                if !event.ready.is_empty() || event.is_shutdown {
                    drop(waiters);
                    self.state = State::Done;
                    return Poll::Ready(event);
                }
                let entry = WaiterSlot::Waiting {
                    waker: cx.waker().clone(),
                    interest: self.interest,
                };
                let key = match waiters.free {
                    Some(key) => {
                        let WaiterSlot::Vacant { next_free } =
                            std::mem::replace(&mut waiters.slots[key], entry)
                        else {
                            unreachable!("free list points at an occupied waiter slot");
                        };
                        waiters.free = next_free;
                        key
                    }
                    None => {
                        waiters.slots.push(entry);
                        waiters.slots.len() - 1
                    }
                };
                drop(waiters);
                self.state = State::Waiting(key);
                Poll::Pending
            }
            State::Waiting(key) => {
                let mut waiters = self.io.waiters.lock();
                match &mut waiters.slots[key] {
                    WaiterSlot::Waiting { waker, .. } => {
                        waker.clone_from(cx.waker());
                        Poll::Pending
                    }
                    WaiterSlot::Notified => {
                        release_slot(&mut waiters, key);
                        drop(waiters);
                        self.state = State::Done;
                        // The readiness may have been cleared meanwhile by
                        // another task; an empty set is allowed (the caller
                        // tries its operation and waits again).
                        Poll::Ready(self.event_now())
                    }
                    WaiterSlot::Vacant { .. } => unreachable!("waiter slot freed while owned"),
                }
            }
            State::Done => Poll::Ready(self.event_now()),
        }
    }
}

impl Drop for Readiness<'_> {
    fn drop(&mut self) {
        if let State::Waiting(key) = self.state {
            let mut waiters = self.io.waiters.lock();
            release_slot(&mut waiters, key);
        }
    }
}

fn release_slot(waiters: &mut Waiters, key: usize) {
    waiters.slots[key] = WaiterSlot::Vacant {
        next_free: waiters.free,
    };
    waiters.free = Some(key);
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize as StdAtomic, Ordering};
    use std::sync::Arc as StdArc;
    use std::task::Wake;

    struct CountWake(StdAtomic);
    impl Wake for CountWake {
        fn wake(self: StdArc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }

    fn counter() -> (StdArc<CountWake>, Waker) {
        let c = StdArc::new(CountWake(StdAtomic::new(0)));
        (c.clone(), Waker::from(c))
    }

    #[test]
    fn clear_with_stale_tick_keeps_new_readiness() {
        let io = ScheduledIo::new(0);
        io.set_readiness(Tick::Set, |r| r | Ready::READABLE);
        let seen = io.ready_event(Interest::READABLE);
        // A new event arrives before the task's WouldBlock is processed.
        io.set_readiness(Tick::Set, |r| r | Ready::READABLE);
        io.clear_readiness(seen);
        assert!(io.ready_event(Interest::READABLE).ready.is_readable());
        // Cleared with the current tick, it goes away.
        io.clear_readiness(io.ready_event(Interest::READABLE));
        assert!(io.ready_event(Interest::READABLE).ready.is_empty());
    }

    #[test]
    fn stale_tick_after_wraparound_is_still_stale() {
        let io = ScheduledIo::new(0);
        io.set_readiness(Tick::Set, |r| r | Ready::READABLE);
        let seen = io.ready_event(Interest::READABLE);
        for _ in 0..=u8::MAX {
            io.set_readiness(Tick::Set, |r| r | Ready::READABLE);
        }
        io.clear_readiness(seen);
        assert!(io.ready_event(Interest::READABLE).ready.is_readable());
    }

    #[test]
    fn closed_bits_survive_clear() {
        let io = ScheduledIo::new(0);
        io.set_readiness(Tick::Set, |r| r | Ready::READABLE | Ready::READ_CLOSED);
        io.clear_readiness(io.ready_event(Interest::READABLE));
        let ev = io.ready_event(Interest::READABLE);
        assert!(ev.ready.is_read_closed());
        assert!(!ev.ready.contains(Ready::READABLE));
    }

    #[test]
    fn poll_readiness_wakes_only_its_direction() {
        let io = ScheduledIo::new(0);
        let (reads, rw) = counter();
        let (writes, ww) = counter();
        assert!(io
            .poll_readiness(&mut Context::from_waker(&rw), Direction::Read)
            .is_pending());
        assert!(io
            .poll_readiness(&mut Context::from_waker(&ww), Direction::Write)
            .is_pending());
        io.set_readiness(Tick::Set, |r| r | Ready::WRITABLE);
        io.wake(Ready::WRITABLE);
        assert_eq!(reads.0.load(Ordering::SeqCst), 0);
        assert_eq!(writes.0.load(Ordering::SeqCst), 1);
        match io.poll_readiness(&mut Context::from_waker(&ww), Direction::Write) {
            Poll::Ready(ev) => assert!(ev.ready.is_writable()),
            Poll::Pending => panic!("writable readiness was set"),
        }
    }

    #[test]
    fn many_readiness_futures_are_all_woken() {
        let io = ScheduledIo::new(0);
        let (count, waker) = counter();
        let mut cx = Context::from_waker(&waker);
        let mut futs: Vec<_> = (0..40)
            .map(|_| Box::pin(io.readiness(Interest::READABLE)))
            .collect();
        for f in &mut futs {
            assert!(f.as_mut().poll(&mut cx).is_pending());
        }
        // Dropping one waiter frees its slot without disturbing the others.
        futs.remove(3);
        io.set_readiness(Tick::Set, |r| r | Ready::READABLE);
        io.wake(Ready::READABLE);
        assert_eq!(count.0.load(Ordering::SeqCst), 39);
        for f in &mut futs {
            match f.as_mut().poll(&mut cx) {
                Poll::Ready(ev) => assert!(ev.ready.is_readable()),
                Poll::Pending => panic!("woken waiter not ready"),
            }
        }
    }

    #[test]
    fn shutdown_answers_every_wait() {
        let io = ScheduledIo::new(0);
        let (count, waker) = counter();
        let mut cx = Context::from_waker(&waker);
        let mut fut = Box::pin(io.readiness(Interest::WRITABLE));
        assert!(fut.as_mut().poll(&mut cx).is_pending());
        io.shutdown();
        assert_eq!(count.0.load(Ordering::SeqCst), 1);
        match fut.as_mut().poll(&mut cx) {
            Poll::Ready(ev) => assert!(ev.is_shutdown),
            Poll::Pending => panic!("shutdown did not complete the wait"),
        }
        // A clear after shutdown keeps the shutdown bit.
        io.clear_readiness(io.ready_event(Interest::WRITABLE));
        match io.poll_readiness(&mut cx, Direction::Read) {
            Poll::Ready(ev) => assert!(ev.is_shutdown),
            Poll::Pending => panic!("shutdown lost by a clear"),
        }
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::sync::Arc;

    /// The driver setting readiness and waking races with a task registering
    /// its waker (step 4): the task always ends up ready.
    #[test]
    fn event_vs_poll_readiness() {
        loom::model(|| {
            let io = Arc::new(ScheduledIo::new(0));
            let driver = io.clone();
            let t = loom::thread::spawn(move || {
                driver.set_readiness(Tick::Set, |r| r | Ready::READABLE);
                driver.wake(Ready::READABLE);
            });
            let ev = loom::future::block_on(std::future::poll_fn(|cx| {
                io.poll_readiness(cx, Direction::Read)
            }));
            assert!(ev.ready.is_readable());
            t.join().unwrap();
        });
    }

    /// Shutdown racing with a `readiness()` future never leaves it waiting.
    #[test]
    fn shutdown_vs_readiness_future() {
        loom::model(|| {
            let io = Arc::new(ScheduledIo::new(0));
            let other = io.clone();
            let t = loom::thread::spawn(move || other.shutdown());
            let ev = loom::future::block_on(io.readiness(Interest::READABLE));
            assert!(ev.is_shutdown);
            t.join().unwrap();
        });
    }
}
