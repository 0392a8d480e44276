import { describe, expect, it } from "vitest";
import { mount, tick, unmount } from "svelte";
import App from "./App.svelte";

async function until(done: () => boolean) {
  for (let i = 0; i < 200 && !done(); i++) {
    await new Promise((r) => setTimeout(r, 0));
    await tick();
  }
  expect(done()).toBe(true);
}

describe("App shell", () => {
  it("says why the window stays when there is no tray to hide it to", async () => {
    const target = document.createElement("div");
    document.body.appendChild(target);
    const app = mount(App, { target });
    const button = target.querySelector<HTMLButtonElement>('[data-test="hide-window"]');
    expect(button?.textContent).toContain("Hide window");
    expect(target.querySelector('[data-test="hide-note"]')).toBeNull();
    button!.click();
    await until(() => target.querySelector('[data-test="hide-note"]') !== null);
    expect(target.querySelector('[data-test="hide-note"]')?.textContent).toContain("no tray icon");
    unmount(app);
    target.remove();
  });
});
