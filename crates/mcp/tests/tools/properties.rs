//! For random condition trees over the demo customers, `searchTableContent` returns exactly the rows
//! a direct evaluation of the tree selects (evaluated here, independently of the crate's code).

use super::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, TestRunner};

#[derive(Debug, Clone)]
enum Tree {
    Leaf(&'static str, &'static str, Value),
    And(Vec<Tree>),
    Or(Vec<Tree>),
    Not(Box<Tree>),
}

fn leaf() -> impl Strategy<Value = Tree> {
    prop_oneof![
        prop::sample::select(vec!["active", "inactive", "churned"])
            .prop_flat_map(|v| prop::sample::select(vec!["=", "!="])
                .prop_map(move |op| Tree::Leaf("status", op, json!(v)))),
        prop::sample::subsequence(vec!["free", "pro", "enterprise"], 1..3)
            .prop_flat_map(|vs| prop::sample::select(vec!["in", "not in"])
                .prop_map(move |op| Tree::Leaf("subscription_tier", op, json!(vs.clone())))),
        prop::sample::select(vec!["US", "EU", "APAC", "LATAM"]).prop_map(|v| Tree::Leaf(
            "region",
            "=",
            json!(v)
        )),
        (prop::sample::select(vec![">", "<", ">=", "<="]), 1u32..300)
            .prop_map(|(op, id)| Tree::Leaf("id", op, json!(id))),
        (prop::sample::select(vec![">", "<"]), 2023i32..2027).prop_map(|(op, y)| Tree::Leaf(
            "created_at",
            op,
            json!(format!("{y}-06-01"))
        )),
        prop::sample::select(vec!["a", "son", "mi", "zz"]).prop_map(|s| Tree::Leaf(
            "email",
            "contains",
            json!(s)
        )),
        Just(Tree::Leaf("last_login", "is_null", Value::Null)),
    ]
}

fn tree() -> impl Strategy<Value = Tree> {
    leaf().prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(Tree::And),
            prop::collection::vec(inner.clone(), 1..4).prop_map(Tree::Or),
            inner.prop_map(|t| Tree::Not(Box::new(t))),
        ]
    })
}

fn to_query(t: &Tree) -> Value {
    match t {
        Tree::Leaf(f, op, v) => json!({"field": f, "operator": op, "value": v}),
        Tree::And(c) => json!({"and": c.iter().map(to_query).collect::<Vec<_>>()}),
        Tree::Or(c) => json!({"or": c.iter().map(to_query).collect::<Vec<_>>()}),
        Tree::Not(c) => json!({"not": to_query(c)}),
    }
}

fn num(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => Some(ms(s) as f64),
        _ => None,
    }
}

fn eval(t: &Tree, row: &Map<String, Value>) -> bool {
    match t {
        Tree::And(c) => c.iter().all(|t| eval(t, row)),
        Tree::Or(c) => c.iter().any(|t| eval(t, row)),
        Tree::Not(c) => !eval(c, row),
        Tree::Leaf(f, op, v) => {
            let actual = row.get(*f).cloned().unwrap_or(Value::Null);
            match *op {
                "=" => actual == *v,
                "!=" => actual != *v,
                "in" => v.as_array().expect("array").contains(&actual),
                "not in" => !v.as_array().expect("array").contains(&actual),
                "contains" => actual
                    .as_str()
                    .is_some_and(|a| a.to_lowercase().contains(v.as_str().expect("s"))),
                "is_null" => actual.is_null(),
                cmp => match (actual.as_f64(), num(v)) {
                    (Some(a), Some(b)) => match cmp {
                        ">" => a > b,
                        "<" => a < b,
                        ">=" => a >= b,
                        _ => a <= b,
                    },
                    _ => false,
                },
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_matches_direct_evaluation() {
    let h = Arc::new(harness().await);
    let rows = h.sim.rows(WS, h.table("customers"));
    let trees: Vec<Tree> = {
        let mut runner = TestRunner::new(Config {
            cases: 48,
            ..Config::default()
        });
        (0..48)
            .map(|_| tree().new_tree(&mut runner).expect("tree").current())
            .collect()
    };
    for t in trees {
        let query = to_query(&t);
        let out = h
            .call(
                "searchTableContent",
                json!({"workspace_id": WS, "table_id": "customers", "query": query, "limit": 1000}),
            )
            .await;
        let want: Vec<i64> = rows
            .iter()
            .filter(|r| eval(&t, r))
            .map(|r| r["id"].as_i64().expect("id"))
            .collect();
        assert_eq!(ids(&out["items"]), want, "query {query}");
        assert_eq!(out["total"], want.len(), "query {query}");
    }
}
