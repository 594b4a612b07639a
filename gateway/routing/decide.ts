// Policy + what the redaction found + consent → a route. The first matching rule wins. Two
// guarantees hold whatever the file says: nothing goes to any model when redaction failed, and
// nothing goes to a cloud target without cloud consent. An empty chain becomes a human handoff.
import type { EntityType } from '../redaction/types.ts';
import type { RouteAction, RoutingPolicy, RoutingRule, RoutingTarget, Sensitivity } from './policy.ts';

export interface RouteFacts {
  entityCounts: Partial<Record<EntityType, number>>;
  cloudAllowed: boolean;
  site?: string;
  sensitivity: Sensitivity;
  redaction: 'ok' | 'failed';
}

export interface ChainTarget extends RoutingTarget {
  id: string;
}

export interface RouteDecision {
  action: RouteAction;
  ruleId: string;
  policyHash: string;
  chain: ChainTarget[];
  /** why the action differs from the rule's, when it does */
  overridden?: 'redaction_failed' | 'no_cloud_consent' | 'empty_chain';
}

function matches(rule: RoutingRule, facts: RouteFacts): boolean {
  const w = rule.when;
  const present = Object.entries(facts.entityCounts)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([t]) => t);
  if (w.entitiesAny && !w.entitiesAny.some((t) => present.includes(t))) return false;
  if (w.hasEntities !== undefined && w.hasEntities !== present.length > 0) return false;
  if (w.cloudAllowed !== undefined && w.cloudAllowed !== facts.cloudAllowed) return false;
  if (w.sites && (facts.site === undefined || !w.sites.includes(facts.site))) return false;
  if (w.sensitivity && !w.sensitivity.includes(facts.sensitivity)) return false;
  if (w.redaction && w.redaction !== facts.redaction) return false;
  return true;
}

export function decideRoute(policy: RoutingPolicy, facts: RouteFacts): RouteDecision {
  // The schema requires a catch-all last rule, so a match always exists.
  const rule = policy.rules.find((r) => matches(r, facts)) ?? policy.rules[policy.rules.length - 1]!;
  const base = { ruleId: rule.id, policyHash: policy.hash };
  if (rule.action === 'block' || rule.action === 'human') return { ...base, action: rule.action, chain: [] };
  if (facts.redaction === 'failed') return { ...base, action: 'human', chain: [], overridden: 'redaction_failed' };

  const chain: ChainTarget[] = [];
  let droppedCloud = false;
  for (const id of rule.chain) {
    const target = policy.targets[id];
    if (!target) continue;
    const cloudOk = facts.cloudAllowed && (rule.action === 'cloud' || rule.allowCloudFallback);
    if (target.location === 'cloud' && !cloudOk) {
      droppedCloud = true;
      continue;
    }
    chain.push({ id, ...target });
  }
  if (chain.length === 0)
    return { ...base, action: 'human', chain, overridden: droppedCloud ? 'no_cloud_consent' : 'empty_chain' };
  return { ...base, action: rule.action, chain };
}
