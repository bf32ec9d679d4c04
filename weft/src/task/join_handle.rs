//! `JoinHandle`: the owned permission to await a task's output.

use crate::task::abort_handle::AbortHandle;
use crate::task::raw::RawTask;
use crate::task::{Id, JoinError};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::pin::Pin;
use std::task::{ready, Context, Poll, Waker};

/// An owned permission to join on a task (await its termination).
///
/// Awaiting it gives the task's output, or a [`JoinError`] if the task
/// panicked or was cancelled. Dropping it *detaches* the task: it keeps
/// running and its output is dropped.
///
/// ```
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let handle = weft::spawn(async { 5 + 3 });
/// assert_eq!(handle.await.unwrap(), 8);
/// # }
/// ```
pub struct JoinHandle<T> {
    raw: RawTask,
    _p: PhantomData<T>,
}

// SAFETY: the output is only moved out to the thread holding the handle, and
// only if it is `Send`; the cell itself is thread-safe.
unsafe impl<T: Send> Send for JoinHandle<T> {}
// SAFETY: `&JoinHandle` gives no access to the output (only `&mut` polls).
unsafe impl<T: Send> Sync for JoinHandle<T> {}

impl<T> UnwindSafe for JoinHandle<T> {}
impl<T> RefUnwindSafe for JoinHandle<T> {}
impl<T> Unpin for JoinHandle<T> {}

impl<T> JoinHandle<T> {
    pub(crate) fn new(raw: RawTask) -> JoinHandle<T> {
        JoinHandle {
            raw,
            _p: PhantomData,
        }
    }

    /// Aborts the task. The task stops at its next `.await` point (or before
    /// its first poll); awaiting the handle then gives a cancelled
    /// [`JoinError`], unless the task completed first.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let handle = weft::spawn(std::future::pending::<()>());
    /// handle.abort();
    /// assert!(handle.await.unwrap_err().is_cancelled());
    /// # }
    /// ```
    pub fn abort(&self) {
        self.raw.remote_abort();
    }

    /// Checks if the task has finished (completed, panicked or been cancelled).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let handle = weft::spawn(async {});
    /// weft::task::yield_now().await;
    /// assert!(handle.is_finished());
    /// # }
    /// ```
    pub fn is_finished(&self) -> bool {
        self.raw.header().state.load().is_complete()
    }

    /// Returns an [`AbortHandle`] that can abort the task from elsewhere.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let handle = weft::spawn(std::future::pending::<()>());
    /// let abort = handle.abort_handle();
    /// abort.abort();
    /// assert!(handle.await.unwrap_err().is_cancelled());
    /// # }
    /// ```
    pub fn abort_handle(&self) -> AbortHandle {
        self.raw.ref_inc();
        AbortHandle::new(self.raw)
    }

    /// Registers `waker` to be woken when the task completes, without taking
    /// the output or spending coop budget; wakes it at once if the task is
    /// already complete. `JoinSet` uses it to hand each task its entry's waker.
    pub(crate) fn set_join_waker(&mut self, waker: &Waker) {
        // SAFETY: `self` is the task's JoinHandle.
        if unsafe { self.raw.set_join_waker(waker) } {
            waker.wake_by_ref();
        }
    }

    /// Returns the [task id](crate::task::Id) of the task.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let handle = weft::spawn(async { weft::task::id() });
    /// let id = handle.id();
    /// assert_eq!(handle.await.unwrap(), id);
    /// # }
    /// ```
    pub fn id(&self) -> Id {
        self.raw.header().id()
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut ret = Poll::Pending;
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        // SAFETY: `ret` is a `Poll<Result<T, JoinError>>` with the task's output type.
        unsafe {
            self.raw.try_read_output(
                &mut ret as *mut Poll<Result<T, JoinError>> as *mut (),
                cx.waker(),
            );
        }
        if ret.is_ready() {
            coop.made_progress();
        }
        ret
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        if self.raw.drop_join_handle_fast() {
            return;
        }
        self.raw.drop_join_handle_slow();
    }
}

impl<T> fmt::Debug for JoinHandle<T>
where
    T: fmt::Debug,
{
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("JoinHandle")
            .field("id", &self.id())
            .finish()
    }
}
