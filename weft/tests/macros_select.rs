//! `select!` through the public API: branch forms, patterns, preconditions,
//! `else`, `biased;`, fairness, coop budget and the size of its future.
#![cfg(feature = "macros")]

mod support {
    pub mod mock_task;
}

use futures::channel::{mpsc, oneshot};
use futures::StreamExt;
use std::cell::Cell;
use std::future::{pending, poll_fn, ready};
use std::task::Poll;
use support::mock_task;

async fn one() -> usize {
    1
}

async fn require_mutable(_: &mut i32) {}

async fn async_noop() {}

async fn async_never() -> ! {
    pending().await
}

#[weft::test]
async fn one_branch_forms() {
    let v = weft::select! { v = async { 1 } => v, };
    assert_eq!(v, 1);
    let v = weft::select! { v = async { 2 } => v };
    assert_eq!(v, 2);
    let v = weft::select! { v = async { 3 } => { v } };
    assert_eq!(v, 3);
    let v = weft::select! { v = one() => v };
    assert_eq!(v, 1);
    let fut = one();
    let v = weft::select! { v = fut => v };
    assert_eq!(v, 1);
}

#[weft::test]
async fn else_only() {
    assert_eq!(weft::select! { else => 1, }, 1);
    assert_eq!(weft::select! { biased; else => 2 }, 2);
}

#[weft::test]
async fn nested() {
    let v = weft::select! {
        x = async { 1 } => weft::select! {
            y = async { x + 1 } => y,
        },
    };
    assert_eq!(v, 2);
}

#[weft::test]
async fn only_the_winning_branch_runs() {
    let polled = Cell::new(0);
    let v = weft::select! {
        a = async { polled.set(polled.get() + 1); 1 } => a,
        b = async { polled.set(polled.get() + 1); 2 } => b,
    };
    assert_eq!(polled.get(), 1, "the first ready branch ends the select");
    assert!(v == 1 || v == 2);
}

#[weft::test]
async fn drop_in_future() {
    let s = "hello".to_string();
    let v = weft::select! {
        v = async { let v = one().await; drop(s); v } => v,
    };
    assert_eq!(v, 1);
}

#[weft::test]
async fn one_ready_branch_among_pending() {
    let (tx1, rx1) = oneshot::channel::<i32>();
    let (_tx2, rx2) = oneshot::channel::<i32>();
    tx1.send(1).unwrap();
    let v = weft::select! {
        res = rx1 => res.unwrap(),
        _ = rx2 => unreachable!(),
    };
    assert_eq!(v, 1);
}

#[weft::test]
async fn loop_over_streams_until_else() {
    let (tx1, mut rx1) = mpsc::unbounded::<i32>();
    let (tx2, mut rx2) = mpsc::unbounded::<i32>();
    weft::spawn(async move {
        tx2.unbounded_send(1).unwrap();
        weft::task::yield_now().await;
        tx1.unbounded_send(2).unwrap();
        weft::task::yield_now().await;
        tx2.unbounded_send(3).unwrap();
        weft::task::yield_now().await;
        drop((tx1, tx2));
    });

    let mut msgs = vec![];
    loop {
        weft::select! {
            Some(x) = rx1.next() => msgs.push(x),
            Some(y) = rx2.next() => msgs.push(y),
            else => break,
        }
    }
    msgs.sort_unstable();
    assert_eq!(msgs, [1, 2, 3]);
}

#[weft::test]
async fn unfinished_futures_survive_by_reference() {
    let (tx1, mut rx1) = oneshot::channel::<i32>();
    let (tx2, mut rx2) = oneshot::channel::<i32>();
    tx1.send(1).unwrap();
    tx2.send(2).unwrap();
    let sum = weft::select! {
        res = &mut rx1 => res.unwrap() + rx2.await.unwrap(),
        res = &mut rx2 => res.unwrap() + rx1.await.unwrap(),
    };
    assert_eq!(sum, 3);
}

#[weft::test]
async fn borrows_released_before_the_handler_runs() {
    let mut value = 234;
    weft::select! {
        _ = require_mutable(&mut value) => {},
        _ = async_noop() => { value += 5; },
    }
    assert!(value == 234 || value == 239);

    weft::select! {
        _ = require_mutable(&mut value) => {},
        _ = async_noop() => { value += 5; },
        else => { value += 27; },
    }
    assert!(value >= 234);
}

#[test]
fn mismatched_pattern_disables_the_branch() {
    let (tx, rx) = oneshot::channel();
    let mut polled = false;
    let f = poll_fn(|_| {
        assert!(!polled, "a completed branch was polled again");
        polled = true;
        Poll::Ready(None::<()>)
    });
    let mut task = mock_task::spawn(async {
        weft::select! {
            Some(_) = f => unreachable!(),
            ret = rx => ret.unwrap(),
        }
    });
    assert!(task.poll().is_pending());
    assert!(task.poll().is_pending());
    tx.send(1).unwrap();
    assert!(task.is_woken());
    assert_eq!(task.poll(), Poll::Ready(1));
}

#[test]
fn false_precondition_never_polls_the_branch() {
    // No type annotation: as with Tokio, the unconstrained output type falls
    // back to `()`.
    let f = poll_fn(|_| panic!("a disabled branch was polled"));
    let (tx, rx) = oneshot::channel();
    let mut task = mock_task::spawn(async {
        weft::select! {
            _ = f, if false => unreachable!(),
            _ = rx => (),
        }
    });
    assert!(task.poll().is_pending());
    tx.send(()).unwrap();
    assert!(task.is_woken());
    assert!(task.poll().is_ready());
}

#[test]
fn select_in_a_loop_joins_two_receivers() {
    let (tx1, mut rx1) = oneshot::channel();
    let (tx2, mut rx2) = oneshot::channel();
    let mut task = mock_task::spawn(async {
        let mut a = None;
        let mut b = None;
        while a.is_none() || b.is_none() {
            weft::select! {
                v1 = &mut rx1, if a.is_none() => a = Some(v1.unwrap()),
                v2 = &mut rx2, if b.is_none() => b = Some(v2.unwrap())
            }
        }
        (a.unwrap(), b.unwrap())
    });
    assert!(task.poll().is_pending());
    tx1.send(123).unwrap();
    assert!(task.is_woken());
    assert!(task.poll().is_pending());
    tx2.send(456).unwrap();
    assert!(task.is_woken());
    assert_eq!(task.poll(), Poll::Ready((123, 456)));
}

#[weft::test]
async fn pattern_mismatch_everywhere_runs_else() {
    let v = weft::select! {
        Some(v) = ready(None::<u8>) => v,
        Ok(v) = ready(Err::<u8, ()>(())) => v,
        else => 42,
    };
    assert_eq!(v, 42);
}

#[weft::test]
#[should_panic(expected = "all branches are disabled and there is no else branch")]
async fn all_disabled_without_else_panics() {
    weft::select! {
        Some(v) = ready(None::<u8>) => { let _ = v; }
        _ = async_noop(), if false => {}
    }
}

#[weft::test]
async fn handlers_run_in_the_callers_control_flow() {
    let mut seen = vec![];
    for i in 0..6 {
        weft::select! {
            biased;
            _ = ready(()), if i % 3 == 0 => continue,
            _ = ready(()), if i == 4 => break,
            _ = ready(()) => seen.push(i),
        }
    }
    assert_eq!(seen, [1, 2]);

    async fn early() -> u8 {
        weft::select! {
            v = ready(7) => if v > 0 { return v },
        }
        0
    }
    assert_eq!(early().await, 7);

    // A handler may await.
    let v = weft::select! { v = ready(1) => v + one().await };
    assert_eq!(v, 2);
}

#[weft::test]
async fn biased_polls_in_order() {
    let (_tx1, rx1) = oneshot::channel::<i32>();
    let (tx2, rx2) = oneshot::channel::<i32>();
    let (tx3, rx3) = oneshot::channel::<i32>();
    tx2.send(2).unwrap();
    tx3.send(3).unwrap();
    let v = weft::select! {
        biased;
        _ = rx1 => unreachable!(),
        res = rx2 => res.unwrap(),
        _ = rx3 => panic!("rx2 comes first under biased;"),
    };
    assert_eq!(v, 2);
}

#[weft::test]
async fn biased_eventually_ready() {
    use weft::task::yield_now;
    let one = async {};
    let two = async { yield_now().await };
    let three = async { yield_now().await };
    let mut count = 0u8;
    weft::pin!(one, two, three);
    loop {
        weft::select! {
            biased;
            _ = &mut two, if count < 2 => { count += 1; assert_eq!(count, 2); }
            _ = &mut three, if count < 3 => { count += 1; assert_eq!(count, 3); }
            _ = &mut one, if count < 1 => { count += 1; assert_eq!(count, 1); }
            else => break,
        }
    }
    assert_eq!(count, 3);
}

#[weft::test]
async fn unbiased_start_is_random() {
    // Both branches are always ready; each is chosen with probability 1/2, so
    // 200 rounds miss one of them with probability 2^-199.
    let mut wins = [0u32; 2];
    for _ in 0..200 {
        let i = weft::select! {
            i = ready(0) => i,
            i = ready(1) => i,
        };
        wins[i] += 1;
    }
    assert!(wins[0] > 0 && wins[1] > 0, "wins: {wins:?}");

    let mut biased_wins = [0u32; 2];
    for _ in 0..50 {
        let i = weft::select! {
            biased;
            i = ready(0) => i,
            i = ready(1) => i,
        };
        biased_wins[i] += 1;
    }
    assert_eq!(biased_wins, [50, 0]);
}

#[weft::test]
async fn sixty_four_branches() {
    let v = weft::select! {
        biased;
        _ = pending::<()>() => 0, _ = pending::<()>() => 1, _ = pending::<()>() => 2,
        _ = pending::<()>() => 3, _ = pending::<()>() => 4, _ = pending::<()>() => 5,
        _ = pending::<()>() => 6, _ = pending::<()>() => 7, _ = pending::<()>() => 8,
        _ = pending::<()>() => 9, _ = pending::<()>() => 10, _ = pending::<()>() => 11,
        _ = pending::<()>() => 12, _ = pending::<()>() => 13, _ = pending::<()>() => 14,
        _ = pending::<()>() => 15, _ = pending::<()>() => 16, _ = pending::<()>() => 17,
        _ = pending::<()>() => 18, _ = pending::<()>() => 19, _ = pending::<()>() => 20,
        _ = pending::<()>() => 21, _ = pending::<()>() => 22, _ = pending::<()>() => 23,
        _ = pending::<()>() => 24, _ = pending::<()>() => 25, _ = pending::<()>() => 26,
        _ = pending::<()>() => 27, _ = pending::<()>() => 28, _ = pending::<()>() => 29,
        _ = pending::<()>() => 30, _ = pending::<()>() => 31, _ = pending::<()>() => 32,
        _ = pending::<()>() => 33, _ = pending::<()>() => 34, _ = pending::<()>() => 35,
        _ = pending::<()>() => 36, _ = pending::<()>() => 37, _ = pending::<()>() => 38,
        _ = pending::<()>() => 39, _ = pending::<()>() => 40, _ = pending::<()>() => 41,
        _ = pending::<()>() => 42, _ = pending::<()>() => 43, _ = pending::<()>() => 44,
        _ = pending::<()>() => 45, _ = pending::<()>() => 46, _ = pending::<()>() => 47,
        _ = pending::<()>() => 48, _ = pending::<()>() => 49, _ = pending::<()>() => 50,
        _ = pending::<()>() => 51, _ = pending::<()>() => 52, _ = pending::<()>() => 53,
        _ = pending::<()>() => 54, _ = pending::<()>() => 55, _ = pending::<()>() => 56,
        _ = pending::<()>() => 57, _ = pending::<()>() => 58, _ = pending::<()>() => 59,
        _ = pending::<()>() => 60, _ = pending::<()>() => 61, _ = pending::<()>() => 62,
        v = ready(63) => v,
    };
    assert_eq!(v, 63);
}

#[deny(unreachable_code)]
#[weft::test]
async fn never_returning_branch() {
    let t = weft::select! {
        _ = async_never() => 0,
        v = one() => v,
    };
    assert_eq!(t, 1);
}

#[weft::test]
async fn mut_and_ref_patterns() {
    let v = async move {
        let ok = async { 1 };
        weft::pin!(ok);
        weft::select! {
            mut a = &mut ok => { a += 1; a }
        }
    }
    .await;
    assert_eq!(v, 2);

    weft::select! {
        Some(mut foo) = async { Some("1".to_string()) } => {
            assert_eq!(foo, "1");
            foo = "2".to_string();
            assert_eq!(foo, "2");
        },
    };
    weft::select! {
        Some(ref foo) = async { Some("1".to_string()) } => assert_eq!(*foo, "1"),
    };
    weft::select! {
        Some(ref mut foo) = async { Some("1".to_string()) } => {
            foo.push('2');
            assert_eq!(*foo, "12");
        },
    };
    weft::select! {
        (Some(mut a), ref b) = async { (Some(1), 2) } => { a += *b; assert_eq!(a, 3); }
    };
}

#[weft::test]
async fn or_patterns() {
    let v = weft::select! {
        Ok(v) | Err(v) = ready(Err::<u8, u8>(5)) => v,
    };
    assert_eq!(v, 5);
}

#[weft::test]
async fn into_future_and_temporaries() {
    struct NotAFuture;
    impl std::future::IntoFuture for NotAFuture {
        type Output = u8;
        type IntoFuture = std::future::Ready<u8>;
        fn into_future(self) -> Self::IntoFuture {
            ready(9)
        }
    }
    let v = weft::select! { v = NotAFuture => v };
    assert_eq!(v, 9);

    // The temporary lives as long as the select!.
    weft::select! {
        () = &mut ready(()) => {},
    }
}

#[weft::test]
async fn macro_internals_do_not_shadow_caller_names() {
    // Locals of the expansion are hygienic; its items (the output enum's
    // module) have names no caller uses.
    let start = 5u32;
    const BRANCHES: u32 = 6;
    const COUNT: u32 = 7;
    let index = 8u32;
    let disabled = 9u32;
    let futures = 10u32;
    let v = weft::select! {
        v = async { start + BRANCHES + COUNT + index + disabled + futures }, if disabled == 9 => v,
    };
    assert_eq!(v, 45);
}

#[weft::test]
async fn select_is_budget_aware() {
    const BUDGET: usize = 128;
    let task = || {
        Box::pin(async {
            weft::select! {
                biased;
                () = weft::task::coop::consume_budget() => {},
                () = ready(()) => {},
            }
        })
    };
    for _ in 0..BUDGET {
        assert!(futures::poll!(&mut task()).is_ready());
    }
    assert!(
        futures::poll!(&mut task()).is_pending(),
        "a select! must yield once the task's budget is spent"
    );
}

#[weft::test]
async fn works_when_the_crate_is_renamed() {
    use weft as tokio;
    let v = tokio::select! { v = ready(1) => v };
    assert_eq!(v, 1);
}

#[cfg(target_pointer_width = "64")]
#[test]
fn future_size_matches_tokio() {
    use std::mem::size_of_val;
    let fut = async {
        let ready = futures::future::ready(0i32);
        weft::select! { _ = ready => {} }
    };
    assert_eq!(size_of_val(&fut), 32);

    let fut = async {
        let ready1 = futures::future::ready(0i32);
        let ready2 = futures::future::ready(0i32);
        weft::select! { _ = ready1 => {}, _ = ready2 => {} }
    };
    assert_eq!(size_of_val(&fut), 40);

    let fut = async {
        let ready1 = futures::future::ready(0i32);
        let ready2 = futures::future::ready(0i32);
        let ready3 = futures::future::ready(0i32);
        weft::select! { _ = ready1 => {}, _ = ready2 => {}, _ = ready3 => {} }
    };
    assert_eq!(size_of_val(&fut), 48);
}

/// `select!` over weft's own channels and timers.
#[cfg(all(feature = "sync", feature = "time", feature = "test-util"))]
mod with_weft_primitives {
    use std::time::Duration;
    use weft::sync::{mpsc, oneshot};
    use weft::time::{sleep, Instant};

    #[weft::test(start_paused = true)]
    async fn timeout_branch_wins_over_a_silent_channel() {
        let (_tx, rx) = oneshot::channel::<u8>();
        let start = Instant::now();
        let v = weft::select! {
            v = rx => v.unwrap(),
            _ = sleep(Duration::from_secs(5)) => 0,
        };
        assert_eq!(v, 0);
        assert!(start.elapsed() >= Duration::from_secs(5));
    }

    #[weft::test(start_paused = true)]
    async fn false_precondition_skips_the_timer() {
        weft::select! {
            _ = sleep(Duration::from_millis(10)), if false => panic!("precondition ignored"),
            _ = async { 1u32 } => {}
        }
        weft::select! {
            biased;
            _ = sleep(Duration::from_millis(10)), if false => panic!("precondition ignored"),
            _ = async { 1u32 } => {}
        }
    }

    #[weft::test]
    async fn loop_over_weft_channels() {
        let (tx1, mut rx1) = mpsc::unbounded_channel::<i32>();
        let (tx2, mut rx2) = mpsc::channel::<i32>(1);
        weft::spawn(async move {
            tx2.send(1).await.unwrap();
            tx1.send(2).unwrap();
            tx2.send(3).await.unwrap();
        });
        let mut msgs = vec![];
        loop {
            weft::select! {
                Some(x) = rx1.recv() => msgs.push(x),
                Some(y) = rx2.recv() => msgs.push(y),
                else => break,
            }
        }
        msgs.sort_unstable();
        assert_eq!(msgs, [1, 2, 3]);
    }

    #[weft::test(flavor = "multi_thread", worker_threads = 2)]
    async fn wakes_from_another_worker() {
        let (tx, rx) = oneshot::channel();
        let (_keep, never) = oneshot::channel::<()>();
        weft::spawn(async move {
            weft::task::yield_now().await;
            tx.send(7u8).unwrap();
        });
        let v = weft::select! {
            v = rx => v.unwrap(),
            _ = never => unreachable!(),
        };
        assert_eq!(v, 7);
    }
}
