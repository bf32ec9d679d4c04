//! The benchmarks, each written once and run for every runtime flavor.
//!
//! A benchmark is a type implementing [`Benchmark`]; [`run`] builds each
//! flavor in turn and hands it to the benchmark as a criterion function of
//! the benchmark's group, so results land in
//! `<criterion dir>/<benchmark>/<flavor>/new/estimates.json`, which is what
//! the report reads. A flavor that cannot be built (weft's multi-thread
//! runtime before it exists) or that a benchmark does not apply to is skipped
//! with a note on stderr, and its cell in the report stays empty.
//!
//! Like the runtime adapters, this is not part of the library (it needs the
//! dev-dependencies): `benches/suite.rs` and `examples/report.rs` include it
//! as their `suite` module, next to `runtime`, with `#[path]`.

mod joinset;
mod net;
mod scheduler;
mod sync;
mod time;

pub use joinset::JoinSetSpawnJoin;
pub use net::{TcpBulk, TcpPingPong};
pub use scheduler::{
    BlockOnReady, ChainedSpawn, SpawnBlocking, SpawnManyLocal, SpawnManyRemoteBusy,
    SpawnManyRemoteIdle, YieldMany,
};
pub use sync::{
    MpscBoundedContended, MpscUnboundedContended, MpscUncontended, MutexContended,
    MutexUncontended, PingPong, SemaphoreContended, SemaphoreUncontended,
};
pub use time::{TimerCreateCancel, TimerManySleeps};

use crate::runtime::{Rt, SmolLocal, SmolMt, TokioCt, TokioMt, WeftCt, WeftMt};
use criterion::measurement::WallTime;
use criterion::{Bencher, BenchmarkGroup, Criterion};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One benchmark, generic over the runtime under test.
pub trait Benchmark {
    /// Criterion group name and the report's row name.
    const NAME: &'static str;

    /// Whether the benchmark can run on flavor `R`; `Err` says why not.
    fn applies<R: Rt>() -> Result<(), String> {
        Ok(())
    }

    /// Criterion samples per flavor, where the default of
    /// [`quick_criterion`] (10) is too few to find the median.
    const SAMPLES: Option<usize> = None;

    /// Measures one flavor. Called once per criterion sample batch, so
    /// set-up here is not timed; only what runs inside `b.iter` is.
    fn bench<R: Rt>(rt: &R, b: &mut Bencher<'_>);
}

/// Runs benchmark `B` for every flavor, as one criterion group.
pub fn run<B: Benchmark>(c: &mut Criterion) {
    let mut group = c.benchmark_group(B::NAME);
    if let Some(samples) = B::SAMPLES {
        group.sample_size(samples);
    }
    run_flavor::<B, WeftMt>(&mut group);
    run_flavor::<B, WeftCt>(&mut group);
    run_flavor::<B, TokioMt>(&mut group);
    run_flavor::<B, TokioCt>(&mut group);
    run_flavor::<B, SmolMt>(&mut group);
    run_flavor::<B, SmolLocal>(&mut group);
    group.finish();
}

/// A (benchmark, flavor) pair that did not run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Benchmark name.
    pub benchmark: &'static str,
    /// Flavor name.
    pub flavor: &'static str,
    /// Why it did not run.
    pub reason: String,
}

static SKIPPED: Mutex<Vec<Skipped>> = Mutex::new(Vec::new());

/// Everything skipped so far in this process, in run order.
pub fn skipped() -> Vec<Skipped> {
    SKIPPED.lock().unwrap().clone()
}

fn skip(benchmark: &'static str, flavor: &'static str, reason: String) {
    eprintln!("note: {benchmark}/{flavor} skipped: {reason}");
    SKIPPED.lock().unwrap().push(Skipped {
        benchmark,
        flavor,
        reason,
    });
}

/// The cell being measured and when it started, for a watchdog.
static CURRENT: Mutex<Option<(String, Instant)>> = Mutex::new(None);

/// The cell being measured (`benchmark/flavor`) and for how long, if any.
pub fn current() -> Option<(String, Duration)> {
    CURRENT
        .lock()
        .unwrap()
        .as_ref()
        .map(|(cell, since)| (cell.clone(), since.elapsed()))
}

fn run_flavor<B: Benchmark, R: Rt>(group: &mut BenchmarkGroup<'_, WallTime>) {
    if let Err(why) = B::applies::<R>() {
        return skip(B::NAME, R::NAME, why);
    }
    match R::new() {
        Ok(rt) => {
            *CURRENT.lock().unwrap() = Some((format!("{}/{}", B::NAME, R::NAME), Instant::now()));
            group.bench_function(R::NAME, |b| B::bench(&rt, b));
            *CURRENT.lock().unwrap() = None;
        }
        Err(why) => skip(
            B::NAME,
            R::NAME,
            format!("the runtime does not build ({why})"),
        ),
    }
}

/// Benchmark names in report row order (the order [`all`] runs them).
pub const ORDER: &[&str] = &[
    SpawnManyLocal::NAME,
    SpawnManyRemoteIdle::NAME,
    SpawnManyRemoteBusy::NAME,
    YieldMany::NAME,
    ChainedSpawn::NAME,
    BlockOnReady::NAME,
    SpawnBlocking::NAME,
    PingPong::NAME,
    MpscBoundedContended::NAME,
    MpscUnboundedContended::NAME,
    MpscUncontended::NAME,
    MutexContended::NAME,
    MutexUncontended::NAME,
    SemaphoreContended::NAME,
    SemaphoreUncontended::NAME,
    TimerManySleeps::NAME,
    TimerCreateCancel::NAME,
    JoinSetSpawnJoin::NAME,
    TcpPingPong::NAME,
    TcpBulk::NAME,
];

/// Every benchmark of the suite, in report row order.
pub fn all(c: &mut Criterion) {
    run::<SpawnManyLocal>(c);
    run::<SpawnManyRemoteIdle>(c);
    run::<SpawnManyRemoteBusy>(c);
    run::<YieldMany>(c);
    run::<ChainedSpawn>(c);
    run::<BlockOnReady>(c);
    run::<SpawnBlocking>(c);
    run::<PingPong>(c);
    run::<MpscBoundedContended>(c);
    run::<MpscUnboundedContended>(c);
    run::<MpscUncontended>(c);
    run::<MutexContended>(c);
    run::<MutexUncontended>(c);
    run::<SemaphoreContended>(c);
    run::<SemaphoreUncontended>(c);
    run::<TimerManySleeps>(c);
    run::<TimerCreateCancel>(c);
    run::<JoinSetSpawnJoin>(c);
    run::<TcpPingPong>(c);
    run::<TcpBulk>(c);
}

/// Criterion settings that keep the whole suite within a few minutes on 2
/// cores: few samples, short warm-up and measurement. Command-line flags
/// (`--measurement-time`, `--sample-size`, ...) still override them under
/// `cargo bench`.
pub fn quick_criterion(measurement: Duration) -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(measurement / 4)
        .measurement_time(measurement)
        .nresamples(10_000)
        .without_plots()
}
