//! Head-to-head benchmarks: weft against Tokio and smol, in the same run, on
//! the same machine (see BENCHMARKS.md at the repository root).
//!
//! This library is the runtime-agnostic part, so that Tokio and smol stay
//! dev-dependencies:
//!
//! - [`report`]: reads criterion's estimates and writes BENCHMARKS.md.
//! - [`flavor`]: the names of the runtime flavors (the report's columns).
//! - [`latch`]: the runtime-neutral "all done" signal some benchmarks use.
//!
//! The rest needs weft, Tokio and smol, and so lives in targets that see
//! dev-dependencies: the runtime-under-test trait with one implementation per
//! flavor (`harness/runtime/`) and the benchmarks, each written once, generic
//! over the runtime (`harness/suite/`), which each target includes with
//! `#[path]`; `benches/` for criterion; `examples/report.rs` and
//! `examples/task_memory.rs`.
//!
//! `cargo bench -p weft-bench` runs the suite under criterion;
//! `cargo run -p weft-bench --release --example report` runs it with short
//! measurement times and writes the report.

pub mod flavor;
pub mod latch;
pub mod report;
