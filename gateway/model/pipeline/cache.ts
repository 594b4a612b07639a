// The answer cache's two ends: before any model, an exact repeat of a request with no personal
// data is answered from it; after a model, a whole and clean answer is kept for the next repeat.
import { answerKey } from '../answerCache.ts';
import type { ChatMessage } from '../types.ts';
import type { RouteDecision } from '../../routing/decide.ts';
import type { EntityType } from '../../redaction/types.ts';
import type { Ending, Run, Shared } from './state.ts';

/** A key only when nothing personal was found; no knowledge-base version, no cache. */
export async function cacheKeyFor(
  shared: Shared,
  run: Run,
  messages: ChatMessage[],
  counts: Partial<Record<EntityType, number>>,
  decision: RouteDecision,
): Promise<string | undefined> {
  const { deps } = shared;
  if (!shared.answers || !deps.answerCache) return undefined;
  if (Object.values(counts).some((n) => (n ?? 0) > 0)) return undefined;
  let knowledgeVersion: string;
  try {
    knowledgeVersion = await deps.answerCache.knowledgeVersion();
  } catch {
    run.log('gateway.cache_unavailable', { reason: 'knowledge_version' });
    return undefined;
  }
  const { req } = run;
  return answerKey({
    messages,
    knowledgeVersion,
    decision,
    cloudAllowed: req.cloudAllowed,
    site: req.site,
    maxTokens: req.maxTokens,
  });
}

/** The cached answer, sent as a target's would be; undefined on a miss (or no key: `off`). */
export async function fromCache(shared: Shared, run: Run, key: string | undefined): Promise<Ending | undefined> {
  const cached = key ? await shared.answers?.get(key) : undefined;
  if (key) run.record.cache = cached ? 'hit' : 'miss';
  if (!cached) return undefined;
  Object.assign(run.record, {
    provider: cached.provider,
    model: cached.model,
    targetId: cached.targetId,
    outputEntities: 0,
  });
  run.out.event({ type: 'target', targetId: cached.targetId, provider: cached.provider, model: cached.model });
  run.out.event({ type: 'delta', text: cached.text });
  return { outcome: 'answered', usage: { tokensIn: 0, tokensOut: 0 }, finishReason: 'stop' };
}
