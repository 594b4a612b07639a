// Re-reads that follow a stream of change frames: every console reads the queue when the staff channel
// says it changed, so a burst of frames must not become a burst of reads (each one a database
// transaction). At most one read is in flight; frames during it ask for exactly one more.

/** Wraps `read` so that calls while it runs collapse into a single read after it. */
export function coalesced(read: () => Promise<unknown>): () => Promise<void> {
  let inFlight = false;
  let again = false;
  return async () => {
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    try {
      do {
        again = false;
        await read();
      } while (again);
    } finally {
      inFlight = false;
    }
  };
}
