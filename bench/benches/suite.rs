//! `cargo bench -p weft-bench [-- <filter>]`: the whole suite under criterion.

fn main() {
    let mut c =
        weft_bench::suite::quick_criterion(std::time::Duration::from_secs(2)).configure_from_args();
    weft_bench::suite::all(&mut c);
    c.final_summary();
}
