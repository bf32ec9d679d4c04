//! `Command` and `Child`: exit statuses, output, kill, try_wait, and the
//! runtime a child is waited on.
#![cfg(all(feature = "full", unix))]

use std::io::ErrorKind;
use std::os::unix::process::ExitStatusExt;
use std::process::Stdio;
use weft::process::Command;

#[weft::test]
async fn status_reports_exit_codes() {
    for code in [0, 1, 42, 255] {
        let status = Command::new("sh")
            .arg("-c")
            .arg(format!("exit {code}"))
            .status()
            .await
            .unwrap();
        assert_eq!(status.code(), Some(code));
        assert_eq!(status.success(), code == 0);
    }
}

#[weft::test]
async fn output_collects_stdout_stderr_and_status() {
    let output = Command::new("sh")
        .args(["-c", "printf out; printf err >&2; exit 3"])
        .output()
        .await
        .unwrap();
    assert_eq!(output.status.code(), Some(3));
    assert_eq!(output.stdout, b"out");
    assert_eq!(output.stderr, b"err");
}

#[weft::test]
async fn spawn_errors_are_returned() {
    let err = Command::new("/definitely/not/a/program")
        .spawn()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
    let err = Command::new("/definitely/not/a/program")
        .output()
        .await
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound);
}

#[weft::test]
async fn kill_then_wait_reports_the_signal() {
    let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
    child.start_kill().unwrap();
    let status = child.wait().await.unwrap();
    assert_eq!(status.signal(), Some(libc::SIGKILL));
    assert_eq!(status.code(), None);
    assert!(!status.success());
    // Fused: the same status again, and killing is now a no-op.
    assert_eq!(child.wait().await.unwrap(), status);
    child.start_kill().unwrap();
    child.kill().await.unwrap();
}

#[weft::test]
async fn kill_waits_for_the_exit() {
    let mut child = Command::new("sleep").arg("1000").spawn().unwrap();
    child.kill().await.unwrap();
    let status = child.try_wait().unwrap().expect("kill waited");
    assert_eq!(status.signal(), Some(libc::SIGKILL));
    assert_eq!(child.id(), None);
}

#[weft::test]
async fn try_wait_before_and_after_exit() {
    let mut child = Command::new("sh")
        .args(["-c", "read line; exit 5"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    assert_eq!(child.try_wait().unwrap(), None, "still reading stdin");
    assert!(child.id().is_some());
    // Closing stdin lets it exit; `wait` observes that without polling.
    drop(child.stdin.take());
    let status = child.wait().await.unwrap();
    assert_eq!(status.code(), Some(5));
    assert_eq!(child.try_wait().unwrap(), Some(status));
    assert_eq!(child.id(), None);
}

#[weft::test]
async fn try_wait_alone_observes_the_exit() {
    let mut child = Command::new("true").stdout(Stdio::piped()).spawn().unwrap();
    let mut out = child.stdout.take().unwrap();
    // EOF on stdout: the child has closed it (it is exiting or exited).
    let mut sink = Vec::new();
    weft::io::AsyncReadExt::read_to_end(&mut out, &mut sink)
        .await
        .unwrap();
    // `try_wait` may still race the exit; `wait` then settles it and
    // `try_wait` must agree from then on.
    let early = child.try_wait().unwrap();
    let status = child.wait().await.unwrap();
    if let Some(early) = early {
        assert_eq!(early, status);
    }
    assert_eq!(child.try_wait().unwrap(), Some(status));
}

#[weft::test]
async fn builder_methods_reach_the_child() {
    let dir = std::env::temp_dir();
    let output = Command::new("sh")
        .arg0("renamed")
        .args(["-c", "echo $0 $A $B [$C]; pwd"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .envs([("A", "a"), ("B", "b")])
        .env("C", "c")
        .env_remove("C")
        .current_dir(&dir)
        .output()
        .await
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("renamed a b []"));
    assert_eq!(
        std::fs::canonicalize(lines.next().unwrap()).unwrap(),
        std::fs::canonicalize(&dir).unwrap()
    );
}

#[weft::test]
async fn pre_exec_runs_in_the_child() {
    let mut command = Command::new("true");
    // SAFETY: the closure only returns an error value (no allocation: the
    // error is built from a raw OS code).
    unsafe {
        command.pre_exec(|| Err(std::io::Error::from_raw_os_error(libc::EPERM)));
    }
    let err = command.spawn().unwrap_err();
    assert_eq!(err.raw_os_error(), Some(libc::EPERM));
}

#[weft::test]
async fn std_conversions_keep_the_configuration() {
    let mut std = std::process::Command::new("sh");
    std.args(["-c", "exit 9"]);
    let mut command = Command::from(std);
    assert!(!command.get_kill_on_drop());
    command.kill_on_drop(true);
    assert!(command.get_kill_on_drop());
    assert_eq!(command.as_std().get_program(), "sh");
    command.as_std_mut().env("X", "1");
    assert_eq!(command.status().await.unwrap().code(), Some(9));
    let std = command.into_std();
    assert_eq!(std.get_args().count(), 2);
}

#[test]
fn wait_on_another_runtime_after_the_first_is_dropped() {
    let rt1 = weft::runtime::Runtime::new().unwrap();
    let mut child =
        rt1.block_on(async { Command::new("sh").args(["-c", "exit 6"]).spawn().unwrap() });
    drop(rt1);
    let rt2 = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = rt2.block_on(child.wait()).unwrap();
    assert_eq!(status.code(), Some(6));
}

#[test]
#[should_panic(expected = "there is no reactor running")]
fn spawn_outside_a_runtime_panics() {
    let _ = Command::new("true").spawn();
}

#[test]
#[should_panic(expected = "IO is disabled")]
fn spawn_without_io_panics() {
    let rt = weft::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    rt.block_on(async {
        let _ = Command::new("true").spawn();
    });
}

#[weft::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_waiters_on_many_threads() {
    let mut tasks = weft::task::JoinSet::new();
    for i in 0..50 {
        tasks.spawn(async move {
            Command::new("sh")
                .arg("-c")
                .arg(format!("exit {}", i % 7))
                .status()
                .await
                .unwrap()
                .code()
                == Some(i % 7)
        });
    }
    while let Some(ok) = tasks.join_next().await {
        assert!(ok.unwrap());
    }
}

#[test]
fn wait_without_any_live_runtime_is_the_shutdown_error() {
    let rt = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut child = rt.block_on(async { Command::new("true").spawn().unwrap() });
    drop(rt);
    // Polled by a plain executor: no runtime to move the exit watch to.
    let err = futures::executor::block_on(child.wait()).unwrap_err();
    assert!(weft::runtime::is_rt_shutdown_err(&err), "{err}");
    // Still reaped when dropped later (`try_wait` in drop or an orphan).
    let pid = child.id().unwrap();
    drop(child);
    let rt = weft::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        while std::path::Path::new(&format!("/proc/{pid}")).exists() {
            weft::task::yield_now().await;
        }
    });
}
