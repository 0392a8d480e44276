//! The simulated instance's state: workspaces with their branches, data sources, tables, API
//! groups and request history, plus the id counters and the RNG that names new objects.
//!
//! Invariants: ids of tables, API groups, endpoints and history items are unique across the
//! instance and never reused; a workspace's history is kept sorted by `(created_at, id)`
//! ascending, is only reachable through [`Workspace::history`], which first generates planned
//! seed traffic and drops what is older than the window, so no caller sees expired items. All access goes through one lock held by the server (see `lib.rs`); nothing here blocks or
//! awaits.
//!
//! Deliberately simple: branches are labels only (every branch sees the same tables, groups and
//! history; `branch` parameters are validated, not used to separate data).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::clock::format_meta_ts;
use crate::error::{ApiError, Result};
use crate::table::Table;
use crate::traffic::Pending;

/// The instance the sim pretends to be.
#[derive(Debug, Clone)]
pub(crate) struct Instance {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) display: String,
    pub(crate) xano_domain: String,
}

/// A branch (only its label and flags matter here).
#[derive(Debug, Clone)]
pub(crate) struct Branch {
    pub(crate) id: i64,
    pub(crate) label: String,
    pub(crate) created_at_ms: i64,
    pub(crate) live: bool,
    pub(crate) backup: bool,
}

/// A data source of a workspace.
#[derive(Debug, Clone)]
pub(crate) struct DataSource {
    pub(crate) label: String,
    pub(crate) color: String,
}

/// Where an endpoint input comes from (used for the OpenAPI document).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InputSource {
    Path,
    Query,
    Body,
}

/// One declared input of an endpoint.
#[derive(Debug, Clone)]
pub(crate) struct EndpointInput {
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) required: bool,
    pub(crate) source: InputSource,
    pub(crate) description: String,
}

/// What an endpoint answers with (used for the OpenAPI document).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ResponseShape {
    /// One record of the endpoint's table.
    Record,
    /// A paged list of records (`{items, curPage, ...}`).
    Paged,
    /// A plain array of records.
    List,
    /// Nothing useful (`null`).
    Empty,
    /// `{authToken}`.
    Token,
    /// A free-form object.
    Object,
}

/// One API endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    pub(crate) id: i64,
    pub(crate) created_at_ms: i64,
    pub(crate) updated_at_ms: i64,
    /// The path below the group, e.g. `customers/{customers_id}`.
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) verb: String,
    pub(crate) guid: String,
    /// Table whose users authenticate this endpoint, `None` for public endpoints.
    pub(crate) auth_table: Option<i64>,
    pub(crate) inputs: Vec<EndpointInput>,
    pub(crate) tags: Vec<String>,
    /// Table whose records the endpoint returns or takes.
    pub(crate) table: Option<String>,
    pub(crate) response: ResponseShape,
}

impl Endpoint {
    pub(crate) fn to_json(&self) -> Value {
        let inputs: Vec<Value> = self
            .inputs
            .iter()
            .map(|i| {
                json!({
                    "name": i.name,
                    "type": i.kind,
                    "description": i.description,
                    "nullable": false,
                    "required": i.required,
                    "default": "",
                    "style": "single",
                    "access": "public",
                    "sensitive": i.kind == "password",
                })
            })
            .collect();
        // [INF] `auth` is an object in the list item; its inner shape is not in the reference.
        // We use `{}` for public endpoints and `{"table_id": n}` for authenticated ones.
        let auth = match self.auth_table {
            Some(t) => json!({ "table_id": t }),
            None => json!({}),
        };
        json!({
            "id": self.id,
            "created_at": format_meta_ts(self.created_at_ms),
            "updated_at": format_meta_ts(self.updated_at_ms),
            "name": self.name,
            "description": self.description,
            "docs": "",
            "guid": self.guid,
            "cache": {
                "active": false,
                "ttl": 3600,
                "input": true,
                "auth": true,
                "datasource": true,
                "ip": false,
                "headers": [],
                "env": [],
            },
            "auth": auth,
            "verb": self.verb,
            "input": inputs,
            "tag": self.tags,
        })
    }
}

/// An API group and its endpoints.
#[derive(Debug, Clone)]
pub(crate) struct ApiGroup {
    pub(crate) id: i64,
    pub(crate) created_at_ms: i64,
    pub(crate) updated_at_ms: i64,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) guid: String,
    pub(crate) canonical: String,
    pub(crate) tags: Vec<String>,
    pub(crate) endpoints: BTreeMap<i64, Endpoint>,
}

impl ApiGroup {
    pub(crate) fn to_json(&self, xano_domain: &str, live_branch: &str) -> Value {
        json!({
            "id": self.id,
            "created_at": format_meta_ts(self.created_at_ms),
            "updated_at": format_meta_ts(self.updated_at_ms),
            "name": self.name,
            "description": self.description,
            "docs": "",
            "guid": self.guid,
            "canonical": self.canonical,
            // [INF] the spec lists `branch` on the item without an example; we give the label of
            // the branch the group belongs to.
            "branch": live_branch,
            "tag": self.tags,
            "swagger": true,
            "documentation": {
                "link": format!("https://{xano_domain}/apispec:{}?type=json", self.canonical),
            },
        })
    }
}

/// One request-history item.
#[derive(Debug, Clone)]
pub(crate) struct HistoryItem {
    pub(crate) id: i64,
    pub(crate) created_at_ms: i64,
    pub(crate) duration_s: f64,
    pub(crate) status: u16,
    pub(crate) verb: String,
    pub(crate) uri: String,
    pub(crate) input: Value,
    pub(crate) output: Value,
    pub(crate) request_headers: Vec<String>,
    pub(crate) response_headers: Vec<String>,
    pub(crate) workspace_id: i64,
    pub(crate) branch_id: i64,
    /// The API **group** id (the spec's name for it).
    pub(crate) api_id: i64,
    /// The endpoint id.
    pub(crate) query_id: i64,
    /// What search and sort see, built once by [`HistoryItem::with_view`].
    pub(crate) view: serde_json::Map<String, Value>,
}

impl HistoryItem {
    /// The item as the API returns it.
    pub(crate) fn to_json(&self, include_output: bool) -> Value {
        let mut v = json!({
            "id": self.id,
            "created_at": format_meta_ts(self.created_at_ms),
            "duration": self.duration_s,
            "status": self.status,
            "verb": self.verb,
            "uri": self.uri,
            "input": self.input,
            "request_headers": self.request_headers,
            "response_headers": self.response_headers,
            "workspace_id": self.workspace_id,
            "branch_id": self.branch_id,
            "api_id": self.api_id,
            "query_id": self.query_id,
        });
        if include_output {
            v["output"] = self.output.clone();
        }
        v
    }

    /// Fills [`HistoryItem::view`]: the columns search and sort see (`created_at` as epoch ms,
    /// `duration` in seconds).
    pub(crate) fn with_view(mut self) -> Self {
        let v = json!({
            "id": self.id,
            "created_at": self.created_at_ms,
            "duration": self.duration_s,
            "status": self.status,
            "verb": self.verb,
            "uri": self.uri,
            "branch_id": self.branch_id,
            "api_id": self.api_id,
            "apigroup_id": self.api_id,
            "query_id": self.query_id,
        });
        if let Value::Object(map) = v {
            self.view = map;
        }
        self
    }
}

/// One workspace.
#[derive(Debug, Clone)]
pub(crate) struct Workspace {
    pub(crate) id: i64,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) branches: Vec<Branch>,
    pub(crate) data_sources: Vec<DataSource>,
    pub(crate) tables: BTreeMap<i64, Table>,
    pub(crate) groups: BTreeMap<i64, ApiGroup>,
    /// Oldest first; read it through [`Workspace::history`].
    history: Vec<HistoryItem>,
    /// Seed traffic not generated yet (it is made on first use; see `traffic.rs`).
    pending_traffic: Option<Pending>,
}

impl Workspace {
    pub(crate) fn new(
        id: i64,
        name: &str,
        description: &str,
        branches: Vec<Branch>,
        data_sources: Vec<DataSource>,
    ) -> Self {
        Self {
            id,
            name: name.to_owned(),
            description: description.to_owned(),
            branches,
            data_sources,
            tables: BTreeMap::new(),
            groups: BTreeMap::new(),
            history: Vec::new(),
            pending_traffic: None,
        }
    }

    /// Plans seed traffic to be generated on first use of the history.
    pub(crate) fn plan_traffic(&mut self, pending: Pending) {
        self.pending_traffic = Some(pending);
    }

    /// The request history, oldest first, after generating any planned seed traffic and dropping
    /// items older than `cutoff_ms`.
    pub(crate) fn history(&mut self, cutoff_ms: i64) -> &mut Vec<HistoryItem> {
        if let Some(pending) = self.pending_traffic.take() {
            let mut items = pending.generate(self.id);
            items.append(&mut self.history);
            self.history = items;
        }
        let keep_from = self
            .history
            .partition_point(|h| h.created_at_ms < cutoff_ms);
        if keep_from > 0 {
            self.history.drain(..keep_from);
        }
        &mut self.history
    }

    pub(crate) fn live_branch(&self) -> &str {
        self.branches
            .iter()
            .find(|b| b.live)
            .map(|b| b.label.as_str())
            .unwrap_or("v1")
    }

    /// The branch a `branch` label selects; empty or absent means the live branch.
    pub(crate) fn branch(&self, label: Option<&str>) -> Result<&Branch> {
        let label = label.map(str::trim).filter(|l| !l.is_empty());
        let found = match label {
            None => self.branches.iter().find(|b| b.live),
            Some(l) => self.branches.iter().find(|b| b.label == l),
        };
        found.ok_or_else(|| {
            ApiError::not_found(format!("Branch not found: {}.", label.unwrap_or("(live)")))
        })
    }

    /// The data source a label names (exact match first, then ignoring case), as its stored label.
    pub(crate) fn data_source(&self, label: &str) -> Result<String> {
        self.data_sources
            .iter()
            .find(|d| d.label == label)
            .or_else(|| {
                self.data_sources
                    .iter()
                    .find(|d| d.label.eq_ignore_ascii_case(label))
            })
            .map(|d| d.label.clone())
            .ok_or_else(|| ApiError::not_found(format!("Data source not found: {label}.")))
    }

    pub(crate) fn table(&self, id: i64) -> Result<&Table> {
        self.tables
            .get(&id)
            .ok_or_else(|| ApiError::not_found("Table not found."))
    }

    pub(crate) fn table_mut(&mut self, id: i64) -> Result<&mut Table> {
        self.tables
            .get_mut(&id)
            .ok_or_else(|| ApiError::not_found("Table not found."))
    }

    pub(crate) fn group(&self, id: i64) -> Result<&ApiGroup> {
        self.groups
            .get(&id)
            .ok_or_else(|| ApiError::not_found("API group not found."))
    }

    /// The list object of `GET /workspace`.
    pub(crate) fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "description": self.description,
            // [INF] the reference names `branch` without a value; the live branch label is ours.
            "branch": self.live_branch(),
        })
    }
}

/// The kinds of instance-wide ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum IdKind {
    Table,
    ApiGroup,
    Endpoint,
    History,
    Branch,
}

impl IdKind {
    fn base(self) -> i64 {
        match self {
            IdKind::Table => 101,
            IdKind::ApiGroup => 301,
            IdKind::Endpoint => 1001,
            IdKind::History => 800_001,
            IdKind::Branch => 11,
        }
    }
}

/// Everything the sim knows.
#[derive(Debug)]
pub(crate) struct Store {
    pub(crate) instance: Instance,
    /// `http://127.0.0.1:PORT/api:meta`, shown as the instance's `meta_api`.
    pub(crate) meta_url: String,
    pub(crate) workspaces: BTreeMap<i64, Workspace>,
    pub(crate) history_window_ms: i64,
    next_ids: BTreeMap<IdKind, i64>,
    pub(crate) rng: fastrand::Rng,
}

impl Store {
    pub(crate) fn new(instance: Instance, meta_url: String, history_window_ms: i64) -> Self {
        Self {
            instance,
            meta_url,
            workspaces: BTreeMap::new(),
            history_window_ms,
            next_ids: BTreeMap::new(),
            rng: fastrand::Rng::with_seed(0x5EED_0FA1),
        }
    }

    /// A fresh id of the given kind. Each kind counts from its own base, so ids of different
    /// kinds rarely coincide and a client mixing them up fails loudly in tests.
    pub(crate) fn next_id(&mut self, kind: IdKind) -> i64 {
        self.reserve_ids(kind, 1)
    }

    /// Reserves `n` consecutive ids of a kind; returns the first.
    pub(crate) fn reserve_ids(&mut self, kind: IdKind, n: usize) -> i64 {
        let counter = self.next_ids.entry(kind).or_insert(kind.base());
        let first = *counter;
        *counter += i64::try_from(n).unwrap_or(i64::MAX / 4);
        first
    }

    pub(crate) fn workspace(&self, id: i64) -> Result<&Workspace> {
        self.workspaces
            .get(&id)
            .ok_or_else(|| ApiError::not_found("Workspace not found."))
    }

    pub(crate) fn workspace_mut(&mut self, id: i64) -> Result<&mut Workspace> {
        self.workspaces
            .get_mut(&id)
            .ok_or_else(|| ApiError::not_found("Workspace not found."))
    }

    /// A table id anywhere in the instance exists.
    pub(crate) fn table_exists(&self, table_id: i64) -> bool {
        self.workspaces
            .values()
            .any(|w| w.tables.contains_key(&table_id))
    }

    /// The instance object of `/instance`.
    pub(crate) fn instance_json(&self) -> Value {
        let origin = self
            .meta_url
            .strip_suffix("/api:meta")
            .unwrap_or(&self.meta_url);
        json!({
            "id": self.instance.id,
            "name": self.instance.name,
            "display": self.instance.display,
            "xano_domain": self.instance.xano_domain,
            "custom_domain": Value::Null,
            "meta_api": self.meta_url,
            "meta_swagger": format!("{origin}/apispec:meta?type=json"),
        })
    }

    /// A GUID-like random string, as Xano puts on tables, groups and endpoints.
    pub(crate) fn guid(&mut self) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        (0..22)
            .map(|_| ALPHABET[self.rng.usize(..ALPHABET.len())] as char)
            .collect()
    }

    /// An index id: 8 lowercase hex characters (e.g. `baa524c4`).
    pub(crate) fn index_id(&mut self) -> String {
        format!("{:08x}", self.rng.u32(..))
    }
}
