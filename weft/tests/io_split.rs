//! `io::split` (`ReadHalf`/`WriteHalf`) and `io::join`.
#![cfg(all(feature = "io-util", feature = "rt", feature = "macros"))]

use weft::io::{self as wio, AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};

fn is_send_sync<T: Send + Sync>() {}

#[test]
fn halves_are_send_and_sync() {
    is_send_sync::<ReadHalf<wio::DuplexStream>>();
    is_send_sync::<WriteHalf<wio::DuplexStream>>();
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn halves_work_from_different_tasks() {
    let (a, mut b) = wio::duplex(8);
    let (mut rd, mut wr) = wio::split(a);
    let writer = weft::spawn(async move {
        for i in 0..100u32 {
            wr.write_u32(i).await.unwrap();
        }
        wr
    });
    let echo = weft::spawn(async move {
        let mut buf = [0u8; 400];
        b.read_exact(&mut buf).await.unwrap();
        b.write_all(&buf).await.unwrap();
        b
    });
    for i in 0..100u32 {
        assert_eq!(rd.read_u32().await.unwrap(), i);
    }
    let wr = writer.await.unwrap();
    let _b = echo.await.unwrap();
    assert!(rd.is_pair_of(&wr));
    let _stream: wio::DuplexStream = rd.unsplit(wr);
}

#[weft::test]
async fn is_pair_of_tells_pairs_apart() {
    let (r1, w1) = wio::split(wio::join(wio::empty(), wio::sink()));
    let (r2, w2) = wio::split(wio::join(wio::empty(), wio::sink()));
    assert!(r1.is_pair_of(&w1) && w1.is_pair_of(&r1));
    assert!(!r1.is_pair_of(&w2) && !w2.is_pair_of(&r1));
    assert!(r2.is_pair_of(&w2));
}

#[test]
#[should_panic(expected = "Unrelated `split::Write` passed to `split::Read::unsplit`.")]
fn unsplit_with_a_stranger_panics() {
    let (r1, _w1) = wio::split(wio::join(wio::empty(), wio::sink()));
    let (_r2, w2) = wio::split(wio::join(wio::empty(), wio::sink()));
    let _ = r1.unsplit(w2);
}

#[test]
fn debug_names_the_halves() {
    let (r, w) = wio::split(wio::join(wio::empty(), wio::sink()));
    assert_eq!(format!("{r:?}"), "split::ReadHalf");
    assert_eq!(format!("{w:?}"), "split::WriteHalf");
}

#[weft::test]
async fn write_half_reports_inner_vectored_support() {
    let (_r, w) = wio::split(wio::join(wio::empty(), Vec::<u8>::new()));
    use weft::io::AsyncWrite;
    assert!(w.is_write_vectored());
}

#[weft::test]
async fn join_reads_one_and_writes_the_other() {
    let mut j = wio::join(&b"input"[..], Vec::new());
    let mut s = String::new();
    j.read_to_string(&mut s).await.unwrap();
    j.write_all(b"output").await.unwrap();
    assert_eq!(s, "input");
    let (r, w) = j.into_inner();
    assert!(r.is_empty());
    assert_eq!(w, b"output");
}
