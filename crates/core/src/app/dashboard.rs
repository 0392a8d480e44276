//! The dashboard: the server, who is connected, the calls of the last hour (errors counted), and
//! token expiry (warning from two days before).

use super::calls::{CallOutcome, CallView};
use super::error::AppResult;
use super::server::{self, BackendKind, ServerStatus};
use super::tokens::{self, TokenStatus, TokenView};
use super::{AppState, now_ms};
use serde::{Deserialize, Serialize};

const HOUR_MS: i64 = 3_600_000;
/// Most calls listed on the dashboard.
const LISTED_CALLS: usize = 50;

/// An AI app seen in the last hour.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct ConnectedClient {
    /// The name the app gave (`clientInfo.name`), when it gave one.
    pub client_name: Option<String>,
    pub token_name: Option<String>,
    pub last_seen_ms: i64,
    pub calls: u32,
}

/// When the Xano token expires.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct XanoTokenExpiry {
    pub profile: String,
    /// Unix seconds.
    pub expires_at: i64,
    pub seconds_left: i64,
    /// `valid`, `expires_soon` (two days or less) or `expired`.
    pub status: String,
    /// "expires in 5 days".
    pub description: String,
}

/// Everything the dashboard shows.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "camelCase")]
pub struct DashboardView {
    pub server: ServerStatus,
    pub setup_done: bool,
    /// The newest calls of the last hour (at most 50), newest first.
    pub recent_calls: Vec<CallView>,
    pub calls_last_hour: u32,
    pub errors_last_hour: u32,
    pub connected_clients: Vec<ConnectedClient>,
    pub xano_token: Option<XanoTokenExpiry>,
    /// Access tokens that expire within two days or have expired (not revoked).
    pub expiring_tokens: Vec<TokenView>,
    pub pending_approvals: u32,
}

/// The dashboard now.
pub async fn dashboard(app: &AppState) -> AppResult<DashboardView> {
    let now = now_ms();
    let calls = app.calls.since(now - HOUR_MS);
    let errors = calls
        .iter()
        .filter(|c| c.outcome != CallOutcome::Ok)
        .count();
    let mut connected: Vec<ConnectedClient> = Vec::new();
    for c in calls.iter().filter(|c| c.transport != "app") {
        match connected
            .iter_mut()
            .find(|k| k.client_name == c.client_name && k.token_name == c.token_name)
        {
            Some(k) => {
                k.calls += 1;
                k.last_seen_ms = k.last_seen_ms.max(c.at_ms);
            }
            None => connected.push(ConnectedClient {
                client_name: c.client_name.clone(),
                token_name: c.token_name.clone(),
                last_seen_ms: c.at_ms,
                calls: 1,
            }),
        }
    }
    let server = server::status(app);
    let xano_token = if server.backend == BackendKind::Xano {
        xano_expiry(app, now / 1000)
    } else {
        None
    };
    let expiring_tokens = tokens::list(app)?
        .into_iter()
        .filter(|t| matches!(t.status, TokenStatus::ExpiresSoon | TokenStatus::Expired))
        .collect();
    Ok(DashboardView {
        setup_done: app.settings().setup_done,
        server,
        calls_last_hour: u32::try_from(calls.len()).unwrap_or(u32::MAX),
        errors_last_hour: u32::try_from(errors).unwrap_or(u32::MAX),
        recent_calls: calls.into_iter().take(LISTED_CALLS).collect(),
        connected_clients: connected,
        xano_token,
        expiring_tokens,
        pending_approvals: u32::try_from(app.approvals.pending().len()).unwrap_or(u32::MAX),
    })
}

fn xano_expiry(app: &AppState, now_secs: i64) -> Option<XanoTokenExpiry> {
    let active = crate::list_profiles(&app.setup).ok()?.active?;
    let expiry = crate::token_expiry(&app.setup, &active, now_secs).ok()??;
    Some(XanoTokenExpiry {
        profile: active,
        expires_at: expiry.expires_at,
        seconds_left: expiry.seconds_left,
        status: serde_json::to_value(expiry.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        description: expiry.describe(),
    })
}
