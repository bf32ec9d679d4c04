//! [`WeftLib`]: weft's `sync`, `time`, `JoinSet` and TCP behind the api traits.

// The signatures spell out the `Send` futures the traits promise.
#![allow(clippy::manual_async_fn)]

use super::api::{
    JoinSetApi, MpscApi, MutexApi, NetApi, OneshotApi, SemaphoreApi, TimeApi, WeftLib,
};
use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

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

impl TimeApi for WeftLib {
    type Sleep = weft::time::Sleep;

    fn sleep(duration: Duration) -> Self::Sleep {
        weft::time::sleep(duration)
    }
}

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
