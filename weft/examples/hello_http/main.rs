//! A small HTTP/1.1 server that answers every request with "Hello, world!",
//! written on weft's own types (no HTTP library).
//!
//! ```text
//! cargo run --release --example hello_http --features full   # 127.0.0.1:8080
//! curl -i http://127.0.0.1:8080/
//! wrk -t2 -c64 -d10s http://127.0.0.1:8080/                  # load test
//! ```
//!
//! Connections are kept alive (HTTP/1.1's default) and pipelined requests
//! are answered in order; `Connection: close` closes after the response.
//! Request bodies are not expected (GET/HEAD); a request with a
//! `Content-Length` has its body skipped.

use std::env;
use std::error::Error;
use weft::net::TcpListener;
// `server.rs` names its I/O types through its parent, so that the benchmark
// crate can run the very same server on Tokio (bench/examples/http_hello.rs).
use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::net::TcpStream;

mod server;
use server::serve;

#[weft::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let addr = env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let listener = TcpListener::bind(&addr).await?;
    println!("hello_http: listening on http://{}", listener.local_addr()?);
    loop {
        let (stream, _) = match listener.accept().await {
            Ok(conn) => conn,
            Err(e) => {
                eprintln!("hello_http: accept failed: {e}");
                continue;
            }
        };
        weft::spawn(async move {
            if let Err(e) = serve(stream).await {
                eprintln!("hello_http: connection error: {e}");
            }
        });
    }
}
