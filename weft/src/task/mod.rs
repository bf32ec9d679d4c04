//! Asynchronous green threads: spawning, joining, cancelling, yielding.

pub mod coop;
mod id;
pub(crate) mod state;

pub use coop::consume_budget;
pub use id::{id, try_id, Id};
