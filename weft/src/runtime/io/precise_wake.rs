//! Ending an `epoll_wait` at an exact instant, not at a whole millisecond.
//!
//! `epoll_wait` takes its timeout in milliseconds, so a driver that must wake
//! 0.3 ms from now has to ask for 1 ms (asking for 0 would spin): the timer
//! that was due fires 0.7 ms late. On a runtime running thousands of short
//! sleeps, that lateness is most of what a sleep costs beyond its own
//! duration. Tokio pays it twice (millisecond ticks, then the rounded
//! timeout); smol's `polling` arms a timerfd before every wait.
//!
//! [`PreciseWake`] arms one timerfd, registered in the driver's `mio::Poll`
//! (edge-triggered, so its expiry ends the wait once and needs no read),
//! whenever the timeout is not a whole number of milliseconds, and only when
//! the deadline moved: a driver parking again for the same deadline (after
//! an unpark, or a wake-up that found nothing due yet) makes no system call
//! for it. The timerfd is also the more precise of the two: `epoll_wait`
//! adds the thread's timer slack (50 us) to its timeout, a timerfd does not.
//! The millisecond timeout is still passed to `epoll_wait` as a backstop;
//! the timerfd ends the wait first.
//!
//! `timerfd_settime` re-arming resets the expiry count, and an expiry that
//! lands while the driver is awake is reported by its next poll and ignored
//! (the event only ends a wait). A timer armed for a deadline that the
//! driver no longer has (the timer was cancelled) may end one later wait
//! early: the driver then finds nothing due and parks again.
//!
//! Elsewhere than Linux and Android the timeout is only rounded up, as it
//! always was.

use std::time::Duration;

/// Deadlines this close (ns) are the same one, computed twice from clocks
/// read a moment apart (and 20 us is well within the kernel's own slack).
const SAME_DEADLINE: u64 = 20_000;

/// `timeout` in whole milliseconds, rounded up (`epoll_wait` truncates):
/// a timer is never polled for before it is due.
fn round_up_to_millis(timeout: Duration) -> Duration {
    let ms = timeout.as_nanos().div_ceil(1_000_000);
    Duration::from_millis(u64::try_from(ms).unwrap_or(u64::MAX))
}

#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use linux::PreciseWake;

#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) use fallback::PreciseWake;

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux {
    use super::{round_up_to_millis, SAME_DEADLINE};
    use mio::unix::SourceFd;
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::time::Duration;

    /// The timerfd of one I/O driver, created the first time a wait needs it.
    #[derive(Debug)]
    pub(crate) struct PreciseWake {
        timer: Timer,
    }

    #[derive(Debug)]
    enum Timer {
        /// Not needed yet.
        Unused,
        /// Registered with the driver's poll; `armed` is the deadline it is
        /// set to (ns on `CLOCK_MONOTONIC`), 0 if never armed.
        Ready { fd: OwnedFd, armed: u64 },
        /// Creating it failed (out of descriptors): round up instead.
        Failed,
    }

    impl PreciseWake {
        pub(crate) fn new() -> PreciseWake {
            PreciseWake {
                timer: Timer::Unused,
            }
        }

        /// The timeout to pass to `epoll_wait` for a wait of `timeout`
        /// (not zero), arming the timerfd (token `token`) to end it exactly
        /// then if rounding up to milliseconds would make it late.
        pub(crate) fn epoll_timeout(
            &mut self,
            registry: &mio::Registry,
            token: mio::Token,
            timeout: Duration,
        ) -> Duration {
            let rounded = round_up_to_millis(timeout);
            if rounded == timeout {
                return rounded;
            }
            if let Timer::Unused = self.timer {
                self.timer = match create(registry, token) {
                    Ok(fd) => Timer::Ready { fd, armed: 0 },
                    Err(_) => Timer::Failed,
                };
            }
            let Timer::Ready { fd, armed } = &mut self.timer else {
                return rounded;
            };
            let now = monotonic_now();
            let Some(deadline) = u64::try_from(timeout.as_nanos())
                .ok()
                .and_then(|t| now.checked_add(t))
            else {
                return rounded;
            };
            // Armed for this deadline already (and not yet expired).
            let armed_in_time = *armed > now && armed.abs_diff(deadline) <= SAME_DEADLINE;
            if !armed_in_time {
                if set_abs(fd, deadline).is_err() {
                    return rounded;
                }
                *armed = deadline;
            }
            rounded
        }
    }

    fn create(registry: &mio::Registry, token: mio::Token) -> io::Result<OwnedFd> {
        // SAFETY: plain system call with constant arguments.
        let raw = unsafe {
            libc::timerfd_create(
                libc::CLOCK_MONOTONIC,
                libc::TFD_NONBLOCK | libc::TFD_CLOEXEC,
            )
        };
        if raw < 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `raw` is a descriptor we just created and own alone.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        registry.register(
            &mut SourceFd(&fd.as_raw_fd()),
            token,
            mio::Interest::READABLE,
        )?;
        Ok(fd)
    }

    /// `CLOCK_MONOTONIC` in nanoseconds (the clock `std::time::Instant` reads).
    fn monotonic_now() -> u64 {
        let mut ts = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `ts` is a valid, writable timespec; CLOCK_MONOTONIC always exists.
        unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
        (ts.tv_sec as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(ts.tv_nsec as u64)
    }

    /// Arms `fd` to expire once at `deadline` (ns on `CLOCK_MONOTONIC`).
    fn set_abs(fd: &OwnedFd, deadline: u64) -> io::Result<()> {
        let zero = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        let value = libc::itimerspec {
            it_interval: zero,
            it_value: libc::timespec {
                tv_sec: (deadline / 1_000_000_000) as libc::time_t,
                tv_nsec: (deadline % 1_000_000_000) as libc::c_long,
            },
        };
        // SAFETY: `fd` is an open timerfd; `value` is valid for the call and
        // the old value is not asked for (null).
        let rc = unsafe {
            libc::timerfd_settime(
                fd.as_raw_fd(),
                libc::TFD_TIMER_ABSTIME,
                &value,
                std::ptr::null_mut(),
            )
        };
        if rc < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    #[cfg(all(test, not(loom)))]
    mod tests {
        use super::*;
        use std::time::Instant;

        const TOKEN: mio::Token = mio::Token(7);

        /// A 0.3 ms wait ends after 0.3 ms, not after the 1 ms epoll rounds to.
        #[test]
        fn sub_millisecond_wait_ends_on_time() {
            let mut poll = mio::Poll::new().unwrap();
            let mut events = mio::Events::with_capacity(8);
            let mut wake = PreciseWake::new();
            let mut late = Vec::new();
            for _ in 0..20 {
                let want = Duration::from_micros(300);
                let start = Instant::now();
                let timeout = wake.epoll_timeout(poll.registry(), TOKEN, want);
                assert_eq!(timeout, Duration::from_millis(1));
                poll.poll(&mut events, Some(timeout)).unwrap();
                let took = start.elapsed();
                assert!(took >= want, "woke early: {took:?}");
                late.push(took - want);
                assert!(events.iter().any(|e| e.token() == TOKEN));
            }
            // Rounded to 1 ms, every wait would be at least 0.7 ms late; on
            // time, some wait is even on a loaded machine.
            late.sort();
            assert!(late[0] < Duration::from_micros(500), "{late:?}");
        }

        #[test]
        fn whole_milliseconds_need_no_timer() {
            let poll = mio::Poll::new().unwrap();
            let mut wake = PreciseWake::new();
            let t = Duration::from_millis(3);
            assert_eq!(wake.epoll_timeout(poll.registry(), TOKEN, t), t);
            assert!(matches!(wake.timer, Timer::Unused));
        }

        #[test]
        fn same_deadline_is_armed_once() {
            let poll = mio::Poll::new().unwrap();
            let mut wake = PreciseWake::new();
            let at = Instant::now() + Duration::from_millis(500) + Duration::from_micros(400);
            let armed = |wake: &PreciseWake| match wake.timer {
                Timer::Ready { armed, .. } => armed,
                _ => panic!("not armed"),
            };
            // The first wait creates the timer: its two system calls come
            // between the clock reads and would move that deadline alone.
            wake.epoll_timeout(poll.registry(), TOKEN, Duration::from_micros(300));
            wake.epoll_timeout(poll.registry(), TOKEN, at - Instant::now());
            // Parking again later for the same instant: no new arming
            // (unless this thread was preempted between the two clock reads
            // for longer than the tolerance, which some of ten is not).
            let kept = (0..10)
                .filter(|_| {
                    let before = armed(&wake);
                    wake.epoll_timeout(poll.registry(), TOKEN, at - Instant::now());
                    armed(&wake) == before
                })
                .count();
            assert!(kept > 0);
            // A deadline 0.2 ms earlier is armed anew.
            let before = armed(&wake);
            wake.epoll_timeout(
                poll.registry(),
                TOKEN,
                at - Instant::now() - Duration::from_micros(200),
            );
            assert!(armed(&wake) < before);
        }
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android")))]
mod fallback {
    use super::round_up_to_millis;
    use std::time::Duration;

    /// Only rounds up: the platform's poll takes a precise timeout already.
    #[derive(Debug)]
    pub(crate) struct PreciseWake;

    impl PreciseWake {
        pub(crate) fn new() -> PreciseWake {
            PreciseWake
        }

        pub(crate) fn epoll_timeout(
            &mut self,
            _registry: &mio::Registry,
            _token: mio::Token,
            timeout: Duration,
        ) -> Duration {
            round_up_to_millis(timeout)
        }
    }
}
