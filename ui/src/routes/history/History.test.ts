import { describe, expect, it } from "vitest";
import { mount, tick, unmount } from "svelte";
import History from "./History.svelte";
import { FAKE_DEV_ROWS } from "../../lib/history/fakeHistory";

/** Lets the page's promises and effects run until `done` holds (bounded: a hang guard). */
async function until(done: () => boolean) {
  for (let i = 0; i < 200 && !done(); i++) {
    await new Promise((r) => setTimeout(r, 0));
    await tick();
  }
  expect(done()).toBe(true);
}

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

  it("shows a synced branch's copy when that branch is picked", async () => {
    const target = document.createElement("div");
    document.body.appendChild(target);
    const page = mount(History, { target });
    const total = () => target.querySelector('[data-test="history-total"]')?.textContent ?? "";
    await until(() => total().includes("100,000") && target.querySelector('[data-test="add-branch"]') !== null);
    expect([...target.querySelectorAll('[data-test="sync-branch"]')].map((e) => e.textContent)).toEqual(["branch dev"]);
    const select = target.querySelector<HTMLSelectElement>('[data-test="add-branch"]')!;
    expect([...select.options].map((o) => o.textContent)).toEqual(["Live branch", "dev"]);
    select.value = "dev";
    select.dispatchEvent(new Event("change", { bubbles: true }));
    // Our own calls (one every 5,000 rows) show beside any branch's requests.
    const ours = Math.ceil((100_000 - 7) / 5000);
    await until(() => total().includes(String(FAKE_DEV_ROWS + ours)));
    expect([...target.querySelectorAll('[data-test="chip"]')].map((c) => c.textContent)).toEqual([expect.stringContaining("Branch dev")]);
    unmount(page);
  });
});
