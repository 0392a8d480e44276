// Runs an async reload at most once at a time: calls that arrive while one runs are folded into a
// single rerun after it. The dashboard reloads on every recorded call; during a burst of tool calls
// that is one read in flight and one queued, not one per call.
export function coalesce(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await run();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}
