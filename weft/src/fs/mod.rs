//! Asynchronous file and directory utilities.
//!
//! This module is the asynchronous counterpart of [`std::fs`]. Operating
//! systems offer no portable non-blocking file API, so every operation here
//! runs the corresponding `std::fs` call on the runtime's blocking pool
//! (see [`task::spawn_blocking`](crate::task::spawn_blocking)) and awaits
//! its result. Calling these functions outside a runtime therefore panics
//! with the message of `spawn_blocking`.
//!
//! Each call costs a hand-off to a pool thread and back. To move many small
//! pieces of data, batch them: read or write whole files with [`read`] and
//! [`write`](fn@write), or wrap a [`File`] in a
//! [`BufReader`](crate::io::BufReader)/[`BufWriter`](crate::io::BufWriter).
//!
//! ```
//! # #[weft::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let dir = std::env::temp_dir().join(format!("weft-fs-doc-{}", std::process::id()));
//! weft::fs::create_dir_all(&dir).await?;
//! weft::fs::write(dir.join("a.txt"), b"contents").await?;
//! assert_eq!(weft::fs::read(dir.join("a.txt")).await?, b"contents");
//! weft::fs::remove_dir_all(&dir).await?;
//! # Ok(())
//! # }
//! ```

mod dir_builder;
mod file;
mod open_options;
mod ops;
mod read_dir;

pub use self::dir_builder::DirBuilder;
pub use self::file::File;
pub use self::open_options::OpenOptions;
#[cfg(unix)]
pub use self::ops::symlink;
pub use self::ops::{
    canonicalize, copy, create_dir, create_dir_all, hard_link, metadata, read, read_link,
    read_to_string, remove_dir, remove_dir_all, remove_file, rename, set_permissions,
    symlink_metadata, try_exists, write,
};
pub use self::read_dir::{read_dir, DirEntry, ReadDir};

/// Timestamps to apply to a file with [`File::set_times`].
pub use std::fs::FileTimes;

use std::io;

/// Runs `f` on the blocking pool and returns its result.
///
/// # Panics
///
/// Outside a runtime, with the message of `spawn_blocking` (when the
/// returned future is first polled, as Tokio's).
pub(crate) async fn asyncify<F, T>(f: F) -> io::Result<T>
where
    F: FnOnce() -> io::Result<T> + Send + 'static,
    T: Send + 'static,
{
    match crate::task::spawn_blocking(f).await {
        Ok(res) => res,
        Err(_) => Err(background_task_failed()),
    }
}

/// The error reported when the blocking pool could not run an operation
/// (the runtime shut down underneath it). Tokio's wording.
pub(crate) fn background_task_failed() -> io::Error {
    io::Error::other("background task failed")
}
