//! Loom models of the local run queue: push, pop, steal and overflow under
//! concurrent thieves.

use super::*;
use crate::loom::sync::atomic::{AtomicUsize, Ordering::SeqCst};
use crate::loom::thread;
use crate::task::test_sched::TestSched;

type S = Arc<TestSched>;

fn task(sched: &S) -> Notified<S> {
    let (task, notified, join) = crate::task::new_task(
        async {},
        sched.clone(),
        crate::task::Id::next(),
        std::panic::Location::caller(),
    );
    drop(task);
    drop(join);
    notified
}

/// Drains a queue the model is done with, counting its tasks.
fn drain(local: &mut Local<S>) -> usize {
    let mut n = 0;
    while local.pop().is_some() {
        n += 1;
    }
    n
}

#[test]
fn push_pop_steal_lose_nothing() {
    loom::model(|| {
        let sched = TestSched::new();
        let inject = Arc::new(Inject::new());
        let (steal, mut owner) = super::local::<S>();
        let stolen = Arc::new(AtomicUsize::new(0));
        let th = {
            let stolen = stolen.clone();
            let sched = sched.clone();
            let inject = inject.clone();
            thread::spawn(move || {
                let (_s, mut mine) = super::local::<S>();
                let mut n = 0;
                if steal.steal_into(&mut mine).is_some() {
                    n += 1;
                }
                n += drain(&mut mine);
                stolen.fetch_add(n, SeqCst);
                drop((sched, inject));
            })
        };
        let mut popped = 0;
        for _ in 0..3 {
            owner.push_back_or_overflow(task(&sched), &inject);
        }
        if owner.pop().is_some() {
            popped += 1;
        }
        th.join().unwrap();
        popped += drain(&mut owner);
        let mut injected = 0;
        while inject.pop().is_some() {
            injected += 1;
        }
        assert_eq!(popped + stolen.load(SeqCst) + injected, 3);
    });
}

#[test]
fn overflow_while_stealing() {
    loom::model(|| {
        let sched = TestSched::new();
        let inject = Arc::new(Inject::new());
        let (steal, mut owner) = super::local::<S>();
        // Fill the ring (capacity 4 under loom).
        for _ in 0..CAPACITY {
            owner.push_back_or_overflow(task(&sched), &inject);
        }
        let stolen = Arc::new(AtomicUsize::new(0));
        let th = {
            let stolen = stolen.clone();
            thread::spawn(move || {
                let (_s, mut mine) = super::local::<S>();
                let mut n = usize::from(steal.steal_into(&mut mine).is_some());
                n += drain(&mut mine);
                stolen.fetch_add(n, SeqCst);
            })
        };
        // One more push overflows (or lands in the inject queue while a steal runs).
        owner.push_back_or_overflow(task(&sched), &inject);
        th.join().unwrap();
        let mut total = drain(&mut owner) + stolen.load(SeqCst);
        while inject.pop().is_some() {
            total += 1;
        }
        assert_eq!(total, CAPACITY + 1);
    });
}

#[test]
fn two_concurrent_thieves() {
    loom::model(|| {
        let sched = TestSched::new();
        let inject = Arc::new(Inject::<S>::new());
        let (steal, mut owner) = super::local::<S>();
        for _ in 0..4 {
            owner.push_back_or_overflow(task(&sched), &inject);
        }
        let stolen = Arc::new(AtomicUsize::new(0));
        let thieves: Vec<_> = (0..2)
            .map(|_| {
                let steal = steal.clone();
                let stolen = stolen.clone();
                thread::spawn(move || {
                    let (_s, mut mine) = super::local::<S>();
                    let mut n = usize::from(steal.steal_into(&mut mine).is_some());
                    n += drain(&mut mine);
                    stolen.fetch_add(n, SeqCst);
                })
            })
            .collect();
        let mut popped = usize::from(owner.pop().is_some());
        for t in thieves {
            t.join().unwrap();
        }
        popped += drain(&mut owner);
        assert_eq!(popped + stolen.load(SeqCst), 4);
        assert!(inject.pop().is_none());
    });
}

#[test]
fn lifo_slot_taken_by_owner_or_thief_exactly_once() {
    loom::model(|| {
        let sched = TestSched::new();
        let (steal, mut owner) = super::local::<S>();
        assert!(owner.set_lifo(task(&sched)).is_none());
        let th = thread::spawn(move || {
            // Two visits without owner progress: the thief may take it.
            let mut seen = 0;
            let a = steal.steal_lifo_if_stuck(&mut seen).is_some();
            let b = steal.steal_lifo_if_stuck(&mut seen).is_some();
            usize::from(a) + usize::from(b)
        });
        let mine = usize::from(owner.take_lifo().is_some());
        let theirs = th.join().unwrap();
        assert_eq!(mine + theirs, 1);
    });
}
