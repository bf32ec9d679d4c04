//! Parking a worker: in the shared driver if it is free, else on the
//! worker's own condvar.
//!
//! One driver serves the whole runtime. The first worker to go idle takes it
//! (`try_lock`) and sleeps in it, so I/O and timers are polled by exactly one
//! sleeping thread; the other idle workers sleep on their own condvar. The
//! unparker looks at the state word to know which of the two to signal:
//!
//! - `EMPTY -> PARKED_CONDVAR | PARKED_DRIVER` by the parker before sleeping;
//! - `* -> NOTIFIED` by the unparker; it signals the condvar or the driver
//!   only when it replaced a PARKED state (an awake worker costs nothing);
//! - `* -> EMPTY` by the parker when it wakes.

#[cfg(not(loom))]
use super::cpu_contention::{self, CpuContention};
use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::{
    AtomicBool, AtomicUsize,
    Ordering::{Acquire, Relaxed, Release, SeqCst},
};
use crate::loom::sync::{self, Arc, Condvar, Mutex};
use crate::runtime::driver::{self, Driver};
use crate::runtime::park::spin_until;
use std::time::Duration;
#[cfg(not(loom))]
use std::time::Instant;

const EMPTY: usize = 0;
const PARKED_CONDVAR: usize = 1;
const PARKED_DRIVER: usize = 2;
const NOTIFIED: usize = 3;

/// The driver, shared by the workers; whoever holds it may park in it.
///
/// Only ever taken with a try-lock (a worker that finds it taken sleeps on
/// its own condvar instead), so a flag does the job of a mutex: `taken`
/// goes `false -> true` with an acquiring compare-and-swap and back with a
/// releasing store. (It is also what loom can model: loom 0.7's
/// `Mutex::try_lock` blocks a thread whose next step is a `try_lock` when
/// another thread acquires the mutex, which reports deadlocks that cannot
/// happen.)
pub(crate) struct SharedDriver {
    taken: AtomicBool,
    driver: UnsafeCell<Driver>,
}

// SAFETY: `driver` is only accessed by the thread that set `taken` (see
// `try_with`), so it is never shared; `Driver` itself is `Send`.
unsafe impl Sync for SharedDriver {}

impl SharedDriver {
    pub(crate) fn new(driver: Driver) -> SharedDriver {
        SharedDriver {
            taken: AtomicBool::new(false),
            driver: UnsafeCell::new(driver),
        }
    }

    /// Runs `f` with the driver if no other worker holds it.
    pub(crate) fn try_with<R>(&self, f: impl FnOnce(&mut Driver) -> R) -> Option<R> {
        if self
            .taken
            .compare_exchange(false, true, Acquire, Relaxed)
            .is_err()
        {
            return None;
        }
        /// Gives the driver back, also if `f` panics.
        struct GiveBack<'a>(&'a AtomicBool);
        impl Drop for GiveBack<'_> {
            fn drop(&mut self) {
                self.0.store(false, Release);
            }
        }
        let _give_back = GiveBack(&self.taken);
        // SAFETY: `taken` was false and we set it: no other thread touches
        // the driver until `_give_back` clears it after `f`.
        Some(self.driver.with_mut(|driver| f(unsafe { &mut *driver })))
    }

    /// Shuts the driver down (at runtime shutdown, by the last worker).
    pub(crate) fn shutdown(&self, handle: &driver::Handle) {
        // A worker still leaving `park` may hold it for a moment.
        while self.try_with(|driver| driver.shutdown(handle)).is_none() {
            crate::loom::thread::yield_now();
        }
    }
}

pub(crate) struct Parker {
    inner: Arc<Inner>,
    /// Turns the driver spin off while other threads want this CPU.
    #[cfg(not(loom))]
    contention: CpuContention,
}

#[derive(Clone)]
pub(crate) struct Unparker {
    inner: Arc<Inner>,
}

struct Inner {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
    shared: Arc<SharedDriver>,
}

impl Parker {
    pub(crate) fn new(shared: Arc<SharedDriver>) -> Parker {
        Parker {
            inner: Arc::new(Inner {
                state: AtomicUsize::new(EMPTY),
                mutex: Mutex::new(()),
                condvar: Condvar::new(),
                shared,
            }),
            #[cfg(not(loom))]
            contention: CpuContention::default(),
        }
    }

    pub(crate) fn unparker(&self) -> Unparker {
        Unparker {
            inner: self.inner.clone(),
        }
    }

    /// Sleeps until unparked (or a driver event, when sleeping in the driver).
    ///
    /// With a nonzero `spin` and the driver free, first polls the driver
    /// without sleeping for up to `spin`, until unparked or until
    /// `has_tasks` says a driver event gave this worker work. The worker
    /// that spins is the one that would sleep in the driver; the caller
    /// asks for a spin only where the last wait was that short (see
    /// `worker::DRIVER_SPIN_BUDGET`). It yields its CPU between polls, and
    /// stops spinning while other threads want the CPU (`cpu_contention`).
    pub(crate) fn park(
        &mut self,
        handle: &driver::Handle,
        spin: Duration,
        has_tasks: impl Fn() -> bool,
    ) {
        let inner = &*self.inner;
        #[cfg(not(loom))]
        let spin = if spin.is_zero()
            || self
                .contention
                .allows_spin(Instant::now(), cpu_contention::involuntary_switches)
        {
            spin
        } else {
            Duration::ZERO
        };
        if !spin.is_zero() {
            #[cfg(not(loom))]
            let contention = &self.contention;
            // Set only outside loom, which models no scheduler to hand off to.
            #[cfg_attr(loom, allow(unused_mut))]
            let mut handed_off = false;
            let spun = inner.shared.try_with(|driver| {
                spin_until(spin, || {
                    driver.park_timeout(handle, Duration::ZERO);
                    let ready = has_tasks() || inner.state.load(SeqCst) == NOTIFIED;
                    // Between polls, give the CPU to any other thread that
                    // wants it (another process's too): the spin only
                    // uses a CPU that would otherwise idle. If one took it,
                    // sleep instead of competing for it.
                    #[cfg(not(loom))]
                    if !ready {
                        let before = Instant::now();
                        std::thread::yield_now();
                        handed_off = contention.is_handoff(before.elapsed());
                    }
                    ready || handed_off
                })
            });
            if spun == Some(true) && !handed_off {
                // As `park_zero`: the caller is awake and looks for work.
                let _ = inner
                    .state
                    .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst);
                return;
            }
        }
        inner.park(handle);
    }

    /// Sleeps until unparked or until `timeout` passed.
    pub(crate) fn park_timeout(&mut self, handle: &driver::Handle, timeout: Duration) {
        self.inner.park_timeout(handle, timeout);
    }

    /// Polls the driver without sleeping, if no other worker holds it.
    pub(crate) fn park_zero(&mut self, handle: &driver::Handle) {
        self.inner
            .shared
            .try_with(|driver| driver.park_timeout(handle, Duration::ZERO));
        // A notification that arrived meanwhile is consumed: the caller is
        // awake and about to look for work anyway.
        let _ = self
            .inner
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst);
    }
}

impl Unparker {
    pub(crate) fn unpark(&self, handle: &driver::Handle) {
        match self.inner.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED_CONDVAR => {
                // Orders this notify after the sleeper entered `wait`.
                drop(self.inner.mutex.lock());
                self.inner.condvar.notify_one();
            }
            PARKED_DRIVER => handle.unpark(),
            actual => panic!("inconsistent worker park state: {actual}"),
        }
    }
}

impl Inner {
    fn park(&self, handle: &driver::Handle) {
        // A pending notification is consumed without sleeping. No spinning
        // with `sched_yield` before sleeping: measured, three yields per park
        // cost more system calls than the sleeps they saved.
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return;
        }
        if self
            .shared
            .try_with(|driver| self.park_driver(driver, handle))
            .is_none()
        {
            self.park_condvar();
        }
    }

    fn park_timeout(&self, handle: &driver::Handle, timeout: Duration) {
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return;
        }
        let parked = self.shared.try_with(|driver| {
            if self
                .state
                .compare_exchange(EMPTY, PARKED_DRIVER, SeqCst, SeqCst)
                .is_ok()
            {
                driver.park_timeout(handle, timeout);
            }
        });
        if parked.is_none() {
            let guard = self.mutex.lock();
            if self
                .state
                .compare_exchange(EMPTY, PARKED_CONDVAR, SeqCst, SeqCst)
                .is_ok()
            {
                drop(sync::wait_timeout(&self.condvar, guard, timeout));
            }
        }
        // Timed out, notified or woken spuriously: the caller re-checks.
        self.state.swap(EMPTY, SeqCst);
    }

    fn park_condvar(&self) {
        let mut guard = self.mutex.lock();
        match self
            .state
            .compare_exchange(EMPTY, PARKED_CONDVAR, SeqCst, SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, SeqCst);
                return;
            }
            Err(actual) => panic!("inconsistent park state; actual = {actual}"),
        }
        loop {
            guard = sync::wait(&self.condvar, guard);
            if self
                .state
                .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
                .is_ok()
            {
                return;
            }
            // Spurious wake: sleep again.
        }
    }

    fn park_driver(&self, driver: &mut Driver, handle: &driver::Handle) {
        match self
            .state
            .compare_exchange(EMPTY, PARKED_DRIVER, SeqCst, SeqCst)
        {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, SeqCst);
                return;
            }
            Err(actual) => panic!("inconsistent park state; actual = {actual}"),
        }
        driver.park(handle);
        match self.state.swap(EMPTY, SeqCst) {
            NOTIFIED | PARKED_DRIVER => {}
            actual => panic!("inconsistent park_timeout state: {actual}"),
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::sync::mpsc;

    fn parker() -> (Parker, Arc<driver::Handle>) {
        let (driver, handle) = Driver::new(&driver::Cfg::bare()).unwrap();
        (
            Parker::new(Arc::new(SharedDriver::new(driver))),
            Arc::new(handle),
        )
    }

    /// Parks `parker` on a new thread, spinning up to a minute; `has_tasks`
    /// gets the number of the poll. The receiver gets the number of polls
    /// once the park returns.
    fn park_on_thread(
        mut parker: Parker,
        handle: &Arc<driver::Handle>,
        has_tasks: impl Fn(u32) -> bool + Send + 'static,
    ) -> (std::thread::JoinHandle<()>, mpsc::Receiver<u32>) {
        let (tx, rx) = mpsc::channel();
        let handle = handle.clone();
        let thread = std::thread::spawn(move || {
            let polls = Cell::new(0);
            parker.park(&handle, Duration::from_secs(60), || {
                polls.set(polls.get() + 1);
                has_tasks(polls.get())
            });
            tx.send(polls.get()).unwrap();
        });
        (thread, rx)
    }

    /// Work that a driver poll hands over during the spin ends the park
    /// without an unpark: nobody ever unparks this parker unless the spin
    /// failed to see the work (or cannot spin, on one CPU).
    #[test]
    fn spin_returns_when_a_driver_poll_gives_work() {
        let (mut parker, handle) = parker();
        // The test threads share the CPUs: a yield may run one of them,
        // which would end the spin (see the next test).
        parker.contention = CpuContention::with_handoff(Duration::MAX);
        let unparker = parker.unparker();
        let (thread, rx) = park_on_thread(parker, &handle, |poll| poll == 3);
        if crate::runtime::park::spinning_pays() {
            let polls = rx
                .recv_timeout(Duration::from_secs(30))
                .expect("the spin did not see the work");
            assert_eq!(polls, 3);
        } else {
            // One CPU: one look, then a real sleep.
            unparker.unpark(&handle);
            assert_eq!(rx.recv().unwrap(), 1);
        }
        thread.join().unwrap();
    }

    /// A yield that ran another thread ends the spin: the worker sleeps in
    /// the driver instead of competing for the CPU, until unparked. (Here
    /// every yield counts as one.)
    #[test]
    fn spin_sleeps_after_a_yield_that_ran_another_thread() {
        let (mut parker, handle) = parker();
        parker.contention = CpuContention::with_handoff(Duration::ZERO);
        let unparker = parker.unparker();
        let (polled_tx, polled_rx) = mpsc::channel();
        let (thread, done_rx) = park_on_thread(parker, &handle, move |_| {
            let _ = polled_tx.send(());
            false
        });
        polled_rx.recv().unwrap();
        // A spin that went on polling would see this at its next poll.
        unparker.unpark(&handle);
        assert_eq!(
            done_rx.recv().unwrap(),
            1,
            "the spin went on after the handoff"
        );
        thread.join().unwrap();
    }
}
