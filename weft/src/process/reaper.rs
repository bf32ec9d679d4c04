//! `Reaper`: waits for a child's exit without a thread, and hands a child
//! dropped while still running to the orphan queue.
//!
//! The exit is observed through an [`ExitWatch`], which only says "the child
//! may have exited"; the truth is always `waitpid(WNOHANG)` (`try_wait`), so
//! a spurious notification costs one system call and nothing else:
//!
//! 1. wait until the watch fires (`ExitWatch::poll_fired`);
//! 2. `try_wait`: done if the child exited;
//! 3. otherwise consume the notification (`ExitWatch::rearm`) and go to 1.
//!
//! Two watches exist:
//! - a pidfd (`pidfd_open(2)`, Linux 5.3 and later) registered with the I/O
//!   driver: it becomes readable when the child exits;
//! - SIGCHLD (`super::sigchld`), used when `pidfd_open` is refused (old
//!   kernels, seccomp filters).

use super::orphan::{self, Orphan};
use super::sigchld;
use crate::io::Interest;
use crate::runtime::context;
use crate::runtime::io::{Handle, ReadyEvent, Registration};
use mio::unix::SourceFd;
use std::fmt;
use std::io;
use std::os::unix::io::{AsRawFd, FromRawFd, OwnedFd};
use std::process::{Child as StdChild, ExitStatus};
use std::task::{ready, Context, Poll};

/// A running child and the watch that reports its exit.
pub(crate) struct Running {
    child: StdChild,
    watch: ExitWatch,
}

/// What tells a waiter that the child may have exited.
pub(crate) enum ExitWatch {
    Pidfd(PidfdWatch),
    Sigchld(sigchld::Watch),
}

/// A pidfd registered with an I/O driver for readability.
pub(crate) struct PidfdWatch {
    /// Always `Some` until `drop` deregisters it.
    registration: Option<Registration>,
    /// The readiness the last `poll_fired` saw, consumed by `rearm`.
    seen: Option<ReadyEvent>,
    /// Declared last: closed after the registration is gone.
    fd: OwnedFd,
}

impl PidfdWatch {
    /// Opens a pidfd for `pid` and registers it with the current runtime.
    /// `Ok(None)` if the kernel refuses pidfds (fall back to SIGCHLD).
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one without I/O, with Tokio's messages.
    #[track_caller]
    fn open(pid: u32) -> io::Result<Option<PidfdWatch>> {
        let handle = crate::runtime::io::current_handle();
        // SAFETY: `pidfd_open(pid, 0)` takes two integers and returns a new
        // fd or -1; it touches no memory of ours.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) };
        if fd < 0 {
            let err = io::Error::last_os_error();
            return match err.raw_os_error() {
                // No pidfds in this kernel (before 5.3), or a seccomp
                // filter or sandbox refuses the call. A failed system call
                // costs far less than the fork it follows, so this is not
                // cached.
                Some(libc::ENOSYS) | Some(libc::EPERM) | Some(libc::EACCES) => Ok(None),
                _ => Err(err),
            };
        }
        // SAFETY: the syscall succeeded, so `fd` is a new fd that nothing
        // else owns.
        let fd = unsafe { OwnedFd::from_raw_fd(fd as i32) };
        let registration = register(&fd, handle)?;
        Ok(Some(PidfdWatch {
            registration: Some(registration),
            seen: None,
            fd,
        }))
    }

    fn registration(&self) -> &Registration {
        self.registration
            .as_ref()
            .expect("pidfd registration is only taken by drop")
    }

    fn poll_fired(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            match ready!(self.registration().poll_read_ready(cx)) {
                Ok(event) => {
                    self.seen = Some(event);
                    return Poll::Ready(Ok(()));
                }
                Err(err)
                    if self
                        .registration()
                        .ready_event(Interest::READABLE)
                        .is_shutdown =>
                {
                    // The runtime the child was spawned on is gone; keep
                    // waiting on the one this task runs on now (Tokio
                    // allows waiting for a child from another runtime).
                    self.move_to_current_runtime(err)?;
                }
                Err(err) => return Poll::Ready(Err(err)),
            }
        }
    }

    /// Re-registers the pidfd with the current runtime's driver; returns
    /// `shutdown_err` if no runtime with I/O is current.
    fn move_to_current_runtime(&mut self, shutdown_err: io::Error) -> io::Result<()> {
        let handle = match context::with_current(|h| h.driver().io.clone()) {
            Ok(Some(handle)) => handle,
            _ => return Err(shutdown_err),
        };
        // Register with the new driver first: if that fails (it is shut
        // down too), the old registration stays and keeps answering with
        // the shutdown error. One fd may sit in two epoll sets.
        let new = register(&self.fd, handle)?;
        if let Some(old) = self.registration.replace(new) {
            // The old driver may be gone entirely; its epoll set is then
            // closed and the fd is no longer in it.
            let _ = old.deregister(&mut SourceFd(&self.fd.as_raw_fd()));
        }
        self.seen = None;
        Ok(())
    }

    fn rearm(&mut self) {
        if let Some(event) = self.seen.take() {
            self.registration().clear_readiness(event);
        }
    }

    fn may_have_exited(&self) -> bool {
        let event = self.registration().ready_event(Interest::READABLE);
        !event.ready.is_empty() || event.is_shutdown
    }
}

fn register(fd: &OwnedFd, handle: crate::loom::sync::Arc<Handle>) -> io::Result<Registration> {
    Registration::new_with_handle(&mut SourceFd(&fd.as_raw_fd()), Interest::READABLE, handle)
}

impl Drop for PidfdWatch {
    fn drop(&mut self) {
        if let Some(registration) = self.registration.take() {
            // Out of the epoll set before the fd closes (field order).
            let _ = registration.deregister(&mut SourceFd(&self.fd.as_raw_fd()));
        }
    }
}

impl ExitWatch {
    fn poll_fired(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self {
            ExitWatch::Pidfd(w) => w.poll_fired(cx),
            ExitWatch::Sigchld(w) => w.poll_fired(cx),
        }
    }

    fn rearm(&mut self) {
        match self {
            ExitWatch::Pidfd(w) => w.rearm(),
            ExitWatch::Sigchld(w) => w.rearm(),
        }
    }

    fn may_have_exited(&self) -> bool {
        match self {
            ExitWatch::Pidfd(w) => w.may_have_exited(),
            ExitWatch::Sigchld(w) => w.may_have_exited(),
        }
    }
}

impl Orphan for Running {
    fn may_have_exited(&self) -> bool {
        self.watch.may_have_exited()
    }

    fn try_reap(&mut self) -> bool {
        match self.child.try_wait() {
            Ok(Some(_)) => true,
            Ok(None) => {
                self.watch.rearm();
                false
            }
            // ECHILD: someone else reaped it; nothing is left to do.
            Err(_) => true,
        }
    }
}

/// A spawned child: waits for its exit, and on drop adopts it into the
/// orphan queue if it is still running.
pub(crate) struct Reaper {
    /// `None` only after `drop` moved it to the orphan queue.
    running: Option<Running>,
}

impl Reaper {
    /// Starts watching `child`, which must not have been waited for yet.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one without I/O, with Tokio's messages.
    #[track_caller]
    pub(crate) fn new(child: StdChild) -> io::Result<Reaper> {
        let watch = match PidfdWatch::open(child.id())? {
            Some(pidfd) => ExitWatch::Pidfd(pidfd),
            None => ExitWatch::Sigchld(sigchld::Watch::new()?),
        };
        Ok(Reaper {
            running: Some(Running { child, watch }),
        })
    }

    fn running(&mut self) -> &mut Running {
        self.running.as_mut().expect("reaper used after drop")
    }

    pub(crate) fn id(&self) -> u32 {
        self.running
            .as_ref()
            .expect("reaper used after drop")
            .child
            .id()
    }

    /// Sends SIGKILL (`Ok` without sending anything once std has reaped it).
    pub(crate) fn kill(&mut self) -> io::Result<()> {
        self.running().child.kill()
    }

    pub(crate) fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        self.running().child.try_wait()
    }

    /// Steps 1 to 3 of the module doc.
    pub(crate) fn poll_wait(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<ExitStatus>> {
        let running = self.running();
        loop {
            ready!(running.watch.poll_fired(cx))?;
            if let Some(status) = running.child.try_wait()? {
                return Poll::Ready(Ok(status));
            }
            running.watch.rearm();
        }
    }
}

impl Drop for Reaper {
    fn drop(&mut self) {
        let Some(mut running) = self.running.take() else {
            return;
        };
        if let Ok(Some(_)) = running.child.try_wait() {
            return;
        }
        orphan::adopt(running);
    }
}

impl fmt::Debug for Reaper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Reaper");
        if let Some(running) = &self.running {
            d.field("pid", &running.child.id());
            d.field(
                "watch",
                &match running.watch {
                    ExitWatch::Pidfd(_) => "pidfd",
                    ExitWatch::Sigchld(_) => "SIGCHLD",
                },
            );
        }
        d.finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::future::poll_fn;
    use std::process::Command;

    fn rt() -> crate::runtime::Runtime {
        crate::runtime::Builder::new_current_thread()
            .enable_io()
            .build()
            .unwrap()
    }

    #[test]
    fn uses_a_pidfd_on_this_kernel() {
        rt().block_on(async {
            let mut reaper = Reaper::new(Command::new("true").spawn().unwrap()).unwrap();
            assert!(matches!(reaper.running().watch, ExitWatch::Pidfd(_)));
            let status = poll_fn(|cx| reaper.poll_wait(cx)).await.unwrap();
            assert!(status.success());
        });
    }

    #[test]
    fn dropped_running_child_is_adopted_then_reaped() {
        rt().block_on(async {
            let reaper = Reaper::new(Command::new("sleep").arg("1000").spawn().unwrap()).unwrap();
            let pid = reaper.id();
            drop(reaper);
            assert!(orphan::pending() >= 1);
            // SAFETY: `kill` takes integers; the pid is our unreaped child.
            assert_eq!(unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) }, 0);
            // The pidfd wakes the driver; every park drains the queue. The
            // zombie's /proc entry disappears once it is reaped.
            while std::path::Path::new(&format!("/proc/{pid}")).exists() {
                crate::task::yield_now().await;
            }
        });
    }

    /// A reaper on the SIGCHLD watch, as on a kernel without pidfds.
    #[cfg(feature = "signal")]
    fn sigchld_reaper(child: std::process::Child) -> Reaper {
        Reaper {
            running: Some(Running {
                child,
                watch: ExitWatch::Sigchld(sigchld::Watch::new().unwrap()),
            }),
        }
    }

    #[cfg(feature = "signal")]
    #[test]
    fn sigchld_fallback_waits_for_exit_and_kill() {
        use std::os::unix::process::ExitStatusExt;
        rt().block_on(async {
            let mut quick =
                sigchld_reaper(Command::new("sh").args(["-c", "exit 3"]).spawn().unwrap());
            let mut slow = sigchld_reaper(Command::new("sleep").arg("1000").spawn().unwrap());
            assert_eq!(
                poll_fn(|cx| quick.poll_wait(cx)).await.unwrap().code(),
                Some(3)
            );
            slow.kill().unwrap();
            let status = poll_fn(|cx| slow.poll_wait(cx)).await.unwrap();
            assert_eq!(status.signal(), Some(libc::SIGKILL));
        });
    }

    #[cfg(feature = "signal")]
    #[test]
    fn sigchld_fallback_orphan_is_reaped() {
        rt().block_on(async {
            let reaper = sigchld_reaper(Command::new("sleep").arg("1000").spawn().unwrap());
            let pid = reaper.id();
            drop(reaper);
            // SAFETY: `kill` takes integers; the pid is our unreaped child.
            assert_eq!(unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) }, 0);
            while std::path::Path::new(&format!("/proc/{pid}")).exists() {
                crate::task::yield_now().await;
            }
        });
    }
}
