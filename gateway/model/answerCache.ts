// Exact-match answers for repeated questions. Only a request in which redaction found no personal
// data may be cached or served, so no visitor's data is ever held here or handed to another caller.
// The key is the normalised redacted conversation + the knowledge-base version + the route (policy
// hash, rule, chain) + the caller's cloud permission and site: an edit to the knowledge base, a new
// policy or a caller allowed a different route never sees another's answer.
import { createHash } from 'node:crypto';
import type { RouteDecision } from '../routing/decide.ts';
import type { ProviderName } from '../providers/types.ts';
import type { ChatMessage } from './types.ts';

export interface AnswerCacheOptions {
  ttlMs: number;
  /** entries kept; the oldest goes first */
  maxEntries?: number;
}

export interface CachedAnswer {
  text: string;
  targetId: string;
  provider: ProviderName;
  model: string;
}

export interface AnswerKeyParts {
  messages: ChatMessage[];
  knowledgeVersion: string;
  decision: RouteDecision;
  cloudAllowed: boolean;
  site: string | undefined;
  maxTokens: number | undefined;
}

export interface AnswerCache {
  get(key: string): CachedAnswer | undefined | Promise<CachedAnswer | undefined>;
  set(key: string, answer: CachedAnswer): void;
}

/**
 * A cache kept outside the process (the server's Redis, shared by every node): the gateway hands it
 * only answers to requests with no personal data, under the same key. Its failures are misses.
 */
export interface SharedAnswerStore {
  get(key: string): Promise<CachedAnswer | undefined>;
  set(key: string, answer: CachedAnswer, ttlMs: number): void;
}

/** The shared store behind the AnswerCache contract. */
export function sharedAnswerCache(store: SharedAnswerStore, ttlMs: number): AnswerCache {
  return { get: (key) => store.get(key).catch(() => undefined), set: (key, answer) => store.set(key, answer, ttlMs) };
}

/** Case, Unicode form and runs of white space do not make a question different. */
export const normaliseQuestion = (text: string): string =>
  text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();

export function answerKey(p: AnswerKeyParts): string {
  const parts = [
    p.knowledgeVersion,
    p.decision.policyHash,
    p.decision.ruleId,
    p.decision.action,
    p.decision.chain.map((t) => t.id).join(','),
    p.cloudAllowed ? 'cloud' : 'local',
    p.site ?? '',
    String(p.maxTokens ?? ''),
    ...p.messages.map((m) => `${m.role}:${normaliseQuestion(m.content)}`),
  ];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export function createAnswerCache(opts: AnswerCacheOptions & { now: () => number }): AnswerCache {
  const maxEntries = opts.maxEntries ?? 10_000;
  const entries = new Map<string, { answer: CachedAnswer; expires: number }>();
  return {
    get(key) {
      const hit = entries.get(key);
      if (!hit) return undefined;
      if (hit.expires <= opts.now()) {
        entries.delete(key);
        return undefined;
      }
      return hit.answer;
    },
    set(key, answer) {
      entries.delete(key);
      entries.set(key, { answer, expires: opts.now() + opts.ttlMs });
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
  };
}
