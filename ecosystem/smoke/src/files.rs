//! File serving on weft: tower-http's `ServeDir` (weft's `fs::File`, its
//! `AsyncSeek` for ranges, tokio-util's `ReaderStream`) nested in the axum app.

use std::path::{Path, PathBuf};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_LENGTH, RANGE};
use hyper::{Request, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;

/// Size of the served file: several of ServeDir's read chunks.
const FILE_LEN: usize = 300_000;

/// A fresh directory holding `data.bin` (`FILE_LEN` bytes of a known
/// pattern); the caller removes it.
pub async fn make_dir(tag: &str) -> (PathBuf, Vec<u8>) {
    let dir = std::env::temp_dir().join(format!("weft-eco-files-{}-{tag}", std::process::id()));
    tokio::fs::create_dir_all(&dir).await.unwrap();
    let content: Vec<u8> = (0..FILE_LEN).map(|i| (i % 251) as u8).collect();
    tokio::fs::write(dir.join("data.bin"), &content)
        .await
        .unwrap();
    (dir, content)
}

pub fn service(dir: &Path) -> tower_http::services::ServeDir {
    tower_http::services::ServeDir::new(dir)
}

async fn get(
    client: &Client<HttpConnector, Full<Bytes>>,
    uri: String,
    range: Option<&str>,
) -> (StatusCode, Option<String>, Bytes) {
    let mut req = Request::get(uri);
    if let Some(r) = range {
        req = req.header(RANGE, r);
    }
    let resp = client
        .request(req.body(Full::default()).unwrap())
        .await
        .unwrap();
    let status = resp.status();
    let len = resp
        .headers()
        .get(CONTENT_LENGTH)
        .map(|v| v.to_str().unwrap().to_string());
    (
        status,
        len,
        resp.into_body().collect().await.unwrap().to_bytes(),
    )
}

/// The whole file, a byte range of it, and a missing file.
pub async fn exercise(client: &Client<HttpConnector, Full<Bytes>>, base: &str, content: &[u8]) {
    let (status, len, body) = get(client, format!("{base}/files/data.bin"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(len.as_deref(), Some(FILE_LEN.to_string().as_str()));
    assert!(body == content, "served file differs");

    let (status, _, body) = get(
        client,
        format!("{base}/files/data.bin"),
        Some("bytes=100000-100999"),
    )
    .await;
    assert_eq!(status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(&body[..], &content[100_000..101_000]);

    let (status, _, _) = get(client, format!("{base}/files/nope.bin"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}
