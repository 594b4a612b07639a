// API keys for the OpenAI-compatible endpoint: shown once at creation, stored as a SHA-256,
// revocable, and every issue and revocation is on the audit record. A key's allow_cloud plays the
// part a visitor's cloud consent plays in chat.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import { z } from 'zod';
import { appendAudit } from '../audit/append.ts';
import { returnedRows } from '../db/results.ts';
import { refreshingValue } from './refreshing.ts';

export const CreateApiKey = z.object({ name: z.string().trim().min(1).max(100), allowCloud: z.boolean().default(false) });
export type CreateApiKey = z.infer<typeof CreateApiKey>;

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  allowCloud: boolean;
  createdBy: string;
  createdAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

type Actor = { type: 'staff' | 'system'; id: string };

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');
const COLUMNS = `id, name, prefix, allow_cloud AS "allowCloud", created_by AS "createdBy", created_at AS "createdAt", revoked_at AS "revokedAt",
  last_used_at AS "lastUsedAt"`;

export async function createApiKey(props: { tx: EntityManager; actor: Actor; input: CreateApiKey; requestId?: string }): Promise<{ key: string; apiKey: ApiKey }> {
  const key = `pal_${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  const [apiKey] = (await props.tx.query(
    `INSERT INTO api_keys (id, name, key_hash, prefix, allow_cloud, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [id, props.input.name, hashKey(key), key.slice(0, 12), props.input.allowCloud, `${props.actor.type}:${props.actor.id}`],
  )) as ApiKey[];
  await appendAudit(props.tx, { actor: props.actor, action: 'api_key.created', resource: { type: 'ApiKey', id }, requestId: props.requestId, details: { allowCloud: props.input.allowCloud } });
  return { key, apiKey: apiKey! };
}

export async function revokeApiKey(props: { tx: EntityManager; actor: Actor; id: string; requestId?: string }): Promise<ApiKey | undefined> {
  const [row] = returnedRows<ApiKey>(await props.tx.query(`UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${COLUMNS}`, [props.id]));
  if (row) await appendAudit(props.tx, { actor: props.actor, action: 'api_key.revoked', resource: { type: 'ApiKey', id: props.id }, requestId: props.requestId });
  return row;
}

export async function listApiKeys(tx: EntityManager): Promise<ApiKey[]> {
  return (await tx.query(`SELECT ${COLUMNS} FROM api_keys ORDER BY created_at, id`)) as ApiKey[];
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
export function apiKeyVerifier(dataSource: DataSource, opts: { ttlMs?: number; now?: () => number } = {}): ApiKeyVerifier {
  const ttlMs = opts.ttlMs ?? API_KEY_CACHE_TTL_MS;
  const cache = new Map<string, () => Promise<ApiKey | undefined>>();
  const lookup = async (hash: string) => {
    // A lookup is also a use (the verifier looks again at most every ttlMs/2 under traffic): the
    // key's last use moves forward, to the minute, in the same statement (written only when older).
    const [row] = (await dataSource.query(
      `WITH used AS (UPDATE api_keys SET last_used_at = now()
                      WHERE key_hash = $1 AND revoked_at IS NULL AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))
       SELECT ${COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL`,
      [hash],
    )) as ApiKey[];
    return row;
  };
  return {
    async verify(key) {
      if (!/^pal_[A-Za-z0-9_-]{43}$/.test(key)) return undefined;
      const hash = hashKey(key);
      let entry = cache.get(hash);
      if (!entry) {
        if (cache.size >= 10_000) cache.clear();
        entry = refreshingValue(() => lookup(hash), { ttlMs: ttlMs / 2, maxStaleMs: ttlMs, ...(opts.now ? { now: opts.now } : {}) });
        cache.set(hash, entry);
      }
      return entry();
    },
    forget: () => cache.clear(),
  };
}
