//! The driver stack a parked thread sleeps in: time, then I/O, then the thread parker.
//!
//! ```text
//! Driver ── TimeLayer ── IoStack ── ParkThread
//!             │             └─ I/O driver (mio::Poll) when `enable_io`, else the thread parker
//!             └─ timing wheel: fires due timers, bounds the sleep by the next deadline
//! ```
//!
//! A scheduler owns one `Driver` and parks in it when it has nothing to run;
//! any thread wakes it through the shared [`Handle::unpark`]. Layers that are
//! not enabled are skipped entirely, so a runtime without timers parks
//! straight on the thread parker.
//!
//! Only the thread that holds the `Driver` may call `park`; on a multi-thread
//! runtime the workers pass it between them (one sleeps in it, the rest on
//! their own parkers).

use crate::runtime::park::{ParkThread, UnparkThread};
use std::io;
use std::time::Duration;

#[cfg(feature = "time")]
use crate::runtime::time;

/// What to build (from the runtime `Builder`).
#[derive(Clone, Debug)]
pub(crate) struct Cfg {
    #[cfg_attr(
        not(any(feature = "net", feature = "process", feature = "signal")),
        allow(dead_code)
    )]
    pub(crate) enable_io: bool,
    pub(crate) enable_time: bool,
    pub(crate) enable_pause_time: bool,
    pub(crate) start_paused: bool,
    /// Threads that register timers concurrently (workers): one wheel shard each.
    pub(crate) workers: usize,
    /// I/O events taken per poll that may sleep, and per poll that may not.
    #[cfg_attr(not(feature = "net"), allow(dead_code))]
    pub(crate) nevents: usize,
    #[cfg_attr(not(feature = "net"), allow(dead_code))]
    pub(crate) nevents_busy: usize,
}

impl Cfg {
    /// No I/O, no timers, one thread: a driver that is only the thread
    /// parker (for tests of the park protocols on top of it).
    #[cfg(test)]
    pub(crate) fn bare() -> Cfg {
        Cfg {
            enable_io: false,
            enable_time: false,
            enable_pause_time: false,
            start_paused: false,
            workers: 1,
            nevents: 1024,
            nevents_busy: 1024,
        }
    }
}

/// The sleeping side, held by the one thread that may park in it.
#[derive(Debug)]
pub(crate) struct Driver {
    inner: TimeLayer,
}

/// Shared with every thread: wakes the driver and reaches its resources.
#[derive(Debug)]
pub(crate) struct Handle {
    unpark: UnparkThread,
    /// The I/O driver, `None` unless `enable_io` was set.
    #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
    pub(crate) io: Option<crate::loom::sync::Arc<crate::runtime::io::Handle>>,
    /// The timer, `None` unless `enable_time` was set.
    #[cfg(feature = "time")]
    #[allow(dead_code)] // read by `time::Sleep` (lands with the time issue)
    pub(crate) time: Option<time::Handle>,
    /// The runtime's clock (pausable with test-util); present even without timers.
    #[cfg(feature = "time")]
    pub(crate) clock: time::Clock,
}

#[derive(Debug)]
enum TimeLayer {
    #[cfg(feature = "time")]
    Enabled(time::Driver),
    Disabled(IoStack),
}

/// The layer under the timer: epoll when I/O is enabled, else the thread parker.
#[derive(Debug)]
pub(crate) enum IoStack {
    #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
    Enabled(crate::runtime::io::Driver),
    Disabled(ParkThread),
}

impl IoStack {
    pub(crate) fn park(&mut self) {
        match self {
            #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
            IoStack::Enabled(io) => io.park(),
            IoStack::Disabled(park) => park.park(),
        }
        // An orphaned child's exit wakes this park (its pidfd stays
        // registered); reap it here (see `process::orphan`).
        #[cfg(feature = "process")]
        crate::process::orphan::reap_orphans();
    }

    pub(crate) fn park_timeout(&mut self, duration: Duration) {
        match self {
            #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
            IoStack::Enabled(io) => io.park_timeout(duration),
            IoStack::Disabled(park) => park.park_timeout(duration),
        }
        #[cfg(feature = "process")]
        crate::process::orphan::reap_orphans();
    }

    pub(crate) fn shutdown(&mut self) {
        match self {
            #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
            IoStack::Enabled(io) => io.shutdown(),
            IoStack::Disabled(_) => {}
        }
    }
}

impl Driver {
    pub(crate) fn new(cfg: &Cfg) -> io::Result<(Driver, Handle)> {
        let park = ParkThread::new();
        let unpark = park.unpark();
        #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
        let (io, io_handle) = if cfg.enable_io {
            let (driver, handle) = crate::runtime::io::Driver::new(cfg.nevents, cfg.nevents_busy)?;
            (IoStack::Enabled(driver), Some(handle))
        } else {
            (IoStack::Disabled(park), None)
        };
        #[cfg(not(any(feature = "net", feature = "process", feature = "signal")))]
        let io = IoStack::Disabled(park);

        #[cfg(feature = "time")]
        {
            let clock = time::Clock::new(cfg.enable_pause_time, cfg.start_paused);
            let (inner, time_handle) = if cfg.enable_time {
                let (driver, handle) = time::Driver::with_shards(io, &clock, cfg.workers);
                (TimeLayer::Enabled(driver), Some(handle))
            } else {
                (TimeLayer::Disabled(io), None)
            };
            Ok((
                Driver { inner },
                Handle {
                    unpark,
                    #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
                    io: io_handle,
                    time: time_handle,
                    clock,
                },
            ))
        }
        #[cfg(not(feature = "time"))]
        {
            let _ = cfg;
            Ok((
                Driver {
                    inner: TimeLayer::Disabled(io),
                },
                Handle {
                    unpark,
                    #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
                    io: io_handle,
                },
            ))
        }
    }

    /// Sleeps until woken through the handle or until the next timer is due.
    pub(crate) fn park(&mut self, handle: &Handle) {
        match &mut self.inner {
            #[cfg(feature = "time")]
            TimeLayer::Enabled(driver) => driver.park(handle),
            TimeLayer::Disabled(io) => {
                let _ = handle;
                io.park()
            }
        }
    }

    /// Like `park`, but returns after `duration` at the latest. A zero duration
    /// polls the drivers (fires due timers, reads I/O events) without sleeping.
    pub(crate) fn park_timeout(&mut self, handle: &Handle, duration: Duration) {
        match &mut self.inner {
            #[cfg(feature = "time")]
            TimeLayer::Enabled(driver) => driver.park_timeout(handle, duration),
            TimeLayer::Disabled(io) => {
                let _ = handle;
                io.park_timeout(duration)
            }
        }
    }

    /// Fires every timer with a shutdown error and releases I/O resources.
    pub(crate) fn shutdown(&mut self, handle: &Handle) {
        match &mut self.inner {
            #[cfg(feature = "time")]
            TimeLayer::Enabled(driver) => driver.shutdown(handle),
            TimeLayer::Disabled(io) => {
                let _ = handle;
                io.shutdown()
            }
        }
    }
}

impl Handle {
    /// Notes a wake-up made by the thread that holds the driver (an I/O
    /// event or a task waking another while the scheduler polls the
    /// driver): no signal is needed, but a paused clock must not
    /// auto-advance past the work that became ready.
    pub(crate) fn unpark_self(&self) {
        #[cfg(feature = "test-util")]
        if let Some(time) = &self.time {
            time.note_unpark();
        }
    }

    /// Wakes the thread parked in the driver (or makes its next park return).
    pub(crate) fn unpark(&self) {
        // A paused clock must not auto-advance across a park that was woken.
        #[cfg(feature = "test-util")]
        if let Some(time) = &self.time {
            time.note_unpark();
        }
        #[cfg(any(feature = "net", feature = "process", feature = "signal"))]
        if let Some(io) = &self.io {
            return io.unpark();
        }
        self.unpark.unpark();
    }
}
