//! The mpsc queue: a lock-free linked list of fixed-size blocks, pushed by
//! any number of senders and popped by one receiver.
//!
//! # Pushing (senders, `Tx`)
//!
//! 1. Claim a slot: one `fetch_add` on `tail_position` gives the queue
//!    index `i`. Nothing else is contended.
//! 2. Find the block for `i`: start at `block_tail` and follow `next`,
//!    growing the list where it ends.
//! 3. On the way, a sender may move `block_tail` past a block whose every
//!    slot is written (`is_final`): no sender still needs it, and none will
//!    find it again through the tail. That sender then records the current
//!    `tail_position` in the block and marks it `RELEASED`. Only senders
//!    whose slot offset is smaller than the distance walked try this, so
//!    that usually one sender per block does it.
//! 4. Write the value, set the slot's ready bit.
//!
//! Closing is a push of nothing: the last sender claims a slot and sets
//! `TX_CLOSED` on its block, so the receiver sees the end after every value.
//!
//! # Popping (the receiver, `Rx`)
//!
//! 1. Move `head` forward along `next` to the block holding `index`.
//! 2. Recycle blocks between `free_head` and `head` that are released and
//!    whose recorded tail position the receiver has passed (every sender
//!    that could have seen the block through the tail has written its value
//!    and so left the block): reset them and append them to the end of the
//!    list (giving up after a few tries, then freeing them).
//! 3. Read the slot at `index` if its ready bit is set.

use super::block::{self, Block, Read, BLOCK_CAP};
use crate::loom::sync::atomic::Ordering::{Acquire, SeqCst};
use crate::loom::sync::atomic::{AtomicPtr, AtomicUsize};
use std::fmt;
use std::ptr::NonNull;

/// The senders' half.
pub(super) struct Tx<T> {
    block_tail: AtomicPtr<Block<T>>,
    tail_position: AtomicUsize,
}

/// The receiver's half.
pub(super) struct Rx<T> {
    head: NonNull<Block<T>>,
    index: usize,
    free_head: NonNull<Block<T>>,
}

/// Result of [`Rx::try_pop`].
pub(super) enum TryPop<T> {
    Ok(T),
    Closed,
    Empty,
    /// A sender claimed the next slot but has not written it yet.
    Busy,
}

// SAFETY: the blocks hold `T`s that move between threads; the list's own
// synchronisation is in the atomics.
unsafe impl<T: Send> Send for Tx<T> {}
// SAFETY: all shared access goes through atomics and the slot protocol.
unsafe impl<T: Send> Sync for Tx<T> {}
// SAFETY: the receiver's pointers are to blocks that only it frees.
unsafe impl<T: Send> Send for Rx<T> {}
// SAFETY: `&Rx` only reads (`len`); popping takes `&mut Rx`.
unsafe impl<T: Send> Sync for Rx<T> {}

pub(super) fn channel<T>() -> (Tx<T>, Rx<T>) {
    let first = NonNull::from(Box::leak(Block::<T>::new(0)));
    let tx = Tx {
        block_tail: AtomicPtr::new(first.as_ptr()),
        tail_position: AtomicUsize::new(0),
    };
    let rx = Rx {
        head: first,
        index: 0,
        free_head: first,
    };
    (tx, rx)
}

impl<T> Tx<T> {
    /// Pushes a value (steps 1 to 4).
    pub(super) fn push(&self, value: T) {
        let index = self.tail_position.fetch_add(1, SeqCst);
        let block = self.find_block(index);
        // SAFETY: `index` was claimed above and `block` holds it.
        unsafe { block.as_ref().write(index, value) };
    }

    /// Marks the end of the queue. Called once, by the last sender.
    pub(super) fn close(&self) {
        let index = self.tail_position.fetch_add(1, SeqCst);
        let block = self.find_block(index);
        // SAFETY: the block stays alive: its closing slot is never written,
        // so it is never final, never released, never recycled.
        unsafe { block.as_ref().tx_close() };
    }

    fn find_block(&self, index: usize) -> NonNull<Block<T>> {
        let mut block_ptr = self.block_tail.load(SeqCst);
        // SAFETY: the tail block is alive: blocks are recycled only after
        // they are released, which moves the tail past them first, and only
        // once every sender that saw them there has left (block.rs rule 4).
        let block = unsafe { &*block_ptr };
        if block.is_at_index(index) {
            // SAFETY: non-null, it came from `block_tail`.
            return unsafe { NonNull::new_unchecked(block_ptr) };
        }
        let distance = block.distance(index);
        let mut try_updating_tail = block::offset(index) < distance;
        loop {
            // SAFETY: as above; blocks after a live block are live.
            let block = unsafe { &*block_ptr };
            let next = block.grow();
            try_updating_tail &= block.is_final();
            if try_updating_tail {
                match self
                    .block_tail
                    .compare_exchange(block_ptr, next.as_ptr(), SeqCst, SeqCst)
                {
                    Ok(_) => {
                        let tail_position = self.tail_position.load(SeqCst);
                        // SAFETY: this sender moved the tail past the block;
                        // it is the only one to release it.
                        unsafe { block.tx_release(tail_position) };
                    }
                    Err(_) => try_updating_tail = false,
                }
            }
            block_ptr = next.as_ptr();
            // SAFETY: `next` is linked after a live block.
            if unsafe { next.as_ref() }.is_at_index(index) {
                return next;
            }
        }
    }

    /// Appends a recycled block to the end of the list, or frees it.
    ///
    /// # Safety
    ///
    /// `block` was reset by `Block::reclaim` and nothing refers to it.
    unsafe fn reclaim_block(&self, block: NonNull<Block<T>>) {
        let mut curr = self.block_tail.load(Acquire);
        // A few tries: under heavy pushing the end moves quickly, and a
        // block appended far ahead would only sit unused.
        for _ in 0..3 {
            // SAFETY: `curr` is the tail or after it, hence alive; `block`
            // is detached (caller's guarantee).
            unsafe {
                let start = (*curr).start_index() + BLOCK_CAP;
                block.as_ref().set_start_index(start);
                match (*curr).try_push(block) {
                    Ok(()) => return,
                    Err(next) => curr = next.as_ptr(),
                }
            }
        }
        // SAFETY: the block was allocated by `Block::new` as a box and is detached.
        drop(unsafe { Box::from_raw(block.as_ptr()) });
    }
}

impl<T> Rx<T> {
    /// Pops the next value; `None` if it is not there yet.
    pub(super) fn pop(&mut self, tx: &Tx<T>) -> Option<Read<T>> {
        if !self.try_advancing_head() {
            return None;
        }
        self.reclaim_blocks(tx);
        // SAFETY: `head` holds `index` (just checked) and is alive; only the
        // receiver reads, once per index.
        let read = unsafe { self.head.as_ref().read(self.index) };
        if let Some(Read::Value(_)) = read {
            self.index = self.index.wrapping_add(1);
        }
        read
    }

    /// Like `pop`, but tells an empty queue from one whose next value is
    /// being written right now.
    pub(super) fn try_pop(&mut self, tx: &Tx<T>) -> TryPop<T> {
        let tail_position = tx.tail_position.load(SeqCst);
        match self.pop(tx) {
            Some(Read::Value(value)) => TryPop::Ok(value),
            Some(Read::Closed) => TryPop::Closed,
            None if tail_position == self.index => TryPop::Empty,
            None => TryPop::Busy,
        }
    }

    /// Number of values in the queue (values being written right now may or
    /// may not be counted; the closing slot never is).
    pub(super) fn len(&self, tx: &Tx<T>) -> usize {
        let tail_position = tx.tail_position.load(SeqCst);
        let len = tail_position.wrapping_sub(self.index);
        if len == 0 {
            return 0;
        }
        // The last claimed slot is the closing one or a send in progress if
        // it is not ready: do not count it.
        if self.slot_has_value(tx, tail_position.wrapping_sub(1)) {
            len
        } else {
            len - 1
        }
    }

    fn slot_has_value(&self, tx: &Tx<T>, index: usize) -> bool {
        let tail = tx.block_tail.load(Acquire);
        // SAFETY: only the receiver (this thread) recycles blocks, and the
        // tail and everything after `head` are not recycled.
        unsafe {
            let mut block = if (*tail).start_index() <= block::start_index(index) {
                tail
            } else {
                self.head.as_ptr()
            };
            loop {
                if (*block).is_at_index(index) {
                    return (*block).has_value(index);
                }
                match (*block).load_next() {
                    Some(next) => block = next.as_ptr(),
                    None => return false,
                }
            }
        }
    }

    fn try_advancing_head(&mut self) -> bool {
        let start = block::start_index(self.index);
        loop {
            // SAFETY: `head` and the blocks after it are alive.
            let head = unsafe { self.head.as_ref() };
            if head.start_index() == start {
                return true;
            }
            match head.load_next() {
                Some(next) => self.head = next,
                None => return false,
            }
        }
    }

    fn reclaim_blocks(&mut self, tx: &Tx<T>) {
        while self.free_head != self.head {
            // SAFETY: blocks from `free_head` on are alive; only we free them.
            let block = unsafe { self.free_head.as_ref() };
            match block.observed_tail_position() {
                Some(required) if required <= self.index => {}
                _ => return,
            }
            let Some(next) = block.load_next() else {
                return;
            };
            let reclaimed = self.free_head;
            self.free_head = next;
            // SAFETY: block.rs rule 4: released, and the receiver read past
            // every index claimed before the release, so no sender holds it.
            unsafe {
                reclaimed.as_ref().reclaim();
                tx.reclaim_block(reclaimed);
            }
        }
    }

    /// Frees every block. Values still in the list are not dropped: the
    /// caller pops them first.
    ///
    /// # Safety
    ///
    /// No sender or receiver uses the list any more.
    pub(super) unsafe fn free_blocks(&mut self) {
        let mut curr = Some(self.free_head);
        while let Some(block) = curr {
            // SAFETY: every block is reachable once from `free_head`, and
            // nothing else uses them (caller's guarantee).
            unsafe {
                curr = block.as_ref().load_next();
                drop(Box::from_raw(block.as_ptr()));
            }
        }
    }
}

impl<T> fmt::Debug for Tx<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tx")
            .field("tail_position", &self.tail_position.load(Acquire))
            .finish_non_exhaustive()
    }
}

impl<T> fmt::Debug for Rx<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rx")
            .field("index", &self.index)
            .finish_non_exhaustive()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn drain(rx: &mut Rx<usize>, tx: &Tx<usize>) -> Vec<usize> {
        let mut out = Vec::new();
        while let Some(Read::Value(v)) = rx.pop(tx) {
            out.push(v);
        }
        out
    }

    #[test]
    fn values_cross_many_blocks_in_order_and_blocks_are_recycled() {
        let (tx, mut rx) = channel::<usize>();
        let mut expected = 0;
        for round in 0..50 {
            for i in 0..(BLOCK_CAP * 3 + round) {
                tx.push(expected + i);
            }
            let got = drain(&mut rx, &tx);
            assert_eq!(
                got,
                (expected..expected + BLOCK_CAP * 3 + round).collect::<Vec<_>>()
            );
            expected += got.len();
            assert_eq!(rx.len(&tx), 0);
        }
        // Recycling keeps the list short: count the blocks still linked.
        let mut blocks = 0;
        let mut curr = Some(rx.free_head);
        while let Some(b) = curr {
            blocks += 1;
            // SAFETY: the list is alive and used by this thread only.
            curr = unsafe { b.as_ref() }.load_next();
        }
        assert!(blocks <= 8, "{blocks} blocks linked; recycling failed");
        // SAFETY: no one else uses the list.
        unsafe { rx.free_blocks() };
    }

    #[test]
    fn close_is_seen_after_the_values() {
        let (tx, mut rx) = channel::<usize>();
        for i in 0..(BLOCK_CAP + 3) {
            tx.push(i);
        }
        tx.close();
        assert_eq!(
            rx.len(&tx),
            BLOCK_CAP + 3,
            "the closing slot is not counted"
        );
        assert_eq!(drain(&mut rx, &tx).len(), BLOCK_CAP + 3);
        assert!(matches!(rx.pop(&tx), Some(Read::Closed)));
        assert!(matches!(rx.try_pop(&tx), TryPop::Closed));
        // SAFETY: no one else uses the list.
        unsafe { rx.free_blocks() };
    }

    #[test]
    fn try_pop_tells_empty_from_busy() {
        let (tx, mut rx) = channel::<usize>();
        assert!(matches!(rx.try_pop(&tx), TryPop::Empty));
        // Claim a slot without writing it, as a sender caught mid-push.
        let index = tx.tail_position.fetch_add(1, SeqCst);
        assert!(matches!(rx.try_pop(&tx), TryPop::Busy));
        let block = tx.find_block(index);
        // SAFETY: `index` was claimed above and `block` holds it.
        unsafe { block.as_ref().write(index, 7) };
        assert!(matches!(rx.try_pop(&tx), TryPop::Ok(7)));
        // SAFETY: no one else uses the list.
        unsafe { rx.free_blocks() };
    }

    #[test]
    fn four_threads_push_each_value_arrives_once_in_order() {
        use std::sync::Arc;
        let (tx, mut rx) = channel::<usize>();
        let tx = Arc::new(tx);
        const N: usize = 20_000;
        let handles: Vec<_> = (0..4)
            .map(|p| {
                let tx = tx.clone();
                std::thread::spawn(move || {
                    for i in 0..N {
                        tx.push(p * N + i);
                    }
                })
            })
            .collect();
        let mut next = [0usize; 4];
        let mut total = 0;
        while total < 4 * N {
            if let Some(Read::Value(v)) = rx.pop(&tx) {
                let (p, i) = (v / N, v % N);
                assert_eq!(i, next[p], "producer {p} out of order");
                next[p] += 1;
                total += 1;
            } else {
                std::thread::yield_now();
            }
        }
        for h in handles {
            h.join().unwrap();
        }
        assert!(rx.pop(&tx).is_none());
        // SAFETY: no one else uses the list.
        unsafe { rx.free_blocks() };
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::sync::Arc;
    use crate::loom::thread;

    /// Two producers push two values each (crossing blocks of two slots)
    /// while the consumer pops; every value arrives once, in per-producer
    /// order, and blocks are recycled without a use-after-free.
    #[test]
    fn two_producers_one_consumer() {
        let mut builder = loom::model::Builder::new();
        builder.preemption_bound = Some(2);
        builder.check(|| {
            let (tx, mut rx) = channel::<usize>();
            let tx = Arc::new(tx);
            let producers: Vec<_> = (0..2)
                .map(|p| {
                    let tx = tx.clone();
                    thread::spawn(move || {
                        tx.push(p * 10);
                        tx.push(p * 10 + 1);
                    })
                })
                .collect();
            let mut seen = Vec::new();
            // Pop what is there while producers run, then the rest.
            for _ in 0..2 {
                if let Some(Read::Value(v)) = rx.pop(&tx) {
                    seen.push(v);
                }
            }
            for p in producers {
                p.join().unwrap();
            }
            tx.close();
            loop {
                match rx.pop(&tx) {
                    Some(Read::Value(v)) => seen.push(v),
                    Some(Read::Closed) => break,
                    None => panic!("a value went missing after every push finished"),
                }
            }
            assert_eq!(seen.len(), 4);
            for p in 0..2 {
                let mine: Vec<_> = seen.iter().filter(|v| **v / 10 == p).collect();
                assert_eq!(mine, [&(p * 10), &(p * 10 + 1)]);
            }
            // SAFETY: every thread is done with the list.
            unsafe { rx.free_blocks() };
        });
    }
}
