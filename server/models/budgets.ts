// Cloud budgets counted in the database: every node of an install draws on the same counters, and
// a restart does not give a site its budget back. One row per budget key, kind and window
// (model_budget_usage, migration SharedBudgets). A budget key is a site or an API key's id, never a
// visitor (budgetKeyFor in gateway/routing/budget.ts), so the table holds no personal data and
// needs no audit record. Each step is one statement, and nothing is held between statements:
// - a cloud call is reserved by one statement that checks both limits and counts the call only if
//   neither is spent, so two nodes cannot both take a window's last call;
// - tokens are added after the call, tried again a few times if the database does not take them
//   (a charge lost to a passing fault would give the budget back);
// - a key's windows that have ended are deleted as its new ones begin.
import type { DataSource } from 'typeorm';
import { type Budgets, type CloudBudgets, hasBudgets, windowStart } from '../../gateway/routing/index.ts';
import { preparedQuery } from '../db/prepared.ts';
import { budgetUsage } from './store.ts';

type Queryable = Pick<DataSource, 'query'>;

// $1 key, $2/$3 the requests window's start and limit (null: no request budget), $4/$5 the tokens
// window's start and limit (null: no token budget). Answers one row: which budget is spent, if any,
// the request budget named first where both are. The counts read first may be a moment old; the
// count itself is only raised while it is under the limit, which holds against any other node.
const RESERVE = `
WITH spent AS (
  SELECT CASE
    WHEN $3::bigint IS NOT NULL AND coalesce((SELECT used FROM model_budget_usage WHERE budget_key = $1 AND kind = 'requests' AND window_start = $2::timestamptz), 0) >= $3::bigint THEN 'cloud_requests'
    WHEN $5::bigint IS NOT NULL AND coalesce((SELECT used FROM model_budget_usage WHERE budget_key = $1 AND kind = 'tokens' AND window_start = $4::timestamptz), 0) >= $5::bigint THEN 'cloud_tokens'
  END AS over
), counted AS (
  INSERT INTO model_budget_usage AS u (budget_key, kind, window_start, used)
  SELECT $1, 'requests', $2::timestamptz, 1 FROM spent WHERE $3::bigint IS NOT NULL AND spent.over IS NULL
  ON CONFLICT (budget_key, kind, window_start) DO UPDATE SET used = u.used + 1 WHERE u.used < $3::bigint
  RETURNING used
), ended AS (
  DELETE FROM model_budget_usage
   WHERE budget_key = $1 AND ((kind = 'requests' AND window_start < $2::timestamptz) OR (kind = 'tokens' AND window_start < $4::timestamptz))
)
SELECT coalesce(spent.over, CASE WHEN $3::bigint IS NOT NULL AND NOT EXISTS (SELECT 1 FROM counted) THEN 'cloud_requests' END) AS over
  FROM spent`;

const SPEND = `
INSERT INTO model_budget_usage AS u (budget_key, kind, window_start, used) VALUES ($1, 'tokens', $2::timestamptz, $3)
ON CONFLICT (budget_key, kind, window_start) DO UPDATE SET used = u.used + excluded.used`;

const iso = (ms: number) => new Date(ms).toISOString();

/** Tries of a token charge, the first included; the waits between them double from `retryMs`. */
const SPEND_TRIES = 5;

export function databaseBudgets(db: Queryable, now: () => number = Date.now, opts: { retryMs?: number } = {}): Budgets {
  const retryMs = opts.retryMs ?? 100;
  return {
    async reserveCloudCall(key: string, limits: CloudBudgets) {
      if (!hasBudgets(limits)) return undefined;
      const t = now();
      const requests = limits.cloudRequests;
      const tokens = limits.cloudTokens;
      // A window of a kind with no limit is read as "now": nothing of that kind is kept or deleted.
      const rows = await preparedQuery<{ over: 'cloud_tokens' | 'cloud_requests' | null }[]>(db, RESERVE, [
        key,
        iso(requests ? windowStart(t, requests.windowSeconds) : t),
        requests?.limit ?? null,
        iso(tokens ? windowStart(t, tokens.windowSeconds) : t),
        tokens?.limit ?? null,
      ]);
      return rows[0]?.over ?? undefined;
    },
    async spendTokens(key: string, limits: CloudBudgets, used: number) {
      if (!limits.cloudTokens || !(used > 0)) return;
      // The window of the call's end; a retry that crosses into the next window charges that one.
      const params = [key, iso(windowStart(now(), limits.cloudTokens.windowSeconds)), Math.round(used)];
      for (let attempt = 1; ; attempt += 1) {
        try {
          await preparedQuery(db, SPEND, params);
          return;
        } catch (error) {
          if (attempt >= SPEND_TRIES) throw error;
          await new Promise((resolve) => setTimeout(resolve, retryMs * 2 ** (attempt - 1)));
        }
      }
    },
  };
}

export interface BudgetUseRow {
  key: string;
  kind: 'requests' | 'tokens';
  used: number;
  limit: number;
  windowSeconds: number;
  windowStart: string;
}

/** Budgets with something counted in their current window, most used first (at most `max` rows). */
export async function budgetsInUse(
  db: Queryable,
  limits: CloudBudgets,
  nowMs: number,
  max = 100,
): Promise<BudgetUseRow[]> {
  const kinds = (
    [
      ['requests', limits.cloudRequests],
      ['tokens', limits.cloudTokens],
    ] as const
  ).filter((k): k is ['requests' | 'tokens', NonNullable<(typeof k)[1]>] => k[1] !== undefined);
  const out: BudgetUseRow[] = [];
  for (const [kind, limit] of kinds) {
    const start = iso(windowStart(nowMs, limit.windowSeconds));
    for (const r of await budgetUsage(db, kind, start, max))
      out.push({
        key: r.key,
        kind,
        used: Number(r.used),
        limit: limit.limit,
        windowSeconds: limit.windowSeconds,
        windowStart: start,
      });
  }
  return out;
}
