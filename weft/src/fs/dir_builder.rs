//! `DirBuilder`: directory creation with options.

use std::io;
use std::path::Path;

use super::asyncify;

/// A builder for creating directories in various manners.
///
/// The asynchronous version of [`std::fs::DirBuilder`].
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let root = std::env::temp_dir().join(format!("weft-dirbuilder-{}", std::process::id()));
/// weft::fs::DirBuilder::new().recursive(true).create(root.join("a/b")).await?;
/// assert!(root.join("a/b").is_dir());
/// # weft::fs::remove_dir_all(&root).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Default)]
pub struct DirBuilder {
    recursive: bool,
    #[cfg(unix)]
    mode: Option<u32>,
}

impl DirBuilder {
    /// Creates a builder with default settings: not recursive, default
    /// permissions.
    ///
    /// ```
    /// let builder = weft::fs::DirBuilder::new();
    /// # drop(builder);
    /// ```
    pub fn new() -> Self {
        DirBuilder::default()
    }

    /// Indicates whether missing parent directories are created too.
    ///
    /// ```
    /// let mut builder = weft::fs::DirBuilder::new();
    /// builder.recursive(true);
    /// ```
    pub fn recursive(&mut self, recursive: bool) -> &mut Self {
        self.recursive = recursive;
        self
    }

    /// Sets the mode (permission bits) of created directories (default
    /// `0o777`, filtered by the umask).
    ///
    /// ```
    /// let mut builder = weft::fs::DirBuilder::new();
    /// builder.mode(0o755);
    /// ```
    #[cfg(unix)]
    pub fn mode(&mut self, mode: u32) -> &mut Self {
        self.mode = Some(mode);
        self
    }

    /// Creates the directory at `path` with the configured options.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() -> std::io::Result<()> {
    /// let path = std::env::temp_dir().join(format!("weft-dirbuilder-create-{}", std::process::id()));
    /// weft::fs::DirBuilder::new().create(&path).await?;
    /// assert!(path.is_dir());
    /// # weft::fs::remove_dir(&path).await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn create(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let path = path.as_ref().to_owned();
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(self.recursive);
        #[cfg(unix)]
        if let Some(mode) = self.mode {
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, mode);
        }
        asyncify(move || builder.create(path)).await
    }
}
