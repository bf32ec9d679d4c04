//! A TCP echo server: every byte a client sends comes back to it.
//!
//! ```text
//! cargo run --example echo --features full            # listens on 127.0.0.1:8080
//! cargo run --example echo --features full -- 127.0.0.1:9000
//! ```
//!
//! Try it with `nc 127.0.0.1 8080`: each line you type is echoed. Each
//! connection is its own task; `io::copy` moves the bytes, and the write half
//! is shut down when the client shuts down its own, so the client sees EOF.

use std::env;
use std::error::Error;
use weft::io::{self, AsyncWriteExt};
use weft::net::TcpListener;

#[weft::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let addr = env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8080".to_string());
    let listener = TcpListener::bind(&addr).await?;
    println!("echo: listening on {}", listener.local_addr()?);

    loop {
        // An accept error (e.g. EMFILE, too many open files) is reported
        // and the loop goes on: the next accept works once fds are free.
        let (mut socket, peer) = match listener.accept().await {
            Ok(conn) => conn,
            Err(e) => {
                eprintln!("echo: accept failed: {e}");
                continue;
            }
        };
        weft::spawn(async move {
            let (mut reader, mut writer) = socket.split();
            match io::copy(&mut reader, &mut writer).await {
                Ok(n) => println!("echo: {peer}: {n} bytes echoed"),
                Err(e) => eprintln!("echo: {peer}: {e}"),
            }
            let _ = writer.shutdown().await;
        });
    }
}
