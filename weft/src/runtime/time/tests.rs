//! The driver on its own: entries registered against a driver stack built
//! from a `Cfg`, parked in directly (no scheduler).

use super::TimerEntry;
use crate::runtime::driver::{self, Cfg};
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Poll, Wake, Waker};
use std::time::{Duration, Instant};

fn stack(pause: bool, start_paused: bool) -> (driver::Driver, Arc<driver::Handle>) {
    sharded_stack(pause, start_paused, 1)
}

/// A driver stack whose timer has `shards` wheels.
fn sharded_stack(
    pause: bool,
    start_paused: bool,
    shards: usize,
) -> (driver::Driver, Arc<driver::Handle>) {
    let cfg = Cfg {
        enable_io: false,
        enable_time: true,
        enable_pause_time: pause,
        start_paused,
        workers: 1,
        nevents: 1024,
        nevents_busy: 1024,
    };
    let (driver, mut handle) = driver::Driver::new(&cfg).unwrap();
    // The time driver reaches its handle through the stack's, so swapping in
    // a sharded one is all it takes.
    let source = super::TimeSource::new(handle.clock.now());
    handle.time = Some(super::Handle::new(source, shards));
    (driver, Arc::new(handle))
}

#[derive(Default)]
struct CountingWaker(AtomicUsize);

impl Wake for CountingWaker {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn counter() -> (Arc<CountingWaker>, Waker) {
    let count = Arc::new(CountingWaker::default());
    (count.clone(), Waker::from(count))
}

/// A pinned entry that cancels itself when dropped, as `Sleep` does.
struct Timer {
    entry: Pin<Box<TimerEntry>>,
    rt: Arc<driver::Handle>,
}

impl Timer {
    fn new(rt: &Arc<driver::Handle>) -> Timer {
        Timer {
            entry: Box::pin(TimerEntry::new()),
            rt: rt.clone(),
        }
    }

    fn poll(&self, deadline: Instant, waker: &Waker) -> Poll<()> {
        let time = self.rt.time.as_ref().unwrap();
        // SAFETY: the entry is boxed and pinned, used only with this handle,
        // and cancelled on drop.
        unsafe { time.poll(&self.rt, &self.entry, deadline, waker) }
    }

    fn reset(&self, deadline: Instant) {
        let time = self.rt.time.as_ref().unwrap();
        // SAFETY: as in `poll`.
        unsafe { time.reset(&self.rt, &self.entry, deadline) }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        // SAFETY: as in `poll`.
        unsafe { self.rt.time.as_ref().unwrap().cancel(&self.entry) }
    }
}

fn next_tick(rt: &driver::Handle) -> Option<u64> {
    rt.time.as_ref().unwrap().next_expiration_tick()
}

#[test]
fn park_sleeps_until_the_deadline_and_fires() {
    let (mut driver, rt) = stack(false, false);
    let (count, waker) = counter();
    let timer = Timer::new(&rt);
    let start = Instant::now();
    let deadline = start + Duration::from_millis(5);
    assert!(timer.poll(deadline, &waker).is_pending());
    while count.0.load(Ordering::SeqCst) == 0 {
        driver.park(&rt);
    }
    assert!(Instant::now() >= deadline, "fired early");
    assert!(timer.entry.is_fired());
    assert!(timer.poll(deadline, &waker).is_ready());
    assert_eq!(next_tick(&rt), None);
}

#[test]
fn due_deadline_is_ready_at_once() {
    let (mut driver, rt) = stack(false, false);
    let (count, waker) = counter();
    driver.park_timeout(&rt, Duration::from_millis(2));
    let timer = Timer::new(&rt);
    assert!(timer
        .poll(Instant::now() - Duration::from_secs(1), &waker)
        .is_ready());
    assert!(timer.entry.is_fired());
    assert_eq!(count.0.load(Ordering::SeqCst), 0);
    assert_eq!(next_tick(&rt), None);
}

/// Tokio's rule on the real clock (registration reads no clock): a deadline
/// whose tick the driver has processed is ready at its first poll; one that
/// passed since is filed, and the driver's next turn fires it.
#[test]
fn passed_deadline_fires_at_the_next_driver_turn() {
    let (mut driver, rt) = stack(false, false);
    let (count, waker) = counter();
    let start = Instant::now();
    let first = Timer::new(&rt);
    assert!(first
        .poll(start + Duration::from_millis(3), &waker)
        .is_pending());
    while count.0.load(Ordering::SeqCst) == 0 {
        driver.park(&rt);
    }
    // The driver processed the ticks up to `start + 3 ms`.
    let processed = Timer::new(&rt);
    assert!(processed.poll(start, &waker).is_ready());
    // Passed, but in a tick the driver has not processed yet.
    let recent = Timer::new(&rt);
    let just_now = Instant::now();
    assert!(recent.poll(just_now, &waker).is_pending());
    assert!(!recent.entry.is_fired());
    driver.park_timeout(&rt, Duration::ZERO);
    assert_eq!(count.0.load(Ordering::SeqCst), 2);
    assert!(recent.poll(just_now, &waker).is_ready());
    assert_eq!(next_tick(&rt), None);
}

#[test]
fn cancelled_entry_leaves_nothing_behind() {
    let (mut driver, rt) = stack(false, false);
    let (count, waker) = counter();
    let timers: Vec<Timer> = (0..1000).map(|_| Timer::new(&rt)).collect();
    let now = Instant::now();
    for (i, t) in timers.iter().enumerate() {
        assert!(t
            .poll(now + Duration::from_millis(1 + i as u64 * 37), &waker)
            .is_pending());
    }
    assert!(next_tick(&rt).is_some());
    drop(timers);
    assert_eq!(next_tick(&rt), None);
    driver.park_timeout(&rt, Duration::ZERO);
    assert_eq!(count.0.load(Ordering::SeqCst), 0);
}

// Needs auto-advance (`test-util`), as the test below.
#[cfg(feature = "test-util")]
#[test]
fn reset_moves_the_deadline_and_keeps_the_waker() {
    let (mut driver, rt) = stack(true, true);
    let (count, waker) = counter();
    let clock = &rt.clock;
    let start = clock.now();
    let timer = Timer::new(&rt);
    assert!(timer
        .poll(start + Duration::from_secs(10), &waker)
        .is_pending());
    timer.reset(start + Duration::from_secs(3));
    // Auto-advance: parks jump the paused clock to the earliest deadline
    // (via the start of its level-1 slot).
    while count.0.load(Ordering::SeqCst) == 0 {
        driver.park(&rt);
    }
    assert_eq!(count.0.load(Ordering::SeqCst), 1);
    assert_eq!(clock.now() - start, Duration::from_secs(3));
    assert!(timer.entry.is_fired());
    // A reset into the past of a fired entry fires it again at once.
    timer.reset(start);
    assert!(timer.entry.is_fired());
}

// Auto-advance is a `test-util` feature: without it the paused clock
// cannot move and this driver would sleep the hour.
#[cfg(feature = "test-util")]
#[test]
fn paused_clock_auto_advances_exactly_to_the_deadline() {
    let (mut driver, rt) = stack(true, true);
    let (count, waker) = counter();
    let start = rt.clock.now();
    let a = Timer::new(&rt);
    let b = Timer::new(&rt);
    let hour = Duration::from_secs(3600);
    assert!(a.poll(start + hour, &waker).is_pending());
    assert!(b.poll(start + 2 * hour, &waker).is_pending());
    // An hour-long sleep costs a few parks (one per cascade), not an hour.
    while count.0.load(Ordering::SeqCst) == 0 {
        driver.park(&rt);
    }
    assert_eq!(rt.clock.now() - start, hour);
    assert!(a.entry.is_fired() && !b.entry.is_fired());
}

#[test]
fn far_deadlines_saturate() {
    let (mut driver, rt) = stack(true, true);
    let (count, waker) = counter();
    let timer = Timer::new(&rt);
    let far = rt.clock.now() + Duration::from_secs(u64::MAX / 1000);
    assert!(timer.poll(far, &waker).is_pending());
    for _ in 0..3 {
        driver.park_timeout(&rt, Duration::from_secs(1));
    }
    assert_eq!(count.0.load(Ordering::SeqCst), 0);
    assert!(next_tick(&rt).is_some());
}

#[test]
fn earlier_timer_from_another_thread_wakes_the_parked_driver() {
    let (mut driver, rt) = stack(false, false);
    let (count, waker) = counter();
    let rt2 = rt.clone();
    let waker2 = waker.clone();
    // The driver sleeps with no deadline; only the registration can wake it.
    let registrar = std::thread::spawn(move || {
        let timer = Timer::new(&rt2);
        assert!(timer
            .poll(Instant::now() + Duration::from_millis(10), &waker2)
            .is_pending());
        timer
    });
    let timer = loop {
        driver.park(&rt);
        if registrar.is_finished() {
            break registrar.join().unwrap();
        }
    };
    while count.0.load(Ordering::SeqCst) == 0 {
        driver.park(&rt);
    }
    assert!(timer.entry.is_fired());
}

#[cfg(feature = "test-util")]
#[test]
fn no_unpark_while_the_driver_is_awake() {
    let (mut driver, rt) = stack(false, false);
    let (_count, waker) = counter();
    let time = rt.time.as_ref().unwrap();
    time.take_did_wake();
    let timer = Timer::new(&rt);
    assert!(timer
        .poll(Instant::now() + Duration::from_millis(50), &waker)
        .is_pending());
    assert!(
        !time.take_did_wake(),
        "registered while awake, yet unparked"
    );
    // While parked until the 50 ms timer, a later timer needs no unpark,
    // an earlier one does.
    let later = Timer::new(&rt);
    let earlier = Timer::new(&rt);
    let wake = time.begin_park().unwrap();
    time.set_parked_until(wake);
    assert!(later
        .poll(Instant::now() + Duration::from_secs(5), &waker)
        .is_pending());
    assert!(!time.take_did_wake(), "a later timer unparked the driver");
    assert!(earlier
        .poll(Instant::now() + Duration::from_millis(1), &waker)
        .is_pending());
    assert!(
        time.take_did_wake(),
        "an earlier timer did not unpark the driver"
    );
    time.end_park();
    driver.park_timeout(&rt, Duration::ZERO);
}

#[test]
fn shutdown_fires_everything() {
    let (mut driver, rt) = stack(false, false);
    let (count, waker) = counter();
    let timers: Vec<Timer> = (0..100).map(|_| Timer::new(&rt)).collect();
    for t in &timers {
        assert!(t
            .poll(Instant::now() + Duration::from_secs(60), &waker)
            .is_pending());
    }
    driver.shutdown(&rt);
    assert!(rt.time.as_ref().unwrap().is_shutdown());
    assert_eq!(count.0.load(Ordering::SeqCst), 100);
    assert!(timers.iter().all(|t| t.entry.is_fired()));
    // A timer registered after shutdown never enters the wheel.
    let late = Timer::new(&rt);
    assert!(late
        .poll(Instant::now() + Duration::from_secs(1), &waker)
        .is_ready());
    assert_eq!(next_tick(&rt), None);
}

#[test]
fn a_waker_may_drop_timers_of_the_same_shard() {
    struct DropOnWake(std::sync::Mutex<Vec<Timer>>);
    impl Wake for DropOnWake {
        fn wake(self: Arc<Self>) {
            self.0.lock().unwrap().clear();
        }
    }
    let (mut driver, rt) = stack(true, true);
    let owner = Arc::new(DropOnWake(std::sync::Mutex::new(Vec::new())));
    let waker = Waker::from(owner.clone());
    let deadline = rt.clock.now() + Duration::from_millis(10);
    for _ in 0..100 {
        let timer = Timer::new(&rt);
        assert!(timer.poll(deadline, &waker).is_pending());
        owner.0.lock().unwrap().push(timer);
    }
    drop(waker);
    driver.park(&rt);
    assert!(owner.0.lock().unwrap().is_empty());
    assert_eq!(next_tick(&rt), None);
}

#[test]
fn sharded_timers_from_many_threads_all_fire_or_cancel() {
    let (mut driver, rt) = sharded_stack(false, false, 4);
    let (count, waker) = counter();
    let deadline = Instant::now() + Duration::from_millis(20);
    let kept: Vec<Vec<Timer>> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let (rt, waker) = (&rt, &waker);
                s.spawn(move || {
                    let timers: Vec<Timer> = (0..200).map(|_| Timer::new(rt)).collect();
                    for t in &timers {
                        assert!(t.poll(deadline, waker).is_pending());
                    }
                    // Cancel every other one (dropped here), keep the rest.
                    timers
                        .into_iter()
                        .enumerate()
                        .filter_map(|(i, t)| (i % 2 == 0).then_some(t))
                        .collect()
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    while count.0.load(Ordering::SeqCst) < 400 {
        driver.park(&rt);
    }
    assert!(Instant::now() >= deadline);
    assert_eq!(count.0.load(Ordering::SeqCst), 400);
    assert!(kept.iter().flatten().all(|t| t.entry.is_fired()));
    assert_eq!(next_tick(&rt), None);
}

/// The armed count lets a driver poll skip the clock and the shard locks;
/// it must follow every way an entry enters and leaves the wheel.
#[test]
fn armed_count_follows_link_reset_cancel_and_fire() {
    let (mut driver, rt) = stack(true, true);
    let time = rt.time.as_ref().unwrap();
    let (_count, waker) = counter();
    let now = rt.clock.now();
    assert!(!time.has_armed());

    let a = Timer::new(&rt);
    let b = Timer::new(&rt);
    assert!(a.poll(now + Duration::from_millis(5), &waker).is_pending());
    assert!(b.poll(now + Duration::from_millis(50), &waker).is_pending());
    assert!(time.has_armed());

    // Re-linked in place: still armed; moved into the past: fired, not armed.
    a.reset(now + Duration::from_millis(10));
    assert!(time.has_armed());
    b.reset(now);
    drop(b);
    assert!(time.has_armed(), "`a` is still linked");

    // Fired by the driver.
    driver.park_timeout(&rt, Duration::from_millis(20));
    assert!(a.poll(now, &waker).is_ready());
    assert!(!time.has_armed());

    // Linked, then cancelled by drop.
    let c = Timer::new(&rt);
    assert!(c.poll(now + Duration::from_secs(1), &waker).is_pending());
    assert!(time.has_armed());
    drop(c);
    assert!(!time.has_armed());
}
