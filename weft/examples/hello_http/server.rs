//! One HTTP/1.1 connection: parse pipelined request heads, answer each with
//! "Hello, world!". The I/O types come from the parent module (`TcpStream`,
//! `AsyncReadExt`, `AsyncWriteExt`), so this file runs unchanged on weft
//! (`weft/examples/hello_http`) and on Tokio (the load-test comparison in
//! `bench/examples/http_hello.rs`).

use super::{AsyncReadExt, AsyncWriteExt, TcpStream};

const BODY: &str = "Hello, world!";
/// Requests larger than this (headers) are refused.
const MAX_HEAD: usize = 16 * 1024;

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

/// Serves requests on `stream` until the client closes it or asks to.
pub async fn serve(mut stream: TcpStream) -> std::io::Result<()> {
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
