//! Account-host routes, served on the same base as the instance routes: `/auth/me`, `/instance`,
//! `/instance/{name}`. Any valid token may call them (no scope is needed to see who you are).

use axum::Json;
use axum::extract::{Extension, Path, State};
use serde_json::{Value, json};

use super::SharedState;
use crate::error::{ApiError, Result};
use crate::gate::Caller;

/// How long before "now" the demo user account was created.
const ACCOUNT_AGE_SECS: i64 = 400 * 24 * 60 * 60;

pub(super) async fn me(
    State(shared): State<SharedState>,
    Extension(caller): Extension<Caller>,
) -> Json<Value> {
    let now = shared.now_ms();
    let store = shared.store();
    let workspace_ids: Vec<i64> = store.workspaces.keys().copied().collect();
    let token = &caller.token;
    Json(json!({
        "id": token.user_id,
        "name": token.user_name,
        "email": token.user_email,
        // Unix seconds (the CLI multiplies by 1000).
        "created_at": now / 1000 - ACCOUNT_AGE_SECS,
        "extras": {
            "instance": {
                "id": store.instance.id,
                "name": store.instance.name,
                "display": store.instance.display,
                "membership": {
                    "role": "admin",
                    "workspace": { "id": workspace_ids },
                },
            },
        },
    }))
}

pub(super) async fn instances(State(shared): State<SharedState>) -> Json<Value> {
    Json(json!([shared.store().instance_json()]))
}

pub(super) async fn instance(
    State(shared): State<SharedState>,
    Path(name): Path<String>,
) -> Result<Json<Value>> {
    let store = shared.store();
    if name == store.instance.name || name == store.instance.id.to_string() {
        Ok(Json(store.instance_json()))
    } else {
        Err(ApiError::not_found("Instance not found."))
    }
}
