//! UDP sockets: datagrams between sockets, connected sockets, try_/poll_
//! forms, peeking, and many datagrams under concurrency.
#![cfg(all(feature = "full", unix))]

use std::future::poll_fn;
use std::io;
use std::sync::Arc;
use weft::io::ReadBuf;
use weft::net::UdpSocket;

#[weft::test]
async fn send_to_recv_from() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    a.send_to(b"ping", b.local_addr().unwrap()).await.unwrap();
    let mut buf = [0; 16];
    let (n, from) = b.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"ping");
    assert_eq!(from, a.local_addr().unwrap());
    b.send_to(b"pong", from).await.unwrap();
    let (n, _) = a.recv_from(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"pong");
}

#[weft::test]
async fn connected_send_recv_and_peek() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    a.connect(b.local_addr().unwrap()).await.unwrap();
    b.connect(a.local_addr().unwrap()).await.unwrap();
    assert_eq!(a.peer_addr().unwrap(), b.local_addr().unwrap());

    a.send(b"one").await.unwrap();
    a.send(b"two").await.unwrap();
    let mut buf = [0; 8];
    assert_eq!(b.peek_sender().await.unwrap(), a.local_addr().unwrap());
    let n = b.peek(&mut buf).await.unwrap();
    assert_eq!(&buf[..n], b"one");
    // Datagram boundaries are kept.
    assert_eq!(b.recv(&mut buf).await.unwrap(), 3);
    assert_eq!(&buf[..3], b"one");
    let mut storage = [0; 8];
    let mut rb = ReadBuf::new(&mut storage);
    poll_fn(|cx| b.poll_recv(cx, &mut rb)).await.unwrap();
    assert_eq!(rb.filled(), b"two");
}

#[weft::test]
async fn try_forms_report_would_block_then_succeed() {
    let a = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let b = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut buf = [0; 8];
    assert_eq!(
        b.try_recv_from(&mut buf).unwrap_err().kind(),
        io::ErrorKind::WouldBlock
    );
    a.writable().await.unwrap();
    a.try_send_to(b"x", b.local_addr().unwrap()).unwrap();
    loop {
        b.readable().await.unwrap();
        match b.try_recv_from(&mut buf) {
            Ok((n, from)) => {
                assert_eq!((n, from), (1, a.local_addr().unwrap()));
                break;
            }
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => continue,
            Err(e) => panic!("{e}"),
        }
    }
    let mut grow = Vec::with_capacity(4);
    a.send_to(b"buf", b.local_addr().unwrap()).await.unwrap();
    let (n, _) = b.recv_buf_from(&mut grow).await.unwrap();
    assert_eq!((n, &grow[..]), (3, &b"buf"[..]));
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_datagrams_from_many_tasks_all_arrive() {
    const SENDERS: u32 = 50;
    const EACH: u32 = 20;
    let server = Arc::new(UdpSocket::bind("127.0.0.1:0").await.unwrap());
    let addr = server.local_addr().unwrap();
    // Each sender waits for an acknowledgement per datagram, so nothing is
    // dropped for lack of buffer space and every datagram must arrive.
    let echo = {
        let server = server.clone();
        weft::spawn(async move {
            let mut seen = 0u32;
            let mut sum = 0u64;
            let mut buf = [0; 8];
            while seen < SENDERS * EACH {
                let (n, from) = server.recv_from(&mut buf).await.unwrap();
                assert_eq!(n, 4);
                sum += u64::from(u32::from_le_bytes(buf[..4].try_into().unwrap()));
                seen += 1;
                server.send_to(b"ok", from).await.unwrap();
            }
            sum
        })
    };
    let mut senders = Vec::new();
    for s in 0..SENDERS {
        senders.push(weft::spawn(async move {
            let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
            sock.connect(addr).await.unwrap();
            let mut ack = [0; 2];
            for i in 0..EACH {
                sock.send(&(s * EACH + i).to_le_bytes()).await.unwrap();
                sock.recv(&mut ack).await.unwrap();
                assert_eq!(&ack, b"ok");
            }
        }));
    }
    for s in senders {
        s.await.unwrap();
    }
    let n = u64::from(SENDERS * EACH);
    assert_eq!(echo.await.unwrap(), n * (n - 1) / 2);
}

#[weft::test]
async fn socket_options_round_trip() {
    let sock = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    sock.set_broadcast(true).unwrap();
    assert!(sock.broadcast().unwrap());
    sock.set_ttl(42).unwrap();
    assert_eq!(sock.ttl().unwrap(), 42);
    sock.set_multicast_loop_v4(false).unwrap();
    assert!(!sock.multicast_loop_v4().unwrap());
    assert!(sock.take_error().unwrap().is_none());
}
