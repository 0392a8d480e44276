import { afterEach, describe, expect, it, vi } from "vitest";
import { flushSync, mount, unmount } from "svelte";
import ErrorBox from "./ErrorBox.svelte";
import { describeError, isAppError } from "./describe";

let target: HTMLElement;
let component: ReturnType<typeof mount> | null = null;

afterEach(() => {
  if (component) unmount(component);
  component = null;
  target?.remove();
});

function render(error: unknown, onretry?: () => void) {
  target = document.createElement("div");
  document.body.appendChild(target);
  component = mount(ErrorBox, { target, props: onretry ? { error, onretry } : { error } });
  flushSync();
  return target;
}

describe("describeError", () => {
  it("keeps the engine's message and adds a title and an action", () => {
    const shown = describeError({ code: "PortInUse", port: 7717, heldByXanoMcp: false, message: "Port 7717 is taken. Pick another port in Settings." });
    expect(shown.title).toBe("The server's port is taken");
    expect(shown.message).toContain("Pick another port");
    expect(shown.action?.href).toBe("#/settings");
  });

  it("unwraps a thrown backend error", () => {
    const shown = describeError({ error: { code: "XanoAuthInvalid", message: "Xano said the token is invalid." } });
    expect(shown.code).toBe("XanoAuthInvalid");
    expect(shown.action).toBeNull();
  });

  it("still says what to do for anything else", () => {
    const shown = describeError(new Error("boom"));
    expect(shown.code).toBe("Unexpected");
    expect(shown.message).toContain("boom");
    expect(shown.message).toContain("restart the app");
    expect(isAppError({ code: "Nope", message: "x" })).toBe(false);
  });
});

describe("ErrorBox", () => {
  it("is announced, shows the next step and retries", () => {
    const retry = vi.fn();
    const el = render({ code: "NotSignedIn", message: "Run the setup first." }, retry);
    const box = el.querySelector('[role="alert"]');
    expect(box?.getAttribute("data-code")).toBe("NotSignedIn");
    expect(box?.textContent).toContain("Not connected to Xano yet");
    expect(el.querySelector("a")?.getAttribute("href")).toBe("#/wizard");
    el.querySelector("button")?.click();
    expect(retry).toHaveBeenCalledOnce();
  });
});
