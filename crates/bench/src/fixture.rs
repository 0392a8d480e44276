//! The Xano side of a run: an in-process xano-sim with the demo data (recording off, so memory
//! stays flat under load), the Xano client the baseline uses, and the tables the benchmark writes
//! to (so the demo tables read by `getTableContent` do not change under it).

use anyhow::{Context, Result, anyhow};
use serde_json::json;
use xano::requests::NewTable;
use xano::types::{Row, TableField};
use xano::{ClientOptions, MetaBase, XanoClient, XanoToken};
use xano_sim::{FaultConfig, SimConfig, XanoSim};

/// A running sim and what the benchmark needs from it.
#[derive(Debug)]
pub struct Fixture {
    pub sim: XanoSim,
    /// The Xano client on the sim (the same client the server uses, with default options).
    pub client: XanoClient,
    /// The demo workspace ("Acme Store").
    pub ws: i64,
    /// The demo `customers` table (~300 rows): what the read benchmark reads.
    pub customers: i64,
}

/// The columns of every table the benchmark creates.
fn bench_schema() -> Result<Vec<TableField>> {
    serde_json::from_value(json!([
        {"name": "id", "type": "int"},
        {"name": "created_at", "type": "timestamp"},
        {"name": "name", "type": "text"},
        {"name": "email", "type": "text"},
        {"name": "note", "type": "text"},
        {"name": "score", "type": "int"},
    ]))
    .context("bench schema")
}

impl Fixture {
    /// Starts the sim with `faults` and no request recording.
    pub async fn start(faults: FaultConfig) -> Result<Self> {
        let sim = XanoSim::start(SimConfig {
            faults,
            ..SimConfig::demo()
        })
        .await?;
        sim.set_record_limit(0);
        let client = XanoClient::with_options(
            MetaBase::parse(&sim.meta_url())?,
            XanoToken::new(xano_sim::DEMO_TOKEN),
            ClientOptions::default(),
        )?;
        let ws = xano_sim::demo::WORKSPACE_ID;
        let customers = sim
            .table_id(ws, xano_sim::demo::CUSTOMERS)
            .ok_or_else(|| anyhow!("the demo data has no customers table"))?;
        Ok(Self {
            sim,
            client,
            ws,
            customers,
        })
    }

    /// `http://127.0.0.1:PORT/api:meta`, what the server is pointed at.
    pub fn meta_url(&self) -> String {
        self.sim.meta_url()
    }

    /// Creates an empty table with the bench columns; returns its id.
    pub async fn create_table(&self, name: &str) -> Result<i64> {
        let table = NewTable {
            name: name.to_owned(),
            description: Some("Written by the benchmark".to_owned()),
            docs: None,
            auth: None,
            schema: Some(bench_schema()?),
            index: None,
            tag: None,
        };
        self.client
            .create_table(self.ws, &table)
            .await
            .with_context(|| format!("create table {name}"))
    }

    /// Inserts `rows` directly (no MCP), in chunks, e.g. to fill a table for the filtering run.
    pub async fn insert_direct(&self, table: i64, rows: &[Row]) -> Result<()> {
        for chunk in rows.chunks(5000) {
            self.client
                .bulk_create(self.ws, table, chunk, false)
                .await
                .context("bulk insert into the sim")?;
        }
        Ok(())
    }
}

/// Row `n` of the bulk and filtering data: one in 1000 has a `note` containing `needle`.
pub fn bulk_row(n: u64) -> Row {
    let note = if n % 1000 == 7 {
        format!("needle {n} in the haystack")
    } else {
        format!("ordinary row {n}")
    };
    json!({
        "name": format!("Bulk Row {n}"),
        "email": format!("bulk{n}@bench.example"),
        "note": note,
        "score": n % 1000,
    })
    .as_object()
    .cloned()
    .unwrap_or_default()
}
