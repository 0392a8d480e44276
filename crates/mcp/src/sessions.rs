//! A cap on live MCP sessions over rmcp's [`LocalSessionManager`].
//!
//! rmcp keeps a Streamable HTTP session (about 120 KB with its worker) until the client deletes it
//! or it has been idle for five minutes. A client that drops sessions without closing them (a
//! crashed editor, a script in a loop, the soak run's disconnecting clients) used to make the
//! server's memory grow with every abandoned session until the idle timeout. [`BoundedSessions`]
//! keeps at most [`MAX_SESSIONS`]: creating one more closes the least recently used. Real clients
//! hold a handful of sessions; one evicted while idle gets a 404 on its next request and, as the
//! MCP spec requires, starts a new session.

use futures_core::Stream;
use rmcp::model::{ClientJsonRpcMessage, ServerJsonRpcMessage};
use rmcp::transport::streamable_http_server::SessionManager;
use rmcp::transport::streamable_http_server::session::local::{
    LocalSessionManager, LocalSessionManagerError,
};
use rmcp::transport::streamable_http_server::session::{ServerSseMessage, SessionId};
use std::collections::HashMap;
use std::sync::Mutex;

/// Live sessions kept at most; the least recently used one is closed to make room.
pub const MAX_SESSIONS: usize = 128;

/// rmcp's in-memory session manager with at most `max` live sessions.
#[derive(Debug)]
pub struct BoundedSessions {
    inner: LocalSessionManager,
    max: usize,
    /// Last use of each session we created, as a tick of `clock`.
    used: Mutex<(u64, HashMap<SessionId, u64>)>,
}

impl Default for BoundedSessions {
    fn default() -> Self {
        Self::new(MAX_SESSIONS)
    }
}

impl BoundedSessions {
    /// At most `max` live sessions (at least 1).
    pub fn new(max: usize) -> Self {
        Self {
            inner: LocalSessionManager::default(),
            max: max.max(1),
            used: Mutex::new((0, HashMap::new())),
        }
    }

    fn touch(&self, id: &SessionId) {
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        used.0 += 1;
        let tick = used.0;
        if let Some(t) = used.1.get_mut(id) {
            *t = tick;
        }
    }

    /// Sessions we track (some may have idled out inside rmcp; they are dropped on eviction).
    pub fn tracked(&self) -> usize {
        self.used.lock().unwrap_or_else(|p| p.into_inner()).1.len()
    }

    /// Closes least recently used sessions until one more fits.
    async fn make_room(&self) {
        loop {
            let victim = {
                let used = self.used.lock().unwrap_or_else(|p| p.into_inner());
                if used.1.len() < self.max {
                    return;
                }
                used.1
                    .iter()
                    .min_by_key(|(_, tick)| **tick)
                    .map(|(id, _)| id.clone())
            };
            let Some(victim) = victim else { return };
            self.used
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .1
                .remove(&victim);
            // Gone already (idled out or closed by the client) is fine.
            if let Err(e) = self.inner.close_session(&victim).await {
                tracing::debug!(%e, "evicting an MCP session that was already gone");
            } else {
                tracing::info!(
                    max = self.max,
                    "closed the least recently used MCP session to stay under the session cap"
                );
            }
        }
    }
}

impl SessionManager for BoundedSessions {
    type Error = LocalSessionManagerError;
    type Transport = <LocalSessionManager as SessionManager>::Transport;

    async fn create_session(&self) -> Result<(SessionId, Self::Transport), Self::Error> {
        self.make_room().await;
        let (id, transport) = self.inner.create_session().await?;
        let mut used = self.used.lock().unwrap_or_else(|p| p.into_inner());
        used.0 += 1;
        let tick = used.0;
        used.1.insert(id.clone(), tick);
        Ok((id, transport))
    }

    async fn initialize_session(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<ServerJsonRpcMessage, Self::Error> {
        self.touch(id);
        self.inner.initialize_session(id, message).await
    }

    async fn has_session(&self, id: &SessionId) -> Result<bool, Self::Error> {
        self.inner.has_session(id).await
    }

    async fn close_session(&self, id: &SessionId) -> Result<(), Self::Error> {
        self.used
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .1
            .remove(id);
        self.inner.close_session(id).await
    }

    async fn create_stream(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        self.touch(id);
        self.inner.create_stream(id, message).await
    }

    async fn accept_message(
        &self,
        id: &SessionId,
        message: ClientJsonRpcMessage,
    ) -> Result<(), Self::Error> {
        self.touch(id);
        self.inner.accept_message(id, message).await
    }

    async fn create_standalone_stream(
        &self,
        id: &SessionId,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        self.touch(id);
        self.inner.create_standalone_stream(id).await
    }

    async fn resume(
        &self,
        id: &SessionId,
        last_event_id: String,
    ) -> Result<impl Stream<Item = ServerSseMessage> + Send + Sync + 'static, Self::Error> {
        self.touch(id);
        self.inner.resume(id, last_event_id).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_least_recently_used_session_makes_room() {
        let sessions = BoundedSessions::new(2);
        let (a, _ta) = sessions.create_session().await.expect("a");
        let (b, _tb) = sessions.create_session().await.expect("b");
        assert!(sessions.has_session(&a).await.expect("has"));
        // `a` is used again, so `b` is the least recently used when `c` arrives.
        sessions.touch(&a);
        let (c, _tc) = sessions.create_session().await.expect("c");
        assert!(sessions.has_session(&a).await.expect("has a"));
        assert!(
            !sessions.has_session(&b).await.expect("has b"),
            "b was evicted"
        );
        assert!(sessions.has_session(&c).await.expect("has c"));
        assert_eq!(sessions.tracked(), 2);
        // A session the client closed frees its place without evicting anyone.
        sessions.close_session(&a).await.expect("close a");
        let (d, _td) = sessions.create_session().await.expect("d");
        assert!(sessions.has_session(&c).await.expect("has c"));
        assert!(sessions.has_session(&d).await.expect("has d"));
        assert_eq!(sessions.tracked(), 2);
    }
}
