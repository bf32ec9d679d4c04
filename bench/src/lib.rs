//! Head-to-head benchmarks (see BENCHMARKS.md).
