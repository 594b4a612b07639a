// Sign-in throttling, in front of the lockout (which stays: it counts wrong passwords per known
// account). Every attempt counts against its source address and its account name (known or not,
// so the answer never tells which accounts exist) in a fixed window; a success gives its attempt
// back. Over either limit: 429 too_many_attempts with Retry-After, before any password check. The
// checks themselves run in a bounded queue (passwordQueue.ts); a full queue is the same 429.
// Refusals are on the audit record as counts only (`auth.throttled`), one event per second at most.
import { appendAudit } from '../audit/append.ts';
import type { Infra } from '../infra.ts';
import { AppError } from '../errors.ts';
import { createLimiter, pseudonymKey } from '../rateLimits.ts';
import { type PasswordQueue, PasswordQueueFull, passwordQueue } from './passwordQueue.ts';

export const tooManyAttempts = (retryAfterSeconds: number) =>
  new AppError(429, 'too_many_attempts', 'Too many sign-in attempts; wait and try again.', undefined, {
    'Retry-After': String(retryAfterSeconds),
  });

/** How long counts of refusals wait to be written as one audit event. */
const AUDIT_EVERY_MS = 1000;

type Scope = 'address' | 'account' | 'queue';

export interface Admission {
  source: string;
  release(success: boolean): Promise<void>;
}

export interface LoginThrottle {
  /** counts the attempt; throws 429 too_many_attempts when the address or the account is over its limit */
  admit(props: { ip: string; email: string; requestId: string }): Promise<Admission>;
  /** runs the account lookup and password check in the bounded queue; throws 429 too_many_attempts when it is full */
  check<T>(admission: Admission, requestId: string, work: () => Promise<T>): Promise<T>;
  queue: PasswordQueue;
}

export function loginThrottle(deps: Infra): LoginThrottle {
  const t = deps.config.auth.throttle;
  const byAddress = createLimiter(deps, { name: 'login_ip', points: t.ipAttempts, windowSeconds: t.windowSeconds });
  const byAccount = createLimiter(deps, {
    name: 'login_account',
    points: t.accountAttempts,
    windowSeconds: t.windowSeconds,
  });
  const keyOf = pseudonymKey(deps.secrets.masterKey);
  const queue = passwordQueue({ concurrency: t.hashConcurrency, maxQueued: t.hashQueue });

  let pending: Record<Scope, number> = { address: 0, account: 0, queue: 0 };
  let firstRequestId: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = async () => {
    timer = undefined;
    const counts = pending;
    const requestId = firstRequestId;
    pending = { address: 0, account: 0, queue: 0 };
    firstRequestId = undefined;
    try {
      await deps.db.dataSource.transaction((tx) =>
        appendAudit(tx, {
          actor: { type: 'anonymous', id: 'unknown' },
          action: 'auth.throttled',
          outcome: 'denied',
          requestId,
          details: {
            ...counts,
            refused: counts.address + counts.account + counts.queue,
            windowSeconds: t.windowSeconds,
          },
        }),
      );
    } catch (error) {
      deps.logger.warn('auth.throttled_audit_failed', {
        error: error instanceof Error ? error.name : 'unknown',
        refused: counts.address + counts.account + counts.queue,
      });
    }
  };
  const refused = (scope: Scope, requestId: string) => {
    pending[scope] += 1;
    firstRequestId ??= requestId;
    timer ??= setTimeout(() => void flush(), AUDIT_EVERY_MS).unref();
  };

  return {
    queue,
    async admit({ ip, email, requestId }) {
      const addressKey = keyOf('ip', ip);
      const accountKey = keyOf('account', email.trim().toLowerCase());
      const [address, account] = await Promise.all([byAddress.take(addressKey), byAccount.take(accountKey)]);
      if (address) refused('address', requestId);
      if (account) refused('account', requestId);
      if (address || account) throw tooManyAttempts(Math.max(address, account));
      // A full queue refuses at once, before the request reads anything.
      if (!queue.hasRoom(addressKey)) {
        refused('queue', requestId);
        throw tooManyAttempts(1);
      }
      return {
        source: addressKey,
        async release(success) {
          if (success) await Promise.all([byAddress.giveBack(addressKey), byAccount.giveBack(accountKey)]);
        },
      };
    },
    async check(admission, requestId, work) {
      try {
        return await queue.run(admission.source, work);
      } catch (error) {
        if (!(error instanceof PasswordQueueFull)) throw error;
        refused('queue', requestId);
        throw tooManyAttempts(1);
      }
    },
  };
}
