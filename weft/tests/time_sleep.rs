//! `time::sleep`, `sleep_until` and `Sleep` through the public API.
#![cfg(all(
    feature = "rt",
    feature = "time",
    feature = "test-util",
    feature = "macros"
))]

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use weft::runtime::{Builder, Runtime};
use weft::time::{self, Duration, Instant, Sleep};

fn rt() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

fn paused_rt() -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn panic_msg(err: Box<dyn std::any::Any + Send>) -> String {
    match err.downcast::<String>() {
        Ok(s) => *s,
        Err(err) => err
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .unwrap_or_default(),
    }
}

#[derive(Default)]
struct Counter(AtomicUsize);
impl Wake for Counter {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

fn poll_once(sleep: Pin<&mut Sleep>, waker: &Waker) -> Poll<()> {
    sleep.poll(&mut Context::from_waker(waker))
}

#[weft::test]
async fn sleep_never_completes_early() {
    for d in [0, 1, 3, 10] {
        let start = std::time::Instant::now();
        time::sleep(ms(d)).await;
        assert!(start.elapsed() >= ms(d), "{d} ms sleep woke early");
    }
    let deadline = Instant::now() + Duration::from_micros(1500);
    time::sleep_until(deadline).await;
    assert!(Instant::now() >= deadline);
}

// How long a 1 ms sleep really takes is measured in the bench crate
// (timers), not here: timed assertions do not belong in tests.

#[weft::test(start_paused = true)]
async fn zero_sleeps_complete_without_time_passing() {
    let start = Instant::now();
    for _ in 0..1000 {
        time::sleep(Duration::ZERO).await;
    }
    assert_eq!(Instant::now(), start, "a zero sleep never waits for a tick");
}

#[weft::test(start_paused = true)]
async fn immediate_sleep_and_is_elapsed() {
    let now = Instant::now();
    let mut sleep = pin!(time::sleep_until(now));
    assert!(!sleep.is_elapsed());
    sleep.as_mut().await;
    assert!(sleep.is_elapsed());
    assert_eq!(Instant::now(), now);
}

#[weft::test(start_paused = true)]
async fn paused_sleep_advances_exactly() {
    for d in [1, 10, 60, 64, 65, 4096, 3_600_000] {
        let now = Instant::now();
        time::sleep(ms(d)).await;
        assert_eq!(now.elapsed(), ms(d));
    }
    // A deadline inside a millisecond: auto-advance lands on it exactly
    // (the timer is filed under the millisecond it rounds up to, and
    // fires once every timer of that millisecond is due).
    let now = Instant::now();
    let deadline = now + ms(1) + Duration::from_nanos(1);
    time::sleep_until(deadline).await;
    assert_eq!(Instant::now(), deadline);
}

#[weft::test(start_paused = true)]
async fn reset_before_and_after_firing() {
    let now = Instant::now();
    let mut sleep = Box::pin(time::sleep_until(now + ms(100)));
    let counter = Arc::new(Counter::default());
    let waker = Waker::from(counter.clone());
    assert!(poll_once(sleep.as_mut(), &waker).is_pending());
    // Later.
    sleep.as_mut().reset(now + ms(200));
    assert_eq!(sleep.deadline(), now + ms(200));
    sleep.as_mut().await;
    assert_eq!(now.elapsed(), ms(200));
    // After firing, to the future again.
    sleep.as_mut().reset(Instant::now() + ms(10));
    assert!(!sleep.is_elapsed());
    assert!(poll_once(sleep.as_mut(), &waker).is_pending());
    sleep.as_mut().await;
    assert_eq!(now.elapsed(), ms(210));
    // To the past: ready at once, and a registered waker is woken.
    let mut other = Box::pin(time::sleep(ms(100)));
    assert!(poll_once(other.as_mut(), &waker).is_pending());
    time::sleep(ms(50)).await;
    let before = counter.0.load(Ordering::SeqCst);
    other.as_mut().reset(now);
    assert_eq!(counter.0.load(Ordering::SeqCst), before + 1);
    assert!(poll_once(other.as_mut(), &waker).is_ready());
}

#[weft::test(start_paused = true)]
async fn far_deadlines_saturate() {
    // Capped at about 30 years: completes (after auto-advance), no overflow.
    time::sleep(Duration::MAX).await;
    time::sleep(Duration::MAX - ms(1)).await;
    let far = Instant::now() + Duration::from_secs(10 * 365 * 86_400);
    time::sleep_until(far).await;
    assert!(Instant::now() >= far && Instant::now() <= far + ms(1));
    // Far past anything the wheel can hold, raced against a short one.
    let mut huge = pin!(time::sleep(Duration::from_secs(u64::MAX / 10)));
    let short = time::sleep(Duration::from_nanos(1));
    let mut short = pin!(short);
    std::future::poll_fn(|cx| {
        assert!(huge.as_mut().poll(cx).is_pending());
        short.as_mut().poll(cx)
    })
    .await;
}

#[weft::test(start_paused = true)]
async fn dropped_sleeps_are_cancelled() {
    let waker = Waker::noop();
    for _ in 0..1000 {
        let mut s = Box::pin(time::sleep(ms(5)));
        assert!(poll_once(s.as_mut(), waker).is_pending());
    }
    // The dropped sleeps left nothing to wake: the next deadline is ours.
    let start = Instant::now();
    time::sleep(ms(10)).await;
    assert_eq!(start.elapsed(), ms(10));
}

#[test]
fn waker_that_drops_timers_does_not_deadlock() {
    struct DropAll(std::sync::Mutex<Vec<Pin<Box<Sleep>>>>);
    impl Wake for DropAll {
        fn wake(self: Arc<Self>) {
            self.0.lock().unwrap().clear();
        }
    }
    paused_rt().block_on(async {
        let owner = Arc::new(DropAll(Default::default()));
        let waker = Waker::from(owner.clone());
        for _ in 0..100 {
            let mut s = Box::pin(time::sleep(ms(10)));
            assert!(poll_once(s.as_mut(), &waker).is_pending());
            owner.0.lock().unwrap().push(s);
        }
        drop(waker);
        time::sleep(ms(11)).await;
        assert!(owner.0.lock().unwrap().is_empty());
    });
}

#[test]
fn sleep_outside_a_runtime_panics() {
    let err = std::panic::catch_unwind(|| time::sleep(ms(1))).unwrap_err();
    assert_eq!(
        panic_msg(err),
        "there is no reactor running, must be called from the context of a Tokio 1.x runtime"
    );
}

#[test]
fn sleep_without_enable_time_panics() {
    let rt = Builder::new_current_thread().build().unwrap();
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        rt.block_on(async { time::sleep(ms(1)).await })
    }))
    .unwrap_err();
    assert_eq!(
        panic_msg(err),
        "A Tokio 1.x context was found, but timers are disabled. Call `enable_time` on the runtime builder to enable timers."
    );
}

#[test]
fn sleep_panic_points_at_the_caller() {
    let location = std::sync::Arc::new(std::sync::Mutex::new(None));
    let seen = location.clone();
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        *seen.lock().unwrap() = info.location().map(|l| l.file().to_string());
    }));
    let res = std::panic::catch_unwind(|| time::sleep_until(Instant::now()));
    std::panic::set_hook(prev);
    assert!(res.is_err());
    assert_eq!(location.lock().unwrap().as_deref(), Some(file!()));
}

#[test]
fn polling_after_shutdown_panics() {
    let rt = rt();
    let mut sleep = {
        let _guard = rt.enter();
        Box::pin(time::sleep(Duration::from_secs(60)))
    };
    // Registered while the runtime is alive.
    assert!(poll_once(sleep.as_mut(), Waker::noop()).is_pending());
    drop(rt);
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = poll_once(sleep.as_mut(), Waker::noop());
    }))
    .unwrap_err();
    assert_eq!(
        panic_msg(err),
        "A Tokio 1.x context was found, but it is being shutdown."
    );
}

#[weft::test]
async fn sleeps_consume_coop_budget() {
    // Elapsed sleeps are always ready; the budget still makes the task
    // yield after 128 of them.
    let waker = Waker::noop();
    let mut cx = Context::from_waker(waker);
    let mut ready = 0;
    let past = Instant::now();
    let mut sleeps: Vec<_> = (0..200)
        .map(|_| Box::pin(time::sleep_until(past)))
        .collect();
    for s in &mut sleeps {
        if s.as_mut().poll(&mut cx).is_ready() {
            ready += 1;
        } else {
            break;
        }
    }
    assert_eq!(ready, 128);
}

#[test]
fn sleep_is_send_sync_and_not_unpin() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<Sleep>();
    send_sync::<time::Interval>();
    send_sync::<time::Timeout<std::future::Pending<()>>>();
}

#[weft::test(start_paused = true)]
async fn many_concurrent_sleeps_complete_in_order() {
    let order = Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut handles = Vec::new();
    for i in (0..1000u64).rev() {
        let order = order.clone();
        handles.push(weft::spawn(async move {
            time::sleep(ms(i * 7 % 5000 + 1)).await;
            order.lock().unwrap().push(i * 7 % 5000 + 1);
        }));
    }
    for h in handles {
        h.await.unwrap();
    }
    let order = order.lock().unwrap();
    assert_eq!(order.len(), 1000);
    assert!(order.windows(2).all(|w| w[0] <= w[1]), "fired out of order");
}

fn rss_kib() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: usize = statm
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    pages * 4
}

#[test]
fn a_million_concurrent_sleeps_without_memory_growth() {
    let rt = paused_rt();
    let round = || {
        rt.block_on(async {
            let done = Arc::new(AtomicUsize::new(0));
            for i in 0..1_000_000u64 {
                let done = done.clone();
                weft::spawn(async move {
                    time::sleep(ms(1 + i % 10_000)).await;
                    done.fetch_add(1, Ordering::Relaxed);
                });
            }
            time::sleep(ms(20_000)).await;
            assert_eq!(done.load(Ordering::Relaxed), 1_000_000);
        })
    };
    round();
    let after_first = rss_kib();
    round();
    let after_second = rss_kib();
    // The second round reuses what the first one freed: timers hold no
    // memory of their own once they fired.
    assert!(
        after_second < after_first + after_first / 4 + 16 * 1024,
        "rss grew from {after_first} KiB to {after_second} KiB"
    );
}
