//! Deliveries that arrive before the listener looks are coalesced into one
//! notification, and the next signal after that is reported again.
//!
//! One test in this file on purpose: with no other runtime in the process,
//! only this runtime's driver reads the self-pipe, so the number of
//! broadcasts is exact.
#![cfg(all(feature = "full", unix))]

use std::task::{Context, Waker};
use weft::signal::unix::{signal, SignalKind};

fn raise(signum: libc::c_int) {
    // SAFETY: raise(3) with a signal the test installed a handler for; the
    // handler runs on this thread before `raise` returns.
    let rc = unsafe { libc::raise(signum) };
    assert_eq!(rc, 0);
}

#[weft::test]
async fn signals_before_recv_coalesce_and_later_ones_are_reported() {
    let mut sig = signal(SignalKind::user_defined1()).unwrap();
    let mut cx = Context::from_waker(Waker::noop());

    raise(libc::SIGUSR1);
    raise(libc::SIGUSR1);
    raise(libc::SIGUSR1);
    assert_eq!(sig.recv().await, Some(()));
    // The driver drained all three bytes before broadcasting once.
    assert!(
        sig.poll_recv(&mut cx).is_pending(),
        "three signals before recv make one notification"
    );

    raise(libc::SIGUSR1);
    assert_eq!(sig.recv().await, Some(()));
    assert!(sig.poll_recv(&mut cx).is_pending());
}
