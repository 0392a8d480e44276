//! Writes made of several Xano requests that fail part-way: the error says exactly which steps
//! were applied and which were not (never "Nothing was changed"), in words and in
//! `write_outcome` / `applied_steps` / `not_applied_steps` / `unknown_step`, and what to do next.
//! Failures are injected at a chosen step: by the sim's own rules (a unique index over duplicate
//! values, a token without the permission of the second step) or by its seeded fault plan.

use super::support::harness_as;
use super::*;
use xano_sim::{FaultConfig, FaultKind, Scope, SimToken};

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("array expected: {v}"))
        .iter()
        .map(|s| s.as_str().expect("string").to_owned())
        .collect()
}

/// The text the model reads (the tool result's text content).
async fn error_text(h: &Harness, tool: &str, args: Value) -> (Value, String) {
    let r = h.call_raw(tool, args.clone()).await;
    assert_eq!(r.is_error, Some(true), "{tool} {args} should fail: {r:?}");
    let text = r
        .content
        .first()
        .and_then(|c| c.as_text())
        .map(|t| t.text.clone())
        .expect("text");
    (
        r.structured_content.expect("structured error")["error"].clone(),
        text,
    )
}

fn assert_partly_applied(err: &Value, text: &str) {
    assert_eq!(err["write_outcome"], "partly_applied", "{err}");
    for s in [err["applied"].as_str().expect("applied"), text] {
        assert!(!s.contains("Nothing was changed"), "{s}");
        assert!(s.contains("Partly applied"), "{s}");
    }
}

#[tokio::test]
async fn update_table_meta_refused_at_the_index_says_what_was_applied() {
    let h = harness().await;
    let c = h.table("customers");
    let rows = h.sim.rows(WS, c);
    let mut seen = std::collections::BTreeSet::new();
    let duplicates: Vec<i64> = rows
        .iter()
        .filter(|r| !seen.insert(r["email"].as_str().expect("email").to_owned()))
        .map(|r| r["id"].as_i64().expect("id"))
        .collect();
    assert!(!duplicates.is_empty(), "the demo has duplicate emails");

    let (err, text) = error_text(
        &h,
        "updateTableMeta",
        json!({"workspace_id": WS, "table_id": c, "schema_updates": {
            "add_fields": {"last_updated": {"type": "datetime", "default": "now"}},
            "modify_fields": {"email": {"unique": true, "required": true}}}}),
    )
    .await;
    assert_partly_applied(&err, &text);
    assert_eq!(
        strings(&err["applied_steps"]),
        ["added column `last_updated`", "changed email"]
    );
    assert_eq!(
        strings(&err["not_applied_steps"]),
        ["the unique index on `email`"]
    );
    assert!(err.get("unknown_step").is_none(), "{err}");
    assert!(
        err["applied"]
            .as_str()
            .expect("applied")
            .contains("call updateTableMeta again with only the part that was NOT applied"),
        "{err}"
    );
    // The sim agrees: the column and the change are there, the index is not.
    let schema = h.sim.schema(WS, c);
    assert!(schema.iter().any(|f| f["name"] == "last_updated"));
    assert!(
        schema
            .iter()
            .any(|f| f["name"] == "email" && f["required"] == true)
    );
    assert!(
        !h.sim
            .indexes(WS, c)
            .iter()
            .any(|i| i["type"] == "unique" && i["fields"][0]["name"] == "email")
    );

    // Doing what the error says works: remove the duplicates, send only the part not applied.
    h.call(
        "deleteTableContentBulk",
        json!({"workspace_id": WS, "table_id": c, "ids": duplicates}),
    )
    .await;
    h.sim.clear_requests();
    let out = h
        .call(
            "updateTableMeta",
            json!({"workspace_id": WS, "table_id": c, "schema_updates": {"modify_fields": {"email": {"unique": true}}}}),
        )
        .await;
    assert_eq!(strings(&out["changes"]), ["unique index on `email`"]);
    let writes: Vec<(String, String)> =
        h.writes().into_iter().map(|r| (r.method, r.path)).collect();
    assert_eq!(
        writes,
        [(
            "POST".to_owned(),
            format!("/api:meta/workspace/{WS}/table/{c}/index/unique")
        )],
        "only the index is sent; the schema is not written again"
    );
}

#[tokio::test]
async fn update_table_meta_bad_argument_changes_nothing() {
    // A bad `modify_fields` entry is found before the first write, so the added column is not
    // applied either: the call changes nothing.
    let h = harness().await;
    let c = h.table("customers");
    let schema_before = h.sim.schema(WS, c);
    h.sim.clear_requests();
    let err = h
        .call_err(
            "updateTableMeta",
            json!({"workspace_id": WS, "table_id": c, "description": "x", "schema_updates": {
            "add_fields": {"note": {"type": "text"}},
            "modify_fields": {"email": {"type": "int"}}}}),
        )
        .await;
    assert_eq!(err["argument"], "schema_updates.modify_fields");
    assert!(err.get("write_outcome").is_none(), "{err}");
    assert!(h.writes().is_empty(), "{:?}", h.writes());
    assert_eq!(h.sim.schema(WS, c), schema_before);
}

#[tokio::test]
async fn update_table_meta_bad_rename_changes_nothing() {
    // Renames run last; a rename of a column that is not there, or onto a name that is taken,
    // is found before the first write instead of after the name change and the added column.
    let h = harness().await;
    let c = h.table("customers");
    let schema_before = h.sim.schema(WS, c);
    h.sim.clear_requests();
    for (renames, says) in [
        (
            json!({"mail": "email_address"}),
            "there is no column `mail`",
        ),
        (json!({"name": "email"}), "already has a column `email`"),
        // Checked in order: `note` is added by this call, and `email` is free again once renamed.
        (
            json!({"email": "contact", "note": "email", "contact": "name"}),
            "already has a column `name`",
        ),
    ] {
        let err = h
            .call_err(
                "updateTableMeta",
                json!({"workspace_id": WS, "table_id": c, "description": "x", "schema_updates": {
                    "add_fields": {"note": {"type": "text"}},
                    "rename_fields": renames}}),
            )
            .await;
        assert_eq!(err["argument"], "schema_updates.rename_fields", "{err}");
        assert!(
            err["message"].as_str().is_some_and(|m| m.contains(says)),
            "{err}"
        );
        assert!(err.get("write_outcome").is_none(), "{err}");
        assert!(h.writes().is_empty(), "{:?}", h.writes());
        assert_eq!(h.sim.schema(WS, c), schema_before);
    }
    // A chain the order allows goes through.
    let out = h
        .call(
            "updateTableMeta",
            json!({"workspace_id": WS, "table_id": c, "schema_updates": {
                "add_fields": {"note": {"type": "text"}},
                "rename_fields": {"email": "contact", "note": "email"}}}),
        )
        .await;
    assert_eq!(
        strings(&out["changes"]),
        [
            "added column `note`",
            "renamed `email` to `contact`",
            "renamed `note` to `email`"
        ]
    );
    let names: Vec<_> = h
        .sim
        .schema(WS, c)
        .iter()
        .map(|f| f["name"].clone())
        .collect();
    assert!(
        names.contains(&json!("contact")) && names.contains(&json!("email")),
        "{names:?}"
    );
    assert!(!names.contains(&json!("note")), "{names:?}");
}

#[tokio::test]
async fn add_table_refused_at_the_index_says_the_table_exists() {
    // This token may create tables but not change them: the unique index after the creation is
    // refused (403), as Xano does for a token without Workspace Database: Update.
    let mut config = SimConfig::demo();
    let mut grants: Vec<(Scope, &str)> = Scope::ALL.iter().map(|s| (*s, "crud")).collect();
    grants.retain(|(s, _)| *s != Scope::WorkspaceDatabase);
    grants.push((Scope::WorkspaceDatabase, "crd"));
    config
        .tokens
        .push(SimToken::with_scopes("no_update_token", &grants));
    let h = harness_as(config, "no_update_token", EngineOptions::default()).await;
    h.sim.clear_requests();
    let (err, text) = error_text(
        &h,
        "addTable",
        json!({"workspace_id": WS, "name": "subscribers", "fields": {
            "email": {"type": "text", "unique": true},
            "handle": {"type": "text", "unique": true}}}),
    )
    .await;
    let t = h
        .sim
        .table_id(WS, "subscribers")
        .expect("the table was created");
    assert_eq!(err["code"], "xano_access_denied", "{err}");
    assert_partly_applied(&err, &text);
    assert_eq!(
        strings(&err["applied_steps"]),
        [format!("created table `subscribers` (id {t})")]
    );
    // The fields map is ordered by name.
    assert_eq!(
        strings(&err["not_applied_steps"]),
        [
            "the unique index on `email`",
            "the unique index on `handle`"
        ]
    );
    let applied = err["applied"].as_str().expect("applied");
    assert!(
        applied.contains("Do not call addTable again") && applied.contains("updateTableMeta"),
        "{applied}"
    );
    // The suggested call is the JSON of a real updateTableMeta call on the new table.
    let suggested = applied
        .split("updateTableMeta ")
        .nth(1)
        .and_then(|rest| {
            serde_json::Deserializer::from_str(rest)
                .into_iter::<Value>()
                .next()
        })
        .and_then(Result::ok)
        .expect("a JSON call in the advice");
    assert_eq!(
        suggested,
        json!({"workspace_id": WS, "table_id": t, "schema_updates": {"modify_fields": {
            "email": {"unique": true}, "handle": {"unique": true}}}})
    );
    assert!(h.sim.indexes(WS, t).iter().all(|i| i["type"] != "unique"));
    let writes: Vec<(String, String, u16)> = h
        .writes()
        .into_iter()
        .map(|r| (r.method, r.path, r.status))
        .collect();
    assert_eq!(
        writes,
        [
            (
                "POST".to_owned(),
                format!("/api:meta/workspace/{WS}/table"),
                200
            ),
            (
                "POST".to_owned(),
                format!("/api:meta/workspace/{WS}/table/{t}/index/unique"),
                403
            ),
        ],
        "the second index is never sent"
    );
}

#[tokio::test]
async fn bulk_insert_refused_at_the_second_chunk_says_which_rows_were_inserted() {
    let h = harness().await;
    let p = h.table("products");
    let before = h.sim.rows(WS, p);
    let taken_sku = before[0]["sku"].as_str().expect("sku").to_owned();
    // records[4] repeats an existing sku: the second call (records[3..=5]) is refused whole.
    let records: Vec<Value> = (0..7)
        .map(|i| {
            let sku = if i == 4 {
                taken_sku.clone()
            } else {
                format!("NEW-{i}")
            };
            json!({"name": format!("Cup {i}"), "sku": sku, "price": 3, "stock": 1, "category": "kitchen"})
        })
        .collect();
    let (err, text) = error_text(
        &h,
        "addTableContentBulk",
        json!({"workspace_id": WS, "table_id": p, "records": records, "chunk_size": 3}),
    )
    .await;
    assert_partly_applied(&err, &text);
    let after = h.sim.rows(WS, p);
    let new_rows: Vec<&Map<String, Value>> = after
        .iter()
        .filter(|r| !before.iter().any(|b| b["id"] == r["id"]))
        .collect();
    let new_names: Vec<&str> = new_rows
        .iter()
        .map(|r| r["name"].as_str().expect("name"))
        .collect();
    assert_eq!(
        new_names,
        ["Cup 0", "Cup 1", "Cup 2"],
        "only the first call"
    );
    let applied_steps = strings(&err["applied_steps"]);
    assert_eq!(
        applied_steps,
        [format!(
            "the insert of records[0] to records[2] (3 rows, ids {}..{})",
            new_rows[0]["id"], new_rows[2]["id"]
        )]
    );
    assert_eq!(
        strings(&err["not_applied_steps"]),
        [
            "the insert of records[3] to records[5] (call 2 of 3)",
            "the insert of records[6]"
        ]
    );
    assert!(
        err["applied"]
            .as_str()
            .expect("applied")
            .contains("again with only records[3] onward (4 rows); do NOT send the first 3 again"),
        "{err}"
    );
    let bulk_calls: Vec<u16> = h
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/content/bulk"))
        .map(|r| r.status)
        .collect();
    assert_eq!(bulk_calls.len(), 2, "the third call is never sent");
    assert_eq!(bulk_calls[0], 200);
    assert_ne!(bulk_calls[1], 200);

    // Following the advice finishes the job.
    let rest: Vec<Value> = records[3..]
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if r["sku"] == taken_sku.as_str() {
                r["sku"] = json!("NEW-4");
            }
            r
        })
        .collect();
    let out = h
        .call(
            "addTableContentBulk",
            json!({"workspace_id": WS, "table_id": p, "records": rest}),
        )
        .await;
    assert_eq!(out["inserted"], 4);
    assert_eq!(h.sim.rows(WS, p).len(), before.len() + 7);
}

/// A seed of the sim's fault plan under which, of the next two requests, the first gets through
/// and the second is answered 500. Found by probing: `set_faults` restarts the plan's RNG, and a
/// client that never retries makes exactly one request per probe.
async fn seed_passing_one_then_failing(h: &Harness, fraction: f64) -> FaultConfig {
    let probe = XanoClient::with_options(
        MetaBase::parse(&h.sim.meta_url()).expect("base"),
        XanoToken::new(xano_sim::DEMO_TOKEN),
        ClientOptions {
            retry: xano::RetryPolicy::none(),
            ..ClientOptions::default()
        },
    )
    .expect("probe client");
    for seed in 0..1000 {
        let plan = FaultConfig {
            server_error_fraction: fraction,
            seed,
            ..FaultConfig::none()
        };
        h.sim.set_faults(plan.clone());
        let first = probe
            .send::<Value>(&xano::requests::auth_me())
            .await
            .is_ok();
        let second = probe
            .send::<Value>(&xano::requests::auth_me())
            .await
            .is_ok();
        if first && !second {
            h.sim.set_faults(FaultConfig::none());
            return plan;
        }
    }
    panic!("no seed in 0..1000 passes one request then fails the next");
}

#[tokio::test]
async fn bulk_insert_with_an_unknown_outcome_at_the_second_chunk() {
    let h = harness_with(EngineOptions {
        cache_ttl: Duration::from_secs(3600),
        ..EngineOptions::default()
    })
    .await;
    let p = h.table("products");
    // Warm the schema cache: the call's first two requests are then its two inserts.
    h.call("getTableSchema", json!({"workspace_id": WS, "table_id": p}))
        .await;
    let before = h.sim.rows(WS, p).len();
    let plan = seed_passing_one_then_failing(&h, 0.5).await;
    let records: Vec<Value> = (0..4)
        .map(|i| json!({"name": format!("Jar {i}"), "sku": format!("JAR-{i}"), "price": 2, "stock": 1, "category": "kitchen"}))
        .collect();
    h.sim.clear_requests();
    h.sim.set_faults(plan);
    let (err, text) = error_text(
        &h,
        "addTableContentBulk",
        json!({"workspace_id": WS, "table_id": p, "records": records, "chunk_size": 2}),
    )
    .await;
    h.sim.set_faults(FaultConfig::none());
    let sent: Vec<(String, u16, Option<String>)> = h
        .sim
        .requests()
        .into_iter()
        .map(|r| (r.path, r.status, r.fault))
        .collect();
    let bulk = format!("/api:meta/workspace/{WS}/table/{p}/content/bulk");
    assert_eq!(
        sent,
        [
            (bulk.clone(), 200, None),
            (bulk, 500, Some("server_error:500".to_owned()))
        ],
        "the fault hit the second insert, which is not retried"
    );
    assert_eq!(err["code"], "xano_server_error");
    assert_partly_applied(&err, &text);
    assert_eq!(
        err["unknown_step"],
        "the insert of records[2] to records[3] (call 2 of 2)"
    );
    assert!(
        err.get("not_applied_steps").is_none(),
        "nothing is known not to be applied: {err}"
    );
    assert_eq!(strings(&err["applied_steps"]).len(), 1);
    assert!(
        strings(&err["applied_steps"])[0].starts_with("the insert of records[0] to records[1]")
    );
    let applied = err["applied"].as_str().expect("applied");
    assert!(
        applied.contains("It is unknown whether the insert of records[2] to records[3]")
            && applied.contains(
                "Read the table back to see which of records[2] to records[3] were inserted"
            ),
        "{applied}"
    );
    // A faulted request never reaches the sim's handler: only the first call's rows exist.
    assert_eq!(h.sim.rows(WS, p).len(), before + 2);
}

#[tokio::test]
async fn patch_by_search_in_chunks_refused_at_the_second_chunk() {
    // Selected locally (`contains`), so the rows are changed by id, one per call here.
    let h = harness_with(EngineOptions {
        bulk_chunk_size: 1,
        ..EngineOptions::default()
    })
    .await;
    let p = h.table("products");
    let matched: Vec<i64> = h
        .sim
        .rows(WS, p)
        .iter()
        .filter(|r| r["sku"].as_str().unwrap_or("").contains("ACME-10"))
        .map(|r| r["id"].as_i64().expect("id"))
        .collect();
    assert!(matched.len() >= 3, "{matched:?}");
    let n = matched.len();
    // Every matched row gets the same sku: the second row breaks the unique index on sku.
    let (err, text) = error_text(
        &h,
        "patchTableContentBySearch",
        json!({"workspace_id": WS, "table_id": p,
            "query": {"field": "sku", "operator": "contains", "value": "ACME-10"},
            "updates": {"sku": "SAME-SKU"}}),
    )
    .await;
    assert_partly_applied(&err, &text);
    assert_eq!(
        strings(&err["applied_steps"]),
        ["the changes of selected row 1 (rows affected: 1)"]
    );
    assert_eq!(
        strings(&err["not_applied_steps"]),
        [
            format!("the changes of selected row 2 (call 2 of {n})"),
            format!("the changes of the selected rows 3 to {n}")
        ]
    );
    let same: Vec<i64> = h
        .sim
        .rows(WS, p)
        .iter()
        .filter(|r| r["sku"] == "SAME-SKU")
        .map(|r| r["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(same, [matched[0]], "exactly the first selected row changed");
    // The same values again would break the index again: the advice says to change them first.
    let advice = err["applied"].as_str().expect("applied");
    assert!(
        advice.contains("would fail the same way: first change the values Xano refused")
            && advice.contains("call patchTableContentBySearch again with the same condition"),
        "{advice}"
    );
    let patches: Vec<Value> = h
        .writes()
        .into_iter()
        .filter(|r| r.path.ends_with("/content/bulk/patch"))
        .map(|r| r.body.expect("body"))
        .collect();
    assert_eq!(
        patches,
        [
            json!({"items": [{"row_id": matched[0], "updates": {"sku": "SAME-SKU"}}]}),
            json!({"items": [{"row_id": matched[1], "updates": {"sku": "SAME-SKU"}}]}),
        ]
    );
}

#[tokio::test]
async fn a_refused_single_write_still_says_nothing_was_changed() {
    let h = harness_with(EngineOptions {
        cache_ttl: Duration::from_secs(3600),
        ..EngineOptions::default()
    })
    .await;
    let p = h.table("products");
    let taken = h.sim.rows(WS, p)[0]["sku"].clone();
    let before = h.sim.rows(WS, p);
    let err = h
        .call_err(
            "addTableContentBulk",
            json!({"workspace_id": WS, "table_id": p, "records": [
                {"name": "A", "sku": "UNIQUE-A", "price": 1, "stock": 1, "category": "x"},
                {"name": "B", "sku": taken, "price": 1, "stock": 1, "category": "x"}]}),
        )
        .await;
    assert_eq!(err["write_outcome"], "not_applied");
    assert!(
        err["applied"]
            .as_str()
            .expect("applied")
            .starts_with("Nothing was changed"),
        "{err}"
    );
    assert_eq!(h.sim.rows(WS, p), before);
    // Kept for the one-shot switch too: a 429 that outlasts the retries changed nothing.
    h.sim.fail_next(12, FaultKind::RateLimited);
    let err = h
        .call_err(
            "addTableContent",
            json!({"workspace_id": WS, "table_id": p, "name": "C", "sku": "UNIQUE-C", "price": 1, "stock": 1, "category": "x"}),
        )
        .await;
    assert_eq!(err["write_outcome"], "not_applied", "{err}");
    assert_eq!(h.sim.rows(WS, p), before);
}
