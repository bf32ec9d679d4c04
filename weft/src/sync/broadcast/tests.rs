//! Unit tests of the broadcast channel.

use super::*;
use futures::executor::block_on;
use futures::FutureExt;
use std::future::Future;
use std::task::{Context, Waker};

#[test]
fn every_receiver_sees_every_value() {
    let (tx, mut rx1) = channel(4);
    let mut rx2 = tx.subscribe();
    assert_eq!(tx.send(1).unwrap(), 2);
    assert_eq!(tx.send(2).unwrap(), 2);
    for rx in [&mut rx1, &mut rx2] {
        assert_eq!(rx.try_recv(), Ok(1));
        assert_eq!(rx.try_recv(), Ok(2));
        assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
    }
    assert!(tx.is_empty());
}

#[test]
fn lagged_reports_overwritten_count_then_oldest() {
    let (tx, mut rx) = channel(3); // rounded up to 4
    for i in 0..7 {
        tx.send(i).unwrap();
    }
    assert_eq!(rx.len(), 7);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(3)));
    assert_eq!(rx.len(), 4);
    for i in 3..7 {
        assert_eq!(rx.try_recv(), Ok(i));
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Empty));
}

#[test]
fn closed_after_draining() {
    let (tx, mut rx) = channel(2);
    tx.send(1).unwrap();
    drop(tx);
    assert!(rx.is_closed());
    assert_eq!(rx.try_recv(), Ok(1));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
    assert_eq!(block_on(rx.recv()), Err(RecvError::Closed));
}

#[test]
fn pending_recv_woken_by_send_and_by_close() {
    let (tx, mut rx) = channel::<u8>(2);
    let t = std::thread::spawn(move || {
        tx.send(9).unwrap();
        tx
    });
    assert_eq!(block_on(rx.recv()), Ok(9));
    let tx = t.join().unwrap();
    let t = std::thread::spawn(move || drop(tx));
    assert_eq!(block_on(rx.recv()), Err(RecvError::Closed));
    t.join().unwrap();
}

#[test]
fn dropped_recv_unlinks_itself() {
    let (tx, mut rx) = channel::<u8>(2);
    assert!(rx.recv().now_or_never().is_none());
    assert!(rx.recv().now_or_never().is_none());
    assert!(tx.shared.ring.lock().waiters.is_empty());
    tx.send(1).unwrap();
    assert_eq!(rx.recv().now_or_never(), Some(Ok(1)));
}

#[test]
fn unread_values_dropped_with_last_reader() {
    let value = Arc::new(());
    let (tx, rx) = channel(2);
    let rx2 = tx.subscribe();
    tx.send(value.clone()).unwrap();
    drop(rx);
    assert_eq!(Arc::strong_count(&value), 2);
    drop(rx2);
    assert_eq!(Arc::strong_count(&value), 1);
    assert_eq!(tx.len(), 0);
}

#[test]
fn send_without_receivers_fails_and_subscribe_reopens() {
    let (tx, rx) = channel(2);
    drop(rx);
    assert_eq!(tx.send(1).unwrap_err().0, 1);
    assert!(tx.closed().now_or_never().is_some());
    let mut rx = tx.subscribe();
    assert!(tx.closed().now_or_never().is_none());
    tx.send(2).unwrap();
    assert_eq!(rx.try_recv(), Ok(2));
}

#[test]
fn sender_len_counts_values_some_receiver_still_needs() {
    let (tx, mut rx1) = channel(4);
    let mut rx2 = tx.subscribe();
    for i in 0..3 {
        tx.send(i).unwrap();
    }
    assert_eq!(tx.len(), 3);
    rx1.try_recv().unwrap();
    assert_eq!(tx.len(), 3);
    rx2.try_recv().unwrap();
    assert_eq!(tx.len(), 2);
}

#[test]
fn panic_in_clone_advances_cursor() {
    #[derive(Debug, PartialEq)]
    struct V(u8);
    impl Clone for V {
        fn clone(&self) -> V {
            assert_ne!(self.0, 0);
            V(self.0)
        }
    }
    let (tx, mut rx) = channel(4);
    tx.send(V(0)).unwrap();
    tx.send(V(1)).unwrap();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| rx.try_recv()));
    assert!(r.is_err());
    assert_eq!(rx.try_recv(), Ok(V(1)));
}

#[test]
fn lag_again_and_single_slot() {
    let (tx, mut rx) = channel(2);
    for i in 1..=3 {
        tx.send(i).unwrap();
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(1)));
    for i in 4..=6 {
        tx.send(i).unwrap();
    }
    assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(3)));
    assert_eq!(rx.try_recv(), Ok(5));
    assert_eq!(rx.try_recv(), Ok(6));

    let (tx, mut rx) = channel(1);
    tx.send(1).unwrap();
    tx.send(2).unwrap();
    drop(tx);
    assert_eq!(rx.try_recv(), Err(TryRecvError::Lagged(1)));
    assert_eq!(rx.try_recv(), Ok(2));
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn sender_len_matches_slowest_receiver() {
    let (tx, mut rx1) = channel(16);
    let mut rx2 = tx.subscribe();
    let mut seed = 0x2545_f491_u32;
    for _ in 0..2000 {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        match seed % 4 {
            0 => drop(rx1.try_recv()),
            1 => drop(rx2.try_recv()),
            _ => drop(tx.send(0)),
        }
        assert_eq!(tx.len(), rx1.len().max(rx2.len()).min(16));
    }
}

#[test]
fn closed_waker_may_use_the_sender() {
    struct Query(Sender<()>, std::sync::atomic::AtomicBool);
    impl std::task::Wake for Query {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref()
        }
        fn wake_by_ref(self: &Arc<Self>) {
            assert_eq!(self.0.receiver_count(), 0);
            assert_eq!(self.0.len(), 0);
            assert!(self.0.send(()).is_err());
            self.1.store(true, std::sync::atomic::Ordering::SeqCst);
        }
    }
    let (tx, rx) = channel::<()>(1);
    tx.send(()).unwrap();
    let q = Arc::new(Query(tx.clone(), Default::default()));
    let waker = Waker::from(q.clone());
    let mut closed = Box::pin(tx.closed());
    assert!(closed
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    drop(rx);
    assert!(q.1.load(std::sync::atomic::Ordering::SeqCst));
    assert!(closed
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_ready());
}

#[test]
#[should_panic(expected = "broadcast channel capacity cannot be zero")]
fn zero_capacity_panics() {
    let _ = channel::<u8>(0);
}

#[test]
#[should_panic(expected = "broadcast channel capacity exceeded `usize::MAX / 2`")]
fn huge_capacity_panics() {
    let _ = channel::<u8>(1 + (usize::MAX >> 1));
}

#[test]
fn weak_sender_does_not_keep_channel_open() {
    let (tx, mut rx) = channel::<u8>(1);
    let weak = tx.downgrade();
    assert_eq!((tx.strong_count(), tx.weak_count()), (1, 1));
    drop(tx);
    assert!(weak.upgrade().is_none());
    assert_eq!(rx.try_recv(), Err(TryRecvError::Closed));
}

#[test]
fn many_waiters_all_woken() {
    let (tx, rx) = channel::<u32>(4);
    let handles: Vec<_> = (0..40)
        .map(|_| {
            let mut rx = rx.resubscribe();
            std::thread::spawn(move || block_on(rx.recv()))
        })
        .collect();
    // Wait until every thread has subscribed (they subscribed above).
    tx.send(5).unwrap();
    for h in handles {
        assert_eq!(h.join().unwrap(), Ok(5));
    }
}

#[test]
fn error_strings_and_debug() {
    assert_eq!(RecvError::Closed.to_string(), "channel closed");
    assert_eq!(TryRecvError::Lagged(3).to_string(), "channel lagged by 3");
    assert_eq!(TryRecvError::Empty.to_string(), "channel empty");
    let (tx, rx) = channel::<u8>(1);
    assert_eq!(
        format!("{tx:?} {rx:?}"),
        "broadcast::Sender broadcast::Receiver"
    );
}

#[test]
fn send_sync() {
    fn is_send_sync<T: Send + Sync>() {}
    is_send_sync::<Sender<u8>>();
    is_send_sync::<Receiver<u8>>();
    is_send_sync::<WeakSender<u8>>();
    let (_tx, mut rx) = channel::<u8>(1);
    fn is_send<T: Send>(_: &T) {}
    is_send(&rx.recv());
}
