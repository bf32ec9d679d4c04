//! A set of values that each carry a waker of their own, so that the owner
//! can find the values that were woken without looking at the others.
//!
//! `JoinSet` keeps its `JoinHandle`s here: each handle's join waker is the
//! waker of its entry, so a task that completes moves its entry from the
//! *idle* list to the *notified* list, and `join_next` only ever looks at the
//! notified list. Joining costs O(1) per completed task however many tasks are
//! still running.
//!
//! ```text
//!               insert_idle                wake (task completed)
//!   (value) ───────────────► idle ─────────────────────────────► notified
//!                             ▲                                    │
//!                             └────────── pop_notified ────────────┘
//!                                (the owner polls the value; if it is
//!                                 done it removes the entry for good)
//! ```
//!
//! Ownership rules:
//!
//! 1. The lists, every entry's links and its `list` tag, and the owner's
//!    waker are guarded by the one mutex in `Lists`.
//! 2. Each list membership holds one strong reference to the entry (a pointer
//!    from `Arc::into_raw`); wakers hold their own.
//! 3. An entry's value is touched only through `&mut IdleNotifiedSet` (the
//!    owner), and is moved out exactly once, when the entry leaves the set
//!    (`remove`, `drain`). Wakers never touch it, which is why an entry may
//!    be woken and dropped on any thread even when `T` is not `Send`.
//! 4. While an entry is in the set it is in exactly one list (tag `Idle` or
//!    `Notified`); once it left, its tag is `Neither` and wakes do nothing.

use crate::loom::cell::UnsafeCell;
use crate::loom::sync::{Arc, Mutex, MutexGuard};
use crate::util::waker_ref::WakerRef;
use std::fmt;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ptr::NonNull;
use std::task::{Context, RawWaker, RawWakerVTable, Waker};

/// The owner's side: values in two lists, each value with its own waker.
pub(crate) struct IdleNotifiedSet<T> {
    lists: Arc<Lists<T>>,
    /// Entries in either list (only the owner adds or removes entries).
    length: usize,
}

/// An entry of the set, borrowed from the owner: its value can be polled
/// with the entry's waker, and the entry removed.
pub(crate) struct EntryInSet<'a, T> {
    set: &'a mut IdleNotifiedSet<T>,
    entry: Arc<Entry<T>>,
}

struct Lists<T> {
    inner: Mutex<ListsInner<T>>,
}

struct ListsInner<T> {
    idle: List<T>,
    notified: List<T>,
    /// Woken (and taken) when an entry moves to the notified list.
    waker: Option<Waker>,
}

/// A doubly linked list threaded through the entries' links (rule 1).
struct List<T> {
    head: Link<T>,
    tail: Link<T>,
}

struct Entry<T> {
    parent: Arc<Lists<T>>,
    /// Rule 3.
    value: UnsafeCell<ManuallyDrop<T>>,
    /// Rule 1.
    links: UnsafeCell<Links<T>>,
}

/// A pointer to a neighbour in a list, or `None` at either end.
type Link<T> = Option<NonNull<Entry<T>>>;

struct Links<T> {
    prev: Link<T>,
    next: Link<T>,
    list: Which,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Which {
    Idle,
    Notified,
    Neither,
}

// SAFETY: the owner alone touches the values (rule 3), so moving the set to
// another thread moves the values with it: `T: Send` suffices.
unsafe impl<T: Send> Send for IdleNotifiedSet<T> {}
// SAFETY: `&IdleNotifiedSet` gives no access to the values at all.
unsafe impl<T: Sync> Sync for IdleNotifiedSet<T> {}
// SAFETY: the lists hold only pointers, followed under the mutex (rule 1);
// no value is ever reached through them (rule 3).
unsafe impl<T> Send for Lists<T> {}
// SAFETY: as above.
unsafe impl<T> Sync for Lists<T> {}
// SAFETY: what other threads (wakers) touch of an entry is its links, under
// the parent's mutex; the value is the owner's alone (rule 3), and dropping an
// entry never drops a value (it is `ManuallyDrop`, moved out on removal).
unsafe impl<T> Send for Entry<T> {}
// SAFETY: as above.
unsafe impl<T> Sync for Entry<T> {}

impl<T> IdleNotifiedSet<T> {
    pub(crate) fn new() -> IdleNotifiedSet<T> {
        IdleNotifiedSet {
            lists: Arc::new(Lists {
                inner: Mutex::new(ListsInner {
                    idle: List::new(),
                    notified: List::new(),
                    waker: None,
                }),
            }),
            length: 0,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.length
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// Adds `value` to the idle list.
    pub(crate) fn insert_idle(&mut self, value: T) -> EntryInSet<'_, T> {
        let entry = Arc::new(Entry {
            parent: self.lists.clone(),
            value: UnsafeCell::new(ManuallyDrop::new(value)),
            links: UnsafeCell::new(Links {
                prev: None,
                next: None,
                list: Which::Idle,
            }),
        });
        let ptr = into_list_ref(entry.clone());
        {
            let mut lists = self.lists.inner.lock();
            // SAFETY: under the lock (rule 1); the new entry is in no list.
            unsafe { lists.idle.push_front(ptr) };
        }
        self.length += 1;
        EntryInSet { set: self, entry }
    }

    /// Moves a notified entry back to the idle list and returns it, or
    /// `None` if no entry is notified. Does not register a waker.
    pub(crate) fn try_pop_notified(&mut self) -> Option<EntryInSet<'_, T>> {
        if self.length == 0 {
            return None;
        }
        let lists = self.lists.inner.lock();
        let ptr = Self::move_notified_to_idle(lists)?;
        Some(self.borrow_entry(ptr))
    }

    /// As `try_pop_notified`, and makes `waker` the one woken when an entry
    /// is notified (before looking, so that no notification is missed).
    pub(crate) fn pop_notified(&mut self, waker: &Waker) -> Option<EntryInSet<'_, T>> {
        if self.length == 0 {
            return None;
        }
        let mut lists = self.lists.inner.lock();
        let mut old_waker = None;
        if !lists.waker.as_ref().is_some_and(|w| w.will_wake(waker)) {
            old_waker = lists.waker.replace(waker.clone());
        }
        let ptr = Self::move_notified_to_idle(lists);
        // The old waker's destructor may run arbitrary code, even code that
        // wakes one of our entries (which takes the lock): drop it unlocked,
        // after looking (a wake it causes goes to the new waker).
        drop(old_waker);
        Some(self.borrow_entry(ptr?))
    }

    /// Moves the oldest notified entry to the idle list and unlocks.
    fn move_notified_to_idle(
        mut lists: MutexGuard<'_, ListsInner<T>>,
    ) -> Option<NonNull<Entry<T>>> {
        // SAFETY: under the lock (rule 1).
        let ptr = unsafe { lists.notified.pop_back() }?;
        // SAFETY: under the lock; the entry just left the notified list. The
        // list's reference moves with it to the idle list.
        unsafe {
            set_which(ptr, Which::Idle);
            lists.idle.push_front(ptr);
        }
        Some(ptr)
    }

    /// An `EntryInSet` for an entry that is in one of the lists.
    fn borrow_entry(&mut self, ptr: NonNull<Entry<T>>) -> EntryInSet<'_, T> {
        // SAFETY: entries leave the lists only through `&mut self`, so the
        // list's reference still keeps the entry alive; this is a new one
        // for the returned handle.
        let entry = unsafe { clone_list_ref(ptr) };
        EntryInSet { set: self, entry }
    }

    /// Calls `f` on every value (`abort_all`). The lock is not held while
    /// `f` runs.
    pub(crate) fn for_each(&mut self, mut f: impl FnMut(&mut T)) {
        let mut all = Vec::with_capacity(self.length);
        {
            let lists = self.lists.inner.lock();
            // SAFETY: under the lock (rule 1).
            unsafe {
                lists.idle.collect_into(&mut all);
                lists.notified.collect_into(&mut all);
            }
        }
        for ptr in all {
            // SAFETY: entries leave the set only through `&mut self`, which we
            // hold, so each is still alive (its list's reference); the value
            // is ours (rule 3).
            let entry = unsafe { ptr.as_ref() };
            entry.value.with_mut(|value| {
                // SAFETY: the value is ours (rule 3): no other access while
                // we hold `&mut self`.
                f(unsafe { &mut **value })
            });
        }
    }

    /// Removes every entry, passing each value to `f`.
    pub(crate) fn drain(&mut self, mut f: impl FnMut(T)) {
        if self.length == 0 {
            return;
        }
        let mut all = Vec::with_capacity(self.length);
        {
            let mut lists = self.lists.inner.lock();
            for list in [Which::Idle, Which::Notified] {
                let list = match list {
                    Which::Idle => &mut lists.idle,
                    _ => &mut lists.notified,
                };
                // SAFETY: under the lock (rule 1).
                while let Some(ptr) = unsafe { list.pop_back() } {
                    // SAFETY: under the lock; the entry left its list (rule 4).
                    unsafe { set_which(ptr, Which::Neither) };
                    all.push(ptr);
                }
            }
        }
        self.length = 0;

        /// Drops the values left if `f` panics, so that none leaks.
        struct Drain<T> {
            entries: std::vec::IntoIter<NonNull<Entry<T>>>,
        }
        impl<T> Drain<T> {
            fn next_value(&mut self) -> Option<T> {
                let ptr = self.entries.next()?;
                // SAFETY: each pointer carries the reference its list held;
                // the entry is out of every list, so its value is moved out
                // exactly once, here (rule 3).
                unsafe {
                    let entry = Arc::from_raw(ptr.as_ptr().cast_const());
                    Some(entry.value.with_mut(|v| ManuallyDrop::take(&mut *v)))
                }
            }
        }
        impl<T> Drop for Drain<T> {
            fn drop(&mut self) {
                while self.next_value().is_some() {}
            }
        }

        let mut drain = Drain {
            entries: all.into_iter(),
        };
        while let Some(value) = drain.next_value() {
            f(value);
        }
    }
}

impl<T> Drop for IdleNotifiedSet<T> {
    fn drop(&mut self) {
        // Also breaks the cycle between the lists and their entries.
        self.drain(drop);
    }
}

impl<T> fmt::Debug for IdleNotifiedSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IdleNotifiedSet")
            .field("len", &self.length)
            .finish()
    }
}

impl<T> EntryInSet<'_, T> {
    /// Calls `f` with the value and a context whose waker is the entry's.
    pub(crate) fn with_value_and_context<R>(
        &mut self,
        f: impl FnOnce(&mut T, &mut Context<'_>) -> R,
    ) -> R {
        let ptr = NonNull::from(&*self.entry);
        // SAFETY: the waker's functions treat the pointer as an `Arc<Entry<T>>`,
        // and `self.entry` holds one while the waker is used.
        let waker = unsafe { WakerRef::new(raw_waker(ptr)) };
        let mut cx = Context::from_waker(&waker);
        // SAFETY: we hold `&mut` of the set: the value is ours (rule 3).
        self.entry
            .value
            .with_mut(|value| f(unsafe { &mut **value }, &mut cx))
    }

    /// Takes the entry out of the set and returns its value.
    pub(crate) fn remove(self) -> T {
        let ptr = NonNull::from(&*self.entry);
        {
            let mut lists = self.set.lists.inner.lock();
            // SAFETY: under the lock (rule 1); the entry is in the list its
            // tag names (rule 4).
            unsafe {
                match which(ptr) {
                    Which::Idle => lists.idle.remove(ptr),
                    Which::Notified => lists.notified.remove(ptr),
                    Which::Neither => unreachable!("entry of the set in no list"),
                }
                set_which(ptr, Which::Neither);
            }
        }
        self.set.length -= 1;
        // SAFETY: the list's reference, now released; `self.entry` still
        // keeps the entry alive.
        drop(unsafe { Arc::from_raw(ptr.as_ptr().cast_const()) });
        // SAFETY: the entry left the set: its value is moved out exactly
        // once, by its owner (rule 3).
        self.entry
            .value
            .with_mut(|value| unsafe { ManuallyDrop::take(&mut *value) })
    }
}

// ---- entry pointers and links ----------------------------------------------

/// Turns a reference into the pointer a list holds (rule 2).
fn into_list_ref<T>(entry: Arc<Entry<T>>) -> NonNull<Entry<T>> {
    let ptr = Arc::into_raw(entry).cast_mut();
    // SAFETY: `Arc::into_raw` never returns null.
    unsafe { NonNull::new_unchecked(ptr) }
}

/// # Safety
///
/// `ptr` came from `into_list_ref` and the reference it stands for is alive.
unsafe fn clone_list_ref<T>(ptr: NonNull<Entry<T>>) -> Arc<Entry<T>> {
    // SAFETY: per the contract, the count is at least one while we add one.
    unsafe {
        Arc::increment_strong_count(ptr.as_ptr().cast_const());
        Arc::from_raw(ptr.as_ptr().cast_const())
    }
}

/// # Safety
///
/// The parent's lock is held and the entry is alive.
unsafe fn which<T>(ptr: NonNull<Entry<T>>) -> Which {
    // SAFETY: per the contract (rule 1).
    unsafe { ptr.as_ref().links.with(|l| (*l).list) }
}

/// # Safety
///
/// As `which`.
unsafe fn set_which<T>(ptr: NonNull<Entry<T>>, list: Which) {
    // SAFETY: per the contract (rule 1).
    unsafe { ptr.as_ref().links.with_mut(|l| (*l).list = list) }
}

/// # Safety
///
/// As `which`.
unsafe fn prev_next<T>(ptr: NonNull<Entry<T>>) -> (Link<T>, Link<T>) {
    // SAFETY: per the contract (rule 1).
    unsafe { ptr.as_ref().links.with(|l| ((*l).prev, (*l).next)) }
}

/// # Safety
///
/// As `which`.
unsafe fn set_prev<T>(ptr: NonNull<Entry<T>>, prev: Link<T>) {
    // SAFETY: per the contract (rule 1).
    unsafe { ptr.as_ref().links.with_mut(|l| (*l).prev = prev) }
}

/// # Safety
///
/// As `which`.
unsafe fn set_next<T>(ptr: NonNull<Entry<T>>, next: Link<T>) {
    // SAFETY: per the contract (rule 1).
    unsafe { ptr.as_ref().links.with_mut(|l| (*l).next = next) }
}

/// # Safety (all methods)
///
/// The parent's lock is held, and every pointer is a live entry of this set
/// whose links only this list uses.
impl<T> List<T> {
    fn new() -> List<T> {
        List {
            head: None,
            tail: None,
        }
    }

    unsafe fn push_front(&mut self, ptr: NonNull<Entry<T>>) {
        // SAFETY: per the impl contract.
        unsafe {
            set_prev(ptr, None);
            set_next(ptr, self.head);
            match self.head {
                Some(head) => set_prev(head, Some(ptr)),
                None => self.tail = Some(ptr),
            }
        }
        self.head = Some(ptr);
    }

    unsafe fn pop_back(&mut self) -> Option<NonNull<Entry<T>>> {
        let tail = self.tail?;
        // SAFETY: per the impl contract; `tail` is in this list.
        unsafe { self.remove(tail) };
        Some(tail)
    }

    /// Unlinks `ptr`, which must be in this list.
    unsafe fn remove(&mut self, ptr: NonNull<Entry<T>>) {
        // SAFETY: per the impl contract; neighbours are members of this list.
        unsafe {
            let (prev, next) = prev_next(ptr);
            match prev {
                Some(prev) => set_next(prev, next),
                None => {
                    debug_assert_eq!(self.head, Some(ptr));
                    self.head = next;
                }
            }
            match next {
                Some(next) => set_prev(next, prev),
                None => {
                    debug_assert_eq!(self.tail, Some(ptr));
                    self.tail = prev;
                }
            }
            set_prev(ptr, None);
            set_next(ptr, None);
        }
    }

    unsafe fn collect_into(&self, out: &mut Vec<NonNull<Entry<T>>>) {
        let mut cur = self.head;
        while let Some(ptr) = cur {
            out.push(ptr);
            // SAFETY: per the impl contract.
            cur = unsafe { prev_next(ptr) }.1;
        }
    }
}

// ---- the entry's waker -----------------------------------------------------

/// Moves the entry to the notified list if it is idle, and wakes the owner.
fn notify<T>(entry: &Entry<T>) {
    let ptr = NonNull::from(entry);
    let mut lists = entry.parent.inner.lock();
    // SAFETY: under the lock (rule 1); the waker keeps the entry alive.
    if unsafe { which(ptr) } != Which::Idle {
        // Already notified, or out of the set: nothing to do.
        return;
    }
    // SAFETY: under the lock; the entry is in the idle list (rule 4), and
    // the list's reference moves with it.
    unsafe {
        lists.idle.remove(ptr);
        lists.notified.push_front(ptr);
        set_which(ptr, Which::Notified);
    }
    let waker = lists.waker.take();
    drop(lists);
    if let Some(waker) = waker {
        waker.wake();
    }
}

struct EntryWaker<T>(PhantomData<T>);

impl<T> EntryWaker<T> {
    const VTABLE: RawWakerVTable = RawWakerVTable::new(
        Self::clone_waker,
        Self::wake,
        Self::wake_by_ref,
        Self::drop_waker,
    );

    /// # Safety
    ///
    /// `ptr` is an `Arc<Entry<T>>` reference owned by the waker being cloned.
    unsafe fn clone_waker(ptr: *const ()) -> RawWaker {
        // SAFETY: per the contract, the entry is alive.
        unsafe { Arc::increment_strong_count(ptr.cast::<Entry<T>>()) };
        RawWaker::new(ptr, &Self::VTABLE)
    }

    /// # Safety
    ///
    /// `ptr` is an `Arc<Entry<T>>` reference owned by the waker, consumed here.
    unsafe fn wake(ptr: *const ()) {
        // SAFETY: per the contract.
        let entry = unsafe { Arc::from_raw(ptr.cast::<Entry<T>>()) };
        notify(&entry);
    }

    /// # Safety
    ///
    /// `ptr` is an `Arc<Entry<T>>` reference owned by the waker.
    unsafe fn wake_by_ref(ptr: *const ()) {
        // SAFETY: the waker's reference keeps the entry alive.
        notify(unsafe { &*ptr.cast::<Entry<T>>() });
    }

    /// # Safety
    ///
    /// As `wake`.
    unsafe fn drop_waker(ptr: *const ()) {
        // SAFETY: per the contract.
        drop(unsafe { Arc::from_raw(ptr.cast::<Entry<T>>()) });
    }
}

fn raw_waker<T>(ptr: NonNull<Entry<T>>) -> RawWaker {
    RawWaker::new(ptr.as_ptr().cast_const().cast(), &EntryWaker::<T>::VTABLE)
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::cell::Cell as StdCell;
    use std::rc::Rc;
    use std::task::Waker;

    fn insert(set: &mut IdleNotifiedSet<u32>, v: u32) -> Waker {
        let mut entry = set.insert_idle(v);
        entry.with_value_and_context(|_, cx| cx.waker().clone())
    }

    #[test]
    fn only_woken_entries_are_popped() {
        let mut set = IdleNotifiedSet::new();
        let wakers: Vec<Waker> = (0..100).map(|i| insert(&mut set, i)).collect();
        assert_eq!(set.len(), 100);
        assert!(set.try_pop_notified().is_none());
        wakers[7].wake_by_ref();
        wakers[42].wake_by_ref();
        wakers[7].wake_by_ref(); // a second wake of a notified entry is a no-op
        let mut got = Vec::new();
        while let Some(entry) = set.try_pop_notified() {
            got.push(entry.remove());
        }
        got.sort();
        assert_eq!(got, vec![7, 42]);
        assert_eq!(set.len(), 98);
    }

    #[test]
    fn popped_entry_goes_back_to_idle() {
        let mut set = IdleNotifiedSet::new();
        let w = insert(&mut set, 1);
        w.wake_by_ref();
        {
            let entry = set.try_pop_notified().expect("notified");
            drop(entry); // not removed: back in the idle list
        }
        assert!(set.try_pop_notified().is_none());
        assert_eq!(set.len(), 1);
        w.wake();
        assert_eq!(set.try_pop_notified().unwrap().remove(), 1);
        assert!(set.is_empty());
    }

    #[test]
    fn wake_wakes_the_owner_once_registered() {
        struct Flag(std::sync::atomic::AtomicUsize);
        impl std::task::Wake for Flag {
            fn wake(self: std::sync::Arc<Self>) {
                self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }
        }
        let flag = std::sync::Arc::new(Flag(std::sync::atomic::AtomicUsize::new(0)));
        let owner = Waker::from(flag.clone());
        let mut set = IdleNotifiedSet::new();
        let w = insert(&mut set, 5);
        assert!(set.pop_notified(&owner).is_none());
        std::thread::spawn(move || w.wake()).join().unwrap();
        assert_eq!(flag.0.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(set.pop_notified(&owner).unwrap().remove(), 5);
    }

    #[test]
    fn drain_and_drop_drop_every_value_once() {
        struct Counted(Rc<StdCell<u32>>);
        impl Drop for Counted {
            fn drop(&mut self) {
                self.0.set(self.0.get() + 1);
            }
        }
        let drops = Rc::new(StdCell::new(0));
        let mut set = IdleNotifiedSet::new();
        let mut wakers = Vec::new();
        for _ in 0..10 {
            let mut e = set.insert_idle(Counted(drops.clone()));
            wakers.push(e.with_value_and_context(|_, cx| cx.waker().clone()));
        }
        wakers[3].wake_by_ref();
        let mut n = 0;
        set.drain(|_| n += 1);
        assert_eq!((n, drops.get(), set.len()), (10, 10, 0));
        // Wakes after the entries left the set do nothing.
        for w in wakers {
            w.wake();
        }
        for _ in 0..3 {
            set.insert_idle(Counted(drops.clone()));
        }
        drop(set);
        assert_eq!(drops.get(), 13);
    }

    #[test]
    fn for_each_visits_idle_and_notified() {
        let mut set = IdleNotifiedSet::new();
        let w: Vec<Waker> = (0..4).map(|i| insert(&mut set, i)).collect();
        w[1].wake_by_ref();
        let mut seen = Vec::new();
        set.for_each(|v| {
            seen.push(*v);
            *v += 10;
        });
        seen.sort();
        assert_eq!(seen, vec![0, 1, 2, 3]);
        assert_eq!(set.try_pop_notified().unwrap().remove(), 11);
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use loom::sync::atomic::{AtomicBool, Ordering::SeqCst};

    struct Flag(AtomicBool);

    fn flag_waker(flag: &Arc<Flag>) -> Waker {
        unsafe fn clone(p: *const ()) -> RawWaker {
            // SAFETY: `p` is an `Arc<Flag>` reference owned by the waker.
            unsafe { Arc::increment_strong_count(p.cast::<Flag>()) };
            RawWaker::new(p, &VT)
        }
        unsafe fn wake(p: *const ()) {
            // SAFETY: the waker's reference, consumed.
            let f = unsafe { Arc::from_raw(p.cast::<Flag>()) };
            f.0.store(true, SeqCst);
        }
        unsafe fn wake_by_ref(p: *const ()) {
            // SAFETY: the waker keeps it alive.
            unsafe { &*p.cast::<Flag>() }.0.store(true, SeqCst);
        }
        unsafe fn drop_w(p: *const ()) {
            // SAFETY: the waker's reference, released.
            drop(unsafe { Arc::from_raw(p.cast::<Flag>()) });
        }
        static VT: RawWakerVTable = RawWakerVTable::new(clone, wake, wake_by_ref, drop_w);
        let p = Arc::into_raw(flag.clone()).cast::<()>();
        // SAFETY: the vtable keeps the count balanced.
        unsafe { Waker::from_raw(RawWaker::new(p, &VT)) }
    }

    /// A wake from another thread racing with the owner looking for
    /// notified entries is never lost: either the owner finds the entry, or
    /// its waker is woken.
    #[test]
    fn wake_vs_pop_notified() {
        loom::model(|| {
            let mut set = IdleNotifiedSet::new();
            let w = {
                let mut e = set.insert_idle(1u32);
                e.with_value_and_context(|_, cx| cx.waker().clone())
            };
            let flag = Arc::new(Flag(AtomicBool::new(false)));
            let owner = flag_waker(&flag);
            let t = loom::thread::spawn(move || w.wake());
            let found = set.pop_notified(&owner).map(|e| e.remove());
            t.join().unwrap();
            match found {
                Some(v) => assert_eq!(v, 1),
                None => {
                    assert!(flag.0.load(SeqCst), "wake lost");
                    assert_eq!(set.try_pop_notified().unwrap().remove(), 1);
                }
            }
        });
    }

    /// A wake racing with the owner dropping the whole set leaves no entry
    /// behind and frees everything.
    #[test]
    fn wake_vs_drop() {
        loom::model(|| {
            let mut set = IdleNotifiedSet::new();
            let w = {
                let mut e = set.insert_idle(Arc::new(0u8));
                e.with_value_and_context(|_, cx| cx.waker().clone())
            };
            let t = loom::thread::spawn(move || w.wake());
            drop(set);
            t.join().unwrap();
        });
    }
}
