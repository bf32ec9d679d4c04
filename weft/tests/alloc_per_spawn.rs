//! A spawn costs exactly one heap allocation (the task cell), on both
//! schedulers, once queues have warmed up.
#![cfg(feature = "rt-multi-thread")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

struct Counting;

thread_local! {
    static COUNTING: Cell<bool> = const { Cell::new(false) };
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: forwards to the system allocator; the counter is thread-local.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = COUNTING.try_with(|c| {
            if c.get() {
                ALLOCS.with(|a| a.set(a.get() + 1));
            }
        });
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by this thread while `f` runs.
fn count<R>(f: impl FnOnce() -> R) -> (usize, R) {
    ALLOCS.with(|a| a.set(0));
    COUNTING.with(|c| c.set(true));
    let r = f();
    COUNTING.with(|c| c.set(false));
    (ALLOCS.with(Cell::get), r)
}

const N: usize = 1000;

async fn spawn_and_join_counted() -> usize {
    // Warm up queues and lists so that their one-time growth is not counted.
    let warm: Vec<_> = (0..N).map(|_| weft::spawn(async {})).collect();
    for h in warm {
        h.await.unwrap();
    }
    let mut handles = Vec::with_capacity(N);
    let (allocs, ()) = count(|| {
        for _ in 0..N {
            handles.push(weft::spawn(async {}));
        }
    });
    for h in handles {
        h.await.unwrap();
    }
    allocs
}

#[test]
fn one_allocation_per_spawn_current_thread() {
    let rt = weft::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    assert_eq!(rt.block_on(spawn_and_join_counted()), N);
}

#[test]
fn one_allocation_per_spawn_multi_thread() {
    let rt = weft::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    // Spawned from a worker: LIFO slot, local ring, overflow to the inject queue.
    let allocs = rt.block_on(async { weft::spawn(spawn_and_join_counted()).await.unwrap() });
    assert_eq!(allocs, N);
}
