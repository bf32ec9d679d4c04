//! The SIGCHLD exit watch: the fallback when the kernel refuses
//! `pidfd_open` (before Linux 5.3, or under a seccomp filter).
//!
//! The contract `reaper::ExitWatch` needs from it is small:
//! - `Watch::new()` subscribes to SIGCHLD for the current runtime;
//! - `poll_fired` is ready once a SIGCHLD arrived since the last call (any
//!   child's: the reaper then asks `waitpid` about its own);
//! - `rearm` consumes nothing (receiving the signal already did);
//! - `may_have_exited` is always `true`: an orphan watched this way is
//!   asked at every park (a SIGCHLD wakes the driver, so every exit leads
//!   to a park returning).
//!
//! The subscription itself comes from the runtime's signal driver
//! (`weft::signal`, `SignalKind::child()`); until a runtime offers one,
//! `Watch::new` reports `Unsupported` and spawning fails cleanly instead of
//! leaving a child nobody can wait for.

use std::fmt;
use std::io;
use std::task::{Context, Poll};

/// A SIGCHLD subscription.
pub(crate) struct Watch {
    _private: (),
}

impl Watch {
    /// Subscribes to SIGCHLD on the current runtime.
    pub(crate) fn new() -> io::Result<Watch> {
        Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "pidfd_open is not available and no SIGCHLD listener could be installed",
        ))
    }

    pub(crate) fn poll_fired(&mut self, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    pub(crate) fn rearm(&mut self) {}

    pub(crate) fn may_have_exited(&self) -> bool {
        true
    }
}

impl fmt::Debug for Watch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("sigchld::Watch").finish()
    }
}
