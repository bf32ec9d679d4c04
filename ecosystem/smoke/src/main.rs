//! Ecosystem smoke test: real crates built against `tokio` = weft.
//!
//! Every crate here (axum, hyper, hyper-util, tower, tower-http, tokio-util,
//! tokio-stream, tokio-tungstenite) is the unmodified crates.io release;
//! `tokio` is patched to the facade over weft across the whole graph (see
//! ../Cargo.toml). Each check asserts what it
//! observes and panics on any difference, so exit code 0 means every check
//! passed. `../run` builds and runs this and prints the verdict.

mod files;
mod http;
mod streams;
mod util;
mod ws;

use std::time::{Duration, Instant};

/// A check that does not finish in this long has hung: fail instead of
/// waiting forever (the script running this has no timeout of its own).
const CHECK_LIMIT: Duration = Duration::from_secs(30);

async fn check<F: std::future::Future<Output = ()>>(flavor: &str, name: &str, fut: F) {
    let start = Instant::now();
    match tokio::time::timeout(CHECK_LIMIT, fut).await {
        Ok(()) => println!(
            "ok   [{flavor}] {name} ({} ms)",
            start.elapsed().as_millis()
        ),
        Err(_) => panic!("[{flavor}] {name}: did not finish within {CHECK_LIMIT:?}"),
    }
}

type Check = std::pin::Pin<Box<dyn std::future::Future<Output = ()>>>;

/// Every check, in order, on the runtime the caller runs it on.
async fn all_checks(flavor: &str) {
    let checks: Vec<(&str, Check)> = vec![
        (
            "tokio-util codec: LinesCodec over TcpStream",
            Box::pin(util::lines_codec()),
        ),
        (
            "tokio-util sync: CancellationToken",
            Box::pin(util::cancellation()),
        ),
        (
            "tokio-util rt: TaskTracker, JoinMap, LocalPoolHandle",
            Box::pin(util::tasks()),
        ),
        ("tokio-util time: DelayQueue", Box::pin(util::delay_queue())),
        (
            "tokio-util io: StreamReader, SyncIoBridge",
            Box::pin(util::io_adapters()),
        ),
        ("tokio-stream wrappers", Box::pin(streams::wrappers())),
        (
            "tokio-stream SignalStream, process::Command",
            Box::pin(streams::signals()),
        ),
        (
            "tokio-stream combinators: timeout, StreamMap",
            Box::pin(streams::combinators()),
        ),
        (
            "tower: Timeout, ConcurrencyLimit, Buffer",
            Box::pin(http::tower_services()),
        ),
        (
            "axum + hyper-util client: HTTP/1, HTTP/2, WebSocket, ServeDir",
            Box::pin(http::axum_server()),
        ),
    ];
    for (name, fut) in checks {
        check(flavor, name, fut).await;
    }
}

// `#[tokio::main]` on functions other than `main` is Tokio's too: each call
// builds its runtime, runs the body on it and drops it.
#[tokio::main]
async fn on_multi_thread() {
    all_checks("multi_thread").await;
}

#[tokio::main(flavor = "current_thread")]
async fn on_current_thread() {
    all_checks("current_thread").await;
}

fn main() {
    on_multi_thread();
    on_current_thread();
    println!("ecosystem smoke: all checks passed on both runtimes");
}
