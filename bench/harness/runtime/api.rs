//! The libraries beside the scheduler: channels, locks, timers, `JoinSet`.
//!
//! Each runtime's library is a zero-sized type ([`TokioLib`], [`WeftLib`],
//! [`SmolLib`]) named by [`super::Rt::Lib`], and implements one trait per
//! primitive. The trait methods are the few operations the benchmarks need,
//! written so the benchmark body is the same for every runtime; each one
//! unwraps errors (a closed channel in a benchmark is a bug).
//!
//! A library without a primitive says why in the trait's `MISSING` and the
//! suite skips its flavors: smol has no `JoinSet`, so that benchmark is Tokio
//! against weft only.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

/// Tokio's `sync`, `time` and `task::JoinSet`.
#[derive(Debug, Clone, Copy)]
pub struct TokioLib;

/// weft's `sync`, `time`, `task::JoinSet` and `net`.
#[derive(Debug, Clone, Copy)]
pub struct WeftLib;

/// The smol ecosystem: `async-channel` (a bounded(1) channel as oneshot),
/// `async-lock`, `async-io`'s `Timer`.
#[derive(Debug, Clone, Copy)]
pub struct SmolLib;

/// Stands in for a type of a primitive a library does not have: never built.
#[derive(Debug, Clone, Copy)]
pub struct Unavailable;

/// A single-use channel.
pub trait OneshotApi {
    /// `None` when available; otherwise why not.
    const MISSING: Option<&'static str> = None;
    /// Sending half.
    type Tx<T: Send + 'static>: Send + 'static;
    /// Receiving half.
    type Rx<T: Send + 'static>: Send + 'static;
    /// A new channel.
    fn oneshot<T: Send + 'static>() -> (Self::Tx<T>, Self::Rx<T>);
    /// Sends, consuming the sender.
    fn send<T: Send + 'static>(tx: Self::Tx<T>, value: T);
    /// Receives the value.
    fn recv<T: Send + 'static>(rx: Self::Rx<T>) -> impl Future<Output = T> + Send;
}

/// Multi-producer channels, bounded and unbounded.
pub trait MpscApi {
    /// `None` when available; otherwise why not.
    const MISSING: Option<&'static str> = None;
    /// Bounded sender.
    type Tx<T: Send + 'static>: Clone + Send + Sync + 'static;
    /// Bounded receiver.
    type Rx<T: Send + 'static>: Send + 'static;
    /// Unbounded sender.
    type UnboundedTx<T: Send + 'static>: Clone + Send + Sync + 'static;
    /// Unbounded receiver.
    type UnboundedRx<T: Send + 'static>: Send + 'static;
    /// A bounded channel of `capacity`.
    fn bounded<T: Send + 'static>(capacity: usize) -> (Self::Tx<T>, Self::Rx<T>);
    /// Sends, waiting for capacity.
    fn send<T: Send + 'static>(tx: &Self::Tx<T>, value: T) -> impl Future<Output = ()> + Send + '_;
    /// Receives; `None` once every sender is gone and the channel is empty.
    fn recv<T: Send + 'static>(rx: &mut Self::Rx<T>)
        -> impl Future<Output = Option<T>> + Send + '_;
    /// An unbounded channel.
    fn unbounded<T: Send + 'static>() -> (Self::UnboundedTx<T>, Self::UnboundedRx<T>);
    /// Sends without waiting.
    fn send_unbounded<T: Send + 'static>(tx: &Self::UnboundedTx<T>, value: T);
    /// Receives; `None` once every sender is gone and the channel is empty.
    fn recv_unbounded<T: Send + 'static>(
        rx: &mut Self::UnboundedRx<T>,
    ) -> impl Future<Output = Option<T>> + Send + '_;
}

/// An async mutex around a counter.
pub trait MutexApi {
    /// `None` when available; otherwise why not.
    const MISSING: Option<&'static str> = None;
    /// `Mutex<u64>`.
    type Mutex: Send + Sync + 'static;
    /// A mutex holding `value`.
    fn mutex(value: u64) -> Self::Mutex;
    /// Locks, adds one, unlocks.
    fn increment(m: &Self::Mutex) -> impl Future<Output = ()> + Send + '_;
    /// The value, locking without waiting (the benchmark checks its count).
    fn value(m: &Self::Mutex) -> u64;
}

/// An async counting semaphore.
pub trait SemaphoreApi {
    /// `None` when available; otherwise why not.
    const MISSING: Option<&'static str> = None;
    /// The semaphore.
    type Semaphore: Send + Sync + 'static;
    /// A semaphore with `permits` permits.
    fn semaphore(permits: usize) -> Self::Semaphore;
    /// Acquires one permit, runs `f` holding it, releases it.
    fn with_permit<'a, F>(
        s: &'a Self::Semaphore,
        f: F,
    ) -> impl Future<Output = F::Output> + Send + 'a
    where
        F: Future + Send + 'a,
        F::Output: Send;
}

/// Timers.
pub trait TimeApi {
    /// `None` when available; otherwise why not.
    const MISSING: Option<&'static str> = None;
    /// The runtime's sleep future.
    type Sleep: Future + Send + 'static;
    /// A timer that fires after `duration` (registered on first poll).
    fn sleep(duration: Duration) -> Self::Sleep;
}

/// A set of spawned tasks awaited in completion order.
pub trait JoinSetApi {
    /// `None` when available; otherwise why not.
    const MISSING: Option<&'static str> = None;
    /// `JoinSet<T>`.
    type JoinSet<T: Send + 'static>: Send + 'static;
    /// An empty set (inside the runtime).
    fn join_set<T: Send + 'static>() -> Self::JoinSet<T>;
    /// Spawns `fut` into the set.
    fn spawn_into<T, F>(set: &mut Self::JoinSet<T>, fut: F)
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static;
    /// The next finished task's output; `None` when the set is empty.
    fn join_next<T: Send + 'static>(
        set: &mut Self::JoinSet<T>,
    ) -> impl Future<Output = Option<T>> + Send + '_;
}

/// TCP over loopback. Errors panic, except where a method says otherwise.
pub trait NetApi {
    /// `None` when available; otherwise why not.
    const MISSING: Option<&'static str> = None;
    /// `TcpListener`.
    type Listener: Send + Sync + 'static;
    /// `TcpStream`, with `TCP_NODELAY` set; its descriptor lets a tool set
    /// other options (`examples/tcp_bulk_spread.rs` sets the congestion
    /// control).
    type Stream: Send + std::os::fd::AsRawFd + 'static;
    /// A listener on 127.0.0.1 with a free port, and its address.
    fn bind() -> impl Future<Output = (Self::Listener, SocketAddr)> + Send;
    /// The next connection.
    fn accept(listener: &Self::Listener) -> impl Future<Output = Self::Stream> + Send + '_;
    /// Connects to `addr`.
    fn connect(addr: SocketAddr) -> impl Future<Output = Self::Stream> + Send;
    /// Writes all of `buf`.
    fn write_all<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a [u8],
    ) -> impl Future<Output = ()> + Send + 'a;
    /// Fills `buf`; false if the peer closed (or the read failed) first.
    fn read_exact<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a mut [u8],
    ) -> impl Future<Output = bool> + Send + 'a;
}

/// Everything a runtime's library provides.
pub trait Lib:
    OneshotApi + MpscApi + MutexApi + SemaphoreApi + TimeApi + JoinSetApi + NetApi
{
}

impl<L> Lib for L where
    L: OneshotApi + MpscApi + MutexApi + SemaphoreApi + TimeApi + JoinSetApi + NetApi
{
}

impl Future for Unavailable {
    type Output = ();

    fn poll(self: std::pin::Pin<&mut Self>, _: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        unreachable!("an unavailable primitive was used")
    }
}
