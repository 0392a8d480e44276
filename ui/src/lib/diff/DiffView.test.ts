import { afterEach, describe, expect, it } from "vitest";
import { mount, unmount, flushSync } from "svelte";
import DiffView from "./DiffView.svelte";

let target: HTMLElement;
let component: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (component) unmount(component);
  component = null;
  target?.remove();
});

function render(diff: string) {
  target = document.createElement("div");
  document.body.appendChild(target);
  component = mount(DiffView, { target, props: { diff, label: "~/.cursor/mcp.json" } });
  flushSync();
  return target;
}

describe("DiffView", () => {
  it("marks added and removed lines with text, not only colour", () => {
    const el = render("@@ -1,2 +1,2 @@\n {\n-  \"a\": 1\n+  \"b\": 2\n }\n");
    const added = el.querySelector(".line.add");
    const removed = el.querySelector(".line.remove");
    expect(added?.textContent).toContain("added:");
    expect(added?.textContent).toContain('"b": 2');
    expect(removed?.textContent).toContain("removed:");
    expect(el.querySelector("figcaption")?.textContent).toContain("+1 added");
    expect(el.querySelector("pre")?.getAttribute("tabindex")).toBe("0");
  });

  it("says when nothing changes", () => {
    const el = render("");
    expect(el.textContent).toContain("No change");
    expect(el.querySelector("pre")).toBeNull();
  });
});
