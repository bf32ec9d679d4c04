//! The report: criterion's estimates in, BENCHMARKS.md out.
//!
//! [`collect`] walks a criterion output directory for
//! `<group>/<function>/new/{benchmark.json, estimates.json}` and keeps each
//! benchmark's median; [`Table`] arranges them benchmark x flavor and derives
//! the ratios; [`render`] writes the Markdown. The `report` binary runs the
//! suite first; everything here is pure so it is unit-tested.

use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use crate::flavor::{self, ALL as FLAVORS};

/// One criterion result: a benchmark (group), a flavor (function) and the
/// median time of one iteration in nanoseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct Estimate {
    /// Benchmark name (criterion group id).
    pub benchmark: String,
    /// Runtime flavor (criterion function id).
    pub flavor: String,
    /// Median of the per-iteration time, nanoseconds.
    pub median_ns: f64,
}

/// Reads every `*/*/new/` result under `dir` (criterion's output directory).
/// Directories without both JSON files are skipped.
pub fn collect(dir: &Path) -> std::io::Result<Vec<Estimate>> {
    let mut out = Vec::new();
    for group in std::fs::read_dir(dir)? {
        let group = group?.path();
        if !group.is_dir() {
            continue;
        }
        for function in std::fs::read_dir(&group)? {
            let new = function?.path().join("new");
            let (Ok(benchmark), Ok(estimates)) = (
                std::fs::read_to_string(new.join("benchmark.json")),
                std::fs::read_to_string(new.join("estimates.json")),
            ) else {
                continue;
            };
            if let Some(e) = parse(&benchmark, &estimates) {
                out.push(e);
            }
        }
    }
    Ok(out)
}

/// Builds an [`Estimate`] from the two JSON files criterion writes per
/// benchmark (`None` if a field is missing).
pub fn parse(benchmark_json: &str, estimates_json: &str) -> Option<Estimate> {
    let benchmark: Value = serde_json::from_str(benchmark_json).ok()?;
    let estimates: Value = serde_json::from_str(estimates_json).ok()?;
    Some(Estimate {
        benchmark: benchmark["group_id"].as_str()?.to_owned(),
        flavor: benchmark["function_id"].as_str()?.to_owned(),
        median_ns: estimates["median"]["point_estimate"].as_f64()?,
    })
}

/// Medians arranged benchmark x flavor, benchmarks in the given order.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// Benchmark names, row order.
    pub rows: Vec<String>,
    /// (benchmark, flavor) -> median ns.
    pub cells: BTreeMap<(String, String), f64>,
}

/// A flavor's median and name: the fastest of a side, if any ran.
pub type Winner = Option<(f64, String)>;

/// The ratios of one benchmark; below 1.0 weft is faster.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Ratios {
    /// Best weft flavor / best peer flavor (Tokio or smol, any flavor).
    pub best: Option<f64>,
    /// weft-ct / tokio-ct.
    pub ct: Option<f64>,
    /// weft-mt / tokio-mt.
    pub mt: Option<f64>,
}

impl Table {
    /// Arranges `estimates`; rows follow `order` first, then any other
    /// benchmark found, alphabetically.
    pub fn new(estimates: &[Estimate], order: &[&str]) -> Table {
        let mut table = Table::default();
        for e in estimates {
            table
                .cells
                .insert((e.benchmark.clone(), e.flavor.clone()), e.median_ns);
        }
        let mut rows: Vec<String> = order
            .iter()
            .filter(|name| estimates.iter().any(|e| e.benchmark == **name))
            .map(|s| s.to_string())
            .collect();
        let mut others: Vec<String> = estimates
            .iter()
            .map(|e| e.benchmark.clone())
            .filter(|b| !order.contains(&b.as_str()))
            .collect();
        others.sort();
        others.dedup();
        rows.extend(others);
        table.rows = rows;
        table
    }

    /// The median of `benchmark` on `flavor`, if it ran.
    pub fn get(&self, benchmark: &str, flavor: &str) -> Option<f64> {
        self.cells
            .get(&(benchmark.to_owned(), flavor.to_owned()))
            .copied()
    }

    fn best_of(&self, benchmark: &str, flavors: &[&str]) -> Winner {
        flavors
            .iter()
            .filter_map(|f| self.get(benchmark, f).map(|t| (t, f.to_string())))
            .min_by(|a, b| a.0.total_cmp(&b.0))
    }

    /// The fastest weft flavor and the fastest peer flavor of `benchmark`.
    pub fn winners(&self, benchmark: &str) -> (Winner, Winner) {
        (
            self.best_of(benchmark, &[flavor::WEFT_MT, flavor::WEFT_CT]),
            self.best_of(
                benchmark,
                &[
                    flavor::TOKIO_MT,
                    flavor::TOKIO_CT,
                    flavor::SMOL_MT,
                    flavor::SMOL_LOCAL,
                ],
            ),
        )
    }

    /// The ratios of `benchmark`.
    pub fn ratios(&self, benchmark: &str) -> Ratios {
        let (weft, peer) = self.winners(benchmark);
        let div = |a: Option<f64>, b: Option<f64>| Some(a? / b?);
        Ratios {
            best: div(weft.map(|w| w.0), peer.map(|p| p.0)),
            ct: div(
                self.get(benchmark, flavor::WEFT_CT),
                self.get(benchmark, flavor::TOKIO_CT),
            ),
            mt: div(
                self.get(benchmark, flavor::WEFT_MT),
                self.get(benchmark, flavor::TOKIO_MT),
            ),
        }
    }
}

/// Geometric mean of the present values (`None` if there are none).
pub fn geomean(values: impl IntoIterator<Item = Option<f64>>) -> Option<f64> {
    let (sum, n) = values
        .into_iter()
        .flatten()
        .fold((0.0, 0usize), |(s, n), v| (s + v.ln(), n + 1));
    (n > 0).then(|| (sum / n as f64).exp())
}

/// A duration in the unit that keeps 3 significant digits readable.
pub fn format_ns(ns: f64) -> String {
    if ns < 1_000.0 {
        format!("{ns:.1} ns")
    } else if ns < 1_000_000.0 {
        format!("{:.2} µs", ns / 1_000.0)
    } else if ns < 1_000_000_000.0 {
        format!("{:.2} ms", ns / 1_000_000.0)
    } else {
        format!("{:.2} s", ns / 1_000_000_000.0)
    }
}

fn format_ratio(r: Option<f64>) -> String {
    match r {
        Some(r) if r <= 1.0 => format!("{r:.2}"),
        Some(r) => format!("**{r:.2}**"),
        None => "–".to_owned(),
    }
}

/// One flavor's idle-task memory, from the `task_memory` binary.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskMemory {
    /// Runtime flavor.
    pub flavor: String,
    /// Live bytes per idle task and allocations per spawn, or why the flavor
    /// did not run.
    pub per_task: Result<(f64, f64), String>,
}

/// Parses `task_memory --tsv` output.
pub fn parse_task_memory(tsv: &str) -> Vec<TaskMemory> {
    tsv.lines()
        .filter_map(|line| {
            let mut fields = line.split('\t');
            let flavor = fields.next()?.to_owned();
            let bytes = fields.next()?;
            let allocations = fields.next()?;
            let per_task = match (bytes.parse(), allocations.parse()) {
                (Ok(b), Ok(a)) => Ok((b, a)),
                _ => Err(fields.next().unwrap_or("did not run").to_owned()),
            };
            Some(TaskMemory { flavor, per_task })
        })
        .collect()
}

/// What the report says about the machine and the run.
#[derive(Debug, Clone, Default)]
pub struct RunInfo {
    /// `YYYY-MM-DD HH:MM UTC`.
    pub date: String,
    /// The arguments the report was run with (after `--`), if any.
    pub args: String,
    /// `std::thread::available_parallelism`.
    pub cores: usize,
    /// The kernel's default TCP congestion control
    /// (`net.ipv4.tcp_congestion_control`), if readable: it decides how
    /// `tcp_bulk` behaves over loopback.
    pub tcp_congestion: Option<String>,
    /// `rustc --version`.
    pub rustc: String,
    /// Criterion settings used, in words.
    pub settings: String,
    /// Free-form remark on the machine (e.g. "shared with other jobs").
    pub machine_note: Option<String>,
    /// Flavors that were skipped, with the reason.
    pub skipped: Vec<String>,
    /// A closing analysis written by a person (profiles, causes), appended.
    pub notes: Option<String>,
}

/// Writes BENCHMARKS.md.
pub fn render(table: &Table, memory: &[TaskMemory], info: &RunInfo) -> String {
    let mut md = String::new();
    let w = &mut md;
    let _ = writeln!(w, "# Benchmarks: weft vs Tokio vs smol\n");
    let _ = writeln!(
        w,
        "Generated by `cargo run -p weft-bench --release --example report{}` on {}: \
         {} cores (`available_parallelism`){}, {}. {}",
        if info.args.is_empty() {
            String::new()
        } else {
            format!(" -- {}", info.args)
        },
        info.date,
        info.cores,
        info.tcp_congestion
            .as_ref()
            .map_or(String::new(), |cc| format!(
                ", TCP congestion control `{cc}` (`net.ipv4.tcp_congestion_control`)"
            )),
        info.rustc,
        info.settings
    );
    if let Some(note) = &info.machine_note {
        let _ = writeln!(w, "\n{note}");
    }
    let _ = writeln!(
        w,
        "\nEach cell is criterion's median time for one iteration of the benchmark \
         (lower is better). Flavors: `weft-mt`/`tokio-mt` are the multi-thread \
         runtimes with 2 workers, `weft-ct`/`tokio-ct` the current-thread runtimes, \
         `smol-mt` an `async_executor::Executor` run by 2 threads, `smol-local` a \
         `LocalExecutor`. The fastest cell of each row is in bold.\n"
    );

    let _ = writeln!(w, "## Medians\n");
    let _ = write!(w, "| benchmark |");
    for f in FLAVORS {
        let _ = write!(w, " {f} |");
    }
    let _ = write!(w, "\n|---|");
    for _ in FLAVORS {
        let _ = write!(w, "---:|");
    }
    let _ = writeln!(w);
    for row in &table.rows {
        let fastest = table.best_of(row, &FLAVORS).map(|b| b.1);
        let _ = write!(w, "| {row} |");
        for f in FLAVORS {
            match table.get(row, f) {
                Some(t) if fastest.as_deref() == Some(f) => {
                    let _ = write!(w, " **{}** |", format_ns(t));
                }
                Some(t) => {
                    let _ = write!(w, " {} |", format_ns(t));
                }
                None => {
                    let _ = write!(w, " – |");
                }
            }
        }
        let _ = writeln!(w);
    }

    let _ = writeln!(w, "\n## Ratios (weft / peer; below 1.00 weft is faster)\n");
    let _ = writeln!(
        w,
        "`best` divides the faster weft flavor by the fastest Tokio or smol flavor; \
         `ct` is weft-ct / tokio-ct; `mt` is weft-mt / tokio-mt. Ratios above 1.00 \
         (weft slower) are in bold.\n"
    );
    let _ = writeln!(
        w,
        "| benchmark | fastest weft | fastest peer | best | ct | mt |"
    );
    let _ = writeln!(w, "|---|---|---|---:|---:|---:|");
    let mut all = Vec::new();
    for row in &table.rows {
        let r = table.ratios(row);
        all.push(r);
        let (weft, peer) = table.winners(row);
        let name = |x: Winner| x.map(|x| x.1).unwrap_or_else(|| "–".into());
        let _ = writeln!(
            w,
            "| {row} | {} | {} | {} | {} | {} |",
            name(weft),
            name(peer),
            format_ratio(r.best),
            format_ratio(r.ct),
            format_ratio(r.mt)
        );
    }
    let _ = writeln!(
        w,
        "| **geometric mean** | | | {} | {} | {} |",
        format_ratio(geomean(all.iter().map(|r| r.best))),
        format_ratio(geomean(all.iter().map(|r| r.ct))),
        format_ratio(geomean(all.iter().map(|r| r.mt)))
    );
    let _ = writeln!(
        w,
        "\nTargets (issue 3): every `best` ratio at most 1.00, their geometric mean \
         at most 0.80."
    );

    if !info.skipped.is_empty() {
        let _ = writeln!(w, "\nNot measured in this run:\n");
        for s in &info.skipped {
            let _ = writeln!(w, "- {s}");
        }
    }

    let _ = writeln!(w, "\n## Memory per idle task\n");
    let _ = writeln!(
        w,
        "Live heap bytes and allocations per spawned task whose future is pending \
         forever (an async block that counts its first poll, then awaits \
         `std::future::pending`), averaged over 10,000 tasks after each was polled \
         once, measured by a counting `#[global_allocator]` \
         (`bench/examples/task_memory.rs`). Target: weft no more than Tokio.\n"
    );
    let _ = writeln!(w, "| flavor | bytes per task | allocations per task |");
    let _ = writeln!(w, "|---|---:|---:|");
    for m in memory {
        match &m.per_task {
            Ok((bytes, allocations)) => {
                let _ = writeln!(w, "| {} | {bytes:.1} | {allocations:.2} |", m.flavor);
            }
            Err(why) => {
                let _ = writeln!(w, "| {} | – | – ({why}) |", m.flavor);
            }
        }
    }

    let _ = writeln!(w, "\n## Where weft falls short\n");
    let short: Vec<_> = table
        .rows
        .iter()
        .filter_map(|row| {
            let r = table.ratios(row).best?;
            (r > 1.0).then(|| (row, r, table.winners(row)))
        })
        .collect();
    if short.is_empty() {
        let _ = writeln!(
            w,
            "Nowhere in this run: every `best` ratio is at most 1.00."
        );
    } else {
        for (row, r, (weft, peer)) in short {
            let (weft, peer) = (weft.unwrap(), peer.unwrap());
            let _ = writeln!(
                w,
                "- `{row}`: {} ({}) vs {} ({}), {:.0}% slower.",
                weft.1,
                format_ns(weft.0),
                peer.1,
                format_ns(peer.0),
                (r - 1.0) * 100.0
            );
        }
    }
    if let Some(notes) = &info.notes {
        let _ = writeln!(w, "\n{}", notes.trim_end());
    }

    let _ = writeln!(w, "\n## How to reproduce\n");
    let _ = writeln!(
        w,
        "All commands run from the repository root, in release mode.\n\n\
         - The whole report (suite, memory, this file): \
         `cargo run -p weft-bench --release --example report`. Options: \
         `-- --measurement-time SECS` (default 2), `--filter REGEX` (criterion \
         filter on `benchmark/flavor`; other cells keep their last results), `--no-run` (re-render from the last \
         results), `--machine-note TEXT`, `--notes FILE` (appended under \"Where \
         weft falls short\"), `--out PATH`. Raw criterion results go to \
         `target/weft-report/criterion/<benchmark>/<flavor>/new/estimates.json`.\n\
         - One benchmark under plain criterion, e.g. all flavors of `yield_many`: \
         `cargo bench -p weft-bench --bench suite -- yield_many`; one cell: \
         `-- 'yield_many/weft-ct'`. The paused-clock benchmark needs weft's and \
         Tokio's `test-util` clocks, so it sits behind a feature of its own and \
         everything else measures the production configuration: \
         `cargo bench -p weft-bench --features paused-clock --bench paused_clock`.\n\
         - Memory per idle task: `cargo run -p weft-bench --release --example task_memory`.\n\
         - The spread of `tcp_bulk` transfer times over many connections, every \
         flavor and two blocking threads (the kernel's loopback path has a slow \
         mode that can last a whole connection): \
         `cargo run -p weft-bench --release --example tcp_bulk_spread -- 10 10`.\n\
         - A profile of one cell: build with `cargo bench -p weft-bench --bench suite \
         --no-run`, then `valgrind --tool=callgrind target/release/deps/suite-* \
         --bench --profile-time 5 'yield_many/weft-ct'` and \
         `callgrind_annotate callgrind.out.*`.\n\n\
         The benchmarks are in `bench/harness/suite/` (one `Benchmark` impl each, \
         generic over the runtime), the runtime adapters in `bench/harness/runtime/`."
    );
    md
}

/// `YYYY-MM-DD HH:MM UTC` for a Unix time (civil calendar, no time zone
/// database needed).
pub fn format_utc(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let secs = unix_secs % 86_400;
    // Howard Hinnant's days-to-civil algorithm.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02} UTC",
        secs / 3_600,
        secs % 3_600 / 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est(b: &str, f: &str, ns: f64) -> Estimate {
        Estimate {
            benchmark: b.into(),
            flavor: f.into(),
            median_ns: ns,
        }
    }

    #[test]
    fn parses_criterion_files() {
        let benchmark = r#"{"group_id":"yield_many","function_id":"weft-ct","value_str":null,
            "throughput":null,"full_id":"yield_many/weft-ct","directory_name":"yield_many/weft-ct",
            "title":"yield_many/weft-ct"}"#;
        let estimates = r#"{"mean":{"confidence_interval":{"confidence_level":0.95,
            "lower_bound":1.0,"upper_bound":3.0},"point_estimate":2.0,"standard_error":0.1},
            "median":{"confidence_interval":{"confidence_level":0.95,"lower_bound":1.0,
            "upper_bound":2.0},"point_estimate":1.5,"standard_error":0.1}}"#;
        assert_eq!(
            parse(benchmark, estimates),
            Some(est("yield_many", "weft-ct", 1.5))
        );
        assert_eq!(parse("{}", estimates), None);
    }

    #[test]
    fn ratios_pick_the_fastest_of_each_side() {
        let t = Table::new(
            &[
                est("a", "weft-mt", 8.0),
                est("a", "weft-ct", 6.0),
                est("a", "tokio-mt", 10.0),
                est("a", "tokio-ct", 12.0),
                est("a", "smol-local", 5.0),
            ],
            &["a"],
        );
        let r = t.ratios("a");
        assert_eq!(r.best, Some(6.0 / 5.0));
        assert_eq!(r.ct, Some(0.5));
        assert_eq!(r.mt, Some(0.8));
        assert_eq!(t.winners("a").1.unwrap().1, "smol-local");
    }

    #[test]
    fn missing_weft_flavor_leaves_its_ratio_empty() {
        let t = Table::new(
            &[est("a", "weft-ct", 1.0), est("a", "tokio-ct", 2.0)],
            &["a"],
        );
        assert_eq!(t.ratios("a").mt, None);
        assert_eq!(t.ratios("a").best, Some(0.5));
    }

    #[test]
    fn rows_follow_the_given_order_then_the_rest() {
        let t = Table::new(
            &[
                est("z", "weft-ct", 1.0),
                est("b", "weft-ct", 1.0),
                est("a", "weft-ct", 1.0),
            ],
            &["b", "missing"],
        );
        assert_eq!(t.rows, ["b", "a", "z"]);
    }

    #[test]
    fn geomean_skips_missing_values() {
        let g = geomean([Some(2.0), None, Some(8.0)]).unwrap();
        assert!((g - 4.0).abs() < 1e-12);
        assert_eq!(geomean([None]), None);
    }

    #[test]
    fn formats_durations_and_dates() {
        assert_eq!(format_ns(12.34), "12.3 ns");
        assert_eq!(format_ns(1_500.0), "1.50 µs");
        assert_eq!(format_ns(2_500_000.0), "2.50 ms");
        assert_eq!(format_utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_utc(1_795_304_100), "2026-11-21 23:35 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00 UTC");
    }

    #[test]
    fn task_memory_lines() {
        let m = parse_task_memory("weft-ct\t120.0\t1.00\nweft-mt\t-\t-\tnot built\n");
        assert_eq!(m[0].per_task, Ok((120.0, 1.0)));
        assert_eq!(m[1].per_task, Err("not built".to_owned()));
    }

    #[test]
    fn render_marks_losses_and_lists_them() {
        let t = Table::new(
            &[est("a", "weft-ct", 3.0), est("a", "tokio-ct", 2.0)],
            &["a"],
        );
        let md = render(&t, &[], &RunInfo::default());
        assert!(
            md.contains("| a | weft-ct | tokio-ct | **1.50** | **1.50** | – |"),
            "{md}"
        );
        assert!(md.contains("- `a`: weft-ct (3.0 ns) vs tokio-ct (2.0 ns), 50% slower."));
        assert!(md.contains("## How to reproduce"));
        // The report and task_memory are examples (they need the
        // dev-dependencies), and the text says how to run them.
        assert!(md.contains("`cargo run -p weft-bench --release --example report`"));
        assert!(md.contains("`cargo run -p weft-bench --release --example task_memory`"));
        assert!(!md.contains("congestion"), "nothing to say without a value");
    }

    #[test]
    fn header_names_the_congestion_control() {
        let info = RunInfo {
            cores: 2,
            tcp_congestion: Some("bbr".to_owned()),
            ..RunInfo::default()
        };
        let md = render(&Table::new(&[], &[]), &[], &info);
        assert!(
            md.contains("2 cores (`available_parallelism`), TCP congestion control `bbr`"),
            "{md}"
        );
    }
}
