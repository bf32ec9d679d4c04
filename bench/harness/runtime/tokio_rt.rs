//! Tokio, current-thread and multi-thread.

use super::{Rt, WORKERS};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A Tokio join handle that unwraps the `JoinError` (a benchmark task never
/// panics or gets cancelled while awaited).
#[derive(Debug)]
pub struct TokioJoin<T>(tokio::task::JoinHandle<T>);

impl<T> Future for TokioJoin<T> {
    type Output = T;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        Pin::new(&mut self.0)
            .poll(cx)
            .map(|r| r.expect("tokio task failed"))
    }
}

/// Tokio's current-thread runtime.
#[derive(Debug)]
pub struct TokioCt(tokio::runtime::Runtime);

/// Tokio's multi-thread runtime with [`WORKERS`] workers.
#[derive(Debug)]
pub struct TokioMt(tokio::runtime::Runtime);

impl Rt for TokioCt {
    const NAME: &'static str = weft_bench::flavor::TOKIO_CT;
    const MULTI_THREAD: bool = false;
    type Lib = super::api::TokioLib;
    type Join<T: Send + 'static> = TokioJoin<T>;

    fn new() -> Result<Self, String> {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map(TokioCt)
            .map_err(|e| e.to_string())
    }

    fn block_on<F: Future>(&self, fut: F) -> F::Output {
        self.0.block_on(fut)
    }

    fn spawn_remote<F>(&self, fut: F) -> TokioJoin<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        TokioJoin(self.0.spawn(fut))
    }

    fn spawn<F>(fut: F) -> TokioJoin<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        TokioJoin(tokio::spawn(fut))
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        tokio::task::yield_now()
    }

    fn spawn_blocking<F, T>(f: F) -> TokioJoin<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        TokioJoin(tokio::task::spawn_blocking(f))
    }
}

impl Rt for TokioMt {
    const NAME: &'static str = weft_bench::flavor::TOKIO_MT;
    const MULTI_THREAD: bool = true;
    type Lib = super::api::TokioLib;
    type Join<T: Send + 'static> = TokioJoin<T>;

    fn new() -> Result<Self, String> {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKERS)
            .enable_all()
            .build()
            .map(TokioMt)
            .map_err(|e| e.to_string())
    }

    fn block_on<F: Future>(&self, fut: F) -> F::Output {
        self.0.block_on(fut)
    }

    fn spawn_remote<F>(&self, fut: F) -> TokioJoin<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        TokioJoin(self.0.spawn(fut))
    }

    fn spawn<F>(fut: F) -> TokioJoin<F::Output>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        TokioJoin(tokio::spawn(fut))
    }

    fn yield_now() -> impl Future<Output = ()> + Send {
        tokio::task::yield_now()
    }

    fn spawn_blocking<F, T>(f: F) -> TokioJoin<T>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        TokioJoin(tokio::task::spawn_blocking(f))
    }
}
