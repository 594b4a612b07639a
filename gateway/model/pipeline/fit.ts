// Step 3, fit context: the conversation fitted to one target's window (the smaller of the policy's
// contextTokens and the client's own), or how much it would need. No window: sent as it is.
import type { ContextFit } from '../contract.ts';
import { fitToContext } from '../context.ts';
import type { ChatMessage, ModelClient, ModelRequest } from '../types.ts';
import type { ChainTarget } from '../../routing/decide.ts';
import type { Run } from './state.ts';

/** A target's window: the smaller of the policy's contextTokens and the client's own, where either is known. */
export function windowOf(
  target: { contextTokens?: number },
  client: { tokens: number } | undefined,
): number | undefined {
  if (target.contextTokens === undefined) return client?.tokens;
  return client === undefined ? target.contextTokens : Math.min(target.contextTokens, client.tokens);
}

export type Fitted =
  | { ok: true; request: ModelRequest; fit: ContextFit | null }
  | { ok: false; requiredTokens: number; contextTokens: number };

/** `redacted`: the conversation; `withInstructions`: as sent where no window applies (the caller's instructions first). */
export function fitFor(
  run: Run,
  target: ChainTarget,
  client: ModelClient,
  messages: { redacted: ChatMessage[]; withInstructions: ChatMessage[] },
): Fitted {
  const { req, policy } = run;
  const window = client.contextWindow?.();
  const contextTokens = windowOf(target, window);
  const request: ModelRequest = {
    model: target.model,
    messages: messages.withInstructions,
    ...(req.maxTokens !== undefined ? { maxTokens: req.maxTokens } : {}),
    ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
    ...(req.lang ? { lang: req.lang } : {}),
  };
  if (contextTokens === undefined) return { ok: true, request, fit: null };
  const answerTokens = req.maxTokens ?? Math.min(policy.context.answerTokens, Math.floor(contextTokens / 4));
  const fit = fitToContext(
    { instructions: req.instructions || undefined, messages: messages.redacted },
    { contextTokens, answerTokens, count: window?.count, summary: policy.context.summary },
  );
  if (!fit.ok) return fit;
  const { turnsDropped, turnsSummarised, instructionsCut, promptTokens } = fit;
  return {
    ok: true,
    request: { ...request, messages: fit.messages, contextTokens },
    fit: { contextTokens, promptTokens, turnsDropped, turnsSummarised, instructionsCut },
  };
}
