//! Utilities for tracking time.
//!
//! - [`Sleep`] ([`sleep`], [`sleep_until`]): a future that completes at an
//!   [`Instant`].
//! - [`Interval`] ([`interval`], [`interval_at`]): ticks at a fixed period.
//! - [`Timeout`] ([`timeout`], [`timeout_at`]): bounds the time a future may
//!   take; it is dropped (cancelled) if it does not finish in time.
//!
//! These must be created inside a runtime built with timers enabled
//! ([`enable_time`](crate::runtime::Builder::enable_time) or
//! [`enable_all`](crate::runtime::Builder::enable_all)). Timers have a
//! resolution of one millisecond; deadlines round up, never down.
//!
//! With the `test-util` feature, the runtime's clock can be paused and
//! advanced ([`pause`], [`advance`], [`resume`]); a paused clock jumps to
//! the next timer whenever the runtime is idle.
//!
//! ```
//! use weft::time::{self, Duration};
//!
//! # let rt = weft::runtime::Builder::new_current_thread().enable_all().build().unwrap();
//! # rt.block_on(async {
//! // Wait 10 ms.
//! time::sleep(Duration::from_millis(10)).await;
//!
//! // Give an operation at most a second.
//! let res = time::timeout(Duration::from_secs(1), async { "done" }).await;
//! assert_eq!(res, Ok("done"));
//!
//! // Run something every 5 ms, three times.
//! let mut interval = time::interval(Duration::from_millis(5));
//! for _ in 0..3 {
//!     interval.tick().await;
//! }
//! # });
//! ```

#[cfg(feature = "test-util")]
mod clock;
#[cfg(feature = "test-util")]
pub use clock::{advance, pause, resume};

pub mod error;

mod instant;
pub use instant::Instant;

mod interval;
pub use interval::{interval, interval_at, Interval, MissedTickBehavior};

mod sleep;
pub use sleep::{sleep, sleep_until, Sleep};

mod timeout;
pub use timeout::{timeout, timeout_at, Timeout};

// Re-export for convenience.
#[doc(no_inline)]
pub use std::time::Duration;

/// Caps a delay at about 30 years, so that `now + delay` cannot overflow
/// `Instant` on any platform (Tokio does the same).
fn safe_delay(duration: Duration) -> Duration {
    duration.min(Duration::from_secs(86_400 * 365 * 30))
}
