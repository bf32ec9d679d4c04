//! `time::interval`, `interval_at` and `MissedTickBehavior` on a paused clock.
#![cfg(all(
    feature = "rt",
    feature = "time",
    feature = "test-util",
    feature = "macros"
))]

use std::future::{poll_fn, Future};
use std::task::{Context, Poll, Waker};
use weft::runtime::{Builder, Runtime};
use weft::time::{self, Duration, Instant, Interval, MissedTickBehavior};

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

fn poll_tick(i: &mut Interval) -> Poll<Instant> {
    i.poll_tick(&mut Context::from_waker(Waker::noop()))
}

/// Polls until pending; returns the ticks seen, as offsets from `start` in ms.
fn ready_ticks(i: &mut Interval, start: Instant) -> Vec<u64> {
    let mut ticks = Vec::new();
    while let Poll::Ready(t) = poll_tick(i) {
        ticks.push((t - start).as_millis() as u64);
        assert!(ticks.len() < 100);
    }
    ticks
}

/// The same schedule for each behaviour: period 300 ms, the task falls
/// 350 ms behind after the second tick.
fn schedule(behavior: MissedTickBehavior) -> Vec<Vec<u64>> {
    paused_rt().block_on(async move {
        let start = Instant::now();
        time::advance(ms(1)).await;
        let mut i = time::interval_at(start, ms(300));
        i.set_missed_tick_behavior(behavior);
        let mut seen = vec![ready_ticks(&mut i, start)];
        for step in [100, 200, 650, 200, 100, 250, 300] {
            time::advance(ms(step)).await;
            seen.push(ready_ticks(&mut i, start));
        }
        seen
    })
}

#[test]
fn burst_catches_up() {
    let e: Vec<Vec<u64>> = vec![
        vec![0],
        vec![],
        vec![300],
        vec![600, 900],
        vec![],
        vec![1200],
        vec![1500],
        vec![1800],
    ];
    assert_eq!(schedule(MissedTickBehavior::Burst), e);
}

#[test]
fn delay_restarts_from_the_late_tick() {
    // The tick due at 600 is seen at 951: the next one is due at 1251 and
    // seen then; the one due at 1551 is seen at 1801.
    let e: Vec<Vec<u64>> = vec![
        vec![0],
        vec![],
        vec![300],
        vec![600],
        vec![],
        vec![1251],
        vec![],
        vec![1551],
    ];
    assert_eq!(schedule(MissedTickBehavior::Delay), e);
}

#[test]
fn skip_resumes_on_the_original_schedule() {
    // The tick due at 600 is seen at 951: 900 is skipped, 1200 is next.
    let e: Vec<Vec<u64>> = vec![
        vec![0],
        vec![],
        vec![300],
        vec![600],
        vec![],
        vec![1200],
        vec![1500],
        vec![1800],
    ];
    assert_eq!(schedule(MissedTickBehavior::Skip), e);
}

#[weft::test(start_paused = true)]
async fn first_tick_is_immediate_and_ticks_are_period_apart() {
    let start = Instant::now();
    let mut i = time::interval(ms(10));
    assert_eq!(i.period(), ms(10));
    assert_eq!(i.tick().await, start);
    assert_eq!(i.tick().await, start + ms(10));
    assert_eq!(i.tick().await, start + ms(20));
    assert_eq!(Instant::now(), start + ms(20));
}

#[weft::test(start_paused = true)]
async fn resets() {
    let start = Instant::now();
    let mut i = time::interval(ms(100));
    i.tick().await;

    time::advance(ms(50)).await;
    i.reset();
    assert_eq!(i.tick().await, start + ms(150));

    i.reset_immediately();
    assert_eq!(i.tick().await, start + ms(150));
    assert_eq!(i.tick().await, start + ms(250));

    i.reset_after(ms(30));
    assert_eq!(i.tick().await, start + ms(280));

    i.reset_at(start + ms(1000));
    assert_eq!(i.tick().await, start + ms(1000));
    assert_eq!(i.tick().await, start + ms(1100));
}

#[weft::test(start_paused = true)]
async fn ten_thousand_ticks_on_a_paused_clock() {
    let start = Instant::now();
    let mut i = time::interval(ms(1));
    for _ in 0..10_000 {
        i.tick().await;
    }
    assert_eq!(start.elapsed(), ms(9_999));
}

#[weft::test(start_paused = true)]
async fn tick_is_cancel_safe() {
    let start = Instant::now();
    let mut i = time::interval(ms(10));
    i.tick().await;
    // Polled once and dropped: no tick is lost.
    let mut tick = Box::pin(i.tick());
    assert!(poll_fn(|cx| Poll::Ready(tick.as_mut().poll(cx)))
        .await
        .is_pending());
    drop(tick);
    assert_eq!(i.tick().await, start + ms(10));
}

#[test]
#[should_panic(expected = "`period` must be non-zero.")]
fn zero_period_panics() {
    paused_rt().block_on(async {
        let _ = time::interval(Duration::ZERO);
    });
}

#[test]
#[should_panic(expected = "`period` must be non-zero.")]
fn zero_period_panics_at() {
    paused_rt().block_on(async {
        let _ = time::interval_at(Instant::now(), Duration::ZERO);
    });
}

#[test]
fn interval_is_unpin() {
    fn unpin<T: Unpin>() {}
    unpin::<Interval>();
}
