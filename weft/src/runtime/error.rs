//! Errors of the runtime module.

use crate::runtime::context::{CONTEXT_MISSING_ERROR, THREAD_LOCAL_DESTROYED_ERROR};
use std::error::Error;
use std::fmt;

/// Error returned by [`Handle::try_current`](crate::runtime::Handle::try_current)
/// when no runtime is entered on this thread.
///
/// ```
/// let err = weft::runtime::Handle::try_current().unwrap_err();
/// assert!(err.is_missing_context());
/// assert!(!err.is_thread_local_destroyed());
/// ```
pub struct TryCurrentError {
    kind: TryCurrentErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TryCurrentErrorKind {
    NoContext,
    ThreadLocalDestroyed,
}

impl TryCurrentError {
    pub(crate) fn new(kind: TryCurrentErrorKind) -> TryCurrentError {
        TryCurrentError { kind }
    }

    /// Returns true if the call failed because there is no runtime entered.
    pub fn is_missing_context(&self) -> bool {
        self.kind == TryCurrentErrorKind::NoContext
    }

    /// Returns true if the call failed because the thread-local holding the
    /// runtime context was already destroyed (in a thread-local destructor).
    pub fn is_thread_local_destroyed(&self) -> bool {
        self.kind == TryCurrentErrorKind::ThreadLocalDestroyed
    }
}

impl fmt::Debug for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TryCurrentError")
            .field("kind", &self.kind)
            .finish()
    }
}

impl fmt::Display for TryCurrentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            TryCurrentErrorKind::NoContext => f.write_str(CONTEXT_MISSING_ERROR),
            TryCurrentErrorKind::ThreadLocalDestroyed => f.write_str(THREAD_LOCAL_DESTROYED_ERROR),
        }
    }
}

impl Error for TryCurrentError {}
