//! Issue 6's end-to-end checks: the entries we write into AI client configs really work. The
//! command read back from a Claude Desktop config is spawned exactly as written and spoken to over
//! stdio; the URL and header read back from a Cursor config reach a running `xano-mcp serve`.

use super::*;
use std::path::Path;

/// `cmd` with a fake home for the client configs.
fn in_home(home: &std::path::Path, fake_home: &std::path::Path) -> Command {
    let mut c = cmd(home);
    c.env("HOME", fake_home)
        .env("XDG_CONFIG_HOME", fake_home.join(".config"));
    c
}

#[tokio::test]
async fn a_claude_desktop_entry_runs_as_written() {
    let sim = xano_sim::XanoSim::start(xano_sim::SimConfig::demo())
        .await
        .expect("sim");
    let home = tempfile::tempdir().expect("engine home");
    let fake_home = tempfile::tempdir().expect("user home");
    std::fs::create_dir_all(fake_home.path().join(".config/Claude")).expect("claude dir");
    let config = fake_home
        .path()
        .join(".config/Claude/claude_desktop_config.json");
    std::fs::write(&config, "{\n  \"mcpServers\": {\n    \"other\": {\"command\": \"/bin/true\"}\n  },\n  \"theme\": \"dark\"\n}\n").expect("existing config");

    let out = in_home(home.path(), fake_home.path())
        .args(["clients", "apply", "claude-desktop", "--tier", "read-only"])
        .output()
        .await
        .expect("apply");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // No keychain in this test: the token is shown once so it can be passed by environment.
    let token = stdout
        .lines()
        .find_map(|l| l.strip_prefix("Token: "))
        .expect("token shown")
        .to_owned();

    let text = std::fs::read_to_string(&config).expect("config");
    assert!(
        !text.contains("xmcp_"),
        "no secret in Claude Desktop's file: {text}"
    );
    assert!(
        text.contains("\"other\"") && text.contains("\"theme\": \"dark\""),
        "everything else kept: {text}"
    );
    let entry = clients::claude_desktop::entry_command(&config).expect("our entry");
    assert!(entry.command.is_absolute());

    let mut spawn = Command::new(&entry.command);
    spawn
        .args(&entry.args)
        .envs(&entry.env)
        .env("XANO_MCP_HOME", home.path())
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            format!("unix:path={}/no-bus", home.path().display()),
        )
        .env("XANO_MCP_LOCAL_TOKEN", &token)
        .env("XANO_INSTANCE_URL", sim.meta_url())
        .env("XANO_TOKEN", xano_sim::DEMO_TOKEN);
    let client =
        ().serve(TokioChildProcess::new(spawn).expect("spawn the configured command"))
            .await
            .expect("initialize");
    let tools = client.list_all_tools().await.expect("tools/list");
    assert!(tools.iter().any(|t| t.name == "listWorkspaces"));
    let r = client
        .call_tool(CallToolRequestParams::new("listWorkspaces"))
        .await
        .expect("tools/call");
    assert_ne!(r.is_error, Some(true), "{r:?}");
    client.cancel().await.expect("close");

    // Remove takes out our entry and nothing else.
    let out = in_home(home.path(), fake_home.path())
        .args(["clients", "remove", "claude-desktop"])
        .output()
        .await
        .expect("remove");
    assert!(out.status.success());
    let after: Value =
        serde_json::from_str(&std::fs::read_to_string(&config).expect("config")).expect("json");
    assert_eq!(
        after,
        json!({"mcpServers": {"other": {"command": "/bin/true"}}, "theme": "dark"})
    );
}

#[tokio::test]
async fn a_cursor_entry_reaches_the_server() {
    let sim = xano_sim::XanoSim::start(xano_sim::SimConfig::demo())
        .await
        .expect("sim");
    let home = tempfile::tempdir().expect("engine home");
    let fake_home = tempfile::tempdir().expect("user home");
    std::fs::create_dir_all(fake_home.path().join(".cursor")).expect("cursor dir");

    // The server first, to know its port.
    let (_server, url, port) = serve(home.path(), &sim).await;

    let out = in_home(home.path(), fake_home.path())
        .args([
            "clients",
            "apply",
            "cursor",
            "--tier",
            "read-write",
            "--port",
            &port,
        ])
        .output()
        .await
        .expect("apply");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let file = fake_home.path().join(".cursor/mcp.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(
            std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777,
            0o600,
            "a file holding a token is private"
        );
    }
    let endpoint = clients::cursor::entry_endpoint(&file).expect("our entry");
    assert_eq!(endpoint.url, url);
    let bearer = endpoint
        .headers
        .get("Authorization")
        .expect("header")
        .strip_prefix("Bearer ")
        .expect("bearer")
        .to_owned();

    let transport = StreamableHttpClientTransport::from_config(
        StreamableHttpClientTransportConfig::with_uri(endpoint.url.clone())
            .auth_header(bearer.clone()),
    );
    let client = ().serve(transport).await.expect("initialize with the configured header");
    // A Read/Write token sees the read and write tools, not the destructive ones.
    let tools: Vec<String> = client
        .list_all_tools()
        .await
        .expect("tools/list")
        .into_iter()
        .map(|t| t.name.to_string())
        .collect();
    for expected in [
        "listWorkspaces",
        "getTables",
        "getTableContent",
        "addTableContent",
    ] {
        assert!(
            tools.iter().any(|t| t == expected),
            "{expected} in {tools:?}"
        );
    }
    assert!(
        !tools.iter().any(|t| t == "deleteTable"),
        "no destructive tool for Read/Write: {tools:?}"
    );
    assert_eq!(
        token_rows(home.path()).await,
        vec![row("cursor", "read_write", "active")],
        "the token has the tier asked for"
    );
    let r = client
        .call_tool(
            CallToolRequestParams::new("getTables").with_arguments(
                json!({"workspace_id": xano_sim::demo::WORKSPACE_ID})
                    .as_object()
                    .cloned()
                    .expect("args"),
            ),
        )
        .await
        .expect("call");
    assert_ne!(r.is_error, Some(true), "{r:?}");
    client.cancel().await.expect("close");

    // Applying again keeps the token; --rotate replaces it and the old one stops working.
    let out = in_home(home.path(), fake_home.path())
        .args(["clients", "apply", "cursor", "--port", &port])
        .output()
        .await
        .expect("apply again");
    assert!(out.status.success());
    assert_eq!(
        clients::cursor::entry_endpoint(&file)
            .expect("entry")
            .headers,
        endpoint.headers,
        "the token is kept"
    );
    let out = in_home(home.path(), fake_home.path())
        .args(["clients", "apply", "cursor", "--port", &port, "--rotate"])
        .output()
        .await
        .expect("rotate");
    assert!(out.status.success());
    assert_ne!(
        clients::cursor::entry_endpoint(&file)
            .expect("entry")
            .headers,
        endpoint.headers,
        "rotated"
    );
    assert_eq!(
        status_of_url(&url, &bearer).await,
        401,
        "the old token was revoked"
    );
    assert_eq!(
        token_rows(home.path()).await,
        vec![
            row("cursor-2", "read_write", "active"),
            row("cursor", "read_write", "revoked")
        ],
        "the new token keeps the tier"
    );
}

async fn status_of_url(url: &str, token: &str) -> u16 {
    reqwest::Client::new()
        .post(url)
        .bearer_auth(token)
        .header("Accept", "application/json, text/event-stream")
        .json(&json!({"jsonrpc":"2.0","id":1,"method":"ping"}))
        .send()
        .await
        .expect("send")
        .status()
        .as_u16()
}

/// `xano-mcp serve --port 0` on `home` against `sim`: the process (killed on drop), its URL and
/// its port.
async fn serve(home: &Path, sim: &xano_sim::XanoSim) -> (Child, String, String) {
    let mut server = cmd(home)
        .args(["serve", "--port", "0"])
        .env("XANO_INSTANCE_URL", sim.meta_url())
        .env("XANO_TOKEN", xano_sim::DEMO_TOKEN)
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("serve");
    let mut lines = BufReader::new(server.stdout.take().expect("stdout")).lines();
    let url = loop {
        let line = lines.next_line().await.expect("read").expect("URL line");
        if let Some(u) = line.strip_prefix("URL: ") {
            break u.to_owned();
        }
    };
    // Keep reading, so the server never writes into a closed pipe.
    tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
    let port = url
        .trim_end_matches("/mcp")
        .rsplit(':')
        .next()
        .expect("port")
        .to_owned();
    (server, url, port)
}

/// One row of `xano-mcp token list`: name, tier, status.
fn row(name: &str, tier: &str, status: &str) -> (String, String, String) {
    (name.to_owned(), tier.to_owned(), status.to_owned())
}

/// `xano-mcp token list` in `home`, newest first.
async fn token_rows(home: &Path) -> Vec<(String, String, String)> {
    let out = cmd(home)
        .args(["token", "list"])
        .output()
        .await
        .expect("token list");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{stdout}");
    stdout
        .lines()
        .filter(|l| !l.starts_with("NAME") && !l.starts_with("No access tokens"))
        .map(|l| {
            let mut f = l.split_whitespace().map(str::to_owned);
            let mut next = || f.next().unwrap_or_default();
            (next(), next(), next())
        })
        .collect()
}

/// The LAST USED column of a token in `token list` ("-" when never used).
async fn last_used(home: &Path, name: &str) -> String {
    let out = cmd(home)
        .args(["token", "list"])
        .output()
        .await
        .expect("token list");
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .and_then(|l| l.split_whitespace().nth(5))
        .unwrap_or_else(|| panic!("no row for {name}: {stdout}"))
        .to_owned()
}

/// Runs `xano-mcp <args>` with the fake user home; returns (success, stdout, stderr).
async fn run_in(home: &Path, fake_home: &Path, args: &[&str]) -> (bool, String, String) {
    let out = in_home(home, fake_home)
        .args(args)
        .output()
        .await
        .expect("run xano-mcp");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

/// The `OUR ENTRY` column (and the config path after it) of one row of `clients list`.
async fn list_entry(
    home: &Path,
    fake_home: &Path,
    extra: &[&str],
    client: &str,
    scope: &str,
) -> String {
    let (ok, stdout, stderr) =
        run_in(home, fake_home, &[&["clients", "list"], extra].concat()).await;
    assert!(ok, "{stdout}{stderr}");
    let prefix = format!("{client:<15} {scope:<9} ");
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {client} {scope} row in {stdout}"))
        .get(11..)
        .unwrap_or_default()
        .to_owned()
}

fn bearer_in(file: &Path) -> String {
    clients::cursor::entry_endpoint(file)
        .expect("our entry")
        .headers
        .get("Authorization")
        .expect("header")
        .strip_prefix("Bearer ")
        .expect("bearer")
        .to_owned()
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// `--rotate` on a file that cannot be written: refused before any token changes, so the client
/// keeps a working token and no new token is left behind. (Read-only is the mode bits, so this
/// holds when the tests run as root too.)
#[cfg(unix)]
#[tokio::test]
async fn a_refused_rotate_leaves_the_old_token_working() {
    let sim = xano_sim::XanoSim::start(xano_sim::SimConfig::demo())
        .await
        .expect("sim");
    let home = tempfile::tempdir().expect("engine home");
    let fake_home = tempfile::tempdir().expect("user home");
    std::fs::create_dir_all(fake_home.path().join(".cursor")).expect("cursor dir");
    let file = fake_home.path().join(".cursor/mcp.json");
    let (_server, url, port) = serve(home.path(), &sim).await;

    let (ok, stdout, stderr) = run_in(
        home.path(),
        fake_home.path(),
        &["clients", "apply", "cursor", "--port", &port],
    )
    .await;
    assert!(ok, "{stdout}{stderr}");
    let old = bearer_in(&file);

    set_mode(&file, 0o444);
    let before = std::fs::read(&file).expect("config");
    let (ok, stdout, stderr) = run_in(
        home.path(),
        fake_home.path(),
        &["clients", "apply", "cursor", "--port", &port, "--rotate"],
    )
    .await;
    assert!(!ok, "a read-only file is refused: {stdout}");
    assert!(
        stderr.contains(&file.display().to_string())
            && stderr.contains("read-only")
            && stderr.contains("chmod u+w")
            && stderr.contains("`cursor` keeps working"),
        "names the file, says what to do and that the token is untouched: {stderr}"
    );
    assert_eq!(
        std::fs::read(&file).expect("config"),
        before,
        "file untouched"
    );
    assert_eq!(
        token_rows(home.path()).await,
        vec![row("cursor", "read_only", "active")],
        "the old token is live and no new one was left behind"
    );
    // The token still in the file still gets in.
    let client = ()
        .serve(StreamableHttpClientTransport::from_config(
            StreamableHttpClientTransportConfig::with_uri(url.clone()).auth_header(old.clone()),
        ))
        .await
        .expect("the old token still initializes");
    assert!(
        !client
            .list_all_tools()
            .await
            .expect("tools/list")
            .is_empty(),
        "and lists tools"
    );
    client.cancel().await.expect("close");

    // Writable again: the rotation goes through, and only then is the old token revoked.
    set_mode(&file, 0o600);
    let (ok, stdout, stderr) = run_in(
        home.path(),
        fake_home.path(),
        &["clients", "apply", "cursor", "--port", &port, "--rotate"],
    )
    .await;
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("Revoked the previous token `cursor`"),
        "{stdout}"
    );
    let new = bearer_in(&file);
    assert_ne!(new, old);
    assert_eq!(
        token_rows(home.path()).await,
        vec![
            row("cursor-2", "read_only", "active"),
            row("cursor", "read_only", "revoked")
        ],
        "the new token keeps the grant"
    );
    assert_eq!(
        status_of_url(&url, &old).await,
        401,
        "the old token is revoked"
    );
    assert_ne!(status_of_url(&url, &new).await, 401, "the new one works");
}

/// A first apply that cannot write the file creates no token.
#[tokio::test]
async fn a_refused_first_apply_creates_no_token() {
    let home = tempfile::tempdir().expect("engine home");
    let fake_home = tempfile::tempdir().expect("user home");
    let dir = fake_home.path().join(".cursor");
    let file = dir.join("mcp.json");
    let apply = ["clients", "apply", "cursor", "--tier", "read-write"];

    // Claude Desktop is not installed (on Linux, where it has no official build, its folder
    // must exist before we write there).
    #[cfg(target_os = "linux")]
    {
        let (ok, stdout, stderr) = run_in(
            home.path(),
            fake_home.path(),
            &["clients", "apply", "claude-desktop"],
        )
        .await;
        assert!(!ok, "{stdout}");
        assert!(
            stderr.contains("Claude Desktop") && stderr.contains("No access token was created"),
            "{stderr}"
        );
        assert!(
            !fake_home.path().join(".config/Claude").exists(),
            "nothing written"
        );
        assert_eq!(token_rows(home.path()).await, vec![]);
    }

    // A file that is not JSON.
    std::fs::create_dir_all(&dir).expect("cursor dir");
    let broken = "{\n  \"mcpServers\": {\n    \"other\": {\"url\": \n}\n";
    std::fs::write(&file, broken).expect("broken config");
    let (ok, stdout, stderr) = run_in(home.path(), fake_home.path(), &apply).await;
    assert!(!ok, "{stdout}");
    assert!(
        stderr.contains(&file.display().to_string())
            && stderr.contains("not valid JSON")
            && stderr.contains("line "),
        "names the file and the spot: {stderr}"
    );
    assert_eq!(std::fs::read_to_string(&file).expect("config"), broken);
    assert_eq!(token_rows(home.path()).await, vec![]);

    // A folder where the file belongs.
    std::fs::remove_file(&file).expect("rm");
    std::fs::create_dir(&file).expect("folder in its place");
    let (ok, stdout, stderr) = run_in(home.path(), fake_home.path(), &apply).await;
    assert!(!ok, "{stdout}");
    assert!(
        stderr.contains(&file.display().to_string()) && stderr.contains("a folder"),
        "{stderr}"
    );
    assert!(file.is_dir());
    assert_eq!(token_rows(home.path()).await, vec![]);

    // A read-only file without our entry.
    #[cfg(unix)]
    {
        std::fs::remove_dir(&file).expect("rmdir");
        let other = "{\n  \"mcpServers\": {}\n}\n";
        std::fs::write(&file, other).expect("config");
        set_mode(&file, 0o444);
        let (ok, stdout, stderr) = run_in(home.path(), fake_home.path(), &apply).await;
        assert!(!ok, "{stdout}");
        assert!(
            stderr.contains("read-only") && stderr.contains("No access token was created"),
            "{stderr}"
        );
        assert_eq!(std::fs::read_to_string(&file).expect("config"), other);
        assert_eq!(token_rows(home.path()).await, vec![]);
    }
}

/// `list` shows each state, `plan` writes nothing, `repair` brings a stale entry up to date, and
/// `--project` writes the project's file only. Tokens get the tier asked for.
#[tokio::test]
async fn list_plan_repair_and_a_project() {
    let home = tempfile::tempdir().expect("engine home");
    let fake_home = tempfile::tempdir().expect("user home");
    let (h, fh) = (home.path(), fake_home.path());
    std::fs::create_dir_all(fh.join(".cursor")).expect("cursor dir");
    let file = fh.join(".cursor/mcp.json");
    let (port, moved) = ("47101", "47102");

    assert!(
        list_entry(h, fh, &["--port", port], "cursor", "user")
            .await
            .starts_with("no file "),
        "no config yet"
    );
    let empty = "{\n  \"mcpServers\": {}\n}\n";
    std::fs::write(&file, empty).expect("config");
    assert!(
        list_entry(h, fh, &["--port", port], "cursor", "user")
            .await
            .starts_with("missing "),
        "a config without our entry"
    );

    // plan: a diff, nothing written, no token.
    let mtime = std::fs::metadata(&file)
        .expect("meta")
        .modified()
        .expect("mtime");
    let (ok, stdout, stderr) = run_in(
        h,
        fh,
        &[
            "clients",
            "plan",
            "cursor",
            "--port",
            port,
            "--tier",
            "full-access",
        ],
    )
    .await;
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("Added")
            && stdout.contains("+    \"xano-mcp\"")
            && stdout.contains(&format!("http://127.0.0.1:{port}/mcp"))
            && stdout.contains("new access token `cursor` (Full Access)"),
        "{stdout}"
    );
    assert!(
        !stdout.contains("xmcp_<"),
        "the placeholder is masked: {stdout}"
    );
    assert_eq!(std::fs::read_to_string(&file).expect("config"), empty);
    assert_eq!(
        std::fs::metadata(&file)
            .expect("meta")
            .modified()
            .expect("mtime"),
        mtime
    );
    assert_eq!(token_rows(h).await, vec![], "planning creates no token");

    // apply: current, with the tier asked for.
    let (ok, stdout, stderr) = run_in(
        h,
        fh,
        &[
            "clients",
            "apply",
            "cursor",
            "--port",
            port,
            "--tier",
            "full-access",
        ],
    )
    .await;
    assert!(ok, "{stdout}{stderr}");
    assert_eq!(
        token_rows(h).await,
        vec![row("cursor", "full_access", "active")]
    );
    let token = bearer_in(&file);
    assert!(
        list_entry(h, fh, &["--port", port], "cursor", "user")
            .await
            .starts_with("current "),
    );
    assert_eq!(
        last_used(h, "cursor").await,
        "-",
        "listing and applying read the token; only Cursor's calls use it"
    );

    // The server moved to another port: stale, and repair fixes it, keeping the token.
    let entry = list_entry(h, fh, &["--port", moved], "cursor", "user").await;
    assert!(entry.starts_with("stale: points at"), "{entry}");
    let before_plan = std::fs::read(&file).expect("config");
    let (ok, stdout, stderr) = run_in(h, fh, &["clients", "plan", "cursor", "--port", moved]).await;
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("Updated") && stdout.contains("Keeps its access token `cursor`"),
        "{stdout}"
    );
    assert!(!stdout.contains(&token), "the token is masked: {stdout}");
    assert_eq!(std::fs::read(&file).expect("config"), before_plan);
    let (ok, stdout, stderr) =
        run_in(h, fh, &["clients", "repair", "cursor", "--port", moved]).await;
    assert!(ok, "{stdout}{stderr}");
    assert_eq!(
        clients::cursor::entry_endpoint(&file).expect("entry").url,
        format!("http://127.0.0.1:{moved}/mcp")
    );
    assert_eq!(bearer_in(&file), token, "repair keeps the token");
    assert!(
        list_entry(h, fh, &["--port", moved], "cursor", "user")
            .await
            .starts_with("current "),
    );
    assert_eq!(
        token_rows(h).await,
        vec![row("cursor", "full_access", "active")]
    );

    // Revoked elsewhere: stale, and repair gives it a new token (of the default tier: nothing
    // is inherited from a revoked token).
    let out = cmd(h)
        .args(["token", "revoke", "cursor"])
        .output()
        .await
        .expect("revoke");
    assert!(out.status.success());
    let entry = list_entry(h, fh, &["--port", moved], "cursor", "user").await;
    assert!(entry.starts_with("stale: token revoked"), "{entry}");
    let (ok, stdout, stderr) =
        run_in(h, fh, &["clients", "repair", "cursor", "--port", moved]).await;
    assert!(ok, "{stdout}{stderr}");
    assert!(
        stdout.contains("New access token `cursor` (Read Only)"),
        "{stdout}"
    );
    assert_ne!(bearer_in(&file), token);
    assert!(
        list_entry(h, fh, &["--port", moved], "cursor", "user")
            .await
            .starts_with("current "),
    );
    assert_eq!(
        token_rows(h).await,
        vec![row("cursor", "read_only", "active")]
    );

    // Asking for another tier replaces the token, and only then revokes the old one.
    let (ok, stdout, stderr) = run_in(
        h,
        fh,
        &[
            "clients",
            "apply",
            "cursor",
            "--port",
            moved,
            "--tier",
            "full-access",
        ],
    )
    .await;
    assert!(ok, "{stdout}{stderr}");
    assert_eq!(
        token_rows(h).await,
        vec![
            row("cursor-2", "full_access", "active"),
            row("cursor", "read_only", "revoked")
        ]
    );

    // A project: its own file, its own token; the user's file is left alone.
    let user_bytes = std::fs::read(&file).expect("config");
    let project = tempfile::tempdir().expect("project");
    let dir = project.path().join("shop-api");
    std::fs::create_dir(&dir).expect("project dir");
    let dir_arg = dir.display().to_string();
    let (ok, stdout, stderr) = run_in(
        h,
        fh,
        &[
            "clients",
            "apply",
            "cursor",
            "--project",
            &dir_arg,
            "--port",
            moved,
            "--tier",
            "read-write",
        ],
    )
    .await;
    assert!(ok, "{stdout}{stderr}");
    let project_file = dir.join(".cursor/mcp.json");
    assert_eq!(
        clients::cursor::entry_endpoint(&project_file)
            .expect("project entry")
            .url,
        format!("http://127.0.0.1:{moved}/mcp")
    );
    assert_eq!(std::fs::read(&file).expect("config"), user_bytes);
    assert_eq!(
        token_rows(h).await[0],
        row("cursor-shop-api", "read_write", "active")
    );
    let entry = list_entry(
        h,
        fh,
        &["--port", moved, "--project", &dir_arg],
        "cursor",
        "project",
    )
    .await;
    assert!(entry.starts_with("current "), "{entry}");
    assert!(
        entry.ends_with(&project_file.display().to_string()),
        "{entry}"
    );
}
