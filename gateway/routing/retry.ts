// Retries per failure class, as data: how many more tries a class earns and how long to wait.
// Rate limits wait what the provider asked (Retry-After), bounded; others back off exponentially.
import type { FailureClass, ProviderError } from '../model/errors.ts';
import type { RetryPolicy } from './policy.ts';

const RETRIED: Partial<Record<FailureClass, keyof Pick<RetryPolicy, 'rateLimit' | 'timeout' | 'serverError'>>> = {
  rate_limit: 'rateLimit',
  timeout: 'timeout',
  server_error: 'serverError',
  unavailable: 'serverError',
};

/** ms to wait before retry number `attempt` (1-based) on the same target, or undefined: move on. */
export function retryDelay(policy: RetryPolicy, error: ProviderError, attempt: number): number | undefined {
  const key = RETRIED[error.failure];
  if (!key || attempt > policy[key]) return undefined;
  if (error.failure === 'rate_limit' && error.retryAfterSeconds !== undefined) {
    const ms = Math.ceil(error.retryAfterSeconds * 1000);
    return ms > policy.maxRetryAfterMs ? undefined : ms;
  }
  return Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1));
}
