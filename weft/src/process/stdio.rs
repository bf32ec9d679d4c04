//! `ChildStdin`, `ChildStdout`, `ChildStderr`: a child's piped standard
//! streams as non-blocking pipes registered with the I/O driver.
//!
//! They are thin wrappers over `runtime::io::{PipeWriter, PipeReader}`, the
//! same pipe ends `net::unix::pipe::{Sender, Receiver}` wrap.

use crate::runtime::io::{PipeReader, PipeWriter};
use mio::unix::pipe as mio_pipe;
use std::io;
use std::os::unix::io::OwnedFd;
use std::process::Stdio;

/// The standard input of a child process, writable asynchronously.
///
/// Taken from [`Child::stdin`](super::Child::stdin) when the command was
/// spawned with `stdin(Stdio::piped())`. Dropping it closes the pipe, which
/// the child sees as end of file.
///
/// ```
/// use std::process::Stdio;
/// use weft::io::AsyncWriteExt;
/// use weft::process::Command;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut child = Command::new("cat")
///     .stdin(Stdio::piped())
///     .stdout(Stdio::null())
///     .spawn()?;
/// let mut stdin = child.stdin.take().unwrap();
/// stdin.write_all(b"hello").await?;
/// drop(stdin);
/// assert!(child.wait().await?.success());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ChildStdin {
    inner: PipeWriter,
}

/// The standard output of a child process, readable asynchronously.
///
/// ```
/// use std::process::Stdio;
/// use weft::io::AsyncReadExt;
/// use weft::process::Command;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut child = Command::new("echo").arg("hi").stdout(Stdio::piped()).spawn()?;
/// let mut out = String::new();
/// child.stdout.take().unwrap().read_to_string(&mut out).await?;
/// assert_eq!(out, "hi\n");
/// child.wait().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ChildStdout {
    inner: PipeReader,
}

/// The standard error of a child process, readable asynchronously.
///
/// ```
/// use std::process::Stdio;
/// use weft::io::AsyncReadExt;
/// use weft::process::Command;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut child = Command::new("sh")
///     .args(["-c", "echo oops >&2"])
///     .stderr(Stdio::piped())
///     .spawn()?;
/// let mut err = String::new();
/// child.stderr.take().unwrap().read_to_string(&mut err).await?;
/// assert_eq!(err, "oops\n");
/// child.wait().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct ChildStderr {
    inner: PipeReader,
}

impl ChildStdin {
    /// Wraps a `std` child's stdin, making it non-blocking and registering it
    /// with the current runtime.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one without I/O enabled.
    ///
    /// ```
    /// use std::process::Stdio;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut std_child = std::process::Command::new("cat")
    ///     .stdin(Stdio::piped())
    ///     .stdout(Stdio::null())
    ///     .spawn()?;
    /// let stdin = weft::process::ChildStdin::from_std(std_child.stdin.take().unwrap())?;
    /// drop(stdin);
    /// std_child.wait()?;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_std(inner: std::process::ChildStdin) -> io::Result<ChildStdin> {
        let tx = mio_pipe::Sender::from(inner);
        tx.set_nonblocking(true)?;
        Ok(ChildStdin {
            inner: PipeWriter::new(tx)?,
        })
    }

    /// Deregisters the pipe and returns its fd, in blocking mode.
    ///
    /// ```
    /// use std::process::Stdio;
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::null()).spawn()?;
    /// let fd = child.stdin.take().unwrap().into_owned_fd()?;
    /// drop(fd);
    /// child.wait().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_owned_fd(self) -> io::Result<OwnedFd> {
        self.inner.into_blocking_fd()
    }
}

impl ChildStdout {
    /// Wraps a `std` child's stdout, making it non-blocking and registering
    /// it with the current runtime.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one without I/O enabled.
    ///
    /// ```
    /// use std::process::Stdio;
    /// use weft::io::AsyncReadExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut std_child = std::process::Command::new("echo")
    ///     .arg("x")
    ///     .stdout(Stdio::piped())
    ///     .spawn()?;
    /// let mut out = weft::process::ChildStdout::from_std(std_child.stdout.take().unwrap())?;
    /// let mut s = String::new();
    /// out.read_to_string(&mut s).await?;
    /// assert_eq!(s, "x\n");
    /// std_child.wait()?;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_std(inner: std::process::ChildStdout) -> io::Result<ChildStdout> {
        Ok(ChildStdout {
            inner: reader(mio_pipe::Receiver::from(inner))?,
        })
    }

    /// Deregisters the pipe and returns its fd, in blocking mode.
    ///
    /// ```
    /// use std::io::Read;
    /// use std::process::Stdio;
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("echo").arg("x").stdout(Stdio::piped()).spawn()?;
    /// let fd = child.stdout.take().unwrap().into_owned_fd()?;
    /// child.wait().await?;
    /// let mut s = String::new();
    /// std::fs::File::from(fd).read_to_string(&mut s)?;
    /// assert_eq!(s, "x\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_owned_fd(self) -> io::Result<OwnedFd> {
        self.inner.into_blocking_fd()
    }
}

impl ChildStderr {
    /// Wraps a `std` child's stderr, making it non-blocking and registering
    /// it with the current runtime.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one without I/O enabled.
    ///
    /// ```
    /// use std::process::Stdio;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut std_child = std::process::Command::new("true").stderr(Stdio::piped()).spawn()?;
    /// let err = weft::process::ChildStderr::from_std(std_child.stderr.take().unwrap())?;
    /// drop(err);
    /// std_child.wait()?;
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn from_std(inner: std::process::ChildStderr) -> io::Result<ChildStderr> {
        Ok(ChildStderr {
            inner: reader(mio_pipe::Receiver::from(inner))?,
        })
    }

    /// Deregisters the pipe and returns its fd, in blocking mode.
    ///
    /// ```
    /// use std::process::Stdio;
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("true").stderr(Stdio::piped()).spawn()?;
    /// let fd = child.stderr.take().unwrap().into_owned_fd()?;
    /// drop(fd);
    /// child.wait().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn into_owned_fd(self) -> io::Result<OwnedFd> {
        self.inner.into_blocking_fd()
    }
}

#[track_caller]
fn reader(rx: mio_pipe::Receiver) -> io::Result<PipeReader> {
    rx.set_nonblocking(true)?;
    PipeReader::new(rx)
}

crate::util::pipe_traits::pipe_writer_traits!(ChildStdin);
crate::util::pipe_traits::pipe_reader_traits!(ChildStdout, ChildStderr);

// `TryInto` rather than `TryFrom` for `Stdio`, as Tokio has it: the
// conversion deregisters the pipe and can fail.

/// Hands the pipe to another child as its stdio (in blocking mode).
///
/// ```
/// use std::process::Stdio;
/// use weft::process::Command;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut echo = Command::new("echo").arg("piped").stdout(Stdio::piped()).spawn()?;
/// let into_cat: Stdio = echo.stdout.take().unwrap().try_into()?;
/// let out = Command::new("cat").stdin(into_cat).output().await?;
/// assert_eq!(out.stdout, b"piped\n");
/// echo.wait().await?;
/// # Ok(())
/// # }
/// ```
#[allow(clippy::from_over_into)]
impl TryInto<Stdio> for ChildStdout {
    type Error = io::Error;

    fn try_into(self) -> io::Result<Stdio> {
        self.into_owned_fd().map(Stdio::from)
    }
}

/// Hands the pipe to another child as its stdio (in blocking mode).
///
/// ```
/// use std::process::Stdio;
/// use weft::process::Command;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut sh = Command::new("sh").args(["-c", "echo e >&2"]).stderr(Stdio::piped()).spawn()?;
/// let into_cat: Stdio = sh.stderr.take().unwrap().try_into()?;
/// let out = Command::new("cat").stdin(into_cat).output().await?;
/// assert_eq!(out.stdout, b"e\n");
/// sh.wait().await?;
/// # Ok(())
/// # }
/// ```
#[allow(clippy::from_over_into)]
impl TryInto<Stdio> for ChildStderr {
    type Error = io::Error;

    fn try_into(self) -> io::Result<Stdio> {
        self.into_owned_fd().map(Stdio::from)
    }
}

/// Hands the pipe to another child as its stdio (in blocking mode).
///
/// ```
/// use std::process::Stdio;
/// use weft::process::Command;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut cat = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
/// let cat_stdin: Stdio = cat.stdin.take().unwrap().try_into()?;
/// Command::new("echo").arg("via cat").stdout(cat_stdin).status().await?;
/// let out = cat.wait_with_output().await?;
/// assert_eq!(out.stdout, b"via cat\n");
/// # Ok(())
/// # }
/// ```
#[allow(clippy::from_over_into)]
impl TryInto<Stdio> for ChildStdin {
    type Error = io::Error;

    fn try_into(self) -> io::Result<Stdio> {
        self.into_owned_fd().map(Stdio::from)
    }
}
