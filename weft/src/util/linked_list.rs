//! An intrusive doubly linked list: the nodes live in their owners' memory
//! (usually a pinned future), so putting a waiter on a list never allocates.
//!
//! # How a type joins a list
//!
//! A node type embeds a [`Pointers`] field and a marker type implements
//! [`Link`] for it, naming the *handle* the list owns while the node is linked
//! (`NonNull<Waiter>`, `Pin<Box<T>>`, `Pin<&T>`...). The list never frees or
//! moves a node: it only stores raw pointers and rewrites the neighbours'
//! links.
//!
//! # Rules (the caller's half of the contract)
//!
//! 1. A node is on at most one list at a time (per `Pointers` field) and stays
//!    at the same address while it is linked: it is pinned, or boxed.
//! 2. Every access to a linked node's `Pointers`, and every list operation, is
//!    serialised by whoever owns the list, usually a `Mutex` around it. The
//!    links are therefore kept in a plain `std::cell::UnsafeCell`: the mutex
//!    is what loom sees and checks.
//! 3. A node is unlinked ([`LinkedList::remove`] or a pop) before its memory
//!    is freed: a waiter future's `Drop` takes the lock and removes itself.
//! 4. [`LinkedList::remove`] is only called with a node that is on *this*
//!    list or on none (the owner tracks which, e.g. with a "queued" flag).
//!
//! A list does not drop the handles it still holds when it is dropped: the
//! owner drains it first if the handles own something.

// Not every helper is used by every primitive built on the list (mpsc,
// Semaphore, Notify, broadcast each use a subset).
#![allow(dead_code)]

use std::cell::UnsafeCell;
use std::fmt;
use std::marker::{PhantomData, PhantomPinned};
use std::ptr::{self, NonNull};

/// How a node type is reached from the handle a list stores, and where its
/// links are.
///
/// # Safety
///
/// `pointers` must return a pointer to a `Pointers` field inside `target`
/// (the same field every time), and `from_raw(as_raw(h))` must give back a
/// handle equivalent to `h`: the list relies on both to relink nodes.
pub(crate) unsafe trait Link {
    /// What the list owns while a node is linked.
    type Handle;

    /// The node type.
    type Target;

    /// The node a handle designates. Does not consume the handle's ownership
    /// (the list forgets the handle right after).
    fn as_raw(handle: &Self::Handle) -> NonNull<Self::Target>;

    /// Rebuilds the handle that `as_raw` was taken from.
    ///
    /// # Safety
    ///
    /// `ptr` came from `as_raw` of a handle that was then forgotten (pushed
    /// onto a list) and is reclaimed exactly once.
    unsafe fn from_raw(ptr: NonNull<Self::Target>) -> Self::Handle;

    /// The links inside `target`.
    ///
    /// # Safety
    ///
    /// `target` points to a live node. Implementations must compute the field
    /// address without creating a reference to the whole node (use
    /// `ptr::addr_of_mut!`), because other threads may hold `&` references to
    /// other fields of it.
    unsafe fn pointers(target: NonNull<Self::Target>) -> NonNull<Pointers<Self::Target>>;
}

/// The previous and next links of a node, embedded in the node.
///
/// `!Unpin`, so that a node type containing it is `!Unpin` too and cannot be
/// moved out of its pin while linked.
pub(crate) struct Pointers<T> {
    links: UnsafeCell<Links<T>>,
    _pinned: PhantomPinned,
}

struct Links<T> {
    prev: Option<NonNull<T>>,
    next: Option<NonNull<T>>,
}

// SAFETY: the links are only read or written by the list owner under its
// lock (rule 2), so sharing or sending a node with links is as safe as
// sharing or sending the node itself.
unsafe impl<T: Send> Send for Pointers<T> {}
// SAFETY: as above: `&Pointers` gives no unsynchronised access to the links.
unsafe impl<T: Sync> Sync for Pointers<T> {}

impl<T> Pointers<T> {
    /// Unlinked links.
    pub(crate) const fn new() -> Pointers<T> {
        Pointers {
            links: UnsafeCell::new(Links {
                prev: None,
                next: None,
            }),
            _pinned: PhantomPinned,
        }
    }
}

impl<T> Default for Pointers<T> {
    fn default() -> Self {
        Pointers::new()
    }
}

impl<T> fmt::Debug for Pointers<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Reading the links would race with the list owner: show nothing.
        f.debug_struct("Pointers").finish_non_exhaustive()
    }
}

/// The links of `node`, through raw pointers only.
///
/// # Safety
///
/// `node` is live and the caller holds the list owner's lock (rule 2).
unsafe fn links_of<L: Link>(node: NonNull<L::Target>) -> *mut Links<L::Target> {
    // SAFETY: `node` is live (caller), and `L::pointers` returns its embedded
    // `Pointers` field (trait contract).
    let pointers = unsafe { L::pointers(node) };
    // SAFETY: `pointers` points to a live `Pointers`; `UnsafeCell::raw_get`
    // gives the inner pointer without creating a reference to the node.
    unsafe { UnsafeCell::raw_get(ptr::addr_of!((*pointers.as_ptr()).links)) }
}

/// An intrusive doubly linked list of `L::Target` nodes owning `L::Handle`s.
pub(crate) struct LinkedList<L: Link> {
    head: Option<NonNull<L::Target>>,
    tail: Option<NonNull<L::Target>>,
    _handles: PhantomData<L::Handle>,
}

// SAFETY: the list holds handles; it is Send/Sync exactly when they are.
unsafe impl<L: Link> Send for LinkedList<L> where L::Handle: Send {}
// SAFETY: `&LinkedList` only reads head and tail pointers.
unsafe impl<L: Link> Sync for LinkedList<L> where L::Handle: Sync {}

impl<L: Link> LinkedList<L> {
    /// An empty list.
    pub(crate) const fn new() -> LinkedList<L> {
        LinkedList {
            head: None,
            tail: None,
            _handles: PhantomData,
        }
    }

    /// Whether the list holds no node.
    pub(crate) fn is_empty(&self) -> bool {
        debug_assert_eq!(self.head.is_none(), self.tail.is_none());
        self.head.is_none()
    }

    /// The first node, without unlinking it.
    pub(crate) fn front(&self) -> Option<NonNull<L::Target>> {
        self.head
    }

    /// The last node, without unlinking it.
    pub(crate) fn back(&self) -> Option<NonNull<L::Target>> {
        self.tail
    }

    /// Links `handle`'s node in first position.
    pub(crate) fn push_front(&mut self, handle: L::Handle) {
        let node = L::as_raw(&handle);
        std::mem::forget(handle);
        assert_ne!(self.head, Some(node), "node pushed twice");
        // SAFETY: `node` is live (its handle was just given to us), and we
        // have `&mut self` (rule 2). The old head is live because it is linked.
        unsafe {
            let links = links_of::<L>(node);
            (*links).next = self.head;
            (*links).prev = None;
            match self.head {
                Some(head) => (*links_of::<L>(head)).prev = Some(node),
                None => self.tail = Some(node),
            }
        }
        self.head = Some(node);
    }

    /// Links `handle`'s node in last position.
    pub(crate) fn push_back(&mut self, handle: L::Handle) {
        let node = L::as_raw(&handle);
        std::mem::forget(handle);
        assert_ne!(self.tail, Some(node), "node pushed twice");
        // SAFETY: as in `push_front`, mirrored.
        unsafe {
            let links = links_of::<L>(node);
            (*links).prev = self.tail;
            (*links).next = None;
            match self.tail {
                Some(tail) => (*links_of::<L>(tail)).next = Some(node),
                None => self.head = Some(node),
            }
        }
        self.tail = Some(node);
    }

    /// Unlinks and returns the first node.
    pub(crate) fn pop_front(&mut self) -> Option<L::Handle> {
        let node = self.head?;
        // SAFETY: `node` is on this list, so it is live (rule 3).
        unsafe { self.remove(node) }
    }

    /// Unlinks and returns the last node.
    pub(crate) fn pop_back(&mut self) -> Option<L::Handle> {
        let node = self.tail?;
        // SAFETY: `node` is on this list, so it is live (rule 3).
        unsafe { self.remove(node) }
    }

    /// Unlinks `node` and returns its handle; `None` if it was not linked
    /// here (its links are empty and it is not the head).
    ///
    /// # Safety
    ///
    /// `node` is live, and it is on this list or on no list (rule 4).
    pub(crate) unsafe fn remove(&mut self, node: NonNull<L::Target>) -> Option<L::Handle> {
        // SAFETY: `node` is live (caller) and we hold `&mut self`.
        let links = unsafe { links_of::<L>(node) };
        // SAFETY: reading and rewriting links of `node` and of its neighbours,
        // which are on this list and therefore live; `&mut self` serialises.
        unsafe {
            let prev = (*links).prev;
            let next = (*links).next;
            match prev {
                Some(prev) => (*links_of::<L>(prev)).next = next,
                None => {
                    if self.head != Some(node) {
                        // Not linked: unlinked nodes have no prev and are not
                        // the head.
                        return None;
                    }
                    self.head = next;
                }
            }
            match next {
                Some(next) => (*links_of::<L>(next)).prev = prev,
                None => {
                    debug_assert_eq!(self.tail, Some(node));
                    self.tail = prev;
                }
            }
            (*links).prev = None;
            (*links).next = None;
            // The handle was forgotten when the node was pushed.
            Some(L::from_raw(node))
        }
    }

    /// Moves every node out into a new list, leaving this one empty.
    pub(crate) fn take_all(&mut self) -> LinkedList<L> {
        std::mem::take(self)
    }

    /// Calls `f` on every node, front to back, without unlinking it.
    pub(crate) fn for_each(&self, mut f: impl FnMut(NonNull<L::Target>)) {
        let mut cur = self.head;
        while let Some(node) = cur {
            // SAFETY: `node` is on this list, so live; `&self` (under the
            // owner's lock) excludes concurrent relinking. Read `next` before
            // `f` runs, in case `f` looks at the node's links.
            cur = unsafe { (*links_of::<L>(node)).next };
            f(node);
        }
    }
}

impl<L: Link> Default for LinkedList<L> {
    fn default() -> Self {
        LinkedList::new()
    }
}

impl<L: Link> fmt::Debug for LinkedList<L> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkedList")
            .field("head", &self.head)
            .field("tail", &self.tail)
            .finish()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::pin::Pin;

    #[derive(Debug)]
    struct Entry {
        pointers: Pointers<Entry>,
        val: i32,
    }

    struct EntryLink<'a>(PhantomData<&'a ()>);

    // SAFETY: `pointers` returns the `pointers` field; handles are `Pin<&Entry>`,
    // which round-trip through `NonNull` exactly.
    unsafe impl<'a> Link for EntryLink<'a> {
        type Handle = Pin<&'a Entry>;
        type Target = Entry;

        fn as_raw(handle: &Pin<&'a Entry>) -> NonNull<Entry> {
            NonNull::from(handle.get_ref())
        }

        unsafe fn from_raw(ptr: NonNull<Entry>) -> Pin<&'a Entry> {
            // SAFETY: the entry outlives 'a (it was pushed as a `Pin<&'a Entry>`).
            unsafe { Pin::new_unchecked(&*ptr.as_ptr()) }
        }

        unsafe fn pointers(target: NonNull<Entry>) -> NonNull<Pointers<Entry>> {
            // SAFETY: `target` is live (caller); no reference to the entry is made.
            unsafe { NonNull::new_unchecked(ptr::addr_of_mut!((*target.as_ptr()).pointers)) }
        }
    }

    fn entry(val: i32) -> Pin<Box<Entry>> {
        Box::pin(Entry {
            pointers: Pointers::new(),
            val,
        })
    }

    fn vals<'a>(list: &LinkedList<EntryLink<'a>>) -> Vec<i32> {
        let mut out = Vec::new();
        list.for_each(|n| {
            // SAFETY: every node on the list is a live entry.
            out.push(unsafe { n.as_ref() }.val)
        });
        out
    }

    #[test]
    fn const_new_is_empty() {
        const LIST: LinkedList<EntryLink<'static>> = LinkedList::new();
        assert!(LIST.is_empty());
    }

    #[test]
    fn push_pop_both_ends() {
        let (a, b, c) = (entry(1), entry(2), entry(3));
        let mut list = LinkedList::<EntryLink<'_>>::new();
        list.push_front(a.as_ref());
        list.push_front(b.as_ref());
        list.push_back(c.as_ref());
        assert_eq!(vals(&list), [2, 1, 3]);
        assert_eq!(list.pop_back().unwrap().val, 3);
        assert_eq!(list.pop_front().unwrap().val, 2);
        assert_eq!(list.pop_front().unwrap().val, 1);
        assert!(list.pop_front().is_none());
        assert!(list.pop_back().is_none());
        assert!(list.is_empty());
        // Reuse after emptying.
        list.push_back(a.as_ref());
        assert_eq!(list.front(), Some(NonNull::from(&*a)));
        assert_eq!(list.back(), Some(NonNull::from(&*a)));
        assert_eq!(list.pop_back().unwrap().val, 1);
    }

    #[test]
    fn remove_head_middle_tail_and_unlinked() {
        let es: Vec<_> = (0..5).map(entry).collect();
        let mut list = LinkedList::<EntryLink<'_>>::new();
        for e in &es {
            list.push_back(e.as_ref());
        }
        let ptr = |i: usize| NonNull::from(&*es[i]);
        // SAFETY: every entry is live, and on this list or on none.
        unsafe {
            assert_eq!(list.remove(ptr(2)).unwrap().val, 2);
            assert!(list.remove(ptr(2)).is_none(), "second remove is a no-op");
            assert_eq!(list.remove(ptr(0)).unwrap().val, 0);
            assert_eq!(list.remove(ptr(4)).unwrap().val, 4);
            assert_eq!(vals(&list), [1, 3]);
            assert_eq!(list.remove(ptr(3)).unwrap().val, 3);
            assert_eq!(list.remove(ptr(1)).unwrap().val, 1);
            assert!(list.remove(ptr(1)).is_none());
        }
        assert!(list.is_empty());
    }

    #[test]
    fn take_all_moves_nodes() {
        let (a, b) = (entry(1), entry(2));
        let mut list = LinkedList::<EntryLink<'_>>::new();
        list.push_back(a.as_ref());
        list.push_back(b.as_ref());
        let mut taken = list.take_all();
        assert!(list.is_empty());
        assert_eq!(vals(&taken), [1, 2]);
        // SAFETY: `a` is live and on `taken`.
        unsafe { assert!(taken.remove(NonNull::from(&*a)).is_some()) };
        assert_eq!(vals(&taken), [2]);
    }

    mod prop {
        use super::*;
        use proptest::prelude::*;
        use std::collections::VecDeque;

        #[derive(Debug, Clone)]
        enum Op {
            PushFront(usize),
            PushBack(usize),
            PopFront,
            PopBack,
            Remove(usize),
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                (0..8usize).prop_map(Op::PushFront),
                (0..8usize).prop_map(Op::PushBack),
                Just(Op::PopFront),
                Just(Op::PopBack),
                (0..8usize).prop_map(Op::Remove),
            ]
        }

        proptest! {
            /// The list behaves like a `VecDeque` of distinct ids.
            #[test]
            fn matches_vecdeque(ops in proptest::collection::vec(op(), 0..200)) {
                let es: Vec<_> = (0..8).map(entry).collect();
                let mut list = LinkedList::<EntryLink<'_>>::new();
                let mut model: VecDeque<i32> = VecDeque::new();
                for op in ops {
                    match op {
                        Op::PushFront(i) | Op::PushBack(i) if model.contains(&(i as i32)) => {}
                        Op::PushFront(i) => { list.push_front(es[i].as_ref()); model.push_front(i as i32); }
                        Op::PushBack(i) => { list.push_back(es[i].as_ref()); model.push_back(i as i32); }
                        Op::PopFront => prop_assert_eq!(list.pop_front().map(|e| e.val), model.pop_front()),
                        Op::PopBack => prop_assert_eq!(list.pop_back().map(|e| e.val), model.pop_back()),
                        Op::Remove(i) => {
                            // SAFETY: the entry is live and on this list or none.
                            let got = unsafe { list.remove(NonNull::from(&*es[i])) }.map(|e| e.val);
                            let pos = model.iter().position(|&v| v == i as i32);
                            let want = pos.map(|p| model.remove(p).unwrap());
                            prop_assert_eq!(got, want);
                        }
                    }
                    prop_assert_eq!(vals(&list), model.iter().copied().collect::<Vec<_>>());
                    prop_assert_eq!(list.is_empty(), model.is_empty());
                }
            }
        }
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::sync::{Arc, Mutex};
    use crate::loom::thread;

    struct Node {
        pointers: Pointers<Node>,
    }

    struct NodeLink;

    // SAFETY: handles are `NonNull<Node>`, so round-tripping is the identity;
    // `pointers` returns the `pointers` field.
    unsafe impl Link for NodeLink {
        type Handle = NonNull<Node>;
        type Target = Node;
        fn as_raw(handle: &NonNull<Node>) -> NonNull<Node> {
            *handle
        }
        unsafe fn from_raw(ptr: NonNull<Node>) -> NonNull<Node> {
            ptr
        }
        unsafe fn pointers(target: NonNull<Node>) -> NonNull<Pointers<Node>> {
            // SAFETY: `target` is live (caller).
            unsafe { NonNull::new_unchecked(ptr::addr_of_mut!((*target.as_ptr()).pointers)) }
        }
    }

    struct List(Mutex<LinkedList<NodeLink>>);
    // SAFETY: the nodes are only touched under the mutex.
    unsafe impl Send for List {}
    // SAFETY: as above.
    unsafe impl Sync for List {}

    /// Two threads each link their own node and unlink it (or find it popped
    /// by the other) under the owner's mutex; the list ends empty and no node
    /// is left dangling.
    #[test]
    fn concurrent_push_remove_under_mutex() {
        loom::model(|| {
            let list = Arc::new(List(Mutex::new(LinkedList::new())));
            let worker = |list: Arc<List>| {
                let node = Box::pin(Node {
                    pointers: Pointers::new(),
                });
                let ptr = NonNull::from(&*node);
                list.0.lock().push_back(ptr);
                let _ = list.0.lock().pop_front();
                // SAFETY: our node is live and on this list or none.
                let _ = unsafe { list.0.lock().remove(ptr) };
                drop(node);
            };
            let l2 = list.clone();
            let t = thread::spawn(move || worker(l2));
            worker(list.clone());
            t.join().unwrap();
            assert!(list.0.lock().is_empty());
        });
    }
}
