//! `fs::File`: Tokio's buffering semantics (writes complete on flush, reads
//! hand out buffered bytes, seeks account for them).
#![cfg(all(
    feature = "fs",
    feature = "io-util",
    feature = "rt",
    feature = "macros"
))]

mod fs_support;

use fs_support::TempDir;
use std::io::SeekFrom;
use weft::fs::{self, File, OpenOptions};
use weft::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};

#[weft::test]
async fn write_flush_drop_read_back() {
    let dir = TempDir::new("file-flush");
    let path = dir.join("f");
    let mut file = File::create(&path).await.unwrap();
    for i in 0..100u32 {
        file.write_all(format!("line {i}\n").as_bytes())
            .await
            .unwrap();
    }
    file.flush().await.unwrap();
    drop(file);
    let expected: String = (0..100u32).map(|i| format!("line {i}\n")).collect();
    assert_eq!(fs::read_to_string(&path).await.unwrap(), expected);
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn write_then_read_same_file_multi_thread() {
    let dir = TempDir::new("file-rw");
    let path = dir.join("f");
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(true)
        .open(&path)
        .await
        .unwrap();
    file.write_all(b"hello world").await.unwrap();
    file.seek(SeekFrom::Start(0)).await.unwrap();
    let mut buf = [0u8; 5];
    file.read_exact(&mut buf).await.unwrap();
    assert_eq!(&buf, b"hello");
    // Six bytes may be buffered from the read: the write must land at
    // offset 5, not where the blocking read left the OS cursor.
    file.write_all(b"_").await.unwrap();
    file.flush().await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"hello_world");
    // Relative seek counts from the caller's position (6).
    let pos = file.seek(SeekFrom::Current(-1)).await.unwrap();
    assert_eq!(pos, 5);
    let mut rest = String::new();
    file.read_to_string(&mut rest).await.unwrap();
    assert_eq!(rest, "_world");
}

#[weft::test]
async fn max_buf_size_limits_each_operation() {
    let dir = TempDir::new("file-maxbuf");
    let path = dir.join("f");
    let mut file = File::create(&path).await.unwrap();
    file.set_max_buf_size(3);
    assert_eq!(file.write(b"abcdef").await.unwrap(), 3);
    file.flush().await.unwrap();
    let mut file = File::open(&path).await.unwrap();
    file.set_max_buf_size(2);
    let mut buf = [0u8; 16];
    assert_eq!(file.read(&mut buf).await.unwrap(), 2);
    assert_eq!(&buf[..2], b"ab");
}

#[weft::test]
async fn into_std_waits_for_the_write() {
    let dir = TempDir::new("file-into-std");
    let path = dir.join("f");
    let mut file = File::create(&path).await.unwrap();
    file.write_all(b"pending").await.unwrap();
    // A write may still be in flight: try_into_std refuses rather than
    // losing it, into_std waits.
    let file = match file.try_into_std() {
        Ok(std) => File::from_std(std),
        Err(file) => file,
    };
    let std = file.into_std().await;
    drop(std);
    assert_eq!(std::fs::read(&path).unwrap(), b"pending");
}

#[weft::test]
async fn set_len_and_metadata_after_writes() {
    let dir = TempDir::new("file-set-len");
    let path = dir.join("f");
    let mut file = File::create(&path).await.unwrap();
    file.write_all(b"0123456789").await.unwrap();
    // metadata/set_len/sync_all see the buffered write completed first.
    file.sync_all().await.unwrap();
    assert_eq!(file.metadata().await.unwrap().len(), 10);
    file.set_len(4).await.unwrap();
    file.sync_data().await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"0123");
}

#[weft::test]
async fn write_error_is_reported_on_flush() {
    let dir = TempDir::new("file-write-err");
    let path = dir.join("f");
    std::fs::write(&path, b"read only").unwrap();
    // Opened for reading only: the blocking write fails after poll_write
    // returned Ok, so the error comes back from flush.
    let mut file = File::open(&path).await.unwrap();
    let n = file.write(b"x").await.unwrap();
    assert_eq!(n, 1);
    assert!(file.flush().await.is_err());
    // Reported once.
    file.flush().await.unwrap();
}

#[test]
#[should_panic(expected = "must be called from the context of a Tokio 1.x runtime")]
fn outside_a_runtime_panics() {
    let _ = futures::executor::block_on(fs::read("/"));
}

#[test]
fn operations_after_the_pool_shut_down_fail_without_panicking() {
    let dir = TempDir::new("file-dead-pool");
    let path = dir.join("f");
    std::fs::write(&path, b"content").unwrap();
    let rt = weft::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&path)
        .unwrap();
    // Work on the current-thread runtime's executor but spawn blocking work
    // on the dead pool of `rt`.
    let handle = rt.handle().clone();
    rt.shutdown_timeout(std::time::Duration::from_secs(0));
    let _enter = handle.enter();
    let mut file = File::from_std(file);
    let mut buf = [0u8; 4];
    for _ in 0..2 {
        assert!(futures::executor::block_on(file.read(&mut buf)).is_err());
        assert!(futures::executor::block_on(file.seek(SeekFrom::Start(0))).is_err());
        assert!(futures::executor::block_on(file.set_len(0)).is_err());
    }
    assert_eq!(std::fs::read(&path).unwrap(), b"content");
}

#[weft::test]
async fn try_clone_keeps_max_buf_size_and_shares_cursor() {
    let dir = TempDir::new("file-clone");
    let path = dir.join("f");
    let mut file = File::create(&path).await.unwrap();
    file.set_max_buf_size(128);
    file.write_all(b"abc").await.unwrap();
    let mut clone = file.try_clone().await.unwrap();
    assert_eq!(clone.max_buf_size(), 128);
    clone.write_all(b"def").await.unwrap();
    clone.flush().await.unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), b"abcdef");
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_shared_methods_all_wait_for_the_write() {
    let dir = TempDir::new("file-shared");
    let path = dir.join("f");
    for _ in 0..20 {
        let mut file = File::create(&path).await.unwrap();
        file.write_all(&[7u8; 100_000]).await.unwrap();
        // Several `&self` calls wait for the same in-flight write; each must
        // be woken when it completes, and each sees its effect.
        let f = &file;
        let (a, b, c) = weft::join!(f.sync_all(), f.set_len(50_000), f.sync_data());
        a.unwrap();
        b.unwrap();
        c.unwrap();
        assert_eq!(f.metadata().await.unwrap().len(), 50_000);
    }
}

#[test]
fn unflushed_write_survives_runtime_shutdown() {
    let dir = TempDir::new("file-mandatory");
    for i in 0..20 {
        let path = dir.join(format!("f{i}"));
        let rt = weft::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let p = path.clone();
        rt.block_on(async move {
            let mut file = File::create(&p).await.unwrap();
            // Returns as soon as the write is queued; no flush.
            assert_eq!(file.write(b"survives").await.unwrap(), 8);
        });
        // Shutdown runs queued mandatory writes before returning.
        drop(rt);
        assert_eq!(std::fs::read(&path).unwrap(), b"survives");
    }
}

#[test]
fn public_types_are_send_sync_unpin() {
    fn assert_send_sync_unpin<T: Send + Sync + Unpin>() {}
    assert_send_sync_unpin::<File>();
    assert_send_sync_unpin::<OpenOptions>();
    assert_send_sync_unpin::<fs::DirBuilder>();
    assert_send_sync_unpin::<fs::ReadDir>();
    assert_send_sync_unpin::<fs::DirEntry>();
}
