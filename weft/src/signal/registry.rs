//! The process-wide signal state: one [`Delivery`] per signal number, the
//! self-pipe that wakes the I/O drivers, and the OS handlers.
//!
//! Signal dispositions are per process, so this state is global: created on
//! first use (the first runtime with an I/O driver), never freed. Every I/O
//! driver registers its own duplicate of the pipe's read end under
//! `SIGNAL_TOKEN` (a descriptor is registered with one `epoll` each, which
//! keeps mio's one-registry-per-source rule), so a signal wakes every
//! runtime; the first driver to run drains the pipe and broadcasts (see
//! `delivery`, step 2), and every listener of every runtime is woken.
//!
//! Handlers are installed through `signal-hook-registry`, once per signal
//! number, on the first `signal()` for it, and stay installed for the life of
//! the process (as in Tokio: the default action, e.g. termination on
//! `SIGINT`, is not restored when the listeners are dropped).

use crate::loom::sync::Arc;
use crate::signal::delivery::Delivery;
use std::io::{self, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// The global state (see the module doc).
#[derive(Debug)]
pub(crate) struct Globals {
    /// The write end of the self-pipe, written by the signal handlers.
    /// Non-blocking: when it is full the drivers are woken already.
    sender: UnixStream,
    /// The read end; each driver registers a duplicate (`DriverLink`).
    receiver: UnixStream,
    /// Indexed by signal number (index 0 unused).
    deliveries: Box<[Arc<Delivery>]>,
    /// Whether the handler of each signal number is installed.
    installed: Box<[OnceLock<Installed>]>,
}

/// The result of the one attempt to install a signal's handler; `Err`
/// holds the OS error code, if there was one.
type Installed = Result<(), Option<i32>>;

static GLOBALS: OnceLock<Globals> = OnceLock::new();

/// Set once any signal's handler is installed: from then on, drivers poll
/// the self-pipe on every turn (see `runtime::io::driver`).
static ANY_INSTALLED: AtomicBool = AtomicBool::new(false);

/// Whether any signal's handler was ever installed in this process.
pub(crate) fn any_installed() -> bool {
    ANY_INSTALLED.load(Ordering::Relaxed)
}

/// Signal numbers this platform can deliver (one past the largest).
fn signal_count() -> usize {
    // Linux has the real-time signals up to SIGRTMAX (64) beyond the 31
    // classic ones; elsewhere 33 covers every signal number in use.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    let max = libc::SIGRTMAX();
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    let max = 33;
    usize::try_from(max).unwrap_or(0) + 1
}

/// The global state, created on first use. An error (no descriptor left for
/// the self-pipe) is returned to the caller and the next call tries again.
pub(crate) fn globals() -> io::Result<&'static Globals> {
    if let Some(globals) = GLOBALS.get() {
        return Ok(globals);
    }
    // Built outside the `OnceLock` so that a failure is not remembered; if
    // two threads race, the loser's pipe is closed again.
    let fresh = Globals::new()?;
    Ok(GLOBALS.get_or_init(|| fresh))
}

impl Globals {
    fn new() -> io::Result<Globals> {
        let (receiver, sender) = UnixStream::pair()?;
        receiver.set_nonblocking(true)?;
        sender.set_nonblocking(true)?;
        let n = signal_count();
        Ok(Globals {
            sender,
            receiver,
            deliveries: (0..n).map(|_| Arc::new(Delivery::new())).collect(),
            installed: (0..n).map(|_| OnceLock::new()).collect(),
        })
    }

    /// The deliveries of `signum`, `None` when the number is out of range.
    pub(crate) fn delivery(&self, signum: libc::c_int) -> Option<&Arc<Delivery>> {
        self.deliveries.get(usize::try_from(signum).ok()?)
    }

    /// Installs the handler of `signum` unless it is installed already.
    /// `signum` must be in range and not forbidden (checked by the caller:
    /// signal-hook-registry panics on a forbidden one).
    pub(crate) fn install(&'static self, signum: libc::c_int) -> io::Result<()> {
        let index = usize::try_from(signum).map_err(|_| io::Error::other("signal too large"))?;
        let Some(installed) = self.installed.get(index) else {
            return Err(io::Error::other("signal too large"));
        };
        let result = installed.get_or_init(|| {
            let action = move || self.on_signal(signum);
            // SAFETY: `register` requires the action to be async-signal-safe.
            // `on_signal` does an atomic store on a `Delivery` that lives
            // for the rest of the process (`self` is 'static) and one
            // `write(2)` on a non-blocking socket: no allocation, no lock,
            // no panic (the write's result is ignored). signal-hook-registry
            // saves and restores `errno` around the action.
            let registered = unsafe { signal_hook_registry::register(signum, action) };
            registered.map(|_| ()).map_err(|e| e.raw_os_error())
        });
        match *result {
            Ok(()) => {
                ANY_INSTALLED.store(true, Ordering::Relaxed);
                Ok(())
            }
            Err(Some(code)) => Err(io::Error::from_raw_os_error(code)),
            Err(None) => Err(io::Error::other("registering signal handler failed")),
        }
    }

    /// The action run inside the signal handler (step 1 of `delivery`).
    fn on_signal(&self, signum: libc::c_int) {
        if let Some(delivery) = self.delivery(signum) {
            delivery.record();
        }
        // A full pipe means the drivers have a wake-up pending already.
        let _ = (&self.sender).write(&[1]);
    }

    /// Step 2 of `delivery`: drains the pipe, then broadcasts every signal
    /// recorded since the last time.
    fn broadcast_pending(&self, pipe: &mut impl Read) {
        let mut buf = [0u8; 128];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) => break, // cannot happen: `sender` is never closed
                Ok(_) => continue,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                // `WouldBlock`: drained. Anything else would leave the
                // bytes for the next wake-up; the flags below are still
                // read, so no recorded signal is held back.
                Err(_) => break,
            }
        }
        for delivery in self.deliveries.iter() {
            if delivery.take_pending() {
                delivery.broadcast();
            }
        }
    }
}

/// One I/O driver's end of the self-pipe: a duplicate of the read end,
/// registered with that driver's poll. Dropped with the driver.
#[derive(Debug)]
pub(crate) struct DriverLink {
    receiver: mio::net::UnixStream,
}

impl DriverLink {
    /// Registers a fresh duplicate of the self-pipe's read end with
    /// `registry` under `token` (readable, edge-triggered: every byte a
    /// handler writes produces an event, and a byte already there when the
    /// driver starts produces one at once).
    pub(crate) fn register(registry: &mio::Registry, token: mio::Token) -> io::Result<DriverLink> {
        let globals = globals()?;
        let mut receiver = mio::net::UnixStream::from_std(globals.receiver.try_clone()?);
        registry.register(&mut receiver, token, mio::Interest::READABLE)?;
        Ok(DriverLink { receiver })
    }

    /// Called by the driver after an event on `token`: step 2 of `delivery`.
    pub(crate) fn process(&mut self) {
        if let Some(globals) = GLOBALS.get() {
            globals.broadcast_pending(&mut self.receiver);
        }
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn every_signal_number_has_a_delivery() {
        let globals = globals().unwrap();
        assert!(globals.delivery(libc::SIGUSR1).is_some());
        assert!(globals.delivery(libc::SIGTERM).is_some());
        #[cfg(target_os = "linux")]
        assert!(globals.delivery(libc::SIGRTMAX()).is_some());
        assert!(globals.delivery(-1).is_none());
        assert!(globals.delivery(100_000).is_none());
    }

    #[test]
    fn install_rejects_out_of_range() {
        let globals = globals().unwrap();
        assert_eq!(
            globals.install(100_000).unwrap_err().to_string(),
            "signal too large"
        );
    }

    #[test]
    fn broadcast_pending_drains_and_broadcasts_recorded_only() {
        // A private `Globals`, so that no real signal or other test interferes.
        let globals = Globals::new().unwrap();
        let usr = globals.delivery(libc::SIGWINCH).unwrap().clone();
        let other = globals.delivery(libc::SIGURG).unwrap().clone();
        let mut usr_listener = crate::signal::delivery::Listener::new(&usr);
        let mut other_listener = crate::signal::delivery::Listener::new(&other);
        globals.on_signal(libc::SIGWINCH);
        globals.on_signal(libc::SIGWINCH);
        let mut receiver = &globals.receiver;
        globals.broadcast_pending(&mut receiver);
        let mut buf = [0u8; 1];
        assert_eq!(
            receiver.read(&mut buf).unwrap_err().kind(),
            io::ErrorKind::WouldBlock,
            "the pipe is drained"
        );
        let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
        assert!(usr_listener.poll_recv(&mut cx).is_ready());
        assert!(usr_listener.poll_recv(&mut cx).is_pending(), "coalesced");
        assert!(other_listener.poll_recv(&mut cx).is_pending());
    }
}
