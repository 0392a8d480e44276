//! Export of a filtered set of history rows to CSV or JSON, written to any `io::Write`.
//!
//! Invariants:
//! - The rows are exactly those of [`HistoryStore::history_search`] for the same filter (all
//!   pages, same order), masked the same way; bodies only when asked for and stored, masked again.
//! - CSV follows RFC 4180 (quotes doubled, fields with commas/quotes/newlines quoted) and
//!   neutralises spreadsheet formulas: a text cell starting with `=`, `+`, `-`, `@`, tab or CR
//!   gets a leading `'`.
//! - JSON is one array of objects, streamed row by row (memory does not grow with the export).
//! - An export of a file-backed store reads through its own connection, so the audit log and
//!   syncs are not held up while a large export runs.

use crate::endpoint::format_time_ms;
use crate::error::{Error, Result};
use crate::search::{HistoryFilter, HistoryRow, HistorySource, bodies_of, for_each_row};
use crate::store::HistoryStore;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::io::Write;

/// What an export includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ExportOptions {
    /// Add the stored request/response bodies and headers (masked).
    pub include_bodies: bool,
}

const CSV_COLUMNS: [&str; 14] = [
    "source",
    "id",
    "time",
    "at_ms",
    "workspace_id",
    "branch",
    "verb",
    "uri",
    "endpoint",
    "status",
    "duration_ms",
    "api_group_id",
    "query_id",
    "outcome",
];
const BODY_COLUMNS: [&str; 4] = ["input", "output", "request_headers", "response_headers"];

fn source_name(s: HistorySource) -> &'static str {
    match s {
        HistorySource::Xano => "xano",
        HistorySource::Mcp => "mcp",
        HistorySource::Both => "both",
    }
}

fn csv_text(out: &mut String, text: &str) {
    let guarded = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let needs_quotes = guarded || text.contains([',', '"', '\n', '\r']);
    if needs_quotes {
        out.push('"');
    }
    if guarded {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if needs_quotes {
        out.push('"');
    }
}

fn csv_line(row: &HistoryRow, bodies: Option<&[Option<Value>; 4]>) -> String {
    let mut line = String::with_capacity(256);
    let opt = |v: Option<i64>| v.map(|n| n.to_string()).unwrap_or_default();
    let cells: [String; 14] = [
        source_name(row.source).to_owned(),
        row.id.to_string(),
        format_time_ms(row.at_ms),
        row.at_ms.to_string(),
        opt(row.workspace_id),
        row.branch.clone().unwrap_or_default(),
        row.verb.clone(),
        row.uri.clone(),
        row.endpoint.clone(),
        row.status.to_string(),
        format!("{:.3}", row.duration_ms),
        opt(row.api_group_id),
        opt(row.query_id),
        row.outcome
            .map(|o| o.as_str().to_owned())
            .unwrap_or_default(),
    ];
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        csv_text(&mut line, cell);
    }
    if let Some(bodies) = bodies {
        for b in bodies {
            line.push(',');
            if let Some(v) = b {
                csv_text(&mut line, &v.to_string());
            }
        }
    }
    line.push_str("\r\n");
    line
}

fn json_object(row: &HistoryRow, bodies: Option<&[Option<Value>; 4]>) -> Result<Value> {
    let mut obj = match serde_json::to_value(row)? {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    obj.insert("time".into(), json!(format_time_ms(row.at_ms)));
    if let Some(bodies) = bodies {
        for (name, b) in BODY_COLUMNS.iter().zip(bodies) {
            obj.insert((*name).into(), b.clone().unwrap_or(Value::Null));
        }
    }
    Ok(Value::Object(obj))
}

impl HistoryStore {
    /// Writes every row matching `filter` as CSV (with a header line). Returns the row count.
    pub fn export_csv(
        &self,
        filter: &HistoryFilter,
        options: ExportOptions,
        out: &mut dyn Write,
    ) -> Result<u64> {
        let mut header = CSV_COLUMNS.join(",");
        if options.include_bodies {
            header.push(',');
            header.push_str(&BODY_COLUMNS.join(","));
        }
        header.push_str("\r\n");
        out.write_all(header.as_bytes()).map_err(Error::Export)?;
        let mut n = 0;
        self.with_read_conn(|conn| {
            for_each_row(conn, filter, |conn, row| {
                let bodies = if options.include_bodies {
                    Some(bodies_of(conn, &row)?.unwrap_or_default())
                } else {
                    None
                };
                out.write_all(csv_line(&row, bodies.as_ref()).as_bytes())
                    .map_err(Error::Export)?;
                n += 1;
                Ok(())
            })
        })?;
        out.flush().map_err(Error::Export)?;
        Ok(n)
    }

    /// Writes every row matching `filter` as one JSON array. Returns the row count.
    pub fn export_json(
        &self,
        filter: &HistoryFilter,
        options: ExportOptions,
        out: &mut dyn Write,
    ) -> Result<u64> {
        out.write_all(b"[").map_err(Error::Export)?;
        let mut n = 0u64;
        self.with_read_conn(|conn| {
            for_each_row(conn, filter, |conn, row| {
                let bodies = if options.include_bodies {
                    Some(bodies_of(conn, &row)?.unwrap_or_default())
                } else {
                    None
                };
                let value = json_object(&row, bodies.as_ref())?;
                if n > 0 {
                    out.write_all(b",").map_err(Error::Export)?;
                }
                out.write_all(b"\n").map_err(Error::Export)?;
                serde_json::to_writer(&mut *out, &value)?;
                n += 1;
                Ok(())
            })
        })?;
        out.write_all(if n > 0 { b"\n]\n" } else { b"]\n" })
            .map_err(Error::Export)?;
        out.flush().map_err(Error::Export)?;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_neutralises_formulas() {
        let mut s = String::new();
        csv_text(&mut s, "a,b \"c\"");
        assert_eq!(s, "\"a,b \"\"c\"\"\"");
        let mut s = String::new();
        csv_text(&mut s, "=HYPERLINK(\"x\")");
        assert_eq!(s, "\"'=HYPERLINK(\"\"x\"\")\"");
        let mut s = String::new();
        csv_text(&mut s, "/api:a/x");
        assert_eq!(s, "/api:a/x");
    }
}
