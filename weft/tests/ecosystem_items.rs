//! The items of `tokio` that axum 0.8, hyper 1, hyper-util 0.1, tower 0.5,
//! tokio-util 0.7 and tokio-stream 0.1 use (../shared/ECOSYSTEM.md), each
//! named at Tokio's path and pinned to Tokio 1.54's signature: a function is
//! coerced to the `fn` pointer type Tokio's has, an `async fn` is awaited into
//! its exact output type. This file failing to compile means one of those
//! crates would not build on weft. The tests at the end run a few of them.
//! (The crates themselves are built and run by `ecosystem/run`.)
#![cfg(feature = "full")]
// Lifetimes named only in a body pin a path to one instance of an impl lifetime.
#![allow(dead_code, clippy::type_complexity, clippy::extra_unused_lifetimes)]

use std::future::Future;
use std::io::{IoSlice, SeekFrom};
use std::mem::MaybeUninit;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use weft::io::{self, AsyncBufRead, AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};
use weft::net::{TcpListener, TcpSocket, TcpStream, UdpSocket, UnixListener, UnixStream};
use weft::sync::{
    broadcast, mpsc, oneshot, watch, AcquireError, Notify, OwnedSemaphorePermit, Semaphore,
    TryAcquireError,
};
use weft::task::{AbortHandle, Id, JoinError, JoinHandle, JoinSet, LocalSet};
use weft::time::{Duration, Instant, Interval, Sleep, Timeout};

// ---- io --------------------------------------------------------------------

/// The trait methods the crates call by path (`AsyncWrite::poll_write(...)`).
fn io_traits<T: AsyncRead + AsyncWrite + AsyncBufRead + AsyncSeek>() {
    let _: fn(Pin<&mut T>, &mut Context<'_>, &mut ReadBuf<'_>) -> Poll<io::Result<()>> =
        AsyncRead::poll_read;
    let _: fn(Pin<&mut T>, &mut Context<'_>, &[u8]) -> Poll<Result<usize, io::Error>> =
        AsyncWrite::poll_write;
    let _: fn(Pin<&mut T>, &mut Context<'_>, &[IoSlice<'_>]) -> Poll<Result<usize, io::Error>> =
        AsyncWrite::poll_write_vectored;
    let _: fn(&T) -> bool = AsyncWrite::is_write_vectored;
    let _: fn(Pin<&mut T>, &mut Context<'_>) -> Poll<Result<(), io::Error>> =
        AsyncWrite::poll_flush;
    let _: fn(Pin<&mut T>, &mut Context<'_>) -> Poll<Result<(), io::Error>> =
        AsyncWrite::poll_shutdown;
    let _: for<'a> fn(Pin<&'a mut T>, &mut Context<'_>) -> Poll<io::Result<&'a [u8]>> =
        AsyncBufRead::poll_fill_buf;
    let _: fn(Pin<&mut T>, usize) = AsyncBufRead::consume;
    let _: fn(Pin<&mut T>, SeekFrom) -> io::Result<()> = AsyncSeek::start_seek;
    let _: fn(Pin<&mut T>, &mut Context<'_>) -> Poll<io::Result<u64>> = AsyncSeek::poll_complete;
}

// `ReadBuf<'a>`'s lifetime belongs to its impl, so each path names one `'a`.
fn read_buf<'a: 'b, 'b>() {
    let _: fn(&'a mut [u8]) -> ReadBuf<'a> = ReadBuf::new;
    let _: fn(&'a mut [MaybeUninit<u8>]) -> ReadBuf<'a> = ReadBuf::uninit;
    let _: fn(&'b ReadBuf<'a>) -> &'b [u8] = ReadBuf::filled;
    let _: fn(&'b mut ReadBuf<'a>) -> &'b mut [u8] = ReadBuf::initialize_unfilled;
    let _: unsafe fn(&'b mut ReadBuf<'a>) -> &'b mut [MaybeUninit<u8>] = ReadBuf::unfilled_mut;
    let _: unsafe fn(&'b mut ReadBuf<'a>, usize) = ReadBuf::assume_init;
    let _: fn(&'b mut ReadBuf<'a>, usize) = ReadBuf::advance;
    let _: fn(&'b mut ReadBuf<'a>, usize) = ReadBuf::set_filled;
    let _: fn(&'b mut ReadBuf<'a>, &'b [u8]) = ReadBuf::put_slice;
    let _: fn(&'b ReadBuf<'a>) -> usize = ReadBuf::remaining;
    let _: fn(&'b ReadBuf<'a>) -> usize = ReadBuf::capacity;
}

fn io_reexports(e: io::Error) -> io::Result<io::ErrorKind> {
    let _: &std::io::Error = &e;
    Ok(e.kind())
}

fn io_utils<'a>() {
    use weft::io::{AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
    fn ext<T: AsyncReadExt + AsyncWriteExt + AsyncBufReadExt + AsyncSeekExt>() {}
    ext::<io::BufStream<std::io::Cursor<Vec<u8>>>>();
    let _: fn(usize) -> (io::DuplexStream, io::DuplexStream) = io::duplex;
    let _: fn(io::BufReader<&'a [u8]>) -> io::Lines<io::BufReader<&'a [u8]>> =
        AsyncBufReadExt::lines;
    let _: fn(io::BufReader<&'a [u8]>, u8) -> io::Split<io::BufReader<&'a [u8]>> =
        AsyncBufReadExt::split;
}

async fn lines_next(l: &mut io::Lines<&[u8]>) -> io::Result<Option<String>> {
    l.next_line().await
}

async fn split_next(s: &mut io::Split<&[u8]>) -> io::Result<Option<Vec<u8>>> {
    s.next_segment().await
}

// ---- net -------------------------------------------------------------------

fn net_sync_fns() {
    let _: fn(std::net::TcpListener) -> io::Result<TcpListener> = TcpListener::from_std;
    let _: fn(&TcpListener) -> io::Result<SocketAddr> = TcpListener::local_addr;
    let _: fn(&TcpStream, bool) -> io::Result<()> = TcpStream::set_nodelay;
    let _: fn(&TcpStream) -> io::Result<SocketAddr> = TcpStream::peer_addr;
    let _: fn(std::net::TcpStream) -> io::Result<TcpStream> = TcpStream::from_std;
    let _: fn(std::net::TcpStream) -> TcpSocket = TcpSocket::from_std_stream;
    let _: fn(std::net::UdpSocket) -> io::Result<UdpSocket> = UdpSocket::from_std;
    let _: fn(std::os::unix::net::UnixListener) -> io::Result<UnixListener> =
        UnixListener::from_std;
    let _: fn(&UnixListener) -> io::Result<weft::net::unix::SocketAddr> = UnixListener::local_addr;
    let _: fn(&UnixStream) -> io::Result<weft::net::unix::SocketAddr> = UnixStream::peer_addr;
    let _: fn(&weft::net::unix::SocketAddr) -> Option<&std::path::Path> =
        weft::net::unix::SocketAddr::as_pathname;
    let _: fn(&TcpListener, &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> =
        TcpListener::poll_accept;
}

async fn tcp_accept(l: &TcpListener) -> io::Result<(TcpStream, SocketAddr)> {
    l.accept().await
}

async fn tcp_connect(a: SocketAddr) -> io::Result<TcpStream> {
    TcpStream::connect(a).await
}

async fn unix_accept(l: &UnixListener) -> io::Result<(UnixStream, weft::net::unix::SocketAddr)> {
    l.accept().await
}

async fn udp_bind(a: SocketAddr) -> io::Result<UdpSocket> {
    UdpSocket::bind(a).await
}

// ---- crate root, task, runtime -------------------------------------------------

fn tasks() {
    let _: fn(Pin<Box<dyn Future<Output = u8> + Send>>) -> JoinHandle<u8> = weft::spawn;
    let _: fn(fn() -> u8) -> JoinHandle<u8> = weft::task::spawn_blocking;
    let _: fn(Pin<Box<dyn Future<Output = u8>>>) -> JoinHandle<u8> = weft::task::spawn_local;
    let _: fn(&JoinHandle<u8>) = JoinHandle::abort;
    let _: fn(&JoinHandle<u8>) -> bool = JoinHandle::is_finished;
    let _: fn(&JoinHandle<u8>) -> AbortHandle = JoinHandle::abort_handle;
    let _: fn(&AbortHandle) = AbortHandle::abort;
    let _: fn(&AbortHandle) -> bool = AbortHandle::is_finished;
    let _: fn(&AbortHandle) -> Id = AbortHandle::id;
    let _: fn(&JoinError) -> bool = JoinError::is_cancelled;
    let _: fn(&JoinError) -> bool = JoinError::is_panic;
    let _: fn(JoinError) -> Box<dyn std::any::Any + Send + 'static> = JoinError::into_panic;
    let _: fn() -> JoinSet<u8> = JoinSet::new;
    let _: fn() -> LocalSet = LocalSet::new;
    let _: fn(&mut Context<'_>) -> Poll<weft::task::coop::RestoreOnPending> =
        weft::task::coop::poll_proceed;
    let _: fn(Sleep) -> weft::task::Unconstrained<Sleep> = weft::task::coop::unconstrained;
    let _: fn() -> weft::runtime::Handle = weft::runtime::Handle::current;
    let _: fn() -> weft::runtime::Builder = weft::runtime::Builder::new_multi_thread;
    let _: fn(&mut weft::runtime::Builder) -> io::Result<weft::runtime::Runtime> =
        weft::runtime::Builder::build;
}

async fn join_set_next(s: &mut JoinSet<u8>) -> Option<Result<u8, JoinError>> {
    s.join_next().await
}

async fn yield_now() {
    weft::task::yield_now().await
}

// ---- sync --------------------------------------------------------------------

fn sync_fns() {
    let _: fn(&Semaphore, usize) = Semaphore::add_permits;
    let _: fn(&Notify) -> weft::sync::futures::Notified<'_> = Notify::notified;
    let _: fn(&Notify) = Notify::notify_waiters;
    let _: fn(usize) -> (mpsc::Sender<u8>, mpsc::Receiver<u8>) = mpsc::channel;
    let _: fn() -> (mpsc::UnboundedSender<u8>, mpsc::UnboundedReceiver<u8>) =
        mpsc::unbounded_channel;
    let _: fn(&mut mpsc::Receiver<u8>, &mut Context<'_>) -> Poll<Option<u8>> =
        mpsc::Receiver::poll_recv;
    let _: fn(&mut mpsc::UnboundedReceiver<u8>, &mut Context<'_>) -> Poll<Option<u8>> =
        mpsc::UnboundedReceiver::poll_recv;
    let _: fn(mpsc::OwnedPermit<u8>, u8) -> mpsc::Sender<u8> = mpsc::OwnedPermit::send;
    let _: fn() -> (oneshot::Sender<u8>, oneshot::Receiver<u8>) = oneshot::channel;
    let _: fn(u8) -> (watch::Sender<u8>, watch::Receiver<u8>) = watch::channel;
    let _: fn(&watch::Receiver<u8>) -> watch::Ref<'_, u8> = watch::Receiver::borrow;
    let _: fn(usize) -> (broadcast::Sender<u8>, broadcast::Receiver<u8>) = broadcast::channel;
    match TryAcquireError::Closed {
        TryAcquireError::Closed | TryAcquireError::NoPermits => {}
    }
    match broadcast::error::RecvError::Closed {
        broadcast::error::RecvError::Closed | broadcast::error::RecvError::Lagged(_) => {}
    }
}

async fn acquire_many_owned(s: Arc<Semaphore>) -> Result<OwnedSemaphorePermit, AcquireError> {
    s.acquire_many_owned(2).await
}

async fn reserve_owned(
    tx: mpsc::Sender<u8>,
) -> Result<mpsc::OwnedPermit<u8>, mpsc::error::SendError<()>> {
    tx.reserve_owned().await
}

async fn mpsc_recv(rx: &mut mpsc::Receiver<u8>) -> Option<u8> {
    rx.recv().await
}

async fn watch_changed(rx: &mut watch::Receiver<u8>) -> Result<(), watch::error::RecvError> {
    rx.changed().await
}

async fn broadcast_recv(
    rx: &mut broadcast::Receiver<u8>,
) -> Result<u8, broadcast::error::RecvError> {
    rx.recv().await
}

async fn oneshot_recv(rx: oneshot::Receiver<u8>) -> Result<u8, oneshot::error::RecvError> {
    rx.await
}

// ---- time --------------------------------------------------------------------

fn time_fns() {
    let _: fn(Duration) -> Sleep = weft::time::sleep;
    let _: fn(Instant) -> Sleep = weft::time::sleep_until;
    let _: fn(Pin<&mut Sleep>, Instant) = Sleep::reset;
    let _: fn(&Sleep) -> Instant = Sleep::deadline;
    let _: fn(Duration) -> Interval = weft::time::interval;
    let _: fn(&mut Interval, &mut Context<'_>) -> Poll<Instant> = Interval::poll_tick;
    let _: fn(Duration, Sleep) -> Timeout<Sleep> = weft::time::timeout;
    let _: fn(Instant, Sleep) -> Timeout<Sleep> = weft::time::timeout_at;
    let _: fn() -> Instant = Instant::now;
    let _: fn(std::time::Instant) -> Instant = Instant::from_std;
    let _: fn(Instant) -> std::time::Instant = Instant::into_std;
}

async fn timeout_output(t: Timeout<Sleep>) -> Result<(), weft::time::error::Elapsed> {
    t.await
}

// ---- fs ----------------------------------------------------------------------

async fn read_dir(p: &std::path::Path) -> io::Result<Option<weft::fs::DirEntry>> {
    let mut rd: weft::fs::ReadDir = weft::fs::read_dir(p).await?;
    rd.next_entry().await
}

fn dir_entry() {
    let _: fn(
        &mut weft::fs::ReadDir,
        &mut Context<'_>,
    ) -> Poll<io::Result<Option<weft::fs::DirEntry>>> = weft::fs::ReadDir::poll_next_entry;
    let _: fn(&weft::fs::DirEntry) -> std::path::PathBuf = weft::fs::DirEntry::path;
    let _: fn(&weft::fs::DirEntry) -> std::ffi::OsString = weft::fs::DirEntry::file_name;
}

// ---- signal ------------------------------------------------------------------

fn signal_fns() {
    use weft::signal::unix::{Signal, SignalKind};
    let _: fn(SignalKind) -> io::Result<Signal> = weft::signal::unix::signal;
    let _: fn() -> SignalKind = SignalKind::terminate;
    let _: fn() -> SignalKind = SignalKind::interrupt;
    let _: fn(std::os::raw::c_int) -> SignalKind = SignalKind::from_raw;
    let _: fn(&mut Signal, &mut Context<'_>) -> Poll<Option<()>> = Signal::poll_recv;
}

async fn signal_recv(s: &mut weft::signal::unix::Signal) -> Option<()> {
    s.recv().await
}

async fn ctrl_c() -> io::Result<()> {
    weft::signal::ctrl_c().await
}

// ---- a few of them, run ------------------------------------------------------

#[weft::test]
async fn tcp_items_behave_as_the_crates_expect() {
    let std_listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std_listener.set_nonblocking(true).unwrap();
    let listener = TcpListener::from_std(std_listener).unwrap();
    let addr = listener.local_addr().unwrap();
    let (client, (server, peer)) = weft::join!(async { tcp_connect(addr).await.unwrap() }, async {
        tcp_accept(&listener).await.unwrap()
    });
    client.set_nodelay(true).unwrap();
    assert!(client.nodelay().unwrap());
    assert_eq!(client.peer_addr().unwrap(), addr);
    assert_eq!(server.peer_addr().unwrap(), peer);

    // hyper-util turns a connected std stream back into a configurable socket.
    let std_stream = std::net::TcpStream::connect(addr).unwrap();
    let socket = TcpSocket::from_std_stream(std_stream);
    socket.set_nodelay(true).unwrap();
    assert!(socket.nodelay().unwrap());
}

#[weft::test]
async fn sync_items_behave_as_the_crates_expect() {
    // tower's ConcurrencyLimit / tokio-util's PollSemaphore.
    let sem = Arc::new(Semaphore::new(1));
    sem.add_permits(2);
    let permit = acquire_many_owned(sem.clone()).await.unwrap();
    assert_eq!(permit.num_permits(), 2);
    assert_eq!(sem.available_permits(), 1);
    assert!(matches!(
        sem.clone().try_acquire_many_owned(2),
        Err(TryAcquireError::NoPermits)
    ));
    sem.close();
    assert!(acquire_many_owned(sem).await.is_err());

    // tower's Buffer: an owned permit sends without borrowing the sender.
    let (tx, mut rx) = mpsc::channel(1);
    let permit = reserve_owned(tx).await.unwrap();
    let _tx: mpsc::Sender<u8> = permit.send(7);
    assert_eq!(mpsc_recv(&mut rx).await, Some(7));

    // hyper-util's graceful shutdown: watch + Notify.
    let (wtx, mut wrx) = watch::channel(0u8);
    wtx.send(1).unwrap();
    watch_changed(&mut wrx).await.unwrap();
    assert_eq!(*wrx.borrow(), 1);
    drop(wtx);
    assert!(watch_changed(&mut wrx).await.is_err());
}

#[test]
fn read_buf_uninit_fills_as_the_crates_expect() {
    // hyper reads into spare capacity through `ReadBuf::uninit`.
    let mut storage = [MaybeUninit::<u8>::uninit(); 8];
    let mut buf = ReadBuf::uninit(&mut storage);
    assert_eq!(buf.capacity(), 8);
    assert!(buf.filled().is_empty());
    buf.put_slice(b"abc");
    assert_eq!(buf.filled(), b"abc");
    assert_eq!(buf.remaining(), 5);
}
