//! WebSockets on weft: axum's `WebSocketUpgrade` (hyper's upgrade over a weft
//! `TcpStream`) answered by tokio-tungstenite's client.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use futures_util::SinkExt;
use tokio_stream::StreamExt;
use tokio_tungstenite::tungstenite;

/// The `/ws` route: echoes each text message in upper case until closed.
pub async fn upgrade(ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(echo_upper)
}

async fn echo_upper(mut socket: WebSocket) {
    // Other messages are ignored. On a close, tungstenite queues the reply;
    // the next `recv` sends it and then ends the stream, so the loop goes on
    // reading rather than returning (which would drop the reply unsent).
    while let Some(Ok(msg)) = socket.recv().await {
        if let Message::Text(text) = msg {
            let reply = Message::text(text.as_str().to_uppercase());
            if socket.send(reply).await.is_err() {
                return;
            }
        }
    }
}

/// Connects to `/ws` on `addr` and checks a few round trips and the close.
pub async fn client(addr: std::net::SocketAddr) {
    let tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let url = format!("ws://{addr}/ws");
    let (mut ws, resp) = tokio_tungstenite::client_async(url, tcp).await.unwrap();
    assert_eq!(resp.status(), 101);
    for i in 0..20 {
        ws.send(tungstenite::Message::text(format!("message {i}")))
            .await
            .unwrap();
        let reply = ws.next().await.unwrap().unwrap();
        assert_eq!(reply.into_text().unwrap().as_str(), format!("MESSAGE {i}"));
    }
    ws.close(None).await.unwrap();
    // The server's close reply, then the end of the stream.
    while let Some(msg) = ws.next().await {
        match msg {
            Ok(tungstenite::Message::Close(_)) => {}
            Ok(other) => panic!("unexpected message after close: {other:?}"),
            Err(tungstenite::Error::ConnectionClosed) => break,
            Err(e) => panic!("{e}"),
        }
    }
}
