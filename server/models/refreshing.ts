// A value read from the database at most once per ttl and refreshed ahead of need, so that requests
// do not queue behind the read (on PGlite's one connection, behind whatever holds it).
/**
 * A value read at most once per `ttlMs`. Once one is known, a caller after `ttlMs` gets it at once
 * while one read refreshes it in the background: no request waits on the database for it (on
 * PGlite's one connection a read queued behind an audit-sealing transaction held every request
 * that arrived meanwhile). Up to `maxStaleMs` old only: after that, or before any value, callers
 * wait for a read, and a failed read fails them (nobody is served a value it could not confirm).
 */
export function refreshingValue<T>(
  read: () => Promise<T>,
  opts: { ttlMs: number; maxStaleMs: number; now?: () => number },
): () => Promise<T> {
  const now = opts.now ?? (() => performance.now());
  let known: { at: number; value: T } | undefined;
  let reading: Promise<T> | undefined;
  const refresh = () => {
    // A value's age counts from when its read began: nothing it could have missed is older.
    const started = now();
    reading ??= read().then(
      (value) => {
        known = { at: started, value };
        reading = undefined;
        return value;
      },
      (error: unknown) => {
        reading = undefined;
        throw error;
      },
    );
    return reading;
  };
  return () => {
    const age = known ? now() - known.at : Infinity;
    if (age < opts.ttlMs) return Promise.resolve(known!.value);
    if (age < opts.maxStaleMs) {
      refresh().catch(() => undefined); // a failed refresh: the next caller tries again
      return Promise.resolve(known!.value);
    }
    return refresh();
  };
}
