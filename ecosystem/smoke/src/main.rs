//! Ecosystem smoke test: real crates built against `tokio` = weft.
//!
//! Every crate here (axum, hyper, hyper-util, tower, tokio-util, tokio-stream)
//! is the unmodified crates.io release; `tokio` is patched to the facade over
//! weft across the whole graph (see ../Cargo.toml). Each check asserts what it
//! observes and panics on any difference, so exit code 0 means every check
//! passed. `../run` builds and runs this and prints the verdict.

mod http;
mod streams;
mod util;

use std::time::{Duration, Instant};

/// A check that does not finish in this long has hung: fail instead of
/// waiting forever (the script running this has no timeout of its own).
const CHECK_LIMIT: Duration = Duration::from_secs(30);

async fn check<F: std::future::Future<Output = ()>>(name: &str, fut: F) {
    let start = Instant::now();
    match tokio::time::timeout(CHECK_LIMIT, fut).await {
        Ok(()) => println!("ok   {name} ({} ms)", start.elapsed().as_millis()),
        Err(_) => panic!("{name}: did not finish within {CHECK_LIMIT:?}"),
    }
}

#[tokio::main]
async fn main() {
    check(
        "tokio-util codec: LinesCodec over TcpStream",
        util::lines_codec(),
    )
    .await;
    check("tokio-util sync: CancellationToken", util::cancellation()).await;
    check("tokio-util rt: TaskTracker, LocalPoolHandle", util::tasks()).await;
    check("tokio-util time: DelayQueue", util::delay_queue()).await;
    check(
        "tokio-util io: StreamReader, SyncIoBridge",
        util::io_adapters(),
    )
    .await;
    check("tokio-stream wrappers", streams::wrappers()).await;
    check(
        "tokio-stream combinators: timeout, StreamMap",
        streams::combinators(),
    )
    .await;
    check(
        "tower: Timeout, ConcurrencyLimit, Buffer",
        http::tower_services(),
    )
    .await;
    check(
        "axum + hyper-util client: HTTP/1 and HTTP/2",
        http::axum_server(),
    )
    .await;
    println!("ecosystem smoke: all checks passed");
}
