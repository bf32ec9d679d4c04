//! The server of `weft/examples/hello_http`, on Weft's types.

pub use weft::io::{AsyncReadExt, AsyncWriteExt};
pub use weft::net::TcpStream;

#[path = "../../../weft/examples/hello_http/server.rs"]
pub mod server;
