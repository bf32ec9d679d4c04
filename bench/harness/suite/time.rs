//! Timer benchmarks, on each runtime's own timer ([`TimeApi`]).

use super::Benchmark;
use crate::runtime::api::TimeApi;
use crate::runtime::{join_all, Rt};
use criterion::Bencher;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Waker};
use std::time::Duration;

/// Concurrent sleeping tasks in `timer_many_sleeps`.
pub const SLEEPERS: usize = 10_000;
/// Timers created and cancelled in `timer_create_cancel`.
pub const CANCELLED_TIMERS: usize = 100_000;

fn missing(reason: Option<&'static str>) -> Result<(), String> {
    reason.map_or(Ok(()), |r| Err(r.to_owned()))
}

/// 10,000 tasks each sleep 1 ms, and all are awaited: timer registration,
/// firing in bulk, and how late a 1 ms timer fires.
#[derive(Debug)]
pub struct TimerManySleeps;

impl Benchmark for TimerManySleeps {
    const NAME: &'static str = "timer_many_sleeps";

    fn applies<R: Rt>() -> Result<(), String> {
        missing(<R::Lib as TimeApi>::MISSING)
    }

    fn bench<R: Rt>(rt: &R, b: &mut Bencher<'_>) {
        b.iter(|| {
            rt.block_on(async {
                R::spawn(async {
                    let sleepers: Vec<_> = (0..SLEEPERS)
                        .map(|_| {
                            R::spawn(async {
                                <R::Lib as TimeApi>::sleep(Duration::from_millis(1)).await;
                            })
                        })
                        .collect();
                    join_all(sleepers).await;
                })
                .await
            })
        });
    }
}

/// Inside one task, 100,000 times: create a 1 s timer, poll it once (which
/// registers it with the driver), drop it (which cancels it).
#[derive(Debug)]
pub struct TimerCreateCancel;

impl Benchmark for TimerCreateCancel {
    const NAME: &'static str = "timer_create_cancel";

    fn applies<R: Rt>() -> Result<(), String> {
        missing(<R::Lib as TimeApi>::MISSING)
    }

    fn bench<R: Rt>(rt: &R, b: &mut Bencher<'_>) {
        b.iter(|| {
            rt.block_on(async {
                R::spawn(async {
                    let mut cx = Context::from_waker(Waker::noop());
                    for _ in 0..CANCELLED_TIMERS {
                        let sleep = pin!(<R::Lib as TimeApi>::sleep(Duration::from_secs(1)));
                        assert!(sleep.poll(&mut cx).is_pending());
                    }
                })
                .await
            })
        });
    }
}
