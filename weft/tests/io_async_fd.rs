//! `AsyncFd` on a plain non-blocking fd: readiness, clearing, guards, and
//! errors after the runtime shut down.
#![cfg(all(feature = "full", unix))]

use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use weft::io::unix::AsyncFd;
use weft::io::{Interest, Ready};

fn pair() -> (AsyncFd<UnixStream>, UnixStream) {
    let (a, b) = UnixStream::pair().unwrap();
    a.set_nonblocking(true).unwrap();
    // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    let fd = unsafe { AsyncFd::register(a) }.unwrap();
    (fd, b)
}

#[weft::test]
async fn readable_then_cleared_then_readable_again() {
    let (fd, mut peer) = pair();
    peer.write_all(b"abc").unwrap();
    let mut buf = [0; 8];
    let mut guard = fd.readable().await.unwrap();
    let n = guard
        .try_io(|inner| inner.get_ref().read(&mut buf))
        .expect("data was there")
        .unwrap();
    assert_eq!(&buf[..n], b"abc");
    // Draining it: the next read blocks and clears readiness.
    let mut guard = fd.readable().await.unwrap();
    assert!(guard
        .try_io(|inner| inner.get_ref().read(&mut buf))
        .is_err());
    assert!(guard.ready().is_empty());
    drop(guard);

    // Not ready now: a try_io does not even call the closure.
    let called = fd.try_io(Interest::READABLE, |_| Ok(()));
    assert_eq!(called.unwrap_err().kind(), io::ErrorKind::WouldBlock);

    peer.write_all(b"d").unwrap();
    let mut guard = fd.readable().await.unwrap();
    let n = guard
        .try_io(|inner| inner.get_ref().read(&mut buf))
        .unwrap()
        .unwrap();
    assert_eq!(&buf[..n], b"d");
}

#[weft::test]
async fn clear_ready_matching_keeps_the_other_direction() {
    let (fd, _peer) = pair();
    let mut guard = fd
        .ready(Interest::READABLE | Interest::WRITABLE)
        .await
        .unwrap();
    assert!(guard.ready().is_writable());
    guard.clear_ready_matching(Ready::READABLE);
    assert!(guard.ready().is_writable());
    drop(guard);
    // Write readiness was not cleared.
    assert!(fd.writable().await.unwrap().ready().is_writable());
}

#[weft::test]
async fn into_inner_keeps_the_fd_usable() {
    let (fd, mut peer) = pair();
    let mut inner = fd.into_inner();
    peer.write_all(b"z").unwrap();
    inner.set_nonblocking(false).unwrap();
    let mut b = [0; 1];
    inner.read_exact(&mut b).unwrap();
    assert_eq!(&b, b"z");
}

#[test]
fn waits_after_shutdown_return_an_error() {
    let rt = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (fd, _peer) = rt.block_on(async { pair() });
    drop(rt);
    let rt2 = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt2.block_on(async {
        let err = fd.readable().await.unwrap_err();
        assert_eq!(
            err.to_string(),
            "A Tokio 1.x context was found, but it is being shutdown."
        );
    });
}
