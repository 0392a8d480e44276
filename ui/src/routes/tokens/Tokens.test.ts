import { afterEach, describe, expect, it } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import Tokens from "./Tokens.svelte";
import { api } from "../../lib/backend";

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

function click(el: Element | null) {
  expect(el, "element to click").not.toBeNull();
  (el as HTMLElement).click();
  flushSync();
}

describe("Access tokens page", () => {
  it("changes a token's access without a new secret, and keeps the expiry unless asked", async () => {
    const created = await api().createToken({
      name: "edit-me",
      tier: "read_only",
      workspaces: [],
      tables: [],
      expiresInDays: 7,
      approval: "off",
      rateLimitPerMinute: null,
    });
    target = document.createElement("div");
    document.body.appendChild(target);
    page = mount(Tokens, { target });
    await settle();
    const row = () => target.querySelector('[data-test="token-row-edit-me"]');
    expect(row()?.textContent).toContain("All workspaces");

    click(target.querySelector('[data-test="edit-edit-me"]'));
    const form = target.querySelector('[data-test="edit-form-edit-me"]') as HTMLFormElement;
    expect(form).not.toBeNull();
    const tier = form.querySelector("#edit-tier") as HTMLSelectElement;
    tier.value = "read_write";
    tier.dispatchEvent(new Event("change"));
    const tables = form.querySelector("#edit-tables") as HTMLInputElement;
    tables.value = "orders, customers";
    tables.dispatchEvent(new Event("input"));
    flushSync();
    click(form.querySelector('[data-test="save-edit-me"]'));
    await settle();

    expect(target.querySelector('[data-test="edit-form-edit-me"]')).toBeNull();
    expect(row()?.textContent).toContain("tables orders, customers");
    expect(target.textContent).toContain("gets the new access from its next call");
    const after = (await api().tokens()).find((t) => t.name === "edit-me");
    expect(after?.tier).toBe("read_write");
    expect(after?.expiresAtMs).toBe(created.info.expiresAtMs);
    expect(after?.id).toBe(created.info.id);
  });

  it("creates a token with the grant's fields", async () => {
    target = document.createElement("div");
    document.body.appendChild(target);
    page = mount(Tokens, { target });
    await settle();
    const set = (selector: string, value: string, event: "input" | "change") => {
      const el = target.querySelector(selector) as HTMLInputElement | HTMLSelectElement;
      expect(el, selector).not.toBeNull();
      el.value = value;
      el.dispatchEvent(new Event(event));
    };
    set("#tok-name", "new-one", "input");
    set("#tok-tier", "full_access", "change");
    set("#tok-approval", "all_writes", "change");
    set("#tok-expiry", "never", "change");
    set("#tok-tables", "orders", "input");
    expect(target.querySelector('#tok-expiry option[value="keep"]')).toBeNull();
    flushSync();
    click(target.querySelector('[data-test="create-token"]'));
    await settle();
    const made = (await api().tokens()).find((t) => t.name === "new-one");
    expect(made).toMatchObject({ tier: "full_access", approval: "all_writes", expiresAtMs: null, tables: ["orders"] });
    expect(target.textContent).toContain("Done, I copied it");
  });
});
