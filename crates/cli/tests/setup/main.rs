//! End-to-end tests of the setup commands (`login`, `logout`, `profiles`, `doctor`): the real
//! `xano-mcp` binary, a temp `XANO_MCP_HOME` and `HOME`, and `xano-sim` on loopback.
//!
//! Every child runs with a cleared environment: no `DBUS_SESSION_BUS_ADDRESS`, no `DISPLAY`, and an
//! empty `XDG_RUNTIME_DIR`, so no Secret Service is reachable and the real keychain and home of
//! whoever runs the tests are never touched.
//!
//! `real_keychain_login_round_trip` (ignored) needs a throwaway keyring: run it as
//! `XANO_MCP_KEYRING_TEST=1 cargo test -p xano-mcp --test setup -- --ignored` inside
//! `dbus-run-session` with an unlocked `gnome-keyring-daemon` and private XDG dirs, as
//! `scripts/keyring-test.sh` does for the vault.

use rmcp::ServiceExt as _;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};
use tokio::io::AsyncWriteExt;
use tokio::process::Command;
use xano_sim::{SimConfig, SimToken, XanoSim};

const BIN: &str = env!("CARGO_BIN_EXE_xano-mcp");
const FULL: &str = "tok_cli_full_access";

/// A temp home for one test: `HOME`, `XANO_MCP_HOME` and the XDG dirs all inside it.
struct TempHome {
    dir: tempfile::TempDir,
}

impl TempHome {
    fn new() -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        for sub in ["run", "data", "config"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("mkdir");
        }
        Self { dir }
    }

    fn engine(&self) -> PathBuf {
        self.dir.path().join("engine")
    }

    /// `xano-mcp ARGS` with a cleared environment and no reachable secret service.
    fn command(&self, args: &[&str]) -> Command {
        let root = self.dir.path();
        let mut cmd = Command::new(BIN);
        cmd.args(args)
            .env_clear()
            .env("HOME", root)
            .env("XANO_MCP_HOME", self.engine())
            .env("XDG_RUNTIME_DIR", root.join("run"))
            .env("XDG_DATA_HOME", root.join("data"))
            .env("XDG_CONFIG_HOME", root.join("config"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true);
        cmd
    }
}

/// Runs `cmd`, writing `stdin` and closing it.
async fn run(mut cmd: Command, stdin: &str) -> Output {
    let mut child = cmd.spawn().expect("spawn xano-mcp");
    let mut input = child.stdin.take().expect("stdin");
    let text = stdin.to_owned();
    let writer = tokio::spawn(async move {
        // The child may exit before reading (e.g. a refused argument): ignore a broken pipe.
        let _ = input.write_all(text.as_bytes()).await;
    });
    let output = tokio::time::timeout(std::time::Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("xano-mcp finished in time")
        .expect("wait for xano-mcp");
    let _ = writer.await;
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    l.local_addr().unwrap().port()
}

async fn sim() -> XanoSim {
    XanoSim::start(SimConfig {
        tokens: vec![SimToken::full(FULL)],
        ..SimConfig::demo()
    })
    .await
    .expect("start xano-sim")
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_refuses_a_token_on_the_command_line() {
    let home = TempHome::new();
    let secret = "tok_do_not_echo_me_123";
    for args in [
        vec!["login", secret],
        vec!["login", "--token", secret],
        vec!["login", &format!("--token={secret}")],
        vec!["login", "--profile", "work", secret],
        vec!["login", "--token"],
    ] {
        let out = run(home.command(&args), "").await;
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert!(!out.status.success(), "{args:?} succeeded: {stdout}");
        for part in [
            "does not take the token on the command line",
            "shell history",
            "process list",
            "xano-mcp login < token.txt",
            "XANO_TOKEN",
        ] {
            assert!(
                stderr.contains(part),
                "{args:?}: missing {part:?} in {stderr}"
            );
        }
        assert!(
            !stderr.contains(secret) && !stdout.contains(secret),
            "{args:?} echoed the token"
        );
    }
    assert!(files_under(&home.engine()).is_empty(), "nothing is written");
    // The help does not advertise a token option.
    let help = run(home.command(&["login", "--help"]), "").await;
    assert!(help.status.success());
    assert!(
        !text(&help.stdout).contains("--token"),
        "{}",
        text(&help.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_without_a_keychain_stops_with_the_guidance() {
    let home = TempHome::new();
    let sim = sim().await;
    let mut cmd = home.command(&["login"]);
    cmd.env("XANO_MCP_ACCOUNT_URL", sim.meta_url());
    let out = run(cmd, FULL).await;
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{}", text(&out.stdout));
    assert!(stderr.contains("keychain is not available"), "{stderr}");
    assert!(stderr.contains("XANO_TOKEN"), "{stderr}");
    assert!(
        stderr.contains("never stores tokens in a plain file"),
        "{stderr}"
    );
    assert!(!stderr.contains(FULL));
    // It stopped before using the token: Xano was not asked, nothing was saved.
    assert!(sim.requests().is_empty(), "{:?}", sim.requests());
    assert!(files_under(&home.engine()).is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_without_a_keychain_fails_with_the_guidance() {
    let home = TempHome::new();
    let port = free_port().to_string();
    let out = run(home.command(&["doctor", "--port", &port]), "").await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(!out.status.success(), "{stdout}");
    let keychain = stdout
        .lines()
        .find(|l| l.starts_with("FAIL  keychain"))
        .unwrap_or_else(|| panic!("no failed keychain line in:\n{stdout}"));
    assert!(keychain.contains("XANO_TOKEN"), "{keychain}");
    assert!(keychain.contains("Unlock your keyring"), "{keychain}");
    assert!(stdout.contains("xano-mcp login"), "{stdout}");
    assert!(stderr.contains("check(s) failed"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_checks_xano_token_against_the_sim() {
    let home = TempHome::new();
    let sim = sim().await;
    let port = free_port().to_string();
    let mut cmd = home.command(&["doctor", "--port", &port]);
    cmd.env("XANO_TOKEN", FULL)
        .env("XANO_INSTANCE_URL", sim.meta_url());
    let out = run(cmd, "").await;
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let line = |name: &str| {
        stdout
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(name))
            .unwrap_or_else(|| panic!("no {name} line in:\n{stdout}"))
            .to_owned()
    };
    assert!(line("keychain").starts_with("warn"), "{stdout}");
    let token = line("token");
    assert!(token.starts_with("ok"), "{token}");
    assert!(
        token.contains("Demo Builder") && token.contains("XANO_TOKEN"),
        "{token}"
    );
    assert!(line("instance").starts_with("ok"), "{stdout}");
    assert!(line("scopes").starts_with("ok"), "{stdout}");
    assert!(line("port").starts_with("ok"), "{stdout}");
    assert!(stdout.contains("All checks passed."), "{stdout}");
    assert!(!stdout.contains(FULL) && !stderr.contains(FULL));
    // The sim saw the token check and the scope probes, all reads.
    let requests = sim.requests();
    assert!(requests.iter().any(|r| r.path.ends_with("/auth/me")));
    assert!(requests.iter().all(|r| r.method == "GET"), "{requests:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_reports_an_invalid_xano_token() {
    let home = TempHome::new();
    let sim = sim().await;
    let port = free_port().to_string();
    let mut cmd = home.command(&["doctor", "--port", &port]);
    cmd.env("XANO_TOKEN", "tok_revoked")
        .env("XANO_INSTANCE_URL", sim.meta_url());
    let out = run(cmd, "").await;
    let stdout = text(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    let token = stdout
        .lines()
        .find(|l| l.starts_with("FAIL  token"))
        .unwrap_or_else(|| panic!("no failed token line in:\n{stdout}"));
    assert!(
        token.contains("401") && token.contains("XANO_TOKEN"),
        "{token}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn profiles_and_logout_with_nothing_set_up() {
    let home = TempHome::new();
    let out = run(home.command(&["profiles"]), "").await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("No profiles yet"));

    let out = run(home.command(&["profiles", "--use", "nope"]), "").await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("no profile named `nope`"),
        "{}",
        text(&out.stderr)
    );

    let out = run(home.command(&["logout"]), "").await;
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("No profile is active"));

    // Forgetting everything needs the keychain (its entries go first).
    let out = run(home.command(&["logout", "--all"]), "").await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("XANO_TOKEN"),
        "{}",
        text(&out.stderr)
    );
}

/// Login, profiles, doctor and logout through a real Secret Service (see the module docs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a throwaway keyring on a private session bus (XANO_MCP_KEYRING_TEST=1)"]
async fn real_keychain_login_round_trip() {
    if std::env::var("XANO_MCP_KEYRING_TEST").as_deref() != Ok("1") {
        panic!("refusing to touch a keyring without XANO_MCP_KEYRING_TEST=1");
    }
    let home = TempHome::new();
    let sim = sim().await;
    let with_bus = |args: &[&str]| {
        let mut cmd = home.command(args);
        for var in [
            "DBUS_SESSION_BUS_ADDRESS",
            "XDG_RUNTIME_DIR",
            "XDG_DATA_HOME",
        ] {
            if let Ok(value) = std::env::var(var) {
                cmd.env(var, value);
            }
        }
        cmd.env("XANO_MCP_ACCOUNT_URL", sim.meta_url());
        cmd
    };

    let out = run(
        with_bus(&["login", "--expires", "30d"]),
        &format!("{FULL}\n"),
    )
    .await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("Signed in as Demo Builder"), "{stdout}");
    assert!(
        stdout.contains("Profile `default` saved (active)"),
        "{stdout}"
    );
    assert!(stdout.contains("expires in 30 days"), "{stdout}");
    for file in files_under(&home.engine()) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(FULL),
            "{} holds the token",
            file.display()
        );
    }

    let out = run(with_bus(&["profiles"]), "").await;
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("* default"), "{stdout}");
    assert!(
        stdout.contains("token expires in 29 days") || stdout.contains("token expires in 30 days"),
        "{stdout}"
    );

    // Defaults that do not exist are refused before anything is saved.
    let ws = xano_sim::demo::WORKSPACE_ID.to_string();
    let out = run(
        with_bus(&["login", "--workspace", &ws, "--branch", "staging"]),
        &format!("{FULL}\n"),
    )
    .await;
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("no branch `staging`") && stderr.contains("dev"),
        "{stderr}"
    );
    let out = run(with_bus(&["profiles"]), "").await;
    assert!(
        !text(&out.stdout).contains("branch"),
        "{}",
        text(&out.stdout)
    );
    // Existing ones are kept with the profile, and signing in again (a new token) keeps them.
    let out = run(
        with_bus(&[
            "login",
            "--workspace",
            &ws,
            "--branch",
            "dev",
            "--data-source",
            "test",
        ]),
        &format!("{FULL}\n"),
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("Profile `default` updated"),
        "{}",
        text(&out.stdout)
    );
    let out = run(with_bus(&["login"]), &format!("{FULL}\n")).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = run(with_bus(&["profiles"]), "").await;
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains(&format!("workspace {ws}  branch dev  data source test")),
        "{stdout}"
    );

    // Claude Desktop's entry as written: its bridge finds its local token in the keychain by
    // name and the Xano token through the profile, with nothing secret in the file or its
    // environment.
    let claude_dir = home.dir.path().join("config/Claude");
    std::fs::create_dir_all(&claude_dir).expect("claude dir");
    let out = run(
        with_bus(&["clients", "apply", "claude-desktop", "--tier", "read-only"]),
        "",
    )
    .await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(
        !stdout.contains("Token: "),
        "kept in the keychain, not shown: {stdout}"
    );
    let config = claude_dir.join("claude_desktop_config.json");
    let written = std::fs::read_to_string(&config).expect("config");
    assert!(
        !written.contains("xmcp_") && !written.contains(FULL),
        "{written}"
    );
    let entry = clients::claude_desktop::entry_command(&config).expect("our entry");
    let mut bridge = Command::new(&entry.command);
    // The environment Claude Desktop would give it: the session's, plus the entry's own.
    bridge.args(&entry.args).env_clear();
    for (k, v) in with_bus(&[]).as_std().get_envs() {
        if let Some(v) = v {
            bridge.env(k, v);
        }
    }
    bridge.envs(&entry.env).kill_on_drop(true);
    let client =
        ().serve(rmcp::transport::TokioChildProcess::new(bridge).expect("spawn the entry"))
            .await
            .expect("initialize");
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().any(|t| t.name == "listWorkspaces"));
    assert!(
        !tools.iter().any(|t| t.name == "addTableContent"),
        "the read-only grant shows no write tool"
    );
    let r = client
        .call_tool(rmcp::model::CallToolRequestParams::new("listWorkspaces"))
        .await
        .expect("tools/call");
    assert_ne!(r.is_error, Some(true), "{r:?}");
    assert!(format!("{r:?}").contains("Acme Store"), "{r:?}");
    client.cancel().await.expect("close");

    let port = free_port().to_string();
    let out = run(with_bus(&["doctor", "--port", &port]), "").await;
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("(from the keychain)"), "{stdout}");

    let out = run(with_bus(&["logout"]), "").await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("its token was removed from the OS keychain"));
    let out = run(with_bus(&["doctor", "--port", &port]), "").await;
    assert!(!out.status.success());
    println!("real keychain login round trip: ok");
}
