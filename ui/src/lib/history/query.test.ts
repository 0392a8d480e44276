import { describe, expect, it } from "vitest";
import {
  PageCache,
  addChip,
  branchChip,
  errorChips,
  exportMessage,
  mergeScope,
  pagesFor,
  removeChip,
  slowerChip,
  statusChip,
  syncedBranches,
  timeChip,
  toQuery,
  verbChip,
  virtualWindow,
} from "./query";
import { FAKE_ROWS, fakeHistory, fakeQuery } from "./fakeHistory";
import { api } from "../backend";

const NOW = 1_700_000_000_000;

describe("filter chips", () => {
  it("become the backend query", () => {
    let chips = addChip([], timeChip(3_600_000));
    chips = errorChips(chips);
    chips = addChip(chips, verbChip(" post "));
    chips = addChip(chips, slowerChip(500));
    const q = toQuery(chips, "  orders ", "xano", "slowest", NOW);
    expect(q).toEqual({
      workspaceId: null,
      branch: null,
      sinceMs: NOW - 3_600_000,
      untilMs: null,
      statusClasses: ["4xx", "5xx"],
      statuses: [],
      verbs: ["POST"],
      text: "orders",
      minDurationMs: 500,
      apiGroupId: null,
      source: "xano",
      sort: "slowest",
    });
    expect(chips.map((c) => c.label)).toEqual(["Last hour", "Client errors (4xx)", "Server errors (5xx)", "Method POST", "Slower than 500 ms"]);
  });

  it("are unique, replace their kind where one is enough, and come off one by one", () => {
    let chips = addChip([], statusChip("5xx"));
    chips = addChip(chips, statusChip("5xx"));
    chips = addChip(chips, timeChip(60_000 * 15));
    chips = addChip(chips, timeChip(86_400_000));
    chips = addChip(chips, slowerChip(100));
    chips = addChip(chips, slowerChip(3000));
    expect(chips.map((c) => c.id)).toEqual(["status:5xx", "time", "slower"]);
    expect(toQuery(chips, "", "both", "newest", NOW).sinceMs).toBe(NOW - 86_400_000);
    expect(chips.find((c) => c.id === "slower")?.label).toBe("Slower than 3 s");
    chips = removeChip(chips, "status:5xx");
    expect(toQuery(chips, "", "both", "newest", NOW).statusClasses).toEqual([]);
    chips = removeChip(removeChip(chips, "time"), "slower");
    expect(toQuery(chips, "", "both", "newest", NOW)).toMatchObject({ sinceMs: null, minDurationMs: null, text: null });
  });

  it("pick one synced branch at a time, the live branch without a chip", () => {
    let chips = addChip([], branchChip("dev"));
    expect(toQuery(chips, "", "xano", "newest", NOW).branch).toBe("dev");
    chips = addChip(chips, branchChip("staging"));
    expect(chips.map((c) => c.label)).toEqual(["Branch staging"]);
    expect(toQuery(chips, "", "xano", "newest", NOW).branch).toBe("staging");
    expect(toQuery(removeChip(chips, "branch"), "", "xano", "newest", NOW).branch).toBeNull();
  });

  it("show our calls when the MCP method is picked on the Xano-only view", () => {
    expect(toQuery([verbChip("mcp")], "", "xano", "newest", NOW).source).toBe("both");
  });
});

describe("sync scopes", () => {
  const scope = (workspaceId: number, branch: string | null, items: number) => ({ workspaceId, branch, items });
  it("are kept apart per workspace and branch, in order", () => {
    let list = [scope(2, null, 1), scope(1, null, 1)];
    list = mergeScope(list, scope(1, "dev", 5));
    list = mergeScope(list, scope(1, null, 9));
    expect(list).toEqual([scope(1, null, 9), scope(1, "dev", 5), scope(2, null, 1)]);
    expect(syncedBranches([...list, scope(2, "dev", 0), scope(3, "beta", 0)])).toEqual(["beta", "dev"]);
    expect(syncedBranches([scope(1, null, 0)])).toEqual([]);
  });
});

describe("virtual window", () => {
  it("draws only the visible rows plus overscan, at a fixed row height", () => {
    const w = virtualWindow(34 * 50_000, 440, 34, 100_000, 8);
    expect(w.height).toBe(3_400_000);
    expect(w.first).toBe(50_000 - 8);
    expect(w.last).toBe(50_000 + Math.ceil(440 / 34) + 8);
    expect(w.offsetY).toBe(w.first * 34);
    expect(w.last - w.first).toBeLessThan(40);
  });

  it("clamps at both ends and copes with nothing", () => {
    expect(virtualWindow(0, 440, 34, 100_000, 8)).toMatchObject({ first: 0, offsetY: 0 });
    const end = virtualWindow(10 ** 9, 440, 34, 100_000, 8);
    expect(end.last).toBe(100_000);
    expect(virtualWindow(0, 440, 34, 0)).toEqual({ first: 0, last: 0, offsetY: 0, height: 0 });
    expect(virtualWindow(0, 440, 34, 3, 8)).toMatchObject({ first: 0, last: 3 });
  });

  it("asks only for the pages it lacks, and drops answers to an old query", () => {
    expect(pagesFor(190, 230, 200)).toEqual([0, 1]);
    expect(pagesFor(5, 5, 200)).toEqual([]);
    const cache = new PageCache<number>(200);
    expect(cache.claim(190, 230)).toEqual([0, 1]);
    expect(cache.claim(0, 230)).toEqual([]);
    const gen = cache.generation;
    expect(cache.put(0, [1, 2, 3], gen)).toBe(true);
    expect(cache.row(2)).toBe(3);
    cache.reset();
    expect(cache.put(1, [9], gen)).toBe(false);
    expect(cache.row(2)).toBeUndefined();
    expect(cache.claim(0, 10)).toEqual([0]);
    cache.fail(0, cache.generation);
    expect(cache.claim(0, 10)).toEqual([0]);
  });
});

describe("the fake history backend", () => {
  it("pages through 100k rows and filters them like the real one", async () => {
    const first = await api().historySearch({ source: "both", sort: "newest" }, 0, 200);
    expect(first.total).toBe(FAKE_ROWS);
    expect(first.rows).toHaveLength(200);
    const last = await api().historySearch({ source: "both", sort: "newest" }, FAKE_ROWS - 50, 200);
    expect(last.rows).toHaveLength(50);
    const errors = toQuery(errorChips([]), "", "xano", "newest", Date.now());
    const page = await api().historySearch(errors, 0, 1000);
    expect(page.total).toBe(fakeQuery(errors).length);
    expect(page.rows.every((r) => r.status >= 400 && r.source === "xano")).toBe(true);
    const mcp = await api().historySearch({ source: "mcp" }, 0, 100);
    expect(mcp.rows.every((r) => r.verb === "MCP")).toBe(true);
    const d = await api().historyDetail({ source: "mcp", id: mcp.rows[0]!.id, workspaceId: 1, branch: null });
    expect(d.linked.length).toBe(1);
  });

  it("exports the filtered set and says where it went", async () => {
    const q = toQuery([statusChip("5xx")], "", "xano", "newest", Date.now());
    const csv = await api().historyExport(q, "csv");
    expect(csv.rows).toBe(fakeQuery(q).length);
    expect(csv.preview.split("\r\n")[0]).toBe("source,id,time,verb,uri,status,duration_ms");
    expect(csv.preview).not.toContain("Bearer");
    expect(exportMessage(csv.rows, csv.path)).toBe(`Saved ${csv.rows.toLocaleString("en-US")} rows to ${csv.path}`);
    expect(exportMessage(0, "/x.csv")).toContain("empty");
    const json = await fakeHistory.export(q, "json");
    expect(JSON.parse(json.preview.length < 2000 ? json.preview : "[]")).toBeDefined();
  });
});
