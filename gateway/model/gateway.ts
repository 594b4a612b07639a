// The gateway pipeline: redact → route → provider (retry, fallback, cooldown) → streaming
// rehydrate → output check → deliver. It fails closed: when redaction fails no text goes to any
// model. The audit sink gets one `model.request` record per call with counts, never text.
import { ProviderError, RequestCancelled, asProviderError, type FailureClass } from './errors.ts';
import { answerKey, createAnswerCache, type AnswerCacheOptions } from './answerCache.ts';
import { fitToContext } from './context.ts';
import { createRedactionMemo, type RedactedTurn, type RedactionMemo } from './redactionMemo.ts';
import { runAttempt, type AttemptOutput } from './attempt.ts';
import { readAsGenerator } from './pushed.ts';
import { scanAhead } from './scanAhead.ts';
import type { ChatMessage, ModelClient, ModelRequest, Usage } from './types.ts';
import { budgetKeyFor, chargeCloud, createBudgets, reserveCloud, type BudgetExceeded, type Budgets } from '../routing/budget.ts';
import { createCooldowns } from '../routing/cooldown.ts';
import { decideRoute, type ChainTarget, type RouteDecision } from '../routing/decide.ts';
import type { RoutingPolicy, Sensitivity } from '../routing/policy.ts';
import { retryDelay } from '../routing/retry.ts';
import type { RedactionEngine } from '../redaction/engine.ts';
import type { OutputMasker } from '../redaction/output-mask.ts';
import { createStreamRehydrator } from '../redaction/rehydrate.ts';
import type { EntityType, Lang } from '../redaction/types.ts';
import { Vault } from '../redaction/vault.ts';
import type { VaultStore } from '../redaction/vault-store.ts';
import { sleep, type Clock, systemClock } from './clock.ts';

export type ProviderName = 'llamacpp' | 'ollama' | 'openai' | 'extractive';

export interface ChatRequest {
  messages: ChatMessage[];
  /**
   * The caller's own instructions (a chat's system prompt of public knowledge-base text). Sent
   * first as the system message without redaction: only text the server composed from public
   * sources belongs here, never anything a person typed (the OpenAI-compatible API never sets it).
   */
  instructions?: string;
  /** the conversation whose vault numbers placeholders; absent: a vault for this request only */
  conversationId?: string;
  /** the caller just read that the conversation has no vault yet: none is loaded (a save still checks) */
  noVaultYet?: boolean;
  /** visitor's cloud consent, or the API key's allow_cloud */
  cloudAllowed: boolean;
  site?: string;
  sensitivity?: Sensitivity;
  lang?: Lang;
  maxTokens?: number;
  temperature?: number;
  signal?: AbortSignal;
  /** opaque to the gateway, handed to the audit sink */
  requestId?: string;
  caller?: { type: 'api_key' | 'visitor' | 'staff' | 'system'; id: string };
  /**
   * The one target the caller asked for (an API caller naming a model from /v1/models): only it,
   * and only if the route the policy chose has it in its chain (a cloud target only on a `cloud`
   * route: on a `local` rule the cloud is a fallback); otherwise no model answers (the outcome is
   * `human`, reason `target_not_in_route`). Narrowing never adds a target.
   */
  target?: string;
}

export type ChatOutcome = 'answered' | 'human' | 'blocked' | 'cancelled' | 'failed';

export type ChatEvent =
  | { type: 'route'; decision: RouteDecision }
  | { type: 'target'; targetId: string; provider: ProviderName; model: string }
  | { type: 'delta'; text: string }
  | { type: 'end'; outcome: 'answered' | 'human' | 'blocked'; usage: Usage; finishReason: 'stop' | 'length' | null; reason?: string };

/** How the conversation was fitted into the answering target's window (null: the target has none). */
export interface ContextFit {
  contextTokens: number;
  promptTokens: number;
  turnsDropped: number;
  turnsSummarised: number;
  instructionsCut: boolean;
}

export interface ModelRequestAudit {
  request: Pick<ChatRequest, 'requestId' | 'caller' | 'conversationId'>;
  provider: ProviderName | null;
  model: string | null;
  targetId: string | null;
  route: RouteDecision['action'];
  ruleId: string;
  policyHash: string;
  entityCounts: Partial<Record<EntityType, number>>;
  tokensIn: number;
  tokensOut: number;
  latencyMs: number;
  firstTokenMs: number | null;
  attempts: number;
  outcome: ChatOutcome;
  failure?: FailureClass | 'redaction_failed' | 'all_targets_failed' | 'target_not_in_route' | 'context_length_exceeded' | 'audit_unavailable';
  /** the last target's fit (see ContextFit) */
  context: ContextFit | null;
  outputEntities: number | null;
  /** identifiers the model made up that were masked in what the caller saw (null: masking off) */
  outputMasked?: number | null;
  /** hit: answered from the answer cache, no model called; off: not cacheable (personal data, …) */
  cache: 'hit' | 'miss' | 'off';
  /** a cloud target was skipped because this budget was spent */
  budget: BudgetExceeded | null;
}

export interface AuditSink {
  /** The record of one request, at its end. The gateway waits for what this returns: a sink that
   *  queues its records (the server's) returns at once, and the stream's end does not wait. */
  modelRequest(event: ModelRequestAudit): Promise<void> | void;
  /** false: records cannot be written now (the server's: its database is failing), so no model is asked */
  writable?(): boolean;
}

/** ids and counts only, like the server's logger */
export type LogSink = (event: string, fields: Record<string, string | number | boolean | null>) => void;

export interface GatewayDeps {
  clients: Partial<Record<ProviderName, ModelClient>>;
  /** read on every request, so a reloaded policy applies to the next one */
  policy: () => RoutingPolicy;
  redaction: RedactionEngine;
  vaults: VaultStore;
  audit: AuditSink;
  clock?: Clock;
  log?: LogSink;
  /** counts personal data the model produced on its own (raw output, placeholders excluded) */
  scanOutput?: (rawText: string, lang?: Lang) => Promise<number | null>;
  /** a masker per answer: identifiers the model made up are masked before the caller sees them */
  maskOutput?: () => OutputMasker;
  /** exact-match answers for requests with no personal data; the version names the knowledge base's state */
  answerCache?: AnswerCacheOptions & { knowledgeVersion: () => Promise<string> };
  /** where cloud budgets are counted (the server: its database, shared by every node); default: this process */
  budgets?: Budgets;
}

/**
 * Where stream() hands a request's events, synchronously and in order (each delta as the model's
 * token arrives, with no async step between the provider and the caller).
 */
export interface ChatSink {
  /** false: the caller cannot take more text now; the model's stream is held until `drain` calls back */
  event(event: ChatEvent): boolean | void;
  /** calls `resume` once the caller can take more; needed only where `event` can answer false */
  drain?(resume: () => void): void;
}

export interface Gateway {
  /** the request's events as an async generator; leaving it early cancels the request */
  chat(request: ChatRequest): AsyncGenerator<ChatEvent>;
  /**
   * The same, pushed to `sink`. Settles once the request is over and its audit record handed to
   * the sink; rejects as chat() throws (RequestCancelled, ProviderError after text was delivered).
   */
  stream(request: ChatRequest, sink: ChatSink): Promise<void>;
  /** the targets that can answer here; contextTokens: the window requests are fitted to (absent: none) */
  models(): Promise<{ id: string; provider: ProviderName; location: string; contextTokens?: number }[]>;
  close(): Promise<void>;
}

/**
 * Redacts every message; with a memo (conversations only) earlier turns come from it. `fresh` holds
 * the turns redacted now, for the memo once the vault that numbered them is saved.
 */
async function redactAll(engine: RedactionEngine, messages: ChatMessage[], vault: Vault, lang: Lang | undefined, memo?: { conversationId: string; store: RedactionMemo }) {
  const counts: Partial<Record<EntityType, number>> = {};
  const out: ChatMessage[] = [];
  const fresh: [string, RedactedTurn][] = [];
  for (const m of messages) {
    const key = memo?.store.key(memo.conversationId, lang, m);
    let turn = key ? memo!.store.get(key) : undefined;
    if (!turn) {
      const r = await engine.redact(lang ? { text: m.content, lang, vault } : { text: m.content, vault });
      if (!r.ok) return { ok: false as const, counts, fresh };
      turn = { text: r.text, counts: r.counts };
      if (key) fresh.push([key, turn]);
    }
    for (const [t, n] of Object.entries(turn.counts) as [EntityType, number][]) if (n > 0) counts[t] = (counts[t] ?? 0) + n;
    out.push({ role: m.role, content: turn.text });
  }
  return { ok: true as const, counts, messages: out, fresh };
}

/** A target's window: the smaller of the policy's contextTokens and the client's own, where either is known. */
function windowOf(target: { contextTokens?: number }, client: { tokens: number } | undefined): number | undefined {
  if (target.contextTokens === undefined) return client?.tokens;
  return client === undefined ? target.contextTokens : Math.min(target.contextTokens, client.tokens);
}

/** Events chat() holds before the model's stream is paused (its consumer reads slower than the model writes). */
const QUEUED_EVENTS = 16;

export function createGateway(deps: GatewayDeps): Gateway {
  const clock = deps.clock ?? systemClock;
  const log: LogSink = deps.log ?? (() => undefined);
  const answers = deps.answerCache ? createAnswerCache({ ...deps.answerCache, now: clock.now }) : undefined;
  const memo = createRedactionMemo();
  const budgets = deps.budgets ?? createBudgets(clock.now);
  const cooldowns = createCooldowns({ failures: () => deps.policy().cooldown.failures, seconds: () => deps.policy().cooldown.seconds, now: clock.now });

  /** the request's own id on each of its log lines (the sink's fields are ids and counts) */
  const logFor = (req: ChatRequest): LogSink => (req.requestId ? (event, fields) => log(event, { ...fields, requestId: req.requestId! }) : log);

  async function run(req: ChatRequest, out: ChatSink): Promise<void> {
    const started = clock.now();
    const log = logFor(req);
    const signal = req.signal ?? new AbortController().signal;
    const policy = deps.policy();
    const audit: ModelRequestAudit = {
      request: { requestId: req.requestId, caller: req.caller, conversationId: req.conversationId },
      provider: null, model: null, targetId: null, route: 'human', ruleId: '-', policyHash: policy.hash,
      entityCounts: {}, tokensIn: 0, tokensOut: 0, latencyMs: 0, firstTokenMs: null, attempts: 0, outcome: 'failed', outputEntities: null, cache: 'off', budget: null, context: null,
    };
    const budgetKey = budgetKeyFor(req.site, req.caller);
    try {
      // Fail closed: a call that could not be put on the record is not made.
      if (deps.audit.writable?.() === false) {
        Object.assign(audit, { outcome: 'human', failure: 'audit_unavailable' });
        out.event({ type: 'end', outcome: 'human', usage: { tokensIn: 0, tokensOut: 0 }, finishReason: null, reason: 'audit_unavailable' });
        return;
      }
      const snapshot = req.conversationId && !req.noVaultYet ? await deps.vaults.load(req.conversationId) : undefined;
      const vault = snapshot ? Vault.fromJSON(snapshot) : new Vault();
      const loadedRevision = vault.revision;
      const redacted = await redactAll(deps.redaction, req.messages, vault, req.lang, req.conversationId ? { conversationId: req.conversationId, store: memo } : undefined);
      audit.entityCounts = redacted.counts;
      const decided = decideRoute(policy, {
        entityCounts: redacted.counts, cloudAllowed: req.cloudAllowed, site: req.site,
        sensitivity: req.sensitivity ?? 'normal', redaction: redacted.ok ? 'ok' : 'failed',
      });
      // A caller's named target narrows the chain (and so the answer cache's key); it never widens
      // it, and a cloud target that a `local` rule keeps as a fallback stays a fallback.
      const named = (t: ChainTarget) => t.id === req.target && (t.location !== 'cloud' || decided.action === 'cloud');
      const decision = req.target === undefined ? decided : { ...decided, chain: decided.chain.filter(named) };
      Object.assign(audit, { route: decision.action, ruleId: decision.ruleId, policyHash: decision.policyHash });
      out.event({ type: 'route', decision });
      if (!redacted.ok) audit.failure = 'redaction_failed';
      if (decision.action === 'block' || decision.action === 'human' || !redacted.ok) {
        audit.outcome = decision.action === 'block' ? 'blocked' : 'human';
        const outcome = decision.action === 'block' ? 'blocked' : 'human';
        out.event({ type: 'end', outcome, usage: { tokensIn: 0, tokensOut: 0 }, finishReason: null, reason: decision.overridden ?? decision.ruleId });
        return;
      }
      if (decision.chain.length === 0 && req.target !== undefined) {
        audit.outcome = 'human';
        audit.failure = 'target_not_in_route';
        out.event({ type: 'end', outcome: 'human', usage: { tokensIn: 0, tokensOut: 0 }, finishReason: null, reason: 'target_not_in_route' });
        return;
      }
      // Placeholders are saved before any model sees them, so later turns number the same way.
      if (req.conversationId && vault.revision !== loadedRevision) await deps.vaults.save(req.conversationId, vault.toJSON(), loadedRevision);
      for (const [key, turn] of redacted.fresh) memo.set(key, turn);

      const modelMessages: ChatMessage[] = req.instructions ? [{ role: 'system', content: req.instructions }, ...redacted.messages] : redacted.messages;
      const cacheKey = await cacheKeyFor(req, modelMessages, redacted.counts, decision);
      const cached = cacheKey ? answers?.get(cacheKey) : undefined;
      if (cacheKey) audit.cache = cached ? 'hit' : 'miss';
      if (cached) {
        Object.assign(audit, { provider: cached.provider, model: cached.model, targetId: cached.targetId, outcome: 'answered', outputEntities: 0 });
        out.event({ type: 'target', targetId: cached.targetId, provider: cached.provider, model: cached.model });
        out.event({ type: 'delta', text: cached.text });
        out.event({ type: 'end', outcome: 'answered', usage: { tokensIn: 0, tokensOut: 0 }, finishReason: 'stop' });
        return;
      }

      let lastFailure: FailureClass | undefined;
      let tooLong = false;
      for (const target of decision.chain) {
        const client = deps.clients[target.provider];
        if (!client || !client.locations.includes(target.location)) {
          log('gateway.target_unavailable', { target: target.id, configured: Boolean(client) });
          continue;
        }
        if (cooldowns.isCooling(target.id)) {
          log('gateway.target_cooling', { target: target.id });
          continue;
        }
        // Fitted before a budget is touched: a target whose window the conversation cannot fit is
        // passed over like one that is down (not a failure of the target: no cooldown).
        const fitted = fitFor(target, client, req, { redacted: redacted.messages, withInstructions: modelMessages }, policy);
        if (!fitted.ok) {
          tooLong = true;
          log('gateway.context_too_long', { target: target.id, requiredTokens: fitted.requiredTokens, contextTokens: fitted.contextTokens });
          continue;
        }
        audit.context = fitted.fit;
        if (target.location === 'cloud') {
          const over = await reserveCloud(budgets, budgetKey, policy.budgets);
          if (over) {
            audit.budget = over;
            log('gateway.budget_exceeded', { target: target.id, budget: over });
            continue;
          }
        }
        const result = await tryTarget(target, client, fitted.request, vault, req, signal, policy, audit, cacheKey, budgetKey, out);
        if (result.ok) return;
        lastFailure = result.failure;
      }
      audit.outcome = 'human';
      // A model that failed says more than a window that was too small; with neither, nothing was there to ask.
      audit.failure = lastFailure ? 'all_targets_failed' : tooLong ? 'context_length_exceeded' : undefined;
      const reason = lastFailure ? `all_targets_failed:${lastFailure}` : tooLong ? 'context_length_exceeded' : 'no_target_available';
      out.event({ type: 'end', outcome: 'human', usage: { tokensIn: audit.tokensIn, tokensOut: 0 }, finishReason: null, reason });
    } catch (error) {
      audit.outcome = error instanceof RequestCancelled ? 'cancelled' : 'failed';
      if (error instanceof ProviderError) audit.failure = error.failure;
      throw error;
    } finally {
      if (signal.aborted && audit.outcome === 'failed') audit.outcome = 'cancelled';
      audit.latencyMs = Math.round(clock.now() - started);
      log('gateway.request', { outcome: audit.outcome, route: audit.route, target: audit.targetId, attempts: audit.attempts, latencyMs: audit.latencyMs, tokensOut: audit.tokensOut });
      await deps.audit.modelRequest(audit);
    }
  }

  /**
   * The request for one target: the conversation fitted to its window (the smaller of the policy's
   * contextTokens and the client's own), or how much it would need. No window: sent as it is.
   */
  function fitFor(target: ChainTarget, client: ModelClient, req: ChatRequest, messages: { redacted: ChatMessage[]; withInstructions: ChatMessage[] }, policy: RoutingPolicy) {
    const window = client.contextWindow?.();
    const contextTokens = windowOf(target, window);
    const request: ModelRequest = {
      model: target.model, messages: messages.withInstructions,
      ...(req.maxTokens !== undefined ? { maxTokens: req.maxTokens } : {}),
      ...(req.temperature !== undefined ? { temperature: req.temperature } : {}),
      ...(req.lang ? { lang: req.lang } : {}),
    };
    if (contextTokens === undefined) return { ok: true as const, request, fit: null };
    const answerTokens = req.maxTokens ?? Math.min(policy.context.answerTokens, Math.floor(contextTokens / 4));
    const fit = fitToContext({ instructions: req.instructions || undefined, messages: messages.redacted }, { contextTokens, answerTokens, count: window?.count, summary: policy.context.summary });
    if (!fit.ok) return fit;
    const { turnsDropped, turnsSummarised, instructionsCut, promptTokens } = fit;
    return { ok: true as const, request: { ...request, messages: fit.messages, contextTokens }, fit: { contextTokens, promptTokens, turnsDropped, turnsSummarised, instructionsCut } };
  }

  /** A key only when nothing personal was found; no knowledge-base version, no cache. */
  async function cacheKeyFor(req: ChatRequest, messages: ChatMessage[], counts: Partial<Record<EntityType, number>>, decision: RouteDecision): Promise<string | undefined> {
    if (!answers || !deps.answerCache) return undefined;
    const log = logFor(req);
    if (Object.values(counts).some((n) => (n ?? 0) > 0)) return undefined;
    let knowledgeVersion: string;
    try {
      knowledgeVersion = await deps.answerCache.knowledgeVersion();
    } catch {
      log('gateway.cache_unavailable', { reason: 'knowledge_version' });
      return undefined;
    }
    return answerKey({ messages, knowledgeVersion, decision, cloudAllowed: req.cloudAllowed, site: req.site, maxTokens: req.maxTokens });
  }

  async function tryTarget(
    target: ChainTarget, client: ModelClient, request: ModelRequest, vault: Vault, req: ChatRequest,
    signal: AbortSignal, policy: RoutingPolicy, audit: ModelRequestAudit, cacheKey: string | undefined, budgetKey: string, out: ChatSink,
  ): Promise<{ ok: true } | { ok: false; failure: FailureClass }> {
    const log = logFor(req);
    const drain = out.drain ? (resume: () => void) => out.drain!(resume) : undefined;
    for (let attempt = 1; ; attempt += 1) {
      audit.attempts += 1;
      Object.assign(audit, { provider: target.provider, model: target.model, targetId: target.id });
      out.event({ type: 'target', targetId: target.id, provider: target.provider, model: target.model });
      const attemptStart = clock.now();
      const rehydrator = createStreamRehydrator(vault);
      const scanner = deps.scanOutput ? scanAhead(deps.scanOutput, req.lang) : undefined;
      const masker = deps.maskOutput?.();
      let raw = '';
      let delivered = false;
      // Called as each token arrives, in the provider's own callback: no async step per token.
      const output: AttemptOutput = {
        delta(text) {
          if (!delivered) audit.firstTokenMs = Math.round(clock.now() - attemptStart);
          delivered = delivered || text.length > 0;
          raw += text;
          scanner?.grow(raw);
          const shown = rehydrator.push(masker ? masker.push(text) : text);
          return shown ? out.event({ type: 'delta', text: shown }) : true;
        },
        ...(drain ? { drain } : {}),
      };
      try {
        const end = await runAttempt(client, request, policy.timeouts, signal, output);
        const tail = (masker ? rehydrator.push(masker.end()) : '') + rehydrator.end();
        audit.outputMasked = masker ? masker.count() : null;
        if (tail) out.event({ type: 'delta', text: tail });
        cooldowns.succeeded(target.id);
        audit.tokensIn = end.usage.tokensIn;
        audit.tokensOut = end.usage.tokensOut;
        if (target.location === 'cloud') {
          chargeCloud(budgets, budgetKey, policy.budgets, end.usage.tokensIn + end.usage.tokensOut, (tokens) => log('gateway.budget_spend_failed', { target: target.id, tokens }));
        }
        // Finished sentences were scanned while the answer streamed; what is left is usually
        // the last sentence, scanned at once (a long rest waits a turn: see scanAhead.ts).
        audit.outputEntities = scanner ? await scanner.finish(raw) : null;
        audit.outcome = 'answered';
        // Cached only when the answer is whole, clean (the scan found nothing) and holds no
        // value put back from the vault (no placeholder was rehydrated: shown equals what the model wrote).
        const { restored, unknown } = rehydrator.stats();
        if (cacheKey && answers && end.finishReason === 'stop' && audit.outputEntities === 0 && !audit.outputMasked && restored + unknown === 0 && raw.length > 0) {
          answers.set(cacheKey, { text: raw, targetId: target.id, provider: target.provider, model: target.model });
        }
        out.event({ type: 'end', outcome: 'answered', usage: end.usage, finishReason: end.finishReason });
        return { ok: true };
      } catch (error) {
        if (error instanceof RequestCancelled) throw error;
        const failure = asProviderError(error);
        cooldowns.failed(target.id);
        log('gateway.attempt_failed', { target: target.id, attempt, failure: failure.failure, delivered });
        // Text already reached the caller: another target would repeat or contradict it.
        if (delivered) throw failure;
        const delay = cooldowns.isCooling(target.id) ? undefined : retryDelay(policy.retries, failure, attempt);
        if (delay === undefined) return { ok: false, failure: failure.failure };
        await sleep(clock, delay, signal);
      }
    }
  }

  return {
    // leaving chat() early cancels the run and waits for its audit record
    chat: (req) => readAsGenerator<ChatEvent>(QUEUED_EVENTS, (sink, leave) => run({ ...req, signal: req.signal ? AbortSignal.any([req.signal, leave]) : leave }, sink)),
    stream: run,
    async models() {
      const policy = deps.policy();
      return Object.entries(policy.targets)
        .filter(([, t]) => deps.clients[t.provider]?.locations.includes(t.location))
        .map(([id, t]) => {
          const contextTokens = windowOf(t, deps.clients[t.provider]!.contextWindow?.());
          return { id, provider: t.provider, location: t.location, ...(contextTokens !== undefined ? { contextTokens } : {}) };
        });
    },
    async close() {
      await Promise.all(Object.values(deps.clients).map((c) => c?.close?.()));
    },
  };
}
