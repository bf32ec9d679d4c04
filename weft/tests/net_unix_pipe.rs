//! `net::unix::pipe`: anonymous pipes and FIFOs, readiness, EOF, fd
//! conversions, and the checks on files handed in.
#![cfg(all(feature = "full", unix))]

use std::io::{self, IoSlice};
use std::os::fd::{AsFd, AsRawFd};
use std::path::PathBuf;
use weft::io::{AsyncReadExt, AsyncWriteExt, Interest};
use weft::net::unix::pipe;

/// A FIFO in a fresh temporary path, removed on drop.
struct Fifo(PathBuf);

impl Fifo {
    fn new(name: &str) -> Fifo {
        let path = std::env::temp_dir().join(format!(
            "weft-pipe-test-{name}-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let _ = std::fs::remove_file(&path);
        let c = std::ffi::CString::new(path.to_str().unwrap()).unwrap();
        // SAFETY: `c` is a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        Fifo(path)
    }
}

impl Drop for Fifo {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn is_nonblocking(fd: &impl AsFd) -> bool {
    // SAFETY: F_GETFL on an open fd.
    let flags = unsafe { libc::fcntl(fd.as_fd().as_raw_fd(), libc::F_GETFL) };
    assert!(flags >= 0);
    flags & libc::O_NONBLOCK != 0
}

async fn transfer(mut tx: pipe::Sender, mut rx: pipe::Receiver, len: usize) {
    let data: Vec<u8> = (0..len).map(|i| (i % 253) as u8).collect();
    let expected = data.clone();
    let writer = weft::spawn(async move {
        tx.write_all(&data).await.unwrap();
    });
    let mut got = Vec::new();
    rx.read_to_end(&mut got).await.unwrap();
    writer.await.unwrap();
    assert!(got == expected, "data corrupted in transit");
}

#[weft::test]
async fn anonymous_pipe_carries_one_mib() {
    let (tx, rx) = pipe::pipe().unwrap();
    transfer(tx, rx, 1 << 20).await;
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn anonymous_pipe_carries_one_mib_multi_thread() {
    let (tx, rx) = pipe::pipe().unwrap();
    transfer(tx, rx, 1 << 20).await;
}

#[weft::test]
async fn fifo_carries_data_and_reports_eof() {
    let fifo = Fifo::new("eof");
    let rx = pipe::OpenOptions::new().open_receiver(&fifo.0).unwrap();
    let tx = pipe::OpenOptions::new().open_sender(&fifo.0).unwrap();
    transfer(tx, rx, 200_000).await;
}

#[weft::test]
async fn open_sender_without_reader_is_enxio_unless_read_write() {
    let fifo = Fifo::new("enxio");
    let err = pipe::OpenOptions::new().open_sender(&fifo.0).unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::ENXIO));
    let mut tx = pipe::OpenOptions::new()
        .read_write(true)
        .open_sender(&fifo.0)
        .unwrap();
    tx.write_all(b"kept").await.unwrap();
    let mut rx = pipe::OpenOptions::new().open_receiver(&fifo.0).unwrap();
    let mut buf = [0; 4];
    rx.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"kept");
}

#[weft::test]
async fn regular_files_are_refused_unless_unchecked() {
    let path = std::env::temp_dir().join(format!("weft-pipe-test-file-{}", std::process::id()));
    std::fs::write(&path, b"").unwrap();
    let err = pipe::OpenOptions::new().open_receiver(&path).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    let err = pipe::Sender::from_file(std::fs::File::create(&path).unwrap()).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    // `unchecked` skips the FIFO check; the regular file then fails where
    // epoll refuses it, with EPERM instead of InvalidInput.
    let err = pipe::OpenOptions::new()
        .unchecked(true)
        .open_receiver(&path)
        .unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EPERM));
    std::fs::remove_file(&path).unwrap();
}

#[weft::test]
async fn wrong_access_mode_is_refused() {
    let (tx, rx) = pipe::pipe().unwrap();
    let tx_fd = tx.into_nonblocking_fd().unwrap();
    let rx_fd = rx.into_nonblocking_fd().unwrap();
    let err = pipe::Receiver::from_owned_fd(tx_fd).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
    let err = pipe::Sender::from_owned_fd(rx_fd).unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::InvalidInput);
}

#[weft::test]
async fn fd_conversions_set_the_blocking_mode() {
    let (tx, rx) = pipe::pipe().unwrap();
    assert!(is_nonblocking(&tx) && is_nonblocking(&rx));
    let tx_fd = tx.into_blocking_fd().unwrap();
    let rx_fd = rx.into_blocking_fd().unwrap();
    assert!(!is_nonblocking(&tx_fd) && !is_nonblocking(&rx_fd));
    // `from_owned_fd` switches them back to non-blocking.
    let tx = pipe::Sender::from_owned_fd(tx_fd).unwrap();
    let rx = pipe::Receiver::from_file(std::fs::File::from(rx_fd)).unwrap();
    assert!(is_nonblocking(&tx) && is_nonblocking(&rx));
    tx.writable().await.unwrap();
    tx.try_write(b"z").unwrap();
    rx.readable().await.unwrap();
    let mut buf = [0; 1];
    assert_eq!(rx.try_read(&mut buf).unwrap(), 1);
}

#[weft::test]
async fn try_write_fills_the_pipe_then_would_block() {
    let (tx, rx) = pipe::pipe().unwrap();
    let chunk = [7u8; 4096];
    let mut written = 0;
    tx.writable().await.unwrap();
    loop {
        match tx.try_write(&chunk) {
            Ok(n) => written += n,
            Err(e) => {
                assert_eq!(e.kind(), io::ErrorKind::WouldBlock);
                break;
            }
        }
    }
    assert!(written >= 4096, "a pipe holds at least a page");
    // Drain with the vectored read; the writer then becomes writable again.
    let mut read = 0;
    let mut a = [0u8; 1000];
    let mut b = [0u8; 3000];
    while read < written {
        rx.readable().await.unwrap();
        match rx.try_read_vectored(&mut [io::IoSliceMut::new(&mut a), io::IoSliceMut::new(&mut b)])
        {
            Ok(n) => read += n,
            Err(e) => assert_eq!(e.kind(), io::ErrorKind::WouldBlock),
        }
    }
    assert_eq!(read, written);
    tx.writable().await.unwrap();
    let n = tx
        .try_write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")])
        .unwrap();
    assert_eq!(n, 4);
    let mut buf = Vec::with_capacity(8);
    rx.readable().await.unwrap();
    assert_eq!(rx.try_read_buf(&mut buf).unwrap(), 4);
    assert_eq!(buf, b"abcd");
}

#[weft::test]
async fn ready_reports_read_closed_after_the_writer_drops() {
    let (tx, rx) = pipe::pipe().unwrap();
    drop(tx);
    let ready = rx.ready(Interest::READABLE).await.unwrap();
    assert!(ready.is_read_closed());
    assert_eq!(rx.try_read(&mut [0; 4]).unwrap(), 0);
}

#[weft::test]
async fn try_io_would_block_clears_readiness() {
    let (tx, rx) = pipe::pipe().unwrap();
    tx.writable().await.unwrap();
    tx.try_write(b"x").unwrap();
    rx.readable().await.unwrap();
    let err = rx
        .try_io(|| Err::<(), _>(io::ErrorKind::WouldBlock.into()))
        .unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
    let mut called = false;
    let _ = rx.try_io(|| {
        called = true;
        Ok(())
    });
    assert!(!called, "readiness was cleared by the WouldBlock");
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn pipe_outside_a_runtime_panics() {
    let _ = pipe::pipe();
}

#[test]
fn pipe_after_runtime_shutdown_errors() {
    let rt = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (tx, rx) = rt.block_on(async { pipe::pipe().unwrap() });
    drop(rt);
    let other = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = other.block_on(rx.readable()).unwrap_err();
    assert!(weft::runtime::is_rt_shutdown_err(&err));
    drop(tx);
}
