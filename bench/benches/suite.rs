//! `cargo bench -p weft-bench [-- <filter>]`: the whole suite under criterion.

// The harness is shared with the examples; each target uses part of it.
#[allow(dead_code)]
#[path = "../harness/runtime/mod.rs"]
mod runtime;
#[allow(dead_code)]
#[path = "../harness/suite/mod.rs"]
mod suite;

fn main() {
    let mut c = suite::quick_criterion(std::time::Duration::from_secs(2)).configure_from_args();
    suite::all(&mut c);
    c.final_summary();
}
