//! `task_local!` and `LocalKey` through the public API.
#![cfg(feature = "rt")]

use futures::channel::oneshot;
use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::task::{Context, Poll};
use weft::runtime::{Builder, Runtime};

fn current_thread() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

#[cfg(feature = "rt-multi-thread")]
fn multi_thread() -> Runtime {
    Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

weft::task_local! {
    static REQ_ID: u32;
    /// Attributes and visibility are accepted.
    pub static NAME: String
}

#[cfg(feature = "rt-multi-thread")]
#[test]
fn value_visible_across_polls_and_threads() {
    for rt in [current_thread(), multi_thread()] {
        rt.block_on(async {
            let mut joins = Vec::new();
            for i in 0..50u32 {
                joins.push(weft::spawn(REQ_ID.scope(i, async move {
                    assert_eq!(REQ_ID.get(), i);
                    for _ in 0..3 {
                        weft::task::yield_now().await;
                        assert_eq!(REQ_ID.get(), i);
                    }
                    REQ_ID.with(|v| *v)
                })));
            }
            for (i, join) in joins.into_iter().enumerate() {
                assert_eq!(join.await.unwrap(), i as u32);
            }
        });
    }
}

#[test]
fn nested_scopes_restore_the_outer_value() {
    current_thread().block_on(REQ_ID.scope(1, async {
        assert_eq!(REQ_ID.get(), 1);
        REQ_ID
            .scope(2, async {
                assert_eq!(REQ_ID.get(), 2);
                weft::task::yield_now().await;
                assert_eq!(REQ_ID.get(), 2);
            })
            .await;
        assert_eq!(REQ_ID.get(), 1);
        let inner = REQ_ID.sync_scope(3, || REQ_ID.get());
        assert_eq!(inner, 3);
        assert_eq!(REQ_ID.get(), 1);
    }));
    assert!(REQ_ID.try_with(|_| ()).is_err());
}

#[test]
fn value_restored_after_a_panicking_poll() {
    current_thread().block_on(REQ_ID.scope(1, async {
        let mut inner = Box::pin(REQ_ID.scope(2, async {
            panic!("inner poll panics");
        }));
        let res = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let waker = std::task::Waker::noop();
            let _ = inner.as_mut().poll(&mut Context::from_waker(waker));
        }));
        assert!(res.is_err());
        assert_eq!(REQ_ID.get(), 1);
    }));
}

#[test]
fn spawned_tasks_do_not_inherit_the_value() {
    current_thread().block_on(REQ_ID.scope(7, async {
        let seen = weft::spawn(async { REQ_ID.try_get() }).await.unwrap();
        assert!(seen.is_err());
        assert_eq!(REQ_ID.get(), 7);
    }));
}

#[test]
fn with_outside_a_scope_panics_with_tokios_message() {
    let err = std::panic::catch_unwind(|| REQ_ID.with(|v| *v)).unwrap_err();
    let msg = err
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| err.downcast_ref::<String>().cloned())
        .unwrap();
    assert_eq!(
        msg,
        "cannot access a task-local storage value without setting it first"
    );
    let err = REQ_ID.try_with(|_| ()).unwrap_err();
    assert_eq!(err.to_string(), "task-local value not set");
    assert_eq!(format!("{err:?}"), "AccessError");
}

#[test]
fn value_available_while_an_aborted_future_is_dropped() {
    struct ReportOnDrop(Option<oneshot::Sender<u32>>);
    impl Future for ReportOnDrop {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            Poll::Pending
        }
    }
    impl Drop for ReportOnDrop {
        fn drop(&mut self) {
            let _ = self.0.take().unwrap().send(REQ_ID.get());
        }
    }
    current_thread().block_on(async {
        let (tx, rx) = oneshot::channel();
        let join = weft::spawn(REQ_ID.scope(42, ReportOnDrop(Some(tx))));
        weft::task::yield_now().await;
        join.abort();
        assert_eq!(rx.await.unwrap(), 42);
        assert!(join.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn value_available_while_a_completed_future_is_dropped() {
    struct ReadyThenReport(Option<oneshot::Sender<u32>>);
    impl Future for ReadyThenReport {
        type Output = ();
        fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
            Poll::Ready(())
        }
    }
    impl Drop for ReadyThenReport {
        fn drop(&mut self) {
            let _ = self.0.take().unwrap().send(REQ_ID.get());
        }
    }
    current_thread().block_on(async {
        let (tx, rx) = oneshot::channel();
        weft::spawn(REQ_ID.scope(5, ReadyThenReport(Some(tx))))
            .await
            .unwrap();
        assert_eq!(rx.await.unwrap(), 5);
    });
}

#[test]
fn take_value_removes_the_value() {
    current_thread().block_on(async {
        let mut fut = Box::pin(NAME.scope("x".to_string(), async {
            assert!(NAME.try_with(|_| ()).is_err());
            assert!(NAME.try_get().is_err());
        }));
        assert_eq!(fut.as_mut().take_value().as_deref(), Some("x"));
        assert_eq!(fut.as_mut().take_value(), None);
        fut.await;
    });
}

#[test]
fn debug_output() {
    let fut = REQ_ID.scope(3, async {});
    assert_eq!(format!("{fut:?}"), "TaskLocalFuture { value: 3 }");
    assert_eq!(format!("{:?}", REQ_ID), "LocalKey { .. }");
}

#[test]
#[should_panic(expected = "`TaskLocalFuture` polled after completion")]
fn polled_after_completion_panics() {
    let mut fut = Box::pin(REQ_ID.scope(1, async {}));
    let waker = std::task::Waker::noop();
    let mut cx = Context::from_waker(waker);
    assert!(fut.as_mut().poll(&mut cx).is_ready());
    let _ = fut.as_mut().poll(&mut cx);
}

/// The macro works when the crate is renamed (as Tokio users do:
/// `tokio = { package = "weft" }`): it only names `$crate` and `::std`.
mod renamed {
    extern crate weft as tokio;

    tokio::task_local! {
        static RENAMED: u8;
    }

    #[test]
    fn renamed_crate() {
        assert_eq!(RENAMED.sync_scope(4, || RENAMED.get()), 4);
    }
}

#[test]
fn scope_works_outside_any_runtime() {
    let v = futures::executor::block_on(
        REQ_ID.scope(11, async { poll_fn(|_| Poll::Ready(REQ_ID.get())).await }),
    );
    assert_eq!(v, 11);
}
