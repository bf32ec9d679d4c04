//! `cargo run -p weft-bench --release --example report [-- OPTIONS]`: runs
//! the suite with short criterion settings, measures idle-task memory (the
//! `task_memory` example), and writes BENCHMARKS.md at the repository root.
//! See `--help`.
//!
//! An example rather than a binary because the suite needs weft, Tokio and
//! smol, which are dev-dependencies of weft-bench.

// The harness is shared with the benches; each target uses part of it.
#[allow(dead_code)]
#[path = "../harness/runtime/mod.rs"]
mod runtime;
#[allow(dead_code)]
#[path = "../harness/suite/mod.rs"]
mod suite;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use weft_bench::report::{self, RunInfo, Table};

const HELP: &str = "\
report: run the weft/Tokio/smol suite and write BENCHMARKS.md

OPTIONS
  --measurement-time SECS  criterion measurement time per cell (default 2;
                           warm-up is a quarter of it, 10 samples)
  --filter REGEX           run only benchmark/flavor ids matching REGEX
                           (the other cells keep their last results)
  --no-run                 do not run the suite; render the last results
  --no-memory              skip the idle-task memory measurement
  --machine-note TEXT      a remark on the machine, printed under the header
  --notes FILE             Markdown appended under \"Where weft falls short\"
  --out PATH               output file (default: BENCHMARKS.md at the root)
";

struct Options {
    measurement: Duration,
    filter: Option<String>,
    run: bool,
    memory: bool,
    machine_note: Option<String>,
    notes: Option<PathBuf>,
    out: PathBuf,
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("bench/ has a parent")
        .to_path_buf()
}

fn parse_args() -> Options {
    let mut o = Options {
        measurement: Duration::from_secs(2),
        filter: None,
        run: true,
        memory: true,
        machine_note: None,
        notes: None,
        out: workspace_root().join("BENCHMARKS.md"),
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .unwrap_or_else(|| panic!("{arg} needs a value\n\n{HELP}"))
        };
        match arg.as_str() {
            "--measurement-time" => {
                let secs: f64 = value().parse().expect("--measurement-time SECS");
                o.measurement = Duration::from_secs_f64(secs);
            }
            "--filter" => o.filter = Some(value()),
            "--no-run" => o.run = false,
            "--no-memory" => o.memory = false,
            "--machine-note" => o.machine_note = Some(value()),
            "--notes" => o.notes = Some(PathBuf::from(value())),
            "--out" => o.out = PathBuf::from(value()),
            "-h" | "--help" => {
                print!("{HELP}");
                std::process::exit(0);
            }
            // `cargo bench`-style flags criterion may be handed; ignore.
            "--bench" => {}
            other => panic!("unknown argument {other:?}\n\n{HELP}"),
        }
    }
    o
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target"))
}

fn rustc_version() -> String {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    Command::new(rustc)
        .arg("--version")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_owned())
        .unwrap_or_else(|| "rustc (version unknown)".to_owned())
}

/// Runs the `task_memory` example that sits next to this one (building it
/// first if it is not there) and parses its `--tsv` output.
fn task_memory() -> Vec<report::TaskMemory> {
    let exe = std::env::current_exe()
        .expect("current_exe")
        .with_file_name("task_memory");
    if !exe.exists() {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let status = Command::new(cargo)
            .args([
                "build",
                "--release",
                "-p",
                "weft-bench",
                "--example",
                "task_memory",
            ])
            .current_dir(workspace_root())
            .status();
        if !matches!(status, Ok(s) if s.success()) {
            eprintln!("note: could not build task_memory; memory section left empty");
            return Vec::new();
        }
    }
    match Command::new(&exe).arg("--tsv").output() {
        Ok(out) if out.status.success() => {
            report::parse_task_memory(&String::from_utf8_lossy(&out.stdout))
        }
        other => {
            eprintln!("note: task_memory failed ({other:?}); memory section left empty");
            Vec::new()
        }
    }
}

/// Folds the skip records into one line per (flavor, reason).
fn skipped_lines(skipped: &[suite::Skipped], rows: usize) -> Vec<String> {
    let mut lines: Vec<(String, String, Vec<&str>)> = Vec::new();
    for s in skipped {
        match lines
            .iter_mut()
            .find(|(f, r, _)| f == s.flavor && *r == s.reason)
        {
            Some(line) => line.2.push(s.benchmark),
            None => lines.push((s.flavor.to_owned(), s.reason.clone(), vec![s.benchmark])),
        }
    }
    lines
        .into_iter()
        .map(|(flavor, reason, benches)| {
            let which = if benches.len() >= rows {
                "every benchmark".to_owned()
            } else {
                benches.join(", ")
            };
            format!("`{flavor}` ({which}): {reason}.")
        })
        .collect()
}

/// Ends the process if one cell runs far longer than criterion's budget for
/// it (a runtime that lost a wake-up hangs instead of failing), naming the
/// cell, so a report run never hangs silently.
fn watchdog(measurement: Duration) {
    let limit = Duration::from_secs(60).max(measurement * 30);
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_secs(1));
        if let Some((cell, running)) = suite::current() {
            if running > limit {
                eprintln!(
                    "error: {cell} has run for {running:?} (limit {limit:?}): it hangs; \
                     rerun without it (--filter) and report the hang"
                );
                std::process::exit(2);
            }
        }
    });
}

/// Set when the report is built with weft-bench's `paused-clock` feature:
/// then weft's and Tokio's `test-util` clocks are compiled in, and Tokio's
/// takes a lock on every `now()`, so the numbers are not the production
/// configuration's. Said on stderr and in the report.
const PAUSED_CLOCK_WARNING: Option<&str> = if cfg!(feature = "paused-clock") {
    Some(
        "Built with the `paused-clock` feature: weft's and Tokio's test-util clocks \
         are compiled in, so this is not the production configuration.",
    )
} else {
    None
};

fn main() {
    let o = parse_args();
    if let Some(warning) = PAUSED_CLOCK_WARNING {
        eprintln!("warning: {warning}");
    }
    let criterion_dir = target_dir().join("weft-report").join("criterion");
    let started = SystemTime::now();

    if o.run {
        // Stale cells from an earlier run must not mix with a full run; a
        // filtered run re-measures some cells and keeps the others.
        if o.filter.is_none() {
            let _ = std::fs::remove_dir_all(&criterion_dir);
        }
        std::fs::create_dir_all(&criterion_dir).expect("create criterion dir");
        // Criterion reads its output directory from here, once.
        std::env::set_var("CRITERION_HOME", &criterion_dir);
        watchdog(o.measurement);
        let mut c = suite::quick_criterion(o.measurement);
        if let Some(filter) = &o.filter {
            c = c.with_filter(filter.clone());
        }
        suite::all(&mut c);
        c.final_summary();
    }

    let memory = if o.memory { task_memory() } else { Vec::new() };
    let estimates = report::collect(&criterion_dir)
        .unwrap_or_else(|e| panic!("no criterion results in {}: {e}", criterion_dir.display()));
    let table = Table::new(&estimates, suite::ORDER);
    let unix = started
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let elapsed = started.elapsed().unwrap_or_default();
    let info = RunInfo {
        date: report::format_utc(unix),
        args: std::env::args()
            .skip(1)
            .map(|a| if a.contains(' ') { format!("'{a}'") } else { a })
            .collect::<Vec<_>>()
            .join(" "),
        cores: std::thread::available_parallelism().map_or(0, |n| n.get()),
        tcp_congestion: std::fs::read_to_string("/proc/sys/net/ipv4/tcp_congestion_control")
            .ok()
            .map(|s| s.trim().to_owned()),
        rustc: rustc_version(),
        settings: format!(
            "Criterion: 10 samples ({} for `tcp_bulk`), {:.2} s warm-up, {:.1} s measurement per cell{}.",
            <suite::TcpBulk as suite::Benchmark>::SAMPLES.unwrap_or(10),
            o.measurement.as_secs_f64() / 4.0,
            o.measurement.as_secs_f64(),
            if o.run {
                format!("; the whole run took {:.0} s", elapsed.as_secs_f64())
            } else {
                String::new()
            }
        ) + &PAUSED_CLOCK_WARNING.map_or(String::new(), |w| format!(" {w}")),
        machine_note: o.machine_note.clone(),
        skipped: skipped_lines(&suite::skipped(), suite::ORDER.len()),
        notes: o
            .notes
            .as_ref()
            .map(|p| std::fs::read_to_string(p).expect("read --notes file")),
    };
    let md = report::render(&table, &memory, &info);
    std::fs::write(&o.out, md).expect("write report");
    println!("wrote {}", o.out.display());
}
