//! Which blocking-pool threads are idle, and whether handing one a task
//! needs a condvar signal.
//!
//! Kept under the pool mutex (see the protocol in `pool.rs`). An idle thread
//! first spins for a short while, then sleeps on the condvar. `spawn` claims
//! an idle thread by leaving a claim (`notify`) that exactly one thread
//! consumes. A spinning thread looks for a claim when its spin ends, without
//! being told, so a claim needs a signal only when there are more pending
//! claims than spinning threads to pick them up. That skips the futex
//! syscall (`Condvar::notify_one` makes one even when nobody waits) and,
//! more important, the sleeper's wake-up, on the path where one
//! `spawn_blocking` follows another.
//!
//! Any thread may consume any claim: a sleeper woken spuriously or by its
//! keep-alive timeout may take a claim meant for a spinner, which then finds
//! none and sleeps. The task is not lost, it is in the queue, and the thread
//! holding the claim runs it.

/// The counts; every method is called with the pool mutex held.
#[derive(Debug, Default)]
pub(super) struct Idle {
    /// Idle threads not claimed yet (spinning or asleep).
    idle: usize,
    /// Threads in the spin before sleeping, claimed or not.
    spinning: usize,
    /// Claims made by `spawn` and not consumed yet.
    notify: usize,
}

/// What `Idle::claim` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub(super) enum Claim {
    /// No idle thread: start one, or leave the task queued at the cap.
    NoIdleThread,
    /// A spinning thread will take the claim when its spin ends: no signal.
    Spinner,
    /// Claims outnumber spinning threads: signal the condvar (after
    /// unlocking) to wake a sleeper for this one.
    Sleeper,
}

impl Idle {
    /// Step 1: claims an idle thread for a task just queued.
    pub(super) fn claim(&mut self) -> Claim {
        if self.idle == 0 {
            return Claim::NoIdleThread;
        }
        self.idle -= 1;
        self.notify += 1;
        if self.notify > self.spinning {
            Claim::Sleeper
        } else {
            Claim::Spinner
        }
    }

    /// Step 2: a thread found the queue empty.
    pub(super) fn go_idle(&mut self) {
        self.idle += 1;
    }

    /// Step 2: an idle thread starts spinning (the lock is released next).
    pub(super) fn start_spin(&mut self) {
        self.spinning += 1;
    }

    /// Step 2: the spin ended (the lock is held again); `true` if the thread
    /// took a claim and goes back to the queue, `false` if it goes to sleep.
    pub(super) fn stop_spin(&mut self) -> bool {
        self.spinning -= 1;
        self.take_claim()
    }

    /// Consumes a claim, if there is one (a thread waking from the condvar).
    /// `spawn` already took the claimed thread off the idle count.
    pub(super) fn take_claim(&mut self) -> bool {
        if self.notify == 0 {
            return false;
        }
        self.notify -= 1;
        true
    }

    /// An idle thread leaves for good (keep-alive ran out, or shutdown).
    pub(super) fn leave(&mut self) {
        self.idle = self.idle.saturating_sub(1);
    }

    /// Idle threads not claimed yet (the `num_idle_blocking_threads` metric).
    pub(super) fn num_idle(&self) -> usize {
        self.idle
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn no_idle_thread_no_claim() {
        let mut idle = Idle::default();
        assert_eq!(idle.claim(), Claim::NoIdleThread);
        assert!(!idle.take_claim());
    }

    #[test]
    fn a_spinning_thread_needs_no_signal() {
        let mut idle = Idle::default();
        idle.go_idle();
        idle.start_spin();
        assert_eq!(idle.claim(), Claim::Spinner);
        assert_eq!(idle.num_idle(), 0);
        assert!(idle.stop_spin());
        assert!(!idle.take_claim());
    }

    #[test]
    fn a_sleeping_thread_is_signalled() {
        let mut idle = Idle::default();
        idle.go_idle();
        idle.start_spin();
        assert!(!idle.stop_spin()); // nothing came: it sleeps
        assert_eq!(idle.claim(), Claim::Sleeper);
        assert!(idle.take_claim());
    }

    /// One spinner, one sleeper, two tasks: the second claim is beyond the
    /// spinner and wakes the sleeper.
    #[test]
    fn claims_beyond_the_spinners_signal() {
        let mut idle = Idle::default();
        idle.go_idle(); // the sleeper
        idle.go_idle(); // the spinner
        idle.start_spin();
        assert_eq!(idle.claim(), Claim::Spinner);
        assert_eq!(idle.claim(), Claim::Sleeper);
        assert_eq!(idle.claim(), Claim::NoIdleThread);
        assert!(idle.stop_spin());
        assert!(idle.take_claim());
        assert!(!idle.take_claim());
    }

    /// A claim the sleeper took first (spurious wake) leaves the spinner
    /// without one: it goes to sleep, nothing is counted twice.
    #[test]
    fn a_claim_is_consumed_once() {
        let mut idle = Idle::default();
        idle.go_idle();
        idle.go_idle();
        idle.start_spin();
        assert_eq!(idle.claim(), Claim::Spinner);
        assert!(idle.take_claim()); // the sleeper, woken spuriously
        assert!(!idle.stop_spin());
        assert_eq!(idle.num_idle(), 1);
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    //! The pool's step 1 and 2 in miniature (a counter for the queue, no
    //! keep-alive), with the real `Idle` and the real spin: a task queued
    //! while its thread spins, after it went to sleep, before it went idle,
    //! or while it completes the previous task after going idle early, is
    //! always run (loom reports a deadlock if a claim is lost).
    use super::*;
    use crate::loom::sync::atomic::{AtomicUsize, Ordering::Relaxed};
    use crate::loom::sync::{self, Arc, Condvar, Mutex};
    use crate::runtime::park::{spin_until, SPIN_BUDGET};

    #[derive(Default)]
    struct State {
        idle: Idle,
        queued: usize,
        ran: usize,
        shutdown: bool,
    }

    #[derive(Default)]
    struct Pool {
        state: Mutex<State>,
        condvar: Condvar,
        /// Signalled when a task ran (for the model's main thread).
        ran: Condvar,
        queue_depth: AtomicUsize,
    }

    impl Pool {
        fn spawn(&self) {
            let mut state = self.state.lock();
            state.queued += 1;
            self.queue_depth.fetch_add(1, Relaxed);
            let claim = state.idle.claim();
            drop(state);
            if claim == Claim::Sleeper {
                self.condvar.notify_one();
            }
            // `NoIdleThread`: the one pool thread is busy or not idle yet;
            // it finds the task in the queue before it goes idle.
        }

        fn thread(&self) {
            let mut state = self.state.lock();
            'main: loop {
                let mut spinning = false;
                while state.queued > 0 {
                    state.queued -= 1;
                    self.queue_depth.fetch_sub(1, Relaxed);
                    drop(state);
                    // The closure returned: go idle early if nothing is
                    // queued (`pool::closure_returned`)...
                    let mut st = self.state.lock();
                    let early = st.queued == 0 && !st.shutdown;
                    if early {
                        st.idle.go_idle();
                        st.idle.start_spin();
                    }
                    drop(st);
                    // ...then complete: the waiter sees the result.
                    self.state.lock().ran += 1;
                    self.ran.notify_all();
                    state = self.state.lock();
                    if early {
                        spinning = true;
                        break;
                    }
                }
                if !spinning {
                    state.idle.go_idle();
                    if !state.shutdown {
                        state.idle.start_spin();
                        spinning = true;
                    }
                }
                if spinning {
                    drop(state);
                    spin_until(SPIN_BUDGET, || self.queue_depth.load(Relaxed) != 0);
                    state = self.state.lock();
                    if state.idle.stop_spin() {
                        continue 'main;
                    }
                }
                while !state.shutdown {
                    state = sync::wait(&self.condvar, state);
                    if state.idle.take_claim() {
                        continue 'main;
                    }
                }
                state.idle.leave();
                return;
            }
        }

        fn wait_ran(&self, n: usize) {
            let mut state = self.state.lock();
            while state.ran < n {
                state = sync::wait(&self.ran, state);
            }
        }

        fn shutdown(&self) {
            self.state.lock().shutdown = true;
            self.condvar.notify_all();
        }
    }

    #[test]
    fn one_thread_two_tasks() {
        loom::model(|| {
            let pool = Arc::new(Pool::default());
            let t = loom::thread::spawn({
                let pool = pool.clone();
                move || pool.thread()
            });
            pool.spawn();
            pool.wait_ran(1);
            pool.spawn();
            pool.wait_ran(2);
            pool.shutdown();
            t.join().unwrap();
        });
    }

    /// Two idle threads, two tasks at once: a spinner and a sleeper may both
    /// be needed, and neither claim may be left without a thread.
    #[test]
    fn two_threads_two_tasks() {
        loom::model(|| {
            let pool = Arc::new(Pool::default());
            let threads: Vec<_> = (0..2)
                .map(|_| {
                    let pool = pool.clone();
                    loom::thread::spawn(move || pool.thread())
                })
                .collect();
            pool.spawn();
            pool.spawn();
            pool.wait_ran(2);
            pool.shutdown();
            for t in threads {
                t.join().unwrap();
            }
        });
    }
}
