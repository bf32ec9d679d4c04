//! `JoinSet`: a collection of tasks, joined in the order they complete.
//!
//! The set keeps each task's `JoinHandle` in an [`IdleNotifiedSet`] entry
//! whose waker is the handle's join waker: a task that completes moves its
//! entry to the notified list, and `join_next` looks only there. A set of
//! 100k running tasks is never scanned; each completed task costs O(1).

use crate::runtime::Handle;
use crate::task::coop::unconstrained;
use crate::task::idle_notified_set::IdleNotifiedSet;
use crate::task::{AbortHandle, Id, JoinError, JoinHandle, LocalSet};
use std::fmt;
use std::future::{poll_fn, Future};
use std::panic;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A collection of tasks spawned on a weft runtime.
///
/// A `JoinSet` awaits the completion of some or all of its tasks, and
/// returns their outputs in the order they complete. All tasks must have the
/// same return type `T`. When the `JoinSet` is dropped, every task in it is
/// immediately aborted.
///
/// ```
/// use weft::task::JoinSet;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut set = JoinSet::new();
/// for i in 0..10 {
///     set.spawn(async move { i });
/// }
/// let mut seen = [false; 10];
/// while let Some(res) = set.join_next().await {
///     seen[res.unwrap()] = true;
/// }
/// assert!(seen.iter().all(|&b| b));
/// # }
/// ```
///
/// A `JoinSet` is `Send` (and `Sync`) when its output type is `Send`, and
/// only then:
///
/// ```compile_fail
/// fn assert_send<T: Send>() {}
/// assert_send::<weft::task::JoinSet<std::rc::Rc<u8>>>();
/// ```
pub struct JoinSet<T> {
    inner: IdleNotifiedSet<JoinHandle<T>>,
}

impl<T> JoinSet<T> {
    /// Creates an empty `JoinSet`.
    ///
    /// ```
    /// let set = weft::task::JoinSet::<()>::new();
    /// assert!(set.is_empty());
    /// ```
    pub fn new() -> JoinSet<T> {
        JoinSet {
            inner: IdleNotifiedSet::new(),
        }
    }

    /// Returns the number of tasks currently in the `JoinSet` (including
    /// finished tasks whose output was not joined yet).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn(async {});
    /// assert_eq!(set.len(), 1);
    /// # }
    /// ```
    pub fn len(&self) -> usize {
        self.inner.len()
    }

    /// Returns whether the `JoinSet` is empty.
    ///
    /// ```
    /// let set = weft::task::JoinSet::<u8>::new();
    /// assert!(set.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}

impl<T: 'static> JoinSet<T> {
    /// Spawns `task` on the current runtime and adds it to the set, returning
    /// an [`AbortHandle`] for it.
    ///
    /// # Panics
    ///
    /// Outside a runtime context.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = weft::task::JoinSet::new();
    /// let abort = set.spawn(std::future::pending::<()>());
    /// abort.abort();
    /// assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send,
    {
        self.insert(crate::task::spawn(task))
    }

    /// Spawns `task` on the runtime of `handle` and adds it to the set.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn_on(async { 7 }, rt.handle());
    /// assert_eq!(rt.block_on(set.join_next()).unwrap().unwrap(), 7);
    /// ```
    #[track_caller]
    pub fn spawn_on<F>(&mut self, task: F, handle: &Handle) -> AbortHandle
    where
        F: Future<Output = T> + Send + 'static,
        T: Send,
    {
        self.insert(handle.spawn(task))
    }

    /// Spawns a `!Send` task on the current [`LocalSet`] and adds it to the set.
    ///
    /// # Panics
    ///
    /// Outside a `LocalSet`: "`spawn_local` called from outside of a
    /// `task::LocalSet` or `runtime::LocalRuntime`".
    ///
    /// ```
    /// use std::rc::Rc;
    /// use weft::task::{JoinSet, LocalSet};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// LocalSet::new()
    ///     .run_until(async {
    ///         let mut set = JoinSet::new();
    ///         let shared = Rc::new(3);
    ///         let s = shared.clone();
    ///         set.spawn_local(async move { *s + 1 });
    ///         assert_eq!(set.join_next().await.unwrap().unwrap(), 4);
    ///     })
    ///     .await;
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn_local<F>(&mut self, task: F) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
    {
        self.insert(crate::task::spawn_local(task))
    }

    /// Spawns a `!Send` task on `local_set` and adds it to the set. The task
    /// runs only while the `LocalSet` is driven.
    ///
    /// ```
    /// use weft::task::{JoinSet, LocalSet};
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let local = LocalSet::new();
    /// let mut set = JoinSet::new();
    /// set.spawn_local_on(async { std::rc::Rc::new(5) }, &local);
    /// let out = local.run_until(set.join_next()).await;
    /// assert_eq!(*out.unwrap().unwrap(), 5);
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn_local_on<F>(&mut self, task: F, local_set: &LocalSet) -> AbortHandle
    where
        F: Future<Output = T> + 'static,
    {
        self.insert(local_set.spawn_local(task))
    }

    /// Runs `f` on the current runtime's blocking pool and adds it to the set.
    ///
    /// Blocking tasks cannot be aborted once they started: aborting one
    /// before it started prevents it from running.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn_blocking(|| 6 * 7);
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), 42);
    /// # }
    /// ```
    #[track_caller]
    pub fn spawn_blocking<F>(&mut self, f: F) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send,
    {
        self.insert(crate::task::spawn_blocking(f))
    }

    /// Runs `f` on the blocking pool of `handle`'s runtime and adds it to the set.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn_blocking_on(|| "blocking", rt.handle());
    /// assert_eq!(rt.block_on(set.join_next()).unwrap().unwrap(), "blocking");
    /// ```
    #[track_caller]
    pub fn spawn_blocking_on<F>(&mut self, f: F, handle: &Handle) -> AbortHandle
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send,
    {
        self.insert(handle.spawn_blocking(f))
    }

    fn insert(&mut self, join: JoinHandle<T>) -> AbortHandle {
        let abort = join.abort_handle();
        let mut entry = self.inner.insert_idle(join);
        // The entry's waker becomes the join waker: completion moves the
        // entry to the notified list (woken at once if already complete).
        entry.with_value_and_context(|join, cx| join.set_join_waker(cx.waker()));
        abort
    }

    /// Waits until one of the tasks in the set completes and returns its
    /// output, or `None` if the set is empty.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if it is used in `select!` and another branch completes
    /// first, no task output is lost.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn(async { "done" });
    /// assert_eq!(set.join_next().await.unwrap().unwrap(), "done");
    /// assert!(set.join_next().await.is_none());
    /// # }
    /// ```
    pub async fn join_next(&mut self) -> Option<Result<T, JoinError>> {
        poll_fn(|cx| self.poll_join_next(cx)).await
    }

    /// As [`join_next`](JoinSet::join_next), also returning the [task id](Id)
    /// of the completed task.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = weft::task::JoinSet::new();
    /// let id = set.spawn(async { 1 }).id();
    /// assert_eq!(set.join_next_with_id().await.unwrap().unwrap(), (id, 1));
    /// # }
    /// ```
    pub async fn join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        poll_fn(|cx| self.poll_join_next_with_id(cx)).await
    }

    /// Returns the output of a task that has completed, without waiting;
    /// `None` if no task has completed (or the set is empty).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn(async { 2 });
    /// assert!(set.try_join_next().is_none()); // not run yet
    /// weft::task::yield_now().await;
    /// assert_eq!(set.try_join_next().unwrap().unwrap(), 2);
    /// # }
    /// ```
    pub fn try_join_next(&mut self) -> Option<Result<T, JoinError>> {
        self.try_join_next_with_id()
            .map(|res| res.map(|(_, output)| output))
    }

    /// As [`try_join_next`](JoinSet::try_join_next), also returning the task id.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = weft::task::JoinSet::new();
    /// let id = set.spawn(async { 2 }).id();
    /// weft::task::yield_now().await;
    /// assert_eq!(set.try_join_next_with_id().unwrap().unwrap(), (id, 2));
    /// # }
    /// ```
    pub fn try_join_next_with_id(&mut self) -> Option<Result<(Id, T), JoinError>> {
        // Look at notified entries until one is ready or none is left.
        loop {
            let mut entry = self.inner.try_pop_notified()?;
            let res = entry.with_value_and_context(|join, cx| {
                // Not async: it cannot yield, so it must not be made to by
                // the budget either.
                let id = join.id();
                Pin::new(&mut unconstrained(join))
                    .poll(cx)
                    .map(|res| res.map(|output| (id, output)))
            });
            if let Poll::Ready(res) = res {
                drop(entry.remove());
                return Some(res);
            }
        }
    }

    /// Aborts every task and waits for them to finish shutting down.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = weft::task::JoinSet::new();
    /// for _ in 0..5 {
    ///     set.spawn(std::future::pending::<()>());
    /// }
    /// set.shutdown().await;
    /// assert!(set.is_empty());
    /// # }
    /// ```
    pub async fn shutdown(&mut self) {
        self.abort_all();
        while self.join_next().await.is_some() {}
    }

    /// Awaits every task and returns their outputs, in completion order.
    ///
    /// # Panics
    ///
    /// If a task panicked, its panic is resumed here; if a task was
    /// cancelled, this panics with the [`JoinError`]'s message. The other
    /// tasks are aborted (the set is dropped).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = weft::task::JoinSet::new();
    /// for i in 0..3 {
    ///     set.spawn(async move { i });
    /// }
    /// let mut out = set.join_all().await;
    /// out.sort();
    /// assert_eq!(out, vec![0, 1, 2]);
    /// # }
    /// ```
    pub async fn join_all(mut self) -> Vec<T> {
        let mut output = Vec::with_capacity(self.len());
        while let Some(res) = self.join_next().await {
            match res {
                Ok(t) => output.push(t),
                Err(err) if err.is_panic() => panic::resume_unwind(err.into_panic()),
                Err(err) => panic!("{err}"),
            }
        }
        output
    }

    /// Aborts every task in the set. The tasks stay in the set: joining
    /// them reports each as cancelled (or its output, if it completed first).
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn(std::future::pending::<()>());
    /// set.abort_all();
    /// assert!(set.join_next().await.unwrap().unwrap_err().is_cancelled());
    /// # }
    /// ```
    pub fn abort_all(&mut self) {
        self.inner.for_each(|join| join.abort());
    }

    /// Removes every task from the set without aborting them: they keep
    /// running, detached, as if their `JoinHandle`s were dropped.
    ///
    /// ```
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn(async {});
    /// set.detach_all();
    /// assert!(set.is_empty());
    /// # }
    /// ```
    pub fn detach_all(&mut self) {
        self.inner.drain(drop);
    }

    /// Polls for the next completed task: `Ready(Some(..))` with its output,
    /// `Ready(None)` if the set is empty, or `Pending` (the waker in `cx` is
    /// woken when a task completes).
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = weft::task::JoinSet::new();
    /// set.spawn(async { 9 });
    /// let out = poll_fn(|cx| set.poll_join_next(cx)).await;
    /// assert_eq!(out.unwrap().unwrap(), 9);
    /// # }
    /// ```
    pub fn poll_join_next(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<T, JoinError>>> {
        self.poll_join_next_with_id(cx)
            .map(|opt| opt.map(|res| res.map(|(_, output)| output)))
    }

    /// As [`poll_join_next`](JoinSet::poll_join_next), also returning the task id.
    ///
    /// ```
    /// use std::future::poll_fn;
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let mut set = weft::task::JoinSet::new();
    /// let id = set.spawn(async { 9 }).id();
    /// let out = poll_fn(|cx| set.poll_join_next_with_id(cx)).await;
    /// assert_eq!(out.unwrap().unwrap(), (id, 9));
    /// # }
    /// ```
    pub fn poll_join_next_with_id(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<(Id, T), JoinError>>> {
        // The owner's waker is registered before the notified list is
        // looked at, so a task completing meanwhile is not missed.
        let Some(mut entry) = self.inner.pop_notified(cx.waker()) else {
            return if self.is_empty() {
                Poll::Ready(None)
            } else {
                Poll::Pending
            };
        };
        let res = entry.with_value_and_context(|join, entry_cx| {
            let id = join.id();
            Pin::new(join)
                .poll(entry_cx)
                .map(|res| res.map(|output| (id, output)))
        });
        match res {
            Poll::Ready(res) => {
                drop(entry.remove());
                Poll::Ready(Some(res))
            }
            Poll::Pending => {
                // The budget is spent (the JoinHandle deferred the entry's
                // waker until the driver ran); yield, and be polled again.
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
    }
}

impl<T> Drop for JoinSet<T> {
    fn drop(&mut self) {
        self.inner.drain(|join| join.abort());
    }
}

impl<T> fmt::Debug for JoinSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinSet").field("len", &self.len()).finish()
    }
}

impl<T> Default for JoinSet<T> {
    fn default() -> JoinSet<T> {
        JoinSet::new()
    }
}

/// Collects futures into a `JoinSet`, spawning each on the current runtime.
///
/// ```
/// use weft::task::JoinSet;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let set: JoinSet<_> = (0..4).map(|i| async move { i * 2 }).collect();
/// let mut out = set.join_all().await;
/// out.sort();
/// assert_eq!(out, vec![0, 2, 4, 6]);
/// # }
/// ```
impl<T, F> FromIterator<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    #[track_caller]
    fn from_iter<I: IntoIterator<Item = F>>(iter: I) -> JoinSet<T> {
        let mut set = JoinSet::new();
        set.extend(iter);
        set
    }
}

/// Spawns every future of the iterator on the current runtime, into the set.
///
/// ```
/// use weft::task::JoinSet;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let mut set = JoinSet::new();
/// set.extend((0..3).map(|i| async move { i }));
/// assert_eq!(set.len(), 3);
/// # }
/// ```
impl<T, F> Extend<F> for JoinSet<T>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    #[track_caller]
    fn extend<I: IntoIterator<Item = F>>(&mut self, iter: I) {
        for task in iter {
            self.spawn(task);
        }
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::task::test_sched::{self, TestSched};

    /// A task completing on another thread while the owner waits in
    /// `join_next`: the completion moves the entry to the notified list and
    /// wakes the owner; the output is never lost.
    #[test]
    fn completion_on_another_thread_is_joined() {
        loom::model(|| {
            let sched = TestSched::new();
            let mut set = JoinSet::new();
            set.insert(test_sched::spawn(&sched, async { 7u32 }));
            let s = sched.clone();
            let t = loom::thread::spawn(move || {
                s.run_all();
            });
            let res = loom::future::block_on(set.join_next());
            t.join().unwrap();
            assert_eq!(res.unwrap().unwrap(), 7);
            assert!(set.is_empty());
        });
    }

    /// `abort_all` racing with the task's first poll on another thread: the
    /// owner joins exactly one result, completed or cancelled.
    #[test]
    fn abort_all_vs_poll() {
        loom::model(|| {
            let sched = TestSched::new();
            let mut set = JoinSet::new();
            set.insert(test_sched::spawn(&sched, async { 1u32 }));
            let s = sched.clone();
            let t = loom::thread::spawn(move || {
                s.run_all();
            });
            set.abort_all();
            t.join().unwrap();
            // The abort may have queued the task again (to cancel it).
            sched.run_all();
            match set.try_join_next() {
                Some(Ok(v)) => assert_eq!(v, 1),
                Some(Err(e)) => assert!(e.is_cancelled()),
                None => panic!("the task's result was lost"),
            }
            assert!(set.is_empty());
        });
    }
}
