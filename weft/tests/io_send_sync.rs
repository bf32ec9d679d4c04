//! Auto traits of `weft::io`'s public types, as Tokio has them.
#![cfg(all(feature = "io-util", feature = "rt"))]

use std::io::SeekFrom;
use std::pin::Pin;
use weft::io::{self as wio, AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

fn send_sync_unpin<T: Send + Sync + Unpin>(_: &T) {}
fn send_sync<T: Send + Sync>(_: &T) {}

/// Implemented twice for `Unpin` types, so that naming the item is
/// ambiguous (a compile error) exactly when the type is `Unpin`.
trait AmbiguousIfUnpin<A> {
    fn some_item(&self) {}
}
impl<T: ?Sized> AmbiguousIfUnpin<()> for T {}
impl<T: ?Sized + Unpin> AmbiguousIfUnpin<u8> for T {}

/// Compiles only if the value's type is `Send + Sync + !Unpin`, as Tokio's
/// futures are (leaving room to make them `async fn`s).
macro_rules! send_sync_not_unpin {
    ($e:expr) => {{
        let value = $e;
        send_sync(&value);
        AmbiguousIfUnpin::some_item(&value);
    }};
}

type BoxBufRead = Pin<Box<dyn wio::AsyncBufRead + Send + Sync>>;
type BoxSeek = Pin<Box<dyn wio::AsyncSeek + Send + Sync>>;
type BoxWrite = Pin<Box<dyn wio::AsyncWrite + Send + Sync>>;

#[test]
fn values_are_send_sync_unpin() {
    let (a, b) = wio::duplex(8);
    send_sync_unpin(&a);
    send_sync_unpin(&wio::BufReader::new(b));
    send_sync_unpin(&wio::BufWriter::new(wio::sink()));
    send_sync_unpin(&wio::BufStream::new(wio::duplex(1).0));
    send_sync_unpin(&wio::empty());
    send_sync_unpin(&wio::sink());
    send_sync_unpin(&wio::repeat(0));
    send_sync_unpin(&wio::Interest::READABLE);
    send_sync_unpin(&wio::Ready::READABLE);
    send_sync_unpin(&wio::SimplexStream::new_unsplit(1));
    let (r, w) = wio::split(wio::duplex(1).0);
    send_sync_unpin(&r);
    send_sync_unpin(&w);
    send_sync_unpin(&wio::BufReader::new(&b""[..]).lines());
    send_sync_unpin(&wio::BufReader::new(&b""[..]).split(b','));
    send_sync_unpin(&(&b""[..]).take(1));
    send_sync_unpin(&(&b""[..]).chain(&b""[..]));
    send_sync_unpin(&wio::join(wio::empty(), wio::sink()));
    let mut storage = [0u8; 1];
    send_sync_unpin(&wio::ReadBuf::new(&mut storage));
}

#[test]
fn futures_are_send_sync_and_not_unpin() {
    let mut rd: BoxBufRead = Box::pin(&b""[..]);
    let mut sk: BoxSeek = Box::pin(std::io::Cursor::new(Vec::<u8>::new()));
    let mut wr: BoxWrite = Box::pin(Vec::new());
    let mut v = Vec::new();
    let mut s = String::new();
    let mut arr = [0u8; 4];
    send_sync_not_unpin!(rd.read(&mut arr));
    send_sync_not_unpin!(rd.read_exact(&mut arr));
    send_sync_not_unpin!(rd.read_buf(&mut v));
    send_sync_not_unpin!(rd.read_to_end(&mut v));
    send_sync_not_unpin!(rd.read_to_string(&mut s));
    send_sync_not_unpin!(rd.read_u64_le());
    send_sync_not_unpin!(rd.read_until(b'\n', &mut v));
    send_sync_not_unpin!(rd.read_line(&mut s));
    send_sync_not_unpin!(rd.fill_buf());
    send_sync_not_unpin!(sk.seek(SeekFrom::Start(0)));
    send_sync_not_unpin!(sk.stream_position());
    send_sync_not_unpin!(wr.write(b"x"));
    send_sync_not_unpin!(wr.write_all(b"x"));
    send_sync_not_unpin!(wr.write_i128(1));
    send_sync_not_unpin!(wr.flush());
    send_sync_not_unpin!(wr.shutdown());
    let (mut a, mut b) = wio::duplex(1);
    send_sync_not_unpin!(wio::copy(&mut a, &mut b));
    send_sync_not_unpin!(wio::copy_bidirectional(&mut a, &mut b));
    let mut br = wio::BufReader::new(wio::duplex(1).0);
    send_sync_not_unpin!(wio::copy_buf(&mut br, &mut b));
    let mut lines = wio::BufReader::new(&b""[..]).lines();
    send_sync_not_unpin!(lines.next_line());
}
