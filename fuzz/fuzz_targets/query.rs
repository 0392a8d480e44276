//! The filter/query translator: any bytes that parse as JSON are read as `filters`, as a `query`
//! tree and as `group_by`/`having`; nothing may panic, and push-down + local residual must select
//! exactly what the predicate selects on a fixed set of rows, under both readings of `|or`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mcp::query::{
    Columns, Comparison, FieldKind, GroupBy, Op, Predicate, parse_filters, parse_query, push_down,
};
use serde_json::{Map, Value, json};
use std::sync::OnceLock;
use xano::search::{PipeCondition, PipeOp};

fn columns() -> &'static Columns {
    static C: OnceLock<Columns> = OnceLock::new();
    C.get_or_init(|| {
        Columns::new([
            ("id".to_owned(), FieldKind::Int),
            ("name".to_owned(), FieldKind::Text),
            ("score".to_owned(), FieldKind::Number),
            ("active".to_owned(), FieldKind::Bool),
            ("created_at".to_owned(), FieldKind::Timestamp),
            ("day".to_owned(), FieldKind::Date),
            ("tags".to_owned(), FieldKind::Other),
        ])
    })
}

fn rows() -> &'static [Map<String, Value>] {
    static R: OnceLock<Vec<Map<String, Value>>> = OnceLock::new();
    R.get_or_init(|| {
        let names = [
            json!("a"),
            json!("ab"),
            json!("B"),
            json!(""),
            Value::Null,
            json!(3),
        ];
        let scores = [
            json!(-1),
            json!(0),
            json!(1.5),
            json!(2),
            Value::Null,
            json!("2"),
        ];
        let flags = [json!(true), json!(false), Value::Null];
        let times = [json!(1_704_067_200_000_i64), json!(0), Value::Null];
        let days = [json!("2024-01-01"), json!("2023-12-31"), Value::Null];
        let tags = [json!(["a", 1]), json!([]), Value::Null, json!({"a": 1})];
        let mut out = Vec::new();
        for i in 0..48usize {
            let mut m = Map::new();
            m.insert("id".into(), json!(i));
            m.insert("name".into(), names[i % names.len()].clone());
            m.insert("score".into(), scores[(i / 2) % scores.len()].clone());
            m.insert("active".into(), flags[(i / 3) % flags.len()].clone());
            m.insert("created_at".into(), times[(i / 5) % times.len()].clone());
            m.insert("day".into(), days[(i / 7) % days.len()].clone());
            if i % 4 != 0 {
                m.insert("tags".into(), tags[i % tags.len()].clone());
            }
            out.push(m);
        }
        out
    })
}

fn op_of(p: PipeOp) -> Op {
    match p {
        PipeOp::Eq => Op::Eq,
        PipeOp::NotEq => Op::Ne,
        PipeOp::Gt => Op::Gt,
        PipeOp::Lt => Op::Lt,
        PipeOp::Gte => Op::Gte,
        PipeOp::Lte => Op::Lte,
        PipeOp::In => Op::In,
        PipeOp::NotIn => Op::NotIn,
    }
}

fn holds(c: &PipeCondition, row: &Map<String, Value>) -> bool {
    Comparison {
        field: c.column.clone(),
        op: op_of(c.op),
        value: c.value.clone(),
    }
    .matches(row.get(&c.column).unwrap_or(&Value::Null))
}

fn check(pred: &Predicate) {
    let (pushed, residual) = push_down(pred);
    for row in rows() {
        let direct = pred.matches(row);
        // AND of OR-runs.
        let mut runs: Vec<Vec<&PipeCondition>> = Vec::new();
        for c in &pushed {
            match runs.last_mut() {
                Some(run) if c.or => run.push(c),
                _ => runs.push(vec![c]),
            }
        }
        let by_runs = runs.iter().all(|r| r.iter().any(|c| holds(c, row)));
        // Left fold.
        let mut fold = true;
        for (i, c) in pushed.iter().enumerate() {
            let m = holds(c, row);
            fold = if i == 0 {
                m
            } else if c.or {
                fold || m
            } else {
                fold && m
            };
        }
        let local = residual.matches(row);
        assert_eq!(direct, by_runs && local, "runs: {pred:?} on {row:?}");
        assert_eq!(direct, fold && local, "fold: {pred:?} on {row:?}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(v) = serde_json::from_slice::<Value>(data) else {
        return;
    };
    let cols = columns();
    if let Ok(p) = parse_filters(&v, cols, "filters") {
        check(&p);
    }
    if let Ok(p) = parse_query(&v, cols, "query") {
        check(&p);
    }
    if let Ok(Some(g)) = GroupBy::parse(&v, cols, "query") {
        let _ = g.apply(rows());
    }
});
