//! An interval ticking 10k times on a paused clock, weft vs Tokio in one
//! run: the cost of the auto-advancing test clock itself.
//! `cargo bench -p weft-bench --features paused-clock --bench paused_clock`.
//!
//! `start_paused` needs weft's and Tokio's `test-util`, which weft-bench turns
//! on only under its `paused-clock` feature (see bench/Cargo.toml), so that
//! the other benches and the report measure the production configuration.

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;

const TICKS: usize = 10_000;

fn paused_interval(c: &mut Criterion) {
    let mut g = c.benchmark_group("interval_10k_ticks_paused");
    g.sample_size(10);
    let rt = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    g.bench_function("weft", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut i = weft::time::interval(Duration::from_millis(1));
                for _ in 0..TICKS {
                    i.tick().await;
                }
            })
        })
    });
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap();
    g.bench_function("tokio", |b| {
        b.iter(|| {
            rt.block_on(async {
                let mut i = tokio::time::interval(Duration::from_millis(1));
                for _ in 0..TICKS {
                    i.tick().await;
                }
            })
        })
    });
    g.finish();
}

criterion_group!(benches, paused_interval);
criterion_main!(benches);
