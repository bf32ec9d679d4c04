//! Parking a thread until it is unparked: the bottom of the driver stack.
//!
//! `ParkThread` is owned by the one thread that sleeps on it; any number of
//! `UnparkThread` clones wake it. The state word makes an unpark that arrives
//! before the park a no-op for the kernel: the parker sees `NOTIFIED`, consumes
//! it and returns without sleeping. Only a thread that really is asleep costs
//! the unparker a futex wake (through `Condvar`, which is a futex on Linux).
//!
//! Protocol (the numbers are referred to in the code):
//! 1. `park` swaps `EMPTY -> PARKED` under the mutex; if it finds `NOTIFIED`
//!    it resets to `EMPTY` and returns at once.
//! 2. `unpark` swaps the state to `NOTIFIED`. Only when it replaced `PARKED`
//!    does it take the mutex (so that the sleeper is inside `wait`, not between
//!    its check and its wait) and signal the condvar.
//! 3. A woken sleeper (or one woken spuriously) returns to `EMPTY` only by
//!    swapping out `NOTIFIED`; a spurious wake goes back to sleep.

use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::sync::{self, Arc, Condvar, Mutex};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
use std::time::Duration;

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
        self.inner.park(None);
    }

    /// Sleeps until unparked or until `timeout` has passed.
    pub(crate) fn park_timeout(&mut self, timeout: Duration) {
        self.inner.park(Some(timeout));
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

impl Parker {
    fn park(&self, timeout: Option<Duration>) {
        // Step 1, fast path: a pending notification is consumed without locking.
        if self
            .state
            .compare_exchange(NOTIFIED, EMPTY, SeqCst, SeqCst)
            .is_ok()
        {
            return;
        }
        if timeout == Some(Duration::ZERO) {
            return;
        }
        let mut guard = self.mutex.lock();
        match self.state.compare_exchange(EMPTY, PARKED, SeqCst, SeqCst) {
            Ok(_) => {}
            Err(NOTIFIED) => {
                self.state.swap(EMPTY, SeqCst);
                return;
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
                    return;
                }
            },
            Some(timeout) => {
                // A timed park returns on timeout, notification or spurious
                // wake alike: the caller re-checks its deadline.
                let _guard = sync::wait_timeout(&self.condvar, guard, timeout);
                match self.state.swap(EMPTY, SeqCst) {
                    NOTIFIED | PARKED => {}
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

/// A parker with its waker, kept per thread (in the runtime context, see
/// [`context::take_cached_parker`](super::context::take_cached_parker)) so
/// that a `block_on` makes no reference-count traffic: the waker is lent to
/// the future, not cloned.
#[derive(Debug)]
pub(crate) struct CachedParker {
    park: ParkThread,
    waker: Waker,
}

impl CachedParker {
    pub(crate) fn new() -> CachedParker {
        let park = ParkThread::new();
        let waker = park.unpark().into_waker();
        CachedParker { park, waker }
    }

    /// Polls `future` until it is ready, parking the thread while it is
    /// pending. The first poll runs with whatever coop budget the caller set
    /// up (entering a runtime sets a fresh one in the same thread-local
    /// access); every later poll gets a fresh budget of its own.
    pub(crate) fn block_on<F: Future>(&mut self, mut future: Pin<&mut F>) -> F::Output {
        let mut cx = Context::from_waker(&self.waker);
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
        loop {
            self.park.park();
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
    // Taken out (not borrowed) so that a nested `block_on_thread`, from a
    // future polled here, gets a parker of its own.
    let mut cached = super::context::take_cached_parker().unwrap_or_else(CachedParker::new);
    let output = crate::task::coop::budget(|| cached.block_on(future));
    super::context::put_cached_parker(cached);
    output
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
}
