//! Stand-ins for `bytes::Buf` / `bytes::BufMut`, the bounds of Tokio's
//! `read_buf`, `write_buf` and `write_all_buf`.
//!
//! weft does not depend on `bytes` (yet), so these methods accept the buffers
//! `bytes` implements its traits for in the standard library: `Vec<u8>` and
//! `&mut [u8]` to read into; `&[u8]`, `VecDeque<u8>` and `io::Cursor` to write
//! from. The traits live in a private module: users cannot implement or name
//! them (sealed), so switching the bounds to `bytes`' traits later only widens
//! what compiles.

use std::collections::VecDeque;
use std::io::{self, IoSlice};
use std::mem::MaybeUninit;

/// A buffer that bytes can be appended to (`bytes::BufMut`'s role).
pub trait BufMut {
    /// How many more bytes can be appended.
    fn remaining_mut(&self) -> usize;

    /// `true` if at least one more byte fits.
    fn has_remaining_mut(&self) -> bool {
        self.remaining_mut() > 0
    }

    /// The next place to append to, growing the buffer if it must; may be
    /// uninitialised. Non-empty whenever `has_remaining_mut()`.
    ///
    /// # Safety
    ///
    /// The caller must not write `MaybeUninit::uninit()` into the slice: it
    /// may alias initialised bytes (for `&mut [u8]`).
    unsafe fn chunk_mut(&mut self) -> &mut [MaybeUninit<u8>];

    /// Marks `cnt` more bytes as appended.
    ///
    /// # Safety
    ///
    /// The first `cnt` bytes of the last [`chunk_mut`](BufMut::chunk_mut)
    /// must have been initialised.
    unsafe fn advance_mut(&mut self, cnt: usize);
}

impl BufMut for Vec<u8> {
    fn remaining_mut(&self) -> usize {
        // A Vec can grow up to isize::MAX bytes.
        isize::MAX as usize - self.len()
    }

    unsafe fn chunk_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        if self.capacity() == self.len() {
            // Same growth step as `bytes`: at least 64 bytes, amortised doubling.
            self.reserve(64);
        }
        self.spare_capacity_mut()
    }

    unsafe fn advance_mut(&mut self, cnt: usize) {
        let len = self.len();
        assert!(
            cnt <= self.capacity() - len,
            "cannot advance past `remaining_mut`: {:?} <= {:?}",
            cnt,
            self.capacity() - len
        );
        // SAFETY: `len + cnt <= capacity` (checked above) and the caller
        // initialised those `cnt` bytes of the spare capacity.
        unsafe { self.set_len(len + cnt) };
    }
}

impl BufMut for &mut [u8] {
    fn remaining_mut(&self) -> usize {
        self.len()
    }

    unsafe fn chunk_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        let slice: &mut [u8] = self;
        // SAFETY: same layout; the caller promises (this function's contract)
        // never to store an uninitialised byte through the result.
        unsafe { &mut *(slice as *mut [u8] as *mut [MaybeUninit<u8>]) }
    }

    unsafe fn advance_mut(&mut self, cnt: usize) {
        assert!(cnt <= self.len(), "cannot advance past `remaining_mut`");
        // Appending to a slice means moving its start past the written bytes.
        let slice = std::mem::take(self);
        *self = &mut slice[cnt..];
    }
}

impl<T: BufMut + ?Sized> BufMut for &mut T {
    fn remaining_mut(&self) -> usize {
        (**self).remaining_mut()
    }

    unsafe fn chunk_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        // SAFETY: the caller's obligations are forwarded unchanged.
        unsafe { (**self).chunk_mut() }
    }

    unsafe fn advance_mut(&mut self, cnt: usize) {
        // SAFETY: the caller's obligations are forwarded unchanged.
        unsafe { (**self).advance_mut(cnt) }
    }
}

/// A buffer that bytes can be taken from (`bytes::Buf`'s role).
pub trait Buf {
    /// How many bytes are left.
    fn remaining(&self) -> usize;

    /// The next contiguous bytes; empty only when nothing is left.
    fn chunk(&self) -> &[u8];

    /// Drops the first `cnt` bytes.
    ///
    /// # Panics
    ///
    /// Panics if `cnt > self.remaining()`.
    fn advance(&mut self, cnt: usize);

    /// `true` if any byte is left.
    fn has_remaining(&self) -> bool {
        self.remaining() > 0
    }

    /// Fills `dst` with the remaining chunks in order; returns how many.
    fn chunks_vectored<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize {
        if dst.is_empty() || !self.has_remaining() {
            return 0;
        }
        dst[0] = IoSlice::new(self.chunk());
        1
    }
}

impl Buf for &[u8] {
    fn remaining(&self) -> usize {
        self.len()
    }

    fn chunk(&self) -> &[u8] {
        self
    }

    fn advance(&mut self, cnt: usize) {
        *self = &self[cnt..];
    }
}

impl Buf for VecDeque<u8> {
    fn remaining(&self) -> usize {
        self.len()
    }

    fn chunk(&self) -> &[u8] {
        self.as_slices().0
    }

    fn advance(&mut self, cnt: usize) {
        assert!(cnt <= self.len(), "cannot advance past `remaining`");
        self.drain(..cnt);
    }

    fn chunks_vectored<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize {
        let (a, b) = self.as_slices();
        let mut n = 0;
        for part in [a, b] {
            if !part.is_empty() && n < dst.len() {
                dst[n] = IoSlice::new(part);
                n += 1;
            }
        }
        n
    }
}

impl<T: AsRef<[u8]>> Buf for io::Cursor<T> {
    fn remaining(&self) -> usize {
        self.chunk().len()
    }

    fn chunk(&self) -> &[u8] {
        let data = self.get_ref().as_ref();
        let start = usize::try_from(self.position()).map_or(data.len(), |p| p.min(data.len()));
        &data[start..]
    }

    fn advance(&mut self, cnt: usize) {
        assert!(cnt <= self.remaining(), "cannot advance past `remaining`");
        self.set_position(self.position() + cnt as u64);
    }
}

impl<T: Buf + ?Sized> Buf for &mut T {
    fn remaining(&self) -> usize {
        (**self).remaining()
    }

    fn chunk(&self) -> &[u8] {
        (**self).chunk()
    }

    fn advance(&mut self, cnt: usize) {
        (**self).advance(cnt)
    }

    fn chunks_vectored<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize {
        (**self).chunks_vectored(dst)
    }
}

impl<T: Buf + ?Sized> Buf for Box<T> {
    fn remaining(&self) -> usize {
        (**self).remaining()
    }

    fn chunk(&self) -> &[u8] {
        (**self).chunk()
    }

    fn advance(&mut self, cnt: usize) {
        (**self).advance(cnt)
    }

    fn chunks_vectored<'a>(&'a self, dst: &mut [IoSlice<'a>]) -> usize {
        (**self).chunks_vectored(dst)
    }
}
