import { afterEach, describe, expect, it } from "vitest";
import { clearMocks, mockIPC } from "@tauri-apps/api/mocks";
import { api, appInfo, BackendError, insideTauri } from "./backend";

afterEach(() => {
  clearMocks();
  delete (window as unknown as Record<string, unknown>)["__TAURI_INTERNALS__"];
});

describe("backend", () => {
  it("answers from the fake outside Tauri", async () => {
    expect(insideTauri()).toBe(false);
    const info = await appInfo();
    expect(info.version).toBe("dev");
    const account = await api().startDemo();
    expect(account.workspaces.length).toBeGreaterThan(0);
  });

  it("calls the typed commands inside Tauri", async () => {
    const seen: string[] = [];
    mockIPC((cmd) => {
      seen.push(cmd);
      if (cmd === "app_info") return { name: "Xano MCP Desktop", version: "9.9.9" };
      if (cmd === "tokens_list") return [];
      throw new Error(`unexpected command ${cmd}`);
    });
    expect(insideTauri()).toBe(true);
    expect(await appInfo()).toEqual({ name: "Xano MCP Desktop", version: "9.9.9" });
    expect(await api().tokens()).toEqual([]);
    expect(seen).toEqual(["app_info", "tokens_list"]);
  });

  it("turns a command's AppError into a BackendError with its code", async () => {
    mockIPC((cmd, payload) => {
      if (cmd === "tokens_revoke") {
        expect(payload).toEqual({ name: "gone" });
        throw { code: "TokenNotFound", name: "gone", message: "There is no token named `gone`." };
      }
      return null;
    });
    const err = await api()
      .revokeToken("gone")
      .then(() => null)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).error.code).toBe("TokenNotFound");
  });
});
