//! The I/O driver: `mio::Poll`, its wake-up, and event dispatch.
//!
//! `Driver` is the sleeping side, owned by the driver stack (`IoStack`); the
//! one thread that holds it sleeps in `epoll_wait`. `Handle` is shared with
//! every registration and every thread: it registers sources and wakes the
//! sleeper through a `mio::Waker` (an eventfd on Linux).
//!
//! Waking only a thread that sleeps (the wake costs a syscall, about 200 ns,
//! and a thread that is awake will poll anyway). The park state word:
//! 1. `park` with a timeout other than zero swaps `EMPTY -> PARKED` before
//!    polling; if it finds `NOTIFIED` it consumes it and polls without
//!    sleeping instead.
//! 2. `unpark` swaps the word to `NOTIFIED`; only when it replaced `PARKED`
//!    does it write to the eventfd. The eventfd is registered edge-triggered,
//!    so a write that lands after step 1 and before the thread enters
//!    `epoll_wait` still ends that wait.
//! 3. After polling, the parker swaps the word back to `EMPTY` (a notification
//!    that arrived meanwhile is consumed: the caller looks for work next).

use crate::loom::sync::atomic::{
    AtomicUsize,
    Ordering::{Relaxed, SeqCst},
};
use crate::loom::sync::{Arc, Mutex};
use crate::runtime::io::precise_wake::PreciseWake;
use crate::runtime::io::registration_set::{
    RegistrationSet, PRECISE_WAKE_TOKEN, RELEASE_BATCH, WAKE_TOKEN,
};
use crate::runtime::io::scheduled_io::{ScheduledIo, Tick};
use std::fmt;
use std::io;
use std::time::Duration;

const EMPTY: usize = 0;
const PARKED: usize = 1;
const NOTIFIED: usize = 2;

/// The park state word of the module doc (steps 1 to 3).
#[derive(Debug)]
struct ParkState(AtomicUsize);

impl ParkState {
    fn new() -> ParkState {
        ParkState(AtomicUsize::new(EMPTY))
    }

    /// Step 1: `true` if the parker may sleep (no notification is pending).
    fn begin_sleep(&self) -> bool {
        self.0
            .compare_exchange(EMPTY, PARKED, SeqCst, SeqCst)
            .is_ok()
    }

    /// Step 3: back to awake; consumes any notification.
    fn end(&self) {
        self.0.store(EMPTY, SeqCst);
    }

    /// Step 2: `true` if a sleeper must be signalled.
    fn notify(&self) -> bool {
        self.0.swap(NOTIFIED, SeqCst) == PARKED
    }
}

/// The sleeping side of the I/O driver.
pub(crate) struct Driver {
    poll: mio::Poll,
    /// Events read per `epoll_wait` (the capacity is epoll's `maxevents`);
    /// more wait in the kernel for the next turn.
    events: mio::Events,
    /// A smaller buffer for polls that must not sleep, when configured
    /// (`Builder::max_io_events_per_busy_tick`).
    busy_events: Option<mio::Events>,
    handle: Arc<Handle>,
    is_shutdown: bool,
    /// Ends a sleep with a sub-millisecond remainder on time.
    precise_wake: PreciseWake,
    /// This driver's end of the signal self-pipe, under `SIGNAL_TOKEN`.
    #[cfg(feature = "signal")]
    signal: crate::signal::registry::DriverLink,
}

/// The shared side: registers sources and wakes the driver.
pub(crate) struct Handle {
    registry: mio::Registry,
    waker: mio::Waker,
    registrations: Mutex<RegistrationSet>,
    /// The number of registrations, readable without the lock: a poll that
    /// may not sleep skips `epoll_wait` when nothing is registered.
    num_sources: AtomicUsize,
    /// Released registrations waiting to be freed by the next turn
    /// (`registration_set`, rule 3), readable without the lock.
    num_pending: AtomicUsize,
    park_state: ParkState,
}

impl Driver {
    pub(crate) fn new(nevents: usize, nevents_busy: usize) -> io::Result<(Driver, Arc<Handle>)> {
        let poll = mio::Poll::new()?;
        let waker = mio::Waker::new(poll.registry(), WAKE_TOKEN)?;
        let registry = poll.registry().try_clone()?;
        #[cfg(feature = "signal")]
        let signal = crate::signal::registry::DriverLink::register(
            poll.registry(),
            super::registration_set::SIGNAL_TOKEN,
        )?;
        let handle = Arc::new(Handle {
            registry,
            waker,
            registrations: Mutex::new(RegistrationSet::default()),
            num_sources: AtomicUsize::new(0),
            num_pending: AtomicUsize::new(0),
            park_state: ParkState::new(),
        });
        let driver = Driver {
            poll,
            events: mio::Events::with_capacity(nevents),
            busy_events: (nevents_busy < nevents).then(|| mio::Events::with_capacity(nevents_busy)),
            handle: handle.clone(),
            is_shutdown: false,
            precise_wake: PreciseWake::new(),
            #[cfg(feature = "signal")]
            signal,
        };
        Ok((driver, handle))
    }

    /// Sleeps until an I/O event or an unpark.
    pub(crate) fn park(&mut self) {
        self.turn(None);
    }

    /// Like `park`, for at most `duration`; zero polls without sleeping.
    pub(crate) fn park_timeout(&mut self, duration: Duration) {
        self.turn(Some(duration));
    }

    /// Shuts every registration down: their waiters wake and see an error.
    pub(crate) fn shutdown(&mut self) {
        if self.is_shutdown {
            return;
        }
        self.is_shutdown = true;
        let (live, released) = self.handle.registrations.lock().shutdown();
        // Outside the lock: waking (or dropping) a waiter may drop a task
        // that owns a registration, whose release takes the lock.
        drop(released);
        for io in live {
            io.shutdown();
        }
    }

    fn turn(&mut self, timeout: Option<Duration>) {
        if self.is_shutdown {
            return;
        }
        // `registration_set` rule 3: every batch that could still name a
        // released registration was dispatched by an earlier turn, so its
        // memory can go now, before this turn polls. (The guard is dropped
        // at the end of the statement; the `ScheduledIo`s after it.)
        if self.handle.num_pending.load(Relaxed) != 0 {
            let freed = self
                .handle
                .registrations
                .lock()
                .take_pending(&self.handle.num_pending);
            drop(freed);
        }
        let sleeps = timeout != Some(Duration::ZERO);
        // A poll that may not sleep (a yield round, the event interval) can
        // find nothing when no resource is registered: the eventfd only
        // matters to a sleeper, and a signal handler's byte stays queued in
        // epoll for the next real poll. That saves a system call per yield
        // round on runtimes that use timers and tasks but no I/O.
        if !sleeps && self.handle.num_sources.load(Relaxed) == 0 && !signals_in_use() {
            return;
        }
        let mut timeout = timeout;
        let state = &self.handle.park_state;
        // Step 1.
        if sleeps && !state.begin_sleep() {
            timeout = Some(Duration::ZERO);
        }
        // epoll counts in whole milliseconds: a timeout with a remainder is
        // rounded up, and a timerfd ends the wait on time (`precise_wake`).
        let timeout = timeout.map(|t| {
            if t.is_zero() {
                return t;
            }
            self.precise_wake
                .epoll_timeout(self.poll.registry(), PRECISE_WAKE_TOKEN, t)
        });
        let events = match &mut self.busy_events {
            Some(busy) if timeout == Some(Duration::ZERO) => busy,
            _ => &mut self.events,
        };
        match self.poll.poll(events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => panic!("unexpected error when polling the I/O driver: {e:?}"),
        }
        // Step 3.
        state.end();

        if events.is_empty() {
            return;
        }
        #[cfg(feature = "signal")]
        let mut signal_ready = false;
        for event in events.iter() {
            let token = event.token();
            if token == WAKE_TOKEN || token == PRECISE_WAKE_TOKEN {
                continue;
            }
            #[cfg(feature = "signal")]
            if token == super::registration_set::SIGNAL_TOKEN {
                signal_ready = true;
                continue;
            }
            let ready = super::ready_from_mio(event);
            // SAFETY: every other token is the address of a `ScheduledIo`
            // (`ScheduledIo::token`), and `registration_set` rules 1 to 4
            // keep that allocation alive, owned by the same resource, until
            // a turn after this one begins: it is live while we dispatch.
            let io = unsafe { &*std::ptr::with_exposed_provenance::<ScheduledIo>(token.0) };
            io.set_readiness(Tick::Set, |curr| curr | ready);
            io.wake(ready);
        }
        // A signal handler wrote to the self-pipe: drain it and wake the
        // listeners (outside the registrations lock, like any wake).
        #[cfg(feature = "signal")]
        if signal_ready {
            self.signal.process();
        }
    }
}

impl Handle {
    /// Step 2: wakes the thread sleeping in the driver, if one is.
    pub(crate) fn unpark(&self) {
        if self.park_state.notify() {
            // An error here means the eventfd is gone with the runtime;
            // nobody is left to wake.
            let _ = self.waker.wake();
        }
    }

    /// Registers `source` for `interest`; its events reach the returned
    /// `ScheduledIo`.
    pub(crate) fn add_source(
        &self,
        source: &mut impl mio::event::Source,
        interest: mio::Interest,
    ) -> io::Result<Arc<ScheduledIo>> {
        let io = {
            let mut set = self.registrations.lock();
            let io = set.allocate()?;
            self.num_sources.store(set.len(), Relaxed);
            io
        };
        if let Err(e) = self.registry.register(source, io.token(), interest) {
            // Never registered: nothing to remove from the selector.
            io.mark_deregistered();
            self.release(&io);
            return Err(e);
        }
        Ok(io)
    }

    /// Removes `source`, registered as `io`, from the OS selector; no event
    /// for it is read after this returns. The slot itself is released by
    /// `release` when the registration is dropped.
    pub(crate) fn deregister_source(
        &self,
        io: &ScheduledIo,
        source: &mut impl mio::event::Source,
    ) -> io::Result<()> {
        self.registry.deregister(source)?;
        io.mark_deregistered();
        Ok(())
    }

    /// Takes `io` out of the set; its memory is freed by a later driver turn
    /// (`registration_set`, rule 3).
    pub(crate) fn release(&self, io: &ScheduledIo) {
        let pending = {
            let mut set = self.registrations.lock();
            let pending = set.release(io, &self.num_pending);
            self.num_sources.store(set.len(), Relaxed);
            pending
        };
        // A driver asleep with no I/O to wake it would hold the memory of
        // every released registration: wake it now and then to free them.
        if pending == RELEASE_BATCH {
            self.unpark();
        }
    }

    /// Whether the driver has shut down (no registration is accepted).
    pub(crate) fn is_shutdown(&self) -> bool {
        self.registrations.lock().is_shutdown()
    }
}

/// Whether a signal listener may be waiting for this driver to drain the
/// signal pipe (any handler was installed in this process).
fn signals_in_use() -> bool {
    #[cfg(feature = "signal")]
    return crate::signal::registry::any_installed();
    #[cfg(not(feature = "signal"))]
    false
}

impl fmt::Debug for Driver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("io::Driver").finish_non_exhaustive()
    }
}

impl fmt::Debug for Handle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("io::Handle").finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::io::Write;
    use std::time::Instant;

    #[test]
    fn unpark_signals_only_a_sleeper() {
        let state = ParkState::new();
        assert!(!state.notify(), "nobody sleeps: no eventfd write");
        assert!(
            !state.begin_sleep(),
            "a pending notification prevents sleeping"
        );
        state.end();
        assert!(state.begin_sleep());
        assert!(state.notify(), "a sleeper is signalled");
        state.end();
    }

    #[test]
    fn unpark_before_park_returns_at_once() {
        let (mut driver, handle) = Driver::new(1024, 1024).unwrap();
        handle.unpark();
        let start = Instant::now();
        driver.park_timeout(Duration::from_secs(10));
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn unpark_from_another_thread_ends_park() {
        let (mut driver, handle) = Driver::new(1024, 1024).unwrap();
        let t = std::thread::spawn(move || {
            // Retry until the driver is asleep: an unpark before the park
            // would also work, but this exercises the eventfd path.
            while handle.park_state.0.load(SeqCst) != PARKED {
                std::thread::yield_now();
            }
            handle.unpark();
        });
        driver.park();
        t.join().unwrap();
    }

    #[test]
    fn released_registrations_are_freed_by_the_next_turn() {
        let (mut driver, handle) = Driver::new(1024, 1024).unwrap();
        let mut sockets = Vec::new();
        let mut ios = Vec::new();
        for _ in 0..RELEASE_BATCH {
            let (mut a, b) = mio::net::UnixStream::pair().unwrap();
            ios.push(handle.add_source(&mut a, mio::Interest::READABLE).unwrap());
            sockets.push((a, b));
        }
        for (io, (a, _)) in ios.iter().zip(&mut sockets) {
            handle.deregister_source(io, a).unwrap();
            handle.release(io);
        }
        // The set keeps each one alive (pending) besides our handle on it.
        assert!(ios.iter().all(|io| Arc::strong_count(io) == 2));
        // The batch is full: the releaser woke the driver, so this turn
        // returns at once, and frees them before polling.
        let start = Instant::now();
        driver.park_timeout(Duration::from_secs(10));
        assert!(start.elapsed() < Duration::from_secs(5));
        assert!(ios.iter().all(|io| Arc::strong_count(io) == 1));
    }

    #[test]
    fn readiness_event_reaches_scheduled_io() {
        let (mut driver, handle) = Driver::new(1024, 1024).unwrap();
        let (mut a, mut b) = mio::net::UnixStream::pair().unwrap();
        let io = handle
            .add_source(&mut a, mio::Interest::READABLE | mio::Interest::WRITABLE)
            .unwrap();
        b.write_all(b"x").unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while !io
            .ready_event(crate::io::Interest::READABLE)
            .ready
            .is_readable()
        {
            assert!(Instant::now() < deadline, "no readable event");
            driver.park_timeout(Duration::from_millis(100));
        }
        handle.deregister_source(&io, &mut a).unwrap();
        handle.release(&io);
        driver.shutdown();
        assert!(handle.is_shutdown());
        // Released before shutdown: untouched by it.
        assert!(!io.ready_event(crate::io::Interest::READABLE).is_shutdown);
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::sync::atomic::AtomicBool;

    /// An unpark racing with a park never leaves the parker asleep: either
    /// the parker sees the notification before sleeping, or the unparker
    /// sees the sleeper and signals it (the eventfd write is modelled by a
    /// flag the sleeper waits on).
    #[test]
    fn unpark_vs_park_never_lost() {
        loom::model(|| {
            let state = Arc::new(ParkState::new());
            let signalled = Arc::new(AtomicBool::new(false));
            let (s2, sig2) = (state.clone(), signalled.clone());
            let t = loom::thread::spawn(move || {
                if s2.notify() {
                    sig2.store(true, SeqCst);
                }
            });
            if state.begin_sleep() {
                while !signalled.load(SeqCst) {
                    loom::thread::yield_now();
                }
            }
            state.end();
            t.join().unwrap();
        });
    }

    /// An unpark while nobody sleeps costs no signal.
    #[test]
    fn unpark_while_awake_does_not_signal() {
        loom::model(|| {
            let state = ParkState::new();
            assert!(!state.notify());
            assert!(!state.begin_sleep());
            state.end();
            assert!(state.begin_sleep());
            assert!(state.notify());
            state.end();
        });
    }
}
