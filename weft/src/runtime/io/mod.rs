//! The I/O driver: readiness events from `mio::Poll` delivered to tasks.
//!
//! ```text
//! net::TcpStream ── PollEvented ── Registration ── Arc<ScheduledIo> (readiness word, waiters)
//!                                       │                   ▲
//!                                       ▼                   │ events (token = its address)
//!                                  io::Handle ── registry ─ io::Driver (mio::Poll, in the driver stack)
//! ```
//!
//! - `driver`: the poll loop, the wake-up of a thread asleep in it, dispatch.
//! - `registration_set`: who owns each `ScheduledIo` and when its memory may
//!   be freed: a token is the `ScheduledIo`'s address, kept valid until no
//!   event can name it, so dispatch needs no lookup and no lock.
//! - `scheduled_io`: one resource's readiness word (readiness, tick, shutdown)
//!   and its read/write waiters; the edge-triggered clear protocol.
//! - `registration`: what resources use: poll/async readiness, `try_io`,
//!   clearing readiness on `WouldBlock`, budget, errors after shutdown.
//! - `poll_evented`: a mio source plus its registration, with the read and
//!   write loops the socket types share.
//! - `precise_wake`: a timerfd that ends a wait on time where epoll's
//!   millisecond timeout would be late.
//! - `recv_hint`: TCP reads that report whether they emptied the receive
//!   queue (`TCP_INQ`), so an exact read clears readiness without `EAGAIN`.
//! - `pipe`: the two ends of a registered pipe, shared by
//!   `net::unix::pipe` and the `process` stdio handles.

mod driver;
mod pipe;
mod poll_evented;
mod precise_wake;
#[cfg(feature = "net")]
mod recv_hint;
mod registration;
mod registration_set;
mod scheduled_io;

pub(crate) use driver::{Driver, Handle};
pub(crate) use pipe::{PipeReader, PipeWriter};
pub(crate) use poll_evented::PollEvented;
pub(crate) use registration::{current_handle, Registration};

use crate::io::{Interest, Ready};

pub(crate) use crate::runtime::shutdown_error::RUNTIME_SHUTTING_DOWN;

/// Tokio's message for I/O on a runtime built without `enable_io`.
pub(crate) const IO_DISABLED: &str =
    "A Tokio 1.x context was found, but IO is disabled. Call `enable_io` on the runtime builder to enable IO.";

/// A readiness observation: what was ready, at which tick of the resource's
/// readiness word (see `scheduled_io`, protocol step 3).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ReadyEvent {
    pub(crate) tick: u16,
    pub(crate) ready: Ready,
    pub(crate) is_shutdown: bool,
}

/// The two poll-style readiness streams of a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    Read,
    Write,
}

impl Direction {
    pub(crate) fn interest(self) -> Interest {
        match self {
            Direction::Read => Interest::READABLE,
            Direction::Write => Interest::WRITABLE,
        }
    }
}

/// The readiness a mio event reports.
pub(crate) fn ready_from_mio(event: &mio::event::Event) -> Ready {
    let mut ready = Ready::EMPTY;
    if event.is_readable() {
        ready |= Ready::READABLE;
    }
    if event.is_writable() {
        ready |= Ready::WRITABLE;
    }
    if event.is_read_closed() {
        ready |= Ready::READ_CLOSED;
    }
    if event.is_write_closed() {
        ready |= Ready::WRITE_CLOSED;
    }
    if event.is_error() {
        ready |= Ready::ERROR;
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if event.is_priority() {
        ready |= Ready::PRIORITY;
    }
    ready
}

/// The mio interest to register for `interest`.
pub(crate) fn interest_to_mio(interest: Interest) -> mio::Interest {
    let mut mio: Option<mio::Interest> = None;
    let mut add = |i: mio::Interest| {
        mio = Some(match mio {
            Some(m) => m | i,
            None => i,
        })
    };
    // mio has no error interest (errors are always reported) and refuses an
    // empty one, so an error-only interest registers as readable;
    // `Ready::from_interest` filters the readable events out again.
    if interest.is_readable() || interest.is_error() {
        add(mio::Interest::READABLE);
    }
    if interest.is_writable() {
        add(mio::Interest::WRITABLE);
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if interest.is_priority() {
        add(mio::Interest::PRIORITY);
    }
    mio.unwrap_or(mio::Interest::READABLE)
}
