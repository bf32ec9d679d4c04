//! JoinSet and LocalSet, weft vs Tokio in one run: spawn 10k tasks into a
//! `JoinSet` and collect them with `join_next` (current-thread and
//! multi-thread runtimes), and 10k `spawn_local` tasks on a `LocalSet`.
//! `cargo bench -p weft-bench --bench join_set`.

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;

const TASKS: usize = 10_000;

fn weft_rt(multi: bool) -> weft::runtime::Runtime {
    if multi {
        weft::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap()
    } else {
        weft::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }
}

fn tokio_rt(multi: bool) -> tokio::runtime::Runtime {
    if multi {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }
}

fn join_set_10k(c: &mut Criterion) {
    for multi in [false, true] {
        let name = if multi {
            "join_set_10k_multi_thread"
        } else {
            "join_set_10k_current_thread"
        };
        let mut g = c.benchmark_group(name);
        g.sample_size(10).measurement_time(Duration::from_secs(2));
        let rt = weft_rt(multi);
        g.bench_function("weft", |b| {
            b.iter(|| {
                rt.block_on(async {
                    let mut set = weft::task::JoinSet::new();
                    for i in 0..TASKS {
                        set.spawn(async move { i });
                    }
                    let mut sum = 0;
                    while let Some(res) = set.join_next().await {
                        sum += res.unwrap();
                    }
                    assert_eq!(sum, TASKS * (TASKS - 1) / 2);
                })
            })
        });
        let rt = tokio_rt(multi);
        g.bench_function("tokio", |b| {
            b.iter(|| {
                rt.block_on(async {
                    let mut set = tokio::task::JoinSet::new();
                    for i in 0..TASKS {
                        set.spawn(async move { i });
                    }
                    let mut sum = 0;
                    while let Some(res) = set.join_next().await {
                        sum += res.unwrap();
                    }
                    assert_eq!(sum, TASKS * (TASKS - 1) / 2);
                })
            })
        });
        g.finish();
    }
}

fn local_set_10k(c: &mut Criterion) {
    let mut g = c.benchmark_group("local_set_spawn_local_10k");
    g.sample_size(10).measurement_time(Duration::from_secs(2));
    let rt = weft_rt(false);
    g.bench_function("weft", |b| {
        b.iter(|| {
            let local = weft::task::LocalSet::new();
            local.block_on(&rt, async {
                let counter = std::rc::Rc::new(std::cell::Cell::new(0));
                let handles: Vec<_> = (0..TASKS)
                    .map(|_| {
                        let c = counter.clone();
                        weft::task::spawn_local(async move { c.set(c.get() + 1) })
                    })
                    .collect();
                for h in handles {
                    h.await.unwrap();
                }
                assert_eq!(counter.get(), TASKS);
            })
        })
    });
    let rt = tokio_rt(false);
    g.bench_function("tokio", |b| {
        b.iter(|| {
            let local = tokio::task::LocalSet::new();
            local.block_on(&rt, async {
                let counter = std::rc::Rc::new(std::cell::Cell::new(0));
                let handles: Vec<_> = (0..TASKS)
                    .map(|_| {
                        let c = counter.clone();
                        tokio::task::spawn_local(async move { c.set(c.get() + 1) })
                    })
                    .collect();
                for h in handles {
                    h.await.unwrap();
                }
                assert_eq!(counter.get(), TASKS);
            })
        })
    });
    g.finish();
}

criterion_group!(benches, join_set_10k, local_set_10k);
criterion_main!(benches);
