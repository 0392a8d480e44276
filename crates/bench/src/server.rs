//! The real server under test: the `xano-mcp` binary of this workspace, run as a child process
//! with a private home (token database, audit log), exactly as a user runs it headless:
//! `xano-mcp token create` then `xano-mcp serve --port 0`, or `xano-mcp stdio`.
//!
//! The binary is built first with the bench's own profile (`cargo build [--release] -p xano-mcp`),
//! so `cargo run --release -p bench` always measures the current source in release mode.

use anyhow::{Context, Result, anyhow, bail};
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use crate::procfs;

/// The profile this bench was built with, which is the one the server is built with.
pub fn profile() -> &'static str {
    if cfg!(debug_assertions) {
        "debug"
    } else {
        "release"
    }
}

/// The workspace root (two levels above this crate).
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `xano-mcp` binary to measure: `explicit` when given, else the one beside this bench's own
/// executable, built first unless `build` is false.
pub fn locate_binary(explicit: Option<PathBuf>, build: bool) -> Result<PathBuf> {
    if let Some(path) = explicit {
        if !path.is_file() {
            bail!("--server-bin {} does not exist", path.display());
        }
        return Ok(path);
    }
    if build {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = std::process::Command::new(cargo);
        cmd.current_dir(workspace_root())
            .args(["build", "-q", "-p", "xano-mcp", "--bin", "xano-mcp"]);
        if profile() == "release" {
            cmd.arg("--release");
        }
        eprintln!(
            "bench: building xano-mcp ({}) so the current source is measured…",
            profile()
        );
        let status = cmd
            .status()
            .context("could not run cargo to build xano-mcp")?;
        if !status.success() {
            bail!("cargo build -p xano-mcp failed ({status})");
        }
    }
    let exe = std::env::current_exe().context("cannot find the bench executable")?;
    let dir = exe
        .parent()
        .ok_or_else(|| anyhow!("the bench executable has no folder"))?;
    let bin = dir.join(format!("xano-mcp{}", std::env::consts::EXE_SUFFIX));
    if !bin.is_file() {
        bail!(
            "{} is missing; build it with `cargo build --release -p xano-mcp` or pass --server-bin",
            bin.display()
        );
    }
    Ok(bin)
}

/// A private `XANO_MCP_HOME` (token database, audit log, server log), removed on drop unless
/// `BENCH_KEEP_HOMES` is set (to inspect the audit log or the server log after a run).
#[derive(Debug)]
pub struct ServerHome {
    dir: tempfile::TempDir,
}

impl Drop for ServerHome {
    fn drop(&mut self) {
        if std::env::var_os("BENCH_KEEP_HOMES").is_some() {
            eprintln!("bench: kept {}", self.dir.path().display());
            self.dir.disable_cleanup(true);
        }
    }
}

impl ServerHome {
    pub fn new() -> Result<Self> {
        Ok(Self {
            dir: tempfile::Builder::new()
                .prefix("xano-mcp-bench-")
                .tempdir()
                .context("cannot create a temp home")?,
        })
    }

    /// A home under `parent` (e.g. a tmpfs, to take the disk out of the measurement).
    pub fn new_in(parent: &Path) -> Result<Self> {
        Ok(Self {
            dir: tempfile::Builder::new()
                .prefix("xano-mcp-bench-")
                .tempdir_in(parent)
                .with_context(|| format!("cannot create a temp home in {}", parent.display()))?,
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// The audit log the server writes.
    pub fn history_db(&self) -> PathBuf {
        self.path().join("history.sqlite3")
    }

    /// A command of `bin` bound to this home, with no keychain reachable (so nothing waits on
    /// one) and logs at `error` only.
    pub fn command(&self, bin: &Path) -> Command {
        let mut c = Command::new(bin);
        c.env("XANO_MCP_HOME", self.path())
            .env(
                "DBUS_SESSION_BUS_ADDRESS",
                format!("unix:path={}/no-bus", self.path().display()),
            )
            .env("XANO_MCP_LOG", "error")
            .env_remove("DISPLAY")
            .env_remove("XANO_MCP_PORT")
            .env_remove("XANO_MCP_LOCAL_TOKEN")
            .env_remove("XANO_TOKEN")
            .env_remove("XANO_INSTANCE_URL")
            .kill_on_drop(true);
        c
    }

    /// `xano-mcp token create NAME --tier full-access` with a rate limit no benchmark reaches;
    /// returns the token.
    pub async fn create_token(&self, bin: &Path, name: &str) -> Result<String> {
        let out = self
            .command(bin)
            .args(["token", "create", name, "--tier", "full-access"])
            .args(["--rate-limit", "4000000000"])
            .stdin(Stdio::null())
            .output()
            .await
            .context("could not run `xano-mcp token create`")?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() {
            bail!(
                "`xano-mcp token create` failed: {stdout}{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        stdout
            .lines()
            .find_map(|l| l.strip_prefix("Token: "))
            .map(|t| t.trim().to_owned())
            .ok_or_else(|| anyhow!("`xano-mcp token create` printed no token: {stdout}"))
    }

    fn stderr_file(&self, name: &str) -> Result<(PathBuf, std::fs::File)> {
        let path = self.path().join(name);
        let file = std::fs::File::create(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        Ok((path, file))
    }
}

/// A running `xano-mcp serve`.
#[derive(Debug)]
pub struct Server {
    child: Child,
    pid: u32,
    url: String,
    stderr: PathBuf,
    /// From spawn to the `URL:` line.
    pub startup: Duration,
}

impl Server {
    /// Starts `xano-mcp serve --port 0` in `home` against the Xano instance at `instance_url`
    /// (a loopback xano-sim) with `xano_token`, and waits for its `URL:` line.
    pub async fn start(
        bin: &Path,
        home: &ServerHome,
        instance_url: &str,
        xano_token: &str,
    ) -> Result<Server> {
        let mut cmd = home.command(bin);
        cmd.args(["serve", "--port", "0"])
            .env("XANO_INSTANCE_URL", instance_url)
            .env("XANO_TOKEN", xano_token);
        Self::spawn(cmd, home, bin).await
    }

    /// Starts `cmd` (a server that prints `URL: ...` when it listens) and waits for the URL.
    pub async fn spawn(mut cmd: Command, home: &ServerHome, bin: &Path) -> Result<Server> {
        let (stderr, file) = home.stderr_file("serve.log")?;
        let started = Instant::now();
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(file))
            .spawn()
            .with_context(|| format!("could not start {}", bin.display()))?;
        let pid = child
            .id()
            .ok_or_else(|| anyhow!("the server exited at once"))?;
        let stdout = child.stdout.take().ok_or_else(|| anyhow!("no stdout"))?;
        let mut lines = BufReader::new(stdout).lines();
        let url = tokio::time::timeout(Duration::from_secs(60), async {
            while let Some(line) = lines.next_line().await? {
                if let Some(url) = line.strip_prefix("URL: ") {
                    return Ok::<_, std::io::Error>(Some(url.trim().to_owned()));
                }
            }
            Ok(None)
        })
        .await
        .map_err(|_| anyhow!("the server printed no URL within 60 s"))??;
        let startup = started.elapsed();
        let Some(url) = url else {
            let log = std::fs::read_to_string(&stderr).unwrap_or_default();
            bail!("the server exited before printing its URL:\n{log}");
        };
        // Keep draining stdout so the server never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Server {
            child,
            pid,
            url,
            stderr,
            startup,
        })
    }

    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// `http://127.0.0.1:PORT/mcp`
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn memory(&self) -> Option<procfs::Memory> {
        procfs::memory(self.pid)
    }

    pub fn cpu_time(&self) -> Option<Duration> {
        procfs::cpu_time(self.pid)
    }

    pub fn reset_peak(&self) -> bool {
        procfs::reset_peak(self.pid)
    }

    /// Whether the process is still running (not exited, not crashed).
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }

    /// The server's stderr so far (for failure reports).
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Sends SIGINT (what Ctrl-C does) and waits up to `timeout` for a graceful exit.
    pub async fn interrupt(mut self, timeout: Duration) -> Result<ExitStatus> {
        let status = Command::new("kill")
            .args(["-INT", &self.pid.to_string()])
            .status()
            .await
            .context("could not run kill -INT")?;
        if !status.success() {
            bail!("kill -INT {} failed", self.pid);
        }
        match tokio::time::timeout(timeout, self.child.wait()).await {
            Ok(status) => Ok(status?),
            Err(_) => {
                let _ = self.child.kill().await;
                bail!(
                    "the server did not stop within {timeout:?} of SIGINT; killed. Log:\n{}",
                    self.log()
                )
            }
        }
    }
}
