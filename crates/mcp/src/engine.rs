//! The engine behind the tools: the Xano client, output and scan limits, and short-lived caches of
//! table lists and schemas (needed to resolve table names and to convert dates), invalidated by our
//! own writes to them.

use crate::context::CallCx;
use crate::error::{ToolError, ToolResult};
use crate::ids::{IdArg, TableRef};
use crate::query::Columns;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use xano::XanoClient;
use xano::requests::{self, ListParams};
use xano::types::{Table, TableField};

/// Limits and sizes.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    /// Largest JSON result (bytes) a tool returns before truncating with a continuation hint.
    pub output_cap_bytes: usize,
    /// Rows per `content/bulk` call in `addTableContentBulk`.
    pub bulk_chunk_size: usize,
    /// Most rows scanned by local filtering or `group_by` before stopping with an explanation.
    pub max_scan_rows: usize,
    /// Page size used when scanning.
    pub scan_page_size: u32,
    /// How long table lists and schemas are reused.
    pub cache_ttl: Duration,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            output_cap_bytes: 100_000,
            bulk_chunk_size: 500,
            max_scan_rows: 200_000,
            scan_page_size: 1000,
            cache_ttl: Duration::from_secs(30),
        }
    }
}

type SchemaCache = HashMap<(i64, i64), (Instant, Vec<TableField>)>;

/// Shared by every call of a server.
pub struct Engine {
    client: XanoClient,
    pub options: EngineOptions,
    /// The synced request history, when there is one.
    pub history: Option<std::sync::Arc<dyn crate::local_history::LocalHistory>>,
    tables: Mutex<HashMap<i64, (Instant, Vec<Table>)>>,
    schemas: Mutex<SchemaCache>,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("client", &self.client)
            .field("options", &self.options)
            .field("local_history", &self.history.is_some())
            .finish_non_exhaustive()
    }
}

impl Engine {
    /// Reads request history from `history` when it covers the asked window.
    pub fn with_history(
        mut self,
        history: std::sync::Arc<dyn crate::local_history::LocalHistory>,
    ) -> Self {
        self.history = Some(history);
        self
    }

    pub fn new(client: XanoClient, options: EngineOptions) -> Self {
        Self {
            client,
            options,
            history: None,
            tables: Mutex::new(HashMap::new()),
            schemas: Mutex::new(HashMap::new()),
        }
    }

    /// The client, on the data source the call asks for.
    pub fn client(&self, data_source: Option<&str>) -> XanoClient {
        match data_source {
            Some(ds) if !ds.trim().is_empty() => {
                self.client.with_data_source(Some(ds.trim().to_owned()))
            }
            _ => self.client.clone(),
        }
    }

    /// The workspace's tables (cached briefly).
    pub async fn tables(&self, cx: &CallCx, ws: i64) -> ToolResult<Vec<Table>> {
        if let Some((at, tables)) = self
            .tables
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&ws)
            && at.elapsed() < self.options.cache_ttl
        {
            return Ok(tables.clone());
        }
        let params = ListParams {
            per_page: Some(1000),
            sort: Some("name".into()),
            order: Some("asc".into()),
            ..Default::default()
        };
        let client = self.client(None);
        let mut tables = Vec::new();
        let mut page = 1;
        loop {
            let batch: xano::MetaPage<Table> = cx
                .read(&client, &requests::list_tables(ws, &params.page(page)))
                .await?;
            let next = batch.next_page;
            let empty = batch.items.is_empty();
            tables.extend(batch.items);
            match next {
                Some(n) if n > page && !empty && page < 1000 => page = n,
                _ => break,
            }
        }
        self.tables
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(ws, (Instant::now(), tables.clone()));
        Ok(tables)
    }

    /// A table id from any accepted form; names are looked up in the table list.
    pub async fn table_id(&self, cx: &CallCx, ws: i64, table: &IdArg) -> ToolResult<i64> {
        match table.table_ref() {
            TableRef::Id(id) => Ok(id),
            TableRef::Name(name) => {
                let tables = self.tables(cx, ws).await?;
                if let Some(t) = tables
                    .iter()
                    .find(|t| t.name == name)
                    .or_else(|| tables.iter().find(|t| t.name.eq_ignore_ascii_case(&name)))
                {
                    return Ok(t.id);
                }
                let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
                Err(ToolError::invalid(
                    "table_id",
                    format!(
                        "workspace {ws} has no table named `{name}`. Its tables: {}.",
                        if names.is_empty() {
                            "none".to_owned()
                        } else {
                            names.join(", ")
                        }
                    ),
                ))
            }
        }
    }

    /// A table's schema (cached briefly).
    pub async fn schema(&self, cx: &CallCx, ws: i64, table: i64) -> ToolResult<Vec<TableField>> {
        if let Some((at, schema)) = self
            .schemas
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(ws, table))
            && at.elapsed() < self.options.cache_ttl
        {
            return Ok(schema.clone());
        }
        let schema: Vec<TableField> = cx
            .read(&self.client(None), &requests::get_schema(ws, table))
            .await?;
        self.schemas
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert((ws, table), (Instant::now(), schema.clone()));
        Ok(schema)
    }

    /// A table's schema read now, bypassing the cache: for read-modify-write of the schema.
    pub async fn fresh_schema(
        &self,
        cx: &CallCx,
        ws: i64,
        table: i64,
    ) -> ToolResult<Vec<TableField>> {
        self.schemas
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&(ws, table));
        self.schema(cx, ws, table).await
    }

    /// The columns of a table, for filters and sorts.
    pub async fn columns(&self, cx: &CallCx, ws: i64, table: i64) -> ToolResult<Columns> {
        Ok(Columns::from_schema(&self.schema(cx, ws, table).await?))
    }

    /// Forgets cached tables and schemas of a workspace after we changed them.
    pub fn invalidate(&self, ws: i64) {
        self.tables
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&ws);
        self.schemas
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|(w, _), _| *w != ws);
    }
}
