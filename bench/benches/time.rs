//! Timers, weft vs Tokio in one run: 10k concurrent short sleeps, 1 ms
//! sleeps in a row, 100k timers created and cancelled, on the real clock.
//! `cargo bench -p weft-bench --bench time`. The interval on a paused clock
//! is in `paused_clock.rs`: it needs the `test-util` clocks, which this
//! target must not measure.

use criterion::{criterion_group, criterion_main, Criterion};
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};
use std::time::Duration;

fn weft_rt() -> weft::runtime::Runtime {
    weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

fn tokio_rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

const SLEEPS: usize = 10_000;
const TIMERS: usize = 100_000;

fn concurrent_sleeps(c: &mut Criterion) {
    let mut g = c.benchmark_group("sleep_10k_concurrent_1ms");
    g.sample_size(10);
    let rt = weft_rt();
    g.bench_function("weft", |b| {
        b.iter(|| {
            rt.block_on(async {
                let handles: Vec<_> = (0..SLEEPS)
                    .map(|_| weft::spawn(weft::time::sleep(Duration::from_millis(1))))
                    .collect();
                for h in handles {
                    h.await.unwrap();
                }
            })
        })
    });
    let rt = tokio_rt();
    g.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let handles: Vec<_> = (0..SLEEPS)
                    .map(|_| tokio::spawn(tokio::time::sleep(Duration::from_millis(1))))
                    .collect();
                for h in handles {
                    h.await.unwrap();
                }
            })
        })
    });
    g.finish();
}

/// One task sleeping 1 ms ten times in a row: what a 1 ms sleep really
/// costs (Tokio's takes about 2 ms: whole-millisecond rounding twice).
fn sequential_sleeps(c: &mut Criterion) {
    let mut g = c.benchmark_group("sleep_1ms_x10_sequential");
    g.sample_size(10);
    let rt = weft_rt();
    g.bench_function("weft", |b| {
        b.iter(|| {
            rt.block_on(async {
                for _ in 0..10 {
                    weft::time::sleep(Duration::from_millis(1)).await;
                }
            })
        })
    });
    let rt = tokio_rt();
    g.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async {
                for _ in 0..10 {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            })
        })
    });
    g.finish();
}

fn create_and_cancel(c: &mut Criterion) {
    let mut g = c.benchmark_group("timer_create_cancel_100k");
    g.sample_size(10);
    let cx = &mut Context::from_waker(Waker::noop());
    let rt = weft_rt();
    g.bench_function("weft", |b| {
        b.iter(|| {
            rt.block_on(async {
                for i in 0..TIMERS {
                    let d = Duration::from_millis(1 + (i % 5000) as u64);
                    let mut s = pin!(weft::time::sleep(d));
                    assert!(s.as_mut().poll(cx).is_pending());
                }
            })
        })
    });
    let rt = tokio_rt();
    g.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async {
                for i in 0..TIMERS {
                    let d = Duration::from_millis(1 + (i % 5000) as u64);
                    let mut s = pin!(tokio::time::sleep(d));
                    assert!(s.as_mut().poll(cx).is_pending());
                }
            })
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    concurrent_sleeps,
    sequential_sleeps,
    create_and_cancel
);
criterion_main!(benches);
