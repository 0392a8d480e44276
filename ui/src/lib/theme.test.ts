import { describe, expect, it } from "vitest";
import { drawnTheme } from "./theme";

describe("drawn theme", () => {
  it("follows the user's choice, and the OS for system", () => {
    expect(drawnTheme("light", true)).toBe("light");
    expect(drawnTheme("dark", false)).toBe("dark");
    expect(drawnTheme("system", true)).toBe("dark");
    expect(drawnTheme("system", false)).toBe("light");
  });
});
