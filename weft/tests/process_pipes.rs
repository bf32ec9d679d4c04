//! A child's piped stdio: large transfers in both directions at once,
//! end of file, and pipes handed from one child to another.
#![cfg(all(feature = "full", unix))]

use std::process::Stdio;
use weft::io::{AsyncReadExt, AsyncWriteExt};
use weft::process::Command;

const MIB: usize = 1 << 20;

fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

/// Writes 1 MiB into `cat` while reading it back: the pipes (64 KiB) fill
/// up many times, so a writer that never re-arms or a reader that misses a
/// wake-up hangs here.
async fn cat_round_trip() {
    let mut child = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let data = pattern(MIB);
    let expected = data.clone();

    let writer = weft::spawn(async move {
        stdin.write_all(&data).await.unwrap();
        // Dropping stdin is end of input for `cat`.
    });
    let mut echoed = Vec::new();
    stdout.read_to_end(&mut echoed).await.unwrap();
    writer.await.unwrap();

    assert_eq!(echoed.len(), expected.len());
    assert!(echoed == expected, "cat changed the data");
    assert!(child.wait().await.unwrap().success());
}

#[weft::test]
async fn cat_echoes_one_mib_current_thread() {
    cat_round_trip().await;
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn cat_echoes_one_mib_multi_thread() {
    cat_round_trip().await;
}

#[weft::test]
async fn wait_with_output_drains_both_pipes_past_their_capacity() {
    // 200 kB to each of stdout and stderr: more than a pipe holds, so the
    // child only exits if both are read while waiting.
    let child = Command::new("sh")
        .args([
            "-c",
            "head -c 200000 /dev/zero; head -c 300000 /dev/zero >&2; exit 7",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let output = child.wait_with_output().await.unwrap();
    assert_eq!(output.status.code(), Some(7));
    assert_eq!(output.stdout.len(), 200_000);
    assert_eq!(output.stderr.len(), 300_000);
    assert!(output.stdout.iter().all(|&b| b == 0));
}

#[weft::test]
async fn stdout_reaches_eof_when_the_child_exits() {
    let mut child = Command::new("echo")
        .arg("last words")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut text = String::new();
    assert_eq!(out.read_to_string(&mut text).await.unwrap(), 11);
    assert_eq!(text, "last words\n");
    let mut more = [0u8; 4];
    assert_eq!(out.read(&mut more).await.unwrap(), 0, "EOF is sticky");
    child.wait().await.unwrap();
}

#[weft::test]
async fn wait_closes_stdin_so_cat_exits() {
    let mut child = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    assert!(child.stdin.is_some());
    // Without closing stdin first, `cat` would wait for input forever.
    assert!(child.wait().await.unwrap().success());
    assert!(child.stdin.is_none());
}

#[weft::test]
async fn stdout_handed_to_another_child() {
    let mut producer = Command::new("echo")
        .arg("through two children")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout: Stdio = producer.stdout.take().unwrap().try_into().unwrap();
    let output = Command::new("cat").stdin(stdout).output().await.unwrap();
    assert_eq!(output.stdout, b"through two children\n");
    assert!(producer.wait().await.unwrap().success());
}

#[weft::test]
async fn into_owned_fd_is_blocking_and_owned() {
    use std::os::fd::AsRawFd;
    let mut child = Command::new("echo")
        .arg("x")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let fd = child.stdout.take().unwrap().into_owned_fd().unwrap();
    // SAFETY: F_GETFL on an open fd.
    let flags = unsafe { libc::fcntl(fd.as_raw_fd(), libc::F_GETFL) };
    assert_eq!(flags & libc::O_NONBLOCK, 0);
    let mut text = String::new();
    std::io::Read::read_to_string(&mut std::fs::File::from(fd), &mut text).unwrap();
    assert_eq!(text, "x\n");
    child.wait().await.unwrap();
}

#[weft::test]
async fn stdio_fds_are_nonblocking_while_wrapped() {
    use std::os::fd::AsRawFd;
    let mut child = Command::new("cat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for fd in [
        child.stdin.as_ref().unwrap().as_raw_fd(),
        child.stdout.as_ref().unwrap().as_raw_fd(),
        child.stderr.as_ref().unwrap().as_raw_fd(),
    ] {
        // SAFETY: F_GETFL on an open fd.
        let flags = unsafe { libc::fcntl(fd, libc::F_GETFL) };
        assert_ne!(flags & libc::O_NONBLOCK, 0);
    }
    child.kill().await.unwrap();
}
