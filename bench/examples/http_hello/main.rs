//! The load-test server of BENCHMARKS.md: weft's `hello_http` example
//! (`weft/examples/hello_http/server.rs`, compiled twice) on weft's or on
//! Tokio's multi-thread runtime, so that a load generator from outside the
//! project (`wrk`) compares the two runtimes on identical server code.
//!
//! ```text
//! cargo run -p weft-bench --release --example http_hello -- weft 127.0.0.1:8080
//! cargo run -p weft-bench --release --example http_hello -- tokio 127.0.0.1:8081
//! bench/wrk-compare            # both, wrk against each, side by side
//! ```

// The same server source is compiled once per runtime, on purpose: that is
// what makes the comparison fair.
#![allow(clippy::duplicate_mod)]

use std::error::Error;

mod on_tokio;
mod on_weft;

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let runtime = args.next().unwrap_or_else(|| "weft".to_string());
    let addr = args.next().unwrap_or_else(|| "127.0.0.1:8080".to_string());
    match runtime.as_str() {
        "weft" => weft::runtime::Runtime::new()?.block_on(async {
            let listener = weft::net::TcpListener::bind(&addr).await?;
            println!("http_hello on weft: http://{}", listener.local_addr()?);
            loop {
                let (stream, _) = listener.accept().await?;
                weft::spawn(async move {
                    if let Err(e) = on_weft::server::serve(stream).await {
                        eprintln!("http_hello: connection error: {e}");
                    }
                });
            }
        }),
        "tokio" => tokio::runtime::Runtime::new()?.block_on(async {
            let listener = tokio::net::TcpListener::bind(&addr).await?;
            println!("http_hello on tokio: http://{}", listener.local_addr()?);
            loop {
                let (stream, _) = listener.accept().await?;
                tokio::spawn(async move {
                    if let Err(e) = on_tokio::server::serve(stream).await {
                        eprintln!("http_hello: connection error: {e}");
                    }
                });
            }
        }),
        other => Err(format!("unknown runtime {other:?}: use weft or tokio").into()),
    }
}
