// The one module that talks to the Rust side. Pages import from here, never from bindings.ts or
// @tauri-apps/api directly, so a browser-only fake can stand in during UI development.
import { commands, type AppInfo } from "../bindings";

export type { AppInfo };

/** True when the page runs inside the Tauri webview (and not in a plain browser tab). */
export function insideTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/** Name and version of the app; in a plain browser a placeholder says so. */
export async function appInfo(): Promise<AppInfo> {
  if (!insideTauri()) return { name: "Xano MCP Desktop (browser preview)", version: "dev" };
  return commands.appInfo();
}
