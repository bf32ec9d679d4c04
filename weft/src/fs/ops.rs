//! The free functions of `weft::fs`: each runs one `std::fs` call on the
//! blocking pool.

use std::fs::{Metadata, Permissions};
use std::io;
use std::path::{Path, PathBuf};

use super::asyncify;

/// Reads the entire contents of a file into a bytes vector.
///
/// The asynchronous version of [`std::fs::read`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("weft-read-doc-{}", std::process::id()));
/// weft::fs::write(&path, b"abc").await?;
/// assert_eq!(weft::fs::read(&path).await?, b"abc");
/// # weft::fs::remove_file(&path).await?;
/// # Ok(())
/// # }
/// ```
pub async fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read(path)).await
}

/// Reads the entire contents of a file into a string.
///
/// The asynchronous version of [`std::fs::read_to_string`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("weft-rts-doc-{}", std::process::id()));
/// weft::fs::write(&path, "text").await?;
/// assert_eq!(weft::fs::read_to_string(&path).await?, "text");
/// # weft::fs::remove_file(&path).await?;
/// # Ok(())
/// # }
/// ```
pub async fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_to_string(path)).await
}

/// Creates a file (or truncates it) and writes `contents` to it.
///
/// The asynchronous version of [`std::fs::write`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("weft-write-doc-{}", std::process::id()));
/// weft::fs::write(&path, b"data").await?;
/// assert_eq!(std::fs::read(&path)?, b"data");
/// # weft::fs::remove_file(&path).await?;
/// # Ok(())
/// # }
/// ```
pub async fn write(path: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    let contents = contents.as_ref().to_owned();
    asyncify(move || std::fs::write(path, contents)).await
}

/// Copies the contents and permissions of `from` to `to`, returning the
/// number of bytes copied.
///
/// The asynchronous version of [`std::fs::copy`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir();
/// let from = dir.join(format!("weft-copy-a-{}", std::process::id()));
/// let to = dir.join(format!("weft-copy-b-{}", std::process::id()));
/// weft::fs::write(&from, b"12345").await?;
/// assert_eq!(weft::fs::copy(&from, &to).await?, 5);
/// # weft::fs::remove_file(&from).await?;
/// # weft::fs::remove_file(&to).await?;
/// # Ok(())
/// # }
/// ```
pub async fn copy(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<u64> {
    let from = from.as_ref().to_owned();
    let to = to.as_ref().to_owned();
    asyncify(move || std::fs::copy(from, to)).await
}

/// Renames a file or directory, replacing `to` if it exists.
///
/// The asynchronous version of [`std::fs::rename`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir();
/// let from = dir.join(format!("weft-rename-a-{}", std::process::id()));
/// let to = dir.join(format!("weft-rename-b-{}", std::process::id()));
/// weft::fs::write(&from, b"x").await?;
/// weft::fs::rename(&from, &to).await?;
/// assert!(!weft::fs::try_exists(&from).await?);
/// # weft::fs::remove_file(&to).await?;
/// # Ok(())
/// # }
/// ```
pub async fn rename(from: impl AsRef<Path>, to: impl AsRef<Path>) -> io::Result<()> {
    let from = from.as_ref().to_owned();
    let to = to.as_ref().to_owned();
    asyncify(move || std::fs::rename(from, to)).await
}

/// Removes a file.
///
/// The asynchronous version of [`std::fs::remove_file`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("weft-rmf-doc-{}", std::process::id()));
/// weft::fs::write(&path, b"").await?;
/// weft::fs::remove_file(&path).await?;
/// assert!(!path.exists());
/// # Ok(())
/// # }
/// ```
pub async fn remove_file(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_file(path)).await
}

/// Removes an empty directory.
///
/// The asynchronous version of [`std::fs::remove_dir`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("weft-rmd-doc-{}", std::process::id()));
/// weft::fs::create_dir(&path).await?;
/// weft::fs::remove_dir(&path).await?;
/// assert!(!path.exists());
/// # Ok(())
/// # }
/// ```
pub async fn remove_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir(path)).await
}

/// Removes a directory and everything in it.
///
/// The asynchronous version of [`std::fs::remove_dir_all`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("weft-rmda-doc-{}", std::process::id()));
/// weft::fs::create_dir_all(path.join("a/b")).await?;
/// weft::fs::remove_dir_all(&path).await?;
/// assert!(!path.exists());
/// # Ok(())
/// # }
/// ```
pub async fn remove_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::remove_dir_all(path)).await
}

/// Creates a directory; its parent must exist.
///
/// The asynchronous version of [`std::fs::create_dir`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("weft-mkdir-doc-{}", std::process::id()));
/// weft::fs::create_dir(&path).await?;
/// assert!(path.is_dir());
/// # weft::fs::remove_dir(&path).await?;
/// # Ok(())
/// # }
/// ```
pub async fn create_dir(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir(path)).await
}

/// Creates a directory and all its missing parents.
///
/// The asynchronous version of [`std::fs::create_dir_all`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let root = std::env::temp_dir().join(format!("weft-mkdirs-doc-{}", std::process::id()));
/// weft::fs::create_dir_all(root.join("x/y/z")).await?;
/// assert!(root.join("x/y/z").is_dir());
/// # weft::fs::remove_dir_all(&root).await?;
/// # Ok(())
/// # }
/// ```
pub async fn create_dir_all(path: impl AsRef<Path>) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::create_dir_all(path)).await
}

/// Returns the metadata of a path, following symbolic links.
///
/// The asynchronous version of [`std::fs::metadata`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let meta = weft::fs::metadata(std::env::temp_dir()).await?;
/// assert!(meta.is_dir());
/// # Ok(())
/// # }
/// ```
pub async fn metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::metadata(path)).await
}

/// Returns the metadata of a path without following symbolic links.
///
/// The asynchronous version of [`std::fs::symlink_metadata`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let meta = weft::fs::symlink_metadata(std::env::temp_dir()).await?;
/// assert!(!meta.file_type().is_file());
/// # Ok(())
/// # }
/// ```
pub async fn symlink_metadata(path: impl AsRef<Path>) -> io::Result<Metadata> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::symlink_metadata(path)).await
}

/// Returns the canonical, absolute form of a path with all intermediate
/// components normalized and symbolic links resolved.
///
/// The asynchronous version of [`std::fs::canonicalize`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = weft::fs::canonicalize(".").await?;
/// assert!(path.is_absolute());
/// # Ok(())
/// # }
/// ```
pub async fn canonicalize(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::canonicalize(path)).await
}

/// Reads the target of a symbolic link.
///
/// The asynchronous version of [`std::fs::read_link`].
///
/// ```
/// # #[cfg(unix)]
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let link = std::env::temp_dir().join(format!("weft-readlink-doc-{}", std::process::id()));
/// weft::fs::symlink("/target", &link).await?;
/// assert_eq!(weft::fs::read_link(&link).await?, std::path::Path::new("/target"));
/// # weft::fs::remove_file(&link).await?;
/// # Ok(())
/// # }
/// # #[cfg(not(unix))]
/// # fn main() {}
/// ```
pub async fn read_link(path: impl AsRef<Path>) -> io::Result<PathBuf> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::read_link(path)).await
}

/// Creates a new hard link `dst` to the file `src`.
///
/// The asynchronous version of [`std::fs::hard_link`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let dir = std::env::temp_dir();
/// let src = dir.join(format!("weft-hl-a-{}", std::process::id()));
/// let dst = dir.join(format!("weft-hl-b-{}", std::process::id()));
/// weft::fs::write(&src, b"same").await?;
/// weft::fs::hard_link(&src, &dst).await?;
/// assert_eq!(weft::fs::read(&dst).await?, b"same");
/// # weft::fs::remove_file(&src).await?;
/// # weft::fs::remove_file(&dst).await?;
/// # Ok(())
/// # }
/// ```
pub async fn hard_link(src: impl AsRef<Path>, dst: impl AsRef<Path>) -> io::Result<()> {
    let src = src.as_ref().to_owned();
    let dst = dst.as_ref().to_owned();
    asyncify(move || std::fs::hard_link(src, dst)).await
}

/// Creates a new symbolic link `dst` pointing at `src`.
///
/// The asynchronous version of [`std::os::unix::fs::symlink`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let link = std::env::temp_dir().join(format!("weft-symlink-doc-{}", std::process::id()));
/// weft::fs::symlink("/", &link).await?;
/// assert!(weft::fs::symlink_metadata(&link).await?.file_type().is_symlink());
/// # weft::fs::remove_file(&link).await?;
/// # Ok(())
/// # }
/// ```
#[cfg(unix)]
pub async fn symlink(src: impl AsRef<Path>, dst: impl AsRef<Path>) -> io::Result<()> {
    let src = src.as_ref().to_owned();
    let dst = dst.as_ref().to_owned();
    asyncify(move || std::os::unix::fs::symlink(src, dst)).await
}

/// Changes the permissions of a file or directory.
///
/// The asynchronous version of [`std::fs::set_permissions`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let path = std::env::temp_dir().join(format!("weft-perm-doc-{}", std::process::id()));
/// weft::fs::write(&path, b"").await?;
/// let mut perm = weft::fs::metadata(&path).await?.permissions();
/// perm.set_readonly(true);
/// weft::fs::set_permissions(&path, perm).await?;
/// assert!(weft::fs::metadata(&path).await?.permissions().readonly());
/// # weft::fs::remove_file(&path).await?;
/// # Ok(())
/// # }
/// ```
pub async fn set_permissions(path: impl AsRef<Path>, perm: Permissions) -> io::Result<()> {
    let path = path.as_ref().to_owned();
    asyncify(move || std::fs::set_permissions(path, perm)).await
}

/// Returns `Ok(true)` if the path points at an existing entity, `Ok(false)`
/// if it certainly does not, and an error if that cannot be determined
/// (permission denied, for instance). Broken symbolic links give
/// `Ok(false)`.
///
/// The asynchronous version of [`std::fs::exists`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// assert!(weft::fs::try_exists(std::env::temp_dir()).await?);
/// assert!(!weft::fs::try_exists("/does/not/exist/weft").await?);
/// # Ok(())
/// # }
/// ```
pub async fn try_exists(path: impl AsRef<Path>) -> io::Result<bool> {
    let path = path.as_ref().to_owned();
    asyncify(move || path.try_exists()).await
}
