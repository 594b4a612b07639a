// What the gateway promises its callers: the request, the events it hands back, the one
// `model.request` audit record per call, and what it needs (GatewayDeps). The pipeline that keeps
// these promises is in gateway.ts and pipeline/.
import type { OutputMasker } from '../redaction/output-mask.ts';
import type { AnswerCacheOptions, SharedAnswerStore } from './answerCache.ts';
import type { FailureCause, FailureClass } from './errors.ts';
import type { ChatMessage, ClientStatus, ModelClient, ProviderName, Usage } from './types.ts';
import type { BudgetExceeded, Budgets } from '../routing/budget.ts';
import type { RouteDecision } from '../routing/decide.ts';
import type { RoutingPolicy, Sensitivity } from '../routing/policy.ts';
import type { RedactionEngine } from '../redaction/engine.ts';
import type { EntityType, Lang } from '../redaction/types.ts';
import type { VaultStore } from '../redaction/vault-store.ts';
import type { Vault } from '../redaction/vault.ts';
import type { Clock } from './clock.ts';

export type { ProviderName };

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
  | {
      type: 'end';
      outcome: 'answered' | 'human' | 'blocked';
      usage: Usage;
      finishReason: 'stop' | 'length' | null;
      reason?: string;
      fallback?: Fallback;
    };

/**
 * The chain fell back: the first target passed over because it failed (after its retries) or was
 * resting after failures (`cooldown`), and what lay under that failure.
 */
export interface Fallback {
  from: string;
  failure: FailureClass | 'cooldown';
  cause: FailureCause;
}

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
  failure?:
    | FailureClass
    | 'redaction_failed'
    | 'all_targets_failed'
    | 'target_not_in_route'
    | 'context_length_exceeded'
    | 'audit_unavailable';
  /** the last target's fit (see ContextFit) */
  context: ContextFit | null;
  outputEntities: number | null;
  /** identifiers the model made up that were masked in what the caller saw (null: masking off) */
  outputMasked?: number | null;
  /** hit: answered from the answer cache, no model called; off: not cacheable (personal data, …) */
  cache: 'hit' | 'miss' | 'off';
  /** a cloud target was skipped because this budget was spent */
  budget: BudgetExceeded | null;
  /** a target that failed or was resting was passed over (null: the chain's first usable target answered) */
  fallback: Fallback | null;
}

export interface AuditSink {
  /** The record of one request, at its end. The gateway waits for what this returns: a sink that
   *  queues its records (the server's) returns at once, and the stream's end does not wait. */
  modelRequest(event: ModelRequestAudit): Promise<void> | void;
  /** false: records cannot be written now (the server's: its database is failing), so no model is asked */
  writable?(): boolean;
  /** Called as each attempt starts, before the model is asked, with the record that modelRequest later gets (the server puts the call on the record here). */
  attemptStarted?(event: ModelRequestAudit): void;
}

/** ids and counts only, like the server's logger */
export type LogSink = (event: string, fields: Record<string, string | number | boolean | null>) => void;

export interface GatewayDeps {
  clients: Partial<Record<ProviderName, ModelClient>>;
  /** the clients of the policy's OpenAI-compatible pools, by pool name (a target with `pool` uses its pool's, never `clients`) */
  pools?: Partial<Record<string, ModelClient>>;
  /** read on every request, so a reloaded policy applies to the next one */
  policy: () => RoutingPolicy;
  redaction: RedactionEngine;
  vaults: VaultStore;
  audit: AuditSink;
  clock?: Clock;
  log?: LogSink;
  /** counts personal data the model produced on its own (raw output, placeholders excluded) */
  scanOutput?: (rawText: string, lang?: Lang) => Promise<number | null>;
  /** a masker per answer: identifiers the model made up are masked before the caller sees them,
   * and values of the conversation's vault the model writes out become their placeholders */
  maskOutput?: (vault?: Vault) => OutputMasker;
  /** exact-match answers for requests with no personal data; the version names the knowledge base's state */
  answerCache?: AnswerCacheOptions & { knowledgeVersion: () => Promise<string>; shared?: SharedAnswerStore };
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

/** A routing target as this gateway sees it now: its client, its rest after failures, its load or hosts. */
export interface TargetHealth {
  id: string;
  provider: ProviderName;
  model: string;
  location: 'local' | 'cloud';
  pool: string | null;
  /** a client for it exists here and may stand for its location */
  configured: boolean;
  /** resting after failures (routing/cooldown.ts): passed over until its probe succeeds */
  cooling: boolean;
  cause: FailureCause | null;
  load: NonNullable<ClientStatus['load']> | null;
  hosts: NonNullable<ClientStatus['hosts']> | null;
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
  /** every target of the policy in force, with what this gateway knows of its health */
  targets(): TargetHealth[];
  /** requests that fell back since start, by the failure's cause */
  fallbacks(): Partial<Record<FailureCause, number>>;
  close(): Promise<void>;
}
