//! Blocking a plain thread on a future, for the `blocking_*` methods.

use std::future::Future;

/// Runs `future` to completion on this thread, parking it while pending.
///
/// # Panics
///
/// With Tokio's message, if this thread drives a runtime: blocking it would
/// stall every task the runtime runs there.
#[track_caller]
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    match crate::runtime::context::try_enter_blocking_region() {
        Some(mut region) => region.block_on(future),
        None => panic!(
            "Cannot block the current thread from within a runtime. This \
             happens because a function attempted to block the current \
             thread while the thread is being used to drive asynchronous \
             tasks."
        ),
    }
}
