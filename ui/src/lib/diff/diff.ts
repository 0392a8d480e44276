// Splits a unified diff (as the engine renders a client config change) into typed lines for the
// diff view: additions, removals, context and headers, with line numbers of the new file.

export type DiffLineKind = "add" | "remove" | "context" | "hunk" | "file" | "command";

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
  /** Line number in the new file (additions and context). */
  newLine: number | null;
  /** Line number in the old file (removals and context). */
  oldLine: number | null;
}

export function parseDiff(diff: string): DiffLine[] {
  const out: DiffLine[] = [];
  let oldLine = 0;
  let newLine = 0;
  for (const raw of diff.replace(/\r\n/g, "\n").split("\n")) {
    if (raw === "" ) continue;
    if (raw.startsWith("$ ")) {
      out.push({ kind: "command", text: raw, newLine: null, oldLine: null });
    } else if (raw.startsWith("+++") || raw.startsWith("---")) {
      out.push({ kind: "file", text: raw, newLine: null, oldLine: null });
    } else if (raw.startsWith("@@")) {
      const m = /@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(raw);
      oldLine = m ? Number(m[1]) : 0;
      newLine = m ? Number(m[2]) : 0;
      out.push({ kind: "hunk", text: raw, newLine: null, oldLine: null });
    } else if (raw.startsWith("+")) {
      out.push({ kind: "add", text: raw.slice(1), newLine: newLine++, oldLine: null });
    } else if (raw.startsWith("-")) {
      out.push({ kind: "remove", text: raw.slice(1), newLine: null, oldLine: oldLine++ });
    } else if (raw.startsWith("\\")) {
      out.push({ kind: "context", text: raw, newLine: null, oldLine: null });
    } else {
      out.push({ kind: "context", text: raw.startsWith(" ") ? raw.slice(1) : raw, newLine: newLine++, oldLine: oldLine++ });
    }
  }
  return out;
}

/** Counts of added and removed lines. */
export function diffStats(lines: DiffLine[]): { added: number; removed: number } {
  return {
    added: lines.filter((l) => l.kind === "add").length,
    removed: lines.filter((l) => l.kind === "remove").length,
  };
}
