//! `read_dir`, `ReadDir` and `DirEntry`: directory listing in batches.
//!
//! A hand-off to the blocking pool costs far more than reading one
//! directory entry, so each blocking operation reads up to [`CHUNK`]
//! entries (and their file types) and [`ReadDir`] hands them out one by one.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::fs::{FileType, Metadata};
use std::future::{poll_fn, Future};
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use super::asyncify;
use crate::loom::sync::Arc;
use crate::task::JoinHandle;

/// Entries read per blocking operation.
const CHUNK: usize = 32;

/// A batch of entries, the open directory, and whether more may follow.
type Batch = (VecDeque<io::Result<DirEntry>>, std::fs::ReadDir, bool);

/// Returns a stream over the entries of a directory.
///
/// The asynchronous version of [`std::fs::read_dir`]. Entries come in no
/// particular order; `.` and `..` are not included.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir().join(format!("weft-readdir-doc-{}", std::process::id()));
/// weft::fs::create_dir_all(&dir).await?;
/// weft::fs::write(dir.join("one"), b"1").await?;
/// let mut entries = weft::fs::read_dir(&dir).await?;
/// let entry = entries.next_entry().await?.unwrap();
/// assert_eq!(entry.file_name(), "one");
/// assert!(entries.next_entry().await?.is_none());
/// # weft::fs::remove_dir_all(&dir).await?;
/// # Ok(())
/// # }
/// ```
pub async fn read_dir(path: impl AsRef<Path>) -> io::Result<ReadDir> {
    let path = path.as_ref().to_owned();
    asyncify(move || {
        let mut std = std::fs::read_dir(path)?;
        let mut buf = VecDeque::with_capacity(CHUNK);
        let more = next_chunk(&mut buf, &mut std);
        Ok(ReadDir {
            state: State::Idle(Some((buf, std, more))),
        })
    })
    .await
}

/// Reads up to [`CHUNK`] entries into `buf`; returns whether the directory
/// may have more.
fn next_chunk(buf: &mut VecDeque<io::Result<DirEntry>>, std: &mut std::fs::ReadDir) -> bool {
    for _ in 0..CHUNK {
        let Some(ent) = std.next() else {
            return false;
        };
        buf.push_back(ent.map(|std| {
            // Fetched here, on the pool thread: on most file systems it
            // comes with the entry and costs no system call.
            let file_type = std.file_type().ok();
            DirEntry {
                file_type,
                std: Arc::new(std),
            }
        }));
    }
    true
}

enum State {
    /// Holds the batch unless an operation is in flight.
    Idle(Option<Batch>),
    Busy(JoinHandle<Batch>),
}

/// Reads the entries of a directory; created by [`read_dir`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut entries = weft::fs::read_dir(std::env::temp_dir()).await?;
/// while let Some(entry) = entries.next_entry().await? {
///     let _ = entry.path();
/// }
/// # Ok(())
/// # }
/// ```
#[must_use = "streams do nothing unless polled"]
pub struct ReadDir {
    state: State,
}

impl std::fmt::Debug for ReadDir {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ReadDir").finish_non_exhaustive()
    }
}

impl ReadDir {
    /// Returns the next entry, or `None` after the last one.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: an entry read by a cancelled call is returned by the
    /// next one.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut entries = weft::fs::read_dir(".").await?;
    /// let mut n = 0;
    /// while entries.next_entry().await?.is_some() {
    ///     n += 1;
    /// }
    /// assert!(n > 0);
    /// # Ok(())
    /// # }
    /// ```
    pub async fn next_entry(&mut self) -> io::Result<Option<DirEntry>> {
        poll_fn(|cx| self.poll_next_entry(cx)).await
    }

    /// Polls for the next entry: `Ready(Ok(Some(entry)))` for an entry,
    /// `Ready(Ok(None))` after the last one, `Pending` while a batch is
    /// being read (the waker of the latest call is woken).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut entries = weft::fs::read_dir(".").await?;
    /// let first = std::future::poll_fn(|cx| entries.poll_next_entry(cx)).await?;
    /// assert!(first.is_some());
    /// # Ok(())
    /// # }
    /// ```
    pub fn poll_next_entry(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<Option<DirEntry>>> {
        loop {
            match &mut self.state {
                State::Idle(batch) => {
                    let (buf, _, more) = batch.as_mut().expect("batch present when idle");
                    if let Some(ent) = buf.pop_front() {
                        return Poll::Ready(ent.map(Some));
                    }
                    if !*more {
                        return Poll::Ready(Ok(None));
                    }
                    let (mut buf, mut std, _) = batch.take().expect("batch present when idle");
                    self.state = State::Busy(crate::task::spawn_blocking(move || {
                        let more = next_chunk(&mut buf, &mut std);
                        (buf, std, more)
                    }));
                }
                State::Busy(join) => {
                    let batch = ready!(Pin::new(join).poll(cx))?;
                    self.state = State::Idle(Some(batch));
                }
            }
        }
    }
}

/// An entry returned by [`ReadDir`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mut entries = weft::fs::read_dir(".").await?;
/// let entry = entries.next_entry().await?.unwrap();
/// assert_eq!(entry.path().file_name().unwrap(), entry.file_name());
/// # Ok(())
/// # }
/// ```
#[derive(Debug)]
pub struct DirEntry {
    /// Read on the pool thread with the entry, when available.
    file_type: Option<FileType>,
    std: Arc<std::fs::DirEntry>,
}

impl DirEntry {
    /// Returns the inode number of the entry.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut entries = weft::fs::read_dir(".").await?;
    /// let entry = entries.next_entry().await?.unwrap();
    /// assert_ne!(entry.ino(), 0);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(unix)]
    pub fn ino(&self) -> u64 {
        std::os::unix::fs::DirEntryExt::ino(&*self.std)
    }

    /// Returns the full path of the entry: the path given to [`read_dir`]
    /// joined with the entry's file name.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut entries = weft::fs::read_dir(".").await?;
    /// let entry = entries.next_entry().await?.unwrap();
    /// assert!(entry.path().starts_with("."));
    /// # Ok(())
    /// # }
    /// ```
    pub fn path(&self) -> PathBuf {
        self.std.path()
    }

    /// Returns the file name of the entry, without any leading path.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut entries = weft::fs::read_dir(".").await?;
    /// let entry = entries.next_entry().await?.unwrap();
    /// assert!(!entry.file_name().is_empty());
    /// # Ok(())
    /// # }
    /// ```
    pub fn file_name(&self) -> OsString {
        self.std.file_name()
    }

    /// Returns the metadata of the entry; symbolic links are not followed.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut entries = weft::fs::read_dir(".").await?;
    /// let entry = entries.next_entry().await?.unwrap();
    /// let _len = entry.metadata().await?.len();
    /// # Ok(())
    /// # }
    /// ```
    pub async fn metadata(&self) -> io::Result<Metadata> {
        let std = self.std.clone();
        asyncify(move || std.metadata()).await
    }

    /// Returns the file type of the entry; symbolic links are not followed.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let mut entries = weft::fs::read_dir(".").await?;
    /// let entry = entries.next_entry().await?.unwrap();
    /// let ft = entry.file_type().await?;
    /// assert!(ft.is_file() || ft.is_dir() || ft.is_symlink());
    /// # Ok(())
    /// # }
    /// ```
    pub async fn file_type(&self) -> io::Result<FileType> {
        if let Some(file_type) = self.file_type {
            return Ok(file_type);
        }
        let std = self.std.clone();
        asyncify(move || std.file_type()).await
    }
}
