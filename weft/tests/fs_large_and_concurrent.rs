//! `fs` under load: a large file round trip, many concurrent reads.
#![cfg(all(
    feature = "fs",
    feature = "io-util",
    feature = "rt-multi-thread",
    feature = "macros"
))]

mod fs_support;

use fs_support::TempDir;
use weft::fs::{self, File};
use weft::io::{AsyncReadExt, AsyncWriteExt};

/// 64 MiB in release builds and under `cfg(weft_stress)`; 8 MiB in debug
/// builds, where copying through unoptimised code dominates.
fn large_len() -> usize {
    if cfg!(any(weft_stress, not(debug_assertions))) {
        64 << 20
    } else {
        8 << 20
    }
}

/// Deterministic, position-dependent bytes: a misplaced chunk shows.
fn pattern(len: usize) -> Vec<u8> {
    (0..len)
        .map(|i| (i % 251) as u8 ^ (i >> 16) as u8)
        .collect()
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_file_round_trip_through_file() {
    let dir = TempDir::new("large");
    let path = dir.join("large.bin");
    let data = pattern(large_len());

    let mut file = File::create(&path).await.unwrap();
    // Odd-sized writes, so chunks straddle the 2 MiB operation limit.
    for chunk in data.chunks(1_000_003) {
        file.write_all(chunk).await.unwrap();
    }
    file.flush().await.unwrap();
    drop(file);
    assert_eq!(std::fs::metadata(&path).unwrap().len(), data.len() as u64);

    let mut back = Vec::new();
    let mut file = File::open(&path).await.unwrap();
    file.read_to_end(&mut back).await.unwrap();
    assert!(back == data, "large file read back differs");

    assert!(fs::read(&path).await.unwrap() == data);
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_file_round_trip_through_write_and_read() {
    let dir = TempDir::new("large-whole");
    let path = dir.join("large.bin");
    let data = pattern(large_len());
    fs::write(&path, &data).await.unwrap();
    assert!(fs::read(&path).await.unwrap() == data);
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_reads_of_100_files() {
    let dir = TempDir::new("concurrent");
    for i in 0..100 {
        std::fs::write(
            dir.join(format!("f{i}")),
            format!("file number {i}").repeat(i + 1),
        )
        .unwrap();
    }
    let mut tasks = Vec::new();
    for i in 0..100 {
        let path = dir.join(format!("f{i}"));
        tasks.push(weft::spawn(async move {
            let mut s = String::new();
            File::open(&path)
                .await
                .unwrap()
                .read_to_string(&mut s)
                .await
                .unwrap();
            (i, s)
        }));
    }
    for task in tasks {
        let (i, s) = task.await.unwrap();
        assert_eq!(s, format!("file number {i}").repeat(i + 1));
    }
}
