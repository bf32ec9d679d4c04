//! `io::{stdin, stdout, stderr}`: the test binary runs itself as a child
//! with piped standard streams and checks what comes out.
#![cfg(all(
    feature = "io-std",
    feature = "io-util",
    feature = "rt",
    feature = "macros"
))]

use std::io::Write;
use std::process::{Command, Stdio};
use weft::io::{AsyncReadExt, AsyncWriteExt};

const CHILD_ENV: &str = "WEFT_IO_STD_CHILD";
const BEGIN: &str = "<<weft-begin>>";
const END: &str = "<<weft-end>>";

/// In the child (run by `echo_through_child`): copies stdin to stdout
/// between markers, one odd-sized write at a time, and reports the byte
/// count on stderr. A no-op when run as an ordinary test.
#[test]
fn stdio_child() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    let rt = weft::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut input = Vec::new();
        weft::io::stdin().read_to_end(&mut input).await.unwrap();
        let mut out = weft::io::stdout();
        out.write_all(BEGIN.as_bytes()).await.unwrap();
        for chunk in input.chunks(4097) {
            out.write_all(chunk).await.unwrap();
        }
        out.write_all(END.as_bytes()).await.unwrap();
        out.flush().await.unwrap();
        let mut err = weft::io::stderr();
        err.write_all(format!("{BEGIN}{}{END}", input.len()).as_bytes())
            .await
            .unwrap();
        err.flush().await.unwrap();
    });
}

fn between_markers(s: &str) -> &str {
    let start = s.find(BEGIN).expect("begin marker") + BEGIN.len();
    let end = s[start..].find(END).expect("end marker") + start;
    &s[start..end]
}

#[test]
fn echo_through_child() {
    let input: String = (0..20_000).map(|i| format!("{i},")).collect();
    let mut child = Command::new(std::env::current_exe().unwrap())
        .args(["stdio_child", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = {
        let input = input.clone();
        std::thread::spawn(move || stdin.write_all(input.as_bytes()).unwrap())
    };
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    assert!(output.status.success(), "child failed: {output:?}");
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(between_markers(&stdout), input);
    assert_eq!(between_markers(&stderr), input.len().to_string());
}

#[weft::test]
async fn stdout_write_and_flush() {
    let mut out = weft::io::stdout();
    assert_eq!(out.write(b"").await.unwrap(), 0);
    out.write_all(b"io_std: stdout works\n").await.unwrap();
    out.flush().await.unwrap();
    out.shutdown().await.unwrap();
}

#[test]
fn std_handles_are_send_sync_unpin() {
    fn assert_send_sync_unpin<T: Send + Sync + Unpin>() {}
    assert_send_sync_unpin::<weft::io::Stdin>();
    assert_send_sync_unpin::<weft::io::Stdout>();
    assert_send_sync_unpin::<weft::io::Stderr>();
}

/// Once the runtime has shut down, a write is refused with the shutdown error
/// (`is_rt_shutdown_err`) instead of being reported as written and lost.
#[test]
fn stdout_write_after_shutdown_is_a_shutdown_error() {
    let rt = weft::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let handle = rt.handle().clone();
    rt.shutdown_timeout(std::time::Duration::from_secs(10));
    let err = handle
        .block_on(async { weft::io::stderr().write_all(b"x").await })
        .unwrap_err();
    assert!(weft::runtime::is_rt_shutdown_err(&err), "{err:?}");
}
