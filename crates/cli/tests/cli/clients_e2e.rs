//! Issue 6's end-to-end checks: the entries we write into AI client configs really work. The
//! command read back from a Claude Desktop config is spawned exactly as written and spoken to over
//! stdio; the URL and header read back from a Cursor config reach a running `xano-mcp serve`.

use super::*;

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
    let mut server = cmd(home.path())
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
    let port = url
        .trim_end_matches("/mcp")
        .rsplit(':')
        .next()
        .expect("port")
        .to_owned();

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
