// Loads uPlot once for every chart on the page.
//
// uPlot runs `new Intl.NumberFormat(navigator.language)` when its module loads. WebKitGTK passes the
// POSIX locale through as is: started under LANG=C, C.UTF-8 or POSIX (containers, minimal installs,
// services, our e2e run), navigator.language is "C", which is no BCP 47 tag, so that line throws
// "RangeError: invalid language tag: C" and uPlot's module stops half-way. WebKit then hands later
// imports the half-evaluated module (no `uPlot.paths`), hence "undefined is not an object
// (evaluating 'U.paths.bars')" in every chart. So: give navigator a valid language before loading,
// only when its own is invalid, and fail with the first (real) error on every chart if it still breaks.
import type uPlot from "uplot";

function validTag(tag: unknown): tag is string {
  if (typeof tag !== "string" || tag === "") return false;
  try {
    new Intl.NumberFormat(tag);
    return true;
  } catch {
    return false;
  }
}

/** When `nav.language` is not a language tag Intl accepts (e.g. "C"), shadows it on `nav` with the first
 * valid one of `nav.languages`, else the runtime's default locale, else "en-US". Returns the tag it set, or null. */
export function ensureValidLanguage(nav: Navigator = navigator): string | null {
  if (validTag(nav.language)) return null;
  let tag = (nav.languages ?? []).find(validTag);
  if (!tag) {
    try {
      tag = new Intl.NumberFormat().resolvedOptions().locale;
    } catch {
      tag = undefined;
    }
  }
  if (!validTag(tag)) tag = "en-US";
  Object.defineProperty(nav, "language", { value: tag, configurable: true });
  return tag;
}

let loading: Promise<typeof uPlot> | null = null;

/** uPlot's constructor, loaded on first use (the same promise for every chart, so a load failure
 * shows its first error everywhere rather than the symptoms of a half-loaded module). */
export function loadUplot(): Promise<typeof uPlot> {
  loading ??= (async () => {
    ensureValidLanguage();
    const { default: U } = await import("uplot");
    if (typeof U?.paths?.bars !== "function") throw new Error("uPlot loaded only in part (its module failed while loading)");
    return U;
  })();
  return loading;
}
