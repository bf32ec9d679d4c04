//! Declarative macros: `select!`, `join!`, `try_join!`, `pin!`.
//!
//! The macros are exported at the crate root (`weft::select!`, ...) and reach
//! everything they need through `$crate::macros::support`, so they work
//! whatever name the user gives the crate (`tokio = { package = "weft" }`).
//! `pin!` is always available (weft uses it itself); the others come with the
//! `macros` feature, as in Tokio.

#[macro_use]
mod pin;

#[cfg(feature = "macros")]
#[macro_use]
mod join;
#[cfg(feature = "macros")]
mod maybe_done;
#[cfg(feature = "macros")]
mod rotation;
#[cfg(feature = "macros")]
#[macro_use]
mod select;
#[cfg(feature = "macros")]
#[macro_use]
mod try_join;

#[doc(hidden)]
pub mod support;
