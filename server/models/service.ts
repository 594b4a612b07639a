// Builds the model gateway from the server's settings: one client per configured provider, the
// routing policy (watched), the redaction engine, and an audit sink that group-commits the
// `model.request` events (the call itself holds no transaction open; see auditBatch.ts).
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createGateway, type Gateway, type ModelRequestAudit, type ProviderName } from '../../gateway/index.ts';
import { type ModelClient, ModelFileError, providers } from '../../gateway/providers/index.ts';
import {
  createDefaultRedactionEngine,
  createOutputMaskers,
  createOutputScanner,
  inProcessAnalyzers,
  type VaultStore,
} from '../../gateway/redaction/index.ts';
import type { AuditEventInput } from '../audit/event.ts';
import type { Infra } from '../infra.ts';
import { deriveKey } from '../keys.ts';
import { redisAnswerStore } from '../cluster/answerStore.ts';
import { onKnowledgeChange } from '../knowledge/changes.ts';
import { knowledgeFor } from '../knowledge/source.ts';
import { selectKnowledgeVersion } from '../knowledge/store/passages.ts';
import { privacyCtx } from '../privacy/deps.ts';
import { vaultStore } from '../privacy/store/conversations.ts';
import { DbVaultStore } from '../privacy/vaultStore.ts';
import { loadRedactionPolicy, POLICIES_DIR } from '../policies.ts';
import { apiKeyVerifier, type ApiKeyVerifier } from './apiKeys.ts';
import { databaseBudgets } from './budgets.ts';
import { auditBatcher } from './auditBatch.ts';
import type { ModelObserver } from './observer.ts';
import { callRecords } from './callRecords.ts';
import { lastHour, type LastHour } from './lastHour.ts';
import { refreshingValue } from './refreshing.ts';
import { poolClients, poolsChanged } from './pools.ts';
import { watchRoutingPolicy, type RoutingPolicySource } from './routingPolicy.ts';

/** Output scans remembered (hash of the output → count), oldest forgotten first. */
const SCAN_MEMO_ENTRIES = 10_000;

export type { ModelObserver } from './observer.ts';

export interface ModelService {
  gateway: Gateway;
  policy: RoutingPolicySource;
  /** each target's requests, latency and failures on this node in the last hour (the admin's screen) */
  lastHour: LastHour;
  apiKeys: ApiKeyVerifier;
  /** resolves true once every model.request record queued so far is committed (false at the timeout): readers of the audit log wait for it */
  auditSettled(timeoutMs: number): Promise<boolean>;
  /** false while model.request records cannot be written (no model is asked then) */
  auditWritable(): boolean;
  close(): Promise<void>;
}

export function auditDetails(e: ModelRequestAudit): Record<string, string | number | boolean | null> {
  const details: Record<string, string | number | boolean | null> = {
    provider: e.provider,
    model: e.model?.replace(/[^A-Za-z0-9_.:@/-]/g, '_').slice(0, 128) || null,
    target: e.targetId,
    route: e.route,
    rule: e.ruleId === '-' ? null : e.ruleId,
    policyHash: e.policyHash,
    tokensIn: e.tokensIn,
    tokensOut: e.tokensOut,
    latencyMs: e.latencyMs,
    firstTokenMs: e.firstTokenMs,
    attempts: e.attempts,
    outcome: e.outcome,
    failure: e.failure ?? null,
    outputEntities: e.outputEntities,
    outputMasked: e.outputMasked ?? null,
    cache: e.cache,
    budget: e.budget,
    // The chain fell back: the target passed over, why (its failure class, or `cooldown`) and what lay under it.
    fallbackFrom: e.fallback?.from ?? null,
    fallbackFailure: e.fallback?.failure ?? null,
    cause: e.fallback?.cause ?? null,
    // Fitted to the answering target's window: how much of the conversation it was sent (null: no window).
    contextTokens: e.context?.contextTokens ?? null,
    turnsDropped: e.context?.turnsDropped ?? null,
    turnsSummarised: e.context?.turnsSummarised ?? null,
    instructionsCut: e.context?.instructionsCut ?? null,
  };
  for (const [type, n] of Object.entries(e.entityCounts)) details[`entities_${type}`] = n ?? 0;
  return details;
}

/** Answers cached for requests with no personal data; a knowledge-base edit changes the version. */
const ANSWER_CACHE_TTL_MS = 10 * 60_000;

/**
 * The knowledge base's version read at most once per `ttlMs` (two table scans per request were the
 * gateway's largest database cost): an edit reaches the answer cache's keys within that time.
 */
export function knowledgeVersionReader(
  dataSource: Pick<DataSource, 'query'>,
  ttlMs = 1_000,
  changed?: (listener: () => void) => void,
): () => Promise<string> {
  const make = () => refreshingValue(() => knowledgeVersion(dataSource), { ttlMs, maxStaleMs: 10 * ttlMs });
  let read = make();
  // A change announced on any node (server/knowledge/changes.ts): the next request reads the version anew.
  changed?.(() => void (read = make()));
  return () => read();
}

/** The knowledge base's state as one string: every publish, edit or import moves it. */
export const knowledgeVersion = (dataSource: Pick<DataSource, 'query'>): Promise<string> =>
  selectKnowledgeVersion(dataSource);

/**
 * Conversation vaults in the database, encrypted under the subject's key: each load and save is a
 * short transaction of its own (the gateway calls them between model calls, never inside another
 * transaction), so placeholders keep their numbers across turns and restarts.
 */
export function databaseVaults(deps: Pick<Infra, 'db' | 'config' | 'secrets' | 'now'>): VaultStore {
  const run = <T>(fn: (store: DbVaultStore) => Promise<T>) =>
    deps.db.dataSource.transaction((tx) =>
      fn(new DbVaultStore(privacyCtx(deps, tx, { type: 'system', id: 'gateway' }))),
    );
  return {
    // Most conversations never get a vault (nothing personal was said): one plain query says so
    // without a transaction; reading one is audited, so that happens inside one.
    load: async (conversationId) => {
      return (await vaultStore.exists(deps.db.dataSource, conversationId))
        ? run((store) => store.load(conversationId))
        : undefined;
    },
    save: (conversationId, snapshot, expectedRevision) =>
      run((store) => store.save(conversationId, snapshot, expectedRevision)),
  };
}

export function startModelService(deps: Infra, opts: { observe?: ModelObserver } = {}): ModelService {
  const recent = lastHour(() => deps.now().getTime());
  const observers = [recent, ...(opts.observe ? [opts.observe] : [])];
  const observe: ModelObserver = {
    modelRequest: (e) => observers.forEach((o) => o.modelRequest(e)),
    attemptStarted: (e) => observers.forEach((o) => o.attemptStarted(e)),
    log: (event, fields) => observers.forEach((o) => o.log(event, fields)),
  };
  const { config, logger } = deps;
  const dir = config.models.policiesDir ?? POLICIES_DIR;
  const policyFile = path.join(dir, 'routing.yaml');
  const policy = watchRoutingPolicy(policyFile, logger, {
    keeps: (running, next) => poolsChanged(running.pools, next.pools),
  });
  const redactionPolicy = loadRedactionPolicy(path.join(dir, 'redaction.yaml'));
  const m = config.models;
  const llama = m.llama ? providers.llamacpp.create(m.llama) : undefined;
  // Kept-alive connections to model servers: closed here before the server's own idle close, and a
  // request that met one the server had closed is sent again (see gateway/providers/http/fetch.ts).
  const connections = {
    ...m.connections,
    onResend: () => logger.info('gateway.upstream_resent', { cause: 'connection_reset' }),
  };
  const clients: Partial<Record<ProviderName, ModelClient>> = {
    extractive: providers.extractive.create({ knowledge: knowledgeFor(deps.db.dataSource) }),
    ...(m.ollamaHosts.length ? { ollama: providers.ollama.create({ hosts: m.ollamaHosts, connections }) } : {}),
    // A custom base URL may be the bank's own vLLM: the routing policy then says where it runs (a
    // pool in the policy says it for certain); OpenAI's own API is the cloud, behind the egress proxy.
    ...(m.openai
      ? {
          openai: providers.openai.create({
            ...m.openai,
            connections: { ...connections, ...(!m.openai.baseURL && m.cloudProxy ? { proxy: m.cloudProxy } : {}) },
            locations: m.openai.baseURL ? ['local', 'cloud'] : ['cloud'],
          }),
        }
      : {}),
    ...(llama ? { llamacpp: llama } : {}),
  };
  let pools: ReturnType<typeof poolClients>;
  try {
    pools = poolClients(policy.current(), policyFile, m, connections);
  } catch (error) {
    policy.stop();
    throw error;
  }
  const analyzers = deps.analyzers ?? inProcessAnalyzers();
  const scan = createOutputScanner({ analyzer: analyzers.analyzer(), policy: redactionPolicy });
  const scanned = new Map<string, number>();
  const audits = auditBatcher(deps.db.dataSource, {
    log: (event, fields) =>
      event === 'audit.model_request_recovered' ? logger.info(event, fields) : logger.error(event, fields),
  });
  // Queued, not waited for: see auditBatch.ts. A record the queue cannot take is logged by id.
  const record = (event: AuditEventInput) =>
    void audits.append(event).catch((error: unknown) =>
      logger.error('audit.model_request_lost', {
        requestId: event.requestId ?? null,
        failure: error instanceof Error ? error.name : 'unknown',
      }),
    );
  const calls = callRecords({ node: deps.nodeId, append: record });
  const gateway = createGateway({
    clients,
    pools,
    policy: policy.current,
    redaction: createDefaultRedactionEngine({
      policy: redactionPolicy,
      hmacKey: deriveKey(deps.secrets.masterKey, 'redaction-hmac'),
      analyzers,
    }),
    vaults: databaseVaults(deps),
    log: (event, fields) => {
      observe.log(event, fields);
      logger.info(event, fields);
    },
    scanOutput: async (text, lang) => {
      // Knowledge-base answers repeat: the same output is scanned once (the key is a hash, not the text).
      const key = createHash('sha256')
        .update(`${lang ?? ''}\u0000${text}`)
        .digest('base64');
      const known = scanned.get(key);
      if (known !== undefined) return known;
      const result = await scan(text, lang);
      if (!result.ok) return null;
      scanned.set(key, result.total);
      if (scanned.size > SCAN_MEMO_ENTRIES) scanned.delete(scanned.keys().next().value as string);
      return result.total;
    },
    ...(redactionPolicy.output.maskIdentifiers ? { maskOutput: createOutputMaskers({ policy: redactionPolicy }) } : {}),
    answerCache: {
      ttlMs: ANSWER_CACHE_TTL_MS,
      knowledgeVersion: knowledgeVersionReader(deps.db.dataSource, 1_000, (l) => void onKnowledgeChange(deps, l)),
      // With Redis one cache serves every node; otherwise each node keeps its own.
      ...(deps.cluster.redis ? { shared: redisAnswerStore(deps.cluster.redis) } : {}),
    },
    budgets: databaseBudgets(deps.db.dataSource, () => deps.now().getTime()),
    audit: {
      modelRequest: (e) => {
        observe.modelRequest(e);
        record({
          actor: e.request.caller ?? { type: 'system', id: 'gateway' },
          action: 'model.request',
          outcome: e.outcome === 'failed' ? 'failure' : 'success',
          requestId: e.request.requestId,
          details: { ...auditDetails(e), ...calls.ending(e) },
        });
      },
      // On the record before the model is asked: a crash mid-call leaves a start with no end (callRecords.ts).
      attemptStarted: (e) => {
        observe.attemptStarted(e);
        calls.started(e, auditDetails(e));
      },
      writable: () => audits.writable(),
    },
  });
  logger.info('models.ready', {
    providers: Object.keys(clients).length,
    pools: Object.keys(pools).length,
    policyHash: policy.current().hash,
  });
  if (llama) {
    // Loaded now, in the background, not on the first visitor's message: that message does not wait
    // for it, its window is counted with the model's own tokenizer, and a bad file is in the log at
    // start (requests then go on down the chain, as before).
    const started = performance.now();
    llama.ready().then(
      () =>
        logger.info('models.llama_loaded', {
          ms: Math.round(performance.now() - started),
          contextTokens: m.llama!.contextSize,
        }),
      // A ModelFileError says what is wrong with the file (an id, no path); anything else, its name.
      (error: unknown) =>
        logger.error(
          'models.llama_failed',
          error instanceof ModelFileError
            ? { failure: error.code, ggufVersion: error.ggufVersion ?? null }
            : { failure: error instanceof Error ? error.name : 'unknown' },
        ),
    );
  }
  return {
    gateway,
    policy,
    lastHour: recent,
    apiKeys: apiKeyVerifier(deps.db.dataSource),
    auditSettled: (timeoutMs) => audits.settled(timeoutMs),
    auditWritable: () => audits.writable(),
    async close() {
      policy.stop();
      await gateway.close();
      await audits.drain(config.http.shutdownTimeoutMs);
    },
  };
}
