//! Queries and aggregates, checked against values computed here from the sim's items.

use super::*;
use history::{
    CallOutcomeKind, HistoryFilter, HistorySource, SortKey, SortOrder, StatusClass, ToolCallRecord,
    XanoRequestSummary,
};
use std::collections::{BTreeMap, HashSet};

/// The URI pattern, computed independently: query dropped, all-digit segments as `{id}`.
fn pattern(uri: &str) -> String {
    let path = uri.split('?').next().unwrap_or_default();
    let segs: Vec<&str> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            if s.chars().all(|c| c.is_ascii_digit()) {
                "{id}"
            } else {
                s
            }
        })
        .collect();
    format!("/{}", segs.join("/"))
}

fn nearest_rank(sorted: &[f64], p: f64) -> f64 {
    let n = sorted.len();
    let rank = ((p / 100.0) * n as f64).ceil() as usize;
    sorted[rank.clamp(1, n) - 1]
}

fn all_of(filter: &HistoryFilter) -> HistoryFilter {
    HistoryFilter {
        limit: u32::MAX,
        offset: 0,
        ..filter.clone()
    }
}

/// Checks a filter against a predicate over sim items: total, order of times, and ids.
fn check(
    store: &HistoryStore,
    items: &[Value],
    filter: &HistoryFilter,
    pred: impl Fn(&Value) -> bool,
    what: &str,
) {
    let mut expected: Vec<&Value> = items.iter().filter(|i| pred(i)).collect();
    expected.sort_by_key(|i| std::cmp::Reverse(item_ms(i)));
    let page = store.history_search(filter).expect("search");
    assert_eq!(page.total, expected.len() as u64, "{what}: total");
    let n = page.rows.len().min(expected.len());
    assert_eq!(
        page.rows.len(),
        (filter.limit as usize).min(expected.len()),
        "{what}: page size"
    );
    let got_times: Vec<i64> = page.rows.iter().map(|r| r.at_ms).collect();
    let want_times: Vec<i64> = expected.iter().take(n).map(|i| item_ms(i)).collect();
    assert_eq!(got_times, want_times, "{what}: order");
    let all = store.history_search(&all_of(filter)).expect("all");
    let got: HashSet<i64> = all.rows.iter().map(|r| r.id).collect();
    let want: HashSet<i64> = expected
        .iter()
        .map(|i| i["id"].as_i64().expect("id"))
        .collect();
    assert_eq!(got, want, "{what}: ids");
}

#[tokio::test]
async fn every_filter_matches_an_independent_selection() {
    let (_sim, store, items) = synced().await;
    let oldest = items.iter().map(item_ms).min().expect("oldest");
    let base = HistoryFilter {
        workspace_id: Some(WS),
        limit: 50,
        ..Default::default()
    };
    let class = |i: &Value| item_status(i) / 100;
    let verb = |i: &Value| i["verb"].as_str().unwrap_or_default().to_owned();
    let uri = |i: &Value| i["uri"].as_str().unwrap_or_default().to_lowercase();
    let group = items[0]["api_id"].as_i64().expect("group");

    check(&store, &items, &base, |_| true, "no filter");
    check(
        &store,
        &items,
        &HistoryFilter {
            status_classes: vec![StatusClass::ClientError],
            ..base.clone()
        },
        |i| class(i) == 4,
        "4xx",
    );
    check(
        &store,
        &items,
        &HistoryFilter {
            status_classes: vec![StatusClass::ServerError, StatusClass::ClientError],
            ..base.clone()
        },
        |i| class(i) >= 4,
        "4xx+5xx",
    );
    check(
        &store,
        &items,
        &HistoryFilter {
            statuses: vec![404],
            ..base.clone()
        },
        |i| item_status(i) == 404,
        "404",
    );
    check(
        &store,
        &items,
        &HistoryFilter {
            status_classes: vec![StatusClass::ServerError],
            statuses: vec![404, 401],
            ..base.clone()
        },
        |i| class(i) == 5 || [404, 401].contains(&item_status(i)),
        "5xx or 401/404",
    );
    check(
        &store,
        &items,
        &HistoryFilter {
            verbs: vec!["post".into()],
            ..base.clone()
        },
        |i| verb(i) == "POST",
        "POST",
    );
    check(
        &store,
        &items,
        &HistoryFilter {
            verbs: vec!["DELETE".into(), "PATCH".into(), "PUT".into()],
            ..base.clone()
        },
        |i| ["DELETE", "PATCH", "PUT"].contains(&verb(i).as_str()),
        "writes",
    );
    check(
        &store,
        &items,
        &HistoryFilter {
            endpoint_contains: Some("Customers".into()),
            ..base.clone()
        },
        |i| uri(i).contains("customers"),
        "text",
    );
    check(
        &store,
        &items,
        &HistoryFilter {
            endpoint_contains: Some("page=2".into()),
            ..base.clone()
        },
        |i| uri(i).contains("page=2"),
        "query text",
    );
    check(
        &store,
        &items,
        &HistoryFilter {
            endpoint_contains: Some("%_".into()),
            ..base.clone()
        },
        |i| uri(i).contains("%_"),
        "wildcards are literal",
    );
    check(
        &store,
        &items,
        &HistoryFilter {
            min_duration_ms: Some(1000.0),
            ..base.clone()
        },
        |i| item_duration_ms(i) >= 1000.0,
        "slow",
    );
    check(
        &store,
        &items,
        &HistoryFilter {
            api_group_id: Some(group),
            ..base.clone()
        },
        |i| i["api_id"].as_i64() == Some(group),
        "group",
    );
    let (from, to) = (oldest + 6 * 3_600_000, oldest + 12 * 3_600_000);
    check(
        &store,
        &items,
        &HistoryFilter {
            since_ms: Some(from),
            until_ms: Some(to),
            ..base.clone()
        },
        |i| (from..to).contains(&item_ms(i)),
        "time range",
    );
    check(
        &store,
        &items,
        &HistoryFilter {
            since_ms: Some(from),
            until_ms: Some(to),
            status_classes: vec![StatusClass::Success],
            verbs: vec!["GET".into()],
            min_duration_ms: Some(80.0),
            endpoint_contains: Some("/".into()),
            ..base.clone()
        },
        |i| {
            (from..to).contains(&item_ms(i))
                && class(i) == 2
                && verb(i) == "GET"
                && item_duration_ms(i) >= 80.0
        },
        "combined",
    );
    check(
        &store,
        &items,
        &HistoryFilter {
            endpoint_contains: Some("a\"b OR c*".into()),
            ..base.clone()
        },
        |_| false,
        "search syntax in the text is literal",
    );
    check(
        &store,
        &items,
        &HistoryFilter {
            endpoint_contains: Some("/{".into()),
            ..base.clone()
        },
        |i| uri(i).contains("/{"),
        "short text",
    );
    check(
        &store,
        &items,
        &HistoryFilter {
            workspace_id: Some(999),
            ..base.clone()
        },
        |_| false,
        "unknown workspace",
    );
}

#[tokio::test]
async fn sorting_and_paging_are_consistent() {
    let (_sim, store, items) = synced().await;
    for order in [SortOrder::Asc, SortOrder::Desc] {
        let f = HistoryFilter {
            sort: SortKey::Duration,
            order,
            limit: u32::MAX,
            ..Default::default()
        };
        let got: Vec<f64> = store
            .history_search(&f)
            .expect("sorted")
            .rows
            .iter()
            .map(|r| r.duration_ms)
            .collect();
        let mut want: Vec<f64> = items.iter().map(item_duration_ms).collect();
        want.sort_by(f64::total_cmp);
        if order == SortOrder::Desc {
            want.reverse();
        }
        assert_eq!(got.len(), want.len());
        assert!(
            got.iter().zip(&want).all(|(a, b)| (a - b).abs() < 1e-9),
            "{order:?}"
        );
    }
    let asc = HistoryFilter {
        order: SortOrder::Asc,
        limit: 3,
        ..Default::default()
    };
    let first = store.history_search(&asc).expect("asc");
    assert_eq!(
        first.rows[0].at_ms,
        items.iter().map(item_ms).min().expect("min")
    );

    // Pages of 37 put together are the whole list, in order, without repeats.
    let whole = store
        .history_search(&HistoryFilter {
            limit: u32::MAX,
            status_classes: vec![StatusClass::Success],
            ..Default::default()
        })
        .expect("whole");
    let mut paged = Vec::new();
    let mut offset = 0;
    loop {
        let page = store
            .history_search(&HistoryFilter {
                limit: 37,
                offset,
                status_classes: vec![StatusClass::Success],
                ..Default::default()
            })
            .expect("page");
        assert_eq!(page.total, whole.total);
        if page.rows.is_empty() {
            break;
        }
        offset += page.rows.len() as u32;
        paged.extend(page.rows);
    }
    assert_eq!(paged, whole.rows);
}

#[tokio::test]
async fn chart_aggregates_match_independent_computation() {
    let (_sim, store, items) = synced().await;
    let oldest = items.iter().map(item_ms).min().expect("oldest");
    let newest = items.iter().map(item_ms).max().expect("newest");
    let hour = 3_600_000;
    let filter = HistoryFilter {
        workspace_id: Some(WS),
        since_ms: Some(oldest - oldest % hour),
        until_ms: Some(newest + 1),
        ..Default::default()
    };

    // Requests per hour by status class.
    let buckets = store.requests_over_time(&filter, 3600).expect("over time");
    let mut want: BTreeMap<i64, [u64; 6]> = BTreeMap::new();
    for i in &items {
        let b = item_ms(i) / hour * hour;
        let class = item_status(i) / 100;
        let slot = if (1..=5).contains(&class) {
            class as usize - 1
        } else {
            5
        };
        want.entry(b).or_default()[slot] += 1;
    }
    let expected_buckets = (newest / hour - oldest / hour + 1) as usize;
    assert_eq!(buckets.len(), expected_buckets);
    for b in &buckets {
        let w = want.get(&b.start_ms).copied().unwrap_or_default();
        let c = b.counts;
        assert_eq!(
            [c.s1xx, c.s2xx, c.s3xx, c.s4xx, c.s5xx, c.other],
            w,
            "bucket {}",
            b.start_ms
        );
    }
    assert_eq!(
        buckets.iter().map(|b| b.counts.total()).sum::<u64>(),
        items.len() as u64
    );

    // Latency per endpoint.
    let mut groups: BTreeMap<String, (Vec<f64>, u64)> = BTreeMap::new();
    for i in &items {
        let key = format!(
            "{} {}",
            i["verb"].as_str().expect("verb"),
            pattern(i["uri"].as_str().expect("uri"))
        );
        let g = groups.entry(key).or_default();
        g.0.push(item_duration_ms(i));
        if item_status(i) >= 400 {
            g.1 += 1;
        }
    }
    let stats = store.endpoint_latency(&filter).expect("latency");
    assert_eq!(stats.len(), groups.len());
    for s in &stats {
        let (d, errors) = groups
            .get_mut(&s.endpoint)
            .unwrap_or_else(|| panic!("unexpected endpoint {}", s.endpoint));
        d.sort_by(f64::total_cmp);
        assert_eq!(s.count, d.len() as u64, "{}", s.endpoint);
        assert_eq!(s.errors, *errors, "{}", s.endpoint);
        assert!(
            (s.p50_ms - nearest_rank(d, 50.0)).abs() < 1e-9,
            "{} p50",
            s.endpoint
        );
        assert!(
            (s.p95_ms - nearest_rank(d, 95.0)).abs() < 1e-9,
            "{} p95",
            s.endpoint
        );
        assert!((s.max_ms - d[d.len() - 1]).abs() < 1e-9);
        let mean = d.iter().sum::<f64>() / d.len() as f64;
        assert!((s.mean_ms - mean).abs() < 1e-6);
    }
    assert!(stats.windows(2).all(|w| w[0].count >= w[1].count));

    // Slowest endpoints: the top of the same list by p95.
    let mut by_p95: Vec<(String, f64)> = groups
        .iter()
        .map(|(k, (d, _))| (k.clone(), nearest_rank(d, 95.0)))
        .collect();
    by_p95.sort_by(|a, b| b.1.total_cmp(&a.1));
    let slow = store.slowest_endpoints(&filter, 5).expect("slowest");
    assert_eq!(slow.len(), 5);
    for (s, (_, p95)) in slow.iter().zip(&by_p95) {
        assert!((s.p95_ms - p95).abs() < 1e-9);
    }
    assert!(
        slow[0].p95_ms >= 1000.0,
        "reports and checkouts are slow in the seed"
    );

    // Error rate.
    let rate = store.error_rate(&filter).expect("rate");
    let c4 = items.iter().filter(|i| item_status(i) / 100 == 4).count() as u64;
    let c5 = items.iter().filter(|i| item_status(i) / 100 == 5).count() as u64;
    assert_eq!(
        (rate.total, rate.client_errors, rate.server_errors),
        (items.len() as u64, c4, c5)
    );
    assert!((rate.rate - (c4 + c5) as f64 / items.len() as f64).abs() < 1e-12);
    assert!(c4 > 0 && c5 > 0);

    // Latency over time, 6-hour buckets.
    let six = 6 * hour;
    let lat = store
        .latency_over_time(
            &HistoryFilter {
                since_ms: None,
                until_ms: None,
                ..filter.clone()
            },
            6 * 3600,
        )
        .expect("latency over time");
    let mut per: BTreeMap<i64, Vec<f64>> = BTreeMap::new();
    for i in &items {
        per.entry(item_ms(i) / six * six)
            .or_default()
            .push(item_duration_ms(i));
    }
    assert_eq!(lat.len(), (newest / six - oldest / six + 1) as usize);
    for b in &lat {
        let mut d = per.remove(&b.start_ms).unwrap_or_default();
        d.sort_by(f64::total_cmp);
        assert_eq!(b.count, d.len() as u64);
        if !d.is_empty() {
            assert!((b.p50_ms.expect("p50") - nearest_rank(&d, 50.0)).abs() < 1e-9);
            assert!((b.p95_ms.expect("p95") - nearest_rank(&d, 95.0)).abs() < 1e-9);
        }
    }

    // A filtered aggregate.
    let gets = HistoryFilter {
        verbs: vec!["GET".into()],
        ..filter.clone()
    };
    let rate = store.error_rate(&gets).expect("GET rate");
    assert_eq!(
        rate.total,
        items.iter().filter(|i| i["verb"] == "GET").count() as u64
    );

    // Nonsense buckets are refused.
    assert!(store.requests_over_time(&filter, 0).is_err());
    assert!(
        store
            .requests_over_time(
                &HistoryFilter {
                    since_ms: Some(0),
                    until_ms: Some(NOW_MS),
                    ..filter.clone()
                },
                1
            )
            .is_err()
    );
}

fn call(
    at_ms: i64,
    tool: &str,
    outcome: CallOutcomeKind,
    last_status: Option<u16>,
    duration_ms: u64,
) -> ToolCallRecord {
    ToolCallRecord {
        id: None,
        at_ms,
        token_name: Some("cursor".into()),
        client_name: Some("Cursor".into()),
        client_version: None,
        transport: "http".into(),
        tool: tool.into(),
        workspace_id: Some(WS),
        arguments: serde_json::json!({"workspace_id": WS}),
        outcome,
        error_code: None,
        error_message: None,
        duration_ms,
        xano_requests: last_status
            .map(|s| {
                vec![XanoRequestSummary {
                    method: "GET".into(),
                    path: "/workspace/1/table".into(),
                    status: Some(s),
                    duration_ms: 3,
                }]
            })
            .unwrap_or_default(),
        rows_affected: None,
    }
}

#[tokio::test]
async fn mcp_calls_share_the_timeline() {
    let (_sim, store, items) = synced().await;
    let newest = items.iter().map(item_ms).max().expect("newest");
    let calls = [
        call(newest + 1, "getTables", CallOutcomeKind::Ok, Some(200), 12),
        call(
            newest - 60_000,
            "addTableContent",
            CallOutcomeKind::Denied,
            None,
            1,
        ),
        call(
            newest - 120_000,
            "getTableContent",
            CallOutcomeKind::Failed,
            Some(404),
            30,
        ),
        call(
            newest - 180_000,
            "addTableContent",
            CallOutcomeKind::Previewed,
            Some(200),
            9,
        ),
        call(
            newest - 240_000,
            "deleteTable",
            CallOutcomeKind::Failed,
            None,
            5000,
        ),
    ];
    for c in &calls {
        store.insert_call(c).expect("insert call");
    }
    let both = HistoryFilter {
        source: HistorySource::Both,
        limit: u32::MAX,
        ..Default::default()
    };
    let page = store.history_search(&both).expect("both");
    assert_eq!(page.total, items.len() as u64 + 5);
    assert!(page.rows.windows(2).all(|w| w[0].at_ms >= w[1].at_ms));
    assert_eq!(page.rows[0].source, HistorySource::Mcp);
    assert_eq!(page.rows[0].endpoint, "MCP getTables");

    let mcp_only = store
        .history_search(&HistoryFilter {
            verbs: vec!["MCP".into()],
            ..both.clone()
        })
        .expect("mcp verb");
    assert_eq!(mcp_only.total, 5);
    let statuses: Vec<u16> = mcp_only.rows.iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![200, 403, 404, 200, 500]);

    let errors = store
        .history_search(&HistoryFilter {
            status_classes: vec![StatusClass::ClientError, StatusClass::ServerError],
            ..both.clone()
        })
        .expect("errors");
    let xano_errors = items.iter().filter(|i| item_status(i) >= 400).count() as u64;
    assert_eq!(errors.total, xano_errors + 3);

    let text = store
        .history_search(&HistoryFilter {
            endpoint_contains: Some("addtable".into()),
            ..both.clone()
        })
        .expect("text");
    assert_eq!(text.total, 2);
    let grouped = store
        .history_search(&HistoryFilter {
            api_group_id: Some(items[0]["api_id"].as_i64().expect("g")),
            source: HistorySource::Mcp,
            ..both.clone()
        })
        .expect("group");
    assert_eq!(grouped.total, 0);

    // A first page of the merged timeline at an offset.
    let page = store
        .history_search(&HistoryFilter {
            limit: 3,
            offset: 1,
            ..both.clone()
        })
        .expect("offset");
    let whole = store.history_search(&both).expect("whole");
    assert_eq!(page.rows, whole.rows[1..4].to_vec());

    // Aggregates with MCP calls.
    let slow = store
        .slowest_endpoints(
            &HistoryFilter {
                source: HistorySource::Mcp,
                ..Default::default()
            },
            1,
        )
        .expect("slow");
    assert_eq!(slow[0].endpoint, "MCP deleteTable");
    assert_eq!(slow[0].errors, 1);
    let rate = store
        .error_rate(&HistoryFilter {
            source: HistorySource::Both,
            ..Default::default()
        })
        .expect("rate");
    assert_eq!(rate.total, items.len() as u64 + 5);
}

#[tokio::test]
async fn detail_without_stored_bodies_has_the_row_only() {
    let (_sim, store, items) = synced().await;
    let id = items[0]["id"].as_i64().expect("id");
    let detail = store
        .request_detail(WS, None, id)
        .expect("detail")
        .expect("stored");
    assert_eq!(detail.row.id, id);
    assert!(!detail.row.has_body);
    assert_eq!(detail.input, None);
    assert_eq!(detail.output, None);
    assert!(
        store
            .request_detail(WS, None, -1)
            .expect("detail")
            .is_none()
    );
    assert!(
        store
            .request_detail(99, None, id)
            .expect("detail")
            .is_none()
    );
}
