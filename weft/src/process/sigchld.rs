//! The SIGCHLD exit watch: the fallback when the kernel refuses
//! `pidfd_open` (before Linux 5.3, or under a seccomp filter).
//!
//! The contract `reaper::ExitWatch` needs from it is small:
//! - `Watch::new()` subscribes to SIGCHLD for the current runtime;
//! - `poll_fired` is ready at the first poll (a child that exited before
//!   the subscription existed sent its SIGCHLD too early to be seen, so the
//!   reaper must ask `waitpid` once without waiting), then once per SIGCHLD
//!   received since the previous call (any child's: the reaper then asks
//!   `waitpid` about its own);
//! - `rearm` consumes nothing (receiving the signal already did);
//! - `may_have_exited` is always `true`: an orphan watched this way is
//!   asked at every park (a SIGCHLD wakes the driver, so every exit leads
//!   to a park returning).
//!
//! The subscription itself (`Listener`) is a `weft::signal` listener for
//! `SignalKind::child()`. Built without the `signal` feature, there is none:
//! `Listener::subscribe` then reports `Unsupported`, so spawning fails
//! cleanly instead of leaving a child nobody can wait for.

use std::fmt;
use std::io;
use std::task::{Context, Poll};

/// A SIGCHLD subscription plus the first-poll rule of the module doc.
pub(crate) struct Watch {
    checked_once: bool,
    listener: Listener,
}

impl Watch {
    /// Subscribes to SIGCHLD on the current runtime.
    pub(crate) fn new() -> io::Result<Watch> {
        Ok(Watch {
            checked_once: false,
            listener: Listener::subscribe()?,
        })
    }

    pub(crate) fn poll_fired(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if !self.checked_once {
            self.checked_once = true;
            return Poll::Ready(Ok(()));
        }
        self.listener.poll_recv(cx)
    }

    pub(crate) fn rearm(&mut self) {}

    pub(crate) fn may_have_exited(&self) -> bool {
        true
    }
}

/// Where SIGCHLD deliveries come from: a `weft::signal` listener (with
/// the `signal` feature: every runtime's I/O driver reads the signal
/// self-pipe, so a SIGCHLD also wakes a parked driver, which then drains
/// the orphan queue).
#[cfg(feature = "signal")]
struct Listener {
    signal: crate::signal::unix::Signal,
}

#[cfg(feature = "signal")]
impl Listener {
    #[track_caller]
    fn subscribe() -> io::Result<Listener> {
        use crate::signal::unix::{signal_with_handle, SignalKind};
        let handle = crate::runtime::io::current_handle();
        Ok(Listener {
            signal: signal_with_handle(SignalKind::child(), &handle)?,
        })
    }

    fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // `Signal::poll_recv` never returns `None` (a listener outlives its
        // runtime), so any readiness is a delivery.
        self.signal.poll_recv(cx).map(|_| Ok(()))
    }
}

/// Without the `signal` feature there is no handler to listen through.
#[cfg(not(feature = "signal"))]
struct Listener {
    _private: (),
}

#[cfg(not(feature = "signal"))]
impl Listener {
    fn subscribe() -> io::Result<Listener> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "pidfd_open is not available and the `signal` feature (SIGCHLD) is off",
        ))
    }

    fn poll_recv(&mut self, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl fmt::Debug for Watch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("sigchld::Watch").finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom), feature = "signal"))]
mod tests {
    use super::*;

    #[test]
    fn first_poll_fires_without_a_signal() {
        let rt = crate::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .unwrap();
        let _guard = rt.enter();
        let mut watch = Watch::new().unwrap();
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        assert!(matches!(watch.poll_fired(&mut cx), Poll::Ready(Ok(()))));
        assert!(watch.checked_once);
        assert!(watch.may_have_exited());
    }
}
