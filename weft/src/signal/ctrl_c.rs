//! `ctrl_c`: the portable Ctrl-C notification (`SIGINT` on Unix).

use crate::signal::unix::{signal, SignalKind};
use std::io;

/// Completes when the process receives Ctrl-C (`SIGINT` on Unix).
///
/// The listener is registered when the future is first polled; it completes
/// on the first Ctrl-C **after** that.
///
/// # Caveats
///
/// The first time a listener for `SIGINT` is registered, a process-wide
/// handler replaces the default action (terminating the process) **for the
/// rest of the process**: later Ctrl-Cs are captured by weft even after the
/// future completes or is dropped.
///
/// # Errors
///
/// If installing the handler fails (see [`signal`](crate::signal::unix::signal)).
///
/// # Panics
///
/// When first polled outside a runtime or on a runtime without the I/O
/// driver.
///
/// # Examples
///
/// ```no_run
/// use weft::signal;
///
/// #[weft::main]
/// async fn main() {
///     println!("waiting for ctrl-c");
///     signal::ctrl_c().await.expect("failed to listen for event");
///     println!("received ctrl-c event");
/// }
/// ```
///
/// Listening in the background:
///
/// ```no_run
/// # #[weft::main]
/// # async fn main() {
/// weft::spawn(async move {
///     weft::signal::ctrl_c().await.unwrap();
///     // Your handler here.
/// });
/// # }
/// ```
pub async fn ctrl_c() -> io::Result<()> {
    signal(SignalKind::interrupt())?.recv().await;
    Ok(())
}
