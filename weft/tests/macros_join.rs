//! `join!` through the public API: forms, outputs, wake-ups, round-robin
//! fairness, `biased;`, coop and the size of its future.
#![cfg(feature = "macros")]

mod support {
    pub mod mock_task;
}

use futures::channel::oneshot;
use std::future::{pending, ready};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use support::mock_task;

#[weft::test]
async fn forms_and_trailing_commas() {
    assert_eq!(weft::join!(async { 1 },), (1,));
    assert_eq!(weft::join!(biased; async { 1 },), (1,));
    assert_eq!(weft::join!(async { 1 }), (1,));
    assert_eq!(weft::join!(biased; async { 1 }), (1,));
    assert_eq!(weft::join!(async { 1 }, async { "two" },), (1, "two"));
    assert_eq!(weft::join!(biased; async { 1 }, async { 2 }), (1, 2));
}

#[weft::test]
#[allow(clippy::unit_cmp)]
async fn empty_join_is_unit() {
    assert_eq!(weft::join!(), ());
    assert_eq!(weft::join!(biased;), ());
}

#[test]
fn waits_for_all_and_wakes_on_each() {
    let (tx1, rx1) = oneshot::channel::<&str>();
    let (tx2, rx2) = oneshot::channel::<u32>();
    let mut task = mock_task::spawn(async {
        weft::join!(async { rx1.await.unwrap() }, async { rx2.await.unwrap() })
    });
    assert!(task.poll().is_pending());
    tx2.send(123).unwrap();
    assert!(task.is_woken());
    assert!(task.poll().is_pending());
    tx1.send("hello").unwrap();
    assert!(task.is_woken());
    assert_eq!(task.poll(), Poll::Ready(("hello", 123)));
}

#[test]
fn completed_futures_are_not_polled_again() {
    let polls = Arc::new(Mutex::new(0));
    let counted = {
        let polls = polls.clone();
        std::future::poll_fn(move |_| {
            *polls.lock().unwrap() += 1;
            Poll::Ready(())
        })
    };
    let (tx, rx) = oneshot::channel::<()>();
    let mut task = mock_task::spawn(async { weft::join!(counted, rx) });
    assert!(task.poll().is_pending());
    assert!(task.poll().is_pending());
    tx.send(()).unwrap();
    assert!(task.poll().is_ready());
    assert_eq!(*polls.lock().unwrap(), 1);
}

type Log = Arc<Mutex<Vec<i32>>>;

async fn log_four_times(x: i32, log: Log) {
    for _ in 0..4 {
        log.lock().unwrap().push(x);
        weft::task::yield_now().await;
    }
}

#[weft::test]
async fn each_poll_starts_with_the_next_future() {
    let log = Log::default();
    weft::join!(
        log_four_times(1, log.clone()),
        log_four_times(2, log.clone()),
        log_four_times(3, log.clone()),
    );
    assert_eq!(*log.lock().unwrap(), [1, 2, 3, 2, 3, 1, 3, 1, 2, 1, 2, 3]);
}

#[weft::test]
async fn biased_polls_in_declaration_order() {
    let log = Log::default();
    weft::join!(
        biased;
        log_four_times(1, log.clone()),
        log_four_times(2, log.clone()),
        log_four_times(3, log.clone()),
    );
    assert_eq!(*log.lock().unwrap(), [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
}

/// Spends its whole budget five times; each time the task must yield, and the
/// rotation must then give the other future a turn.
async fn greedy(log: Log) -> usize {
    for round in 0..5 {
        for _ in 0..128 {
            weft::task::consume_budget().await;
        }
        log.lock().unwrap().push(round);
    }
    5
}

async fn modest(log: Log) -> usize {
    for _ in 0..5 {
        weft::task::consume_budget().await;
        log.lock().unwrap().push(100);
    }
    5
}

#[weft::test]
async fn a_greedy_future_does_not_starve_the_other() {
    let log = Log::default();
    let (a, b) = weft::join!(greedy(log.clone()), modest(log.clone()));
    assert_eq!((a, b), (5, 5));
    let log = log.lock().unwrap();
    let last_modest = log.iter().rposition(|&x| x == 100).unwrap();
    let last_greedy = log.iter().rposition(|&x| x == 4).unwrap();
    assert!(
        last_modest < last_greedy,
        "the modest future finished only after the greedy one: {log:?}"
    );
}

#[weft::test]
async fn into_future_arguments() {
    struct NotAFuture;
    impl std::future::IntoFuture for NotAFuture {
        type Output = u8;
        type IntoFuture = std::future::Ready<u8>;
        fn into_future(self) -> Self::IntoFuture {
            ready(4)
        }
    }
    assert_eq!(weft::join!(NotAFuture, async { 5 }), (4, 5));
}

#[weft::test]
async fn macro_internals_do_not_shadow_caller_names() {
    const COUNT: u32 = 2;
    let futures = 3;
    let rotation = 4;
    let (a, b) = weft::join!(async { COUNT }, async { futures + rotation });
    assert_eq!((a, b), (2, 7));
}

#[deny(unreachable_code)]
#[test]
fn uninhabited_output_is_not_unreachable_code() {
    use std::convert::Infallible;
    let mut task = mock_task::spawn(async { weft::join!(pending::<Infallible>(), async { 1 }) });
    assert!(task.poll().is_pending());
    let mut task =
        mock_task::spawn(async { weft::join!(biased; async { 1 }, pending::<Infallible>()) });
    assert!(task.poll().is_pending());
    let mut task = mock_task::spawn(async { weft::join!(pending::<Infallible>()) });
    assert!(task.poll().is_pending());
}

#[weft::test]
async fn many_futures() {
    let out = weft::join!(
        ready(0),
        ready(1),
        ready(2),
        ready(3),
        ready(4),
        ready(5),
        ready(6),
        ready(7),
        ready(8),
        ready(9),
        ready(10),
        ready(11),
        ready(12),
        ready(13),
        ready(14),
        ready(15),
        ready(16),
        ready(17),
        ready(18),
        ready(19),
        ready(20),
        ready(21),
        ready(22),
        ready(23),
        ready(24),
        ready(25),
        ready(26),
        ready(27),
        ready(28),
        ready(29),
        ready(30),
        ready(31),
        ready(32),
        ready(33),
        ready(34),
        ready(35),
        ready(36),
        ready(37),
        ready(38),
        ready(39),
        ready(40),
        ready(41),
        ready(42),
        ready(43),
        ready(44),
        ready(45),
        ready(46),
        ready(47),
        ready(48),
        ready(49),
        ready(50),
        ready(51),
        ready(52),
        ready(53),
        ready(54),
        ready(55),
        ready(56),
        ready(57),
        ready(58),
        ready(59),
        ready(60),
        ready(61),
        ready(62),
        ready(63),
    );
    assert_eq!(out.0 + out.31 + out.63, 94);
}

#[test]
fn works_when_the_crate_is_renamed() {
    use weft as tokio;
    let v = futures::executor::block_on(async { tokio::join!(async { 1 }, async { 2 }) });
    assert_eq!(v, (1, 2));
}

#[cfg(target_pointer_width = "64")]
#[test]
fn future_size_matches_tokio() {
    use futures::future;
    use std::mem::size_of_val;

    let fut = async {
        let ready = future::ready(0i32);
        weft::join!(ready)
    };
    assert_eq!(size_of_val(&fut), 32);
    let fut = async {
        let ready1 = future::ready(0i32);
        let ready2 = future::ready(0i32);
        weft::join!(ready1, ready2)
    };
    assert_eq!(size_of_val(&fut), 48);

    let fut = async {
        let ready = future::ready(0i32);
        weft::join!(biased; ready)
    };
    assert_eq!(size_of_val(&fut), 24);
    let fut = async {
        let ready1 = future::ready(0i32);
        let ready2 = future::ready(0i32);
        weft::join!(biased; ready1, ready2)
    };
    assert_eq!(size_of_val(&fut), 40);
}

/// `join!` over weft's own primitives, whose coop budget drives the rotation.
#[cfg(feature = "sync")]
mod with_weft_primitives {
    use std::sync::Arc;
    use weft::sync::{oneshot, Semaphore};

    async fn greedy(permits: Arc<Semaphore>) -> usize {
        let mut rounds = 0;
        for _ in 0..5 {
            for _ in 0..128 {
                let _permit = permits.clone().acquire_owned().await.unwrap();
            }
            rounds += 1;
        }
        rounds
    }

    async fn modest(permits: Arc<Semaphore>) -> usize {
        let mut runs = 0;
        for _ in 0..5 {
            let _permit = permits.clone().acquire_owned().await.unwrap();
            runs += 1;
        }
        runs
    }

    #[weft::test]
    async fn semaphore_users_take_turns() {
        let permits = Arc::new(Semaphore::new(1));
        let (a, b) = weft::join!(greedy(permits.clone()), modest(permits));
        assert_eq!((a, b), (5, 5));
    }

    #[weft::test(flavor = "multi_thread", worker_threads = 2)]
    async fn outputs_arrive_from_other_tasks() {
        let (tx1, rx1) = oneshot::channel();
        let (tx2, rx2) = oneshot::channel();
        weft::spawn(async move { tx2.send("b").unwrap() });
        weft::spawn(async move { tx1.send(1u8).unwrap() });
        let (a, b) = weft::join!(rx1, rx2);
        assert_eq!((a.unwrap(), b.unwrap()), (1, "b"));
        let both = weft::try_join!(async { Ok::<_, ()>(1) }, async { Ok(2) });
        assert_eq!(both, Ok((1, 2)));
    }
}
