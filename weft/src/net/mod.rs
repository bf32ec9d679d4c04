//! TCP/UDP/Unix bindings for weft, with Tokio's `tokio::net` API.
//!
//! - [`TcpListener`] and [`TcpStream`] for TCP, [`TcpSocket`] to set socket
//!   options before connecting or listening;
//! - [`UdpSocket`] for UDP;
//! - [`UnixListener`], [`UnixStream`] and [`UnixDatagram`] for Unix sockets,
//!   [`UnixSocket`] to bind one before listening or connecting;
//! - [`lookup_host`] for name resolution.
//!
//! Every type registers with the I/O driver of the runtime it was created
//! in; creating one outside a runtime, or on a runtime built without
//! `enable_io`, panics with Tokio's message. Once that runtime has shut down,
//! operations return an error.
//!
//! ```
//! use weft::net::{TcpListener, TcpStream};
//!
//! # #[weft::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let listener = TcpListener::bind("127.0.0.1:0").await?;
//! let client = TcpStream::connect(listener.local_addr()?).await?;
//! let (server, _) = listener.accept().await?;
//! assert_eq!(client.local_addr()?, server.peer_addr()?);
//! # Ok(())
//! # }
//! ```

mod addr;
mod datagram_api;
mod lookup_host;
mod socket_api;
mod socket_io;
mod stream_api;
pub mod tcp;
pub(crate) mod udp;
#[cfg(unix)]
pub mod unix;

pub use addr::ToSocketAddrs;
pub use lookup_host::lookup_host;
pub use tcp::listener::TcpListener;
pub use tcp::socket::TcpSocket;
pub use tcp::stream::TcpStream;
pub use udp::UdpSocket;
#[cfg(unix)]
pub use unix::{
    datagram::UnixDatagram, listener::UnixListener, socket::UnixSocket, stream::UnixStream,
};
