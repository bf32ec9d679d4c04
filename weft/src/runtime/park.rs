//! Parking a thread until it is unparked: the bottom of the driver stack.
//!
//! `ParkThread` is owned by the one thread that sleeps on it (the thread's
//! `CachedParker` lends one in place, but is not `Sync`); any number of
//! `UnparkThread` clones wake it. The state word makes an unpark that arrives
//! before the park a no-op for the kernel: the parker sees `NOTIFIED`, consumes
//! it and returns without sleeping. Only a thread that really is asleep costs
//! the unparker a futex wake (through `Condvar`, which is a futex on Linux).
//!
//! Protocol (the numbers are referred to in the code):
//! 0. `park_after_spin` first watches the word for a bounded time while it is
//!    still `EMPTY` (see [`spin_until`]). An unpark meanwhile is step 2 finding
//!    `EMPTY`: no lock, no syscall; the parker sees `NOTIFIED`, consumes it
//!    and returns without having slept. Nothing else changes: a parker that
//!    is spinning is, for the unparker, a parker that has not parked yet.
//! 1. `park` swaps `EMPTY -> PARKED` under the mutex; if it finds `NOTIFIED`
//!    it resets to `EMPTY` and returns at once.
//! 2. `unpark` swaps the state to `NOTIFIED`. Only when it replaced `PARKED`
//!    does it take the mutex (so that the sleeper is inside `wait`, not between
//!    its check and its wait) and signal the condvar.
//! 3. A woken sleeper (or one woken spuriously) returns to `EMPTY` only by
//!    swapping out `NOTIFIED`; a spurious wake goes back to sleep.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{self, Arc, Condvar, Mutex};
use std::cell::Cell;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
use std::time::Duration;
#[cfg(not(loom))]
use std::time::Instant;

const EMPTY: usize = 0;
const PARKED: usize = 1;
const NOTIFIED: usize = 2;

/// The sleeping side: one per thread that parks.
#[derive(Debug)]
pub(crate) struct ParkThread {
    inner: Arc<Parker>,
}

/// The waking side; cheap to clone, usable from any thread.
#[derive(Clone, Debug)]
pub(crate) struct UnparkThread {
    inner: Arc<Parker>,
}

#[derive(Debug)]
struct Parker {
    state: AtomicUsize,
    mutex: Mutex<()>,
    condvar: Condvar,
}

impl ParkThread {
    pub(crate) fn new() -> ParkThread {
        ParkThread {
            inner: Arc::new(Parker {
                state: AtomicUsize::new(EMPTY),
                mutex: Mutex::new(()),
                condvar: Condvar::new(),
            }),
        }
    }

    pub(crate) fn unpark(&self) -> UnparkThread {
        UnparkThread {
            inner: self.inner.clone(),
        }
    }

    /// Sleeps until unparked (returns at once if an unpark is pending).
    pub(crate) fn park(&mut self) {
        let _ = self.inner.park(None);
    }

    /// Like `park`, but first watches for the unpark for up to `budget`
    /// (step 0): for a thread whose wake-up usually comes within
    /// microseconds (a `block_on` waiting for another thread's short work).
    #[cfg(test)] // `CachedParker` spins on the `Parker` it lends in place
    pub(crate) fn park_after_spin(&mut self, budget: Duration) -> Woke {
        self.inner.park_after_spin(budget)
    }

    /// `park_after_spin`, with a spin that `spin` turns down where it does
    /// not pay.
    #[cfg(test)]
    pub(crate) fn park_after_adaptive_spin(
        &mut self,
        spin: &mut AdaptiveSpin,
        budget: Duration,
    ) -> Woke {
        self.inner.park_after_adaptive_spin(spin, budget)
    }

    /// Sleeps until unparked or until `timeout` has passed.
    pub(crate) fn park_timeout(&mut self, timeout: Duration) {
        let _ = self.inner.park(Some(timeout));
    }
}

impl Default for ParkThread {
    fn default() -> Self {
        ParkThread::new()
    }
}

impl UnparkThread {
    pub(crate) fn unpark(&self) {
        self.inner.unpark();
    }

    pub(crate) fn into_waker(self) -> Waker {
        let raw = RawWaker::new(Arc::into_raw(self.inner).cast(), &PARKER_WAKER_VTABLE);
        // SAFETY: the vtable below keeps the Arc's reference count balanced:
        // clone increments, wake/drop consume the one reference they own.
        unsafe { Waker::from_raw(raw) }
    }
}

/// How a park ended (for callers that measure, and for tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Woke {
    /// The unpark came before the thread went to sleep (pending, or seen
    /// while spinning): it cost nobody a syscall.
    WithoutSleeping,
    /// The thread slept on the condvar (or its timed sleep ran out).
    AfterSleeping,
}

impl Parker {
    /// `ParkThread::park_after_spin`. On `Parker` (by shared reference) for
    /// the owner of the sleeping side only: `ParkThread` and the
    /// `CachedParker` that lends it in place (which is not `Sync`).
    fn park_after_spin(&self, budget: Duration) -> Woke {
        let seen = spin_until(budget, || self.state.load(SeqCst) == NOTIFIED);
        self.park_unless_seen(seen)
    }

    /// `ParkThread::park_after_adaptive_spin`; same caveat.
    fn park_after_adaptive_spin(&self, spin: &mut AdaptiveSpin, budget: Duration) -> Woke {
        let seen = spin.spin_until(budget, || self.state.load(SeqCst) == NOTIFIED);
        self.park_unless_seen(seen)
    }

    /// Parks unless a spin has `seen` the unpark.
    fn park_unless_seen(&self, seen: bool) -> Woke {
        if seen {
            // Only the owner takes `NOTIFIED` away: it is still there.
            // Swapping (not storing) reads the unparker's write, so what it
            // did before unparking is visible here.
            let prev = self.state.swap(EMPTY, SeqCst);
            debug_assert_eq!(prev, NOTIFIED);
            return Woke::WithoutSleeping;
        }
        self.park(None)
    }

    fn park(&self, timeout: Option<Duration>) -> Woke {
        // Step 1, fast path: a pending notification is consumed without locking.
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return Woke::WithoutSleeping;
        }
        if timeout == Some(Duration::ZERO) {
            return Woke::WithoutSleeping;
        }
        let mut guard = self.mutex.lock();
        match self.state.compare_exchange(EMPTY, PARKED, SeqCst, SeqCst) {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, SeqCst);
                return Woke::WithoutSleeping;
            }
            Err(actual) => panic!("inconsistent park state: {actual}"),
        }
        match timeout {
            None => loop {
                guard = sync::wait(&self.condvar, guard);
                // Step 3: only a real notification ends the sleep.
                if self
                    .state
                    .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
                    .is_ok()
                {
                    return Woke::AfterSleeping;
                }
            },
            Some(timeout) => {
                // A timed park returns on timeout, notification or spurious
                // wake alike: the caller re-checks its deadline.
                let _guard = sync::wait_timeout(&self.condvar, guard, timeout);
                match self.state.swap(EMPTY, SeqCst) {
                    NOTIFIED | PARKED => Woke::AfterSleeping,
                    actual => panic!("inconsistent park_timeout state: {actual}"),
                }
            }
        }
    }

    fn unpark(&self) {
        // Step 2.
        match self.state.swap(NOTIFIED, SeqCst) {
            EMPTY | NOTIFIED => {}
            PARKED => {
                // Taking the lock orders this notify after the sleeper's wait began.
                drop(self.mutex.lock());
                self.condvar.notify_one();
            }
            actual => panic!("inconsistent state in unpark: {actual}"),
        }
    }
}

static PARKER_WAKER_VTABLE: RawWakerVTable =
    RawWakerVTable::new(waker_clone, waker_wake, waker_wake_by_ref, waker_drop);

unsafe fn waker_clone(ptr: *const ()) -> RawWaker {
    // SAFETY: `ptr` came from `Arc::into_raw` of an `Arc<Parker>` that is still alive.
    unsafe { Arc::increment_strong_count(ptr.cast::<Parker>()) };
    RawWaker::new(ptr, &PARKER_WAKER_VTABLE)
}

unsafe fn waker_wake(ptr: *const ()) {
    // SAFETY: the waker owns one reference, which this call consumes.
    let parker = unsafe { Arc::from_raw(ptr.cast::<Parker>()) };
    parker.unpark();
}

unsafe fn waker_wake_by_ref(ptr: *const ()) {
    // SAFETY: the waker's reference keeps the parker alive during the call.
    let parker = unsafe { &*ptr.cast::<Parker>() };
    parker.unpark();
}

unsafe fn waker_drop(ptr: *const ()) {
    // SAFETY: the waker owns one reference, which this call releases.
    drop(unsafe { Arc::from_raw(ptr.cast::<Parker>()) });
}

/// How long a thread that is about to sleep keeps watching for its wake-up.
///
/// Sleeping costs the waker a futex or eventfd syscall and the sleeper a
/// trip through the kernel scheduler: 10 to 50 us on the 2-vCPU VMs weft is
/// measured on (a halted vCPU has to be woken by the hypervisor), against a
/// few microseconds for work that another thread hands back at once (a
/// `spawn_blocking` round trip whose closure is short, a pool thread that
/// gets its next task as soon as it finished the last). A few microseconds
/// of spinning turns those into hand-offs without a syscall; anything
/// slower pays the spin on top of the sleep it would have paid anyway, which
/// bounds the waste at one budget per sleep.
pub(crate) const SPIN_BUDGET: Duration = Duration::from_micros(8);

/// `spin_loop` hints between two reads of the clock: a hint is a `pause`
/// (about 100 ns on the measured EPYC VM), a clock read about as much.
#[cfg(not(loom))]
const SPINS_PER_CLOCK_READ: u32 = 4;

/// Calls `ready` until it returns `true` (then `true`) or `budget` has run
/// out (then `false`), pausing the core between calls.
///
/// Never spins where it cannot pay: on a single CPU the thread we wait for
/// cannot run while we spin. Under loom it checks twice with a yield in
/// between, so that models explore both "seen while spinning" and "missed,
/// then parked" without unbounded loops.
pub(crate) fn spin_until(budget: Duration, mut ready: impl FnMut() -> bool) -> bool {
    #[cfg(loom)]
    {
        let _ = budget;
        if ready() {
            return true;
        }
        crate::loom::thread::yield_now();
        ready()
    }
    #[cfg(not(loom))]
    {
        if budget.is_zero() || !spinning_pays() {
            return ready();
        }
        let deadline = Instant::now() + budget;
        loop {
            for _ in 0..SPINS_PER_CLOCK_READ {
                if ready() {
                    return true;
                }
                crate::loom::hint::spin_loop();
            }
            if Instant::now() >= deadline {
                return ready();
            }
        }
    }
}

/// A spin that turns itself down where it does not pay.
///
/// Whether a wake comes within the budget depends on the workload and on
/// whether the machine has a free CPU for the thread we wait for: when more
/// threads want to run than there are cores, the spin takes the CPU the
/// waker needs, and a hand-off that takes 10 us idle takes 50 us. A spin
/// site that cannot know whether a wake is coming (a blocking-pool thread
/// waiting for its next task) keeps one of these, as a field of its own
/// state: after [`MISSES_BEFORE_BACKOFF`] spins in a row that found nothing
/// it parks at once, and spins again only every [`PROBE_INTERVAL`]-th park.
/// A probe spins [`PROBE_STRETCH`] times the budget, longer than a sleeping
/// peer takes to wake up: the peer that hands it work may itself have gone
/// to sleep because this side stopped spinning, and a probe as short as a
/// normal spin would then never see the work come back. One spin that finds
/// its wake-up turns spinning back on.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AdaptiveSpin {
    /// Spins in a row that ran out their budget.
    misses: u32,
    /// Parks without a spin since spinning was backed off.
    skipped: u32,
}

/// Misses in a row before spinning is backed off.
const MISSES_BEFORE_BACKOFF: u32 = 4;

/// While backed off, one park in this many spins first (to notice that the
/// workload or the machine's load changed).
const PROBE_INTERVAL: u32 = 16;

/// How much longer than the normal budget a probe spins.
const PROBE_STRETCH: u32 = 4;

impl AdaptiveSpin {
    pub(crate) const fn new() -> AdaptiveSpin {
        AdaptiveSpin {
            misses: 0,
            skipped: 0,
        }
    }

    /// [`spin_until`] if spinning pays here (or for a probe), else one check
    /// of `ready`.
    pub(crate) fn spin_until(&mut self, budget: Duration, mut ready: impl FnMut() -> bool) -> bool {
        // No spin asked for (or possible): nothing to learn from this park.
        if budget.is_zero() || !spinning_pays() {
            return ready();
        }
        let Some(budget) = self.next_budget(budget) else {
            return ready();
        };
        let hit = spin_until(budget, ready);
        self.misses = if hit {
            0
        } else {
            self.misses.saturating_add(1)
        };
        hit
    }

    /// The budget for the next spin, `None` for no spin.
    fn next_budget(&mut self, budget: Duration) -> Option<Duration> {
        if self.misses < MISSES_BEFORE_BACKOFF {
            return Some(budget);
        }
        self.skipped += 1;
        if self.skipped < PROBE_INTERVAL {
            return None;
        }
        self.skipped = 0;
        Some(budget * PROBE_STRETCH)
    }
}

impl Default for AdaptiveSpin {
    fn default() -> Self {
        AdaptiveSpin::new()
    }
}

/// Whether this machine has a second CPU for the thread we wait for.
#[cfg(loom)]
pub(crate) fn spinning_pays() -> bool {
    true
}

/// Whether this machine has a second CPU for the thread we wait for.
#[cfg(not(loom))]
pub(crate) fn spinning_pays() -> bool {
    static MULTI_CPU: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *MULTI_CPU.get_or_init(|| std::thread::available_parallelism().is_ok_and(|n| n.get() > 1))
}

/// Whether the runtime this thread is in has a blocking task queued or
/// running (see `blocking::Spawner::has_work_in_flight`).
#[cfg(not(loom))]
fn blocking_work_in_flight() -> bool {
    crate::runtime::context::with_current(|h| h.blocking_spawner().has_work_in_flight())
        .unwrap_or(false)
}

/// A parker with its waker, kept per thread (in the runtime context, lent in
/// place by [`context::with_cached_parker`](super::context::with_cached_parker)
/// and `block_on_entered`) so that a `block_on` makes no reference-count
/// traffic: the waker is lent to the future, not cloned.
#[derive(Debug)]
pub(crate) struct CachedParker {
    park: ParkThread,
    waker: Waker,
    /// Whether waits that are not for blocking work end soon enough here
    /// to be worth a spin (see [`WAIT_SPIN_BUDGET`]). A `Cell`: the parker
    /// is lent in place, by shared reference, from the thread's context.
    spin: Cell<AdaptiveSpin>,
}

/// How long a `block_on` thread watches for its wake-up before it sleeps
/// when its future waits for something other than blocking work: a task on
/// a worker, a socket. A sleeping thread is woken by a futex syscall and,
/// on a VM, by the hypervisor: 25-30 us each way on the machines weft is
/// measured on, which is most of a loopback round trip between a
/// `block_on` client and a server task (TCP ping-pong on the multi-thread
/// runtime: ~75 us per round trip without a spin, ~26 us with 50 us of
/// spin, against ~12 us with both on one thread). Adaptive: where the wait
/// is long (a `main` awaiting a server), four misses in a row turn the spin
/// off, and it is tried again only every 16th park.
const WAIT_SPIN_BUDGET: Duration = Duration::from_micros(50);

impl CachedParker {
    pub(crate) fn new() -> CachedParker {
        let park = ParkThread::new();
        let waker = park.unpark().into_waker();
        CachedParker {
            park,
            waker,
            spin: Cell::new(AdaptiveSpin::new()),
        }
    }

    /// Polls `future` until it is ready, parking the thread while it is
    /// pending. The first poll runs with whatever coop budget the caller set
    /// up (entering a runtime sets a fresh one in the same thread-local
    /// access); every later poll gets a fresh budget of its own.
    pub(crate) fn block_on<F: Future>(&self, mut future: Pin<&mut F>) -> F::Output {
        let mut cx = Context::from_waker(&self.waker);
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
        loop {
            // A wait for a blocking task that another thread runs right now
            // spins a short, fixed budget: when the task is short the wake
            // comes while we still spin, and nobody sleeps. Other waits spin
            // longer, but only while spinning keeps paying off.
            #[cfg(not(loom))]
            let for_blocking_work = blocking_work_in_flight();
            #[cfg(loom)]
            let for_blocking_work = false;
            // The parker is lent by shared reference; `CachedParker` is not
            // `Sync`, so only this thread parks on it.
            let parker = &self.park.inner;
            let _ = if for_blocking_work {
                parker.park_after_spin(SPIN_BUDGET)
            } else {
                let mut spin = self.spin.get();
                let woke = parker.park_after_adaptive_spin(&mut spin, WAIT_SPIN_BUDGET);
                self.spin.set(spin);
                woke
            };
            if let Poll::Ready(v) = crate::task::coop::budget(|| future.as_mut().poll(&mut cx)) {
                return v;
            }
        }
    }
}

/// Runs `future` to completion on the current thread, parking it while the
/// future is pending. Used where Tokio blocks outside of a runtime:
/// `blocking_recv`, `block_in_place`'s callers, and the like.
///
/// The parker is cached per thread, so a loop of blocking calls allocates once.
pub(crate) fn block_on_thread<F: Future>(future: F) -> F::Output {
    let future = std::pin::pin!(future);
    super::context::with_cached_parker(|parker| {
        crate::task::coop::budget(|| parker.block_on(future))
    })
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn unpark_before_park_is_not_lost() {
        let mut park = ParkThread::new();
        park.unpark().unpark();
        park.park(); // would hang if the notification were lost
    }

    #[test]
    fn unpark_from_another_thread_wakes_sleeper() {
        let mut park = ParkThread::new();
        let unpark = park.unpark();
        let t = std::thread::spawn(move || unpark.unpark());
        park.park();
        t.join().unwrap();
    }

    #[test]
    fn park_timeout_returns() {
        let mut park = ParkThread::new();
        park.park_timeout(Duration::from_millis(1));
    }

    /// Step 0: an unpark that lands while the parker spins is taken there,
    /// without the parker ever reaching the condvar.
    #[test]
    fn wake_during_spin_is_seen_without_sleeping() {
        if !spinning_pays() {
            return; // one CPU: no spin to land in
        }
        use std::sync::atomic::AtomicBool;
        let mut park = ParkThread::new();
        let unpark = park.unpark();
        let parking = std::sync::Arc::new(AtomicBool::new(false));
        let t = std::thread::spawn({
            let parking = parking.clone();
            move || {
                while !parking.load(SeqCst) {
                    std::hint::spin_loop();
                }
                unpark.unpark();
            }
        });
        parking.store(true, SeqCst);
        // A budget far longer than the unparker needs to run.
        assert_eq!(
            park.park_after_spin(Duration::from_secs(60)),
            Woke::WithoutSleeping
        );
        assert_eq!(park.inner.state.load(SeqCst), EMPTY);
        t.join().unwrap();
    }

    /// A thread that unparks `park` once it has gone to sleep.
    fn unpark_once_parked(park: &ParkThread) -> std::thread::JoinHandle<()> {
        let unpark = park.unpark();
        std::thread::spawn(move || {
            while unpark.inner.state.load(SeqCst) != PARKED {
                std::thread::yield_now();
            }
            unpark.unpark();
        })
    }

    /// Steps 1-3 after a spin that found nothing: the sleeper is woken.
    #[test]
    fn wake_after_spin_gave_up_wakes_the_sleeper() {
        let mut park = ParkThread::new();
        let t = unpark_once_parked(&park);
        assert_eq!(
            park.park_after_spin(Duration::from_micros(1)),
            Woke::AfterSleeping
        );
        assert_eq!(park.inner.state.load(SeqCst), EMPTY);
        t.join().unwrap();
    }

    /// A backed-off adaptive spin parks at once, and the sleeper is still
    /// woken; an unpark already pending is taken without sleeping.
    #[test]
    fn adaptive_park_after_backoff_wakes_the_sleeper() {
        let mut park = ParkThread::new();
        let mut spin = AdaptiveSpin::new();
        for _ in 0..MISSES_BEFORE_BACKOFF {
            assert!(!spin.spin_until(Duration::from_micros(1), || false));
        }
        let t = unpark_once_parked(&park);
        assert_eq!(
            park.park_after_adaptive_spin(&mut spin, Duration::from_secs(60)),
            Woke::AfterSleeping
        );
        t.join().unwrap();
        // An unpark already pending is seen by the first check of a spin.
        park.unpark().unpark();
        assert_eq!(
            park.park_after_adaptive_spin(&mut AdaptiveSpin::new(), Duration::from_micros(1)),
            Woke::WithoutSleeping
        );
        assert_eq!(park.inner.state.load(SeqCst), EMPTY);
    }

    #[test]
    fn spin_until_gives_up_after_its_budget() {
        let start = Instant::now();
        let mut calls = 0;
        assert!(!spin_until(Duration::from_micros(50), || {
            calls += 1;
            false
        }));
        assert!(start.elapsed() >= Duration::from_micros(50) || !spinning_pays());
        assert!(calls >= 1);
        assert!(spin_until(Duration::from_secs(60), || true));
    }

    #[test]
    fn adaptive_spin_backs_off_after_misses_and_probes() {
        let budget = Duration::from_micros(1);
        let mut spin = AdaptiveSpin::new();
        for _ in 0..MISSES_BEFORE_BACKOFF {
            assert_eq!(spin.next_budget(budget), Some(budget));
            spin.misses += 1; // what a spin that found nothing records
        }
        // Backed off: the next parks do not spin...
        for _ in 0..PROBE_INTERVAL - 1 {
            assert_eq!(spin.next_budget(budget), None);
        }
        // ...until the probe, which spins longer.
        assert_eq!(spin.next_budget(budget), Some(budget * PROBE_STRETCH));
        assert_eq!(spin.next_budget(budget), None);
        // A hit turns spinning back on.
        if spinning_pays() {
            for _ in 0..PROBE_INTERVAL - 2 {
                assert!(!spin.spin_until(budget, || false));
            }
            let mut calls = 0;
            assert!(spin.spin_until(budget, || {
                calls += 1;
                true
            }));
            assert_eq!(calls, 1);
            assert_eq!(spin.next_budget(budget), Some(budget));
        }
    }

    #[test]
    fn block_on_thread_polls_to_completion() {
        let (tx, rx) = std::sync::mpsc::channel::<Waker>();
        let t = std::thread::spawn(move || rx.recv().unwrap().wake());
        let mut sent = Some(tx);
        let out = block_on_thread(std::future::poll_fn(move |cx| match sent.take() {
            Some(tx) => {
                tx.send(cx.waker().clone()).unwrap();
                Poll::Pending
            }
            None => Poll::Ready(7),
        }));
        assert_eq!(out, 7);
        t.join().unwrap();
    }

    /// A `block_on_thread` inside a future that another one polls gets a
    /// parker of its own (the thread's is lent out), and both wake.
    #[test]
    fn nested_block_on_thread_gets_its_own_parker() {
        let out = block_on_thread(async {
            let (tx, rx) = std::sync::mpsc::channel::<Waker>();
            let t = std::thread::spawn(move || rx.recv().unwrap().wake());
            let mut sent = Some(tx);
            let inner = block_on_thread(std::future::poll_fn(move |cx| match sent.take() {
                Some(tx) => {
                    tx.send(cx.waker().clone()).unwrap();
                    Poll::Pending
                }
                None => Poll::Ready(6),
            }));
            t.join().unwrap();
            crate::task::yield_now().await;
            inner + 1
        });
        assert_eq!(out, 7);
        // The thread's parker is back: a later call lends it again.
        assert_eq!(block_on_thread(async { 8 }), 8);
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;

    /// An unpark racing with a park is never lost: the parker always returns.
    #[test]
    fn park_unpark_race() {
        loom::model(|| {
            let mut park = ParkThread::new();
            let unpark = park.unpark();
            let t = loom::thread::spawn(move || unpark.unpark());
            park.park();
            t.join().unwrap();
        });
    }

    /// Spin, then park: the unpark is never lost wherever it lands (before
    /// the spin, between its checks, after it gave up, after the sleeper
    /// parked), and what the unparker wrote before unparking is visible
    /// after the park returns (loom reports a data race otherwise). Both
    /// spins: the fixed one and the adaptive one of a `block_on` waiting
    /// for a task or a socket.
    #[test]
    fn spin_then_park_unpark_race() {
        spin_then_park_model(|park| {
            let _ = park.park_after_spin(SPIN_BUDGET);
        });
    }

    #[test]
    fn adaptive_spin_then_park_unpark_race() {
        spin_then_park_model(|park| {
            let _ = park.park_after_adaptive_spin(&mut AdaptiveSpin::new(), SPIN_BUDGET);
        });
    }

    fn spin_then_park_model(park_once: fn(&mut ParkThread)) {
        loom::model(move || {
            use crate::loom::cell::UnsafeCell;
            let data = Arc::new(UnsafeCell::new(0_u32));
            let mut park = ParkThread::new();
            let unpark = park.unpark();
            let t = loom::thread::spawn({
                let data = data.clone();
                move || {
                    // SAFETY: the parker reads only after the unpark below.
                    data.with_mut(|p| unsafe { *p = 7 });
                    unpark.unpark();
                }
            });
            park_once(&mut park);
            // SAFETY: the unparker wrote before its unpark, which the park consumed.
            assert_eq!(data.with(|p| unsafe { *p }), 7);
            t.join().unwrap();
            // The one unpark was consumed, by the spin or by the sleep, and
            // left nothing behind for a later park.
            assert_eq!(park.inner.state.load(SeqCst), EMPTY);
        });
    }
}
