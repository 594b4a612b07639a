// The appliance's V8 heap policy. A stream holds its state (the two connections' HTTP objects,
// the gateway's frames) for its whole answer, longer than V8 keeps an object young, so each
// answer promotes ~65 KB to the old generation. With V8's own growth rule, the old generation of
// the 200-stream benchmark reached its limit every 5–12 s, and each full collection (~300 ms of
// marking on two cores and a 10–35 ms pause) held up every stream in flight. Letting it grow to
// four times what the last collection kept made them rare there (none in 34 s), for a heap that
// peaked at ~350 MB instead of ~275 MB (docs/benchmarks.md).
import v8 from 'node:v8';

/** Sets how far the old generation grows past the last full collection's live size (percent); 0 gives V8's own rule back. Process-wide: every isolate, worker threads included. */
export function applyHeapGrowth(percent: number): void {
  if (!Number.isInteger(percent) || percent < 0 || percent > 1000)
    throw new RangeError(`heap growth must be an integer percent from 0 to 1000, not ${percent}`);
  v8.setFlagsFromString(`--heap-growing-percent=${percent}`);
}
