//! Unix pipe types: [`Sender`] and [`Receiver`], over anonymous pipes
//! ([`pipe`]) or FIFO files ([`OpenOptions`]).
//!
//! Both ends are non-blocking and registered with the runtime's I/O driver
//! for their one direction. They share their implementation with the
//! stdio pipes of `weft::process` (`runtime::io::{PipeWriter, PipeReader}`).

use crate::io::{Interest, Ready};
use crate::runtime::io::{PipeReader, PipeWriter};
#[cfg(feature = "io-util")]
use bytes::BufMut;
use mio::unix::pipe as mio_pipe;
use std::fs::File;
use std::io;
use std::os::unix::fs::OpenOptionsExt;
use std::os::unix::io::{AsFd, AsRawFd, BorrowedFd, OwnedFd};
use std::path::Path;
use std::task::{Context, Poll};

/// Creates an anonymous pipe, both ends registered with the current runtime.
///
/// To talk to a child process, `Stdio::piped()` is usually simpler; this is
/// for handing one end to a child explicitly.
///
/// # Panics
///
/// Outside a runtime, or on one without I/O enabled.
///
/// ```
/// use weft::io::AsyncReadExt;
/// use weft::net::unix::pipe;
/// use weft::process::Command;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (tx, mut rx) = pipe::pipe()?;
/// let status = Command::new("echo").arg("Hello").stdout(tx.into_blocking_fd()?).status();
/// let mut out = String::new();
/// rx.read_to_string(&mut out).await?;
/// assert!(status.await?.success());
/// assert_eq!(out, "Hello\n");
/// # Ok(())
/// # }
/// ```
#[track_caller]
pub fn pipe() -> io::Result<(Sender, Receiver)> {
    let (tx, rx) = mio_pipe::new()?;
    Ok((
        Sender {
            inner: PipeWriter::new(tx)?,
        },
        Receiver {
            inner: PipeReader::new(rx)?,
        },
    ))
}

/// Options for opening a FIFO file as a [`Sender`] or a [`Receiver`].
///
/// ```
/// use weft::net::unix::pipe;
/// # fn fifo(name: &str) -> std::path::PathBuf {
/// #     let p = std::env::temp_dir().join(format!("weft-doc-{name}-{}", std::process::id()));
/// #     let _ = std::fs::remove_file(&p);
/// #     let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
/// #     assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
/// #     p
/// # }
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = fifo("pipe-opts");
/// let rx = pipe::OpenOptions::new().open_receiver(&path)?;
/// let tx = pipe::OpenOptions::new().open_sender(&path)?;
/// # drop((rx, tx)); std::fs::remove_file(&path)?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct OpenOptions {
    read_write: bool,
    unchecked: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum PipeEnd {
    Sender,
    Receiver,
}

impl OpenOptions {
    /// Default options: the end's own access mode only, and a check that the
    /// file is a FIFO.
    ///
    /// ```
    /// let options = weft::net::unix::pipe::OpenOptions::new();
    /// # drop(options);
    /// ```
    pub fn new() -> OpenOptions {
        OpenOptions {
            read_write: false,
            unchecked: false,
        }
    }

    /// Opens the FIFO for both reading and writing (Linux only, outside
    /// POSIX). A `Sender` opened so does not fail with `ENXIO` when no reader
    /// exists yet (but its data is lost if it closes before a reader
    /// opens); a `Receiver` opened so never sees end of file when writers
    /// come and go.
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    /// use weft::net::unix::pipe;
    /// # fn fifo(name: &str) -> std::path::PathBuf {
    /// #     let p = std::env::temp_dir().join(format!("weft-doc-{name}-{}", std::process::id()));
    /// #     let _ = std::fs::remove_file(&p);
    /// #     let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    /// #     assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    /// #     p
    /// # }
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = fifo("read-write");
    /// // No reader yet, and still no ENXIO.
    /// let mut tx = pipe::OpenOptions::new().read_write(true).open_sender(&path)?;
    /// tx.write_all(b"early").await?;
    /// # drop(tx); std::fs::remove_file(&path)?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn read_write(&mut self, value: bool) -> &mut Self {
        self.read_write = value;
        self
    }

    /// Skips the check that the opened file is a FIFO (for character
    /// devices that behave like pipes). Off by default.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    /// # fn fifo(name: &str) -> std::path::PathBuf {
    /// #     let p = std::env::temp_dir().join(format!("weft-doc-{name}-{}", std::process::id()));
    /// #     let _ = std::fs::remove_file(&p);
    /// #     let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    /// #     assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    /// #     p
    /// # }
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = fifo("unchecked");
    /// // The caller vouches for the file type: no `fstat` on open.
    /// let rx = pipe::OpenOptions::new().unchecked(true).open_receiver(&path)?;
    /// # drop(rx); std::fs::remove_file(&path)?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn unchecked(&mut self, value: bool) -> &mut Self {
        self.unchecked = value;
        self
    }

    /// Opens the FIFO at `path` as a [`Receiver`]. Succeeds even if no
    /// writer has it open.
    ///
    /// # Errors
    ///
    /// `NotFound` without a file; `InvalidInput` if it is not a FIFO (unless
    /// [`unchecked`](OpenOptions::unchecked)); other OS errors.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one without I/O enabled.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    /// # fn fifo(name: &str) -> std::path::PathBuf {
    /// #     let p = std::env::temp_dir().join(format!("weft-doc-{name}-{}", std::process::id()));
    /// #     let _ = std::fs::remove_file(&p);
    /// #     let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    /// #     assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    /// #     p
    /// # }
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = fifo("open-receiver");
    /// let rx = pipe::OpenOptions::new().open_receiver(&path)?;
    /// # drop(rx); std::fs::remove_file(&path)?;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn open_receiver<P: AsRef<Path>>(&self, path: P) -> io::Result<Receiver> {
        let file = self.open(path.as_ref(), PipeEnd::Receiver)?;
        Receiver::from_file_unchecked(file)
    }

    /// Opens the FIFO at `path` as a [`Sender`].
    ///
    /// # Errors
    ///
    /// As [`open_receiver`](OpenOptions::open_receiver), plus `ENXIO` when
    /// no reader has the FIFO open (try again later, or see
    /// [`read_write`](OpenOptions::read_write)).
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one without I/O enabled.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    /// # fn fifo(name: &str) -> std::path::PathBuf {
    /// #     let p = std::env::temp_dir().join(format!("weft-doc-{name}-{}", std::process::id()));
    /// #     let _ = std::fs::remove_file(&p);
    /// #     let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    /// #     assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    /// #     p
    /// # }
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = fifo("open-sender");
    /// let err = pipe::OpenOptions::new().open_sender(&path).unwrap_err();
    /// assert_eq!(err.raw_os_error(), Some(libc::ENXIO));
    /// let _rx = pipe::OpenOptions::new().open_receiver(&path)?;
    /// let tx = pipe::OpenOptions::new().open_sender(&path)?;
    /// # drop(tx); std::fs::remove_file(&path)?;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn open_sender<P: AsRef<Path>>(&self, path: P) -> io::Result<Sender> {
        let file = self.open(path.as_ref(), PipeEnd::Sender)?;
        Sender::from_file_unchecked(file)
    }

    fn open(&self, path: &Path, end: PipeEnd) -> io::Result<File> {
        let mut options = std::fs::OpenOptions::new();
        options
            .read(end == PipeEnd::Receiver || self.read_write)
            .write(end == PipeEnd::Sender || self.read_write)
            .custom_flags(libc::O_NONBLOCK);
        let file = options.open(path)?;
        if !self.unchecked && !is_pipe(file.as_fd())? {
            return Err(not_a_pipe());
        }
        Ok(file)
    }
}

impl Default for OpenOptions {
    fn default() -> OpenOptions {
        OpenOptions::new()
    }
}

fn not_a_pipe() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, "not a pipe")
}

fn is_pipe(fd: BorrowedFd<'_>) -> io::Result<bool> {
    let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
    // SAFETY: `fd` is open (borrowed) and `stat` points to writable memory
    // of the right size, which `fstat` fills on success.
    if unsafe { libc::fstat(fd.as_raw_fd(), stat.as_mut_ptr()) } == -1 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `fstat` succeeded, so it initialised the struct.
    let stat = unsafe { stat.assume_init() };
    Ok(stat.st_mode & libc::S_IFMT == libc::S_IFIFO)
}

/// The access mode of `fd`: (readable, writable).
fn access_mode(fd: BorrowedFd<'_>) -> io::Result<(bool, bool)> {
    // SAFETY: `F_GETFL` on an open (borrowed) fd has no memory effects.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    if flags == -1 {
        return Err(io::Error::last_os_error());
    }
    let mode = flags & libc::O_ACCMODE;
    Ok((
        mode == libc::O_RDONLY || mode == libc::O_RDWR,
        mode == libc::O_WRONLY || mode == libc::O_RDWR,
    ))
}

/// Checks that `fd` is a pipe open for `end`'s direction (`from_owned_fd`).
fn check_end(fd: BorrowedFd<'_>, end: PipeEnd) -> io::Result<()> {
    if !is_pipe(fd)? {
        return Err(not_a_pipe());
    }
    let (readable, writable) = access_mode(fd)?;
    match end {
        PipeEnd::Receiver if !readable => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not in O_RDONLY or O_RDWR access mode",
        )),
        PipeEnd::Sender if !writable => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not in O_WRONLY or O_RDWR access mode",
        )),
        _ => Ok(()),
    }
}

/// The writing end of a Unix pipe.
///
/// Made by [`pipe`], [`OpenOptions::open_sender`] (a FIFO), or from an open
/// fd ([`Sender::from_owned_fd`]). Implements [`AsyncWrite`](crate::io::AsyncWrite).
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
/// use weft::net::unix::pipe;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (mut tx, mut rx) = pipe::pipe()?;
/// tx.write_all(b"ping").await?;
/// let mut buf = [0; 4];
/// rx.read_exact(&mut buf).await?;
/// assert_eq!(&buf, b"ping");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Sender {
    inner: PipeWriter,
}

/// The reading end of a Unix pipe.
///
/// Made by [`pipe`], [`OpenOptions::open_receiver`] (a FIFO), or from an
/// open fd ([`Receiver::from_owned_fd`]). Implements [`AsyncRead`](crate::io::AsyncRead); a read
/// returns 0 (end of file) once every writer has closed.
///
/// ```
/// use weft::io::AsyncReadExt;
/// use weft::net::unix::pipe;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let (tx, mut rx) = pipe::pipe()?;
/// tx.writable().await?;
/// tx.try_write(b"bye")?;
/// drop(tx);
/// let mut all = Vec::new();
/// rx.read_to_end(&mut all).await?;
/// assert_eq!(all, b"bye");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Receiver {
    inner: PipeReader,
}

impl Sender {
    /// Wraps an open file that must be the writing end of a pipe (a FIFO
    /// opened for writing); sets it non-blocking.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if it is not a pipe or not open for writing.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one without I/O enabled.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = pipe::pipe()?;
    /// let file = std::fs::File::from(tx.into_blocking_fd()?);
    /// let tx = pipe::Sender::from_file(file)?;
    /// tx.writable().await?;
    /// assert_eq!(tx.try_write(b"x")?, 1);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_file(file: File) -> io::Result<Sender> {
        Sender::from_owned_fd(file.into())
    }

    /// Like [`from_file`](Sender::from_file), from an `OwnedFd`.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = pipe::pipe()?;
    /// let tx = pipe::Sender::from_owned_fd(tx.into_nonblocking_fd()?)?;
    /// # drop(tx);
    /// let (_tx, rx) = pipe::pipe()?;
    /// let err = pipe::Sender::from_owned_fd(rx.into_nonblocking_fd()?).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_owned_fd(owned_fd: OwnedFd) -> io::Result<Sender> {
        check_end(owned_fd.as_fd(), PipeEnd::Sender)?;
        Ok(Sender {
            inner: PipeWriter::from_owned_fd(owned_fd)?,
        })
    }

    /// Wraps an open file without any check: the caller makes sure it is
    /// a pipe's writing end in non-blocking mode.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = pipe::pipe()?;
    /// let file = std::fs::File::from(tx.into_nonblocking_fd()?);
    /// let tx = pipe::Sender::from_file_unchecked(file)?;
    /// # drop(tx);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_file_unchecked(file: File) -> io::Result<Sender> {
        Sender::from_owned_fd_unchecked(file.into())
    }

    /// Like [`from_file_unchecked`](Sender::from_file_unchecked), from an
    /// `OwnedFd`.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = pipe::pipe()?;
    /// let tx = pipe::Sender::from_owned_fd_unchecked(tx.into_nonblocking_fd()?)?;
    /// # drop(tx);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_owned_fd_unchecked(owned_fd: OwnedFd) -> io::Result<Sender> {
        Ok(Sender {
            inner: PipeWriter::new(mio_pipe::Sender::from(owned_fd))?,
        })
    }

    /// Waits for any of the requested ready states (possibly a false
    /// positive). Cancel safe.
    ///
    /// ```
    /// use weft::io::Interest;
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = pipe::pipe()?;
    /// assert!(tx.ready(Interest::WRITABLE).await?.is_writable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.inner.ready(interest).await
    }

    /// Waits until the pipe is writable. Cancel safe.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = pipe::pipe()?;
    /// tx.writable().await?;
    /// assert_eq!(tx.try_write(b"ok")?, 2);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await?;
        Ok(())
    }

    /// Polls for write readiness. Only the last task to poll is woken.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = pipe::pipe()?;
    /// std::future::poll_fn(|cx| tx.poll_write_ready(cx)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.poll_write_ready(cx)
    }

    /// Tries to write without waiting: `WouldBlock` when the pipe is full.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, rx) = pipe::pipe()?;
    /// tx.writable().await?;
    /// assert_eq!(tx.try_write(b"abc")?, 3);
    /// rx.readable().await?;
    /// let mut buf = [0; 3];
    /// assert_eq!(rx.try_read(&mut buf)?, 3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.inner.try_write(buf)
    }

    /// Like [`try_write`](Sender::try_write), from several buffers.
    ///
    /// ```
    /// use std::io::IoSlice;
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = pipe::pipe()?;
    /// tx.writable().await?;
    /// let n = tx.try_write_vectored(&[IoSlice::new(b"ab"), IoSlice::new(b"cd")])?;
    /// assert_eq!(n, 4);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_write_vectored(&self, buf: &[io::IoSlice<'_>]) -> io::Result<usize> {
        self.inner.try_write_vectored(buf)
    }

    /// Runs `f` if the pipe looks writable, clearing writability if `f`
    /// returns `WouldBlock`. `f` must do non-blocking I/O on this pipe.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = pipe::pipe()?;
    /// tx.writable().await?;
    /// assert_eq!(tx.try_io(|| Ok(7))?, 7);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        self.inner.try_io(f)
    }

    /// Deregisters the pipe and returns its fd in blocking mode (e.g. to
    /// hand it to a child process).
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = pipe::pipe()?;
    /// let fd = tx.into_blocking_fd()?;
    /// # drop(fd);
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_blocking_fd(self) -> io::Result<OwnedFd> {
        self.inner.into_blocking_fd()
    }

    /// Deregisters the pipe and returns its fd, still non-blocking.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, _rx) = pipe::pipe()?;
    /// let fd = tx.into_nonblocking_fd()?;
    /// # drop(fd);
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        self.inner.into_nonblocking_fd()
    }
}

impl Receiver {
    /// Wraps an open file that must be the reading end of a pipe (a FIFO
    /// opened for reading); sets it non-blocking.
    ///
    /// # Errors
    ///
    /// `InvalidInput` if it is not a pipe or not open for reading.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one without I/O enabled.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = pipe::pipe()?;
    /// let file = std::fs::File::from(rx.into_blocking_fd()?);
    /// let rx = pipe::Receiver::from_file(file)?;
    /// # drop(rx);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_file(file: File) -> io::Result<Receiver> {
        Receiver::from_owned_fd(file.into())
    }

    /// Like [`from_file`](Receiver::from_file), from an `OwnedFd`.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, rx) = pipe::pipe()?;
    /// let rx = pipe::Receiver::from_owned_fd(rx.into_nonblocking_fd()?)?;
    /// # drop(rx);
    /// let err = pipe::Receiver::from_owned_fd(tx.into_nonblocking_fd()?).unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::InvalidInput);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_owned_fd(owned_fd: OwnedFd) -> io::Result<Receiver> {
        check_end(owned_fd.as_fd(), PipeEnd::Receiver)?;
        Ok(Receiver {
            inner: PipeReader::from_owned_fd(owned_fd)?,
        })
    }

    /// Wraps an open file without any check: the caller makes sure it is
    /// a pipe's reading end in non-blocking mode.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = pipe::pipe()?;
    /// let file = std::fs::File::from(rx.into_nonblocking_fd()?);
    /// let rx = pipe::Receiver::from_file_unchecked(file)?;
    /// # drop(rx);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_file_unchecked(file: File) -> io::Result<Receiver> {
        Receiver::from_owned_fd_unchecked(file.into())
    }

    /// Like [`from_file_unchecked`](Receiver::from_file_unchecked), from an
    /// `OwnedFd`.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = pipe::pipe()?;
    /// let rx = pipe::Receiver::from_owned_fd_unchecked(rx.into_nonblocking_fd()?)?;
    /// # drop(rx);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_owned_fd_unchecked(owned_fd: OwnedFd) -> io::Result<Receiver> {
        Ok(Receiver {
            inner: PipeReader::new(mio_pipe::Receiver::from(owned_fd))?,
        })
    }

    /// Waits for any of the requested ready states (possibly a false
    /// positive). Cancel safe.
    ///
    /// ```
    /// use weft::io::Interest;
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, rx) = pipe::pipe()?;
    /// tx.writable().await?;
    /// tx.try_write(b"x")?;
    /// assert!(rx.ready(Interest::READABLE).await?.is_readable());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        self.inner.ready(interest).await
    }

    /// Waits until the pipe is readable (data, or every writer closed).
    /// Cancel safe.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, rx) = pipe::pipe()?;
    /// drop(tx);
    /// rx.readable().await?;
    /// assert_eq!(rx.try_read(&mut [0; 8])?, 0);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await?;
        Ok(())
    }

    /// Polls for read readiness. Only the last task to poll is woken.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, rx) = pipe::pipe()?;
    /// tx.writable().await?;
    /// tx.try_write(b"x")?;
    /// std::future::poll_fn(|cx| rx.poll_read_ready(cx)).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.inner.poll_read_ready(cx)
    }

    /// Tries to read without waiting: `WouldBlock` if the pipe is empty,
    /// `Ok(0)` once every writer has closed (or `buf` is empty).
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, rx) = pipe::pipe()?;
    /// tx.writable().await?;
    /// tx.try_write(b"hey")?;
    /// rx.readable().await?;
    /// let mut buf = [0; 8];
    /// assert_eq!(rx.try_read(&mut buf)?, 3);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.try_read(buf)
    }

    /// Like [`try_read`](Receiver::try_read), into several buffers.
    ///
    /// ```
    /// use std::io::IoSliceMut;
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, rx) = pipe::pipe()?;
    /// tx.writable().await?;
    /// tx.try_write(b"abcd")?;
    /// rx.readable().await?;
    /// let (mut a, mut b) = ([0; 2], [0; 2]);
    /// let n = rx.try_read_vectored(&mut [IoSliceMut::new(&mut a), IoSliceMut::new(&mut b)])?;
    /// assert_eq!((n, &a, &b), (4, b"ab", b"cd"));
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_read_vectored(&self, bufs: &mut [io::IoSliceMut<'_>]) -> io::Result<usize> {
        self.inner.try_read_vectored(bufs)
    }

    /// Tries to read into `buf`'s spare capacity without waiting, advancing
    /// it by the number of bytes read.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, rx) = pipe::pipe()?;
    /// tx.writable().await?;
    /// tx.try_write(b"abc")?;
    /// rx.readable().await?;
    /// let mut buf = Vec::with_capacity(16);
    /// assert_eq!(rx.try_read_buf(&mut buf)?, 3);
    /// assert_eq!(buf, b"abc");
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "io-util")]
    pub fn try_read_buf<B: BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        crate::net::socket_io::recv_into(buf, |dst| {
            self.inner.try_read_uninit(dst).map(|n| (n, ()))
        })
        .map(|(n, ())| n)
    }

    /// Runs `f` if the pipe looks readable, clearing readability if `f`
    /// returns `WouldBlock`. `f` must do non-blocking I/O on this pipe.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (tx, rx) = pipe::pipe()?;
    /// tx.writable().await?;
    /// tx.try_write(b"x")?;
    /// rx.readable().await?;
    /// assert_eq!(rx.try_io(|| Ok(1))?, 1);
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_io<R>(&self, f: impl FnOnce() -> io::Result<R>) -> io::Result<R> {
        self.inner.try_io(f)
    }

    /// Deregisters the pipe and returns its fd in blocking mode.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = pipe::pipe()?;
    /// let fd = rx.into_blocking_fd()?;
    /// # drop(fd);
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_blocking_fd(self) -> io::Result<OwnedFd> {
        self.inner.into_blocking_fd()
    }

    /// Deregisters the pipe and returns its fd, still non-blocking.
    ///
    /// ```
    /// use weft::net::unix::pipe;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let (_tx, rx) = pipe::pipe()?;
    /// let fd = rx.into_nonblocking_fd()?;
    /// # drop(fd);
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_nonblocking_fd(self) -> io::Result<OwnedFd> {
        self.inner.into_nonblocking_fd()
    }
}

crate::util::pipe_traits::pipe_writer_traits!(Sender);
crate::util::pipe_traits::pipe_reader_traits!(Receiver);
