//! The server of `weft/examples/hello_http`, on Tokio's types.

pub use tokio::io::{AsyncReadExt, AsyncWriteExt};
pub use tokio::net::TcpStream;

#[path = "../../../weft/examples/hello_http/server.rs"]
pub mod server;
