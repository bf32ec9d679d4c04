//! The timer driver: a hierarchical timing wheel driven from the park path.
//!
//! (Placeholder with the interface `runtime::driver` uses; the wheel lands with
//! the time issue.)

use crate::runtime::driver::{self, IoStack};
use std::time::Duration;

/// The runtime's clock; pausable under test-util.
#[derive(Debug, Clone)]
pub(crate) struct Clock {}

impl Clock {
    pub(crate) fn new(_enable_pausing: bool, _start_paused: bool) -> Clock {
        Clock {}
    }
}

/// The sleeping side of the timer: owns the wheel and the layer below.
#[derive(Debug)]
pub(crate) struct Driver {
    park: IoStack,
}

/// Shared side of the timer, reached from `Sleep` through the runtime handle.
#[derive(Debug)]
pub(crate) struct Handle {}

impl Driver {
    pub(crate) fn new(park: IoStack, _clock: &Clock) -> (Driver, Handle) {
        (Driver { park }, Handle {})
    }

    pub(crate) fn park(&mut self, _rt: &driver::Handle) {
        self.park.park();
    }

    pub(crate) fn park_timeout(&mut self, _rt: &driver::Handle, duration: Duration) {
        self.park.park_timeout(duration);
    }

    pub(crate) fn shutdown(&mut self, _rt: &driver::Handle) {
        self.park.shutdown();
    }
}

impl Clock {
    /// Keeps a paused clock from auto-advancing (a blocking task is running).
    pub(crate) fn inhibit_auto_advance(&self) {}

    pub(crate) fn allow_auto_advance(&self) {}
}
