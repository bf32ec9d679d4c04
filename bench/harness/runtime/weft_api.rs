//! [`WeftLib`]: weft's `sync`, `time` and `JoinSet` behind the api traits.
//!
//! Each impl exists twice: the real one under `cfg(weft_<primitive>)`, which
//! `build.rs` sets once the primitive is in weft's source, and an unavailable
//! one otherwise (its `MISSING` reason lands in the report, and its methods
//! are never called because the suite skips the flavor).

// The signatures spell out the `Send` futures the traits promise.
#![allow(clippy::manual_async_fn)]
// Which imports are used depends on which primitives weft has.
#![allow(unused_imports)]

use super::api::{
    JoinSetApi, MpscApi, MutexApi, NetApi, OneshotApi, SemaphoreApi, TimeApi, Unavailable, WeftLib,
};
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

#[cfg(weft_oneshot)]
impl OneshotApi for WeftLib {
    type Tx<T: Send + 'static> = weft::sync::oneshot::Sender<T>;
    type Rx<T: Send + 'static> = weft::sync::oneshot::Receiver<T>;

    fn oneshot<T: Send + 'static>() -> (Self::Tx<T>, Self::Rx<T>) {
        weft::sync::oneshot::channel()
    }

    fn send<T: Send + 'static>(tx: Self::Tx<T>, value: T) {
        if tx.send(value).is_err() {
            panic!("oneshot receiver dropped");
        }
    }

    fn recv<T: Send + 'static>(rx: Self::Rx<T>) -> impl Future<Output = T> + Send {
        async move { rx.await.expect("oneshot sender dropped") }
    }
}

#[cfg(not(weft_oneshot))]
impl OneshotApi for WeftLib {
    const MISSING: Option<&'static str> = Some("weft has no `weft::sync::oneshot` yet");
    type Tx<T: Send + 'static> = Unavailable;
    type Rx<T: Send + 'static> = Unavailable;

    fn oneshot<T: Send + 'static>() -> (Self::Tx<T>, Self::Rx<T>) {
        unreachable!()
    }

    fn send<T: Send + 'static>(_: Self::Tx<T>, _: T) {
        unreachable!()
    }

    fn recv<T: Send + 'static>(_: Self::Rx<T>) -> impl Future<Output = T> + Send {
        async { unreachable!() }
    }
}

#[cfg(weft_mpsc)]
impl MpscApi for WeftLib {
    type Tx<T: Send + 'static> = weft::sync::mpsc::Sender<T>;
    type Rx<T: Send + 'static> = weft::sync::mpsc::Receiver<T>;
    type UnboundedTx<T: Send + 'static> = weft::sync::mpsc::UnboundedSender<T>;
    type UnboundedRx<T: Send + 'static> = weft::sync::mpsc::UnboundedReceiver<T>;

    fn bounded<T: Send + 'static>(capacity: usize) -> (Self::Tx<T>, Self::Rx<T>) {
        weft::sync::mpsc::channel(capacity)
    }

    fn send<T: Send + 'static>(tx: &Self::Tx<T>, value: T) -> impl Future<Output = ()> + Send + '_ {
        async move {
            if tx.send(value).await.is_err() {
                panic!("mpsc receiver dropped");
            }
        }
    }

    fn recv<T: Send + 'static>(
        rx: &mut Self::Rx<T>,
    ) -> impl Future<Output = Option<T>> + Send + '_ {
        rx.recv()
    }

    fn unbounded<T: Send + 'static>() -> (Self::UnboundedTx<T>, Self::UnboundedRx<T>) {
        weft::sync::mpsc::unbounded_channel()
    }

    fn send_unbounded<T: Send + 'static>(tx: &Self::UnboundedTx<T>, value: T) {
        if tx.send(value).is_err() {
            panic!("mpsc receiver dropped");
        }
    }

    fn recv_unbounded<T: Send + 'static>(
        rx: &mut Self::UnboundedRx<T>,
    ) -> impl Future<Output = Option<T>> + Send + '_ {
        rx.recv()
    }
}

#[cfg(not(weft_mpsc))]
impl MpscApi for WeftLib {
    const MISSING: Option<&'static str> = Some("weft has no `weft::sync::mpsc` yet");
    type Tx<T: Send + 'static> = Unavailable;
    type Rx<T: Send + 'static> = Unavailable;
    type UnboundedTx<T: Send + 'static> = Unavailable;
    type UnboundedRx<T: Send + 'static> = Unavailable;

    fn bounded<T: Send + 'static>(_: usize) -> (Self::Tx<T>, Self::Rx<T>) {
        unreachable!()
    }

    fn send<T: Send + 'static>(_: &Self::Tx<T>, _: T) -> impl Future<Output = ()> + Send + '_ {
        async { unreachable!() }
    }

    fn recv<T: Send + 'static>(_: &mut Self::Rx<T>) -> impl Future<Output = Option<T>> + Send + '_ {
        async { unreachable!() }
    }

    fn unbounded<T: Send + 'static>() -> (Self::UnboundedTx<T>, Self::UnboundedRx<T>) {
        unreachable!()
    }

    fn send_unbounded<T: Send + 'static>(_: &Self::UnboundedTx<T>, _: T) {
        unreachable!()
    }

    fn recv_unbounded<T: Send + 'static>(
        _: &mut Self::UnboundedRx<T>,
    ) -> impl Future<Output = Option<T>> + Send + '_ {
        async { unreachable!() }
    }
}

#[cfg(weft_mutex)]
impl MutexApi for WeftLib {
    type Mutex = weft::sync::Mutex<u64>;

    fn mutex(value: u64) -> Self::Mutex {
        weft::sync::Mutex::new(value)
    }

    fn increment(m: &Self::Mutex) -> impl Future<Output = ()> + Send + '_ {
        async move { *m.lock().await += 1 }
    }

    fn value(m: &Self::Mutex) -> u64 {
        *m.try_lock().expect("mutex held")
    }
}

#[cfg(not(weft_mutex))]
impl MutexApi for WeftLib {
    const MISSING: Option<&'static str> = Some("weft has no `weft::sync::Mutex` yet");
    type Mutex = Unavailable;

    fn mutex(_: u64) -> Self::Mutex {
        unreachable!()
    }

    fn increment(_: &Self::Mutex) -> impl Future<Output = ()> + Send + '_ {
        async { unreachable!() }
    }

    fn value(_: &Self::Mutex) -> u64 {
        unreachable!()
    }
}

#[cfg(weft_semaphore)]
impl SemaphoreApi for WeftLib {
    type Semaphore = weft::sync::Semaphore;

    fn semaphore(permits: usize) -> Self::Semaphore {
        weft::sync::Semaphore::new(permits)
    }

    fn with_permit<'a, F>(
        s: &'a Self::Semaphore,
        f: F,
    ) -> impl Future<Output = F::Output> + Send + 'a
    where
        F: Future + Send + 'a,
        F::Output: Send,
    {
        async move {
            let _permit = s.acquire().await.expect("semaphore closed");
            f.await
        }
    }
}

#[cfg(not(weft_semaphore))]
impl SemaphoreApi for WeftLib {
    const MISSING: Option<&'static str> = Some("weft has no `weft::sync::Semaphore` yet");
    type Semaphore = Unavailable;

    fn semaphore(_: usize) -> Self::Semaphore {
        unreachable!()
    }

    fn with_permit<'a, F>(
        _: &'a Self::Semaphore,
        _: F,
    ) -> impl Future<Output = F::Output> + Send + 'a
    where
        F: Future + Send + 'a,
        F::Output: Send,
    {
        async { unreachable!() }
    }
}

#[cfg(weft_time)]
impl TimeApi for WeftLib {
    type Sleep = weft::time::Sleep;

    fn sleep(duration: Duration) -> Self::Sleep {
        weft::time::sleep(duration)
    }
}

#[cfg(not(weft_time))]
impl TimeApi for WeftLib {
    const MISSING: Option<&'static str> = Some("weft has no `weft::time::sleep` yet");
    type Sleep = Unavailable;

    fn sleep(_: Duration) -> Self::Sleep {
        unreachable!()
    }
}

#[cfg(weft_joinset)]
impl JoinSetApi for WeftLib {
    type JoinSet<T: Send + 'static> = weft::task::JoinSet<T>;

    fn join_set<T: Send + 'static>() -> Self::JoinSet<T> {
        weft::task::JoinSet::new()
    }

    fn spawn_into<T, F>(set: &mut Self::JoinSet<T>, fut: F)
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        set.spawn(fut);
    }

    fn join_next<T: Send + 'static>(
        set: &mut Self::JoinSet<T>,
    ) -> impl Future<Output = Option<T>> + Send + '_ {
        async move { set.join_next().await.map(|r| r.expect("task failed")) }
    }
}

#[cfg(not(weft_joinset))]
impl JoinSetApi for WeftLib {
    const MISSING: Option<&'static str> = Some("weft has no `weft::task::JoinSet` yet");
    type JoinSet<T: Send + 'static> = Unavailable;

    fn join_set<T: Send + 'static>() -> Self::JoinSet<T> {
        unreachable!()
    }

    fn spawn_into<T, F>(_: &mut Self::JoinSet<T>, _: F)
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        unreachable!()
    }

    fn join_next<T: Send + 'static>(
        _: &mut Self::JoinSet<T>,
    ) -> impl Future<Output = Option<T>> + Send + '_ {
        async { unreachable!() }
    }
}

#[cfg(weft_net)]
impl NetApi for WeftLib {
    type Listener = weft::net::TcpListener;
    type Stream = weft::net::TcpStream;

    fn bind() -> impl Future<Output = (Self::Listener, SocketAddr)> + Send {
        async {
            let listener = weft::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind");
            let addr = listener.local_addr().expect("local_addr");
            (listener, addr)
        }
    }

    fn accept(listener: &Self::Listener) -> impl Future<Output = Self::Stream> + Send + '_ {
        async move {
            let (stream, _) = listener.accept().await.expect("accept");
            stream.set_nodelay(true).expect("nodelay");
            stream
        }
    }

    fn connect(addr: SocketAddr) -> impl Future<Output = Self::Stream> + Send {
        async move {
            let stream = weft::net::TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            stream
        }
    }

    fn write_all<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a [u8],
    ) -> impl Future<Output = ()> + Send + 'a {
        async move {
            weft::io::AsyncWriteExt::write_all(stream, buf)
                .await
                .expect("write")
        }
    }

    fn read_exact<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a mut [u8],
    ) -> impl Future<Output = bool> + Send + 'a {
        async move {
            weft::io::AsyncReadExt::read_exact(stream, buf)
                .await
                .is_ok()
        }
    }
}

#[cfg(not(weft_net))]
// The stand-in stream type is the (never built) `Unavailable` future.
#[allow(clippy::async_yields_async)]
impl NetApi for WeftLib {
    const MISSING: Option<&'static str> =
        Some("weft has no `weft::net` + `weft::io` extension traits yet");
    type Listener = Unavailable;
    type Stream = Unavailable;

    fn bind() -> impl Future<Output = (Self::Listener, SocketAddr)> + Send {
        async { unreachable!() }
    }

    fn accept(_: &Self::Listener) -> impl Future<Output = Self::Stream> + Send + '_ {
        async { unreachable!() }
    }

    fn connect(_: SocketAddr) -> impl Future<Output = Self::Stream> + Send {
        async { unreachable!() }
    }

    fn write_all<'a>(_: &'a mut Self::Stream, _: &'a [u8]) -> impl Future<Output = ()> + Send + 'a {
        async { unreachable!() }
    }

    fn read_exact<'a>(
        _: &'a mut Self::Stream,
        _: &'a mut [u8],
    ) -> impl Future<Output = bool> + Send + 'a {
        async { unreachable!() }
    }
}
