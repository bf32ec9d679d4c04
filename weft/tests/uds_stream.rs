//! Unix stream sockets: many concurrent clients through an echo server,
//! half-close, pairs, split halves and peer credentials.
#![cfg(all(feature = "full", unix))]

use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::net::{UnixListener, UnixStream};

fn temp_path(name: &str) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("weft-{name}-{}", std::process::id()));
    let _ = std::fs::remove_file(&path);
    path
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn echo_server_many_clients() {
    const CLIENTS: usize = 200;
    const LEN: usize = 32 * 1024;
    let path = temp_path("uds-echo");
    let listener = UnixListener::bind(&path).unwrap();
    let server = weft::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            weft::spawn(async move {
                let (mut rd, mut wr) = stream.split();
                weft::io::copy(&mut rd, &mut wr).await.unwrap();
                wr.shutdown().await.unwrap();
            });
        }
    });
    let mut clients = Vec::new();
    for id in 0..CLIENTS {
        let path = path.clone();
        clients.push(weft::spawn(async move {
            let stream = UnixStream::connect(&path).await.unwrap();
            let (mut rd, mut wr) = stream.into_split();
            let data: Vec<u8> = (0..LEN).map(|i| (i ^ id) as u8).collect();
            let expected = data.clone();
            let writer = weft::spawn(async move {
                wr.write_all(&data).await.unwrap();
                wr.shutdown().await.unwrap();
            });
            let mut got = Vec::new();
            rd.read_to_end(&mut got).await.unwrap();
            writer.await.unwrap();
            assert!(got == expected, "client {id} got different bytes back");
        }));
    }
    for c in clients {
        c.await.unwrap();
    }
    server.abort();
    std::fs::remove_file(&path).unwrap();
}

#[weft::test]
async fn pair_half_close_is_eof() {
    let (mut a, mut b) = UnixStream::pair().unwrap();
    a.write_all(b"bye").await.unwrap();
    a.shutdown().await.unwrap();
    let mut got = String::new();
    b.read_to_string(&mut got).await.unwrap();
    assert_eq!(got, "bye");
    b.write_all(b"still open").await.unwrap();
    drop(b);
    let mut reply = String::new();
    a.read_to_string(&mut reply).await.unwrap();
    assert_eq!(reply, "still open");
}

#[weft::test]
async fn peer_cred_is_this_process() {
    let (a, _b) = UnixStream::pair().unwrap();
    let cred = a.peer_cred().unwrap();
    #[cfg(any(target_os = "linux", target_os = "android"))]
    assert_eq!(cred.pid(), Some(std::process::id() as i32));
    // SAFETY: getuid has no preconditions.
    assert_eq!(cred.uid(), unsafe { libc::getuid() });
}

#[weft::test]
async fn connect_to_missing_path_is_not_found() {
    let err = UnixStream::connect(temp_path("uds-missing"))
        .await
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
}
