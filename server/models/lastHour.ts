// What each routing target did on this node in the last hour, kept in memory: the Prometheus
// counters run from the start and nothing stores per-request timings, so the admin's screen reads
// this. One bucket per minute, dropped after an hour; a bucket's latencies are a bounded sample
// (reservoir), so memory stays fixed however busy the node is. Ids and numbers only.
import type { ModelObserver } from './observer.ts';

const MINUTE_MS = 60_000;
export const LAST_HOUR_SECONDS = 3_600;
const MINUTES = LAST_HOUR_SECONDS / 60;
/** latencies kept per target and minute: enough for a p95 of a busy minute */
const SAMPLES = 500;

interface TargetMinute {
  requests: number;
  errors: number;
  latencies: number[];
}

interface Minute {
  at: number;
  targets: Map<string, TargetMinute>;
  hits: number;
  misses: number;
}

export interface TargetHour {
  requests: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface LastHour extends ModelObserver {
  byTarget(): Map<string, TargetHour>;
  cache(): { hits: number; misses: number };
}

/** The nearest-rank percentile of sorted values (null: none). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function lastHour(now: () => number, random: () => number = Math.random): LastHour {
  const minutes: Minute[] = [];
  const current = (): Minute => {
    const at = Math.floor(now() / MINUTE_MS) * MINUTE_MS;
    while (minutes.length > 0 && minutes[0]!.at <= at - MINUTES * MINUTE_MS) minutes.shift();
    let m = minutes.at(-1);
    if (!m || m.at !== at) minutes.push((m = { at, targets: new Map(), hits: 0, misses: 0 }));
    return m;
  };
  const target = (id: string): TargetMinute => {
    const m = current();
    let t = m.targets.get(id);
    if (!t) m.targets.set(id, (t = { requests: 0, errors: 0, latencies: [] }));
    return t;
  };
  return {
    modelRequest(e) {
      if (e.cache === 'hit') current().hits += 1;
      else if (e.cache === 'miss') current().misses += 1;
      // An answer from the cache asked no target: its time says nothing of one.
      if (!e.targetId || e.cache === 'hit') return;
      const t = target(e.targetId);
      t.requests += 1;
      if (t.latencies.length < SAMPLES) t.latencies.push(e.latencyMs);
      else {
        const slot = Math.floor(random() * t.requests);
        if (slot < SAMPLES) t.latencies[slot] = e.latencyMs;
      }
    },
    attemptStarted() {},
    log(event, fields) {
      if (event === 'gateway.attempt_failed' && typeof fields.target === 'string') target(fields.target).errors += 1;
    },
    byTarget() {
      current();
      const merged = new Map<string, { requests: number; errors: number; latencies: number[] }>();
      for (const m of minutes) {
        for (const [id, t] of m.targets) {
          const into = merged.get(id) ?? { requests: 0, errors: 0, latencies: [] };
          into.requests += t.requests;
          into.errors += t.errors;
          into.latencies.push(...t.latencies);
          merged.set(id, into);
        }
      }
      return new Map(
        [...merged].map(([id, t]) => {
          const sorted = t.latencies.sort((a, b) => a - b);
          return [
            id,
            { requests: t.requests, errors: t.errors, p50Ms: percentile(sorted, 50), p95Ms: percentile(sorted, 95) },
          ];
        }),
      );
    },
    cache() {
      current();
      return minutes.reduce((sum, m) => ({ hits: sum.hits + m.hits, misses: sum.misses + m.misses }), {
        hits: 0,
        misses: 0,
      });
    },
  };
}
