//! Blocked-worker detection (a weft extension, beyond Tokio's API): notice
//! when a task blocks a worker thread inside its `poll` for too long, and
//! say which task it is.
//!
//! A long synchronous call inside `poll` (a blocking lock, `std::thread::sleep`,
//! a blocking channel receive, heavy computation) stalls every task queued
//! behind it on that worker, and is the most common bug in async programs.
//! [`Builder::on_worker_blocked`](crate::runtime::Builder::on_worker_blocked)
//! installs a hook that is called with a [`BlockedWorker`] once for each poll
//! that has lasted longer than a threshold.
//!
//! ```
//! use std::time::Duration;
//!
//! let (tx, rx) = std::sync::mpsc::channel();
//! let rt = weft::runtime::Builder::new_multi_thread()
//!     .worker_threads(2)
//!     .on_worker_blocked(Duration::from_millis(20), move |blocked| {
//!         let _ = tx.send((blocked.task_id(), blocked.spawned_at().line()));
//!     })
//!     .build()
//!     .unwrap();
//! let line = line!() + 1;
//! let task = rt.spawn(async { std::thread::sleep(Duration::from_millis(200)) });
//! let (id, at) = rx.recv().unwrap();
//! assert_eq!((id, at), (task.id(), line));
//! rt.block_on(task).unwrap();
//! ```
//!
//! How it works (and why it costs almost nothing):
//!
//! 1. Without a hook nothing is started and a poll pays one never-taken
//!    branch. With one, each worker publishes the task it is about to poll
//!    in a slot of its own (its cache line): the task id, its spawn location,
//!    then an odd sequence number; after the poll it makes the number even.
//!    These are plain stores on the worker's own cache line, no clock read,
//!    no read-modify-write.
//! 2. A monitor thread (one per runtime, a blocking-pool thread, started at
//!    `build` only when the hook is set) wakes every `threshold / 2` and reads
//!    every slot. A worker whose sequence number is odd and the same as at
//!    an earlier sample at least `threshold` ago has been inside one poll
//!    all that time: the hook is called, once for that poll.
//! 3. The slot is a sequence lock: the monitor reads the number, the id and
//!    the location, then the number again, and keeps the sample only if the
//!    number did not move, so a task id is never paired with another task's
//!    location.
//! 4. `block_in_place` closes the slot before handing the worker's queue to a
//!    new thread: blocking there is what it is for, and the new thread
//!    publishes its own polls in the slot.
//! 5. Runtime shutdown stops the monitor (a condvar wakes it at once), and
//!    the runtime's drop waits for its thread with the rest of the pool.
//!
//! What it does not watch: the future passed to `block_on` (it is not a
//! task, and neither are the `LocalSet` or `LocalRuntime` tasks it runs; a
//! `LocalSet` awaited inside a spawned task is reported as that task) and
//! blocking-pool threads (they are meant to block). The monitor thread counts
//! in [`num_blocking_threads`](crate::runtime::RuntimeMetrics::num_blocking_threads)
//! and takes one of the `max_blocking_threads`. The hook runs
//! on the monitor thread; a hook that blocks delays the next detection and
//! the runtime's shutdown, so it should return quickly (log, send on a
//! channel, take a [dump](crate::runtime::Handle::dump)).

use crate::loom::sync::atomic::{fence, AtomicPtr, AtomicU64, Ordering};
use crate::loom::sync::{self, Arc, Condvar, Mutex};
use crate::task::Id;
use std::fmt;
use std::num::NonZeroU64;
use std::panic::Location;
use std::time::{Duration, Instant};

/// A worker thread found stuck in one poll of one task, given to the hook
/// set with [`Builder::on_worker_blocked`](crate::runtime::Builder::on_worker_blocked).
///
/// ```
/// use std::time::Duration;
/// use weft::runtime::BlockedWorker;
///
/// let (tx, rx) = std::sync::mpsc::channel();
/// let rt = weft::runtime::Builder::new_current_thread()
///     .on_worker_blocked(Duration::from_millis(10), move |b: &BlockedWorker| {
///         let _ = tx.send((b.worker_index(), b.blocked_for()));
///     })
///     .build()
///     .unwrap();
/// rt.block_on(rt.spawn(async { std::thread::sleep(Duration::from_millis(100)) }))
///     .unwrap();
/// let (worker, blocked_for) = rx.recv().unwrap();
/// assert_eq!(worker, 0);
/// assert!(blocked_for >= Duration::from_millis(10));
/// ```
#[derive(Clone, Debug)]
pub struct BlockedWorker {
    worker_index: usize,
    task_id: Id,
    spawned_at: &'static Location<'static>,
    blocked_for: Duration,
}

impl BlockedWorker {
    /// The index of the blocked worker (as in
    /// [`RuntimeMetrics`](crate::runtime::RuntimeMetrics) and
    /// [`worker_index`](crate::runtime::worker_index); `0` on the
    /// current-thread runtime).
    ///
    /// ```
    /// use std::time::Duration;
    /// # let (tx, rx) = std::sync::mpsc::channel();
    /// # let rt = weft::runtime::Builder::new_current_thread()
    /// #     .on_worker_blocked(Duration::from_millis(5), move |b| { let _ = tx.send(b.clone()); })
    /// #     .build().unwrap();
    /// # let line = line!() + 1;
    /// # let task = rt.spawn(async { std::thread::sleep(Duration::from_millis(50)) });
    /// # let id = task.id();
    /// # rt.block_on(task).unwrap();
    /// let blocked: weft::runtime::BlockedWorker = rx.recv().unwrap();
    /// assert_eq!(blocked.worker_index(), 0);
    /// ```
    pub fn worker_index(&self) -> usize {
        self.worker_index
    }

    /// The id of the task whose poll blocks the worker.
    ///
    /// ```
    /// use std::time::Duration;
    /// # let (tx, rx) = std::sync::mpsc::channel();
    /// # let rt = weft::runtime::Builder::new_current_thread()
    /// #     .on_worker_blocked(Duration::from_millis(5), move |b| { let _ = tx.send(b.clone()); })
    /// #     .build().unwrap();
    /// # let line = line!() + 1;
    /// # let task = rt.spawn(async { std::thread::sleep(Duration::from_millis(50)) });
    /// # let id = task.id();
    /// # rt.block_on(task).unwrap();
    /// let blocked: weft::runtime::BlockedWorker = rx.recv().unwrap();
    /// assert_eq!(blocked.task_id(), id);
    /// ```
    pub fn task_id(&self) -> Id {
        self.task_id
    }

    /// Where that task was spawned.
    ///
    /// ```
    /// use std::time::Duration;
    /// # let (tx, rx) = std::sync::mpsc::channel();
    /// # let rt = weft::runtime::Builder::new_current_thread()
    /// #     .on_worker_blocked(Duration::from_millis(5), move |b| { let _ = tx.send(b.clone()); })
    /// #     .build().unwrap();
    /// # let line = line!() + 1;
    /// # let task = rt.spawn(async { std::thread::sleep(Duration::from_millis(50)) });
    /// # let id = task.id();
    /// # rt.block_on(task).unwrap();
    /// let blocked: weft::runtime::BlockedWorker = rx.recv().unwrap();
    /// assert_eq!(blocked.spawned_at().line(), line);
    /// ```
    pub fn spawned_at(&self) -> &'static Location<'static> {
        self.spawned_at
    }

    /// How long the poll has lasted so far, at least (the monitor samples
    /// every `threshold / 2`, so the poll may have started up to that much
    /// earlier). Never below the threshold.
    ///
    /// ```
    /// use std::time::Duration;
    /// # let (tx, rx) = std::sync::mpsc::channel();
    /// # let rt = weft::runtime::Builder::new_current_thread()
    /// #     .on_worker_blocked(Duration::from_millis(5), move |b| { let _ = tx.send(b.clone()); })
    /// #     .build().unwrap();
    /// # let line = line!() + 1;
    /// # let task = rt.spawn(async { std::thread::sleep(Duration::from_millis(50)) });
    /// # let id = task.id();
    /// # rt.block_on(task).unwrap();
    /// let blocked: weft::runtime::BlockedWorker = rx.recv().unwrap();
    /// assert!(blocked.blocked_for() >= Duration::from_millis(5));
    /// ```
    pub fn blocked_for(&self) -> Duration {
        self.blocked_for
    }
}

impl fmt::Display for BlockedWorker {
    /// ```
    /// # let (tx, rx) = std::sync::mpsc::channel();
    /// # let rt = weft::runtime::Builder::new_current_thread()
    /// #     .on_worker_blocked(std::time::Duration::from_millis(5), move |b| { let _ = tx.send(b.to_string()); })
    /// #     .build().unwrap();
    /// # rt.block_on(rt.spawn(async { std::thread::sleep(std::time::Duration::from_millis(50)) })).unwrap();
    /// let text: String = rx.recv().unwrap();
    /// assert!(text.starts_with("worker 0 blocked for "), "{text}");
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "worker {} blocked for {:?} in a poll of task {} spawned at {}",
            self.worker_index, self.blocked_for, self.task_id, self.spawned_at
        )
    }
}

/// The hook and its threshold, as the builder keeps them.
#[derive(Clone)]
pub(crate) struct Config {
    pub(crate) threshold: Duration,
    pub(crate) hook: std::sync::Arc<dyn Fn(&BlockedWorker) + Send + Sync>,
}

/// What one worker is polling (module doc, steps 1 and 3). Written only by
/// the thread holding the worker's core; aligned to its own cache line so
/// that workers never share one through it.
#[repr(align(128))]
pub(crate) struct PollSlot {
    /// Odd while a poll of `task_id` runs; even between polls. Starts at 0.
    seq: AtomicU64,
    task_id: AtomicU64,
    location: AtomicPtr<Location<'static>>,
}

/// A consistent read of a slot while a poll runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Polling {
    seq: u64,
    task_id: u64,
    location: *const Location<'static>,
}

impl PollSlot {
    fn new() -> PollSlot {
        PollSlot {
            seq: AtomicU64::new(0),
            task_id: AtomicU64::new(0),
            location: AtomicPtr::new(std::ptr::null_mut()),
        }
    }

    /// A poll of task `id` starts. Only the core's holder calls this.
    pub(crate) fn start(&self, id: Id, location: &'static Location<'static>) {
        // Release: a reader that sees these values also sees the `seq`
        // store that ended the previous poll (step 3), so it notices the
        // change when it reads `seq` again.
        self.task_id.store(id.as_u64(), Ordering::Release);
        self.location
            .store(location as *const _ as *mut _, Ordering::Release);
        let seq = self.seq.load(Ordering::Relaxed);
        // The next odd number. `seq` is even unless a thread that gave up
        // the core in the middle of a poll left it odd (it cannot happen
        // with `block_in_place`, which closes the slot, but stay correct).
        let next = (seq | 1) + if seq & 1 == 1 { 2 } else { 0 };
        self.seq.store(next, Ordering::Release);
    }

    /// The poll that `start` announced is over (or the core is handed to
    /// another thread in the middle of it). Only the core's holder calls this.
    pub(crate) fn end(&self) {
        let seq = self.seq.load(Ordering::Relaxed);
        if seq & 1 == 1 {
            self.seq.store(seq + 1, Ordering::Relaxed);
        }
    }

    /// The poll running now, if any, read consistently (step 3).
    fn read(&self) -> Option<Polling> {
        let seq = self.seq.load(Ordering::Acquire);
        if seq & 1 == 0 {
            return None;
        }
        let task_id = self.task_id.load(Ordering::Relaxed);
        let location = self.location.load(Ordering::Relaxed).cast_const();
        // Pairs with the Release stores of `start`: if either value came
        // from a later poll, the re-read below sees that `seq` moved.
        fence(Ordering::Acquire);
        if self.seq.load(Ordering::Relaxed) != seq {
            return None;
        }
        Some(Polling {
            seq,
            task_id,
            location,
        })
    }
}

/// Shared by the scheduler (which writes the slots) and the monitor thread.
pub(crate) struct Watch {
    slots: Box<[PollSlot]>,
    config: Config,
    stopped: Mutex<bool>,
    wake: Condvar,
}

/// What the monitor remembers of one worker between samples.
#[derive(Clone, Copy)]
struct Seen {
    polling: Polling,
    since: Instant,
    reported: bool,
}

impl Watch {
    pub(crate) fn new(workers: usize, config: Config) -> Arc<Watch> {
        Arc::new(Watch {
            slots: (0..workers).map(|_| PollSlot::new()).collect(),
            config,
            stopped: Mutex::new(false),
            wake: Condvar::new(),
        })
    }

    pub(crate) fn slot(&self, worker: usize) -> &PollSlot {
        &self.slots[worker]
    }

    /// Starts the monitor thread on the runtime's blocking pool (step 2).
    /// (An associated function: loom's `Arc` cannot be a `self` type.)
    pub(crate) fn launch(me: &Arc<Watch>, rt: &crate::runtime::scheduler::Handle) {
        let me = me.clone();
        rt.blocking_spawner().spawn_mandatory(rt, move || me.run());
    }

    /// Stops the monitor (step 5); it returns from `run` promptly.
    pub(crate) fn stop(&self) {
        *self.stopped.lock() = true;
        self.wake.notify_all();
    }

    /// The monitor thread's body.
    fn run(&self) {
        // Sample twice per threshold: a poll is reported between one and one
        // and a half thresholds after it started.
        let interval = (self.config.threshold / 2).max(Duration::from_micros(100));
        let mut seen: Vec<Option<Seen>> = vec![None; self.slots.len()];
        let mut stopped = self.stopped.lock();
        loop {
            if *stopped {
                return;
            }
            stopped = sync::wait_timeout(&self.wake, stopped, interval);
            if *stopped {
                return;
            }
            // The hook runs without the lock, so that `stop` never waits for it.
            drop(stopped);
            self.sample(&mut seen, Instant::now());
            stopped = self.stopped.lock();
        }
    }

    /// One round over the slots: calls the hook for each newly blocked worker.
    fn sample(&self, seen: &mut [Option<Seen>], now: Instant) {
        for (index, (slot, seen)) in self.slots.iter().zip(seen.iter_mut()).enumerate() {
            let Some(polling) = slot.read() else {
                *seen = None;
                continue;
            };
            match seen {
                Some(s) if s.polling == polling => {
                    let blocked_for = now.saturating_duration_since(s.since);
                    if !s.reported && blocked_for >= self.config.threshold {
                        s.reported = true;
                        if let Some(blocked) = polling.to_blocked(index, blocked_for) {
                            // A panicking hook must not end the monitoring.
                            let hook = &self.config.hook;
                            let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                hook(&blocked)
                            }));
                        }
                    }
                }
                _ => {
                    *seen = Some(Seen {
                        polling,
                        since: now,
                        reported: false,
                    })
                }
            }
        }
    }
}

impl Polling {
    fn to_blocked(self, worker_index: usize, blocked_for: Duration) -> Option<BlockedWorker> {
        // SAFETY: a non-null location was stored from a `&'static Location`.
        let spawned_at = unsafe { self.location.as_ref() }?;
        Some(BlockedWorker {
            worker_index,
            task_id: Id(NonZeroU64::new(self.task_id)?),
            spawned_at,
            blocked_for,
        })
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;
    use std::sync::Mutex as StdMutex;

    fn watch(threshold: Duration) -> (Arc<Watch>, std::sync::Arc<StdMutex<Vec<BlockedWorker>>>) {
        let got = std::sync::Arc::new(StdMutex::new(Vec::new()));
        let sink = got.clone();
        let config = Config {
            threshold,
            hook: std::sync::Arc::new(move |b: &BlockedWorker| {
                sink.lock().unwrap().push(b.clone())
            }),
        };
        (Watch::new(2, config), got)
    }

    #[test]
    fn slot_sequence_is_odd_only_inside_a_poll() {
        let slot = PollSlot::new();
        assert_eq!(slot.read(), None);
        slot.start(Id::next(), Location::caller());
        let first = slot.read().unwrap();
        assert_eq!(first.seq, 1);
        slot.end();
        assert_eq!(slot.read(), None);
        slot.end(); // idempotent between polls
        slot.start(Id::next(), Location::caller());
        assert_eq!(slot.read().unwrap().seq, 3);
        // A start without an end (core handed over mid-poll) still moves on.
        slot.start(Id::next(), Location::caller());
        assert_eq!(slot.read().unwrap().seq, 5);
    }

    #[test]
    fn reports_a_long_poll_once_and_only_after_the_threshold() {
        let threshold = Duration::from_millis(100);
        let (watch, got) = watch(threshold);
        let mut seen = vec![None; 2];
        let t0 = Instant::now();
        let id = Id::next();
        let at = Location::caller();
        watch.slot(1).start(id, at);
        watch.sample(&mut seen, t0);
        watch.sample(&mut seen, t0 + threshold / 2);
        assert!(got.lock().unwrap().is_empty());
        watch.sample(&mut seen, t0 + threshold);
        watch.sample(&mut seen, t0 + threshold * 3);
        let got = got.lock().unwrap().clone();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].worker_index(), 1);
        assert_eq!(got[0].task_id(), id);
        assert_eq!(got[0].spawned_at(), at);
        assert_eq!(got[0].blocked_for(), threshold);
    }

    #[test]
    fn many_short_polls_of_one_task_are_not_a_blocked_worker() {
        let threshold = Duration::from_millis(100);
        let (watch, got) = watch(threshold);
        let mut seen = vec![None; 2];
        let t0 = Instant::now();
        let id = Id::next();
        for i in 0..10 {
            watch.slot(0).end();
            watch.slot(0).start(id, Location::caller());
            watch.sample(&mut seen, t0 + threshold * i);
        }
        assert!(got.lock().unwrap().is_empty());
    }

    #[test]
    fn a_new_episode_after_the_poll_ends_is_reported_again() {
        let threshold = Duration::from_millis(10);
        let (watch, got) = watch(threshold);
        let mut seen = vec![None; 2];
        let t0 = Instant::now();
        let id = Id::next();
        for episode in 0..2u32 {
            let t = t0 + threshold * (10 * episode);
            watch.slot(0).start(id, Location::caller());
            watch.sample(&mut seen, t);
            watch.sample(&mut seen, t + threshold);
            watch.slot(0).end();
            watch.sample(&mut seen, t + threshold * 2);
        }
        assert_eq!(got.lock().unwrap().len(), 2);
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    use super::*;
    use crate::loom::thread;

    /// A poll of task 1 is running (started before the worker thread, as
    /// when a core is handed over); the worker ends it and starts a poll of
    /// task 2 while the monitor reads the slot: every read it keeps pairs a
    /// task id with that task's own location and sequence number.
    #[test]
    fn slot_reads_are_never_torn() {
        loom::model(|| {
            let first = Location::caller();
            let second = Location::caller();
            let at = [first, second];
            let id = |n: u64| Id(NonZeroU64::new(n).unwrap());
            let slot = Arc::new(PollSlot::new());
            slot.start(id(1), at[0]);
            let worker = {
                let slot = slot.clone();
                thread::spawn(move || {
                    slot.end();
                    slot.start(id(2), at[1]);
                })
            };
            let mut last = 0;
            for _ in 0..2 {
                if let Some(p) = slot.read() {
                    assert!(p.seq >= last);
                    last = p.seq;
                    let i = (p.task_id - 1) as usize;
                    assert!(std::ptr::eq(p.location, at[i]), "torn read: {p:?}");
                    assert_eq!(p.seq, 2 * i as u64 + 1, "torn read: {p:?}");
                }
            }
            worker.join().unwrap();
        });
    }
}
