//! Task dumps: what every task of a runtime is doing, right now (a weft
//! extension, beyond Tokio's API).
//!
//! [`Handle::dump`](crate::runtime::Handle::dump) (or
//! [`Runtime::dump`](crate::runtime::Runtime::dump)) walks the runtime's
//! list of live tasks and returns a [`Dump`]: for each task its
//! [id](TaskSnapshot::id), where it was [spawned](TaskSnapshot::spawned_at),
//! its [state](TaskState) and how many times it was
//! [polled](TaskSnapshot::polls). Printing a dump (`{}`) groups the tasks by
//! spawn location, so that ten thousand tasks from one `spawn` call read as
//! one line.
//!
//! ```
//! use weft::runtime::dump::TaskState;
//!
//! let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
//! rt.block_on(async {
//!     let line = line!() + 1;
//!     let task = weft::spawn(std::future::pending::<()>());
//!     weft::task::yield_now().await; // let it run once
//!
//!     let dump = weft::runtime::Handle::current().dump();
//!     let t = dump.tasks().iter().find(|t| t.id() == task.id()).unwrap();
//!     assert_eq!(t.spawned_at().line(), line);
//!     assert_eq!(t.state(), TaskState::Idle);
//!     assert_eq!(t.polls(), 1);
//!     println!("{dump}");
//! });
//! ```
//!
//! How it works and what it costs:
//!
//! - Taking a dump never stops the workers: it walks the owned-task list one
//!   shard at a time under that shard's lock (the lock a spawn or a task
//!   completion on that shard takes), reading each task's state word and
//!   poll counter as they are at that moment. A dump is therefore not one
//!   atomic picture of the runtime: a task may change state while the dump is
//!   taken, and tasks spawned or completed during it may or may not appear.
//! - The poll counter costs a load and a store per poll on the thread that
//!   polls the task (no read-modify-write); the spawn location is recorded by
//!   `#[track_caller]` at every spawn anyway.
//!
//! What a dump does not show:
//!
//! - blocking tasks (`spawn_blocking`), which run on the blocking pool and are
//!   not in the owned-task list;
//! - tasks of a [`LocalSet`](crate::task::LocalSet) (or a `LocalRuntime`'s
//!   `spawn_local`), which live in the set's own list that the runtime does
//!   not know about;
//! - task names: weft has no `task::Builder` (unstable in Tokio) yet, so
//!   [`TaskSnapshot::name`] is always `None` for now.

use crate::task::list::OwnedTasks;
use crate::task::{Header, Id, Schedule};
use std::collections::HashMap;
use std::fmt;
use std::panic::Location;

/// A snapshot of every live task of a runtime, from
/// [`Handle::dump`](crate::runtime::Handle::dump).
///
/// `Display` prints one line per task, grouped by spawn location; a group
/// of more than a few tasks is summarised with counts per state (use the
/// alternate form, `{:#}`, to list every task).
///
/// ```
/// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
/// for _ in 0..1000 {
///     rt.spawn(std::future::pending::<()>());
/// }
/// let dump = rt.dump();
/// assert_eq!(dump.tasks().len(), 1000);
/// let text = dump.to_string();
/// assert!(text.lines().count() < 20, "{text}");
/// assert!(text.contains("1000 tasks"), "{text}");
/// ```
#[derive(Clone, Debug)]
pub struct Dump {
    tasks: Vec<TaskSnapshot>,
}

/// One task of a [`Dump`], as it was when the dump walked past it.
///
/// ```
/// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
/// let handle = rt.spawn(async {});
/// let dump = rt.dump();
/// let task = &dump.tasks()[0];
/// assert_eq!(task.id(), handle.id());
/// assert_eq!(task.polls(), 0);
/// assert_eq!(task.name(), None);
/// assert!(task.spawned_at().file().ends_with(".rs"));
/// ```
#[derive(Clone, Debug)]
pub struct TaskSnapshot {
    id: Id,
    state: TaskState,
    polls: u32,
    spawned_at: &'static Location<'static>,
}

/// What a task was doing when a [`Dump`] was taken.
///
/// ```
/// use weft::runtime::dump::TaskState;
///
/// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
/// rt.spawn(std::future::pending::<()>());
/// // Spawned from outside the runtime: queued, not polled yet.
/// assert_eq!(rt.dump().tasks()[0].state(), TaskState::Scheduled);
/// assert_eq!(TaskState::Scheduled.to_string(), "scheduled");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaskState {
    /// Being polled on some thread right now (also when it was aborted
    /// during this poll: it stops when the poll returns).
    Running,
    /// Woken and waiting in a run queue for its next poll.
    Scheduled,
    /// Aborted (or its runtime is shutting down) while not running: its
    /// future is dropped the next time its scheduler gets to it.
    Cancelled,
    /// Waiting for a wake-up (its last poll returned `Pending`).
    Idle,
    /// Finished: its output is stored, and it is about to leave the list.
    Complete,
}

impl Dump {
    #[cfg(all(test, not(loom)))]
    fn new(tasks: Vec<TaskSnapshot>) -> Dump {
        Dump { tasks }
    }

    /// Snapshots every task of `owned`, shard by shard (see the module doc).
    pub(crate) fn collect<S: Schedule>(owned: &OwnedTasks<S>) -> Dump {
        // Room for all, so that the walk does not allocate under a shard
        // lock (unless tasks are spawned meanwhile).
        let mut tasks = Vec::with_capacity(owned.len() + 16);
        // SAFETY: `for_each` hands out tasks under the lock of the shard
        // they are in, which keeps them alive.
        owned.for_each(|ptr| tasks.push(unsafe { Header::snapshot(ptr) }));
        Dump { tasks }
    }

    /// Every task the dump saw, in no particular order.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let a = rt.spawn(std::future::pending::<()>());
    /// let b = rt.spawn(std::future::pending::<()>());
    /// let mut ids: Vec<_> = rt.dump().tasks().iter().map(|t| t.id()).collect();
    /// ids.sort();
    /// assert_eq!(ids, [a.id(), b.id()]);
    /// ```
    pub fn tasks(&self) -> &[TaskSnapshot] {
        &self.tasks
    }
}

impl TaskSnapshot {
    pub(crate) fn new(
        id: Id,
        state: TaskState,
        polls: u32,
        spawned_at: &'static Location<'static>,
    ) -> TaskSnapshot {
        TaskSnapshot {
            id,
            state,
            polls,
            spawned_at,
        }
    }

    /// The task's id (as [`JoinHandle::id`](crate::task::JoinHandle::id)).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let handle = rt.spawn(async {});
    /// assert_eq!(rt.dump().tasks()[0].id(), handle.id());
    /// ```
    pub fn id(&self) -> Id {
        self.id
    }

    /// What the task was doing.
    ///
    /// ```
    /// use weft::runtime::dump::TaskState;
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async {
    ///     let me = weft::spawn(async {
    ///         let dump = weft::runtime::Handle::current().dump();
    ///         let me = weft::task::id();
    ///         dump.tasks().iter().find(|t| t.id() == me).unwrap().state()
    ///     });
    ///     assert_eq!(me.await.unwrap(), TaskState::Running);
    /// });
    /// ```
    pub fn state(&self) -> TaskState {
        self.state
    }

    /// How many times the task's future was polled (wrapping at `u32::MAX`).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.block_on(async {
    ///     let task = weft::spawn(async {
    ///         weft::task::yield_now().await;
    ///         std::future::pending::<()>().await
    ///     });
    ///     for _ in 0..3 {
    ///         weft::task::yield_now().await;
    ///     }
    ///     let dump = weft::runtime::Handle::current().dump();
    ///     let t = dump.tasks().iter().find(|t| t.id() == task.id()).unwrap();
    ///     assert_eq!(t.polls(), 2);
    /// });
    /// ```
    pub fn polls(&self) -> u32 {
        self.polls
    }

    /// Where the task was spawned (the caller of `spawn`).
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// let line = line!() + 1;
    /// rt.spawn(async {});
    /// let at = rt.dump().tasks()[0].spawned_at();
    /// assert_eq!((at.file(), at.line()), (file!(), line));
    /// ```
    pub fn spawned_at(&self) -> &'static Location<'static> {
        self.spawned_at
    }

    /// The task's name. Always `None` for now: weft has no `task::Builder`
    /// yet (Tokio's is unstable), so tasks cannot be named.
    ///
    /// ```
    /// let rt = weft::runtime::Builder::new_current_thread().build().unwrap();
    /// rt.spawn(async {});
    /// assert_eq!(rt.dump().tasks()[0].name(), None);
    /// ```
    pub fn name(&self) -> Option<&str> {
        None
    }
}

impl fmt::Display for TaskState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            TaskState::Running => "running",
            TaskState::Scheduled => "scheduled",
            TaskState::Cancelled => "cancelled",
            TaskState::Idle => "idle",
            TaskState::Complete => "complete",
        })
    }
}

/// Groups of at most this many tasks are listed task by task; larger groups
/// show this many (the busiest states first) and counts for the rest.
const LISTED_PER_GROUP: usize = 5;

impl fmt::Display for Dump {
    /// ```text
    /// 3 tasks
    /// src/main.rs:12:9: 2 tasks (1 running, 1 idle)
    ///   task 7 running polls 4
    ///   task 9 idle polls 1
    /// src/main.rs:30:5: 1 task (1 scheduled)
    ///   task 11 scheduled polls 0
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let list_all = f.alternate();
        let mut groups: HashMap<&'static Location<'static>, Vec<&TaskSnapshot>> = HashMap::new();
        for task in &self.tasks {
            groups.entry(task.spawned_at).or_default().push(task);
        }
        let mut groups: Vec<_> = groups.into_iter().collect();
        // Biggest groups first (a leak shows at the top), then by place.
        groups.sort_by(|(la, a), (lb, b)| {
            b.len().cmp(&a.len()).then_with(|| {
                (la.file(), la.line(), la.column()).cmp(&(lb.file(), lb.line(), lb.column()))
            })
        });
        writeln!(f, "{} {}", self.tasks.len(), plural(self.tasks.len()))?;
        for (location, mut tasks) in groups {
            // Running first: the interesting ones survive the cut.
            tasks.sort_by_key(|t| (t.state.rank(), t.id));
            write!(f, "{location}: {} {} (", tasks.len(), plural(tasks.len()))?;
            let mut first = true;
            let mut i = 0;
            while i < tasks.len() {
                let state = tasks[i].state;
                let n = tasks[i..].iter().take_while(|t| t.state == state).count();
                write!(f, "{}{n} {state}", if first { "" } else { ", " })?;
                first = false;
                i += n;
            }
            writeln!(f, ")")?;
            let shown = if list_all {
                tasks.len()
            } else {
                tasks.len().min(LISTED_PER_GROUP)
            };
            for t in &tasks[..shown] {
                writeln!(f, "  task {} {} polls {}", t.id, t.state, t.polls)?;
            }
            if shown < tasks.len() {
                let (lo, hi) = tasks[shown..].iter().fold((u32::MAX, 0), |(lo, hi), t| {
                    (lo.min(t.polls), hi.max(t.polls))
                });
                let more = tasks.len() - shown;
                if lo == hi {
                    writeln!(f, "  ... {more} more (polls {lo})")?;
                } else {
                    writeln!(f, "  ... {more} more (polls {lo} to {hi})")?;
                }
            }
        }
        Ok(())
    }
}

impl TaskState {
    /// Display order: what a reader looks for first (running, then queued).
    fn rank(self) -> u8 {
        match self {
            TaskState::Running => 0,
            TaskState::Scheduled => 1,
            TaskState::Cancelled => 2,
            TaskState::Idle => 3,
            TaskState::Complete => 4,
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        "task"
    } else {
        "tasks"
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    fn task(id: u64, state: TaskState, polls: u32, at: &'static Location<'static>) -> TaskSnapshot {
        TaskSnapshot::new(Id(std::num::NonZeroU64::new(id).unwrap()), state, polls, at)
    }

    #[test]
    fn small_groups_list_every_task_biggest_group_first() {
        let a = Location::caller();
        let b = Location::caller();
        let dump = Dump::new(vec![
            task(3, TaskState::Idle, 1, a),
            task(4, TaskState::Idle, 2, b),
            task(5, TaskState::Running, 7, b),
        ]);
        let text = dump.to_string();
        let expected = format!(
            "3 tasks\n\
             {b}: 2 tasks (1 running, 1 idle)\n  task 5 running polls 7\n  task 4 idle polls 2\n\
             {a}: 1 task (1 idle)\n  task 3 idle polls 1\n"
        );
        assert_eq!(text, expected);
    }

    #[test]
    fn big_groups_are_summarised_unless_alternate() {
        let a = Location::caller();
        let mut tasks: Vec<_> = (1..=100)
            .map(|i| task(i, TaskState::Idle, i as u32, a))
            .collect();
        tasks.push(task(1000, TaskState::Scheduled, 0, a));
        let dump = Dump::new(tasks);
        let text = dump.to_string();
        assert_eq!(text.lines().count(), 2 + LISTED_PER_GROUP + 1, "{text}");
        assert!(text.contains("101 tasks (1 scheduled, 100 idle)"), "{text}");
        assert!(text.contains("  task 1000 scheduled polls 0\n"), "{text}");
        assert!(text.contains("... 96 more (polls 5 to 100)"), "{text}");
        assert_eq!(format!("{dump:#}").lines().count(), 2 + 101);
        let same: Vec<_> = (1..=10).map(|i| task(i, TaskState::Idle, 1, a)).collect();
        assert!(Dump::new(same)
            .to_string()
            .contains("... 5 more (polls 1)\n"));
    }

    #[test]
    fn empty_dump() {
        assert_eq!(Dump::new(Vec::new()).to_string(), "0 tasks\n");
    }
}
