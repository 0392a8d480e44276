//! Synthetic API traffic for request history: plausible calls to a workspace's own endpoints.
//!
//! The mix (our model of a healthy small store, not measured data): GET-heavy, ~5% 4xx
//! (400/401/404/422), ~1% 5xx (500/502/503), successful creates answered 201 and deletes 204,
//! latency log-normal around each endpoint's median (~80 ms typical; reports, exports, imports and
//! checkout are slow, 1-3 s). URIs carry numeric ids (`/api:Xy12ab/customers/42`). Inputs are
//! stored as clients sent them, including clear-text passwords on login/signup (Xano does not
//! redact inputs), while `Authorization` header values are redacted (Xano keeps the name only).
//!
//! Invariants: items are appended in `(created_at, id)` order; generation only draws from seeded
//! RNGs (the seed traffic from its own seed, `add_history` from the store's), so the same config
//! and the same calls give the same items.

use serde_json::{Map, Value, json};

use crate::store::{
    EndpointInput, HistoryItem, IdKind, InputSource, ResponseShape, Store, Workspace,
};

/// One endpoint traffic can hit.
#[derive(Debug, Clone)]
struct Target {
    group_id: i64,
    canonical: String,
    endpoint_id: i64,
    verb: String,
    path: String,
    auth: bool,
    inputs: Vec<EndpointInput>,
    response: ResponseShape,
    weight: u32,
    median_ms: f64,
    max_id: i64,
}

fn catalog(ws: &Workspace) -> Vec<Target> {
    let mut targets = Vec::new();
    for group in ws.groups.values() {
        for ep in group.endpoints.values() {
            let max_id = ep
                .table
                .as_ref()
                .and_then(|name| ws.tables.values().find(|t| &t.name == name))
                .and_then(|t| t.rows("live"))
                .and_then(|r| r.by_id.keys().next_back().copied())
                .unwrap_or(500)
                .max(1);
            targets.push(Target {
                group_id: group.id,
                canonical: group.canonical.clone(),
                endpoint_id: ep.id,
                verb: ep.verb.clone(),
                path: ep.name.clone(),
                auth: ep.auth_table.is_some(),
                inputs: ep.inputs.clone(),
                response: ep.response,
                weight: weight(&ep.verb, &ep.name, ep.response),
                median_ms: median_ms(&ep.verb, &ep.name, ep.response),
                max_id,
            });
        }
    }
    if targets.is_empty() {
        targets.push(Target {
            group_id: 0,
            canonical: "default".to_owned(),
            endpoint_id: 0,
            verb: "GET".to_owned(),
            path: "health".to_owned(),
            auth: false,
            inputs: Vec::new(),
            response: ResponseShape::Object,
            weight: 1,
            median_ms: 12.0,
            max_id: 1,
        });
    }
    targets
}

fn weight(verb: &str, path: &str, response: ResponseShape) -> u32 {
    if path == "health" {
        return 15;
    }
    if is_slow_path(path) {
        return 1;
    }
    if path.ends_with("login") {
        return 6;
    }
    match (verb, response) {
        ("GET", ResponseShape::Paged) => 10,
        ("GET", ResponseShape::Record) => 8,
        ("GET", _) => 5,
        ("POST", _) => 3,
        ("PATCH" | "PUT", _) => 2,
        _ => 1,
    }
}

fn is_slow_path(path: &str) -> bool {
    ["reports/", "export", "import"]
        .iter()
        .any(|p| path.contains(p))
}

fn median_ms(verb: &str, path: &str, response: ResponseShape) -> f64 {
    if path.contains("reports/") {
        1800.0
    } else if path.contains("export") || path.contains("import") {
        1600.0
    } else if path.contains("checkout") {
        1100.0
    } else if path.contains("dashboard") {
        600.0
    } else if path.ends_with("login") || path.ends_with("signup") {
        180.0
    } else if path == "health" {
        12.0
    } else {
        match (verb, response) {
            ("GET", ResponseShape::Paged) => 95.0,
            ("GET", ResponseShape::Record) => 45.0,
            ("GET", _) => 70.0,
            _ => 110.0,
        }
    }
}

/// Seed traffic planned at start and generated on first use of the workspace's history, so a
/// sim that never reads history does not pay for it. Everything it needs is captured when it is
/// planned (endpoints, id range, RNG seed), so when it is generated does not change what it is.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    targets: Vec<Target>,
    first_id: i64,
    count: usize,
    span_ms: (i64, i64),
    seed: u64,
    branch_id: i64,
    host: String,
}

impl Pending {
    /// The planned items, oldest first.
    pub(crate) fn generate(self, workspace_id: i64) -> Vec<HistoryItem> {
        let mut rng = fastrand::Rng::with_seed(self.seed);
        let (from, to) = self.span_ms;
        let mut times: Vec<i64> = (0..self.count).map(|_| rng.i64(from..=to)).collect();
        times.sort_unstable();
        let context = Context {
            targets: &self.targets,
            host: &self.host,
            workspace_id,
            branch_id: self.branch_id,
        };
        times
            .iter()
            .zip(self.first_id..)
            .map(|(&at, id)| context.item(&mut rng, id, at))
            .collect()
    }
}

/// Plans `count` seed items spread uniformly over `span_ms`, generated from `seed` on first use.
pub(crate) fn plan(
    store: &mut Store,
    workspace_id: i64,
    count: usize,
    span_ms: (i64, i64),
    seed: u64,
) {
    let Some(ws) = store.workspaces.get(&workspace_id) else {
        return;
    };
    let targets = catalog(ws);
    let branch_id = ws.branch(None).map(|b| b.id).unwrap_or_default();
    let host = store.instance.xano_domain.clone();
    let first_id = store.reserve_ids(IdKind::History, count);
    if let Some(ws) = store.workspaces.get_mut(&workspace_id) {
        ws.plan_traffic(Pending {
            targets,
            first_id,
            count,
            span_ms,
            seed,
            branch_id,
            host,
        });
    }
}

/// Appends `count` items stamped `now_ms` to a workspace's history (nothing for an unknown one),
/// drawing from the store's RNG.
pub(crate) fn append(
    store: &mut Store,
    workspace_id: i64,
    branch: Option<&str>,
    count: usize,
    now_ms: i64,
) {
    let cutoff = now_ms - store.history_window_ms;
    let Some(ws) = store.workspaces.get_mut(&workspace_id) else {
        return;
    };
    // Generates any planned seed traffic first, so ids stay in time order.
    ws.history(cutoff);
    let targets = catalog(ws);
    let Ok(branch_id) = ws.branch(branch).map(|b| b.id) else {
        return;
    };
    let host = store.instance.xano_domain.clone();
    let first_id = store.reserve_ids(IdKind::History, count);
    let context = Context {
        targets: &targets,
        host: &host,
        workspace_id,
        branch_id,
    };
    let items: Vec<HistoryItem> = (first_id..)
        .take(count)
        .map(|id| context.item(&mut store.rng, id, now_ms))
        .collect();
    if let Some(ws) = store.workspaces.get_mut(&workspace_id) {
        ws.history(cutoff).extend(items);
    }
}

/// What every generated item of one workspace shares.
struct Context<'a> {
    targets: &'a [Target],
    host: &'a str,
    workspace_id: i64,
    branch_id: i64,
}

impl Context<'_> {
    fn item(&self, rng: &mut fastrand::Rng, id: i64, created_at_ms: i64) -> HistoryItem {
        let total_weight: u32 = self.targets.iter().map(|t| t.weight).sum();
        let mut pick = rng.u32(..total_weight.max(1));
        let target = self
            .targets
            .iter()
            .find(|t| {
                if pick < t.weight {
                    true
                } else {
                    pick -= t.weight;
                    false
                }
            })
            .unwrap_or(&self.targets[0]);
        make_item(
            rng,
            target,
            self.host,
            id,
            created_at_ms,
            self.workspace_id,
            self.branch_id,
        )
    }
}

fn make_item(
    rng: &mut fastrand::Rng,
    target: &Target,
    host: &str,
    id: i64,
    created_at_ms: i64,
    workspace_id: i64,
    branch_id: i64,
) -> HistoryItem {
    let mut input = Map::new();
    let mut path = String::new();
    for segment in target.path.split('/') {
        path.push('/');
        match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(param) => {
                let n = rng.i64(1..=target.max_id + target.max_id / 20 + 1);
                path.push_str(&n.to_string());
                input.insert(param.to_owned(), json!(n));
            }
            None => path.push_str(segment),
        }
    }
    let mut uri = format!("/api:{}{}", target.canonical, path);
    if target.verb == "GET" && target.response == ResponseShape::Paged && rng.f64() < 0.35 {
        let page = rng.i64(1..=4);
        uri.push_str(&format!("?page={page}&per_page=25"));
        input.insert("page".into(), json!(page));
        input.insert("per_page".into(), json!(25));
    }
    for inp in target
        .inputs
        .iter()
        .filter(|i| i.source == InputSource::Body)
    {
        if inp.required || rng.f64() < 0.6 {
            input.insert(inp.name.clone(), sample_value(rng, inp));
        }
    }

    let roll = rng.f64();
    let status: u16 = if roll < 0.01 {
        *pick(rng, &[(500, 70), (502, 15), (503, 15)])
    } else if roll < 0.06 {
        *pick(rng, &[(400, 30), (401, 25), (404, 30), (422, 15)])
    } else if target.verb == "DELETE" {
        204
    } else if target.verb == "POST" && target.response == ResponseShape::Record {
        201
    } else {
        200
    };
    let median = match status {
        401 => 15.0,
        404 => 30.0,
        s if s >= 500 => target.median_ms * 3.0,
        _ => target.median_ms,
    };
    let sigma = if median >= 1000.0 { 0.25 } else { 0.45 };
    let mut duration_s = median / 1000.0 * (sigma * normal(rng)).exp();
    if is_slow_path(&target.path) || target.path.contains("checkout") {
        duration_s = duration_s.clamp(1.0, 3.0);
    }
    let duration_s = (duration_s * 10_000.0).round() / 10_000.0;

    let mut request_headers = vec![
        format!("Host: {host}"),
        format!(
            "User-Agent: {}",
            pick(
                rng,
                &[
                    (USER_AGENTS[0], 3),
                    (USER_AGENTS[1], 2),
                    (USER_AGENTS[2], 1)
                ]
            )
        ),
        "Accept: application/json".to_owned(),
        format!("X-Forwarded-For: 203.0.113.{}", rng.u8(1..=254)),
    ];
    if target.verb != "GET" && target.verb != "DELETE" {
        request_headers.push("Content-Type: application/json".to_owned());
    }
    if target.auth || rng.f64() < 0.3 {
        request_headers.push("Authorization: [redacted]".to_owned());
    }
    let response_headers = vec![
        "Content-Type: application/json; charset=utf-8".to_owned(),
        format!("X-Request-Id: {:016x}", rng.u64(..)),
        "Server: nginx".to_owned(),
    ];

    let output = output_for(rng, target, status, &input, created_at_ms);
    HistoryItem {
        id,
        created_at_ms,
        duration_s,
        status,
        verb: target.verb.clone(),
        uri,
        input: Value::Object(input),
        output,
        request_headers,
        response_headers,
        workspace_id,
        branch_id,
        api_id: target.group_id,
        query_id: target.endpoint_id,
        view: Map::new(),
    }
    .with_view()
}

const USER_AGENTS: [&str; 3] = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
    "okhttp/4.12.0",
];

fn pick<'a, T>(rng: &mut fastrand::Rng, choices: &'a [(T, u32)]) -> &'a T {
    let total: u32 = choices.iter().map(|(_, w)| *w).sum();
    let mut n = rng.u32(..total.max(1));
    for (item, w) in choices {
        if n < *w {
            return item;
        }
        n -= w;
    }
    &choices[0].0
}

/// A standard normal draw (Box-Muller).
pub(crate) fn normal(rng: &mut fastrand::Rng) -> f64 {
    let u1 = 1.0 - rng.f64(); // (0, 1]
    let u2 = rng.f64();
    (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
}

const WORDS: [&str; 12] = [
    "alpha", "harbor", "maple", "summit", "cobalt", "meadow", "orbit", "cedar", "prism", "delta",
    "willow", "ember",
];

fn sample_value(rng: &mut fastrand::Rng, input: &EndpointInput) -> Value {
    let n = rng.u32(1..10_000);
    match input.kind.as_str() {
        "int" => json!(rng.i64(1..=300)),
        "decimal" => json!(f64::from(rng.u32(100..50_000)) / 100.0),
        "bool" => json!(rng.bool()),
        "email" => json!(format!("shopper{n}@example.com")),
        "password" => json!(format!(
            "{}{}!",
            WORDS[rng.usize(..WORDS.len())].to_uppercase(),
            n
        )),
        "timestamp" => json!(1_700_000_000_000_i64 + i64::from(n) * 1_000),
        _ if input.name.contains("email") => json!(format!("shopper{n}@example.com")),
        _ => json!(format!(
            "{} {}",
            WORDS[rng.usize(..WORDS.len())],
            WORDS[rng.usize(..WORDS.len())]
        )),
    }
}

fn output_for(
    rng: &mut fastrand::Rng,
    target: &Target,
    status: u16,
    input: &Map<String, Value>,
    created_at_ms: i64,
) -> Value {
    match status {
        400 => {
            return json!({"code": "ERROR_CODE_INPUT_ERROR", "message": "Missing param: name", "payload": {"param": "name"}});
        }
        401 => {
            return json!({"code": "ERROR_CODE_UNAUTHORIZED", "message": "Invalid token.", "payload": null});
        }
        404 => {
            return json!({"code": "ERROR_CODE_NOT_FOUND", "message": "Not Found.", "payload": null});
        }
        422 => {
            return json!({"code": "ERROR_CODE_BAD_REQUEST", "message": "The request could not be processed.", "payload": null});
        }
        s if s >= 500 => {
            return json!({"code": "ERROR_FATAL", "message": "An unexpected error occurred.", "payload": null});
        }
        204 => return Value::Null,
        _ => {}
    }
    let record = |rng: &mut fastrand::Rng| {
        let mut r = Map::new();
        r.insert("id".into(), json!(rng.i64(1..=target.max_id)));
        r.insert(
            "created_at".into(),
            json!(created_at_ms - rng.i64(0..=30_000_000_000)),
        );
        for (k, v) in input.iter().take(3) {
            if k != "password" && !k.ends_with("_id") && k != "page" && k != "per_page" {
                r.insert(k.clone(), v.clone());
            }
        }
        Value::Object(r)
    };
    match target.response {
        ResponseShape::Record => record(rng),
        ResponseShape::List => json!([record(rng), record(rng)]),
        ResponseShape::Paged => json!({
            "itemsReceived": 25,
            "curPage": input.get("page").cloned().unwrap_or(json!(1)),
            "nextPage": 2,
            "prevPage": null,
            "offset": 0,
            "items": [record(rng), record(rng)],
        }),
        ResponseShape::Token => json!({
            "authToken": format!("eyJhbGciOiJBMjU2S1ciLCJlbmMiOiJBMjU2Q0JDLUhTNTEyIn0.{:016x}{:016x}.{:016x}", rng.u64(..), rng.u64(..), rng.u64(..)),
        }),
        ResponseShape::Empty => Value::Null,
        ResponseShape::Object => json!({"ok": true}),
    }
}
