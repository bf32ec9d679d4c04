//! Procedural macros of weft (placeholder until the macros land).
