//! Bytes allocated per spawned idle task, for every runtime flavor.
//!
//! A counting global allocator wraps the system allocator. For each flavor,
//! inside `block_on`: warm the runtime up (so queues, task-list shards and
//! thread caches that are allocated once already exist), take a snapshot,
//! spawn 10,000 tasks whose future is the smallest pending one (an async
//! block that counts its first poll, then waits forever), wait until every
//! task has been polled once, and take a second snapshot. The difference in
//! live bytes, divided by the task count, is the memory one idle task costs;
//! the number of allocations per task is printed next to it.
//!
//! `cargo run -p weft-bench --release --example task_memory` prints a table;
//! `-- --tsv` prints `flavor<TAB>bytes<TAB>allocations` lines (one per
//! flavor, `-` for a flavor that does not build) for the report.

// The runtime adapters are shared with the suite; this uses part of them.
#[allow(dead_code)]
#[path = "../harness/runtime/mod.rs"]
mod runtime;

use runtime::{join_all, Rt, SmolLocal, SmolMt, TokioCt, TokioMt, WeftCt, WeftMt};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Idle tasks spawned per flavor.
const TASKS: usize = 10_000;

/// The system allocator, counting what passes through it.
struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);
static FREED: AtomicUsize = AtomicUsize::new(0);
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged, so `System`'s guarantees are ours; the counters are plain
// atomics and never allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::alloc_zeroed`'s contract.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        FREED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` was allocated by `System` (through us) with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        FREED.fetch_add(layout.size(), Ordering::Relaxed);
        ALLOCATED.fetch_add(new_size, Ordering::Relaxed);
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Tasks polled at least once, so we know every task has settled into its
/// idle state (queued, polled, parked on nothing) before the second snapshot.
static POLLED: AtomicUsize = AtomicUsize::new(0);

#[derive(Debug, Clone, Copy)]
struct Snapshot {
    live: isize,
    allocations: usize,
}

fn snapshot() -> Snapshot {
    let allocated = ALLOCATED.load(Ordering::SeqCst) as isize;
    let freed = FREED.load(Ordering::SeqCst) as isize;
    Snapshot {
        live: allocated - freed,
        allocations: ALLOCATIONS.load(Ordering::SeqCst),
    }
}

/// Per idle task: live bytes and allocations.
#[derive(Debug, Clone, Copy)]
struct PerTask {
    bytes: f64,
    allocations: f64,
}

fn measure<R: Rt>() -> Result<PerTask, String> {
    let rt = R::new()?;
    POLLED.store(0, Ordering::SeqCst);
    let result = rt.block_on(async {
        // Warm-up: grow whatever the runtime allocates once and keeps.
        let warm: Vec<_> = (0..TASKS).map(|i| R::spawn(async move { i })).collect();
        join_all(warm).await;
        R::yield_now().await;

        let mut handles = Vec::with_capacity(TASKS);
        let before = snapshot();
        for _ in 0..TASKS {
            handles.push(R::spawn(async {
                POLLED.fetch_add(1, Ordering::SeqCst);
                std::future::pending::<()>().await
            }));
        }
        while POLLED.load(Ordering::SeqCst) < TASKS {
            R::yield_now().await;
        }
        let after = snapshot();
        (handles, before, after)
    });
    let (handles, before, after) = result;
    drop(handles);
    drop(rt);
    Ok(PerTask {
        bytes: (after.live - before.live) as f64 / TASKS as f64,
        allocations: (after.allocations - before.allocations) as f64 / TASKS as f64,
    })
}

fn main() {
    let tsv = std::env::args().any(|a| a == "--tsv");
    let rows: [(&str, Result<PerTask, String>); 6] = [
        (WeftMt::NAME, measure::<WeftMt>()),
        (WeftCt::NAME, measure::<WeftCt>()),
        (TokioMt::NAME, measure::<TokioMt>()),
        (TokioCt::NAME, measure::<TokioCt>()),
        (SmolMt::NAME, measure::<SmolMt>()),
        (SmolLocal::NAME, measure::<SmolLocal>()),
    ];
    if !tsv {
        println!("{TASKS} idle tasks per flavor; live bytes and allocations per task");
        println!("{:<12} {:>10} {:>12}", "flavor", "bytes", "allocations");
    }
    for (name, row) in rows {
        match (row, tsv) {
            (Ok(r), true) => println!("{name}\t{:.1}\t{:.2}", r.bytes, r.allocations),
            (Ok(r), false) => println!("{name:<12} {:>10.1} {:>12.2}", r.bytes, r.allocations),
            (Err(why), true) => println!("{name}\t-\t-\t{why}"),
            (Err(why), false) => println!("{name:<12} {:>10} {:>12}  ({why})", "-", "-"),
        }
    }
}
