//! `Registration`: a resource's link to the I/O driver, as the socket types
//! and `AsyncFd` use it.
//!
//! The readiness protocol (see `scheduled_io`): wait for readiness, try the
//! operation, and on `WouldBlock` clear exactly the readiness that was seen,
//! then wait again. Every wait consumes one unit of the task's cooperative
//! budget, so a socket that is always ready cannot starve the other tasks.
//! After the runtime shut down, every wait returns Tokio's shutdown error.

use crate::io::{Interest, Ready};
use crate::loom::sync::Arc;
use crate::runtime::context;
use crate::runtime::io::scheduled_io::ScheduledIo;
use crate::runtime::io::{Direction, Handle, ReadyEvent, IO_DISABLED, RUNTIME_SHUTTING_DOWN};
use std::io;
use std::task::{ready, Context, Poll};

/// One registered resource: its readiness word and the driver it is
/// registered with. Dropping it releases the driver slot (the memory goes
/// with the driver's next turn); the owner deregisters the source itself
/// first (`PollEvented`, `AsyncFd`), or the slot is kept until the driver
/// shuts down (`registration_set`, rule 4).
///
/// At most one task should use each poll direction at a time (only the last
/// poller of a direction is woken); `readiness`/`async_io` have no such limit.
#[derive(Debug)]
pub(crate) struct Registration {
    handle: Arc<Handle>,
    shared: Arc<ScheduledIo>,
}

/// The I/O driver of the current runtime.
///
/// # Panics
///
/// Outside a runtime, or on a runtime without I/O, with Tokio's messages.
#[track_caller]
pub(crate) fn current_handle() -> Arc<Handle> {
    match context::with_current(|h| h.driver().io.clone()) {
        Ok(Some(io)) => io,
        Ok(None) => panic!("{}", IO_DISABLED),
        Err(e) => panic!("{}", e),
    }
}

impl Registration {
    /// Registers `source` with the current runtime's driver.
    #[track_caller]
    pub(crate) fn new(
        source: &mut impl mio::event::Source,
        interest: Interest,
    ) -> io::Result<Registration> {
        let handle = current_handle();
        Registration::new_with_handle(source, interest, handle)
    }

    pub(crate) fn new_with_handle(
        source: &mut impl mio::event::Source,
        interest: Interest,
        handle: Arc<Handle>,
    ) -> io::Result<Registration> {
        let shared = handle.add_source(source, super::interest_to_mio(interest))?;
        Ok(Registration { handle, shared })
    }

    /// Removes `source` from the OS selector; no event for it is delivered
    /// after this returns.
    pub(crate) fn deregister(&self, source: &mut impl mio::event::Source) -> io::Result<()> {
        self.handle.deregister_source(&self.shared, source)
    }

    /// See `ScheduledIo::assume_ready`.
    pub(crate) fn assume_ready(&self, ready: Ready) {
        self.shared.assume_ready(ready);
    }

    /// The readiness seen now, without waiting or taking budget.
    #[cfg(feature = "process")]
    pub(crate) fn ready_event(&self, interest: Interest) -> ReadyEvent {
        self.shared.ready_event(interest)
    }

    /// Consumes the readiness `event` saw (after `WouldBlock`).
    pub(crate) fn clear_readiness(&self, event: ReadyEvent) {
        self.shared.clear_readiness(event);
    }

    pub(crate) fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        self.poll_ready(cx, Direction::Read)
    }

    pub(crate) fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyEvent>> {
        self.poll_ready(cx, Direction::Write)
    }

    /// Waits (poll style) for readiness in `direction`, taking one budget unit.
    #[inline]
    pub(crate) fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
    ) -> Poll<io::Result<ReadyEvent>> {
        let coop = ready!(crate::task::coop::poll_proceed(cx));
        let event = ready!(self.shared.poll_readiness(cx, direction));
        if event.is_shutdown {
            return Poll::Ready(Err(gone()));
        }
        coop.made_progress();
        Poll::Ready(Ok(event))
    }

    /// Runs `f` whenever `direction` is ready, until it does not block.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        direction: Direction,
        mut f: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            let event = ready!(self.poll_ready(cx, direction))?;
            match f() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_readiness(event),
                result => return Poll::Ready(result),
            }
        }
    }

    /// Runs `f` once if the resource looks ready for `interest`; `WouldBlock`
    /// without calling `f` if it does not, clearing readiness if `f` blocks.
    pub(crate) fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        // After shutdown, readiness seen before it still lets the operation
        // run (data already queued can be read, as in Tokio); the next wait
        // reports the shutdown.
        let event = self.shared.ready_event(interest);
        if event.ready.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        match f() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                self.clear_readiness(event);
                Err(io::ErrorKind::WouldBlock.into())
            }
            result => result,
        }
    }

    /// Waits until the resource is ready for `interest`.
    pub(crate) async fn readiness(&self, interest: Interest) -> io::Result<ReadyEvent> {
        let event = self.shared.readiness(interest).await;
        if event.is_shutdown {
            return Err(gone());
        }
        Ok(event)
    }

    /// Waits for `interest`, runs `f`, and repeats while `f` blocks.
    pub(crate) async fn async_io<R>(
        &self,
        interest: Interest,
        mut f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        loop {
            let event = self.readiness(interest).await?;
            let coop = std::future::poll_fn(crate::task::coop::poll_proceed).await;
            match f() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => self.clear_readiness(event),
                result => {
                    coop.made_progress();
                    return result;
                }
            }
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        // Wakers stored here may own the task that owns this resource;
        // dropping them breaks that cycle.
        self.shared.clear_wakers();
        self.handle.release(&self.shared);
    }
}

/// The error every operation returns once the runtime has shut down.
pub(crate) fn gone() -> io::Error {
    io::Error::other(RUNTIME_SHUTTING_DOWN)
}
