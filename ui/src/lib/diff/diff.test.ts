import { describe, expect, it } from "vitest";
import { diffStats, parseDiff } from "./diff";

const diff = `--- /home/me/.cursor/mcp.json
+++ /home/me/.cursor/mcp.json
@@ -1,3 +1,9 @@
 {
-  "mcpServers": {}
+  "mcpServers": {
+    "xano-mcp": {
+      "url": "http://127.0.0.1:7717/mcp",
+      "headers": { "Authorization": "Bearer xmcp_…" }
+    }
+  }
 }
`;

describe("parseDiff", () => {
  const lines = parseDiff(diff);

  it("types every line and numbers the new file", () => {
    expect(lines.map((l) => l.kind)).toEqual(["file", "file", "hunk", "context", "remove", "add", "add", "add", "add", "add", "add", "context"]);
    expect(lines[3]).toMatchObject({ text: "{", oldLine: 1, newLine: 1 });
    expect(lines[4]).toMatchObject({ kind: "remove", oldLine: 2, newLine: null });
    expect(lines[5]).toMatchObject({ kind: "add", newLine: 2 });
    expect(lines[11]).toMatchObject({ text: "}", oldLine: 3, newLine: 8 });
  });

  it("counts changes and keeps masked tokens masked", () => {
    expect(diffStats(lines)).toEqual({ added: 6, removed: 1 });
    expect(lines.some((l) => l.text.includes("xmcp_…"))).toBe(true);
  });

  it("shows command plans as commands", () => {
    const cli = parseDiff("$ claude mcp add --transport http xano-mcp http://127.0.0.1:7717/mcp\n");
    expect(cli).toEqual([{ kind: "command", text: "$ claude mcp add --transport http xano-mcp http://127.0.0.1:7717/mcp", newLine: null, oldLine: null }]);
  });

  it("gives nothing for an empty diff", () => {
    expect(parseDiff("")).toEqual([]);
  });
});
