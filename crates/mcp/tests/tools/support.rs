//! The harness: a sim, our server on it, and a client that records progress notifications and can
//! wait for one (they are forwarded by their own task, so they may arrive after the call's answer).

use super::*;
use tokio::sync::Notify;

async fn serve<H: ClientHandler>(
    config: SimConfig,
    token: &str,
    options: EngineOptions,
    handler: H,
) -> (XanoSim, RunningService<RoleClient, H>) {
    let sim = XanoSim::start(config).await.expect("sim");
    let xano = XanoClient::with_options(
        MetaBase::parse(&sim.meta_url()).expect("base"),
        XanoToken::new(token),
        ClientOptions {
            retry: retries(),
            ..ClientOptions::default()
        },
    )
    .expect("client");
    let server = XanoMcpServer::new(Arc::new(Engine::new(xano, options)));
    let (client_io, server_io) = tokio::io::duplex(1 << 22);
    tokio::spawn(async move {
        if let Ok(running) = server.serve(server_io).await {
            let _ = running.waiting().await;
        }
    });
    let client = handler.serve(client_io).await.expect("initialize");
    (sim, client)
}

/// A harness whose server calls Xano with `token` (one of `config.tokens`).
pub async fn harness_as(config: SimConfig, token: &str, options: EngineOptions) -> Harness {
    let handler = Client::default();
    let (sim, client) = serve(config, token, options, handler.clone()).await;
    Harness {
        sim,
        client,
        handler,
    }
}

/// A client that records progress notifications and wakes a waiter on each.
#[derive(Debug, Clone, Default)]
pub struct ProgressWatcher {
    pub seen: Arc<Mutex<Vec<ProgressNotificationParam>>>,
    arrived: Arc<Notify>,
}

impl ClientHandler for ProgressWatcher {
    async fn on_progress(
        &self,
        params: ProgressNotificationParam,
        _context: NotificationContext<RoleClient>,
    ) {
        self.seen.lock().expect("lock").push(params);
        self.arrived.notify_one();
    }
}

impl ProgressWatcher {
    /// Waits until a notification satisfies `done` (at most 30 s, a guard against a hang, not a
    /// synchronisation); returns all received so far.
    pub async fn wait_for(
        &self,
        done: impl Fn(&ProgressNotificationParam) -> bool,
    ) -> Vec<ProgressNotificationParam> {
        let wait = async {
            loop {
                {
                    let seen = self.seen.lock().expect("lock");
                    if seen.iter().any(&done) {
                        return seen.clone();
                    }
                }
                self.arrived.notified().await;
            }
        };
        tokio::time::timeout(Duration::from_secs(30), wait)
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "the expected progress never came: {:?}",
                    self.seen.lock().expect("lock")
                )
            })
    }
}

/// A sim, a client that watches progress, and the watcher.
pub async fn progress_harness(
    options: EngineOptions,
) -> (
    XanoSim,
    RunningService<RoleClient, ProgressWatcher>,
    ProgressWatcher,
) {
    let watcher = ProgressWatcher::default();
    let (sim, client) = serve(
        SimConfig::demo(),
        xano_sim::DEMO_TOKEN,
        options,
        watcher.clone(),
    )
    .await;
    (sim, client, watcher)
}

/// Calls a tool with a progress token; returns its structured content (it must succeed).
pub async fn call_with_progress<H: ClientHandler>(
    client: &RunningService<RoleClient, H>,
    tool: &str,
    args: Value,
) -> Value {
    let mut params = CallToolRequestParams::new(tool.to_owned());
    if let Value::Object(map) = args {
        params = params.with_arguments(map);
    }
    params.set_progress_token(ProgressToken(NumberOrString::Number(7)));
    let r = client.call_tool(params).await.expect("tools/call answered");
    assert_ne!(r.is_error, Some(true), "{tool} failed: {r:?}");
    r.structured_content.expect("structured content")
}
