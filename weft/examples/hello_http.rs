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
use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::net::{TcpListener, TcpStream};

const BODY: &str = "Hello, world!";
/// Requests larger than this (headers) are refused.
const MAX_HEAD: usize = 16 * 1024;

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

/// What the server needs from one request head.
struct Request {
    /// Bytes of head plus body, to drop from the buffer.
    len: usize,
    close: bool,
    head_only: bool,
}

/// Parses one request head from the front of `buf`; `None` if incomplete.
fn parse(buf: &[u8]) -> Result<Option<Request>, &'static str> {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        return if buf.len() > MAX_HEAD {
            Err("request head too large")
        } else {
            Ok(None)
        };
    };
    let head = std::str::from_utf8(&buf[..end]).map_err(|_| "request head is not UTF-8")?;
    let mut lines = head.split("\r\n");
    let request_line = lines.next().ok_or("empty request")?;
    let mut parts = request_line.split(' ');
    let method = parts.next().ok_or("no method")?;
    let version = parts.nth(1).ok_or("no HTTP version")?;
    let mut close = version == "HTTP/1.0";
    let mut body_len = 0;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("connection") {
            close = value.eq_ignore_ascii_case("close");
        } else if name.eq_ignore_ascii_case("content-length") {
            body_len = value.parse().map_err(|_| "bad Content-Length")?;
        }
    }
    let len = end + 4 + body_len;
    if buf.len() < len {
        return Ok(None);
    }
    Ok(Some(Request {
        len,
        close,
        head_only: method == "HEAD",
    }))
}

async fn serve(mut stream: TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buf = Vec::with_capacity(4096);
    let mut out = Vec::with_capacity(4096);
    loop {
        // Answer every complete request in the buffer with one write.
        let mut close = false;
        loop {
            match parse(&buf) {
                Ok(Some(req)) => {
                    out.extend_from_slice(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n{}\r\n",
                            BODY.len(),
                            if req.close { "Connection: close\r\n" } else { "" },
                        )
                        .as_bytes(),
                    );
                    if !req.head_only {
                        out.extend_from_slice(BODY.as_bytes());
                    }
                    buf.drain(..req.len);
                    if req.close {
                        close = true;
                        break;
                    }
                }
                Ok(None) => break,
                Err(msg) => {
                    let body = format!("{msg}\n");
                    out.extend_from_slice(
                        format!(
                            "HTTP/1.1 400 Bad Request\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        )
                        .as_bytes(),
                    );
                    close = true;
                    break;
                }
            }
        }
        if !out.is_empty() {
            stream.write_all(&out).await?;
            out.clear();
        }
        if close {
            return stream.shutdown().await;
        }
        if stream.read_buf(&mut buf).await? == 0 {
            return Ok(()); // the client closed the connection
        }
    }
}
