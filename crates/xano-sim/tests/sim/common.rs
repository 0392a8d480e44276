//! Test harness: a sim on a fixed clock and a small JSON client for it.

use reqwest::Method;
use serde_json::{Map, Value};
use xano_sim::{DEMO_TOKEN, SimConfig, XanoSim, demo};

/// 2026-01-01T00:00:00Z: the clock every test sim starts at.
pub const NOW_MS: i64 = 1_767_225_600_000;

/// A running sim and a client that talks to it.
pub struct Api {
    pub sim: XanoSim,
    pub http: reqwest::Client,
    pub token: String,
}

/// A JSON answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
    pub headers: reqwest::header::HeaderMap,
}

pub fn config() -> SimConfig {
    SimConfig {
        now_ms: Some(NOW_MS),
        ..SimConfig::demo()
    }
}

impl Api {
    /// The demo sim on the fixed clock, with the demo token.
    pub async fn demo() -> Api {
        Api::with(config(), DEMO_TOKEN).await
    }

    pub async fn with(config: SimConfig, token: &str) -> Api {
        let sim = XanoSim::start(config).await.expect("sim starts");
        Api {
            sim,
            http: reqwest::Client::new(),
            token: token.to_owned(),
        }
    }

    /// The same sim, called with another bearer token.
    pub fn as_token(&self, token: &str) -> Caller<'_> {
        Caller {
            api: self,
            token: token.to_owned(),
        }
    }

    fn me(&self) -> Caller<'_> {
        self.as_token(&self.token)
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        self.me().send(method, path, body, headers).await
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.me().get(path).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.me().post(path, body).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.me().put(path, body).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.me().delete(path).await
    }

    /// Id of a demo table in the first workspace.
    pub fn table(&self, name: &str) -> i64 {
        self.sim
            .table_id(demo::WORKSPACE_ID, name)
            .expect("demo table exists")
    }

    /// `/workspace/{WORKSPACE_ID}/table/{id}` of a demo table.
    pub fn table_path(&self, name: &str) -> String {
        format!(
            "/workspace/{}/table/{}",
            demo::WORKSPACE_ID,
            self.table(name)
        )
    }

    pub fn rows(&self, name: &str) -> Vec<Map<String, Value>> {
        self.sim.rows(demo::WORKSPACE_ID, self.table(name))
    }
}

/// Calls to a sim with one token.
pub struct Caller<'a> {
    api: &'a Api,
    token: String,
}

impl Caller<'_> {
    /// Sends `method` to `meta_url() + path` with the token, an optional JSON body and extra
    /// headers.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut req = self
            .api
            .http
            .request(method, format!("{}{}", self.api.sim.meta_url(), path))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            req = req.json(body);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let resp = req.send().await.expect("request is sent");
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        let text = resp.text().await.expect("body is read");
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Reply {
            status,
            body,
            headers,
        }
    }

    pub async fn get(&self, path: &str) -> Reply {
        self.send(Method::GET, path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Reply {
        self.send(Method::POST, path, Some(&body), &[]).await
    }

    pub async fn put(&self, path: &str, body: Value) -> Reply {
        self.send(Method::PUT, path, Some(&body), &[]).await
    }

    pub async fn delete(&self, path: &str) -> Reply {
        self.send(Method::DELETE, path, None, &[]).await
    }
}

/// Ids of a list of records.
pub fn ids(items: &Value) -> Vec<i64> {
    items
        .as_array()
        .expect("an array")
        .iter()
        .map(|r| r["id"].as_i64().expect("an id"))
        .collect()
}

/// Ids of records.
pub fn row_ids<'a>(rows: impl IntoIterator<Item = &'a Map<String, Value>>) -> Vec<i64> {
    rows.into_iter()
        .map(|r| r["id"].as_i64().expect("an id"))
        .collect()
}
