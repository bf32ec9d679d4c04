//! Internal building blocks shared by several modules.

#[allow(dead_code)] // used by the sync primitives, which are feature-gated
pub(crate) mod blocking;
pub(crate) mod linked_list;
#[allow(dead_code)] // used by the sync primitives, which are feature-gated
pub(crate) mod wake_list;
