//! `time::timeout`, `timeout_at`, `Timeout` and `error::Elapsed`.
#![cfg(all(
    feature = "rt",
    feature = "time",
    feature = "test-util",
    feature = "macros"
))]

use std::future::{pending, poll_fn, ready, Future};
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use weft::runtime::{Builder, Runtime};
use weft::time::{self, error::Elapsed, Duration, Instant};

fn rt() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

fn paused_rt() -> Runtime {
    Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .unwrap()
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[weft::test(start_paused = true)]
async fn ready_future_wins_even_with_zero_timeout() {
    assert_eq!(time::timeout(Duration::ZERO, ready(1)).await, Ok(1));
    assert_eq!(time::timeout_at(Instant::now(), ready(2)).await, Ok(2));
    let past = Instant::now() - ms(1);
    assert_eq!(time::timeout_at(past, ready(3)).await, Ok(3));
}

#[weft::test(start_paused = true)]
async fn pending_future_times_out_at_the_deadline() {
    let start = Instant::now();
    let res = time::timeout(ms(250), pending::<()>()).await;
    assert!(matches!(res, Err(Elapsed { .. })));
    assert_eq!(start.elapsed(), ms(250));

    let deadline = Instant::now() + ms(40);
    assert!(time::timeout_at(deadline, pending::<()>()).await.is_err());
    assert_eq!(Instant::now(), deadline);
}

#[weft::test(start_paused = true)]
async fn future_that_finishes_in_time() {
    let res = time::timeout(ms(100), async {
        time::sleep(ms(50)).await;
        "done"
    })
    .await;
    assert_eq!(res, Ok("done"));
}

#[weft::test]
async fn real_clock_timeout_is_not_early() {
    let start = std::time::Instant::now();
    assert!(time::timeout(ms(5), pending::<()>()).await.is_err());
    assert!(start.elapsed() >= ms(5));
}

#[weft::test(start_paused = true)]
async fn huge_duration_never_times_out() {
    let mut t = pin!(time::timeout(Duration::MAX, pending::<()>()));
    // No deadline: auto-advance has nothing to jump to, so poll by hand.
    let cx = &mut Context::from_waker(Waker::noop());
    assert!(t.as_mut().poll(cx).is_pending());
    time::advance(Duration::from_secs(86_400 * 365 * 100)).await;
    assert!(t.as_mut().poll(cx).is_pending());
}

#[weft::test(start_paused = true)]
async fn accessors() {
    let mut t = time::timeout(ms(1), ready(5));
    assert_eq!(t.get_ref().clone().await, 5);
    assert_eq!(t.get_mut().await, 5);
    let t = time::timeout(ms(1), ready(6));
    assert_eq!(t.into_inner().await, 6);
}

#[weft::test(start_paused = true)]
async fn elapsed_error() {
    let err = time::timeout(ms(1), pending::<()>()).await.unwrap_err();
    assert_eq!(err.to_string(), "deadline has elapsed");
    let io: std::io::Error = err.into();
    assert_eq!(io.kind(), std::io::ErrorKind::TimedOut);
}

#[test]
fn a_busy_future_still_times_out() {
    // A real clock: a task that is always runnable keeps a paused clock from
    // auto-advancing (as in Tokio), so its timeout would never come.
    rt().block_on(async {
        // The inner future spends the whole coop budget on every poll and
        // never finishes; the timeout must still fire.
        let busy = poll_fn(|cx| {
            while weft::task::coop::has_budget_remaining() {
                match weft::task::coop::poll_proceed(cx) {
                    Poll::Ready(r) => r.made_progress(),
                    Poll::Pending => break,
                }
            }
            cx.waker().wake_by_ref();
            Poll::<()>::Pending
        });
        let res = weft::spawn(time::timeout(ms(10), busy)).await.unwrap();
        assert!(res.is_err());
    });
}

#[test]
fn timeout_outside_a_runtime_panics() {
    let err = std::panic::catch_unwind(|| time::timeout(ms(1), ready(()))).unwrap_err();
    let msg = err.downcast_ref::<String>().cloned().unwrap_or_default();
    assert_eq!(
        msg,
        "there is no reactor running, must be called from the context of a Tokio 1.x runtime"
    );
}

#[test]
fn timeout_error_converts_with_question_mark() {
    async fn op() -> std::io::Result<()> {
        time::timeout(ms(1), pending::<()>()).await?;
        Ok(())
    }
    paused_rt().block_on(async {
        assert_eq!(op().await.unwrap_err().kind(), std::io::ErrorKind::TimedOut);
    });
}

#[test]
fn timeout_panic_points_at_the_caller() {
    let file = std::sync::Arc::new(std::sync::Mutex::new(None));
    let seen = file.clone();
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        *seen.lock().unwrap() = info.location().map(|l| l.file().to_string());
    }));
    let res = std::panic::catch_unwind(|| time::timeout(ms(1), ready(())));
    std::panic::set_hook(prev);
    assert!(res.is_err());
    assert_eq!(file.lock().unwrap().as_deref(), Some(file!()));
}
