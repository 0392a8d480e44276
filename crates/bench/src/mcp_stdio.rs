//! A lean MCP client of the stdio bridge (`xano-mcp stdio`): newline-delimited JSON-RPC on the
//! child's stdin/stdout. Measures what a stdio-only client (Claude Desktop) waits for: the time
//! from spawning the process to the `initialize` answer, and calls per second on one session.

use crate::mcp_http::{Answer, PROTOCOL_VERSION};
use crate::server::ServerHome;
use anyhow::{Context, Result, anyhow, bail};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader, Lines};
use tokio::process::{Child, ChildStdin, ChildStdout};

/// One stdio session with its own `xano-mcp stdio` process.
#[derive(Debug)]
pub struct McpStdio {
    child: Child,
    stdin: ChildStdin,
    lines: Lines<BufReader<ChildStdout>>,
    next_id: u64,
    pid: u32,
}

/// How the bridge is started.
#[derive(Debug, Clone, Copy)]
pub struct StdioSetup<'a> {
    pub bin: &'a Path,
    pub home: &'a ServerHome,
    pub instance_url: &'a str,
    pub xano_token: &'a str,
    pub token_name: &'a str,
    pub local_token: &'a str,
}

impl McpStdio {
    /// Spawns the bridge, sends `initialize` at once and waits for its answer; returns the session
    /// and the time from spawn to the answer.
    pub async fn spawn(setup: StdioSetup<'_>) -> Result<(Self, Duration)> {
        let started = Instant::now();
        let mut child = setup
            .home
            .command(setup.bin)
            .args(["stdio", "--token-name", setup.token_name])
            .env("XANO_INSTANCE_URL", setup.instance_url)
            .env("XANO_TOKEN", setup.xano_token)
            .env("XANO_MCP_LOCAL_TOKEN", setup.local_token)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("could not spawn xano-mcp stdio")?;
        let pid = child.id().unwrap_or(0);
        let mut stdin = child.stdin.take().ok_or_else(|| anyhow!("no stdin"))?;
        let stdout = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
        let init = json!({"jsonrpc":"2.0","id":0,"method":"initialize","params":{
            "protocolVersion": PROTOCOL_VERSION,
            "capabilities": {},
            "clientInfo": {"name": "bench-stdio", "version": "1.0"}}});
        write_line(&mut stdin, &init).await?;
        let mut me = Self {
            child,
            stdin,
            lines: BufReader::new(stdout).lines(),
            next_id: 1,
            pid,
        };
        let answer = tokio::time::timeout(Duration::from_secs(30), me.read_id(0))
            .await
            .map_err(|_| anyhow!("no initialize answer within 30 s"))??;
        let elapsed = started.elapsed();
        if answer.get("result").is_none() {
            bail!("initialize over stdio was refused: {answer}");
        }
        write_line(
            &mut me.stdin,
            &json!({"jsonrpc":"2.0","method":"notifications/initialized"}),
        )
        .await?;
        Ok((me, elapsed))
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    async fn read_message(&mut self) -> Result<Value> {
        loop {
            let line = self
                .lines
                .next_line()
                .await?
                .ok_or_else(|| anyhow!("the stdio server closed its output"))?;
            if line.trim().is_empty() {
                continue;
            }
            return serde_json::from_str(&line)
                .with_context(|| format!("not JSON on stdout: {line}"));
        }
    }

    async fn read_id(&mut self, id: u64) -> Result<Value> {
        loop {
            let message = self.read_message().await?;
            if message.get("id").and_then(Value::as_u64) == Some(id) {
                return Ok(message);
            }
        }
    }

    fn request(&mut self, name: &str, arguments: &Value) -> (u64, Value) {
        let id = self.next_id;
        self.next_id += 1;
        (
            id,
            json!({"jsonrpc":"2.0","id":id,"method":"tools/call",
                "params":{"name":name,"arguments":arguments}}),
        )
    }

    /// One `tools/call`, answered.
    pub async fn call_tool(&mut self, name: &str, arguments: &Value) -> Result<Answer> {
        let (id, req) = self.request(name, arguments);
        write_line(&mut self.stdin, &req).await?;
        let message = self.read_id(id).await?;
        Ok(match message.get("result") {
            Some(r) => Answer::Result {
                is_error: r.get("isError").and_then(Value::as_bool) == Some(true),
                result: r.clone(),
            },
            None => Answer::RpcError(message),
        })
    }

    /// Keeps `in_flight` calls outstanding until `duration` has passed; returns each call's
    /// latency and how many answers were errors.
    pub async fn run_pipelined(
        &mut self,
        name: &str,
        arguments: &Value,
        in_flight: usize,
        duration: Duration,
    ) -> Result<(Vec<Duration>, u64)> {
        let deadline = Instant::now() + duration;
        let mut sent: HashMap<u64, Instant> = HashMap::new();
        let mut latencies = Vec::new();
        let mut errors = 0u64;
        loop {
            while sent.len() < in_flight.max(1) && Instant::now() < deadline {
                let (id, req) = self.request(name, arguments);
                sent.insert(id, Instant::now());
                write_line(&mut self.stdin, &req).await?;
            }
            if sent.is_empty() {
                break;
            }
            let message = self.read_message().await?;
            let Some(id) = message.get("id").and_then(Value::as_u64) else {
                continue;
            };
            if let Some(at) = sent.remove(&id) {
                latencies.push(at.elapsed());
                let ok = message
                    .get("result")
                    .is_some_and(|r| r.get("isError").and_then(Value::as_bool) != Some(true));
                if !ok {
                    errors += 1;
                }
            }
        }
        Ok((latencies, errors))
    }

    /// Closes stdin (the bridge exits at EOF) and waits for the process.
    pub async fn close(mut self) -> Result<()> {
        self.stdin.shutdown().await.ok();
        drop(self.stdin);
        match tokio::time::timeout(Duration::from_secs(30), self.child.wait()).await {
            Ok(status) => {
                let status = status?;
                if !status.success() {
                    bail!("xano-mcp stdio exited with {status}");
                }
                Ok(())
            }
            Err(_) => {
                let _ = self.child.kill().await;
                bail!("xano-mcp stdio did not exit within 30 s of EOF")
            }
        }
    }
}

async fn write_line(stdin: &mut ChildStdin, message: &Value) -> Result<()> {
    let mut line = serde_json::to_vec(message)?;
    line.push(b'\n');
    stdin
        .write_all(&line)
        .await
        .context("write to the stdio server")?;
    stdin.flush().await.context("flush to the stdio server")?;
    Ok(())
}
