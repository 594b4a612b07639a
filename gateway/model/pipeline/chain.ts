// Step 4, choose target: down the route's chain, each target passed over when its provider is not
// configured here, it is resting after failures, the conversation does not fit its window, or
// (cloud) a budget is spent; the first that answers ends the request. A target that failed or was
// resting is the chain's fallback on the record (`fallback`: which, why, what lay under it).
import type { FailureClass } from '../errors.ts';
import type { ChatMessage, ModelClient } from '../types.ts';
import { reserveCloud } from '../../routing/budget.ts';
import type { ChainTarget, RouteDecision } from '../../routing/decide.ts';
import type { Vault } from '../../redaction/vault.ts';
import { fitFor, type Fitted } from './fit.ts';
import { tryTarget } from './retry.ts';
import { refused, type Ending, type Run, type Shared } from './state.ts';

export interface Prepared {
  /** the redacted conversation, and as sent where no window applies (the caller's instructions first) */
  messages: { redacted: ChatMessage[]; withInstructions: ChatMessage[] };
  vault: Vault;
  cacheKey: string | undefined;
}

/** The client a target is sent through: its pool's when it names one, else its provider's. */
export function clientOf(
  deps: Pick<Shared['deps'], 'clients' | 'pools'>,
  target: Pick<ChainTarget, 'provider' | 'pool'>,
): ModelClient | undefined {
  return target.pool !== undefined ? deps.pools?.[target.pool] : deps.clients[target.provider];
}

/** The target's client when it may be asked now, else undefined (and why, in the log and the record). */
function usable(shared: Shared, run: Run, target: ChainTarget): ModelClient | undefined {
  const client = clientOf(shared.deps, target);
  if (!client || !client.locations.includes(target.location)) {
    run.log('gateway.target_unavailable', { target: target.id, configured: Boolean(client) });
    return undefined;
  }
  if (!shared.cooldowns.admit(target.id, run.token)) {
    const cause = shared.cooldowns.cause(target.id) ?? 'unknown';
    run.log('gateway.target_cooling', { target: target.id, cause });
    run.record.fallback ??= { from: target.id, failure: 'cooldown', cause };
    return undefined;
  }
  return client;
}

/**
 * Fitted before a budget is touched: a target whose window the conversation cannot fit is passed
 * over like one that is down (not a failure of the target: no cooldown).
 */
async function fitAndReserve(
  shared: Shared,
  run: Run,
  target: ChainTarget,
  client: ModelClient,
  prepared: Prepared,
): Promise<Fitted & { over?: true }> {
  const fitted = fitFor(run, target, client, prepared.messages);
  if (!fitted.ok) {
    run.log('gateway.context_too_long', {
      target: target.id,
      requiredTokens: fitted.requiredTokens,
      contextTokens: fitted.contextTokens,
    });
    return fitted;
  }
  run.record.context = fitted.fit;
  if (target.location === 'cloud') {
    const over = await reserveCloud(shared.budgets, run.budgetKey, run.policy.budgets);
    if (over) {
      run.record.budget = over;
      run.log('gateway.budget_exceeded', { target: target.id, budget: over });
      return { ...fitted, over: true };
    }
  }
  return fitted;
}

export async function walkChain(
  shared: Shared,
  run: Run,
  decision: RouteDecision,
  prepared: Prepared,
): Promise<Ending> {
  let lastFailure: FailureClass | undefined;
  let tooLong = false;
  for (const target of decision.chain) {
    const client = usable(shared, run, target);
    if (!client) continue;
    const fitted = await fitAndReserve(shared, run, target, client, prepared);
    tooLong ||= !fitted.ok;
    if (!fitted.ok || fitted.over) continue;
    const tried = await tryTarget(shared, run, target, client, fitted.request, prepared.vault, prepared.cacheKey);
    if (tried.ok) return run.record.fallback ? { ...tried.ending, fallback: run.record.fallback } : tried.ending;
    lastFailure = tried.failure;
    run.record.fallback ??= { from: target.id, failure: tried.failure, cause: tried.cause };
  }
  // A model that failed says more than a window that was too small; with neither, nothing was there to ask.
  run.record.failure = lastFailure ? 'all_targets_failed' : tooLong ? 'context_length_exceeded' : undefined;
  const reason = lastFailure
    ? `all_targets_failed:${lastFailure}`
    : tooLong
      ? 'context_length_exceeded'
      : 'no_target_available';
  return refused('human', reason, run.record.tokensIn);
}
