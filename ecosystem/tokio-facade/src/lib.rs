//! `tokio` over weft: every item of weft at Tokio's path.
//!
//! Patched in with `[patch.crates-io] tokio = { path = "tokio-facade" }`, this
//! crate makes every crate of a dependency graph that uses `tokio` run on weft.
//! `#[tokio::main]` and `#[tokio::test]` come from weft's macros, which find
//! the runtime under the name `tokio` when the user's crate names no `weft`.
#![allow(unused_imports)]
pub use weft::*;
