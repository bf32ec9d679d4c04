//! tokio-util on weft: codecs over weft sockets, cancellation, task tracking,
//! the delay queue and the I/O adapters.

use std::time::Duration;

use bytes::Bytes;
use futures_util::SinkExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_stream::StreamExt;
use tokio_util::codec::{FramedRead, FramedWrite, LinesCodec};
use tokio_util::sync::CancellationToken;

/// A line server that answers each line with its upper-case form, spoken to
/// by a client that sends with `FramedWrite` and reads with `FramedRead`.
pub async fn lines_codec() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        let (sock, _) = listener.accept().await.unwrap();
        let mut framed = tokio_util::codec::Framed::new(sock, LinesCodec::new());
        let mut served = 0;
        while let Some(line) = framed.next().await {
            framed.send(line.unwrap().to_uppercase()).await.unwrap();
            served += 1;
        }
        served
    });

    let stream = TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (rd, wr) = stream.into_split();
    let mut lines_in = FramedRead::new(rd, LinesCodec::new());
    let mut lines_out = FramedWrite::new(wr, LinesCodec::new());
    for i in 0..100 {
        lines_out.send(format!("line {i} from weft")).await.unwrap();
        let answer = lines_in.next().await.unwrap().unwrap();
        assert_eq!(answer, format!("LINE {i} FROM WEFT"));
    }
    // Closing our half ends the server's stream of lines.
    SinkExt::<String>::close(&mut lines_out).await.unwrap();
    assert!(lines_in.next().await.is_none(), "server closed without EOF");
    assert_eq!(server.await.unwrap(), 100);

    // Over a duplex pipe: a line longer than the codec's limit is an error,
    // not a hang, and the framed stream ends after it (tokio-util's rule).
    let (a, mut b) = tokio::io::duplex(64);
    let mut limited = FramedRead::new(a, LinesCodec::new_with_max_length(8));
    b.write_all(b"short\nfar too long a line\nok\n")
        .await
        .unwrap();
    drop(b);
    assert_eq!(limited.next().await.unwrap().unwrap(), "short");
    assert!(matches!(
        limited.next().await.unwrap(),
        Err(tokio_util::codec::LinesCodecError::MaxLineLengthExceeded)
    ));
    assert!(limited.next().await.is_none());
}

/// A parent token cancels its children and every task waiting on them.
pub async fn cancellation() {
    let parent = CancellationToken::new();
    let mut waiters = tokio::task::JoinSet::new();
    for i in 0..8u64 {
        let child = parent.child_token();
        waiters.spawn(async move {
            tokio::select! {
                _ = child.cancelled() => i,
                _ = tokio::time::sleep(Duration::from_secs(60)) => panic!("not cancelled"),
            }
        });
    }
    // A cancelled child does not cancel its parent.
    let lone = parent.child_token();
    lone.cancel();
    assert!(!parent.is_cancelled());

    let guard = parent.clone().drop_guard();
    drop(guard); // cancels `parent`
    let mut seen = Vec::new();
    while let Some(res) = waiters.join_next().await {
        seen.push(res.unwrap());
    }
    seen.sort();
    assert_eq!(seen, (0..8).collect::<Vec<_>>());
    assert!(parent.is_cancelled());

    let token = CancellationToken::new();
    let t2 = token.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(5)).await;
        t2.cancel();
    });
    let out = token
        .run_until_cancelled(tokio::time::sleep(Duration::from_secs(60)))
        .await;
    assert_eq!(out, None);
}

/// `TaskTracker` waits for every task it spawned; `LocalPoolHandle` runs
/// `!Send` futures on its own current-thread runtimes.
pub async fn tasks() {
    let tracker = tokio_util::task::TaskTracker::new();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    for i in 0..16 {
        let tx = tx.clone();
        tracker.spawn(async move {
            tokio::task::yield_now().await;
            tx.send(i).unwrap();
        });
    }
    drop(tx);
    tracker.close();
    tracker.wait().await;
    assert!(tracker.is_empty());
    let mut got = Vec::new();
    while let Some(i) = rx.recv().await {
        got.push(i);
    }
    got.sort();
    assert_eq!(got, (0..16).collect::<Vec<_>>());

    // JoinMap: results come back under the key their task was spawned with.
    let mut map = tokio_util::task::JoinMap::new();
    for key in ["a", "bb", "ccc"] {
        map.spawn(key, async move { key.len() });
    }
    map.spawn("slow", async {
        tokio::time::sleep(Duration::from_secs(60)).await;
        0
    });
    assert!(map.abort(&"slow"));
    let (mut done, mut cancelled) = (0, 0);
    while let Some((key, res)) = map.join_next().await {
        match res {
            Ok(len) => {
                assert_eq!(len, key.len());
                done += 1;
            }
            Err(e) => {
                assert_eq!(key, "slow");
                assert!(e.is_cancelled());
                cancelled += 1;
            }
        }
    }
    assert_eq!((done, cancelled), (3, 1));
    let pool = tokio_util::task::LocalPoolHandle::new(2);
    let handles: Vec<_> = (0..4)
        .map(|i| {
            pool.spawn_pinned(move || async move {
                // `Rc` is `!Send`: this future must stay on one thread.
                let rc = std::rc::Rc::new(i);
                tokio::task::yield_now().await;
                *rc * 10
            })
        })
        .collect();
    let mut sum = 0;
    for h in handles {
        sum += h.await.unwrap();
    }
    assert_eq!(sum, 60);
}

/// Items come out of a `DelayQueue` in deadline order, and a removed one
/// never does.
pub async fn delay_queue() {
    let mut queue = tokio_util::time::DelayQueue::new();
    queue.insert("third", Duration::from_millis(30));
    let gone = queue.insert("removed", Duration::from_millis(10));
    queue.insert("first", Duration::from_millis(1));
    queue.insert("second", Duration::from_millis(15));
    assert_eq!(queue.remove(&gone).into_inner(), "removed");
    let mut order = Vec::new();
    while let Some(expired) = queue.next().await {
        order.push(expired.into_inner());
    }
    assert_eq!(order, ["first", "second", "third"]);
}

/// `StreamReader` turns a stream of chunks into `AsyncRead`; `SyncIoBridge`
/// reads it from a blocking thread through the runtime handle.
pub async fn io_adapters() {
    let chunks = tokio_stream::iter(vec![
        Ok::<_, std::io::Error>(Bytes::from_static(b"hello ")),
        Ok(Bytes::from_static(b"from ")),
        Ok(Bytes::from_static(b"weft")),
    ]);
    let mut reader = tokio_util::io::StreamReader::new(chunks);
    let mut s = String::new();
    reader.read_to_string(&mut s).await.unwrap();
    assert_eq!(s, "hello from weft");

    let (mut w, r) = tokio::io::duplex(16);
    tokio::spawn(async move {
        for i in 0..50 {
            w.write_all(format!("{i},").as_bytes()).await.unwrap();
        }
    });
    let text = tokio::task::spawn_blocking(move || {
        let mut bridge = tokio_util::io::SyncIoBridge::new(r);
        let mut text = String::new();
        std::io::Read::read_to_string(&mut bridge, &mut text).unwrap();
        text
    })
    .await
    .unwrap();
    let want: String = (0..50).map(|i| format!("{i},")).collect();
    assert_eq!(text, want);
}
