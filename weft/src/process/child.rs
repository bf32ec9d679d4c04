//! `Child`: a spawned process, its exit status once known, and its pipes.
//!
//! `wait` is fused: once the exit status was seen, the process is reaped and
//! only its status is kept (`FusedChild::Done`), so `id` returns `None` and
//! killing is a no-op. The `kill_on_drop` flag travels with the running
//! child (`KillOnDrop`) and is cleared as soon as the child is known to be
//! gone (reaped, or killed by `start_kill`).

use super::reaper::Reaper;
use super::stdio::{ChildStderr, ChildStdin, ChildStdout};
use crate::io::{AsyncRead, ReadBuf};
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::process::{ExitStatus, Output};
use std::task::{Context, Poll};

/// A child process spawned by [`Command::spawn`](super::Command::spawn).
///
/// The child keeps running when this handle is dropped (unless the command
/// had [`kill_on_drop`](super::Command::kill_on_drop) set); weft reaps it in
/// the background either way, so no zombie is left behind.
///
/// ```
/// use weft::process::Command;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut child = Command::new("true").spawn()?;
/// assert!(child.id().is_some());
/// let status = child.wait().await?;
/// assert!(status.success());
/// assert_eq!(child.id(), None);
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Child {
    child: FusedChild,

    /// The child's stdin, if it was spawned with `stdin(Stdio::piped())`.
    /// Take it (`child.stdin.take()`) to write to it; `wait` closes it.
    pub stdin: Option<ChildStdin>,

    /// The child's stdout, if it was spawned with `stdout(Stdio::piped())`.
    pub stdout: Option<ChildStdout>,

    /// The child's stderr, if it was spawned with `stderr(Stdio::piped())`.
    pub stderr: Option<ChildStderr>,
}

#[derive(Debug)]
enum FusedChild {
    Running(KillOnDrop),
    Done(ExitStatus),
}

/// A running child plus the `kill_on_drop` flag that still applies to it.
#[derive(Debug)]
struct KillOnDrop {
    reaper: Reaper,
    kill_on_drop: bool,
}

impl KillOnDrop {
    fn kill(&mut self) -> io::Result<()> {
        let result = self.reaper.kill();
        if result.is_ok() {
            // Killed already: nothing more to do on drop.
            self.kill_on_drop = false;
        }
        result
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if self.kill_on_drop {
            let _ = self.kill();
        }
        // `reaper` drops next: it reaps the child or adopts it as an orphan.
    }
}

impl Child {
    pub(crate) fn new(
        reaper: Reaper,
        kill_on_drop: bool,
        stdin: Option<ChildStdin>,
        stdout: Option<ChildStdout>,
        stderr: Option<ChildStderr>,
    ) -> Child {
        Child {
            child: FusedChild::Running(KillOnDrop {
                reaper,
                kill_on_drop,
            }),
            stdin,
            stdout,
            stderr,
        }
    }

    /// The OS process id, or `None` once the child has been reaped (the id
    /// may then belong to another process).
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("true").spawn()?;
    /// let id = child.id().expect("not reaped yet");
    /// assert!(id > 0);
    /// child.wait().await?;
    /// assert_eq!(child.id(), None);
    /// # Ok(())
    /// # }
    /// ```
    pub fn id(&self) -> Option<u32> {
        match &self.child {
            FusedChild::Running(running) => Some(running.reaper.id()),
            FusedChild::Done(_) => None,
        }
    }

    /// Sends SIGKILL to the child without waiting for it to exit. A no-op
    /// once the child was reaped.
    ///
    /// ```
    /// use weft::process::Command;
    /// use std::os::unix::process::ExitStatusExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("sleep").arg("100").spawn()?;
    /// child.start_kill()?;
    /// let status = child.wait().await?;
    /// assert_eq!(status.signal(), Some(9));
    /// # Ok(())
    /// # }
    /// ```
    pub fn start_kill(&mut self) -> io::Result<()> {
        match &mut self.child {
            FusedChild::Running(running) => running.kill(),
            FusedChild::Done(_) => Ok(()),
        }
    }

    /// Kills the child and waits for it to exit (`start_kill` then `wait`).
    ///
    /// Cancel safe: if the future is dropped, the signal has been sent and
    /// the child is still reaped eventually.
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("sleep").arg("100").spawn()?;
    /// child.kill().await?;
    /// assert!(!child.try_wait()?.unwrap().success());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn kill(&mut self) -> io::Result<()> {
        self.start_kill()?;
        self.wait().await?;
        Ok(())
    }

    /// Waits for the child to exit and returns its status. Closes the
    /// child's stdin first (if still held here), so a child reading its
    /// input to the end is not left waiting.
    ///
    /// Cancel safe, and fused: after the first success it returns the same
    /// status again.
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("sh").args(["-c", "exit 3"]).spawn()?;
    /// assert_eq!(child.wait().await?.code(), Some(3));
    /// assert_eq!(child.wait().await?.code(), Some(3));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        match &mut self.child {
            FusedChild::Done(status) => Ok(*status),
            FusedChild::Running(running) => {
                let status = poll_fn(|cx| running.reaper.poll_wait(cx)).await?;
                running.kill_on_drop = false;
                self.child = FusedChild::Done(status);
                Ok(status)
            }
        }
    }

    /// Returns the exit status if the child has exited, `None` if it still
    /// runs; never waits.
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("sleep").arg("100").spawn()?;
    /// assert!(child.try_wait()?.is_none());
    /// child.kill().await?;
    /// assert!(child.try_wait()?.is_some());
    /// # Ok(())
    /// # }
    /// ```
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        match &mut self.child {
            FusedChild::Done(status) => Ok(Some(*status)),
            FusedChild::Running(running) => {
                let result = running.reaper.try_wait();
                if let Ok(Some(status)) = result {
                    running.kill_on_drop = false;
                    self.child = FusedChild::Done(status);
                }
                result
            }
        }
    }

    /// Waits for the child to exit while collecting all of its stdout and
    /// stderr (those that are piped); stdin is closed first.
    ///
    /// ```
    /// use std::process::Stdio;
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let child = Command::new("echo").arg("out").stdout(Stdio::piped()).spawn()?;
    /// let output = child.wait_with_output().await?;
    /// assert!(output.status.success());
    /// assert_eq!(output.stdout, b"out\n");
    /// assert!(output.stderr.is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        let mut stdout = ReadToEnd::new(self.stdout.take());
        let mut stderr = ReadToEnd::new(self.stderr.take());
        let wait = self.wait();
        let mut wait = std::pin::pin!(wait);
        let mut status = None;
        // Read both pipes while waiting: a child blocked on a full pipe
        // would otherwise never exit. The first error wins.
        poll_fn(|cx| {
            if status.is_none() {
                if let Poll::Ready(result) = wait.as_mut().poll(cx) {
                    status = Some(result?);
                }
            }
            let out_done = stdout.poll(cx)?.is_ready();
            let err_done = stderr.poll(cx)?.is_ready();
            if status.is_some() && out_done && err_done {
                Poll::Ready(Ok::<(), io::Error>(()))
            } else {
                Poll::Pending
            }
        })
        .await?;
        Ok(Output {
            status: status.expect("checked above"),
            stdout: stdout.buf,
            stderr: stderr.buf,
        })
    }
}

/// Reads a pipe (if any) to its end into `buf`.
struct ReadToEnd<R> {
    pipe: Option<R>,
    buf: Vec<u8>,
    done: bool,
}

impl<R: AsyncRead + Unpin> ReadToEnd<R> {
    fn new(pipe: Option<R>) -> ReadToEnd<R> {
        ReadToEnd {
            done: pipe.is_none(),
            pipe,
            buf: Vec::new(),
        }
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let Some(pipe) = self.pipe.as_mut().filter(|_| !self.done) else {
            return Poll::Ready(Ok(()));
        };
        loop {
            if self.buf.capacity() - self.buf.len() < 1024 {
                self.buf.reserve(4096.max(self.buf.len()));
            }
            let len = self.buf.len();
            let mut read_buf = ReadBuf::uninit(self.buf.spare_capacity_mut());
            std::task::ready!(Pin::new(&mut *pipe).poll_read(cx, &mut read_buf))?;
            let n = read_buf.filled().len();
            // SAFETY: `poll_read` initialised the first `n` bytes of the
            // spare capacity (`ReadBuf` tracks exactly that).
            unsafe { self.buf.set_len(len + n) };
            if n == 0 {
                self.done = true;
                self.pipe = None;
                return Poll::Ready(Ok(()));
            }
        }
    }
}
