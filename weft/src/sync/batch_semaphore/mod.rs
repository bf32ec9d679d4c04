//! A fair counting semaphore whose waiters may ask for many permits at once.
//!
//! It is the engine under `Semaphore`, `Mutex`, `RwLock` and the bounded
//! `mpsc` channel. Waiters queue in FIFO order and permits go to the head of
//! the queue first, so a waiter asking for many permits is never overtaken by
//! later ones asking for few (that is what makes `Mutex` fair and `RwLock`
//! write-preferring).
//!
//! # The permit word
//!
//! `permits` holds `available << PERMIT_SHIFT | WAITERS | CLOSED`:
//!
//! | bit | set while |
//! |---|---|
//! | `CLOSED` | the semaphore has been closed (never cleared) |
//! | `WAITERS` | the wait queue is not empty; only changed with the queue locked |
//!
//! Invariant: when `WAITERS` is set, `available` is zero. Any permit released
//! while someone waits goes to the waiters first.
//!
//! # Protocol
//!
//! 1. Acquire, fast path: one compare-and-swap takes `n` permits when at least
//!    `n` are available. No lock.
//! 2. Acquire, slow path: with the queue locked, a compare-and-swap either
//!    takes `n` permits after all, or takes every available permit, sets
//!    `WAITERS`, and enqueues the waiter at the back, remembering how many
//!    permits it still needs.
//! 3. Release, fast path: while `WAITERS` is clear, one compare-and-swap adds
//!    the permits. It fails (and falls back to 4) if `WAITERS` was set
//!    meanwhile, so a releaser never adds permits that a new waiter misses.
//! 4. Release, slow path: with the queue locked, permits are assigned to the
//!    head waiter until it has all it asked for; it is then unlinked and
//!    woken, and the next one gets the rest. What remains once the queue is
//!    empty goes back to the word, clearing `WAITERS` in the same step.
//!    Wakers are called after the lock is released, in batches.
//! 5. Cancel: a dropped `Acquire` that is still queued unlinks itself and
//!    releases (step 4) the permits it had been partly assigned, so they go
//!    to the next waiter.
//! 6. Close: sets `CLOSED`, unlinks and wakes every waiter; they complete with
//!    `AcquireError` (even one already assigned all it asked for, as in
//!    Tokio), and their permits return when they are dropped.
//! 7. Budget: an `Acquire` takes its permits (or its place in the queue)
//!    first and consults the coop budget only then. A task out of budget
//!    keeps the permits in its node and yields; its next poll completes at
//!    once. So running out of budget never costs a task its FIFO place.
//!
//! The waiter node lives inside the pinned `Acquire` future: waiting
//! allocates nothing. The queue links, the waker and the `linked` flag of a
//! node are only touched with the queue locked; `needed` is written with the
//! queue locked and read without it by the future that owns the node.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::atomic::AtomicUsize;
use crate::loom::sync::atomic::Ordering::{AcqRel, Acquire as AcquireOrd, Release};
use crate::loom::sync::{Mutex, MutexGuard};
use std::fmt;
use std::future::Future;
use std::marker::PhantomPinned;
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{ready, Context, Poll, Waker};

/// The semaphore.
pub(crate) struct Semaphore {
    permits: AtomicUsize,
    waiters: Mutex<Waitlist>,
}

/// Error returned by [`Semaphore::acquire`](crate::sync::Semaphore::acquire)
/// when the semaphore has been closed.
///
/// ```
/// use weft::sync::Semaphore;
///
/// # #[weft::main(flavor = "current_thread")]
/// # async fn main() {
/// let sem = Semaphore::new(0);
/// sem.close();
/// let err = sem.acquire().await.unwrap_err();
/// assert_eq!(err.to_string(), "semaphore closed");
/// # }
/// ```
#[derive(Debug, PartialEq, Eq)]
pub struct AcquireError(());

/// Error returned by [`Semaphore::try_acquire`](crate::sync::Semaphore::try_acquire).
///
/// ```
/// use weft::sync::{Semaphore, TryAcquireError};
///
/// let sem = Semaphore::new(0);
/// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::NoPermits);
/// sem.close();
/// assert_eq!(sem.try_acquire().unwrap_err(), TryAcquireError::Closed);
/// ```
#[derive(Debug, PartialEq, Eq)]
pub enum TryAcquireError {
    /// The semaphore has been closed and cannot issue new permits.
    Closed,
    /// The semaphore has no available permits.
    NoPermits,
}

/// The queue of waiting `Acquire`s, oldest at the head.
struct Waitlist {
    head: Option<NonNull<Waiter>>,
    tail: Option<NonNull<Waiter>>,
}

// SAFETY: the list only holds pointers to `Waiter`s, whose link fields and
// waker are accessed with the list's mutex held; a `Waker` is `Send`.
unsafe impl Send for Waitlist {}

/// A waiter node; it lives inside an `Acquire` future, pinned.
struct Waiter {
    /// Permits this waiter still needs. Written with the queue locked.
    needed: AtomicUsize,
    /// Guarded by the queue lock.
    waker: UnsafeCell<Option<Waker>>,
    /// Whether the node is in the queue. Guarded by the queue lock.
    linked: UnsafeCell<bool>,
    prev: UnsafeCell<Option<NonNull<Waiter>>>,
    next: UnsafeCell<Option<NonNull<Waiter>>>,
    _pinned: PhantomPinned,
}

/// Future of [`Semaphore::acquire`].
pub(crate) struct Acquire<'a> {
    node: Waiter,
    semaphore: &'a Semaphore,
    num_permits: usize,
    /// The node may be in the queue, or holds permits (some or all of those
    /// asked for) that go back to the semaphore if the future is dropped.
    queued: bool,
}

// SAFETY: the node's `UnsafeCell`s are only touched through `&mut self`
// (poll, drop) or by other threads with the queue locked; a shared
// `&Acquire` gives access to nothing.
unsafe impl Sync for Acquire<'_> {}
// SAFETY: the node's raw pointers refer to other nodes of the same queue,
// only followed with the queue locked; moving the future to another thread
// moves nothing they point at (the future is pinned once queued).
unsafe impl Send for Acquire<'_> {}

/// Wakers collected under the lock, called after it is released.
struct WakeBatch {
    wakers: [Option<Waker>; WakeBatch::CAP],
    len: usize,
}

impl WakeBatch {
    const CAP: usize = 32;

    fn new() -> WakeBatch {
        WakeBatch {
            wakers: [const { None }; WakeBatch::CAP],
            len: 0,
        }
    }

    fn is_full(&self) -> bool {
        self.len == Self::CAP
    }

    fn push(&mut self, waker: Waker) {
        self.wakers[self.len] = Some(waker);
        self.len += 1;
    }

    fn wake_all(&mut self) {
        for slot in &mut self.wakers[..self.len] {
            if let Some(waker) = slot.take() {
                waker.wake();
            }
        }
        self.len = 0;
    }
}

impl Waitlist {
    const fn new() -> Waitlist {
        Waitlist {
            head: None,
            tail: None,
        }
    }

    fn is_empty(&self) -> bool {
        self.head.is_none()
    }

    /// # Safety
    ///
    /// `node` must be pinned, not in any list, and stay alive until unlinked;
    /// the caller holds the queue lock (it has `&mut self`).
    unsafe fn push_back(&mut self, node: NonNull<Waiter>) {
        // SAFETY: the caller guarantees `node` is alive and the lock is held,
        // and so is `tail` (every linked node is alive).
        unsafe {
            let n = node.as_ref();
            n.prev.with_mut(|p| *p = self.tail);
            n.next.with_mut(|p| *p = None);
            n.linked.with_mut(|p| *p = true);
            match self.tail {
                Some(tail) => tail.as_ref().next.with_mut(|p| *p = Some(node)),
                None => self.head = Some(node),
            }
        }
        self.tail = Some(node);
    }

    /// # Safety
    ///
    /// `node` must be alive and in this list; the queue lock is held.
    unsafe fn unlink(&mut self, node: NonNull<Waiter>) {
        // SAFETY: `node` and its neighbours are linked, hence alive; the
        // lock is held, so no one else touches the links.
        unsafe {
            let n = node.as_ref();
            let prev = n.prev.with_mut(|p| (*p).take());
            let next = n.next.with_mut(|p| (*p).take());
            match prev {
                Some(prev) => prev.as_ref().next.with_mut(|p| *p = next),
                None => self.head = next,
            }
            match next {
                Some(next) => next.as_ref().prev.with_mut(|p| *p = prev),
                None => self.tail = prev,
            }
            n.linked.with_mut(|p| *p = false);
        }
    }
}

impl Semaphore {
    /// The most permits a semaphore holds. Three low bits of the word are
    /// kept for flags (Tokio's limit, kept for compatibility).
    pub(crate) const MAX_PERMITS: usize = usize::MAX >> 3;
    const CLOSED: usize = 0b01;
    const WAITERS: usize = 0b10;
    const PERMIT_SHIFT: u32 = 2;
    const FLAGS: usize = Self::CLOSED | Self::WAITERS;

    #[track_caller]
    pub(crate) fn new(permits: usize) -> Semaphore {
        assert!(
            permits <= Self::MAX_PERMITS,
            "a semaphore may not have more than MAX_PERMITS permits ({})",
            Self::MAX_PERMITS
        );
        Semaphore {
            permits: AtomicUsize::new(permits << Self::PERMIT_SHIFT),
            waiters: Mutex::new(Waitlist::new()),
        }
    }

    /// `new` in a `const` context; not available under loom.
    #[cfg(not(loom))]
    #[track_caller]
    pub(crate) const fn const_new(permits: usize) -> Semaphore {
        assert!(permits <= Self::MAX_PERMITS);
        Semaphore {
            permits: AtomicUsize::new(permits << Self::PERMIT_SHIFT),
            waiters: Mutex::const_new(Waitlist::new()),
        }
    }

    pub(crate) fn available_permits(&self) -> usize {
        self.permits.load(AcquireOrd) >> Self::PERMIT_SHIFT
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.permits.load(AcquireOrd) & Self::CLOSED == Self::CLOSED
    }

    /// Takes `n` permits now, or fails without waiting.
    #[track_caller]
    pub(crate) fn try_acquire(&self, n: usize) -> Result<(), TryAcquireError> {
        assert!(
            n <= Self::MAX_PERMITS,
            "a semaphore may not have more than MAX_PERMITS permits ({})",
            Self::MAX_PERMITS
        );
        let want = n << Self::PERMIT_SHIFT;
        let mut curr = self.permits.load(AcquireOrd);
        loop {
            if curr & Self::CLOSED != 0 {
                return Err(TryAcquireError::Closed);
            }
            if curr & !Self::FLAGS < want {
                return Err(TryAcquireError::NoPermits);
            }
            match self
                .permits
                .compare_exchange(curr, curr - want, AcqRel, AcquireOrd)
            {
                Ok(_) => return Ok(()),
                Err(actual) => curr = actual,
            }
        }
    }

    /// Waits for `n` permits, in FIFO order with other waiters.
    #[track_caller]
    pub(crate) fn acquire(&self, n: usize) -> Acquire<'_> {
        assert!(
            n <= Self::MAX_PERMITS,
            "a semaphore may not have more than MAX_PERMITS permits ({})",
            Self::MAX_PERMITS
        );
        Acquire {
            node: Waiter {
                needed: AtomicUsize::new(n),
                waker: UnsafeCell::new(None),
                linked: UnsafeCell::new(false),
                prev: UnsafeCell::new(None),
                next: UnsafeCell::new(None),
                _pinned: PhantomPinned,
            },
            semaphore: self,
            num_permits: n,
            queued: false,
        }
    }

    /// Returns `n` permits: to the waiters first, the rest to the word
    /// (protocol steps 3 and 4).
    #[track_caller]
    pub(crate) fn release(&self, n: usize) {
        if n == 0 {
            return;
        }
        let mut curr = self.permits.load(AcquireOrd);
        while curr & Self::WAITERS == 0 {
            let next = Self::checked_add(curr, n);
            match self
                .permits
                .compare_exchange_weak(curr, next, AcqRel, AcquireOrd)
            {
                Ok(_) => return,
                Err(actual) => curr = actual,
            }
        }
        self.release_locked(n, self.waiters.lock());
    }

    /// `curr` plus `n` permits, panicking with Tokio's message on overflow.
    #[track_caller]
    fn checked_add(curr: usize, n: usize) -> usize {
        let available = curr >> Self::PERMIT_SHIFT;
        if n > Self::MAX_PERMITS - available {
            panic!(
                "number of added permits ({}) would overflow MAX_PERMITS ({})",
                n,
                Self::MAX_PERMITS
            );
        }
        curr + (n << Self::PERMIT_SHIFT)
    }

    /// Protocol step 4, with the queue already locked.
    #[track_caller]
    fn release_locked(&self, mut rem: usize, guard: MutexGuard<'_, Waitlist>) {
        let mut wakers = WakeBatch::new();
        let mut guard = Some(guard);
        while rem > 0 {
            let mut waiters = guard.take().unwrap_or_else(|| self.waiters.lock());
            while !wakers.is_full() && rem > 0 {
                let Some(head) = waiters.head else { break };
                // SAFETY: `head` is linked, hence alive, and the lock is held.
                let node = unsafe { head.as_ref() };
                let needed = node.needed.load(AcquireOrd);
                let assign = needed.min(rem);
                rem -= assign;
                if needed > assign {
                    node.needed.store(needed - assign, Release);
                    break;
                }
                // SAFETY: `head` is in this list and the lock is held.
                unsafe { waiters.unlink(head) };
                // SAFETY: the waker is guarded by the lock we hold.
                if let Some(waker) = node.waker.with_mut(|w| unsafe { (*w).take() }) {
                    wakers.push(waker);
                }
                // Last touch of the node: once its owner sees zero (without
                // the lock) it may complete and free the node.
                node.needed.store(0, Release);
            }
            if waiters.is_empty() {
                // Give the remainder back and clear WAITERS in one step.
                let mut curr = self.permits.load(AcquireOrd);
                loop {
                    let next = Self::checked_add(curr & !Self::WAITERS, rem);
                    match self
                        .permits
                        .compare_exchange(curr, next, AcqRel, AcquireOrd)
                    {
                        Ok(_) => break,
                        Err(actual) => curr = actual,
                    }
                }
                rem = 0;
            }
            drop(waiters);
            wakers.wake_all();
        }
    }

    /// Removes up to `n` available permits; returns how many were removed.
    pub(crate) fn forget_permits(&self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        let mut curr = self.permits.load(AcquireOrd);
        loop {
            let available = curr >> Self::PERMIT_SHIFT;
            let taken = available.min(n);
            let next = curr - (taken << Self::PERMIT_SHIFT);
            match self
                .permits
                .compare_exchange_weak(curr, next, AcqRel, AcquireOrd)
            {
                Ok(_) => return taken,
                Err(actual) => curr = actual,
            }
        }
    }

    /// Closes the semaphore: every waiter, present and future, fails.
    pub(crate) fn close(&self) {
        let mut waiters = self.waiters.lock();
        self.permits.fetch_or(Self::CLOSED, Release);
        let mut wakers = WakeBatch::new();
        loop {
            while !wakers.is_full() {
                let Some(head) = waiters.head else { break };
                // SAFETY: `head` is linked, hence alive, and the lock is held.
                unsafe { waiters.unlink(head) };
                // SAFETY: as above; the waker is guarded by the lock.
                let waker = unsafe { head.as_ref() }
                    .waker
                    .with_mut(|w| unsafe { (*w).take() });
                if let Some(waker) = waker {
                    wakers.push(waker);
                }
            }
            let done = waiters.is_empty();
            if done {
                // No one is queued (none can queue once closed): WAITERS
                // goes, so later releases take the fast path.
                self.permits.fetch_and(!Self::WAITERS, Release);
            }
            drop(waiters);
            wakers.wake_all();
            if done {
                return;
            }
            waiters = self.waiters.lock();
        }
    }

    /// Protocol steps 1 and 2 for a node not yet queued.
    fn poll_first(
        &self,
        node: Pin<&mut Waiter>,
        n: usize,
        cx: &mut Context<'_>,
    ) -> Poll<Result<(), AcquireError>> {
        match self.try_acquire_inner(n) {
            Ok(true) => return Poll::Ready(Ok(())),
            Ok(false) => {}
            Err(()) => return Poll::Ready(Err(AcquireError::closed())),
        }
        let mut waiters = self.waiters.lock();
        let want = n << Self::PERMIT_SHIFT;
        let mut curr = self.permits.load(AcquireOrd);
        let taken = loop {
            if curr & Self::CLOSED != 0 {
                return Poll::Ready(Err(AcquireError::closed()));
            }
            let (next, taken) = if curr & !Self::FLAGS >= want {
                (curr - want, n)
            } else {
                (
                    (curr & Self::CLOSED) | Self::WAITERS,
                    curr >> Self::PERMIT_SHIFT,
                )
            };
            match self
                .permits
                .compare_exchange(curr, next, AcqRel, AcquireOrd)
            {
                Ok(_) => break taken,
                Err(actual) => curr = actual,
            }
        };
        if taken == n {
            return Poll::Ready(Ok(()));
        }
        node.needed.store(n - taken, Release);
        node.waker.with_mut(|w| {
            // SAFETY: the node is not linked yet; only this future touches it.
            unsafe { *w = Some(cx.waker().clone()) }
        });
        // SAFETY: the node is pinned inside the future, not in the list, and
        // the future's `Drop` unlinks it before it is freed.
        unsafe {
            let ptr = NonNull::from(Pin::into_inner_unchecked(node));
            waiters.push_back(ptr);
        }
        Poll::Pending
    }

    /// Fast path: `Ok(true)` took the permits, `Ok(false)` not enough, `Err` closed.
    fn try_acquire_inner(&self, n: usize) -> Result<bool, ()> {
        let want = n << Self::PERMIT_SHIFT;
        let mut curr = self.permits.load(AcquireOrd);
        loop {
            if curr & Self::CLOSED != 0 {
                return Err(());
            }
            if curr & !Self::FLAGS < want {
                return Ok(false);
            }
            match self
                .permits
                .compare_exchange_weak(curr, curr - want, AcqRel, AcquireOrd)
            {
                Ok(_) => return Ok(true),
                Err(actual) => curr = actual,
            }
        }
    }

    /// A queued node's poll: done, closed, or refresh the waker.
    fn poll_queued(&self, node: Pin<&mut Waiter>, cx: &mut Context<'_>) -> Poll<Option<()>> {
        if node.needed.load(AcquireOrd) == 0 {
            return Poll::Ready(Some(()));
        }
        let _waiters = self.waiters.lock();
        if node.needed.load(AcquireOrd) == 0 {
            return Poll::Ready(Some(()));
        }
        // SAFETY: `linked` is guarded by the lock we hold.
        if !node.linked.with(|l| unsafe { *l }) {
            // Unlinked without all its permits: only `close` does that.
            return Poll::Ready(None);
        }
        node.waker.with_mut(|w| {
            // SAFETY: the waker is guarded by the lock we hold.
            let w = unsafe { &mut *w };
            if !w.as_ref().is_some_and(|w| w.will_wake(cx.waker())) {
                *w = Some(cx.waker().clone());
            }
        });
        Poll::Pending
    }
}

impl fmt::Debug for Semaphore {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("Semaphore")
            .field("permits", &self.available_permits())
            .finish()
    }
}

impl<'a> Acquire<'a> {
    fn project(self: Pin<&mut Self>) -> (Pin<&mut Waiter>, &'a Semaphore, usize, &mut bool) {
        // SAFETY: only `node` is structurally pinned; the other fields are
        // `Unpin` and handed out as plain references.
        unsafe {
            let this = self.get_unchecked_mut();
            (
                Pin::new_unchecked(&mut this.node),
                this.semaphore,
                this.num_permits,
                &mut this.queued,
            )
        }
    }
}

impl Future for Acquire<'_> {
    type Output = Result<(), AcquireError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let (mut node, semaphore, n, queued) = self.project();
        if *queued {
            // Closed wins even over permits already assigned (as in Tokio):
            // they stay with the node and go back when it is dropped.
            if semaphore.is_closed() {
                return Poll::Ready(Err(AcquireError::closed()));
            }
            if ready!(semaphore.poll_queued(node.as_mut(), cx)).is_none() {
                return Poll::Ready(Err(AcquireError::closed()));
            }
        } else {
            match semaphore.poll_first(node.as_mut(), n, cx) {
                Poll::Pending => {
                    *queued = true;
                    return Poll::Pending;
                }
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Ready(Ok(())) => {}
            }
        }
        // The permits are taken. The budget is consulted only now, so that a
        // task out of budget still takes its place in the queue (and its
        // permits) in FIFO order; it just completes on its next poll.
        match crate::task::coop::poll_proceed(cx) {
            Poll::Ready(coop) => {
                coop.made_progress();
                // The permits now belong to the caller, not to this future.
                *queued = false;
                Poll::Ready(Ok(()))
            }
            Poll::Pending => {
                // Keep the permits across the yield: an unlinked node that
                // needs nothing more completes at once when polled again,
                // and returns them if dropped instead.
                node.needed.store(0, Release);
                *queued = true;
                Poll::Pending
            }
        }
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        if !self.queued {
            return;
        }
        // Protocol step 5.
        let mut waiters = self.semaphore.waiters.lock();
        let node = NonNull::from(&self.node);
        // SAFETY: `linked` is guarded by the lock we hold.
        if self.node.linked.with(|l| unsafe { *l }) {
            // SAFETY: the node is in the list and the lock is held.
            unsafe { waiters.unlink(node) };
        }
        let assigned = self.num_permits - self.node.needed.load(AcquireOrd);
        if assigned > 0 {
            self.semaphore.release_locked(assigned, waiters);
        } else if waiters.is_empty() {
            // The last waiter left: let releases take the fast path again.
            self.semaphore
                .permits
                .fetch_and(!Semaphore::WAITERS, Release);
        }
    }
}

impl fmt::Debug for Acquire<'_> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("Acquire")
            .field("num_permits", &self.num_permits)
            .finish_non_exhaustive()
    }
}

impl AcquireError {
    pub(crate) fn closed() -> AcquireError {
        AcquireError(())
    }
}

impl fmt::Display for AcquireError {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.write_str("semaphore closed")
    }
}

impl std::error::Error for AcquireError {}

impl TryAcquireError {
    /// Returns `true` if the error was caused by a closed semaphore.
    #[allow(dead_code)]
    pub(crate) fn is_closed(&self) -> bool {
        matches!(self, TryAcquireError::Closed)
    }

    /// Returns `true` if the error was caused by a lack of permits.
    #[allow(dead_code)]
    pub(crate) fn is_no_permits(&self) -> bool {
        matches!(self, TryAcquireError::NoPermits)
    }
}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TryAcquireError::Closed => fmt.write_str("semaphore closed"),
            TryAcquireError::NoPermits => fmt.write_str("no permits available"),
        }
    }
}

impl std::error::Error for TryAcquireError {}

#[cfg(all(test, not(loom)))]
mod tests;

#[cfg(all(test, loom))]
mod loom_tests;
