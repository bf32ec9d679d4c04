//! TCP edge cases: half-close, reset, OS errors with the OS's kind, and I/O
//! on runtimes that are shut down or were built without I/O.
#![cfg(all(feature = "full", unix))]

use std::io;
use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::net::{TcpListener, TcpStream};

async fn pair() -> (TcpStream, TcpStream) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (client, server) = weft::join!(TcpStream::connect(addr), listener.accept());
    (client.unwrap(), server.unwrap().0)
}

#[weft::test]
async fn half_close_is_eof_for_the_peer_and_the_other_direction_still_works() {
    let (mut client, mut server) = pair().await;
    client.write_all(b"request").await.unwrap();
    client.shutdown().await.unwrap();

    let mut got = Vec::new();
    server.read_to_end(&mut got).await.unwrap();
    assert_eq!(got, b"request");
    // EOF again, not a hang.
    assert_eq!(server.read(&mut [0; 8]).await.unwrap(), 0);

    server.write_all(b"response").await.unwrap();
    drop(server);
    let mut reply = Vec::new();
    client.read_to_end(&mut reply).await.unwrap();
    assert_eq!(reply, b"response");
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_peer_gives_an_error_not_a_hang() {
    let (client, mut server) = pair().await;
    // Zero linger: closing sends RST instead of FIN.
    client.set_zero_linger().unwrap();
    drop(client);
    let mut buf = [0; 16];
    let err = match server.read(&mut buf).await {
        Ok(0) => panic!("a reset must not look like a clean EOF"),
        Ok(_) => panic!("no data was sent"),
        Err(e) => e,
    };
    assert_eq!(err.kind(), io::ErrorKind::ConnectionReset);
}

#[weft::test]
async fn writing_to_a_reset_peer_fails() {
    let (client, mut server) = pair().await;
    client.set_zero_linger().unwrap();
    drop(client);
    let mut err = None;
    // The first write may be accepted by the kernel before the RST is seen.
    for _ in 0..100 {
        if let Err(e) = server.write_all(&[7; 4096]).await {
            err = Some(e);
            break;
        }
        weft::task::yield_now().await;
    }
    let err = err.expect("writes to a reset connection kept succeeding");
    assert!(
        matches!(
            err.kind(),
            io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe
        ),
        "{err:?}"
    );
}

#[weft::test]
async fn connection_refused_has_the_os_kind() {
    let addr = {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        listener.local_addr().unwrap()
    };
    let err = TcpStream::connect(addr).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::ConnectionRefused);
}

#[weft::test]
async fn address_in_use_has_the_os_kind() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let err = TcpListener::bind(listener.local_addr().unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AddrInUse);
}

#[weft::test]
async fn unresolvable_input_is_an_error() {
    let err = TcpListener::bind(&[][..]).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    assert!(TcpStream::connect("definitely-not-a-host.invalid:80")
        .await
        .is_err());
}

#[weft::test]
async fn into_split_halves_work_from_different_tasks() {
    let (client, server) = pair().await;
    let (mut rd, mut wr) = server.into_split();
    let echo = weft::spawn(async move {
        let mut buf = [0; 5];
        rd.read_exact(&mut buf).await.unwrap();
        buf
    });
    let (mut crd, mut cwr) = client.into_split();
    cwr.write_all(b"hello").await.unwrap();
    let got = echo.await.unwrap();
    wr.write_all(&got).await.unwrap();
    // Dropping the owned write half shuts the write direction down.
    drop(wr);
    let mut reply = Vec::new();
    crd.read_to_end(&mut reply).await.unwrap();
    assert_eq!(reply, b"hello");
}

#[weft::test]
async fn peek_leaves_data_queued() {
    let (mut client, server) = pair().await;
    client.write_all(b"abc").await.unwrap();
    let mut buf = [0; 3];
    let n = server.peek(&mut buf).await.unwrap();
    assert!(n > 0 && buf[..n] == b"abc"[..n]);
    let mut server = server;
    let mut all = [0; 3];
    server.read_exact(&mut all).await.unwrap();
    assert_eq!(&all, b"abc");
}

#[test]
fn io_after_runtime_shutdown_is_an_error() {
    let rt = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (mut client, listener) = rt.block_on(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        (client, listener)
    });
    drop(rt);

    let other = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    other.block_on(async {
        let err = client.read(&mut [0; 8]).await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "A Tokio 1.x context was found, but it is being shutdown."
        );
        assert!(listener.accept().await.is_err());
        assert!(client.readable().await.is_err());
    });
}

#[test]
#[should_panic(
    expected = "A Tokio 1.x context was found, but IO is disabled. Call `enable_io` on the runtime builder to enable IO."
)]
fn io_without_enable_io_panics_with_tokios_message() {
    let rt = weft::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let _ = TcpListener::bind("127.0.0.1:0").await;
    });
}

#[test]
#[should_panic(
    expected = "there is no reactor running, must be called from the context of a Tokio 1.x runtime"
)]
fn io_outside_a_runtime_panics_with_tokios_message() {
    let std = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    std.set_nonblocking(true).unwrap();
    let _ = TcpListener::from_std(std);
}

#[test]
fn std_round_trip_keeps_the_socket() {
    let rt = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (client, server) = pair().await;
        let std_client = client.into_std().unwrap();
        let client = TcpStream::from_std(std_client).unwrap();
        let mut client = client;
        let mut server = server;
        client.write_all(b"again").await.unwrap();
        let mut buf = [0; 5];
        server.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"again");
    });
}
