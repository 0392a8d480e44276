import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { appInfo, insideTauri } from "./backend";

afterEach(() => {
  clearMocks();
  delete (window as unknown as Record<string, unknown>)["__TAURI_INTERNALS__"];
});

describe("backend.appInfo", () => {
  it("answers with a placeholder outside Tauri", async () => {
    expect(insideTauri()).toBe(false);
    const info = await appInfo();
    expect(info.version).toBe("dev");
  });

  it("calls the typed app_info command inside Tauri", async () => {
    const seen: string[] = [];
    mockIPC((cmd) => {
      seen.push(cmd);
      if (cmd === "app_info") return { name: "Xano MCP Desktop", version: "9.9.9" };
      throw new Error(`unexpected command ${cmd}`);
    });
    expect(insideTauri()).toBe(true);
    const info = await appInfo();
    expect(info).toEqual({ name: "Xano MCP Desktop", version: "9.9.9" });
    expect(seen).toEqual(["app_info"]);
  });
});
