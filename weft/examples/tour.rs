//! A guided tour of weft, printed as it runs: `cargo run --example tour`.
//!
//! Spawns work on the multi-thread runtime, shows which worker ran what,
//! hands blocking work to the blocking pool, aborts a task, catches a
//! panicking one, and prints the runtime's metrics at the end.

use std::collections::BTreeMap;
use std::time::Instant;
use weft::runtime::Builder;

fn main() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name_fn(|| {
            static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
            format!(
                "weft-thread-{}",
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            )
        })
        .enable_all()
        .build()
        .expect("failed to build the runtime");
    println!(
        "built a {:?} runtime with {} workers",
        rt.handle().runtime_flavor(),
        rt.metrics().num_workers()
    );

    rt.block_on(async {
        // 1. Many small tasks, spread over the workers by work stealing.
        let start = Instant::now();
        let handles: Vec<_> = (0..10_000u64)
            .map(|i| {
                weft::spawn(async move {
                    weft::task::yield_now().await;
                    (i, std::thread::current().name().unwrap_or("?").to_string())
                })
            })
            .collect();
        let mut per_thread: BTreeMap<String, usize> = BTreeMap::new();
        let mut sum = 0;
        for h in handles {
            let (i, thread) = h.await.expect("task failed");
            sum += i;
            *per_thread.entry(thread).or_default() += 1;
        }
        println!(
            "1. ran 10,000 tasks in {:?} (sum of ids = {sum}); tasks finished per thread: {per_thread:?}",
            start.elapsed()
        );

        // 2. Blocking work goes to the blocking pool, never a worker.
        let on = weft::task::spawn_blocking(|| std::thread::current().name().map(String::from))
            .await
            .unwrap();
        println!("2. spawn_blocking ran on thread {on:?}");

        // 3. A task that never finishes, aborted.
        let forever = weft::spawn(std::future::pending::<()>());
        forever.abort();
        let err = forever.await.unwrap_err();
        println!("3. aborted task: {err} (is_cancelled = {})", err.is_cancelled());

        // 4. A panicking task becomes a JoinError; the worker survives.
        let err = weft::spawn(async { panic!("on purpose") }).await.unwrap_err();
        println!(
            "4. panicking task: {err} (is_panic = {}; Rust's panic hook printed the panic on stderr)",
            err.is_panic()
        );

        // 5. block_in_place: blocking on a worker without stalling the others.
        let v = weft::task::block_in_place(|| 6 * 7);
        println!("5. block_in_place returned {v}");
    });

    let m = rt.metrics();
    println!(
        "metrics: workers = {}, alive tasks = {}, global queue depth = {}, blocking threads = {}",
        m.num_workers(),
        m.num_alive_tasks(),
        m.global_queue_depth(),
        m.num_blocking_threads()
    );
    println!("done: dropping the runtime cancels whatever is left and joins its threads");
}
