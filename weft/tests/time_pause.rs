//! The paused clock: `time::pause`, `resume`, `advance`, `start_paused`, and
//! auto-advance.
#![cfg(all(
    feature = "rt",
    feature = "time",
    feature = "test-util",
    feature = "macros"
))]

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Wake, Waker};
use weft::runtime::{Builder, Runtime};
use weft::time::{self, Duration, Instant};

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

fn panic_msg(f: impl FnOnce()) -> String {
    let err = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_err();
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

#[test]
fn misuse_panics_with_tokios_messages() {
    assert_eq!(
        panic_msg(time::pause),
        "time cannot be frozen from outside the Tokio runtime"
    );
    assert_eq!(
        panic_msg(time::resume),
        "time cannot be frozen from outside the Tokio runtime"
    );
    let rt = rt();
    assert_eq!(
        panic_msg(|| rt.block_on(async {
            time::pause();
            time::pause();
        })),
        "time is already frozen"
    );
    let rt = self::rt();
    assert_eq!(
        panic_msg(|| rt.block_on(async { time::resume() })),
        "time is not frozen"
    );
    assert_eq!(
        panic_msg(|| rt.block_on(time::advance(ms(1)))),
        "time is not frozen"
    );
}

#[test]
fn pause_on_a_multi_thread_runtime_panics() {
    let rt = Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    assert_eq!(
        panic_msg(|| rt.block_on(async { time::pause() })),
        "`time::pause()` requires the `current_thread` Tokio runtime. \
         This is the default Runtime used by `#[tokio::test]."
    );
}

#[weft::test]
async fn pause_and_resume() {
    time::pause();
    let frozen = Instant::now();
    std::thread::sleep(ms(2));
    assert_eq!(Instant::now(), frozen);
    time::advance(ms(5)).await;
    assert_eq!(frozen.elapsed(), ms(5));
    time::resume();
    std::thread::sleep(ms(2));
    assert!(frozen.elapsed() >= ms(7));
}

#[weft::test]
async fn pause_in_a_spawned_task() {
    weft::spawn(async { time::pause() }).await.unwrap();
    let frozen = Instant::now();
    std::thread::sleep(ms(1));
    assert_eq!(Instant::now(), frozen);
}

#[weft::test(start_paused = true)]
async fn advance_is_exact_to_the_nanosecond() {
    for d in [
        Duration::from_micros(51_592),
        Duration::from_micros(1),
        Duration::from_micros(3_141_592),
        ms(1),
    ] {
        let now = Instant::now();
        time::advance(d).await;
        assert_eq!(now.elapsed(), d);
    }
}

#[weft::test(start_paused = true)]
async fn advance_does_not_fire_timers_early() {
    time::sleep(ms(1)).await;
    let start = Instant::now();
    let mut sleep = pin!(time::sleep_until(start + ms(300)));
    let counter = Arc::new(Counter::default());
    let waker = Waker::from(counter.clone());
    let mut cx = Context::from_waker(&waker);
    assert!(sleep.as_mut().poll(&mut cx).is_pending());
    time::advance(ms(100)).await;
    assert!(sleep.as_mut().poll(&mut cx).is_pending());
    time::advance(ms(199)).await;
    assert!(sleep.as_mut().poll(&mut cx).is_pending());
    assert_eq!(counter.0.load(Ordering::SeqCst), 0);
    // Advancing past the deadline fires the timer on the driver's turn.
    time::advance(ms(1)).await;
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    assert!(sleep.as_mut().poll(&mut cx).is_ready());
}

#[weft::test(start_paused = true)]
async fn advance_in_quarter_milliseconds() {
    let mut sleep = pin!(time::sleep(ms(1)));
    let counter = Arc::new(Counter::default());
    let waker = Waker::from(counter.clone());
    let mut cx = Context::from_waker(&waker);
    assert!(sleep.as_mut().poll(&mut cx).is_pending());
    for _ in 0..3 {
        time::advance(Duration::from_micros(250)).await;
        assert!(sleep.as_mut().poll(&mut cx).is_pending());
    }
    time::advance(Duration::from_micros(250)).await;
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    assert!(sleep.as_mut().poll(&mut cx).is_ready());
}

#[test]
fn auto_advance_runs_an_hour_of_sleeps_at_once() {
    let real = std::time::Instant::now();
    paused_rt().block_on(async {
        let start = Instant::now();
        let handles: Vec<_> = (1..=60u64)
            .map(|minute| {
                weft::spawn(async move {
                    time::sleep(Duration::from_secs(60 * minute)).await;
                    Instant::now()
                })
            })
            .collect();
        for (i, h) in handles.into_iter().enumerate() {
            let woke = h.await.unwrap();
            assert_eq!(woke - start, Duration::from_secs(60 * (i as u64 + 1)));
        }
    });
    assert!(real.elapsed() < Duration::from_secs(10));
}

fn stress_run() -> Vec<Duration> {
    paused_rt().block_on(async {
        let mut x = 0x2545_f491_4f6c_dd1du64;
        let start = Instant::now();
        let mut times = Vec::new();
        for _ in 0..2_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            time::sleep(Duration::from_nanos(x % 1_000_000_000)).await;
            times.push(start.elapsed());
        }
        times
    })
}

#[test]
fn paused_time_is_deterministic() {
    let a = stress_run();
    assert_eq!(a, stress_run());
    assert!(a.windows(2).all(|w| w[0] <= w[1]));
}

#[weft::test(start_paused = true)]
async fn blocking_tasks_inhibit_auto_advance() {
    let start = Instant::now();
    // A timer that auto-advance would otherwise jump to.
    let sleeper = weft::spawn(time::sleep(Duration::from_secs(3600)));
    let v = weft::task::spawn_blocking(|| {
        std::thread::sleep(ms(20));
        42
    })
    .await
    .unwrap();
    assert_eq!(v, 42);
    assert_eq!(start.elapsed(), Duration::ZERO);
    sleeper.await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(3600));
}

#[test]
fn instant_now_outside_runtime_runs_even_when_a_clock_is_paused() {
    let rt = paused_rt();
    let frozen = rt.block_on(async { Instant::now() });
    std::thread::sleep(ms(1));
    assert!(Instant::now() > frozen);
}
