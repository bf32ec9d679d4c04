//! Channel and lock benchmarks, on each runtime's own primitives
//! ([`crate::runtime::api`]).

use super::Benchmark;
use crate::runtime::api::{MpscApi, MutexApi, OneshotApi, SemaphoreApi};
use crate::runtime::{join_all, Rt};
use criterion::Bencher;
use std::sync::Arc;
use weft_bench::latch::Latch;

/// Pairs in `ping_pong`.
pub const PING_PONG_PAIRS: usize = 1_000;
/// Producer tasks in the contended channel and lock benchmarks.
pub const PRODUCERS: usize = 5;
/// Messages (or lock acquisitions) per producer task.
pub const PER_PRODUCER: usize = 1_000;
/// Capacity of the bounded contended channel: small, so senders wait.
pub const BOUNDED_CAPACITY: usize = 64;
/// Messages through the uncontended channel.
pub const UNCONTENDED_MESSAGES: usize = 5_000;
/// Lock acquisitions in the uncontended lock benchmarks.
pub const UNCONTENDED_LOCKS: usize = 10_000;
/// Tasks and permits of `semaphore_contended`.
pub const SEMAPHORE_TASKS: usize = 8;
/// Permits of `semaphore_contended`.
pub const SEMAPHORE_PERMITS: usize = 2;

fn missing(reason: Option<&'static str>) -> Result<(), String> {
    reason.map_or(Ok(()), |r| Err(r.to_owned()))
}

/// 1,000 pairs of tasks exchanging one message each way through oneshot
/// channels; a latch reports the last pair done.
#[derive(Debug)]
pub struct PingPong;

impl Benchmark for PingPong {
    const NAME: &'static str = "ping_pong";

    fn applies<R: Rt>() -> Result<(), String> {
        missing(<R::Lib as OneshotApi>::MISSING)
    }

    fn bench<R: Rt>(rt: &R, b: &mut Bencher<'_>) {
        b.iter(|| {
            rt.block_on(async {
                let done = Latch::new(PING_PONG_PAIRS);
                let all = done.clone();
                R::detach(R::spawn(async move {
                    for _ in 0..PING_PONG_PAIRS {
                        let done = all.clone();
                        R::detach(R::spawn(async move {
                            let (ping_tx, ping_rx) = <R::Lib as OneshotApi>::oneshot::<()>();
                            let (pong_tx, pong_rx) = <R::Lib as OneshotApi>::oneshot::<()>();
                            R::detach(R::spawn(async move {
                                <R::Lib as OneshotApi>::recv(ping_rx).await;
                                <R::Lib as OneshotApi>::send(pong_tx, ());
                            }));
                            <R::Lib as OneshotApi>::send(ping_tx, ());
                            <R::Lib as OneshotApi>::recv(pong_rx).await;
                            done.count_down();
                        }));
                    }
                }));
                done.wait().await;
            })
        });
    }
}

/// 5 producer tasks send 1,000 messages each through a bounded channel of
/// capacity 64 to one consumer.
#[derive(Debug)]
pub struct MpscBoundedContended;

impl Benchmark for MpscBoundedContended {
    const NAME: &'static str = "mpsc_bounded_contended";

    fn applies<R: Rt>() -> Result<(), String> {
        missing(<R::Lib as MpscApi>::MISSING)
    }

    fn bench<R: Rt>(rt: &R, b: &mut Bencher<'_>) {
        b.iter(|| {
            rt.block_on(async {
                R::spawn(async {
                    let (tx, mut rx) = <R::Lib as MpscApi>::bounded::<usize>(BOUNDED_CAPACITY);
                    for _ in 0..PRODUCERS {
                        let tx = tx.clone();
                        R::detach(R::spawn(async move {
                            for i in 0..PER_PRODUCER {
                                <R::Lib as MpscApi>::send(&tx, i).await;
                            }
                        }));
                    }
                    drop(tx);
                    let mut received = 0;
                    while <R::Lib as MpscApi>::recv(&mut rx).await.is_some() {
                        received += 1;
                    }
                    assert_eq!(received, PRODUCERS * PER_PRODUCER);
                })
                .await
            })
        });
    }
}

/// As `mpsc_bounded_contended`, through an unbounded channel.
#[derive(Debug)]
pub struct MpscUnboundedContended;

impl Benchmark for MpscUnboundedContended {
    const NAME: &'static str = "mpsc_unbounded_contended";

    fn applies<R: Rt>() -> Result<(), String> {
        missing(<R::Lib as MpscApi>::MISSING)
    }

    fn bench<R: Rt>(rt: &R, b: &mut Bencher<'_>) {
        b.iter(|| {
            rt.block_on(async {
                R::spawn(async {
                    let (tx, mut rx) = <R::Lib as MpscApi>::unbounded::<usize>();
                    for _ in 0..PRODUCERS {
                        let tx = tx.clone();
                        R::detach(R::spawn(async move {
                            for i in 0..PER_PRODUCER {
                                <R::Lib as MpscApi>::send_unbounded(&tx, i);
                                if i % 64 == 63 {
                                    // Let the consumer run now and then, as a
                                    // producer doing real work would.
                                    R::yield_now().await;
                                }
                            }
                        }));
                    }
                    drop(tx);
                    let mut received = 0;
                    while <R::Lib as MpscApi>::recv_unbounded(&mut rx).await.is_some() {
                        received += 1;
                    }
                    assert_eq!(received, PRODUCERS * PER_PRODUCER);
                })
                .await
            })
        });
    }
}

/// One task sends 5,000 messages into a bounded channel with room for all,
/// then receives them: the channel's own cost, no waiting.
#[derive(Debug)]
pub struct MpscUncontended;

impl Benchmark for MpscUncontended {
    const NAME: &'static str = "mpsc_bounded_uncontended";

    fn applies<R: Rt>() -> Result<(), String> {
        missing(<R::Lib as MpscApi>::MISSING)
    }

    fn bench<R: Rt>(rt: &R, b: &mut Bencher<'_>) {
        b.iter(|| {
            rt.block_on(async {
                R::spawn(async {
                    let (tx, mut rx) = <R::Lib as MpscApi>::bounded::<usize>(UNCONTENDED_MESSAGES);
                    for i in 0..UNCONTENDED_MESSAGES {
                        <R::Lib as MpscApi>::send(&tx, i).await;
                    }
                    for _ in 0..UNCONTENDED_MESSAGES {
                        <R::Lib as MpscApi>::recv(&mut rx).await.expect("message");
                    }
                })
                .await
            })
        });
    }
}

/// One task locks and unlocks an async mutex 10,000 times.
#[derive(Debug)]
pub struct MutexUncontended;

impl Benchmark for MutexUncontended {
    const NAME: &'static str = "mutex_uncontended";

    fn applies<R: Rt>() -> Result<(), String> {
        missing(<R::Lib as MutexApi>::MISSING)
    }

    fn bench<R: Rt>(rt: &R, b: &mut Bencher<'_>) {
        b.iter(|| {
            rt.block_on(async {
                R::spawn(async {
                    let m = <R::Lib as MutexApi>::mutex(0);
                    for _ in 0..UNCONTENDED_LOCKS {
                        <R::Lib as MutexApi>::increment(&m).await;
                    }
                    assert_eq!(<R::Lib as MutexApi>::value(&m), UNCONTENDED_LOCKS as u64);
                })
                .await
            })
        });
    }
}

/// 5 tasks increment one shared counter behind an async mutex 1,000 times
/// each, yielding between increments so the tasks interleave.
#[derive(Debug)]
pub struct MutexContended;

impl Benchmark for MutexContended {
    const NAME: &'static str = "mutex_contended";

    fn applies<R: Rt>() -> Result<(), String> {
        missing(<R::Lib as MutexApi>::MISSING)
    }

    fn bench<R: Rt>(rt: &R, b: &mut Bencher<'_>) {
        b.iter(|| {
            rt.block_on(async {
                R::spawn(async {
                    let m = Arc::new(<R::Lib as MutexApi>::mutex(0));
                    let tasks: Vec<_> = (0..PRODUCERS)
                        .map(|_| {
                            let m = m.clone();
                            R::spawn(async move {
                                for _ in 0..PER_PRODUCER {
                                    <R::Lib as MutexApi>::increment(&m).await;
                                    R::yield_now().await;
                                }
                            })
                        })
                        .collect();
                    join_all(tasks).await;
                    assert_eq!(
                        <R::Lib as MutexApi>::value(&m),
                        (PRODUCERS * PER_PRODUCER) as u64
                    );
                })
                .await
            })
        });
    }
}

/// 8 tasks share 2 permits, 1,000 acquisitions each, yielding while holding
/// a permit so others must wait.
#[derive(Debug)]
pub struct SemaphoreContended;

impl Benchmark for SemaphoreContended {
    const NAME: &'static str = "semaphore_contended";

    fn applies<R: Rt>() -> Result<(), String> {
        missing(<R::Lib as SemaphoreApi>::MISSING)
    }

    fn bench<R: Rt>(rt: &R, b: &mut Bencher<'_>) {
        b.iter(|| {
            rt.block_on(async {
                R::spawn(async {
                    let s = Arc::new(<R::Lib as SemaphoreApi>::semaphore(SEMAPHORE_PERMITS));
                    let tasks: Vec<_> = (0..SEMAPHORE_TASKS)
                        .map(|_| {
                            let s = s.clone();
                            R::spawn(async move {
                                for _ in 0..PER_PRODUCER {
                                    <R::Lib as SemaphoreApi>::with_permit(&s, R::yield_now()).await;
                                }
                            })
                        })
                        .collect();
                    join_all(tasks).await;
                })
                .await
            })
        });
    }
}

/// One task acquires and releases a semaphore permit 10,000 times.
#[derive(Debug)]
pub struct SemaphoreUncontended;

impl Benchmark for SemaphoreUncontended {
    const NAME: &'static str = "semaphore_uncontended";

    fn applies<R: Rt>() -> Result<(), String> {
        missing(<R::Lib as SemaphoreApi>::MISSING)
    }

    fn bench<R: Rt>(rt: &R, b: &mut Bencher<'_>) {
        b.iter(|| {
            rt.block_on(async {
                R::spawn(async {
                    let s = <R::Lib as SemaphoreApi>::semaphore(1);
                    for _ in 0..UNCONTENDED_LOCKS {
                        <R::Lib as SemaphoreApi>::with_permit(&s, async {}).await;
                    }
                })
                .await
            })
        });
    }
}
