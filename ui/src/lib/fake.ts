// A browser-only stand-in for the app's backend (`npm run dev` in a plain browser): demo-like data
// held in memory, so every page can be looked at and clicked through without the Rust side.
// It is never used inside the app.
import type { Api, BackendError as BackendErrorType } from "./backend";
import { fakeHistory } from "./history/fakeHistory";
import type {
  AccountView,
  ApprovalView,
  CallView,
  ClientView,
  EngineSettings,
  ServerStatus,
  TokenView,
  ToolInfo,
  UiPrefs,
  WorkspaceView,
} from "../bindings";

const now = () => Date.now();
let setupDone = false;
let settings: EngineSettings = {
  port: 7717,
  outputCapKb: 100,
  retentionDays: 30,
  historyBodies: false,
  rateLimitPerMinute: 240,
  approvalTimeoutSecs: 120,
  demoMode: false,
  setupDone: false,
};
let server: ServerStatus = { state: "not_configured", port: 7717, url: null, backend: "none", backendLabel: null, error: null };
const workspaces: WorkspaceView[] = [
  { id: 1, name: "Acme Store", description: "Demo shop", branches: ["v1"] },
  { id: 2, name: "Marketing Site", description: "Landing pages", branches: ["v1"] },
];
let tokens: TokenView[] = [];
let prefs: UiPrefs = { theme: "system", notifyApprovals: true };
let autostart = false;
const calls: CallView[] = [];
const approvals: ApprovalView[] = [];

function fail(code: "InvalidInput", field: string, message: string): never {
  const err = new Error(message) as BackendErrorType;
  (err as { error: unknown }).error = { code, field, message };
  throw err;
}

function running(): ServerStatus {
  return { state: "running", port: settings.port, url: `http://127.0.0.1:${settings.port}/mcp`, backend: "demo", backendLabel: "Demo data (browser preview)", error: null };
}

function account(): AccountView {
  return { backend: "demo", owner: { name: "Demo Owner", email: "demo@example.com" }, workspaces, server };
}

function record(tool: string, args: unknown, ok: boolean): CallView {
  const c: CallView = {
    id: calls.length + 1,
    atMs: now(),
    tokenName: null,
    clientName: "Playground",
    transport: "app",
    tool,
    workspaceId: 1,
    arguments: args as CallView["arguments"],
    dryRun: false,
    outcome: ok ? "ok" : "error",
    errorCode: ok ? null : "xano_not_found",
    errorMessage: ok ? null : "Not found.",
    xanoRequests: [{ method: "GET", path: "/workspace/1/table", status: 200, durationMs: 3 }],
    rowsAffected: null,
    durationMs: 4,
  };
  calls.unshift(c);
  return c;
}

const listWorkspacesTool: ToolInfo = {
  name: "listWorkspaces",
  description: "List workspaces.",
  inputSchema: { type: "object", properties: {} },
  readOnly: true,
  destructive: false,
  minTier: "read_only",
};

const getTableContentTool: ToolInfo = {
  name: "getTableContent",
  description: "Read rows.",
  inputSchema: {
    type: "object",
    required: ["workspace_id", "table_id"],
    properties: { workspace_id: { type: "integer" }, table_id: { anyOf: [{ type: "integer" }, { type: "string" }] }, limit: { type: ["integer", "null"] } },
  },
  readOnly: true,
  destructive: false,
  minTier: "read_only",
};

const PROJECT_CLIENTS = ["cursor", "claude-code", "vscode"];

const clients = (project: string | null = null): ClientView[] =>
  [
    ["claude-desktop", "Claude Desktop"],
    ["cursor", "Cursor"],
    ["claude-code", "Claude Code"],
    ["vscode", "VS Code"],
    ["windsurf", "Windsurf"],
    ["zed", "Zed"],
  ].map(([id, name], i): ClientView => ({
    id: id ?? "",
    name: name ?? "",
    state: i < 2 ? "installed" : "missing",
    detail: null,
    configPath: `~/.${id}/mcp.json`,
    backupFolder: `~/.${id}`,
    holdsToken: id !== "claude-desktop",
    restartHint: `Restart ${name}.`,
    error: null,
  }))
    .filter((c) => !project || PROJECT_CLIENTS.includes(c.id))
    .map((c) => (project ? { ...c, configPath: `${project}/.${c.id}/mcp.json`, backupFolder: `${project}/.${c.id}` } : c));

export const fakeApi: Api = {
  appInfo: async () => ({ name: "Xano MCP Desktop (browser preview)", version: "dev" }),
  serverStatus: async () => server,
  serverRestart: async () => server,
  startDemo: async () => {
    settings = { ...settings, demoMode: true };
    server = running();
    return account();
  },
  checkToken: async (token) => {
    if (token.trim().length < 8) fail("InvalidInput", "token", "Paste the whole token from Xano.");
    return { owner: { name: "Demo Owner", email: "demo@example.com" }, instanceName: "demo", expiresAt: null };
  },
  instances: async () => [{ name: "demo", label: "Demo (x1.xano.io)", metaApi: "https://x1.xano.io/api:meta" }],
  wizardWorkspaces: async () => workspaces,
  saveAccount: async () => {
    server = running();
    return { ...account(), backend: "xano" };
  },
  accessLevels: async () => [
    { tier: "read_only", label: "Read Only", summary: "Look, never change.", can: ["Read rows"], cannot: ["Change anything"], defaultApproval: "off", xanoScopes: [{ scope: "Workspace Content", permissions: ["Read"], required: true }] },
    { tier: "read_write", label: "Read/Write", summary: "Add and edit, never delete.", can: ["Add rows"], cannot: ["Delete"], defaultApproval: "all_writes", xanoScopes: [{ scope: "Workspace Content", permissions: ["Read", "Create", "Update"], required: true }] },
    { tier: "full_access", label: "Full Access", summary: "Everything.", can: ["Delete tables"], cannot: [], defaultApproval: "all_writes", xanoScopes: [{ scope: "Workspace Content", permissions: ["Read", "Create", "Update", "Delete"], required: true }] },
  ],
  liveCheck: async () => ({ url: server.url ?? "", toolsListed: 19, tool: "listWorkspaces", summary: "2 workspaces: Acme Store, Marketing Site", result: {}, durationMs: 12 }),
  finishSetup: async () => {
    setupDone = true;
    settings = { ...settings, setupDone };
    return settings;
  },
  workspaces: async () => workspaces,
  dashboard: async () => ({
    server,
    setupDone,
    recentCalls: calls.slice(0, 50),
    callsLastHour: calls.length,
    errorsLastHour: calls.filter((c) => c.outcome !== "ok").length,
    connectedClients: [],
    xanoToken: null,
    expiringTokens: [],
    pendingApprovals: approvals.length,
  }),
  tokens: async () => tokens,
  createToken: async (input) => {
    if (!/^[a-z0-9_-]{1,40}$/.test(input.name)) fail("InvalidInput", "name", "Token names use 1-40 lowercase letters, digits, - or _.");
    const info: TokenView = {
      id: tokens.length + 1,
      name: input.name,
      tier: input.tier,
      workspaces: input.workspaces,
      tables: input.tables.length ? input.tables : null,
      approval: input.approval,
      rateLimitPerMinute: input.rateLimitPerMinute,
      expiresAtMs: input.expiresInDays ? now() + input.expiresInDays * 86_400_000 : null,
      createdAtMs: now(),
      lastUsedAtMs: null,
      revokedAtMs: null,
      status: "active",
    };
    tokens = [info, ...tokens];
    return { token: "xmcp_browserPreviewTokenNotReal", info, savedInKeychain: false, keychainNote: "Browser preview: nothing is saved." };
  },
  updateToken: async (input) => {
    const t = tokens.find((x) => x.name === input.name);
    if (!t) fail("InvalidInput", "name", `There is no token named \`${input.name}\`.`);
    if (t.status === "revoked") fail("InvalidInput", "name", `The token \`${input.name}\` is revoked and cannot be changed.`);
    if (input.expiry.kind === "in_days" && input.expiry.days < 1) fail("InvalidInput", "expiry", "Choose at least 1 day, or no expiry.");
    const expiresAtMs =
      input.expiry.kind === "keep" ? t.expiresAtMs : input.expiry.kind === "never" ? null : now() + input.expiry.days * 86_400_000;
    const updated: TokenView = {
      ...t,
      tier: input.tier,
      workspaces: input.workspaces,
      tables: input.tables.length ? input.tables : null,
      approval: input.approval,
      rateLimitPerMinute: input.rateLimitPerMinute,
      expiresAtMs,
      status: "active",
    };
    tokens = tokens.map((x) => (x.name === input.name ? updated : x));
    return updated;
  },
  revokeToken: async (name) => {
    tokens = tokens.map((t) => (t.name === name ? { ...t, status: "revoked", revokedAtMs: now() } : t));
    return tokens.find((t) => t.name === name) as TokenView;
  },
  clients: async (project) => {
    if (project && !project.startsWith("/")) fail("InvalidInput", "project", `\`${project}\` is not a full path.`);
    return clients(project ?? null);
  },
  planClients: async (input) =>
    input.clients.map((c, i) => ({
      id: i + 1,
      client: c,
      clientName: c,
      action: input.action,
      change: "added",
      path: `${input.project ?? "~"}/.${c}/mcp.json`,
      diff: `--- ${input.project ?? "~"}/.${c}/mcp.json\n+++ ${input.project ?? "~"}/.${c}/mcp.json\n@@ -1,1 +1,5 @@\n-{}\n+{\n+  "mcpServers": {\n+    "xano-mcp": { "url": "http://127.0.0.1:7717/mcp", "headers": { "Authorization": "Bearer xmcp_…" } }\n+  }\n+}\n`,
      holdsToken: c !== "claude-desktop",
      tokenName: c,
      newToken: true,
      error: null,
    })),
  applyClients: async (ids) => ids.map((id) => ({ client: `client-${id}`, clientName: `Client ${id}`, change: "added", path: "~/.cursor/mcp.json", backup: null, tokenName: "cursor", revokedToken: null, restartHint: "Restart the app.", error: null })),
  tools: async () => [listWorkspacesTool, getTableContentTool],
  preview: async (tool) => ({ tool, wouldSend: [], readsMade: [{ method: "GET", path: "/workspace", status: 200, durationMs: 2 }], rowsAffected: null, sampleRows: [], note: null, raw: {} }),
  run: async (tool, args) => ({ ok: true, result: { workspaces }, error: null, record: record(tool, args, true) }),
  approvals: async () => approvals,
  decide: async (id) => {
    const i = approvals.findIndex((a) => a.id === id);
    if (i >= 0) approvals.splice(i, 1);
    return approvals;
  },
  settings: async () => ({ settings, dataFolder: "~/.local/share/xano-mcp", profiles: [], activeProfile: null }),
  updateSettings: async (next) => {
    settings = next;
    return { settings, dataFolder: "~/.local/share/xano-mcp", profiles: [], activeProfile: null };
  },
  useProfile: async () => ({ settings, dataFolder: "~/.local/share/xano-mcp", profiles: [], activeProfile: null }),
  removeProfile: async () => ({ settings, dataFolder: "~/.local/share/xano-mcp", profiles: [], activeProfile: null }),
  prefs: async () => prefs,
  setPrefs: async (next) => (prefs = next),
  autostart: async () => autostart,
  setAutostart: async (enabled) => (autostart = enabled),
  // A browser tab has no tray.
  hideWindow: async () => false,
  // Stands in for the system's picker: the user picks this folder.
  pickFolder: async () => "/home/me/picked-app",
  historySearch: fakeHistory.search,
  historyDetail: fakeHistory.detail,
  historyCharts: fakeHistory.charts,
  historyExport: fakeHistory.export,
  historySyncStatus: fakeHistory.syncStatus,
  historySyncNow: fakeHistory.syncStatus,
};
