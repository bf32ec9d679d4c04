//! Reaping: many short children leave no zombie; children dropped while
//! running are reaped in the background; `kill_on_drop` kills and reaps.
#![cfg(all(feature = "full", target_os = "linux"))]

#[path = "process_support/mod.rs"]
mod support;

use std::process::Stdio;
use support::{is_our_child, is_our_zombie, proc_state, until_reaped};
use weft::process::Command;

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_children_are_reaped() {
    let mut pids = Vec::new();
    // Batches of 100 in flight: each child holds a pidfd until reaped.
    for _ in 0..10 {
        let mut batch = weft::task::JoinSet::new();
        for _ in 0..100 {
            let mut child = Command::new("true").spawn().unwrap();
            pids.push(child.id().unwrap());
            batch.spawn(async move { child.wait().await.unwrap() });
        }
        while let Some(status) = batch.join_next().await {
            assert!(status.unwrap().success());
        }
    }
    assert_eq!(pids.len(), 1000);
    let zombies: Vec<u32> = pids.into_iter().filter(|&p| is_our_zombie(p)).collect();
    assert!(zombies.is_empty(), "zombies left: {zombies:?}");
}

#[weft::test]
async fn children_dropped_unwaited_are_reaped() {
    let mut pids = Vec::new();
    for _ in 0..100 {
        // Some exit before the drop (reaped in `drop`), most after it
        // (adopted by the orphan queue).
        let child = Command::new("true").spawn().unwrap();
        pids.push(child.id().unwrap());
        drop(child);
    }
    for pid in pids {
        until_reaped(pid).await;
    }
}

#[weft::test]
async fn child_dropped_while_running_keeps_running_then_is_reaped() {
    let mut child = Command::new("sh")
        .args(["-c", "read line"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    let stdin = child.stdin.take().unwrap();
    drop(child);
    // Not killed: no `kill_on_drop`. The shell waits for its input.
    let (state, _) = proc_state(pid).expect("the child is alive");
    assert_ne!(state, 'Z');
    drop(stdin); // end of input: the shell exits
    until_reaped(pid).await;
}

#[weft::test]
async fn kill_on_drop_kills_and_reaps() {
    let child = Command::new("sleep")
        .arg("1000")
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let pid = child.id().unwrap();
    assert!(is_our_child(pid));
    drop(child);
    // `sleep 1000` can only be gone this soon if it was killed.
    until_reaped(pid).await;
}

#[weft::test]
async fn kill_on_drop_is_a_no_op_after_wait() {
    let mut child = Command::new("true").kill_on_drop(true).spawn().unwrap();
    assert!(child.wait().await.unwrap().success());
    drop(child);
}

#[test]
fn orphans_of_a_dropped_runtime_are_reaped_by_another() {
    let rt1 = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (pid, stdin) = rt1.block_on(async {
        let mut child = Command::new("sh")
            .args(["-c", "read line"])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        let pid = child.id().unwrap();
        let stdin = child.stdin.take().unwrap().into_owned_fd().unwrap();
        drop(child);
        (pid, stdin)
    });
    drop(rt1);
    drop(stdin);
    let rt2 = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt2.block_on(until_reaped(pid));
}
