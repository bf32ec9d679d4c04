//! Head-to-head benchmarks: weft against Tokio and smol, in the same run, on
//! the same machine (see BENCHMARKS.md at the repository root).
//!
//! - [`runtime`]: the runtime-under-test trait and one implementation per
//!   flavor (weft and Tokio multi-thread and current-thread, smol's
//!   `Executor` on two threads and its `LocalExecutor`).
//! - [`suite`]: the benchmarks, each written once, generic over the runtime.
//! - [`report`]: reads criterion's estimates and writes BENCHMARKS.md.
//!
//! `cargo bench -p weft-bench` runs the suite under criterion;
//! `cargo run -p weft-bench --release --bin report` runs it with short
//! measurement times and writes the report.

pub mod latch;
pub mod report;
pub mod runtime;
pub mod suite;
