//! Internal building blocks shared by several modules.

#[allow(dead_code)] // used by the sync primitives, which are feature-gated
pub(crate) mod blocking;
pub(crate) mod linked_list;
#[cfg(all(unix, any(feature = "net", feature = "process")))]
pub(crate) mod pipe_traits;
#[allow(dead_code)] // used by the sync primitives, which are feature-gated
pub(crate) mod wake_list;
pub(crate) mod waker_ref;
