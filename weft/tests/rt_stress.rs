//! Stress: tasks waking each other across workers for a stretch of wall time.
//!
//! One second by default so that CI stays fast; set `WEFT_STRESS_SECS=10`
//! for the long run the multi-thread issue asks for.
#![cfg(all(feature = "rt-multi-thread", feature = "sync"))]

use std::time::{Duration, Instant};
use weft::sync::mpsc;

fn duration() -> Duration {
    let secs = std::env::var("WEFT_STRESS_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    Duration::from_secs(secs)
}

#[test]
fn ping_pong_pairs_across_workers_lose_no_wakeup() {
    let rt = weft::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let deadline = Instant::now() + duration();
    let totals = rt.block_on(async move {
        let mut pairs = Vec::new();
        for _ in 0..64 {
            let (ping_tx, mut ping_rx) = mpsc::channel::<u64>(1);
            let (pong_tx, mut pong_rx) = mpsc::channel::<u64>(1);
            // The echo side: returns how many messages it echoed.
            let echo = weft::spawn(async move {
                let mut n = 0u64;
                while let Some(v) = ping_rx.recv().await {
                    pong_tx.send(v + 1).await.unwrap();
                    n += 1;
                }
                n
            });
            // The driving side: checks every reply, stops at the deadline.
            let driver = weft::spawn(async move {
                let mut sent = 0u64;
                while Instant::now() < deadline {
                    ping_tx.send(sent).await.unwrap();
                    assert_eq!(pong_rx.recv().await, Some(sent + 1));
                    sent += 1;
                }
                sent
            });
            pairs.push((driver, echo));
        }
        let mut totals = Vec::new();
        for (driver, echo) in pairs {
            let sent = driver.await.unwrap();
            let echoed = echo.await.unwrap();
            assert_eq!(sent, echoed, "every ping was answered exactly once");
            totals.push(sent);
        }
        totals
    });
    assert!(totals.iter().all(|&n| n > 0), "every pair made progress");
}

#[test]
fn spawn_storm_from_tasks_and_threads() {
    let rt = weft::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    let deadline = Instant::now() + duration();
    let mut rounds = 0;
    while Instant::now() < deadline {
        let n = rt.block_on(async {
            let joins: Vec<_> = (0..1000)
                .map(|i| weft::spawn(async move { weft::spawn(async move { i }).await.unwrap() }))
                .collect();
            let mut sum = 0u64;
            for j in joins {
                sum += j.await.unwrap();
            }
            sum
        });
        assert_eq!(n, 999 * 1000 / 2);
        rounds += 1;
    }
    assert!(rounds > 0);
}

/// Dropping a runtime whose workers are between a yield and the driver
/// poll that releases it: every worker sees the shutdown. (A worker once
/// consumed the shutdown notification in that zero-timeout poll and then
/// slept in the driver for good.)
#[test]
fn shutdown_during_deferred_yields_wakes_every_worker() {
    let deadline = Instant::now() + duration();
    let mut rounds = 0;
    while Instant::now() < deadline || rounds < 50 {
        rounds += 1;
        let rt = weft::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .build()
            .unwrap();
        for _ in 0..64 {
            rt.spawn(async {
                weft::task::yield_now().await;
                weft::task::yield_now().await;
                std::future::pending::<()>().await
            });
        }
        let (done_tx, done_rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            drop(rt);
            let _ = done_tx.send(());
        });
        // A bound on a hang, not a synchronisation: the drop takes
        // microseconds.
        done_rx
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("round {rounds}: dropping the runtime hung"));
    }
}
