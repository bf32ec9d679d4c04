//! Helpers for the process tests: whether a pid is still a zombie child of
//! this process, and a bounded wait for the runtime to reap one.
#![allow(dead_code)]

use std::time::{Duration, Instant};

/// The state letter of `/proc/<pid>/stat` and the parent pid, or `None`
/// once the process is gone (reaped).
pub fn proc_state(pid: u32) -> Option<(char, u32)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) S ppid ...": comm may contain spaces, so parse after ')'.
    let rest = &stat[stat.rfind(')')? + 2..];
    let mut fields = rest.split(' ');
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    Some((state, ppid))
}

/// Whether `pid` is a zombie (exited, not reaped) child of this process.
pub fn is_our_zombie(pid: u32) -> bool {
    matches!(proc_state(pid), Some(('Z', ppid)) if ppid == std::process::id())
}

/// Whether `pid` is a child of ours that has not been reaped (running or
/// zombie).
pub fn is_our_child(pid: u32) -> bool {
    matches!(proc_state(pid), Some((_, ppid)) if ppid == std::process::id())
}

/// Yields to the runtime until `pid` is no longer a child of ours (the
/// orphan queue reaped it). Panics after 20 s: the deadline only turns a
/// hang into a failure, it is not the synchronisation.
pub async fn until_reaped(pid: u32) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while is_our_child(pid) {
        assert!(
            Instant::now() < deadline,
            "pid {pid} was never reaped: {:?}",
            proc_state(pid)
        );
        weft::task::yield_now().await;
    }
}
