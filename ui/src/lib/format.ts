// Small display helpers shared by the pages.

/** "3 min ago", "in 2 days". */
export function relative(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined) return "never";
  const diff = ms - now;
  const abs = Math.abs(diff);
  const units: [number, string][] = [
    [86_400_000, "day"],
    [3_600_000, "hour"],
    [60_000, "min"],
  ];
  let text = "less than a minute";
  for (const [size, name] of units) {
    if (abs >= size) {
      const n = Math.floor(abs / size);
      text = `${n} ${name}${n === 1 || name === "min" ? "" : "s"}`;
      break;
    }
  }
  return diff >= 0 ? `in ${text}` : `${text} ago`;
}

/** A local date and time. */
export function when(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return new Date(ms).toLocaleString();
}

/** Pretty JSON. */
export function pretty(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export const tierLabel: Record<string, string> = {
  read_only: "Read Only",
  read_write: "Read/Write",
  full_access: "Full Access",
};

export const approvalLabel: Record<string, string> = {
  off: "No approval",
  destructive: "Approve deletes",
  all_writes: "Approve every change",
};

/** Copies text; falls back to a hidden textarea where the clipboard API is not allowed. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}
