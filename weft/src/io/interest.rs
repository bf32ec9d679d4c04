//! `Interest`: which readiness events a caller waits for.

use crate::io::Ready;
use std::fmt;
use std::ops;

// Same bit values as `Ready` (and mio) where they overlap.
const READABLE: usize = 0b00_0001;
const WRITABLE: usize = 0b00_0010;
#[cfg(any(target_os = "linux", target_os = "android"))]
const PRIORITY: usize = 0b01_0000;
// Error readiness is reported by every OS selector without being asked for;
// the interest exists so that a caller can wait for it alone.
const ERROR: usize = 0b10_0000;

/// Readiness event interest: the readiness events the caller waits for on an
/// I/O resource.
///
/// ```
/// use weft::io::Interest;
///
/// let both = Interest::READABLE | Interest::WRITABLE;
/// assert!(both.is_readable() && both.is_writable());
/// ```
#[derive(Clone, Copy, Eq, PartialEq)]
pub struct Interest(usize);

impl Interest {
    /// Interest in all readable events. Readable interest includes read-closed events.
    pub const READABLE: Interest = Interest(READABLE);

    /// Interest in all writable events. Writable interest includes write-closed events.
    pub const WRITABLE: Interest = Interest(WRITABLE);

    /// Interest in error events. Passes error interest to the underlying OS
    /// selector; behaviour is platform-specific.
    pub const ERROR: Interest = Interest(ERROR);

    /// Returns a `Interest` set representing priority completion interests.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const PRIORITY: Interest = Interest(PRIORITY);

    /// Returns true if the value includes readable interest.
    ///
    /// ```
    /// use weft::io::Interest;
    ///
    /// assert!(Interest::READABLE.is_readable());
    /// assert!(!Interest::WRITABLE.is_readable());
    /// ```
    pub const fn is_readable(self) -> bool {
        self.0 & READABLE != 0
    }

    /// Returns true if the value includes writable interest.
    ///
    /// ```
    /// use weft::io::Interest;
    ///
    /// assert!(!Interest::READABLE.is_writable());
    /// assert!(Interest::WRITABLE.is_writable());
    /// ```
    pub const fn is_writable(self) -> bool {
        self.0 & WRITABLE != 0
    }

    /// Returns true if the value includes error interest.
    ///
    /// ```
    /// use weft::io::Interest;
    ///
    /// assert!(Interest::ERROR.is_error());
    /// assert!(!Interest::WRITABLE.is_error());
    /// ```
    pub const fn is_error(self) -> bool {
        self.0 & ERROR != 0
    }

    /// Returns true if the value includes priority interest.
    ///
    /// ```
    /// use weft::io::Interest;
    ///
    /// assert!(!Interest::READABLE.is_priority());
    /// assert!(Interest::PRIORITY.is_priority());
    /// ```
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub const fn is_priority(self) -> bool {
        self.0 & PRIORITY != 0
    }

    /// Adds together two `Interest` values. Usable in `const` context, where
    /// `|` is not.
    ///
    /// ```
    /// use weft::io::Interest;
    ///
    /// const BOTH: Interest = Interest::READABLE.add(Interest::WRITABLE);
    /// assert!(BOTH.is_readable());
    /// assert!(BOTH.is_writable());
    /// ```
    #[must_use = "this returns the result of the operation, without modifying the original"]
    pub const fn add(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }

    /// Removes `other` from `self`; `None` if nothing is left.
    ///
    /// ```
    /// use weft::io::Interest;
    ///
    /// const RW: Interest = Interest::READABLE.add(Interest::WRITABLE);
    /// let w = RW.remove(Interest::READABLE).unwrap();
    /// assert!(!w.is_readable());
    /// assert!(w.is_writable());
    /// assert_eq!(w.remove(Interest::WRITABLE), None);
    /// ```
    #[must_use = "this returns the result of the operation, without modifying the original"]
    pub fn remove(self, other: Interest) -> Option<Interest> {
        let value = self.0 & !other.0;
        if value != 0 {
            Some(Interest(value))
        } else {
            None
        }
    }

    /// The mio interest to register (crate-private: mio is not part of weft's API).
    #[cfg(feature = "net")]
    pub(crate) fn to_mio(self) -> mio::Interest {
        let mut mio: Option<mio::Interest> = None;
        let mut add = |i: mio::Interest| {
            mio = Some(match mio {
                Some(m) => m | i,
                None => i,
            })
        };
        // mio has no error interest (errors are always reported) and refuses
        // an empty one, so an error-only interest registers as readable;
        // `Ready::from_interest` filters the readable events out again.
        if self.is_readable() || self.is_error() {
            add(mio::Interest::READABLE);
        }
        if self.is_writable() {
            add(mio::Interest::WRITABLE);
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if self.is_priority() {
            add(mio::Interest::PRIORITY);
        }
        mio.unwrap_or(mio::Interest::READABLE)
    }

    /// The readiness a single interest is satisfied by.
    #[allow(dead_code)]
    pub(crate) fn mask(self) -> Ready {
        Ready::from_interest(self)
    }
}

impl ops::BitOr for Interest {
    type Output = Self;

    #[inline]
    fn bitor(self, other: Self) -> Self {
        self.add(other)
    }
}

impl ops::BitOrAssign for Interest {
    #[inline]
    fn bitor_assign(&mut self, other: Self) {
        *self = *self | other;
    }
}

impl fmt::Debug for Interest {
    fn fmt(&self, fmt: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut names = Vec::with_capacity(4);
        if self.is_readable() {
            names.push("READABLE");
        }
        if self.is_writable() {
            names.push("WRITABLE");
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        if self.is_priority() {
            names.push("PRIORITY");
        }
        if self.is_error() {
            names.push("ERROR");
        }
        fmt.write_str(&names.join(" | "))
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn debug_lists_every_interest() {
        assert_eq!(format!("{:?}", Interest::READABLE), "READABLE");
        assert_eq!(
            format!("{:?}", Interest::READABLE | Interest::WRITABLE | Interest::ERROR),
            "READABLE | WRITABLE | ERROR"
        );
    }
}
