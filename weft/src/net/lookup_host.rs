//! `lookup_host`: name resolution without blocking a worker.

use crate::net::addr::{self, ToSocketAddrs};
use std::io;
use std::net::SocketAddr;

/// Performs a DNS resolution; the addresses come back in the resolver's order.
///
/// Host names are resolved with the system resolver on the blocking pool.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// for addr in weft::net::lookup_host("localhost:3000").await? {
///     assert_eq!(addr.port(), 3000);
/// }
/// # Ok(())
/// # }
/// ```
pub async fn lookup_host<T>(host: T) -> io::Result<impl Iterator<Item = SocketAddr>>
where
    T: ToSocketAddrs,
{
    addr::to_socket_addrs(host).await
}
