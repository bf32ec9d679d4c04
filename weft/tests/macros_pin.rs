//! `pin!` in both forms, with `!Unpin` futures.
#![cfg(feature = "macros")]

use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::task::{Context, Poll};

async fn one() -> u8 {
    1
}

async fn two() -> u8 {
    2
}

#[weft::test]
async fn let_form_pins_several() {
    weft::pin! {
        let f1 = one();
        let f2 = two();
    }
    assert_eq!((&mut f1).await + (&mut f2).await, 3);
}

#[weft::test]
async fn list_form_pins_existing_variables() {
    let a = one();
    let b = two();
    weft::pin!(a, b);
    let a: Pin<&mut _> = a;
    assert_eq!(a.await + b.await, 3);
}

/// A future that is `!Unpin` and checks that it was not moved between polls.
struct StaysPut {
    addr: Option<usize>,
    polls: u8,
    _pinned: PhantomPinned,
}

impl Future for StaysPut {
    type Output = u8;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u8> {
        // SAFETY: only plain fields are written; nothing is moved out.
        let this = unsafe { self.get_unchecked_mut() };
        let here = this as *const StaysPut as usize;
        assert_eq!(*this.addr.get_or_insert(here), here, "moved while pinned");
        this.polls += 1;
        if this.polls == 3 {
            Poll::Ready(this.polls)
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

#[weft::test]
async fn unpin_is_not_required() {
    let fut = StaysPut {
        addr: None,
        polls: 0,
        _pinned: PhantomPinned,
    };
    weft::pin!(fut);
    assert_eq!(fut.as_mut().await, 3);
}

#[test]
fn usable_without_a_runtime_and_when_renamed() {
    use weft as tokio;
    let fut = async { 5 };
    tokio::pin!(fut);
    assert_eq!(futures::executor::block_on(fut), 5);
}
