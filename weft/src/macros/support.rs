//! What the exported macros reach through `$crate::macros::support::...`.
//!
//! Macros expand in the user's crate, where weft may be named anything (a
//! Tokio program depends on it as `tokio`), and where the user's own names
//! may shadow std's. So every path a macro emits goes through `$crate` to
//! this module, never through `weft::` or a bare `std::`.
//!
//! Nothing here is public API: it is `#[doc(hidden)]` and may change.

pub use std::future::{poll_fn, Future, IntoFuture};
pub use std::pin::{pin, Pin};
pub use std::result::Result;
pub use std::task::{ready, Context, Poll};
pub use std::{panic, unreachable};

#[cfg(feature = "macros")]
pub use super::maybe_done::{maybe_done, MaybeDone};
#[cfg(feature = "macros")]
pub use super::rotation::{InOrder, RoundRobin};
#[cfg(feature = "macros")]
pub use weft_macros::{
    select_priv_clean_pattern, select_priv_declare_output_enum, select_priv_variant,
};

/// Where an unbiased `select!` starts polling: a random branch in `0..n`.
#[cfg(feature = "macros")]
#[inline]
pub fn random_start(n: u32) -> u32 {
    crate::runtime::context::thread_rng_n(n)
}

/// Where a `biased;` `select!` starts polling: always the first branch.
#[cfg(feature = "macros")]
#[inline]
pub fn biased_start(_n: u32) -> u32 {
    0
}

/// `Pending` if the current task's coop budget is spent (the task is woken
/// again after the scheduler has run others); `select!` checks it before
/// polling its branches, like every weft resource does.
#[cfg(feature = "macros")]
#[inline]
pub fn poll_budget_available(cx: &mut Context<'_>) -> Poll<()> {
    crate::task::coop::poll_budget_available(cx)
}
