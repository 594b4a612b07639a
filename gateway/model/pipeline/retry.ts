// Step 4b, attempt with retry: one target, tried again per the policy's retries for the failure's
// class while it is not resting. Failures go to the cooldowns (counted once per request, and not
// when they share a cause with one already counted: see routing/cooldown.ts).
import { runAttempt } from '../attempt.ts';
import { sleep } from '../clock.ts';
import { asProviderError, RequestCancelled, type FailureCause, type FailureClass } from '../errors.ts';
import type { ModelClient, ModelRequest } from '../types.ts';
import { chargeCloud } from '../../routing/budget.ts';
import type { ChainTarget } from '../../routing/decide.ts';
import { retryDelay } from '../../routing/retry.ts';
import type { Vault } from '../../redaction/vault.ts';
import { openDelivery } from './deliver.ts';
import type { Ending, Run, Shared } from './state.ts';

export type Tried = { ok: true; ending: Ending } | { ok: false; failure: FailureClass; cause: FailureCause };

/** One target's answer, or its failure once retries are spent; throws when text already reached the caller. */
export async function tryTarget(
  shared: Shared,
  run: Run,
  target: ChainTarget,
  client: ModelClient,
  request: ModelRequest,
  vault: Vault,
  cacheKey: string | undefined,
): Promise<Tried> {
  const { cooldowns, clock } = shared;
  const { record, signal, policy } = run;
  for (let attempt = 1; ; attempt += 1) {
    record.attempts += 1;
    Object.assign(record, { provider: target.provider, model: target.model, targetId: target.id });
    shared.deps.audit.attemptStarted?.(record);
    run.out.event({ type: 'target', targetId: target.id, provider: target.provider, model: target.model });
    const delivery = openDelivery(shared, run, vault);
    const sent = cooldowns.sent(target.id);
    try {
      const end = await runAttempt(client, request, policy.timeouts, signal, delivery.output);
      delivery.flush();
      cooldowns.succeeded(target.id);
      record.tokensIn = end.usage.tokensIn;
      record.tokensOut = end.usage.tokensOut;
      if (target.location === 'cloud') {
        chargeCloud(shared.budgets, run.budgetKey, policy.budgets, end.usage.tokensIn + end.usage.tokensOut, (tokens) =>
          run.log('gateway.budget_spend_failed', { target: target.id, tokens }),
        );
      }
      await delivery.finish(end, target, cacheKey);
      return { ok: true, ending: { outcome: 'answered', usage: end.usage, finishReason: end.finishReason } };
    } catch (error) {
      if (error instanceof RequestCancelled) throw error;
      const failure = asProviderError(error);
      const delivered = delivery.delivered();
      cooldowns.failed(target.id, { request: run.token, sent, cause: failure.reason });
      run.log('gateway.attempt_failed', {
        target: target.id,
        attempt,
        failure: failure.failure,
        cause: failure.reason,
        delivered,
      });
      // Text already reached the caller: another target would repeat or contradict it.
      if (delivered) throw failure;
      const delay = cooldowns.isCooling(target.id) ? undefined : retryDelay(policy.retries, failure, attempt);
      if (delay === undefined) return { ok: false, failure: failure.failure, cause: failure.reason };
      await sleep(clock, delay, signal);
    }
  }
}
