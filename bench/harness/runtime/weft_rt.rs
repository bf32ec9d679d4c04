//! weft, current-thread and multi-thread.

use super::{Rt, WORKERS};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A weft join handle that unwraps the `JoinError` (a benchmark task never
/// panics or gets cancelled while awaited).
#[derive(Debug)]
pub struct WeftJoin<T>(weft::task::JoinHandle<T>);

impl<T> Future for WeftJoin<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| r.expect("weft task failed"))
    }
}

/// weft's current-thread runtime.
#[derive(Debug)]
pub struct WeftCt(weft::runtime::Runtime);

/// weft's multi-thread runtime with [`WORKERS`] workers.
#[derive(Debug)]
pub struct WeftMt(weft::runtime::Runtime);

impl Rt for WeftCt {
    const NAME: &'static str = weft_bench::flavor::WEFT_CT;
    const MULTI_THREAD: bool = false;
    type Lib = super::api::WeftLib;
    type Join<T: Send + 'static> = WeftJoin<T>;

    fn new() -> Result<Self, String> {
        weft::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(WeftCt)
            .map_err(|e| e.to_string())
    }

    fn block_on<F: Future>(&self, fut: F) -> F::Output {
        self.0.block_on(fut)
    }

    fn spawn_remote<F>(&self, fut: F) -> WeftJoin<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        WeftJoin(self.0.spawn(fut))
    }

    fn spawn<F>(fut: F) -> WeftJoin<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        WeftJoin(weft::spawn(fut))
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        weft::task::yield_now()
    }

    fn spawn_blocking<F, T>(f: F) -> WeftJoin<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        WeftJoin(weft::task::spawn_blocking(f))
    }
}

impl Rt for WeftMt {
    const NAME: &'static str = weft_bench::flavor::WEFT_MT;
    const MULTI_THREAD: bool = true;
    type Lib = super::api::WeftLib;
    type Join<T: Send + 'static> = WeftJoin<T>;

    fn new() -> Result<Self, String> {
        weft::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .enable_all()
            .build()
            .map(WeftMt)
            .map_err(|e| e.to_string())
    }

    fn block_on<F: Future>(&self, fut: F) -> F::Output {
        self.0.block_on(fut)
    }

    fn spawn_remote<F>(&self, fut: F) -> WeftJoin<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        WeftJoin(self.0.spawn(fut))
    }

    fn spawn<F>(fut: F) -> WeftJoin<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        WeftJoin(weft::spawn(fut))
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        weft::task::yield_now()
    }

    fn spawn_blocking<F, T>(f: F) -> WeftJoin<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        WeftJoin(weft::task::spawn_blocking(f))
    }
}
