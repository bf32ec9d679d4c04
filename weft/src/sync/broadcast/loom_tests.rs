//! Loom models of the broadcast channel.

use super::*;
use crate::loom::thread;
use loom::future::block_on;
use std::future::Future;
use std::task::{Context, Poll};

/// A send racing with a receiver going to sleep is never missed.
#[test]
fn send_vs_recv() {
    loom::model(|| {
        let (tx, mut rx) = channel(2);
        let t = thread::spawn(move || tx.send(1).unwrap());
        assert_eq!(block_on(rx.recv()), Ok(1));
        t.join().unwrap();
    });
}

/// The last sender dropping wakes a waiting receiver with `Closed`.
#[test]
fn drop_sender_vs_recv() {
    loom::model(|| {
        let (tx, mut rx) = channel::<u8>(2);
        let t = thread::spawn(move || drop(tx));
        assert_eq!(block_on(rx.recv()), Err(RecvError::Closed));
        t.join().unwrap();
    });
}

/// A pending `recv` dropped while a send unlinks it: no use after free,
/// and the value is still there for the next receive.
#[test]
fn recv_drop_vs_send() {
    loom::model(|| {
        let (tx, mut rx) = channel(2);
        let t = thread::spawn(move || {
            tx.send(1).unwrap();
            tx
        });
        {
            let mut recv = Box::pin(rx.recv());
            let waker = std::task::Waker::noop();
            if let Poll::Ready(v) = recv.as_mut().poll(&mut Context::from_waker(waker)) {
                assert_eq!(v, Ok(1));
                drop(recv);
                t.join().unwrap();
                return;
            }
        }
        let _tx = t.join().unwrap();
        assert_eq!(rx.try_recv(), Ok(1));
    });
}
