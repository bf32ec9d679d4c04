//! tokio-stream on weft: the wrappers around weft's channels, timers,
//! sockets, files and signals, and the time-based combinators.

use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncWriteExt};
use tokio_stream::wrappers::{
    BroadcastStream, IntervalStream, LinesStream, ReadDirStream, ReceiverStream, SignalStream,
    TcpListenerStream, UnboundedReceiverStream, WatchStream,
};
use tokio_stream::{StreamExt, StreamMap};

pub async fn wrappers() {
    // mpsc, bounded and unbounded.
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    tokio::spawn(async move {
        for i in 0..20 {
            tx.send(i).await.unwrap();
        }
    });
    let got: Vec<i32> = ReceiverStream::new(rx).collect().await;
    assert_eq!(got, (0..20).collect::<Vec<_>>());

    let (utx, urx) = tokio::sync::mpsc::unbounded_channel();
    for i in 0..5 {
        utx.send(i).unwrap();
    }
    drop(utx);
    let sum: i32 = UnboundedReceiverStream::new(urx)
        .fold(0, |acc, x| acc + x)
        .await;
    assert_eq!(sum, 10);

    // Interval ticks, three of them, each at least a period apart.
    let start = tokio::time::Instant::now();
    let ticks: Vec<_> = IntervalStream::new(tokio::time::interval(Duration::from_millis(5)))
        .take(3)
        .collect()
        .await;
    assert_eq!(ticks.len(), 3);
    assert!(ticks[2] - ticks[0] >= Duration::from_millis(10));
    assert!(start.elapsed() >= Duration::from_millis(10));

    // broadcast: a lagging receiver sees `Lagged` and then the newest items.
    let (btx, brx) = tokio::sync::broadcast::channel(2);
    for i in 0..5 {
        btx.send(i).unwrap();
    }
    drop(btx);
    let items: Vec<_> = BroadcastStream::new(brx).collect().await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(matches!(
        items[0],
        Err(tokio_stream::wrappers::errors::BroadcastStreamRecvError::Lagged(3))
    ));
    assert_eq!(items[1].as_ref().unwrap(), &3);
    assert_eq!(items[2].as_ref().unwrap(), &4);

    // watch: the current value first, then each change.
    let (wtx, wrx) = tokio::sync::watch::channel("a");
    let mut watch = WatchStream::new(wrx);
    assert_eq!(watch.next().await, Some("a"));
    wtx.send("b").unwrap();
    assert_eq!(watch.next().await, Some("b"));
    drop(wtx);
    assert_eq!(watch.next().await, None);

    // TcpListenerStream + LinesStream over the accepted socket.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut incoming = TcpListenerStream::new(listener);
    let client = tokio::spawn(async move {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"alpha\nbeta\ngamma\n").await.unwrap();
    });
    let sock = incoming.next().await.unwrap().unwrap();
    let lines: Vec<String> = LinesStream::new(tokio::io::BufReader::new(sock).lines())
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(lines, ["alpha", "beta", "gamma"]);
    client.await.unwrap();

    // ReadDirStream over a directory we fill.
    let dir = std::env::temp_dir().join(format!("weft-eco-smoke-{}", std::process::id()));
    tokio::fs::create_dir_all(&dir).await.unwrap();
    for name in ["x.txt", "y.txt", "z.txt"] {
        tokio::fs::write(dir.join(name), name).await.unwrap();
    }
    let mut names: Vec<String> = ReadDirStream::new(tokio::fs::read_dir(&dir).await.unwrap())
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect()
        .await;
    names.sort();
    assert_eq!(names, ["x.txt", "y.txt", "z.txt"]);
    tokio::fs::remove_dir_all(&dir).await.unwrap();
}

/// `SignalStream` yields once per SIGUSR1 this process sends itself
/// (through `kill`, run by `tokio::process::Command`).
pub async fn signals() {
    let kind = tokio::signal::unix::SignalKind::user_defined1();
    let mut stream = SignalStream::new(tokio::signal::unix::signal(kind).unwrap());
    for _ in 0..3 {
        // weft's process module runs `kill`, as a Tokio program would.
        let status = tokio::process::Command::new("kill")
            .args(["-USR1", &std::process::id().to_string()])
            .status()
            .await
            .unwrap();
        assert!(status.success());
        assert_eq!(stream.next().await, Some(()));
    }
}

pub async fn combinators() {
    // `timeout` yields an error for a gap longer than the limit, then goes on.
    let (tx, rx) = tokio::sync::mpsc::channel(1);
    tokio::spawn(async move {
        tx.send(1).await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
        tx.send(2).await.unwrap();
    });
    let stream = ReceiverStream::new(rx).timeout(Duration::from_millis(20));
    tokio::pin!(stream);
    assert_eq!(stream.next().await.unwrap().unwrap(), 1);
    assert!(stream.next().await.unwrap().is_err(), "no elapsed error");
    let mut rest = Vec::new();
    while let Some(item) = stream.next().await {
        if let Ok(v) = item {
            rest.push(v);
        }
    }
    assert_eq!(rest, [2]);

    // StreamMap: keyed merge, a key leaves the map when its stream ends.
    let mut map = StreamMap::new();
    map.insert("evens", tokio_stream::iter(vec![0, 2, 4]));
    map.insert("odds", tokio_stream::iter(vec![1, 3]));
    let mut by_key = std::collections::BTreeMap::<&str, Vec<i32>>::new();
    while let Some((k, v)) = map.next().await {
        by_key.entry(k).or_default().push(v);
    }
    assert_eq!(by_key["evens"], [0, 2, 4]);
    assert_eq!(by_key["odds"], [1, 3]);
    assert!(map.is_empty());

    // chunks_timeout: a full chunk at once, the rest when the timer fires.
    let chunks: Vec<Vec<i32>> = tokio_stream::iter(0..5)
        .chunks_timeout(2, Duration::from_millis(10))
        .collect()
        .await;
    assert_eq!(chunks, [vec![0, 1], vec![2, 3], vec![4]]);
}
