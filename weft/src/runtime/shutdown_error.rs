//! `is_rt_shutdown_err`: recognising the error I/O resources return once
//! their runtime has shut down.

use std::io;

/// The message of that error (Tokio's, word for word).
#[cfg_attr(
    not(any(feature = "net", feature = "process", feature = "signal")),
    allow(dead_code)
)]
pub(crate) const RUNTIME_SHUTTING_DOWN: &str =
    "A Tokio 1.x context was found, but it is being shutdown.";

/// Checks whether the given error was emitted by weft when shutting down its
/// runtime (an I/O resource used after its runtime was dropped).
///
/// ```
/// use weft::net::TcpListener;
///
/// let rt1 = weft::runtime::Runtime::new().unwrap();
/// let rt2 = weft::runtime::Runtime::new().unwrap();
/// let listener = rt1.block_on(TcpListener::bind("127.0.0.1:0")).unwrap();
/// drop(rt1);
/// rt2.block_on(async {
///     let err = listener.accept().await.unwrap_err();
///     assert!(weft::runtime::is_rt_shutdown_err(&err));
///     assert!(!weft::runtime::is_rt_shutdown_err(&std::io::Error::other("other")));
/// });
/// ```
pub fn is_rt_shutdown_err(err: &io::Error) -> bool {
    match err.get_ref() {
        Some(inner) => {
            err.kind() == io::ErrorKind::Other
                && inner.source().is_none()
                && inner.to_string() == RUNTIME_SHUTTING_DOWN
        }
        None => false,
    }
}
