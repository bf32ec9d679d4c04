//! A waker lent for the length of a call, over a reference its lender keeps:
//! building it takes no count and dropping it gives none back, while its
//! clones own a reference each, as any waker's do. The task harness lends
//! one per poll, `block_on` one per call, the idle-notified set one per entry.

use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::ops::Deref;
use std::task::{RawWaker, Waker};

/// A borrowed waker (module docs); `'a` is the borrow of what it points to.
pub(crate) struct WakerRef<'a> {
    waker: ManuallyDrop<Waker>,
    _borrow: PhantomData<&'a ()>,
}

impl<'a> WakerRef<'a> {
    /// # Safety
    ///
    /// `raw`'s vtable must be sound for its data pointer, which must stay
    /// valid for `'a` without this waker holding a count: its `clone` takes
    /// a count of its own, and this waker is never dropped.
    pub(crate) unsafe fn new(raw: RawWaker) -> WakerRef<'a> {
        WakerRef {
            // SAFETY: the caller vouches for the vtable and the pointer.
            waker: ManuallyDrop::new(unsafe { Waker::from_raw(raw) }),
            _borrow: PhantomData,
        }
    }
}

impl Deref for WakerRef<'_> {
    type Target = Waker;

    fn deref(&self) -> &Waker {
        &self.waker
    }
}
