//! tower, hyper, hyper-util and axum on weft: middleware that uses weft's
//! timers, semaphores and channels, and an axum server spoken to by
//! hyper-util's pooled client (HTTP/1 and HTTP/2) and a raw hyper connection
//! over a weft `TcpStream` (and a WebSocket, see `ws`, and files, see
//! `files`), shut down gracefully through a oneshot (raced, as servers do,
//! with `signal::ctrl_c`).

use std::convert::Infallible;
use std::future::IntoFuture;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::Path;
use axum::routing::{get, post};
use axum::Router;
use bytes::Bytes;
use http_body_util::{BodyExt, Empty, Full};
use hyper::{Request, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, Notify};
use tower::{Service, ServiceBuilder, ServiceExt};

/// Requests made by each client in `axum_server`.
const REQUESTS: usize = 50;
/// Lines in the streamed body.
const STREAM_LINES: usize = 2_000;

pub async fn tower_services() {
    // Timeout: tower's `Timeout` races the call against weft's `sleep`.
    let mut svc = ServiceBuilder::new()
        .timeout(Duration::from_millis(50))
        .service_fn(|ms: u64| async move {
            tokio::time::sleep(Duration::from_millis(ms)).await;
            Ok::<_, Infallible>(ms)
        });
    assert_eq!(svc.ready().await.unwrap().call(1).await.unwrap(), 1);
    let err = svc.ready().await.unwrap().call(10_000).await.unwrap_err();
    assert!(err.is::<tower::timeout::error::Elapsed>(), "{err}");

    // ConcurrencyLimit: weft's Semaphore (through tokio-util's PollSemaphore)
    // lets at most two calls in at once.
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let svc = {
        let (in_flight, peak) = (in_flight.clone(), peak.clone());
        ServiceBuilder::new()
            .concurrency_limit(2)
            .service_fn(move |i: usize| {
                let (in_flight, peak) = (in_flight.clone(), peak.clone());
                async move {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(2)).await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    Ok::<_, Infallible>(i)
                }
            })
    };
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..10 {
        calls.spawn(svc.clone().oneshot(i));
    }
    let mut total = 0;
    while let Some(r) = calls.join_next().await {
        total += r.unwrap().unwrap();
    }
    assert_eq!(total, 45);
    assert_eq!(
        peak.load(Ordering::SeqCst),
        2,
        "limit not reached or exceeded"
    );

    // Buffer: a worker task spawned on weft, fed through weft's mpsc.
    let buffered = ServiceBuilder::new()
        .buffer(4)
        .service_fn(|s: String| async move { Ok::<_, Infallible>(s.len()) });
    let mut lens = Vec::new();
    for word in ["a", "bb", "ccc"] {
        lens.push(buffered.clone().oneshot(word.to_string()).await.unwrap());
    }
    assert_eq!(lens, [1, 2, 3]);
}

/// A body written by a task into a duplex pipe and streamed out through
/// tokio-util's `ReaderStream`.
async fn stream_body() -> Body {
    let (mut w, r) = tokio::io::duplex(1024);
    tokio::spawn(async move {
        for i in 0..STREAM_LINES {
            if w.write_all(format!("chunk {i}\n").as_bytes())
                .await
                .is_err()
            {
                return; // the client went away
            }
        }
    });
    Body::from_stream(tokio_util::io::ReaderStream::new(r))
}

fn app(slow_started: Arc<Notify>, files: &std::path::Path) -> Router {
    Router::new()
        .route("/", get(|| async { "hello from weft" }))
        .route(
            "/greet/{name}",
            get(|Path(name): Path<String>| async move { format!("hi {name}") }),
        )
        .route(
            "/upper",
            post(|body: String| async move { body.to_uppercase() }),
        )
        .route("/stream", get(stream_body))
        .route("/ws", get(crate::ws::upgrade))
        .nest_service("/files", crate::files::service(files))
        .route(
            "/slow",
            get(move || async move {
                slow_started.notify_one();
                tokio::time::sleep(Duration::from_millis(200)).await;
                "slow but complete"
            }),
        )
        .layer(tower::limit::ConcurrencyLimitLayer::new(64))
}

async fn body_text(resp: hyper::Response<hyper::body::Incoming>) -> String {
    let bytes = resp.into_body().collect().await.unwrap().to_bytes();
    String::from_utf8(bytes.to_vec()).unwrap()
}

/// `REQUESTS` concurrent GETs plus the other routes through one client.
async fn exercise(client: &Client<HttpConnector, Full<Bytes>>, base: &str, file: &[u8]) {
    let mut gets = tokio::task::JoinSet::new();
    for i in 0..REQUESTS {
        let (client, uri) = (client.clone(), format!("{base}/greet/n{i}"));
        gets.spawn(async move {
            let resp = client.get(uri.parse().unwrap()).await.unwrap();
            assert_eq!(resp.status(), StatusCode::OK);
            (i, body_text(resp).await)
        });
    }
    let mut answered = 0;
    while let Some(r) = gets.join_next().await {
        let (i, text) = r.unwrap();
        assert_eq!(text, format!("hi n{i}"));
        answered += 1;
    }
    assert_eq!(answered, REQUESTS);

    let resp = client
        .get(format!("{base}/").parse().unwrap())
        .await
        .unwrap();
    assert_eq!(body_text(resp).await, "hello from weft");

    let req = Request::post(format!("{base}/upper"))
        .body(Full::new(Bytes::from_static(b"shout this")))
        .unwrap();
    let resp = client.request(req).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(body_text(resp).await, "SHOUT THIS");

    let resp = client
        .get(format!("{base}/stream").parse().unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let text = body_text(resp).await;
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), STREAM_LINES);
    assert_eq!(lines[0], "chunk 0");
    assert_eq!(
        lines[STREAM_LINES - 1],
        format!("chunk {}", STREAM_LINES - 1)
    );

    let resp = client
        .get(format!("{base}/missing").parse().unwrap())
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    crate::files::exercise(client, base, file).await;
}

pub async fn axum_server() {
    let (files, file) = crate::files::make_dir("axum").await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let base = format!("http://{addr}");
    let slow_started = Arc::new(Notify::new());
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(
        axum::serve(listener, app(slow_started.clone(), &files))
            // A server's usual shutdown signal: Ctrl-C or, here, the oneshot.
            .with_graceful_shutdown(async move {
                tokio::select! {
                    _ = stop_rx => {}
                    _ = tokio::signal::ctrl_c() => panic!("no Ctrl-C is sent"),
                }
            })
            .into_future(),
    );

    // hyper-util's pooled client, HTTP/1.1 then HTTP/2 (prior knowledge; the
    // server speaks both through hyper-util's auto builder).
    let h1: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    exercise(&h1, &base, &file).await;
    let h2: Client<HttpConnector, Full<Bytes>> = Client::builder(TokioExecutor::new())
        .http2_only(true)
        .build_http();
    exercise(&h2, &base, &file).await;

    // A raw hyper HTTP/1 connection over a weft TcpStream.
    let stream = TcpStream::connect(addr).await.unwrap();
    let (mut sender, conn) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .unwrap();
    let raw_conn = tokio::spawn(conn);
    let req = Request::get("/greet/raw")
        .header(hyper::header::HOST, addr.to_string())
        .body(Empty::<Bytes>::new())
        .unwrap();
    let resp = sender.send_request(req).await.unwrap();
    assert_eq!(body_text(resp).await, "hi raw");

    // A WebSocket upgrade on the same server.
    crate::ws::client(addr).await;

    // Graceful shutdown with a request in flight: it still completes, idle
    // connections (the pools' and the raw one) are closed, and serve returns.
    let slow = {
        let (h1, uri) = (h1.clone(), format!("{base}/slow"));
        tokio::spawn(async move { h1.get(uri.parse().unwrap()).await })
    };
    slow_started.notified().await;
    stop_tx.send(()).unwrap();
    let resp = slow.await.unwrap().unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(body_text(resp).await, "slow but complete");
    let served = tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .expect("graceful shutdown did not finish");
    served.unwrap().unwrap();
    let closed = tokio::time::timeout(Duration::from_secs(5), raw_conn)
        .await
        .expect("server did not close the idle raw connection");
    closed.unwrap().unwrap();
    let err = TcpStream::connect(addr).await.unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused);
    tokio::fs::remove_dir_all(&files).await.unwrap();
}
