//! A multi-producer, single-consumer queue for sending values between
//! asynchronous tasks.
//!
//! [`channel`] creates a bounded channel: senders wait (in FIFO order) when
//! the buffer is full, which gives backpressure. [`unbounded_channel`]
//! creates one whose `send` never waits. Both deliver each value once, in
//! the order each sender sent them; dropping every sender closes the
//! channel, and the receiver then gets `None` after the last value.
//!
//! ```
//! use weft::sync::mpsc;
//!
//! # #[weft::main(flavor = "current_thread")]
//! # async fn main() {
//! let (tx, mut rx) = mpsc::channel(32);
//! let tx2 = tx.clone();
//!
//! weft::spawn(async move { tx.send("sending from first handle").await.unwrap() });
//! weft::spawn(async move { tx2.send("sending from second handle").await.unwrap() });
//!
//! let mut n = 0;
//! while let Some(message) = rx.recv().await {
//!     assert!(message.starts_with("sending from"));
//!     n += 1;
//! }
//! assert_eq!(n, 2);
//! # }
//! ```
//!
//! # How it works
//!
//! The queue (module `list`) is a linked list of blocks of slots: a sender claims
//! a slot with one atomic add and writes it; the receiver walks the blocks
//! in order and recycles the ones it has emptied. The bounded channel's
//! capacity is the crate's fair batch semaphore; the unbounded channel
//! counts values in flight instead. Receiving consumes cooperative budget.
//!
//! Both channels can be used from synchronous code: `blocking_send` and
//! `blocking_recv` block the thread (and panic inside a runtime).

mod atomic_waker;
pub(super) mod block;
mod bounded;
mod chan;
pub mod error;
pub(super) mod list;
mod permit;
mod unbounded;

pub use bounded::{channel, Receiver, Sender, WeakSender};
pub use permit::{OwnedPermit, Permit, PermitIterator};
pub use unbounded::{unbounded_channel, UnboundedReceiver, UnboundedSender, WeakUnboundedSender};
