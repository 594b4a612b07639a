// Cloud budgets per site (or per caller where no site is named): tokens and requests per window,
// as data in routing.yaml. Over budget, cloud targets are left out of the chain and the next
// allowed target answers; a budget never adds a target, so it can only move a request off the cloud.
import type { CloudBudgets } from './policy.ts';

export type BudgetExceeded = 'cloud_tokens' | 'cloud_requests';

export interface Budgets {
  /** which budget a cloud call would break now, if any */
  exceeded(key: string, limits: CloudBudgets): BudgetExceeded | undefined;
  /** a cloud call begins: it counts against the request limit */
  startCloudCall(key: string, limits: CloudBudgets): void;
  /** a cloud call ended having used these tokens (in + out) */
  spendTokens(key: string, limits: CloudBudgets, tokens: number): void;
}

interface Window {
  start: number;
  used: number;
}

/** Fixed windows (simple to explain to an auditor: "at most N per hour, counted from the hour"). */
export function createBudgets(now: () => number): Budgets {
  const windows = new Map<string, Window>();
  const windowFor = (name: string, key: string, seconds: number): Window => {
    const ms = seconds * 1000;
    const start = Math.floor(now() / ms) * ms;
    const id = `${name}\u0000${key}`;
    let w = windows.get(id);
    if (!w || w.start !== start) {
      w = { start, used: 0 };
      windows.set(id, w);
    }
    return w;
  };
  return {
    exceeded(key, limits) {
      if (limits.cloudRequests && windowFor('requests', key, limits.cloudRequests.windowSeconds).used >= limits.cloudRequests.limit) return 'cloud_requests';
      if (limits.cloudTokens && windowFor('tokens', key, limits.cloudTokens.windowSeconds).used >= limits.cloudTokens.limit) return 'cloud_tokens';
      return undefined;
    },
    startCloudCall(key, limits) {
      if (limits.cloudRequests) windowFor('requests', key, limits.cloudRequests.windowSeconds).used += 1;
    },
    spendTokens(key, limits, tokens) {
      if (limits.cloudTokens) windowFor('tokens', key, limits.cloudTokens.windowSeconds).used += tokens;
    },
  };
}
