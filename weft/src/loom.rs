//! The one facade over synchronisation primitives.
//!
//! Every module takes its atomics, locks, cells and threads from here, so that
//! the same code runs under the loom model checker (`RUSTFLAGS="--cfg loom"`)
//! and in production. Under loom the primitives are loom's; otherwise they are
//! std's, wrapped to present the same API (loom's `UnsafeCell` has closures
//! instead of `get`, and its `Mutex` never poisons).

#[cfg(loom)]
#[allow(unused_imports)]
pub(crate) use loom::{hint, thread};

#[cfg(not(loom))]
#[allow(unused_imports)]
pub(crate) use std::{hint, thread};

pub(crate) mod sync {
    #[cfg(loom)]
    pub(crate) use loom::sync::{Arc, Condvar, MutexGuard};
    #[cfg(not(loom))]
    pub(crate) use std::sync::{Arc, Condvar, MutexGuard};

    #[allow(unused_imports)]
    pub(crate) mod atomic {
        #[cfg(loom)]
        pub(crate) use loom::sync::atomic::{
            fence, AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
        };
        #[cfg(not(loom))]
        pub(crate) use std::sync::atomic::{
            fence, AtomicBool, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering,
        };
    }

    /// A mutex that ignores poisoning: a panic while holding one of weft's
    /// locks never leaves the protected state half-updated (the critical
    /// sections do not call user code), so the data stays usable.
    #[derive(Debug, Default)]
    pub(crate) struct Mutex<T: ?Sized> {
        #[cfg(loom)]
        inner: loom::sync::Mutex<T>,
        #[cfg(not(loom))]
        inner: std::sync::Mutex<T>,
    }

    impl<T> Mutex<T> {
        pub(crate) fn new(value: T) -> Mutex<T> {
            Mutex {
                #[cfg(loom)]
                inner: loom::sync::Mutex::new(value),
                #[cfg(not(loom))]
                inner: std::sync::Mutex::new(value),
            }
        }
    }

    impl<T> Mutex<T> {
        /// `new` in a `const` context (std only: loom's mutex is not const).
        #[cfg(not(loom))]
        pub(crate) const fn const_new(value: T) -> Mutex<T> {
            Mutex {
                inner: std::sync::Mutex::new(value),
            }
        }
    }

    impl<T: ?Sized> Mutex<T> {
        pub(crate) fn lock(&self) -> MutexGuard<'_, T> {
            match self.inner.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            }
        }
    }

    /// A reader-writer lock that ignores poisoning, like [`Mutex`].
    #[derive(Debug, Default)]
    pub(crate) struct RwLock<T> {
        #[cfg(loom)]
        inner: loom::sync::RwLock<T>,
        #[cfg(not(loom))]
        inner: std::sync::RwLock<T>,
    }

    #[cfg(loom)]
    pub(crate) use loom::sync::{RwLockReadGuard, RwLockWriteGuard};
    #[cfg(not(loom))]
    pub(crate) use std::sync::{RwLockReadGuard, RwLockWriteGuard};

    impl<T> RwLock<T> {
        pub(crate) fn new(value: T) -> RwLock<T> {
            RwLock {
                #[cfg(loom)]
                inner: loom::sync::RwLock::new(value),
                #[cfg(not(loom))]
                inner: std::sync::RwLock::new(value),
            }
        }

        pub(crate) fn read(&self) -> RwLockReadGuard<'_, T> {
            self.inner.read().unwrap_or_else(|p| p.into_inner())
        }

        pub(crate) fn write(&self) -> RwLockWriteGuard<'_, T> {
            self.inner.write().unwrap_or_else(|p| p.into_inner())
        }
    }

    /// `Condvar::wait` without the poison result, to go with [`Mutex`].
    pub(crate) fn wait<'a, T>(cv: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
        match cv.wait(guard) {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// `Condvar::wait_timeout` without the poison result.
    pub(crate) fn wait_timeout<'a, T>(
        cv: &Condvar,
        guard: MutexGuard<'a, T>,
        timeout: std::time::Duration,
    ) -> MutexGuard<'a, T> {
        match cv.wait_timeout(guard, timeout) {
            Ok((guard, _)) => guard,
            Err(poisoned) => poisoned.into_inner().0,
        }
    }
}

pub(crate) mod cell {
    #[cfg(loom)]
    pub(crate) use loom::cell::UnsafeCell;

    /// std's `UnsafeCell` with loom's closure API, so that loom can track
    /// every access when the model checker runs.
    #[cfg(not(loom))]
    #[derive(Debug)]
    pub(crate) struct UnsafeCell<T: ?Sized>(std::cell::UnsafeCell<T>);

    #[cfg(not(loom))]
    impl<T> UnsafeCell<T> {
        pub(crate) const fn new(value: T) -> UnsafeCell<T> {
            UnsafeCell(std::cell::UnsafeCell::new(value))
        }

        #[allow(dead_code)]
        pub(crate) fn into_inner(self) -> T {
            self.0.into_inner()
        }
    }

    #[cfg(not(loom))]
    impl<T: ?Sized> UnsafeCell<T> {
        #[inline(always)]
        pub(crate) fn with<R>(&self, f: impl FnOnce(*const T) -> R) -> R {
            f(self.0.get())
        }

        #[inline(always)]
        pub(crate) fn with_mut<R>(&self, f: impl FnOnce(*mut T) -> R) -> R {
            f(self.0.get())
        }
    }
}
