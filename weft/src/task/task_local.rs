//! Task-local storage: `task_local!` and [`LocalKey`].
//!
//! A task-local value is a thread-local slot that holds the value only while
//! the future it is scoped to is being polled (or dropped): each poll of a
//! [`TaskLocalFuture`] swaps its value into the thread-local, polls the inner
//! future, and swaps the value back out, even if the poll panics. So the
//! value follows the future from poll to poll and thread to thread, nested
//! scopes see their own value and restore the outer one, and a task spawned
//! from inside the scope does not see it (its polls do not go through the
//! scope).

use pin_project_lite::pin_project;
use std::cell::RefCell;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::marker::PhantomPinned;
use std::mem;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Declares new task-local keys of type [`LocalKey`].
///
/// The syntax is `[pub] static NAME: TYPE;`, repeated; attributes (like doc
/// comments) are allowed. Each key is set with [`LocalKey::scope`] or
/// [`LocalKey::sync_scope`] and read with [`LocalKey::with`] or
/// [`LocalKey::get`].
///
/// ```
/// weft::task_local! {
///     pub static REQUEST_ID: u32;
///     static USER: String;
/// }
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// REQUEST_ID
///     .scope(7, async {
///         assert_eq!(REQUEST_ID.get(), 7);
///     })
///     .await;
/// assert!(USER.try_with(|_| ()).is_err());
/// # }
/// ```
#[macro_export]
macro_rules! task_local {
    // The end of the list.
    () => {};

    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty; $($rest:tt)*) => {
        $crate::__task_local_inner!($(#[$attr])* $vis $name, $t);
        $crate::task_local!($($rest)*);
    };

    ($(#[$attr:meta])* $vis:vis static $name:ident: $t:ty) => {
        $crate::__task_local_inner!($(#[$attr])* $vis $name, $t);
    }
}

/// One key of `task_local!`: a static `LocalKey` over a thread-local slot.
#[doc(hidden)]
#[macro_export]
macro_rules! __task_local_inner {
    ($(#[$attr:meta])* $vis:vis $name:ident, $t:ty) => {
        $(#[$attr])*
        $vis static $name: $crate::task::LocalKey<$t> = {
            ::std::thread_local! {
                static __WEFT_TASK_LOCAL: ::std::cell::RefCell<::std::option::Option<$t>> =
                    const { ::std::cell::RefCell::new(::std::option::Option::None) };
            }
            $crate::task::LocalKey { inner: __WEFT_TASK_LOCAL }
        };
    };
}

/// A key for task-local data, declared with [`task_local!`](crate::task_local).
///
/// The value is available to a future while it runs inside
/// [`scope`](LocalKey::scope) (or to a closure inside
/// [`sync_scope`](LocalKey::sync_scope)), and not elsewhere: not to other
/// tasks, not to tasks spawned from within the scope.
///
/// ```
/// weft::task_local! {
///     static NUMBER: u32;
/// }
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// NUMBER
///     .scope(1, async move {
///         assert_eq!(NUMBER.get(), 1);
///         NUMBER
///             .scope(2, async { assert_eq!(NUMBER.get(), 2) })
///             .await;
///         assert_eq!(NUMBER.get(), 1); // the outer value is back
///     })
///     .await;
/// # }
/// ```
pub struct LocalKey<T: 'static> {
    /// The thread-local slot; public only for `task_local!`.
    #[doc(hidden)]
    pub inner: std::thread::LocalKey<RefCell<Option<T>>>,
}

/// Why a scope could not be entered.
enum ScopeError {
    /// The slot is borrowed (`with` is running on this thread).
    Borrowed,
    /// The thread-local is being destroyed (thread exit).
    Destroyed,
}

impl ScopeError {
    #[track_caller]
    fn panic(&self) -> ! {
        match self {
            ScopeError::Borrowed => panic!(
                "cannot enter a task-local scope while the task-local storage is borrowed"
            ),
            ScopeError::Destroyed => panic!(
                "cannot enter a task-local scope during or after destruction of the underlying thread-local"
            ),
        }
    }
}

impl<T: 'static> LocalKey<T> {
    /// Sets the value of the task-local to `value` for the whole life of `f`
    /// (every poll, and its drop), returning a future that runs `f`.
    ///
    /// ```
    /// weft::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let v = NUMBER.scope(5, async { NUMBER.get() * 2 }).await;
    /// assert_eq!(v, 10);
    /// # }
    /// ```
    pub fn scope<F>(&'static self, value: T, f: F) -> TaskLocalFuture<T, F>
    where
        F: Future,
    {
        TaskLocalFuture {
            local: self,
            slot: Some(value),
            future: Some(f),
            _pinned: PhantomPinned,
        }
    }

    /// Sets the value of the task-local to `value` while the closure `f` runs.
    ///
    /// # Panics
    ///
    /// If called inside [`with`](LocalKey::with) of the same key.
    ///
    /// ```
    /// weft::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// let v = NUMBER.sync_scope(3, || NUMBER.get() + 1);
    /// assert_eq!(v, 4);
    /// ```
    #[track_caller]
    pub fn sync_scope<F, R>(&'static self, value: T, f: F) -> R
    where
        F: FnOnce() -> R,
    {
        let mut slot = Some(value);
        match self.scope_inner(&mut slot, f) {
            Ok(r) => r,
            Err(err) => err.panic(),
        }
    }

    /// Swaps `slot` into the thread-local, runs `f`, and swaps it back out,
    /// also when `f` panics.
    fn scope_inner<F, R>(&'static self, slot: &mut Option<T>, f: F) -> Result<R, ScopeError>
    where
        F: FnOnce() -> R,
    {
        /// Swaps the values back on the way out, panic or not.
        struct Restore<'a, T: 'static> {
            local: &'static LocalKey<T>,
            slot: &'a mut Option<T>,
        }
        impl<T: 'static> Drop for Restore<'_, T> {
            fn drop(&mut self) {
                // Entering succeeded with the same key, so neither failure
                // can happen now: no `with` borrow outlives `f`, and the
                // thread-local cannot be destroyed while `f` runs on it.
                self.local.inner.with(|cell| {
                    let mut value = cell.borrow_mut();
                    mem::swap(self.slot, &mut *value);
                });
            }
        }

        self.inner
            .try_with(|cell| {
                let mut value = cell.try_borrow_mut().map_err(|_| ScopeError::Borrowed)?;
                mem::swap(slot, &mut *value);
                Ok(())
            })
            .map_err(|_| ScopeError::Destroyed)??;
        let _restore = Restore { local: self, slot };
        Ok(f())
    }

    /// Calls `f` with a reference to the current value.
    ///
    /// # Panics
    ///
    /// Outside a scope of this key: "cannot access a task-local storage
    /// value without setting it first".
    ///
    /// ```
    /// weft::task_local! {
    ///     static NAME: String;
    /// }
    ///
    /// let len = NAME.sync_scope("weft".to_string(), || NAME.with(|s| s.len()));
    /// assert_eq!(len, 4);
    /// ```
    #[track_caller]
    pub fn with<F, R>(&'static self, f: F) -> R
    where
        F: FnOnce(&T) -> R,
    {
        match self.try_with(f) {
            Ok(r) => r,
            Err(_) => panic!("cannot access a task-local storage value without setting it first"),
        }
    }

    /// Calls `f` with a reference to the current value, or returns an
    /// `AccessError` outside a scope of this key.
    ///
    /// ```
    /// weft::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// assert!(NUMBER.try_with(|n| *n).is_err());
    /// assert_eq!(NUMBER.sync_scope(1, || NUMBER.try_with(|n| *n)), Ok(1));
    /// ```
    pub fn try_with<F, R>(&'static self, f: F) -> Result<R, AccessError>
    where
        F: FnOnce(&T) -> R,
    {
        // Borrow first, call `f` after: a panic in `f` must not look like
        // an access error, and the borrow must end before `f`'s result does.
        self.inner
            .try_with(|cell| {
                let value = cell.borrow();
                match value.as_ref() {
                    Some(value) => Ok(f(value)),
                    None => Err(AccessError { _private: () }),
                }
            })
            .unwrap_or(Err(AccessError { _private: () }))
    }
}

impl<T: Clone + 'static> LocalKey<T> {
    /// Returns a copy of the current value.
    ///
    /// # Panics
    ///
    /// Outside a scope of this key.
    ///
    /// ```
    /// weft::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// assert_eq!(NUMBER.sync_scope(9, || NUMBER.get()), 9);
    /// ```
    #[track_caller]
    pub fn get(&'static self) -> T {
        self.with(|v| v.clone())
    }

    /// Returns a copy of the current value, or an `AccessError` outside a
    /// scope of this key.
    ///
    /// ```
    /// weft::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// assert!(NUMBER.try_get().is_err());
    /// assert_eq!(NUMBER.sync_scope(9, || NUMBER.try_get()), Ok(9));
    /// ```
    pub fn try_get(&'static self) -> Result<T, AccessError> {
        self.try_with(|v| v.clone())
    }
}

impl<T: 'static> fmt::Debug for LocalKey<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad("LocalKey { .. }")
    }
}

pin_project! {
    /// A future that sets a task-local value while it is polled (and
    /// dropped), returned by [`LocalKey::scope`].
    ///
    /// ```
    /// weft::task_local! {
    ///     static NUMBER: u32;
    /// }
    ///
    /// # #[weft::main(flavor = "current_thread")]
    /// # async fn main() {
    /// let fut: weft::task::futures::TaskLocalFuture<u32, _> = NUMBER.scope(1, async { NUMBER.get() });
    /// assert_eq!(fut.await, 1);
    /// # }
    /// ```
    pub struct TaskLocalFuture<T, F>
    where
        T: 'static,
    {
        local: &'static LocalKey<T>,
        slot: Option<T>,
        #[pin]
        future: Option<F>,
        // `take_value` and the drop below rely on a stable address of `slot`
        // only through `Pin`; this keeps the future `!Unpin` like Tokio's.
        #[pin]
        _pinned: PhantomPinned,
    }

    impl<T: 'static, F> PinnedDrop for TaskLocalFuture<T, F> {
        fn drop(this: Pin<&mut Self>) {
            let this = this.project();
            if mem::needs_drop::<F>() && this.future.is_some() {
                // Drop the future inside the scope when possible, so that its
                // destructor sees the value (a task aborted mid-scope). If the
                // scope cannot be entered, the field drops normally.
                let mut future = this.future;
                let _ = this.local.scope_inner(this.slot, || future.set(None));
            }
        }
    }
}

impl<T: 'static, F> TaskLocalFuture<T, F> {
    /// Takes the task-local value out of the future, leaving `None`: later
    /// polls run the inner future without the value.
    ///
    /// ```
    /// weft::task_local! {
    ///     static KEY: u32;
    /// }
    ///
    /// let mut fut = Box::pin(KEY.scope(1, async {}));
    /// assert_eq!(fut.as_mut().take_value(), Some(1));
    /// assert_eq!(fut.as_mut().take_value(), None);
    /// ```
    pub fn take_value(self: Pin<&mut Self>) -> Option<T> {
        self.project().slot.take()
    }
}

impl<T: 'static, F: Future> Future for TaskLocalFuture<T, F> {
    type Output = F::Output;

    #[track_caller]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.project();
        let mut future = this.future;
        let res = this
            .local
            .scope_inner(this.slot, || match future.as_mut().as_pin_mut() {
                Some(fut) => {
                    let res = fut.poll(cx);
                    if res.is_ready() {
                        // Dropped inside the scope, like on abort.
                        future.set(None);
                    }
                    Some(res)
                }
                None => None,
            });
        match res {
            Ok(Some(res)) => res,
            Ok(None) => panic!("`TaskLocalFuture` polled after completion"),
            Err(err) => err.panic(),
        }
    }
}

impl<T: 'static, F> fmt::Debug for TaskLocalFuture<T, F>
where
    T: fmt::Debug,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        /// Shows the value itself, not `Some(value)`.
        struct Value<'a, T>(&'a Option<T>);
        impl<T: fmt::Debug> fmt::Debug for Value<'_, T> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.0 {
                    Some(value) => value.fmt(f),
                    None => f.pad("<missing>"),
                }
            }
        }
        f.debug_struct("TaskLocalFuture")
            .field("value", &Value(&self.slot))
            .finish()
    }
}

/// An error returned by [`LocalKey::try_with`] outside a scope of the key.
///
/// ```
/// weft::task_local! {
///     static KEY: u8;
/// }
///
/// let err = KEY.try_with(|_| ()).unwrap_err();
/// assert_eq!(err.to_string(), "task-local value not set");
/// ```
#[derive(Clone, Copy, Eq, PartialEq)]
pub struct AccessError {
    _private: (),
}

impl fmt::Debug for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessError").finish()
    }
}

impl fmt::Display for AccessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt("task-local value not set", f)
    }
}

impl Error for AccessError {}

#[cfg(all(test, not(loom)))]
mod tests {

    crate::task_local! {
        static KEY: u32;
    }

    #[test]
    fn value_is_restored_after_a_panic() {
        let res = std::panic::catch_unwind(|| {
            KEY.sync_scope(1, || {
                KEY.sync_scope(2, || panic!("boom"));
            })
        });
        assert!(res.is_err());
        assert!(KEY.try_with(|_| ()).is_err());
        KEY.sync_scope(1, || {
            let _ = std::panic::catch_unwind(|| KEY.sync_scope(2, || panic!("boom")));
            assert_eq!(KEY.get(), 1);
        });
    }

    #[test]
    #[should_panic(
        expected = "cannot enter a task-local scope while the task-local storage is borrowed"
    )]
    fn scope_inside_with_panics() {
        KEY.sync_scope(1, || KEY.with(|_| KEY.sync_scope(2, || ())));
    }
}
