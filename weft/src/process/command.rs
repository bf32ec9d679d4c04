//! `Command`: `std::process::Command` plus `kill_on_drop`, spawning
//! children whose exit and pipes are awaited on the runtime.

use super::child::Child;
use super::reaper::Reaper;
use super::stdio::{ChildStderr, ChildStdin, ChildStdout};
use std::ffi::OsStr;
use std::future::Future;
use std::io;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command as StdCommand, ExitStatus, Output, Stdio};

/// A process builder, with the methods of [`std::process::Command`] and
/// asynchronous `spawn`, `status` and `output`.
///
/// ```
/// use weft::process::Command;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let output = Command::new("echo").arg("hello").arg("world").output().await?;
/// assert!(output.status.success());
/// assert_eq!(output.stdout, b"hello world\n");
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct Command {
    std: StdCommand,
    kill_on_drop: bool,
}

impl Command {
    /// A command that runs `program` (looked up in `PATH` if it has no
    /// slash), with no arguments, the parent's environment and working
    /// directory, and inherited stdio for `spawn`/`status`.
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// let command = Command::new("true");
    /// assert_eq!(command.as_std().get_program(), "true");
    /// ```
    pub fn new<S: AsRef<OsStr>>(program: S) -> Command {
        Command::from(StdCommand::new(program))
    }

    /// The wrapped `std` command.
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// let mut command = Command::new("ls");
    /// command.arg("-l");
    /// assert_eq!(command.as_std().get_args().collect::<Vec<_>>(), ["-l"]);
    /// ```
    pub fn as_std(&self) -> &StdCommand {
        &self.std
    }

    /// The wrapped `std` command, mutably (for builder methods weft does not
    /// mirror).
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// let mut command = Command::new("ls");
    /// command.as_std_mut().arg("-a");
    /// assert_eq!(command.as_std().get_args().count(), 1);
    /// ```
    pub fn as_std_mut(&mut self) -> &mut StdCommand {
        &mut self.std
    }

    /// Unwraps the `std` command (the `kill_on_drop` setting is lost).
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// let status = Command::new("true").into_std().status().unwrap();
    /// assert!(status.success());
    /// ```
    pub fn into_std(self) -> StdCommand {
        self.std
    }

    /// Adds one argument.
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let out = Command::new("echo").arg("one").output().await?;
    /// assert_eq!(out.stdout, b"one\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn arg<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.std.arg(arg);
        self
    }

    /// Adds several arguments.
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let out = Command::new("echo").args(["a", "b"]).output().await?;
    /// assert_eq!(out.stdout, b"a b\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.std.args(args);
        self
    }

    /// Sets an environment variable for the child.
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let out = Command::new("sh").args(["-c", "echo $GREETING"]).env("GREETING", "hi").output().await?;
    /// assert_eq!(out.stdout, b"hi\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn env<K, V>(&mut self, key: K, val: V) -> &mut Command
    where
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.env(key, val);
        self
    }

    /// Sets several environment variables for the child.
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let out = Command::new("sh")
    ///     .args(["-c", "echo $A$B"])
    ///     .envs([("A", "1"), ("B", "2")])
    ///     .output()
    ///     .await?;
    /// assert_eq!(out.stdout, b"12\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn envs<I, K, V>(&mut self, vars: I) -> &mut Command
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.std.envs(vars);
        self
    }

    /// Removes an environment variable from the child's environment.
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let out = Command::new("sh")
    ///     .args(["-c", "echo \"[$X]\""])
    ///     .env("X", "set")
    ///     .env_remove("X")
    ///     .output()
    ///     .await?;
    /// assert_eq!(out.stdout, b"[]\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn env_remove<K: AsRef<OsStr>>(&mut self, key: K) -> &mut Command {
        self.std.env_remove(key);
        self
    }

    /// Clears the child's environment (variables set afterwards are kept).
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let out = Command::new("/bin/sh")
    ///     .args(["-c", "echo \"[$HOME]\""])
    ///     .env_clear()
    ///     .output()
    ///     .await?;
    /// assert_eq!(out.stdout, b"[]\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn env_clear(&mut self) -> &mut Command {
        self.std.env_clear();
        self
    }

    /// Sets the child's working directory.
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let out = Command::new("pwd").current_dir("/").output().await?;
    /// assert_eq!(out.stdout, b"/\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn current_dir<P: AsRef<Path>>(&mut self, dir: P) -> &mut Command {
        self.std.current_dir(dir);
        self
    }

    /// Configures the child's stdin (`Stdio::piped()` makes
    /// [`Child::stdin`](super::Child::stdin) available).
    ///
    /// ```
    /// use std::process::Stdio;
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::null()).spawn()?;
    /// assert!(child.stdin.is_some());
    /// child.wait().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub fn stdin<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdin(cfg);
        self
    }

    /// Configures the child's stdout.
    ///
    /// ```
    /// use std::process::Stdio;
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let status = Command::new("echo").stdout(Stdio::null()).status().await?;
    /// assert!(status.success());
    /// # Ok(())
    /// # }
    /// ```
    pub fn stdout<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stdout(cfg);
        self
    }

    /// Configures the child's stderr.
    ///
    /// ```
    /// use std::process::Stdio;
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let child = Command::new("true").stderr(Stdio::piped()).spawn()?;
    /// assert!(child.stderr.is_some());
    /// # Ok(())
    /// # }
    /// ```
    pub fn stderr<T: Into<Stdio>>(&mut self, cfg: T) -> &mut Command {
        self.std.stderr(cfg);
        self
    }

    /// Whether dropping the [`Child`] (before it was reaped) kills the
    /// process with SIGKILL. Off by default: a dropped child keeps running
    /// and is reaped in the background. Either way it is reaped, so no
    /// zombie is left.
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let child = Command::new("sleep").arg("1000").kill_on_drop(true).spawn()?;
    /// drop(child); // `sleep` is killed here
    /// # Ok(())
    /// # }
    /// ```
    pub fn kill_on_drop(&mut self, kill_on_drop: bool) -> &mut Command {
        self.kill_on_drop = kill_on_drop;
        self
    }

    /// Whether [`kill_on_drop`](Command::kill_on_drop) is set.
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// let mut command = Command::new("true");
    /// assert!(!command.get_kill_on_drop());
    /// command.kill_on_drop(true);
    /// assert!(command.get_kill_on_drop());
    /// ```
    pub fn get_kill_on_drop(&self) -> bool {
        self.kill_on_drop
    }

    /// Sets the user id the child runs as (`setuid` before `exec`).
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// // SAFETY (of the example): `getuid` has no preconditions.
    /// let me = unsafe { libc::getuid() };
    /// let out = Command::new("id").arg("-u").uid(me).output().await?;
    /// assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), me.to_string());
    /// # Ok(())
    /// # }
    /// ```
    pub fn uid(&mut self, id: u32) -> &mut Command {
        self.std.uid(id);
        self
    }

    /// Sets the group id the child runs as (`setgid` before `exec`).
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// // SAFETY (of the example): `getgid` has no preconditions.
    /// let mine = unsafe { libc::getgid() };
    /// let out = Command::new("id").arg("-g").gid(mine).output().await?;
    /// assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), mine.to_string());
    /// # Ok(())
    /// # }
    /// ```
    pub fn gid(&mut self, id: u32) -> &mut Command {
        self.std.gid(id);
        self
    }

    /// Sets the name the child sees as its `argv[0]` (the program run is
    /// still the one given to `new`).
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let out = Command::new("sh").arg0("renamed").args(["-c", "echo $0"]).output().await?;
    /// assert_eq!(out.stdout, b"renamed\n");
    /// # Ok(())
    /// # }
    /// ```
    pub fn arg0<S: AsRef<OsStr>>(&mut self, arg: S) -> &mut Command {
        self.std.arg0(arg);
        self
    }

    /// Runs `f` in the child after `fork` and before `exec`.
    ///
    /// # Safety
    ///
    /// `f` runs in a forked copy of a possibly multi-threaded process: it may
    /// only call async-signal-safe functions (no allocation, no locks another
    /// thread may hold), exactly as for
    /// [`std::os::unix::process::CommandExt::pre_exec`].
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut command = Command::new("true");
    /// // SAFETY: the closure calls nothing at all.
    /// unsafe { command.pre_exec(|| Ok(())) };
    /// assert!(command.status().await?.success());
    /// # Ok(())
    /// # }
    /// ```
    pub unsafe fn pre_exec<F>(&mut self, f: F) -> &mut Command
    where
        F: FnMut() -> io::Result<()> + Send + Sync + 'static,
    {
        // SAFETY: the caller upholds `CommandExt::pre_exec`'s contract, which
        // is this function's own (see `# Safety`).
        unsafe { self.std.pre_exec(f) };
        self
    }

    /// Puts the child in process group `pgroup` (0: a new group led by the
    /// child).
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// // In a new group, the child is its own group leader: pgid == pid.
    /// let out = Command::new("sh")
    ///     .args(["-c", "cut -d' ' -f5 /proc/$$/stat; echo $$"])
    ///     .process_group(0)
    ///     .output()
    ///     .await?;
    /// let out = String::from_utf8(out.stdout).unwrap();
    /// let lines: Vec<&str> = out.lines().collect();
    /// assert_eq!(lines[0], lines[1]);
    /// # Ok(())
    /// # }
    /// ```
    pub fn process_group(&mut self, pgroup: i32) -> &mut Command {
        self.std.process_group(pgroup);
        self
    }

    /// Starts the child. Its exit is watched by the runtime (a pidfd
    /// registered with the I/O driver): no thread is spent per child.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one without I/O enabled (Tokio's messages).
    ///
    /// # Errors
    ///
    /// Those of `std::process::Command::spawn` (e.g. `NotFound`), and
    /// `WouldBlock` when the system process limit is reached.
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut child = Command::new("true").spawn()?;
    /// assert!(child.wait().await?.success());
    /// let err = Command::new("/no/such/program").spawn().unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn(&mut self) -> io::Result<Child> {
        let mut child = self.std.spawn()?;
        // Pipes first, then the exit watch: each registration panics the
        // same way outside a runtime, as in Tokio.
        let stdin = child.stdin.take().map(ChildStdin::from_std).transpose()?;
        let stdout = child.stdout.take().map(ChildStdout::from_std).transpose()?;
        let stderr = child.stderr.take().map(ChildStderr::from_std).transpose()?;
        let reaper = Reaper::new(child)?;
        Ok(Child::new(reaper, self.kill_on_drop, stdin, stdout, stderr))
    }

    /// Spawns the child and waits for its exit status. Its stdio is
    /// inherited unless configured; pipes configured here are closed at once
    /// (use [`output`](Command::output) to collect output).
    ///
    /// The child is spawned when this is called, not when the future is
    /// first polled.
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let status = Command::new("sh").args(["-c", "exit 4"]).status().await?;
    /// assert_eq!(status.code(), Some(4));
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn status(&mut self) -> impl Future<Output = io::Result<ExitStatus>> {
        let child = self.spawn();
        async {
            let mut child = child?;
            child.stdin.take();
            child.stdout.take();
            child.stderr.take();
            child.wait().await
        }
    }

    /// Spawns the child with stdout and stderr piped and collects them with
    /// its exit status (stdin stays as configured, inherited by default).
    ///
    /// ```
    /// use weft::process::Command;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let out = Command::new("sh").args(["-c", "echo o; echo e >&2; exit 1"]).output().await?;
    /// assert_eq!(out.status.code(), Some(1));
    /// assert_eq!(out.stdout, b"o\n");
    /// assert_eq!(out.stderr, b"e\n");
    /// # Ok(())
    /// # }
    /// ```
    #[track_caller]
    pub fn output(&mut self) -> impl Future<Output = io::Result<Output>> {
        self.std.stdout(Stdio::piped());
        self.std.stderr(Stdio::piped());
        let child = self.spawn();
        async { child?.wait_with_output().await }
    }
}

/// Wraps a `std` command (`kill_on_drop` off).
///
/// ```
/// use weft::process::Command;
///
/// let command = Command::from(std::process::Command::new("true"));
/// assert!(!command.get_kill_on_drop());
/// ```
impl From<StdCommand> for Command {
    fn from(std: StdCommand) -> Command {
        Command {
            std,
            kill_on_drop: false,
        }
    }
}
