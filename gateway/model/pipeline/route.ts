// Step 2, route: the policy's decision for what redaction found, narrowed to the target a caller
// named; then whether the route lets any model answer at all.
import { decideRoute, type ChainTarget, type RouteDecision } from '../../routing/decide.ts';
import type { Redacted } from './redact.ts';
import { refused, type Ending, type Run } from './state.ts';

/** The route, on the record and to the caller (the `route` event). */
export function chooseRoute(run: Run, redacted: Pick<Redacted, 'ok' | 'counts'>): RouteDecision {
  const { req, policy } = run;
  const decided = decideRoute(policy, {
    entityCounts: redacted.counts,
    cloudAllowed: req.cloudAllowed,
    site: req.site,
    sensitivity: req.sensitivity ?? 'normal',
    redaction: redacted.ok ? 'ok' : 'failed',
  });
  // A caller's named target narrows the chain (and so the answer cache's key); it never widens
  // it, and a cloud target that a `local` rule keeps as a fallback stays a fallback.
  const named = (t: ChainTarget) => t.id === req.target && (t.location !== 'cloud' || decided.action === 'cloud');
  const decision = req.target === undefined ? decided : { ...decided, chain: decided.chain.filter(named) };
  Object.assign(run.record, { route: decision.action, ruleId: decision.ruleId, policyHash: decision.policyHash });
  run.out.event({ type: 'route', decision });
  return decision;
}

/** The ending when no model may answer: blocked, a person's, redaction failed, or the named target is not in the route. */
export function refusal(run: Run, decision: RouteDecision, redactionOk: boolean): Ending | undefined {
  if (!redactionOk) run.record.failure = 'redaction_failed';
  if (decision.action === 'block' || decision.action === 'human' || !redactionOk) {
    return refused(decision.action === 'block' ? 'blocked' : 'human', decision.overridden ?? decision.ruleId);
  }
  if (decision.chain.length === 0 && run.req.target !== undefined) {
    run.record.failure = 'target_not_in_route';
    return refused('human', 'target_not_in_route');
  }
  return undefined;
}
