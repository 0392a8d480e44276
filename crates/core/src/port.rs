//! Is the MCP server's port free, taken by a running xano-mcp, or taken by something else?
//!
//! A bind on 127.0.0.1 says whether the port is free. When it is not, one plain HTTP request tells
//! who holds it: our server answers an unauthenticated `POST /mcp` with `401` and
//! `WWW-Authenticate: Bearer` (its bearer middleware runs before anything else). Other MCP servers
//! with bearer auth answer the same way, so [`PortStatus::XanoMcp`] means "an MCP server that
//! wants a bearer token, very likely xano-mcp". Nothing is sent but that one request, with no
//! credentials.

use serde::Serialize;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// How long the probe waits to connect and for the answer.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Who holds a port on 127.0.0.1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum PortStatus {
    /// Nothing listens: the server can start there.
    Free,
    /// An MCP endpoint asking for a bearer token answers at `/mcp` (a running xano-mcp).
    XanoMcp,
    /// Another program holds it.
    Other { detail: String },
}

/// Checks `port` on 127.0.0.1 (see the module docs).
pub async fn port_status(port: u16) -> PortStatus {
    match std::net::TcpListener::bind(("127.0.0.1", port)) {
        Ok(listener) => {
            drop(listener);
            PortStatus::Free
        }
        Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => probe(port).await,
        Err(e) => PortStatus::Other {
            detail: format!("it cannot be used: {e}"),
        },
    }
}

async fn probe(port: u16) -> PortStatus {
    let answer = tokio::time::timeout(PROBE_TIMEOUT, async {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).await?;
        let request = format!(
            "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await?;
        let mut head = Vec::new();
        let mut buf = [0u8; 2048];
        while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 16 * 1024 {
            let n = stream.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            head.extend_from_slice(&buf[..n]);
        }
        Ok::<_, std::io::Error>(String::from_utf8_lossy(&head).into_owned())
    })
    .await;
    match answer {
        Ok(Ok(head)) if looks_like_our_server(&head) => PortStatus::XanoMcp,
        Ok(Ok(head)) => PortStatus::Other {
            detail: match head.lines().next().filter(|l| l.starts_with("HTTP/")) {
                Some(status) => format!("a program answering `{}` holds it", status.trim()),
                None => "a program that does not speak HTTP holds it".to_owned(),
            },
        },
        Ok(Err(e)) => PortStatus::Other {
            detail: format!("a program holds it (probe failed: {e})"),
        },
        Err(_) => PortStatus::Other {
            detail: "a program holds it and did not answer an HTTP request".to_owned(),
        },
    }
}

fn looks_like_our_server(head: &str) -> bool {
    let mut lines = head.lines();
    let status_401 = lines
        .next()
        .is_some_and(|l| l.starts_with("HTTP/1.1 401") || l.starts_with("HTTP/1.0 401"));
    status_401
        && lines.any(|l| {
            l.split_once(':').is_some_and(|(name, value)| {
                name.trim().eq_ignore_ascii_case("www-authenticate")
                    && value.trim().to_ascii_lowercase().starts_with("bearer")
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::net::TcpListener;

    async fn serve_once(answer: &'static str) -> u16 {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut buf = [0u8; 1024];
                let _ = stream.read(&mut buf).await;
                let _ = stream.write_all(answer.as_bytes()).await;
            }
        });
        port
    }

    #[tokio::test]
    async fn tells_free_ours_and_other_apart() {
        let ours = serve_once(
            "HTTP/1.1 401 Unauthorized\r\nwww-authenticate: Bearer\r\ncontent-length: 0\r\n\r\n",
        )
        .await;
        assert_eq!(port_status(ours).await, PortStatus::XanoMcp);

        let other = serve_once("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi").await;
        match port_status(other).await {
            PortStatus::Other { detail } => assert!(detail.contains("200 OK"), "{detail}"),
            status => panic!("{status:?}"),
        }

        let free = {
            let l = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
            l.local_addr().unwrap().port()
        };
        assert_eq!(port_status(free).await, PortStatus::Free);
    }
}
