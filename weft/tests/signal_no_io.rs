//! `signal` outside a runtime, or on a runtime without the I/O driver,
//! panics with Tokio's messages, at the caller's location.
#![cfg(all(feature = "full", unix))]

use weft::signal::unix::{signal, SignalKind};

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else {
        panic!("non-string panic payload")
    }
}

#[test]
fn no_runtime_panics() {
    let payload = std::panic::catch_unwind(|| {
        let _ = signal(SignalKind::hangup());
    })
    .unwrap_err();
    assert_eq!(
        panic_message(payload),
        "there is no reactor running, must be called from the context of a Tokio 1.x runtime"
    );
}

#[test]
fn runtime_without_io_panics() {
    let rt = weft::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let payload = std::panic::catch_unwind(|| {
        rt.block_on(async {
            // Even an invalid kind: the missing driver is reported first, as
            // in Tokio.
            let _ = signal(SignalKind::from_raw(-1));
        })
    })
    .unwrap_err();
    assert_eq!(
        panic_message(payload),
        "A Tokio 1.x context was found, but IO is disabled. Call `enable_io` on the runtime builder to enable IO."
    );
}

#[test]
fn ctrl_c_on_runtime_without_io_panics_when_polled() {
    let rt = weft::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    // Creating the future does nothing yet (it is an `async fn`).
    let fut = weft::signal::ctrl_c();
    let payload = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _ = rt.block_on(fut);
    }))
    .unwrap_err();
    assert!(panic_message(payload).contains("IO is disabled"));
}
