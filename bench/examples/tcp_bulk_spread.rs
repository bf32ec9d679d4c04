//! The spread of `tcp_bulk` transfer times, per runtime flavor, over many
//! fresh loopback connections.
//!
//! Criterion's `tcp_bulk` row is the median of 10 samples of one connection
//! each, and the kernel's loopback path on the measured VMs has a slow mode
//! (2.5-3 ms instead of 0.6-0.8 ms for 4 MiB) that can last for a whole
//! connection: a row can land on either side. This program times every
//! transfer of `CONNS` connections x `TRANSFERS` transfers, the flavors taking
//! turns connection by connection, and prints percentiles, with two blocking
//! threads on `std::net` as the baseline that no runtime overhead touches:
//!
//! ```text
//! cargo run -p weft-bench --release --example tcp_bulk_spread -- [CONNS] [TRANSFERS] [FLAVORS]
//! ```
//!
//! `FLAVORS` is a comma-separated subset of `weft-mt,weft-ct,tokio-mt,
//! tokio-ct,smol-mt,smol-local,std` (default: all). Defaults: 10 connections
//! of 10 transfers. The transfer is the suite's: the client writes 4 MiB in
//! 64 KiB writes, the server reads it all and answers one byte.
//!
//! The slow mode comes with BBR, the congestion control of the VMs these
//! benchmarks ran on (`net.ipv4.tcp_congestion_control`; the report names
//! it): with `TCP_CONGESTION=cubic` (or `reno`) in the environment, every
//! client socket uses that algorithm instead and the spread closes on every
//! runtime (weft-mt and Tokio-mt both 0.74-0.80 ms at the median). Setting a
//! non-default algorithm may need it in `net.ipv4.tcp_allowed_congestion_control`
//! or root.

#[path = "../harness/runtime/mod.rs"]
#[allow(dead_code)] // the adapters serve the whole suite; this uses their TCP part
mod runtime;

use runtime::api::NetApi;
use runtime::{Rt, SmolLocal, SmolMt, TokioCt, TokioMt, WeftCt, WeftMt};
use std::io::{Read, Write};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

const BULK_BYTES: usize = 4 << 20;
const BULK_CHUNK: usize = 64 << 10;

/// Gives the sending socket the congestion control named by `TCP_CONGESTION`,
/// if set.
fn congestion_control(socket: &impl AsRawFd) {
    let Ok(name) = std::env::var("TCP_CONGESTION") else {
        return;
    };
    let len = libc::socklen_t::try_from(name.len()).expect("name length");
    // SAFETY: the pointer and length describe `name`'s bytes, which outlive
    // the call; the kernel copies them and does not need a terminator.
    let rc = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            libc::IPPROTO_TCP,
            libc::TCP_CONGESTION,
            name.as_ptr().cast(),
            len,
        )
    };
    assert_eq!(
        rc,
        0,
        "TCP_CONGESTION={name}: {}",
        std::io::Error::last_os_error()
    );
}

/// One connection on runtime `R`: times `transfers` transfers into `out`.
fn connection<R: Rt>(rt: &R, transfers: usize, out: &mut Vec<Duration>) {
    let mut client = rt.block_on(async {
        let (listener, addr) = <R::Lib as NetApi>::bind().await;
        R::detach(R::spawn(async move {
            let mut stream = <R::Lib as NetApi>::accept(&listener).await;
            let mut buf = vec![0_u8; BULK_BYTES];
            while <R::Lib as NetApi>::read_exact(&mut stream, &mut buf).await {
                <R::Lib as NetApi>::write_all(&mut stream, &[1]).await;
            }
        }));
        <R::Lib as NetApi>::connect(addr).await
    });
    congestion_control(&client);
    let chunk = vec![9_u8; BULK_CHUNK];
    let mut ack = [0_u8; 1];
    for _ in 0..transfers {
        let start = Instant::now();
        rt.block_on(async {
            for _ in 0..BULK_BYTES / BULK_CHUNK {
                <R::Lib as NetApi>::write_all(&mut client, &chunk).await;
            }
            assert!(<R::Lib as NetApi>::read_exact(&mut client, &mut ack).await);
        });
        out.push(start.elapsed());
    }
}

/// The same transfer between two blocking threads.
fn std_connection(transfers: usize, out: &mut Vec<Duration>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local_addr");
    let server = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().expect("accept");
        stream.set_nodelay(true).expect("nodelay");
        let mut buf = vec![0_u8; BULK_BYTES];
        while stream.read_exact(&mut buf).is_ok() {
            stream.write_all(&[1]).expect("write");
        }
    });
    let mut client = std::net::TcpStream::connect(addr).expect("connect");
    client.set_nodelay(true).expect("nodelay");
    congestion_control(&client);
    let chunk = vec![9_u8; BULK_CHUNK];
    let mut ack = [0_u8; 1];
    for _ in 0..transfers {
        let start = Instant::now();
        for _ in 0..BULK_BYTES / BULK_CHUNK {
            client.write_all(&chunk).expect("write");
        }
        client.read_exact(&mut ack).expect("read");
        out.push(start.elapsed());
    }
    drop(client);
    server.join().expect("server thread");
}

fn percentiles(times: &mut [Duration]) -> String {
    times.sort();
    let at = |q: f64| {
        let i = ((times.len() - 1) as f64 * q).round() as usize;
        times[i].as_secs_f64() * 1e6
    };
    format!(
        "min {:6.0}  p25 {:6.0}  p50 {:6.0}  p75 {:6.0}  max {:6.0}  (us, {} transfers)",
        at(0.0),
        at(0.25),
        at(0.5),
        at(0.75),
        at(1.0),
        times.len()
    )
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let conns: usize = args.get(1).map_or(10, |s| s.parse().expect("CONNS"));
    let transfers: usize = args.get(2).map_or(10, |s| s.parse().expect("TRANSFERS"));
    let all = "weft-mt,weft-ct,tokio-mt,tokio-ct,smol-mt,smol-local,std";
    let flavors: Vec<&str> = args.get(3).map_or(all, String::as_str).split(',').collect();
    let on = |name: &str| flavors.contains(&name);

    let weft_mt = WeftMt::new().expect("weft-mt");
    let weft_ct = WeftCt::new().expect("weft-ct");
    let tokio_mt = TokioMt::new().expect("tokio-mt");
    let tokio_ct = TokioCt::new().expect("tokio-ct");
    let smol_mt = SmolMt::new().expect("smol-mt");
    let smol_local = SmolLocal::new().expect("smol-local");
    let mut times: Vec<(&str, Vec<Duration>)> =
        all.split(',').map(|name| (name, Vec::new())).collect();
    for _ in 0..conns {
        for (name, out) in &mut times {
            if !on(name) {
                continue;
            }
            match *name {
                "weft-mt" => connection(&weft_mt, transfers, out),
                "weft-ct" => connection(&weft_ct, transfers, out),
                "tokio-mt" => connection(&tokio_mt, transfers, out),
                "tokio-ct" => connection(&tokio_ct, transfers, out),
                "smol-mt" => connection(&smol_mt, transfers, out),
                "smol-local" => connection(&smol_local, transfers, out),
                _ => std_connection(transfers, out),
            }
        }
    }
    for (name, out) in &mut times {
        if !out.is_empty() {
            println!("{name:10}  {}", percentiles(out));
        }
    }
}
