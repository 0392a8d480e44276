import { describe, expect, it } from "vitest";
import { coalesce } from "./coalesce";

describe("coalesce", () => {
  it("folds calls made during a run into one rerun", async () => {
    let runs = 0;
    const gates: (() => void)[] = [];
    const reload = coalesce(
      () =>
        new Promise<void>((resolve) => {
          runs += 1;
          gates.push(resolve);
        }),
    );
    const first = reload();
    void reload();
    void reload();
    void reload();
    expect(runs).toBe(1);
    gates.shift()!();
    await Promise.resolve();
    await Promise.resolve();
    expect(runs).toBe(2);
    gates.shift()!();
    await first;
    expect(runs).toBe(2);
    // Idle again: the next call runs at once.
    void reload();
    expect(runs).toBe(3);
    gates.shift()!();
  });

  it("keeps working after a failed run", async () => {
    let runs = 0;
    const reload = coalesce(async () => {
      runs += 1;
      if (runs === 1) throw new Error("boom");
    });
    await expect(reload()).rejects.toThrow("boom");
    await reload();
    expect(runs).toBe(2);
  });
});
