//! The buffer traits of Tokio's `read_buf`, `write_buf` and
//! `write_all_buf`: those of the `bytes` crate, as in Tokio.

pub(crate) use bytes::{Buf, BufMut};
