//! `File`: an open file whose reads, writes and seeks run on the blocking
//! pool.
//!
//! # The operation protocol
//!
//! 1. A `File` is *idle* (it holds its byte buffer) or *busy* (one blocking
//!    operation is in flight and owns the buffer; the `File` holds its
//!    `JoinHandle`). There is never more than one operation in flight, so
//!    operations reach the file in the order they were issued.
//! 2. Read: when the buffer holds bytes from an earlier read, they are
//!    handed out at once. Otherwise a blocking read of at most
//!    `min(dst.remaining(), max_buf_size)` bytes is started and awaited.
//! 3. Write: the bytes (at most `max_buf_size`) are copied into the buffer,
//!    a blocking write is started and `Ready(Ok(n))` is returned before it
//!    finishes. If unread bytes from a read were buffered, the write first
//!    seeks back over them, so the file position is where the caller
//!    thinks it is. A write error is kept and reported by the next write,
//!    flush or read-side completion. The write runs as a *mandatory*
//!    blocking task: it is not dropped from the pool's queue when the
//!    runtime shuts down.
//! 4. Flush (and shutdown) waits for the in-flight operation and reports a
//!    pending write error. After a successful flush every written byte has
//!    been handed to the operating system; dropping the `File` then loses
//!    nothing. Dropping it *without* flushing lets the last write finish in
//!    the background, but its error is lost and it may not have reached the
//!    file when the drop returns.
//! 5. Seek: `start_seek` requires an idle file (else an error), discards
//!    buffered read bytes (adjusting a relative seek by their count) and
//!    starts the blocking seek; `poll_complete` finishes whatever is in
//!    flight and returns the position.
//! 6. The methods taking `&self` (`sync_all`, `set_len`, `metadata`, ...)
//!    first wait for the in-flight operation, like flush, then run their own
//!    call on the pool.

use std::fmt;
use std::fs::{Metadata, Permissions};
use std::future::{poll_fn, Future};
use std::io::{self, Seek, SeekFrom};
use std::path::Path;
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

use super::{asyncify, FileTimes, OpenOptions};
use crate::io::blocking::{spawn_mandatory_blocking, Buf, DEFAULT_MAX_BUF_SIZE};
use crate::io::{AsyncRead, AsyncSeek, AsyncWrite, ReadBuf};
use crate::loom::sync::{Arc, Mutex};
use crate::task::JoinHandle;

type StdFile = std::fs::File;

/// The outcome of a blocking operation (rule 1).
#[derive(Debug)]
enum Operation {
    Read(io::Result<usize>),
    Write(io::Result<()>),
    Seek(io::Result<u64>),
}

enum State {
    /// Holds the buffer (always `Some` between calls).
    Idle(Option<Buf>),
    Busy(JoinHandle<(Operation, Buf)>),
}

struct Ops {
    state: State,
    /// The error of a write whose caller has already been told `Ok`
    /// (rule 3), reported once.
    last_write_err: Option<io::ErrorKind>,
    /// The position after the last completed seek.
    pos: u64,
    /// Tasks waiting in a `&self` method for the in-flight operation
    /// (rule 6). Only the latest poller is the join waker, so whoever sees
    /// the operation finish wakes the rest.
    waiters: Vec<Waker>,
}

/// A reference to an open file on the file system.
///
/// Created by [`File::open`], [`File::create`], [`File::create_new`] or
/// [`OpenOptions::open`]. Reads, writes and seeks go through the
/// [`AsyncRead`], [`AsyncWrite`] and [`AsyncSeek`] traits (use the
/// extension traits `AsyncReadExt`, `AsyncWriteExt` and `AsyncSeekExt`).
///
/// Each operation runs on the blocking pool, one at a time. Writes are
/// *buffered*: `write` returns once the bytes are copied and the blocking
/// write has started, so call [`flush`](crate::io::AsyncWriteExt::flush)
/// before dropping a `File` to be sure the data reached the file and to see
/// write errors. A `File` dropped without flush still lets its last write
/// complete in the background.
///
/// ```
/// use weft::io::{AsyncReadExt, AsyncWriteExt};
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("weft-file-doc-{}", std::process::id()));
/// let mut file = weft::fs::File::create(&path).await?;
/// file.write_all(b"hello, world!").await?;
/// file.flush().await?;
/// drop(file);
///
/// let mut contents = String::new();
/// weft::fs::File::open(&path).await?.read_to_string(&mut contents).await?;
/// assert_eq!(contents, "hello, world!");
/// # weft::fs::remove_file(&path).await?;
/// # Ok(())
/// # }
/// ```
pub struct File {
    std: Arc<StdFile>,
    ops: Mutex<Ops>,
    max_buf_size: usize,
}

impl File {
    /// Opens a file in read-only mode.
    ///
    /// # Errors
    ///
    /// When the file does not exist or cannot be read
    /// ([`std::fs::File::open`]'s errors).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let err = weft::fs::File::open("/does/not/exist/weft").await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::NotFound);
    /// # }
    /// ```
    pub async fn open(path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        let std = asyncify(move || StdFile::open(path)).await?;
        Ok(File::from_std(std))
    }

    /// Opens a file in write-only mode, creating it if needed and
    /// truncating it if it exists.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-create-doc-{}", std::process::id()));
    /// let file = weft::fs::File::create(&path).await?;
    /// assert_eq!(file.metadata().await?.len(), 0);
    /// # weft::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create(path: impl AsRef<Path>) -> io::Result<File> {
        let path = path.as_ref().to_owned();
        let std = asyncify(move || StdFile::create(path)).await?;
        Ok(File::from_std(std))
    }

    /// Opens a new file in read-write mode, failing if it already exists
    /// (atomically).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-create-new-doc-{}", std::process::id()));
    /// let _file = weft::fs::File::create_new(&path).await?;
    /// let err = weft::fs::File::create_new(&path).await.unwrap_err();
    /// assert_eq!(err.kind(), std::io::ErrorKind::AlreadyExists);
    /// # weft::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create_new<P: AsRef<Path>>(path: P) -> io::Result<File> {
        Self::options()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)
            .await
    }

    /// Returns a new [`OpenOptions`] with every flag `false`.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-options-doc-{}", std::process::id()));
    /// let _file = weft::fs::File::options().append(true).create(true).open(&path).await?;
    /// # weft::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    #[must_use]
    pub fn options() -> OpenOptions {
        OpenOptions::new()
    }

    /// Wraps a standard library file.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let std_file = std::fs::File::open(".")?;
    /// let file = weft::fs::File::from_std(std_file);
    /// assert!(file.metadata().await?.is_dir());
    /// # Ok(())
    /// # }
    /// ```
    pub fn from_std(std: StdFile) -> File {
        File {
            std: Arc::new(std),
            ops: Mutex::new(Ops {
                state: State::Idle(Some(Buf::with_capacity(0))),
                last_write_err: None,
                pos: 0,
                waiters: Vec::new(),
            }),
            max_buf_size: DEFAULT_MAX_BUF_SIZE,
        }
    }

    /// Waits for the in-flight operation (rule 6). A write error it returns
    /// is kept for the next write or flush.
    async fn complete_inflight(&self) {
        poll_fn(|cx| {
            let mut ops = self.ops.lock();
            match ops.poll_flush(cx) {
                Poll::Pending => {
                    if !ops.waiters.iter().any(|w| w.will_wake(cx.waker())) {
                        ops.waiters.push(cx.waker().clone());
                    }
                    Poll::Pending
                }
                Poll::Ready(res) => {
                    if let Err(e) = res {
                        ops.last_write_err = Some(e.kind());
                    }
                    for waker in ops.waiters.drain(..) {
                        waker.wake();
                    }
                    Poll::Ready(())
                }
            }
        })
        .await
    }

    /// Attempts to sync all OS-internal metadata and data to disk.
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-sync-all-doc-{}", std::process::id()));
    /// let mut file = weft::fs::File::create(&path).await?;
    /// file.write_all(b"durable").await?;
    /// file.sync_all().await?;
    /// # weft::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn sync_all(&self) -> io::Result<()> {
        self.complete_inflight().await;
        let std = self.std.clone();
        asyncify(move || std.sync_all()).await
    }

    /// Like [`sync_all`](File::sync_all), but may skip metadata that is not
    /// needed to read the data back.
    ///
    /// ```
    /// use weft::io::AsyncWriteExt;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-sync-data-doc-{}", std::process::id()));
    /// let mut file = weft::fs::File::create(&path).await?;
    /// file.write_all(b"data").await?;
    /// file.sync_data().await?;
    /// # weft::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn sync_data(&self) -> io::Result<()> {
        self.complete_inflight().await;
        let std = self.std.clone();
        asyncify(move || std.sync_data()).await
    }

    /// Truncates or extends the file to `size` bytes (extension fills with
    /// zeros). The cursor is not moved.
    ///
    /// # Errors
    ///
    /// When the file is not open for writing.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-set-len-doc-{}", std::process::id()));
    /// let file = weft::fs::File::create(&path).await?;
    /// file.set_len(10).await?;
    /// assert_eq!(file.metadata().await?.len(), 10);
    /// # weft::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn set_len(&self, size: u64) -> io::Result<()> {
        self.complete_inflight().await;
        // Bytes buffered from a read are ahead of the caller's position;
        // give them back to the file position first (as a seek would), so
        // the next read starts at the right place in the resized file.
        let seek = {
            let mut ops = self.ops.lock();
            match &mut ops.state {
                State::Idle(Some(buf)) if !buf.is_empty() => Some(buf.discard_read()),
                _ => None,
            }
        };
        let std = self.std.clone();
        asyncify(move || {
            if let Some(back) = seek {
                (&*std).seek(SeekFrom::Current(back))?;
            }
            std.set_len(size)
        })
        .await
    }

    /// Queries metadata about the file.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let file = weft::fs::File::open(".").await?;
    /// assert!(file.metadata().await?.is_dir());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata()).await
    }

    /// Creates a new `File` sharing the underlying open file (and cursor)
    /// with this one.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let file = weft::fs::File::open(".").await?;
    /// let clone = file.try_clone().await?;
    /// assert!(clone.metadata().await?.is_dir());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn try_clone(&self) -> io::Result<File> {
        self.complete_inflight().await;
        let std = self.std.clone();
        let clone = asyncify(move || std.try_clone()).await?;
        let mut clone = File::from_std(clone);
        clone.max_buf_size = self.max_buf_size;
        Ok(clone)
    }

    /// Destructures into a standard library file, waiting for the in-flight
    /// operation first.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let file = weft::fs::File::open(".").await?;
    /// let std_file: std::fs::File = file.into_std().await;
    /// assert!(std_file.metadata()?.is_dir());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn into_std(self) -> StdFile {
        self.complete_inflight().await;
        // The finished operation has dropped its clone of the Arc.
        Arc::try_unwrap(self.std).expect("Arc::try_unwrap failed")
    }

    /// Destructures into a standard library file if no operation is in
    /// flight; otherwise returns `self` unchanged.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let file = weft::fs::File::open(".").await?;
    /// let std_file = file.try_into_std().unwrap();
    /// assert!(std_file.metadata()?.is_dir());
    /// # Ok(())
    /// # }
    /// ```
    #[allow(clippy::result_large_err)]
    pub fn try_into_std(mut self) -> Result<StdFile, Self> {
        match Arc::try_unwrap(self.std) {
            Ok(std) => Ok(std),
            Err(std) => {
                self.std = std;
                Err(self)
            }
        }
    }

    /// Changes the permissions of the file.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-file-perm-doc-{}", std::process::id()));
    /// let file = weft::fs::File::create(&path).await?;
    /// let mut perm = file.metadata().await?.permissions();
    /// perm.set_readonly(true);
    /// file.set_permissions(perm).await?;
    /// assert!(file.metadata().await?.permissions().readonly());
    /// # weft::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn set_permissions(&self, perm: Permissions) -> io::Result<()> {
        let std = self.std.clone();
        asyncify(move || std.set_permissions(perm)).await
    }

    /// Changes the timestamps of the file.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-set-times-doc-{}", std::process::id()));
    /// let file = weft::fs::File::create(&path).await?;
    /// let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_500_000_000);
    /// file.set_times(weft::fs::FileTimes::new().set_modified(when)).await?;
    /// assert_eq!(file.metadata().await?.modified()?, when);
    /// # weft::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn set_times(&self, times: FileTimes) -> io::Result<()> {
        self.complete_inflight().await;
        let std = self.std.clone();
        asyncify(move || std.set_times(times)).await
    }

    /// Changes the modification time of the file.
    ///
    /// ```
    /// use std::time::{Duration, SystemTime};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-set-mod-doc-{}", std::process::id()));
    /// let file = weft::fs::File::create(&path).await?;
    /// let when = SystemTime::UNIX_EPOCH + Duration::from_secs(1_400_000_000);
    /// file.set_modified(when).await?;
    /// assert_eq!(file.metadata().await?.modified()?, when);
    /// # weft::fs::remove_file(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn set_modified(&self, time: std::time::SystemTime) -> io::Result<()> {
        self.complete_inflight().await;
        let std = self.std.clone();
        asyncify(move || std.set_modified(time)).await
    }

    /// Sets the largest number of bytes one blocking read or write moves
    /// (default 2 MiB).
    ///
    /// # Panics
    ///
    /// When `max_buf_size` is 0.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut file = weft::fs::File::open(".").await?;
    /// file.set_max_buf_size(64 * 1024);
    /// assert_eq!(file.max_buf_size(), 64 * 1024);
    /// # Ok(())
    /// # }
    /// ```
    pub fn set_max_buf_size(&mut self, max_buf_size: usize) {
        assert!(max_buf_size > 0, "`max_buf_size` must be greater than 0");
        self.max_buf_size = max_buf_size;
    }

    /// Returns the largest number of bytes one blocking read or write
    /// moves.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let file = weft::fs::File::open(".").await?;
    /// assert_eq!(file.max_buf_size(), 2 * 1024 * 1024);
    /// # Ok(())
    /// # }
    /// ```
    pub fn max_buf_size(&self) -> usize {
        self.max_buf_size
    }
}

impl State {
    /// Waits for the in-flight operation. If its blocking task failed
    /// (cancelled because the runtime shut down, or panicked), the buffer
    /// went with it: the file becomes idle with a fresh buffer, so that the
    /// error is reported once and the next operation can run.
    fn poll_busy(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<(Operation, Buf)>> {
        let State::Busy(join) = self else {
            unreachable!("poll_busy on an idle file")
        };
        match ready!(Pin::new(join).poll(cx)) {
            Ok(done) => Poll::Ready(Ok(done)),
            Err(e) => {
                *self = State::Idle(Some(Buf::default()));
                Poll::Ready(Err(e.into()))
            }
        }
    }
}

impl Ops {
    /// Waits for the in-flight operation; reports a pending write error.
    fn poll_flush(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some(kind) = self.last_write_err.take() {
            return Poll::Ready(Err(kind.into()));
        }
        if let State::Idle(_) = self.state {
            return Poll::Ready(Ok(()));
        }
        let (op, buf) = ready!(self.state.poll_busy(cx))?;
        self.state = State::Idle(Some(buf));
        match op {
            Operation::Write(res) => Poll::Ready(res),
            Operation::Read(_) => Poll::Ready(Ok(())),
            Operation::Seek(res) => {
                if let Ok(pos) = res {
                    self.pos = pos;
                }
                Poll::Ready(Ok(()))
            }
        }
    }
}

impl AsyncRead for File {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        dst: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let me = self.get_mut();
        let mut ops = me.ops.lock();
        loop {
            match &mut ops.state {
                State::Idle(cell) => {
                    let mut buf = cell.take().expect("buffer present when idle");
                    // Rule 2: buffered bytes first; an empty read never
                    // touches the file (and so never sees a false EOF).
                    if !buf.is_empty() || dst.remaining() == 0 {
                        buf.copy_to(dst);
                        *cell = Some(buf);
                        return Poll::Ready(Ok(()));
                    }
                    let std = me.std.clone();
                    let max = dst.remaining().min(me.max_buf_size);
                    ops.state = State::Busy(crate::task::spawn_blocking(move || {
                        let res = buf.read_from(&mut &*std, max);
                        (Operation::Read(res), buf)
                    }));
                }
                State::Busy(_) => {
                    let (op, mut buf) = ready!(ops.state.poll_busy(cx))?;
                    match op {
                        Operation::Read(res) => {
                            let res = res.map(|_| {
                                buf.copy_to(dst);
                            });
                            ops.state = State::Idle(Some(buf));
                            return Poll::Ready(res);
                        }
                        Operation::Write(res) => {
                            // A write issued before this read: keep its
                            // error for the writer's side (rule 3).
                            if let Err(e) = res {
                                ops.last_write_err = Some(e.kind());
                            }
                            ops.state = State::Idle(Some(buf));
                        }
                        Operation::Seek(res) => {
                            if let Ok(pos) = res {
                                ops.pos = pos;
                            }
                            ops.state = State::Idle(Some(buf));
                        }
                    }
                }
            }
        }
    }
}

impl File {
    /// Rule 3, shared by `poll_write` and `poll_write_vectored`: `fill`
    /// copies the caller's bytes into the (empty) buffer.
    fn poll_write_with(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        fill: impl FnOnce(&mut Buf, usize) -> usize,
    ) -> Poll<io::Result<usize>> {
        let me = self.get_mut();
        let mut ops = me.ops.lock();
        if let Some(kind) = ops.last_write_err.take() {
            return Poll::Ready(Err(kind.into()));
        }
        loop {
            match &mut ops.state {
                State::Idle(cell) => {
                    let mut buf = cell.take().expect("buffer present when idle");
                    let seek = (!buf.is_empty()).then(|| SeekFrom::Current(buf.discard_read()));
                    let n = fill(&mut buf, me.max_buf_size);
                    let std = me.std.clone();
                    let spawned = spawn_mandatory_blocking(move || {
                        let res = match seek {
                            Some(seek) => (&*std).seek(seek).and_then(|_| buf.write_to(&mut &*std)),
                            None => buf.write_to(&mut &*std),
                        };
                        (Operation::Write(res), buf)
                    });
                    // Refused (the runtime shut down): the bytes were not
                    // taken, so the write fails, and the file stays usable.
                    let Some(join) = spawned else {
                        *cell = Some(Buf::default());
                        return Poll::Ready(Err(io::Error::other("background task failed")));
                    };
                    ops.state = State::Busy(join);
                    return Poll::Ready(Ok(n));
                }
                State::Busy(_) => {
                    let (op, buf) = ready!(ops.state.poll_busy(cx))?;
                    ops.state = State::Idle(Some(buf));
                    match op {
                        Operation::Write(res) => res?,
                        Operation::Seek(res) => {
                            if let Ok(pos) = res {
                                ops.pos = pos;
                            }
                        }
                        // The bytes read stay buffered; the next write
                        // seeks back over them.
                        Operation::Read(_) => {}
                    }
                }
            }
        }
    }
}

impl AsyncWrite for File {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        src: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_with(cx, |buf, max| buf.copy_from(src, max))
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.poll_write_with(cx, |buf, max| buf.copy_from_bufs(bufs, max))
    }

    fn is_write_vectored(&self) -> bool {
        true
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.get_mut().ops.lock().poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.poll_flush(cx)
    }
}

impl AsyncSeek for File {
    fn start_seek(self: Pin<&mut Self>, mut pos: SeekFrom) -> io::Result<()> {
        let me = self.get_mut();
        let mut ops = me.ops.lock();
        match &mut ops.state {
            State::Busy(_) => Err(io::Error::other(
                "other file operation is pending, call poll_complete before start_seek",
            )),
            State::Idle(cell) => {
                let mut buf = cell.take().expect("buffer present when idle");
                // The file position is ahead of the caller's by the bytes
                // still buffered.
                if !buf.is_empty() {
                    let back = buf.discard_read();
                    if let SeekFrom::Current(offset) = &mut pos {
                        *offset += back;
                    }
                }
                let std = me.std.clone();
                ops.state = State::Busy(crate::task::spawn_blocking(move || {
                    let res = (&*std).seek(pos);
                    (Operation::Seek(res), buf)
                }));
                Ok(())
            }
        }
    }

    fn poll_complete(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<u64>> {
        let me = self.get_mut();
        let mut ops = me.ops.lock();
        loop {
            if let State::Idle(_) = ops.state {
                return Poll::Ready(Ok(ops.pos));
            }
            let (op, buf) = ready!(ops.state.poll_busy(cx))?;
            ops.state = State::Idle(Some(buf));
            match op {
                Operation::Seek(res) => {
                    if let Ok(pos) = res {
                        ops.pos = pos;
                    }
                    return Poll::Ready(res);
                }
                Operation::Write(Err(e)) => ops.last_write_err = Some(e.kind()),
                Operation::Write(Ok(())) | Operation::Read(_) => {}
            }
        }
    }
}

impl From<StdFile> for File {
    fn from(std: StdFile) -> File {
        File::from_std(std)
    }
}

impl fmt::Debug for File {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Tokio's exact text (as weft's panic messages are): programs and
        // Tokio's own tests match on it.
        f.debug_struct("tokio::fs::File")
            .field("std", &self.std)
            .finish()
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsRawFd for File {
    fn as_raw_fd(&self) -> std::os::unix::io::RawFd {
        self.std.as_raw_fd()
    }
}

#[cfg(unix)]
impl std::os::unix::io::AsFd for File {
    fn as_fd(&self) -> std::os::unix::io::BorrowedFd<'_> {
        self.std.as_fd()
    }
}

#[cfg(unix)]
impl std::os::unix::io::FromRawFd for File {
    /// # Safety
    ///
    /// `fd` must be an open file descriptor that the new `File` owns (the
    /// contract of [`std::os::unix::io::FromRawFd`]).
    unsafe fn from_raw_fd(fd: std::os::unix::io::RawFd) -> File {
        // SAFETY: the caller hands over ownership of an open descriptor,
        // which is this function's contract.
        File::from_std(unsafe { StdFile::from_raw_fd(fd) })
    }
}

#[cfg(unix)]
impl From<File> for std::os::unix::io::OwnedFd {
    fn from(file: File) -> std::os::unix::io::OwnedFd {
        match file.try_into_std() {
            Ok(std) => std.into(),
            Err(_) => panic!("cannot convert a File with an operation in flight"),
        }
    }
}
