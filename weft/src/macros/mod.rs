//! Declarative macros: `select!`, `join!`, `try_join!`, `pin!`.
