//! The filter/query translator (`mcp::query`): no panic on arbitrary JSON, and
//! `push_down` + local residual ≡ direct evaluation.

use mcp::query::{
    Columns, Comparison, FieldKind, GroupBy, Op, Predicate, parse_filters, parse_query, push_down,
    split_operator,
};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use xano::search::{PipeCondition, PipeOp};

fn columns() -> Columns {
    Columns::new([
        ("id".to_owned(), FieldKind::Int),
        ("name".to_owned(), FieldKind::Text),
        ("score".to_owned(), FieldKind::Number),
        ("active".to_owned(), FieldKind::Bool),
        ("created_at".to_owned(), FieldKind::Timestamp),
        ("day".to_owned(), FieldKind::Date),
        ("tags".to_owned(), FieldKind::Other),
    ])
}

const FIELDS: [&str; 7] = ["id", "name", "score", "active", "created_at", "day", "tags"];

/// Any JSON value, with a bias towards the keys and operators the parser looks for.
fn any_json() -> impl Strategy<Value = Value> {
    let key = prop_oneof![
        Just("and".to_owned()),
        Just("or".to_owned()),
        Just("not".to_owned()),
        Just("field".to_owned()),
        Just("operator".to_owned()),
        Just("op".to_owned()),
        Just("value".to_owned()),
        Just("group_by".to_owned()),
        Just("having".to_owned()),
        proptest::sample::select(FIELDS.to_vec()).prop_map(str::to_owned),
        "\\PC{0,8}",
    ];
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        any::<u64>().prop_map(Value::from),
        prop_oneof![
            Just(">2024-01-01".to_owned()),
            Just("contains x".to_owned()),
            Just("count(*) > 1".to_owned()),
            Just("not in".to_owned()),
            Just("is_null".to_owned()),
            Just(">= 9999999999999999999999".to_owned()),
            Just("2024-13-45T99:99:99Z".to_owned()),
            "\\PC{0,12}",
        ]
        .prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, move |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::Array),
            vec((key.clone(), inner), 0..6).prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// A value a model might compare a column with.
fn operand() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-5i64..5).prop_map(Value::from),
        (-5.0f64..5.0).prop_map(|f| json!((f * 4.0).round() / 4.0)),
        proptest::sample::select(vec!["a", "b", "ab", "B", "", "2024-01-01", "3", "true"])
            .prop_map(|s| Value::String(s.to_owned())),
        any::<bool>().prop_map(Value::Bool),
        Just(Value::Null),
        vec((-3i64..3).prop_map(Value::from), 0..4).prop_map(Value::Array),
        vec(
            proptest::sample::select(vec!["a", "b", "ab"])
                .prop_map(|s| Value::String(s.to_owned())),
            0..3
        )
        .prop_map(Value::Array),
    ]
}

fn operator() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(vec![
        "=",
        "!=",
        ">",
        "<",
        ">=",
        "<=",
        "in",
        "not in",
        "contains",
        "not_contains",
        "starts_with",
        "ends_with",
        "is_null",
        "is_not_null",
        "eq",
        "neq",
        "one_of",
    ])
}

/// A condition tree in the shapes `searchTableContent` takes.
fn query_tree() -> impl Strategy<Value = Value> {
    let leaf = (
        proptest::sample::select(FIELDS.to_vec()),
        operator(),
        operand(),
    )
        .prop_map(|(f, op, v)| json!({"field": f, "operator": op, "value": v}));
    leaf.prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(|v| json!({ "and": v })),
            vec(inner.clone(), 1..4).prop_map(|v| json!({ "or": v })),
            inner.prop_map(|v| json!({ "not": v })),
        ]
    })
}

/// A `filters` object.
fn filters() -> impl Strategy<Value = Value> {
    let value = prop_oneof![
        (operator(), operand()).prop_map(|(op, v)| json!({"operator": op, "value": v})),
        proptest::sample::select(vec!["a", ">1", "<=2", "!=b", "contains a", "ends with b"])
            .prop_map(|s| Value::String(s.to_owned())),
        operand(),
    ];
    btree_map(proptest::sample::select(FIELDS.to_vec()), value, 0..4)
        .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()))
}

/// A row: each column present or not, with a value of its kind or of another.
fn row() -> impl Strategy<Value = Map<String, Value>> {
    let cell = prop_oneof![
        4 => operand(),
        1 => (0i64..2_000_000_000_000).prop_map(Value::from),
    ];
    vec(proptest::option::of(cell), FIELDS.len()).prop_map(|cells| {
        FIELDS
            .iter()
            .zip(cells)
            .filter_map(|(f, c)| c.map(|c| ((*f).to_owned(), c)))
            .collect()
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

fn cond_matches(c: &PipeCondition, row: &Map<String, Value>) -> bool {
    Comparison {
        field: c.column.clone(),
        op: op_of(c.op),
        value: c.value.clone(),
    }
    .matches(row.get(&c.column).unwrap_or(&Value::Null))
}

/// `[A, B, C|or]` as an AND of OR-runs: `A AND (B OR C)` (xano-sim's and `xano::search`'s reading).
fn pipe_runs(conds: &[PipeCondition], row: &Map<String, Value>) -> bool {
    let mut runs: Vec<Vec<&PipeCondition>> = Vec::new();
    for c in conds {
        match runs.last_mut() {
            Some(run) if c.or => run.push(c),
            _ => runs.push(vec![c]),
        }
    }
    runs.iter()
        .all(|run| run.iter().any(|c| cond_matches(c, row)))
}

/// The same search read as a left fold: `((A AND B) OR C)`.
fn pipe_left_fold(conds: &[PipeCondition], row: &Map<String, Value>) -> bool {
    let mut acc = true;
    for (i, c) in conds.iter().enumerate() {
        let m = cond_matches(c, row);
        acc = if i == 0 {
            m
        } else if c.or {
            acc || m
        } else {
            acc && m
        };
    }
    acc
}

fn check_split(pred: &Predicate, rows: &[Map<String, Value>]) -> Result<(), TestCaseError> {
    let (pushed, residual) = push_down(pred);
    // At most one OR-run, and it comes first: the only shape exact under both readings.
    let or_positions: Vec<usize> = pushed
        .iter()
        .enumerate()
        .filter(|(_, c)| c.or)
        .map(|(i, _)| i)
        .collect();
    for (k, &i) in or_positions.iter().enumerate() {
        prop_assert_eq!(
            i,
            k + 1,
            "an |or condition outside the leading run: {:?}",
            pushed
        );
    }
    for row in rows {
        let direct = pred.matches(row);
        let by_runs = pipe_runs(&pushed, row) && residual.matches(row);
        let by_fold = pipe_left_fold(&pushed, row) && residual.matches(row);
        prop_assert_eq!(
            direct,
            by_runs,
            "row {:?}\npredicate {:?}\npushed {:?}\nresidual {:?}",
            row,
            pred,
            pushed,
            residual
        );
        prop_assert_eq!(
            direct,
            by_fold,
            "left-fold reading differs for row {:?}",
            row
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Arbitrary JSON in, an answer or an error out: never a panic.
    #[test]
    fn parsers_never_panic(v in any_json(), rows in vec(row(), 0..4)) {
        let cols = columns();
        for pred in [
            parse_filters(&v, &cols, "filters"),
            parse_query(&v, &cols, "query"),
        ]
        .into_iter()
        .flatten()
        {
            check_split(&pred, &rows)?;
        }
        if let Ok(Some(g)) = GroupBy::parse(&v, &cols, "query") {
            let _ = g.apply(&rows);
        }
        if let Value::String(s) = &v {
            let _ = split_operator(s);
        }
    }

    /// Condition trees: push-down plus residual selects exactly what the tree selects.
    #[test]
    fn push_down_is_exact_for_trees(q in query_tree(), rows in vec(row(), 1..12)) {
        if let Ok(pred) = parse_query(&q, &columns(), "query") {
            check_split(&pred, &rows)?;
        }
    }

    /// `filters` objects, alone and combined with a tree (as `getTableContent` combines them).
    #[test]
    fn push_down_is_exact_for_filters(f in filters(), q in query_tree(), rows in vec(row(), 1..12)) {
        let cols = columns();
        if let Ok(pf) = parse_filters(&f, &cols, "filters") {
            check_split(&pf, &rows)?;
            if let Ok(pq) = parse_query(&q, &cols, "query") {
                check_split(&pf.and(pq), &rows)?;
            }
        }
    }
}

/// Nesting is bounded: a deep tree is refused, not a stack overflow.
#[test]
fn deep_nesting_is_refused() {
    let mut v = json!({"field": "name", "operator": "=", "value": "a"});
    for _ in 0..200 {
        v = json!({ "not": v });
    }
    assert!(parse_query(&v, &columns(), "query").is_err());
    let mut w = json!({"field": "name", "value": "a"});
    for _ in 0..200 {
        w = json!({ "and": [w] });
    }
    assert!(parse_query(&w, &columns(), "query").is_err());
}
