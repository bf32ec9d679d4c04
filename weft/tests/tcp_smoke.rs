#![cfg(all(feature = "net", feature = "macros", feature = "rt-multi-thread"))]

use std::io;
use weft::net::{TcpListener, TcpStream};

async fn write_all(s: &TcpStream, mut buf: &[u8]) -> io::Result<()> {
    while !buf.is_empty() {
        s.writable().await?;
        match s.try_write(buf) {
            Ok(n) => buf = &buf[n..],
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

async fn read_some(s: &TcpStream, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        s.readable().await?;
        match s.try_read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
}

#[weft::test]
async fn smoke_current_thread() {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let t = weft::spawn(async move {
        let (s, _) = l.accept().await.unwrap();
        let mut buf = vec![0; 4096];
        loop {
            let n = read_some(&s, &mut buf).await.unwrap();
            if n == 0 {
                break;
            }
            write_all(&s, &buf[..n]).await.unwrap();
        }
    });
    let c = TcpStream::connect(addr).await.unwrap();
    let data: Vec<u8> = (0..200_000u32).map(|i| i as u8).collect();
    let (w, r) = c.into_split();
    let d2 = data.clone();
    let writer = weft::spawn(async move {
        write_all(w.as_ref(), &d2).await.unwrap();
        drop(w);
    });
    let mut got = Vec::new();
    let mut buf = vec![0; 8192];
    while got.len() < data.len() {
        let n = read_some(r.as_ref(), &mut buf).await.unwrap();
        assert!(n > 0);
        got.extend_from_slice(&buf[..n]);
    }
    assert_eq!(got, data);
    writer.await.unwrap();
    drop(r);
    t.await.unwrap();
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn smoke_multi_thread() {
    let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = l.local_addr().unwrap();
    let t = weft::spawn(async move {
        for _ in 0..20 {
            let (s, _) = l.accept().await.unwrap();
            weft::spawn(async move {
                let mut buf = [0; 64];
                let n = read_some(&s, &mut buf).await.unwrap();
                write_all(&s, &buf[..n]).await.unwrap();
            });
        }
    });
    let mut hs = vec![];
    for i in 0..20u8 {
        hs.push(weft::spawn(async move {
            let c = TcpStream::connect(addr).await.unwrap();
            write_all(&c, &[i; 10]).await.unwrap();
            let mut buf = [0; 64];
            let mut got = 0;
            while got < 10 {
                got += read_some(&c, &mut buf[got..]).await.unwrap();
            }
            assert_eq!(&buf[..10], &[i; 10]);
        }));
    }
    for h in hs {
        h.await.unwrap();
    }
    t.await.unwrap();
}
