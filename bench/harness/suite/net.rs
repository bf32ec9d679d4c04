//! TCP over loopback, on each runtime's own sockets ([`NetApi`]).
//!
//! Both benchmarks open a fresh connection for each criterion sample (its
//! setup is not timed) and keep it for the sample's iterations: the server is
//! a task of the runtime under test, the client runs in `block_on` (on a
//! current-thread runtime the two share the thread, as a client and a server
//! in one process would).
//!
//! A connection per sample, not one per benchmark: on the VMs these run on,
//! the kernel's loopback path has two speeds that mostly stay fixed for the
//! life of a connection (a bulk transfer on two threads takes either ~0.7 or
//! ~2.5 ms, on Tokio, on weft and between two blocking threads alike; perf
//! puts the difference in the kernel's `tcp_write_xmit`). With one
//! connection a whole row was a coin toss; with one per sample (and enough
//! samples, see `TcpBulk::SAMPLES`) the median is the common speed.

use super::Benchmark;
use crate::runtime::api::NetApi;
use crate::runtime::Rt;
use criterion::Bencher;
use std::time::Instant;

/// Bytes per ping-pong message.
pub const PING_BYTES: usize = 64;
/// Round trips per iteration of `tcp_ping_pong`.
pub const ROUND_TRIPS: usize = 100;
/// Bytes the client sends per iteration of `tcp_bulk`.
pub const BULK_BYTES: usize = 4 << 20;
/// Size of each write in `tcp_bulk`.
pub const BULK_CHUNK: usize = 64 << 10;

fn missing(reason: Option<&'static str>) -> Result<(), String> {
    reason.map_or(Ok(()), |r| Err(r.to_owned()))
}

/// Binds, spawns `serve` on the accepted connection, connects; returns the
/// client side.
fn connect<R: Rt, S, F>(rt: &R, serve: S) -> <R::Lib as NetApi>::Stream
where
    S: FnOnce(<R::Lib as NetApi>::Stream) -> F + Send + 'static,
    F: std::future::Future<Output = ()> + Send + 'static,
{
    rt.block_on(async {
        let (listener, addr) = <R::Lib as NetApi>::bind().await;
        R::detach(R::spawn(async move {
            let stream = <R::Lib as NetApi>::accept(&listener).await;
            serve(stream).await;
        }));
        <R::Lib as NetApi>::connect(addr).await
    })
}

/// 100 round trips of a 64-byte message to an echo server: latency.
#[derive(Debug)]
pub struct TcpPingPong;

impl Benchmark for TcpPingPong {
    const NAME: &'static str = "tcp_ping_pong";

    fn applies<R: Rt>() -> Result<(), String> {
        missing(<R::Lib as NetApi>::MISSING)
    }

    fn bench<R: Rt>(rt: &R, b: &mut Bencher<'_>) {
        let ping = [7_u8; PING_BYTES];
        let mut pong = [0_u8; PING_BYTES];
        b.iter_custom(|iters| {
            let mut client = connect(rt, |mut stream| async move {
                let mut buf = [0_u8; PING_BYTES];
                while <R::Lib as NetApi>::read_exact(&mut stream, &mut buf).await {
                    <R::Lib as NetApi>::write_all(&mut stream, &buf).await;
                }
            });
            let start = Instant::now();
            for _ in 0..iters {
                rt.block_on(async {
                    for _ in 0..ROUND_TRIPS {
                        <R::Lib as NetApi>::write_all(&mut client, &ping).await;
                        assert!(<R::Lib as NetApi>::read_exact(&mut client, &mut pong).await);
                    }
                });
            }
            start.elapsed()
            // Dropping the client ends the server's loop.
        });
    }
}

/// The client sends 4 MiB in 64 KiB writes; the server reads it all and
/// answers one byte: throughput.
#[derive(Debug)]
pub struct TcpBulk;

impl Benchmark for TcpBulk {
    const NAME: &'static str = "tcp_bulk";
    /// One connection per sample, and a connection can stay in the kernel's
    /// slow mode for its whole life (module docs): the median of 10 was
    /// whichever mode 5 of 10 connections happened to get, and moved by
    /// 1.5x between runs of the same code (`examples/tcp_bulk_spread.rs`
    /// shows the spread). 40 connections find the common mode.
    const SAMPLES: Option<usize> = Some(40);

    fn applies<R: Rt>() -> Result<(), String> {
        missing(<R::Lib as NetApi>::MISSING)
    }

    fn bench<R: Rt>(rt: &R, b: &mut Bencher<'_>) {
        let chunk = vec![9_u8; BULK_CHUNK];
        let mut ack = [0_u8; 1];
        b.iter_custom(|iters| {
            let mut client = connect(rt, |mut stream| async move {
                let mut buf = vec![0_u8; BULK_BYTES];
                while <R::Lib as NetApi>::read_exact(&mut stream, &mut buf).await {
                    <R::Lib as NetApi>::write_all(&mut stream, &[1]).await;
                }
            });
            let start = Instant::now();
            for _ in 0..iters {
                rt.block_on(async {
                    for _ in 0..BULK_BYTES / BULK_CHUNK {
                        <R::Lib as NetApi>::write_all(&mut client, &chunk).await;
                    }
                    assert!(<R::Lib as NetApi>::read_exact(&mut client, &mut ack).await);
                });
            }
            start.elapsed()
        });
    }
}
