// Per-API-key limits on /v1 (API_KEY_REQUESTS_PER_MINUTE, API_KEY_TOKENS_PER_MINUTE; 0: none), in
// fixed one-minute windows shared by every node on a PostgreSQL server (server/rateLimits.ts).
// A request over either limit is 429 rate_limit_exceeded with Retry-After, in OpenAI's error shape
// (the error handler adds type, code and param on /v1), so OpenAI's clients back off as they do
// against OpenAI. Tokens are known only when an answer ends: they are counted then, and a key whose
// window's tokens are spent is refused until the window ends.
import type { Middleware } from 'koa';
import type { ChatSink } from '../../gateway/index.ts';
import type { Infra } from '../infra.ts';
import type { AppState } from './context.ts';
import { AppError } from '../errors.ts';
import { createLimiter, type Limiter } from '../rateLimits.ts';
import type { ApiKey } from '../models/apiKeys.ts';

type KeyState = AppState & { apiKey?: ApiKey };

export const rateLimitExceeded = (what: 'requests' | 'tokens', limit: number, retryAfterSeconds: number) =>
  new AppError(
    429,
    'rate_limit_exceeded',
    `Rate limit reached for this API key: ${limit} ${what} per minute; retry after ${retryAfterSeconds} s.`,
    undefined,
    {
      'Retry-After': String(retryAfterSeconds),
    },
  );

export interface ApiKeyLimits {
  /** `auth` followed by the request and token checks for the key it found */
  after(auth: Middleware<KeyState>): Middleware<KeyState>;
  /** the sink, counting the tokens of the answer's end against the request's key */
  metered(ctx: { state: KeyState }, sink: ChatSink): ChatSink;
}

export function apiKeyLimits(deps: Infra): ApiKeyLimits {
  const { requestsPerMinute, tokensPerMinute } = deps.config.apiKeyLimits;
  const requests: Limiter | null =
    requestsPerMinute > 0
      ? createLimiter(deps, { name: 'api_key_requests', points: requestsPerMinute, windowSeconds: 60 })
      : null;
  const tokens: Limiter | null =
    tokensPerMinute > 0
      ? createLimiter(deps, { name: 'api_key_tokens', points: tokensPerMinute, windowSeconds: 60 })
      : null;

  /** token counts still being written, per key: a key's next request on this node waits for them */
  const charging = new Map<string, Promise<unknown>>();

  const check: Middleware<KeyState> = async (ctx, next) => {
    const key = ctx.state.apiKey;
    if (key) {
      await charging.get(key.id);
      const tokensWait = tokens ? await tokens.spent(key.id) : 0;
      if (tokensWait) throw rateLimitExceeded('tokens', tokensPerMinute, tokensWait);
      const requestsWait = requests ? await requests.take(key.id) : 0;
      if (requestsWait) throw rateLimitExceeded('requests', requestsPerMinute, requestsWait);
    }
    await next();
  };

  return {
    after: (auth) => (ctx, next) => auth(ctx, () => check(ctx, next)),
    metered(ctx, sink) {
      const key = ctx.state.apiKey;
      if (!tokens || !key) return sink;
      return {
        event(e) {
          if (e.type === 'end') {
            // at most one window's worth past the limit: the count stays within the column's range
            const used = Math.min(e.usage.tokensIn + e.usage.tokensOut, tokensPerMinute + 1);
            if (used > 0) {
              const counted = Promise.all([charging.get(key.id), tokens.take(key.id, used)])
                .catch((error: unknown) =>
                  deps.logger.warn('api_key.tokens_uncounted', {
                    apiKeyId: key.id,
                    tokens: used,
                    error: error instanceof Error ? error.name : 'unknown',
                  }),
                )
                .finally(() => {
                  if (charging.get(key.id) === counted) charging.delete(key.id);
                });
              charging.set(key.id, counted);
            }
          }
          return sink.event(e);
        },
        ...(sink.drain ? { drain: sink.drain.bind(sink) } : {}),
      };
    },
  };
}
