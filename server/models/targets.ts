// The routing targets as this node sees them, for the admin: each one's state, its last hour here,
// the hosts behind a pool, the cloud budgets in their current window and the answer cache's hit
// rate. Ids, hosts and numbers only: nothing a person wrote.
import type { DataSource } from 'typeorm';
import type { TargetHealth } from '../../gateway/index.ts';
import type { ModelTargetsAnswer, TargetState } from '../../protocol/system.ts';
import { budgetsInUse } from './budgets.ts';
import { LAST_HOUR_SECONDS } from './lastHour.ts';
import type { ModelService } from './service.ts';

/**
 * One state per target. Guarantees: a target without a client here is `not_configured` whatever
 * else is said of it; a model that failed to load, or a pool none of whose hosts answers, is
 * `down`; a target resting after failures is `cooling_down` (it gets only the one probe).
 */
export function targetState(t: Pick<TargetHealth, 'configured' | 'cooling' | 'load' | 'hosts'>): TargetState {
  if (!t.configured) return 'not_configured';
  if (t.load === 'failed') return 'down';
  if (t.load === 'loading' || t.load === 'idle') return 'loading';
  if (t.cooling) return 'cooling_down';
  if (t.hosts && t.hosts.length > 0 && t.hosts.every((h) => !h.healthy)) return 'down';
  return 'ready';
}

export async function describeTargets(props: {
  models: Pick<ModelService, 'gateway' | 'policy' | 'lastHour'>;
  db: Pick<DataSource, 'query'>;
  node: string;
  now: number;
}): Promise<ModelTargetsAnswer> {
  const { models, db, node, now } = props;
  const policy = models.policy.current();
  const hour = models.lastHour.byTarget();
  const targets = models.gateway.targets().map((t) => ({
    id: t.id,
    provider: t.provider,
    model: t.model,
    location: t.location,
    pool: t.pool,
    state: targetState(t),
    cause: t.cause,
    load: t.load,
    hosts: t.hosts,
    lastHour: hour.get(t.id) ?? { requests: 0, errors: 0, p50Ms: null, p95Ms: null },
  }));
  const limits = [
    ...(policy.budgets.cloudRequests ? [{ kind: 'requests' as const, ...policy.budgets.cloudRequests }] : []),
    ...(policy.budgets.cloudTokens ? [{ kind: 'tokens' as const, ...policy.budgets.cloudTokens }] : []),
  ];
  const { hits, misses } = models.lastHour.cache();
  return {
    node,
    windowSeconds: LAST_HOUR_SECONDS,
    policyHash: policy.hash,
    targets,
    budgets: { limits, use: await budgetsInUse(db, policy.budgets, now) },
    answerCache: { hits, misses, hitRate: hits + misses > 0 ? hits / (hits + misses) : null },
  };
}
