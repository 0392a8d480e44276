// The History page's logic, kept out of the component so it is tested on its own: filter chips
// and how they become the backend's query, the virtual window of the table (fixed row height),
// which pages of rows the window needs, and the export messages.
import type { HistoryQuery, HistorySortView, HistorySourceView, StatusClassView } from "../../bindings";

/** One removable filter. `id` is unique per kind+value. */
export type Chip =
  | { kind: "time"; id: string; label: string; sinceMsAgo: number }
  | { kind: "status"; id: string; label: string; value: StatusClassView }
  | { kind: "verb"; id: string; label: string; value: string }
  | { kind: "slower"; id: string; label: string; ms: number }
  | { kind: "workspace"; id: string; label: string; value: number }
  | { kind: "branch"; id: string; label: string; value: string };

export const TIME_CHOICES: { label: string; ms: number }[] = [
  { label: "Last 15 minutes", ms: 15 * 60_000 },
  { label: "Last hour", ms: 3_600_000 },
  { label: "Last 24 hours", ms: 86_400_000 },
  { label: "Last 7 days", ms: 7 * 86_400_000 },
  { label: "Last 30 days", ms: 30 * 86_400_000 },
];

export const STATUS_CHOICES: { value: StatusClassView; label: string }[] = [
  { value: "2xx", label: "Succeeded (2xx)" },
  { value: "3xx", label: "Redirected (3xx)" },
  { value: "4xx", label: "Client errors (4xx)" },
  { value: "5xx", label: "Server errors (5xx)" },
];

export const VERB_CHOICES = ["GET", "POST", "PUT", "PATCH", "DELETE", "MCP"];

export const SLOWER_CHOICES = [100, 500, 1000, 3000];

export function timeChip(ms: number): Chip {
  const label = TIME_CHOICES.find((c) => c.ms === ms)?.label ?? `Last ${Math.round(ms / 60_000)} min`;
  return { kind: "time", id: "time", label, sinceMsAgo: ms };
}

export function statusChip(value: StatusClassView): Chip {
  const label = STATUS_CHOICES.find((c) => c.value === value)?.label ?? value;
  return { kind: "status", id: `status:${value}`, label, value };
}

export function verbChip(value: string): Chip {
  const v = value.trim().toUpperCase();
  return { kind: "verb", id: `verb:${v}`, label: v === "MCP" ? "AI app calls (MCP)" : `Method ${v}`, value: v };
}

export function slowerChip(ms: number): Chip {
  return { kind: "slower", id: "slower", label: `Slower than ${ms >= 1000 ? `${ms / 1000} s` : `${ms} ms`}`, ms };
}

export function workspaceChip(id: number, name: string): Chip {
  return { kind: "workspace", id: "workspace", label: `Workspace ${name}`, value: id };
}

/** Shows the synced copy of a branch (without it: what Xano logs without naming a branch). */
export function branchChip(label: string): Chip {
  return { kind: "branch", id: "branch", label: `Branch ${label}`, value: label };
}

/** The branches that have a synced copy of their own, in order, once each. */
export function syncedBranches(scopes: { branch: string | null }[]): string[] {
  return [...new Set(scopes.flatMap((s) => (s.branch ? [s.branch] : [])))].sort();
}

/** A sync scope's key: one workspace and branch. */
export function scopeKey(s: { workspaceId: number; branch: string | null }): string {
  return `${s.workspaceId}:${s.branch ?? ""}`;
}

/** Replaces (or adds) one scope's sync state, keeping the list ordered by workspace, then branch. */
export function mergeScope<T extends { workspaceId: number; branch: string | null }>(list: T[], next: T): T[] {
  const others = list.filter((x) => scopeKey(x) !== scopeKey(next));
  return [...others, next].sort((a, b) => a.workspaceId - b.workspaceId || (a.branch ?? "").localeCompare(b.branch ?? ""));
}

/** Adds a chip; a time, duration, workspace or branch chip replaces the one before, others are unique. */
export function addChip(chips: Chip[], chip: Chip): Chip[] {
  return [...chips.filter((c) => c.id !== chip.id), chip];
}

export function removeChip(chips: Chip[], id: string): Chip[] {
  return chips.filter((c) => c.id !== id);
}

/** The errors filter: 4xx and 5xx. */
export function errorChips(chips: Chip[]): Chip[] {
  return addChip(addChip(chips, statusChip("4xx")), statusChip("5xx"));
}

/** The backend query of the chips, the free text, the source and the sort, at `now`. */
export function toQuery(
  chips: Chip[],
  text: string,
  source: HistorySourceView,
  sort: HistorySortView,
  now: number,
): HistoryQuery {
  const q: HistoryQuery = {
    workspaceId: null,
    branch: null,
    sinceMs: null,
    untilMs: null,
    statusClasses: [],
    statuses: [],
    verbs: [],
    text: text.trim() === "" ? null : text.trim(),
    minDurationMs: null,
    apiGroupId: null,
    source,
    sort,
  };
  for (const c of chips) {
    if (c.kind === "time") q.sinceMs = now - c.sinceMsAgo;
    else if (c.kind === "status") q.statusClasses = [...(q.statusClasses ?? []), c.value];
    else if (c.kind === "verb") q.verbs = [...(q.verbs ?? []), c.value];
    else if (c.kind === "slower") q.minDurationMs = c.ms;
    else if (c.kind === "workspace") q.workspaceId = c.value;
    else if (c.kind === "branch") q.branch = c.value;
  }
  // Asking for our calls by method means showing them.
  if (q.verbs?.includes("MCP") && source === "xano") q.source = "both";
  return q;
}

/** The rows the table draws: `first..last` (exclusive), and where the first one sits. */
export interface VirtualWindow {
  first: number;
  last: number;
  offsetY: number;
  height: number;
}

/** Which rows a viewport of `viewport` px scrolled to `scrollTop` shows, plus `overscan` rows. */
export function virtualWindow(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  total: number,
  overscan = 8,
): VirtualWindow {
  const height = total * rowHeight;
  if (total <= 0 || rowHeight <= 0) return { first: 0, last: 0, offsetY: 0, height: 0 };
  const top = Math.max(0, Math.min(scrollTop, Math.max(0, height - viewport)));
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(total, Math.ceil((top + viewport) / rowHeight) + overscan);
  return { first, last, offsetY: first * rowHeight, height };
}

/** The page numbers (of `pageSize` rows) that hold rows `first..last`. */
export function pagesFor(first: number, last: number, pageSize: number): number[] {
  if (last <= first) return [];
  const out: number[] = [];
  for (let p = Math.floor(first / pageSize); p <= Math.floor((last - 1) / pageSize); p++) out.push(p);
  return out;
}

/** A cache of fetched pages for one query; `generation` changes when the query does. */
export class PageCache<T> {
  private pages = new Map<number, T[]>();
  private pending = new Set<number>();
  generation = 0;
  constructor(readonly pageSize: number) {}

  reset(): void {
    this.pages.clear();
    this.pending.clear();
    this.generation++;
  }

  row(i: number): T | undefined {
    return this.pages.get(Math.floor(i / this.pageSize))?.[i % this.pageSize];
  }

  /** The pages of `first..last` not fetched or being fetched (and marks them as being fetched). */
  claim(first: number, last: number): number[] {
    const need = pagesFor(first, last, this.pageSize).filter((p) => !this.pages.has(p) && !this.pending.has(p));
    need.forEach((p) => this.pending.add(p));
    return need;
  }

  /** Stores a fetched page unless the query changed meanwhile. */
  put(page: number, rows: T[], generation: number): boolean {
    if (generation !== this.generation) return false;
    this.pending.delete(page);
    this.pages.set(page, rows);
    return true;
  }

  fail(page: number, generation: number): void {
    if (generation === this.generation) this.pending.delete(page);
  }
}

/** "1,234 rows" etc. */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** What the page says after an export. */
export function exportMessage(rows: number, path: string): string {
  return rows === 0
    ? `Nothing matched the filters, so the file ${path} is empty apart from its header.`
    : `Saved ${count(rows, "row")} to ${path}`;
}

/** A duration for people: "85 ms", "1.2 s". */
export function duration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return "—";
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms >= 10_000 ? 0 : 1)} s` : `${Math.round(ms)} ms`;
}

/** The status class of a code, for colour and words. */
export function statusKind(status: number): "ok" | "warn" | "bad" {
  if (status >= 500) return "bad";
  if (status >= 400) return "warn";
  return "ok";
}
