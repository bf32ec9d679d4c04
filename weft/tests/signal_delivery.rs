//! Real signals sent to the test process reach `Signal` listeners: on one
//! runtime or several, one listener or many, raised before or while
//! waiting.
//!
//! Signals are process-wide and the tests of this file run in parallel
//! threads, so every test uses its own signal number.
#![cfg(all(feature = "full", unix))]

use std::future::{poll_fn, Future};
use std::sync::mpsc;
use std::task::{Context, Poll, Waker};
use std::thread;
use weft::runtime::{Builder, Runtime};
use weft::signal::unix::{signal, Signal, SignalKind};

/// Sends `signum` to the whole process (any thread may run the handler).
fn kill_self(signum: libc::c_int) {
    // SAFETY: kill(2) with our own pid and a signal that the test has a
    // handler for (installed by `signal` before this is called).
    let rc = unsafe { libc::kill(libc::getpid(), signum) };
    assert_eq!(rc, 0, "kill: {}", std::io::Error::last_os_error());
}

/// Runs the handler of `signum` on this thread before returning.
fn raise(signum: libc::c_int) {
    // SAFETY: raise(3) with a signal that the test has a handler for.
    let rc = unsafe { libc::raise(signum) };
    assert_eq!(rc, 0, "raise: {}", std::io::Error::last_os_error());
}

fn current_thread() -> Runtime {
    Builder::new_current_thread().enable_all().build().unwrap()
}

/// `Pending` without waiting: polls once with a waker that does nothing.
fn poll_once(sig: &mut Signal) -> Poll<Option<()>> {
    sig.poll_recv(&mut Context::from_waker(Waker::noop()))
}

#[weft::test]
async fn sigusr1_is_observed() {
    let mut sig = signal(SignalKind::user_defined1()).unwrap();
    assert!(poll_once(&mut sig).is_pending(), "nothing sent yet");
    kill_self(libc::SIGUSR1);
    assert_eq!(sig.recv().await, Some(()));
}

#[weft::test]
async fn sigusr2_reaches_both_listeners_of_one_runtime() {
    let mut first = signal(SignalKind::user_defined2()).unwrap();
    let mut second = signal(SignalKind::user_defined2()).unwrap();
    kill_self(libc::SIGUSR2);
    assert_eq!(first.recv().await, Some(()));
    assert_eq!(second.recv().await, Some(()));
}

#[weft::test]
async fn signal_raised_before_recv_is_not_lost() {
    let mut sig = signal(SignalKind::window_change()).unwrap();
    // Delivered (the handler ran) before anyone waits.
    raise(libc::SIGWINCH);
    assert_eq!(sig.recv().await, Some(()));
    // And again: every recv after a fresh signal completes.
    raise(libc::SIGWINCH);
    assert_eq!(sig.recv().await, Some(()));
}

#[weft::test]
async fn ctrl_c_completes_on_sigint() {
    let ctrl_c = weft::signal::ctrl_c();
    // Runs once `ctrl_c` is first polled (and so listening): the runtime has
    // one thread.
    weft::spawn(async { kill_self(libc::SIGINT) });
    ctrl_c.await.unwrap();
}

#[test]
fn sighup_reaches_listeners_on_two_runtimes() {
    let (ready_tx, ready_rx) = mpsc::channel();
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let ready_tx = ready_tx.clone();
            thread::spawn(move || {
                let rt = current_thread();
                rt.block_on(async {
                    let mut sig = signal(SignalKind::hangup()).unwrap();
                    ready_tx.send(()).unwrap();
                    sig.recv().await
                })
            })
        })
        .collect();
    for _ in 0..2 {
        ready_rx.recv().unwrap();
    }
    kill_self(libc::SIGHUP);
    for t in threads {
        assert_eq!(t.join().unwrap(), Some(()));
    }
}

#[test]
fn multi_thread_runtime_listener_is_woken() {
    let rt = Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let signum = libc::SIGRTMIN() + 1;
    let mut sig = rt.block_on(async { signal(SignalKind::from_raw(signum)).unwrap() });
    let (ready_tx, ready_rx) = weft::sync::oneshot::channel();
    let waiter = rt.spawn(async move {
        // Polled once (Pending) before the signal is sent.
        let mut recv = std::pin::pin!(sig.recv());
        let first = poll_fn(|cx| Poll::Ready(recv.as_mut().poll(cx))).await;
        assert!(first.is_pending());
        ready_tx.send(()).unwrap();
        recv.await
    });
    rt.block_on(async {
        ready_rx.await.unwrap();
        kill_self(signum);
        assert_eq!(waiter.await.unwrap(), Some(()));
    });
}

#[test]
fn listener_created_again_after_drop_sees_signals() {
    let rt = current_thread();
    let kind = SignalKind::from_raw(libc::SIGRTMIN() + 2);
    rt.block_on(async {
        let mut first = signal(kind).unwrap();
        raise(kind.as_raw_value());
        assert_eq!(first.recv().await, Some(()));
        drop(first);

        // The handler stays installed; a new listener starts from scratch.
        let mut second = signal(kind).unwrap();
        assert!(poll_once(&mut second).is_pending());
        raise(kind.as_raw_value());
        assert_eq!(second.recv().await, Some(()));
    });
}

#[test]
fn listener_outlives_its_runtime_and_is_fed_by_another() {
    let kind = SignalKind::from_raw(libc::SIGRTMIN() + 3);
    let first_rt = current_thread();
    let mut sig = first_rt.block_on(async { signal(kind).unwrap() });
    drop(first_rt);
    // Another runtime's driver reads the self-pipe and wakes the listener.
    let second_rt = current_thread();
    second_rt.block_on(async {
        raise(kind.as_raw_value());
        assert_eq!(sig.recv().await, Some(()));
    });
}

#[weft::test]
async fn forbidden_and_invalid_signals_are_errors() {
    for signum in [
        libc::SIGILL,
        libc::SIGFPE,
        libc::SIGKILL,
        libc::SIGSEGV,
        libc::SIGSTOP,
        0,
        -1,
    ] {
        let err = signal(SignalKind::from_raw(signum)).unwrap_err();
        assert_eq!(err.kind(), std::io::ErrorKind::Other);
        assert_eq!(
            err.to_string(),
            format!("Refusing to register signal {signum}")
        );
    }
}

#[test]
fn signal_kind_constructors_match_libc() {
    let kinds = [
        (SignalKind::alarm(), libc::SIGALRM),
        (SignalKind::child(), libc::SIGCHLD),
        (SignalKind::hangup(), libc::SIGHUP),
        (SignalKind::interrupt(), libc::SIGINT),
        (SignalKind::io(), libc::SIGIO),
        (SignalKind::pipe(), libc::SIGPIPE),
        (SignalKind::quit(), libc::SIGQUIT),
        (SignalKind::terminate(), libc::SIGTERM),
        (SignalKind::user_defined1(), libc::SIGUSR1),
        (SignalKind::user_defined2(), libc::SIGUSR2),
        (SignalKind::window_change(), libc::SIGWINCH),
    ];
    for (kind, signum) in kinds {
        assert_eq!(kind.as_raw_value(), signum);
        assert_eq!(SignalKind::from(signum), kind);
        assert_eq!(libc::c_int::from(kind), signum);
    }
    let set: std::collections::HashSet<SignalKind> = kinds.iter().map(|(k, _)| *k).collect();
    assert_eq!(set.len(), kinds.len());
}

#[test]
fn public_types_are_send_sync_unpin() {
    fn assert_traits<T: Send + Sync + Unpin + std::fmt::Debug>() {}
    assert_traits::<Signal>();
    assert_traits::<SignalKind>();
}
