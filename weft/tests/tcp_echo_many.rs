//! Many concurrent clients echo a chunk each through one weft echo server and
//! get every byte back in order.
//!
//! The default run (64 KiB per client) fits CI on 2 cores; the issue's
//! 1 MiB per client runs with `RUSTFLAGS="--cfg weft_stress"` or
//! `WEFT_STRESS=1`.
#![cfg(all(feature = "full", unix))]

use std::net::SocketAddr;
use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::net::{TcpListener, TcpSocket, TcpStream};

fn clients() -> usize {
    std::env::var("WEFT_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

fn chunk_len() -> usize {
    if cfg!(weft_stress) || std::env::var_os("WEFT_STRESS").is_some() {
        1024 * 1024
    } else {
        64 * 1024
    }
}

/// Each connection takes two descriptors (client and server side).
fn ensure_fd_limit(needed: libc::rlim_t) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid rlimit to write into.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    if lim.rlim_cur < needed {
        lim.rlim_cur = std::cmp::min(needed, lim.rlim_max);
        // SAFETY: `lim` is a valid rlimit; raising the soft limit up to the
        // hard one needs no privilege.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
    }
}

/// The byte at `i` of client `id`'s chunk: differs between clients and
/// positions, so a reordering or a cross-connection mix-up is caught.
fn byte(id: usize, i: usize) -> u8 {
    (i.wrapping_mul(31) ^ id.wrapping_mul(7919) ^ (i >> 8)) as u8
}

async fn echo_server(listener: TcpListener) {
    loop {
        let (mut stream, _) = listener.accept().await.expect("accept");
        weft::spawn(async move {
            let (mut rd, mut wr) = stream.split();
            let n = weft::io::copy(&mut rd, &mut wr).await.expect("echo copy");
            assert_eq!(n as usize, chunk_len(), "server copied a short stream");
            wr.shutdown().await.expect("shutdown after echo");
        });
    }
}

async fn client(id: usize, addr: SocketAddr, len: usize) {
    let stream = TcpStream::connect(addr).await.expect("connect");
    let (mut rd, mut wr) = stream.into_split();
    let writer = weft::spawn(async move {
        let data: Vec<u8> = (0..len).map(|i| byte(id, i)).collect();
        // Odd-sized writes exercise partial writes and readiness clearing.
        for piece in data.chunks(7919) {
            wr.write_all(piece).await.expect("write");
        }
        // Half-close: the server's copy sees EOF and shuts down its side.
        wr.shutdown().await.expect("half-close");
    });
    let mut got = Vec::with_capacity(len);
    rd.read_to_end(&mut got).await.expect("read echo");
    writer.await.expect("writer task");
    assert_eq!(got.len(), len, "client {id}: length");
    if let Some(i) = (0..len).find(|&i| got[i] != byte(id, i)) {
        panic!("client {id}: first wrong byte at {i}");
    }
}

fn run(rt: weft::runtime::Runtime) {
    ensure_fd_limit((clients() * 2 + 256) as libc::rlim_t);
    let len = chunk_len();
    rt.block_on(async {
        // All clients connect before the server first runs: a backlog below
        // the client count makes the kernel fall back to SYN cookies, and a
        // connection whose cookie ACK meets a full accept queue is reset.
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
        let listener = socket.listen(4096).unwrap();
        let addr = listener.local_addr().unwrap();
        let server = weft::spawn(echo_server(listener));
        let clients: Vec<_> = (0..clients())
            .map(|id| weft::spawn(client(id, addr, len)))
            .collect();
        for c in clients {
            c.await.expect("client task");
        }
        server.abort();
    });
}

#[test]
fn thousand_clients_multi_thread() {
    run(weft::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap());
}

#[test]
fn thousand_clients_current_thread() {
    run(weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap());
}
