//! Unix datagram sockets.
#![cfg(all(feature = "full", unix))]

use std::io;
use weft::net::UnixDatagram;

#[weft::test]
async fn bound_sockets_exchange_datagrams() {
    let dir = std::env::temp_dir();
    let pa = dir.join(format!("weft-udg-a-{}", std::process::id()));
    let pb = dir.join(format!("weft-udg-b-{}", std::process::id()));
    let _ = std::fs::remove_file(&pa);
    let _ = std::fs::remove_file(&pb);
    let a = UnixDatagram::bind(&pa).unwrap();
    let b = UnixDatagram::bind(&pb).unwrap();
    a.send_to(b"hello", &pb).await.unwrap();
    let mut buf = [0; 16];
    let (n, from) = b.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"hello");
    assert_eq!(from.as_pathname(), Some(pa.as_path()));
    std::fs::remove_file(&pa).unwrap();
    std::fs::remove_file(&pb).unwrap();
}

#[weft::test]
async fn pair_keeps_boundaries_and_try_forms_work() {
    let (a, b) = UnixDatagram::pair().unwrap();
    let mut buf = [0; 16];
    assert_eq!(
        b.try_recv(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    a.send(b"one").await.unwrap();
    a.send(b"two!").await.unwrap();
    assert_eq!(b.recv(&mut buf).await.unwrap(), 3);
    assert_eq!(b.recv(&mut buf).await.unwrap(), 4);
    assert_eq!(&buf[..4], b"two!");
    a.shutdown(std::net::Shutdown::Both).unwrap();
    assert!(a.send(b"x").await.is_err());
}
