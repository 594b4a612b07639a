// The gateway's metrics, from what it already reports: the model.request record at a request's
// end, each attempt's start, and its log events (ids and counts only, never text).
import type { ModelObserver } from '../models/service.ts';
import { labelValue, type Metrics } from './registry.ts';

export function gatewayObserver(m: Metrics): ModelObserver {
  const g = m.gateway;
  // The record object is the request's own: the target of its previous attempt tells a retry from a fallback.
  const lastTarget = new WeakMap<object, string | null>();
  return {
    modelRequest(e) {
      const target = labelValue(e.targetId);
      g.requests.inc({ target, outcome: e.outcome });
      g.latency.observe({ target, outcome: e.outcome }, e.latencyMs / 1000);
      if (e.firstTokenMs !== null) g.firstToken.observe({ target }, e.firstTokenMs / 1000);
      if (e.tokensIn) g.tokens.inc({ target, direction: 'in' }, e.tokensIn);
      if (e.tokensOut) g.tokens.inc({ target, direction: 'out' }, e.tokensOut);
      if (e.fallback) g.fallbacks.inc({ from: labelValue(e.fallback.from), failure: e.fallback.failure });
      g.cache.inc({ result: e.cache });
      for (const [type, n] of Object.entries(e.entityCounts)) if (n) m.redaction.entities.inc({ type }, n);
      if (e.failure === 'redaction_failed') m.redaction.failures.inc();
    },
    attemptStarted(e) {
      if (lastTarget.has(e) && lastTarget.get(e) === e.targetId) g.retries.inc({ target: labelValue(e.targetId) });
      lastTarget.set(e, e.targetId);
    },
    log(event, fields) {
      const target = labelValue(typeof fields.target === 'string' ? fields.target : null);
      if (event === 'gateway.attempt_failed') g.errors.inc({ target, failure: labelValue(String(fields.failure)) });
      else if (event === 'gateway.target_cooling') g.cooldowns.inc({ target });
    },
  };
}
