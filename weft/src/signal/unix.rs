//! Unix signals: [`signal`] creates a [`Signal`] listener for a
//! [`SignalKind`].
//!
//! ```
//! use weft::signal::unix::{signal, SignalKind};
//!
//! # #[weft::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let mut usr1 = signal(SignalKind::user_defined1())?;
//! // SAFETY: sending ourselves a signal we now handle.
//! unsafe { libc::kill(libc::getpid(), libc::SIGUSR1) };
//! usr1.recv().await;
//! # Ok(())
//! # }
//! ```

use crate::runtime::io::Handle;
use crate::signal::delivery::Listener;
use crate::signal::registry::globals;
use std::io;
use std::task::{Context, Poll};

/// A kind of signal to listen for: a signal number.
///
/// The constructors name the portable signals; [`SignalKind::from_raw`]
/// takes any other number (a real-time signal, a platform-specific one).
///
/// ```
/// use weft::signal::unix::SignalKind;
///
/// let kind = SignalKind::hangup();
/// assert_eq!(kind, SignalKind::from_raw(libc::SIGHUP));
/// assert_eq!(kind.as_raw_value(), libc::SIGHUP);
/// ```
#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq)]
pub struct SignalKind(libc::c_int);

impl SignalKind {
    /// Any signal, by number (for example a real-time signal, or one that
    /// only some platforms have).
    ///
    /// ```
    /// use weft::signal::unix::SignalKind;
    ///
    /// # #[cfg(target_os = "linux")] {
    /// let kind = SignalKind::from_raw(libc::SIGRTMIN());
    /// assert_eq!(kind.as_raw_value(), libc::SIGRTMIN());
    /// # }
    /// ```
    // `std::os::raw::c_int` in the signature, as in Tokio: libc's alias is
    // not a stable public type.
    pub const fn from_raw(signum: std::os::raw::c_int) -> SignalKind {
        SignalKind(signum as libc::c_int)
    }

    /// The signal's number.
    ///
    /// ```
    /// use weft::signal::unix::SignalKind;
    ///
    /// assert_eq!(SignalKind::interrupt().as_raw_value(), libc::SIGINT);
    /// ```
    pub const fn as_raw_value(&self) -> std::os::raw::c_int {
        self.0
    }

    /// `SIGALRM`: a real-time timer expired. Terminates the process by default.
    ///
    /// ```
    /// # use weft::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::alarm().as_raw_value(), libc::SIGALRM);
    /// ```
    pub const fn alarm() -> SignalKind {
        SignalKind(libc::SIGALRM)
    }

    /// `SIGCHLD`: a child process changed status. Ignored by default.
    ///
    /// ```
    /// # use weft::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::child().as_raw_value(), libc::SIGCHLD);
    /// ```
    pub const fn child() -> SignalKind {
        SignalKind(libc::SIGCHLD)
    }

    /// `SIGHUP`: the terminal was disconnected. Terminates the process by
    /// default.
    ///
    /// ```
    /// # use weft::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::hangup().as_raw_value(), libc::SIGHUP);
    /// ```
    pub const fn hangup() -> SignalKind {
        SignalKind(libc::SIGHUP)
    }

    /// `SIGINFO`: a status request (BSDs, macOS, illumos). Ignored by
    /// default.
    ///
    /// ```
    /// # use weft::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::info().as_raw_value(), libc::SIGINFO);
    /// ```
    #[cfg(any(
        target_os = "dragonfly",
        target_os = "freebsd",
        target_os = "macos",
        target_os = "netbsd",
        target_os = "openbsd",
        target_os = "illumos"
    ))]
    pub const fn info() -> SignalKind {
        SignalKind(libc::SIGINFO)
    }

    /// `SIGINT`: interrupt (Ctrl-C in a terminal). Terminates the process by
    /// default.
    ///
    /// ```
    /// # use weft::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::interrupt().as_raw_value(), libc::SIGINT);
    /// ```
    pub const fn interrupt() -> SignalKind {
        SignalKind(libc::SIGINT)
    }

    /// `SIGIO`: I/O is possible on a descriptor. Ignored by default.
    ///
    /// ```
    /// # use weft::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::io().as_raw_value(), libc::SIGIO);
    /// ```
    pub const fn io() -> SignalKind {
        SignalKind(libc::SIGIO)
    }

    /// `SIGPIPE`: a write to a pipe without a reader. Terminates the process
    /// by default (Rust programs start with it ignored).
    ///
    /// ```
    /// # use weft::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::pipe().as_raw_value(), libc::SIGPIPE);
    /// ```
    pub const fn pipe() -> SignalKind {
        SignalKind(libc::SIGPIPE)
    }

    /// `SIGQUIT`: quit with a core dump. Terminates the process by default.
    ///
    /// ```
    /// # use weft::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::quit().as_raw_value(), libc::SIGQUIT);
    /// ```
    pub const fn quit() -> SignalKind {
        SignalKind(libc::SIGQUIT)
    }

    /// `SIGTERM`: a request to shut down. Terminates the process by default.
    ///
    /// ```
    /// # use weft::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::terminate().as_raw_value(), libc::SIGTERM);
    /// ```
    pub const fn terminate() -> SignalKind {
        SignalKind(libc::SIGTERM)
    }

    /// `SIGUSR1`: user-defined. Terminates the process by default.
    ///
    /// ```
    /// # use weft::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::user_defined1().as_raw_value(), libc::SIGUSR1);
    /// ```
    pub const fn user_defined1() -> SignalKind {
        SignalKind(libc::SIGUSR1)
    }

    /// `SIGUSR2`: user-defined. Terminates the process by default.
    ///
    /// ```
    /// # use weft::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::user_defined2().as_raw_value(), libc::SIGUSR2);
    /// ```
    pub const fn user_defined2() -> SignalKind {
        SignalKind(libc::SIGUSR2)
    }

    /// `SIGWINCH`: the terminal window was resized. Ignored by default.
    ///
    /// ```
    /// # use weft::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::window_change().as_raw_value(), libc::SIGWINCH);
    /// ```
    pub const fn window_change() -> SignalKind {
        SignalKind(libc::SIGWINCH)
    }
}

impl From<std::os::raw::c_int> for SignalKind {
    /// Same as [`SignalKind::from_raw`].
    ///
    /// ```
    /// # use weft::signal::unix::SignalKind;
    /// assert_eq!(SignalKind::from(libc::SIGINT), SignalKind::interrupt());
    /// ```
    fn from(signum: std::os::raw::c_int) -> SignalKind {
        SignalKind::from_raw(signum)
    }
}

impl From<SignalKind> for std::os::raw::c_int {
    /// Same as [`SignalKind::as_raw_value`].
    ///
    /// ```
    /// # use weft::signal::unix::SignalKind;
    /// let signum: std::os::raw::c_int = SignalKind::interrupt().into();
    /// assert_eq!(signum, libc::SIGINT);
    /// ```
    fn from(kind: SignalKind) -> std::os::raw::c_int {
        kind.as_raw_value()
    }
}

/// A listener for one kind of signal: an endless stream of notifications.
///
/// Created by [`signal`]. Every `Signal` of a kind is notified of every
/// delivery of that signal, whichever runtime it was created on.
///
/// Deliveries are coalesced: the OS already merges a signal that arrives
/// while the same one is pending, and a `Signal` reports all deliveries
/// since its last notification as one. Each notification stands for *at
/// least one* signal. A delivery is never lost: once the `Signal` exists, a
/// signal that arrives while nobody waits is reported by the next
/// [`recv`](Signal::recv).
///
/// # Caveats
///
/// The first `Signal` for a kind installs a process-wide handler that
/// replaces the platform's default action (for `SIGINT` and `SIGTERM`,
/// terminating the process) **for the rest of the process**, even after
/// every `Signal` is dropped.
///
/// # Examples
///
/// ```
/// use weft::signal::unix::{signal, SignalKind};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut hangups = signal(SignalKind::hangup())?;
/// // SAFETY: sending ourselves a signal we now handle.
/// unsafe { libc::kill(libc::getpid(), libc::SIGHUP) };
/// // In a real program: `loop { hangups.recv().await; reload(); }`
/// hangups.recv().await;
/// println!("got SIGHUP");
/// # Ok(())
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
#[derive(Debug)]
pub struct Signal {
    listener: Listener,
}

/// Creates a listener for `kind` on the current runtime's I/O driver.
///
/// The first listener for a kind installs the process-wide handler (see
/// [`Signal`]'s caveats). Any number of listeners may exist for one kind;
/// each one is notified of every delivery.
///
/// # Errors
///
/// - if `kind` is not a valid signal number, or is one of the signals that
///   cannot be handled (`SIGILL`, `SIGFPE`, `SIGKILL`, `SIGSEGV`, `SIGSTOP`);
/// - if installing the handler fails, now or the first time it was tried;
/// - if the runtime's driver has shut down.
///
/// # Panics
///
/// Outside a runtime, or on a runtime built without `enable_io`.
///
/// # Examples
///
/// ```
/// use weft::signal::unix::{signal, SignalKind};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut first = signal(SignalKind::user_defined2())?;
/// let mut second = signal(SignalKind::user_defined2())?;
/// // SAFETY: sending ourselves a signal we now handle.
/// unsafe { libc::kill(libc::getpid(), libc::SIGUSR2) };
/// // Both listeners see the one delivery.
/// first.recv().await;
/// second.recv().await;
///
/// // SIGKILL cannot be handled.
/// assert!(signal(SignalKind::from_raw(libc::SIGKILL)).is_err());
/// # Ok(())
/// # }
/// ```
#[track_caller]
pub fn signal(kind: SignalKind) -> io::Result<Signal> {
    let handle = crate::runtime::io::current_handle();
    signal_with_handle(kind, &handle)
}

/// [`signal`] on a given I/O driver rather than the current runtime's.
///
/// For weft's own use (the process module may listen for `SIGCHLD` with
/// it): the returned [`Signal`] is polled with [`Signal::poll_recv`]. The
/// driver is only checked to be alive; notifications come from whichever
/// runtime's driver reads the self-pipe first.
pub(crate) fn signal_with_handle(kind: SignalKind, handle: &Handle) -> io::Result<Signal> {
    let signum = kind.as_raw_value();
    if signum <= 0 || signal_hook_registry::FORBIDDEN.contains(&signum) {
        return Err(io::Error::other(format!(
            "Refusing to register signal {signum}"
        )));
    }
    if handle.is_shutdown() {
        return Err(io::Error::other("signal driver gone"));
    }
    let globals = globals()?;
    let Some(delivery) = globals.delivery(signum) else {
        return Err(io::Error::other("signal too large"));
    };
    globals.install(signum)?;
    Ok(Signal {
        listener: Listener::new(delivery),
    })
}

impl Signal {
    /// Waits for the next delivery of the signal.
    ///
    /// Returns `Some(())`; the `Option` is Tokio's signature, which never
    /// returns `None` either (a listener outlives its runtime: any runtime's
    /// driver can deliver to it).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if `recv` is dropped before it completes (a losing
    /// branch of `select!`), no signal is lost; the next `recv` reports it.
    ///
    /// # Examples
    ///
    /// ```
    /// use weft::signal::unix::{signal, SignalKind};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut sig = signal(SignalKind::window_change())?;
    /// for _ in 0..2 {
    ///     // SAFETY: sending ourselves a signal we now handle.
    ///     unsafe { libc::kill(libc::getpid(), libc::SIGWINCH) };
    ///     assert_eq!(sig.recv().await, Some(()));
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub async fn recv(&mut self) -> Option<()> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls for the next delivery: `Ready(Some(()))` if the signal arrived
    /// since the last notification, otherwise `Pending` and `cx`'s waker is
    /// woken at the next delivery. Never returns `Ready(None)` (see
    /// [`recv`](Signal::recv)).
    ///
    /// # Examples
    ///
    /// ```
    /// use std::future::poll_fn;
    /// use weft::signal::unix::{signal, SignalKind};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut sig = signal(SignalKind::user_defined1())?;
    /// // SAFETY: sending ourselves a signal we now handle.
    /// unsafe { libc::kill(libc::getpid(), libc::SIGUSR1) };
    /// let got = poll_fn(|cx| sig.poll_recv(cx)).await;
    /// assert_eq!(got, Some(()));
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<()>> {
        self.listener.poll_recv(cx).map(Some)
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn rt() -> crate::runtime::Runtime {
        crate::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .unwrap()
    }

    #[test]
    fn invalid_and_forbidden_signals_are_refused() {
        let rt = rt();
        let _guard = rt.enter();
        let forbidden = [
            libc::SIGILL,
            libc::SIGFPE,
            libc::SIGKILL,
            libc::SIGSEGV,
            libc::SIGSTOP,
        ];
        for signum in [-1, 0].into_iter().chain(forbidden) {
            let err = signal(SignalKind::from_raw(signum)).unwrap_err();
            assert_eq!(err.kind(), io::ErrorKind::Other);
            assert_eq!(
                err.to_string(),
                format!("Refusing to register signal {signum}")
            );
        }
        let err = signal(SignalKind::from_raw(100_000)).unwrap_err();
        assert_eq!(err.to_string(), "signal too large");
    }

    #[test]
    fn conversions_round_trip() {
        assert_eq!(SignalKind::from(2), SignalKind::interrupt());
        let value: std::os::raw::c_int = SignalKind::interrupt().into();
        assert_eq!(value, libc::SIGINT);
        assert_eq!(
            format!("{:?}", SignalKind::hangup()),
            format!("SignalKind({})", libc::SIGHUP)
        );
    }

    #[test]
    fn shut_down_driver_refuses_new_listeners() {
        let rt = rt();
        let handle = rt.handle().clone();
        drop(rt);
        let _guard = handle.enter();
        let err = signal(SignalKind::user_defined1()).unwrap_err();
        assert_eq!(err.to_string(), "signal driver gone");
    }
}
