//! [`SmolLib`]: the smol ecosystem's primitives behind the api traits.
//!
//! smol has no oneshot type; a `bounded(1)` `async-channel` is what smol code
//! uses instead. It has no `JoinSet` either, so that benchmark skips smol.

// The signatures spell out the `Send` futures the traits promise.
#![allow(clippy::manual_async_fn)]

use super::api::{
    JoinSetApi, MpscApi, MutexApi, NetApi, OneshotApi, SemaphoreApi, SmolLib, TimeApi, Unavailable,
};
use async_channel::{Receiver, Sender};
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

impl OneshotApi for SmolLib {
    type Tx<T: Send + 'static> = Sender<T>;
    type Rx<T: Send + 'static> = Receiver<T>;

    fn oneshot<T: Send + 'static>() -> (Self::Tx<T>, Self::Rx<T>) {
        async_channel::bounded(1)
    }

    fn send<T: Send + 'static>(tx: Self::Tx<T>, value: T) {
        tx.try_send(value).expect("oneshot receiver dropped");
    }

    fn recv<T: Send + 'static>(rx: Self::Rx<T>) -> impl Future<Output = T> + Send {
        async move { rx.recv().await.expect("oneshot sender dropped") }
    }
}

impl MpscApi for SmolLib {
    type Tx<T: Send + 'static> = Sender<T>;
    type Rx<T: Send + 'static> = Receiver<T>;
    type UnboundedTx<T: Send + 'static> = Sender<T>;
    type UnboundedRx<T: Send + 'static> = Receiver<T>;

    fn bounded<T: Send + 'static>(capacity: usize) -> (Self::Tx<T>, Self::Rx<T>) {
        async_channel::bounded(capacity)
    }

    fn send<T: Send + 'static>(tx: &Self::Tx<T>, value: T) -> impl Future<Output = ()> + Send + '_ {
        async move { tx.send(value).await.expect("mpsc receiver dropped") }
    }

    fn recv<T: Send + 'static>(
        rx: &mut Self::Rx<T>,
    ) -> impl Future<Output = Option<T>> + Send + '_ {
        async move { rx.recv().await.ok() }
    }

    fn unbounded<T: Send + 'static>() -> (Self::UnboundedTx<T>, Self::UnboundedRx<T>) {
        async_channel::unbounded()
    }

    fn send_unbounded<T: Send + 'static>(tx: &Self::UnboundedTx<T>, value: T) {
        tx.try_send(value).expect("mpsc receiver dropped");
    }

    fn recv_unbounded<T: Send + 'static>(
        rx: &mut Self::UnboundedRx<T>,
    ) -> impl Future<Output = Option<T>> + Send + '_ {
        async move { rx.recv().await.ok() }
    }
}

impl MutexApi for SmolLib {
    type Mutex = async_lock::Mutex<u64>;

    fn mutex(value: u64) -> Self::Mutex {
        async_lock::Mutex::new(value)
    }

    fn increment(m: &Self::Mutex) -> impl Future<Output = ()> + Send + '_ {
        async move { *m.lock().await += 1 }
    }

    fn value(m: &Self::Mutex) -> u64 {
        *m.try_lock().expect("mutex held")
    }
}

impl SemaphoreApi for SmolLib {
    type Semaphore = async_lock::Semaphore;

    fn semaphore(permits: usize) -> Self::Semaphore {
        async_lock::Semaphore::new(permits)
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
            let _permit = s.acquire().await;
            f.await
        }
    }
}

impl TimeApi for SmolLib {
    type Sleep = async_io::Timer;

    fn sleep(duration: Duration) -> Self::Sleep {
        async_io::Timer::after(duration)
    }
}

impl JoinSetApi for SmolLib {
    const MISSING: Option<&'static str> = Some("smol has no JoinSet");
    type JoinSet<T: Send + 'static> = Unavailable;

    fn join_set<T: Send + 'static>() -> Self::JoinSet<T> {
        unreachable!("smol has no JoinSet")
    }

    fn spawn_into<T, F>(_: &mut Self::JoinSet<T>, _: F)
    where
        T: Send + 'static,
        F: Future<Output = T> + Send + 'static,
    {
        unreachable!("smol has no JoinSet")
    }

    fn join_next<T: Send + 'static>(
        _: &mut Self::JoinSet<T>,
    ) -> impl Future<Output = Option<T>> + Send + '_ {
        async { unreachable!("smol has no JoinSet") }
    }
}

impl NetApi for SmolLib {
    type Listener = async_net::TcpListener;
    type Stream = async_net::TcpStream;

    fn bind() -> impl Future<Output = (Self::Listener, SocketAddr)> + Send {
        async {
            let listener = async_net::TcpListener::bind("127.0.0.1:0")
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
            let stream = async_net::TcpStream::connect(addr).await.expect("connect");
            stream.set_nodelay(true).expect("nodelay");
            stream
        }
    }

    fn write_all<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a [u8],
    ) -> impl Future<Output = ()> + Send + 'a {
        async move {
            futures_lite::AsyncWriteExt::write_all(stream, buf)
                .await
                .expect("write")
        }
    }

    fn read_exact<'a>(
        stream: &'a mut Self::Stream,
        buf: &'a mut [u8],
    ) -> impl Future<Output = bool> + Send + 'a {
        async move {
            futures_lite::AsyncReadExt::read_exact(stream, buf)
                .await
                .is_ok()
        }
    }
}
