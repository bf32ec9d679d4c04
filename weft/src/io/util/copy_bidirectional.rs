//! [`copy_bidirectional`]: two [`copy`](super::copy) machines, one per
//! direction, each shutting its writer down once its reader hit EOF.

use super::copy::CopyBuffer;
use super::DEFAULT_BUF_SIZE;
use crate::io::{AsyncRead, AsyncWrite};
use std::future::poll_fn;
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

/// Where one direction of the transfer is.
enum Direction {
    /// Copying.
    Copying(CopyBuffer),
    /// The reader hit EOF and every byte was written: shutting the writer
    /// down (the peer sees EOF), with the byte count.
    ShuttingDown(u64),
    /// Finished, with the byte count.
    Done(u64),
}

fn poll_direction<R, W>(
    cx: &mut Context<'_>,
    state: &mut Direction,
    reader: &mut R,
    writer: &mut W,
) -> Poll<io::Result<u64>>
where
    R: AsyncRead + AsyncWrite + Unpin + ?Sized,
    W: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    loop {
        match state {
            Direction::Copying(buf) => {
                let n = ready!(buf.poll_copy(cx, Pin::new(&mut *reader), Pin::new(&mut *writer)))?;
                *state = Direction::ShuttingDown(n);
            }
            Direction::ShuttingDown(n) => {
                ready!(Pin::new(&mut *writer).poll_shutdown(cx))?;
                *state = Direction::Done(*n);
            }
            Direction::Done(n) => return Poll::Ready(Ok(*n)),
        }
    }
}

/// Copies data in both directions between `a` and `b`.
///
/// This function returns a future that will read from both streams, writing
/// any data read to the opposing stream. This happens in both directions
/// concurrently.
///
/// If an EOF is observed on one stream, [`shutdown()`] will be invoked on the
/// other, and reading from that stream will stop. Copying of data in the
/// other direction will continue.
///
/// The future will complete successfully once both directions of
/// communication has been shut down. A direction is shut down when the reader
/// reports EOF, at which point [`shutdown()`] is called on the corresponding
/// writer. When finished, it will return a tuple of the number of bytes
/// copied from a to b and the number of bytes copied from b to a, in that
/// order.
///
/// It uses two 8 KB buffers for transferring bytes between `a` and `b` by
/// default. To set your own buffers sizes use
/// [`copy_bidirectional_with_sizes()`].
///
/// [`shutdown()`]: crate::io::AsyncWriteExt::shutdown
///
/// # Errors
///
/// The future will immediately return an error if any IO operation on `a`
/// or `b` returns an error. Some data read from either stream may be lost
/// (not written to the other stream) in this case.
///
/// # Return value
///
/// Returns a tuple of bytes copied `a` to `b` and bytes copied `b` to `a`.
///
/// ```
/// use weft::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> io::Result<()> {
/// let (mut client, mut proxy_a) = io::duplex(64);
/// let (mut proxy_b, mut server) = io::duplex(64);
/// let proxy = weft::spawn(async move {
///     io::copy_bidirectional(&mut proxy_a, &mut proxy_b).await
/// });
///
/// client.write_all(b"ping").await?;
/// let mut buf = [0; 4];
/// server.read_exact(&mut buf).await?;
/// server.write_all(b"pong").await?;
/// client.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"pong");
///
/// drop(client);
/// drop(server);
/// assert_eq!(proxy.await.unwrap()?, (4, 4));
/// # Ok(())
/// # }
/// ```
pub async fn copy_bidirectional<A, B>(a: &mut A, b: &mut B) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    copy_both_ways(
        a,
        b,
        CopyBuffer::new(DEFAULT_BUF_SIZE),
        CopyBuffer::new(DEFAULT_BUF_SIZE),
    )
    .await
}

/// Copies data in both directions between `a` and `b` using buffers of the
/// specified size.
///
/// This method is the same as the [`copy_bidirectional()`], except that it
/// allows you to set the size of the internal buffers used when copying data.
///
/// # Panics
///
/// Panics if either buffer size is zero.
///
/// ```
/// use weft::io::{self, AsyncReadExt, AsyncWriteExt};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> io::Result<()> {
/// let (mut client, mut proxy_a) = io::duplex(64);
/// let (mut proxy_b, mut server) = io::duplex(64);
/// let proxy = weft::spawn(async move {
///     io::copy_bidirectional_with_sizes(&mut proxy_a, &mut proxy_b, 16, 16).await
/// });
/// client.write_all(b"hello").await?;
/// client.shutdown().await?;
/// let mut got = Vec::new();
/// server.read_to_end(&mut got).await?;
/// assert_eq!(got, b"hello");
/// drop(server);
/// assert_eq!(proxy.await.unwrap()?, (5, 0));
/// # Ok(())
/// # }
/// ```
pub async fn copy_bidirectional_with_sizes<A, B>(
    a: &mut A,
    b: &mut B,
    a_to_b_buf_size: usize,
    b_to_a_buf_size: usize,
) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    assert!(
        a_to_b_buf_size > 0,
        "`a_to_b_buf_size` must be greater than 0"
    );
    assert!(
        b_to_a_buf_size > 0,
        "`b_to_a_buf_size` must be greater than 0"
    );
    copy_both_ways(
        a,
        b,
        CopyBuffer::new(a_to_b_buf_size),
        CopyBuffer::new(b_to_a_buf_size),
    )
    .await
}

async fn copy_both_ways<A, B>(
    a: &mut A,
    b: &mut B,
    a_to_b: CopyBuffer,
    b_to_a: CopyBuffer,
) -> io::Result<(u64, u64)>
where
    A: AsyncRead + AsyncWrite + Unpin + ?Sized,
    B: AsyncRead + AsyncWrite + Unpin + ?Sized,
{
    let mut a_to_b = Direction::Copying(a_to_b);
    let mut b_to_a = Direction::Copying(b_to_a);
    poll_fn(|cx| {
        // Both directions are polled every time (an error in either ends
        // the copy), so each registers its wakers.
        let a_to_b = poll_direction(cx, &mut a_to_b, a, b)?;
        let b_to_a = poll_direction(cx, &mut b_to_a, b, a)?;
        let a_to_b = ready!(a_to_b);
        let b_to_a = ready!(b_to_a);
        Poll::Ready(Ok((a_to_b, b_to_a)))
    })
    .await
}
