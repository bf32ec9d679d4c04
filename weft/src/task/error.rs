//! `JoinError`: why a task produced no output.

use crate::task::Id;
use std::any::Any;
use std::fmt;
use std::io;

/// Task failed to execute to completion: it was cancelled, or it panicked.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let err = weft::spawn(async { panic!("boom") }).await.unwrap_err();
/// assert!(err.is_panic());
/// assert_eq!(*err.into_panic().downcast::<&str>().unwrap(), "boom");
/// # }
/// ```
pub struct JoinError {
    repr: Repr,
    id: Id,
}

enum Repr {
    Cancelled,
    Panic(SyncWrapper<Box<dyn Any + Send + 'static>>),
}

/// Makes the panic payload `Sync` (so `JoinError` is `Sync`) by allowing
/// access to it only through `&mut` or by value.
struct SyncWrapper<T>(T);

// SAFETY: the wrapped value is reached through a shared reference only by
// `panic_payload_as_str`, which downcasts it (a vtable read) and then reads
// it only as `String` or `&str`, both `Sync`; every other access is by value.
unsafe impl<T: Send> Sync for SyncWrapper<T> {}

impl<T> SyncWrapper<T> {
    fn into_inner(self) -> T {
        self.0
    }
}

impl JoinError {
    pub(crate) fn cancelled(id: Id) -> JoinError {
        JoinError {
            repr: Repr::Cancelled,
            id,
        }
    }

    pub(crate) fn panic(id: Id, payload: Box<dyn Any + Send + 'static>) -> JoinError {
        JoinError {
            repr: Repr::Panic(SyncWrapper(payload)),
            id,
        }
    }

    /// Returns true if the error was caused by the task being cancelled.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let handle = weft::spawn(std::future::pending::<()>());
    /// handle.abort();
    /// assert!(handle.await.unwrap_err().is_cancelled());
    /// # }
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self.repr, Repr::Cancelled)
    }

    /// Returns true if the error was caused by the task panicking.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let err = weft::spawn(async { panic!("boom") }).await.unwrap_err();
    /// assert!(err.is_panic());
    /// # }
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self.repr, Repr::Panic(_))
    }

    /// Consumes the error, returning the object with which the task panicked.
    ///
    /// # Panics
    ///
    /// If the error is not a panic (see [`try_into_panic`](Self::try_into_panic)).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let err = weft::spawn(async { std::panic::panic_any(7u8) }).await.unwrap_err();
    /// assert_eq!(*err.into_panic().downcast::<u8>().unwrap(), 7);
    /// # }
    /// ```
    #[track_caller]
    pub fn into_panic(self) -> Box<dyn Any + Send + 'static> {
        self.try_into_panic()
            .expect("`JoinError` reason is not a panic.")
    }

    /// Consumes the error, returning the panic payload if the task panicked,
    /// or the error itself otherwise.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let err = weft::spawn(async { panic!("boom") }).await.unwrap_err();
    /// if let Ok(reason) = err.try_into_panic() {
    ///     // Resume the panic on the current task.
    ///     # let _ = reason;
    /// }
    /// # }
    /// ```
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send + 'static>, JoinError> {
        match self.repr {
            Repr::Panic(p) => Ok(p.into_inner()),
            _ => Err(self),
        }
    }

    /// Returns the [task id](crate::task::Id) of the task that failed.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let handle = weft::spawn(async { panic!() });
    /// let id = handle.id();
    /// assert_eq!(handle.await.unwrap_err().id(), id);
    /// # }
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }
}

fn panic_payload_as_str(payload: &SyncWrapper<Box<dyn Any + Send>>) -> Option<&str> {
    // Reading the payload through `&` is fine here: `&str` and `String` are Sync.
    let any = &payload.0;
    if let Some(s) = any.downcast_ref::<String>() {
        return Some(s);
    }
    if let Some(s) = any.downcast_ref::<&'static str>() {
        return Some(s);
    }
    None
}

impl fmt::Display for JoinError {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => write!(fmt, "task {} was cancelled", self.id),
            Repr::Panic(p) => match panic_payload_as_str(p) {
                Some(msg) => write!(fmt, "task {} panicked with message {:?}", self.id, msg),
                None => write!(fmt, "task {} panicked", self.id),
            },
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.repr {
            Repr::Cancelled => write!(fmt, "JoinError::Cancelled({:?})", self.id),
            Repr::Panic(p) => match panic_payload_as_str(p) {
                Some(msg) => write!(fmt, "JoinError::Panic({:?}, {:?}, ...)", self.id, msg),
                None => write!(fmt, "JoinError::Panic({:?}, ...)", self.id),
            },
        }
    }
}

impl std::error::Error for JoinError {}

impl From<JoinError> for io::Error {
    fn from(src: JoinError) -> io::Error {
        io::Error::other(match src.repr {
            Repr::Cancelled => "task was cancelled",
            Repr::Panic(_) => "task panicked",
        })
    }
}
