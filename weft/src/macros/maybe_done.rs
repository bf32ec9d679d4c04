//! [`MaybeDone`]: a future together with its output once it has one, the
//! building block of `join!` and `try_join!`.
//!
//! `join!` polls several futures in turn and must keep each output until all
//! are done; a future that has finished must not be polled again. So each
//! future sits in a `MaybeDone`, which runs it to completion, stores the
//! output in place, and hands it out once at the end.
//!
//! States and transitions:
//!
//! ```text
//!  Future ──(1) inner future ready──> Done ──(2) take_output──> Gone
//! ```
//!
//! 1. [`Future::poll`] on `MaybeDone` polls the inner future; when it is
//!    ready the future is dropped and its output stored. Polling `Done` again
//!    is a no-op returning `Ready(())`.
//! 2. [`MaybeDone::take_output`] (or `take_err`/`take_ok`) moves the output
//!    out, leaving `Gone`. Polling `Gone` panics: it means `join!` was polled
//!    after it completed.

use pin_project_lite::pin_project;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

pin_project! {
    /// A future, or its output once it has completed (see the module doc).
    ///
    /// `repr(C)` gives it a fixed layout (tag, then the larger of the future
    /// and its output) with no niche packing: this makes the size of a
    /// `join!` future the same as with Tokio, which Tokio's own tests
    /// measure, and keeps the layout simple for Miri's aliasing checks
    /// when the variant is replaced while pinned.
    #[derive(Debug)]
    #[project = MaybeDoneProj]
    #[project_replace = MaybeDoneReplace]
    #[repr(C)]
    pub enum MaybeDone<F: Future> {
        /// Still running.
        Future { #[pin] future: F },
        /// Completed; the output waits to be taken.
        Done { output: F::Output },
        /// The output was taken.
        Gone,
    }
}

/// Wraps `future` (anything that converts into a future) in a [`MaybeDone`].
pub fn maybe_done<F: IntoFuture>(future: F) -> MaybeDone<F::IntoFuture> {
    MaybeDone::Future {
        future: future.into_future(),
    }
}

impl<F: Future> MaybeDone<F> {
    /// Takes the output if the future has completed and the output is still
    /// there, leaving `Gone`; `None` otherwise.
    pub fn take_output(self: Pin<&mut Self>) -> Option<F::Output> {
        if !matches!(*self, MaybeDone::Done { .. }) {
            return None;
        }
        match self.project_replace(MaybeDone::Gone) {
            MaybeDoneReplace::Done { output } => Some(output),
            _ => unreachable!("checked to be Done above"),
        }
    }
}

impl<T, E, F: Future<Output = Result<T, E>>> MaybeDone<F> {
    /// Takes the error if the future has completed with `Err`, leaving `Gone`.
    /// Leaves any other state unchanged and returns `None`.
    pub fn take_err(self: Pin<&mut Self>) -> Option<E> {
        if !matches!(*self, MaybeDone::Done { output: Err(_) }) {
            return None;
        }
        self.take_output().and_then(Result::err)
    }

    /// Takes the value if the future has completed with `Ok`, leaving `Gone`.
    /// Leaves any other state unchanged and returns `None`.
    pub fn take_ok(self: Pin<&mut Self>) -> Option<T> {
        if !matches!(*self, MaybeDone::Done { output: Ok(_) }) {
            return None;
        }
        self.take_output().and_then(Result::ok)
    }
}

impl<F: Future> Future for MaybeDone<F> {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let output = match self.as_mut().project() {
            MaybeDoneProj::Future { future } => ready!(future.poll(cx)),
            MaybeDoneProj::Done { .. } => return Poll::Ready(()),
            MaybeDoneProj::Gone => panic!("MaybeDone polled after value taken"),
        };
        self.set(MaybeDone::Done { output });
        Poll::Ready(())
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::task::Waker;

    #[test]
    fn runs_the_future_once_and_keeps_the_output() {
        let mut polls = 0;
        let fut = std::future::poll_fn(|_| {
            polls += 1;
            Poll::Ready(7)
        });
        {
            let mut slot = std::pin::pin!(maybe_done(fut));
            let mut cx = Context::from_waker(Waker::noop());
            assert!(slot.as_mut().take_output().is_none(), "not done yet");
            assert!(slot.as_mut().poll(&mut cx).is_ready());
            assert!(
                slot.as_mut().poll(&mut cx).is_ready(),
                "Done polls as ready"
            );
            assert_eq!(slot.as_mut().take_output(), Some(7));
            assert_eq!(slot.as_mut().take_output(), None, "taken once");
        }
        assert_eq!(polls, 1);
    }

    #[test]
    fn pending_future_stays_pending() {
        let mut slot = std::pin::pin!(maybe_done(std::future::pending::<u8>()));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(slot.as_mut().poll(&mut cx).is_pending());
        assert!(slot.as_mut().take_output().is_none());
    }

    #[test]
    #[should_panic(expected = "MaybeDone polled after value taken")]
    fn polling_gone_panics() {
        let mut slot = std::pin::pin!(maybe_done(async { 1 }));
        let mut cx = Context::from_waker(Waker::noop());
        let _ = slot.as_mut().poll(&mut cx);
        let _ = slot.as_mut().take_output();
        let _ = slot.as_mut().poll(&mut cx);
    }

    #[test]
    fn take_err_and_take_ok_only_take_their_side() {
        let mut cx = Context::from_waker(Waker::noop());
        let mut ok = std::pin::pin!(maybe_done(async { Ok::<u8, &str>(3) }));
        let _ = ok.as_mut().poll(&mut cx);
        assert_eq!(ok.as_mut().take_err(), None);
        assert_eq!(ok.as_mut().take_ok(), Some(3));

        let mut err = std::pin::pin!(maybe_done(async { Err::<u8, &str>("no") }));
        let _ = err.as_mut().poll(&mut cx);
        assert_eq!(err.as_mut().take_ok(), None);
        assert_eq!(err.as_mut().take_err(), Some("no"));
        assert_eq!(err.as_mut().take_err(), None);
    }

    #[test]
    fn layout_matches_tokio() {
        // Tag (4 bytes, repr(C)) + the larger of future and output.
        assert_eq!(
            std::mem::size_of::<MaybeDone<std::future::Ready<i32>>>(),
            12
        );
    }
}
