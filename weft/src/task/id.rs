//! Task ids: unique among all tasks spawned by the process.

use crate::loom::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::fmt;
use std::num::NonZeroU64;

/// An opaque id that uniquely identifies a task relative to all other
/// currently running tasks.
///
/// Ids are unique among the tasks alive in the process; one may be reused
/// only after its task completed (weft never reuses them in practice: they
/// come from a 64-bit counter).
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let handle = weft::spawn(async { weft::task::id() });
/// let id = handle.id();
/// assert_eq!(handle.await.unwrap(), id);
/// # }
/// ```
#[derive(Clone, Copy, Debug, Hash, Eq, PartialEq, Ord, PartialOrd)]
pub struct Id(pub(crate) NonZeroU64);

impl Id {
    pub(crate) fn next() -> Id {
        #[cfg(not(loom))]
        static NEXT_ID: AtomicU64 = AtomicU64::new(1);
        #[cfg(loom)]
        loom::lazy_static! {
            static ref NEXT_ID: AtomicU64 = AtomicU64::new(1);
        }
        loop {
            if let Some(id) = NonZeroU64::new(NEXT_ID.fetch_add(1, Relaxed)) {
                return Id(id);
            }
        }
    }

    pub(crate) fn as_u64(self) -> u64 {
        self.0.get()
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Returns the [`Id`] of the currently running task.
///
/// # Panics
///
/// If called from outside a task.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let id = weft::spawn(async { weft::task::id() }).await.unwrap();
/// println!("the task's id was {id}");
/// # }
/// ```
#[track_caller]
pub fn id() -> Id {
    crate::runtime::context::current_task_id().expect("Can't get a task id when not inside a task")
}

/// Returns the [`Id`] of the currently running task, or `None` outside a task.
///
/// ```
/// assert!(weft::task::try_id().is_none());
/// ```
pub fn try_id() -> Option<Id> {
    crate::runtime::context::current_task_id()
}
