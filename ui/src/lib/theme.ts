// The theme the page is drawn in: the user's choice, with "system" resolved from the OS setting,
// so the dark colours are written once (for `data-theme="dark"`).
import type { UiPrefs } from "../bindings";

export type DrawnTheme = "light" | "dark";

export function drawnTheme(choice: UiPrefs["theme"], systemPrefersDark: boolean): DrawnTheme {
  if (choice === "system") return systemPrefersDark ? "dark" : "light";
  return choice;
}

/** Whether the OS asks for dark colours now (false where it cannot be asked, e.g. jsdom). */
export function systemDarkQuery(): MediaQueryList | null {
  return typeof window !== "undefined" && typeof window.matchMedia === "function" ? window.matchMedia("(prefers-color-scheme: dark)") : null;
}
