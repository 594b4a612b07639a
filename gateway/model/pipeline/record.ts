// The audit record's last step: what the request came to (its ending, or the failure it threw),
// its latency, its log line and fallback count, then the one `model.request` record to the sink.
import { ProviderError, RequestCancelled } from '../errors.ts';
import type { Ending, Run, Shared } from './state.ts';

/** The record's outcome from the ending (set once, here). */
export function recordEnding(run: Run, ending: Ending): void {
  run.record.outcome = ending.outcome;
}

/** The record's outcome from a failure the request threw (the caller leaving, or a model failing after text). */
export function recordThrown(run: Run, error: unknown): void {
  run.record.outcome = error instanceof RequestCancelled ? 'cancelled' : 'failed';
  if (error instanceof ProviderError) run.record.failure = error.failure;
}

/** Settles the request's record and hands it to the sink (the gateway waits for what the sink returns). */
export async function closeRecord(shared: Shared, run: Run, started: number): Promise<void> {
  const { record } = run;
  shared.cooldowns.release(run.token);
  if (record.fallback) {
    const { cause } = record.fallback;
    shared.fallbacks[cause] = (shared.fallbacks[cause] ?? 0) + 1;
    run.log('gateway.fallback', {
      from: record.fallback.from,
      failure: record.fallback.failure,
      cause,
      target: record.targetId,
      outcome: record.outcome,
    });
  }
  if (run.signal.aborted && record.outcome === 'failed') record.outcome = 'cancelled';
  record.latencyMs = Math.round(shared.clock.now() - started);
  run.log('gateway.request', {
    outcome: record.outcome,
    route: record.route,
    target: record.targetId,
    attempts: record.attempts,
    latencyMs: record.latencyMs,
    tokensOut: record.tokensOut,
  });
  await shared.deps.audit.modelRequest(record);
}
