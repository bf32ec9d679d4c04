//! Reserved capacity of a bounded channel: `Permit`, `PermitIterator`,
//! `OwnedPermit`. A permit holds one unit of the channel's semaphore; sending
//! through it hands the unit to the value (receiving the value gives it
//! back), dropping it gives the unit back at once.

use super::bounded::Sender;
use super::chan::{self, BoundedSemaphore, Semaphore as _};
use std::fmt;

/// Permits to send one value into the channel.
///
/// `Permit` values are returned by [`Sender::reserve()`] and
/// [`Sender::try_reserve()`] and are used to guarantee channel capacity before
/// generating a message to send.
pub struct Permit<'a, T> {
    pub(super) chan: &'a chan::Tx<T, BoundedSemaphore>,
}

/// An [`Iterator`] of [`Permit`]s that can be used to hold `n` slots in the
/// channel.
///
/// Returned by [`Sender::reserve_many()`] and [`Sender::try_reserve_many()`].
/// Dropping it unused gives the remaining slots back.
pub struct PermitIterator<'a, T> {
    pub(super) chan: &'a chan::Tx<T, BoundedSemaphore>,
    pub(super) n: usize,
}

/// Owned permit to send one value into the channel.
///
/// This is identical to the [`Permit`] type, except that it moves the sender
/// rather than borrowing it. Returned by [`Sender::reserve_owned()`] and
/// [`Sender::try_reserve_owned()`].
pub struct OwnedPermit<T> {
    pub(super) chan: Option<chan::Tx<T, BoundedSemaphore>>,
}

impl<T> Permit<'_, T> {
    /// Sends a value using the reserved capacity. Never fails and never
    /// waits: the slot was reserved. If the receiver is gone, the value is
    /// dropped with the channel.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let permit = tx.try_reserve().unwrap();
    /// permit.send(456);
    /// assert_eq!(rx.try_recv(), Ok(456));
    /// ```
    pub fn send(self, value: T) {
        // The permit's unit of capacity travels with the value; receiving
        // it gives the unit back.
        let this = std::mem::ManuallyDrop::new(self);
        this.chan.send(value);
    }
}

/// Gives one reserved unit back and tells a closing receiver if the channel
/// is now idle.
fn release_one<T>(chan: &chan::Tx<T, BoundedSemaphore>) {
    let semaphore = chan.semaphore();
    semaphore.add_permit();
    if semaphore.is_closed() && semaphore.is_idle() {
        chan.wake_rx();
    }
}

impl<T> Drop for Permit<'_, T> {
    fn drop(&mut self) {
        release_one(self.chan);
    }
}

impl<T> fmt::Debug for Permit<'_, T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("Permit")
            .field("chan", &self.chan)
            .finish()
    }
}

impl<'a, T> Iterator for PermitIterator<'a, T> {
    type Item = Permit<'a, T>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.n == 0 {
            return None;
        }
        self.n -= 1;
        Some(Permit { chan: self.chan })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.n, Some(self.n))
    }
}

impl<T> ExactSizeIterator for PermitIterator<'_, T> {}
impl<T> std::iter::FusedIterator for PermitIterator<'_, T> {}

impl<T> Drop for PermitIterator<'_, T> {
    fn drop(&mut self) {
        if self.n == 0 {
            return;
        }
        let semaphore = self.chan.semaphore();
        semaphore.add_permits(self.n);
        if semaphore.is_closed() && semaphore.is_idle() {
            self.chan.wake_rx();
        }
    }
}

impl<T> fmt::Debug for PermitIterator<'_, T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("PermitIterator")
            .field("chan", &self.chan)
            .field("capacity", &self.n)
            .finish()
    }
}

impl<T> OwnedPermit<T> {
    /// Sends a value using the reserved capacity, and gives the `Sender` back.
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// let (tx, mut rx) = mpsc::channel(1);
    /// let permit = tx.try_reserve_owned().unwrap();
    /// let tx = permit.send(456);
    /// assert_eq!(rx.try_recv(), Ok(456));
    /// # drop(tx);
    /// ```
    pub fn send(mut self, value: T) -> Sender<T> {
        let chan = self.chan.take().unwrap_or_else(|| {
            unreachable!("OwnedPermit channel is only taken when the permit is moved")
        });
        chan.send(value);
        Sender { chan }
    }

    /// Releases the reserved capacity *without* sending a message, returning
    /// the [`Sender`].
    ///
    /// ```
    /// use weft::sync::mpsc;
    ///
    /// let (tx, _rx) = mpsc::channel::<()>(1);
    /// let permit = tx.try_reserve_owned().unwrap();
    /// let tx = permit.release();
    /// assert!(tx.try_reserve().is_ok());
    /// ```
    pub fn release(mut self) -> Sender<T> {
        let chan = self.chan.take().unwrap_or_else(|| {
            unreachable!("OwnedPermit channel is only taken when the permit is moved")
        });
        release_one(&chan);
        Sender { chan }
    }

    /// Returns `true` if permits belong to the same channel.
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<()>(2);
    /// let p1 = tx.clone().try_reserve_owned().unwrap();
    /// let p2 = tx.try_reserve_owned().unwrap();
    /// assert!(p1.same_channel(&p2));
    /// ```
    pub fn same_channel(&self, other: &Self) -> bool {
        match (&self.chan, &other.chan) {
            (Some(a), Some(b)) => a.same_channel(b),
            _ => false,
        }
    }

    /// Returns `true` if this permit belongs to the same channel as the given
    /// [`Sender`].
    ///
    /// ```
    /// let (tx, _rx) = weft::sync::mpsc::channel::<()>(1);
    /// let p = tx.clone().try_reserve_owned().unwrap();
    /// assert!(p.same_channel_as_sender(&tx));
    /// ```
    pub fn same_channel_as_sender(&self, sender: &Sender<T>) -> bool {
        self.chan
            .as_ref()
            .is_some_and(|chan| chan.same_channel(&sender.chan))
    }
}

impl<T> Drop for OwnedPermit<T> {
    fn drop(&mut self) {
        if let Some(chan) = self.chan.take() {
            release_one(&chan);
        }
    }
}

impl<T> fmt::Debug for OwnedPermit<T> {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt.debug_struct("OwnedPermit")
            .field("chan", &self.chan)
            .finish()
    }
}
