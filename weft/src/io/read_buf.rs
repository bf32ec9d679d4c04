//! [`ReadBuf`]: a byte buffer that is filled bit by bit and may start out
//! uninitialised.
//!
//! The buffer is a slice of `MaybeUninit<u8>` split into three regions:
//!
//! ```text
//! [             capacity              ]
//! [ filled |         unfilled         ]
//! [    initialized    | uninitialized ]
//! ```
//!
//! Invariants, upheld by every method (and relied on by every `unsafe` block
//! in this file):
//!
//! 1. `filled <= initialized <= buf.len()`.
//! 2. `buf[..initialized]` holds initialised bytes.
//!
//! Safe methods never move `initialized` backwards and never expose
//! uninitialised bytes as `u8`. The two `unsafe` accessors (`inner_mut`,
//! `unfilled_mut`) hand out the raw slice; their callers promise not to write
//! `MaybeUninit::uninit()` into it, so invariant 2 survives them too.

use std::fmt;
use std::mem::MaybeUninit;

/// A wrapper around a byte buffer that is incrementally filled and initialized.
///
/// This type is a sort of "double cursor". It tracks three regions in the
/// buffer: a region at the beginning of the buffer that has been logically
/// filled with data, a region that has been initialized at some point but not
/// yet logically filled, and a region at the end that may be uninitialized.
/// The filled region is guaranteed to be a subset of the initialized region.
///
/// In summary, the contents of the buffer can be visualized as:
///
/// ```not_rust
/// [             capacity              ]
/// [ filled |         unfilled         ]
/// [    initialized    | uninitialized ]
/// ```
///
/// It is undefined behavior to de-initialize any bytes from the uninitialized
/// region, since it is merely unknown whether this region is uninitialized or
/// not, and if part of it turns out to be initialized, it must stay initialized.
///
/// ```
/// use weft::io::ReadBuf;
///
/// let mut storage = [0u8; 8];
/// let mut buf = ReadBuf::new(&mut storage);
/// buf.put_slice(b"abc");
/// assert_eq!(buf.filled(), b"abc");
/// assert_eq!(buf.remaining(), 5);
/// ```
pub struct ReadBuf<'a> {
    buf: &'a mut [MaybeUninit<u8>],
    filled: usize,
    initialized: usize,
}

impl<'a> ReadBuf<'a> {
    /// Creates a new `ReadBuf` from a fully initialized buffer.
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let buf = weft::io::ReadBuf::new(&mut storage);
    /// assert_eq!(buf.initialized().len(), 4);
    /// assert!(buf.filled().is_empty());
    /// ```
    #[inline]
    pub fn new(buf: &'a mut [u8]) -> ReadBuf<'a> {
        let initialized = buf.len();
        // SAFETY: `MaybeUninit<u8>` has the layout of `u8`, and every byte of
        // `buf` is initialised, which invariant 2 records by setting
        // `initialized` to the full length. Nothing can write `uninit()` into
        // it through the safe API, so `buf` is still valid `[u8]` when the
        // caller gets it back.
        let buf = unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) };
        ReadBuf {
            buf,
            filled: 0,
            initialized,
        }
    }

    /// Creates a new `ReadBuf` from a buffer that may be uninitialized.
    ///
    /// The internal cursor will mark the entire buffer as uninitialized. If
    /// the buffer is known to be partially initialized, then use `assume_init`
    /// to move the internal cursor.
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    ///
    /// let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    /// let buf = weft::io::ReadBuf::uninit(&mut storage);
    /// assert_eq!(buf.capacity(), 4);
    /// assert!(buf.initialized().is_empty());
    /// ```
    #[inline]
    pub fn uninit(buf: &'a mut [MaybeUninit<u8>]) -> ReadBuf<'a> {
        ReadBuf {
            buf,
            filled: 0,
            initialized: 0,
        }
    }

    /// Returns the total capacity of the buffer.
    ///
    /// ```
    /// let mut storage = [0u8; 16];
    /// assert_eq!(weft::io::ReadBuf::new(&mut storage).capacity(), 16);
    /// ```
    #[inline]
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// Returns a shared reference to the filled portion of the buffer.
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"hi");
    /// assert_eq!(buf.filled(), b"hi");
    /// ```
    #[inline]
    pub fn filled(&self) -> &[u8] {
        let slice = &self.buf[..self.filled];
        // SAFETY: `filled <= initialized` (invariant 1), so these bytes are
        // initialised (invariant 2).
        unsafe { slice_assume_init(slice) }
    }

    /// Returns a mutable reference to the filled portion of the buffer.
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"hi");
    /// buf.filled_mut()[0] = b'H';
    /// assert_eq!(buf.filled(), b"Hi");
    /// ```
    #[inline]
    pub fn filled_mut(&mut self) -> &mut [u8] {
        let slice = &mut self.buf[..self.filled];
        // SAFETY: as in `filled`; a `&mut [u8]` can only store initialised bytes.
        unsafe { slice_assume_init_mut(slice) }
    }

    /// Returns a new `ReadBuf` comprised of the unfilled section up to `n`.
    ///
    /// ```
    /// let mut storage = [0u8; 8];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// let mut part = buf.take(3);
    /// assert_eq!(part.capacity(), 3);
    /// part.put_slice(b"abc");
    /// ```
    #[inline]
    pub fn take(&mut self, n: usize) -> ReadBuf<'_> {
        let max = std::cmp::min(self.remaining(), n);
        // The part of the window that is already initialised stays known as such.
        let initialized = std::cmp::min(self.initialized - self.filled, max);
        let filled = self.filled;
        ReadBuf {
            buf: &mut self.buf[filled..filled + max],
            filled: 0,
            initialized,
        }
    }

    /// Returns a shared reference to the initialized portion of the buffer.
    ///
    /// This includes the filled portion.
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let buf = weft::io::ReadBuf::new(&mut storage);
    /// assert_eq!(buf.initialized(), &[0, 0, 0, 0]);
    /// ```
    #[inline]
    pub fn initialized(&self) -> &[u8] {
        let slice = &self.buf[..self.initialized];
        // SAFETY: invariant 2.
        unsafe { slice_assume_init(slice) }
    }

    /// Returns a mutable reference to the initialized portion of the buffer.
    ///
    /// This includes the filled portion.
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.initialized_mut()[3] = 7;
    /// assert_eq!(buf.initialized()[3], 7);
    /// ```
    #[inline]
    pub fn initialized_mut(&mut self) -> &mut [u8] {
        let slice = &mut self.buf[..self.initialized];
        // SAFETY: invariant 2.
        unsafe { slice_assume_init_mut(slice) }
    }

    /// Returns a mutable reference to the entire buffer, without ensuring that
    /// it has been fully initialized.
    ///
    /// The elements between 0 and `self.filled().len()` are filled, and those
    /// between 0 and `self.initialized().len()` are initialized (and so can be
    /// converted to a `&mut [u8]`).
    ///
    /// The caller of this method must ensure that these invariants are upheld.
    /// For example, if the caller initializes some of the uninitialized section
    /// of the buffer, it must call [`assume_init`](Self::assume_init) with the
    /// number of bytes initialized.
    ///
    /// # Safety
    ///
    /// The caller must not de-initialize portions of the buffer that have
    /// already been initialized. This includes any bytes in the region marked
    /// as uninitialized by `ReadBuf`.
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// // SAFETY: only initialised bytes are written.
    /// unsafe { buf.inner_mut()[0].write(1) };
    /// assert_eq!(buf.initialized()[0], 1);
    /// ```
    #[inline]
    pub unsafe fn inner_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        self.buf
    }

    /// Returns a mutable reference to the unfilled part of the buffer without
    /// ensuring that it has been fully initialized.
    ///
    /// # Safety
    ///
    /// The caller must not de-initialize portions of the buffer that have
    /// already been initialized. This includes any bytes in the region marked
    /// as uninitialized by `ReadBuf`.
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    ///
    /// let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    /// let mut buf = weft::io::ReadBuf::uninit(&mut storage);
    /// // SAFETY: two bytes are written, then declared initialised.
    /// unsafe {
    ///     buf.unfilled_mut()[0].write(b'o');
    ///     buf.unfilled_mut()[1].write(b'k');
    ///     buf.assume_init(2);
    /// }
    /// buf.advance(2);
    /// assert_eq!(buf.filled(), b"ok");
    /// ```
    #[inline]
    pub unsafe fn unfilled_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        &mut self.buf[self.filled..]
    }

    /// Returns a mutable reference to the unfilled part of the buffer,
    /// ensuring it is fully initialized.
    ///
    /// Since `ReadBuf` tracks the region of the buffer that has been
    /// initialized, this is effectively "free" after the first use.
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    ///
    /// let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    /// let mut buf = weft::io::ReadBuf::uninit(&mut storage);
    /// assert_eq!(buf.initialize_unfilled(), &[0, 0, 0, 0]);
    /// ```
    #[inline]
    pub fn initialize_unfilled(&mut self) -> &mut [u8] {
        self.initialize_unfilled_to(self.remaining())
    }

    /// Returns a mutable reference to the first `n` bytes of the unfilled part
    /// of the buffer, ensuring it is fully initialized.
    ///
    /// # Panics
    ///
    /// Panics if `self.remaining()` is less than `n`.
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    ///
    /// let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    /// let mut buf = weft::io::ReadBuf::uninit(&mut storage);
    /// buf.initialize_unfilled_to(2).copy_from_slice(b"ab");
    /// buf.advance(2);
    /// assert_eq!(buf.filled(), b"ab");
    /// assert_eq!(buf.initialized().len(), 2);
    /// ```
    #[inline]
    #[track_caller]
    pub fn initialize_unfilled_to(&mut self, n: usize) -> &mut [u8] {
        assert!(self.remaining() >= n, "n overflows remaining");

        // `end` is at most `buf.len()`: `filled + remaining() == buf.len()`.
        let end = self.filled + n;
        if self.initialized < end {
            for byte in &mut self.buf[self.initialized..end] {
                byte.write(0);
            }
            self.initialized = end;
        }

        let slice = &mut self.buf[self.filled..end];
        // SAFETY: `end <= initialized` now, and every byte below `initialized`
        // is initialised (invariant 2; the loop above wrote the new ones).
        unsafe { slice_assume_init_mut(slice) }
    }

    /// Returns the number of bytes at the end of the slice that have not yet
    /// been filled.
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.advance(1);
    /// assert_eq!(buf.remaining(), 3);
    /// ```
    #[inline]
    pub fn remaining(&self) -> usize {
        self.capacity() - self.filled
    }

    /// Clears the buffer, resetting the filled region to empty.
    ///
    /// The number of initialized bytes is not changed, and the contents of the
    /// buffer are not modified.
    ///
    /// ```
    /// let mut storage = [0u8; 4];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"ab");
    /// buf.clear();
    /// assert!(buf.filled().is_empty());
    /// assert_eq!(buf.initialized(), b"ab\0\0");
    /// ```
    #[inline]
    pub fn clear(&mut self) {
        self.filled = 0;
    }

    /// Advances the size of the filled region of the buffer.
    ///
    /// The number of initialized bytes is not changed.
    ///
    /// # Panics
    ///
    /// Panics if the filled region of the buffer would become larger than the
    /// initialized region.
    ///
    /// ```
    /// let mut storage = *b"xyz";
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.advance(2);
    /// assert_eq!(buf.filled(), b"xy");
    /// ```
    #[inline]
    #[track_caller]
    pub fn advance(&mut self, n: usize) {
        let new = self.filled.checked_add(n).expect("filled overflow");
        self.set_filled(new);
    }

    /// Sets the size of the filled region of the buffer.
    ///
    /// The number of initialized bytes is not changed.
    ///
    /// Note that this can be used to *shrink* the filled region of the buffer
    /// in addition to growing it (for example, by a `AsyncRead` implementation
    /// that compresses data in-place).
    ///
    /// # Panics
    ///
    /// Panics if the filled region of the buffer would become larger than the
    /// initialized region.
    ///
    /// ```
    /// let mut storage = *b"xyz";
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.set_filled(3);
    /// buf.set_filled(1);
    /// assert_eq!(buf.filled(), b"x");
    /// ```
    #[inline]
    #[track_caller]
    pub fn set_filled(&mut self, n: usize) {
        assert!(
            n <= self.initialized,
            "filled must not become larger than initialized"
        );
        self.filled = n;
    }

    /// Asserts that the first `n` unfilled bytes of the buffer are initialized.
    ///
    /// `ReadBuf` assumes that bytes are never de-initialized, so this method
    /// does nothing when called with fewer bytes than are already known to be
    /// initialized.
    ///
    /// # Safety
    ///
    /// The caller must ensure that `n` unfilled bytes of the buffer have
    /// already been initialized.
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    ///
    /// let mut storage = [MaybeUninit::<u8>::uninit(); 2];
    /// let mut buf = weft::io::ReadBuf::uninit(&mut storage);
    /// // SAFETY: both unfilled bytes are written first.
    /// unsafe {
    ///     buf.unfilled_mut()[0].write(1);
    ///     buf.unfilled_mut()[1].write(2);
    ///     buf.assume_init(2);
    /// }
    /// assert_eq!(buf.initialized(), &[1, 2]);
    /// ```
    #[inline]
    pub unsafe fn assume_init(&mut self, n: usize) {
        // Saturating so that a wrong `n` can at worst be clamped by the check
        // below, never wrap around to a small value.
        let new = self.filled.saturating_add(n);
        if new > self.initialized {
            // Keep invariant 1 even for a caller that over-reports: the slice
            // cannot hold more than `buf.len()` initialised bytes.
            self.initialized = std::cmp::min(new, self.buf.len());
        }
    }

    /// Appends data to the buffer, advancing the written position and possibly
    /// also the initialized position.
    ///
    /// # Panics
    ///
    /// Panics if `self.remaining()` is less than `buf.len()`.
    ///
    /// ```
    /// let mut storage = [0u8; 5];
    /// let mut buf = weft::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"he");
    /// buf.put_slice(b"llo");
    /// assert_eq!(buf.filled(), b"hello");
    /// ```
    #[inline]
    #[track_caller]
    pub fn put_slice(&mut self, buf: &[u8]) {
        assert!(
            self.remaining() >= buf.len(),
            "buf.len() must fit in remaining(); buf.len() = {}, remaining() = {}",
            buf.len(),
            self.remaining()
        );

        let amt = buf.len();
        let end = self.filled + amt;
        let dst = &mut self.buf[self.filled..end];
        // SAFETY: `u8` and `MaybeUninit<u8>` have the same layout, and the
        // source bytes are initialised, so the destination bytes are after
        // the copy. The two slices cannot overlap: `dst` is borrowed mutably
        // from `self`, `buf` is a shared borrow held at the same time.
        unsafe {
            std::ptr::copy_nonoverlapping(buf.as_ptr(), dst.as_mut_ptr().cast::<u8>(), amt);
        }
        if self.initialized < end {
            self.initialized = end;
        }
        self.filled = end;
    }
}

// SAFETY: `chunk_mut` exposes exactly the unfilled region (`remaining_mut`
// bytes), and `advance_mut` marks as filled only bytes the caller promises it
// initialised (its own safety contract).
#[cfg(feature = "io-util")]
unsafe impl bytes::BufMut for ReadBuf<'_> {
    fn remaining_mut(&self) -> usize {
        self.remaining()
    }

    // SAFETY (of the unsafe fn): the caller initialised the first `cnt`
    // unfilled bytes, which is what `assume_init` requires.
    unsafe fn advance_mut(&mut self, cnt: usize) {
        // SAFETY: see above.
        unsafe { self.assume_init(cnt) };
        self.advance(cnt);
    }

    fn chunk_mut(&mut self) -> &mut bytes::buf::UninitSlice {
        // SAFETY: an `UninitSlice` only lets initialised bytes be written,
        // so no initialised byte of the region can be de-initialised.
        let unfilled = unsafe { self.unfilled_mut() };
        bytes::buf::UninitSlice::uninit(unfilled)
    }
}

impl fmt::Debug for ReadBuf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadBuf")
            .field("filled", &self.filled)
            .field("initialized", &self.initialized)
            .field("capacity", &self.capacity())
            .finish()
    }
}

/// Views initialised `MaybeUninit<u8>`s as bytes.
///
/// # Safety
///
/// Every element of `slice` must be initialised.
#[inline]
unsafe fn slice_assume_init(slice: &[MaybeUninit<u8>]) -> &[u8] {
    // SAFETY: same layout; the caller guarantees initialisation.
    unsafe { &*(slice as *const [MaybeUninit<u8>] as *const [u8]) }
}

/// Views initialised `MaybeUninit<u8>`s as mutable bytes.
///
/// # Safety
///
/// Every element of `slice` must be initialised.
#[inline]
unsafe fn slice_assume_init_mut(slice: &mut [MaybeUninit<u8>]) -> &mut [u8] {
    // SAFETY: same layout; the caller guarantees initialisation, and a
    // `&mut [u8]` can only write initialised bytes back.
    unsafe { &mut *(slice as *mut [MaybeUninit<u8>] as *mut [u8]) }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn uninit_buffer_initialises_only_what_is_asked() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 16];
        let mut buf = ReadBuf::uninit(&mut storage);
        assert_eq!(buf.initialized().len(), 0);
        buf.initialize_unfilled_to(4).copy_from_slice(b"abcd");
        assert_eq!(buf.initialized(), b"abcd");
        buf.advance(4);
        assert_eq!(buf.filled(), b"abcd");
        buf.put_slice(b"efghijkl");
        assert_eq!(buf.initialized().len(), 12);
        assert_eq!(buf.remaining(), 4);
        assert_eq!(buf.initialize_unfilled(), &[0, 0, 0, 0]);
        assert_eq!(buf.initialized().len(), 16);
    }

    #[test]
    fn clear_keeps_initialised_region() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 8];
        let mut buf = ReadBuf::uninit(&mut storage);
        buf.put_slice(b"xyz");
        buf.clear();
        assert!(buf.filled().is_empty());
        assert_eq!(buf.initialized(), b"xyz");
        // set_filled may move into the initialised region again.
        buf.set_filled(2);
        assert_eq!(buf.filled(), b"xy");
    }

    #[test]
    #[should_panic(expected = "filled must not become larger than initialized")]
    fn advance_past_initialised_panics() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 8];
        let mut buf = ReadBuf::uninit(&mut storage);
        buf.advance(1);
    }

    #[test]
    #[should_panic(expected = "n overflows remaining")]
    fn initialize_unfilled_to_checks_remaining() {
        let mut storage = [0u8; 2];
        let mut buf = ReadBuf::new(&mut storage);
        buf.initialize_unfilled_to(3);
    }

    #[test]
    #[should_panic(expected = "buf.len() must fit in remaining(); buf.len() = 3, remaining() = 2")]
    fn put_slice_checks_remaining() {
        let mut storage = [0u8; 2];
        let mut buf = ReadBuf::new(&mut storage);
        buf.put_slice(b"abc");
    }

    #[test]
    fn take_sees_the_initialised_part_of_its_window() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 8];
        let mut buf = ReadBuf::uninit(&mut storage);
        buf.put_slice(b"ab");
        buf.initialize_unfilled_to(3);
        let mut part = buf.take(5);
        assert_eq!(part.capacity(), 5);
        assert_eq!(part.initialized(), &[0, 0, 0]);
        part.put_slice(b"cdef");
        assert_eq!(part.filled(), b"cdef");
        // The parent does not advance by itself: callers use assume_init/advance.
        let n = part.filled().len();
        // SAFETY: `part` wrote `n` bytes into our unfilled region.
        unsafe { buf.assume_init(n) };
        buf.advance(n);
        assert_eq!(buf.filled(), b"abcdef");
    }

    #[test]
    fn assume_init_never_moves_backwards_or_past_capacity() {
        let mut storage = [0u8; 4];
        let mut buf = ReadBuf::new(&mut storage);
        // SAFETY: the whole buffer is initialised already.
        unsafe { buf.assume_init(1) };
        assert_eq!(buf.initialized().len(), 4);
        // SAFETY: as above; the over-report is clamped.
        unsafe { buf.assume_init(100) };
        assert_eq!(buf.initialized().len(), 4);
    }

    #[test]
    fn debug_shows_the_cursors() {
        let mut storage = [0u8; 4];
        let mut buf = ReadBuf::new(&mut storage);
        buf.advance(1);
        assert_eq!(
            format!("{buf:?}"),
            "ReadBuf { filled: 1, initialized: 4, capacity: 4 }"
        );
    }
}
