// The visitor chat's abuse limits on the shared counters (server/rateLimits.ts): messages per
// visitor and per address a minute, sessions per address an hour, each as the site's policy sets
// it. With several nodes they count in Redis or PostgreSQL, so two nodes hold one limit, not two.
// Addresses are keyed hashes; a visitor is its pseudonymous subject id.
import { tooManyRequests } from '../errors.ts';
import type { Infra } from '../infra.ts';
import { createLimiter, type Limiter, pseudonymKey } from '../rateLimits.ts';
import type { Site } from './sites.ts';

export interface ChatLimits {
  /** counts a message: 429 rate_limited over the visitor's or the address's limit */
  message(site: Site, subjectId: string, ip: string): Promise<void>;
  /** counts a new session from the address: 429 over the site's ipSessionsPerHour */
  session(site: Site, ip: string): Promise<void>;
}

export function chatLimits(deps: Pick<Infra, 'db' | 'cluster' | 'secrets'>): ChatLimits {
  const keyOf = pseudonymKey(deps.secrets.masterKey);
  const limiters = new Map<string, Limiter>();
  const take = async (name: string, points: number, windowSeconds: number, key: string) => {
    const id = `${name}_${points}_${windowSeconds}`;
    let limiter = limiters.get(id);
    if (!limiter) limiters.set(id, (limiter = createLimiter(deps, { name: id, points, windowSeconds })));
    const wait = await limiter.take(key);
    if (wait > 0) throw tooManyRequests(wait);
  };
  return {
    async message(site, subjectId, ip) {
      await take('chat_visitor', site.limits.visitorMessagesPerMinute, 60, subjectId);
      await take('chat_ip', site.limits.ipMessagesPerMinute, 60, keyOf('ip', `${site.id}\u0000${ip}`));
    },
    session: (site, ip) =>
      take('chat_session', site.limits.ipSessionsPerHour, 3600, keyOf('ip', `${site.id}\u0000${ip}`)),
  };
}
