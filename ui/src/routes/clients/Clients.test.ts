import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import Clients from "./Clients.svelte";

let target: HTMLElement;
let page: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (page) unmount(page);
  page = null;
  target?.remove();
});

// The fake backend answers in microtasks; one macrotask later every answer has arrived.
async function settle() {
  await new Promise((r) => setTimeout(r, 0));
  flushSync();
}

const rows = () => [...target.querySelectorAll("[data-test^='client-row-']")].map((r) => r.getAttribute("data-test")?.slice("client-row-".length));

describe("AI apps page", () => {
  it("switches to a project folder: only the apps with a project config, planned inside it", async () => {
    target = document.createElement("div");
    document.body.appendChild(target);
    page = mount(Clients, { target });
    await settle();
    expect(rows()).toEqual(["claude-desktop", "cursor", "claude-code", "vscode", "windsurf", "zed"]);

    const input = target.querySelector("[data-test='project-dir']") as HTMLInputElement;
    input.value = "/home/me/shop";
    input.dispatchEvent(new Event("input"));
    flushSync();
    (target.querySelector("[data-test='show-project']") as HTMLButtonElement).click();
    await settle();
    expect(rows()).toEqual(["cursor", "claude-code", "vscode"]);
    expect(target.textContent).toContain("/home/me/shop/.cursor/mcp.json");

    const connect = target.querySelector("[data-test='client-row-cursor'] button") as HTMLButtonElement;
    connect.click();
    await settle();
    expect(target.textContent).toContain("+++ /home/me/shop/.cursor/mcp.json");

    input.value = "not/absolute";
    input.dispatchEvent(new Event("input"));
    flushSync();
    (target.querySelector("[data-test='show-project']") as HTMLButtonElement).click();
    await settle();
    expect(target.textContent).toContain("is not a full path");
  });

  it("takes the project folder from the system's picker", async () => {
    target = document.createElement("div");
    document.body.appendChild(target);
    page = mount(Clients, { target });
    await settle();
    (target.querySelector("[data-test='choose-folder']") as HTMLButtonElement).click();
    await settle();
    await settle();
    expect((target.querySelector("[data-test='project-dir']") as HTMLInputElement).value).toBe("/home/me/picked-app");
    expect(rows()).toEqual(["cursor", "claude-code", "vscode"]);
    expect(target.textContent).toContain("Showing the project /home/me/picked-app");
  });
});
