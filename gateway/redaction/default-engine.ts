// The engine with the stock analyzer (all recognizers), for the server and `palisade redact`.
// The analyzer drops findings below its own floor, so that floor is lowered to the policy's
// lowest threshold: a policy asking for 0.4 on cards must see the 0.4 findings.
import { inProcessAnalyzers, type AnalyzerSource } from './analyzer-pool.ts';
import { createRedactionEngine, type RedactionEngine } from './engine.ts';
import { ruleFor, type RedactionPolicy } from './policy.ts';
import { ENTITY_TYPES } from './types.ts';

export interface DefaultRedactionEngineDeps {
  policy: RedactionPolicy;
  hmacKey: Uint8Array;
  timeoutMs?: number;
  /** where the analyzer runs (a thread pool in the server); default: this thread */
  analyzers?: AnalyzerSource;
  /** see RedactionEngineDeps.audience (default: model, placeholders instead of masks) */
  audience?: 'model' | 'person';
}

export function createDefaultRedactionEngine({
  policy,
  hmacKey,
  timeoutMs,
  analyzers = inProcessAnalyzers(),
  audience = 'model',
}: DefaultRedactionEngineDeps): RedactionEngine {
  const minScore = Math.min(...ENTITY_TYPES.map((type) => ruleFor(policy, type).threshold));
  const analyzer = analyzers.analyzer(timeoutMs === undefined ? { minScore } : { minScore, timeoutMs });
  return createRedactionEngine(
    timeoutMs === undefined
      ? { analyzer, policy, hmacKey, audience }
      : { analyzer, policy, hmacKey, timeoutMs, audience },
  );
}
