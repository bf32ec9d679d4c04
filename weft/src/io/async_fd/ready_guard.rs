//! The ready guards of `AsyncFd`: a readiness observation the caller must
//! either clear (the operation said `WouldBlock`) or keep.

use super::AsyncFd;
use crate::io::Ready;
use crate::runtime::io::{ReadyEvent, Registration};
use std::fmt;
use std::io;
use std::os::unix::io::AsRawFd;

/// An I/O-ready event on an [`AsyncFd`] not yet acknowledged; gives shared
/// access to the object.
#[must_use = "You must explicitly choose whether to clear the readiness state by calling a method on ReadyGuard"]
pub struct AsyncFdReadyGuard<'a, T: AsRawFd> {
    pub(super) async_fd: &'a AsyncFd<T>,
    pub(super) event: Option<ReadyEvent>,
}

/// An I/O-ready event on an [`AsyncFd`] not yet acknowledged; gives mutable
/// access to the object.
#[must_use = "You must explicitly choose whether to clear the readiness state by calling a method on ReadyGuard"]
pub struct AsyncFdReadyMutGuard<'a, T: AsRawFd> {
    pub(super) async_fd: &'a mut AsyncFd<T>,
    pub(super) event: Option<ReadyEvent>,
}

/// The error of a guard's `try_io`: the operation returned `WouldBlock`
/// (readiness was cleared; wait again).
#[derive(Debug)]
pub struct TryIoError(());

/// Clears readiness `ready` of `event` (and keeps the rest in the guard).
fn clear_matching(registration: &Registration, event: &mut Option<ReadyEvent>, ready: Ready) {
    if let Some(mut ev) = event.take() {
        registration.clear_readiness(ReadyEvent { ready, ..ev });
        ev.ready = ev.ready - ready;
        if !ev.ready.is_empty() {
            *event = Some(ev);
        }
    }
}

impl<'a, Inner: AsRawFd> AsyncFdReadyGuard<'a, Inner> {
    /// Tells weft the fd is no longer ready (an operation returned
    /// `WouldBlock`): the next wait waits for a new event. Readiness that
    /// arrived after this guard was created is kept.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let mut guard = fd.writable().await?;
    /// guard.clear_ready();
    /// assert!(guard.ready().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn clear_ready(&mut self) {
        if let Some(event) = self.event.take() {
            self.async_fd.registration.clear_readiness(event);
        }
    }

    /// Clears only the readiness in `ready` (e.g. `Ready::READABLE` after a
    /// read blocked, when waiting on both directions).
    ///
    /// ```
    /// use weft::io::{Interest, Ready};
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let mut guard = fd.ready(Interest::WRITABLE).await?;
    /// guard.clear_ready_matching(Ready::WRITABLE);
    /// assert!(!guard.ready().is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        clear_matching(&self.async_fd.registration, &mut self.event, ready);
    }

    /// Keeps the readiness: the next wait returns at once. (Dropping the
    /// guard does the same; this says so explicitly.)
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// fd.writable().await?.retain_ready();
    /// fd.writable().await?.retain_ready(); // still ready
    /// # Ok(())
    /// # }
    /// ```
    pub fn retain_ready(&mut self) {}

    /// The readiness this guard observed (empty once cleared).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// assert!(fd.writable().await?.ready().is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub fn ready(&self) -> Ready {
        self.event.map_or(Ready::EMPTY, |event| event.ready)
    }

    /// Runs `f`; if it returns `WouldBlock`, clears readiness and returns
    /// `Err(TryIoError)` (wait again), else passes its result through.
    ///
    /// ```
    /// use std::io::Read;
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let mut guard = fd.ready(weft::io::Interest::WRITABLE).await?;
    /// // Nothing to read: the read blocks and readiness is cleared.
    /// assert!(guard.try_io(|inner| inner.get_ref().read(&mut [0; 1])).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&'a AsyncFd<Inner>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.async_fd) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// Returns a shared reference to the `AsyncFd`.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let guard = fd.writable().await?;
    /// assert!(std::ptr::eq(guard.get_ref(), &fd));
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_ref(&self) -> &'a AsyncFd<Inner> {
        self.async_fd
    }

    /// Returns a shared reference to the inner object.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let guard = fd.writable().await?;
    /// assert!(guard.get_inner().peer_addr().is_ok());
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_inner(&self) -> &'a Inner {
        self.async_fd.get_ref()
    }
}

impl<Inner: AsRawFd> AsyncFdReadyMutGuard<'_, Inner> {
    /// Tells weft the fd is no longer ready. See
    /// [`AsyncFdReadyGuard::clear_ready`].
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let mut guard = fd.writable_mut().await?;
    /// guard.clear_ready();
    /// assert!(guard.ready().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn clear_ready(&mut self) {
        if let Some(event) = self.event.take() {
            self.async_fd.registration.clear_readiness(event);
        }
    }

    /// Clears only the readiness in `ready`. See
    /// [`AsyncFdReadyGuard::clear_ready_matching`].
    ///
    /// ```
    /// use weft::io::Ready;
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let mut guard = fd.writable_mut().await?;
    /// guard.clear_ready_matching(Ready::WRITABLE);
    /// assert!(!guard.ready().is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        clear_matching(&self.async_fd.registration, &mut self.event, ready);
    }

    /// Keeps the readiness: the next wait returns at once.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// fd.writable_mut().await?.retain_ready();
    /// # Ok(())
    /// # }
    /// ```
    pub fn retain_ready(&mut self) {}

    /// The readiness this guard observed (empty once cleared).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// assert!(fd.writable_mut().await?.ready().is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub fn ready(&self) -> Ready {
        self.event.map_or(Ready::EMPTY, |event| event.ready)
    }

    /// Runs `f`; if it returns `WouldBlock`, clears readiness and returns
    /// `Err(TryIoError)`.
    ///
    /// ```
    /// use std::io::Read;
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let mut guard = fd.writable_mut().await?;
    /// assert!(guard.try_io(|inner| inner.get_mut().read(&mut [0; 1])).is_err());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&mut AsyncFd<Inner>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.async_fd) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// Returns a shared reference to the `AsyncFd`.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let guard = fd.writable_mut().await?;
    /// assert!(guard.get_ref().get_ref().peer_addr().is_ok());
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_ref(&self) -> &AsyncFd<Inner> {
        self.async_fd
    }

    /// Returns a mutable reference to the `AsyncFd`.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let mut guard = fd.writable_mut().await?;
    /// let _: &mut weft::io::unix::AsyncFd<_> = guard.get_mut();
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut AsyncFd<Inner> {
        self.async_fd
    }

    /// Returns a shared reference to the inner object.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let guard = fd.writable_mut().await?;
    /// assert!(guard.get_inner().peer_addr().is_ok());
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_inner(&self) -> &Inner {
        self.async_fd.get_ref()
    }

    /// Returns a mutable reference to the inner object.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let mut guard = fd.writable_mut().await?;
    /// let _: &mut std::os::unix::net::UnixStream = guard.get_inner_mut();
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_inner_mut(&mut self) -> &mut Inner {
        self.async_fd.get_mut()
    }
}

impl<T: fmt::Debug + AsRawFd> fmt::Debug for AsyncFdReadyGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadyGuard")
            .field("async_fd", &self.async_fd)
            .finish()
    }
}

impl<T: fmt::Debug + AsRawFd> fmt::Debug for AsyncFdReadyMutGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MutReadyGuard")
            .field("async_fd", &self.async_fd)
            .finish()
    }
}
