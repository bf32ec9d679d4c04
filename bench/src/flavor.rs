//! The names of the runtime flavors under test: criterion function ids,
//! report columns and `task_memory` rows.
//!
//! They live in the library, not next to the runtime adapters
//! (`harness/runtime/`, which need the dev-dependencies), because the report
//! orders and compares columns by them; each adapter's `Rt::NAME` is one of
//! these constants.

/// weft's multi-thread runtime.
pub const WEFT_MT: &str = "weft-mt";
/// weft's current-thread runtime.
pub const WEFT_CT: &str = "weft-ct";
/// Tokio's multi-thread runtime.
pub const TOKIO_MT: &str = "tokio-mt";
/// Tokio's current-thread runtime.
pub const TOKIO_CT: &str = "tokio-ct";
/// smol's `Executor` on two threads.
pub const SMOL_MT: &str = "smol-mt";
/// smol's `LocalExecutor`.
pub const SMOL_LOCAL: &str = "smol-local";

/// Every flavor, in report column order.
pub const ALL: [&str; 6] = [WEFT_MT, WEFT_CT, TOKIO_MT, TOKIO_CT, SMOL_MT, SMOL_LOCAL];
