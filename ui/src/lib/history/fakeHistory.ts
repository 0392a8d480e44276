// The browser-only stand-in for the history commands: 100,000 synthetic rows (a few of them our
// MCP calls, each linked to the request it caused) filtered, paged and charted in memory, so the
// History page can be developed and tested without the Rust side.
import type {
  ExportFormat,
  ExportView,
  HistoryChartsView,
  HistoryDetailView,
  HistoryPageView,
  HistoryQuery,
  HistoryRowRef,
  HistoryRowView,
  HistorySyncView,
} from "../../bindings";

export const FAKE_ROWS = 100_000;
/** Requests of the synced `dev` branch (a profile that names a branch syncs it beside the live one). */
export const FAKE_DEV_ROWS = 120;
const VERBS = ["GET", "GET", "GET", "POST", "PATCH", "DELETE"];
const PATHS = ["/api:Xy12ab/customers", "/api:Xy12ab/orders", "/api:Xy12ab/products", "/api:Xy12ab/auth/login", "/api:Ad9m/reports/daily"];

let rows: HistoryRowView[] | null = null;
let base = Date.now();

/** Deterministic rows, newest first, one every 900 ms back from `base`. */
export function fakeRows(): HistoryRowView[] {
  if (rows) return rows;
  base = Date.now();
  rows = [];
  for (let i = 0; i < FAKE_ROWS; i++) {
    const at = base - i * 900;
    if (i % 5000 === 7) {
      rows.push({ key: `m:${i}`, source: "mcp", id: i, atMs: at, workspaceId: 1, branch: null, verb: "MCP", uri: "getTableContent", endpoint: "MCP getTableContent", status: 200, durationMs: 140, apiGroupId: null, outcome: "ok", hasBody: false });
      continue;
    }
    const verb = VERBS[i % VERBS.length] ?? "GET";
    const path = PATHS[(i * 7) % PATHS.length] ?? "/";
    const status = i % 97 === 0 ? 500 : i % 23 === 0 ? 404 : verb === "POST" ? 201 : 200;
    const durationMs = path.includes("reports") ? 1200 + (i % 900) : 20 + ((i * 37) % 180);
    rows.push({ key: `x:1::${i}`, source: "xano", id: i, atMs: at, workspaceId: 1, branch: null, verb, uri: `https://x1.xano.io${path}/${i % 500}`, endpoint: `${verb} ${path}/{id}`, status, durationMs, apiGroupId: 1, outcome: null, hasBody: true });
  }
  for (let i = 0; i < FAKE_DEV_ROWS; i++) {
    const id = 1_000_000 + i;
    rows.push({ key: `x:1:dev:${id}`, source: "xano", id, atMs: base - i * 60_000, workspaceId: 1, branch: "dev", verb: "GET", uri: `https://x1.xano.io/api:Xy12ab:dev/orders/${i}`, endpoint: "GET /api:Xy12ab:dev/orders/{id}", status: 200, durationMs: 45, apiGroupId: 1, outcome: null, hasBody: true });
  }
  rows.sort((a, b) => b.atMs - a.atMs);
  return rows;
}

function matches(q: HistoryQuery, r: HistoryRowView): boolean {
  if (q.source === "xano" && r.source !== "xano") return false;
  if (q.source === "mcp" && r.source !== "mcp") return false;
  if (q.workspaceId != null && r.workspaceId !== q.workspaceId) return false;
  // The branch picks which synced copy of Xano's log is shown; our calls show either way.
  if (r.source === "xano" && (q.branch ?? null) !== r.branch) return false;
  if (q.sinceMs != null && r.atMs < q.sinceMs) return false;
  if (q.untilMs != null && r.atMs >= q.untilMs) return false;
  const classes = q.statusClasses ?? [];
  const codes = q.statuses ?? [];
  if ((classes.length || codes.length) && !classes.some((c) => c[0] === String(r.status)[0]) && !codes.includes(r.status)) return false;
  if (q.verbs?.length && !q.verbs.includes(r.verb)) return false;
  if (q.text && !r.uri.toLowerCase().includes(q.text.toLowerCase())) return false;
  if (q.minDurationMs != null && (r.durationMs ?? 0) < q.minDurationMs) return false;
  return true;
}

/** The rows of a query in its order. */
export function fakeQuery(q: HistoryQuery): HistoryRowView[] {
  const out = fakeRows().filter((r) => matches(q, r));
  if (q.sort === "oldest") out.reverse();
  if (q.sort === "slowest") out.sort((a, b) => (b.durationMs ?? 0) - (a.durationMs ?? 0));
  return out;
}

export const fakeHistory = {
  search: async (q: HistoryQuery, offset: number, limit: number): Promise<HistoryPageView> => {
    const all = fakeQuery(q);
    return { rows: all.slice(offset, offset + limit), total: all.length, offset };
  },
  detail: async (ref: HistoryRowRef): Promise<HistoryDetailView> => {
    const row = fakeRows().find((r) => r.id === ref.id && r.source === ref.source) ?? fakeRows()[0]!;
    const linkedRow = row.source === "mcp" ? fakeRows()[row.id + 1] : undefined;
    return {
      row,
      requestHeaders: row.source === "xano" ? ["Host: x1.xano.io", "Accept: application/json", "Authorization: [masked]"] : null,
      responseHeaders: row.source === "xano" ? ["Content-Type: application/json"] : null,
      input: row.source === "xano" ? { email: "shopper@example.com", password: "[masked]" } : { workspace_id: 1, table_id: 3 },
      output: { ok: true },
      errorMessage: null,
      caller: row.source === "mcp" ? "Claude Desktop with access token “claude”" : null,
      curl: row.source === "xano" ? `curl -X ${row.verb} '${row.uri}' \\\n  -H 'Accept: application/json' \\\n  -H 'Authorization: Bearer YOUR_TOKEN'` : null,
      linked: linkedRow ? [linkedRow] : [],
      note: null,
    };
  },
  charts: async (q: HistoryQuery): Promise<HistoryChartsView> => {
    const all = fakeQuery(q);
    const bucketMs = 900_000;
    const buckets = new Map<number, HistoryRowView[]>();
    for (const r of all) {
      const b = Math.floor(r.atMs / bucketMs) * bucketMs;
      buckets.set(b, [...(buckets.get(b) ?? []), r]);
    }
    const starts = [...buckets.keys()].sort((a, b) => a - b);
    const pct = (xs: number[], p: number) => (xs.length ? xs.sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]! : null);
    const byEndpoint = new Map<string, number[]>();
    for (const r of all) byEndpoint.set(r.endpoint, [...(byEndpoint.get(r.endpoint) ?? []), r.durationMs ?? 0]);
    return {
      bucketMs,
      requests: starts.map((s) => {
        const rs = buckets.get(s) ?? [];
        return { startMs: s, ok: rs.filter((r) => r.status < 300).length, redirect: rs.filter((r) => r.status >= 300 && r.status < 400).length, clientError: rs.filter((r) => r.status >= 400 && r.status < 500).length, serverError: rs.filter((r) => r.status >= 500).length };
      }),
      latency: starts.map((s) => {
        const ds = (buckets.get(s) ?? []).map((r) => r.durationMs ?? 0);
        return { startMs: s, count: ds.length, p50Ms: pct([...ds], 0.5), p95Ms: pct([...ds], 0.95) };
      }),
      slowest: [...byEndpoint.entries()]
        .map(([endpoint, ds]) => ({ endpoint, count: ds.length, errors: 0, p50Ms: pct([...ds], 0.5) ?? 0, p95Ms: pct([...ds], 0.95) ?? 0 }))
        .sort((a, b) => b.p95Ms - a.p95Ms)
        .slice(0, 10),
      total: all.length,
      errorRate: all.length ? all.filter((r) => r.status >= 400).length / all.length : 0,
    };
  },
  export: async (q: HistoryQuery, format: ExportFormat): Promise<ExportView> => {
    const all = fakeQuery(q);
    const text =
      format === "csv"
        ? ["source,id,time,verb,uri,status,duration_ms", ...all.map((r) => `${r.source},${r.id},${new Date(r.atMs).toISOString()},${r.verb},${r.uri},${r.status},${r.durationMs}`)].join("\r\n")
        : JSON.stringify(all);
    const fileName = `xano-history-preview.${format}`;
    return { path: `~/Downloads/${fileName}`, fileName, rows: all.length, bytes: text.length, preview: text.slice(0, 2000) };
  },
  syncStatus: async (): Promise<HistorySyncView> => ({
    workspaces: [
      { workspaceId: 1, workspaceName: "Acme Store", branch: null, running: false, progress: null, lastAttemptMs: base, lastSuccessMs: base, lastError: null, lastErrorAtMs: null, items: FAKE_ROWS, oldestMs: base - FAKE_ROWS * 900, newestMs: base },
      { workspaceId: 1, workspaceName: "Acme Store", branch: "dev", running: false, progress: null, lastAttemptMs: base, lastSuccessMs: base, lastError: null, lastErrorAtMs: null, items: FAKE_DEV_ROWS, oldestMs: base - FAKE_DEV_ROWS * 60_000, newestMs: base },
    ],
    problem: null,
    nextRunMs: base + 300_000,
    retentionDays: 30,
  }),
};
