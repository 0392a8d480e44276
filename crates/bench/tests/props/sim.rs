//! Push-down exactness end to end: the pipe search the translator pushes down is run by xano-sim
//! (the double's reading of Xano's semantics), the residual is applied locally, and the rows that
//! come out must be exactly the rows the predicate selects when evaluated locally on the same data.

use mcp::query::{Columns, FieldKind, parse_query, push_down};
use proptest::collection::vec;
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;
use std::sync::OnceLock;
use xano::requests::{ContentSearch, NewTable};
use xano::{ClientOptions, MetaBase, RetryPolicy, XanoClient, XanoToken};
use xano_sim::{SimConfig, XanoSim};

struct Env {
    rt: tokio::runtime::Runtime,
    _sim: XanoSim,
    client: XanoClient,
}

fn env() -> &'static Env {
    static ENV: OnceLock<Env> = OnceLock::new();
    ENV.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime");
        let sim = rt
            .block_on(XanoSim::start(SimConfig::empty()))
            .expect("sim");
        sim.set_record_limit(0);
        let client = XanoClient::with_options(
            MetaBase::parse(&sim.meta_url()).expect("url"),
            XanoToken::new(xano_sim::DEMO_TOKEN),
            ClientOptions {
                retry: RetryPolicy::none(),
                ..ClientOptions::default()
            },
        )
        .expect("client");
        Env {
            rt,
            _sim: sim,
            client,
        }
    })
}

const WS: i64 = 1;
const FIELDS: [&str; 5] = ["name", "score", "active", "created_at", "day"];

fn columns() -> Columns {
    Columns::new([
        ("id".to_owned(), FieldKind::Int),
        ("name".to_owned(), FieldKind::Text),
        ("score".to_owned(), FieldKind::Number),
        ("active".to_owned(), FieldKind::Bool),
        ("created_at".to_owned(), FieldKind::Timestamp),
        ("day".to_owned(), FieldKind::Date),
    ])
}

const DAY_MS: i64 = 86_400_000;
const BASE_MS: i64 = 1_704_067_200_000; // 2024-01-01T00:00:00Z

fn text() -> impl Strategy<Value = Value> {
    proptest::sample::select(vec!["a", "b", "ab", "B", "", "a b"]).prop_map(|s| json!(s))
}
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-3i64..4).prop_map(|n| json!(n)),
        (-3i64..4).prop_map(|n| json!(n as f64 + 0.5))
    ]
}
fn timestamp() -> impl Strategy<Value = Value> {
    (-2i64..3).prop_map(|d| json!(BASE_MS + d * DAY_MS))
}
fn date() -> impl Strategy<Value = Value> {
    proptest::sample::select(vec!["2023-12-31", "2024-01-01", "2024-01-02"]).prop_map(|s| json!(s))
}

/// A row valid for the table, nulls included.
fn row() -> impl Strategy<Value = Map<String, Value>> {
    (
        proptest::option::of(text()),
        proptest::option::of(number()),
        proptest::option::of(any::<bool>()),
        proptest::option::of(timestamp()),
        proptest::option::of(date()),
    )
        .prop_map(|(name, score, active, created_at, day)| {
            let mut m = Map::new();
            m.insert("name".into(), name.unwrap_or(Value::Null));
            m.insert("score".into(), score.unwrap_or(Value::Null));
            m.insert("active".into(), active.map_or(Value::Null, Value::Bool));
            m.insert("created_at".into(), created_at.unwrap_or(Value::Null));
            m.insert("day".into(), day.unwrap_or(Value::Null));
            m
        })
}

/// A comparison of one column with a value of its own kind.
fn leaf() -> impl Strategy<Value = Value> {
    let op = proptest::sample::select(vec![
        "=",
        "!=",
        ">",
        "<",
        ">=",
        "<=",
        "in",
        "not in",
        "contains",
        "starts_with",
        "is_null",
        "is_not_null",
    ]);
    let field_and_value = prop_oneof![
        text().prop_map(|v| ("name", v)),
        number().prop_map(|v| ("score", v)),
        any::<bool>().prop_map(|b| ("active", json!(b))),
        timestamp().prop_map(|v| ("created_at", v)),
        date().prop_map(|v| ("created_at", v)),
        date().prop_map(|v| ("day", v)),
    ];
    (op, field_and_value, any::<bool>()).prop_map(|(op, (field, value), listy)| {
        let value = if listy && (op == "in" || op == "not in") {
            json!([value])
        } else {
            value
        };
        json!({"field": field, "operator": op, "value": value})
    })
}

fn tree() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 16, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 1..4).prop_map(|v| json!({ "and": v })),
            vec(inner.clone(), 1..3).prop_map(|v| json!({ "or": v })),
            inner.prop_map(|v| json!({ "not": v })),
        ]
    })
}

async fn new_table(client: &XanoClient, n: u64) -> i64 {
    let schema = serde_json::from_value(json!([
        {"name": "id", "type": "int"},
        {"name": "name", "type": "text", "nullable": true},
        {"name": "score", "type": "decimal", "nullable": true},
        {"name": "active", "type": "bool", "nullable": true},
        {"name": "created_at", "type": "timestamp", "nullable": true},
        {"name": "day", "type": "date", "nullable": true},
    ]))
    .expect("schema");
    client
        .create_table(
            WS,
            &NewTable {
                name: format!("pushdown_{n}"),
                description: None,
                docs: None,
                auth: None,
                schema: Some(schema),
                index: None,
                tag: None,
            },
        )
        .await
        .expect("create table")
}

fn ids(rows: &[Map<String, Value>]) -> BTreeSet<i64> {
    rows.iter()
        .filter_map(|r| r.get("id").and_then(Value::as_i64))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn pushed_search_in_the_sim_plus_residual_is_exact(
        rows in vec(row(), 1..20),
        query in tree(),
    ) {
        let Ok(pred) = parse_query(&query, &columns(), "query") else {
            return Ok(());
        };
        let (pushed, residual) = push_down(&pred);
        let env = env();
        static TABLES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = TABLES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (stored, found) = env.rt.block_on(async {
            let table = new_table(&env.client, n).await;
            env.client.bulk_create(WS, table, &rows, false).await.expect("insert");
            let stored = env.client.all_rows(WS, table, 1000).await.expect("read back");
            let search = ContentSearch { page: 1, per_page: 1000, search: pushed.clone(), sort: vec![] };
            let found = env.client.search_all(WS, table, &search).await;
            let _ = env.client.delete_table(WS, table).await;
            (stored, found)
        });
        let found = found.map_err(|e| TestCaseError::fail(format!("the sim refused the pushed search {}: {e}", xano::search::to_json(&pushed))))?;
        let want: Vec<Map<String, Value>> = stored.iter().filter(|r| pred.matches(r)).cloned().collect();
        let got: Vec<Map<String, Value>> = found.into_iter().filter(|r| residual.matches(r)).collect();
        prop_assert_eq!(
            ids(&want),
            ids(&got),
            "query {}\npushed {}\nrows {:?}",
            query,
            xano::search::to_json(&pushed),
            stored
        );
    }
}

#[test]
fn fields_cover_the_table() {
    let cols = columns();
    for f in FIELDS {
        assert!(cols.kind(f, "x").is_ok());
    }
}

/// A finding of this suite, kept as a regression test: `active <= false` used to be pushed down
/// as `{"active|<=": false}`, which xano-sim answers with no rows (booleans compare by equality
/// only there), while the exact answer is every row whose `active` is false. Ordered comparisons
/// with a boolean value now stay local (`crates/mcp/src/query.rs`, `Comparison::pushable`).
#[test]
fn ordered_bool_comparisons_are_exact() {
    let env = env();
    let rows: Vec<Map<String, Value>> = [false, true]
        .iter()
        .map(|b| {
            json!({"name": "a", "active": b})
                .as_object()
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    for query in [
        json!({"field": "active", "operator": "<=", "value": false}),
        json!({"field": "active", "operator": ">", "value": false}),
    ] {
        let pred = parse_query(&query, &columns(), "query").expect("parses");
        let (pushed, residual) = push_down(&pred);
        let (stored, found) = env.rt.block_on(async {
            let table = new_table(&env.client, 1_000_000).await;
            env.client
                .bulk_create(WS, table, &rows, false)
                .await
                .expect("insert");
            let stored = env
                .client
                .all_rows(WS, table, 1000)
                .await
                .expect("read back");
            let search = ContentSearch {
                page: 1,
                per_page: 1000,
                search: pushed.clone(),
                sort: vec![],
            };
            let found = env
                .client
                .search_all(WS, table, &search)
                .await
                .expect("search");
            let _ = env.client.delete_table(WS, table).await;
            (stored, found)
        });
        let want: Vec<_> = stored.iter().filter(|r| pred.matches(r)).cloned().collect();
        let got: Vec<_> = found.into_iter().filter(|r| residual.matches(r)).collect();
        assert_eq!(ids(&want), ids(&got), "{query}");
    }
}
