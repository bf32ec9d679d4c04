//! `sync::Barrier` through the public API and a runtime.
#![cfg(feature = "sync")]

mod sync_support;

use std::sync::Arc;
use sync_support::{block_on, spawn};
use weft::sync::Barrier;

#[test]
fn zero_does_not_block() {
    let b = Barrier::new(0);
    let mut w = spawn(b.wait());
    assert!(matches!(w.poll(), std::task::Poll::Ready(r) if r.is_leader()));
}

#[test]
fn two_and_reuse() {
    let b = Barrier::new(2);
    for _ in 0..3 {
        let mut w1 = spawn(b.wait());
        assert!(w1.poll().is_pending());
        let mut w2 = spawn(b.wait());
        let r2 = w2.poll();
        assert!(w1.is_woken());
        let r1 = w1.poll();
        match (r1, r2) {
            (std::task::Poll::Ready(a), std::task::Poll::Ready(b)) => {
                assert!(a.is_leader() != b.is_leader())
            }
            _ => panic!("both should be ready"),
        }
    }
}

#[test]
fn tasks_in_runtime() {
    block_on(async {
        let b = Arc::new(Barrier::new(10));
        let handles: Vec<_> = (0..10)
            .map(|_| {
                let b = b.clone();
                weft::spawn(async move { b.wait().await.is_leader() })
            })
            .collect();
        let mut leaders = 0;
        for h in handles {
            leaders += h.await.unwrap() as usize;
        }
        assert_eq!(leaders, 1);
    });
}

#[test]
fn generations_on_multi_thread_runtime() {
    sync_support::block_on_multi(async {
        let b = Arc::new(Barrier::new(4));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let b = b.clone();
                weft::spawn(async move {
                    let mut leads = 0;
                    for _ in 0..100 {
                        leads += b.wait().await.is_leader() as usize;
                    }
                    leads
                })
            })
            .collect();
        let mut leads = 0;
        for h in handles {
            leads += h.await.unwrap();
        }
        assert_eq!(leads, 100, "one leader per generation");
    });
}
