// What the pipeline's steps share: the gateway's own state (one per gateway, shared by its
// requests) and one request's (its caller, its sink, the policy it started under, its audit record).
import { createAnswerCache, sharedAnswerCache, type AnswerCache } from '../answerCache.ts';
import { systemClock, type Clock } from '../clock.ts';
import type { ChatRequest, ChatSink, Fallback, GatewayDeps, LogSink, ModelRequestAudit } from '../contract.ts';
import type { FailureCause } from '../errors.ts';
import { createRedactionMemo, type RedactionMemo } from '../redactionMemo.ts';
import type { Usage } from '../types.ts';
import { budgetKeyFor, createBudgets, type Budgets } from '../../routing/budget.ts';
import { createCooldowns, type Cooldowns } from '../../routing/cooldown.ts';
import type { RoutingPolicy } from '../../routing/policy.ts';

export interface Shared {
  deps: GatewayDeps;
  clock: Clock;
  log: LogSink;
  answers: AnswerCache | undefined;
  memo: RedactionMemo;
  budgets: Budgets;
  cooldowns: Cooldowns;
  /** requests that fell back since start, by cause */
  fallbacks: Partial<Record<FailureCause, number>>;
}

export interface Run {
  req: ChatRequest;
  out: ChatSink;
  signal: AbortSignal;
  /** the policy the request started under (a reload applies to the next one) */
  policy: RoutingPolicy;
  /** the request's audit record, filled in as the steps go */
  record: ModelRequestAudit;
  /** ids and counts, with the request's own id */
  log: LogSink;
  /** this request, to the cooldowns (a probe it holds; its failures counted once) */
  token: object;
  budgetKey: string;
}

/** How a request ends: the one `end` event the pipeline sends, and the record's outcome. */
export interface Ending {
  outcome: 'answered' | 'human' | 'blocked';
  usage: Usage;
  finishReason: 'stop' | 'length' | null;
  reason?: string;
  /** an answer from further down the chain than its first usable target */
  fallback?: Fallback;
}

/** An ending with no model's answer: nothing used, no finish. */
export const refused = (outcome: 'human' | 'blocked', reason: string | undefined, tokensIn = 0): Ending => ({
  outcome,
  usage: { tokensIn, tokensOut: 0 },
  finishReason: null,
  ...(reason !== undefined ? { reason } : {}),
});

export function createShared(deps: GatewayDeps): Shared {
  const clock = deps.clock ?? systemClock;
  return {
    deps,
    clock,
    log: deps.log ?? (() => undefined),
    answers: !deps.answerCache
      ? undefined
      : deps.answerCache.shared
        ? sharedAnswerCache(deps.answerCache.shared, deps.answerCache.ttlMs)
        : createAnswerCache({ ...deps.answerCache, now: clock.now }),
    memo: createRedactionMemo(),
    budgets: deps.budgets ?? createBudgets(clock.now),
    cooldowns: createCooldowns({
      failures: () => deps.policy().cooldown.failures,
      seconds: () => deps.policy().cooldown.seconds,
      now: clock.now,
    }),
    fallbacks: {},
  };
}

/** A request's state as it enters the pipeline, with a fresh audit record. */
export function startRun(shared: Shared, req: ChatRequest, out: ChatSink): Run {
  const policy = shared.deps.policy();
  const log: LogSink = req.requestId
    ? (event, fields) => shared.log(event, { ...fields, requestId: req.requestId! })
    : shared.log;
  return {
    req,
    out,
    policy,
    log,
    signal: req.signal ?? new AbortController().signal,
    record: {
      request: { requestId: req.requestId, caller: req.caller, conversationId: req.conversationId },
      provider: null,
      model: null,
      targetId: null,
      route: 'human',
      ruleId: '-',
      policyHash: policy.hash,
      entityCounts: {},
      tokensIn: 0,
      tokensOut: 0,
      latencyMs: 0,
      firstTokenMs: null,
      attempts: 0,
      outcome: 'failed',
      outputEntities: null,
      cache: 'off',
      budget: null,
      context: null,
      fallback: null,
    },
    token: {},
    budgetKey: budgetKeyFor(req.site, req.caller),
  };
}
