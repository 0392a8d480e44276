import { describe, expect, it } from "vitest";
import { mount, tick, unmount } from "svelte";
import History from "./History.svelte";

describe("History page", () => {
  it("mounts on the fake backend and shows the rows and the sync state", async () => {
    const target = document.createElement("div");
    document.body.appendChild(target);
    const page = mount(History, { target });
    for (let i = 0; i < 20 && !target.querySelector('[data-test="history-row"]'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      await tick();
    }
    expect(target.querySelector('[data-test="history-total"]')?.textContent).toContain("100,000");
    expect(target.querySelectorAll('[data-test="history-row"]').length).toBeLessThan(60);
    expect(target.textContent).toContain("Acme Store");
    unmount(page);
  });
});
