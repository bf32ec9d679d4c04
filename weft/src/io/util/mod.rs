//! The `io-util` half of `weft::io`: extension traits, their futures,
//! buffering adapters, copying, and in-memory streams.
//!
//! The future types returned by the extension methods live in private
//! modules (they can be awaited and stored, not named), as in Tokio.

use crate::task::coop;
use std::task::{ready, Context, Poll};

mod async_buf_read_ext;
mod async_read_ext;
mod async_seek_ext;
mod async_write_ext;
mod buf_read;
mod buf_reader;
mod buf_stream;
mod buf_traits;
mod buf_writer;
mod chain;
mod copy;
mod copy_bidirectional;
mod copy_buf;
mod empty;
mod int_codec;
mod lines;
mod mem;
mod read;
mod read_to_end;
mod repeat;
mod sink;
mod split;
mod take;
mod write;

pub use async_buf_read_ext::AsyncBufReadExt;
pub use async_read_ext::AsyncReadExt;
pub use async_seek_ext::AsyncSeekExt;
pub use async_write_ext::AsyncWriteExt;
pub use buf_reader::BufReader;
pub use buf_stream::BufStream;
pub use buf_writer::BufWriter;
pub use chain::Chain;
pub use copy::copy;
pub use copy_bidirectional::{copy_bidirectional, copy_bidirectional_with_sizes};
pub use copy_buf::copy_buf;
pub use empty::{empty, Empty};
pub use lines::Lines;
pub use mem::{duplex, simplex, DuplexStream, SimplexStream};
pub use repeat::{repeat, Repeat};
pub use sink::{sink, Sink};
pub use split::Split;
pub use take::Take;

/// Buffer size of `BufReader`, `BufWriter` and `copy`: 8 KiB, as Tokio.
const DEFAULT_BUF_SIZE: usize = 8 * 1024;

/// Takes a unit of cooperative budget and keeps it: for the in-memory
/// resources whose every operation completes at once.
fn poll_proceed_and_make_progress(cx: &mut Context<'_>) -> Poll<()> {
    let restore = ready!(coop::poll_proceed(cx));
    restore.made_progress();
    Poll::Ready(())
}
