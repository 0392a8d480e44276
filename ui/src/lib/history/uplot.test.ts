import { afterEach, describe, expect, it } from "vitest";
import { ensureValidLanguage, loadUplot } from "./uplot";

// WebKitGTK under LANG=C / C.UTF-8 reports navigator.language "C", which made uPlot's module throw
// "RangeError: invalid language tag: C" while loading (every chart then failed in the real app).
const fakeNav = (language: string, languages: string[] = [language]) => ({ language, languages }) as unknown as Navigator;

describe("uPlot loading", () => {
  afterEach(() => {
    delete (navigator as unknown as Record<string, unknown>).language;
  });

  it("keeps a valid language as it is", () => {
    const nav = fakeNav("de-DE");
    expect(ensureValidLanguage(nav)).toBeNull();
    expect(nav.language).toBe("de-DE");
  });

  it("replaces a POSIX locale name with a valid tag", () => {
    expect(() => new Intl.NumberFormat("C")).toThrow(RangeError);
    const nav = fakeNav("C", ["C", "fr-FR"]);
    expect(ensureValidLanguage(nav)).toBe("fr-FR");
    expect(nav.language).toBe("fr-FR");
    const bare = fakeNav("en_US.UTF-8", []);
    const tag = ensureValidLanguage(bare);
    expect(tag).toBeTruthy();
    expect(() => new Intl.NumberFormat(bare.language)).not.toThrow();
  });

  it("loads all of uPlot when the webview's language is \"C\"", async () => {
    Object.defineProperty(navigator, "language", { value: "C", configurable: true });
    // jsdom has no matchMedia, which uPlot also calls while loading (to follow the pixel ratio).
    window.matchMedia ??= ((query: string) =>
      ({ matches: false, media: query, addEventListener() {}, removeEventListener() {} }) as unknown as MediaQueryList);
    const U = await loadUplot();
    expect(typeof U.paths.bars).toBe("function");
    expect(navigator.language).not.toBe("C");
    expect(await loadUplot()).toBe(U);
  });
});
