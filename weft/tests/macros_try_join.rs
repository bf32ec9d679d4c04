//! `try_join!` through the public API: success, the first error short-circuits
//! (and drops the rest), fairness, `biased;` and the size of its future.
#![cfg(feature = "macros")]

mod support {
    pub mod mock_task;
}

use futures::channel::oneshot;
use std::convert::Infallible;
use std::future::{pending, ready};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::Poll;
use support::mock_task;

fn ok<T>(v: T) -> Result<T, ()> {
    Ok(v)
}

#[weft::test]
async fn forms_and_trailing_commas() {
    assert_eq!(weft::try_join!(async { ok(1) },), Ok((1,)));
    assert_eq!(weft::try_join!(biased; async { ok(1) },), Ok((1,)));
    assert_eq!(weft::try_join!(async { ok(1) }), Ok((1,)));
    assert_eq!(
        weft::try_join!(async { ok(1) }, async { ok("two") },),
        Ok((1, "two"))
    );
    assert_eq!(
        weft::try_join!(biased; async { ok(1) }, async { ok(2) }),
        Ok((1, 2))
    );
}

#[weft::test]
async fn empty_try_join_is_ok_unit() {
    assert_eq!(weft::try_join!() as Result<_, ()>, Ok(()));
    assert_eq!(weft::try_join!(biased;) as Result<_, ()>, Ok(()));
}

#[test]
fn waits_for_all_successes() {
    let (tx1, rx1) = oneshot::channel::<&str>();
    let (tx2, rx2) = oneshot::channel::<u32>();
    let mut task = mock_task::spawn(async { weft::try_join!(rx1, rx2) });
    assert!(task.poll().is_pending());
    tx2.send(123).unwrap();
    assert!(task.is_woken());
    assert!(task.poll().is_pending());
    tx1.send("hello").unwrap();
    assert!(task.is_woken());
    assert_eq!(task.poll(), Poll::Ready(Ok(("hello", 123))));
}

#[test]
fn first_error_returns_early() {
    let (tx1, rx1) = oneshot::channel::<&str>();
    let (tx2, rx2) = oneshot::channel::<u32>();
    let (_tx3, rx3) = oneshot::channel::<u32>();
    let mut task = mock_task::spawn(async { weft::try_join!(rx1, rx2, rx3) });
    assert!(task.poll().is_pending());
    tx2.send(123).unwrap();
    assert!(task.is_woken());
    assert!(task.poll().is_pending());
    drop(tx1);
    assert!(task.is_woken());
    let res = match task.poll() {
        Poll::Ready(res) => res,
        Poll::Pending => panic!("an error must end try_join! although rx3 is pending"),
    };
    assert!(res.is_err());
}

#[weft::test]
async fn error_drops_the_unfinished_futures() {
    struct CountDrop(Arc<AtomicUsize>);
    impl Drop for CountDrop {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let drops = Arc::new(AtomicUsize::new(0));
    let guard = CountDrop(drops.clone());
    let forever = async move {
        let _guard = guard;
        pending::<Result<(), &str>>().await
    };
    let res = weft::try_join!(forever, async { Err::<(), _>("boom") });
    assert_eq!(res, Err("boom"));
    assert_eq!(drops.load(Ordering::SeqCst), 1);
}

#[weft::test]
async fn later_futures_are_not_awaited_after_an_error() {
    let polled_after = Arc::new(AtomicUsize::new(0));
    let p = polled_after.clone();
    let res = weft::try_join!(
        biased;
        async { Err::<u8, u8>(1) },
        async move {
            p.fetch_add(1, Ordering::SeqCst);
            Ok(2)
        },
    );
    assert_eq!(res, Err(1));
    assert_eq!(
        polled_after.load(Ordering::SeqCst),
        0,
        "biased: the error came first"
    );
}

type Log = Arc<Mutex<Vec<i32>>>;

async fn log_four_times(x: i32, log: Log) -> Result<(), Infallible> {
    for _ in 0..4 {
        log.lock().unwrap().push(x);
        weft::task::yield_now().await;
    }
    Ok(())
}

#[weft::test]
async fn each_poll_starts_with_the_next_future() {
    let log = Log::default();
    weft::try_join!(
        log_four_times(1, log.clone()),
        log_four_times(2, log.clone()),
        log_four_times(3, log.clone()),
    )
    .unwrap();
    assert_eq!(*log.lock().unwrap(), [1, 2, 3, 2, 3, 1, 3, 1, 2, 1, 2, 3]);
}

#[weft::test]
async fn biased_polls_in_declaration_order() {
    let log = Log::default();
    weft::try_join!(
        biased;
        log_four_times(1, log.clone()),
        log_four_times(2, log.clone()),
        log_four_times(3, log.clone()),
    )
    .unwrap();
    assert_eq!(*log.lock().unwrap(), [1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3]);
}

#[weft::test]
async fn macro_internals_do_not_shadow_caller_names() {
    const COUNT: u32 = 2;
    let (tx, rx) = oneshot::channel::<u32>();
    weft::try_join!(async { tx.send(COUNT) }).unwrap();
    assert_eq!(rx.await.unwrap(), 2);
}

#[deny(unreachable_code)]
#[weft::test]
async fn uninhabited_ok_type() {
    let res = weft::try_join!(async { Err::<Infallible, _>(1) }, async { Ok(2) });
    assert_eq!(res, Err(1));
    let res = weft::try_join!(biased; async { Ok::<_, i32>(1) }, async { Err::<Infallible, _>(2) });
    assert_eq!(res, Err(2));
    let res = weft::try_join!(async { Err::<Infallible, i32>(1) });
    assert_eq!(res, Err(1));
}

#[deny(unreachable_code)]
#[weft::test]
async fn uninhabited_err_type() {
    let res = weft::try_join!(async { Ok::<_, Infallible>(1) }, async { Ok(2) });
    assert_eq!(res, Ok((1, 2)));
    let res = weft::try_join!(biased; async { Ok::<_, Infallible>(1) }, ready(Ok(2)));
    assert_eq!(res, Ok((1, 2)));
}

#[cfg(target_pointer_width = "64")]
#[test]
fn future_size_matches_tokio() {
    use futures::future;
    use std::mem::size_of_val;

    let fut = async {
        let ready = future::ready(ok(0i32));
        weft::try_join!(ready)
    };
    assert_eq!(size_of_val(&fut), 32);
    let fut = async {
        let ready1 = future::ready(ok(0i32));
        let ready2 = future::ready(ok(0i32));
        weft::try_join!(ready1, ready2)
    };
    assert_eq!(size_of_val(&fut), 48);

    let fut = async {
        let ready = future::ready(ok(0i32));
        weft::try_join!(biased; ready)
    };
    assert_eq!(size_of_val(&fut), 24);
    let fut = async {
        let ready1 = future::ready(ok(0i32));
        let ready2 = future::ready(ok(0i32));
        weft::try_join!(biased; ready1, ready2)
    };
    assert_eq!(size_of_val(&fut), 40);
}
