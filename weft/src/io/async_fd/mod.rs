//! `AsyncFd`: readiness-based I/O on any file descriptor.
//!
//! The fd is registered with the runtime's I/O driver (edge-triggered, like
//! every weft socket); the caller does its own non-blocking I/O and reports
//! `WouldBlock` back through a ready guard (`clear_ready`) or `try_io`, which
//! clears exactly the readiness the guard observed (see the tick protocol in
//! `runtime/io/scheduled_io.rs`).

mod ready_guard;

pub use ready_guard::{AsyncFdReadyGuard, AsyncFdReadyMutGuard, TryIoError};

use crate::io::Interest;
use crate::runtime::io::Registration;
use mio::unix::SourceFd;
use std::error::Error;
use std::fmt;
use std::io;
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{ready, Context, Poll};

/// Associates an I/O object backed by a Unix file descriptor with the weft
/// reactor, allowing for readiness to be polled.
///
/// The fd must be in non-blocking mode, and the object must keep it open for
/// as long as the `AsyncFd` lives (hence `register` is `unsafe`).
///
/// ```
/// use std::io::{Read, Write};
/// use std::os::unix::net::UnixStream;
/// use weft::io::unix::AsyncFd;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (a, mut b) = UnixStream::pair()?;
/// a.set_nonblocking(true)?;
/// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
/// let fd = unsafe { AsyncFd::register(a)? };
/// b.write_all(b"hello")?;
/// let mut buf = [0; 5];
/// loop {
///     let mut guard = fd.readable().await?;
///     match guard.try_io(|inner| inner.get_ref().read(&mut buf)) {
///         Ok(result) => { assert_eq!(result?, 5); break; }
///         Err(_would_block) => continue,
///     }
/// }
/// assert_eq!(&buf, b"hello");
/// # Ok(())
/// # }
/// ```
pub struct AsyncFd<T: AsRawFd> {
    registration: Registration,
    /// Always `Some` except during `into_inner` and drop.
    inner: Option<T>,
}

/// Error returned by [`AsyncFd::register`]: the object is handed back with
/// the cause.
pub struct AsyncFdRegisterError<T> {
    inner: T,
    cause: io::Error,
}

impl<T: AsRawFd> AsyncFd<T> {
    /// Registers `inner` for readable and writable readiness.
    ///
    /// # Safety
    ///
    /// `inner.as_raw_fd()` must return an open file descriptor that stays
    /// open (and the same) until the `AsyncFd` is dropped or `into_inner`
    /// is called.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on a runtime without I/O enabled.
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
    #[track_caller]
    pub unsafe fn register(inner: T) -> Result<Self, AsyncFdRegisterError<T>> {
        // SAFETY: forwarded from the caller.
        unsafe { Self::register_with_interest(inner, Interest::READABLE | Interest::WRITABLE) }
    }

    /// Registers `inner` for the readiness in `interest`.
    ///
    /// # Safety
    ///
    /// As for [`register`](AsyncFd::register).
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on a runtime without I/O enabled.
    ///
    /// ```
    /// use weft::io::Interest;
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register_with_interest(a, Interest::WRITABLE)? };
    /// fd.writable().await?.retain_ready();
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub unsafe fn register_with_interest(
        inner: T,
        interest: Interest,
    ) -> Result<Self, AsyncFdRegisterError<T>> {
        let fd = inner.as_raw_fd();
        match Registration::new(&mut SourceFd(&fd), interest) {
            Ok(registration) => Ok(AsyncFd {
                registration,
                inner: Some(inner),
            }),
            Err(cause) => Err(AsyncFdRegisterError { inner, cause }),
        }
    }

    /// Registers `inner` for readable and writable readiness.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let _fd = weft::io::unix::AsyncFd::new(a)?;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    #[deprecated(note = "unsound due to lack of I/O safety; use `AsyncFd::register` instead")]
    pub fn new(inner: T) -> io::Result<Self> {
        // SAFETY: not upheld by the signature; this is why the method is
        // deprecated (as in Tokio). Kept for source compatibility.
        unsafe { Ok(Self::register(inner)?) }
    }

    /// Registers `inner` for the readiness in `interest`.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let _fd = weft::io::unix::AsyncFd::with_interest(a, weft::io::Interest::READABLE)?;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    #[deprecated(
        note = "unsound due to lack of I/O safety; use `AsyncFd::register_with_interest` instead"
    )]
    pub fn with_interest(inner: T, interest: Interest) -> io::Result<Self> {
        // SAFETY: see `new`.
        unsafe { Ok(Self::register_with_interest(inner, interest)?) }
    }

    /// Like [`new`](AsyncFd::new), handing `inner` back on error.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// assert!(weft::io::unix::AsyncFd::try_new(a).is_ok());
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    #[deprecated(note = "unsound due to lack of I/O safety; use `AsyncFd::register` instead")]
    pub fn try_new(inner: T) -> Result<Self, AsyncFdRegisterError<T>> {
        // SAFETY: see `new`.
        unsafe { Self::register(inner) }
    }

    /// Like [`with_interest`](AsyncFd::with_interest), handing `inner` back on error.
    ///
    /// ```
    /// # #![allow(deprecated)]
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// let fd = weft::io::unix::AsyncFd::try_with_interest(a, weft::io::Interest::READABLE);
    /// assert!(fd.is_ok());
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    #[deprecated(
        note = "unsound due to lack of I/O safety; use `AsyncFd::register_with_interest` instead"
    )]
    pub fn try_with_interest(
        inner: T,
        interest: Interest,
    ) -> Result<Self, AsyncFdRegisterError<T>> {
        // SAFETY: see `new`.
        unsafe { Self::register_with_interest(inner, interest) }
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
    /// assert!(fd.get_ref().peer_addr().is_ok());
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_ref(&self) -> &T {
        self.inner.as_ref().expect("AsyncFd without its object")
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
    /// let _inner: &mut std::os::unix::net::UnixStream = fd.get_mut();
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_mut(&mut self) -> &mut T {
        self.inner.as_mut().expect("AsyncFd without its object")
    }

    fn take_inner(&mut self) -> Option<T> {
        let inner = self.inner.take()?;
        let fd = inner.as_raw_fd();
        let _ = self.registration.deregister(&mut SourceFd(&fd));
        Some(inner)
    }

    /// Deregisters the fd and returns the inner object (the fd stays open).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let a = fd.into_inner();
    /// assert!(a.peer_addr().is_ok());
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_inner(mut self) -> T {
        self.take_inner().expect("AsyncFd without its object")
    }

    /// Polls for read readiness. Only the last task to poll (for reading)
    /// is woken.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// b.write_all(b"x")?;
    /// let guard = std::future::poll_fn(|cx| fd.poll_read_ready(cx)).await?;
    /// assert!(guard.ready().is_readable());
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_read_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.registration.poll_read_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Polls for read readiness, with mutable access in the guard.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// b.write_all(b"x")?;
    /// let guard = std::future::poll_fn(|cx| fd.poll_read_ready_mut(cx).map_ok(|g| g.ready())).await?;
    /// assert!(guard.is_readable());
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_read_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.registration.poll_read_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Polls for write readiness. Only the last task to poll (for writing)
    /// is woken.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let guard = std::future::poll_fn(|cx| fd.poll_write_ready(cx)).await?;
    /// assert!(guard.ready().is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_write_ready<'a>(
        &'a self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyGuard<'a, T>>> {
        let event = ready!(self.registration.poll_write_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Polls for write readiness, with mutable access in the guard.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let ready = std::future::poll_fn(|cx| fd.poll_write_ready_mut(cx).map_ok(|g| g.ready())).await?;
    /// assert!(ready.is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_write_ready_mut<'a>(
        &'a mut self,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<AsyncFdReadyMutGuard<'a, T>>> {
        let event = ready!(self.registration.poll_write_ready(cx))?;
        Poll::Ready(Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        }))
    }

    /// Waits for any of the requested ready states. The guard may report a
    /// false positive, or an empty set; clear only the readiness an
    /// operation actually found blocked (`clear_ready_matching`).
    ///
    /// ```
    /// use weft::io::{Interest, Ready};
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let mut guard = fd.ready(Interest::READABLE | Interest::WRITABLE).await?;
    /// assert!(guard.ready().is_writable());
    /// guard.clear_ready_matching(Ready::WRITABLE);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<AsyncFdReadyGuard<'_, T>> {
        let event = self.registration.readiness(interest).await?;
        Ok(AsyncFdReadyGuard {
            async_fd: self,
            event: Some(event),
        })
    }

    /// Like [`ready`](AsyncFd::ready), with mutable access in the guard.
    ///
    /// ```
    /// use weft::io::Interest;
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let guard = fd.ready_mut(Interest::WRITABLE).await?;
    /// assert!(guard.ready().is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready_mut(
        &mut self,
        interest: Interest,
    ) -> io::Result<AsyncFdReadyMutGuard<'_, T>> {
        let event = self.registration.readiness(interest).await?;
        Ok(AsyncFdReadyMutGuard {
            async_fd: self,
            event: Some(event),
        })
    }

    /// Waits for the fd to become readable.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::Write;
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// b.write_all(b"x")?;
    /// fd.readable().await?.retain_ready();
    /// # Ok(())
    /// # }
    /// ```
    pub async fn readable<'a>(&'a self) -> io::Result<AsyncFdReadyGuard<'a, T>> {
        self.ready(Interest::READABLE).await
    }

    /// Waits for the fd to become readable, with mutable access in the guard.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// use std::io::{Read, Write};
    /// let (a, mut b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// b.write_all(b"x")?;
    /// let mut guard = fd.readable_mut().await?;
    /// let mut buf = [0; 1];
    /// let n = guard.try_io(|inner| inner.get_mut().read(&mut buf));
    /// assert_eq!(n.unwrap()?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn readable_mut<'a>(&'a mut self) -> io::Result<AsyncFdReadyMutGuard<'a, T>> {
        self.ready_mut(Interest::READABLE).await
    }

    /// Waits for the fd to become writable.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// fd.writable().await?.retain_ready();
    /// # Ok(())
    /// # }
    /// ```
    pub async fn writable<'a>(&'a self) -> io::Result<AsyncFdReadyGuard<'a, T>> {
        self.ready(Interest::WRITABLE).await
    }

    /// Waits for the fd to become writable, with mutable access in the guard.
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
    pub async fn writable_mut<'a>(&'a mut self) -> io::Result<AsyncFdReadyMutGuard<'a, T>> {
        self.ready_mut(Interest::WRITABLE).await
    }

    /// Waits for `interest`, runs `f`, and repeats while it returns `WouldBlock`.
    ///
    /// ```
    /// use std::io::Write;
    /// use weft::io::Interest;
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let n = fd.async_io(Interest::WRITABLE, |inner| (&*inner).write(b"hi")).await?;
    /// assert_eq!(n, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        self.registration
            .async_io(interest, || f(self.get_ref()))
            .await
    }

    /// Like [`async_io`](AsyncFd::async_io), with mutable access.
    ///
    /// ```
    /// use std::io::Write;
    /// use weft::io::Interest;
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// let n = fd.async_io_mut(Interest::WRITABLE, |inner| inner.write(b"hi")).await?;
    /// assert_eq!(n, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn async_io_mut<R>(
        &mut self,
        interest: Interest,
        mut f: impl FnMut(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        let registration = &self.registration;
        let inner = self.inner.as_mut().expect("AsyncFd without its object");
        registration.async_io(interest, || f(inner)).await
    }

    /// Runs `f` if the fd looks ready for `interest`, clearing readiness if
    /// it returns `WouldBlock`.
    ///
    /// ```
    /// use std::io::Write;
    /// use weft::io::Interest;
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// fd.writable().await?.retain_ready();
    /// assert_eq!(fd.try_io(Interest::WRITABLE, |inner| (&*inner).write(b"x"))?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce(&T) -> io::Result<R>,
    ) -> io::Result<R> {
        self.registration.try_io(interest, || f(self.get_ref()))
    }

    /// Like [`try_io`](AsyncFd::try_io), with mutable access.
    ///
    /// ```
    /// use std::io::Write;
    /// use weft::io::Interest;
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (a, _b) = std::os::unix::net::UnixStream::pair()?;
    /// a.set_nonblocking(true)?;
    /// // SAFETY: `a` owns its fd and keeps it open while the AsyncFd lives.
    /// let mut fd = unsafe { weft::io::unix::AsyncFd::register(a)? };
    /// fd.writable().await?.retain_ready();
    /// assert_eq!(fd.try_io_mut(Interest::WRITABLE, |inner| inner.write(b"x"))?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io_mut<R>(
        &mut self,
        interest: Interest,
        f: impl FnOnce(&mut T) -> io::Result<R>,
    ) -> io::Result<R> {
        let inner = self.inner.as_mut().expect("AsyncFd without its object");
        self.registration.try_io(interest, || f(inner))
    }
}

impl<T: AsRawFd> AsRawFd for AsyncFd<T> {
    fn as_raw_fd(&self) -> RawFd {
        self.get_ref().as_raw_fd()
    }
}

impl<T: AsRawFd> AsFd for AsyncFd<T> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        // SAFETY: `register`'s contract keeps the fd open while `self` lives.
        unsafe { BorrowedFd::borrow_raw(self.as_raw_fd()) }
    }
}

impl<T: fmt::Debug + AsRawFd> fmt::Debug for AsyncFd<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AsyncFd")
            .field("inner", &self.inner)
            .finish()
    }
}

impl<T: AsRawFd> Drop for AsyncFd<T> {
    fn drop(&mut self) {
        let _ = self.take_inner();
    }
}

impl<T> AsyncFdRegisterError<T> {
    /// Returns the object that failed to register and the cause.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let file = std::fs::File::open("/dev/null").unwrap();
    /// // SAFETY: `file` owns its fd and keeps it open while the AsyncFd lives.
    /// // epoll refuses regular files and /dev/null alike (EPERM).
    /// match unsafe { weft::io::unix::AsyncFd::register(file) } {
    ///     Ok(_) => {}
    ///     Err(err) => {
    ///         let (_file, cause) = err.into_parts();
    ///         assert_eq!(cause.kind(), std::io::ErrorKind::PermissionDenied);
    ///     }
    /// }
    /// # }
    /// ```
    pub fn into_parts(self) -> (T, io::Error) {
        (self.inner, self.cause)
    }
}

impl<T> fmt::Display for AsyncFdRegisterError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.cause, f)
    }
}

impl<T> fmt::Debug for AsyncFdRegisterError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.cause, f)
    }
}

impl<T> Error for AsyncFdRegisterError<T> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        Some(&self.cause)
    }
}

impl<T> From<AsyncFdRegisterError<T>> for io::Error {
    fn from(value: AsyncFdRegisterError<T>) -> Self {
        value.cause
    }
}
