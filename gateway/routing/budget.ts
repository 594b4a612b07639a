// Cloud budgets per site (or per caller where no site is named): tokens and requests per window,
// as data in routing.yaml. Over budget, cloud targets are left out of the chain and the next
// allowed target answers; a budget never adds a target, so it can only move a request off the cloud.
// The counters live behind this interface: in the process (createBudgets: one gateway, reset on
// restart) or in the database (server/models/budgets.ts: shared by every node, kept across restarts).
import type { CloudBudgets } from './policy.ts';

/** why a cloud target was skipped: a spent budget, or a budget that could not be read (fail closed) */
export type BudgetExceeded = 'cloud_tokens' | 'cloud_requests' | 'budget_unavailable';

export interface Budgets {
  /**
   * Before a cloud call: the budget it would break (nothing is counted then), or undefined, and
   * the call is counted against the request limit in the same step, so two nodes cannot both take
   * the last one. Tokens are charged after the call (spendTokens): calls under way together may
   * pass the token limit by what they use.
   */
  reserveCloudCall(
    key: string,
    limits: CloudBudgets,
  ): Promise<Exclude<BudgetExceeded, 'budget_unavailable'> | undefined>;
  /** a cloud call ended having used these tokens (in + out) */
  spendTokens(key: string, limits: CloudBudgets, tokens: number): Promise<void>;
}

/** whether a policy's budgets need counting at all */
export const hasBudgets = (limits: CloudBudgets) => Boolean(limits.cloudTokens || limits.cloudRequests);

/**
 * Before a cloud call: reserves it where the policy sets budgets, and answers the budget that keeps
 * it off the cloud, if any. A store that fails is read as spent: fail closed.
 */
export async function reserveCloud(
  budgets: Budgets,
  key: string,
  limits: CloudBudgets,
): Promise<BudgetExceeded | undefined> {
  if (!hasBudgets(limits)) return undefined;
  try {
    return await budgets.reserveCloudCall(key, limits);
  } catch {
    return 'budget_unavailable';
  }
}

/** The start of the fixed window holding `now` (simple to explain to an auditor: "at most N per hour, counted from the hour"). */
export const windowStart = (now: number, seconds: number) => Math.floor(now / (seconds * 1000)) * seconds * 1000;

/**
 * After a cloud call: charges its tokens (in + out) without holding up the answer's end; `failed`
 * hears of a charge the store never took.
 */
export function chargeCloud(
  budgets: Budgets,
  key: string,
  limits: CloudBudgets,
  tokens: number,
  failed: (tokens: number) => void,
): void {
  if (limits.cloudTokens) budgets.spendTokens(key, limits, tokens).catch(() => failed(tokens));
}

/**
 * A site's budget, else the API key's (or staff member's); visitors without a site share one. A
 * budget key is stored (server/models/budgets.ts), so it never names a visitor.
 */
export function budgetKeyFor(site: string | undefined, caller: { type: string; id: string } | undefined): string {
  return site ? `site:${site}` : caller && caller.type !== 'visitor' ? `${caller.type}:${caller.id}` : 'anonymous';
}

interface Window {
  start: number;
  used: number;
}

/** In this process: one gateway's counters, reset on restart. */
export function createBudgets(now: () => number): Budgets {
  const windows = new Map<string, Window>();
  const windowFor = (name: string, key: string, seconds: number): Window => {
    const start = windowStart(now(), seconds);
    const id = `${name}\u0000${key}`;
    let w = windows.get(id);
    if (!w || w.start !== start) {
      w = { start, used: 0 };
      windows.set(id, w);
    }
    return w;
  };
  return {
    async reserveCloudCall(key, limits) {
      // The request budget first, as the database's statement checks them.
      if (
        limits.cloudRequests &&
        windowFor('requests', key, limits.cloudRequests.windowSeconds).used >= limits.cloudRequests.limit
      )
        return 'cloud_requests';
      if (
        limits.cloudTokens &&
        windowFor('tokens', key, limits.cloudTokens.windowSeconds).used >= limits.cloudTokens.limit
      )
        return 'cloud_tokens';
      if (limits.cloudRequests) windowFor('requests', key, limits.cloudRequests.windowSeconds).used += 1;
      return undefined;
    },
    async spendTokens(key, limits, tokens) {
      if (limits.cloudTokens) windowFor('tokens', key, limits.cloudTokens.windowSeconds).used += tokens;
    },
  };
}
