//! Planted secrets never reach the store file, query results, the detail view or exports.

use super::*;
use history::{ExportOptions, HistoryFilter, HistorySource};
use serde_json::json;
use std::collections::HashSet;
use xano::types::RequestHistoryItem;

const JWT: &str =
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJwbGFudGVkIn0.cGxhbnRlZC1zaWduYXR1cmU";
const LOCAL: &str = "xmcp_cGxhbnRlZC1sb2NhbC10b2tlbi12YWx1ZS0xMjM0NTY3ODk";
const COOKIE: &str = "sid=planted-cookie-value-42";
const API_KEY: &str = "planted-api-key-0042";
const PASSWORD: &str = "Planted-Passw0rd!";
const CLIENT_SECRET: &str = "planted-client-secret-77";

/// Items with secrets in every place we know of, in the wire shape Xano sends.
fn planted_items(at: &str) -> Vec<RequestHistoryItem> {
    let items = json!([
        {
            "id": 900_001, "created_at": at, "duration": 0.25, "status": 200, "verb": "POST",
            "uri": format!("/api:planted/auth/login?api_key={API_KEY}&next=/home&session={LOCAL}"),
            "input": {"email": "visible-marker@example.com", "password": PASSWORD,
                      "profile": {"client_secret": CLIENT_SECRET, "bio": format!("token {JWT} inline")}},
            "output": {"authToken": JWT, "message": format!("use {LOCAL} next time"), "user": {"id": 7}},
            "request_headers": [format!("Authorization: Bearer {JWT}"), format!("Cookie: {COOKIE}"), "Accept: application/json"],
            "response_headers": [format!("Set-Cookie: {COOKIE}; HttpOnly"), {"name": "X-Api-Key", "value": API_KEY}],
            "workspace_id": WS, "branch_id": 1, "api_id": 77, "query_id": 770,
        },
        {
            "id": 900_002, "created_at": at, "duration": 0.01, "status": 401, "verb": "GET",
            "uri": format!("/api:planted/me?access_token={JWT}"),
            "input": [{"password": PASSWORD}, format!("Bearer {LOCAL}")],
            "output": {"code": "ERROR_CODE_UNAUTHORIZED", "message": format!("bad token {JWT}")},
            "request_headers": [format!("authorization: {LOCAL}")],
            "response_headers": [],
            "workspace_id": WS, "branch_id": 1, "api_id": 77, "query_id": 771,
        }
    ]);
    serde_json::from_value(items).expect("items")
}

/// The secrets to look for: the planted ones, and the seed's own clear-text passwords and issued
/// auth tokens (many; looked up per word, which keeps the scan linear).
struct Secrets {
    planted: Vec<&'static str>,
    seed: HashSet<String>,
}

fn secrets_of(sim_items: &[Value]) -> Secrets {
    let mut seed = HashSet::new();
    for item in sim_items {
        if let Some(p) = item["input"]["password"].as_str() {
            seed.insert(p.to_owned());
        }
        if let Some(t) = item["output"]["authToken"].as_str() {
            seed.insert(t.to_owned());
        }
    }
    Secrets {
        planted: vec![JWT, LOCAL, COOKIE, API_KEY, PASSWORD, CLIENT_SECRET],
        seed,
    }
}

fn assert_clean(what: &str, text: &str, secrets: &Secrets) {
    for s in &secrets.planted {
        assert!(!text.contains(s), "{what} leaked {s}");
    }
    // Seed passwords are `WORD1234!`, tokens `eyJ...` with dots: both are whole words here.
    let is_word = |c: char| c.is_ascii_alphanumeric() || matches!(c, '!' | '_' | '-' | '.');
    for word in text.split(|c: char| !is_word(c)) {
        assert!(!secrets.seed.contains(word), "{what} leaked {word}");
    }
    assert!(!text.contains("eyJhbGci"), "{what} leaked a JWT");
}

#[tokio::test]
async fn planted_secrets_never_reach_the_store_results_or_exports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("history.sqlite");
    let sim = start_sim().await;
    let client = client_for(&sim, quick_retries(3));
    let sim_items = sim.history(WS);
    let secrets = secrets_of(&sim_items);
    assert!(
        secrets.seed.len() > 20,
        "the seed must carry passwords and tokens for this test to mean anything"
    );

    let store = HistoryStore::open(&path).expect("store");
    let opts = SyncOptions {
        store_bodies: true,
        ..options()
    };
    let (report, _) = sync_once(&store, &client, &opts).await;
    assert!(report.expect("sync").complete);
    assert!(
        sim.requests()
            .iter()
            .all(|r| r.query.contains(&("include_output".into(), "true".into())))
    );
    let at = sim_items[0]["created_at"].as_str().expect("at").to_owned();
    assert_eq!(
        store
            .import_requests(WS, None, &planted_items(&at), true)
            .expect("import"),
        2
    );

    // Query results.
    let everything = HistoryFilter {
        source: HistorySource::Both,
        limit: u32::MAX,
        ..Default::default()
    };
    let page = store.history_search(&everything).expect("search");
    let text = serde_json::to_string(&page).expect("json");
    assert_clean("search results", &text, &secrets);
    assert!(
        text.contains("api_key=[masked]"),
        "secret query parameters are masked in place"
    );

    // The detail pane.
    let detail = store
        .request_detail(WS, None, 900_001)
        .expect("detail")
        .expect("stored");
    let text = serde_json::to_string(&detail).expect("json");
    assert_clean("detail", &text, &secrets);
    assert!(
        text.contains("visible-marker@example.com"),
        "ordinary input is kept: {text}"
    );
    assert_eq!(
        detail.input.as_ref().expect("input")["password"],
        "[masked]"
    );
    assert_eq!(
        detail.request_headers,
        Some(json!([
            "Authorization: [masked]",
            "Cookie: [masked]",
            "Accept: application/json"
        ]))
    );
    assert_eq!(
        detail.response_headers,
        Some(json!(["Set-Cookie: [masked]", {"name": "X-Api-Key", "value": "[masked]"}]))
    );
    // A seed request that had a password and an Authorization header.
    let login = sim_items
        .iter()
        .find(|i| i["input"]["password"].is_string())
        .expect("a login in the seed");
    let detail = store
        .request_detail(WS, None, login["id"].as_i64().expect("id"))
        .expect("detail")
        .expect("stored");
    assert!(detail.row.has_body);
    let text = serde_json::to_string(&detail).expect("json");
    assert_clean("seed detail", &text, &secrets);
    assert_eq!(
        detail.input.as_ref().expect("input")["password"],
        "[masked]"
    );

    // Exports, with bodies.
    let with_bodies = ExportOptions {
        include_bodies: true,
    };
    let mut csv = Vec::new();
    let n = store
        .export_csv(&everything, with_bodies, &mut csv)
        .expect("csv");
    assert_eq!(n, page.total);
    let csv = String::from_utf8(csv).expect("utf8");
    assert_clean("CSV export", &csv, &secrets);
    assert!(csv.contains("visible-marker@example.com"));
    let mut json_out = Vec::new();
    store
        .export_json(&everything, with_bodies, &mut json_out)
        .expect("json");
    let parsed: Value = serde_json::from_slice(&json_out).expect("export is valid JSON");
    assert_eq!(parsed.as_array().map(Vec::len), Some(n as usize));
    assert_clean("JSON export", &String::from_utf8_lossy(&json_out), &secrets);

    // The file itself (and its WAL) holds none of them.
    drop(store);
    let mut bytes = Vec::new();
    for entry in std::fs::read_dir(dir.path()).expect("dir") {
        bytes.extend(std::fs::read(entry.expect("entry").path()).expect("read"));
    }
    assert_clean(
        "the SQLite file",
        &String::from_utf8_lossy(&bytes),
        &secrets,
    );
}

#[tokio::test]
async fn without_body_storage_no_body_is_requested_or_kept() {
    let (sim, store, items) = synced().await;
    assert!(
        sim.requests()
            .iter()
            .all(|r| !r.query.iter().any(|(k, _)| k == "include_output"))
    );
    let login = items
        .iter()
        .find(|i| i["input"]["password"].is_string())
        .expect("a login");
    let detail = store
        .request_detail(WS, None, login["id"].as_i64().expect("id"))
        .expect("detail")
        .expect("stored");
    assert!(!detail.row.has_body);
    assert_eq!(
        (detail.input, detail.output, detail.request_headers),
        (None, None, None)
    );
}

#[tokio::test]
async fn exports_match_the_search_and_are_well_formed() {
    let (_sim, store, items) = synced().await;
    let filter = HistoryFilter {
        status_classes: vec![history::StatusClass::ServerError],
        limit: u32::MAX,
        ..Default::default()
    };
    let page = store.history_search(&filter).expect("search");
    let expected = items.iter().filter(|i| item_status(i) >= 500).count();
    assert_eq!(page.rows.len(), expected);

    let mut csv = Vec::new();
    let n = store
        .export_csv(&filter, ExportOptions::default(), &mut csv)
        .expect("csv");
    assert_eq!(n as usize, expected);
    let csv = String::from_utf8(csv).expect("utf8");
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), expected + 1);
    assert!(lines[0].starts_with("source,id,time,at_ms,"));
    for (line, row) in lines[1..].iter().zip(&page.rows) {
        assert!(line.starts_with(&format!("xano,{},", row.id)), "{line}");
        assert!(line.contains(&format!(",{},", row.status)));
    }

    let mut out = Vec::new();
    store
        .export_json(&filter, ExportOptions::default(), &mut out)
        .expect("json");
    let parsed: Vec<Value> = serde_json::from_slice(&out).expect("json");
    let ids: Vec<i64> = parsed
        .iter()
        .map(|v| v["id"].as_i64().expect("id"))
        .collect();
    let want: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, want);
    assert!(parsed[0]["time"].as_str().is_some_and(|t| t.ends_with('Z')));

    // An empty export is still valid.
    let mut out = Vec::new();
    store
        .export_json(
            &HistoryFilter {
                workspace_id: Some(12345),
                ..Default::default()
            },
            ExportOptions::default(),
            &mut out,
        )
        .expect("json");
    assert_eq!(
        serde_json::from_slice::<Value>(&out).expect("json"),
        json!([])
    );
}
