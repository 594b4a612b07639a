// API keys for the OpenAI-compatible endpoint: shown once at creation, stored as a SHA-256,
// revocable, and every issue and revocation is on the audit record. A key's allow_cloud plays the
// part a visitor's cloud consent plays in chat.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { appendAudit } from '../audit/append.ts';
import { refreshingValue } from './refreshing.ts';
import { type ApiKey, apiKeyStore } from './store.ts';

export const CreateApiKey = z.object({
  name: z.string().trim().min(1).max(100),
  allowCloud: z.boolean().default(false),
});
export type CreateApiKey = z.infer<typeof CreateApiKey>;

export type { ApiKey };

type Actor = { type: 'staff' | 'system'; id: string };

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

export async function createApiKey(props: {
  tx: EntityManager;
  actor: Actor;
  input: CreateApiKey;
  requestId?: string;
}): Promise<{ key: string; apiKey: ApiKey }> {
  const key = `pal_${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  const apiKey = await apiKeyStore.insert(props.tx, {
    id,
    name: props.input.name,
    keyHash: hashKey(key),
    prefix: key.slice(0, 12),
    allowCloud: props.input.allowCloud,
    createdBy: `${props.actor.type}:${props.actor.id}`,
  });
  await appendAudit(props.tx, {
    actor: props.actor,
    action: 'api_key.created',
    resource: { type: 'ApiKey', id },
    requestId: props.requestId,
    details: { allowCloud: props.input.allowCloud },
  });
  return { key, apiKey };
}

export async function revokeApiKey(props: {
  tx: EntityManager;
  actor: Actor;
  id: string;
  requestId?: string;
}): Promise<ApiKey | undefined> {
  const row = await apiKeyStore.revoke(props.tx, props.id);
  if (row)
    await appendAudit(props.tx, {
      actor: props.actor,
      action: 'api_key.revoked',
      resource: { type: 'ApiKey', id: props.id },
      requestId: props.requestId,
    });
  return row;
}

export async function listApiKeys(tx: EntityManager): Promise<ApiKey[]> {
  return apiKeyStore.list(tx);
}

export interface ApiKeyVerifier {
  verify(key: string): Promise<ApiKey | undefined>;
  /** forget cached answers (after a revocation in this process) */
  forget(): void;
}

/** How long a verified key (or an unknown one) is remembered: the bound on a revocation reaching
 *  other nodes, and on this node when the revocation came from elsewhere (the CLI). */
export const API_KEY_CACHE_TTL_MS = 5_000;

/**
 * Looks keys up by hash, remembering answers so a busy caller does not cost a query per request.
 * An answer is refreshed in the background once half of `ttlMs` old, so under steady traffic no
 * request waits on the database (concurrent lookups of one key share one query), and none older
 * than `ttlMs` is ever used: a revocation elsewhere takes effect within ttlMs. `forget()` (a
 * revocation in this process) takes effect at once.
 */
export function apiKeyVerifier(
  dataSource: DataSource,
  opts: { ttlMs?: number; now?: () => number } = {},
): ApiKeyVerifier {
  const ttlMs = opts.ttlMs ?? API_KEY_CACHE_TTL_MS;
  const cache = new Map<string, () => Promise<ApiKey | undefined>>();
  const lookup = (hash: string) => apiKeyStore.live(dataSource, hash);
  return {
    async verify(key) {
      if (!/^pal_[A-Za-z0-9_-]{43}$/.test(key)) return undefined;
      const hash = hashKey(key);
      let entry = cache.get(hash);
      if (!entry) {
        if (cache.size >= 10_000) cache.clear();
        entry = refreshingValue(() => lookup(hash), {
          ttlMs: ttlMs / 2,
          maxStaleMs: ttlMs,
          ...(opts.now ? { now: opts.now } : {}),
        });
        cache.set(hash, entry);
      }
      return entry();
    },
    forget: () => cache.clear(),
  };
}
