//! Loom models of the timer's cross-thread protocols (see `handle.rs`).

use super::TimerEntry;
use crate::loom::sync::Arc;
use crate::loom::thread;
use crate::runtime::driver::{self, Cfg};
use std::task::Waker;
use std::time::{Duration, Instant};

fn stack() -> (driver::Driver, Arc<driver::Handle>) {
    let cfg = Cfg {
        enable_io: false,
        enable_time: true,
        enable_pause_time: false,
        start_paused: false,
        workers: 1,
        nevents: 1024,
        nevents_busy: 1024,
    };
    let (driver, handle) = driver::Driver::new(&cfg).unwrap();
    (driver, Arc::new(handle))
}

/// A timer registered from another thread while the driver goes to sleep is
/// either seen by the driver's scan or wakes the driver (steps 1 to 4).
#[cfg(feature = "test-util")]
#[test]
fn registration_racing_with_park_is_never_missed() {
    loom::model(|| {
        let (_driver, rt) = stack();
        let rt2 = rt.clone();
        let registrar = thread::spawn(move || {
            let entry = Box::pin(TimerEntry::new());
            let time = rt2.time.as_ref().unwrap();
            let deadline = Instant::now() + Duration::from_secs(3600);
            // SAFETY: boxed and pinned; cancelled below before it is dropped.
            let poll = unsafe { time.poll(&rt2, &entry, deadline, Waker::noop()) };
            assert!(poll.is_pending());
            entry
        });
        let time = rt.time.as_ref().unwrap();
        // The driver going to sleep with no deadline of its own.
        let next = time.begin_park();
        time.set_parked_until(next.unwrap_or(u64::MAX));
        let entry = registrar.join().unwrap();
        // Still "asleep": it must have seen the timer or been unparked.
        assert!(next.is_some() || time.take_did_wake());
        time.end_park();
        // SAFETY: the entry was registered with this handle.
        unsafe { time.cancel(&entry) };
        assert_eq!(time.next_expiration_tick(), None);
    });
}

/// The driver firing an entry while its owner cancels it: exactly one of
/// them unlinks it, and the owner may free it afterwards.
#[test]
fn fire_racing_with_cancel() {
    loom::model(|| {
        let (_driver, rt) = stack();
        let time = rt.time.as_ref().unwrap();
        let entry = Box::pin(TimerEntry::new());
        let deadline = Instant::now() + Duration::from_secs(1);
        // SAFETY: boxed and pinned; cancelled below before it is dropped.
        let poll = unsafe { time.poll(&rt, &entry, deadline, Waker::noop()) };
        assert!(poll.is_pending());
        let rt2 = rt.clone();
        let driver = thread::spawn(move || {
            // The driver processes far past the deadline.
            rt2.time.as_ref().unwrap().process(u64::MAX);
        });
        // SAFETY: registered with this handle.
        unsafe { time.cancel(&entry) };
        drop(entry);
        driver.join().unwrap();
        assert_eq!(time.next_expiration_tick(), None);
        // The armed count (a load and a store under the shard lock) lost
        // neither update.
        assert!(!time.has_armed());
    });
}
